//! Sub-pixel refinement of a document side at the input resolution.
//!
//! Across the coarse side, at regular points, a luminance profile is sampled and
//! differentiated. The profiles are first averaged over the whole side to decide *which*
//! parallel edge is the outline: of the peaks of the mean derivative at least half as strong
//! as the strongest, the outermost (print near a card's border, such as a colour band or a
//! frame line, makes a parallel edge of the same polarity just inside it). Each point then
//! locates that edge within ±2 px of the chosen offset, to sub-pixel precision by a parabola,
//! and a line is fitted to the points by weighted total least squares with one round of
//! outlier rejection. Deciding per side rather than per point keeps noise and texture, which
//! do not line up along the side, from being taken for the outermost edge.

use image::RgbImage;

use crate::geometry::{fit_line, Line, Point};

/// Most edge points measured per side.
const MAX_POINTS: usize = 64;
/// Fraction of the side length left out next to a visible corner (rounded corners, r ≈ 3 mm
/// is 3.5% of an ID-1 card's width).
const CORNER_EXCLUSION: f64 = 0.08;
/// Half-width (px) of the per-point search around the offset chosen for the side.
const LOCAL_SEARCH: isize = 2;

/// A coarse document side to refine, in input coordinates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CoarseSide {
    pub line: Line,
    /// +1 when the image gets brighter along `line.normal` across the side, −1 when darker,
    /// 0 when it changes along the side (either counts).
    pub polarity: i8,
    pub start: Point,
    pub end: Point,
    /// +1 when `line.normal` points away from the document, −1 when towards it.
    pub outward: i8,
}

/// The refined line, or `None` when too few edge points were found.
pub(crate) fn refine_side(image: &RgbImage, side: &CoarseSide, search: f64) -> Option<Line> {
    let first = fit_pass(image, side, &side.line, search.max(2.0))?;
    // A second, narrow pass around the first fit removes the bias of the coarse line's angle.
    fit_pass(image, side, &first, 2.0).or(Some(first))
}

fn fit_pass(image: &RgbImage, side: &CoarseSide, line: &Line, search: f64) -> Option<Line> {
    let points = edge_points(image, side, line, search);
    if points.len() < 6 {
        return None;
    }
    let first = fit_line(&points)?;
    let mut residuals: Vec<f64> = points.iter().map(|(p, _)| first.signed_distance(*p).abs()).collect();
    residuals.sort_by(f64::total_cmp);
    let median = residuals.get(residuals.len() / 2).copied().unwrap_or(0.0);
    let limit = (3.0 * 1.4826 * median).max(0.75);
    let inliers: Vec<(Point, f64)> = points
        .into_iter()
        .filter(|(p, _)| first.signed_distance(*p).abs() <= limit)
        .collect();
    if inliers.len() < 6 {
        return Some(first);
    }
    fit_line(&inliers)
}

/// Edge points along the visible part of the side, searched within `±search` px of `line`.
fn edge_points(image: &RgbImage, side: &CoarseSide, line: &Line, search: f64) -> Vec<(Point, f64)> {
    let (w, h) = (f64::from(image.width()), f64::from(image.height()));
    let d = line.direction();
    let anchor = line.anchor();
    let (ta, tb) = (side.start.sub(anchor).dot(d), side.end.sub(anchor).dot(d));
    let (t_lo, t_hi) = (ta.min(tb), ta.max(tb));
    let length = t_hi - t_lo;
    let Some((c0, c1)) = line.clip_to_rect(w, h) else {
        return Vec::new();
    };
    // Keep away from visible corners (rounded) and from the image border (no data beyond).
    let margin = search + 3.0;
    let from = (t_lo + CORNER_EXCLUSION * length).max(c0 + margin);
    let to = (t_hi - CORNER_EXCLUSION * length).min(c1 - margin);
    if to.is_nan() || from.is_nan() || to - from < 4.0 {
        return Vec::new();
    }
    let count = (((to - from) / 3.0) as usize).clamp(2, MAX_POINTS);
    let step = (to - from) / (count - 1) as f64;
    let reach = search.ceil() as isize;
    let len = (2 * reach + 1) as usize;
    // derivatives[i * len + k]: the signed derivative at point i, offset k − reach.
    let mut derivatives = vec![0f64; count * len];
    let mut profile = vec![0f64; len + 2];
    for (i, row) in derivatives.chunks_exact_mut(len).enumerate() {
        let p = anchor.add(d.scale(from + step * i as f64));
        for (k, value) in profile.iter_mut().enumerate() {
            let q = p.add(line.normal.scale((k as isize - reach - 1) as f64));
            // Average three samples along the side to suppress noise and texture.
            *value = (luminance(image, q.sub(d)) + luminance(image, q) + luminance(image, q.add(d))) / 3.0;
        }
        for (out, v) in row.iter_mut().zip(profile.windows(3)) {
            let slope = 0.5 * (v[2] - v[0]);
            *out = if side.polarity == 0 {
                slope.abs()
            } else {
                f64::from(side.polarity) * slope
            };
        }
    }
    let Some(centre) = outline_offset(&derivatives, len, side.outward) else {
        return Vec::new();
    };
    let mut points = Vec::with_capacity(count);
    for (i, row) in derivatives.chunks_exact(len).enumerate() {
        if let Some((offset, strength)) = local_peak(row, centre) {
            let p = anchor.add(d.scale(from + step * i as f64));
            let at = p.add(line.normal.scale(offset - reach as f64));
            if at.is_finite() {
                points.push((at, strength));
            }
        }
    }
    points
}

/// The profile index of the outline: of the local maxima of the mean derivative at least half
/// as strong as the strongest, the outermost (`outward` is the sign of the profile direction
/// that leaves the document).
fn outline_offset(derivatives: &[f64], len: usize, outward: i8) -> Option<usize> {
    let mut mean = vec![0f64; len];
    for row in derivatives.chunks_exact(len) {
        for (m, v) in mean.iter_mut().zip(row) {
            *m += v;
        }
    }
    let peak = mean.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if peak.is_nan() || peak <= 0.0 {
        return None;
    }
    let at = |i: Option<usize>| i.and_then(|i| mean.get(i)).copied().unwrap_or(f64::NEG_INFINITY);
    let mut candidates = (0..len).filter(|&i| {
        let v = at(Some(i));
        v >= 0.5 * peak && v >= at(i.checked_sub(1)) && v > at(Some(i + 1))
    });
    if outward > 0 {
        candidates.next_back()
    } else {
        candidates.next()
    }
}

/// The strongest derivative within `LOCAL_SEARCH` of `centre`, at sub-pixel precision (a
/// parabola through three values), with its strength; `None` when flat or at the profile's end.
fn local_peak(row: &[f64], centre: usize) -> Option<(f64, f64)> {
    let lo = centre.saturating_sub(LOCAL_SEARCH as usize);
    let hi = (centre + LOCAL_SEARCH as usize).min(row.len().saturating_sub(1));
    let (best, value) = (lo..=hi)
        .filter_map(|i| row.get(i).map(|&v| (i, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    if value.is_nan() || value <= 1.0 || best == 0 || best + 1 >= row.len() {
        return None;
    }
    let (left, right) = (row.get(best - 1)?, row.get(best + 1)?);
    let curvature = left - 2.0 * value + right;
    let shift = if curvature < 0.0 {
        (0.5 * (left - right) / curvature).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    Some((best as f64 + shift, value))
}

/// Bilinear luminance (BT.601) at a continuous position; pixels beyond the border repeat it.
pub(crate) fn luminance(image: &RgbImage, p: Point) -> f64 {
    let (w, h) = (image.width(), image.height());
    if w == 0 || h == 0 || !p.is_finite() {
        return 0.0;
    }
    let (u, v) = (p.x - 0.5, p.y - 0.5);
    let (x0, y0) = (u.floor(), v.floor());
    let (fx, fy) = (u - x0, v - y0);
    let clamp_x = |x: f64| x.clamp(0.0, f64::from(w - 1)) as u32;
    let clamp_y = |y: f64| y.clamp(0.0, f64::from(h - 1)) as u32;
    let lum = |x: f64, y: f64| {
        image.get_pixel_checked(clamp_x(x), clamp_y(y)).map_or(0.0, |px| {
            let [r, g, b] = px.0;
            0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b)
        })
    };
    let top = lum(x0, y0) * (1.0 - fx) + lum(x0 + 1.0, y0) * fx;
    let bottom = lum(x0, y0 + 1.0) * (1.0 - fx) + lum(x0 + 1.0, y0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn a_slanted_step_is_refined_to_sub_pixel_accuracy() {
        // Dark left of the line x = 40.3 + 0.1 y, bright right of it (anti-aliased).
        let img = RgbImage::from_fn(100, 80, |x, y| {
            let edge = 40.3 + 0.1 * (f64::from(y) + 0.5);
            let coverage = ((f64::from(x) + 1.0 - edge).clamp(0.0, 1.0) * 200.0 + 30.0) as u8;
            Rgb([coverage; 3])
        });
        let truth = Line::through(Point::new(40.3, 0.0), Point::new(0.1, 1.0)).unwrap();
        let coarse = Line::through(Point::new(42.0, 0.0), Point::new(0.12, 1.0)).unwrap();
        let side = CoarseSide {
            line: coarse,
            polarity: if coarse.normal.x > 0.0 { 1 } else { -1 },
            start: Point::new(42.0, 0.0),
            end: Point::new(51.6, 80.0),
            outward: if coarse.normal.x > 0.0 { 1 } else { -1 },
        };
        let refined = refine_side(&img, &side, 4.0).unwrap();
        for y in [10.0, 40.0, 70.0] {
            let p = Point::new(40.3 + 0.1 * y, y);
            assert!(refined.signed_distance(p).abs() < 0.15, "{refined:?} vs {truth:?}");
        }
    }

    #[test]
    fn the_outermost_of_two_similar_parallel_edges_is_the_outline() {
        // Two points, each with an outline edge at index 2 (strength 60) and an inner print
        // edge at index 6 (strength 80).
        let row = [0.0, 10.0, 60.0, 10.0, 0.0, 20.0, 80.0, 20.0, 0.0];
        let rows: Vec<f64> = row.iter().chain(row.iter()).copied().collect();
        assert_eq!(outline_offset(&rows, row.len(), -1), Some(2));
        assert_eq!(outline_offset(&rows, row.len(), 1), Some(6));
        // A much weaker outer edge is texture, not the outline.
        let row = [0.0, 10.0, 30.0, 10.0, 0.0, 20.0, 80.0, 20.0, 0.0];
        assert_eq!(outline_offset(&row, row.len(), -1), Some(6));
        // Sub-pixel peak between indices 2 and 3.
        let (at, strength) = local_peak(&[0.0, 10.0, 50.0, 50.0, 10.0, 0.0], 3).unwrap();
        assert!((at - 2.5).abs() < 1e-9 && strength == 50.0, "{at}");
        assert!(local_peak(&[0.0, 0.0, 0.0], 1).is_none());
    }

    #[test]
    fn luminance_interpolates_and_clamps() {
        let img = RgbImage::from_fn(2, 1, |x, _| Rgb([if x == 0 { 0 } else { 100 }; 3]));
        assert!((luminance(&img, Point::new(1.0, 0.5)) - 50.0).abs() < 1e-6);
        assert!((luminance(&img, Point::new(-5.0, -5.0))).abs() < 1e-6);
        assert_eq!(luminance(&RgbImage::new(0, 0), Point::new(0.0, 0.0)), 0.0);
    }
}
