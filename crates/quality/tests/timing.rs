//! Timing of each measurement on a 1000 × 631 synthetic card (and of
//! `measure` on a 4000 × 3000 enlargement of it), in release:
//! `cargo test --release -p openkyc-quality --test timing -- --ignored --nocapture`.
//! Prints the best and median of 25 runs; asserts nothing about time.

mod common;
use common::*;
use openkyc_quality::*;
use std::time::{Duration, Instant};

fn report<T>(name: &str, runs: usize, mut f: impl FnMut() -> T) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    eprintln!("{name:<10} best {:>8.2?}  median {:>8.2?}", times[0], times[runs / 2]);
}

#[test]
#[ignore]
fn timing() {
    let card = render_card(1000);
    assert_eq!(card.dimensions(), (1000, 631));
    let a = AnalysisImage::from_rgb(&card);
    let runs: usize = std::env::var("RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(25);
    let only = std::env::var("ONLY").unwrap_or_default();
    let photo = image::imageops::resize(&card, 4000, 3000, image::imageops::FilterType::Triangle);
    let jobs: [(&str, &dyn Fn()); 8] = [
        ("analysis", &|| {
            std::hint::black_box(AnalysisImage::from_rgb(&card));
        }),
        ("sharpness", &|| {
            std::hint::black_box(sharpness(&a));
        }),
        ("glare", &|| {
            std::hint::black_box(glare(&a));
        }),
        ("exposure", &|| {
            std::hint::black_box(exposure(&a));
        }),
        ("screen", &|| {
            std::hint::black_box(screen_pattern(&a));
        }),
        ("noise", &|| {
            std::hint::black_box(noise(&card));
        }),
        ("12 MP", &|| {
            std::hint::black_box(measure(&photo));
        }),
        ("measure", &|| {
            std::hint::black_box(measure(&card));
        }),
    ];
    for (name, job) in jobs {
        if only.is_empty() || only == name {
            report(name, runs, job);
        }
    }
}
