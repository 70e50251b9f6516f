//! `openkyc face compare IMAGE_A IMAGE_B [--json]`: are the largest faces of
//! two photos the same person? `openkyc face liveness --challenge
//! blink,turn_left FRAMES_DIR|VIDEO [--selfie S] [--json]`: was each action
//! done, in order, by one live person?

use super::{read_upload, unusable_photo, Outcome, EXIT_INVALID, EXIT_UNREADABLE, EXIT_VALID};
use anyhow::Context;
use openkyc_face::occlusion::OcclusionFinding;
use openkyc_face::{FaceQuality, MatchDecision, MatchThresholds};
use openkyc_facecheck::{
    analyse_selfie, face_words, occluded_words, Bilingual, FaceModels, SelfieAnalysis, SelfieOutcome, SelfieThresholds,
};
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_intake::IntakeLimits;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `openkyc face …`.
#[derive(Debug, clap::Subcommand)]
pub enum FaceCommand {
    /// Compare the largest face of two photos (a document portrait and a
    /// selfie): similarity and a decision (match, review or mismatch).
    Compare(CompareArgs),
    /// Check a recorded active-liveness sequence (a folder of frames or an
    /// MP4 video) against the actions asked: each seen in order, one person
    /// throughout, no frozen or replayed picture.
    Liveness(LivenessArgs),
}

/// Arguments of `openkyc face liveness`.
#[derive(Debug, clap::Args)]
pub struct LivenessArgs {
    /// The actions asked, in order, comma-separated: blink, turn_left,
    /// turn_right, nod (the subject's own left and right).
    #[arg(long)]
    pub(super) challenge: String,
    /// A folder of frames (JPEG, PNG or WebP, in name order) or a video
    /// (MP4 with H.264).
    pub(super) frames: PathBuf,
    /// The frame rate of a folder's images (a video's own timestamps count).
    #[arg(long, default_value_t = 8)]
    pub(super) fps: u32,
    /// A selfie: the person doing the challenge must be the one on it.
    #[arg(long)]
    pub(super) selfie: Option<PathBuf>,
    /// The frames are mirrored (a front camera's preview), so the subject's
    /// left turn moves the nose toward the image's left.
    #[arg(long)]
    pub(super) mirrored: bool,
    /// Print the result as JSON (with every frame's measures).
    #[arg(long)]
    pub(super) json: bool,
}

/// Arguments of `openkyc face compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The first photo (e.g. the document or its portrait); JPEG, PNG or
    /// WebP, read from the bytes.
    image_a: PathBuf,
    /// The second photo (e.g. the selfie).
    image_b: PathBuf,
    /// Print the result as JSON instead of text for people.
    #[arg(long)]
    json: bool,
}

/// One photo's face, as printed.
#[derive(Serialize)]
struct FaceReport {
    #[serde(rename = "box")]
    bbox: [f32; 4],
    score: f32,
    landmarks: [[f32; 2]; 5],
    /// Faces found in the photo (the largest is compared).
    faces_found: usize,
    quality: FaceQuality,
    /// Covered regions (`FACE_OCCLUDED`).
    occluded: Vec<OcclusionFinding>,
    /// Findings (`FACE_MULTIPLE`, `FACE_OCCLUDED`, `FACE_TOO_SMALL`,
    /// `FACE_TOO_DARK`, …, `SPOOF_SUSPECTED`), most important first.
    reasons: Vec<&'static str>,
    /// What each reason means to the applicant and what to do, in `en` and
    /// `zh-CN`.
    advice: Vec<Advice>,
}

#[derive(Serialize)]
struct Advice {
    code: &'static str,
    #[serde(flatten)]
    words: Bilingual,
}

#[derive(Serialize)]
struct Compared {
    /// 0–1, higher is more alike (see `openkyc_faceembed::similarity_from_distance`).
    similarity: f32,
    /// Euclidean distance of the two 128-d descriptors (dlib), lower is more alike.
    distance: f32,
    decision: MatchDecision,
    /// The two photos show the same picture of the face (a document's
    /// portrait photographed as the selfie): `SPOOF_SUSPECTED`.
    reused_portrait: bool,
    thresholds: MatchThresholds,
    faces: [FaceReport; 2],
    ms: f64,
}

#[derive(Serialize)]
struct NoFace<'a> {
    ok: bool,
    reason: &'static str,
    image: &'a Path,
}

/// Working copies up to this long side: a face's descriptor needs some
/// 150 px, the detector reads 800 × 480.
const WORKING_MAX_SIDE: u32 = 1600;

/// Runs `openkyc face …`.
pub fn run(command: &FaceCommand) -> anyhow::Result<Outcome> {
    match command {
        FaceCommand::Compare(args) => compare(args),
        FaceCommand::Liveness(args) => super::liveness::run(args),
    }
}

/// Exit 0 for a match, 1 for review or mismatch, 2 when a photo is not
/// readable or shows no face.
fn compare(args: &CompareArgs) -> anyhow::Result<Outcome> {
    let limits = IntakeLimits {
        working_max_side: WORKING_MAX_SIDE,
        ..IntakeLimits::default()
    };
    let mut photos = Vec::with_capacity(2);
    for path in [&args.image_a, &args.image_b] {
        let bytes = read_upload(path, limits.max_bytes)?;
        match openkyc_intake::intake(&bytes, &limits) {
            Ok(intake) => photos.push(intake.working),
            Err(error) => return unusable_photo(&error, args.json),
        }
    }
    let models = ModelSet::locate().context("face models (run scripts/fetch-models.sh)")?;
    let mut face_models = FaceModels::load(&models, &SessionOptions::default())?;
    let started = Instant::now();
    let mut found = Vec::with_capacity(2);
    for (photo, path) in photos.iter().zip([&args.image_a, &args.image_b]) {
        match analyse_selfie(&mut face_models, photo, &SelfieThresholds::default())? {
            SelfieOutcome::Face(analysis) => found.push(analysis),
            SelfieOutcome::NoFace => return no_face(path, args.json),
        }
    }
    let (Some(a), Some(b)) = (found.first(), found.get(1)) else {
        anyhow::bail!("two photos expected");
    };
    let thresholds = MatchThresholds::default();
    let comparison = openkyc_facecheck::compare(&a.embedding, &b.embedding, &thresholds);
    let decision = comparison.decision;
    let compared = Compared {
        similarity: comparison.similarity,
        distance: comparison.distance,
        decision,
        reused_portrait: comparison.reused_portrait,
        thresholds,
        faces: [report(a), report(b)],
        ms: started.elapsed().as_secs_f64() * 1000.0,
    };
    let exit = if decision == MatchDecision::Match {
        EXIT_VALID
    } else {
        EXIT_INVALID
    };
    if args.json {
        Outcome::new(&compared, exit)
    } else {
        Ok(Outcome::text(text(&compared), exit))
    }
}

fn report(analysis: &SelfieAnalysis) -> FaceReport {
    FaceReport {
        bbox: analysis.face.bbox,
        score: analysis.face.score,
        landmarks: analysis.face.landmarks,
        faces_found: analysis.faces_found,
        quality: analysis.quality,
        occluded: analysis.occluded.clone(),
        reasons: analysis.reasons.clone(),
        advice: analysis
            .reasons
            .iter()
            .filter_map(|&code| {
                let words = if code == "FACE_OCCLUDED" {
                    let regions: Vec<_> = analysis.occluded.iter().map(|o| o.region).collect();
                    Some(occluded_words(&regions))
                } else {
                    face_words(code)
                };
                words.map(|words| Advice { code, words })
            })
            .collect(),
    }
}

fn no_face(path: &Path, json: bool) -> anyhow::Result<Outcome> {
    if json {
        Outcome::new(
            &NoFace {
                ok: false,
                reason: "FACE_NOT_FOUND",
                image: path,
            },
            EXIT_UNREADABLE,
        )
    } else {
        Ok(Outcome::text(
            format!(
                "✗ FACE_NOT_FOUND: no face in {0}\n✗ 未在 {0} 中找到人脸",
                path.display()
            ),
            EXIT_UNREADABLE,
        ))
    }
}

fn text(compared: &Compared) -> String {
    let verdict = match compared.decision {
        MatchDecision::Match => "✓ the same person (match)",
        MatchDecision::Review => "? not sure: a person should look (review)",
        MatchDecision::Mismatch => "✗ different people (FACE_MISMATCH)",
    };
    let mut out = format!(
        "{verdict}\n  similarity {:.2} (distance {:.3}; match ≤ {:.2}, review ≤ {:.2})\n",
        compared.similarity,
        compared.distance,
        compared.thresholds.match_max_distance,
        compared.thresholds.review_max_distance
    );
    for (label, face) in ["A", "B"].iter().zip(&compared.faces) {
        let _ = writeln!(
            out,
            "  {label}: face {:.0}×{:.0} px, eyes {:.0} px apart, {} found{}",
            face.bbox[2] - face.bbox[0],
            face.bbox[3] - face.bbox[1],
            face.quality.inter_ocular_px,
            face.faces_found,
            if face.reasons.is_empty() {
                String::new()
            } else {
                format!("; {}", face.reasons.join(", "))
            }
        );
    }
    for (label, face) in ["A", "B"].iter().zip(&compared.faces) {
        for advice in &face.advice {
            let (en, zh) = (advice.words.en, advice.words.zh_cn);
            let _ = writeln!(
                out,
                "  → {label}: {} {}\n    {}{}",
                en.message, en.tip, zh.message, zh.tip
            );
        }
    }
    if compared.reused_portrait {
        let _ = writeln!(
            out,
            "  ! SPOOF_SUSPECTED: both photos show the same picture of the face (a document's portrait photographed as the selfie?)"
        );
    }
    let _ = write!(out, "  (compared in {:.0} ms)", compared.ms);
    out
}
