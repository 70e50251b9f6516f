//! Reading MRZ line images into per-position candidates.
//!
//! A line:
//! 1. Otsu binarisation (ink = 255 − grey above the threshold; an image
//!    whose two classes differ by under 25 grey levels holds no text).
//! 2. Skew: the angle in ±3° whose vertical shear maximises the variance
//!    of the row profile; undone by shearing (bilinear in y).
//! 3. Text band (largest run of rows with ink ≥ 25 % of the peak row) and
//!    extent (ink column runs merged across gaps under 1.5 band heights,
//!    the widest group kept).
//! 4. Pitch, for each length (30, 36, 44, or the one asked for): start at
//!    extent / (n − 1 + the font's mean ink width per pitch), reject it if
//!    the pitch / band-height ratio is far from the font's, then refine
//!    pitch (±4 %) and grid offset so the n+1 cell boundaries fall where
//!    the column ink is lowest (the gaps).
//! 5. Scale and baseline: the horizontal scale follows from the pitch; the
//!    baseline is the 80th percentile of the cells' ink bottoms (`<`
//!    floats above it), then the median bottom of cells read confidently
//!    as glyphs; the vertical scale is fitted (×0.88–1.12) on a sample of
//!    glyph cells, because OCR-B tells `0` from `O` by height and print or
//!    rectification changes the aspect ratio.
//! 6. Each cell, centred on its ink box, is resampled to template size,
//!    normalised and correlated with the templates; top-3 classes kept.
//!    The length whose cells score best on average (on a quick read
//!    without the scale fit) wins and is read in full.
//! 7. The projection skew is biased by content (a run of `<`), so it is
//!    corrected from the confident cells' baseline points (Theil–Sen) and
//!    the line read again when that changes it; the better read is kept.
//!
//! A zone: binarisation and deskew of the whole crop, row bands from the
//! horizontal projection; the lowest run of 2 or 3 adjacent bands that
//! agree in height, left edge and width are the MRZ lines (bands below it
//! that agree with nothing, such as the edge of the table under the
//! document, are passed over), read with the length (30
//! for three lines, 36 or 44 for two) that scores best over all lines.

use crate::templates::{normalise, Templates, ALPHABET, CAP_ROWS, MARGIN_Y, TEMPLATE_H, TEMPLATE_W};
use image::GrayImage;

/// Glyph cells sampled when searching the vertical scale.
const SCALE_SAMPLE: usize = 14;

/// Characters per line of the ICAO formats.
pub const LINE_LENGTHS: [usize; 3] = [30, 36, 44];

/// One candidate symbol for a position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// The symbol (`A`–`Z`, `0`–`9`, `<`).
    pub ch: char,
    /// Normalised cross-correlation with its best template, −1..1.
    pub score: f32,
}

/// What was read from one line: the top-3 candidates per position.
#[derive(Debug, Clone, PartialEq)]
pub struct LineCandidates {
    /// Per position, the three best symbols, best first.
    pub positions: Vec<[Candidate; 3]>,
    /// Mean top-1 score over positions.
    pub mean_score: f32,
    /// Estimated pitch in pixels (after deskew).
    pub pitch: f32,
    /// Estimated cap height in pixels.
    pub cap_height: f32,
    /// Estimated skew in degrees (positive: text descends to the right).
    pub skew_degrees: f32,
}

impl LineCandidates {
    /// The top-1 string.
    pub fn best_text(&self) -> String {
        self.positions.iter().map(|p| p[0].ch).collect()
    }
}

/// A grey image as floats with ink high (255 − grey) plus its binarisation.
struct Ink {
    w: usize,
    h: usize,
    /// 255 − grey.
    ink: Vec<f32>,
    /// Ink pixels (grey below the Otsu threshold).
    bin: Vec<bool>,
    /// The ink level above which a pixel is ink.
    threshold: f32,
}

impl Ink {
    fn from_gray(img: &GrayImage) -> Option<Self> {
        let (w, h) = (img.width() as usize, img.height() as usize);
        if w < 8 || h < 6 {
            return None;
        }
        let raw = img.as_raw();
        let ink: Vec<f32> = raw.iter().map(|&g| 255.0 - f32::from(g)).collect();
        Self::from_ink(w, h, ink)
    }

    fn from_ink(w: usize, h: usize, ink: Vec<f32>) -> Option<Self> {
        let threshold = otsu(&ink)?;
        Some(Self::with_threshold(w, h, ink, threshold))
    }

    fn with_threshold(w: usize, h: usize, ink: Vec<f32>, threshold: f32) -> Self {
        let bin = ink.iter().map(|&v| v > threshold).collect();
        Self {
            w,
            h,
            ink,
            bin,
            threshold,
        }
    }

    fn bin_at(&self, x: usize, y: usize) -> bool {
        x < self.w && self.bin.get(y * self.w + x).copied().unwrap_or(false)
    }

    /// Bilinear sample of the ink map, 0 outside.
    fn sample(&self, x: f32, y: f32) -> f32 {
        let x0 = x.floor();
        let y0 = y.floor();
        let fx = x - x0;
        let fy = y - y0;
        let get = |xi: f32, yi: f32| -> f32 {
            if xi < 0.0 || yi < 0.0 || xi >= self.w as f32 || yi >= self.h as f32 {
                return 0.0;
            }
            self.ink.get(yi as usize * self.w + xi as usize).copied().unwrap_or(0.0)
        };
        let a = get(x0, y0) * (1.0 - fx) + get(x0 + 1.0, y0) * fx;
        let b = get(x0, y0 + 1.0) * (1.0 - fx) + get(x0 + 1.0, y0 + 1.0) * fx;
        a * (1.0 - fy) + b * fy
    }

    /// Skew in degrees: the shear angle maximising the row-profile variance.
    fn skew_degrees(&self) -> f32 {
        let pad = (self.w as f32 * 0.06).ceil() as usize + 1;
        let pixels: Vec<(f32, f32)> = (0..self.h)
            .flat_map(|y| (0..self.w).map(move |x| (x, y)))
            .filter(|&(x, y)| self.bin_at(x, y))
            .map(|(x, y)| (x as f32, y as f32 + pad as f32))
            .collect();
        let mut hist = vec![0.0f32; self.h + 2 * pad];
        let mut energy = |deg: f32| -> f32 {
            let t = deg.to_radians().tan();
            hist.iter_mut().for_each(|v| *v = 0.0);
            for &(x, y) in &pixels {
                let yy = (y - x * t).round().max(0.0) as usize;
                if let Some(v) = hist.get_mut(yy) {
                    *v += 1.0;
                }
            }
            hist.iter().map(|v| v * v).sum()
        };
        let mut best = (f32::MIN, 0.0f32);
        for i in -12..=12 {
            let deg = i as f32 * 0.25;
            let e = energy(deg);
            if e > best.0 {
                best = (e, deg);
            }
        }
        let coarse = best.1;
        for i in -4..=4 {
            let deg = coarse + i as f32 * 0.05;
            let e = energy(deg);
            if e > best.0 {
                best = (e, deg);
            }
        }
        best.1
    }

    /// Undoes a skew by vertical shear (rows shift by x·tan); the output
    /// is taller by the shear's span.
    fn deskewed(&self, deg: f32) -> Option<Self> {
        if deg.abs() < 0.05 {
            return Some(Self {
                w: self.w,
                h: self.h,
                ink: self.ink.clone(),
                bin: self.bin.clone(),
                threshold: self.threshold,
            });
        }
        let t = deg.to_radians().tan();
        let span = (self.w as f32 * t.abs()).ceil() as usize;
        let h = self.h + span;
        let offset = if t > 0.0 { 0.0 } else { span as f32 };
        let mut ink = vec![0.0f32; self.w * h];
        for y in 0..h {
            for x in 0..self.w {
                let sy = y as f32 - offset + x as f32 * t;
                if let Some(p) = ink.get_mut(y * self.w + x) {
                    *p = self.sample(x as f32, sy);
                }
            }
        }
        // Pixels sheared in from outside read 0 ink, i.e. paper: the band
        // finder below ignores them. The threshold stays the one of the
        // real pixels: on grey paper (a dim photo) a threshold taken again
        // would split the sheared-in zeros from everything else and make
        // the whole paper ink.
        Some(Self::with_threshold(self.w, h, ink, self.threshold))
    }

    /// Rows with ink per row over columns `x0..x1`.
    fn row_profile(&self, x0: usize, x1: usize) -> Vec<f32> {
        (0..self.h)
            .map(|y| (x0..x1).filter(|&x| self.bin_at(x, y)).count() as f32)
            .collect()
    }
}

/// Otsu's threshold on 0..255 values.
fn otsu(values: &[f32]) -> Option<f32> {
    let mut hist = [0u64; 256];
    for &v in values {
        let i = v.clamp(0.0, 255.0) as usize;
        if let Some(b) = hist.get_mut(i) {
            *b += 1;
        }
    }
    let total = values.len() as f64;
    let sum_all: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut w0, mut sum0) = (0.0f64, 0.0f64);
    let mut best = (0.0f64, None);
    for (i, &c) in hist.iter().enumerate() {
        w0 += c as f64;
        sum0 += i as f64 * c as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let m0 = sum0 / w0;
        let m1 = (sum_all - sum0) / w1;
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best.0 {
            best = (between, Some(i as f32 + 0.5));
        }
    }
    // A flat image has no text: demand some contrast between the classes.
    let t = best.1?;
    let (mut lo, mut hi) = ((0.0f64, 0.0f64), (0.0f64, 0.0f64));
    for (i, &c) in hist.iter().enumerate() {
        if (i as f32) < t {
            lo = (lo.0 + c as f64, lo.1 + i as f64 * c as f64);
        } else {
            hi = (hi.0 + c as f64, hi.1 + i as f64 * c as f64);
        }
    }
    if lo.0 == 0.0 || hi.0 == 0.0 || hi.1 / hi.0 - lo.1 / lo.0 < 25.0 {
        return None;
    }
    Some(t)
}

/// Contiguous runs `[start, end)` where `profile >= threshold`.
fn runs(profile: &[f32], threshold: f32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &v) in profile.iter().enumerate() {
        match (v >= threshold, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, profile.len()));
    }
    out
}

/// The text band of a single line: the run of rows with the most ink.
fn text_band(ink: &Ink) -> Option<(usize, usize)> {
    let profile = ink.row_profile(0, ink.w);
    let peak = profile.iter().copied().fold(0.0f32, f32::max);
    if peak <= 0.0 {
        return None;
    }
    runs(&profile, peak * 0.25).into_iter().max_by(|a, b| {
        let ma: f32 = profile.get(a.0..a.1).map_or(0.0, |s| s.iter().sum());
        let mb: f32 = profile.get(b.0..b.1).map_or(0.0, |s| s.iter().sum());
        ma.total_cmp(&mb)
    })
}

/// Horizontal text extent `[left, right)` within rows `top..bottom`.
fn text_extent(ink: &Ink, top: usize, bottom: usize, cap: f32) -> Option<(usize, usize)> {
    let cols: Vec<f32> = (0..ink.w)
        .map(|x| (top..bottom).filter(|&y| ink.bin_at(x, y)).count() as f32)
        .collect();
    let col_runs = runs(&cols, 1.0);
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for r in col_runs {
        match groups.last_mut() {
            Some(g) if (r.0 - g.1) as f32 <= 1.5 * cap => g.1 = r.1,
            _ => groups.push(r),
        }
    }
    groups.into_iter().max_by_key(|g| g.1 - g.0)
}

/// Column ink in rows `top..bottom`, lightly smoothed.
fn column_profile(ink: &Ink, top: usize, bottom: usize) -> Vec<f32> {
    let raw: Vec<f32> = (0..ink.w)
        .map(|x| (top..bottom).filter(|&y| ink.bin_at(x, y)).count() as f32)
        .collect();
    (0..raw.len())
        .map(|i| {
            let a = raw.get(i.wrapping_sub(1)).copied().unwrap_or(0.0);
            let b = raw.get(i).copied().unwrap_or(0.0);
            let c = raw.get(i + 1).copied().unwrap_or(0.0);
            (a + 2.0 * b + c) / 4.0
        })
        .collect()
}

fn profile_at(profile: &[f32], x: f32) -> f32 {
    if x < 0.0 {
        return 0.0;
    }
    let i = x.floor() as usize;
    let f = x - x.floor();
    let a = profile.get(i).copied().unwrap_or(0.0);
    let b = profile.get(i + 1).copied().unwrap_or(0.0);
    a * (1.0 - f) + b * f
}

/// A deskewed line ready for segmentation.
struct PreparedLine {
    ink: Ink,
    top: usize,
    bottom: usize,
    left: usize,
    right: usize,
    skew: f32,
    cols: Vec<f32>,
}

/// Binarises, deskews (by `skew` degrees, or by the estimate when `None`)
/// and finds the text band and extent.
fn prepare(img: &GrayImage, skew: Option<f32>) -> Option<PreparedLine> {
    let raw = Ink::from_gray(img)?;
    let skew = skew.unwrap_or_else(|| raw.skew_degrees());
    let ink = raw.deskewed(skew)?;
    let (top, bottom) = text_band(&ink)?;
    let cap = (bottom - top) as f32;
    if cap < 6.0 {
        return None;
    }
    let (left, right) = text_extent(&ink, top, bottom, cap)?;
    let cols = column_profile(&ink, top, bottom);
    Some(PreparedLine {
        ink,
        top,
        bottom,
        left,
        right,
        skew,
        cols,
    })
}

/// Reads one MRZ line, trying 30, 36 and 44 characters and keeping the
/// best-scoring length. `None` when no text line is found or the extent
/// does not fit any length.
pub fn read_line(templates: &Templates, img: &GrayImage) -> Option<LineCandidates> {
    let line = prepare(img, None)?;
    // The length is chosen on a quick read (no vertical-scale fit), then
    // the chosen length is read in full.
    let (n, _) = LINE_LENGTHS
        .iter()
        .filter_map(|&n| Some((n, segment_and_classify(templates, &line, n, false)?)))
        .max_by(|a, b| a.1 .0.mean_score.total_cmp(&b.1 .0.mean_score))?;
    let first = segment_and_classify(templates, &line, n, true)?;
    Some(refine_skew(templates, img, &line, n, first))
}

/// Reads one MRZ line of exactly `n` characters.
pub fn read_line_with_len(templates: &Templates, img: &GrayImage, n: usize) -> Option<LineCandidates> {
    let line = prepare(img, None)?;
    let first = segment_and_classify(templates, &line, n, true)?;
    Some(refine_skew(templates, img, &line, n, first))
}

/// The projection-variance skew is biased by content (a run of `<`, which
/// float above the baseline, tilts the best profile), so the skew is
/// corrected from the baseline points of the cells read confidently as
/// glyphs other than `<` (Theil–Sen slope), and the line read again if
/// that changes it; the better-scoring reading is kept.
fn refine_skew(
    templates: &Templates,
    img: &GrayImage,
    line: &PreparedLine,
    n: usize,
    first: (LineCandidates, Vec<(f32, f32)>),
) -> LineCandidates {
    let (cands, points) = first;
    let Some(slope) = theil_sen(&points) else {
        return cands;
    };
    let skew = (line.skew.to_radians().tan() + slope).atan().to_degrees();
    if (skew - line.skew).abs() < 0.05 {
        return cands;
    }
    let again = prepare(img, Some(skew)).and_then(|l| segment_and_classify(templates, &l, n, true));
    match again {
        Some((c, _)) if c.mean_score > cands.mean_score => c,
        _ => cands,
    }
}

/// Median of pairwise slopes; `None` with fewer than 4 points.
fn theil_sen(points: &[(f32, f32)]) -> Option<f32> {
    if points.len() < 4 {
        return None;
    }
    let mut slopes = Vec::with_capacity(points.len() * points.len() / 2);
    for (i, a) in points.iter().enumerate() {
        for b in points.iter().skip(i + 1) {
            let dx = b.0 - a.0;
            if dx.abs() > 1.0 {
                slopes.push((b.1 - a.1) / dx);
            }
        }
    }
    slopes.sort_by(f32::total_cmp);
    slopes.get(slopes.len() / 2).copied()
}

/// Segments `line` into `n` cells and classifies them; also returns the
/// baseline points (ink centre x, ink bottom y) of the cells read
/// confidently as glyphs other than `<`.
fn segment_and_classify(
    templates: &Templates,
    line: &PreparedLine,
    n: usize,
    fit_scale: bool,
) -> Option<(LineCandidates, Vec<(f32, f32)>)> {
    if n < 2 {
        return None;
    }
    let cap = (line.bottom - line.top) as f32;
    let extent = (line.right - line.left) as f32;
    let g = templates.ink_per_pitch;
    let p0 = extent / (n as f32 - 1.0 + g);
    // The pitch must be plausible for OCR-B at this cap height; printers
    // vary a little, a wrong length is far off.
    let ratio = p0 / cap / templates.pitch_per_cap;
    if !(0.7..=1.4).contains(&ratio) {
        return None;
    }
    let start0 = line.left as f32 - (1.0 - g) / 2.0 * p0;
    let mut best = (f32::MAX, p0, start0);
    for pi in -16..=16 {
        let p = p0 * (1.0 + pi as f32 * 0.0025);
        // Keep the text centred in the grid: the first edge follows p.
        let centre = (line.left + line.right) as f32 / 2.0;
        let base = centre - p * n as f32 / 2.0;
        for si in -12..=12 {
            let start = base + si as f32 * p / 40.0;
            let cost: f32 = (0..=n).map(|k| profile_at(&line.cols, start + k as f32 * p)).sum();
            if cost < best.0 {
                best = (cost, p, start);
            }
        }
    }
    let (_, pitch, start) = best;
    // The scale comes from the pitch, not from ink heights: OCR-B digits
    // are about 9 % taller than capitals (that height is what tells `0`
    // from `O`), so a measured height would depend on the line's content,
    // while the pitch is fixed by the font and measured over every cell.
    // The baseline: first the 80th percentile of the cells' ink bottoms
    // (`<` floats above the baseline and may fill most of a line, glyphs
    // sit on it), then the median bottom of the cells confidently read as
    // something other than `<`; cells are classified again if it moved.
    let boxes: Vec<Option<InkBox>> = (0..n)
        .map(|i| {
            let x0 = start + i as f32 * pitch;
            ink_box(line, x0, x0 + pitch, cap)
        })
        .collect();
    let mut bottoms: Vec<usize> = boxes.iter().flatten().map(|b| b.bottom).collect();
    bottoms.sort_unstable();
    let mut baseline = bottoms.get(bottoms.len() * 4 / 5).copied().unwrap_or(line.bottom) as f32;
    let scale = pitch / (templates.pitch_per_cap * CAP_ROWS as f32);
    // Classifies the cells `which` with vertical scale `sy`.
    let classify = |baseline: f32, sy: f32, which: &[usize]| -> Vec<[Candidate; 3]> {
        which
            .iter()
            .map(|&i| {
                let x0 = start + i as f32 * pitch;
                let mid = x0 + pitch / 2.0;
                // Kept within a quarter pitch of the cell centre so that a
                // stray neighbour cannot pull the cell away.
                let centre = boxes
                    .get(i)
                    .and_then(|b| b.as_ref())
                    .map_or(mid, |b| b.centre.clamp(mid - pitch / 4.0, mid + pitch / 4.0));
                let patch = sample_patch(&line.ink, centre, baseline, scale, sy);
                let scores = match normalise(&patch) {
                    Some(p) => templates.score_classes(&p),
                    None => [0.0; 37],
                };
                top3(&scores)
            })
            .collect()
    };
    let all: Vec<usize> = (0..n).collect();
    let mut positions = classify(baseline, scale, &all);
    let points: Vec<(f32, f32)> = boxes
        .iter()
        .zip(&positions)
        .filter_map(|(b, p)| {
            let b = b.as_ref()?;
            (p[0].ch != '<' && p[0].score >= 0.6).then_some((b.centre, b.bottom as f32))
        })
        .collect();
    let mut confident: Vec<usize> = points.iter().map(|p| p.1 as usize).collect();
    let mut again = false;
    if let Some(refined) = median(&mut confident) {
        if (refined as f32 - baseline).abs() >= 0.5 {
            baseline = refined as f32;
            again = true;
        }
    }
    // The vertical scale: the pitch fixes the horizontal one, but print
    // and rectification change the aspect ratio by several per cent, and
    // OCR-B tells `0` from `O` (and `8` from `B`) mostly by height. Try
    // factors around 1 on a sample of glyph cells and keep the one whose
    // cells correlate best on average.
    let glyph_cells: Vec<usize> = positions
        .iter()
        .enumerate()
        .filter(|(_, p)| p[0].ch != '<')
        .map(|(i, _)| i)
        .collect();
    let stride = (glyph_cells.len() / SCALE_SAMPLE).max(1);
    let sample: Vec<usize> = glyph_cells.iter().step_by(stride).copied().collect();
    let mean_at = |f: f32| -> f32 {
        let got = classify(baseline, scale * f, &sample);
        got.iter().map(|p| p[0].score).sum::<f32>() / got.len().max(1) as f32
    };
    let mut best_f = (mean_at(1.0), 1.0f32);
    if fit_scale && sample.len() >= 4 {
        for k in -4..=4 {
            let f = 1.0 + k as f32 * 0.03;
            let m = if k == 0 { best_f.0 } else { mean_at(f) };
            if m > best_f.0 {
                best_f = (m, f);
            }
        }
        let coarse = best_f.1;
        for f in [coarse - 0.015, coarse + 0.015] {
            let m = mean_at(f);
            if m > best_f.0 {
                best_f = (m, f);
            }
        }
    }
    let sy = scale * best_f.1;
    if again || best_f.1 != 1.0 {
        positions = classify(baseline, sy, &all);
    }
    let total: f32 = positions.iter().map(|p| p[0].score).sum();
    Some((
        LineCandidates {
            positions,
            mean_score: total / n as f32,
            pitch,
            cap_height: sy * CAP_ROWS as f32,
            skew_degrees: line.skew,
        },
        points,
    ))
}

/// The binarised ink box of one cell.
struct InkBox {
    centre: f32,
    /// One past the last ink row.
    bottom: usize,
}

/// The ink box of the cell `x0..x1`, searching rows from a third of a cap
/// height above the band to a third below it.
fn ink_box(line: &PreparedLine, x0: f32, x1: f32, cap: f32) -> Option<InkBox> {
    let a = x0.max(0.0).round() as usize;
    let b = (x1.round().max(0.0) as usize).min(line.ink.w);
    let reach = (cap / 3.0) as usize;
    let y0 = line.top.saturating_sub(reach);
    let y1 = (line.bottom + reach).min(line.ink.h);
    let (mut left, mut right, mut bottom) = (usize::MAX, 0, 0);
    for y in y0..y1 {
        for x in a..b {
            if line.ink.bin_at(x, y) {
                left = left.min(x);
                right = right.max(x);
                bottom = bottom.max(y);
            }
        }
    }
    if left == usize::MAX {
        return None;
    }
    Some(InkBox {
        centre: (left + right + 1) as f32 / 2.0,
        bottom: bottom + 1,
    })
}

fn median(v: &mut [usize]) -> Option<usize> {
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

/// Samples the template-sized patch whose column centre is `cx` and whose
/// baseline is image row `baseline`, `scale` image pixels per template
/// pixel horizontally and `scale_y` vertically; area-averaged by
/// supersampling when shrinking.
fn sample_patch(ink: &Ink, cx: f32, baseline: f32, scale: f32, scale_y: f32) -> Vec<f32> {
    let sub = (scale.max(scale_y).ceil() as usize).clamp(1, 4);
    let mut out = vec![0.0f32; TEMPLATE_W * TEMPLATE_H];
    for (i, o) in out.iter_mut().enumerate() {
        let (ty, tx) = ((i / TEMPLATE_W) as f32, (i % TEMPLATE_W) as f32);
        let mut s = 0.0;
        for sy in 0..sub {
            for sx in 0..sub {
                let fx = tx + (sx as f32 + 0.5) / sub as f32;
                let fy = ty + (sy as f32 + 0.5) / sub as f32;
                let x = cx + (fx - TEMPLATE_W as f32 / 2.0) * scale - 0.5;
                let y = baseline + (fy - (TEMPLATE_H - MARGIN_Y) as f32) * scale_y - 0.5;
                s += ink.sample(x, y);
            }
        }
        *o = s / (sub * sub) as f32;
    }
    out
}

fn top3(scores: &[f32; 37]) -> [Candidate; 3] {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let c = |k: usize| {
        let i = idx.get(k).copied().unwrap_or(0);
        Candidate {
            ch: ALPHABET.get(i).copied().unwrap_or('<'),
            score: scores.get(i).copied().unwrap_or(-1.0),
        }
    };
    [c(0), c(1), c(2)]
}

/// Finds the 2 or 3 MRZ lines in a crop of the lower part of a document and
/// reads them with one common length. `None` when no such group of lines
/// is found.
pub fn read_zone(templates: &Templates, img: &GrayImage) -> Option<Vec<LineCandidates>> {
    read_zone_with_crops(templates, img).map(|(lines, _)| lines)
}

/// [`read_zone`], also returning each line's image as it was read:
/// deskewed, half a line height of margin above and below, dark print on
/// light paper (what another recogniser can be given, and what a reviewer
/// can be shown).
pub fn read_zone_with_crops(templates: &Templates, img: &GrayImage) -> Option<(Vec<LineCandidates>, Vec<GrayImage>)> {
    let raw = Ink::from_gray(img)?;
    let skew = raw.skew_degrees();
    let ink = raw.deskewed(skew)?;
    let profile = ink.row_profile(0, ink.w);
    let peak = profile.iter().copied().fold(0.0f32, f32::max);
    if peak <= 0.0 {
        return None;
    }
    // Bands with their horizontal extent.
    let bands: Vec<(usize, usize, usize, usize)> = runs(&profile, peak * 0.1)
        .into_iter()
        .filter(|b| b.1 - b.0 >= 6)
        .filter_map(|(t, b)| {
            let (l, r) = text_extent(&ink, t, b, (b - t) as f32)?;
            Some((t, b, l, r))
        })
        .collect();
    // `a` lies above `b`: similar height, width and left edge, and no more
    // than three line heights apart.
    let agrees = |a: &(usize, usize, usize, usize), b: &(usize, usize, usize, usize)| {
        let ha = (a.1 - a.0) as f32;
        let hb = (b.1 - b.0) as f32;
        let wa = (a.3 - a.2) as f32;
        let wb = (b.3 - b.2) as f32;
        (0.7..=1.4).contains(&(ha / hb))
            && (0.9..=1.1).contains(&(wa / wb))
            && (a.2 as f32 - b.2 as f32).abs() <= hb.max(ha)
            && (b.0 as f32 - a.1 as f32) < 3.0 * hb
    };
    // The lowest run of 2–3 agreeing bands; bands below it that agree with
    // nothing above them (the document's edge, a table, a shadow) are
    // passed over.
    let group = (1..bands.len()).rev().find_map(|end| {
        let mut group = vec![*bands.get(end)?];
        for b in bands.get(..end)?.iter().rev() {
            if group.len() == 3 {
                break;
            }
            match group.last() {
                Some(prev) if agrees(b, prev) => group.push(*b),
                _ => break,
            }
        }
        (group.len() >= 2).then_some(group)
    });
    let mut group = group?;
    group.reverse();
    let lengths: &[usize] = if group.len() == 3 { &[30] } else { &[36, 44] };
    // Crop each band (with half a line of margin) from the deskewed map.
    let crops: Vec<GrayImage> = group
        .iter()
        .map(|&(t, b, _, _)| {
            let m = (b - t) / 2 + 1;
            let y0 = t.saturating_sub(m);
            let y1 = (b + m).min(ink.h);
            let ys = y0..y1;
            GrayImage::from_fn(ink.w as u32, (y1 - y0) as u32, |x, y| {
                let v = ink
                    .ink
                    .get((ys.start + y as usize) * ink.w + x as usize)
                    .copied()
                    .unwrap_or(0.0);
                image::Luma([(255.0 - v).clamp(0.0, 255.0) as u8])
            })
        })
        .collect();
    // The zone is deskewed already; each line's skew is refined from its
    // own baseline points.
    let prepared: Vec<PreparedLine> = crops.iter().filter_map(|c| prepare(c, Some(0.0))).collect();
    if prepared.len() != group.len() {
        return None;
    }
    let quick_total = |n: usize| -> Option<f32> {
        prepared
            .iter()
            .map(|p| segment_and_classify(templates, p, n, false).map(|r| r.0.mean_score))
            .sum()
    };
    let (n, _) = lengths
        .iter()
        .filter_map(|&n| Some((n, quick_total(n)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let lines: Vec<LineCandidates> = prepared
        .iter()
        .zip(&crops)
        .map(|(p, crop)| {
            let first = segment_and_classify(templates, p, n, true)?;
            let mut line = refine_skew(templates, crop, p, n, first);
            line.skew_degrees += skew;
            Some(line)
        })
        .collect::<Option<_>>()?;
    Some((lines, crops))
}
