//! The selfie's face, and its comparison with the document's portrait.

use crate::{FaceCheckError, FaceModels, SpoofSigns, SpoofThresholds};
use image::RgbImage;
use openkyc_face::multiple::{MultipleFacePolicy, SelfieFaceIssue, SelfieFaces, FACE_MULTIPLE};
use openkyc_face::occlusion::{OcclusionFinding, OcclusionMeasures, OcclusionThresholds, FACE_OCCLUDED};
use openkyc_face::{Face, FaceQuality, MatchDecision, MatchThresholds, QualityThresholds};
use openkyc_faceembed::{dlib_box_from_centerface, similarity_from_distance, Embedding};
use serde::Serialize;

/// The applicant's face on a selfie, measured.
#[derive(Debug, Clone, Serialize)]
pub struct SelfieAnalysis {
    /// The applicant's face (the largest).
    pub face: Face,
    /// Faces the detector found.
    pub faces_found: usize,
    /// Size, pose and exposure measures.
    pub quality: FaceQuality,
    /// The regions found covered (`FACE_OCCLUDED`), with their measures'
    /// scores.
    pub occluded: Vec<OcclusionFinding>,
    /// Presentation-attack measures.
    pub spoof: SpoofSigns,
    /// Findings, most important first: `FACE_MULTIPLE`, `FACE_OCCLUDED`,
    /// then `FACE_TOO_SMALL`, `FACE_TOO_DARK`, `FACE_OVEREXPOSED`,
    /// `FACE_NOT_FRONTAL` (the applicant can fix these), and
    /// `SPOOF_SUSPECTED` (for a person to look at).
    pub reasons: Vec<&'static str>,
    /// The face's descriptor.
    #[serde(skip)]
    pub embedding: Embedding,
}

/// Thresholds of [`analyse_selfie`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SelfieThresholds {
    /// Size, exposure and pose.
    pub quality: QualityThresholds,
    /// Covered regions.
    pub occlusion: OcclusionThresholds,
    /// When another face fails the selfie.
    pub multiple: MultipleFacePolicy,
    /// Presentation-attack signs.
    pub spoof: SpoofThresholds,
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

/// `SPOOF_SUSPECTED`: a sign of a presentation attack, for review.
pub const SPOOF_SUSPECTED: &str = "SPOOF_SUSPECTED";

/// Detects, chooses and measures the applicant's face on a selfie.
///
/// # Errors
/// When a model fails to run.
pub fn analyse_selfie(
    models: &mut FaceModels,
    photo: &RgbImage,
    thresholds: &SelfieThresholds,
) -> Result<SelfieOutcome, FaceCheckError> {
    let faces = models.detector.detect(photo)?;
    let (applicant, several) = match SelfieFaces::choose(&faces, photo.width(), photo.height(), &thresholds.multiple) {
        Ok(index) => (index, false),
        Err(SelfieFaceIssue::Multiple { applicant, .. }) => (applicant, true),
        Err(SelfieFaceIssue::NotFound) => return Ok(SelfieOutcome::NoFace),
    };
    let Some(face) = faces.get(applicant).copied() else {
        return Ok(SelfieOutcome::NoFace);
    };
    let quality = FaceQuality::measure(&face, photo);
    let occluded = OcclusionMeasures::measure(photo, &face).reasons(&thresholds.occlusion);
    let spoof = SpoofSigns::measure(photo, &face);
    let mut reasons = Vec::new();
    if several {
        reasons.push(FACE_MULTIPLE);
    }
    if !occluded.is_empty() {
        reasons.push(FACE_OCCLUDED);
    }
    reasons.extend(quality.reasons(&thresholds.quality));
    if !spoof.findings(&thresholds.spoof).is_empty() {
        reasons.push(SPOOF_SUSPECTED);
    }
    let embedding = models.embedder.embed(photo, dlib_box_from_centerface(face.bbox))?;
    Ok(SelfieOutcome::Face(Box::new(SelfieAnalysis {
        face,
        faces_found: faces.len(),
        quality,
        occluded,
        spoof,
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
