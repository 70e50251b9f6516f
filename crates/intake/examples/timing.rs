//! Times `intake` on a synthetic 12-megapixel phone-like JPEG (4000×3000, quality 92, 4:2:0)
//! and, if present, on the shared fixture images. Prints; asserts nothing.
//!
//! `cargo run --release -p openkyc-intake --example timing`
//!
//! Figures: wall time (min and median of several runs) and, on Linux, the CPU time of the whole
//! process per run (all threads: jpeg-decoder hands IDCT rows to helper threads), from
//! `/proc/self/stat` in clock ticks of 10 ms, averaged over the runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use openkyc_intake::{intake, IntakeLimits};

// The tests' photo-like scene generator, shared rather than copied.
#[path = "../tests/common/mod.rs"]
mod common;
use common::photo_like;

/// User + system CPU time of the whole process (Linux), in 10 ms ticks.
fn process_cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

struct Timing {
    min: Duration,
    median: Duration,
    cpu_per_run: Option<Duration>,
}

fn time(bytes: &[u8], limits: &IntakeLimits, runs: usize) -> Timing {
    let ticks_before = process_cpu_ticks();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(intake(bytes, limits).unwrap());
            start.elapsed()
        })
        .collect();
    let cpu_per_run = match (ticks_before, process_cpu_ticks()) {
        (Some(before), Some(after)) => Some(Duration::from_millis((after - before) * 10) / runs as u32),
        _ => None,
    };
    times.sort();
    Timing {
        min: times[0],
        median: times[runs / 2],
        cpu_per_run,
    }
}

fn main() {
    let image = photo_like(4000, 3000);
    let mut jpeg = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, 92);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder
        .encode(image.as_raw(), 4000, 3000, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let limits = IntakeLimits::default();
    let runs = 30;
    let timing = time(&jpeg, &limits, runs);
    println!(
        "synthetic 4000x3000 q92 4:2:0 JPEG ({} bytes) -> 1280x960: wall min {:.1?}, median {:.1?}; process CPU {:.1?}/run ({runs} runs)",
        jpeg.len(),
        timing.min,
        timing.median,
        timing.cpu_per_run.unwrap_or_default()
    );

    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");
    let mut total = Duration::ZERO;
    let mut count = 0u32;
    for dir in ["documents", "faces"] {
        let Ok(entries) = std::fs::read_dir(format!("{fixtures}/{dir}")) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let Ok(result) = intake(&bytes, &limits) else { continue };
            let timing = time(&bytes, &limits, 5);
            println!(
                "{:>9.1?}  {:>5}x{:<5} {:>4} {:>8} bytes  {}",
                timing.min,
                result.width,
                result.height,
                result.format,
                bytes.len(),
                path.file_name().unwrap().to_string_lossy()
            );
            total += timing.min;
            count += 1;
        }
    }
    if count > 0 {
        println!(
            "fixtures: {count} files, sum of minimum wall times {total:.1?}, mean {:.1?}",
            total / count
        );
    }
}
