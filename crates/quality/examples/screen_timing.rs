//! Times the screen-pattern measurement on a 1000×750 patch (the precheck's detail patch of a
//! 12 MP photo) and the other measurements on a 960×605 rectified crop. Prints; asserts nothing.
//!
//! `cargo run --release -p openkyc-quality --example screen_timing`
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::Instant;

use image::{Rgb, RgbImage};

fn median_ms(mut f: impl FnMut(), runs: usize) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn main() {
    let textured = |w: u32, h: u32| {
        RgbImage::from_fn(w, h, |x, y| {
            let v = ((x * 7 + y * 13) % 97) as u8;
            Rgb([100 + v, 120 + v / 2, 90 + (v ^ (y as u8)) / 3])
        })
    };
    let patch = textured(1000, 750);
    let crop = textured(960, 605);
    let runs = 21;
    let screen = median_ms(
        || {
            std::hint::black_box(openkyc_quality::measure_screen_pattern_native(&patch));
        },
        runs,
    );
    let all = median_ms(
        || {
            let screen = openkyc_quality::measure_screen_pattern_native(&patch);
            std::hint::black_box(openkyc_quality::measure_with_screen(&crop, screen));
        },
        runs,
    );
    let analysis = median_ms(
        || drop(std::hint::black_box(openkyc_quality::AnalysisImage::from_rgb(&crop))),
        runs,
    );
    println!(
        "screen (native 1000x750): {screen:.1} ms; analysis image: {analysis:.1} ms; all measurements: {all:.1} ms"
    );
}
