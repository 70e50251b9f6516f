//! Specimen conformance: the tightly cropped specimen scans of real ID cards, passports,
//! residence permits and visas in `shared/fixtures/documents` (read in place, never copied),
//! each pasted with a mild perspective onto a background with a margin, must be found with
//! every corner within 2% of the document diagonal.
//!
//! Several specimens are front-and-back composites (two cards stacked, or side by side); the
//! front side (top or left half) is used, as the outline of the pair is not a document.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::PathBuf;

use common::*;
use image::RgbImage;
use openkyc_docdetect::{detect, DetectParams, Detection};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/documents");
const TOLERANCE: f64 = 0.02;

fn specimen_paths() -> Option<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    paths.sort();
    Some(paths)
}

/// The front side of a front-and-back composite, or the whole image.
fn front_side(img: RgbImage) -> RgbImage {
    let (w, h) = img.dimensions();
    if w < h {
        image::imageops::crop_imm(&img, 0, 0, w, h / 2).to_image()
    } else if w > 5 * h / 2 {
        image::imageops::crop_imm(&img, 0, 0, w / 2, h).to_image()
    } else {
        img
    }
}

#[test]
fn specimens_on_backgrounds_are_found_within_tolerance() {
    let Some(paths) = specimen_paths().filter(|p| !p.is_empty()) else {
        eprintln!("SKIPPED: no specimen images at {FIXTURES}");
        return;
    };
    let backgrounds = [
        Background::Dark,
        Background::Wood(21),
        Background::Noise(22),
        Background::Cloth,
    ];
    let params = DetectParams::default();
    let mut failures = Vec::new();
    let mut rng = Rng::new(2024);
    for (i, path) in paths.iter().enumerate() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = front_side(image::open(path).unwrap().to_rgb8());
        let (sw, sh) = (f64::from(source.width()), f64::from(source.height()));
        let background = backgrounds[i % backgrounds.len()];
        // Long side 300–350 px in a 512 × 384 frame, a few degrees of rotation and tilt.
        let width = rng.range(300.0, 350.0);
        let rotation = rng.range(-8.0, 8.0);
        let tilt = (rng.range(-12.0, 12.0), rng.range(-12.0, 12.0));
        let centre = (rng.range(236.0, 276.0), rng.range(177.0, 207.0));
        let quad = place((sw, sh), centre, width, rotation, tilt, 720.0);
        let scene = render_image(512, 384, &source, &quad, background);
        let detection = detect(&scene, &params);
        let reason = match &detection {
            Detection::Found(doc) => {
                let error = corner_error(&doc.corners, &quad) / diagonal(&quad);
                (error > TOLERANCE).then(|| format!("corner error {:.1}% of the diagonal: {doc:?}", error * 100.0))
            }
            Detection::NotFound { reason } => Some(format!("not found ({reason})")),
        };
        if let Some(reason) = reason {
            failures.push(format!("{name} on {background:?}: {reason}"));
        }
    }
    let found = paths.len() - failures.len();
    let rate = found as f64 / paths.len() as f64;
    eprintln!(
        "specimens: {found}/{} found within {}% ({:.0}%)",
        paths.len(),
        TOLERANCE * 100.0,
        rate * 100.0
    );
    for failure in &failures {
        eprintln!("  FAILED {failure}");
    }
    assert!(rate >= 0.9, "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// The specimens as they are (front sides of composites cropped out): tight crops and scans.
/// They must be found covering most of the frame (touching it, unless the scan has a margin);
/// when the outline is not visible at all the frame is the outline (see the crate
/// documentation).
#[test]
fn specimens_as_tight_crops_are_found_covering_the_frame() {
    let Some(paths) = specimen_paths().filter(|p| !p.is_empty()) else {
        eprintln!("SKIPPED: no specimen images at {FIXTURES}");
        return;
    };
    let params = DetectParams::default();
    let mut failures = Vec::new();
    let (mut frame_outlines, mut cut, mut touching) = (0, 0, 0);
    for path in &paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let crop = front_side(image::open(path).unwrap().to_rgb8());
        match detect(&crop, &params) {
            Detection::Found(doc) if doc.area_fraction >= 0.6 => {
                frame_outlines += usize::from(doc.confidence == openkyc_docdetect::FRAME_CONFIDENCE);
                cut += usize::from(doc.corners_outside.iter().any(|&c| c));
                touching += usize::from(doc.touches_frame);
            }
            other => failures.push(format!("{name}: {other:?}")),
        }
    }
    let found = paths.len() - failures.len();
    eprintln!(
        "specimens as tight crops: {found}/{} found covering the frame ({touching} touching it, {frame_outlines} with the frame as outline, {cut} with corners reported cut)",
        paths.len()
    );
    for failure in &failures {
        eprintln!("  FAILED {failure}");
    }
    assert!(found * 10 >= paths.len() * 9, "{}", failures.join("\n"));
}
