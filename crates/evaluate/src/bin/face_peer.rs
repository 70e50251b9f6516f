//! openkyc's face stage beside the same stage in Python (onnxruntime and
//! dlib's Python binding on the same model files), on the real photos of
//! `../shared/fixtures/faces`, alternating photo by photo in one run; writes
//! the "Face stage beside Python" section of `docs/BENCHMARKS.md`.
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
//! A second stage (the liveness sequence) is one more [`Stage`] in
//! `stages()`, with its own inputs and columns; the worker answers it by
//! name, and the report gives it its own table.

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use openkyc_face::{Face, FaceDetector, FaceQuality, QualityThresholds};
use openkyc_faceembed::{dlib_box_from_centerface, FaceEmbedder};
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_intake::IntakeLimits;
use serde::{Deserialize, Serialize};
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
    /// Wall time of the whole stage, reading the file included.
    ms: f64,
    /// Of `ms`: decoding, detection (with choosing the face and its
    /// quality), the descriptor.
    parts_ms: [f64; 3],
    /// Faces found.
    faces: usize,
    /// The largest face's box in the photo's full-size pixels.
    bbox: Option<[f32; 4]>,
    /// Its descriptor.
    descriptor: Option<Vec<f32>>,
}

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
    columns: Vec<String>,
    inputs: Vec<Input>,
    times: Vec<Vec<Vec<f64>>>,
    last: Vec<Vec<Sample>>,
}

/// Everything one `measure` process found.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Run {
    threads: usize,
    rounds: usize,
    machine: String,
    stages: Vec<StageResult>,
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

    fn run(&mut self, stage: &str, path: &Path) -> anyhow::Result<Sample> {
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
        Ok(Sample {
            ms: number("ms").context("no ms")?,
            parts_ms: [
                number("decode_ms").unwrap_or(f64::NAN),
                number("detect_ms").unwrap_or(f64::NAN),
                number("embed_ms").unwrap_or(f64::NAN),
            ],
            faces: answer.get("faces").and_then(serde_json::Value::as_u64).unwrap_or(0) as usize,
            bbox: floats("box").and_then(|b| b.try_into().ok()),
            descriptor: floats("descriptor"),
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
            parts_ms: [ms(started, decoded), ms(decoded, detected), ms(detected, done)],
            faces: faces.len(),
            bbox: largest.map(|f| full_size_box(f.bbox, scale)),
            descriptor: descriptor.map(|d| d.as_slice().to_vec()),
        })
    }
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

/// The stages and their columns, the Python peer first in each (the
/// reference of every ratio).
fn stages<'a>(peer: &'a mut Peer, face: &'a mut FaceStage, photos: Vec<Input>) -> Vec<Stage<'a>> {
    vec![Stage {
        name: "face",
        inputs: photos,
        columns: vec![
            ("Python", Box::new(move |path: &Path| peer.run("face", path))),
            ("openkyc", Box::new(move |path: &Path| face.run(path))),
        ],
    }]
}

fn measure_stage(stage: &mut Stage<'_>, rounds: usize) -> anyhow::Result<StageResult> {
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
        columns: stage.columns.iter().map(|(name, _)| (*name).to_owned()).collect(),
        inputs: stage.inputs.clone(),
        times,
        last,
    })
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned());
    format!("{cpu}, {cores} cores, load average {load} when the run ended")
}

fn measure(args: &MeasureArgs) -> anyhow::Result<()> {
    let inputs = photos(&args.photos)?;
    if inputs.is_empty() {
        bail!("no photos in {}", args.photos.display());
    }
    let models = ModelSet::locate()?;
    let mut face = FaceStage::load(&models, args.threads)?;
    let mut peer = Peer::start(&args.python, &args.script, models.dir(), args.threads)?;
    let mut results = Vec::new();
    for mut stage in stages(&mut peer, &mut face, inputs) {
        results.push(measure_stage(&mut stage, args.rounds.max(1))?);
    }
    let run = Run {
        threads: args.threads,
        rounds: args.rounds.max(1),
        machine: machine(),
        stages: results,
    };
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, serde_json::to_string(&run)?).with_context(|| format!("writing {}", args.out.display()))
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let at = |i: usize| sorted.get(i).copied().unwrap_or(f64::NAN);
    if n % 2 == 1 {
        at(n / 2)
    } else {
        (at((n / 2).wrapping_sub(1)) + at(n / 2)) / 2.0
    }
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
/// stage and its parts.
fn column_medians(result: &StageResult, column: usize) -> (f64, [f64; 3]) {
    let whole: Vec<f64> = result
        .times
        .iter()
        .filter_map(|t| t.get(column).map(|t| median(t)))
        .collect();
    let part = |p: usize| -> f64 {
        let values: Vec<f64> = result
            .last
            .iter()
            .filter_map(|s| s.get(column).and_then(|s| s.parts_ms.get(p).copied()))
            .collect();
        median(&values)
    };
    (median(&whole), [part(0), part(1), part(2)])
}

fn stage_table(s: &mut String, run: &Run, result: &StageResult) {
    let _ = writeln!(
        s,
        "### {} stage, {} thread{}\n\n- {}\n",
        result.stage,
        run.threads,
        if run.threads == 1 { "" } else { "s" },
        run.machine
    );
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
    summary(s, result);
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
            "- **{name}**: median per photo {mine:.1} ms (decode {:.1}, detect + quality {:.1}, descriptor {:.1}) \
             against {reference_name} {reference:.1} ms (decode {:.1}, detect + quality {:.1}, descriptor {:.1}); \
             median ratio over the {} photos {:.2}× ({reference_name} / {name}, above 1: {name} faster). \
             A face in {found} of {} photos ({reference_name}: {peer_found}); the largest face's box the same \
             within {SAME_BOX_PX} px or {:.0} % of its width in {agreeing} of {} (median corner difference \
             {:.1} px); descriptor distance between the pipelines median {:.3}, max {:.3} (dlib's same-person \
             threshold is 0.6).",
            parts[0],
            parts[1],
            parts[2],
            reference_parts[0],
            reference_parts[1],
            reference_parts[2],
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
        );
    }
}

fn section(runs: &[Run]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{BEGIN}");
    let _ = writeln!(s, "## Face stage beside Python (CenterFace + dlib, per selfie)\n");
    let rounds = runs.first().map_or(0, |r| r.rounds);
    let threads: Vec<String> = runs.iter().map(|r| r.threads.to_string()).collect();
    let _ = writeln!(
        s,
        "Reproduce with `scripts/bench-face-peer.sh` (builds `target/face-peer-venv` with `onnxruntime==1.22.1`, \
         `dlib-bin==19.24.6`, `opencv-python-headless==4.12.0.88`, `numpy==2.2.6`, then runs \
         `target/release/face_peer measure --rounds {rounds} --threads N` once per thread setting ({}) and \
         `face_peer report`). The real photos of `../shared/fixtures/faces`; per photo, from reading the file to \
         the descriptor: decode (openkyc: `openkyc-intake`, working copy ≤ {WORKING_MAX_SIDE} px; Python: \
         `cv2.imread`), CenterFace at 800 × 480 (the same ONNX file in the same ONNX Runtime), the largest face, \
         its quality measures, dlib's 5-point landmarks and 128-d descriptor (the same `.dat` files; openkyc \
         through Debian's libdlib 19.24 with OpenBLAS, Python through the `dlib-bin` wheel) in the box \
         `dlib_box_from_centerface` gives. N threads means N ONNX Runtime intra-op threads (no spinning) on both \
         sides, OpenCV's pool and `OPENBLAS_NUM_THREADS`/`OMP_NUM_THREADS` at N. For every photo in every round \
         the columns run one after the other, so they share the machine's load. Medians of {rounds} rounds; \
         ratio = Python's median / openkyc's (above 1: openkyc faster). Box Δ: the largest difference between \
         the two largest-face boxes' coordinates in the photo's full-size pixels; descriptor Δ: the Euclidean \
         distance between the two pipelines' descriptors of that face (last round).\n",
        threads.join(", ")
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

/// `report` with its section replaced by `section` (appended when absent).
fn with_section(report: &str, section: &str) -> String {
    match (report.find(BEGIN), report.find(END)) {
        (Some(begin), Some(end)) if end > begin => {
            let after = report.get(end + END.len()..).unwrap_or("").trim_start_matches('\n');
            format!("{}{section}{after}", report.get(..begin).unwrap_or(""))
        }
        _ => format!("{}\n\n{section}", report.trim_end()),
    }
}

fn report(args: &ReportArgs) -> anyhow::Result<()> {
    let mut runs = Vec::with_capacity(args.results.len());
    for path in &args.results {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        runs.push(serde_json::from_str::<Run>(&text).with_context(|| format!("parsing {}", path.display()))?);
    }
    let section = section(&runs);
    let existing = std::fs::read_to_string(&args.out).unwrap_or_default();
    std::fs::write(&args.out, with_section(&existing, &section))
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
    fn medians_of_odd_even_and_empty_lists() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

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
    fn the_section_is_replaced_in_place_or_appended() {
        let first = with_section("# Benchmarks\n\nold table\n", &format!("{BEGIN}\none\n{END}\n"));
        assert_eq!(first, format!("# Benchmarks\n\nold table\n\n{BEGIN}\none\n{END}\n"));
        let second = with_section(&format!("{first}\nlater text\n"), &format!("{BEGIN}\ntwo\n{END}\n"));
        assert_eq!(
            second,
            format!("# Benchmarks\n\nold table\n\n{BEGIN}\ntwo\n{END}\nlater text\n")
        );
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
            columns: vec!["Python".to_owned(), "openkyc".to_owned()],
            inputs: vec![input.clone(), input],
            times: vec![vec![vec![200.0], vec![100.0]], vec![vec![300.0], vec![100.0]]],
            last: vec![vec![Sample::default(); 2]; 2],
        };
        assert_eq!(ratio_of_medians(&result, 1), 2.5);
        assert_eq!(column_medians(&result, 0).0, 250.0);
    }
}
