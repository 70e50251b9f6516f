//! The face stage: the selfie's own findings, the document's portrait, and
//! the two compared with the level's thresholds.

use crate::report::StageOutput;
use image::RgbImage;
use openkyc_face::{MatchDecision, MatchThresholds};
use openkyc_facecheck::{analyse_selfie, compare, find_document_portrait, FaceModels, SelfieOutcome, SelfieThresholds};
use openkyc_faceembed::Embedding;
use openkyc_levels::Thresholds;
use openkyc_reasons::{Code, Kind, Reason};

/// What the stage looks at.
pub(crate) struct Photos<'a> {
    pub selfie: Option<&'a RgbImage>,
    /// The document's front, unless it is to be taken again.
    pub front: Option<&'a RgbImage>,
}

/// Runs the stage; also returns the selfie's descriptor (for liveness and
/// the duplicate-face template).
pub(crate) fn run(
    models: Option<&mut FaceModels>,
    photos: &Photos<'_>,
    thresholds: &Thresholds,
) -> (StageOutput, Option<Embedding>) {
    let Some(models) = models else {
        return (StageOutput::not_run("face models absent: run make models"), None);
    };
    let Some(selfie) = photos.selfie else {
        return (StageOutput::not_run("no readable selfie"), None);
    };
    match run_with(models, selfie, photos.front, thresholds) {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(%error, "face stage failed");
            (StageOutput::not_run(format!("the face models failed: {error}")), None)
        }
    }
}

fn run_with(
    models: &mut FaceModels,
    selfie: &RgbImage,
    front: Option<&RgbImage>,
    thresholds: &Thresholds,
) -> Result<(StageOutput, Option<Embedding>), openkyc_facecheck::FaceCheckError> {
    let analysis = match analyse_selfie(models, selfie, &SelfieThresholds::default())? {
        SelfieOutcome::Face(analysis) => analysis,
        SelfieOutcome::NoFace => {
            let reasons = vec![Reason::new(Code::FaceNotFound).field("selfie")];
            return Ok((StageOutput::ran(reasons), None));
        }
    };
    let mut reasons: Vec<Reason> = analysis
        .reasons
        .iter()
        .filter_map(|code| Code::parse(code))
        .map(|code| Reason::new(code).field("selfie"))
        .collect();
    let selfie_to_retake = reasons.iter().any(|r| r.kind == Kind::Retry);
    let Some(front) = front else {
        let output = StageOutput::ran(reasons).note("no document photo: portrait not compared");
        return Ok((output, Some(analysis.embedding)));
    };
    let Some(portrait) = find_document_portrait(models, front)? else {
        reasons.push(Reason::new(Code::PortraitNotFound).field("front"));
        return Ok((StageOutput::ran(reasons), Some(analysis.embedding)));
    };
    let match_thresholds = MatchThresholds {
        match_max_distance: thresholds.face_match_max_distance,
        review_max_distance: thresholds.face_review_max_distance,
    };
    let comparison = compare(&portrait.embedding, &analysis.embedding, &match_thresholds);
    let distance = comparison.distance;
    let mut note = format!(
        "distance {distance:.3} (match ≤ {:.2}, review ≤ {:.2})",
        match_thresholds.match_max_distance, match_thresholds.review_max_distance
    );
    if comparison.reused_portrait {
        reasons.push(Reason::new(Code::SpoofSuspected).field("selfie").detail(format!(
            "the selfie is the document's own portrait (distance {distance:.3})"
        )));
    } else if comparison.decision != MatchDecision::Match && selfie_to_retake {
        // A dark or turned selfie is compared again once retaken; sending
        // it to a person now would only make work.
        note.push_str("; not judged: the selfie is to be taken again first");
    } else if comparison.decision != MatchDecision::Match {
        let band = if comparison.decision == MatchDecision::Review {
            "between the match and review thresholds"
        } else {
            "beyond the review threshold"
        };
        reasons.push(
            Reason::new(Code::FaceMismatch)
                .field("selfie")
                .detail(format!("distance {distance:.3}, {band}")),
        );
    }
    let output = StageOutput::ran(reasons).score(Some(f64::from(distance))).note(note);
    Ok((output, Some(analysis.embedding)))
}
