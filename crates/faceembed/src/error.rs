//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong between loading the dlib models and a descriptor.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The models directory has no such model (from [`crate::FaceEmbedder::from_models`]).
    #[error(transparent)]
    Models(#[from] openkyc_infer::InferError),
    /// A model path the binding cannot take: dlib opens files by a C string,
    /// so the path must be UTF-8 without NUL bytes.
    #[error("model path {path} is not UTF-8 or contains a NUL byte")]
    UnusablePath {
        /// The path that was given.
        path: PathBuf,
    },
    /// dlib could not read the model file (missing, truncated, or another model).
    #[error("cannot load dlib model {path}: {message}")]
    ModelLoad {
        /// The model file.
        path: PathBuf,
        /// What dlib or the check after loading said.
        message: String,
    },
    /// The image has no pixels.
    #[error("the image is empty ({width}x{height})")]
    EmptyImage {
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
    },
    /// The box is not `[left, top, right, bottom]` with finite numbers and
    /// `right > left`, `bottom > top`.
    #[error("face box {face_box:?} is not [left, top, right, bottom] with positive size")]
    InvalidBox {
        /// The box that was given.
        face_box: [f32; 4],
    },
    /// The box is too small for five landmarks to be told apart.
    #[error("face box {face_box:?} is smaller than {min_side} px on a side")]
    BoxTooSmall {
        /// The box that was given.
        face_box: [f32; 4],
        /// The smallest side accepted, in pixels.
        min_side: f32,
    },
    /// Less than half of the box lies inside the image.
    #[error("face box {face_box:?} lies mostly outside the {width}x{height} image")]
    BoxOutsideImage {
        /// The box that was given.
        face_box: [f32; 4],
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
    },
    /// The landmark predictor returned something unusable (wrong count,
    /// coincident eyes): no chip can be aligned on it.
    #[error("landmarks unusable: {0}")]
    Landmarks(String),
    /// The network returned something other than one 128-d descriptor.
    #[error("descriptor unusable: {0}")]
    Descriptor(String),
}
