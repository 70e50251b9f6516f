//! Measures `detect` and `rectify` on rendered 1280 × 960 scenes (the intake's working-copy
//! size). Run with `cargo run --release -p openkyc-docdetect --example timing`.
//!
//! Timings are wall-clock on one thread, the median and minimum of repeated runs after a
//! warm-up; scene rendering is not timed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::*;
use openkyc_docdetect::{detect, rectified_size, rectify, DetectParams, Detection};

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let _ = f();
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    samples.sort();
    (samples[samples.len() / 2], samples[0])
}

fn main() {
    let params = DetectParams::default();
    let scenes = [
        (
            "card on wood, tilted",
            Background::Wood(11),
            ID1,
            700.0,
            12.0,
            (18.0, -10.0),
        ),
        (
            "passport page on cloth",
            Background::Cloth,
            ID3,
            900.0,
            -4.0,
            (5.0, 12.0),
        ),
        (
            "card on noise, rotated 90°",
            Background::Noise(5),
            ID1,
            560.0,
            90.0,
            (-10.0, 0.0),
        ),
        (
            "no document (gradient)",
            Background::Gradient,
            ID1,
            0.0,
            0.0,
            (0.0, 0.0),
        ),
    ];
    for (name, background, size, width, rotation, tilt) in scenes {
        let img = if width > 0.0 {
            let quad = place(size, (640.0, 480.0), width, rotation, tilt, 1400.0);
            render_card(1280, 960, size, &quad, background, CardStyle::Light)
        } else {
            image::RgbImage::from_fn(1280, 960, |x, y| {
                let c = background.colour(f64::from(x), f64::from(y), 1280.0, 960.0);
                image::Rgb(c.map(|v| v as u8))
            })
        };
        let (median, min) = time(30, || detect(&img, &params));
        let detection = detect(&img, &params);
        let summary = match &detection {
            Detection::Found(doc) => format!("found, confidence {:.2}", doc.confidence),
            Detection::NotFound { reason } => format!("not found ({reason})"),
        };
        println!(
            "detect  1280x960 {name:<28} median {:>6.2} ms  min {:>6.2} ms  {summary}",
            ms(median),
            ms(min)
        );
        if let Detection::Found(doc) = &detection {
            let (w, h) = rectified_size(doc, 1024);
            let (median, min) = time(10, || rectify(&img, &doc.corners, w, h));
            println!(
                "rectify {w}x{h} {:<29} median {:>6.2} ms  min {:>6.2} ms",
                "",
                ms(median),
                ms(min)
            );
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
