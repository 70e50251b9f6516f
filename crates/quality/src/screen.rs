//! Screen photo: the moiré and pixel-grid texture of a document shown on a
//! display and photographed.
//!
//! # Algorithm
//! Measured on pixels that were never resampled: [`screen_pattern_native`]
//! on the intake's detail patch (the centre of the photo at full size). A
//! display's pixel pitch is a few camera pixels, and any
//! downscale averages it away ([`screen_pattern`] on the analysis image
//! remains for callers that only have that).
//!
//! Spectra over tiles of 128 × 128 (or the largest power of two that fits,
//! at least 32), `⌈w/128⌉ × ⌈h/128⌉` of them (at most 4 × 4) spread evenly
//! over the image, each with a 2-D Hann window and its window-weighted mean
//! removed so that nothing sits at DC. Small tiles, many of them: the
//! per-tile figure below is a median, which wants many tiles, and the
//! display's pattern is fine enough for 128 bins. Two luma tiles share one
//! complex FFT. Two spectra:
//!
//! * **luma** `P(k)` (summed over the tiles), ignoring frequencies within 4
//!   bins of DC (periods over 32 px: illumination, layout): `peak_ratio` is the largest *isolated*
//!   spectral peak: over local maxima of the 3 × 3-summed spectrum `P₃`, the largest
//!   `P₃(k) / max P₃(k + 4·d)` over the 8 directions `d` (axes and
//!   diagonals). A ridge (text lines, the MRZ's character pitch, the
//!   strokes' own orientations) has neighbours along itself and reads about
//!   1; a lattice of display pixels reads tens to thousands. A card's
//!   guilloche is periodic too, so this figure alone does not separate
//!   screens from print.
//! * **chroma**, as one complex signal `z = (B − Y) + i·(R − Y)`: `C(k)`.
//!   A colour of fixed hue modulated by any real pattern (ink, guilloche,
//!   halftone screens, a photo's colour edges) has `z = h·s(x)` with `h`
//!   constant, hence `|Z(k)| = |Z(−k)|`. A display's R, G, B sub-pixel
//!   stripes, and the rainbow moiré they alias into, *rotate* the hue as
//!   they go (red → green → blue → red), putting energy at `+k` only.
//!   `chroma_banding` is the strongest such one-sided peak,
//!   `max_k (C₃(k) − C₃(−k))`, as a fraction of the chroma power in the
//!   band (plus a floor equal to a 2-grey-level chroma ripple, so that the
//!   chance imbalance of a grey document's noise and JPEG rounding cannot
//!   dominate), computed per tile: the figure is the lower median over the
//!   tiles, because a display's pattern covers the whole screen while a
//!   hue-rotating detail of print (lateral chromatic aberration on fine
//!   periodic print, a hologram) sits in a few of them. In `[0, 1]`. The
//!   band starts 8 bins from DC (periods under 16 px): slower hue changes
//!   are the card's colour layout and iris printing, which turn the hue too.
//!
//! `score = chroma_banding · (1 + log10 peak_ratio)`: the hue-rotating peak
//! is the evidence (print gives about 0), the luma peak's prominence
//! amplifies it when the display grid is visible too. Measured with
//! [`screen_pattern_native`] on the precheck's detail patch (seeds 1 and 7 of
//! `openkyc-synth`, 80 clean photos and 40 screen photos each): clean photos
//! at most 0.06; screen photos mostly 0.3–2.6 (lowest 0.08) when a display
//! pixel spans at least 3/4 of a camera pixel, lower (down to 0.02) for
//! finer pitches, whose grid the sensor averages away; the 31 real specimen scans of the shared
//! fixtures (small web images with colourful security print) at most 0.18.
//!
//! Known confounders: holographic overlays (rainbow diffraction) and strong
//! lateral chromatic aberration on periodic print such as the MRZ.

use crate::analysis::{AnalysisImage, LUMA_WEIGHTS};
use image::RgbImage;
use rustfft::num_complex::Complex32;
use rustfft::{Fft, FftPlanner};
use serde::Serialize;
use std::sync::Arc;

/// Largest tile side; smaller images use the largest power of two that fits.
const MAX_TILE: usize = 128;
const MIN_TILE: usize = 32;
/// At most this many tiles along each axis.
const MAX_TILES_PER_AXIS: usize = 4;
/// Luma frequencies within this many bins of DC are ignored (for a 128
/// tile: periods over 32 px, the illumination and the document's layout).
const LUMA_CORE_RADIUS: f32 = 4.0;
/// Chroma frequencies within this many bins of DC are ignored (for a 128
/// tile: periods over 16 px): a card's colour layout, and iris (rainbow) printing, whose hue
/// turns slowly across the card, live there.
const CHROMA_CORE_RADIUS: f32 = 8.0;
/// Distance, in bins, of the ring that tests a peak's isolation.
const RING: i64 = 4;
/// Chroma ripple (grey levels, RMS, per tile) below which chroma is treated
/// as noise.
const CHROMA_FLOOR: f32 = 2.0;

/// Signs of a photographed display (`DOC_SCREEN_PHOTO`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct ScreenPattern {
    /// Prominence of the strongest isolated luma spectral peak over its
    /// surroundings (≥ 1 when measured; about 1–3 for print without
    /// periodic texture). 0 when the image is too small to measure.
    pub peak_ratio: f32,
    /// Fraction of the chroma band's power in the strongest hue-rotating
    /// (one-sided) spectral peak, `[0, 1]`.
    pub chroma_banding: f32,
    /// Combined indicator, `chroma_banding · (1 + log10 peak_ratio)`, about
    /// 0–5: higher is more screen-like.
    pub score: f32,
}

/// Measures screen-photo signs on the analysis image.
#[must_use]
pub fn screen_pattern(image: &AnalysisImage) -> ScreenPattern {
    measure(Source::Planes(image))
}

/// Measures screen-photo signs on an image at its own resolution, without
/// resampling it (which would average a display's pixel grid away). At most
/// 4 × 4 tiles are read, so the work is bounded whatever the size.
#[must_use]
pub fn screen_pattern_native(image: &RgbImage) -> ScreenPattern {
    measure(Source::Rgb(image))
}

fn measure(source: Source<'_>) -> ScreenPattern {
    let Some(layout) = TileLayout::new(source.width(), source.height()) else {
        return ScreenPattern::default();
    };
    let spectra = Spectra::accumulate(source, &layout);
    let peak_ratio = isolated_peak_ratio(&spectra.luma, layout.tile);
    let mut per_tile = spectra.chroma_banding;
    per_tile.sort_by(f32::total_cmp);
    // The lower median: a display's pattern covers the whole screen, while a
    // hue-rotating detail of print (lateral chromatic aberration on fine
    // periodic print, a hologram) sits in a few tiles.
    let chroma_banding = per_tile
        .get(per_tile.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0.0);
    let score = chroma_banding * (1.0 + peak_ratio.max(1.0).log10());
    ScreenPattern {
        peak_ratio,
        chroma_banding,
        score,
    }
}

/// Where the tiles go.
struct TileLayout {
    tile: usize,
    xs: Vec<usize>,
    ys: Vec<usize>,
}

impl TileLayout {
    fn new(width: usize, height: usize) -> Option<Self> {
        let fit = width.min(height).min(MAX_TILE);
        if fit < MIN_TILE {
            return None;
        }
        // Largest power of two not above `fit`.
        let tile = 1usize << (usize::BITS - 1 - fit.leading_zeros());
        Some(Self {
            tile,
            xs: positions(width, tile),
            ys: positions(height, tile),
        })
    }

    fn tiles(&self) -> usize {
        self.xs.len() * self.ys.len()
    }
}

/// Evenly spread tile origins covering `len` (overlapping where needed).
fn positions(len: usize, tile: usize) -> Vec<usize> {
    let count = len.div_ceil(tile).clamp(1, MAX_TILES_PER_AXIS);
    let span = len.saturating_sub(tile);
    if count == 1 {
        return vec![span / 2];
    }
    (0..count).map(|i| (i * span + (count - 1) / 2) / (count - 1)).collect()
}

/// Welch-averaged (summed) power spectra, indexed `[a · T + b]` with `a`, `b`
/// the two frequency indices (the layout's transpose does not matter: every
/// operation below is symmetric in the axes).
struct Spectra {
    luma: Vec<f32>,
    /// Each tile's one-sided chroma peak fraction (see [`one_sided_peak_fraction`]).
    chroma_banding: Vec<f32>,
}

impl Spectra {
    fn accumulate(source: Source<'_>, layout: &TileLayout) -> Self {
        let t = layout.tile;
        let window: Vec<f32> = (0..t)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / t as f32).cos())
            .collect();
        let mut spectra = Self {
            luma: vec![0.0; t * t],
            chroma_banding: Vec::with_capacity(layout.tiles()),
        };
        let window_energy = window.iter().map(|w| w * w).sum::<f32>().powi(2);
        let origins: Vec<(usize, usize)> = layout
            .ys
            .iter()
            .flat_map(|&y0| layout.xs.iter().map(move |&x0| (x0, y0)))
            .collect();
        let tile = Tile {
            size: t,
            window: &window,
        };
        let band = Plane { t }.band_mask(CHROMA_CORE_RADIUS);
        let floor = chroma_floor(t, window_energy, CHROMA_FLOOR);
        let fft = FftPlanner::<f32>::new().plan_fft_forward(t);
        let (mut luma_work, mut chroma_work) = (FftWork::new(Arc::clone(&fft), t), FftWork::new(fft, t));
        let mut planes = TilePlanes::default();
        let mut scratch = OneSidedScratch::default();
        for (i, &origin) in origins.iter().enumerate() {
            source.read_tile(origin, t, &mut planes);
            // Chroma is one complex signal per tile: (B − Y) + i (R − Y).
            tile.fill(&mut chroma_work.buffer, &planes.blue_difference, false);
            tile.fill(&mut chroma_work.buffer, &planes.red_difference, true);
            chroma_work.transform();
            scratch.power.clear();
            scratch.power.extend(chroma_work.spectrum.iter().map(|z| z.norm_sqr()));
            spectra
                .chroma_banding
                .push(one_sided_peak_fraction(t, &band, floor, &mut scratch));
            // Luma is real, so two tiles share one complex FFT (one in the
            // real part, one in the imaginary part), separated afterwards.
            let imaginary = i % 2 == 1;
            if !imaginary {
                luma_work.buffer.fill(Complex32::default());
            }
            tile.fill(&mut luma_work.buffer, &planes.luma, imaginary);
            if imaginary || i + 1 == origins.len() {
                luma_work.transform();
                luma_work.split_real_pair_into(&mut spectra.luma);
            }
        }
        spectra
    }
}

/// Power that a chroma ripple of `rms` grey levels puts in one tile's
/// spectrum (Parseval: `T² · Σ w² · rms²`).
fn chroma_floor(t: usize, window_energy: f32, rms: f32) -> f32 {
    (t * t) as f32 * window_energy * rms * rms
}

/// Where the tiles' pixels come from: the analysis image's planes, or 8-bit
/// RGB read directly (no `f32` copy of a large image).
#[derive(Clone, Copy)]
enum Source<'a> {
    Planes(&'a AnalysisImage),
    Rgb(&'a RgbImage),
}

/// One tile's luma and colour differences, row-major, `t × t` each.
#[derive(Default)]
struct TilePlanes {
    luma: Vec<f32>,
    blue_difference: Vec<f32>,
    red_difference: Vec<f32>,
}

impl<'a> Source<'a> {
    fn width(&self) -> usize {
        match self {
            Source::Planes(image) => image.width(),
            Source::Rgb(image) => image.width() as usize,
        }
    }

    fn height(&self) -> usize {
        match self {
            Source::Planes(image) => image.height(),
            Source::Rgb(image) => image.height() as usize,
        }
    }

    /// Reads the `t × t` tile at `(x0, y0)` into `out` (zeros for any part
    /// outside the image, which the layout never asks for).
    fn read_tile(&self, (x0, y0): (usize, usize), t: usize, out: &mut TilePlanes) {
        for plane in [&mut out.luma, &mut out.blue_difference, &mut out.red_difference] {
            plane.clear();
            plane.resize(t * t, 0.0);
        }
        let width = self.width();
        let rows = out
            .luma
            .chunks_exact_mut(t)
            .zip(out.blue_difference.chunks_exact_mut(t))
            .zip(out.red_difference.chunks_exact_mut(t));
        for (y, ((luma_row, blue_row), red_row)) in (y0..).zip(rows) {
            let start = y * width + x0;
            match self {
                Source::Planes(image) => {
                    let (luma, blue, red) = (image.luma(), image.blue(), image.red());
                    let row = |p: &'a [f32]| p.get(start..start + t).unwrap_or_default();
                    let pixels = row(luma).iter().zip(row(blue)).zip(row(red));
                    let outputs = luma_row.iter_mut().zip(blue_row.iter_mut()).zip(red_row.iter_mut());
                    for (((l, b), r), ((&luma, &blue), &red)) in outputs.zip(pixels) {
                        (*l, *b, *r) = (luma, blue - luma, red - luma);
                    }
                }
                Source::Rgb(image) => {
                    let row = image.as_raw().get(start * 3..(start + t) * 3).unwrap_or_default();
                    let outputs = luma_row.iter_mut().zip(blue_row.iter_mut()).zip(red_row.iter_mut());
                    for (((l, bd), rd), px) in outputs.zip(row.chunks_exact(3)) {
                        let (r, g, b) = (f32::from(px[0]), f32::from(px[1]), f32::from(px[2]));
                        let luma = LUMA_WEIGHTS[0] * r + LUMA_WEIGHTS[1] * g + LUMA_WEIGHTS[2] * b;
                        (*l, *bd, *rd) = (luma, b - luma, r - luma);
                    }
                }
            }
        }
    }
}

struct Tile<'a> {
    size: usize,
    window: &'a [f32],
}

impl Tile<'_> {
    /// Writes `values` (a `t × t` tile), minus its window-weighted mean,
    /// times the 2-D Hann window, into the real (`imaginary == false`) or
    /// imaginary part of `buffer`.
    fn fill(&self, buffer: &mut [Complex32], values: &[f32], imaginary: bool) {
        let t = self.size;
        let mut weighted = 0.0f32;
        // Each row's windowed sum is accumulated in order, as a plain sum
        // would, but four rows at a time, so that the additions of different
        // rows overlap instead of waiting on each other.
        let mut quads = values.chunks_exact(4 * t);
        let mut row_weights = self.window.iter();
        for quad in &mut quads {
            let mut sums = [-0.0f32; 4];
            for (x, &w) in self.window.iter().enumerate() {
                for (k, sum) in sums.iter_mut().enumerate() {
                    *sum += quad.get(k * t + x).copied().unwrap_or(0.0) * w;
                }
            }
            for (sum, &wy) in sums.iter().zip(&mut row_weights) {
                weighted += wy * sum;
            }
        }
        for (row, &wy) in quads.remainder().chunks_exact(t).zip(row_weights) {
            weighted += wy * row.iter().zip(self.window).map(|(v, w)| v * w).sum::<f32>();
        }
        let total: f32 = self.window.iter().sum();
        let mean = if total > 0.0 { weighted / (total * total) } else { 0.0 };
        for ((out, row), &wy) in buffer.chunks_exact_mut(t).zip(values.chunks_exact(t)).zip(self.window) {
            let windowed = out
                .iter_mut()
                .zip(row)
                .zip(self.window)
                .map(|((o, &v), &wx)| (o, (v - mean) * (wx * wy)));
            if imaginary {
                windowed.for_each(|(o, value)| o.im = value);
            } else {
                windowed.for_each(|(o, value)| o.re = value);
            }
        }
    }
}

/// Buffers for a 2-D FFT of side `t`: `buffer` in, `spectrum` out.
struct FftWork {
    fft: Arc<dyn Fft<f32>>,
    size: usize,
    scratch: Vec<Complex32>,
    buffer: Vec<Complex32>,
    spectrum: Vec<Complex32>,
}

impl FftWork {
    fn new(fft: Arc<dyn Fft<f32>>, size: usize) -> Self {
        let scratch = vec![Complex32::default(); fft.get_inplace_scratch_len()];
        Self {
            fft,
            size,
            scratch,
            buffer: vec![Complex32::default(); size * size],
            spectrum: vec![Complex32::default(); size * size],
        }
    }

    /// Rows, a blocked transpose, rows again: `spectrum[a·T + b]`.
    fn transform(&mut self) {
        let t = self.size;
        self.fft.process_with_scratch(&mut self.buffer, &mut self.scratch);
        const BLOCK: usize = 16;
        for by in (0..t).step_by(BLOCK) {
            let rows = self.buffer.get(by * t..(by + BLOCK).min(t) * t).unwrap_or_default();
            for (x, column) in self.spectrum.chunks_exact_mut(t).enumerate() {
                let Some(dst) = column.get_mut(by..(by + BLOCK).min(t)) else {
                    continue;
                };
                for (d, row) in dst.iter_mut().zip(rows.chunks_exact(t)) {
                    if let Some(&src) = row.get(x) {
                        *d = src;
                    }
                }
            }
        }
        self.fft.process_with_scratch(&mut self.spectrum, &mut self.scratch);
    }

    /// For a transform of `f + i·g` with `f`, `g` real: adds `|F|² + |G|²`
    /// into `power`, using `F(k) = (Z(k) + Z*(−k)) / 2` and
    /// `G(k) = (Z(k) − Z*(−k)) / 2i`.
    fn split_real_pair_into(&self, power: &mut [f32]) {
        let t = self.size;
        let mask = t - 1;
        for (a, (power_row, row)) in power.chunks_exact_mut(t).zip(self.spectrum.chunks_exact(t)).enumerate() {
            let mirror_start = ((t - a) & mask) * t;
            let Some(mirror_row) = self.spectrum.get(mirror_start..mirror_start + t) else {
                continue;
            };
            for (b, (p, &z)) in power_row.iter_mut().zip(row).enumerate() {
                let Some(&m) = mirror_row.get((t - b) & mask) else {
                    continue;
                };
                let m = m.conj();
                *p += 0.25 * ((z + m).norm_sqr() + (z - m).norm_sqr());
            }
        }
    }
}

/// Frequency-plane geometry of a `t × t` spectrum (`t` a power of two).
#[derive(Clone, Copy)]
struct Plane {
    t: usize,
}

impl Plane {
    /// Signed frequency of index `i`.
    fn signed(self, i: usize) -> i64 {
        if i < self.t / 2 {
            i as i64
        } else {
            i as i64 - self.t as i64
        }
    }

    /// Index of signed frequency `(a, b)`, wrapping.
    fn index(self, a: i64, b: i64) -> usize {
        let mask = self.t as i64 - 1;
        ((a & mask) * self.t as i64 + (b & mask)) as usize
    }

    /// Outside the core of `radius` bins (scaled from a `MAX_TILE` tile; at least 2).
    fn in_band(self, a: i64, b: i64, radius: f32) -> bool {
        let core = (radius * self.t as f32 / MAX_TILE as f32).max(2.0);
        ((a * a + b * b) as f32) > core * core
    }

    /// 3 × 3 circular box sum, separably (neighbours wrap around).
    fn box3(self, power: &[f32]) -> Vec<f32> {
        let (mut rows, mut out) = (Vec::new(), Vec::new());
        self.box3_into(power, &mut rows, &mut out);
        out
    }

    /// [`Plane::box3`] into `out`, with `rows` as scratch (both reused across calls).
    fn box3_into(self, power: &[f32], rows: &mut Vec<f32>, out: &mut Vec<f32>) {
        let t = self.t;
        out.clear();
        if t < 3 || power.len() != t * t {
            out.extend_from_slice(power);
            return;
        }
        rows.clear();
        rows.resize(power.len(), 0.0);
        for (src, dst) in power.chunks_exact(t).zip(rows.chunks_exact_mut(t)) {
            for b in 1..t - 1 {
                dst[b] = src[b - 1] + src[b] + src[b + 1];
            }
            dst[0] = src[t - 1] + src[0] + src[1];
            dst[t - 1] = src[t - 2] + src[t - 1] + src[0];
        }
        out.resize(power.len(), 0.0);
        for (a, dst) in out.chunks_exact_mut(t).enumerate() {
            let (up, down) = ((a + t - 1) % t, (a + 1) % t);
            let (r0, r1, r2) = (&rows[up * t..][..t], &rows[a * t..][..t], &rows[down * t..][..t]);
            for (((d, x), y), z) in dst.iter_mut().zip(r0).zip(r1).zip(r2) {
                *d = x + y + z;
            }
        }
    }

    /// For each bin, whether it lies in the band outside the core of `radius` (see
    /// [`Plane::in_band`]).
    fn band_mask(self, radius: f32) -> Vec<bool> {
        (0..self.t * self.t)
            .map(|i| self.in_band(self.signed(i / self.t), self.signed(i % self.t), radius))
            .collect()
    }

    /// Index of the bin at minus the frequency of bin `i`.
    fn mirror(self, i: usize) -> usize {
        // `t` is a power of two: shifts and masks, not divisions (a hot loop).
        let (shift, mask) = (self.t.trailing_zeros(), self.t - 1);
        let (a, b) = (i >> shift, i & mask);
        (((self.t - a) & mask) << shift) | ((self.t - b) & mask)
    }
}

const DIRECTIONS: [(i64, i64); 8] = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)];

fn isolated_peak_ratio(power: &[f32], t: usize) -> f32 {
    let plane = Plane { t };
    let summed = plane.box3(power);
    let at = |a: i64, b: i64| summed.get(plane.index(a, b)).copied().unwrap_or(0.0);
    let total: f32 = summed.iter().sum();
    if total <= 0.0 {
        return 1.0;
    }
    let tiny = total * 1e-9;
    let mut best = 1.0f32;
    // The spectrum of a real signal is symmetric: half the plane suffices.
    for a in 0..=(t / 2) as i64 {
        for b in -(t as i64 / 2)..(t as i64 / 2) {
            if (a == 0 && b <= 0) || !plane.in_band(a, b, LUMA_CORE_RADIUS) {
                continue;
            }
            let centre = at(a, b);
            if centre * best <= tiny || !DIRECTIONS.iter().all(|&(da, db)| centre >= at(a + da, b + db)) {
                continue;
            }
            let ring = DIRECTIONS
                .iter()
                .map(|&(da, db)| at(a + RING * da, b + RING * db))
                .fold(0.0f32, f32::max);
            best = best.max(centre / (ring + tiny));
        }
    }
    best
}

/// Buffers of [`one_sided_peak_fraction`], reused from tile to tile.
#[derive(Default)]
struct OneSidedScratch {
    /// The tile's chroma power spectrum (input).
    power: Vec<f32>,
    rows: Vec<f32>,
    summed: Vec<f32>,
}

/// Strongest one-sided peak of the chroma spectrum in `scratch.power` as a
/// fraction of the band's power (plus `floor`); `band` from
/// [`Plane::band_mask`] with [`CHROMA_CORE_RADIUS`].
fn one_sided_peak_fraction(t: usize, band: &[bool], floor: f32, scratch: &mut OneSidedScratch) -> f32 {
    let plane = Plane { t };
    plane.box3_into(&scratch.power, &mut scratch.rows, &mut scratch.summed);
    let summed = &scratch.summed;
    let mut band_power = 0.0f64;
    let mut strongest = 0.0f32;
    for (i, ((&p, &s), &inside)) in scratch.power.iter().zip(summed).zip(band).enumerate() {
        if !inside {
            continue;
        }
        band_power += f64::from(p);
        let opposite = summed.get(plane.mirror(i)).copied().unwrap_or(0.0);
        strongest = strongest.max(s - opposite);
    }
    (f64::from(strongest) / (band_power + f64::from(floor))).clamp(0.0, 1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    #[test]
    fn tile_positions_cover_the_image() {
        assert_eq!(positions(640, 256), vec![0, 192, 384]);
        assert_eq!(positions(400, 256), vec![0, 144]);
        assert_eq!(positions(256, 256), vec![0]);
        assert_eq!(positions(10_000, 256).len(), MAX_TILES_PER_AXIS);
        let layout = TileLayout::new(506, 506).unwrap();
        assert_eq!(layout.tile, MAX_TILE);
        assert!(TileLayout::new(31, 500).is_none());
        assert_eq!(TileLayout::new(100, 500).unwrap().tile, 64);
    }

    #[test]
    fn rotating_hue_is_one_sided_and_fixed_hue_is_not() {
        let rotating = RgbImage::from_fn(640, 400, |x, _| {
            let phase = 2.0 * std::f32::consts::PI * x as f32 / 10.0;
            let c = |shift: f32| (128.0 + 60.0 * (phase - shift).cos()) as u8;
            Rgb([c(0.0), c(2.094), c(4.189)])
        });
        let fixed = RgbImage::from_fn(640, 400, |x, _| {
            let s = (2.0 * std::f32::consts::PI * x as f32 / 10.0).cos();
            Rgb([(128.0 + 60.0 * s) as u8, 128, (128.0 - 60.0 * s) as u8])
        });
        let r = screen_pattern(&AnalysisImage::from_rgb(&rotating));
        let f = screen_pattern(&AnalysisImage::from_rgb(&fixed));
        assert!(r.chroma_banding > 0.3, "{r:?}");
        assert!(f.chroma_banding < 0.02, "{f:?}");
        assert!(r.peak_ratio >= 1.0 && f.peak_ratio > 10.0, "{r:?} {f:?}");
        assert!(r.score > 10.0 * f.score.max(0.01), "{r:?} {f:?}");
    }

    #[test]
    fn tile_fill_matches_a_plain_windowed_mean() {
        let t = 64;
        let window: Vec<f32> = (0..t)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / t as f32).cos())
            .collect();
        let values: Vec<f32> = (0..t * t).map(|i| ((i * 7919) % 256) as f32 * 0.37).collect();
        let mut buffer = vec![Complex32::default(); t * t];
        Tile {
            size: t,
            window: &window,
        }
        .fill(&mut buffer, &values, true);
        // The mean as a plain row-by-row windowed sum: the same bits.
        let mut weighted = 0.0f32;
        for (row, &wy) in values.chunks_exact(t).zip(&window) {
            weighted += wy * row.iter().zip(&window).map(|(v, w)| v * w).sum::<f32>();
        }
        let total: f32 = window.iter().sum();
        let mean = weighted / (total * total);
        for (i, z) in buffer.iter().enumerate() {
            let expected = (values[i] - mean) * (window[i % t] * window[i / t]);
            assert_eq!((z.re, z.im.to_bits()), (0.0, expected.to_bits()), "at {i}");
        }
    }

    #[test]
    fn flat_and_tiny_images_score_zero() {
        let flat = screen_pattern(&AnalysisImage::from_rgb(&RgbImage::from_pixel(
            64,
            64,
            Rgb([90, 120, 200]),
        )));
        assert!(flat.chroma_banding < 1e-6, "{flat:?}");
        assert!(flat.score < 1e-3, "{flat:?}");
        assert_eq!(
            screen_pattern(&AnalysisImage::from_rgb(&RgbImage::new(0, 0))),
            ScreenPattern::default()
        );
    }
}
