//! The analysis image: the document resampled once to a fixed pixel area, as
//! `f32` red, green, blue and luma planes shared by every measurement.
//!
//! Resampling to a fixed area (rather than measuring at the input's own
//! resolution) is what makes the scores scale-normalised: a blur of 2 px
//! means the same thing whether the crop arrived 600 or 1000 px wide.
//! Downscaling is an exact area (box) average, so every input pixel counts
//! with the fraction of its area inside the output pixel; upscaling is
//! bilinear, so it adds no blocky edges that would read as sharpness, and
//! at most 4× ([`MAX_UPSCALE`]). A caller that made the document at its
//! [`analysis_size`] already (the precheck rectifies it straight to that size
//! when it is not much larger) converts it with
//! [`AnalysisImage::from_rgb_at_analysis_size`], without a second resampling.

use image::RgbImage;

/// Pixel area of the analysis image: 256 000 px, i.e. 640 × 400 for a
/// landscape ID-1 card (aspect 1.6), whatever the input's size.
pub const ANALYSIS_AREA: u32 = 256_000;

/// Largest enlargement: a tiny input (under about 160 × 100 px) is measured
/// at 4× its size rather than at the full analysis area, since enlarging it
/// further adds no information, only work.
pub const MAX_UPSCALE: f64 = 4.0;

/// Longest side of the analysis image, so that a degenerate aspect ratio
/// (say 1 × 1 000 000) still gives bounded work.
pub const MAX_ANALYSIS_SIDE: u32 = 4096;

/// BT.601 luma weights, the same as JPEG's: Y = 0.299 R + 0.587 G + 0.114 B.
pub(crate) const LUMA_WEIGHTS: [f32; 3] = [0.299, 0.587, 0.114];

/// The document resampled to [`ANALYSIS_AREA`] pixels, as planes of `f32`
/// grey levels (0–255) in row-major order.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisImage {
    width: usize,
    height: usize,
    scale: f32,
    red: Vec<f32>,
    green: Vec<f32>,
    blue: Vec<f32>,
    luma: Vec<f32>,
}

impl AnalysisImage {
    /// Resamples `document` to the analysis area (keeping its aspect ratio)
    /// and computes luma. An empty input (0 × N) gives an empty image.
    #[must_use]
    pub fn from_rgb(document: &RgbImage) -> Self {
        let (in_w, in_h) = document.dimensions();
        let Some((width, height)) = analysis_size(in_w, in_h) else {
            return Self::empty();
        };
        let (red, green, blue) = resample(document, width, height);
        match Self::from_planes(width as usize, height as usize, red, green, blue) {
            Some(image) => Self {
                scale: width as f32 / in_w as f32,
                ..image
            },
            None => Self::empty(),
        }
    }

    /// Converts `document`, which is already at its analysis size (made at
    /// [`analysis_size`] by the caller, e.g. rectified straight to it),
    /// without resampling; `scale` is what [`AnalysisImage::scale`] reports
    /// (analysis pixels per pixel of the caller's source). A document of
    /// another size is converted as it is, so the work stays bounded by its
    /// own size.
    #[must_use]
    pub fn from_rgb_at_analysis_size(document: &RgbImage, scale: f32) -> Self {
        let (width, height) = (document.width() as usize, document.height() as usize);
        let area = width * height;
        if area == 0 {
            return Self::empty();
        }
        let (mut red, mut green, mut blue, mut luma) =
            (vec![0.0; area], vec![0.0; area], vec![0.0; area], vec![0.0; area]);
        let planes = red.iter_mut().zip(&mut green).zip(&mut blue).zip(&mut luma);
        for ((((r, g), b), y), px) in planes.zip(document.as_raw().chunks_exact(3)) {
            (*r, *g, *b) = (f32::from(px[0]), f32::from(px[1]), f32::from(px[2]));
            *y = LUMA_WEIGHTS[0] * *r + LUMA_WEIGHTS[1] * *g + LUMA_WEIGHTS[2] * *b;
        }
        Self {
            width,
            height,
            scale: if scale.is_finite() { scale.max(0.0) } else { 0.0 },
            red,
            green,
            blue,
            luma,
        }
    }

    /// Builds an analysis image from planes that are already at analysis
    /// scale (tests and internal transforms); `None` when the sizes disagree.
    pub(crate) fn from_planes(
        width: usize,
        height: usize,
        red: Vec<f32>,
        green: Vec<f32>,
        blue: Vec<f32>,
    ) -> Option<Self> {
        let area = width.checked_mul(height)?;
        if red.len() != area || green.len() != area || blue.len() != area {
            return None;
        }
        let luma = red
            .iter()
            .zip(&green)
            .zip(&blue)
            .map(|((r, g), b)| LUMA_WEIGHTS[0] * r + LUMA_WEIGHTS[1] * g + LUMA_WEIGHTS[2] * b)
            .collect();
        Some(Self {
            width,
            height,
            scale: 1.0,
            red,
            green,
            blue,
            luma,
        })
    }

    /// Applies `f(plane, width, height)` to each colour plane (tests).
    #[cfg(test)]
    pub(crate) fn map_planes(&self, f: impl Fn(&[f32], usize, usize) -> Vec<f32>) -> Self {
        let (w, h) = (self.width, self.height);
        let mapped = Self::from_planes(w, h, f(&self.red, w, h), f(&self.green, w, h), f(&self.blue, w, h));
        mapped.unwrap_or_else(Self::empty)
    }

    fn empty() -> Self {
        Self {
            width: 0,
            height: 0,
            scale: 0.0,
            red: Vec::new(),
            green: Vec::new(),
            blue: Vec::new(),
            luma: Vec::new(),
        }
    }

    /// Width in analysis pixels.
    #[must_use]
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in analysis pixels.
    #[must_use]
    pub fn height(&self) -> usize {
        self.height
    }

    /// Analysis pixels per input pixel (0 for an empty input).
    #[must_use]
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// True when there are no pixels to measure.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.luma.is_empty()
    }

    /// Number of analysis pixels.
    #[must_use]
    pub fn area(&self) -> usize {
        self.luma.len()
    }

    /// Red plane, row-major.
    #[must_use]
    pub fn red(&self) -> &[f32] {
        &self.red
    }

    /// Green plane, row-major.
    #[must_use]
    pub fn green(&self) -> &[f32] {
        &self.green
    }

    /// Blue plane, row-major.
    #[must_use]
    pub fn blue(&self) -> &[f32] {
        &self.blue
    }

    /// BT.601 luma plane, row-major.
    #[must_use]
    pub fn luma(&self) -> &[f32] {
        &self.luma
    }
}

/// Size of the analysis image for an input of `in_w` × `in_h` (the area
/// [`ANALYSIS_AREA`], the input's aspect ratio, at most [`MAX_UPSCALE`] ×
/// the input and [`MAX_ANALYSIS_SIDE`] per side), or `None` when the input
/// has no pixels.
#[must_use]
pub fn analysis_size(in_w: u32, in_h: u32) -> Option<(u32, u32)> {
    if in_w == 0 || in_h == 0 {
        return None;
    }
    let scale = (f64::from(ANALYSIS_AREA) / (f64::from(in_w) * f64::from(in_h)))
        .sqrt()
        .min(MAX_UPSCALE);
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, MAX_ANALYSIS_SIDE);
    Some((side(in_w), side(in_h)))
}

/// Resampling weights for one axis: output pixel `i` is the weighted sum of
/// source pixels `start[i] ..` with weights `weights[offset[i] .. offset[i + 1]]`.
struct Taps {
    start: Vec<usize>,
    offset: Vec<usize>,
    weights: Vec<f32>,
}

impl Taps {
    fn new(src_len: usize, dst_len: usize) -> Self {
        let mut taps = Self {
            start: Vec::with_capacity(dst_len),
            offset: Vec::with_capacity(dst_len + 1),
            weights: Vec::new(),
        };
        taps.offset.push(0);
        if src_len == 0 || dst_len == 0 {
            return taps;
        }
        let scale = dst_len as f64 / src_len as f64;
        for i in 0..dst_len {
            let first = taps.weights.len();
            let start = if scale < 1.0 {
                taps.push_box(i, scale, src_len)
            } else {
                taps.push_linear(i, scale, src_len)
            };
            normalise(taps.weights.get_mut(first..).unwrap_or_default());
            taps.start.push(start);
            taps.offset.push(taps.weights.len());
        }
        taps
    }

    /// Area average: the source interval `[i / scale, (i + 1) / scale)`.
    fn push_box(&mut self, i: usize, scale: f64, src_len: usize) -> usize {
        let from = i as f64 / scale;
        let to = ((i + 1) as f64 / scale).min(src_len as f64);
        let first = (from.floor() as usize).min(src_len - 1);
        let last = ((to.ceil() as usize).max(first + 1)).min(src_len);
        for j in first..last {
            let overlap = (to.min((j + 1) as f64) - from.max(j as f64)).max(0.0);
            self.weights.push(overlap as f32);
        }
        first
    }

    /// Bilinear: pixel centres at `(i + 0.5) / scale - 0.5`, clamped.
    fn push_linear(&mut self, i: usize, scale: f64, src_len: usize) -> usize {
        let centre = ((i as f64 + 0.5) / scale - 0.5).clamp(0.0, (src_len - 1) as f64);
        let first = centre.floor() as usize;
        let frac = (centre - first as f64) as f32;
        self.weights.push(1.0 - frac);
        if first + 1 < src_len {
            self.weights.push(frac);
        }
        first
    }

    fn get(&self, i: usize) -> (usize, &[f32]) {
        let start = self.start.get(i).copied().unwrap_or(0);
        let from = self.offset.get(i).copied().unwrap_or(0);
        let to = self.offset.get(i + 1).copied().unwrap_or(from);
        (start, self.weights.get(from..to).unwrap_or_default())
    }

    /// `(first source index, weights)` of every output pixel in order.
    fn iter(&self) -> impl Iterator<Item = (usize, &[f32])> {
        self.start
            .iter()
            .zip(self.offset.windows(2))
            .map(|(&start, range)| (start, self.weights.get(range[0]..range[1]).unwrap_or_default()))
    }
}

fn normalise(weights: &mut [f32]) {
    let sum: f32 = weights.iter().sum();
    if sum > 0.0 {
        weights.iter_mut().for_each(|w| *w /= sum);
    }
}

/// Separable resampling, streamed by output row so that memory is one input
/// row of accumulators rather than a whole intermediate image.
fn resample(document: &RgbImage, width: u32, height: u32) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let (in_w, in_h) = (document.width() as usize, document.height() as usize);
    let (out_w, out_h) = (width as usize, height as usize);
    let columns = PaddedTaps::new(&Taps::new(in_w, out_w));
    let rows = Taps::new(in_h, out_h);
    let raw = document.as_raw();
    let row_len = in_w * 3;
    // Padded with zeros so that every column reads a full `stride` of taps.
    let mut acc = vec![0.0f32; row_len + columns.stride * 3];
    let (mut red, mut green, mut blue) = (
        vec![0.0f32; out_w * out_h],
        vec![0.0f32; out_w * out_h],
        vec![0.0f32; out_w * out_h],
    );
    let out_rows = red
        .chunks_exact_mut(out_w)
        .zip(green.chunks_exact_mut(out_w))
        .zip(blue.chunks_exact_mut(out_w));
    for (y, ((red_row, green_row), blue_row)) in out_rows.enumerate() {
        let (first_row, row_weights) = rows.get(y);
        let Some(acc_row) = acc.get_mut(..row_len) else { break };
        acc_row.fill(0.0);
        for (k, &w) in row_weights.iter().enumerate() {
            let start = (first_row + k) * row_len;
            let Some(src) = raw.get(start..start + row_len) else {
                continue;
            };
            for (a, &p) in acc_row.iter_mut().zip(src) {
                *a += w * f32::from(p);
            }
        }
        let outputs = red_row.iter_mut().zip(green_row.iter_mut()).zip(blue_row.iter_mut());
        let taps = columns.start.iter().zip(columns.weights.chunks_exact(columns.stride));
        for (((r, g), b), (&first_col, weights)) in outputs.zip(taps) {
            let src = acc
                .get(first_col * 3..(first_col + columns.stride) * 3)
                .unwrap_or_default();
            let (mut sr, mut sg, mut sb) = (0.0f32, 0.0f32, 0.0f32);
            for (px, &w) in src.chunks_exact(3).zip(weights) {
                sr += w * px[0];
                sg += w * px[1];
                sb += w * px[2];
            }
            (*r, *g, *b) = (sr, sg, sb);
        }
    }
    (red, green, blue)
}

/// [`Taps`] with every output's weights padded with zeros to one `stride`,
/// so that the inner loop has a fixed length and no per-pixel lookups.
struct PaddedTaps {
    stride: usize,
    start: Vec<usize>,
    weights: Vec<f32>,
}

impl PaddedTaps {
    fn new(taps: &Taps) -> Self {
        let stride = taps.iter().map(|(_, w)| w.len()).max().unwrap_or(1).max(1);
        let mut padded = Self {
            stride,
            start: Vec::new(),
            weights: Vec::new(),
        };
        for (start, weights) in taps.iter() {
            padded.start.push(start);
            padded.weights.extend_from_slice(weights);
            padded.weights.extend(std::iter::repeat_n(0.0, stride - weights.len()));
        }
        padded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn analysis_size_keeps_area_and_aspect() {
        assert_eq!(analysis_size(0, 10), None);
        assert_eq!(analysis_size(10, 0), None);
        let (w, h) = analysis_size(1000, 625).unwrap();
        assert_eq!((w, h), (640, 400));
        let (w, h) = analysis_size(600, 375).unwrap();
        assert_eq!((w, h), (640, 400));
        let (w, h) = analysis_size(1, 1).unwrap();
        assert_eq!((w, h), (4, 4));
        let (w, h) = analysis_size(200, 100).unwrap();
        assert_eq!((w, h), (716, 358));
        let (w, h) = analysis_size(100, 100).unwrap();
        assert_eq!((w, h), (400, 400));
        let (w, h) = analysis_size(1, u32::MAX).unwrap();
        assert_eq!((w, h), (1, MAX_ANALYSIS_SIDE));
        let (w, h) = analysis_size(u32::MAX, u32::MAX).unwrap();
        assert_eq!((w, h), (506, 506));
    }

    #[test]
    fn constant_image_stays_constant_when_scaling_either_way() {
        for (w, h) in [(1, 1), (3, 7), (1000, 630), (333, 211)] {
            let img = RgbImage::from_pixel(w, h, Rgb([200, 100, 50]));
            let a = AnalysisImage::from_rgb(&img);
            assert!(a.red().iter().all(|v| (v - 200.0).abs() < 1e-3), "{w}x{h}");
            assert!(a.green().iter().all(|v| (v - 100.0).abs() < 1e-3));
            assert!(a.blue().iter().all(|v| (v - 50.0).abs() < 1e-3));
            let y = 0.299 * 200.0 + 0.587 * 100.0 + 0.114 * 50.0;
            assert!(a.luma().iter().all(|v| (v - y).abs() < 1e-2));
        }
    }

    #[test]
    fn box_downscale_averages_areas() {
        // 1280 × 800 with alternating black/white columns: every analysis
        // pixel covers exactly two columns, so all read mid-grey.
        let img = RgbImage::from_fn(1280, 800, |x, _| {
            if x % 2 == 0 {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let a = AnalysisImage::from_rgb(&img);
        assert_eq!((a.width(), a.height()), (640, 400));
        assert!(a.luma().iter().all(|v| (v - 127.5).abs() < 0.01));
        assert!((a.scale() - 0.5).abs() < 1e-6);
    }

    #[test]
    fn upscale_is_bilinear_not_blocky() {
        let img = RgbImage::from_fn(
            100,
            50,
            |x, _| if x < 50 { Rgb([0, 0, 0]) } else { Rgb([255, 255, 255]) },
        );
        let a = AnalysisImage::from_rgb(&img);
        assert_eq!(a.width(), 400);
        let row = &a.luma()[..a.width()];
        assert!(row.windows(2).all(|p| p[1] >= p[0] - 1e-3), "monotone ramp");
        let distinct = row.windows(2).filter(|p| (p[1] - p[0]).abs() > 1e-3).count();
        assert!(
            (3..=5).contains(&distinct),
            "a ramp over one source pixel, not one step: {distinct}"
        );
    }

    #[test]
    fn input_at_analysis_size_is_converted_without_resampling() {
        let img = RgbImage::from_fn(640, 400, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 251) as u8])
        });
        let direct = AnalysisImage::from_rgb_at_analysis_size(&img, 0.75);
        assert_eq!((direct.width(), direct.height(), direct.scale()), (640, 400, 0.75));
        for (i, px) in img.pixels().enumerate() {
            assert_eq!(direct.red()[i], f32::from(px[0]));
            assert_eq!(direct.green()[i], f32::from(px[1]));
            assert_eq!(direct.blue()[i], f32::from(px[2]));
        }
        // The same planes as resampling an image that is at the analysis size already.
        let resampled = AnalysisImage::from_rgb(&img);
        assert_eq!(direct.luma(), resampled.luma());
        assert!(AnalysisImage::from_rgb_at_analysis_size(&RgbImage::new(0, 5), 1.0).is_empty());
        assert_eq!(AnalysisImage::from_rgb_at_analysis_size(&img, f32::NAN).scale(), 0.0);
    }

    #[test]
    fn taps_sum_to_one() {
        for (src, dst) in [(1, 1), (1, 9), (9, 1), (1000, 640), (640, 1000), (7, 3)] {
            let t = Taps::new(src, dst);
            for i in 0..dst {
                let (start, w) = t.get(i);
                assert!(start + w.len() <= src);
                assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{src}->{dst} at {i}");
            }
        }
    }
}
