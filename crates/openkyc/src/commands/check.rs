//! `openkyc check --level L2 --front F [--back B] [--selfie S] [--frames
//! DIR_OR_MP4 --challenge blink,turn_left] --data applicant.json [--json]`:
//! one verification offline, on files, through the pipeline `serve` uses;
//! the report the server would store (no database: duplicates not run).

use super::{read_upload, reference_date, unusable, ErrorBody, Outcome, EXIT_INVALID, EXIT_VALID};
use anyhow::Context;
use chrono::NaiveDate;
use openkyc_levels::Levels;
use openkyc_liveness::{parse_actions, Challenge, NONCE_BYTES};
use openkyc_pipeline::{
    ApplicantData, Decision, Input, LivenessClip, LivenessInput, Pipeline, PipelineOptions, Report, StageStatus,
    TimedFrame,
};
use openkyc_reasons::Kind;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Debian's `fonts-ocr-b`: the glyphs the MRZ reader compares against.
const OCRB_FONT: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
/// The basic-information file is small; more is not an applicant's data.
const MAX_DATA_BYTES: u64 = 64 * 1024;
/// An upload's size cap (the intake's default; it refuses larger itself).
const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;
/// A recording's size cap (`openkyc_frames::FrameLimits::default`).
const MAX_VIDEO_BYTES: usize = 64 * 1024 * 1024;

/// Arguments of `openkyc check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The level applied for (`L1`, `L2`, or one of `--levels`).
    #[arg(long)]
    level: String,
    /// The applicant's basic information as JSON (first_name, last_name,
    /// native_name, birth_date, nationality, document_type,
    /// document_number, issuing_country).
    #[arg(long)]
    data: Option<PathBuf>,
    /// The document's front (or passport data page).
    #[arg(long)]
    front: Option<PathBuf>,
    /// The document's back.
    #[arg(long)]
    back: Option<PathBuf>,
    /// The selfie.
    #[arg(long)]
    selfie: Option<PathBuf>,
    /// The liveness recording: a folder of frames (name order) or an MP4.
    #[arg(long, requires = "challenge")]
    frames: Option<PathBuf>,
    /// The actions the recording answers, in order: blink, turn_left,
    /// turn_right, nod.
    #[arg(long)]
    challenge: Option<String>,
    /// A folder's frame rate (a video's own timestamps count).
    #[arg(long, default_value_t = 8)]
    fps: u32,
    /// The frames are mirrored (a front camera's preview).
    #[arg(long)]
    mirrored: bool,
    /// The levels file (default: the shipped config/levels.toml).
    #[arg(long)]
    levels: Option<PathBuf>,
    /// Judge expiry and age against this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    reference_date: Option<NaiveDate>,
    /// The OCR-B font (default: `OPENKYC_OCRB_FONT`, else Debian's fonts-ocr-b).
    #[arg(long)]
    ocrb_font: Option<PathBuf>,
    /// Print the report as JSON (exactly what the server stores).
    #[arg(long)]
    json: bool,
}

/// Exit 0 approved, 1 retry, review or rejected, 2 when the level or the
/// basic information cannot be used (an image that cannot be decoded is a
/// reason in the report, `IMAGE_UNREADABLE`).
pub fn run(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let levels = match &args.levels {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading the levels file {}", path.display()))?;
            Levels::from_toml(&text)?
        }
        None => Levels::shipped()?,
    };
    let Some(level) = levels.get(&args.level) else {
        let known: Vec<&str> = levels.iter().map(|l| l.id.as_str()).collect();
        let body = ErrorBody {
            code: "unknown_level",
            message: format!("no level {:?} (levels: {})", args.level, known.join(", ")),
        };
        return unusable(body, ("This level does not exist", "此级别不存在"), args.json);
    };
    let data = match &args.data {
        Some(path) => match read_data(path)? {
            Ok(data) => Some(data),
            Err(message) => {
                let body = ErrorBody {
                    code: "invalid_data",
                    message,
                };
                return unusable(
                    body,
                    ("The applicant data cannot be used", "无法使用申请人资料"),
                    args.json,
                );
            }
        },
        None => None,
    };
    let input = Input {
        data,
        front: optional_upload(args.front.as_deref())?,
        back: optional_upload(args.back.as_deref())?,
        selfie: optional_upload(args.selfie.as_deref())?,
        liveness: liveness(args)?,
    };
    let mut pipeline = Pipeline::load(PipelineOptions {
        models_dir: None,
        ocrb_font: font_path(args),
        // `check` stores nothing and prints no key: any secret will do.
        document_key_secret: b"openkyc check".to_vec(),
    })?;
    let analysis = pipeline.analyse(&levels, level, &input, reference_date(args.reference_date));
    let report = analysis.finish(None);
    let exit = if report.decision == Decision::Approved {
        EXIT_VALID
    } else {
        EXIT_INVALID
    };
    if args.json {
        Outcome::new(&report, exit)
    } else {
        Ok(Outcome::text(for_people(&report), exit))
    }
}

fn font_path(args: &CheckArgs) -> PathBuf {
    args.ocrb_font
        .clone()
        .or_else(|| std::env::var_os("OPENKYC_OCRB_FONT").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(OCRB_FONT))
}

/// The basic information, or why it cannot be used (not JSON, unknown key).
fn read_data(path: &Path) -> anyhow::Result<Result<ApplicantData, String>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_DATA_BYTES + 1).read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", path.display()))?;
    if bytes.len() as u64 > MAX_DATA_BYTES {
        return Ok(Err(format!("{} is larger than {MAX_DATA_BYTES} bytes", path.display())));
    }
    Ok(serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display())))
}

fn optional_upload(path: Option<&Path>) -> anyhow::Result<Option<Vec<u8>>> {
    path.map(|path| read_upload(path, MAX_UPLOAD_BYTES)).transpose()
}

/// The recording and the challenge it answers. The CLI checks a recording
/// against the actions given; a nonce and an expiry matter only where a
/// server hands the challenge out.
fn liveness(args: &CheckArgs) -> anyhow::Result<Option<LivenessInput>> {
    let Some(path) = &args.frames else {
        return Ok(None);
    };
    let actions = parse_actions(args.challenge.as_deref().unwrap_or_default()).context("--challenge")?;
    let challenge = Challenge::new([0; NONCE_BYTES], actions, 0, i64::MAX).context("--challenge")?;
    let clip = if path.is_dir() {
        LivenessClip::Frames(folder_frames(path, args.fps)?)
    } else {
        LivenessClip::Video(read_upload(path, MAX_VIDEO_BYTES)?)
    };
    Ok(Some(LivenessInput {
        challenge,
        clip,
        mirrored: args.mirrored,
    }))
}

/// A folder's images in name order, `1000 / fps` ms apart (files that do
/// not start like a JPEG, PNG or WebP are skipped; the pipeline decodes and
/// limits the rest).
fn folder_frames(dir: &Path, fps: u32) -> anyhow::Result<Vec<TimedFrame>> {
    anyhow::ensure!(fps > 0, "--fps must be at least 1");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    let mut frames = Vec::new();
    for path in paths {
        let bytes = read_upload(&path, MAX_UPLOAD_BYTES)?;
        if looks_like_image(&bytes) {
            let index = u32::try_from(frames.len()).unwrap_or(u32::MAX);
            frames.push(TimedFrame {
                t_ms: index.saturating_mul(1000) / fps,
                bytes,
            });
        }
    }
    Ok(frames)
}

fn looks_like_image(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"\x89PNG")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Warning => "warning",
        Kind::Retry => "retry",
        Kind::Review => "review",
        Kind::Reject => "reject",
    }
}

/// The decision, each reason in both languages, the stages.
fn for_people(report: &Report) -> String {
    let verdict = match report.decision {
        Decision::Approved => "✓ approved / 已通过",
        Decision::Retry => "↻ retry: the applicant can fix this / 请重新提交",
        Decision::Review => "? review: a person decides / 人工审核",
        Decision::Rejected => "✗ rejected / 已拒绝",
    };
    let mut out = format!("{verdict} (level {})\n", report.level);
    for reason in &report.reasons {
        let field = reason.field.as_deref().map_or(String::new(), |f| format!(" [{f}]"));
        let _ = writeln!(out, "\n  {} ({}){field}", reason.code, kind_name(reason.kind));
        if let (Some(typed), Some(document)) = (&reason.typed, &reason.document) {
            let _ = writeln!(out, "    typed {typed:?}, document {document:?}");
        }
        let _ = writeln!(out, "    [en] {} {}", reason.message.en, reason.tip.en);
        let _ = writeln!(out, "    [zh-CN] {} {}", reason.message.zh_cn, reason.tip.zh_cn);
    }
    let _ = writeln!(
        out,
        "\n  {:<16} {:<8} {:>9} {:>8}  note",
        "stage", "status", "score", "ms"
    );
    for stage in &report.stages {
        let status = match stage.status {
            StageStatus::Passed => "passed",
            StageStatus::Failed => "failed",
            StageStatus::NotRun => "not_run",
        };
        let score = stage.score.map_or(String::new(), |s| format!("{s:.3}"));
        let note = stage.note.as_deref().unwrap_or("");
        let _ = writeln!(
            out,
            "  {:<16} {status:<8} {score:>9} {:>8.0}  {note}",
            stage.name, stage.ms
        );
    }
    let total = report.timings_ms.get("total").copied().unwrap_or_default();
    let _ = write!(out, "\n  (checked in {total:.0} ms)");
    out
}
