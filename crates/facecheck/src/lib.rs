//! The face stage of a verification (issue 5), over the models: the crates
//! below it are pure or wrap one model each; this one runs them in order.
//!
//! * [`FaceModels`]: CenterFace (`openkyc-face`), dlib's descriptor
//!   (`openkyc-faceembed`) and, for liveness, FaceMesh, loaded once.
//! * [`find_document_portrait`]: the document is found and rectified
//!   (`openkyc-docdetect`, as the reading stage does), and the portrait is
//!   the largest face on the rectified document, read upright or turned
//!   half way (the outline's corner order leaves 180° open); the whole photo
//!   is searched only when no document or no face on it is found.
//! * [`analyse_selfie`]: the applicant's face chosen among those found
//!   (`FACE_NOT_FOUND`, `FACE_MULTIPLE`), covered regions
//!   (`FACE_OCCLUDED`), size, exposure and pose, a screen's pixel pattern on
//!   the face (`SPOOF_SUSPECTED`, [`SpoofSigns`]) and its descriptor.
//! * [`compare`]: portrait and selfie descriptors → match / review /
//!   mismatch, and a portrait reused as the selfie (`SPOOF_SUSPECTED`).
//!
//! * [`face_words`], [`occluded_words`], [`liveness_words`]: what each
//!   finding means to the applicant and what to do, in English and
//!   Simplified Chinese.
//!
//! Errors are [`FaceCheckError`]; "no face" is not an error but a finding.

mod liveness;
mod portrait;
mod selfie;
mod spoof;
mod words;

pub use liveness::{run_liveness, FrameMeasure, LivenessRun, SequenceOptions, SequenceTimings};
pub use portrait::{find_document_portrait, DocumentPortrait, PortraitSource};
pub use selfie::{
    analyse_selfie, compare, Comparison, SelfieAnalysis, SelfieOutcome, SelfieThresholds, REUSED_PORTRAIT_MAX_DISTANCE,
    SPOOF_SUSPECTED,
};
pub use spoof::{SpoofSigns, SpoofThresholds};
pub use words::{face_words, liveness_words, occluded_words, Bilingual, Words};

use openkyc_face::{FaceDetector, FaceError};
use openkyc_faceembed::{EmbedError, FaceEmbedder};
use openkyc_infer::{ModelSet, SessionOptions};

/// Why the face stage could not run (a model or a programming error, never
/// the applicant's photo: a photo without a face is a finding).
#[derive(Debug, thiserror::Error)]
pub enum FaceCheckError {
    /// Detection or landmarks failed.
    #[error(transparent)]
    Face(#[from] FaceError),
    /// The descriptor failed.
    #[error(transparent)]
    Embed(#[from] EmbedError),
}

/// The face models, loaded once and used for many photos.
///
/// Not `Sync` (ONNX Runtime sessions are run through `&mut`, dlib's network
/// keeps state while it runs): a service holds one per worker.
pub struct FaceModels {
    /// CenterFace.
    pub detector: FaceDetector,
    /// dlib's 5-point predictor and 128-d descriptor.
    pub embedder: FaceEmbedder,
}

impl std::fmt::Debug for FaceModels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceModels").finish_non_exhaustive()
    }
}

impl FaceModels {
    /// Loads the detector and the descriptor from the models directory.
    ///
    /// # Errors
    /// When a model file is missing, fails its checksum or does not load.
    pub fn load(models: &ModelSet, session: &SessionOptions) -> Result<Self, FaceCheckError> {
        Ok(Self {
            detector: FaceDetector::load(models, session)?,
            embedder: FaceEmbedder::from_models(models)?,
        })
    }
}
