//! Noise: the standard deviation of sensor noise on the document, which
//! rises when a dark scene is lifted by a high ISO.
//!
//! # Algorithm (Immerkær 1996, made robust)
//! The 3 × 3 operator `[1 −2 1; −2 4 −2; 1 −2 1]` cancels every linear
//! (and most smooth) image content and multiplies white noise of σ by 6.
//! Taking the *median* of its absolute response instead of the mean keeps
//! edges and print (a minority of a document's pixels) from counting as
//! noise: for Gaussian noise the median of |response| is 0.6745 × 6σ.
//!
//! Unlike the other measurements this one reads the input's own pixels:
//! resampling mixes neighbouring pixels by amounts that vary across the
//! image, which would make the figure depend on the scale factor. To bound
//! the work it samples at most 64 evenly spaced row triples (BT.601 luma).
//! The figure is therefore per input pixel: a downscaled photo reads less
//! noisy, as it looks.

use crate::analysis::LUMA_WEIGHTS;
use image::RgbImage;
use serde::Serialize;

/// Row triples sampled at most.
const MAX_ROW_TRIPLES: usize = 64;

const BIN: f32 = 0.05;
const BINS: usize = 4000;
/// Median of |N(0, 1)|.
const HALF_NORMAL_MEDIAN: f32 = 0.6745;

/// Noise level on the document.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Noise {
    /// Estimated noise standard deviation in grey levels (0–255 scale) per
    /// input pixel; 0 for images under 3 × 3.
    pub sigma: f32,
}

/// Measures noise on the document's own pixels.
#[must_use]
pub fn noise(document: &RgbImage) -> Noise {
    let (width, height) = (document.width() as usize, document.height() as usize);
    if width < 3 || height < 3 {
        return Noise::default();
    }
    let triples = (height - 2).min(MAX_ROW_TRIPLES);
    let mut counts = vec![0u32; BINS];
    let mut rows = [vec![0.0f32; width], vec![0.0f32; width], vec![0.0f32; width]];
    for t in 0..triples {
        // Centre rows spread evenly over 1 ..= height - 2.
        let centre = 1 + t * (height - 2) / triples;
        for (dy, row) in rows.iter_mut().enumerate() {
            luma_row(document, centre + dy - 1, row);
        }
        let [up, mid, down] = &rows;
        for ((u, m), d) in up.windows(3).zip(mid.windows(3)).zip(down.windows(3)) {
            let response = (u[0] - 2.0 * u[1] + u[2]) - 2.0 * (m[0] - 2.0 * m[1] + m[2]) + (d[0] - 2.0 * d[1] + d[2]);
            if let Some(c) = counts.get_mut(((response.abs() / BIN) as usize).min(BINS - 1)) {
                *c += 1;
            }
        }
    }
    // The bin's centre, so that a noise-free image reads (nearly) 0.
    let median = crate::filters::histogram_quantile(&counts, BIN, 0.5) + 0.5 * BIN;
    Noise {
        sigma: median / (6.0 * HALF_NORMAL_MEDIAN),
    }
}

fn luma_row(document: &RgbImage, y: usize, out: &mut [f32]) {
    let row_len = document.width() as usize * 3;
    let raw = document
        .as_raw()
        .get(y * row_len..(y + 1) * row_len)
        .unwrap_or_default();
    for (o, px) in out.iter_mut().zip(raw.chunks_exact(3)) {
        *o = LUMA_WEIGHTS[0] * f32::from(px[0])
            + LUMA_WEIGHTS[1] * f32::from(px[1])
            + LUMA_WEIGHTS[2] * f32::from(px[2]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// Deterministic approximately Gaussian noise (sum of 4 uniforms).
    fn noisy(sigma: f32) -> RgbImage {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        RgbImage::from_fn(640, 400, |_, _| {
            let n = (uniform() + uniform() + uniform() + uniform()) * 3.0f32.sqrt() * sigma;
            let v = (128.0 + n).round().clamp(0.0, 255.0) as u8;
            Rgb([v, v, v])
        })
    }

    #[test]
    fn estimates_known_noise() {
        for sigma in [2.0f32, 5.0, 10.0] {
            let n = noise(&noisy(sigma));
            assert!((n.sigma - sigma).abs() < 0.15 * sigma, "{sigma}: {n:?}");
        }
    }

    #[test]
    fn clean_edges_are_not_noise() {
        let img = RgbImage::from_fn(640, 400, |x, y| {
            if (x / 16 + y / 16) % 2 == 0 {
                Rgb([0; 3])
            } else {
                Rgb([255; 3])
            }
        });
        assert!(noise(&img).sigma < 0.1);
        assert_eq!(noise(&RgbImage::new(2, 2)).sigma, 0.0);
        assert!(noise(&RgbImage::new(3, 3)).sigma < 0.1);
    }
}
