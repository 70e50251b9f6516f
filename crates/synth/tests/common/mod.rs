//! Helpers shared by the integration tests.

// Helpers of tests: a failing unwrap here is a failing test.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use openkyc_synth::{evaluation_set_with, Defect, Sample, SampleSpec, SetOptions};

/// A set with synthetic and (when present) specimen documents: 16 clean
/// specs and 8 of each defect, planned once per test binary.
pub fn set() -> &'static [SampleSpec] {
    static SET: std::sync::OnceLock<Vec<SampleSpec>> = std::sync::OnceLock::new();
    SET.get_or_init(|| evaluation_set_with(20, 8, &SetOptions::default()))
}

/// Specs aimed at `kind` (`None`: clean).
pub fn of_kind(specs: &[SampleSpec], kind: Option<Defect>) -> Vec<SampleSpec> {
    specs.iter().filter(|s| s.intent == kind).cloned().collect()
}

/// The spec shrunk so that its longer side is about `side` pixels (debug builds are slow).
pub fn small(spec: &SampleSpec, side: f32) -> SampleSpec {
    spec.scaled(side / spec.width.max(spec.height) as f32)
}

/// Decodes a sample to RGB8.
pub fn decode(sample: &Sample) -> image::RgbImage {
    let img = image::load_from_memory(&sample.bytes).expect("sample decodes");
    assert_eq!(
        (img.width(), img.height()),
        (sample.width, sample.height),
        "{}",
        sample.id
    );
    img.to_rgb8()
}

/// Rec. 601 luma.
pub fn luma(p: &image::Rgb<u8>) -> f64 {
    0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
}

/// Is `(x, y)` inside the polygon (crossing number)?
pub fn inside(poly: &[[f32; 2]; 4], x: f32, y: f32) -> bool {
    let mut c = false;
    for i in 0..4 {
        let (a, b) = (poly[i], poly[(i + 3) % 4]);
        if (a[1] > y) != (b[1] > y) && x < a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]) {
            c = !c;
        }
    }
    c
}

/// Distance from `(x, y)` to the polygon's outline.
pub fn edge_distance(poly: &[[f32; 2]; 4], x: f32, y: f32) -> f32 {
    (0..4)
        .map(|i| {
            let (a, b) = (poly[i], poly[(i + 1) % 4]);
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = (dx * dx + dy * dy).max(1e-9);
            let t = (((x - a[0]) * dx + (y - a[1]) * dy) / len2).clamp(0.0, 1.0);
            (x - a[0] - t * dx).hypot(y - a[1] - t * dy)
        })
        .fold(f32::INFINITY, f32::min)
}

/// Mean luma of the pixels whose centres are inside `poly`.
pub fn mean_luma_inside(img: &image::RgbImage, poly: &[[f32; 2]; 4]) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for (x, y, p) in img.enumerate_pixels() {
        if inside(poly, x as f32 + 0.5, y as f32 + 0.5) {
            sum += luma(p);
            n += 1;
        }
    }
    sum / n.max(1) as f64
}
