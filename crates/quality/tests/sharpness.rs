//! Sharpness on the synthetic card: monotone in blur, separating clean from
//! blurred and motion-blurred, independent of scale and exposure.

mod common;
use common::*;
use openkyc_quality::{measure_sharpness, Sharpness};

fn sharpness(img: &image::RgbImage) -> Sharpness {
    measure_sharpness(img)
}

/// Motion blurs of the 640 px card, `(length, angle, sharpness)`, computed
/// once for the tests that share them.
fn motion_cases() -> &'static [(usize, f32, Sharpness)] {
    static CASES: std::sync::OnceLock<Vec<(usize, f32, Sharpness)>> = std::sync::OnceLock::new();
    CASES.get_or_init(|| {
        let mut cases = Vec::new();
        for length in [5usize, 9, 15] {
            for angle in [0.0f32, 45.0, 90.0] {
                cases.push((length, angle, sharpness(&motion_blur(card_640(), length, angle))));
            }
        }
        cases
    })
}

#[test]
fn score_decreases_with_gaussian_blur() {
    let card = card_640();
    let scores: Vec<f32> = [0.0f32, 0.5, 1.0, 2.0, 3.0, 4.0]
        .iter()
        .map(|&s| sharpness(&gaussian_blur(card, s)).score)
        .collect();
    eprintln!("gaussian sweep: {scores:?}");
    for pair in scores.windows(2) {
        assert!(pair[1] < 0.95 * pair[0], "not decreasing: {scores:?}");
    }
    // σ = 2 px at the analysis scale roughly halves the sharp score or more.
    assert!(scores[3] < 0.5 * scores[0], "{scores:?}");
}

#[test]
fn clean_and_clearly_blurred_never_overlap() {
    let card = card_640();
    let clean = [
        ("640", card.clone()),
        ("600", card_600().clone()),
        ("1000", card_1000().clone()),
        ("dark", expose(card, 0.4, 1.0)),
        ("bright gamma", expose(card, 1.1, 0.7)),
        ("noisy", add_noise(card, 4.0, 7)),
    ];
    let clean_scores: Vec<(String, f32)> = clean
        .iter()
        .map(|(name, img)| (name.to_string(), sharpness(img).score))
        .collect();
    let mut defective_scores: Vec<(String, f32)> = [2.0f32, 3.0]
        .iter()
        .map(|&sigma| {
            (
                format!("gaussian {sigma}"),
                sharpness(&gaussian_blur(card, sigma)).score,
            )
        })
        .collect();
    for (length, angle, s) in motion_cases().iter().filter(|c| c.0 >= 9) {
        defective_scores.push((format!("motion {length} at {angle}"), s.score));
    }
    eprintln!("clean: {clean_scores:?}\ndefective: {defective_scores:?}");
    let worst_clean = clean_scores.iter().map(|s| s.1).fold(f32::INFINITY, f32::min);
    let best_defective = defective_scores.iter().map(|s| s.1).fold(0.0f32, f32::max);
    assert!(
        best_defective < 0.8 * worst_clean,
        "overlap: clean ≥ {worst_clean}, defective ≤ {best_defective}"
    );
}

#[test]
fn motion_blur_is_anisotropic_with_its_direction() {
    let card = card_640();
    let mut isotropic = vec![("clean".to_string(), sharpness(card))];
    for sigma in [1.0f32, 2.0, 3.0] {
        isotropic.push((format!("gaussian {sigma}"), sharpness(&gaussian_blur(card, sigma))));
    }
    for (name, s) in &isotropic {
        eprintln!("{name}: {s:?}");
        assert!(s.motion_anisotropy < 0.2, "{name}: {s:?}");
    }
    for &(length, angle, s) in motion_cases() {
        let off = (s.motion_direction_deg - angle).rem_euclid(180.0);
        let off = off.min(180.0 - off);
        eprintln!("motion {length} at {angle}: {s:?}");
        assert!(s.motion_anisotropy > 0.3, "motion {length} at {angle}: {s:?}");
        // The card's edges are mostly horizontal and vertical, so the
        // diagonal is measured less precisely (see the sharpness docs).
        let tolerance = if angle == 45.0 { 20.0 } else { 5.0 };
        assert!(
            off < tolerance,
            "motion {length} at {angle}: direction {}",
            s.motion_direction_deg
        );
    }
}

#[test]
fn score_does_not_depend_on_resolution() {
    // The same document, 600 and 1000 px wide, sharp and with the same blur
    // (σ = 2 analysis pixels, i.e. scaled with the rendering).
    for sigma in [0.0f32, 2.0] {
        let small = sharpness(&gaussian_blur(card_600(), sigma * 600.0 / 640.0)).score;
        let large = sharpness(&gaussian_blur(card_1000(), sigma * 1000.0 / 640.0)).score;
        eprintln!("σ {sigma}: 600 px {small}, 1000 px {large}");
        assert!(
            (small - large).abs() <= 0.15 * small.max(large),
            "σ {sigma}: {small} vs {large}"
        );
    }
}

#[test]
fn score_does_not_depend_on_exposure_or_ink_darkness() {
    let card = card_640();
    let base = sharpness(card).score;
    for (gain, gamma) in [(0.35f32, 1.0f32), (0.6, 1.0), (1.0, 0.6), (1.0, 1.6)] {
        let s = sharpness(&expose(card, gain, gamma)).score;
        assert!(
            (s - base).abs() <= 0.15 * base,
            "gain {gain} gamma {gamma}: {s} vs {base}"
        );
    }
}
