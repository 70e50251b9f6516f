//! Plane geometry: homographies between the document and the photo, and the
//! measurements of a document quadrilateral that the labels are derived from.

/// A point in pixels, `[x, y]`, origin at the top-left corner of the image,
/// pixel `(i, j)` covering `[i, i+1) × [j, j+1)`.
pub type Point = [f32; 2];

/// A 3×3 projective map, row-major, applied to `(x, y, 1)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Homography(pub(crate) [f64; 9]);

const DEGENERATE: f64 = 1e-12;

impl Homography {
    /// The map from the unit square `(0,0) (1,0) (1,1) (0,1)` onto `quad`
    /// (Heckbert's closed form); `None` when the quad is degenerate.
    pub(crate) fn unit_square_to(quad: &[Point; 4]) -> Option<Self> {
        let q = quad.map(|p| [f64::from(p[0]), f64::from(p[1])]);
        let [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
        let sx = x0 - x1 + x2 - x3;
        let sy = y0 - y1 + y2 - y3;
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        if !den.is_finite() || den.abs() < DEGENERATE {
            return None;
        }
        let g = (sx * dy2 - dx2 * sy) / den;
        let h = (dx1 * sy - sx * dy1) / den;
        let m = [
            x1 - x0 + g * x1,
            x3 - x0 + h * x3,
            x0,
            y1 - y0 + g * y1,
            y3 - y0 + h * y3,
            y0,
            g,
            h,
            1.0,
        ];
        m.iter().all(|v| v.is_finite()).then_some(Self(m))
    }

    /// The map from the axis-aligned rectangle `[0,w] × [0,h]` onto `quad`.
    pub(crate) fn rect_to(w: f64, h: f64, quad: &[Point; 4]) -> Option<Self> {
        if w.is_nan() || h.is_nan() || w <= 0.0 || h <= 0.0 {
            return None;
        }
        let unit = Self::unit_square_to(quad)?;
        Some(unit.compose(&Self([1.0 / w, 0.0, 0.0, 0.0, 1.0 / h, 0.0, 0.0, 0.0, 1.0])))
    }

    /// `self ∘ other`: apply `other` first.
    pub(crate) fn compose(&self, other: &Self) -> Self {
        let a = &self.0;
        let b = &other.0;
        let mut m = [0.0; 9];
        for r in 0..3 {
            for c in 0..3 {
                m[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
            }
        }
        Self(m)
    }

    /// The inverse map, `None` when singular.
    pub(crate) fn inverse(&self) -> Option<Self> {
        let [a, b, c, d, e, f, g, h, i] = self.0;
        let co = [
            e * i - f * h,
            c * h - b * i,
            b * f - c * e,
            f * g - d * i,
            a * i - c * g,
            c * d - a * f,
            d * h - e * g,
            b * g - a * h,
            a * e - b * d,
        ];
        let det = a * co[0] + b * co[3] + c * co[6];
        if !det.is_finite() || det.abs() < DEGENERATE {
            return None;
        }
        let m = co.map(|v| v / det);
        m.iter().all(|v| v.is_finite()).then_some(Self(m))
    }

    /// Maps a point; `None` on or behind the line at infinity.
    pub(crate) fn apply(&self, x: f64, y: f64) -> Option<[f64; 2]> {
        let m = &self.0;
        let w = m[6] * x + m[7] * y + m[8];
        if w.is_nan() || w <= DEGENERATE {
            return None;
        }
        Some([(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w])
    }

    /// Maps a point given as `f32`.
    pub(crate) fn apply_point(&self, p: Point) -> Option<Point> {
        self.apply(f64::from(p[0]), f64::from(p[1]))
            .map(|[x, y]| [x as f32, y as f32])
    }
}

/// Euclidean distance.
pub(crate) fn distance(a: Point, b: Point) -> f32 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Area of a simple polygon (shoelace formula), always ≥ 0.
pub(crate) fn polygon_area(poly: &[Point]) -> f32 {
    let n = poly.len();
    let mut twice = 0.0f64;
    for i in 0..n {
        let a = poly[i];
        let b = poly[(i + 1) % n];
        twice += f64::from(a[0]) * f64::from(b[1]) - f64::from(b[0]) * f64::from(a[1]);
    }
    (twice.abs() * 0.5) as f32
}

/// The part of `poly` inside the rectangle `[0,w] × [0,h]`
/// (Sutherland–Hodgman; exact for convex polygons).
pub(crate) fn clip_to_rect(poly: &[Point], w: f32, h: f32) -> Vec<Point> {
    // Each edge of the frame as (axis, bound, keep-if-less).
    let planes: [(usize, f32, bool); 4] = [(0, 0.0, false), (0, w, true), (1, 0.0, false), (1, h, true)];
    let mut current: Vec<Point> = poly.to_vec();
    for (axis, bound, keep_less) in planes {
        let inside = |p: &Point| if keep_less { p[axis] <= bound } else { p[axis] >= bound };
        let mut next = Vec::with_capacity(current.len() + 2);
        for i in 0..current.len() {
            let a = current[i];
            let b = current[(i + 1) % current.len()];
            let (ia, ib) = (inside(&a), inside(&b));
            if ia {
                next.push(a);
            }
            if ia != ib {
                let t = (bound - a[axis]) / (b[axis] - a[axis]);
                next.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    current
}

/// Is `p` inside the polygon (crossing-number rule)? The reference for [`row_spans`].
#[cfg(test)]
pub(crate) fn point_in_polygon(p: Point, poly: &[Point]) -> bool {
    let n = poly.len();
    let mut inside = false;
    let mut j = n.wrapping_sub(1);
    for i in 0..n {
        let (a, b) = (poly[i], poly[j % n]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if p[0] < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// Integer pixel columns `[x0, x1)` whose centres lie inside `poly` on the
/// row whose centre is at `y` (same rule as [`point_in_polygon`]), grown by
/// `pad` pixels each side and clamped to `[0, width)`. Appends to `out`.
pub(crate) fn row_spans(poly: &[Point], y: f32, pad: f32, width: usize, out: &mut Vec<(usize, usize)>) {
    let mut xs: [f32; 16] = [0.0; 16];
    let mut n = 0;
    let count = poly.len();
    for i in 0..count {
        let a = poly[i];
        let b = poly[(i + 1) % count];
        if (a[1] > y) != (b[1] > y) && n < xs.len() {
            xs[n] = a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            n += 1;
        }
    }
    let xs = &mut xs[..n];
    xs.sort_by(f32::total_cmp);
    let to_col = |x: f32| {
        if x.is_nan() {
            0
        } else {
            (x - 0.5).ceil().clamp(0.0, width as f32) as usize
        }
    };
    for pair in xs.chunks_exact(2) {
        let (x0, x1) = (to_col(pair[0] - pad), to_col(pair[1] + pad));
        if x1 > x0 {
            out.push((x0, x1));
        }
    }
}

/// The measurements of a document quadrilateral (corners TL, TR, BR, BL in
/// the document's reading order, in photo pixels) that labels are based on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct QuadMetrics {
    /// Mean length of the top and bottom edges: the document's width in the photo.
    pub(crate) doc_width_px: f32,
    /// Largest |interior angle − 90°| over the four corners.
    pub(crate) max_angle_deviation_deg: f32,
    /// Largest ratio between opposite sides (top/bottom, left/right), ≥ 1.
    pub(crate) max_side_ratio: f32,
    /// Visible document area / frame area, in percent.
    pub(crate) coverage_pct: f32,
    /// For each corner, how far outside the frame it is (0 when inside), in pixels.
    pub(crate) outside_px: [f32; 4],
    /// For each corner, its distance to the nearest frame edge when inside (0 when outside).
    pub(crate) inside_margin_px: [f32; 4],
}

/// Measures a document quad in a `w × h` frame.
pub(crate) fn measure_quad(q: &[Point; 4], w: f32, h: f32) -> QuadMetrics {
    let top = distance(q[0], q[1]);
    let right = distance(q[1], q[2]);
    let bottom = distance(q[2], q[3]);
    let left = distance(q[3], q[0]);
    let ratio = |a: f32, b: f32| {
        if a.min(b) > 0.0 {
            a.max(b) / a.min(b)
        } else {
            f32::INFINITY
        }
    };
    let mut max_dev = 0.0f32;
    for i in 0..4 {
        let p = q[i];
        let prev = q[(i + 3) % 4];
        let next = q[(i + 1) % 4];
        let u = [prev[0] - p[0], prev[1] - p[1]];
        let v = [next[0] - p[0], next[1] - p[1]];
        let cross = u[0] * v[1] - u[1] * v[0];
        let dot = u[0] * v[0] + u[1] * v[1];
        let angle = cross.abs().atan2(dot).to_degrees();
        max_dev = max_dev.max((angle - 90.0).abs());
    }
    let frame_area = (w * h).max(f32::MIN_POSITIVE);
    let visible = polygon_area(&clip_to_rect(q, w, h));
    let mut outside_px = [0.0; 4];
    let mut inside_margin_px = [0.0; 4];
    for (i, p) in q.iter().enumerate() {
        let dx = (-p[0]).max(p[0] - w).max(0.0);
        let dy = (-p[1]).max(p[1] - h).max(0.0);
        outside_px[i] = dx.hypot(dy);
        if outside_px[i] == 0.0 {
            inside_margin_px[i] = p[0].min(w - p[0]).min(p[1]).min(h - p[1]);
        }
    }
    QuadMetrics {
        doc_width_px: (top + bottom) * 0.5,
        max_angle_deviation_deg: max_dev,
        max_side_ratio: ratio(top, bottom).max(ratio(left, right)),
        coverage_pct: 100.0 * visible / frame_area,
        outside_px,
        inside_margin_px,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUAD: [Point; 4] = [[100.0, 50.0], [400.0, 80.0], [380.0, 300.0], [90.0, 260.0]];

    #[test]
    fn unit_square_maps_onto_the_corners_and_back() {
        let h = Homography::unit_square_to(&QUAD).unwrap();
        let inv = h.inverse().unwrap();
        for (uv, q) in [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]].iter().zip(QUAD) {
            let p = h.apply(uv[0], uv[1]).unwrap();
            assert!((p[0] - f64::from(q[0])).abs() < 1e-6 && (p[1] - f64::from(q[1])).abs() < 1e-6);
            let back = inv.apply(p[0], p[1]).unwrap();
            assert!((back[0] - uv[0]).abs() < 1e-9 && (back[1] - uv[1]).abs() < 1e-9);
        }
    }

    #[test]
    fn rect_map_and_composition() {
        let h = Homography::rect_to(200.0, 100.0, &QUAD).unwrap();
        let p = h.apply(200.0, 100.0).unwrap();
        assert!((p[0] - 380.0).abs() < 1e-6 && (p[1] - 300.0).abs() < 1e-6);
        let id = h.compose(&h.inverse().unwrap());
        let q = id.apply(123.0, 45.0).unwrap();
        assert!((q[0] - 123.0).abs() < 1e-6 && (q[1] - 45.0).abs() < 1e-6);
    }

    #[test]
    fn degenerate_quads_have_no_homography() {
        assert!(Homography::unit_square_to(&[[0.0, 0.0]; 4]).is_none());
        assert!(Homography::unit_square_to(&[[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]).is_none());
        assert!(Homography::rect_to(0.0, 1.0, &QUAD).is_none());
        assert!(Homography::unit_square_to(&[[f32::NAN, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]).is_none());
    }

    #[test]
    fn rectangle_metrics() {
        let q = [[10.0, 10.0], [110.0, 10.0], [110.0, 60.0], [10.0, 60.0]];
        let m = measure_quad(&q, 200.0, 100.0);
        assert!((m.doc_width_px - 100.0).abs() < 1e-4);
        assert!(m.max_angle_deviation_deg < 1e-3);
        assert!((m.max_side_ratio - 1.0).abs() < 1e-6);
        assert!((m.coverage_pct - 25.0).abs() < 1e-3);
        assert_eq!(m.outside_px, [0.0; 4]);
        assert_eq!(m.inside_margin_px, [10.0, 10.0, 40.0, 10.0]);
    }

    #[test]
    fn corners_outside_and_clipped_area() {
        let q = [[-20.0, 10.0], [110.0, 10.0], [110.0, 60.0], [-20.0, 60.0]];
        let m = measure_quad(&q, 200.0, 100.0);
        assert_eq!(m.outside_px, [20.0, 0.0, 0.0, 20.0]);
        assert!((m.coverage_pct - 100.0 * 110.0 * 50.0 / 20_000.0).abs() < 1e-3);
    }

    #[test]
    fn trapezoid_ratio_and_angles() {
        let q = [[40.0, 0.0], [60.0, 0.0], [100.0, 100.0], [0.0, 100.0]];
        let m = measure_quad(&q, 100.0, 100.0);
        assert!((m.max_side_ratio - 5.0).abs() < 1e-4);
        assert!(m.max_angle_deviation_deg > 20.0);
    }

    #[test]
    fn row_spans_agree_with_point_in_polygon() {
        let mut spans = Vec::new();
        for y in 0..320 {
            spans.clear();
            let fy = y as f32 + 0.5;
            row_spans(&QUAD, fy, 0.0, 500, &mut spans);
            for x in 0..500usize {
                let inside = point_in_polygon([x as f32 + 0.5, fy], &QUAD);
                let in_span = spans.iter().any(|&(a, b)| x >= a && x < b);
                assert_eq!(inside, in_span, "({x}, {y})");
            }
        }
    }

    #[test]
    fn point_in_polygon_basic() {
        assert!(point_in_polygon([200.0, 150.0], &QUAD));
        assert!(!point_in_polygon([10.0, 10.0], &QUAD));
        assert!(!point_in_polygon([500.0, 150.0], &QUAD));
    }
}
