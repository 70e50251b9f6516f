//! openkyc's face and liveness stages beside the same stages in Python
//! (onnxruntime and dlib's Python binding on the same model files),
//! alternating input by input in one run: the face stage on the real photos
//! of `../shared/fixtures/faces`, the liveness stage on 8-frame sequences cut
//! from the real clips of `../shared/fixtures/liveness/video`; writes the
//! "Face and liveness stages beside Python" section of `docs/BENCHMARKS.md`.
//!
//! `scripts/bench-face-peer.sh` builds the Python venv and runs this twice
//! (`measure`, one process per thread setting, because OpenBLAS under dlib
//! reads its thread count when the process starts), then `report`:
//!
//! ```text
//! OPENBLAS_NUM_THREADS=1 face_peer measure --threads 1 --out target/face-peer/threads-1.json
//! OPENBLAS_NUM_THREADS=2 face_peer measure --threads 2 --out target/face-peer/threads-2.json
//! face_peer report target/face-peer/threads-1.json target/face-peer/threads-2.json
//! ```
//!
//! The face stage per photo, timed from reading the file to the descriptor:
//! openkyc decodes through `openkyc-intake` (working copy ≤ 1600 px, as
//! `openkyc face compare` does), detects with CenterFace, keeps the largest
//! face, measures its quality and takes dlib's descriptor in the box
//! `dlib_box_from_centerface` gives; the Python worker
//! (`scripts/face_peer.py`) does the same with OpenCV, onnxruntime and dlib.
//! For every photo in every round the columns run one after the other, so
//! each sees the same machine load. Agreement is measured on the last round:
//! the largest face's box (in the photo's full-size pixels) and the distance
//! between the two pipelines' descriptors.
//!
//! The liveness stage per 8-frame sequence (issue 5's unit), decoding not
//! included on either side: every H.264 clip is decoded once up front by
//! `openkyc-frames` (8 fps, longest side ≤ 960, as the service reads an
//! upload), cut into non-overlapping windows of 8 consecutive frames (at
//! most `--windows-per-clip`, spread over the clip, times counted from the
//! window's first frame), and each window written as PNG files under
//! `target/face-peer/liveness-frames`, so both sides analyse the same
//! pixels. openkyc runs `openkyc_facecheck::run_liveness` (default
//! `SequenceOptions` and `LivenessPolicy`, a two-action challenge) on the
//! frames held in memory; the worker decodes the PNG files before its clock
//! starts and runs the same models the same way (CenterFace on the first
//! frame, FaceMesh tracking, blendshapes, pose, dlib descriptors on
//! near-frontal frames, thumbnails). Agreement: per frame, both sides' yaw
//! and eye-closed scores (last round).
//!
//! Each stage is a [`Stage`] (`face_stage()`, `liveness_stage()`) with its
//! inputs and columns, its timed parts in [`FACE_PARTS`] or
//! [`LIVENESS_PARTS`]; the worker answers it by name, and the report gives
//! it its own table. `--stages` measures a subset.

#[path = "../peer_common.rs"]
mod peer_common;

use peer_common::{load_average, machine, median};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use image::RgbImage;
use openkyc_face::mesh::FaceMesh;
use openkyc_face::{Face, FaceDetector, FaceQuality, QualityThresholds};
use openkyc_facecheck::{run_liveness, FaceModels, FrameMeasure, SequenceOptions};
use openkyc_faceembed::{dlib_box_from_centerface, FaceEmbedder};
use openkyc_frames::FrameLimits;
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_intake::IntakeLimits;
use openkyc_liveness::{parse_actions, Challenge, LivenessPolicy, NONCE_BYTES};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

/// Where the section starts and ends in `docs/BENCHMARKS.md`.
const BEGIN: &str = "<!-- face-peer:begin (written by scripts/bench-face-peer.sh) -->";
const END: &str = "<!-- face-peer:end -->";
/// The working copy's long side, as in `openkyc face compare`.
const WORKING_MAX_SIDE: u32 = 1600;
/// Boxes whose corners are all within this many full-size pixels, or this
/// share of the box's width, count as the same box.
const SAME_BOX_PX: f32 = 4.0;
const SAME_BOX_SHARE: f32 = 0.02;
/// Issue 5's targets on 2 cores: the face stage per selfie, the liveness
/// stage per 8-frame sequence.
const FACE_TARGET_MS: f64 = 150.0;
const LIVENESS_TARGET_MS: f64 = 400.0;
/// Frames per liveness sequence, and the rate they are taken at.
const SEQUENCE_FRAMES: usize = 8;
const SEQUENCE_FPS: u32 = 8;
/// The clips are read whole (some run 12–20 s, past the service's 10 s).
const CLIP_MAX_DURATION_MS: u32 = 20_000;
const CLIP_MAX_FRAMES: usize = 200;
/// Where the sequences' frames are written for both sides.
const FRAMES_DIR: &str = "target/face-peer/liveness-frames";
/// Per-frame differences up to these count as agreeing: a tenth of the
/// 18° turn threshold, a tenth of the eye-closed scale (the blink
/// threshold is 0.5).
const SAME_YAW_DEG: f32 = 1.8;
const SAME_EYE_CLOSED: f32 = 0.1;

#[derive(Debug, Parser)]
#[command(about = "openkyc's face stage beside the same stage in Python")]
struct Args {
    #[command(subcommand)]
    command: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Measures every stage at one thread setting and writes the results.
    Measure(MeasureArgs),
    /// Writes the section of the report from `measure` results.
    Report(ReportArgs),
}

#[derive(Debug, clap::Args)]
struct MeasureArgs {
    /// The Python of the venv that holds onnxruntime, dlib and OpenCV.
    #[arg(long, default_value = "target/face-peer-venv/bin/python")]
    python: PathBuf,
    /// The Python worker.
    #[arg(long, default_value = "scripts/face_peer.py")]
    script: PathBuf,
    /// The photos (every .jpg, .jpeg and .png, sorted by name).
    #[arg(long, default_value = "../shared/fixtures/faces")]
    photos: PathBuf,
    /// The clips the liveness sequences are cut from (every .mp4 below,
    /// sorted by path; clips openkyc-frames cannot read are left out).
    #[arg(long, default_value = "../shared/fixtures/liveness/video")]
    videos: PathBuf,
    /// At most this many 8-frame sequences per clip, spread over it.
    #[arg(long, default_value_t = 4)]
    windows_per_clip: usize,
    /// The liveness challenge's actions (openkyc side; the models' work
    /// does not depend on it).
    #[arg(long, default_value = "blink,turn_left")]
    challenge: String,
    /// The stages to measure.
    #[arg(long, value_delimiter = ',', default_value = "face,liveness")]
    stages: Vec<String>,
    /// Times every photo goes through every column.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Threads on both sides: ONNX Runtime intra-op threads (openkyc and
    /// Python) and OpenCV's pool; OpenBLAS takes `OPENBLAS_NUM_THREADS`
    /// from the environment (set by the script to the same number).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Where the results go (JSON, read by `report`).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// `measure` results, one per thread setting.
    #[arg(required = true)]
    results: Vec<PathBuf>,
    /// The report the section is written into (replacing its last version).
    #[arg(long, default_value = "docs/BENCHMARKS.md")]
    out: PathBuf,
}

/// One pass of one input through one column.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Sample {
    /// Wall time of the stage (face: reading the file included; liveness:
    /// the decoded frames' analysis).
    ms: f64,
    /// Of `ms`: the stage's parts ([`FACE_PARTS`], [`LIVENESS_PARTS`]);
    /// `None` where a column has no such part.
    parts_ms: Vec<Option<f64>>,
    /// Faces found.
    faces: usize,
    /// The largest face's box in the photo's full-size pixels.
    bbox: Option<[f32; 4]>,
    /// Its descriptor.
    descriptor: Option<Vec<f32>>,
    /// Liveness: each frame's measures.
    #[serde(default)]
    frames: Vec<FrameValues>,
    /// Liveness: the decision (openkyc only).
    #[serde(default)]
    decision: Option<String>,
}

/// One frame of a liveness sequence as a column measured it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct FrameValues {
    t_ms: u32,
    /// The detector ran on it.
    detected: bool,
    presence: f32,
    /// Yaw, pitch, roll in degrees.
    pose_deg: Option<[f32; 3]>,
    /// The subject's left and right eye closed, 0–1.
    eyes_closed: Option<[f32; 2]>,
    /// Where a descriptor was taken: its distance to the sequence's first.
    identity_distance: Option<f32>,
}

impl From<&FrameMeasure> for FrameValues {
    fn from(m: &FrameMeasure) -> Self {
        Self {
            t_ms: m.t_ms,
            detected: m.detected,
            presence: m.presence,
            pose_deg: m.pose_deg,
            eyes_closed: m.eyes_closed,
            identity_distance: m.identity_distance,
        }
    }
}

/// The face stage's timed parts: the worker's answer key and the report's
/// words.
const FACE_PARTS: &[(&str, &str)] = &[
    ("decode", "decode"),
    ("detect", "detect + quality"),
    ("embed", "descriptor"),
];
/// The liveness stage's timed parts.
const LIVENESS_PARTS: &[(&str, &str)] = &[
    ("detect", "CenterFace"),
    ("mesh", "FaceMesh + blendshapes + pose"),
    ("embed", "descriptors"),
    ("thumbnails", "thumbnails"),
    ("analyse", "judgement"),
];

/// A column: takes an input's path, says what it found and how long it took.
type Column<'a> = (&'static str, Box<dyn FnMut(&Path) -> anyhow::Result<Sample> + 'a>);

/// A stage to measure: its inputs and its columns, the reference (the
/// Python peer) first.
struct Stage<'a> {
    name: &'static str,
    inputs: Vec<Input>,
    columns: Vec<Column<'a>>,
}

/// One input of a stage (a photo; for a sequence, its directory).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Input {
    name: String,
    path: PathBuf,
    size: [u32; 2],
}

/// Per input, per column: every round's time, and the last round's sample.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StageResult {
    stage: String,
    /// What the parts of `Sample::parts_ms` are.
    #[serde(default)]
    parts: Vec<String>,
    columns: Vec<String>,
    inputs: Vec<Input>,
    times: Vec<Vec<Vec<f64>>>,
    last: Vec<Vec<Sample>>,
    /// The 1-minute load average when the stage started and when it ended.
    #[serde(default)]
    load: [String; 2],
}

/// Everything one `measure` process found.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Run {
    threads: usize,
    rounds: usize,
    machine: String,
    stages: Vec<StageResult>,
    /// Liveness sequences per clip at most, and the challenge.
    #[serde(default)]
    windows_per_clip: usize,
    #[serde(default)]
    challenge: String,
}

/// The Python worker (`scripts/face_peer.py`) in a child process.
struct Peer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Peer {
    fn start(python: &Path, script: &Path, models: &Path, threads: usize) -> anyhow::Result<Self> {
        let threads = threads.to_string();
        let mut child = Command::new(python)
            .arg(script)
            .arg(models)
            .arg(&threads)
            .env("OMP_NUM_THREADS", &threads)
            .env("OPENBLAS_NUM_THREADS", &threads)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {} {}", python.display(), script.display()))?;
        let stdin = child.stdin.take().context("the worker's stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("the worker's stdout")?);
        Ok(Self { child, stdin, stdout })
    }

    fn run(&mut self, stage: &str, path: &Path, parts: &[(&str, &str)]) -> anyhow::Result<Sample> {
        let request = serde_json::json!({ "stage": stage, "path": path });
        writeln!(self.stdin, "{request}")?;
        self.stdin.flush()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("the Python worker stopped (see its stderr above)");
        }
        let answer: serde_json::Value = serde_json::from_str(&line).with_context(|| format!("worker said {line}"))?;
        if let Some(error) = answer.get("error") {
            bail!("the Python worker: {error}");
        }
        let number = |key: &str| answer.get(key).and_then(serde_json::Value::as_f64);
        let floats = |key: &str| -> Option<Vec<f32>> {
            answer
                .get(key)?
                .as_array()?
                .iter()
                .map(|v| v.as_f64().map(|v| v as f32))
                .collect()
        };
        let frames = match answer.get("frames") {
            Some(frames) => serde_json::from_value(frames.clone()).context("the worker's frames")?,
            None => Vec::new(),
        };
        Ok(Sample {
            ms: number("ms").context("no ms")?,
            parts_ms: parts.iter().map(|(key, _)| number(&format!("{key}_ms"))).collect(),
            faces: answer.get("faces").and_then(serde_json::Value::as_u64).unwrap_or(0) as usize,
            bbox: floats("box").and_then(|b| b.try_into().ok()),
            descriptor: floats("descriptor"),
            frames,
            decision: None,
        })
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        // The worker only ever waits on stdin: ending it loses nothing, and
        // waiting leaves no zombie.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// openkyc's face stage: the models loaded once, run per photo.
struct FaceStage {
    detector: FaceDetector,
    embedder: FaceEmbedder,
    limits: IntakeLimits,
    thresholds: QualityThresholds,
}

impl FaceStage {
    fn load(models: &ModelSet, threads: usize) -> anyhow::Result<Self> {
        let session = SessionOptions {
            intra_threads: threads.max(1),
            ..SessionOptions::default()
        };
        Ok(Self {
            detector: FaceDetector::load(models, &session)?,
            embedder: FaceEmbedder::from_models(models)?,
            limits: IntakeLimits {
                working_max_side: WORKING_MAX_SIDE,
                ..IntakeLimits::default()
            },
            thresholds: QualityThresholds::default(),
        })
    }

    /// Read → intake → detect → the largest face → quality → descriptor.
    fn run(&mut self, path: &Path) -> anyhow::Result<Sample> {
        let started = Instant::now();
        let bytes = std::fs::read(path)?;
        let intake = openkyc_intake::intake(&bytes, &self.limits)?;
        let photo = &intake.working;
        let decoded = Instant::now();
        let faces = self.detector.detect(photo)?;
        let largest = largest(&faces);
        if let Some(face) = &largest {
            // The stage's quality measures: computed as the service will,
            // not used here.
            let _reasons = FaceQuality::measure(face, photo).reasons(&self.thresholds);
        }
        let detected = Instant::now();
        let descriptor = match &largest {
            Some(face) => Some(self.embedder.embed(photo, dlib_box_from_centerface(face.bbox))?),
            None => None,
        };
        let done = Instant::now();
        let ms = |from: Instant, to: Instant| to.duration_since(from).as_secs_f64() * 1000.0;
        let scale = intake.working_scale();
        Ok(Sample {
            ms: ms(started, done),
            parts_ms: vec![
                Some(ms(started, decoded)),
                Some(ms(decoded, detected)),
                Some(ms(detected, done)),
            ],
            faces: faces.len(),
            bbox: largest.map(|f| full_size_box(f.bbox, scale)),
            descriptor: descriptor.map(|d| d.as_slice().to_vec()),
            ..Sample::default()
        })
    }
}

/// openkyc's liveness stage: the models loaded once, the sequences' frames
/// held in memory (by their directory), `run_liveness` timed on each.
struct LivenessStage {
    models: FaceModels,
    mesh: FaceMesh,
    challenge: Challenge,
    sequences: HashMap<PathBuf, Vec<(u32, RgbImage)>>,
}

impl LivenessStage {
    fn load(
        models: &ModelSet,
        threads: usize,
        challenge: &str,
        sequences: HashMap<PathBuf, Vec<(u32, RgbImage)>>,
    ) -> anyhow::Result<Self> {
        let session = SessionOptions {
            intra_threads: threads.max(1),
            ..SessionOptions::default()
        };
        let actions = parse_actions(challenge).with_context(|| format!("the challenge {challenge:?}"))?;
        Ok(Self {
            models: FaceModels::load(models, &session)?,
            mesh: FaceMesh::load_with(models, &session)?,
            // A fixed nonce: the benchmark's challenge need not be secret.
            challenge: Challenge::new([7; NONCE_BYTES], actions, 0, i64::MAX)?,
            sequences,
        })
    }

    /// `run_liveness` on the sequence held for `dir` (already decoded).
    fn run(&mut self, dir: &Path) -> anyhow::Result<Sample> {
        let frames = self
            .sequences
            .get(dir)
            .with_context(|| format!("no sequence held for {}", dir.display()))?;
        let started = Instant::now();
        let run = run_liveness(
            &mut self.models,
            &self.mesh,
            frames.iter().map(|(t, image)| (*t, image)),
            &self.challenge,
            &LivenessPolicy::default(),
            None,
            &SequenceOptions::default(),
        )?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let t = run.timings_ms;
        Ok(Sample {
            ms,
            parts_ms: [t.detect, t.mesh, t.embed, t.thumbnails, t.analyse].map(Some).to_vec(),
            faces: run.frames.iter().filter(|f| f.presence > 0.0).count(),
            frames: run.frames.iter().map(FrameValues::from).collect(),
            decision: Some(decision_text(&run.report)),
            ..Sample::default()
        })
    }
}

/// "retry (TOO_SHORT)": the decision and its findings' codes.
fn decision_text(report: &openkyc_liveness::LivenessReport) -> String {
    let word = |value: serde_json::Result<serde_json::Value>| {
        value
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let codes: Vec<String> = report
        .findings
        .iter()
        .map(|f| word(serde_json::to_value(f.code)))
        .collect();
    let decision = word(serde_json::to_value(report.decision));
    if codes.is_empty() {
        decision
    } else {
        format!("{decision} ({})", codes.join(", "))
    }
}

/// Every .mp4 below `dir`, sorted by path.
fn clips(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).with_context(|| format!("reading {}", next.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("mp4")) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The first frame of each of at most `wanted` windows of
/// [`SEQUENCE_FRAMES`] frames, among the `frames` a clip gave: the
/// non-overlapping windows from its start, spread evenly when there are
/// more than `wanted`.
fn window_starts(frames: usize, wanted: usize) -> Vec<usize> {
    let windows = frames / SEQUENCE_FRAMES;
    if windows == 0 || wanted == 0 {
        return Vec::new();
    }
    let taken = windows.min(wanted);
    let mut starts: Vec<usize> = (0..taken)
        .map(|k| if taken == 1 { 0 } else { k * (windows - 1) / (taken - 1) } * SEQUENCE_FRAMES)
        .collect();
    starts.dedup();
    starts
}

/// Decodes every clip once, cuts it into sequences and writes each as PNG
/// files (`NN_TTTTTms.png`, times from the sequence's first frame) in its
/// own directory under [`FRAMES_DIR`], for the worker; returns the inputs
/// and the frames by directory, for openkyc.
#[allow(clippy::type_complexity)]
fn sequences(videos: &Path, per_clip: usize) -> anyhow::Result<(Vec<Input>, HashMap<PathBuf, Vec<(u32, RgbImage)>>)> {
    let limits = FrameLimits {
        max_duration_ms: CLIP_MAX_DURATION_MS,
        max_frames: CLIP_MAX_FRAMES,
        target_fps: SEQUENCE_FPS,
        ..FrameLimits::default()
    };
    let root = Path::new(FRAMES_DIR);
    if root.exists() {
        std::fs::remove_dir_all(root).with_context(|| format!("clearing {}", root.display()))?;
    }
    let mut inputs = Vec::new();
    let mut held = HashMap::new();
    for clip in clips(videos)? {
        let name = clip
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sequence = match openkyc_frames::read_video_file(&clip, &limits) {
            Ok(sequence) => sequence,
            Err(error) => {
                eprintln!("liveness: {} left out: {error}", clip.display());
                continue;
            }
        };
        for start in window_starts(sequence.frames.len(), per_clip) {
            let window = sequence
                .frames
                .get(start..start.saturating_add(SEQUENCE_FRAMES))
                .unwrap_or_default();
            let Some(first) = window.first() else { continue };
            let dir = root.join(format!("{name}-{:05}ms", first.t_ms));
            std::fs::create_dir_all(&dir)?;
            let mut frames = Vec::with_capacity(window.len());
            for (i, frame) in window.iter().enumerate() {
                let t_ms = frame.t_ms.saturating_sub(first.t_ms);
                let file = dir.join(format!("{i:02}_{t_ms:05}ms.png"));
                frame
                    .image
                    .save(&file)
                    .with_context(|| format!("writing {}", file.display()))?;
                frames.push((t_ms, frame.image.clone()));
            }
            // Absolute: the worker's working directory is not ours to assume.
            let dir = dir.canonicalize()?;
            inputs.push(Input {
                name: format!("{name} @ {:.2} s", f64::from(first.t_ms) / 1000.0),
                path: dir.clone(),
                size: [first.image.width(), first.image.height()],
            });
            held.insert(dir, frames);
        }
    }
    Ok((inputs, held))
}

fn largest(faces: &[Face]) -> Option<Face> {
    faces.iter().copied().max_by(|a, b| a.area().total_cmp(&b.area()))
}

/// A working-copy box in the full-size photo's pixels.
fn full_size_box(bbox: [f32; 4], working_scale: f32) -> [f32; 4] {
    if working_scale > 0.0 {
        bbox.map(|v| v / working_scale)
    } else {
        bbox
    }
}

fn photos(dir: &Path) -> anyhow::Result<Vec<Input>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| ["jpg", "jpeg", "png"].iter().any(|e| x.eq_ignore_ascii_case(e)))
        })
        .collect();
    paths.sort();
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        // By content: a fixture named .jpg may hold another format.
        let size = image::ImageReader::open(&path)
            .and_then(image::ImageReader::with_guessed_format)
            .map_err(anyhow::Error::from)
            .and_then(|reader| Ok(reader.into_dimensions()?))
            .with_context(|| format!("reading {}", path.display()))?;
        // Absolute: the worker's working directory is not ours to assume.
        let path = path.canonicalize()?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        inputs.push(Input {
            name,
            path,
            size: [size.0, size.1],
        });
    }
    Ok(inputs)
}

/// The face stage's columns, the Python peer first (the reference of every
/// ratio).
fn face_stage<'a>(peer: &'a mut Peer, face: &'a mut FaceStage, photos: Vec<Input>) -> Stage<'a> {
    Stage {
        name: "face",
        inputs: photos,
        columns: vec![
            (
                "Python",
                Box::new(move |path: &Path| peer.run("face", path, FACE_PARTS)),
            ),
            ("openkyc", Box::new(move |path: &Path| face.run(path))),
        ],
    }
}

/// The liveness stage's columns, the Python peer first.
fn liveness_stage<'a>(peer: &'a mut Peer, liveness: &'a mut LivenessStage, inputs: Vec<Input>) -> Stage<'a> {
    Stage {
        name: "liveness",
        inputs,
        columns: vec![
            (
                "Python",
                Box::new(move |path: &Path| peer.run("liveness", path, LIVENESS_PARTS)),
            ),
            ("openkyc", Box::new(move |path: &Path| liveness.run(path))),
        ],
    }
}

fn parts_of(stage: &str) -> &'static [(&'static str, &'static str)] {
    if stage == "liveness" {
        LIVENESS_PARTS
    } else {
        FACE_PARTS
    }
}

fn measure_stage(stage: &mut Stage<'_>, rounds: usize) -> anyhow::Result<StageResult> {
    let load_before = load_average();
    let columns = stage.columns.len();
    let mut times = vec![vec![Vec::with_capacity(rounds); columns]; stage.inputs.len()];
    let mut last = vec![vec![Sample::default(); columns]; stage.inputs.len()];
    // Warm-up: every column takes the first input once, unmeasured.
    if let Some(first) = stage.inputs.first() {
        for (_, run) in stage.columns.iter_mut() {
            run(&first.path)?;
        }
    }
    for round in 0..rounds {
        eprintln!("{}: round {} of {rounds}", stage.name, round + 1);
        for (i, input) in stage.inputs.iter().enumerate() {
            for (c, (name, run)) in stage.columns.iter_mut().enumerate() {
                let sample = run(&input.path).with_context(|| format!("{name} on {}", input.name))?;
                if let Some(slot) = times.get_mut(i).and_then(|t| t.get_mut(c)) {
                    slot.push(sample.ms);
                }
                if let Some(slot) = last.get_mut(i).and_then(|t| t.get_mut(c)) {
                    *slot = sample;
                }
            }
        }
    }
    Ok(StageResult {
        stage: stage.name.to_owned(),
        parts: parts_of(stage.name)
            .iter()
            .map(|(_, words)| (*words).to_owned())
            .collect(),
        columns: stage.columns.iter().map(|(name, _)| (*name).to_owned()).collect(),
        inputs: stage.inputs.clone(),
        times,
        last,
        load: [load_before, load_average()],
    })
}

fn measure(args: &MeasureArgs) -> anyhow::Result<()> {
    let wants = |name: &str| args.stages.iter().any(|s| s == name);
    if let Some(unknown) = args.stages.iter().find(|s| !["face", "liveness"].contains(&s.as_str())) {
        bail!("unknown stage {unknown:?} (face, liveness)");
    }
    let models = ModelSet::locate()?;
    let mut peer = Peer::start(&args.python, &args.script, models.dir(), args.threads)?;
    let rounds = args.rounds.max(1);
    let mut results = Vec::new();
    if wants("face") {
        let inputs = photos(&args.photos)?;
        if inputs.is_empty() {
            bail!("no photos in {}", args.photos.display());
        }
        let mut face = FaceStage::load(&models, args.threads)?;
        results.push(measure_stage(&mut face_stage(&mut peer, &mut face, inputs), rounds)?);
    }
    if wants("liveness") {
        let (inputs, held) = sequences(&args.videos, args.windows_per_clip)?;
        if inputs.is_empty() {
            bail!("no 8-frame sequence from the clips in {}", args.videos.display());
        }
        let mut liveness = LivenessStage::load(&models, args.threads, &args.challenge, held)?;
        results.push(measure_stage(
            &mut liveness_stage(&mut peer, &mut liveness, inputs),
            rounds,
        )?);
    }
    let run = Run {
        threads: args.threads,
        rounds,
        machine: machine(),
        stages: results,
        windows_per_clip: args.windows_per_clip,
        challenge: args.challenge.clone(),
    };
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_string(&run)?).with_context(|| format!("writing {}", args.out.display()))
}

/// The largest distance between corresponding corners' coordinates.
fn box_difference(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Whether two boxes of the same face agree "within a few pixels": every
/// coordinate within [`SAME_BOX_PX`] or [`SAME_BOX_SHARE`] of the width.
fn same_box(a: &[f32; 4], b: &[f32; 4]) -> bool {
    let width = (a[2] - a[0]).abs().max((b[2] - b[0]).abs());
    box_difference(a, b) <= SAME_BOX_PX.max(SAME_BOX_SHARE * width)
}

fn descriptor_distance(a: &[f32], b: &[f32]) -> Option<f32> {
    (a.len() == b.len() && !a.is_empty()).then(|| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f32>().sqrt())
}

/// Per column after the first: the median of the per-input ratios of the
/// reference's median time to the column's.
fn ratio_of_medians(result: &StageResult, column: usize) -> f64 {
    let ratios: Vec<f64> = result
        .times
        .iter()
        .filter_map(|t| Some(median(t.first()?) / median(t.get(column)?)))
        .collect();
    median(&ratios)
}

/// Medians over inputs of each column's per-input median, for the whole
/// stage, and of the last round's parts.
fn column_medians(result: &StageResult, column: usize) -> (f64, Vec<f64>) {
    let whole: Vec<f64> = result
        .times
        .iter()
        .filter_map(|t| t.get(column).map(|t| median(t)))
        .collect();
    let part = |p: usize| -> f64 {
        let values: Vec<f64> = result
            .last
            .iter()
            .filter_map(|s| s.get(column).and_then(|s| s.parts_ms.get(p).copied().flatten()))
            .collect();
        median(&values)
    };
    (median(&whole), (0..result.parts.len()).map(part).collect())
}

/// "decode 1.0, detect + quality 2.0, …": the parts with their words; parts
/// a column does not have (NaN) are left out.
fn parts_text(result: &StageResult, parts: &[f64]) -> String {
    result
        .parts
        .iter()
        .zip(parts)
        .filter(|(_, ms)| !ms.is_nan())
        .map(|(words, ms)| format!("{words} {ms:.1}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a median meets a target, in words.
fn target_text(what: &str, target_ms: f64, name: &str, mine: f64, reference_name: &str, reference: f64) -> String {
    let verdict = |ms: f64| if ms <= target_ms { "met" } else { "not met" };
    format!(
        "Target ≤ {target_ms:.0} ms {what}: **{}** by {name} ({mine:.1} ms), {} by {reference_name} \
         ({reference:.1} ms) on this shared machine at the load above.",
        verdict(mine),
        verdict(reference)
    )
}

fn stage_table(s: &mut String, run: &Run, result: &StageResult) {
    let _ = writeln!(
        s,
        "### {} stage, {} thread{}\n\n- {}, load average {} when the stage started, {} when it ended\n",
        result.stage,
        run.threads,
        if run.threads == 1 { "" } else { "s" },
        run.machine,
        result.load[0],
        result.load[1],
    );
    if result.stage == "liveness" {
        liveness_table(s, result);
        liveness_summary(s, result);
    } else {
        face_table(s, result);
        summary(s, result);
    }
}

fn face_table(s: &mut String, result: &StageResult) {
    let mut header = "| photo | size |".to_owned();
    let mut rule = "|---|---|".to_owned();
    for (c, name) in result.columns.iter().enumerate() {
        let _ = write!(header, " {name} ms |");
        rule.push_str("---|");
        if c > 0 {
            header.push_str(" ratio | faces | box Δ px | descriptor Δ |");
            rule.push_str("---|---|---|---|");
        }
    }
    let _ = writeln!(s, "{header}\n{rule}");
    for ((input, times), last) in result.inputs.iter().zip(&result.times).zip(&result.last) {
        let medians: Vec<f64> = times.iter().map(|t| median(t)).collect();
        let reference = medians.first().copied().unwrap_or(f64::NAN);
        let peer = last.first();
        let _ = write!(s, "| {} | {}×{} |", input.name, input.size[0], input.size[1]);
        for (c, m) in medians.iter().enumerate() {
            let _ = write!(s, " {m:.1} |");
            if c == 0 {
                continue;
            }
            let mine = last.get(c);
            let faces = format!("{}/{}", mine.map_or(0, |m| m.faces), peer.map_or(0, |p| p.faces));
            let boxes = match (peer.and_then(|p| p.bbox), mine.and_then(|m| m.bbox)) {
                (Some(a), Some(b)) => format!("{:.1}", box_difference(&a, &b)),
                _ => "–".to_owned(),
            };
            let descriptors = peer
                .and_then(|p| p.descriptor.as_deref())
                .zip(mine.and_then(|m| m.descriptor.as_deref()))
                .and_then(|(a, b)| descriptor_distance(a, b))
                .map_or("–".to_owned(), |d| format!("{d:.3}"));
            let _ = write!(s, " {:.2}× | {faces} | {boxes} | {descriptors} |", reference / m);
        }
        s.push('\n');
    }
    let _ = writeln!(s);
}

fn summary(s: &mut String, result: &StageResult) {
    let (reference, reference_parts) = column_medians(result, 0);
    let reference_name = result.columns.first().map_or("", String::as_str);
    for (c, name) in result.columns.iter().enumerate().skip(1) {
        let (mine, parts) = column_medians(result, c);
        let pairs: Vec<(&Sample, &Sample)> = result
            .last
            .iter()
            .filter_map(|l| Some((l.first()?, l.get(c)?)))
            .collect();
        let both_boxes: Vec<([f32; 4], [f32; 4])> =
            pairs.iter().filter_map(|(p, m)| Some((p.bbox?, m.bbox?))).collect();
        let agreeing = both_boxes.iter().filter(|(a, b)| same_box(a, b)).count();
        let mut distances: Vec<f64> = pairs
            .iter()
            .filter_map(|(p, m)| descriptor_distance(p.descriptor.as_deref()?, m.descriptor.as_deref()?))
            .map(f64::from)
            .collect();
        distances.sort_by(f64::total_cmp);
        let found = pairs.iter().filter(|(_, m)| m.bbox.is_some()).count();
        let peer_found = pairs.iter().filter(|(p, _)| p.bbox.is_some()).count();
        let _ = writeln!(
            s,
            "- **{name}**: median per photo {mine:.1} ms ({}) against {reference_name} {reference:.1} ms ({}); \
             median ratio over the {} photos {:.2}× ({reference_name} / {name}, above 1: {name} faster). \
             A face in {found} of {} photos ({reference_name}: {peer_found}); the largest face's box the same \
             within {SAME_BOX_PX} px or {:.0} % of its width in {agreeing} of {} (median corner difference \
             {:.1} px); descriptor distance between the pipelines median {:.3}, max {:.3} (dlib's same-person \
             threshold is 0.6). {}",
            parts_text(result, &parts),
            parts_text(result, &reference_parts),
            result.inputs.len(),
            ratio_of_medians(result, c),
            pairs.len(),
            SAME_BOX_SHARE * 100.0,
            both_boxes.len(),
            median(
                &both_boxes
                    .iter()
                    .map(|(a, b)| f64::from(box_difference(a, b)))
                    .collect::<Vec<_>>()
            ),
            median(&distances),
            distances.last().copied().unwrap_or(f64::NAN),
            target_text("per selfie", FACE_TARGET_MS, name, mine, reference_name, reference),
        );
    }
}

/// The larger of a frame's two eye-closed scores.
fn eye_closed(frame: &FrameValues) -> Option<f32> {
    frame.eyes_closed.map(|[left, right]| left.max(right))
}

fn yaw(frame: &FrameValues) -> Option<f32> {
    frame.pose_deg.map(|p| p[0])
}

/// Per-frame differences between two columns' measures of one sequence,
/// on the frames both saw a face in (matched by time).
#[derive(Debug, Default, PartialEq)]
struct FrameDifferences {
    /// Frames both measured.
    frames: usize,
    /// Frames with a face on both sides, on only the first, only the second.
    both: usize,
    first_only: usize,
    second_only: usize,
    /// |Δ| per frame with a face on both sides.
    yaw: Vec<f64>,
    pitch: Vec<f64>,
    /// Both eyes' |Δ| (two values per frame).
    eyes: Vec<f64>,
    /// Frames with an eye closed (≥ the policy's blink threshold) by the
    /// first, the second, both.
    closed: [usize; 3],
    /// Frames turned at least the policy's turn angle by the first, the
    /// second, both.
    turned: [usize; 3],
    /// Frames a descriptor was taken on by the first, the second, both.
    embedded: [usize; 3],
}

impl FrameDifferences {
    fn add(&mut self, first: &[FrameValues], second: &[FrameValues], policy: &LivenessPolicy) {
        for a in first {
            let Some(b) = second.iter().find(|b| b.t_ms == a.t_ms) else {
                continue;
            };
            self.frames += 1;
            let count = |counts: &mut [usize; 3], x: bool, y: bool| {
                counts[0] += usize::from(x);
                counts[1] += usize::from(y);
                counts[2] += usize::from(x && y);
            };
            let closed = |f: &FrameValues| eye_closed(f).is_some_and(|e| e >= policy.blink_closed_min);
            let turned = |f: &FrameValues| yaw(f).is_some_and(|y| y.abs() >= policy.turn_min_deg);
            count(&mut self.closed, closed(a), closed(b));
            count(&mut self.turned, turned(a), turned(b));
            count(
                &mut self.embedded,
                a.identity_distance.is_some(),
                b.identity_distance.is_some(),
            );
            match (a.pose_deg.zip(a.eyes_closed), b.pose_deg.zip(b.eyes_closed)) {
                (Some((pa, ea)), Some((pb, eb))) => {
                    self.both += 1;
                    self.yaw.push(f64::from((pa[0] - pb[0]).abs()));
                    self.pitch.push(f64::from((pa[1] - pb[1]).abs()));
                    self.eyes
                        .extend(ea.iter().zip(eb).map(|(x, y)| f64::from((x - y).abs())));
                }
                (Some(_), None) => self.first_only += 1,
                (None, Some(_)) => self.second_only += 1,
                (None, None) => {}
            }
        }
    }
}

/// The value at quantile `q` (0–1, nearest rank) of `values`; NaN when empty.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1)).copied().unwrap_or(f64::NAN)
}

fn maximum(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NAN, f64::max)
}

/// "0.31/0.29": a per-sequence value on both sides, or "–".
fn pair_text(a: Option<f32>, b: Option<f32>, decimals: usize) -> String {
    let one = |v: Option<f32>| v.map_or("–".to_owned(), |v| format!("{v:.decimals$}"));
    format!("{}/{}", one(a), one(b))
}

fn liveness_table(s: &mut String, result: &StageResult) {
    let policy = LivenessPolicy::default();
    let _ = writeln!(
        s,
        "| sequence | size | Python ms | openkyc ms | ratio | decision | detector runs | descriptors | \
         eye closed max | yaw max (abs) ° | yaw Δ max ° | eye closed Δ max |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    for ((input, times), last) in result.inputs.iter().zip(&result.times).zip(&result.last) {
        let medians: Vec<f64> = times.iter().map(|t| median(t)).collect();
        let (Some(&peer_ms), Some(&mine_ms), Some(peer), Some(mine)) =
            (medians.first(), medians.get(1), last.first(), last.get(1))
        else {
            continue;
        };
        let mut differences = FrameDifferences::default();
        differences.add(&mine.frames, &peer.frames, &policy);
        let count = |frames: &[FrameValues], f: fn(&FrameValues) -> bool| frames.iter().filter(|x| f(x)).count();
        let most = |frames: &[FrameValues], f: fn(&FrameValues) -> Option<f32>| {
            frames.iter().filter_map(f).map(f32::abs).reduce(f32::max)
        };
        let _ = writeln!(
            s,
            "| {} | {}×{} | {peer_ms:.1} | {mine_ms:.1} | {:.2}× | {} | {}/{} | {}/{} | {} | {} | {:.1} | {:.2} |",
            input.name,
            input.size[0],
            input.size[1],
            peer_ms / mine_ms,
            mine.decision.as_deref().unwrap_or("–"),
            count(&mine.frames, |f| f.detected),
            count(&peer.frames, |f| f.detected),
            count(&mine.frames, |f| f.identity_distance.is_some()),
            count(&peer.frames, |f| f.identity_distance.is_some()),
            pair_text(most(&mine.frames, eye_closed), most(&peer.frames, eye_closed), 2),
            pair_text(most(&mine.frames, yaw), most(&peer.frames, yaw), 1),
            maximum(&differences.yaw),
            maximum(&differences.eyes),
        );
    }
    let _ = writeln!(s);
}

fn liveness_summary(s: &mut String, result: &StageResult) {
    let policy = LivenessPolicy::default();
    let (reference, reference_parts) = column_medians(result, 0);
    let reference_name = result.columns.first().map_or("", String::as_str);
    for (c, name) in result.columns.iter().enumerate().skip(1) {
        let (mine, parts) = column_medians(result, c);
        let mut d = FrameDifferences::default();
        for last in &result.last {
            if let (Some(peer), Some(own)) = (last.first(), last.get(c)) {
                d.add(&own.frames, &peer.frames, &policy);
            }
        }
        let within_yaw = d.yaw.iter().filter(|&&v| v <= f64::from(SAME_YAW_DEG)).count();
        let within_eyes = d.eyes.iter().filter(|&&v| v <= f64::from(SAME_EYE_CLOSED)).count();
        let mut decisions: Vec<(String, usize)> = Vec::new();
        for decision in result.last.iter().filter_map(|l| l.get(c)?.decision.clone()) {
            match decisions.iter_mut().find(|(d, _)| *d == decision) {
                Some((_, n)) => *n += 1,
                None => decisions.push((decision, 1)),
            }
        }
        let decisions = decisions
            .iter()
            .map(|(d, n)| format!("{d} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let [closed_mine, closed_peer, closed_both] = d.closed;
        let [turned_mine, turned_peer, turned_both] = d.turned;
        let [embedded_mine, embedded_peer, embedded_both] = d.embedded;
        let _ = writeln!(
            s,
            "- **{name}**: median per 8-frame sequence {mine:.1} ms ({}) against {reference_name} \
             {reference:.1} ms ({}); median ratio over the {} sequences {:.2}× ({reference_name} / {name}, above \
             1: {name} faster). {} {name}'s decisions on these 0.875-s windows: {decisions}.\n\
             - **Agreement** ({name} against {reference_name}, last round, {} frames): a face in {} on both \
             sides, {} only by {name}, {} only by {reference_name}. Yaw |Δ| median {:.2}°, 95th percentile \
             {:.2}°, max {:.2}° (within {SAME_YAW_DEG}° in {within_yaw} of {}); pitch |Δ| median {:.2}°, max \
             {:.2}°; eye-closed |Δ| (both eyes) median {:.3}, 95th percentile {:.3}, max {:.3} (within \
             {SAME_EYE_CLOSED} in {within_eyes} of {}). An eye closed (≥ {}) in {closed_mine} frames by {name}, \
             {closed_peer} by {reference_name}, {closed_both} by both; turned ≥ {}° in {turned_mine}, \
             {turned_peer}, {turned_both}; a descriptor taken on {embedded_mine}, {embedded_peer}, \
             {embedded_both} frames.",
            parts_text(result, &parts),
            parts_text(result, &reference_parts),
            result.inputs.len(),
            ratio_of_medians(result, c),
            target_text(
                "per 8-frame sequence",
                LIVENESS_TARGET_MS,
                name,
                mine,
                reference_name,
                reference
            ),
            d.frames,
            d.both,
            d.first_only,
            d.second_only,
            median(&d.yaw),
            quantile(&d.yaw, 0.95),
            maximum(&d.yaw),
            d.yaw.len(),
            median(&d.pitch),
            maximum(&d.pitch),
            median(&d.eyes),
            quantile(&d.eyes, 0.95),
            maximum(&d.eyes),
            d.eyes.len(),
            policy.blink_closed_min,
            policy.turn_min_deg,
        );
    }
}

fn section(runs: &[Run]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{BEGIN}");
    let _ = writeln!(
        s,
        "## Face and liveness stages beside Python (CenterFace + dlib per selfie; FaceMesh tracking per \
         8-frame sequence)\n"
    );
    let rounds = runs.first().map_or(0, |r| r.rounds);
    let windows = runs.first().map_or(0, |r| r.windows_per_clip);
    let challenge = runs.first().map_or("", |r| r.challenge.as_str());
    let threads: Vec<String> = runs.iter().map(|r| r.threads.to_string()).collect();
    let _ = writeln!(
        s,
        "Reproduce with `scripts/bench-face-peer.sh` (builds `target/face-peer-venv` with `onnxruntime==1.22.1`, \
         `dlib-bin==19.24.6`, `opencv-python-headless==4.12.0.88`, `numpy==2.2.6`, `onnx==1.18.0`, \
         `protobuf==5.29.5`, `typing_extensions==4.16.0`, then runs \
         `target/release/face_peer measure --rounds {rounds} --threads N` once per thread setting ({}) and \
         `face_peer report`). Issue 5's targets on 2 cores: ≤ {FACE_TARGET_MS:.0} ms per selfie, \
         ≤ {LIVENESS_TARGET_MS:.0} ms per 8-frame sequence. N threads means N ONNX Runtime intra-op threads (no \
         spinning) on both sides, OpenCV's pool and `OPENBLAS_NUM_THREADS`/`OMP_NUM_THREADS` at N. CenterFace is \
         the same ONNX file in the same ONNX Runtime on both sides, its initializers taken out of the graph's \
         inputs so the runtime folds them (openkyc at load; Python with the `onnx` package, as ONNX Runtime's \
         `remove_initializer_from_input.py` does). For every input in every round the columns run one after \
         the other, so they share the machine's load. Medians of {rounds} rounds; ratio = Python's median / \
         openkyc's (above 1: openkyc faster).\n",
        threads.join(", ")
    );
    let _ = writeln!(
        s,
        "**Face stage** (per selfie): the real photos of `../shared/fixtures/faces`, from reading the file to \
         the descriptor: decode (openkyc: `openkyc-intake`, working copy ≤ {WORKING_MAX_SIDE} px; Python: \
         `cv2.imread`), CenterFace at 800 × 480, the largest face, its quality measures, dlib's 5-point \
         landmarks and 128-d descriptor (the same `.dat` files; openkyc through Debian's libdlib 19.24 with \
         OpenBLAS, Python through the `dlib-bin` wheel) in the box `dlib_box_from_centerface` gives. Box Δ: the \
         largest difference between the two largest-face boxes' coordinates in the photo's full-size pixels; \
         descriptor Δ: the Euclidean distance between the two pipelines' descriptors of that face (last \
         round).\n"
    );
    let _ = writeln!(
        s,
        "**Liveness stage** (per 8-frame sequence, decoding not included on either side): the H.264 clips of \
         `../shared/fixtures/liveness/video` decoded once by `openkyc-frames` at {SEQUENCE_FPS} fps (longest \
         side ≤ 960), cut into windows of {SEQUENCE_FRAMES} consecutive frames (0.875 s; up to {windows} per clip, \
         spread over it) written as PNG files so both sides analyse the same pixels. openkyc: \
         `openkyc_facecheck::run_liveness` (default `SequenceOptions` and `LivenessPolicy`, challenge \
         `{challenge}`) on the frames in memory, the judgement included. Python (`scripts/face_peer.py`, \
         frames decoded before its clock starts): the same loop and models: a grey 32 × 32 thumbnail per \
         frame, CenterFace on the first frame (and after 2 s or a lost face), FaceMesh v2 on the rotated ROI \
         (`cv2.warpAffine`), tracked from the previous frame's landmarks, the blendshape model on its 146 \
         landmarks, the head pose by a weighted rigid fit (numpy SVD) of MediaPipe's canonical face, a dlib \
         descriptor on frames within 15° of frontal at most every 500 ms; no judgement. Per sequence: the \
         decision and its findings (openkyc; a window is shorter than the default policy's 1 s minimum), \
         detector runs and descriptors (openkyc/Python), the largest eye-closed score and absolute yaw \
         (openkyc/Python), and the largest per-frame difference between the sides (last round).\n"
    );
    for run in runs {
        for result in &run.stages {
            stage_table(&mut s, run, result);
            s.push('\n');
        }
    }
    let _ = writeln!(s, "{END}");
    s
}

fn report(args: &ReportArgs) -> anyhow::Result<()> {
    let mut runs = Vec::with_capacity(args.results.len());
    for path in &args.results {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        runs.push(serde_json::from_str::<Run>(&text).with_context(|| format!("parsing {}", path.display()))?);
    }
    let section = section(&runs);
    let existing = std::fs::read_to_string(&args.out).unwrap_or_default();
    std::fs::write(&args.out, peer_common::with_section(&existing, &section, BEGIN, END))
        .with_context(|| format!("writing {}", args.out.display()))?;
    print!("{section}");
    Ok(())
}

fn main() -> anyhow::Result<()> {
    match Args::parse().command {
        Mode::Measure(args) => measure(&args),
        Mode::Report(args) => report(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_agree_within_a_few_pixels_or_a_share_of_the_width() {
        let a = [10.0, 10.0, 110.0, 130.0];
        assert!(same_box(&a, &[13.0, 8.0, 112.0, 131.0]));
        assert!(!same_box(&a, &[16.0, 10.0, 110.0, 130.0]));
        // A 1000-px face: 2 % is 20 px.
        let big = [0.0, 0.0, 1000.0, 1200.0];
        assert!(same_box(&big, &[15.0, 0.0, 1000.0, 1200.0]));
        assert!(!same_box(&big, &[25.0, 0.0, 1000.0, 1200.0]));
    }

    #[test]
    fn descriptor_distance_needs_equal_lengths() {
        assert_eq!(descriptor_distance(&[0.0, 3.0], &[4.0, 0.0]), Some(5.0));
        assert_eq!(descriptor_distance(&[0.0], &[0.0, 1.0]), None);
        assert_eq!(descriptor_distance(&[], &[]), None);
    }

    #[test]
    fn working_copy_boxes_are_scaled_to_full_size() {
        assert_eq!(full_size_box([10.0, 20.0, 30.0, 40.0], 0.5), [20.0, 40.0, 60.0, 80.0]);
        assert_eq!(full_size_box([1.0, 2.0, 3.0, 4.0], 0.0), [1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn ratios_are_the_reference_over_the_column() {
        let input = Input {
            name: "a".to_owned(),
            path: PathBuf::from("a"),
            size: [1, 1],
        };
        let result = StageResult {
            stage: "face".to_owned(),
            parts: vec!["decode".to_owned()],
            columns: vec!["Python".to_owned(), "openkyc".to_owned()],
            inputs: vec![input.clone(), input],
            times: vec![vec![vec![200.0], vec![100.0]], vec![vec![300.0], vec![100.0]]],
            last: vec![vec![Sample::default(); 2]; 2],
            load: Default::default(),
        };
        assert_eq!(ratio_of_medians(&result, 1), 2.5);
        assert_eq!(column_medians(&result, 0).0, 250.0);
    }

    #[test]
    fn missing_parts_are_left_out_of_medians_and_words() {
        let sample = |parts: Vec<Option<f64>>| Sample {
            parts_ms: parts,
            ..Sample::default()
        };
        let input = Input {
            name: "a".to_owned(),
            path: PathBuf::from("a"),
            size: [1, 1],
        };
        let result = StageResult {
            stage: "liveness".to_owned(),
            parts: vec!["mesh".to_owned(), "judgement".to_owned()],
            columns: vec!["Python".to_owned(), "openkyc".to_owned()],
            inputs: vec![input],
            times: vec![vec![vec![1.0], vec![1.0]]],
            last: vec![vec![sample(vec![Some(10.0), None]), sample(vec![Some(8.0), Some(0.5)])]],
            load: Default::default(),
        };
        let (_, python) = column_medians(&result, 0);
        let (_, openkyc) = column_medians(&result, 1);
        assert_eq!(parts_text(&result, &python), "mesh 10.0");
        assert_eq!(parts_text(&result, &openkyc), "mesh 8.0, judgement 0.5");
    }

    #[test]
    fn windows_are_whole_non_overlapping_and_spread_over_the_clip() {
        assert_eq!(window_starts(7, 4), Vec::<usize>::new());
        assert_eq!(window_starts(25, 4), vec![0, 8, 16]);
        // 11 windows, 4 wanted: the first, the last and two between.
        assert_eq!(window_starts(94, 4), vec![0, 24, 48, 80]);
        assert_eq!(window_starts(94, 1), vec![0]);
        assert_eq!(window_starts(94, 0), Vec::<usize>::new());
        for (frames, wanted) in [(8, 3), (200, 7), (63, 2)] {
            let starts = window_starts(frames, wanted);
            assert!(starts.windows(2).all(|w| w[1] >= w[0] + SEQUENCE_FRAMES), "{starts:?}");
            assert!(starts.iter().all(|s| s + SEQUENCE_FRAMES <= frames), "{starts:?}");
        }
    }

    fn frame(t_ms: u32, yaw: f32, eyes: [f32; 2], embedded: bool) -> FrameValues {
        FrameValues {
            t_ms,
            detected: t_ms == 0,
            presence: 0.9,
            pose_deg: Some([yaw, -5.0, 0.0]),
            eyes_closed: Some(eyes),
            identity_distance: embedded.then_some(0.1),
        }
    }

    #[test]
    fn frame_differences_match_frames_by_time_and_count_events_on_each_side() {
        let policy = LivenessPolicy::default();
        let openkyc = vec![
            frame(0, 1.0, [0.1, 0.1], true),
            frame(125, 20.0, [0.6, 0.2], false),
            frame(250, 2.0, [0.1, 0.1], false),
        ];
        let mut lost = frame(250, 0.0, [0.0, 0.0], false);
        lost.pose_deg = None;
        lost.eyes_closed = None;
        let python = vec![
            frame(0, 1.5, [0.1, 0.3], true),
            frame(125, 17.0, [0.4, 0.2], false),
            lost,
            frame(375, 0.0, [0.0, 0.0], false),
        ];
        let mut d = FrameDifferences::default();
        d.add(&openkyc, &python, &policy);
        assert_eq!((d.frames, d.both, d.first_only, d.second_only), (3, 2, 1, 0));
        assert_eq!(d.yaw, vec![0.5, 3.0]);
        assert_eq!(d.eyes.len(), 4);
        assert!((maximum(&d.eyes) - 0.2).abs() < 1e-6);
        assert_eq!(d.closed, [1, 0, 0]);
        assert_eq!(d.turned, [1, 0, 0]);
        assert_eq!(d.embedded, [1, 1, 1]);
    }

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(quantile(&values, 0.95), 19.0);
        assert_eq!(quantile(&values, 1.0), 20.0);
        assert_eq!(quantile(&values, 0.0), 1.0);
        assert!(quantile(&[], 0.5).is_nan());
        assert!(maximum(&[]).is_nan());
    }

    #[test]
    fn targets_are_judged_on_the_median() {
        let text = target_text("per selfie", 150.0, "openkyc", 149.0, "Python", 151.0);
        assert!(text.contains("**met** by openkyc"), "{text}");
        assert!(text.contains("not met by Python"), "{text}");
    }
}
