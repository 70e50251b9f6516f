//! The selfie's face, and its comparison with the document's portrait.

use crate::{FaceCheckError, FaceModels};
use image::RgbImage;
use openkyc_face::{Face, FaceQuality, MatchDecision, MatchThresholds, QualityThresholds};
use openkyc_faceembed::{dlib_box_from_centerface, similarity_from_distance, Embedding};
use serde::Serialize;

/// The applicant's face on a selfie, measured.
#[derive(Debug, Clone, Serialize)]
pub struct SelfieAnalysis {
    /// The applicant's face.
    pub face: Face,
    /// Faces the detector found.
    pub faces_found: usize,
    /// Size, pose and exposure measures.
    pub quality: FaceQuality,
    /// Findings the applicant can fix (`FACE_TOO_SMALL`, `FACE_TOO_DARK`,
    /// `FACE_OVEREXPOSED`, `FACE_NOT_FRONTAL`, …), most important first.
    pub reasons: Vec<&'static str>,
    /// The face's descriptor.
    #[serde(skip)]
    pub embedding: Embedding,
}

/// What a selfie gave.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SelfieOutcome {
    /// No face at all (`FACE_NOT_FOUND`).
    NoFace,
    /// The applicant's face.
    Face(Box<SelfieAnalysis>),
}

/// Detects, chooses and measures the applicant's face on a selfie.
///
/// # Errors
/// When a model fails to run.
pub fn analyse_selfie(
    models: &mut FaceModels,
    photo: &RgbImage,
    thresholds: &QualityThresholds,
) -> Result<SelfieOutcome, FaceCheckError> {
    let faces = models.detector.detect(photo)?;
    let Some(face) = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area())).copied() else {
        return Ok(SelfieOutcome::NoFace);
    };
    let quality = FaceQuality::measure(&face, photo);
    let reasons = quality.reasons(thresholds);
    let embedding = models.embedder.embed(photo, dlib_box_from_centerface(face.bbox))?;
    Ok(SelfieOutcome::Face(Box::new(SelfieAnalysis {
        face,
        faces_found: faces.len(),
        quality,
        reasons,
        embedding,
    })))
}

/// Below this descriptor distance the selfie is the portrait's own picture
/// (re-photographed, cropped or re-encoded), not a second photo of the same
/// person: two photos of one person taken apart differ by more.
pub const REUSED_PORTRAIT_MAX_DISTANCE: f32 = 0.15;

/// A portrait compared with a selfie.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// Euclidean distance of the descriptors (dlib), lower is more alike.
    pub distance: f32,
    /// 0–1, higher is more alike.
    pub similarity: f32,
    /// Match, review or mismatch.
    pub decision: MatchDecision,
    /// The selfie is the document's own portrait (`SPOOF_SUSPECTED`).
    pub reused_portrait: bool,
}

/// Compares the portrait's and the selfie's descriptors.
pub fn compare(portrait: &Embedding, selfie: &Embedding, thresholds: &MatchThresholds) -> Comparison {
    let distance = portrait.distance(selfie);
    Comparison {
        distance,
        similarity: similarity_from_distance(distance),
        decision: thresholds.decide(distance),
        reused_portrait: distance < REUSED_PORTRAIT_MAX_DISTANCE,
    }
}
