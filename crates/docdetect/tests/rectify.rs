//! Rectification recovers the synthetic card from a perspective view: with the true corners
//! and with the detected ones, within a small mean absolute pixel error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use image::RgbImage;
use openkyc_docdetect::{detect, rectified_size, rectify, DetectParams};

/// Mean absolute difference per channel, over the pixels at least `inset` from the border
/// (the outermost pixels mix document and background in the view).
fn mean_abs_error(a: &RgbImage, b: &RgbImage, inset: u32) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let (w, h) = a.dimensions();
    let (mut sum, mut count) = (0.0, 0.0);
    for y in inset..h - inset {
        for x in inset..w - inset {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            for c in 0..3 {
                sum += (f64::from(p[c]) - f64::from(q[c])).abs();
                count += 1.0;
            }
        }
    }
    sum / count
}

#[test]
fn rectifying_a_perspective_view_recovers_the_card() {
    let (ow, oh) = (300u32, 189u32); // ID-1 proportions
    let original = {
        let rect = [
            [0.0, 0.0],
            [f64::from(ow), 0.0],
            [f64::from(ow), f64::from(oh)],
            [0.0, f64::from(oh)],
        ];
        render_card(ow, oh, ID1, &rect, Background::Dark, CardStyle::Light)
    };
    let quad = place(ID1, (240.0, 180.0), 330.0, 12.0, (20.0, -15.0), 700.0);
    let scene = render_card(480, 360, ID1, &quad, Background::Wood(3), CardStyle::Light);

    let truth = quad.map(|[x, y]| [x as f32, y as f32]);
    let with_truth = rectify(&scene, &truth, ow, oh);
    let error_truth = mean_abs_error(&with_truth, &original, 3);

    let doc = found(&detect(&scene, &DetectParams::default())).clone();
    let with_detected = rectify(&scene, &doc.corners, ow, oh);
    // Reading order may be rotated by 180° (see the crate documentation).
    let rotated = image::imageops::rotate180(&with_detected);
    let error_detected = mean_abs_error(&with_detected, &original, 3).min(mean_abs_error(&rotated, &original, 3));

    // Corners 4% of the card's width off: the comparison can fail.
    let off = [
        [truth[0][0] + 13.0, truth[0][1] + 9.0],
        truth[1],
        [truth[2][0] - 13.0, truth[2][1]],
        truth[3],
    ];
    let error_off = mean_abs_error(&rectify(&scene, &off, ow, oh), &original, 3);
    eprintln!("rectify MAE: true corners {error_truth:.2}, detected {error_detected:.2}, corners off {error_off:.2}");
    assert!(error_truth < 6.0, "{error_truth}");
    assert!(error_detected < 7.0, "{error_detected}");
    assert!(error_off > 2.0 * error_detected, "{error_off}");

    // The size helper follows the estimated aspect ratio and does not upscale.
    let (w, h) = rectified_size(&doc, 2000);
    assert!((f64::from(w) / f64::from(h) - 1.586).abs() < 0.06, "{w}×{h} {doc:?}");
    assert!(f64::from(w) <= f64::from(doc.width_px) + 1.0);
    assert_eq!(rectified_size(&doc, 200).0, 200);
}
