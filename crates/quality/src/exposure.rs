//! Exposure: luminance statistics of the document.
//!
//! # Algorithm
//! A histogram of the analysis luma (BT.601, 0–255) in bins of 0.25 grey
//! levels gives the percentiles; the mean is exact. Clipped pixels are
//! those with luma ≤ 8 (crushed blacks) and ≥ 250 (blown whites); after the
//! area-average resampling a pixel counts as clipped only when the input
//! area it stands for is clipped on average. `contrast = (p95 − p05) / 255`
//! in `[0, 1]`: the spread of the central 90 % of the document's tones.

use crate::analysis::AnalysisImage;
use crate::filters::histogram_quantile;
use serde::Serialize;

/// Luma at or below this is clipped dark.
pub const CLIPPED_DARK_MAX: f32 = 8.0;
/// Luma at or above this is clipped bright.
pub const CLIPPED_BRIGHT_MIN: f32 = 250.0;
const BIN: f32 = 0.25;
const BINS: usize = 1024;

/// Luminance statistics of the document (`DOC_TOO_DARK`, `DOC_OVEREXPOSED`).
/// Levels are BT.601 luma in grey levels, 0–255.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Exposure {
    /// Mean luma.
    pub mean: f32,
    /// 5th percentile.
    pub p05: f32,
    /// Median.
    pub p50: f32,
    /// 95th percentile.
    pub p95: f32,
    /// Fraction of the document with luma ≤ 8, `[0, 1]`.
    pub clipped_dark_fraction: f32,
    /// Fraction of the document with luma ≥ 250, `[0, 1]`.
    pub clipped_bright_fraction: f32,
    /// `(p95 − p05) / 255`, `[0, 1]`.
    pub contrast: f32,
}

/// Measures exposure on the analysis image (all zeros when it is empty).
#[must_use]
pub fn exposure(image: &AnalysisImage) -> Exposure {
    let luma = image.luma();
    if luma.is_empty() {
        return Exposure::default();
    }
    let mut counts = vec![0u32; BINS];
    let (mut sum, mut dark, mut bright) = (0.0f64, 0usize, 0usize);
    for &v in luma {
        let v = v.clamp(0.0, 255.0);
        sum += f64::from(v);
        dark += usize::from(v <= CLIPPED_DARK_MAX);
        bright += usize::from(v >= CLIPPED_BRIGHT_MIN);
        if let Some(c) = counts.get_mut(((v / BIN) as usize).min(BINS - 1)) {
            *c += 1;
        }
    }
    let n = luma.len() as f32;
    let p05 = histogram_quantile(&counts, BIN, 0.05);
    let p95 = histogram_quantile(&counts, BIN, 0.95);
    Exposure {
        mean: (sum / luma.len() as f64) as f32,
        p05,
        p50: histogram_quantile(&counts, BIN, 0.50),
        p95,
        clipped_dark_fraction: dark as f32 / n,
        clipped_bright_fraction: bright as f32 / n,
        contrast: ((p95 - p05) / 255.0).clamp(0.0, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn statistics_of_a_two_tone_image() {
        // 10 % black, 90 % white.
        let img = RgbImage::from_fn(
            100,
            100,
            |x, _| if x < 10 { Rgb([0, 0, 0]) } else { Rgb([255, 255, 255]) },
        );
        let e = exposure(&AnalysisImage::from_rgb(&img));
        assert!((e.mean - 229.5).abs() < 1.5, "{e:?}");
        assert!(e.p05 < 1.0 && e.p50 > 254.0 && e.p95 > 254.0, "{e:?}");
        assert!((e.clipped_dark_fraction - 0.1).abs() < 0.01, "{e:?}");
        assert!((e.clipped_bright_fraction - 0.9).abs() < 0.01, "{e:?}");
        assert!(e.contrast > 0.99);
    }

    #[test]
    fn mid_grey_is_unclipped_and_flat() {
        let e = exposure(&AnalysisImage::from_rgb(&RgbImage::from_pixel(
            30,
            20,
            Rgb([120, 120, 120]),
        )));
        assert!((e.mean - 120.0).abs() < 0.01 && (e.p50 - 120.0).abs() < 0.26);
        assert_eq!((e.clipped_dark_fraction, e.clipped_bright_fraction), (0.0, 0.0));
        assert!(e.contrast < 0.01);
        assert_eq!(
            exposure(&AnalysisImage::from_rgb(&RgbImage::new(0, 3))),
            Exposure::default()
        );
    }
}
