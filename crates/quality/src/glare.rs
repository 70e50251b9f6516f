//! Glare: specular highlights that wash out part of the document.
//!
//! # Algorithm
//! 1. Paper level: the analysis image is cut into 16 × 16 px blocks; each
//!    block's paper level is the 80th percentile of its luma (the paper
//!    between the ink). A block whose level is ≥ 245 is "bright" (it may
//!    be glare, or white paper).
//! 2. Background: for each block, the median paper level of the non-bright
//!    blocks within 4 blocks (64 px), or if they are not the majority there
//!    (near or inside a large highlight, whose halo would raise it) within
//!    8 blocks, or else over the whole document. When bright blocks are the
//!    majority of the document, it is overexposed or white paper (reported
//!    by [`crate::Exposure`]) and no glare is reported.
//! 3. A pixel is a glare pixel when all of: its value `max(R, G, B) ≥ 245`
//!    (near saturation), its chroma `max − min ≤ 40` (a highlight is the
//!    light source's colour, not ink), and its luma is at least 15 grey
//!    levels above its block's background. A white card photographed
//!    without a highlight has its background near its own brightness, so
//!    it cannot pass the last test.
//! 4. Glare pixels are grouped into 8-connected blobs; blobs smaller than
//!    0.02 % of the document (about 7 × 7 analysis pixels) are dropped.
//! 5. Clipping: a specular highlight reflects the light source itself,
//!    many times brighter than the lit paper, so the camera clips it in
//!    every channel; paper, a bleached area or white print is exposed like
//!    the rest of the document and stays below the clip. A blob counts only
//!    when at least half of its pixels have `min(R, G, B) ≥ 250`. (On the
//!    generated sets of seeds 1 and 7, ≥ 68 % of the bright neutral pixels
//!    of every glare photo are clipped; on the clean photos of light
//!    specimen scans that were read as glare on 1–10 % of the document,
//!    ≤ 7 %.)
//! 6. Edge softness: a reflected light source is a virtual image far behind
//!    the document, out of the camera's focus, so its brightness keeps
//!    falling well outside the saturated area; white print ends at a sharp
//!    edge, beyond which the surroundings are flat. Around each blob of
//!    equivalent radius `R` (rings found by one breadth-first search from
//!    all blobs), with `near` and `far` the paper level (80th percentile of
//!    luma, so that ink does not count) in 2-px-wide rings starting
//!    max(2, 0.08 R) and max(7, 0.25 R) px outside it (at most 30 px: a
//!    larger highlight has a proportionally wider halo), softness =
//!    `(near − far) / (255 − far)`. Blobs with a softness under 0.12 are
//!    white print: reported apart, as `sharp_edged_fraction`, not as glare.
//!
//! `fraction` is the clipped highlight's own area: on the generated set it
//! is 0.9–1.25 × the generator's saturated area (`area_pct`), whether the
//! highlight lies over print or over blank paper; it does not say whether
//! print is hidden.
//!
//! Limits: on paper brighter than 240 a highlight cannot be 15 levels
//! brighter and is not seen (it also hides nothing there); a highlight that
//! the camera does not clip (a dim or diffuse source, a tone curve that
//! keeps highlights below 250) is not seen; a light source reflected in
//! sharp focus reads as white print; a highlight that runs into a white
//! printed area is judged with it; clipped white print whose surroundings
//! happen to darken away from it (a pure-white MRZ strip below a light band
//! of the page, the white margins of a scan) reads as glare.

use crate::analysis::AnalysisImage;
use serde::Serialize;

/// Side of the blocks used for the paper level, in analysis pixels.
const BLOCK: usize = 16;
/// Percentile of a block's luma taken as its paper level.
const PAPER_PERCENTILE: f32 = 0.80;
/// `max(R, G, B)` at or above this is near saturation.
const MIN_VALUE: f32 = 245.0;
/// `min(R, G, B)` at or above this: clipped in every channel.
const CLIPPED_LEVEL: f32 = 250.0;
/// A highlight blob has at least this share of its pixels clipped.
const MIN_CLIPPED_SHARE: f32 = 0.5;
/// Highlights are nearly neutral: `max − min` at most this.
const MAX_CHROMA: f32 = 40.0;
/// Glare is at least this much brighter than the local paper.
const MIN_EXCESS: f32 = 15.0;
/// Background neighbourhood radii tried in turn, in blocks.
const BACKGROUND_RADII: [usize; 2] = [4, 8];
/// Blobs smaller than this fraction of the document are ignored.
const MIN_BLOB_FRACTION: f32 = 0.0002;
/// The near and far rings around a blob start at these multiples of its
/// equivalent radius (at least 2 and 7 px, at most 30 px out).
const NEAR_RING_RADII: f32 = 0.08;
const FAR_RING_RADII: f32 = 0.25;
const MAX_RING_DISTANCE: f32 = 30.0;
/// Blobs whose edge softness is below this have a sharp edge: white print.
const MIN_SOFTNESS: f32 = 0.12;

/// The 3 × 3 grid cells' names, row by row.
const REGION_NAMES: [&str; 9] = [
    "top-left",
    "top",
    "top-right",
    "left",
    "center",
    "right",
    "bottom-left",
    "bottom",
    "bottom-right",
];

/// Glare found on the document (`DOC_GLARE`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Glare {
    /// Fraction of the document's area covered by glare blobs, `[0, 1]`.
    pub fraction: f32,
    /// Fraction of the document's area covered by the largest blob.
    pub largest_blob_fraction: f32,
    /// Number of glare blobs.
    pub blob_count: u32,
    /// Fraction of the document covered by bright, neutral blobs with a
    /// sharp edge, not counted in `fraction`: white print (an MRZ strip, a
    /// photo's white background), or a light source reflected in sharp
    /// focus.
    pub sharp_edged_fraction: f32,
    /// Where the glare is, on a 3 × 3 grid: each cell holding glare with
    /// its share of the document's area, largest first.
    pub regions: Vec<GlareRegion>,
    /// Bounding box of the largest blob, in fractions of the document's
    /// width and height; `None` without glare.
    pub largest_blob_box: Option<RelativeBox>,
}

/// Glare in one cell of the 3 × 3 grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct GlareRegion {
    /// `top-left`, `top`, `top-right`, `left`, `center`, `right`,
    /// `bottom-left`, `bottom` or `bottom-right`.
    pub region: String,
    /// Glare pixels in this cell, as a fraction of the whole document.
    pub fraction: f32,
}

/// A box in relative coordinates: 0 is the left/top edge, 1 the right/bottom.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct RelativeBox {
    /// Left edge.
    pub left: f32,
    /// Top edge.
    pub top: f32,
    /// Right edge (exclusive).
    pub right: f32,
    /// Bottom edge (exclusive).
    pub bottom: f32,
}

/// Measures glare on the analysis image.
#[must_use]
pub fn glare(image: &AnalysisImage) -> Glare {
    let (width, height) = (image.width(), image.height());
    if image.is_empty() {
        return Glare::default();
    }
    let (blocks_x, blocks_y) = (width.div_ceil(BLOCK), height.div_ceil(BLOCK));
    let levels = paper_levels(image, blocks_x, blocks_y);
    let Some(background) = backgrounds(&levels, blocks_x, blocks_y) else {
        return Glare::default();
    };
    let mask = glare_mask(image, &background, blocks_x);
    let mut blobs = label_blobs(&mask, width, height);
    measure_halos(&mut blobs, image.luma(), width, height);
    summarise(&mut blobs, width, height)
}

/// Paper level per block, `blocks_x × blocks_y`, row-major.
fn paper_levels(image: &AnalysisImage, blocks_x: usize, blocks_y: usize) -> Vec<f32> {
    let (width, height, luma) = (image.width(), image.height(), image.luma());
    let mut levels = Vec::with_capacity(blocks_x * blocks_y);
    let mut histogram = [0u32; 256];
    for by in 0..blocks_y {
        for bx in 0..blocks_x {
            histogram.fill(0);
            let (x0, x1) = (bx * BLOCK, ((bx + 1) * BLOCK).min(width));
            let (y0, y1) = (by * BLOCK, ((by + 1) * BLOCK).min(height));
            for y in y0..y1 {
                for &v in luma.get(y * width + x0..y * width + x1).unwrap_or_default() {
                    if let Some(h) = histogram.get_mut(v.clamp(0.0, 255.0) as usize) {
                        *h += 1;
                    }
                }
            }
            levels.push(crate::filters::histogram_quantile(&histogram, 1.0, PAPER_PERCENTILE));
        }
    }
    levels
}

fn median(values: &mut [f32]) -> Option<f32> {
    quantile(values, 0.5)
}

/// The paper's brightness among `values`: their 80th percentile, so that
/// ink (and ink left unsaturated inside a highlight) does not pull it down.
fn paper_level(values: &mut [f32]) -> Option<f32> {
    quantile(values, PAPER_PERCENTILE)
}

fn quantile(values: &mut [f32], fraction: f32) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    let k = ((values.len() - 1) as f32 * fraction).round() as usize;
    let (_, q, _) = values.select_nth_unstable_by(k.min(values.len() - 1), f32::total_cmp);
    Some(*q)
}

/// Background paper level per block (see the module docs), or `None` when
/// most of the document is bright: then it is overexposed or white, which
/// [`crate::Exposure`] reports, and a highlight cannot be told from it.
fn backgrounds(levels: &[f32], blocks_x: usize, blocks_y: usize) -> Option<Vec<f32>> {
    let is_dim = |l: f32| l < MIN_VALUE;
    let mut dim: Vec<f32> = levels.iter().copied().filter(|&l| is_dim(l)).collect();
    if dim.len() * 2 < levels.len() {
        return None;
    }
    let global = median(&mut dim)?;
    let mut window = Vec::new();
    let mut out = Vec::with_capacity(levels.len());
    for by in 0..blocks_y {
        for bx in 0..blocks_x {
            // The smallest window in which dim blocks are the majority, so
            // that a large highlight's own halo does not set its background.
            let local = BACKGROUND_RADII.iter().find_map(|&radius| {
                window.clear();
                let mut blocks = 0usize;
                for ny in by.saturating_sub(radius)..(by + radius + 1).min(blocks_y) {
                    for nx in bx.saturating_sub(radius)..(bx + radius + 1).min(blocks_x) {
                        blocks += 1;
                        if let Some(&l) = levels.get(ny * blocks_x + nx).filter(|&&l| is_dim(l)) {
                            window.push(l);
                        }
                    }
                }
                if window.len() * 2 > blocks {
                    median(&mut window)
                } else {
                    None
                }
            });
            out.push(local.unwrap_or(global));
        }
    }
    Some(out)
}

/// Candidate glare pixels (see the module docs, step 3): [`NOT_GLARE`],
/// [`CANDIDATE`], or [`CLIPPED`] for candidates clipped in every channel.
fn glare_mask(image: &AnalysisImage, background: &[f32], blocks_x: usize) -> Vec<u8> {
    let width = image.width();
    let mut mask = vec![NOT_GLARE; image.area()];
    let rows = mask
        .chunks_exact_mut(width)
        .zip(image.red().chunks_exact(width))
        .zip(image.green().chunks_exact(width))
        .zip(image.blue().chunks_exact(width))
        .zip(image.luma().chunks_exact(width));
    for (y, ((((mask_row, red), green), blue), luma)) in rows.enumerate() {
        let block_row = background.get((y / BLOCK) * blocks_x..).unwrap_or_default();
        let pixels = mask_row.iter_mut().zip(red).zip(green).zip(blue).zip(luma);
        for (x, ((((m, &r), &g), &b), &l)) in pixels.enumerate() {
            let (value, least) = (r.max(g).max(b), r.min(g).min(b));
            if value < MIN_VALUE || value - least > MAX_CHROMA {
                continue;
            }
            let level = block_row.get(x / BLOCK).copied().unwrap_or(255.0);
            if l >= level + MIN_EXCESS {
                *m = if least >= CLIPPED_LEVEL { CLIPPED } else { CANDIDATE };
            }
        }
    }
    mask
}

/// Mask values: not a glare pixel, a candidate, a candidate clipped in every channel.
const NOT_GLARE: u8 = 0;
const CANDIDATE: u8 = 1;
const CLIPPED: u8 = 2;

/// One connected blob of candidate pixels.
#[derive(Debug, Clone, Default)]
struct Blob {
    size: usize,
    /// Pixels clipped in every channel.
    clipped: usize,
    bounds: (usize, usize, usize, usize),
    cells: [usize; 9],
    /// Luma of the pixels in the near ring outside the blob.
    near: Vec<f32>,
    /// Luma of the pixels in the far ring outside the blob.
    far: Vec<f32>,
}

impl Blob {
    /// Distances (px, inclusive) of the near and far rings: proportional to
    /// the blob's equivalent radius, since a larger highlight has a
    /// proportionally wider halo.
    fn rings(&self) -> ((u8, u8), (u8, u8)) {
        let radius = (self.size as f32 / std::f32::consts::PI).sqrt();
        let at = |fraction: f32, least: f32| (fraction * radius).round().clamp(least, MAX_RING_DISTANCE) as u8;
        let (near, far) = (at(NEAR_RING_RADII, 2.0), at(FAR_RING_RADII, 7.0));
        ((near, near.saturating_add(1)), (far, far.saturating_add(1)))
    }

    /// How much of the fall from saturation to the surroundings happens
    /// away from the edge: `(near − far) / (255 − far)` of the rings' paper
    /// levels, clamped to `[0, 1]`. About 0 for a printed edge, well above
    /// for the gradual halo of a reflection. 1 when the blob has no
    /// surroundings.
    fn softness(&mut self) -> f32 {
        let (Some(near), Some(far)) = (paper_level(&mut self.near), paper_level(&mut self.far)) else {
            return 1.0;
        };
        ((near - far) / (255.0 - far).max(1.0)).clamp(0.0, 1.0)
    }
}

/// Blobs of at least the minimum size, with `labels[i]` = blob index + 1
/// for their pixels (0 elsewhere).
struct Labelled {
    blobs: Vec<Blob>,
    labels: Vec<u32>,
}

/// 8-connected flood fill with an explicit stack.
fn label_blobs(mask: &[u8], width: usize, height: usize) -> Labelled {
    let min_size = ((MIN_BLOB_FRACTION * (width * height) as f32).ceil() as usize).max(4);
    let mut labels = vec![0u32; mask.len()];
    let mut visited = vec![false; mask.len()];
    let mut blobs = Vec::new();
    let mut stack = Vec::new();
    let mut members = Vec::new();
    for seed in 0..mask.len() {
        if mask.get(seed).is_none_or(|&m| m == NOT_GLARE) || visited.get(seed).copied().unwrap_or(true) {
            continue;
        }
        members.clear();
        stack.push(seed);
        if let Some(v) = visited.get_mut(seed) {
            *v = true;
        }
        while let Some(i) = stack.pop() {
            members.push(i);
            for n in neighbours(i, width, height) {
                if mask.get(n).is_some_and(|&m| m != NOT_GLARE) && !visited.get(n).copied().unwrap_or(true) {
                    if let Some(v) = visited.get_mut(n) {
                        *v = true;
                    }
                    stack.push(n);
                }
            }
        }
        if members.len() < min_size {
            continue;
        }
        let label = u32::try_from(blobs.len() + 1).unwrap_or(u32::MAX);
        let mut blob = Blob {
            size: members.len(),
            bounds: (usize::MAX, usize::MAX, 0, 0),
            ..Blob::default()
        };
        for &i in &members {
            blob.clipped += usize::from(mask.get(i) == Some(&CLIPPED));
            let (x, y) = (i % width, i / width);
            let (x0, y0, x1, y1) = blob.bounds;
            blob.bounds = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
            let cell = (y * 3 / height).min(2) * 3 + (x * 3 / width).min(2);
            if let Some(c) = blob.cells.get_mut(cell) {
                *c += 1;
            }
            if let Some(l) = labels.get_mut(i) {
                *l = label;
            }
        }
        blobs.push(blob);
    }
    Labelled { blobs, labels }
}

/// The 8 neighbours of pixel `i` that lie inside the image.
fn neighbours(i: usize, width: usize, height: usize) -> impl Iterator<Item = usize> {
    let (x, y) = (i % width, i / width);
    (y.saturating_sub(1)..(y + 2).min(height))
        .flat_map(move |ny| (x.saturating_sub(1)..(x + 2).min(width)).map(move |nx| ny * width + nx))
        .filter(move |&n| n != i)
}

/// Multi-source breadth-first search out of every blob to the farthest
/// ring: each pixel is attributed to the blob it is nearest to (8-connected
/// steps), and the luma of the pixels in a blob's near and far rings is
/// collected for it.
fn measure_halos(labelled: &mut Labelled, luma: &[f32], width: usize, height: usize) {
    let Labelled { blobs, labels } = labelled;
    let rings: Vec<_> = blobs.iter().map(Blob::rings).collect();
    let deepest = rings.iter().map(|(_, far)| far.1).max().unwrap_or(0);
    let mut distance = vec![u8::MAX; labels.len()];
    let mut queue: Vec<usize> = Vec::new();
    for (i, (&label, d)) in labels.iter().zip(distance.iter_mut()).enumerate() {
        if label > 0 {
            *d = 0;
            queue.push(i);
        }
    }
    let mut head = 0;
    while let Some(&i) = queue.get(head) {
        head += 1;
        let (d, label) = (
            distance.get(i).copied().unwrap_or(u8::MAX),
            labels.get(i).copied().unwrap_or(0),
        );
        if d >= deepest {
            continue;
        }
        let step = d + 1;
        let blob_index = (label as usize).wrapping_sub(1);
        let Some(&(near, far)) = rings.get(blob_index) else {
            continue;
        };
        for n in neighbours(i, width, height) {
            let Some(slot) = distance.get_mut(n) else { continue };
            if *slot != u8::MAX {
                continue;
            }
            *slot = step;
            if let Some(l) = labels.get_mut(n) {
                *l = label;
            }
            queue.push(n);
            let Some(blob) = blobs.get_mut(blob_index) else {
                continue;
            };
            let y = luma.get(n).copied().unwrap_or(0.0);
            if (near.0..=near.1).contains(&step) {
                blob.near.push(y);
            } else if (far.0..=far.1).contains(&step) {
                blob.far.push(y);
            }
        }
    }
}

fn summarise(labelled: &mut Labelled, width: usize, height: usize) -> Glare {
    let area = (width * height).max(1) as f32;
    let (mut total, mut sharp_edged, mut count) = (0usize, 0usize, 0u32);
    let mut cells = [0usize; 9];
    let mut largest: Option<&Blob> = None;
    for blob in labelled.blobs.iter_mut() {
        // Bright white print or paper that is not clipped is not a highlight.
        if (blob.clipped as f32) < MIN_CLIPPED_SHARE * blob.size as f32 {
            continue;
        }
        if blob.softness() < MIN_SOFTNESS {
            sharp_edged += blob.size;
            continue;
        }
        total += blob.size;
        count += 1;
        for (c, b) in cells.iter_mut().zip(blob.cells) {
            *c += b;
        }
        if largest.is_none_or(|l| blob.size > l.size) {
            largest = Some(&*blob);
        }
    }
    let mut regions: Vec<GlareRegion> = REGION_NAMES
        .iter()
        .zip(cells)
        .filter(|(_, count)| *count > 0)
        .map(|(name, count)| GlareRegion {
            region: (*name).to_string(),
            fraction: count as f32 / area,
        })
        .collect();
    // Stable sort: equal shares keep the grid's reading order.
    regions.sort_by(|a, b| b.fraction.total_cmp(&a.fraction));
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    Glare {
        fraction: total as f32 / area,
        largest_blob_fraction: largest.map_or(0.0, |b| b.size as f32 / area),
        blob_count: count,
        sharp_edged_fraction: sharp_edged as f32 / area,
        regions,
        largest_blob_box: largest.map(|b| {
            let (x0, y0, x1, y1) = b.bounds;
            RelativeBox {
                left: x0 as f32 / w,
                top: y0 as f32 / h,
                right: x1 as f32 / w,
                bottom: y1 as f32 / h,
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    /// A card with thin dark lines and, optionally, a white disc `(cx, cy,
    /// r)` that falls off to the paper over `soft` px (0: a sharp edge).
    fn card_with_spot(paper: u8, spot: Option<(u32, u32, u32)>, soft: f32) -> RgbImage {
        card_with_spot_up_to(255.0, paper, spot, soft)
    }

    /// [`card_with_spot`] with the spot lifting the card towards `peak`
    /// instead of pure white.
    fn card_with_spot_up_to(peak: f32, paper: u8, spot: Option<(u32, u32, u32)>, soft: f32) -> RgbImage {
        RgbImage::from_fn(640, 400, |x, y| {
            let ink = x % 40 < 3;
            let base = if ink {
                [30.0, 30.0, 60.0]
            } else {
                [f32::from(paper), f32::from(paper), f32::from(paper) - 10.0]
            };
            let light = spot.map_or(0.0, |(cx, cy, r)| {
                let d = ((x as f32 - cx as f32).powi(2) + (y as f32 - cy as f32).powi(2)).sqrt() - r as f32;
                if d <= 0.0 {
                    1.0
                } else if soft > 0.0 {
                    (1.0 - d / soft).max(0.0)
                } else {
                    0.0
                }
            });
            Rgb(base.map(|v| (v + (peak - v).max(0.0) * light).round() as u8))
        })
    }

    #[test]
    fn bright_paper_that_is_not_clipped_is_not_glare() {
        // A light area of a scanned card at 246-248 (white paper, a bleached
        // background), fading softly into darker print around it: near
        // saturation, neutral, brighter than its surroundings, soft-edged,
        // but no channel clipped, as a specular highlight would be.
        for peak in [246.0, 248.0] {
            let img = card_with_spot_up_to(peak, 205, Some((300, 200, 70)), 30.0);
            let g = glare(&AnalysisImage::from_rgb(&img));
            assert_eq!((g.fraction, g.blob_count), (0.0, 0), "peak {peak}: {g:?}");
        }
        // The same spot lifted to clipping is glare.
        let g = glare(&AnalysisImage::from_rgb(&card_with_spot(
            205,
            Some((300, 200, 70)),
            30.0,
        )));
        assert!(g.fraction > 0.05, "{g:?}");
    }

    #[test]
    fn white_and_light_cards_without_highlight_have_no_glare() {
        for paper in [200, 235, 240, 245, 250, 255] {
            let g = glare(&AnalysisImage::from_rgb(&card_with_spot(paper, None, 0.0)));
            assert_eq!(g.fraction, 0.0, "paper {paper}: {g:?}");
            assert!(g.regions.is_empty() && g.largest_blob_box.is_none());
        }
    }

    #[test]
    fn a_soft_saturated_spot_is_found_and_located() {
        let g = glare(&AnalysisImage::from_rgb(&card_with_spot(
            210,
            Some((530, 330, 40)),
            20.0,
        )));
        let core = std::f32::consts::PI * 40.0 * 40.0 / (640.0 * 400.0);
        assert!(g.fraction > core && g.fraction < 1.5 * core, "{g:?}");
        assert_eq!(g.blob_count, 1);
        assert_eq!(g.regions[0].region, "bottom-right");
        let b = g.largest_blob_box.unwrap();
        assert!(
            (b.left + b.right) / 2.0 > 0.8 && (b.top + b.bottom) / 2.0 > 0.8,
            "{b:?}"
        );
        assert_eq!(g.sharp_edged_fraction, 0.0);
    }

    #[test]
    fn sharp_edged_white_is_print_not_glare() {
        let g = glare(&AnalysisImage::from_rgb(&card_with_spot(
            210,
            Some((300, 200, 60)),
            0.0,
        )));
        assert_eq!(g.fraction, 0.0, "{g:?}");
        let disc = std::f32::consts::PI * 60.0 * 60.0 / (640.0 * 400.0);
        assert!((g.sharp_edged_fraction - disc).abs() < 0.2 * disc, "{g:?}");
    }

    #[test]
    fn coloured_saturation_is_not_glare() {
        let img = RgbImage::from_fn(200, 200, |x, _| {
            if x < 100 {
                Rgb([255, 250, 40])
            } else {
                Rgb([150, 150, 150])
            }
        });
        assert_eq!(glare(&AnalysisImage::from_rgb(&img)).fraction, 0.0);
    }

    #[test]
    fn specks_are_dropped() {
        let mut img = card_with_spot(200, None, 0.0);
        img.put_pixel(100, 100, Rgb([255, 255, 255]));
        let g = glare(&AnalysisImage::from_rgb(&img));
        assert_eq!((g.blob_count, g.sharp_edged_fraction), (0, 0.0));
    }
}
