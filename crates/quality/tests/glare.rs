//! Glare on the synthetic card: none on clean or white cards, growing with
//! the highlight, located on the right cell of the 3 × 3 grid.

mod common;
use common::*;
use openkyc_quality::measure_glare;

#[test]
fn clean_white_and_overexposed_cards_have_no_glare() {
    let cases = [
        ("card", card_640().clone()),
        ("white 255", plain_card(640, [255, 255, 255])),
        ("white 248", plain_card(640, [248, 248, 246])),
        ("light 235", plain_card(640, [235, 235, 232])),
        ("overexposed card", expose(card_640(), 1.5, 1.0)),
        ("dark card", expose(card_640(), 0.4, 1.0)),
    ];
    for (name, img) in cases {
        let g = measure_glare(&img);
        assert!(g.fraction < 0.001, "{name}: {g:?}");
    }
}

#[test]
fn fraction_grows_with_the_highlight() {
    let card = card_640();
    let sizes = [0.01f32, 0.02, 0.05, 0.10, 0.20];
    let fractions: Vec<f32> = sizes
        .iter()
        .map(|&f| measure_glare(&add_glare(card, 0.62, 0.45, f)).fraction)
        .collect();
    eprintln!("glare sizes {sizes:?} -> fractions {fractions:?}");
    for pair in fractions.windows(2) {
        assert!(pair[1] > pair[0] * 1.3, "{fractions:?}");
    }
    for (&size, &fraction) in sizes.iter().zip(&fractions) {
        // The saturated core, plus the part of the halo within 10 levels of
        // saturation (about as much again).
        assert!(fraction > size && fraction < 2.5 * size, "{size}: {fraction}");
    }
}

#[test]
fn highlight_is_located_in_each_of_the_nine_regions() {
    let card = card_640();
    let names = [
        "top-left",
        "top",
        "top-right",
        "left",
        "center",
        "right",
        "bottom-left",
        "bottom",
        "bottom-right",
    ];
    for (i, name) in names.iter().enumerate() {
        let (cx, cy) = ((i % 3) as f32 / 3.0 + 1.0 / 6.0, (i / 3) as f32 / 3.0 + 1.0 / 6.0);
        let g = measure_glare(&add_glare(card, cx, cy, 0.03));
        assert!(g.fraction > 0.015, "{name}: {g:?}");
        assert_eq!(g.regions.first().map(|r| r.region.as_str()), Some(*name), "{g:?}");
        assert!(g.regions[0].fraction > 0.8 * g.fraction, "mostly in one cell: {g:?}");
        let b = g.largest_blob_box.expect("a blob");
        let (bx, by) = ((b.left + b.right) / 2.0, (b.top + b.bottom) / 2.0);
        assert!((bx - cx).abs() < 0.05 && (by - cy).abs() < 0.05, "{name}: box {b:?}");
    }
}

#[test]
fn fraction_does_not_depend_on_resolution() {
    let small = measure_glare(&add_glare(card_600(), 0.3, 0.6, 0.05)).fraction;
    let large = measure_glare(&add_glare(card_1000(), 0.3, 0.6, 0.05)).fraction;
    assert!((small - large).abs() < 0.1 * small.max(large), "{small} vs {large}");
}

#[test]
fn a_bright_patch_below_the_clip_is_not_glare() {
    // The light, bleached paper of a scanned specimen: a soft patch lifted
    // to 247 at most, never clipped in every channel. The same patch lifted
    // to pure white is glare.
    let card = card_640();
    let lift_towards = |peak: f32| {
        let mut out = card.clone();
        let (w, h) = (out.width() as f32, out.height() as f32);
        let core = (0.05 * w * h / std::f32::consts::PI).sqrt();
        for (x, y, p) in out.enumerate_pixels_mut() {
            let r = ((x as f32 + 0.5 - 0.6 * w).powi(2) + (y as f32 + 0.5 - 0.5 * h).powi(2)).sqrt();
            let t = ((2.0 * core - r) / core).clamp(0.0, 1.0);
            let alpha = t * t * (3.0 - 2.0 * t);
            p.0 =
                p.0.map(|v| (f32::from(v) + (peak - f32::from(v)).max(0.0) * alpha).round() as u8);
        }
        out
    };
    let unclipped = measure_glare(&lift_towards(247.0));
    assert_eq!((unclipped.fraction, unclipped.blob_count), (0.0, 0), "{unclipped:?}");
    let clipped = measure_glare(&lift_towards(255.0));
    assert!(clipped.fraction > 0.04, "{clipped:?}");
}
