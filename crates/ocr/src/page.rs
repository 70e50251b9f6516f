//! Whole-image reading: the detector's line boxes, each cropped and read by
//! the recogniser.
//!
//! Boxes are axis-aligned, so this reads upright images (the reading stage
//! passes rectified documents); a line is cropped with the box clamped to the
//! image, and a box with nothing inside it is skipped.

use crate::{OcrError, TextBox, TextDetector, TextRecognizer};
use image::{imageops, RgbImage};
use openkyc_infer::{ModelSet, SessionOptions};

/// One line of text found and read.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// Where it is, in the image's pixels.
    pub bbox: TextBox,
    /// What it says.
    pub text: String,
    /// The recogniser's confidence (mean probability of the characters kept).
    pub confidence: f32,
    /// Per character of `text`, the probability it was read with.
    pub char_confidences: Vec<f32>,
    /// Per character of `text`, the x coordinate (image pixels) where the
    /// recogniser emitted it: about the character's centre.
    pub char_x: Vec<f32>,
}

/// The detector and recogniser together.
#[derive(Debug)]
pub struct PageReader {
    /// Finds lines.
    pub detector: TextDetector,
    /// Reads one line.
    pub recognizer: TextRecognizer,
}

impl PageReader {
    /// Loads both models from the models directory.
    ///
    /// # Errors
    /// [`OcrError`] when a model is missing or unusable.
    pub fn load(models: &ModelSet, options: &SessionOptions) -> Result<Self, OcrError> {
        Ok(Self {
            detector: TextDetector::load(models, options)?,
            recognizer: TextRecognizer::load(models, options)?,
        })
    }

    /// Every text line of an upright image, top to bottom, read.
    ///
    /// # Errors
    /// [`OcrError`] when a model fails.
    pub fn read(&mut self, image: &RgbImage) -> Result<Vec<TextLine>, OcrError> {
        let boxes = self.detector.detect(image)?;
        self.read_boxes(image, &boxes)
    }

    /// The lines at `boxes` (in `image`'s pixels), read; empty boxes are
    /// skipped.
    ///
    /// # Errors
    /// [`OcrError`] when the recogniser fails.
    pub fn read_boxes(&mut self, image: &RgbImage, boxes: &[TextBox]) -> Result<Vec<TextLine>, OcrError> {
        let mut lines = Vec::with_capacity(boxes.len());
        for bbox in boxes {
            let Some((crop, left)) = crop_box_at(image, bbox) else {
                continue;
            };
            let read = self.recognizer.recognize(&crop)?;
            let width = crop.width() as f32;
            lines.push(TextLine {
                bbox: *bbox,
                char_x: read.char_positions.iter().map(|f| left + f * width).collect(),
                text: read.text,
                confidence: read.confidence,
                char_confidences: read.char_confidences,
            });
        }
        Ok(lines)
    }
}

/// The pixels inside `bbox`, clamped to the image; `None` when nothing of it
/// is inside.
pub fn crop_box(image: &RgbImage, bbox: &TextBox) -> Option<RgbImage> {
    crop_box_at(image, bbox).map(|(crop, _)| crop)
}

/// [`crop_box`] and the crop's left edge in the image.
fn crop_box_at(image: &RgbImage, bbox: &TextBox) -> Option<(RgbImage, f32)> {
    let clamp_x = |v: f32| (v.max(0.0) as u32).min(image.width());
    let clamp_y = |v: f32| (v.max(0.0) as u32).min(image.height());
    let (x0, y0) = (clamp_x(bbox.x0.floor()), clamp_y(bbox.y0.floor()));
    let (x1, y1) = (clamp_x(bbox.x1.ceil()), clamp_y(bbox.y1.ceil()));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    Some((
        imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image(),
        x0 as f32,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bbox(x0: f32, y0: f32, x1: f32, y1: f32) -> TextBox {
        TextBox {
            x0,
            y0,
            x1,
            y1,
            score: 1.0,
        }
    }

    #[test]
    fn crops_are_clamped_and_empty_boxes_give_none() {
        let image = RgbImage::new(100, 50);
        assert_eq!(
            crop_box(&image, &bbox(10.2, 5.0, 20.5, 15.0)).map(|c| c.dimensions()),
            Some((11, 10))
        );
        assert_eq!(
            crop_box(&image, &bbox(-10.0, -5.0, 500.0, 80.0)).map(|c| c.dimensions()),
            Some((100, 50))
        );
        assert!(crop_box(&image, &bbox(120.0, 0.0, 130.0, 10.0)).is_none());
        assert!(crop_box(&image, &bbox(10.0, 10.0, 10.0, 20.0)).is_none());
        assert!(crop_box(&image, &bbox(f32::NAN, 0.0, f32::NAN, 10.0)).is_none());
        assert!(crop_box(&RgbImage::new(0, 0), &bbox(0.0, 0.0, 1.0, 1.0)).is_none());
    }
}
