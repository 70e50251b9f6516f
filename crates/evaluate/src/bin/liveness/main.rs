//! Active liveness on real clips and on attacks built from real stills:
//! `cargo run --release -p openkyc-evaluate --bin liveness [--out FILE]`
//! runs every sequence through `openkyc_facecheck::run_liveness` with the
//! default policy and writes `docs/EVALUATION-LIVENESS.md`:
//!
//! 1. the fixture clips (`../shared/fixtures/liveness/video/*/*.mp4`), each
//!    asked every single action as a one-action challenge, the result set
//!    against what `media.csv` says the clip shows ([`truth`]), with the
//!    per-frame pose and eye ranges; clips openkyc-frames refuses are listed
//!    with the reason;
//! 2. attacks from every photo of `../shared/fixtures/faces` and the
//!    liveness stills' `genuine_pairs` ([`synth`]): the still replayed
//!    unchanged, the still as a print turned and tipped to act out the
//!    challenge, one face swapped for another mid-way; each asked two-action
//!    challenges (a fixed rotation over the 12 ordered pairs, `--challenges`
//!    per sequence): how many pass (false accepts), go to review or
//!    rejection, or retry, and which findings fire;
//! 3. the time per 8 frames (detection, FaceMesh, descriptors).
//!
//! Prints a `SKIPPED` line and exits 0 when the fixtures or models are
//! absent. The output holds no date; apart from timings it is the same on
//! every run.

mod synth;
mod truth;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Parser;
use image::RgbImage;
use openkyc_face::mesh::FaceMesh;
use openkyc_facecheck::{run_liveness, FaceModels, FrameMeasure, LivenessRun, SequenceOptions};
use openkyc_frames::FrameLimits;
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_liveness::{Action, ActionResult, Challenge, Decision, LivenessPolicy, LivenessReport, Strength};
use truth::{ClipTruth, Shown};

#[derive(Debug, Parser)]
#[command(about = "Evaluate active liveness on the real clips and stills of ../shared/fixtures")]
struct Args {
    /// The shared fixtures folder (holding `liveness/` and `faces/`).
    #[arg(long, default_value = "../shared/fixtures")]
    fixtures: PathBuf,
    /// Where to write the report.
    #[arg(long, default_value = "docs/EVALUATION-LIVENESS.md")]
    out: PathBuf,
    /// Two-action challenges asked of each attack sequence, taken in a fixed
    /// rotation over the 12 ordered pairs (12: all of them).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=12))]
    challenges: u8,
    /// Use only the first N stills (a quick look; the report says so).
    #[arg(long)]
    stills: Option<usize>,
}

/// The nonce of every challenge (the analysis does not read it).
const NONCE: [u8; openkyc_liveness::NONCE_BYTES] = [7; openkyc_liveness::NONCE_BYTES];
/// Frames of a replayed still.
const REPLAY_FRAMES: u32 = 16;
/// Longest side of a still once decoded (the frame reader's default).
const STILL_MAX_SIDE: u32 = 960;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let liveness_dir = args.fixtures.join("liveness");
    if !liveness_dir.join("media.csv").is_file() {
        eprintln!(
            "SKIPPED: {} not found (the shared fixtures are absent)",
            liveness_dir.join("media.csv").display()
        );
        return Ok(());
    }
    let Ok(models) = ModelSet::locate() else {
        eprintln!("SKIPPED: models missing, run scripts/fetch-models.sh");
        return Ok(());
    };
    let mut runner = Runner {
        models: FaceModels::load(&models, &SessionOptions::default()).context("face models")?,
        mesh: FaceMesh::load(&models).context("FaceMesh")?,
        policy: LivenessPolicy::default(),
        options: SequenceOptions::default(),
        clip_times: Vec::new(),
        attack_times: Vec::new(),
    };
    let clips = evaluate_clips(&mut runner, &liveness_dir)?;
    let mut stills = load_stills(&args.fixtures)?;
    let all_stills = stills.len();
    if let Some(limit) = args.stills {
        stills.truncate(limit);
    }
    let swaps = swap_pairs(&args.fixtures, &stills)?;
    let attacks = evaluate_attacks(&mut runner, &stills, &swaps, usize::from(args.challenges))?;
    let mut out = String::new();
    write_header(&mut out, &runner, &args, stills.len(), all_stills);
    write_clips(&mut out, &clips);
    write_attacks(&mut out, &attacks, &runner.policy);
    write_timing(&mut out, &runner);
    write_limits(&mut out);
    std::fs::write(&args.out, &out).with_context(|| format!("writing {}", args.out.display()))?;
    print!("{out}");
    Ok(())
}

/// The models and settings every sequence runs with, and the time taken.
struct Runner {
    models: FaceModels,
    mesh: FaceMesh,
    policy: LivenessPolicy,
    options: SequenceOptions,
    clip_times: Vec<PerEightFrames>,
    attack_times: Vec<PerEightFrames>,
}

/// Milliseconds per 8 frames of one run.
#[derive(Debug, Clone, Copy)]
struct PerEightFrames {
    total: f64,
    detect: f64,
    mesh: f64,
    embed: f64,
}

impl Runner {
    /// `frames` through `run_liveness`, asked `actions`.
    fn run(&mut self, frames: &[(u32, RgbImage)], actions: &[Action], real: bool) -> anyhow::Result<LivenessRun> {
        let challenge = Challenge::new(NONCE, actions.to_vec(), 0, i64::MAX)?;
        let run = run_liveness(
            &mut self.models,
            &self.mesh,
            frames.iter().map(|(t_ms, image)| (*t_ms, image)),
            &challenge,
            &self.policy,
            None,
            &self.options,
        )?;
        let per_eight = 8.0 / frames.len().max(1) as f64;
        let time = PerEightFrames {
            total: run.timings_ms.total * per_eight,
            detect: run.timings_ms.detect * per_eight,
            mesh: run.timings_ms.mesh * per_eight,
            embed: run.timings_ms.embed * per_eight,
        };
        if real {
            self.clip_times.push(time);
        } else {
            self.attack_times.push(time);
        }
        Ok(run)
    }
}

// ---------------------------------------------------------------- clips

/// One clip's evaluation.
struct ClipEvaluation {
    file: String,
    truth: Option<&'static ClipTruth>,
    outcome: Result<ClipRuns, String>,
}

/// A readable clip asked each action alone.
struct ClipRuns {
    frames: usize,
    source: (u32, u32),
    duration_ms: u32,
    too_long: bool,
    /// Each action's result and its run's decision and findings.
    actions: Vec<(ActionResult, Decision, String)>,
    blinks_seen: usize,
    measures: Vec<FrameMeasure>,
}

/// How a reported action compares with the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verdict {
    /// Seen where the label says.
    Detected,
    /// Labelled, not seen.
    Missed,
    /// Seen where no label says so.
    FalseDetection,
    /// Not labelled, not seen.
    Quiet,
    /// The label is unclear: not counted.
    Uncounted,
}

impl Verdict {
    fn of(shown: Shown, result: &ActionResult) -> Self {
        match (shown, result.seen.then_some(result.t_ms).flatten()) {
            (Shown::Unclear { .. }, _) => Verdict::Uncounted,
            (Shown::At(_), Some(t_ms)) if shown.covers(t_ms) => Verdict::Detected,
            (Shown::At(_), None) => Verdict::Missed,
            (_, Some(_)) => Verdict::FalseDetection,
            (Shown::No, None) => Verdict::Quiet,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Verdict::Detected => "**detected**",
            Verdict::Missed => "**missed**",
            Verdict::FalseDetection => "**false detection**",
            Verdict::Quiet => "correctly not seen",
            Verdict::Uncounted => "not counted",
        }
    }
}

fn evaluate_clips(runner: &mut Runner, liveness_dir: &Path) -> anyhow::Result<Vec<ClipEvaluation>> {
    let video_dir = liveness_dir.join("video");
    let mut files = Vec::new();
    for folder in sorted_entries(&video_dir)? {
        if folder.is_dir() {
            files.extend(
                sorted_entries(&folder)?
                    .into_iter()
                    .filter(|f| f.extension().is_some_and(|e| e.eq_ignore_ascii_case("mp4"))),
            );
        }
    }
    // The fixture clips run up to 20 s: read them whole, and let the
    // analysis say TOO_LONG rather than the reader refuse them.
    let limits = FrameLimits {
        max_duration_ms: 20_000,
        max_frames: 200,
        ..FrameLimits::default()
    };
    let mut evaluations = Vec::new();
    for path in files {
        let file = path
            .strip_prefix(&video_dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let truth = truth::CLIPS.iter().find(|clip| clip.file == file);
        eprintln!("clip {file}");
        let outcome = match openkyc_frames::read_video_file(&path, &limits) {
            Err(error) => Err(format!("`{}`: {error}", error.code())),
            Ok(sequence) => {
                let frames: Vec<(u32, RgbImage)> = sequence.frames.into_iter().map(|f| (f.t_ms, f.image)).collect();
                Ok(clip_runs(
                    runner,
                    &frames,
                    (sequence.source.width, sequence.source.height),
                )?)
            }
        };
        evaluations.push(ClipEvaluation { file, truth, outcome });
    }
    Ok(evaluations)
}

fn clip_runs(runner: &mut Runner, frames: &[(u32, RgbImage)], source: (u32, u32)) -> anyhow::Result<ClipRuns> {
    let mut actions = Vec::new();
    let mut measures = Vec::new();
    let mut report: Option<LivenessReport> = None;
    for action in Action::ALL {
        let run = runner.run(frames, &[action], true)?;
        if let Some(result) = run.report.actions.first() {
            actions.push((result.clone(), run.report.decision, findings_text(&run.report)));
        }
        measures = run.frames;
        report = Some(run.report);
    }
    let report = report.context("no run")?;
    Ok(ClipRuns {
        frames: frames.len(),
        source,
        duration_ms: report.duration_ms,
        too_long: report.has(openkyc_liveness::FindingCode::TooLong),
        actions,
        blinks_seen: report.measures.blinks_seen,
        measures,
    })
}

// ---------------------------------------------------------------- attacks

/// The three attacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Attack {
    Replay,
    Print,
    Swap,
}

impl Attack {
    const ALL: [Attack; 3] = [Attack::Replay, Attack::Print, Attack::Swap];

    fn name(self) -> &'static str {
        match self {
            Attack::Replay => "still replayed unchanged (16 frames, 8 fps)",
            Attack::Print => "print turned / tipped to act out the challenge (8 frames per action)",
            Attack::Swap => "face swap (8 frames of one person, 8 of another)",
        }
    }
}

/// What every run of one attack gave.
#[derive(Default)]
struct Tally {
    sequences: usize,
    runs: usize,
    decisions: BTreeMap<&'static str, usize>,
    /// Per finding code: runs where it fired without strength, weak, strong.
    findings: BTreeMap<&'static str, [usize; 3]>,
    /// Per action: asked, seen.
    seen: BTreeMap<Action, (usize, usize)>,
    /// Per action: the movement's peak (degrees for turns and nods, the
    /// weaker eye's closed score for blinks).
    peaks: BTreeMap<Action, Vec<f32>>,
    /// Runs whose sequence had no measurable face at all.
    faceless: usize,
    /// Per challenge: runs, passes.
    by_challenge: BTreeMap<String, (usize, usize)>,
    /// Which runs passed.
    passes: Vec<String>,
    /// Which runs raised no presentation-attack signal, with their largest
    /// identity distance (for the face swaps: why none was seen).
    unsignalled: Vec<String>,
}

impl Tally {
    fn add(&mut self, sequence: &str, actions: &[Action], report: &LivenessReport) {
        self.runs += 1;
        *self.decisions.entry(decision_word(report.decision)).or_default() += 1;
        for finding in &report.findings {
            let slot = match finding.strength {
                None => 0,
                Some(Strength::Weak) => 1,
                Some(Strength::Strong) => 2,
            };
            if let Some(count) = self.findings.entry(finding.code.as_str()).or_default().get_mut(slot) {
                *count += 1;
            }
        }
        for result in &report.actions {
            let entry = self.seen.entry(result.action).or_default();
            entry.0 += 1;
            entry.1 += usize::from(result.seen);
            if let Some(peak) = result.peak {
                self.peaks.entry(result.action).or_default().push(peak);
            }
        }
        self.faceless += usize::from(report.measures.face_frames == 0);
        let challenge = openkyc_liveness::format_actions(actions);
        let entry = self.by_challenge.entry(challenge.clone()).or_default();
        entry.0 += 1;
        if report.decision == Decision::Pass {
            entry.1 += 1;
            self.passes.push(format!("{sequence} asked {challenge}"));
        }
        if !report.findings.iter().any(|f| f.code.is_attack_signal()) {
            let distance = report
                .measures
                .max_identity_distance
                .map_or_else(|| "none measured".to_owned(), |d| format!("{d:.3}"));
            self.unsignalled.push(format!(
                "{sequence} asked {challenge} (largest identity distance {distance})"
            ));
        }
    }
}

/// The 12 ordered pairs of different actions.
fn challenge_pairs() -> Vec<[Action; 2]> {
    Action::ALL
        .iter()
        .flat_map(|&a| Action::ALL.iter().filter(move |&&b| b != a).map(move |&b| [a, b]))
        .collect()
}

/// The `count` challenges sequence `index` is asked: a rotation, so that
/// over the sequences every pair is asked about equally often.
fn challenges_for(index: usize, count: usize) -> Vec<[Action; 2]> {
    let pairs = challenge_pairs();
    (0..count)
        .filter_map(|j| pairs.get((index * count + j) % pairs.len().max(1)).copied())
        .collect()
}

/// A still, by name.
struct Still {
    name: String,
    image: RgbImage,
}

fn load_stills(fixtures: &Path) -> anyhow::Result<Vec<Still>> {
    let mut stills = Vec::new();
    let faces = fixtures.join("faces");
    let pairs = fixtures.join("liveness/still/genuine_pairs");
    for (dir, prefix) in [(&faces, "faces/"), (&pairs, "liveness/still/genuine_pairs/")] {
        if !dir.is_dir() {
            eprintln!("note: {} is absent; its stills are left out", dir.display());
            continue;
        }
        for path in sorted_entries(dir)? {
            let is_image = path
                .extension()
                .is_some_and(|e| ["jpg", "jpeg", "png"].iter().any(|known| e.eq_ignore_ascii_case(known)));
            if is_image {
                let name = format!("{prefix}{}", path.file_name().unwrap_or_default().to_string_lossy());
                stills.push(Still {
                    name,
                    image: decode(&path)?,
                });
            }
        }
    }
    Ok(stills)
}

/// Through the intake, as an upload is (format from the bytes, EXIF
/// orientation), at most [`STILL_MAX_SIDE`] on the long side.
fn decode(path: &Path) -> anyhow::Result<RgbImage> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    let limits = openkyc_intake::IntakeLimits {
        working_max_side: STILL_MAX_SIDE,
        ..openkyc_intake::IntakeLimits::default()
    };
    Ok(openkyc_intake::intake(&bytes, &limits)
        .with_context(|| path.display().to_string())?
        .working)
}

/// Face swaps, as indices into `stills`: for each photo of `pairs.csv`'s
/// different-person rows, its first partner in file order; and the three
/// genuine_pairs people in a ring.
fn swap_pairs(fixtures: &Path, stills: &[Still]) -> anyhow::Result<Vec<(usize, usize)>> {
    let index = |name: &str| stills.iter().position(|s| s.name == name);
    let mut swaps: Vec<(usize, usize)> = Vec::new();
    let csv = fixtures.join("faces/pairs.csv");
    if csv.is_file() {
        let text = std::fs::read_to_string(&csv)?;
        for line in text.lines().skip(1) {
            let mut cells = line.split(',');
            let (Some(a), Some(b), Some(same)) = (cells.next(), cells.next(), cells.next()) else {
                continue;
            };
            if same.trim() != "0" {
                continue;
            }
            let (Some(a), Some(b)) = (index(&format!("faces/{a}")), index(&format!("faces/{b}"))) else {
                continue;
            };
            if !swaps.iter().any(|&(first, _)| first == a) {
                swaps.push((a, b));
            }
        }
    }
    let ring: Vec<usize> = stills
        .iter()
        .enumerate()
        .filter(|(_, s)| s.name.starts_with("liveness/still/genuine_pairs/"))
        .map(|(i, _)| i)
        .collect();
    for (k, &a) in ring.iter().enumerate() {
        if let Some(&b) = ring.get((k + 1) % ring.len()) {
            if a != b {
                swaps.push((a, b));
            }
        }
    }
    Ok(swaps)
}

fn evaluate_attacks(
    runner: &mut Runner,
    stills: &[Still],
    swaps: &[(usize, usize)],
    count: usize,
) -> anyhow::Result<BTreeMap<Attack, Tally>> {
    let mut tallies: BTreeMap<Attack, Tally> = BTreeMap::new();
    for (i, still) in stills.iter().enumerate() {
        eprintln!("still {} ({}/{})", still.name, i + 1, stills.len());
        let challenges = challenges_for(i, count);
        let seed = u32::try_from(i).unwrap_or(u32::MAX);
        let replay = synth::replayed(&still.image, REPLAY_FRAMES);
        tallies.entry(Attack::Replay).or_default().sequences += 1;
        for actions in &challenges {
            let run = runner.run(&replay, actions, false)?;
            tallies
                .entry(Attack::Replay)
                .or_default()
                .add(&still.name, actions, &run.report);
        }
        // A print acts out its challenge: one sequence per challenge.
        for actions in &challenges {
            let frames = synth::print_attack(&still.image, actions, seed);
            let run = runner.run(&frames, actions, false)?;
            let tally = tallies.entry(Attack::Print).or_default();
            tally.sequences += 1;
            tally.add(&still.name, actions, &run.report);
        }
    }
    for (k, &(a, b)) in swaps.iter().enumerate() {
        let (Some(first), Some(second)) = (stills.get(a), stills.get(b)) else {
            continue;
        };
        let seed = u32::try_from(k).unwrap_or(u32::MAX);
        let frames = synth::face_swap(&first.image, &second.image, seed);
        let name = format!("{} → {}", first.name, second.name);
        tallies.entry(Attack::Swap).or_default().sequences += 1;
        for actions in &challenges_for(k, count) {
            let run = runner.run(&frames, actions, false)?;
            tallies
                .entry(Attack::Swap)
                .or_default()
                .add(&name, actions, &run.report);
        }
    }
    Ok(tallies)
}

// ---------------------------------------------------------------- report

fn write_header(out: &mut String, runner: &Runner, args: &Args, stills: usize, all_stills: usize) {
    let _ = writeln!(out, "# Active liveness evaluation\n");
    let _ = writeln!(
        out,
        "Produced by `OPENBLAS_NUM_THREADS=1 cargo run --release -p openkyc-evaluate --bin liveness` (options: \
         `--challenges {}`{}). Every sequence goes through `openkyc_facecheck::run_liveness` (CenterFace, then FaceMesh \
         tracking, dlib descriptors on near-frontal frames, thumbnails) and `openkyc_liveness::analyse` with the \
         default policy and sequence options below; no selfie is given.\n",
        args.challenges,
        if stills < all_stills {
            format!(", `--stills {stills}`: {stills} of the {all_stills} stills")
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "Conventions: frames are read as unmirrored, so `turn_left` (the subject's own left) is the nose moving \
         toward the image's right, yaw rising; `nod` is the pitch dropping (nose down) and coming back.\n"
    );
    let _ = writeln!(out, "## Policy and options\n");
    let _ = writeln!(out, "| `LivenessPolicy::default()` | value |\n|---|---|");
    write_fields(out, serde_json::to_value(runner.policy).ok());
    let _ = writeln!(out, "\n| `SequenceOptions::default()` | value |\n|---|---|");
    write_fields(out, serde_json::to_value(runner.options).ok());
    let _ = writeln!(out);
}

fn write_fields(out: &mut String, value: Option<serde_json::Value>) {
    if let Some(serde_json::Value::Object(fields)) = value {
        for (name, value) in fields {
            let _ = writeln!(out, "| `{name}` | {} |", short_number(&value));
        }
    }
}

/// A JSON value with its floats as the `f32` they were (0.35, not
/// 0.3499999940395355), objects field by field.
fn short_number(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            n.as_f64().map_or_else(|| n.to_string(), |f| (f as f32).to_string())
        }
        serde_json::Value::Object(fields) => fields
            .iter()
            .map(|(name, v)| format!("{name} {}", short_number(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn write_clips(out: &mut String, clips: &[ClipEvaluation]) {
    let _ = writeln!(
        out,
        "## 1. Real clips\n\n`../shared/fixtures/liveness/video/*/*.mp4`, read by `openkyc-frames` at 8 fps with \
         `max_duration_ms` 20 000 and `max_frames` 200 (the default 10 s limit would refuse three of them); clips \
         over the policy's 10 s get `TOO_LONG` (a retry), and their actions are evaluated anyway. Each clip is asked \
         each action alone (a one-action challenge); the result (the first event's time, and its peak: degrees past \
         the sequence's median pose, or the weaker eye's closed score) is set against what `media.csv` says the clip \
         shows (labels by eye, written down in `crates/evaluate/src/bin/liveness/truth.rs` with the media.csv line; \
         a time within {} ms of a labelled window counts as that event).\n",
        truth::TOLERANCE_MS
    );
    let unreadable: Vec<&ClipEvaluation> = clips.iter().filter(|c| c.outcome.is_err()).collect();
    if !unreadable.is_empty() {
        let _ = writeln!(out, "Not readable:\n\n| clip | media.csv line | why |\n|---|---|---|");
        for clip in unreadable {
            if let Err(why) = &clip.outcome {
                let _ = writeln!(out, "| `{}` | {} | {why} |", clip.file, line_of(clip.truth));
            }
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "| clip | media.csv line | frames (source size) | length | eyes, per media.csv | head, per media.csv |\n\
         |---|---|---|---|---|---|"
    );
    for clip in clips {
        let Ok(runs) = &clip.outcome else { continue };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} ({}×{}) | {:.2} s{} | {} | {} |",
            clip.file,
            line_of(clip.truth),
            runs.frames,
            runs.source.0,
            runs.source.1,
            f64::from(runs.duration_ms) / 1000.0,
            if runs.too_long { ", `TOO_LONG`" } else { "" },
            clip.truth.map_or("(no label)", |t| t.eyes_label),
            clip.truth.map_or("(no label)", |t| t.head_label),
        );
    }
    let _ = writeln!(
        out,
        "\n| clip | action | media.csv says | result | verdict | decision, findings |\n|---|---|---|---|---|---|"
    );
    let mut counts: BTreeMap<Action, BTreeMap<Verdict, usize>> = BTreeMap::new();
    for clip in clips {
        let (Ok(runs), Some(truth)) = (&clip.outcome, clip.truth) else {
            continue;
        };
        for (result, decision, findings) in &runs.actions {
            let shown = truth.of(result.action);
            let verdict = Verdict::of(shown, result);
            *counts.entry(result.action).or_default().entry(verdict).or_default() += 1;
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {}{} | {}: {} |",
                short(&clip.file),
                result.action,
                label_text(shown),
                result_text(result),
                verdict.word(),
                uncounted_note(shown, result),
                decision_word(*decision),
                findings,
            );
        }
    }
    let _ = writeln!(
        out,
        "\n| action | detected | missed | false detections | correctly not seen | not counted (unclear label) |\n\
         |---|---|---|---|---|---|"
    );
    let mut total: BTreeMap<Verdict, usize> = BTreeMap::new();
    for (action, verdicts) in &counts {
        let get = |v: Verdict| verdicts.get(&v).copied().unwrap_or(0);
        for (v, n) in verdicts {
            *total.entry(*v).or_default() += n;
        }
        let _ = writeln!(
            out,
            "| {action} | {} | {} | {} | {} | {} |",
            get(Verdict::Detected),
            get(Verdict::Missed),
            get(Verdict::FalseDetection),
            get(Verdict::Quiet),
            get(Verdict::Uncounted)
        );
    }
    let get = |v: Verdict| total.get(&v).copied().unwrap_or(0);
    let _ = writeln!(
        out,
        "| all | {} | {} | {} | {} | {} |\n",
        get(Verdict::Detected),
        get(Verdict::Missed),
        get(Verdict::FalseDetection),
        get(Verdict::Quiet),
        get(Verdict::Uncounted)
    );
    let _ = writeln!(
        out,
        "A one-action challenge reports the *first* event of its kind, so a clip with several blinks is credited \
         with one; `blinks` below counts every blink event the analysis saw.\n\n\
         Per-frame measures (FaceMesh pose in degrees, eye-closed scores 0–1 of the subject's left and right eye; \
         `both` is the larger over frames of the smaller eye's score, what a blink needs):\n\n\
         | clip | frames with a face | yaw min … max (median) | pitch min … max (median) | eye closed max L / R / both | blinks (labelled) |\n\
         |---|---|---|---|---|---|"
    );
    for clip in clips {
        let Ok(runs) = &clip.outcome else { continue };
        let labelled = clip.truth.map_or(0, |t| t.blink.windows().len());
        let _ = writeln!(
            out,
            "| `{}` | {} / {} | {} | {} | {} | {} ({labelled}) |",
            short(&clip.file),
            runs.measures.iter().filter(|m| m.pose_deg.is_some()).count(),
            runs.measures.len(),
            range_text(runs.measures.iter().filter_map(|m| m.pose_deg.map(|p| p[0]))),
            range_text(runs.measures.iter().filter_map(|m| m.pose_deg.map(|p| p[1]))),
            eyes_text(&runs.measures),
            runs.blinks_seen,
        );
    }
    let _ = writeln!(out);
}

fn write_attacks(out: &mut String, attacks: &BTreeMap<Attack, Tally>, policy: &LivenessPolicy) {
    let _ = writeln!(
        out,
        "## 2. Attacks built from real stills\n\nEvery photo of `../shared/fixtures/faces` and of \
         `liveness/still/genuine_pairs`, decoded at most {STILL_MAX_SIDE} px on the long side:\n\n\
         * **replay**: the still fed unchanged as {REPLAY_FRAMES} frames, {} ms apart;\n\
         * **print**: the still as a flat print in front of a pinhole camera (focal length 1.2 image widths), \
         acting out the challenge: for a turn it is turned about its vertical axis 0 → {max}° → 0 (toward the \
         side that foreshortens it as the asked turn would; `turn_left` sends its right edge away), for a nod \
         tipped about its horizontal axis 0 → {max}° → 0 (bottom edge away), for a blink held still; each frame \
         shifted by up to 2 px (a hand), its exposure drifting by up to 4 % and with ±3 grey levels of noise, so \
         no two frames are the same picture;\n\
         * **face swap**: {} frames of one person then {} of another (the second photo fitted into the first's \
         frame), each frame a still-held print as above; the pairs are, for each photo of `faces/pairs.csv`'s \
         different-person rows, its first partner in file order, and the three genuine_pairs people in a ring.\n\n\
         Each sequence is asked two-action challenges taken in a fixed rotation over the 12 ordered pairs (so every \
         pair is asked about equally often); a print sequence is built for its challenge. A **pass** is a false \
         accept. Decisions: `rejected` needs {} strong signals, any signal gives `review`, any other finding \
         `retry`.\n",
        synth::FRAME_MS,
        synth::FRAMES_PER_PART,
        synth::FRAMES_PER_PART,
        policy.reject_min_strong_signals,
        max = synth::PRINT_MAX_DEG,
    );
    let _ = writeln!(
        out,
        "| attack | sequences | runs | **pass (false accept)** | rejected | review | retry | runs without any face |\n\
         |---|---|---|---|---|---|---|---|"
    );
    for attack in Attack::ALL {
        let Some(tally) = attacks.get(&attack) else { continue };
        let decision = |word: &str| tally.decisions.get(word).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | **{}** | {} | {} | {} | {} |",
            attack.name(),
            tally.sequences,
            tally.runs,
            decision("pass"),
            decision("rejected"),
            decision("review"),
            decision("retry"),
            tally.faceless
        );
    }
    let _ = writeln!(
        out,
        "\nFindings (runs in which each fired; signals split by strength):\n\n\
         | attack | finding | runs (no strength / weak / strong) |\n|---|---|---|"
    );
    for attack in Attack::ALL {
        let Some(tally) = attacks.get(&attack) else { continue };
        for (code, [none, weak, strong]) in &tally.findings {
            let text = if none + weak + strong == *none {
                format!("{none}")
            } else {
                format!("{} (weak {weak}, strong {strong})", weak + strong)
            };
            let _ = writeln!(out, "| {} | `{code}` | {text} |", short_attack(attack));
        }
    }
    let _ = writeln!(
        out,
        "\nActions seen (asked in a challenge and seen in order), and how far the movement went (median and largest \
         peak: degrees past the sequence's median pose in the asked direction for turns and nods — the policy \
         needs {}° for a turn, {}° for a nod — or the weaker eye's closed score for a blink):\n\n\
         | attack | action | seen / asked | peak median | peak max |\n|---|---|---|---|---|",
        policy.turn_min_deg, policy.nod_min_deg
    );
    for attack in Attack::ALL {
        let Some(tally) = attacks.get(&attack) else { continue };
        for (action, (asked, seen)) in &tally.seen {
            let peaks = tally.peaks.get(action).cloned().unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {action} | {seen} / {asked} | {} | {} |",
                short_attack(attack),
                median_f32(peaks.clone()).map_or("–".into(), |m| format!("{m:.2}")),
                peaks
                    .iter()
                    .copied()
                    .reduce(f32::max)
                    .map_or("–".into(), |m| format!("{m:.2}")),
            );
        }
    }
    let _ = writeln!(
        out,
        "\nPasses per challenge (runs asked it):\n\n| challenge | {} |\n|---|{}",
        Attack::ALL.map(short_attack).join(" | "),
        "---|".repeat(Attack::ALL.len())
    );
    for pair in challenge_pairs() {
        let key = openkyc_liveness::format_actions(&pair);
        let cells: Vec<String> = Attack::ALL
            .iter()
            .map(|attack| {
                let (runs, passes) = attacks
                    .get(attack)
                    .and_then(|t| t.by_challenge.get(&key))
                    .copied()
                    .unwrap_or_default();
                format!("{passes} of {runs}")
            })
            .collect();
        let _ = writeln!(out, "| {key} | {} |", cells.join(" | "));
    }
    if let Some(swaps) = attacks.get(&Attack::Swap) {
        if !swaps.unsignalled.is_empty() {
            let _ = writeln!(out, "\nFace swaps that raised no signal (they did not pass):\n");
            for run in &swaps.unsignalled {
                let _ = writeln!(out, "* {run}");
            }
        }
    }
    let passes: Vec<&String> = attacks.values().flat_map(|t| t.passes.iter()).collect();
    if passes.is_empty() {
        let _ = writeln!(out, "\nNo attack run passed.\n");
    } else {
        let _ = writeln!(out, "\nRuns that passed (false accepts):\n");
        for pass in passes {
            let _ = writeln!(out, "* {pass}");
        }
        let _ = writeln!(out);
    }
}

fn write_timing(out: &mut String, runner: &Runner) {
    let _ = writeln!(
        out,
        "## 3. Time\n\nMedian milliseconds per 8 frames (`timings_ms` of each run × 8 / its frames), one ONNX Runtime \
         thread, OpenBLAS threads as set by the caller (`OPENBLAS_NUM_THREADS={}`), on a shared 2-core machine (for \
         the record; `docs/BENCHMARKS.md` holds the benchmark):\n\n\
         | sequences | runs | total | detection (CenterFace) | FaceMesh | descriptors (dlib) |\n|---|---|---|---|---|---|",
        std::env::var("OPENBLAS_NUM_THREADS").unwrap_or_else(|_| "unset".into())
    );
    for (what, times) in [
        ("real clips (540–960 px frames)", &runner.clip_times),
        ("attacks from stills (≤ 960 px)", &runner.attack_times),
    ] {
        let median = |f: fn(&PerEightFrames) -> f64| median_f64(times.iter().map(f).collect());
        let _ = writeln!(
            out,
            "| {what} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            times.len(),
            median(|t| t.total),
            median(|t| t.detect),
            median(|t| t.mesh),
            median(|t| t.embed)
        );
    }
    let _ = writeln!(out);
}

fn write_limits(out: &mut String) {
    let _ = writeln!(
        out,
        "## What this does not show\n\n\
         * **No real attack recording.** There is no video of a print, a phone screen or a mask held to a camera \
         in the fixtures (the `still/pad` print is one photo); the attacks above are built from stills, by \
         arithmetic: a warped print has no paper texture, no glare, no bent edge, no fingers, and its \
         \"camera\" has no lens blur, rolling shutter or compression. A video of the victim replayed on a \
         screen (which blinks and turns) is not tried at all; nothing in the analysis would catch it.\n\
         * **Few, mostly frontal clips.** Five readable clips of five people, taken from other projects' demo \
         assets (talking heads, acted expressions), not applicants doing a challenge; nobody in them was asked to \
         turn, nod or blink on cue, so the action rates above are from a handful of events. No clip shows a \
         deliberate nod.\n\
         * **Hand labels by eye.** Times and angles in media.csv were read by eye (\"~\"); the clip label's \
         direction is the image's, and whether a clip was mirrored is unknown.\n\
         * **The stills are public figures' photos**, mostly frontal and well lit; the face-swap pairs swap two \
         whole photos, not a face pasted into the same scene.\n\
         * **One-action runs on clips** report only the first event of each kind; the long clips are over the \
         policy's 10 s and would be a retry in service.\n\
         * **Timings** are from a shared machine and only for the record.\n"
    );
}

// ---------------------------------------------------------------- helpers

fn sorted_entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

fn line_of(truth: Option<&ClipTruth>) -> String {
    truth.map_or("–".into(), |t| t.media_csv_line.to_string())
}

/// The clip's file name without its folder.
fn short(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

fn short_attack(attack: Attack) -> &'static str {
    match attack {
        Attack::Replay => "replay",
        Attack::Print => "print",
        Attack::Swap => "face swap",
    }
}

fn decision_word(decision: Decision) -> &'static str {
    match decision {
        Decision::Pass => "pass",
        Decision::Retry => "retry",
        Decision::Review => "review",
        Decision::Rejected => "rejected",
    }
}

fn findings_text(report: &LivenessReport) -> String {
    let codes: Vec<String> = report
        .findings
        .iter()
        .map(|f| match f.strength {
            None => format!("`{}`", f.code.as_str()),
            Some(Strength::Weak) => format!("`{}` (weak)", f.code.as_str()),
            Some(Strength::Strong) => format!("`{}` (strong)", f.code.as_str()),
        })
        .collect();
    if codes.is_empty() {
        "none".into()
    } else {
        codes.join(", ")
    }
}

fn seconds(ms: u32) -> String {
    format!("{:.2} s", f64::from(ms) / 1000.0)
}

fn windows_text(windows: &[(u32, u32)]) -> String {
    windows
        .iter()
        .map(|&(from, to)| {
            if from == to {
                format!("~{:.2}", f64::from(from) / 1000.0)
            } else {
                format!("~{:.2}–{:.2}", f64::from(from) / 1000.0, f64::from(to) / 1000.0)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn label_text(shown: Shown) -> String {
    match shown {
        Shown::At(windows) => format!("yes, {} s", windows_text(windows)),
        Shown::No => "no".into(),
        Shown::Unclear { windows: [], why } => format!("unclear: {why}"),
        Shown::Unclear { windows, why } => format!("unclear: {why} ({} s)", windows_text(windows)),
    }
}

fn result_text(result: &ActionResult) -> String {
    let peak = result.peak.map_or(String::new(), |p| format!(", peak {p:.2}"));
    match (result.seen, result.t_ms) {
        (true, Some(t_ms)) => format!("seen at {}{peak}", seconds(t_ms)),
        _ => format!(
            "not seen ({}){peak}",
            result.reason.map_or("–".into(), |r| format!("{r:?}"))
        ),
    }
}

/// For an uncounted label, whether the reported time falls in its windows.
fn uncounted_note(shown: Shown, result: &ActionResult) -> &'static str {
    match (shown, result.seen.then_some(result.t_ms).flatten()) {
        (Shown::Unclear { windows, .. }, Some(t_ms)) if !windows.is_empty() => {
            if shown.covers(t_ms) {
                " (inside the labelled time)"
            } else {
                " (outside the labelled time)"
            }
        }
        _ => "",
    }
}

fn range_text(values: impl Iterator<Item = f32>) -> String {
    let values: Vec<f32> = values.collect();
    let min = values.iter().copied().reduce(f32::min);
    let max = values.iter().copied().reduce(f32::max);
    match (min, max, median_f32(values)) {
        (Some(min), Some(max), Some(median)) => format!("{min:.1} … {max:.1} ({median:.1})"),
        _ => "–".into(),
    }
}

fn eyes_text(measures: &[FrameMeasure]) -> String {
    let eyes: Vec<[f32; 2]> = measures.iter().filter_map(|m| m.eyes_closed).collect();
    let max = |f: fn(&[f32; 2]) -> f32| eyes.iter().map(f).reduce(f32::max);
    match (max(|e| e[0]), max(|e| e[1]), max(|e| e[0].min(e[1]))) {
        (Some(left), Some(right), Some(both)) => format!("{left:.2} / {right:.2} / {both:.2}"),
        _ => "–".into(),
    }
}

fn median_f32(mut values: Vec<f32>) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 2).copied()
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rotation_asks_every_pair_equally() {
        assert_eq!(challenge_pairs().len(), 12);
        let mut asked: BTreeMap<String, usize> = BTreeMap::new();
        for i in 0..6 {
            for pair in challenges_for(i, 4) {
                *asked.entry(openkyc_liveness::format_actions(&pair)).or_default() += 1;
            }
        }
        assert_eq!(asked.len(), 12);
        assert!(asked.values().all(|&n| n == 2), "{asked:?}");
    }

    fn result(seen: bool, t_ms: u32) -> ActionResult {
        ActionResult {
            action: Action::Blink,
            seen,
            t_ms: seen.then_some(t_ms),
            end_ms: None,
            peak: None,
            reason: None,
        }
    }

    #[test]
    fn verdicts_follow_the_labels() {
        let at = Shown::At(&[(2_000, 2_500)]);
        assert_eq!(Verdict::of(at, &result(true, 2_600)), Verdict::Detected);
        assert_eq!(Verdict::of(at, &result(true, 1_000)), Verdict::FalseDetection);
        assert_eq!(Verdict::of(at, &result(false, 0)), Verdict::Missed);
        assert_eq!(Verdict::of(Shown::No, &result(true, 10)), Verdict::FalseDetection);
        assert_eq!(Verdict::of(Shown::No, &result(false, 0)), Verdict::Quiet);
        let unclear = Shown::Unclear { windows: &[], why: "" };
        assert_eq!(Verdict::of(unclear, &result(true, 10)), Verdict::Uncounted);
    }

    #[test]
    fn every_label_names_a_known_clip_once_and_its_windows_are_ordered() {
        for (i, clip) in truth::CLIPS.iter().enumerate() {
            assert!(truth::CLIPS.iter().skip(i + 1).all(|other| other.file != clip.file));
            for action in Action::ALL {
                assert!(clip.of(action).windows().iter().all(|(from, to)| from <= to));
            }
        }
    }
}
