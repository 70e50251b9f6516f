//! Capture-quality **measurements** on a document image: sharpness (and
//! motion blur), glare, exposure, screen-photo moiré and noise. Pure pixel
//! arithmetic with no thresholds: each measurement is a monotonic score that
//! `openkyc-precheck` compares with a configured limit.
//!
//! # Pipeline
//! The input is the document region as an [`image::RgbImage`] (normally the
//! rectified crop; sometimes a whole photo). [`measure`] converts it once
//! into an [`AnalysisImage`]: the document resampled (area average when
//! shrinking, bilinear and at most 4× when enlarging) to [`ANALYSIS_AREA`] =
//! 256 000 pixels, keeping its aspect ratio (640 × 400 for an ID-1 card), as
//! `f32` R, G, B and BT.601 luma planes. A caller that can produce the
//! document at that size directly (the precheck rectifies it straight to
//! [`analysis_size`] when the document is 1–1.3 × as wide as that)
//! passes it to [`measure_at_analysis_size`], which converts it without
//! resampling again. Every measurement except noise reads those planes, so
//! the scores do not depend on the input's resolution, and no conversion is
//! done twice.
//!
//! # Measurements (algorithms and parameters in each module's docs)
//! * [`Sharpness`] (`DOC_BLURRY`, module [`mod@sharpness`]): at strong,
//!   non-maximum-suppressed edges, the ratio of the gradient before and
//!   after a known σ = 2 px re-blur gives each edge's spread σ (Hu & de Haan
//!   2006); per-orientation weighted medians (12 bins) are fitted with
//!   `ln σ²(θ) = m + A·cos 2(θ − φ)`: `score = 1/σ` in the blurriest
//!   direction (higher = sharper), `motion_anisotropy = tanh A`,
//!   `motion_direction_deg = φ`. Contrast- and exposure-invariant by
//!   construction (a ratio of two gradients of the same edge).
//! * [`Glare`] (`DOC_GLARE`, module [`mod@glare`]): near-saturated
//!   (max(R,G,B) ≥ 245), nearly neutral (max − min ≤ 40) pixels at least 15
//!   levels brighter than the local paper level (medians of 16-px blocks'
//!   80th percentiles, bright blocks excluded; none at all when most of the
//!   document is bright, i.e. white or overexposed), grouped into
//!   8-connected blobs of ≥ 0.02 % of the area; blobs less than half
//!   clipped (`min(R,G,B) ≥ 250`: a highlight clips, paper does not) are
//!   dropped, and blobs whose surroundings do not keep falling away from
//!   them (a sharp edge: white print) are reported apart. Fraction, largest
//!   blob, 3 × 3 grid location, box.
//! * [`Exposure`] (`DOC_TOO_DARK`, `DOC_OVEREXPOSED`, module
//!   [`mod@exposure`]): luma mean, 5th/50th/95th percentiles, clipped
//!   fractions (≤ 8, ≥ 250) and contrast `(p95 − p05)/255`.
//! * [`ScreenPattern`] (`DOC_SCREEN_PHOTO`, module [`mod@screen`]): Welch
//!   spectra over Hann-windowed 256² tiles: the prominence of isolated luma
//!   peaks, and the share of chroma power in a one-sided (hue-rotating)
//!   peak of the complex chroma `(B − Y) + i(R − Y)`, which display
//!   sub-pixels and their rainbow moiré make and printed inks (guilloche,
//!   halftone screens) cannot.
//! * [`Noise`] (module [`mod@noise`]): robust Immerkær noise σ (median of a
//!   Laplacian-difference operator's response), on up to 64 sampled row
//!   triples of the input's own pixels (resampling would blur it by
//!   scale-dependent amounts).
//!
//! # Guarantees
//! Every function accepts any image, including 0 × 0 and 1 × 1, returns
//! finite numbers and does work bounded by the input's size plus the fixed
//! analysis area. No clock, no randomness, no global state: the same pixels
//! always give the same result.

pub mod analysis;
pub mod exposure;
mod filters;
pub mod glare;
pub mod noise;
pub mod screen;
pub mod sharpness;

pub use analysis::{analysis_size, AnalysisImage, ANALYSIS_AREA, MAX_ANALYSIS_SIDE, MAX_UPSCALE};
pub use exposure::{exposure, Exposure, CLIPPED_BRIGHT_MIN, CLIPPED_DARK_MAX};
pub use glare::{glare, Glare, GlareRegion, RelativeBox};
pub use noise::{noise, Noise};
pub use screen::{screen_pattern, screen_pattern_native, ScreenPattern};
pub use sharpness::{sharpness, Sharpness};

use image::RgbImage;
use serde::Serialize;

/// Every measurement of one document image.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Measurements {
    /// Width and height of the analysis image the measurements were made on.
    pub analysis_size: [u32; 2],
    /// Sharpness and motion blur.
    pub sharpness: Sharpness,
    /// Specular glare.
    pub glare: Glare,
    /// Luminance statistics.
    pub exposure: Exposure,
    /// Screen-photo signs.
    pub screen: ScreenPattern,
    /// Sensor noise (on the input's own pixels).
    pub noise: Noise,
}

/// Measures everything on one document image, converting it once.
///
/// ```
/// use image::{Rgb, RgbImage};
/// // A blank light card: nothing washed out, nothing to judge sharpness by.
/// let card = RgbImage::from_pixel(856, 540, Rgb([230, 228, 220]));
/// let m = openkyc_quality::measure(&card);
/// assert_eq!(m.analysis_size, [637, 402]);
/// assert_eq!((m.glare.fraction, m.sharpness.score), (0.0, 0.0));
/// assert!((m.exposure.mean - 228.0).abs() < 1.0 && m.screen.score < 0.01);
/// ```
#[must_use]
pub fn measure(document: &RgbImage) -> Measurements {
    let image = AnalysisImage::from_rgb(document);
    let screen = screen_pattern(&image);
    measure_converted(document, &image, screen)
}

/// Every measurement but the screen pattern on `image` (the analysis image of `document`).
fn measure_converted(document: &RgbImage, image: &AnalysisImage, screen: ScreenPattern) -> Measurements {
    Measurements {
        analysis_size: [
            u32::try_from(image.width()).unwrap_or(0),
            u32::try_from(image.height()).unwrap_or(0),
        ],
        sharpness: sharpness(image),
        glare: glare(image),
        exposure: exposure(image),
        screen,
        noise: noise(document),
    }
}

/// Sharpness alone (converts the image; use [`measure`] for several).
#[must_use]
pub fn measure_sharpness(document: &RgbImage) -> Sharpness {
    sharpness(&AnalysisImage::from_rgb(document))
}

/// Glare alone (converts the image; use [`measure`] for several).
#[must_use]
pub fn measure_glare(document: &RgbImage) -> Glare {
    glare(&AnalysisImage::from_rgb(document))
}

/// Exposure alone, e.g. of a whole photo where no document was found.
#[must_use]
pub fn measure_exposure(document: &RgbImage) -> Exposure {
    exposure(&AnalysisImage::from_rgb(document))
}

/// Screen-photo signs alone (converts the image; use [`measure`] for several).
#[must_use]
pub fn measure_screen_pattern(document: &RgbImage) -> ScreenPattern {
    screen_pattern(&AnalysisImage::from_rgb(document))
}

/// Screen-photo signs on a patch at its own resolution (no resampling): the way to measure
/// them on a photo, whose display-pixel grid a resampled copy would average away. Give it
/// the highest-resolution pixels at hand, e.g. the intake's detail patch.
#[must_use]
pub fn measure_screen_pattern_native(patch: &RgbImage) -> ScreenPattern {
    screen_pattern_native(patch)
}

/// [`measure`] without the screen-photo measurement, which the caller made
/// already (see [`measure_screen_pattern_native`]) and passes in.
#[must_use]
pub fn measure_with_screen(document: &RgbImage, screen: ScreenPattern) -> Measurements {
    measure_converted(document, &AnalysisImage::from_rgb(document), screen)
}

/// [`measure_with_screen`] for a document image made at its
/// [`analysis_size`] already (e.g. rectified straight to it, see
/// [`AnalysisImage::from_rgb_at_analysis_size`] for `scale`): it is
/// converted without a second resampling, and noise is read on these pixels.
#[must_use]
pub fn measure_at_analysis_size(document: &RgbImage, scale: f32, screen: ScreenPattern) -> Measurements {
    let image = AnalysisImage::from_rgb_at_analysis_size(document, scale);
    measure_converted(document, &image, screen)
}
