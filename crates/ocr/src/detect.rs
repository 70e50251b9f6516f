//! Text detection with PP-OCRv4's DB (differentiable binarisation)
//! detector, with the wheel's own pre- and post-processing.
//!
//! 1. The image is scaled so that its short side is at least
//!    [`MIN_SHORT_SIDE`] (736; larger images keep their size), each side
//!    rounded to a multiple of 32 ([`detector_input_size`]), BGR,
//!    `(x / 255 − 0.5) / 0.5`.
//! 2. The model gives a text probability per pixel.
//! 3. [`boxes_from_probability`]: pixels above [`DbParams::threshold`] (0.3)
//!    form 4-connected regions; a region is kept when the mean probability
//!    over it reaches [`DbParams::box_threshold`] (0.5) and it is at least
//!    [`DbParams::min_side`] px across. DB marks a shrunk text kernel, so each
//!    kept box is grown by `area × unclip_ratio / perimeter` (1.6) on every
//!    side, as the wheel does with its polygon offset, and mapped back to
//!    the input image.
//!
//! Boxes are axis-aligned: the reading stage gives the detector rectified,
//! upright documents, where text lines are horizontal.

use crate::{bgr_tensor, input_name, OcrError};
use image::RgbImage;
use openkyc_infer::{ids, Model, ModelSet, SessionOptions};

/// The detector input's short side is at least this.
pub const MIN_SHORT_SIDE: u32 = 736;
/// The detector input's sides are multiples of this.
const STRIDE: u32 = 32;
/// The longest input side; larger images are scaled down to it.
const MAX_SIDE: u32 = 2400;

/// DB post-processing parameters (the wheel's defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DbParams {
    /// A pixel is text when its probability is above this.
    pub threshold: f32,
    /// A region is kept when its mean probability reaches this.
    pub box_threshold: f32,
    /// Growth of a kept box: `area × ratio / perimeter` on every side.
    pub unclip_ratio: f32,
    /// Smallest kept region, in probability-map pixels, on either side.
    pub min_side: usize,
}

impl Default for DbParams {
    fn default() -> Self {
        Self {
            threshold: 0.3,
            box_threshold: 0.5,
            unclip_ratio: 1.6,
            min_side: 3,
        }
    }
}

/// A text line found by the detector, in the input image's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Mean text probability over the region.
    pub score: f32,
}

/// The detector input size for a `width × height` image: scaled up until
/// the short side is [`MIN_SHORT_SIDE`] (never down, but for a long side over
/// 2400), each side rounded up to a multiple of 32; `(0, 0)` for an empty
/// image. The input is then BGR, `(x / 255 − 0.5) / 0.5`.
pub fn detector_input_size(width: u32, height: u32) -> (u32, u32) {
    let short = width.min(height);
    if short == 0 {
        return (0, 0);
    }
    let long = width.max(height);
    let mut scale = (MIN_SHORT_SIDE as f32 / short as f32).max(1.0);
    scale = scale.min(MAX_SIDE as f32 / long as f32);
    let side = |v: u32| {
        let scaled = (v as f32 * scale).round() as u32;
        (scaled.div_ceil(STRIDE) * STRIDE).clamp(STRIDE, MAX_SIDE)
    };
    (side(width), side(height))
}

/// The input size with the short side `short_side` (at least 32), each side
/// a multiple of 32, the long side at most 2400; `(0, 0)` for an empty
/// image.
fn input_size_at(width: u32, height: u32, short_side: u32) -> (u32, u32) {
    let short = width.min(height);
    if short == 0 {
        return (0, 0);
    }
    let long = width.max(height);
    let scale = (short_side.max(STRIDE) as f32 / short as f32).min(MAX_SIDE as f32 / long as f32);
    let side = |v: u32| {
        let scaled = (v as f32 * scale).round() as u32;
        (scaled.div_ceil(STRIDE) * STRIDE).clamp(STRIDE, MAX_SIDE)
    };
    (side(width), side(height))
}

/// Text boxes from a `width × height` probability map, mapped to an image
/// `scale.0`, `scale.1` times the map's size. Pixels above
/// [`DbParams::threshold`] form 4-connected regions; a region is kept when
/// its mean probability reaches [`DbParams::box_threshold`] and it is at
/// least [`DbParams::min_side`] across; DB marks a shrunk text kernel, so a
/// kept box grows by `area × unclip_ratio / perimeter` on every side (the
/// wheel's polygon offset, for an axis-aligned box). Sorted top to bottom,
/// then left to right.
pub fn boxes_from_probability(
    map: &[f32],
    width: usize,
    height: usize,
    scale: (f32, f32),
    params: &DbParams,
) -> Vec<TextBox> {
    let mut seen = vec![false; width * height];
    let mut boxes = Vec::new();
    let mut stack = Vec::new();
    for start in 0..(width * height).min(map.len()) {
        if seen[start] || map[start] <= params.threshold {
            continue;
        }
        // One 4-connected region, by an explicit stack (no recursion depth).
        seen[start] = true;
        stack.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        let (mut sum, mut count) = (0.0f32, 0usize);
        while let Some(i) = stack.pop() {
            let (x, y) = (i % width, i / width);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            sum += map.get(i).copied().unwrap_or(0.0);
            count += 1;
            let neighbours = [
                (x > 0).then(|| i - 1),
                (x + 1 < width).then(|| i + 1),
                (y > 0).then(|| i - width),
                (y + 1 < height).then(|| i + width),
            ];
            for n in neighbours.into_iter().flatten() {
                if !seen[n] && map.get(n).is_some_and(|p| *p > params.threshold) {
                    seen[n] = true;
                    stack.push(n);
                }
            }
        }
        let (w, h) = ((x1 + 1 - x0) as f32, (y1 + 1 - y0) as f32);
        let score = sum / count.max(1) as f32;
        if score < params.box_threshold || (x1 + 1 - x0).min(y1 + 1 - y0) < params.min_side {
            continue;
        }
        let grow = w * h * params.unclip_ratio / (2.0 * (w + h));
        let clamp_x = |v: f32| v.clamp(0.0, width as f32) * scale.0;
        let clamp_y = |v: f32| v.clamp(0.0, height as f32) * scale.1;
        boxes.push(TextBox {
            x0: clamp_x(x0 as f32 - grow),
            y0: clamp_y(y0 as f32 - grow),
            x1: clamp_x(x1 as f32 + 1.0 + grow),
            y1: clamp_y(y1 as f32 + 1.0 + grow),
            score,
        });
    }
    boxes.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
    boxes
}

/// PP-OCRv4's text detector.
pub struct TextDetector {
    model: Model,
    input: String,
    params: DbParams,
}

impl std::fmt::Debug for TextDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextDetector")
            .field("model", &self.model.path())
            .field("params", &self.params)
            .finish()
    }
}

impl TextDetector {
    /// Loads the detector from the models directory.
    ///
    /// # Errors
    /// [`OcrError`] when the model is missing or unusable.
    pub fn load(models: &ModelSet, options: &SessionOptions) -> Result<Self, OcrError> {
        let model = models.load(ids::PPOCR_V4_DET, options)?;
        Ok(Self {
            input: input_name(&model),
            model,
            params: DbParams::default(),
        })
    }

    /// The text lines of `image`, top to bottom.
    ///
    /// # Errors
    /// [`OcrError`] when the model fails or answers in an unexpected shape.
    pub fn detect(&mut self, image: &RgbImage) -> Result<Vec<TextBox>, OcrError> {
        let (width, height) = detector_input_size(image.width(), image.height());
        self.detect_sized(image, width, height)
    }

    /// [`detect`](Self::detect) with the model input's short side set to
    /// `short_side` (rounded up to a multiple of 32), up or down: for a
    /// document whose print is large enough to be found at less than the
    /// wheel's 736 px, at a fraction of the cost (the boxes are in
    /// `image`'s pixels either way).
    ///
    /// # Errors
    /// [`OcrError`] when the model fails or answers in an unexpected shape.
    pub fn detect_at(&mut self, image: &RgbImage, short_side: u32) -> Result<Vec<TextBox>, OcrError> {
        let (width, height) = input_size_at(image.width(), image.height(), short_side);
        self.detect_sized(image, width, height)
    }

    fn detect_sized(&mut self, image: &RgbImage, width: u32, height: u32) -> Result<Vec<TextBox>, OcrError> {
        if width == 0 || height == 0 {
            return Ok(Vec::new());
        }
        let tensor = bgr_tensor(image, width, height)?;
        let outputs = self.model.run(&[(&self.input, &tensor)])?;
        let map = outputs.first()?;
        let (w, h) = (width as usize, height as usize);
        if map.shape() != [1, 1, h, w] {
            return Err(OcrError::OutputShape(map.shape().to_vec(), 1));
        }
        let scale = (
            image.width() as f32 / width as f32,
            image.height() as f32 / height as f32,
        );
        Ok(boxes_from_probability(map.data(), w, h, scale, &self.params))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_sizes_follow_the_wheel() {
        assert_eq!(detector_input_size(0, 10), (0, 0));
        // Small images grow until the short side is 736, sides to multiples of 32.
        assert_eq!(detector_input_size(1000, 704), (1056, 736));
        assert_eq!(detector_input_size(100, 50), (1472, 736));
        // Large ones keep their size (rounded up), up to 2400 on the long side.
        assert_eq!(detector_input_size(1600, 1200), (1600, 1216));
        let (w, h) = detector_input_size(5000, 3000);
        assert!(w <= 2400 && w % 32 == 0 && h % 32 == 0, "{w}x{h}");
    }

    #[test]
    fn a_chosen_short_side_scales_up_or_down() {
        assert_eq!(input_size_at(1166, 736, 480), (768, 480));
        assert_eq!(input_size_at(500, 300, 480), (800, 480));
        assert_eq!(input_size_at(0, 300, 480), (0, 0));
        assert_eq!(input_size_at(100, 100, 0), (32, 32));
        let (w, h) = input_size_at(20000, 100, 480);
        assert!(w <= 2400 && h >= 32, "{w}x{h}");
    }

    #[test]
    fn regions_become_grown_boxes_and_weak_or_tiny_ones_are_dropped() {
        let (w, h) = (40usize, 20usize);
        let mut map = vec![0.0f32; w * h];
        // A strong 20 × 4 line at (10, 5).
        for y in 5..9 {
            for x in 10..30 {
                map[y * w + x] = 0.9;
            }
        }
        // A weak region (mean 0.35 < 0.5) and a tiny strong one (2 × 2).
        for y in 12..16 {
            for x in 2..8 {
                map[y * w + x] = 0.35;
            }
        }
        for y in 17..19 {
            for x in 35..37 {
                map[y * w + x] = 0.95;
            }
        }
        let boxes = boxes_from_probability(&map, w, h, (2.0, 2.0), &DbParams::default());
        assert_eq!(boxes.len(), 1, "{boxes:?}");
        let b = boxes[0];
        // Grown by 20·4·1.6 / (2·24) = 2.67 map px, then ×2.
        let grow = 20.0 * 4.0 * 1.6 / 48.0;
        assert!((b.x0 - (10.0 - grow) * 2.0).abs() < 1e-4, "{b:?}");
        assert!((b.y1 - (9.0 + grow) * 2.0).abs() < 1e-4, "{b:?}");
        assert!((b.score - 0.9).abs() < 1e-6);
        assert!(boxes_from_probability(&[], 0, 0, (1.0, 1.0), &DbParams::default()).is_empty());
        // A map shorter than its stated size reads what is there.
        assert_eq!(
            boxes_from_probability(&map[..w * 10], w, h, (1.0, 1.0), &DbParams::default()).len(),
            1
        );
    }
}
