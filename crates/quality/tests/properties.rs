//! Any image, of any small size, gives finite measurements in their ranges.

use image::RgbImage;
use openkyc_quality::{
    measure, measure_exposure, measure_glare, measure_screen_pattern, measure_sharpness, noise, Measurements,
};
use proptest::prelude::*;

fn check(m: &Measurements) {
    let s = &m.sharpness;
    for v in [s.score, s.motion_anisotropy, s.motion_direction_deg, s.edge_fraction] {
        assert!(v.is_finite() && v >= 0.0, "{m:?}");
    }
    assert!(s.motion_anisotropy <= 1.0 && s.motion_direction_deg < 180.0);
    let g = &m.glare;
    assert!(
        (0.0..=1.0).contains(&g.fraction) && g.largest_blob_fraction <= g.fraction + 1e-6,
        "{m:?}"
    );
    let region_sum: f32 = g.regions.iter().map(|r| r.fraction).sum();
    assert!((region_sum - g.fraction).abs() < 1e-4, "{m:?}");
    let e = &m.exposure;
    for v in [e.mean, e.p05, e.p50, e.p95] {
        assert!(v.is_finite() && (0.0..=255.0).contains(&v), "{m:?}");
    }
    assert!(e.p05 <= e.p50 && e.p50 <= e.p95);
    for v in [e.clipped_dark_fraction, e.clipped_bright_fraction, e.contrast] {
        assert!((0.0..=1.0).contains(&v), "{m:?}");
    }
    let sp = &m.screen;
    for v in [sp.peak_ratio, sp.chroma_banding, sp.score] {
        assert!(v.is_finite() && v >= 0.0, "{m:?}");
    }
    assert!(sp.chroma_banding <= 1.0);
    assert!(m.noise.sigma.is_finite() && m.noise.sigma >= 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_small_images_give_finite_measurements(
        width in 0u32..64,
        height in 0u32..64,
        seed in any::<u64>(),
        palette in prop::collection::vec(any::<[u8; 3]>(), 1..6),
    ) {
        // Pixels from a small palette so that flat areas, edges and noise all occur.
        let mut state = seed | 1;
        let img = RgbImage::from_fn(width, height, |_, _| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            image::Rgb(palette[(state % palette.len() as u64) as usize])
        });
        let m = measure(&img);
        check(&m);
        prop_assert_eq!(&m, &measure(&img), "deterministic");
    }

    #[test]
    fn arbitrary_bytes_give_finite_measurements(
        width in 0u32..64,
        height in 0u32..64,
        bytes in prop::collection::vec(any::<u8>(), 64 * 64 * 3),
    ) {
        let len = (width * height * 3) as usize;
        let img = RgbImage::from_raw(width, height, bytes[..len].to_vec()).expect("sized buffer");
        check(&measure(&img));
    }
}

#[test]
fn measure_agrees_with_the_single_measurements() {
    let img = RgbImage::from_fn(300, 190, |x, y| {
        let v = if (x / 9 + y / 13) % 3 == 0 { 40 } else { 220 };
        let glare = if (x as i32 - 220).pow(2) + (y as i32 - 60).pow(2) < 900 {
            255
        } else {
            v
        };
        image::Rgb([glare, glare, glare.saturating_sub((x % 7) as u8)])
    });
    let m = measure(&img);
    assert_eq!(m.sharpness, measure_sharpness(&img));
    assert_eq!(m.glare, measure_glare(&img));
    assert_eq!(m.exposure, measure_exposure(&img));
    assert_eq!(m.screen, measure_screen_pattern(&img));
    assert_eq!(m.noise, noise(&img));
    // 300 × 190 enlarged by √(256000 / 57000) = 2.119.
    assert_eq!(m.analysis_size, [636, 403]);
}

#[test]
fn degenerate_sizes() {
    for (w, h) in [(0, 0), (1, 1), (1, 7), (7, 1), (2, 2), (3000, 1), (1, 3000), (4, 5000)] {
        let img = RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 37 % 256) as u8, (y * 91 % 256) as u8, 128])
        });
        check(&measure(&img));
    }
}
