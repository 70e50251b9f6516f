//! The replayed-still geometry: one homography explains a flat picture's
//! landmark motion, not a real head's. Residuals (RMS / eye distance) are
//! measured here on the synthetic head of `common` and printed (run with
//! `--nocapture` to read them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{add_noise, apply_homography, project_head, random_homography, Rng};
use openkyc_liveness::homography::homography_residual;
use openkyc_liveness::LivenessPolicy;

/// Median of the residuals / eye distance over `trials` random cases.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn head_residuals(yaw: f64, pitch: f64, noise_px: f64, trials: usize) -> Vec<f64> {
    let mut rng = Rng::new(11);
    (0..trials)
        .map(|_| {
            let (mut from, _) = project_head(rng.symmetric(3.0), rng.symmetric(3.0), 0.0, [0.0, 0.0]);
            let (mut to, eyes) = project_head(
                yaw + rng.symmetric(3.0),
                pitch + rng.symmetric(3.0),
                rng.symmetric(5.0),
                [rng.symmetric(20.0), rng.symmetric(20.0)],
            );
            add_noise(&mut from, &mut rng, noise_px);
            add_noise(&mut to, &mut rng, noise_px);
            homography_residual(&from, &to).unwrap() / f64::from(eyes)
        })
        .collect()
}

fn photo_residuals(noise_px: f64, trials: usize) -> Vec<f64> {
    let mut rng = Rng::new(12);
    let (frontal, eyes) = project_head(0.0, 0.0, 0.0, [0.0, 0.0]);
    (0..trials)
        .map(|_| {
            let mut from = apply_homography(random_homography(&mut rng, 1.0), &frontal);
            let mut to = apply_homography(random_homography(&mut rng, 1.0), &frontal);
            add_noise(&mut from, &mut rng, noise_px);
            add_noise(&mut to, &mut rng, noise_px);
            homography_residual(&from, &to).unwrap() / f64::from(eyes)
        })
        .collect()
}

#[test]
fn the_homography_residual_separates_a_turning_head_from_a_moved_photo() {
    let threshold = f64::from(LivenessPolicy::default().planar_max_residual);
    let trials = 200;
    println!("noise_px  photo(median,max)  head yaw15  yaw20  yaw30  pitch-15  pitch-20 (median, min)");
    for noise in [0.0, 0.5, 1.0] {
        let photo = photo_residuals(noise, trials);
        let photo_max = photo.iter().copied().fold(0.0, f64::max);
        let mut line = format!("{noise:>8.1}  {:.4},{:.4}", median(photo.clone()), photo_max);
        for (yaw, pitch) in [(15.0, 0.0), (20.0, 0.0), (30.0, 0.0), (0.0, -15.0), (0.0, -20.0)] {
            let head = head_residuals(yaw, pitch, noise, trials);
            let head_min = head.iter().copied().fold(f64::INFINITY, f64::min);
            line += &format!("  {:.4},{:.4}", median(head.clone()), head_min);
            // The rule reads the median over the informative frames: the
            // medians must fall on the right sides of the threshold.
            if noise <= 1.0 && yaw.abs().max(pitch.abs()) >= 20.0 {
                assert!(median(head) > threshold, "head yaw {yaw} pitch {pitch} noise {noise}");
            }
        }
        println!("{line}");
        assert!(median(photo) < threshold, "photo noise {noise}");
        if noise == 0.0 {
            assert!(photo_max < 1e-4, "an exact homography leaves no residual: {photo_max}");
        }
    }
}
