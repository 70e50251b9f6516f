//! Presentation-attack signs on real photos: a face shown on a display and
//! photographed carries the display's pixel pattern; genuine photos do not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use image::{Rgb, RgbImage};
use openkyc_facecheck::{FaceModels, SpoofSigns, SpoofThresholds};
use openkyc_infer::{ModelSet, SessionOptions};
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if dir.join("faces/pairs.csv").is_file() && dir.join("liveness/media.csv").is_file() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: ../shared/fixtures (faces, liveness) is absent");
        None
    }
}

fn models() -> Option<FaceModels> {
    let set = ModelSet::locate().ok();
    let loaded = set.and_then(|set| FaceModels::load(&set, &SessionOptions::default()).ok());
    if loaded.is_none() {
        eprintln!("SKIPPED: models missing, run scripts/fetch-models.sh");
    }
    loaded
}

fn load(path: &Path) -> Option<RgbImage> {
    let bytes = std::fs::read(path).unwrap();
    let limits = openkyc_intake::IntakeLimits {
        working_max_side: 1600,
        ..openkyc_intake::IntakeLimits::default()
    };
    Some(openkyc_intake::intake(&bytes, &limits).ok()?.working)
}

fn signs(models: &mut FaceModels, photo: &RgbImage) -> Option<SpoofSigns> {
    let faces = models.detector.detect(photo).unwrap();
    let face = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area()))?;
    Some(SpoofSigns::measure(photo, face))
}

/// `photo` shown on a display (R, G, B stripes lighting 76% of each
/// display pixel's width, a black matrix over 15% of its height) and
/// photographed at 0.8 camera pixels per display pixel through a 3° turn,
/// each camera pixel averaging 2 × 2 samples.
fn on_a_screen(photo: &RgbImage) -> RgbImage {
    let (angle, camera_per_display) = (3.0_f32.to_radians(), 0.8_f32);
    let (sin, cos) = angle.sin_cos();
    let mut out = RgbImage::new(photo.width(), photo.height());
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        let mut sum = [0.0_f32; 3];
        for (dx, dy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
            let (cx, cy) = (x as f32 + dx, y as f32 + dy);
            let u = (cx * cos + cy * sin) / camera_per_display;
            let v = (-cx * sin + cy * cos) / camera_per_display;
            let (fu, fv) = (u - u.floor(), v - v.floor());
            let source = photo.get_pixel(x, y);
            let stripe = (fu * 3.0) as usize;
            let lit = (fu * 3.0).fract() < 0.76 && fv < 0.85;
            if lit && stripe < 3 {
                sum[stripe] += 3.0 * f32::from(source[stripe]);
            }
        }
        *pixel = Rgb(sum.map(|s| (s / 4.0).min(255.0) as u8));
    }
    out
}

#[test]
fn a_face_shown_on_a_screen_is_flagged_and_genuine_photos_are_not() {
    let (Some(dir), Some(mut models)) = (shared(), models()) else {
        return;
    };
    let thresholds = SpoofThresholds::default();
    let mut genuine: Vec<PathBuf> = std::fs::read_dir(dir.join("faces"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "csv"))
        .collect();
    genuine.push(dir.join("liveness/still/pad/silentface_image_T1_genuine.jpg"));
    genuine.sort();
    let (mut false_alarms, mut caught, mut screened) = (Vec::new(), 0, 0);
    for (i, path) in genuine.iter().enumerate() {
        let Some(photo) = load(path) else { continue };
        let Some(found) = signs(&mut models, &photo) else {
            continue;
        };
        if !found.findings(&thresholds).is_empty() {
            false_alarms.push((path.clone(), found.screen_score));
        }
        // Every fifth photo also shown on a screen.
        if i % 5 == 0 {
            if let Some(shown) = signs(&mut models, &on_a_screen(&photo)) {
                screened += 1;
                eprintln!(
                    "{}: genuine {:.3}, on a screen {:.3}",
                    path.display(),
                    found.screen_score,
                    shown.screen_score
                );
                if shown.findings(&thresholds).contains(&"screen") {
                    caught += 1;
                }
            }
        }
    }
    eprintln!(
        "false alarms {} of {}; screens caught {caught} of {screened}",
        false_alarms.len(),
        genuine.len()
    );
    assert!(false_alarms.is_empty(), "{false_alarms:?}");
    assert!(screened >= 5 && caught == screened, "caught {caught} of {screened}");
}
