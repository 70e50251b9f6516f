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
