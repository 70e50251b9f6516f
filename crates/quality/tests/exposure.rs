//! Exposure statistics follow gain and gamma changes.

mod common;
use common::*;
use openkyc_quality::measure_exposure;

#[test]
fn mean_and_percentiles_follow_gain() {
    let card = card_640();
    let gains = [0.2f32, 0.4, 0.7, 1.0, 1.2, 1.5];
    let stats: Vec<_> = gains.iter().map(|&g| measure_exposure(&expose(card, g, 1.0))).collect();
    for pair in stats.windows(2) {
        assert!(pair[1].mean > pair[0].mean + 5.0, "{pair:?}");
        assert!(pair[1].p50 >= pair[0].p50 && pair[1].p95 >= pair[0].p95, "{pair:?}");
    }
    let (dark, normal, bright) = (&stats[0], &stats[3], &stats[5]);
    assert!(dark.mean < 45.0 && dark.p95 < 55.0, "{dark:?}");
    assert!(normal.mean > 150.0 && normal.mean < 220.0, "{normal:?}");
    assert!(
        normal.clipped_bright_fraction < 0.01 && normal.clipped_dark_fraction < 0.01,
        "{normal:?}"
    );
    assert!(
        bright.clipped_bright_fraction > 0.5 && bright.mean > 215.0,
        "{bright:?}"
    );
    assert!(bright.contrast < normal.contrast, "clipping flattens the tones");
}

#[test]
fn gamma_moves_the_median_and_crushing_is_counted() {
    let card = card_640();
    let lifted = measure_exposure(&expose(card, 1.0, 0.5));
    let deepened = measure_exposure(&expose(card, 1.0, 2.5));
    let normal = measure_exposure(card);
    assert!(lifted.p50 > normal.p50 && normal.p50 > deepened.p50);
    let crushed = measure_exposure(&expose(card, 0.03, 1.0));
    assert!(crushed.clipped_dark_fraction > 0.95, "{crushed:?}");
    assert!(crushed.p95 <= 8.0, "{crushed:?}");
}

#[test]
fn percentiles_are_ordered() {
    let e = measure_exposure(card_640());
    assert!(e.p05 <= e.p50 && e.p50 <= e.p95, "{e:?}");
    assert!((e.contrast - (e.p95 - e.p05) / 255.0).abs() < 1e-6);
}
