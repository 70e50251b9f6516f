//! What the selfie checks cost beside the bare face stage: on the fixture
//! photos, alternating per photo, the stage the peer benchmark times
//! (detection, the largest face, quality, descriptor) and
//! `analyse_selfie` (the same plus several faces, occlusion and the screen
//! pattern). `cargo run --release -p openkyc-facecheck --example
//! selfie_report [ROUNDS]`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use openkyc_face::{FaceQuality, QualityThresholds};
use openkyc_facecheck::{analyse_selfie, FaceModels, SelfieThresholds};
use openkyc_faceembed::dlib_box_from_centerface;
use openkyc_infer::{ModelSet, SessionOptions};
use std::path::Path;
use std::time::Instant;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/faces");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: {} is absent", dir.display());
        return;
    };
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let mut models = FaceModels::load(&ModelSet::locate().unwrap(), &SessionOptions::default()).unwrap();
    let limits = openkyc_intake::IntakeLimits {
        working_max_side: 1600,
        ..openkyc_intake::IntakeLimits::default()
    };
    let mut photos = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e != "csv") {
            if let Ok(intake) = openkyc_intake::intake(&std::fs::read(&path).unwrap(), &limits) {
                photos.push(intake.working);
            }
        }
    }
    let (mut bare, mut full) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for photo in &photos {
            let started = Instant::now();
            let faces = models.detector.detect(photo).unwrap();
            if let Some(face) = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area())) {
                let quality = FaceQuality::measure(face, photo);
                let _ = quality.reasons(&QualityThresholds::default());
                let _ = models.embedder.embed(photo, dlib_box_from_centerface(face.bbox));
            }
            bare.push(started.elapsed().as_secs_f64() * 1000.0);
            let started = Instant::now();
            let _ = analyse_selfie(&mut models, photo, &SelfieThresholds::default()).unwrap();
            full.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "{} photos x {rounds} rounds: detect+quality+descriptor median {:.1} ms, analyse_selfie median {:.1} ms",
        photos.len(),
        median(&mut bare),
        median(&mut full)
    );
}
