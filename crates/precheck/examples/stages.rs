//! Prints the precheck's per-stage timings on the 12-megapixel benchmark photo (median of 15
//! runs per stage). Asserts nothing.
//!
//! `cargo run --release -p openkyc-precheck --example stages [PHOTO]`: with a path, that photo
//! (written there first if it does not exist). `STAGES_INTAKE_ONLY=1` runs only the intake,
//! 200 times, for a profiler.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;

use openkyc_precheck::{precheck, PrecheckConfig, Side};

fn main() {
    let config = PrecheckConfig::shipped().unwrap();
    // With a path argument: that file if it exists, else the benchmark photo, written there.
    let path = std::env::args().nth(1);
    let photo = match path.as_deref().map(std::fs::read) {
        Some(Ok(bytes)) => bytes,
        _ => {
            let photo = openkyc_synth::phone_photo_12mp(1);
            if let Some(path) = &path {
                std::fs::write(path, &photo).unwrap();
            }
            photo
        }
    };
    println!("photo: {} bytes", photo.len());
    if std::env::var_os("STAGES_INTAKE_ONLY").is_some() {
        let limits = openkyc_intake::IntakeLimits::default();
        for _ in 0..200 {
            std::hint::black_box(openkyc_intake::intake(&photo, &limits).unwrap());
        }
        return;
    }
    let mut stages: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for _ in 0..15 {
        let report = precheck(&photo, Side::Front, &config).unwrap().report;
        let json = serde_json::to_value(&report.timings_ms).unwrap();
        for (stage, ms) in json.as_object().unwrap() {
            stages
                .entry(stage.clone())
                .or_default()
                .push(ms.as_f64().unwrap_or(f64::NAN));
        }
    }
    for (stage, mut times) in stages {
        times.sort_by(f64::total_cmp);
        println!("{stage:>12}: median {:.1} ms", times[times.len() / 2]);
    }
}
