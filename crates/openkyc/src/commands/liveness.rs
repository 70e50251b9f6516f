//! `openkyc face liveness`: a recorded active-liveness sequence judged
//! against the actions asked.

use super::face::LivenessArgs;
use super::{read_upload, unusable, unusable_photo, ErrorBody, Outcome, EXIT_INVALID, EXIT_VALID};
use anyhow::Context;
use openkyc_face::mesh::FaceMesh;
use openkyc_face::MatchDecision;
use openkyc_facecheck::{
    analyse_selfie, face_words, liveness_words, run_liveness, Bilingual, FaceModels, LivenessRun, SelfieOutcome,
    SelfieThresholds,
};
use openkyc_frames::{FrameLimits, FrameSequence, FramesError};
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_intake::IntakeLimits;
use openkyc_liveness::{parse_actions, Challenge, Decision, LivenessPolicy, NONCE_BYTES};
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Serialize)]
struct Printed<'a> {
    challenge: Vec<String>,
    /// What each finding means to the applicant and what to do, in `en` and
    /// `zh-CN`, in the report's order.
    advice: Vec<Advice>,
    source: Source,
    #[serde(flatten)]
    run: &'a LivenessRun,
}

#[derive(Serialize)]
struct Advice {
    code: &'static str,
    #[serde(flatten)]
    words: Bilingual,
}

#[derive(Serialize)]
struct Source {
    kind: &'static str,
    width: u32,
    height: u32,
    pictures: usize,
    duration_ms: u64,
    frames_kept: usize,
}

/// Exit 0 when the sequence passes, 1 when it does not (retry, review or
/// rejected), 2 when the frames or the selfie cannot be read or the selfie
/// shows no face.
pub(super) fn run(args: &LivenessArgs) -> anyhow::Result<Outcome> {
    let actions = parse_actions(&args.challenge).context("--challenge")?;
    // The CLI checks a recording against the actions given; a nonce and an
    // expiry matter only where a server hands the challenge out.
    let challenge = Challenge::new([0; NONCE_BYTES], actions, 0, i64::MAX).context("--challenge")?;
    let sequence = match openkyc_frames::read_path(&args.frames, args.fps, &FrameLimits::default()) {
        Ok(sequence) => sequence,
        Err(error) => return unreadable_frames(&error, args.json),
    };
    let models = ModelSet::locate().context("face models (run scripts/fetch-models.sh)")?;
    let mut face_models = FaceModels::load(&models, &SessionOptions::default())?;
    let mesh = FaceMesh::load(&models)?;
    let selfie = match &args.selfie {
        None => None,
        Some(path) => {
            let limits = IntakeLimits {
                working_max_side: 1600,
                ..IntakeLimits::default()
            };
            let bytes = read_upload(path, limits.max_bytes)?;
            let photo = match openkyc_intake::intake(&bytes, &limits) {
                Ok(intake) => intake.working,
                Err(error) => return unusable_photo(&error, args.json),
            };
            match analyse_selfie(&mut face_models, &photo, &SelfieThresholds::default())? {
                SelfieOutcome::Face(analysis) => Some(analysis.embedding),
                SelfieOutcome::NoFace => anyhow::bail!("FACE_NOT_FOUND: no face on the selfie {}", path.display()),
            }
        }
    };
    let policy = LivenessPolicy {
        mirrored: args.mirrored,
        ..LivenessPolicy::default()
    };
    let frames = sequence.frames.iter().map(|frame| (frame.t_ms, &frame.image));
    let run = run_liveness(
        &mut face_models,
        &mesh,
        frames,
        &challenge,
        &policy,
        selfie.as_ref(),
        &Default::default(),
    )?;
    let passed = run.report.decision == Decision::Pass && run.selfie.is_none_or(|c| c.decision == MatchDecision::Match);
    let exit = if passed { EXIT_VALID } else { EXIT_INVALID };
    let printed = Printed {
        challenge: challenge.actions().iter().map(ToString::to_string).collect(),
        advice: advice(&run),
        source: source(&sequence),
        run: &run,
    };
    if args.json {
        Outcome::new(&printed, exit)
    } else {
        Ok(Outcome::text(text(&printed, passed), exit))
    }
}

/// The applicant's words for each finding (one per code), and for a
/// selfie of someone else.
fn advice(run: &LivenessRun) -> Vec<Advice> {
    let missed = run.report.actions.iter().find(|a| !a.seen).map(|a| a.action);
    let mut advice: Vec<Advice> = Vec::new();
    for finding in &run.report.findings {
        if advice.iter().any(|a| a.code == finding.code.as_str()) {
            continue;
        }
        advice.push(Advice {
            code: finding.code.as_str(),
            words: liveness_words(finding.code, missed),
        });
    }
    if run.selfie.is_some_and(|c| c.decision != MatchDecision::Match) {
        if let Some(words) = face_words("FACE_MISMATCH") {
            advice.push(Advice {
                code: "FACE_MISMATCH",
                words,
            });
        }
    }
    advice
}

fn source(sequence: &FrameSequence) -> Source {
    Source {
        kind: match sequence.source.kind {
            openkyc_frames::SourceKind::Directory => "directory",
            openkyc_frames::SourceKind::Mp4H264 => "mp4_h264",
        },
        width: sequence.source.width,
        height: sequence.source.height,
        pictures: sequence.source.pictures,
        duration_ms: sequence.source.duration_ms,
        frames_kept: sequence.frames.len(),
    }
}

fn unreadable_frames(error: &FramesError, json: bool) -> anyhow::Result<Outcome> {
    let body = ErrorBody {
        code: error.code(),
        message: error.to_string(),
    };
    unusable(body, ("These frames cannot be used", "无法使用这些画面"), json)
}

fn text(printed: &Printed<'_>, passed: bool) -> String {
    let run = printed.run;
    let verdict = match (passed, run.report.decision) {
        (true, _) => "✓ liveness passed".to_owned(),
        (false, Decision::Pass) => "✗ liveness passed, but not by the person on the selfie".to_owned(),
        (false, decision) => format!("✗ liveness: {}", label(&decision)),
    };
    let mut out = format!(
        "{verdict}\n  {} frames over {} ms ({} kept of {} pictures)\n",
        run.report.frames_used, run.report.duration_ms, printed.source.frames_kept, printed.source.pictures
    );
    for action in &run.report.actions {
        let when = action.t_ms.map_or(String::new(), |t| format!(" at {t} ms"));
        let peak = action.peak.map_or(String::new(), |p| format!(", peak {p:.2}"));
        let why = action.reason.map_or(String::new(), |r| format!(" ({})", label(&r)));
        let mark = if action.seen { "✓" } else { "✗" };
        let _ = writeln!(out, "  {mark} {}{when}{peak}{why}", action.action);
    }
    for finding in &run.report.findings {
        let _ = writeln!(out, "  ! {}: {}", label(&finding.code), finding.detail);
    }
    for advice in &printed.advice {
        let (en, zh) = (advice.words.en, advice.words.zh_cn);
        let _ = writeln!(out, "  → {} {}\n    {}{}", en.message, en.tip, zh.message, zh.tip);
    }
    if let Some(selfie) = &run.selfie {
        let _ = writeln!(
            out,
            "  the selfie's person: {} (distance {:.3})",
            label(&selfie.decision),
            selfie.distance
        );
    }
    let _ = write!(out, "  (measured in {:.0} ms)", run.timings_ms.total);
    out
}

/// A value's serde name (`retry`, `not_reached`, `LIVENESS_FAILED`, …).
fn label(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::from("?"),
    }
}
