//! Presentation-attack signs on a single selfie: a screen's pixel pattern
//! on the face (the capture-quality layer's screen measure, as the precheck
//! applies it to documents). A sign, not proof: it raises
//! `SPOOF_SUSPECTED` for a person to look at, never a rejection on its own.
//!
//! Tried and left out: a document-like outline (the edge of a printed photo,
//! a bezel) framing the face, with `openkyc-docdetect`. On the 45 genuine
//! fixture photos it found an outline around the face in 28 (door frames,
//! hair, shoulders), and missed the paper edge of the fixtures' one
//! re-photographed print.

use image::RgbImage;
use openkyc_face::Face;
use serde::Serialize;

/// What was measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpoofSigns {
    /// Screen-pattern score of the face region (`openkyc-quality`; about
    /// 0–5, higher is more screen-like).
    pub screen_score: f32,
}

/// Thresholds of [`SpoofSigns::findings`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SpoofThresholds {
    /// A screen pattern above this is a sign (the precheck's document
    /// threshold, `max_screen_score` in `config/precheck.toml`; the genuine
    /// fixture faces score 0.015–0.12).
    pub max_screen_score: f32,
}

impl Default for SpoofThresholds {
    fn default() -> Self {
        Self { max_screen_score: 0.2 }
    }
}

impl SpoofSigns {
    /// Measures `face` on `photo` (best at the photo's decoded resolution:
    /// resampling averages a display's pixel grid away).
    pub fn measure(photo: &RgbImage, face: &Face) -> Self {
        let crop = face_region(photo, face);
        Self {
            screen_score: openkyc_quality::screen_pattern_native(&crop).score,
        }
    }

    /// The signs above their thresholds (`"screen"`).
    pub fn findings(&self, thresholds: &SpoofThresholds) -> Vec<&'static str> {
        let mut found = Vec::new();
        if self.screen_score > thresholds.max_screen_score {
            found.push("screen");
        }
        found
    }
}

/// The face box, clamped to the photo.
fn face_region(photo: &RgbImage, face: &Face) -> RgbImage {
    let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
    let (x0, y0) = (clamp(face.bbox[0], photo.width()), clamp(face.bbox[1], photo.height()));
    let (x1, y1) = (clamp(face.bbox[2], photo.width()), clamp(face.bbox[3], photo.height()));
    image::imageops::crop_imm(photo, x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0)).to_image()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_face_box_outside_or_across_the_photo_is_clamped() {
        let photo = RgbImage::new(10, 10);
        let mut face = Face {
            bbox: [-5.0, -5.0, 4.0, 20.0],
            score: 1.0,
            landmarks: [[0.0; 2]; 5],
        };
        assert_eq!(face_region(&photo, &face).dimensions(), (4, 10));
        face.bbox = [f32::NAN, 50.0, f32::INFINITY, 60.0];
        assert_eq!(face_region(&photo, &face).dimensions(), (10, 0));
        assert!(SpoofSigns::measure(&photo, &face)
            .findings(&SpoofThresholds::default())
            .is_empty());
    }
}
