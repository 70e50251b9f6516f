//! What the caller measured on each frame: the input of
//! [`crate::analyse`]. Built by the glue from the face-mesh stage (head
//! pose, eye-blink blend shapes, landmarks), the face descriptor stage
//! (identity distance) and the frame itself (thumbnail).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Side of a [`Thumbnail`], pixels.
pub const THUMBNAIL_SIDE: usize = 32;
/// Pixels in a [`Thumbnail`].
pub const THUMBNAIL_PIXELS: usize = THUMBNAIL_SIDE * THUMBNAIL_SIDE;

/// Indices into MediaPipe FaceMesh's 478 points of skull-fixed places with
/// depth between them, a suggestion for [`FaceObservation::rigid_landmarks`]:
/// nose tip (1), nose ridge (4), nose bridge (6), forehead top (10), the
/// eyes' outer and inner corners (33, 133; 263, 362), upper forehead (151)
/// and between the brows (168). The points must not lie in one plane (the
/// nose tip stands well in front of the eye corners), and none may move
/// with expressions (no lips, jaw, brows or eyelids) or slide along the
/// face's outline when it turns (no contour points). Check the indices
/// against the FaceMesh canonical model before relying on them.
pub const SUGGESTED_FACEMESH_RIGID_INDICES: [usize; 10] = [1, 4, 6, 10, 33, 133, 151, 168, 263, 362];

/// One frame of the sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameObservation {
    /// Time since the sequence's start, ms (must increase frame to frame).
    pub t_ms: u32,
    /// Faces the detector found in the frame.
    pub face_count: u32,
    /// The analysed face (the largest), or `None` when there is none or it
    /// could not be measured.
    pub face: Option<FaceObservation>,
    /// The whole frame, shrunk, for frozen-frame detection; `None` skips
    /// the frame in that check only.
    pub thumbnail: Option<Thumbnail>,
}

/// The measurements of one face in one frame.
///
/// A face with a non-finite pose, eye score or eye distance is treated as
/// absent (the frame counts as "face lost").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceObservation {
    /// Yaw, degrees; > 0 when the nose points toward the image's right
    /// (+x). In an unmirrored frame that is the subject turning to their
    /// own left.
    pub yaw_deg: f32,
    /// Pitch, degrees; > 0 when the nose points up.
    pub pitch_deg: f32,
    /// Roll, degrees; > 0 clockwise in the image.
    pub roll_deg: f32,
    /// How closed the subject's left eye is, 0 (open) to 1 (closed), e.g.
    /// FaceMesh's `eyeBlinkLeft` blend shape. Values outside 0..1 are
    /// clamped.
    pub eye_closed_left: f32,
    /// How closed the subject's right eye is (`eyeBlinkRight`).
    pub eye_closed_right: f32,
    /// The same skull-fixed points in the same order in every frame, image
    /// pixels (see [`SUGGESTED_FACEMESH_RIGID_INDICES`]); at least
    /// [`crate::MIN_RIGID_LANDMARKS`] for the replayed-still check, which
    /// skips frames with fewer or with a count other than the reference
    /// frame's.
    pub rigid_landmarks: Vec<[f32; 2]>,
    /// Distance between the eye centres, image pixels: the scale the
    /// landmark residuals are measured in.
    pub eye_distance_px: f32,
    /// Descriptor distance of this face to the sequence's reference face
    /// (e.g. dlib's, as `openkyc-faceembed` computes it), for the frames
    /// the caller chose to embed; `None` elsewhere.
    pub identity_distance: Option<f32>,
    /// The face-mesh model's face presence score, 0..1 (reported only).
    pub presence: f32,
}

impl FaceObservation {
    /// Whether every number the analysis reads is finite.
    pub(crate) fn is_measurable(&self) -> bool {
        [
            self.yaw_deg,
            self.pitch_deg,
            self.roll_deg,
            self.eye_closed_left,
            self.eye_closed_right,
        ]
        .iter()
        .all(|value| value.is_finite())
            && self.eye_distance_px.is_finite()
    }
}

/// A frame shrunk to [`THUMBNAIL_SIDE`] × [`THUMBNAIL_SIDE`] grey pixels
/// (row-major, 0..255), enough to tell a frame from its successor and
/// small enough to keep per frame. Build it with
/// [`Thumbnail::from_grey`] (area averaging, as the thresholds were
/// measured with) or from pixels of your own with [`Thumbnail::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "Vec<u8>", try_from = "Vec<u8>")]
pub struct Thumbnail {
    pixels: Vec<u8>,
}

/// A thumbnail could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ThumbnailError {
    /// [`Thumbnail::new`] needs exactly [`THUMBNAIL_PIXELS`] pixels.
    #[error("a thumbnail has {THUMBNAIL_PIXELS} pixels, not {0}")]
    WrongSize(usize),
    /// The source image has no pixels, or fewer than its size says.
    #[error("grey image {width}x{height} with {len} bytes")]
    BadImage {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
        /// Bytes given.
        len: usize,
    },
}

impl TryFrom<Vec<u8>> for Thumbnail {
    type Error = ThumbnailError;

    fn try_from(pixels: Vec<u8>) -> Result<Self, Self::Error> {
        Self::new(pixels)
    }
}

impl From<Thumbnail> for Vec<u8> {
    fn from(thumbnail: Thumbnail) -> Self {
        thumbnail.pixels
    }
}

impl Thumbnail {
    /// A thumbnail from exactly [`THUMBNAIL_PIXELS`] row-major grey pixels.
    pub fn new(pixels: Vec<u8>) -> Result<Self, ThumbnailError> {
        if pixels.len() != THUMBNAIL_PIXELS {
            return Err(ThumbnailError::WrongSize(pixels.len()));
        }
        Ok(Self { pixels })
    }

    /// Shrinks a row-major grey image (`width × height` bytes, or more:
    /// extra bytes are ignored) by averaging each of the 32 × 32 cells it
    /// splits into (cells of an image smaller than 32 px repeat its
    /// pixels). One pass over the image.
    pub fn from_grey(width: u32, height: u32, grey: &[u8]) -> Result<Self, ThumbnailError> {
        let bad = || ThumbnailError::BadImage {
            width,
            height,
            len: grey.len(),
        };
        let (w, h) = (width as usize, height as usize);
        let needed = w.checked_mul(h).ok_or_else(bad)?;
        if needed == 0 || grey.len() < needed {
            return Err(bad());
        }
        let mut sums = vec![0u64; THUMBNAIL_PIXELS];
        let mut counts = vec![0u64; THUMBNAIL_PIXELS];
        for (y, row) in grey.chunks_exact(w).take(h).enumerate() {
            let cell_row = y * THUMBNAIL_SIDE / h;
            for (x, &value) in row.iter().enumerate() {
                let cell = cell_row * THUMBNAIL_SIDE + x * THUMBNAIL_SIDE / w;
                if let (Some(sum), Some(count)) = (sums.get_mut(cell), counts.get_mut(cell)) {
                    *sum += u64::from(value);
                    *count += 1;
                }
            }
        }
        // Images narrower or shorter than 32 px leave cells empty: they
        // take the pixel that covers them.
        let pixels = (0..THUMBNAIL_PIXELS)
            .map(|cell| {
                let (row, column) = (cell / THUMBNAIL_SIDE, cell % THUMBNAIL_SIDE);
                let source = (row * h / THUMBNAIL_SIDE) * w + column * w / THUMBNAIL_SIDE;
                match (sums[cell], counts[cell]) {
                    (sum, count) if count > 0 => u8::try_from((sum + count / 2) / count).unwrap_or(u8::MAX),
                    _ => grey.get(source).copied().unwrap_or(0),
                }
            })
            .collect();
        Ok(Self { pixels })
    }

    /// The pixels, row-major.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// Mean absolute difference to another thumbnail, grey levels.
    pub fn mean_abs_diff(&self, other: &Thumbnail) -> f32 {
        let total: u32 = self
            .pixels
            .iter()
            .zip(&other.pixels)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        total as f32 / THUMBNAIL_PIXELS as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_grey_averages_cells_and_handles_tiny_and_bad_images() {
        // 64 x 64: each cell averages a 2 x 2 block of 0, 0, 0, 200.
        let grey: Vec<u8> = (0..64 * 64)
            .map(|i| if i % 2 == 1 && (i / 64) % 2 == 1 { 200 } else { 0 })
            .collect();
        let thumb = Thumbnail::from_grey(64, 64, &grey).unwrap();
        assert!(thumb.pixels().iter().all(|&p| p == 50));
        let one = Thumbnail::from_grey(1, 1, &[77]).unwrap();
        assert!(one.pixels().iter().all(|&p| p == 77));
        assert!(Thumbnail::from_grey(0, 0, &[]).is_err());
        assert!(Thumbnail::from_grey(10, 10, &[0; 99]).is_err());
        assert!(Thumbnail::from_grey(u32::MAX, u32::MAX, &[0; 4]).is_err());
        assert!(Thumbnail::new(vec![0; 5]).is_err());
    }

    #[test]
    fn mean_abs_diff_counts_grey_levels_per_pixel() {
        let a = Thumbnail::new(vec![10; THUMBNAIL_PIXELS]).unwrap();
        let b = Thumbnail::new(vec![12; THUMBNAIL_PIXELS]).unwrap();
        assert_eq!(a.mean_abs_diff(&b), 2.0);
        assert_eq!(a.mean_abs_diff(&a), 0.0);
    }
}
