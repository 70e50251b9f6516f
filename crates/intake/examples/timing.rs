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

use image::{Rgb, RgbImage};
use openkyc_intake::{intake, IntakeLimits};

/// Smooth shading, text-like strokes and sensor-like noise from a fixed LCG: compresses like a
/// photo of a document on a table rather than like a flat card.
fn photo_like(width: u32, height: u32) -> RgbImage {
    let mut state: u32 = 0x1234_5678;
    RgbImage::from_fn(width, height, |x, y| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let noise = ((state >> 24) % 9) as i32 - 4;
        let stroke = (y / 40) % 3 == 0 && (x / 7) % 5 != 0 && (x ^ y) & 8 != 0;
        let ink = if stroke { -120 } else { 0 };
        let base = [180 + (x / 100 % 40) as i32, 170 + (y / 80 % 50) as i32, 160];
        Rgb(base.map(|b| (b + ink + noise).clamp(0, 255) as u8))
    })
}

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
