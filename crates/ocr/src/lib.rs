//! General text reading with PP-OCRv4 (Apache-2.0, from the pinned
//! `rapidocr-onnxruntime` wheel; see `models/manifest.toml`) run through
//! `openkyc-infer`: [`TextDetector`] finds the text lines of an image (the
//! DB detector; its pre- and post-processing are documented on
//! [`boxes_from_probability`] and [`detector_input_size`]), and
//! [`TextRecognizer`] reads one line; [`PageReader`] does both for a whole
//! upright image.
//!
//! # Recognition (matching the wheel's own Python)
//! 1. The line is resized to 48 px high, its width following the aspect
//!    ratio (at least [`MIN_WIDTH`], at most [`MAX_WIDTH`]), bilinear.
//! 2. Channels in BGR order, normalised as `(x / 255 − 0.5) / 0.5`, laid out
//!    `[1, 3, 48, W]`.
//! 3. The model gives per time step a probability over 6 625 classes: CTC
//!    blank, the 6 623 characters of its table (stored in the model's
//!    metadata under `character`, one per line) and a space.
//! 4. Greedy CTC: the most probable class per step, repeats merged, blanks
//!    dropped ([`ctc_greedy`]); the confidence is the mean probability of
//!    the characters kept.
//!
//! It reads Chinese and Latin text. It is not the MRZ reader: on machine
//! readable zones it drops letters in the wide OCR-B spacing and confuses
//! `O`/`0` (`openkyc-mrzocr` exists for that; `docs/EVALUATION-READING.md`
//! measures both on the same line images).

mod detect;
mod page;
mod resize;

pub use detect::{boxes_from_probability, detector_input_size, DbParams, TextBox, TextDetector, MIN_SHORT_SIDE};
pub use page::{crop_box, PageReader, TextLine};

use image::RgbImage;
use openkyc_infer::{ids, InferError, Model, ModelSet, SessionOptions, Tensor};
use thiserror::Error;

/// Input height of the recogniser.
pub const INPUT_HEIGHT: u32 = 48;
/// Narrowest input (a single character).
pub const MIN_WIDTH: u32 = 16;
/// Widest input: longer lines are squeezed (a 44-character MRZ line is
/// about 1 100 px at this height).
pub const MAX_WIDTH: u32 = 3200;

/// Why text could not be recognised.
#[derive(Debug, Error)]
pub enum OcrError {
    /// Loading or running the model failed.
    #[error(transparent)]
    Infer(#[from] InferError),
    /// The model carries no character table.
    #[error("the recogniser has no `character` table in its metadata")]
    NoCharacterTable,
    /// The model's output does not have the expected `[1, T, classes]` shape.
    #[error("unexpected recogniser output shape {0:?} for {1} classes")]
    OutputShape(Vec<usize>, usize),
}

/// Text read from one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Recognized {
    /// The text.
    pub text: String,
    /// Mean probability of the characters kept (0 for no text).
    pub confidence: f32,
    /// Per character of `text`, in order, the probability of the step that
    /// emitted it (a table entry of several characters gives each the same).
    pub char_confidences: Vec<f32>,
    /// Per character of `text`, where along the line it was emitted: the
    /// emitting step's centre as a fraction (0–1) of the line's width.
    pub char_positions: Vec<f32>,
}

/// The PP-OCRv4 recogniser with its character table.
pub struct TextRecognizer {
    model: Model,
    input: String,
    table: Vec<String>,
}

impl std::fmt::Debug for TextRecognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextRecognizer")
            .field("model", &self.model.path())
            .field("classes", &self.table.len())
            .finish()
    }
}

impl TextRecognizer {
    /// Loads the recogniser from the models directory.
    ///
    /// # Errors
    /// [`OcrError`] when the model is missing or unusable.
    pub fn load(models: &ModelSet, options: &SessionOptions) -> Result<Self, OcrError> {
        let model = models.load(ids::PPOCR_V4_REC, options)?;
        let characters = model.metadata("character")?.ok_or(OcrError::NoCharacterTable)?;
        Ok(Self {
            input: input_name(&model),
            model,
            table: character_table(&characters),
        })
    }

    /// Reads one line of text.
    ///
    /// # Errors
    /// [`OcrError`] when the model fails or answers in an unexpected shape.
    pub fn recognize(&mut self, line: &RgbImage) -> Result<Recognized, OcrError> {
        if line.width() == 0 || line.height() == 0 {
            return Ok(Recognized {
                text: String::new(),
                confidence: 0.0,
                char_confidences: Vec::new(),
                char_positions: Vec::new(),
            });
        }
        let tensor = preprocess(line)?;
        let outputs = self.model.run(&[(&self.input, &tensor)])?;
        let probabilities = outputs.first()?;
        let classes = self.table.len();
        match probabilities.shape() {
            [1, steps, c] if *c == classes => Ok(ctc_greedy(probabilities.data(), *steps, &self.table)),
            shape => Err(OcrError::OutputShape(shape.to_vec(), classes)),
        }
    }
}

/// The decoding table from the model's `character` metadata: CTC blank
/// (index 0, the empty string), one entry per line, then a space.
pub fn character_table(metadata: &str) -> Vec<String> {
    let mut table = vec![String::new()];
    table.extend(metadata.lines().map(str::to_owned));
    table.push(" ".to_owned());
    table
}

/// Greedy CTC decoding of `steps × table.len()` probabilities (row-major):
/// the best class per step, repeats merged, blanks dropped.
pub fn ctc_greedy(probabilities: &[f32], steps: usize, table: &[String]) -> Recognized {
    let classes = table.len().max(1);
    let mut text = String::new();
    let mut char_confidences = Vec::new();
    let mut char_positions = Vec::new();
    let (mut sum, mut kept) = (0.0f32, 0usize);
    let mut previous = 0usize;
    for (step, row) in probabilities.chunks(classes).take(steps).enumerate() {
        let (best, p) = row
            .iter()
            .copied()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or((0, 0.0));
        if best != 0 && best != previous {
            if let Some(symbol) = table.get(best) {
                text.push_str(symbol);
                char_confidences.extend(symbol.chars().map(|_| p));
                let position = (step as f32 + 0.5) / steps.max(1) as f32;
                char_positions.extend(symbol.chars().map(|_| position));
                sum += p;
                kept += 1;
            }
        }
        previous = best;
    }
    Recognized {
        text,
        confidence: if kept == 0 { 0.0 } else { sum / kept as f32 },
        char_confidences,
        char_positions,
    }
}

/// The line as the recogniser's input tensor (see the crate docs).
fn preprocess(line: &RgbImage) -> Result<Tensor, InferError> {
    let (w, h) = line.dimensions();
    let width = ((INPUT_HEIGHT as f32 * w as f32 / h.max(1) as f32).round() as u32).clamp(MIN_WIDTH, MAX_WIDTH);
    bgr_tensor(line, width, INPUT_HEIGHT)
}

/// `image` resized (triangle filter) to `width × height` as PP-OCR's models
/// take it: `[1, 3, H, W]`, BGR, `(x / 255 − 0.5) / 0.5` (the detector and
/// the recogniser alike).
pub(crate) fn bgr_tensor(image: &RgbImage, width: u32, height: u32) -> Result<Tensor, InferError> {
    let (w, h) = (width as usize, height as usize);
    let mut data = vec![0.0f32; 3 * w * h];
    resize::resize_into_bgr(image, width, height, &mut data);
    Tensor::new(vec![1, 3, h, w], data)
}

/// The name of a model's first input (`x` in the PP-OCR exports).
pub(crate) fn input_name(model: &Model) -> String {
    model
        .inputs()
        .first()
        .map_or_else(|| "x".to_string(), |i| i.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<String> {
        character_table("A\nB\nC")
    }

    #[test]
    fn the_table_is_blank_lines_space() {
        assert_eq!(table(), ["", "A", "B", "C", " "]);
    }

    #[test]
    fn greedy_ctc_merges_repeats_and_drops_blanks() {
        // Steps: A A blank A B B space C
        let best = [1usize, 1, 0, 1, 2, 2, 4, 3];
        let mut probabilities = vec![0.0f32; best.len() * 5];
        for (step, &class) in best.iter().enumerate() {
            probabilities[step * 5 + class] = 0.9;
            probabilities[step * 5 + (class + 1) % 5] = 0.1;
        }
        let r = ctc_greedy(&probabilities, best.len(), &table());
        assert_eq!(r.text, "AAB C");
        assert!((r.confidence - 0.9).abs() < 1e-6);
        assert_eq!(r.char_confidences, [0.9; 5]);
        // Emitted at steps 0, 3, 4, 6, 7 of 8.
        assert_eq!(
            r.char_positions,
            [0.5 / 8.0, 3.5 / 8.0, 4.5 / 8.0, 6.5 / 8.0, 7.5 / 8.0]
        );
        assert_eq!(ctc_greedy(&[], 0, &table()).text, "");
        // Fewer probabilities than steps: decodes what is there.
        assert_eq!(ctc_greedy(&probabilities[..10], 8, &table()).text, "A");
    }

    #[test]
    fn preprocessing_is_bgr_normalised_and_48_high() {
        let line = RgbImage::from_pixel(96, 24, image::Rgb([255, 0, 51]));
        let t = preprocess(&line).unwrap();
        assert_eq!(t.shape(), &[1, 3, 48, 192]);
        let plane = 48 * 192;
        assert!((t.data()[0] - (-0.6)).abs() < 1e-5, "blue first");
        assert!((t.data()[plane] - (-1.0)).abs() < 1e-5);
        assert!((t.data()[2 * plane] - 1.0).abs() < 1e-5);
        let tiny = preprocess(&RgbImage::new(1, 100)).unwrap();
        assert_eq!(tiny.shape(), &[1, 3, 48, MIN_WIDTH as usize]);
    }
}
