//! Sharpness: how wide the document's edges are, in its blurriest direction.
//!
//! # Algorithm (re-blur gradient ratio, after Hu & de Haan, ICIP 2006)
//! An edge blurred by a Gaussian of total spread σ (optics, motion, focus
//! and the derivative filter together) has a peak gradient proportional to
//! `C / σ`, where `C` is its contrast. Blurring it again by a known
//! `s = 2 px` gives `C / √(σ² + s²)`. The ratio of the two,
//! `r = √(σ² + s²) / σ`, does not depend on contrast, exposure or ink
//! darkness, and gives `σ² = s² / (r² − 1)`.
//!
//! 1. Blur the analysis luma with a Gaussian of σ = 2 px; take the Sobel
//!    gradient magnitude `g₂` of the result.
//! 2. Edge samples: pixels where `g₂` is at least
//!    max(1.5 grey levels / px, 25 % of its 99th percentile) and a local
//!    maximum across the edge (non-maximum suppression), at least 2 px
//!    from the border.
//! 3. At each sample, `g₀` = the largest Sobel magnitude of the unblurred
//!    luma in the 3 × 3 neighbourhood (the fine-scale peak may sit one pixel
//!    off the coarse one), `r = g₀ / g₂`.
//! 4. Samples are binned by edge-normal orientation into 12 bins of 15°;
//!    bins with at least max(20, 2 % of samples) samples give
//!    `σ²_θ = s² / (median(r)² − 1)`, clamped to `[0.25², 10²]`, where the
//!    median is weighted by `g₂²`, so that strong edges (which show a smear
//!    best) count most.
//! 5. Least-squares fit of `ln σ²(θ) = m + a·cos 2θ + b·sin 2θ`: a motion
//!    blur of length `L` along φ widens the edges whose normal is at θ by
//!    about `L·|cos(θ − φ)|`, so the fit's amplitude `A = √(a² + b²)` and
//!    phase measure it (the log keeps one badly blurred bin from dominating
//!    the direction). With fewer than 3 usable bins, `m` = the mean of the
//!    logs and `A = 0`.
//!
//! Outputs: `score = exp(−(m + A) / 2)`, the inverse edge spread `1/σ` in
//! analysis pixels in the blurriest direction (the synthetic card reads
//! 1.7–1.8, Gaussian σ = 1 about 1.2, σ = 2 about 0.7, σ = 4 about 0.33, a
//! 9 px motion streak 0.6–0.75; the specimen scans of the shared fixtures,
//! enlarged to the analysis size, 0.96–2.1); `motion_anisotropy = tanh A`
//! = `(σ²max − σ²min) / (σ²max + σ²min)` in `[0, 1)`;
//! `motion_direction_deg = ½·atan2(b, a)` in `[0, 180)`, counter-clockwise
//! from the image's +x axis with y pointing up: the direction along which
//! the camera moved. No edge samples: all 0.
//!
//! Motion blur reads weaker than a Gaussian of the same variance: a thin
//! stroke smeared by a box keeps sharp (if faint) edges, so only thicker
//! structures show the smear. On documents whose edges are mostly
//! horizontal and vertical, diagonal motion is measured less precisely
//! (direction within about 20°).

use crate::analysis::AnalysisImage;
use crate::filters::{gaussian_blur, histogram_quantile, sobel, sobel_magnitude};
use serde::Serialize;

/// Second blur applied to measure edge spread, in analysis pixels.
const REBLUR_SIGMA: f32 = 2.0;
/// Number of edge-orientation bins over 180°.
const ORIENTATION_BINS: usize = 12;
/// Edge samples must reach this fraction of the 99th-percentile gradient.
const RELATIVE_EDGE_THRESHOLD: f32 = 0.25;
/// ... and this absolute gradient (grey levels per pixel, after re-blur).
const MIN_EDGE_GRADIENT: f32 = 1.5;
/// A bin needs this many samples, and this fraction of all samples.
const MIN_BIN_SAMPLES: usize = 20;
const MIN_BIN_FRACTION: f32 = 0.02;
/// Clamp on the per-direction edge spread σ, in analysis pixels.
const MIN_SPREAD: f32 = 0.25;
const MAX_SPREAD: f32 = 10.0;
/// Gradient histogram resolution (grey levels per pixel per bin) and range.
const GRADIENT_BIN: f32 = 0.25;
const GRADIENT_BINS: usize = 1600;

/// Sharpness of the document (`DOC_BLURRY`). See the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Sharpness {
    /// `1 / edge spread` (analysis pixels) in the blurriest direction:
    /// higher is sharper; 0 when the document has no measurable edge.
    pub score: f32,
    /// Directional blur: 0 (isotropic) to 1 (all blur along one direction).
    pub motion_anisotropy: f32,
    /// Direction of the strongest blur, degrees in `[0, 180)`,
    /// counter-clockwise from horizontal (y up); meaningless when the
    /// anisotropy is near 0.
    pub motion_direction_deg: f32,
    /// Fraction of analysis pixels used as edge samples (a reliability
    /// hint: a nearly blank document has few).
    pub edge_fraction: f32,
}

/// Measures sharpness on the analysis image.
#[must_use]
pub fn sharpness(image: &AnalysisImage) -> Sharpness {
    let (width, height) = (image.width(), image.height());
    if width < 5 || height < 5 {
        return Sharpness::default();
    }
    let luma = image.luma();
    let reblurred = gaussian_blur(luma, width, height, REBLUR_SIGMA);
    let coarse = sobel_magnitude(&reblurred, width, height);
    let fine = sobel_magnitude(luma, width, height);
    let (mut bins, samples) = edge_samples(&fine, &reblurred, &coarse, width, height);
    let spreads = directional_spreads(&mut bins, samples);
    let fit = fit_directional(&spreads);
    let worst = (fit.log_mean + fit.log_amplitude)
        .exp()
        .clamp(MIN_SPREAD * MIN_SPREAD, MAX_SPREAD * MAX_SPREAD);
    Sharpness {
        score: if spreads.is_empty() { 0.0 } else { 1.0 / worst.sqrt() },
        motion_anisotropy: fit.log_amplitude.tanh().clamp(0.0, 1.0),
        motion_direction_deg: fit.direction_deg,
        edge_fraction: samples as f32 / (width * height) as f32,
    }
}

/// Edge samples `(r, weight g₂²)` binned by edge-normal orientation, and
/// their count.
fn edge_samples(
    fine: &[f32],
    reblurred: &[f32],
    coarse: &[f32],
    width: usize,
    height: usize,
) -> (Vec<Vec<(f32, f32)>>, usize) {
    let threshold = edge_threshold(coarse);
    let mut bins: Vec<Vec<(f32, f32)>> = vec![Vec::new(); ORIENTATION_BINS];
    let mut samples = 0usize;
    for y in 2..height.saturating_sub(2) {
        let row = coarse.get(y * width..(y + 1) * width).unwrap_or_default();
        for (x, &g2) in row.iter().enumerate().take(width.saturating_sub(2)).skip(2) {
            if g2 < threshold {
                continue;
            }
            let Some((ratio, angle)) = edge_sample(fine, reblurred, coarse, width, x, y) else {
                continue;
            };
            let bin = ((angle / 180.0 * ORIENTATION_BINS as f32) as usize).min(ORIENTATION_BINS - 1);
            if let Some(b) = bins.get_mut(bin) {
                b.push((ratio, g2 * g2));
                samples += 1;
            }
        }
    }
    (bins, samples)
}

fn edge_threshold(coarse: &[f32]) -> f32 {
    let mut counts = vec![0u32; GRADIENT_BINS];
    for &g in coarse {
        let bin = ((g / GRADIENT_BIN) as usize).min(GRADIENT_BINS - 1);
        if let Some(c) = counts.get_mut(bin) {
            *c += 1;
        }
    }
    (RELATIVE_EDGE_THRESHOLD * histogram_quantile(&counts, GRADIENT_BIN, 0.99)).max(MIN_EDGE_GRADIENT)
}

/// `(r, edge-normal angle in degrees)` when the strong-gradient pixel
/// `(x, y)` is a local maximum across its edge.
fn edge_sample(
    fine: &[f32],
    reblurred: &[f32],
    coarse: &[f32],
    width: usize,
    x: usize,
    y: usize,
) -> Option<(f32, f32)> {
    let at = |px: usize, py: usize| coarse.get(py * width + px).copied().unwrap_or(0.0);
    let g2 = at(x, y);
    let (gx, gy) = sobel(reblurred, width, x, y);
    // Non-maximum suppression along the gradient, quantised to 4 directions.
    let (ax, ay) = (gx.abs(), gy.abs());
    let (before, after) = if ax > 2.414 * ay {
        (at(x - 1, y), at(x + 1, y))
    } else if ay > 2.414 * ax {
        (at(x, y - 1), at(x, y + 1))
    } else if (gx > 0.0) == (gy > 0.0) {
        (at(x - 1, y - 1), at(x + 1, y + 1))
    } else {
        (at(x + 1, y - 1), at(x - 1, y + 1))
    };
    if g2 < before || g2 <= after {
        return None;
    }
    let mut fine_peak = 0.0f32;
    for py in y - 1..=y + 1 {
        for &g in fine.get(py * width + x - 1..py * width + x + 2).unwrap_or_default() {
            fine_peak = fine_peak.max(g);
        }
    }
    // y grows downwards in the image; angles are counter-clockwise with y up.
    let angle = orientation_deg(gx, -gy);
    Some((fine_peak / g2, angle))
}

/// Orientation of the vector `(x, y)` folded into `[0, 180)` degrees, by a
/// polynomial arctangent (error under 0.3°, far below the 15° bins).
fn orientation_deg(x: f32, y: f32) -> f32 {
    let (x, y) = if y < 0.0 { (-x, -y) } else { (x, y) };
    let (ax, ay) = (x.abs(), y);
    if ax == 0.0 && ay == 0.0 {
        return 0.0;
    }
    // atan(z) ≈ z·(π/4 + 0.273·(1 − z)) on [0, 1].
    let atan01 = |z: f32| z * (std::f32::consts::FRAC_PI_4 + 0.273 * (1.0 - z));
    let first_octant = if ay <= ax {
        atan01(ay / ax)
    } else {
        std::f32::consts::FRAC_PI_2 - atan01(ax / ay)
    };
    let angle = if x >= 0.0 {
        first_octant
    } else {
        std::f32::consts::PI - first_octant
    };
    (angle.to_degrees()).clamp(0.0, 179.999)
}

/// `(bin centre angle in degrees, σ²)` for every bin with enough samples.
fn directional_spreads(bins: &mut [Vec<(f32, f32)>], samples: usize) -> Vec<(f32, f32)> {
    let min_samples = MIN_BIN_SAMPLES.max((MIN_BIN_FRACTION * samples as f32).ceil() as usize);
    let bin_width = 180.0 / ORIENTATION_BINS as f32;
    let mut spreads = Vec::with_capacity(bins.len());
    for (i, ratios) in bins.iter_mut().enumerate() {
        if ratios.len() < min_samples {
            continue;
        }
        let Some(median) = weighted_median(ratios) else {
            continue;
        };
        let excess = median * median - 1.0;
        let variance = if excess > 0.0 {
            REBLUR_SIGMA * REBLUR_SIGMA / excess
        } else {
            f32::INFINITY
        };
        let variance = variance.clamp(MIN_SPREAD * MIN_SPREAD, MAX_SPREAD * MAX_SPREAD);
        spreads.push(((i as f32 + 0.5) * bin_width, variance));
    }
    spreads
}

/// Median of `(value, weight)` pairs by weight; sorts `pairs`.
fn weighted_median(pairs: &mut [(f32, f32)]) -> Option<f32> {
    pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let total: f32 = pairs.iter().map(|p| p.1).sum();
    let mut seen = 0.0f32;
    for &(value, weight) in pairs.iter() {
        seen += weight;
        if seen >= 0.5 * total {
            return Some(value);
        }
    }
    pairs.last().map(|p| p.0)
}

/// `ln σ²(θ) = log_mean + log_amplitude · cos 2(θ − direction)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct DirectionalFit {
    log_mean: f32,
    log_amplitude: f32,
    direction_deg: f32,
}

/// Least-squares fit of the second circular harmonic to `ln σ²` (the log
/// keeps one badly blurred bin from dominating the direction).
fn fit_directional(spreads: &[(f32, f32)]) -> DirectionalFit {
    if spreads.is_empty() {
        return DirectionalFit::default();
    }
    let log_mean = spreads.iter().map(|s| s.1.ln()).sum::<f32>() / spreads.len() as f32;
    let fallback = DirectionalFit {
        log_mean,
        log_amplitude: 0.0,
        direction_deg: 0.0,
    };
    if spreads.len() < 3 {
        return fallback;
    }
    // Normal equations of the 3-parameter least-squares fit, in f64.
    let mut ata = [[0.0f64; 3]; 3];
    let mut atb = [0.0f64; 3];
    for &(angle, variance) in spreads {
        let t = 2.0 * f64::from(angle).to_radians();
        let row = [1.0, t.cos(), t.sin()];
        for i in 0..3 {
            for j in 0..3 {
                ata[i][j] += row[i] * row[j];
            }
            atb[i] += row[i] * f64::from(variance).ln();
        }
    }
    let Some([m, a, b]) = solve3(ata, atb) else {
        return fallback;
    };
    let direction = (0.5 * b.atan2(a).to_degrees()).rem_euclid(180.0);
    DirectionalFit {
        log_mean: m as f32,
        log_amplitude: a.hypot(b) as f32,
        direction_deg: (direction as f32) % 180.0,
    }
}

/// Cramer's rule; `None` for a (nearly) singular system.
fn solve3(a: [[f64; 3]; 3], b: [f64; 3]) -> Option<[f64; 3]> {
    let det = |m: [[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(a);
    if d.abs() < 1e-9 {
        return None;
    }
    let mut out = [0.0; 3];
    for (col, o) in out.iter_mut().enumerate() {
        let mut m = a;
        for (row, value) in b.iter().enumerate() {
            m[row][col] = *value;
        }
        *o = det(m) / d;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn squares(blur: f32) -> Sharpness {
        // A grid of dark squares on a light ground: edges in x and y.
        let img = RgbImage::from_fn(640, 400, |x, y| {
            if (x / 64 + y / 64) % 2 == 0 {
                Rgb([40, 40, 40])
            } else {
                Rgb([220, 220, 220])
            }
        });
        let mut a = AnalysisImage::from_rgb(&img);
        if blur > 0.0 {
            a = a.map_planes(|p, w, h| gaussian_blur(p, w, h, blur));
        }
        sharpness(&a)
    }

    #[test]
    fn blur_lowers_the_score() {
        let sharp = squares(0.0);
        let soft = squares(1.0);
        let blurry = squares(2.5);
        assert!(
            sharp.score > soft.score && soft.score > blurry.score,
            "{sharp:?} {soft:?} {blurry:?}"
        );
        assert!(sharp.score > 0.9, "{sharp:?}");
        // σ_total² ≈ σ_blur² + σ_sharp²
        let expected = 1.0 / (2.5f32 * 2.5 + 1.0 / (sharp.score * sharp.score)).sqrt();
        assert!(
            (blurry.score - expected).abs() < 0.25 * expected,
            "{blurry:?} vs {expected}"
        );
    }

    #[test]
    fn flat_or_tiny_images_score_zero() {
        let flat = AnalysisImage::from_rgb(&RgbImage::from_pixel(50, 50, Rgb([128, 128, 128])));
        assert_eq!(sharpness(&flat).score, 0.0);
        let empty = AnalysisImage::from_rgb(&RgbImage::new(0, 0));
        assert_eq!(sharpness(&empty), Sharpness::default());
    }

    #[test]
    fn orientation_matches_atan2() {
        for i in 0..720 {
            let t = (i as f32 * 0.5).to_radians();
            let (x, y) = (3.0 * t.cos(), 3.0 * t.sin());
            let mut exact = y.atan2(x).to_degrees().rem_euclid(180.0);
            let got = orientation_deg(x, y);
            if exact > 179.9 && got < 0.5 {
                exact -= 180.0;
            }
            assert!((got - exact).abs() < 0.3, "{x} {y}: {got} vs {exact}");
        }
        assert_eq!(orientation_deg(0.0, 0.0), 0.0);
    }

    #[test]
    fn fit_recovers_direction_and_amplitude() {
        let spreads: Vec<(f32, f32)> = (0..12)
            .map(|i| {
                let angle = 7.5 + 15.0 * i as f32;
                (angle, (0.5 + 0.8 * (2.0 * (angle - 60.0)).to_radians().cos()).exp())
            })
            .collect();
        let fit = fit_directional(&spreads);
        assert!(
            (fit.log_mean - 0.5).abs() < 1e-3 && (fit.log_amplitude - 0.8).abs() < 1e-3,
            "{fit:?}"
        );
        assert!((fit.direction_deg - 60.0).abs() < 0.1, "{fit:?}");
        assert!((fit_directional(&[(10.0, 3.0)]).log_mean - 3.0f32.ln()).abs() < 1e-6);
    }
}
