//! Real specimen scans from the shared fixtures, read in place: a summary
//! table of every measurement, and sanity limits (clean scans are not
//! extremely blurry and not screen photos).

mod common;
use openkyc_quality::{measure_screen_pattern_native, measure_with_screen};

#[test]
fn specimen_scans_are_sane() {
    let Some(dir) = common::fixtures_dir().map(|d| d.join("documents")) else {
        eprintln!("SKIPPED: ../shared/fixtures is absent; the specimen-scan sanity test did not run");
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == "png"));
    paths.sort();

    if paths.is_empty() {
        eprintln!("SKIPPED: no PNG in {}", dir.display());
        return;
    }
    eprintln!(
        "{:<44} {:>9} {:>6} {:>5} {:>4} {:>6} {:>5} {:>5} {:>7} {:>6} {:>6} {:>5}",
        "image", "size", "sharp", "aniso", "dir", "glare", "mean", "p95", "peaks", "chroma", "screen", "noise"
    );
    let mut failures = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let img = match image::open(path) {
            Ok(img) => img.to_rgb8(),
            Err(e) => {
                failures.push(format!("{name}: unreadable: {e}"));
                continue;
            }
        };
        // As the precheck does: the screen pattern on pixels never resampled.
        let m = measure_with_screen(&img, measure_screen_pattern_native(&img));
        eprintln!(
            "{:<44} {:>9} {:>6.3} {:>5.2} {:>4.0} {:>6.4} {:>5.0} {:>5.0} {:>7.1} {:>6.4} {:>6.3} {:>5.2}",
            name.trim_start_matches("arg0s1080_"),
            format!("{}x{}", img.width(), img.height()),
            m.sharpness.score,
            m.sharpness.motion_anisotropy,
            m.sharpness.motion_direction_deg,
            m.glare.fraction,
            m.exposure.mean,
            m.exposure.p95,
            m.screen.peak_ratio,
            m.screen.chroma_banding,
            m.screen.score,
            m.noise.sigma,
        );
        if m.sharpness.score < SHARPNESS_FLOOR {
            failures.push(format!("{name}: sharpness {} (extremely blurry)", m.sharpness.score));
        }
        if m.screen.score > SCREEN_CEILING {
            failures.push(format!("{name}: screen score {}", m.screen.score));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Gaussian σ ≈ 3 analysis px on the synthetic card scores about 0.45; a
/// clean scan, even one enlarged to the analysis size, must stay above this.
const SHARPNESS_FLOOR: f32 = 0.5;
/// The synthetic screen photos score above 0.3 (tests/screen.rs).
const SCREEN_CEILING: f32 = 0.2;
