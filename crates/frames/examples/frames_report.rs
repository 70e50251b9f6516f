//! Decodes every fixture video of `../shared/fixtures/liveness/media.csv` (or the folder
//! given) and prints, per clip, what was read (stored and shown size, samples, duration,
//! frames kept at 8 fps) and the decode time: the median of RUNS runs for the whole clip
//! and for its first 8 s (a challenge's length: decoding stops at 64 kept frames).
//!
//! `cargo run --release -p openkyc-frames --example frames_report [FIXTURES_DIR] [RUNS]`
//! (RUNS defaults to 5).

use std::path::{Path, PathBuf};
use std::time::Instant;

use openkyc_frames::{read_video, FrameLimits, FrameSequence};

type AnyError = Box<dyn std::error::Error>;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The fields of one CSV line (double quotes around fields with commas, `""` inside).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The video rows of media.csv: (relative path, resolution).
fn videos(dir: &Path) -> Result<Vec<(String, String)>, AnyError> {
    let text = std::fs::read_to_string(dir.join("media.csv"))?;
    let mut lines = text.lines();
    let header = csv_fields(lines.next().unwrap_or_default());
    let column = |name: &str| header.iter().position(|h| h == name).ok_or(format!("no {name} column"));
    let (file, kind, resolution) = (column("file")?, column("kind")?, column("resolution")?);
    Ok(lines
        .map(csv_fields)
        .filter(|row| row.get(kind).map(String::as_str) == Some("video"))
        .map(|row| (row[file].clone(), row[resolution].clone()))
        .collect())
}

/// Median milliseconds of `runs` decodes, and the last result.
fn timed(bytes: &[u8], limits: &FrameLimits, runs: usize) -> Result<(f64, FrameSequence), AnyError> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let sequence = read_video(bytes, limits)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        last = Some(sequence);
    }
    Ok((median(times), last.ok_or("no run")?))
}

fn main() -> Result<(), AnyError> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "../shared/fixtures/liveness".into()));
    let runs: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let whole = FrameLimits {
        max_duration_ms: 30_000,
        max_frames: 1000,
        ..FrameLimits::default()
    };
    let challenge = FrameLimits {
        max_duration_ms: 30_000,
        max_frames: 64,
        ..FrameLimits::default()
    };
    println!("median of {runs} runs, release build, one thread");
    println!(
        "| clip | media.csv | shown | turns | samples | duration | kept at 8 fps | whole clip ms | ms/sample | first 8 s ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let (mut whole_per_sample, mut eight_seconds) = (Vec::new(), Vec::new());
    for (file, resolution) in videos(&dir)? {
        let bytes = std::fs::read(dir.join(&file))?;
        let name = file.rsplit('/').next().unwrap_or(&file);
        let (whole_ms, sequence) = match timed(&bytes, &whole, runs) {
            Ok(result) => result,
            Err(error) => {
                println!("| {name} | {resolution} | refused: {error} |||||||");
                continue;
            }
        };
        let (challenge_ms, _) = timed(&bytes, &challenge, runs)?;
        let source = sequence.source;
        let per_sample = whole_ms / source.pictures.max(1) as f64;
        whole_per_sample.push(per_sample);
        eight_seconds.push(challenge_ms);
        println!(
            "| {} | {} | {}x{} | {} | {} | {:.2} s | {} | {:.0} | {:.2} | {:.0} |",
            name,
            resolution,
            source.width,
            source.height,
            source.transform.quarter_turns_cw,
            source.pictures,
            source.duration_ms as f64 / 1000.0,
            sequence.frames.len(),
            whole_ms,
            per_sample,
            challenge_ms,
        );
    }
    println!(
        "medians over the clips: {:.2} ms per sample, {:.0} ms for the first 8 s",
        median(whole_per_sample),
        median(eight_seconds)
    );
    Ok(())
}
