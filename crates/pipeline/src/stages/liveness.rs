//! The liveness stage: the recording's frames followed through the face
//! models and judged against the challenge, and the person in them
//! compared with the selfie's.

use crate::report::StageOutput;
use crate::LivenessInput;
use image::RgbImage;
use openkyc_face::mesh::FaceMesh;
use openkyc_face::MatchDecision;
use openkyc_facecheck::{run_liveness, FaceModels, SequenceOptions};
use openkyc_faceembed::Embedding;
use openkyc_liveness::{Decision, LivenessPolicy, LivenessReport};
use openkyc_reasons::{Code, Kind, Reason};

/// What the stage runs on.
pub(crate) struct Recording<'a> {
    pub input: Option<&'a LivenessInput>,
    pub frames: Option<&'a [(u32, RgbImage)]>,
    pub selfie: Option<&'a Embedding>,
}

/// Runs the stage.
pub(crate) fn run(models: Option<(&mut FaceModels, &FaceMesh)>, recording: &Recording<'_>) -> StageOutput {
    let Some((models, mesh)) = models else {
        return StageOutput::not_run("face models absent: run make models");
    };
    let (Some(input), Some(frames)) = (recording.input, recording.frames) else {
        return StageOutput::not_run("no readable recording");
    };
    let policy = LivenessPolicy {
        mirrored: input.mirrored,
        ..LivenessPolicy::default()
    };
    let sequence = frames.iter().map(|(t_ms, image)| (*t_ms, image));
    let run = match run_liveness(
        models,
        mesh,
        sequence,
        &input.challenge,
        &policy,
        recording.selfie,
        &SequenceOptions::default(),
    ) {
        Ok(run) => run,
        Err(error) => {
            tracing::warn!(%error, "liveness stage failed");
            return StageOutput::not_run(format!("the face models failed: {error}"));
        }
    };
    let mut reasons = liveness_reasons(&run.report);
    let mut output_score = None;
    match run.selfie {
        Some(comparison) => {
            output_score = Some(f64::from(comparison.distance));
            if comparison.decision != MatchDecision::Match {
                reasons.push(Reason::new(Code::FaceMismatch).field("liveness").detail(format!(
                    "the recording's person is not the selfie's (distance {:.3})",
                    comparison.distance
                )));
            }
        }
        None if recording.selfie.is_some() => {
            // No near-frontal frame to describe: the person cannot be tied
            // to the selfie, so the recording proves nothing about them.
            reasons.push(
                Reason::new(Code::LivenessFailed)
                    .field("liveness")
                    .detail("no frontal frame to compare with the selfie"),
            );
        }
        None => {}
    }
    let note = format!(
        "{} frames over {} ms; liveness {}",
        run.report.frames_used,
        run.report.duration_ms,
        decision_name(run.report.decision)
    );
    StageOutput::ran(reasons).score(output_score).note(note)
}

/// The analysis' findings in the catalogue: attack signals are
/// `SPOOF_SUSPECTED` (review, or reject when the analysis rejects), capture
/// problems and actions not seen `LIVENESS_FAILED` (retry).
fn liveness_reasons(report: &LivenessReport) -> Vec<Reason> {
    let signals: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code.is_attack_signal())
        .map(|f| f.code.as_str())
        .collect();
    let problems: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| !f.code.is_attack_signal())
        .map(|f| f.code.as_str())
        .collect();
    let mut reasons = Vec::new();
    if !signals.is_empty() {
        let mut reason = Reason::new(Code::SpoofSuspected)
            .field("liveness")
            .detail(signals.join(", "));
        if report.decision == Decision::Rejected {
            reason = reason.at_least(Kind::Reject);
        }
        reasons.push(reason);
    }
    if !problems.is_empty() || (report.decision != Decision::Pass && signals.is_empty()) {
        let detail = if problems.is_empty() {
            "an action was not seen".to_owned()
        } else {
            problems.join(", ")
        };
        reasons.push(Reason::new(Code::LivenessFailed).field("liveness").detail(detail));
    }
    reasons
}

fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Pass => "pass",
        Decision::Retry => "retry",
        Decision::Review => "review",
        Decision::Rejected => "rejected",
    }
}
