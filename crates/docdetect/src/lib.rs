//! Finding the identity document in a photo: its quadrilateral, where it leaves the frame, and a
//! perspective-corrected crop. Pure image geometry: no I/O, no clock, no randomness, no global
//! state; the same pixels always give the same result, and no input panics.
//!
//! ```
//! use openkyc_docdetect::{detect, rectified_size, rectify, DetectParams, Detection};
//!
//! let photo = image::RgbImage::new(640, 480); // the intake's working copy
//! match detect(&photo, &DetectParams::default()) {
//!     Detection::Found(doc) => {
//!         let (width, height) = rectified_size(&doc, 1024);
//!         let _crop = rectify(&photo, &doc.corners, width, height);
//!     }
//!     Detection::NotFound { reason } => assert_eq!(reason, openkyc_docdetect::REASON_NO_OUTLINE),
//! }
//! ```
//!
//! # Coordinates
//!
//! All coordinates are continuous input-image coordinates: pixel `(x, y)` covers
//! `[x, x + 1) × [y, y + 1)`, so a `w × h` image spans `[0, w] × [0, h]`. Corners may lie
//! outside that range when the document leaves the frame.
//!
//! # Algorithm ([`detect`])
//!
//! 1. **Working copy.** Three planes, luminance (BT.601) and the colour opponents `R − G` and
//!    `(R + G)/2 − B` (grey levels, weight 1), box-averaged by the integer factor `k` that
//!    brings the long side to at most [`DetectParams::working_size`] (512: `k = 3` for
//!    1280 × 960; a remainder of fewer than `k` columns or rows is dropped), then each blurred
//!    by a binomial `[1 4 6 4 1]/16` (σ ≈ 1).
//! 2. **Edges.** Sobel gradients of each plane; per pixel the strongest of the three is
//!    kept, a colour gradient's sign turned to agree with the luminance gradient wherever
//!    brightness changes by at least a quarter as much (so a side keeps the polarity of its
//!    brightness step). A document as bright as its surroundings but of another colour (a beige
//!    card on a grey-blue table, a purple band on orange wood) so still has edges. The
//!    threshold `t` adapts to the image: 2 × the median gradient magnitude (most pixels are not
//!    on an edge, so the median measures noise and texture), clamped to 2.5–16 grey levels per
//!    pixel. Edge pixels are the local maxima across the edge (non-maximum suppression in 4
//!    directions, sub-pixel position by a parabola); their direction is taken from the 3 × 3
//!    sum of gradients (3× less noisy).
//! 3. **Lines.** A Hough transform over the full circle of gradient directions (1° × 1 px), so
//!    a dark-to-bright and a bright-to-dark edge at the same place are different lines; each
//!    edge pixel votes for the directions within ±3° of its own, with weights 4, 3, 2, 1.
//!    Peaks are local maxima of the accumulator smoothed by `[1 2 1]` across offsets, within
//!    ±3° × ±2 px. Strongest first, each peak is refitted by total least squares to the edge
//!    pixels of either polarity within 2 px (then 1.5 px) and 8° of it (a side changes polarity
//!    where the document's colour changes against the background), and kept if enough pixels
//!    support it and it is not a line already kept (within 2° and 2.5 px). Enough is
//!    `max(10, min(8% of the working short side, half the short side of the smallest
//!    document reported))`, the latter an ID-1 card of [`DetectParams::min_area_fraction`] of
//!    the image, so that a small document's short sides make lines. The 64 strongest lines are
//!    kept (at most 256 peaks refitted); then each of six 30° sectors of undirected orientation
//!    left with fewer than 10 lines takes its strongest remaining peaks up to 10 (at most 16
//!    more lines, 64 more refits): the grain of a wooden table or a striped cloth yields dozens
//!    of strong lines of one orientation, which would otherwise crowd out the sides of a small
//!    document lying across it.
//! 4. **Edge profiles.** For each line, at every pixel step along it inside the image: a
//!    *step* when the strongest gradient across the line within ±2 px (within ~34° of its
//!    normal) reaches `t` and the brightness 3 px to either side differs by at least `t` (the
//!    sign is the step's polarity), or, when larger, a colour plane does (its sign turned as in
//!    step 2). A thin line or a scratch, with the same brightness on both sides, is no step.
//!    Steps that are not part of a run of ≥ 5 steps of one polarity (gaps of ≤ 2 bridged) are
//!    dropped: texture crosses a line in short scattered steps. Prefix sums make the support of
//!    any segment of a line an O(1) lookup.
//! 5. **Candidates.** Every pair of lines within 60° of parallel (steep perspective) and at
//!    least `max(6 px, 6% of the short side)` apart may be opposite sides. Of the pairs of
//!    found lines at most 320 are kept: the 160 whose weaker line has the most pixels, then,
//!    in rounds, each line (strongest first) adds its next best partner, partners ranked by how
//!    well their edges face each other (the overlap of the spans holding the middle 80% of
//!    their edge steps, over the longer span) and discounted for an angle beyond 20° (to ½ at
//!    60°); so the many strong lines of a textured background (wood, tiles) cannot take every
//!    pair from the short sides of a small document. Every pair with an image border, which
//!    stands in for a side outside the frame, is added (at most two border sides per
//!    candidate). Two pairs whose lines meet at ≥ 30° give a quadrilateral. It must be convex, have its corners within one image
//!    size of the frame, at least [`DetectParams::min_area_fraction`] of the image and half of
//!    its own area visible, and ≥ 30% (≥ 6 px) of each found side inside the frame. A border
//!    side must run along the border for a third of its length, and its neighbours must have
//!    edge support right up to the border (≥ 50% from 2 px to `max(10%, 8 px)` of their
//!    length). At most 60 000 quadrilaterals are evaluated. The extra lines of step 3 (for
//!    orientations short of lines) are searched apart, after the others and exactly as if they
//!    were not there, so that they cannot take the capped enumeration's share: each takes its 6
//!    best partners (ranked as above; a border counts as half-facing), and those pairs are
//!    combined with every pair of the first search, at most 20 000 more quadrilaterals; one
//!    of them replaces the best only if it also reaches [`DetectParams::min_confidence`].
//! 6. **Confidence** = `support × shape × termination × uniformity`, in 0–1:
//!    * *support*: the mean of the perimeter-weighted fraction of steps on the visible found
//!      sides and the weakest side's fraction (either polarity counts); the former must reach
//!      0.45 and the latter 0.3;
//!    * *shape* = `angles × aspect × 0.8^(border sides)`: *angles* is 1 up to 12° of
//!      corner-angle deviation from 90°, then `exp(−((dev − 12)/s)²)` with `s` = 60° when the
//!      quadrilateral is a consistent perspective view of a rectangle and 25° otherwise.
//!      Consistent: the focal length solved from its two vanishing points (see *Aspect ratio*
//!      below) is plausible with the principal point at the image centre or, failing that
//!      and with more than 12° of deviation, at the intersection of its diagonals (the camera
//!      aimed at the document, which a steep shot usually is); or it is a trapezoid (a tilt
//!      about one axis). *aspect* is 1 when the rectified long/short ratio (from the same
//!      principal point) is within 1.32–1.72 (ID-1 1.586, ID-2 and ID-3 1.42, with room for
//!      error), else `0.4 + 0.6·exp(−(d/0.15)²)` with `d` the log-distance to that range; with
//!      a border side only the visible part is known, so *aspect* is 0.9, falling off when the
//!      visible part is a sliver (long/short above 2.2), and *angles* uses `s` = 25°, over the
//!      corners where two found sides meet only once those corners (at least two) are all seen
//!      (edge support next to them, as in *Cut corners* below: a whole side seen corner to
//!      corner), since where a side meets a border the angle is the document's to the frame;
//!      short of that, over all four. A candidate with two border sides needs one of its
//!      corners between found sides seen: two lines crossing the frame alone are what texture
//!      gives;
//!    * *termination* = 1 − ½ × the mean support found 3–15% of the side length *beyond* each
//!      corner inside the frame: edges that carry on belong to a grid or a table edge;
//!    * *uniformity* = 0.85 when the document is brighter than its surroundings on some sides
//!      and darker on others (sides of one polarity only), else 1.
//!
//!    Candidates are ranked by `confidence × (visible area fraction)^¼`, so the outline of the
//!    document beats the rectangles printed on it (photo, text blocks). The search is
//!    exhaustive; a candidate whose support and shape alone cannot beat the best so far is not
//!    worked out further (same result, less work).
//! 7. **Region proposals**, only when no candidate reaches confidence 0.8: on a strongly
//!    textured background (wood grain) the texture's lines take the caps of steps 3 and 5 and
//!    a small document's short sides may not be among the lines at all. A document is also a
//!    compact region of fairly uniform card stock whose colour differs from its surroundings:
//!    the input is box-averaged to an RGB grid of long side ≤ 256 cells and segmented by the
//!    graph method of Felzenszwalb & Huttenlocher (2004) on the 4-connected grid (colour
//!    distance, `k` = 600, components under 12 cells merged into a neighbour; weights bucketed
//!    so the work is linear and the order fixed). Each region that does not touch the border,
//!    covers ≥ 40% of its convex hull, and whose hull has at least the smallest reported
//!    document's area proposes two outlines: the enclosing quadrilateral obtained by removing
//!    hull edges one by one (each time the one whose removal adds the least area) and the
//!    smallest enclosing rectangle, each kept if the hull fills ≥ 80% of it; the 6 outlines of
//!    the largest regions are used. Each side of an outline is refitted to the edge pixels
//!    (first within 1.5 grid cells + 2 px and 8°, then as in step 3) and must have edge
//!    pixels along 30% of its length. The four refitted sides of an outline form a group whose
//!    quadrilaterals (any two of its pairs of near-parallel lines; at most 16) are scored as
//!    in step 6 and compete with the best candidate. The proposals only say where to look; the
//!    same evidence decides.
//!
//!    The best is reported if its confidence reaches [`DetectParams::min_confidence`] (0.5).
//!    When none does, steps 1–6 are repeated once on a working copy 2× coarser (factor `2k`):
//!    a blurred outline spreads its step over more working pixels than the edge tests of
//!    steps 2 and 4 accept (an out-of-focus photo, σ ≈ 2% of the card's width), and is twice
//!    as sharp there. That search takes documents of at least 4 × `min_area_fraction` (as many
//!    coarse working pixels as the smallest reported document has in the normal copy: fewer
//!    cannot be told from the objects around them), without region proposals (their grid
//!    does not depend on the working copy). Its best candidate is reported if it reaches the
//!    confidence; refinement (step 8) then works at the input resolution with the factor `2k`.
//! 8. **Refinement** at the input resolution, side by side. Across the coarse side, at up to 64
//!    points (every ≥ 3 px, skipping 8% of the side next to a visible corner for the rounded
//!    corners, r ≈ 3 mm), a luminance profile within ±(1.5 k + 2) px is sampled (bilinear,
//!    averaged over 3 px along the side) and differentiated with the side's polarity (absolute
//!    when it is mixed). The derivatives averaged over the whole side decide which parallel
//!    edge is the outline: of the peaks at least half as strong as the strongest, the
//!    outermost (print near the border, such as a colour band or a frame line, makes a
//!    parallel edge just inside it; deciding per side keeps noise from being taken for it).
//!    Each point then locates that edge within ±2 px, to sub-pixel precision by a parabola; a
//!    line is fitted by weighted total least squares, points beyond `max(0.75 px, 3 × 1.4826 ×
//!    the median residual)` are dropped and the line refitted, and the whole is repeated
//!    within ±2 px of the result. Corners are the intersections of adjacent refined sides, so
//!    corners outside the frame are extrapolated from the visible parts of their sides. A
//!    corner that would move more than `3 k + 4` px (plus 10% of its distance outside the
//!    frame) from its coarse position keeps the coarse one. Refinement looks at luminance only:
//!    a side seen in colour alone (step 2) is placed by whatever luminance step lies near it,
//!    within that bound, which is a known imprecision of a few working pixels.
//!
//! # What is reported
//!
//! * **Reading order.** Corners are clockwise from the top-left *as the document reads*, with
//!   the long side horizontal: the long side is taken from the rectified aspect ratio, and of
//!   the two orientations left, the one whose top edge runs rightwards (or, when vertical,
//!   downwards) on screen. An upside-down document (rotated by more than 90°) is therefore
//!   reported as upright, its corners rotated by 180°: the pixels cannot tell which way up the
//!   content is without reading it. Near ±90° the choice between the two is arbitrary.
//! * **Cut corners.** [`Document::corners_outside`] is true for a corner outside the image, or
//!   within [`DetectParams::edge_margin`] of its border *unless* the corner is seen: both its
//!   sides have edge support (≥ 50%) over 4–20% of their length next to it. So a scan or a
//!   tight crop whose outline is visible at the very edge of the image is not "cut";
//!   [`Document::touches_frame`] is then true.
//! * **A side outside the frame.** When a whole side lies outside the frame, the image border
//!   stands in for it: its corners are placed where the visible sides meet the border (and
//!   flagged in `corners_outside`), so `aspect_ratio` and `width_px` then describe the visible
//!   part only. Missing corners are extrapolated only when both of their sides are partly
//!   visible.
//! * **A document filling the frame** (a tight crop or a scan, no outline to see). The frame
//!   itself is taken as the outline when the image has a document's proportions (long/short
//!   within 1.36–1.66, but not the camera ratio 3:2) and content (edge pixels on at least 1%
//!   of the working copy), and either no candidate reaches `min_confidence`, or the best one
//!   covers under half of the frame while the rest of the frame is about as busy with edges
//!   (at least half the density inside it): then it is a rectangle printed on the document
//!   (its photo, a text block), not a document on a plain surface (a card on a scanned page
//!   keeps its own outline). Such a result has the image corners, `corners_outside` all
//!   false, `touches_frame` true and `confidence` exactly [`FRAME_CONFIDENCE`] (0.5), which
//!   tells callers that the outline was inferred, not seen. In an image with camera
//!   proportions (4:3, 16:9, 3:2) a frame-filling document cannot be told from a photo of no
//!   document at all; the result is then `NotFound` with [`REASON_NO_OUTLINE`] (or, if some
//!   inner rectangle is found, that rectangle touching the frame with cut corners).
//! * **Aspect ratio.** From the four corners by the method of Zhang & He, "Whiteboard scanning
//!   and image enhancement" (2007): the focal length is solved from the two vanishing points,
//!   assuming square pixels and the principal point at the image centre; when it is not
//!   observable (a pair of sides parallel in the image) or implausible (outside 0.4–8 image
//!   diagonals), 0.8 image diagonals (a typical phone camera) is assumed. `width_px` is the
//!   mean length of the top and bottom sides.
//!
//! # Bounds and cost
//!
//! Work is linear in the input pixels (one pass for the working copy, one more for the
//! region grid when proposals are needed) plus fixed caps: 80 lines, 320 refitted peaks, 320
//! pairs of found lines (plus those with a border), 60 000 + 20 000 quadrilaterals, 6 proposals of
//! 16 quadrilaterals each, 64 points per side and refinement pass. Images whose short side is under 32 pixels, or whose working copy is under
//! 16, are `NotFound` ([`REASON_IMAGE_TOO_SMALL`]). On a 1280 × 960 photo `detect` takes 6–10 ms
//! (median of 30 runs, one thread, release build, shared development machine; `cargo run
//! --release -p openkyc-docdetect --example timing`), of which the two colour planes (blur and
//! Sobel) take about 1 ms (CPU time of the timing example with and without them); the region
//! proposals, when they run, add about 4 ms; the coarse fallback, only when no candidate
//! reaches the confidence, repeats steps 1–6 on a quarter of the working pixels (about 2 ms
//! more on a 1280 × 960 photo without a document). `rectify` takes
//! about 20 ns per output pixel.

mod candidates;
mod edges;
mod geometry;
mod hough;
mod rectify;
mod refine;
mod regions;

use image::RgbImage;
use serde::{Deserialize, Serialize};

use candidates::{best_candidate, improve_from_groups, side_lines, Candidate, SearchLimits, SideLine};
use edges::{downscale_factor, downscale_planes, edge_map};
use geometry::{area_inside_rect, corner_angles_deg, mean_side_aspect, rectified_aspect, signed_area2, Line, Point};
use refine::{refine_side, CoarseSide};

pub use rectify::{rectified_size, rectify, MAX_RECTIFIED_SIDE};

/// `NotFound` reason: the image is too small to look for a document in.
pub const REASON_IMAGE_TOO_SMALL: &str = "image_too_small";
/// `NotFound` reason: no document-like quadrilateral was found (including a document that
/// fills a camera frame, whose outline cannot be seen).
pub const REASON_NO_OUTLINE: &str = "no_document_outline";
/// `NotFound` reason: the best quadrilateral is below [`DetectParams::min_confidence`].
pub const REASON_LOW_CONFIDENCE: &str = "low_confidence";
/// Confidence reported when the image frame is taken as the outline of a scan or tight crop.
pub const FRAME_CONFIDENCE: f32 = 0.5;

/// Smallest image side (input pixels) worth searching.
const MIN_IMAGE_SIDE: u32 = 32;
/// Smallest working-copy side.
const MIN_WORKING_SIDE: usize = 16;
/// Strongest lines taken from the Hough transform (a quarter more may follow for orientations
/// short of lines).
const MAX_LINES: usize = 64;
/// Region proposals are searched only when the line search's best candidate is below this
/// confidence (or there is none): a clear outline needs no second opinion, and most photos
/// then pay nothing for them.
const PROPOSALS_BELOW: f64 = 0.8;
/// Long side ÷ short side of an ID-1 card.
const ID1_ASPECT: f64 = 1.586;
/// When no candidate of the working copy reaches the reporting confidence, the search is
/// repeated on a copy this many times coarser (see step 7 of the crate documentation).
const COARSE_FALLBACK: u32 = 2;

/// Tuning of [`detect`]. `Default` gives the values the tests and timings use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DetectParams {
    /// Distance (input pixels) from the image border within which a side counts as touching
    /// the frame, and an unseen corner as cut. Default 4.
    pub edge_margin: f32,
    /// Long side (pixels) the working copy is box-downscaled to, at most (integer factor).
    /// Default 512; clamped to 64–2048.
    pub working_size: u32,
    /// Smallest visible document area, as a fraction of the image, that is reported.
    /// Default 0.04.
    pub min_area_fraction: f32,
    /// Candidates below this confidence are `NotFound` (`low_confidence`). Default 0.5.
    pub min_confidence: f32,
}

impl Default for DetectParams {
    fn default() -> Self {
        Self {
            edge_margin: 4.0,
            working_size: 512,
            min_area_fraction: 0.04,
            min_confidence: 0.5,
        }
    }
}

/// The outcome of [`detect`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Detection {
    /// No document; `reason` is one of the `REASON_*` codes.
    NotFound {
        /// Why, as a stable snake_case code.
        reason: String,
    },
    /// The document's outline.
    Found(Document),
}

/// A document found in the image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// Top-left, top-right, bottom-right, bottom-left of the document as it reads (long side
    /// horizontal; 180° ambiguity, see the crate doc), in input pixels; may lie outside the
    /// image when the document leaves the frame.
    pub corners: [[f32; 2]; 4],
    /// How document-like the outline is, 0–1: edge support along the perimeter, corners that
    /// end the sides, convexity and corner angles, aspect ratio.
    pub confidence: f32,
    /// Per corner (same order): outside the frame, or within `edge_margin` of it without
    /// being seen (cut).
    pub corners_outside: [bool; 4],
    /// Some part of the outline is within `edge_margin` of the image border (or beyond it).
    pub touches_frame: bool,
    /// Visible document area ÷ image area.
    pub area_fraction: f32,
    /// Perspective steepness: the largest ratio of opposite side lengths, minus 1 (0 for a
    /// frontal shot).
    pub keystone: f32,
    /// Largest |corner angle − 90°|, degrees.
    pub max_corner_angle_deviation_deg: f32,
    /// Estimated long side ÷ short side of the document after rectification.
    pub aspect_ratio: f32,
    /// Estimated document width (long side) in input pixels: the mean length of the top and
    /// bottom sides.
    pub width_px: f32,
}

/// Finds the identity document in `image` (upright, long side ≤ 1280 px expected, any size
/// accepted). See the crate documentation for the method and what is reported.
pub fn detect(image: &RgbImage, params: &DetectParams) -> Detection {
    let (w, h) = image.dimensions();
    if w.min(h) < MIN_IMAGE_SIDE {
        return not_found(REASON_IMAGE_TOO_SMALL);
    }
    let factor = downscale_factor(w, h, params.working_size.clamp(64, 2048));
    let min_area_fraction = f64::from(params.min_area_fraction).clamp(0.0, 1.0);
    let Some(fine) = search(image, factor, min_area_fraction, true, params) else {
        return not_found(REASON_IMAGE_TOO_SMALL);
    };
    let edge_density = fine.map.edges.len() as f64 / (fine.map.width * fine.map.height) as f64;
    let confident = |p: &Pass| {
        p.best
            .as_ref()
            .is_some_and(|c| c.confidence >= f64::from(params.min_confidence))
    };
    // Coarse-to-fine fallback: a blurred outline spreads its step over more working pixels than
    // the edge tests accept; at half the resolution it is twice as sharp.
    let pass = if confident(&fine) {
        fine
    } else {
        // Only documents as large in coarse working pixels as the smallest reported one is in
        // the normal working copy: a smaller one is too few pixels across to be told apart
        // from the objects around it.
        let coarse_min_area = (min_area_fraction * f64::from(COARSE_FALLBACK * COARSE_FALLBACK)).min(1.0);
        // The region proposals are left out there: their grid does not depend on the working
        // copy, so they would only repeat the first pass's.
        match search(image, COARSE_FALLBACK * factor, coarse_min_area, false, params) {
            Some(coarse) if confident(&coarse) => coarse,
            _ => fine,
        }
    };
    let scan_like = FRAME_CONFIDENCE >= params.min_confidence && looks_like_a_scan(w, h, edge_density);
    match &pass.best {
        Some(c)
            if c.confidence >= f64::from(params.min_confidence)
                && !(scan_like && part_of_larger_document(c, &pass.map)) =>
        {
            Detection::Found(build_document(image, c, &pass.lines, pass.factor, params))
        }
        _ if scan_like => Detection::Found(frame_document(w, h)),
        Some(_) => not_found(REASON_LOW_CONFIDENCE),
        None => not_found(REASON_NO_OUTLINE),
    }
}

/// The outline search on one working copy.
struct Pass {
    factor: u32,
    map: edges::EdgeMap,
    lines: Vec<SideLine>,
    best: Option<Candidate>,
}

/// Steps 1–7 of the algorithm (step 7, the region proposals, only with `proposals`) on the
/// working copy downscaled by `factor`, for documents of at least `min_area_fraction` of the
/// image; `None` when the working copy is too small.
fn search(
    image: &RgbImage,
    factor: u32,
    min_area_fraction: f64,
    proposals: bool,
    params: &DetectParams,
) -> Option<Pass> {
    let planes = downscale_planes(image, factor);
    if planes.luma.width.min(planes.luma.height) < MIN_WORKING_SIDE {
        return None;
    }
    let (working_width, working_height) = (planes.luma.width, planes.luma.height);
    let map = edge_map(planes.blurred());
    let short = working_width.min(working_height) as f64;
    // The short side of the smallest document worth reporting (ID-1 proportions): a line needs
    // edge pixels along half of it, and never more than 8% of the image's short side.
    let smallest_side = (min_area_fraction * (working_width * working_height) as f64 / ID1_ASPECT).sqrt();
    let min_votes = (0.08 * short).min(0.5 * smallest_side).max(10.0) as u32;
    let (found, strongest) = hough::find_lines(&map, min_votes, MAX_LINES);
    let mut lines = side_lines(&found, &map);
    let limits = SearchLimits {
        min_area_fraction,
        min_confidence: f64::from(params.min_confidence),
    };
    let mut best = best_candidate(&lines, &map, limits, strongest..found.len());
    if proposals && best.as_ref().is_none_or(|c| c.confidence < PROPOSALS_BELOW) {
        let groups = add_proposal_sides(image, factor, &map, min_area_fraction, &mut lines);
        improve_from_groups(&lines, &map, limits, &groups, &mut best);
    }
    Some(Pass {
        factor,
        map,
        lines,
        best,
    })
}

/// Region proposals (see [`regions`]): each proposed outline's sides are refitted to the
/// working copy's edge pixels (first within 1.5 grid cells + 2 px, as the outline of a coarse
/// region may be that far off) and, when all four have edge pixels along at least 30% of their
/// length, appended to `lines` as a group of their own (index range returned).
fn add_proposal_sides(
    image: &RgbImage,
    factor: u32,
    map: &edges::EdgeMap,
    min_area_fraction: f64,
    lines: &mut Vec<SideLine>,
) -> Vec<std::ops::Range<usize>> {
    let k = f64::from(factor);
    let image_area = f64::from(image.width()) * f64::from(image.height());
    let cell = f64::from(image.width().max(image.height()).div_ceil(regions::GRID_SIZE)) / k;
    let mut groups = Vec::new();
    for quad in regions::proposals(image, min_area_fraction * image_area) {
        let quad = quad.map(|p| p.scale(1.0 / k));
        let coarse: Vec<(Line, f64)> = (0..4)
            .filter_map(|i| {
                let (a, b) = (quad[i], quad[(i + 1) % 4]);
                Line::through(a, b.sub(a)).map(|l| (l, a.distance(b)))
            })
            .collect();
        let sides: Vec<Line> = coarse.iter().map(|c| c.0).collect();
        let fitted: Vec<hough::FoundLine> = hough::fit_near(&sides, map, 1.5 * cell + 2.0, 6)
            .into_iter()
            .zip(&coarse)
            .filter_map(|(f, &(_, length))| f.filter(|f| f64::from(f.votes) >= 0.3 * length))
            .collect();
        if fitted.len() == 4 {
            let start = lines.len();
            lines.extend(fitted.iter().map(|f| SideLine::found(f, map)));
            groups.push(start..lines.len());
        }
    }
    groups
}

/// True when the candidate covers under half of the frame and the frame outside it is about as
/// busy with edges as the inside (at least half the density): in an image with a document's
/// proportions that is a rectangle printed on a frame-filling document (its photo, a text
/// block), not a document lying on a plain surface (a card on a scanned page).
fn part_of_larger_document(c: &Candidate, map: &edges::EdgeMap) -> bool {
    let (w, h) = (map.width as f64, map.height as f64);
    let visible = area_inside_rect(&c.corners, w, h);
    if visible >= 0.5 * w * h {
        return false;
    }
    let clockwise = signed_area2(&c.corners) > 0.0;
    let inside = map
        .edges
        .iter()
        .filter(|e| {
            let p = Point::new(f64::from(e.x), f64::from(e.y));
            (0..4).all(|i| {
                let (a, b) = (c.corners[i], c.corners[(i + 1) % 4]);
                (b.sub(a).cross(p.sub(a)) >= 0.0) == clockwise
            })
        })
        .count() as f64;
    let outside = map.edges.len() as f64 - inside;
    let density_inside = inside / visible.max(1.0);
    let density_outside = outside / (w * h - visible).max(1.0);
    density_outside >= 0.5 * density_inside
}

fn not_found(reason: &str) -> Detection {
    Detection::NotFound {
        reason: reason.to_owned(),
    }
}

/// An image with a document's proportions (and not the 3:2 camera ratio) and some content.
fn looks_like_a_scan(w: u32, h: u32, edge_density: f64) -> bool {
    let (long, short) = (f64::from(w.max(h)), f64::from(w.min(h)));
    let ratio = long / short;
    (1.36..=1.66).contains(&ratio) && (ratio - 1.5).abs() > 0.005 && edge_density >= 0.01
}

/// The whole frame as the document (a scan or a tight crop).
fn frame_document(w: u32, h: u32) -> Document {
    let (fw, fh) = (w as f32, h as f32);
    let corners = if w >= h {
        [[0.0, 0.0], [fw, 0.0], [fw, fh], [0.0, fh]]
    } else {
        // Portrait frame: the document's top edge is the frame's right edge, read downwards.
        [[fw, 0.0], [fw, fh], [0.0, fh], [0.0, 0.0]]
    };
    Document {
        corners,
        confidence: FRAME_CONFIDENCE,
        corners_outside: [false; 4],
        touches_frame: true,
        area_fraction: 1.0,
        keystone: 0.0,
        max_corner_angle_deviation_deg: 0.0,
        aspect_ratio: fw.max(fh) / fw.min(fh),
        width_px: fw.max(fh),
    }
}

/// One corner of the final quadrilateral with what is known about it.
#[derive(Debug, Clone, Copy)]
struct CornerInfo {
    point: Point,
    seen: bool,
}

fn build_document(image: &RgbImage, c: &Candidate, lines: &[SideLine], factor: u32, params: &DetectParams) -> Document {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let k = f64::from(factor);
    let refined = refined_lines(image, c, lines, k);
    let mut corners = [CornerInfo {
        point: Point::default(),
        seen: false,
    }; 4];
    for (i, corner) in corners.iter_mut().enumerate() {
        let coarse = c.corners[i].scale(k);
        let point = match (refined[i], refined[(i + 1) % 4]) {
            (Some(a), Some(b)) => a
                .intersect(&b)
                .filter(|p| p.distance(coarse) <= allowed_move(coarse, k, w, h)),
            _ => None,
        };
        *corner = CornerInfo {
            point: point.unwrap_or(coarse),
            seen: c.corner_seen[i],
        };
    }
    let has_frame_side = c.lines.iter().any(|&i| lines.get(i).is_some_and(|l| l.frame));
    let ordered = reading_order(corners, w, h, has_frame_side);
    let quad = ordered.map(|c| c.point);
    let margin = f64::from(params.edge_margin.max(0.0));
    let inside = |p: Point, m: f64| p.x >= m && p.x <= w - m && p.y >= m && p.y <= h - m;
    let corners_outside = ordered.map(|c| !inside(c.point, 0.0) || (!inside(c.point, margin) && !c.seen));
    let sides = [0, 1, 2, 3].map(|i| quad[i].distance(quad[(i + 1) % 4]));
    let ratio = |a: f64, b: f64| if a > 0.0 && b > 0.0 { a.max(b) / a.min(b) } else { 1.0 };
    let keystone = ratio(sides[0], sides[2]).max(ratio(sides[1], sides[3])) - 1.0;
    let deviation = corner_angles_deg(&quad)
        .iter()
        .map(|a| (a - 90.0).abs())
        .fold(0.0, f64::max);
    let aspect = document_aspect(&quad, w, h, has_frame_side).max(1.0);
    Document {
        corners: quad.map(|p| [p.x as f32, p.y as f32]),
        confidence: c.confidence as f32,
        corners_outside,
        touches_frame: quad.iter().any(|p| !inside(*p, margin)),
        area_fraction: (area_inside_rect(&quad, w, h) / (w * h)) as f32,
        keystone: keystone as f32,
        max_corner_angle_deviation_deg: deviation as f32,
        aspect_ratio: aspect as f32,
        width_px: (0.5 * (sides[0] + sides[2])) as f32,
    }
}

/// How far refinement may move a corner from its coarse position: a few working pixels, more
/// for extrapolated corners far outside the frame (where a small change of angle moves them
/// a lot).
fn allowed_move(coarse: Point, k: f64, w: f64, h: f64) -> f64 {
    let outside = (-coarse.x).max(coarse.x - w).max(-coarse.y).max(coarse.y - h).max(0.0);
    3.0 * k + 4.0 + 0.1 * outside
}

/// Each side refined at input resolution (the image border for a border side); `None` where
/// refinement failed, so the coarse corners are kept there.
fn refined_lines(image: &RgbImage, c: &Candidate, lines: &[SideLine], k: f64) -> [Option<Line>; 4] {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let centroid = c
        .corners
        .iter()
        .fold(Point::default(), |acc, p| acc.add(*p))
        .scale(0.25 * k);
    let mut out = [None; 4];
    for (i, slot) in out.iter_mut().enumerate() {
        let Some(side) = c.lines.get(i).and_then(|&index| lines.get(index)) else {
            continue;
        };
        if side.frame {
            // Border lines at the working copy's extent map to the input image's border.
            let vertical = side.line.normal.x.abs() > 0.5;
            let offset = if side.line.offset <= 0.0 {
                0.0
            } else if vertical {
                w
            } else {
                h
            };
            *slot = Some(Line {
                normal: side.line.normal,
                offset,
            });
            continue;
        }
        let (start, end) = (c.corners[(i + 3) % 4].scale(k), c.corners[i].scale(k));
        let line = side.line.scaled(k);
        let outward = if line.signed_distance(centroid) < 0.0 { 1 } else { -1 };
        let coarse = CoarseSide {
            line,
            polarity: c.polarity[i],
            start,
            end,
            outward,
        };
        *slot = refine_side(image, &coarse, 1.5 * k + 2.0).or(Some(coarse.line));
    }
    out
}

/// Reorders corners clockwise on screen starting at the document's top-left as it reads.
fn reading_order(mut corners: [CornerInfo; 4], w: f64, h: f64, has_frame_side: bool) -> [CornerInfo; 4] {
    if signed_area2(&corners.map(|c| c.point)) < 0.0 {
        corners.reverse();
    }
    // Make the first side a long side.
    let quad = corners.map(|c| c.point);
    if document_aspect_signed(&quad, w, h, has_frame_side) < 1.0 {
        corners.rotate_left(1);
    }
    // Of the two orientations with a long top side, take the one whose top runs rightwards
    // (downwards when vertical).
    let top = corners[1].point.sub(corners[0].point);
    let rightwards = if top.x.abs() > 1e-6 * top.length() {
        top.x > 0.0
    } else {
        top.y > 0.0
    };
    if !rightwards {
        corners.rotate_left(2);
    }
    corners
}

/// Width ÷ height of the document for corners taken as TL, TR, BR, BL (may be below 1).
fn document_aspect_signed(quad: &[Point; 4], w: f64, h: f64, has_frame_side: bool) -> f64 {
    if has_frame_side {
        mean_side_aspect(quad)
    } else {
        rectified_aspect(quad, Point::new(0.5 * w, 0.5 * h), w.hypot(h))
    }
}

/// Long side ÷ short side of the document.
fn document_aspect(quad: &[Point; 4], w: f64, h: f64, has_frame_side: bool) -> f64 {
    let r = document_aspect_signed(quad, w, h, has_frame_side);
    if r > 0.0 && r.is_finite() {
        r.max(1.0 / r)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_tiny_images_are_not_found() {
        for (w, h) in [(0, 0), (1, 1), (31, 500), (500, 31), (5000, 40)] {
            let detection = detect(&RgbImage::new(w, h), &DetectParams::default());
            assert_eq!(detection, not_found(REASON_IMAGE_TOO_SMALL), "{w}×{h}");
        }
    }

    #[test]
    fn a_flat_image_has_no_outline() {
        let img = RgbImage::from_pixel(320, 240, image::Rgb([128, 128, 128]));
        assert_eq!(detect(&img, &DetectParams::default()), not_found(REASON_NO_OUTLINE));
    }

    #[test]
    fn scan_proportions() {
        assert!(looks_like_a_scan(856, 540, 0.05));
        assert!(looks_like_a_scan(880, 1250, 0.05));
        assert!(!looks_like_a_scan(856, 540, 0.001));
        assert!(!looks_like_a_scan(640, 480, 0.05));
        assert!(!looks_like_a_scan(1280, 720, 0.05));
        assert!(!looks_like_a_scan(1200, 800, 0.05));
    }
}
