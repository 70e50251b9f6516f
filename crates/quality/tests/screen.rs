//! Screen-photo signs: a printed card (with guilloche, text, a photo, even
//! printed as a CMY halftone) scores low; the same card shown on a simulated
//! RGB-stripe display and photographed scores high.

mod common;
use common::*;
use image::RgbImage;
use openkyc_quality::{measure_screen_pattern, ScreenPattern};

fn printed() -> Vec<(String, RgbImage)> {
    let card = card_640();
    vec![
        ("card 640".into(), card.clone()),
        ("card 1000".into(), card_1000().clone()),
        ("card 600".into(), card_600().clone()),
        ("blurred".into(), gaussian_blur(card, 2.0)),
        ("motion".into(), motion_blur(card, 9, 30.0)),
        ("noisy".into(), add_noise(card, 5.0, 3)),
        ("dark".into(), expose(card, 0.4, 1.0)),
        ("glare".into(), add_glare(card, 0.5, 0.5, 0.05)),
        ("halftone".into(), halftone(card)),
    ]
}

fn screens() -> Vec<(String, RgbImage)> {
    let card = card_640();
    [
        (1100u32, 2.0f32),
        (900, 1.0),
        (1300, 3.0),
        (760, 0.5),
        (1000, 0.0),
        (1500, 4.0),
    ]
    .iter()
    .map(|&(width, rotation)| {
        (
            format!("screen {width} px, {rotation}°"),
            screen_photo(card, width, rotation),
        )
    })
    .collect()
}

#[test]
fn printed_cards_score_low_and_screen_photos_high() {
    let measure = |cases: Vec<(String, RgbImage)>| -> Vec<(String, ScreenPattern)> {
        cases
            .into_iter()
            .map(|(name, img)| (name, measure_screen_pattern(&img)))
            .collect()
    };
    let printed = measure(printed());
    let screens = measure(screens());
    for (name, s) in printed.iter().chain(&screens) {
        eprintln!("{name:<24} {s:?}");
    }
    let highest_print = printed.iter().map(|c| c.1.score).fold(0.0f32, f32::max);
    let lowest_screen = screens.iter().map(|c| c.1.score).fold(f32::INFINITY, f32::min);
    assert!(highest_print < 0.1, "printed cards score low: {highest_print}");
    assert!(lowest_screen > 0.3, "screen photos score high: {lowest_screen}");
    assert!(lowest_screen > 5.0 * highest_print);
}

#[test]
fn guilloche_is_periodic_but_not_a_screen() {
    // The card's guilloche and the MRZ give real luma spectral peaks ...
    let card = measure_screen_pattern(card_640());
    assert!(card.peak_ratio > 2.0, "{card:?}");
    // ... but no hue-rotating chroma peak, which is what the score needs.
    assert!(card.chroma_banding < 0.03, "{card:?}");
}
