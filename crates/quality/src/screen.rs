//! Screen photo: the moiré and pixel-grid texture of a document shown on a
//! display and photographed.
//!
//! # Algorithm
//! Welch-averaged power spectra over tiles of the analysis image: 256 × 256
//! (or the largest power of two that fits, at least 32), `⌈w/256⌉ × ⌈h/256⌉`
//! of them (at most 4 × 4) spread evenly to cover it — 3 × 2 for a card —,
//! each with a 2-D Hann window and its window-weighted mean removed so that
//! nothing sits at DC. Two luma tiles share one complex FFT. Two spectra:
//!
//! * **luma** `P(k)`, ignoring frequencies within 4 bins of DC (periods over
//!   64 px: illumination, layout): `peak_ratio` is the largest *isolated*
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
//!   band (plus a floor equal to a 1-grey-level chroma ripple, so that a
//!   grey document's rounding noise cannot dominate). In `[0, 1]`. The band
//!   starts 8 bins from DC (periods under 32 px): slower hue changes are
//!   the card's colour layout and iris printing, which turn the hue too.
//!
//! `score = chroma_banding · (1 + log10 peak_ratio)`: the hue-rotating peak
//! is the evidence (print gives about 0), the luma peak's prominence
//! amplifies it when the display grid is visible too. Measured: the
//! synthetic printed card (guilloche, text, MRZ, photo; also blurred, noisy,
//! dark, with glare, or printed as a CMY halftone, whose luma peak ratio is
//! over 200) scores at most 0.05; the 31 specimen scans of the shared
//! fixtures at most 0.08; the simulated screen photos 1.0–2.1.
//!
//! Known confounders: holographic overlays (rainbow diffraction) and strong
//! lateral chromatic aberration on periodic print such as the MRZ.

use crate::analysis::AnalysisImage;
use rustfft::num_complex::Complex32;
use rustfft::{Fft, FftPlanner};
use serde::Serialize;
use std::sync::Arc;

/// Largest tile side; smaller images use the largest power of two that fits.
const MAX_TILE: usize = 256;
const MIN_TILE: usize = 32;
/// At most this many tiles along each axis.
const MAX_TILES_PER_AXIS: usize = 4;
/// Luma frequencies within this many bins of DC are ignored (for a 256
/// tile: periods over 64 px, the illumination and the document's layout).
const LUMA_CORE_RADIUS: f32 = 4.0;
/// Chroma frequencies within this many bins of DC are ignored (periods over
/// 32 px): a card's colour layout, and iris (rainbow) printing, whose hue
/// turns slowly across the card, live there.
const CHROMA_CORE_RADIUS: f32 = 8.0;
/// Distance, in bins, of the ring that tests a peak's isolation.
const RING: i64 = 4;
/// Chroma ripple (grey levels, RMS) below which chroma is treated as noise.
const CHROMA_FLOOR: f32 = 1.0;

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
    let Some(layout) = TileLayout::new(image.width(), image.height()) else {
        return ScreenPattern::default();
    };
    let spectra = Spectra::accumulate(image, &layout);
    let peak_ratio = isolated_peak_ratio(&spectra.luma, layout.tile);
    let floor = spectra.chroma_floor(layout.tiles(), CHROMA_FLOOR);
    let chroma_banding = one_sided_peak_fraction(&spectra.chroma, layout.tile, floor);
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
    chroma: Vec<f32>,
    window_energy: f32,
}

impl Spectra {
    fn accumulate(image: &AnalysisImage, layout: &TileLayout) -> Self {
        let t = layout.tile;
        let window: Vec<f32> = (0..t)
            .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / t as f32).cos())
            .collect();
        let mut work = FftWork::new(t);
        let mut spectra = Self {
            luma: vec![0.0; t * t],
            chroma: vec![0.0; t * t],
            window_energy: window.iter().map(|w| w * w).sum::<f32>().powi(2),
        };
        let origins: Vec<(usize, usize)> = layout
            .ys
            .iter()
            .flat_map(|&y0| layout.xs.iter().map(move |&x0| (x0, y0)))
            .collect();
        let tile = |(x0, y0): (usize, usize)| Tile {
            width: image.width(),
            x0,
            y0,
            size: t,
            window: &window,
        };
        // Luma is real, so two tiles share one complex FFT (one in the real
        // part, one in the imaginary part) and are separated afterwards.
        for pair in origins.chunks(2) {
            work.buffer.fill(Complex32::default());
            for (&origin, imaginary) in pair.iter().zip([false, true]) {
                tile(origin).fill(&mut work.buffer, image.luma(), imaginary);
            }
            work.transform();
            work.split_real_pair_into(&mut spectra.luma);
        }
        // Chroma is one complex signal per tile: (B − Y) + i (R − Y).
        let minus_luma = |plane: &[f32]| -> Vec<f32> { plane.iter().zip(image.luma()).map(|(c, y)| c - y).collect() };
        let (blue_difference, red_difference) = (minus_luma(image.blue()), minus_luma(image.red()));
        for &origin in &origins {
            tile(origin).fill(&mut work.buffer, &blue_difference, false);
            tile(origin).fill(&mut work.buffer, &red_difference, true);
            work.transform();
            for (p, z) in spectra.chroma.iter_mut().zip(&work.spectrum) {
                *p += z.norm_sqr();
            }
        }
        spectra
    }

    /// Power that a chroma ripple of `rms` grey levels would put in the
    /// spectra summed over `tiles` (Parseval: `T² · Σ w² · rms²` per tile).
    fn chroma_floor(&self, tiles: usize, rms: f32) -> f32 {
        let t2 = self.chroma.len() as f32;
        tiles as f32 * t2 * self.window_energy * rms * rms
    }
}

struct Tile<'a> {
    width: usize,
    x0: usize,
    y0: usize,
    size: usize,
    window: &'a [f32],
}

impl Tile<'_> {
    /// The tile's part of row `dy` of `plane`.
    fn row<'p>(&self, plane: &'p [f32], dy: usize) -> &'p [f32] {
        let start = (self.y0 + dy) * self.width + self.x0;
        plane.get(start..start + self.size).unwrap_or_default()
    }

    /// Window-weighted mean of the tile of `plane`.
    fn weighted_mean(&self, plane: &[f32]) -> f32 {
        let mut sum = 0.0f32;
        for (dy, &wy) in self.window.iter().enumerate() {
            let row: f32 = self.row(plane, dy).iter().zip(self.window).map(|(v, w)| v * w).sum();
            sum += wy * row;
        }
        let total: f32 = self.window.iter().sum();
        if total > 0.0 {
            sum / (total * total)
        } else {
            0.0
        }
    }

    /// Writes the tile of `plane`, minus its window-weighted mean, times the
    /// 2-D Hann window, into the real (`imaginary == false`) or imaginary
    /// part of `buffer`.
    fn fill(&self, buffer: &mut [Complex32], plane: &[f32], imaginary: bool) {
        let mean = self.weighted_mean(plane);
        for (dy, (out, &wy)) in buffer.chunks_exact_mut(self.size).zip(self.window).enumerate() {
            for ((o, &v), &wx) in out.iter_mut().zip(self.row(plane, dy)).zip(self.window) {
                let value = (v - mean) * (wx * wy);
                if imaginary {
                    o.im = value;
                } else {
                    o.re = value;
                }
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
    fn new(size: usize) -> Self {
        let fft = FftPlanner::<f32>::new().plan_fft_forward(size);
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
            for bx in (0..t).step_by(BLOCK) {
                for y in by..(by + BLOCK).min(t) {
                    for x in bx..(bx + BLOCK).min(t) {
                        if let (Some(dst), Some(&src)) = (self.spectrum.get_mut(x * t + y), self.buffer.get(y * t + x))
                        {
                            *dst = src;
                        }
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
        for (i, p) in power.iter_mut().enumerate() {
            let (a, b) = (i / t, i % t);
            let mirror = ((t - a) & mask) * t + ((t - b) & mask);
            let (Some(&z), Some(&m)) = (self.spectrum.get(i), self.spectrum.get(mirror)) else {
                continue;
            };
            let m = m.conj();
            *p += 0.25 * ((z + m).norm_sqr() + (z - m).norm_sqr());
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

    /// Outside the core of `radius` bins (scaled from a 256 tile; at least 2).
    fn in_band(self, a: i64, b: i64, radius: f32) -> bool {
        let core = (radius * self.t as f32 / MAX_TILE as f32).max(2.0);
        ((a * a + b * b) as f32) > core * core
    }

    /// 3 × 3 circular box sum, separably.
    fn box3(self, power: &[f32]) -> Vec<f32> {
        let t = self.t;
        let mut rows = vec![0.0f32; power.len()];
        for (src, dst) in power.chunks_exact(t).zip(rows.chunks_exact_mut(t)) {
            for (b, d) in dst.iter_mut().enumerate() {
                let left = src.get((b + t - 1) % t).copied().unwrap_or(0.0);
                let right = src.get((b + 1) % t).copied().unwrap_or(0.0);
                *d = left + src.get(b).copied().unwrap_or(0.0) + right;
            }
        }
        let mut out = vec![0.0f32; power.len()];
        for (a, dst) in out.chunks_exact_mut(t).enumerate() {
            for k in [t - 1, 0, 1] {
                let row = (a + k) % t;
                let Some(src) = rows.get(row * t..(row + 1) * t) else {
                    continue;
                };
                for (d, s) in dst.iter_mut().zip(src) {
                    *d += s;
                }
            }
        }
        out
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

fn one_sided_peak_fraction(power: &[f32], t: usize, floor: f32) -> f32 {
    let plane = Plane { t };
    let summed = plane.box3(power);
    let at = |a: i64, b: i64| summed.get(plane.index(a, b)).copied().unwrap_or(0.0);
    let mut band_power = 0.0f64;
    let mut strongest = 0.0f32;
    for (i, &p) in power.iter().enumerate() {
        let (a, b) = (plane.signed(i / t), plane.signed(i % t));
        if !plane.in_band(a, b, CHROMA_CORE_RADIUS) {
            continue;
        }
        band_power += f64::from(p);
        strongest = strongest.max(at(a, b) - at(-a, -b));
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
        assert_eq!(layout.tile, 256);
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
