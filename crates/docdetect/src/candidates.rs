//! Candidate quadrilaterals from pairs of near-parallel lines, and their scores.
//!
//! Every found line gets an *edge profile*: for each pixel step along the line, whether a step
//! between two regions of different brightness crosses it (see [`Profile::build`]). Prefix sums
//! over the profile make the edge support of any segment of the line an O(1) lookup, so
//! thousands of candidate quadrilaterals can be scored exhaustively. The four image borders
//! join the lines, standing in for a document side that lies outside the frame.

use crate::edges::EdgeMap;
use crate::geometry::{
    area_inside_rect, corner_angles_deg, diagonal_centre, is_convex, mean_side_aspect, perspective, signed_area2, Line,
    Point,
};
use crate::hough::FoundLine;

/// Largest angle (degrees) between the two lines of an opposite-side pair (perspective).
const MAX_PAIR_ANGLE_DEG: f64 = 60.0;
/// Smallest angle (degrees) between adjacent sides.
const MIN_CORNER_ANGLE_DEG: f64 = 30.0;
/// Caps that bound the enumeration: line pairs kept, and quadrilaterals evaluated.
const MAX_PAIRS: usize = 320;
const MAX_QUADS: usize = 60_000;
/// Partners taken per extra line (see [`best_candidate`]), and the quadrilaterals evaluated
/// with them, at most.
const EXTRA_PARTNERS: usize = 6;
const MAX_EXTRA_QUADS: usize = 20_000;
/// Quadrilaterals evaluated per region proposal, at most.
const MAX_GROUP_QUADS: usize = 16;
/// Shortest run of step-edge samples (with gaps of up to `MAX_GAP`) that counts as edge.
const MIN_RUN: usize = 5;
const MAX_GAP: usize = 2;
/// Distance (px) either side of a line at which the two regions are compared.
const STEP_REACH: f64 = 3.0;
/// Half-width (px) of the band across a line searched for its edge.
const BAND: isize = 2;
/// Document aspect ratios (long ÷ short) the prior favours: ID-2 / ID-3 (passport data page)
/// at 1.42 and ID-1 cards at 1.586, with a tolerance for perspective.
const ASPECT_RANGE: (f64, f64) = (1.32, 1.72);

/// Confidence factor per image-border side (unseen), also standing in for the aspect prior,
/// which cannot be judged on a partly visible document.
const FRAME_FACTOR: f64 = 0.8;

/// One side-line of a candidate: a found line or an image border.
#[derive(Debug, Clone)]
pub(crate) struct SideLine {
    pub line: Line,
    /// Number of edge pixels on it (0 for a border).
    pub votes: u32,
    /// True for an image border: the document side is not visible there.
    pub frame: bool,
    profile: Profile,
    /// Where along the line its edge is (see [`Profile::extent`]), as two points.
    extent: Option<(Point, Point)>,
}

/// Edge hits along a line, sampled at unit steps from parameter `t0 + 0.5`.
#[derive(Debug, Clone, Default)]
struct Profile {
    t0: f64,
    /// Prefix counts of samples with a positive (along the normal) / negative step edge.
    positive: Vec<u32>,
    negative: Vec<u32>,
}

/// Edge statistics of one segment of a line.
#[derive(Debug, Clone, Copy, Default)]
struct Segment {
    samples: u32,
    positive: u32,
    negative: u32,
}

impl Segment {
    /// Edge samples of one polarity (`±1`), or of either (`0`).
    fn hits(&self, polarity: i8) -> u32 {
        match polarity {
            1 => self.positive,
            -1 => self.negative,
            _ => self.positive + self.negative,
        }
    }

    fn dominant(&self) -> i8 {
        if self.positive >= self.negative {
            1
        } else {
            -1
        }
    }

    fn fraction(&self, polarity: i8) -> Option<f64> {
        (self.samples > 0).then(|| f64::from(self.hits(polarity)) / f64::from(self.samples))
    }
}

impl Profile {
    /// At every pixel step along the line inside the image: a step of polarity ±1 when the
    /// strongest gradient across the line within ±`BAND` px (within ~34° of its normal) reaches
    /// the edge threshold and the brightness `STEP_REACH` px to either side differs by at least
    /// the threshold; runs shorter than `MIN_RUN` are then dropped (see [`keep_runs`]).
    fn build(line: &Line, map: &EdgeMap) -> Self {
        let (w, h) = (map.width as f64, map.height as f64);
        let Some((t0, t1)) = line.clip_to_rect(w, h) else {
            return Self::default();
        };
        let n = (t1 - t0).floor().max(0.0) as usize;
        let (anchor, d, nrm) = (line.anchor(), line.direction(), line.normal);
        let (nx, ny, dx, dy) = (nrm.x as f32, nrm.y as f32, d.x as f32, d.y as f32);
        let mut steps = vec![0i8; n];
        let t = map.threshold;
        for (i, step) in steps.iter_mut().enumerate() {
            let p = anchor.add(d.scale(t0 + i as f64 + 0.5));
            let mut strongest = 0f32;
            for s in -BAND..=BAND {
                let q = p.add(nrm.scale(s as f64));
                let (gx, gy) = map.gradient(q.x.floor() as isize, q.y.floor() as isize);
                let across = gx * nx + gy * ny;
                let along = (gx * dx + gy * dy).abs();
                // Only gradients within ~34° of the normal count as crossing the line.
                if across.abs() >= 1.5 * along {
                    strongest = strongest.max(across.abs());
                }
            }
            if strongest < t {
                continue;
            }
            // A document side separates two regions of different brightness; a thin line or
            // a scratch has the same brightness on both sides and does not count.
            let (outer, inner) = (p.add(nrm.scale(-STEP_REACH)), p.add(nrm.scale(STEP_REACH)));
            let contrast = map.contrast(
                (outer.x.floor() as isize, outer.y.floor() as isize),
                (inner.x.floor() as isize, inner.y.floor() as isize),
            );
            *step = if contrast >= t {
                1
            } else if contrast <= -t {
                -1
            } else {
                0
            };
        }
        keep_runs(&mut steps);
        let mut positive = Vec::with_capacity(n + 1);
        let mut negative = Vec::with_capacity(n + 1);
        let (mut pos_total, mut neg_total) = (0u32, 0u32);
        positive.push(0);
        negative.push(0);
        for &step in &steps {
            pos_total += u32::from(step > 0);
            neg_total += u32::from(step < 0);
            positive.push(pos_total);
            negative.push(neg_total);
        }
        Self { t0, positive, negative }
    }

    /// The parameter interval holding the middle 80% of the line's edge samples (`None` when it
    /// has fewer than `MIN_RUN`): where along the line its edge is.
    fn extent(&self) -> Option<(f64, f64)> {
        let count = |i: usize| self.positive.get(i).copied().unwrap_or(0) + self.negative.get(i).copied().unwrap_or(0);
        let total = count(self.positive.len().saturating_sub(1));
        if (total as usize) < MIN_RUN {
            return None;
        }
        let (lo_hits, hi_hits) = (total / 10, total - total / 10);
        let first = (0..self.positive.len()).find(|&i| count(i) > lo_hits)?;
        let last = (0..self.positive.len()).find(|&i| count(i) >= hi_hits)?;
        Some((self.t0 + first as f64 - 0.5, self.t0 + last as f64 + 0.5))
    }

    /// Statistics of the samples whose parameter lies in `[a, b]`.
    fn segment(&self, a: f64, b: f64) -> Segment {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let n = self.positive.len().saturating_sub(1);
        if n == 0 || !(a.is_finite() && b.is_finite()) {
            return Segment::default();
        }
        let lo = (a - self.t0 - 0.5).ceil().max(0.0);
        let hi = (b - self.t0 - 0.5).floor().min(n as f64 - 1.0);
        if hi < lo {
            return Segment::default();
        }
        let (lo, hi) = (lo as usize, hi as usize + 1);
        let count = |v: &[u32]| {
            v.get(hi)
                .copied()
                .unwrap_or(0)
                .saturating_sub(v.get(lo).copied().unwrap_or(0))
        };
        Segment {
            samples: (hi - lo) as u32,
            positive: count(&self.positive),
            negative: count(&self.negative),
        }
    }
}

/// Clears step samples that are not part of a run of at least `MIN_RUN` samples of one
/// polarity (gaps of up to `MAX_GAP` samples bridged): a document side is a long continuous
/// edge, possibly changing polarity where the document's own colour changes, while texture
/// crosses a line in short, scattered steps of either polarity.
fn keep_runs(steps: &mut [i8]) {
    let n = steps.len();
    let mut i = 0;
    while i < n {
        let polarity = steps.get(i).copied().unwrap_or(0);
        if polarity == 0 {
            i += 1;
            continue;
        }
        // Extend the run over same-polarity samples with short gaps.
        let (mut end, mut count, mut j) = (i, 0usize, i);
        while j < n && j <= end + MAX_GAP + 1 {
            let s = steps.get(j).copied().unwrap_or(0);
            if s == polarity {
                end = j;
                count += 1;
            } else if s != 0 {
                break;
            }
            j += 1;
        }
        if count < MIN_RUN {
            for s in steps.iter_mut().take(end + 1).skip(i) {
                if *s == polarity {
                    *s = 0;
                }
            }
        }
        i = end + 1;
    }
}

impl SideLine {
    /// A found line with its edge profile.
    pub(crate) fn found(f: &FoundLine, map: &EdgeMap) -> Self {
        let profile = Profile::build(&f.line, map);
        let at = |t: f64| f.line.anchor().add(f.line.direction().scale(t));
        Self {
            line: f.line,
            votes: f.votes,
            frame: false,
            extent: profile.extent().map(|(a, b)| (at(a), at(b))),
            profile,
        }
    }
}

/// The side-lines: found lines (strongest first) followed by the four image borders.
pub(crate) fn side_lines(found: &[FoundLine], map: &EdgeMap) -> Vec<SideLine> {
    let mut lines: Vec<SideLine> = found.iter().map(|f| SideLine::found(f, map)).collect();
    let (w, h) = (map.width as f64, map.height as f64);
    for (normal, offset) in [
        (Point::new(1.0, 0.0), 0.0),
        (Point::new(1.0, 0.0), w),
        (Point::new(0.0, 1.0), 0.0),
        (Point::new(0.0, 1.0), h),
    ] {
        lines.push(SideLine {
            line: Line { normal, offset },
            votes: 0,
            frame: true,
            profile: Profile::default(),
            extent: None,
        });
    }
    lines
}

/// A scored candidate quadrilateral in working coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Indices into the side-lines, in cyclic order around the quadrilateral.
    pub lines: [usize; 4],
    /// `corners[i]` is where `lines[i]` meets `lines[i + 1]`.
    pub corners: [Point; 4],
    /// Dominant gradient sign along each line's normal (0 for a border side or a side whose
    /// polarity changes along it).
    pub polarity: [i8; 4],
    /// Whether both sides run with edge support up to the corner, i.e. the corner is visible.
    pub corner_seen: [bool; 4],
    /// How document-like, in `[0, 1]`.
    pub confidence: f64,
    /// `confidence` weighted towards larger documents; used to rank candidates.
    pub score: f64,
}

/// Limits of the search, in working pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SearchLimits {
    pub min_area_fraction: f64,
    /// Confidence a candidate needs to be reported.
    pub min_confidence: f64,
}

/// Scores every admissible quadrilateral and returns the best one, if any.
///
/// `extra` (an index range of `lines`) holds the lines added for orientations short of lines
/// (see [`crate::hough::find_lines`]). They are searched apart, so that they cannot take the
/// capped enumeration's share from the strongest lines: first the quadrilaterals of the other
/// lines, exactly as if there were no extra lines; then each extra line's best partners
/// ([`EXTRA_PARTNERS`], ranked as in [`opposite_pairs`]) with every pair of the first search,
/// at most [`MAX_EXTRA_QUADS`] quadrilaterals, of which one replaces the best only if it also
/// reaches the reporting confidence.
pub(crate) fn best_candidate(
    lines: &[SideLine],
    map: &EdgeMap,
    limits: SearchLimits,
    extra: std::ops::Range<usize>,
) -> Option<Candidate> {
    let (w, h) = (map.width as f64, map.height as f64);
    let min_separation = (0.06 * w.min(h)).max(6.0);
    let mut best = None;
    let pairs = opposite_pairs(lines, w, h, min_separation, &extra);
    search_pairs(
        &pairs,
        lines,
        w,
        h,
        limits,
        Enumeration::all(pairs.len(), MAX_QUADS),
        &mut best,
    );
    if !extra.is_empty() {
        let mut with_extra = extra_pairs(lines, w, h, min_separation, &extra);
        let enumeration = Enumeration {
            outer: with_extra.len(),
            max_quads: MAX_EXTRA_QUADS,
            // A less likely outline that cannot be reported must not replace a likelier one.
            min_confidence: limits.min_confidence,
        };
        with_extra.extend(pairs);
        search_pairs(&with_extra, lines, w, h, limits, enumeration, &mut best);
    }
    best
}

/// Pairs with at least one line of `extra`: each extra line's best `EXTRA_PARTNERS` partners
/// among all lines (borders included), ranked like the found pairs of [`opposite_pairs`].
fn extra_pairs(
    lines: &[SideLine],
    w: f64,
    h: f64,
    min_separation: f64,
    extra: &std::ops::Range<usize>,
) -> Vec<(usize, usize)> {
    let min_cos = MAX_PAIR_ANGLE_DEG.to_radians().cos();
    let mut pairs = Vec::new();
    for i in extra.clone() {
        let Some(a) = lines.get(i) else {
            continue;
        };
        let mut partners: Vec<(f64, usize)> = Vec::new();
        for (j, b) in lines.iter().enumerate() {
            // A pair of two extra lines is taken from the first of them.
            if j == i || (extra.contains(&j) && j < i) {
                continue;
            }
            if a.line.normal.dot(b.line.normal).abs() < min_cos || separation(&a.line, &b.line, w, h) < min_separation {
                continue;
            }
            // A border faces every line; rank it as a half-overlapping partner.
            let rank = if b.frame { 0.5 } else { pair_rank(a, b) };
            partners.push((rank, j));
        }
        partners.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        pairs.extend(partners.iter().take(EXTRA_PARTNERS).map(|&(_, j)| (i.min(j), i.max(j))));
    }
    pairs
}

/// How well two lines make opposite sides, 0–1: the overlap of their edge extents,
/// discounted for an angle between them beyond 20° (down to ½ at 60°).
fn pair_rank(a: &SideLine, b: &SideLine) -> f64 {
    let angle = a.line.angle_to_deg(&b.line);
    let discount = 1.0 - 0.5 * ((angle - 20.0) / 40.0).clamp(0.0, 1.0);
    discount * extent_overlap(a, b)
}

/// Searches each of `groups` (index ranges of `lines`: the sides of one region proposal) on its
/// own, every pair of its lines a possible pair of opposite sides, and replaces `best` by a
/// better candidate found there. The groups are kept out of [`best_candidate`]'s capped
/// enumeration, so they neither take its share nor are left out by it.
pub(crate) fn improve_from_groups(
    lines: &[SideLine],
    map: &EdgeMap,
    limits: SearchLimits,
    groups: &[std::ops::Range<usize>],
    best: &mut Option<Candidate>,
) {
    let (w, h) = (map.width as f64, map.height as f64);
    let min_separation = (0.06 * w.min(h)).max(6.0);
    let min_cos = MAX_PAIR_ANGLE_DEG.to_radians().cos();
    for group in groups {
        let mut pairs = Vec::new();
        for i in group.clone() {
            for j in i + 1..group.end {
                let (Some(a), Some(b)) = (lines.get(i), lines.get(j)) else {
                    continue;
                };
                if a.line.normal.dot(b.line.normal).abs() >= min_cos
                    && separation(&a.line, &b.line, w, h) >= min_separation
                {
                    pairs.push((i, j));
                }
            }
        }
        search_pairs(
            &pairs,
            lines,
            w,
            h,
            limits,
            Enumeration::all(pairs.len(), MAX_GROUP_QUADS),
            best,
        );
    }
}

/// Which quadrilaterals [`search_pairs`] evaluates, and which may replace the best.
#[derive(Debug, Clone, Copy)]
struct Enumeration {
    /// The first pair of a quadrilateral is among the first `outer` pairs.
    outer: usize,
    /// Quadrilaterals evaluated, at most.
    max_quads: usize,
    /// Confidence a candidate needs to replace the best (besides a higher score).
    min_confidence: f64,
}

impl Enumeration {
    /// Every quadrilateral of two of `pairs` (at most `max_quads`), the best by score.
    fn all(pairs: usize, max_quads: usize) -> Self {
        Self {
            outer: pairs,
            max_quads,
            min_confidence: 0.0,
        }
    }
}

/// Evaluates the quadrilaterals made of two of `pairs` as `enumeration` says, keeping the best
/// in `best`.
fn search_pairs(
    pairs: &[(usize, usize)],
    lines: &[SideLine],
    w: f64,
    h: f64,
    limits: SearchLimits,
    enumeration: Enumeration,
    best: &mut Option<Candidate>,
) {
    // Adjacent sides must meet at MIN_CORNER_ANGLE_DEG or more (compared by cosine).
    let max_cos = MIN_CORNER_ANGLE_DEG.to_radians().cos();
    let steep = |p: &SideLine, q: &SideLine| p.line.normal.dot(q.line.normal).abs() <= max_cos;
    let mut evaluated = 0usize;
    for (i, &(a1, a2)) in pairs.iter().enumerate().take(enumeration.outer) {
        for &(b1, b2) in pairs.iter().skip(i + 1) {
            if [b1, b2].contains(&a1) || [b1, b2].contains(&a2) {
                continue;
            }
            let quad = [a1, b1, a2, b2];
            let lines4 = quad.map(|k| lines.get(k));
            let [Some(l0), Some(l1), Some(l2), Some(l3)] = lines4 else {
                continue;
            };
            let frame_sides = [l0, l1, l2, l3].iter().filter(|l| l.frame).count();
            if frame_sides > 2 || !(steep(l0, l1) && steep(l1, l2) && steep(l2, l3) && steep(l3, l0)) {
                continue;
            }
            evaluated += 1;
            if evaluated > enumeration.max_quads {
                return;
            }
            let to_beat = best.as_ref().map_or(0.0, |b| b.score);
            if let Some(candidate) = evaluate(quad, [l0, l1, l2, l3], w, h, limits, to_beat) {
                if candidate.confidence >= enumeration.min_confidence
                    && best.as_ref().is_none_or(|b| candidate.score > b.score)
                {
                    *best = Some(candidate);
                }
            }
        }
    }
}

/// Pairs of near-parallel lines far enough apart to be opposite sides: pairs of found lines
/// (capped), then every pair involving a border.
///
/// The found pairs are shared out fairly: in rounds, each line (strongest first) adds its next
/// best partner, partners ranked by their votes, discounted for the angle between the two
/// lines beyond 20° (down to ½ at 60°). Ranking all pairs by votes alone would spend the
/// whole cap on the many strong lines of a textured background (wood, a tiled floor) and
/// leave none for the short sides of a small document.
///
/// Lines in `skip` take no part.
fn opposite_pairs(
    lines: &[SideLine],
    w: f64,
    h: f64,
    min_separation: f64,
    skip: &std::ops::Range<usize>,
) -> Vec<(usize, usize)> {
    let min_cos = MAX_PAIR_ANGLE_DEG.to_radians().cos();
    let n = lines.len();
    let mut partners: Vec<Vec<(f64, usize)>> = vec![Vec::new(); n];
    let mut strongest = Vec::new();
    let mut with_frame = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            if skip.contains(&i) || skip.contains(&j) {
                continue;
            }
            let (Some(a), Some(b)) = (lines.get(i), lines.get(j)) else {
                continue;
            };
            if a.line.normal.dot(b.line.normal).abs() < min_cos || separation(&a.line, &b.line, w, h) < min_separation {
                continue;
            }
            if a.frame || b.frame {
                with_frame.push((i, j));
                continue;
            }
            let rank = pair_rank(a, b);
            strongest.push((a.votes.min(b.votes), i, j));
            if let Some(pa) = partners.get_mut(i) {
                pa.push((rank, j));
            }
            if let Some(pb) = partners.get_mut(j) {
                pb.push((rank, i));
            }
        }
    }
    for list in &mut partners {
        list.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
    }
    let mut taken = vec![false; n * n];
    let mut found = Vec::new();
    strongest.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for &(_, i, j) in strongest.iter().take(MAX_PAIRS / 2) {
        if let Some(seen) = taken.get_mut(i * n + j) {
            *seen = true;
        }
        found.push((i, j));
    }
    let longest = partners.iter().map(Vec::len).max().unwrap_or(0);
    'rounds: for round in 0..longest {
        for (i, list) in partners.iter().enumerate() {
            let Some(&(_, j)) = list.get(round) else {
                continue;
            };
            let (lo, hi) = (i.min(j), i.max(j));
            if let Some(seen) = taken.get_mut(lo * n + hi) {
                if !*seen {
                    *seen = true;
                    found.push((lo, hi));
                    if found.len() >= MAX_PAIRS {
                        break 'rounds;
                    }
                }
            }
        }
    }
    found.into_iter().chain(with_frame).collect()
}

/// How well the edges of two lines face each other, 0–1: the overlap of their extents
/// (projected on the first line) over the longer one. Opposite sides of a document overlap
/// almost completely; a short side and a line across the whole image do not.
fn extent_overlap(a: &SideLine, b: &SideLine) -> f64 {
    let (Some((a0, a1)), Some((b0, b1))) = (a.extent, b.extent) else {
        return 0.0;
    };
    let d = a.line.direction();
    let (a0, a1, b0, b1) = (a0.dot(d), a1.dot(d), b0.dot(d), b1.dot(d));
    let (a0, a1) = (a0.min(a1), a0.max(a1));
    let (b0, b1) = (b0.min(b1), b0.max(b1));
    let overlap = (a1.min(b1) - a0.max(b0)).max(0.0);
    let longer = (a1 - a0).max(b1 - b0);
    if longer > 0.0 {
        overlap / longer
    } else {
        0.0
    }
}

/// Distance from the middle of `a`'s visible part to `b`.
fn separation(a: &Line, b: &Line, w: f64, h: f64) -> f64 {
    let Some((t0, t1)) = a.clip_to_rect(w, h) else {
        return 0.0;
    };
    let middle = a.anchor().add(a.direction().scale(0.5 * (t0 + t1)));
    b.signed_distance(middle).abs()
}

/// Geometry and edge evidence of one quadrilateral; `None` when it is not admissible or
/// cannot score above `to_beat` (the best score so far: the details are then not worked out).
fn evaluate(
    indices: [usize; 4],
    lines: [&SideLine; 4],
    w: f64,
    h: f64,
    limits: SearchLimits,
    to_beat: f64,
) -> Option<Candidate> {
    let mut corners = [Point::default(); 4];
    for i in 0..4 {
        let c = lines[i].line.intersect(&lines[(i + 1) % 4].line)?;
        if c.x < -w || c.x > 2.0 * w || c.y < -h || c.y > 2.0 * h {
            return None;
        }
        corners[i] = c;
    }
    if !is_convex(&corners) {
        return None;
    }
    let image_area = w * h;
    let full_area = 0.5 * signed_area2(&corners).abs();
    let inside = corners.iter().all(|c| c.x >= 0.0 && c.x <= w && c.y >= 0.0 && c.y <= h);
    let visible_area = if inside {
        full_area
    } else {
        area_inside_rect(&corners, w, h)
    };
    if visible_area < limits.min_area_fraction * image_area || visible_area < 0.5 * full_area {
        return None;
    }
    // Whole-side support first: it bounds the score, and most candidates stop here.
    let mut sides = [None; 4];
    let (mut hits, mut samples, mut min_support) = (0u32, 0u32, f64::INFINITY);
    for i in 0..4 {
        // Side i lies on lines[i] from corners[i - 1] to corners[i].
        let (start, end) = (corners[(i + 3) % 4], corners[i]);
        let side = lines[i];
        if side.frame {
            if !frame_side_on_border(&side.line, start, end, w, h) {
                return None;
            }
            continue;
        }
        let support = side_support(side, start, end)?;
        hits += support.hits;
        samples += support.samples;
        min_support = min_support.min(f64::from(support.hits) / f64::from(support.samples.max(1)));
        sides[i] = Some(support);
    }
    let mean_support = f64::from(hits) / f64::from(samples.max(1));
    if !(min_support >= 0.3 && mean_support >= 0.45) {
        return None;
    }
    let support = 0.5 * (mean_support + min_support);
    let area_weight = (visible_area / image_area).powf(0.25);
    let frame = lines.map(|l| l.frame);
    // The shape with border corners left out bounds the score; it applies when a whole side
    // is seen (below).
    let lenient_shape = shape_factor(&corners, frame, true, w, h);
    if support * lenient_shape * area_weight <= to_beat {
        return None;
    }
    let centroid = corners.iter().fold(Point::default(), |acc, c| acc.add(*c)).scale(0.25);
    let mut polarity = [0i8; 4];
    let mut near_corner = [[None; 2]; 4];
    let (mut beyond_sum, mut beyond_count, mut brighter, mut darker) = (0.0, 0u32, 0u32, 0u32);
    for i in 0..4 {
        let (Some(support), Some(side)) = (sides[i], lines.get(i)) else {
            continue;
        };
        let (start, end) = (corners[(i + 3) % 4], corners[i]);
        // Ends on a border side: the previous side for the start, the next for the end.
        let on_border = [lines[(i + 3) % 4].frame, lines[(i + 1) % 4].frame];
        let ends = side_ends(side, start, end, on_border, w, h);
        polarity[i] = support.polarity;
        near_corner[i] = ends.near_end;
        for b in ends.beyond.iter().flatten() {
            beyond_sum += b;
            beyond_count += 1;
        }
        if support.polarity != 0 {
            if brighter_inside(&side.line, support.polarity, start, centroid) {
                brighter += 1;
            } else {
                darker += 1;
            }
        }
    }
    // Corner i joins side i (its end) and side i + 1 (its start).
    let mut corner_seen = [false; 4];
    for (i, seen) in corner_seen.iter_mut().enumerate() {
        let (a, b) = (near_corner[i][1], near_corner[(i + 1) % 4][0]);
        *seen = a.is_some_and(|s| s >= 0.5) && b.is_some_and(|s| s >= 0.5);
        // A border side is only believable if the adjacent sides run right up to the border.
        let on_frame = lines[i].frame || lines[(i + 1) % 4].frame;
        if on_frame && !(a.is_none_or(|s| s >= 0.5) && b.is_none_or(|s| s >= 0.5)) {
            return None;
        }
    }
    // Where a side meets a border there is no document corner, and its angle is that of the
    // document to the frame: it says nothing once a whole side is seen, corner to corner.
    // Short of that, the border corners' angles are what keeps texture lines cutting off a
    // part of the image from passing for a document.
    let true_corner = |i: &usize| !frame[*i] && !frame[(*i + 1) % 4];
    let true_corners = (0..4).filter(true_corner).count();
    let seen_true_corners = (0..4).filter(true_corner).filter(|&i| corner_seen[i]).count();
    let side_seen = true_corners >= 2 && seen_true_corners == true_corners;
    // With two border sides, two lines crossing part of the frame are all there is, which
    // texture (wood grain, a table edge) gives as readily: a document corner must be seen.
    if frame.iter().filter(|&&f| f).count() >= 2 && seen_true_corners == 0 {
        return None;
    }
    let shape = if side_seen {
        lenient_shape
    } else {
        shape_factor(&corners, frame, false, w, h)
    };
    // Edges that carry on past the corners belong to longer lines (a grid, a table edge).
    let termination = if beyond_count > 0 {
        1.0 - 0.5 * beyond_sum / f64::from(beyond_count)
    } else {
        1.0
    };
    // A document is usually uniformly brighter (or darker) than what surrounds it.
    let uniform = if brighter == 0 || darker == 0 { 1.0 } else { 0.85 };
    let confidence = (support * shape * termination * uniform).clamp(0.0, 1.0);
    let score = confidence * area_weight;
    Some(Candidate {
        lines: indices,
        corners,
        polarity,
        corner_seen,
        confidence,
        score,
    })
}

/// A border side must run along the border for at least a third of its length (it may carry
/// on past an image corner when the document leaves the frame across that corner too).
fn frame_side_on_border(line: &Line, start: Point, end: Point, w: f64, h: f64) -> bool {
    let Some((t0, t1)) = line.clip_to_rect(w, h) else {
        return false;
    };
    let (anchor, d) = (line.anchor(), line.direction());
    let (ta, tb) = (start.sub(anchor).dot(d), end.sub(anchor).dot(d));
    let (lo, hi) = (ta.min(tb), ta.max(tb));
    let overlap = hi.min(t1) - lo.max(t0);
    overlap >= (hi - lo) / 3.0
}

/// Edge support of the visible part of one side.
#[derive(Debug, Clone, Copy)]
struct SideSupport {
    /// Supported and visible samples.
    hits: u32,
    samples: u32,
    /// The dominant polarity along the line's normal; 0 when mixed (at least a quarter of the
    /// edge samples have the minority polarity).
    polarity: i8,
}

/// `None` when less than 30% of the side (or 6 px) is inside the image.
fn side_support(side: &SideLine, start: Point, end: Point) -> Option<SideSupport> {
    let (anchor, d) = (side.line.anchor(), side.line.direction());
    let (ta, tb) = (start.sub(anchor).dot(d), end.sub(anchor).dot(d));
    let whole = side.profile.segment(ta, tb);
    if f64::from(whole.samples) < (0.3 * (tb - ta).abs()).max(6.0) {
        return None;
    }
    // Both polarities count: a side may change polarity where the document's colour does.
    let polarity = if whole.positive.min(whole.negative) * 4 >= whole.positive + whole.negative {
        0
    } else {
        whole.dominant()
    };
    Some(SideSupport {
        hits: whole.positive + whole.negative,
        samples: whole.samples,
        polarity,
    })
}

/// Edge support near and beyond the two ends of a side.
#[derive(Debug, Clone, Copy)]
struct SideEnds {
    /// Support just beyond each end (where the line should no longer be an edge), measured
    /// only beyond corners inside the image.
    beyond: [Option<f64>; 2],
    /// Support just inside each end (start, end), `None` where not visible: 4–20% of the side
    /// length from a corner (clear of a rounded corner), or from 2 px to 10% (at least 8 px)
    /// from an end on the image border, where the side must run right up to the border.
    near_end: [Option<f64>; 2],
}

fn side_ends(side: &SideLine, start: Point, end: Point, on_border: [bool; 2], w: f64, h: f64) -> SideEnds {
    let (anchor, d) = (side.line.anchor(), side.line.direction());
    let (ta, tb) = (start.sub(anchor).dot(d), end.sub(anchor).dot(d));
    let length = (tb - ta).abs();
    let direction = (tb - ta).signum();
    let inside_image = |p: Point| p.x >= 2.0 && p.x <= w - 2.0 && p.y >= 2.0 && p.y <= h - 2.0;
    let fraction_between = |from: f64, to: f64| {
        let s = side.profile.segment(from, to);
        (s.samples >= 3).then(|| s.fraction(0)).flatten()
    };
    let beyond = [(ta, -direction, start), (tb, direction, end)].map(|(t, out, corner)| {
        inside_image(corner)
            .then(|| fraction_between(t + out * 0.03 * length, t + out * 0.15 * length))
            .flatten()
    });
    let near_end = [(ta, direction, on_border[0]), (tb, -direction, on_border[1])].map(|(t, inward, border)| {
        if border {
            fraction_between(t + inward * 2.0, t + inward * (0.1 * length).max(8.0))
        } else {
            fraction_between(t + inward * 0.04 * length, t + inward * 0.2 * length)
        }
    });
    SideEnds { beyond, near_end }
}

/// True when the document is brighter than its surroundings across this side.
fn brighter_inside(line: &Line, polarity: i8, on_side: Point, centroid: Point) -> bool {
    let inward = line.normal.dot(centroid.sub(on_side));
    (inward >= 0.0) == (polarity > 0)
}

/// The geometric part of the confidence: corner angles, aspect ratio, border sides.
///
/// Corner angles far from 90° are what a steep perspective gives, and also what an outline
/// made of unrelated lines gives. They are tolerated more when the quadrilateral is a
/// consistent view of a rectangle: the focal length solved from its two vanishing points is
/// plausible for a principal point at the image centre, or at the quadrilateral's own centre
/// (the camera aimed at the document), or it is a trapezoid (a tilt about one axis).
///
/// `frame[i]` tells whether the side into `corners[i]` is an image border. With
/// `skip_border_corners`, the angles where a side meets a border are left out (see
/// [`true_corner_deviation`]).
fn shape_factor(corners: &[Point; 4], frame: [bool; 4], skip_border_corners: bool, w: f64, h: f64) -> f64 {
    let max_deviation = corner_angles_deg(corners)
        .iter()
        .map(|a| (a - 90.0).abs())
        .fold(0.0, f64::max);
    let frame_sides = frame.iter().filter(|&&f| f).count();
    if frame_sides > 0 {
        // Only the visible part is known, which may be any shape short of a sliver.
        let max_deviation = if skip_border_corners {
            true_corner_deviation(corners, frame)
        } else {
            max_deviation
        };
        let visible = mean_side_aspect(corners);
        let ratio = visible.max(1.0 / visible.max(1e-9));
        let sliver = if ratio <= 2.2 {
            1.0
        } else {
            (-((ratio / 2.2).ln() / 0.3).powi(2)).exp()
        };
        return angle_prior(max_deviation, false) * 0.9 * sliver * FRAME_FACTOR.powi(frame_sides as i32);
    }
    let diagonal = w.hypot(h);
    let mut view = perspective(corners, Point::new(0.5 * w, 0.5 * h), diagonal);
    if max_deviation > FRONTAL_DEVIATION_DEG && !view.is_some_and(|v| v.focal_measured) {
        if let Some(aimed) = diagonal_centre(corners)
            .and_then(|c| perspective(corners, c, diagonal))
            .filter(|v| v.focal_measured)
        {
            view = Some(aimed);
        }
    }
    let consistent = view.is_some_and(|v| v.focal_measured || v.one_vanishing_point);
    let aspect = view.map_or_else(|| mean_side_aspect(corners), |v| v.aspect);
    angle_prior(max_deviation, consistent) * aspect_prior(aspect)
}

/// Largest |angle − 90°| (degrees) over the corners where two found sides meet, or over all
/// four corners when there is none (two opposite borders).
fn true_corner_deviation(corners: &[Point; 4], frame: [bool; 4]) -> f64 {
    let deviations = corner_angles_deg(corners).map(|a| (a - 90.0).abs());
    let at_true_corners = (0..4)
        .filter(|&i| !frame[i] && !frame[(i + 1) % 4])
        .map(|i| deviations[i])
        .reduce(f64::max);
    at_true_corners.unwrap_or_else(|| deviations.iter().copied().fold(0.0, f64::max))
}

/// Largest corner-angle deviation (degrees) that costs nothing.
const FRONTAL_DEVIATION_DEG: f64 = 12.0;

/// 1 up to `FRONTAL_DEVIATION_DEG`, then a Gaussian fall-off: slow (scale 60°) for a
/// consistent perspective view, fast (25°) otherwise.
fn angle_prior(max_deviation: f64, consistent_view: bool) -> f64 {
    let scale = if consistent_view { 60.0 } else { 25.0 };
    let excess = (max_deviation - FRONTAL_DEVIATION_DEG).max(0.0);
    (-(excess / scale).powi(2)).exp()
}

/// 1 inside the document aspect range, falling off smoothly outside it (never below 0.4).
fn aspect_prior(width_over_height: f64) -> f64 {
    if width_over_height.is_nan() || width_over_height <= 0.0 {
        return 0.4;
    }
    let ratio = width_over_height.max(1.0 / width_over_height);
    let (lo, hi) = ASPECT_RANGE;
    let distance = if ratio < lo {
        (lo / ratio).ln()
    } else if ratio > hi {
        (ratio / hi).ln()
    } else {
        0.0
    };
    0.4 + 0.6 * (-(distance / 0.15).powi(2)).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_prior_prefers_document_shapes() {
        assert!((aspect_prior(1.586) - 1.0).abs() < 1e-9);
        assert!((aspect_prior(1.0 / 1.42) - 1.0).abs() < 1e-9);
        assert!(aspect_prior(1.0) < 0.7);
        assert!(aspect_prior(4.0) < 0.45);
        assert!((aspect_prior(0.0) - 0.4).abs() < 1e-9);
    }

    #[test]
    fn steep_angles_cost_less_in_a_consistent_view() {
        assert_eq!(angle_prior(10.0, false), 1.0);
        assert_eq!(angle_prior(10.0, true), 1.0);
        for deviation in [20.0, 35.0, 50.0] {
            assert!(angle_prior(deviation, true) > angle_prior(deviation, false));
        }
        assert!(angle_prior(50.0, true) > 0.6 && angle_prior(50.0, false) < 0.1);
    }

    #[test]
    fn extents_cover_the_middle_of_the_edge_samples() {
        // 10 samples, edge steps on samples 2..=7.
        let mut positive = vec![0u32];
        for i in 0..10 {
            positive.push(positive[i] + u32::from((2..=7).contains(&i)));
        }
        let profile = Profile {
            t0: 0.0,
            negative: vec![0; 11],
            positive,
        };
        let (a, b) = profile.extent().unwrap();
        assert!((2.0..=3.5).contains(&a) && (7.0..=8.5).contains(&b), "{a} {b}");
        assert!(Profile::default().extent().is_none());
    }

    #[test]
    fn only_runs_of_steps_count() {
        let mut steps = [1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, -1, -1, 1, -1, -1, -1, -1, 0, -1, 1, 1];
        keep_runs(&mut steps);
        assert_eq!(
            steps,
            [1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, 0, -1, 0, 0]
        );
        let mut empty: [i8; 0] = [];
        keep_runs(&mut empty);
    }

    #[test]
    fn segments_count_prefix_ranges() {
        let profile = Profile {
            t0: 0.0,
            positive: vec![0, 1, 2, 2, 3],
            negative: vec![0, 0, 0, 1, 1],
        };
        let s = profile.segment(0.0, 10.0);
        assert_eq!((s.samples, s.positive, s.negative), (4, 3, 1));
        let s = profile.segment(1.6, 0.9);
        assert_eq!((s.samples, s.positive, s.negative), (1, 1, 0));
        assert_eq!(profile.segment(f64::NAN, 1.0).samples, 0);
    }
}
