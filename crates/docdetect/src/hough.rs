//! Straight lines from edge pixels: an orientation-guided Hough transform over the full circle
//! of gradient directions (so each line has a polarity), peak picking with non-maximum
//! suppression, and a least-squares refit of each peak to its own edge pixels.

use crate::edges::{EdgeMap, EdgePixel, ANGLE_BINS};
use crate::geometry::{fit_line, Line, Point};

/// Each edge pixel votes for the angle bins within this many bins (degrees) of its gradient,
/// with weight `VOTE_SPREAD + 1 − distance`.
const VOTE_SPREAD: isize = 3;
/// At most this many peaks are refitted per line wanted.
const MAX_PEAKS_PER_LINE: usize = 4;
/// Undirected orientations (0–180°) are split into this many sectors, each of which is topped up
/// to its share of the lines (see [`find_lines`]).
const ORIENTATION_SECTORS: usize = 6;
/// A peak is a local maximum within ± this many degrees and pixels of offset.
const PEAK_ANGLE_WINDOW: isize = 3;
const PEAK_OFFSET_WINDOW: i32 = 2;
/// Edge pixels within this distance (px) and angle (degrees) of a line are refitted to it.
const FIT_DISTANCE: f64 = 2.0;
const FIT_ANGLE_DEG: f64 = 8.0;

/// A straight line found in the working copy and the number of edge pixels on it. The normal
/// points along the gradient of the edge pixels that voted for it (brighter that way).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FoundLine {
    pub line: Line,
    pub votes: u32,
}

/// Finds the `max_lines` strongest lines with at least `min_votes` edge pixels (strongest peak
/// first), then up to `max_lines / 4` more for orientations that are short of lines; returns
/// them and the number of the former.
///
/// Voting is restricted to the pixel's own gradient direction ± `VOTE_SPREAD` degrees (with
/// triangular weights), which keeps the transform cheap and free of the cross-talk of
/// unoriented voting while tolerating the direction noise of textured or noisy images. Peaks
/// are taken on the accumulator smoothed by `[1 2 1]` across offsets, and each is refitted to
/// its own edge pixels, which must number at least `min_votes`.
pub(crate) fn find_lines(map: &EdgeMap, min_votes: u32, max_lines: usize) -> (Vec<FoundLine>, usize) {
    let edges = map.edges.as_slice();
    if edges.is_empty() || max_lines == 0 {
        return (Vec::new(), 0);
    }
    let accumulator = Accumulator::vote(map, edges);
    // A pixel on a clean line adds (VOTE_SPREAD + 1) × 2 to its peak; ask for half of that.
    let min_peak = min_votes * (VOTE_SPREAD as u32 + 1);
    let peaks = accumulator.local_maxima(min_peak);
    let buckets = bucket_by_angle(edges);
    // Two passes over the peaks, strongest first: the strongest `max_lines` lines; then each
    // orientation sector left with less than its share of them gets its strongest remaining
    // peaks up to that share (at most a quarter more lines in all). One orientation (the grain
    // of a wooden table, a striped cloth) so cannot take every line: a document needs sides in
    // two directions about 90° apart.
    let share = (max_lines / ORIENTATION_SECTORS).max(1);
    let mut per_sector = [0usize; ORIENTATION_SECTORS];
    let mut taken: Vec<FoundLine> = Vec::new();
    let mut tried = vec![false; peaks.len()];
    let strongest = (max_lines, MAX_PEAKS_PER_LINE * max_lines, max_lines);
    let fair_share = (max_lines + max_lines / 4, max_lines, share);
    let mut strongest_count = 0;
    for (lines_wanted, mut refits_left, sector_cap) in [strongest, fair_share] {
        strongest_count = taken.len();
        for (index, &(_, a, rho)) in peaks.iter().enumerate() {
            if taken.len() >= lines_wanted || refits_left == 0 {
                break;
            }
            let sector = (a % 180) * ORIENTATION_SECTORS / 180;
            let Some(count) = per_sector.get_mut(sector) else {
                continue;
            };
            if *count >= sector_cap || tried.get(index).copied().unwrap_or(true) {
                continue;
            }
            if let Some(t) = tried.get_mut(index) {
                *t = true;
            }
            let coarse = Line::from_angle((a as f64).to_radians(), rho as f64);
            // A peak on a line already found would only refit to it again.
            if taken.iter().any(|l| same_line(&l.line, &coarse)) {
                continue;
            }
            refits_left -= 1;
            let Some(line) = refit(coarse, &buckets, edges) else {
                continue;
            };
            if line.votes < min_votes || taken.iter().any(|l| same_line(&l.line, &line.line)) {
                continue;
            }
            *count += 1;
            taken.push(line);
        }
    }
    (taken, strongest_count)
}

/// Lines fitted to the edge pixels near each of `coarse` (a proposed outline's sides, a few
/// pixels off): refitted with a tolerance of `first` px, then 2 px, then 1.5 px. `None` for a
/// side with fewer than `min_votes` edge pixels or one that turns by more than 10°.
pub(crate) fn fit_near(coarse: &[Line], map: &EdgeMap, first: f64, min_votes: u32) -> Vec<Option<FoundLine>> {
    let buckets = bucket_by_angle(&map.edges);
    coarse
        .iter()
        .map(|&start| {
            let points = supporting_pixels(&start, &buckets, &map.edges, first.max(FIT_DISTANCE));
            let fitted = fit_line(&points)?;
            let line = if fitted.normal.dot(start.normal) < 0.0 {
                fitted.reversed()
            } else {
                fitted
            };
            refit(line, &buckets, &map.edges).filter(|l| l.votes >= min_votes && l.line.angle_to_deg(&start) <= 10.0)
        })
        .collect()
}

/// The Hough accumulator: one row per 1° of normal direction, one cell per pixel of offset.
/// Each row covers only the offsets the image can produce at its angle (`base[a]` is the
/// offset of its first cell), which halves the memory of a symmetric layout. A cell holds at
/// most 4 × the edge pixels within half a pixel of its line (a few thousand), so `u16`
/// suffices; additions saturate all the same.
struct Accumulator {
    cells: Vec<u16>,
    row_len: usize,
    base: [i32; ANGLE_BINS],
}

impl Accumulator {
    fn vote(map: &EdgeMap, edges: &[EdgePixel]) -> Self {
        let (cos, sin) = angle_tables();
        let (w, h) = (map.width as f32, map.height as f32);
        let mut base = [0i32; ANGLE_BINS];
        let mut row_len = 0usize;
        for a in 0..ANGLE_BINS {
            let lo = (w * cos[a]).min(0.0) + (h * sin[a]).min(0.0);
            let span = w * cos[a].abs() + h * sin[a].abs();
            base[a] = lo.floor() as i32 - 2;
            row_len = row_len.max(span.ceil() as usize + 5);
        }
        let mut acc = Self {
            cells: vec![0u16; ANGLE_BINS * row_len],
            row_len,
            base,
        };
        for e in edges {
            for d in -VOTE_SPREAD..=VOTE_SPREAD {
                let a = (e.angle_bin as isize + d).rem_euclid(ANGLE_BINS as isize) as usize;
                let rho = (e.x * cos[a] + e.y * sin[a]).round() as i32;
                if let Some(cell) = acc.index(a, rho).and_then(|i| acc.cells.get_mut(i)) {
                    *cell = cell.saturating_add((VOTE_SPREAD + 1 - d.abs()) as u16);
                }
            }
        }
        acc
    }

    fn index(&self, a: usize, rho: i32) -> Option<usize> {
        let r = usize::try_from(rho - *self.base.get(a)?).ok()?;
        (r < self.row_len).then_some(a * self.row_len + r)
    }

    /// Raw votes at angle `a` (any integer, wrapped) and offset `rho`.
    fn raw(&self, a: isize, rho: i32) -> u32 {
        let a = a.rem_euclid(ANGLE_BINS as isize) as usize;
        self.index(a, rho)
            .and_then(|i| self.cells.get(i))
            .map_or(0, |&v| u32::from(v))
    }

    /// Votes smoothed by `[1 2 1]` across offsets (a line at a half-integer offset splits its
    /// votes between two cells).
    fn smoothed(&self, a: isize, rho: i32) -> u32 {
        self.raw(a, rho - 1) + 2 * self.raw(a, rho) + self.raw(a, rho + 1)
    }

    /// Local maxima of the smoothed votes with at least `min_peak`, as `(votes, angle bin,
    /// offset)`, strongest first (ties by position, so the order is fixed). Angles wrap.
    fn local_maxima(&self, min_peak: u32) -> Vec<(u32, usize, i32)> {
        let mut peaks = Vec::new();
        for (a, row) in self.cells.chunks_exact(self.row_len).enumerate() {
            let base = self.base.get(a).copied().unwrap_or(0);
            // A running [1 2 1] over the row finds the cells worth a neighbourhood check.
            let (mut previous, mut current) = (0u32, 0u32);
            for (r, &next) in row.iter().chain(std::iter::once(&0)).enumerate() {
                let next = u32::from(next);
                let v = previous + 2 * current + next;
                (previous, current) = (current, next);
                if r == 0 || v < min_peak.max(1) {
                    continue;
                }
                let rho = base + r as i32 - 1;
                if self.is_local_maximum(a as isize, rho, v) {
                    peaks.push((v, a, rho));
                }
            }
        }
        peaks.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        peaks
    }

    fn is_local_maximum(&self, a: isize, rho: i32, v: u32) -> bool {
        for da in -PEAK_ANGLE_WINDOW..=PEAK_ANGLE_WINDOW {
            for dr in -PEAK_OFFSET_WINDOW..=PEAK_OFFSET_WINDOW {
                if da == 0 && dr == 0 {
                    continue;
                }
                let other = self.smoothed(a + da, rho + dr);
                // Strictly greater neighbours win; equal ones are broken by position so that a
                // plateau yields exactly one peak.
                if other > v || (other == v && (da, dr) < (0, 0)) {
                    return false;
                }
            }
        }
        true
    }
}

fn angle_tables() -> ([f32; ANGLE_BINS], [f32; ANGLE_BINS]) {
    let mut cos = [0f32; ANGLE_BINS];
    let mut sin = [0f32; ANGLE_BINS];
    for a in 0..ANGLE_BINS {
        let t = (a as f64).to_radians();
        cos[a] = t.cos() as f32;
        sin[a] = t.sin() as f32;
    }
    (cos, sin)
}

fn bucket_by_angle(edges: &[EdgePixel]) -> Vec<Vec<u32>> {
    let mut buckets = vec![Vec::new(); ANGLE_BINS];
    for (i, e) in edges.iter().enumerate() {
        if let Some(bucket) = buckets.get_mut(e.angle_bin as usize) {
            bucket.push(i as u32);
        }
    }
    buckets
}

/// Refits a line to the edge pixels near it (twice, the second time with the tighter
/// tolerance) and counts them.
fn refit(coarse: Line, buckets: &[Vec<u32>], edges: &[EdgePixel]) -> Option<FoundLine> {
    let mut line = coarse;
    let mut votes = 0;
    for tolerance in [FIT_DISTANCE, FIT_DISTANCE * 0.75] {
        let points = supporting_pixels(&line, buckets, edges, tolerance);
        votes = points.len() as u32;
        let fitted = fit_line(&points)?;
        // Keep the polarity: the fitted normal may come out reversed.
        line = if fitted.normal.dot(line.normal) < 0.0 {
            fitted.reversed()
        } else {
            fitted
        };
    }
    Some(FoundLine { line, votes })
}

/// Edge pixels within `tolerance` of the line whose gradient is within `FIT_ANGLE_DEG` of its
/// normal, of either polarity: a document side changes polarity where the document's colour
/// changes against the background, and the fit should use the whole side.
fn supporting_pixels(line: &Line, buckets: &[Vec<u32>], edges: &[EdgePixel], tolerance: f64) -> Vec<(Point, f64)> {
    let degrees = line.normal.y.atan2(line.normal.x).to_degrees().rem_euclid(360.0);
    let spread = FIT_ANGLE_DEG.ceil() as isize;
    let min_cos = FIT_ANGLE_DEG.to_radians().cos();
    let mut points = Vec::new();
    for centre in [degrees.round() as isize, degrees.round() as isize + 180] {
        for a in centre - spread..=centre + spread {
            let bin = a.rem_euclid(ANGLE_BINS as isize) as usize;
            for &index in buckets.get(bin).map(Vec::as_slice).unwrap_or(&[]) {
                let Some(e) = edges.get(index as usize) else {
                    continue;
                };
                let p = Point::new(f64::from(e.x), f64::from(e.y));
                let aligned = (f64::from(e.ux) * line.normal.x + f64::from(e.uy) * line.normal.y).abs() >= min_cos;
                if aligned && line.signed_distance(p).abs() <= tolerance {
                    points.push((p, 1.0));
                }
            }
        }
    }
    points
}

/// Two lines are the same if nearly parallel and close over the image (whatever their
/// polarity: the refit uses edge pixels of both).
fn same_line(a: &Line, b: &Line) -> bool {
    if a.angle_to_deg(b) > 2.0 {
        return false;
    }
    // Compare at the foot of `a` nearest to the origin region the lines pass through.
    let p = a.anchor();
    b.signed_distance(p).abs() < 2.5
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edges::{downscale_planes, edge_map};
    use image::{Rgb, RgbImage};

    #[test]
    fn a_striped_background_does_not_take_every_line() {
        // Vertical stripes over the whole image (two long edges each, ~240 pixels) and a card
        // whose horizontal sides are 60 pixels long: the stripes alone would fill the cap.
        let mut img = RgbImage::from_fn(320, 240, |x, _| {
            if (x / 10) % 2 == 0 {
                Rgb([150, 100, 60])
            } else {
                Rgb([90, 60, 30])
            }
        });
        for y in 100..140 {
            for x in 130..190 {
                img.put_pixel(x, y, Rgb([230, 230, 225]));
            }
        }
        let map = edge_map(downscale_planes(&img, 1).blurred());
        let (lines, _) = find_lines(&map, 20, 16);
        let horizontal: Vec<i64> = lines
            .iter()
            .filter(|l| l.line.normal.y.abs() > 0.99)
            .map(|l| (l.line.offset * l.line.normal.y.signum()).round() as i64)
            .collect();
        assert!(horizontal.contains(&100) && horizontal.contains(&140), "{lines:?}");
    }

    #[test]
    fn the_four_sides_of_a_rectangle_are_the_four_strongest_lines() {
        let mut img = RgbImage::from_pixel(200, 150, Rgb([30, 30, 30]));
        for y in 40..110 {
            for x in 50..160 {
                img.put_pixel(x, y, Rgb([220, 220, 220]));
            }
        }
        let map = edge_map(downscale_planes(&img, 1).blurred());
        let (lines, _) = find_lines(&map, 20, 10);
        assert_eq!(lines.len(), 4, "{lines:?}");
        let mut offsets: Vec<(i64, i64)> = lines
            .iter()
            .map(|l| {
                let vertical = l.line.normal.x.abs() > 0.9;
                let sign = if vertical {
                    l.line.normal.x.signum()
                } else {
                    l.line.normal.y.signum()
                };
                // Polarity: brighter inside the rectangle.
                let towards_inside = l.line.offset * sign < 100.0;
                assert_eq!(sign > 0.0, towards_inside, "{l:?}");
                (i64::from(vertical), (l.line.offset * sign).round() as i64)
            })
            .collect();
        offsets.sort();
        assert_eq!(offsets, vec![(0, 40), (0, 110), (1, 50), (1, 160)]);
    }
}
