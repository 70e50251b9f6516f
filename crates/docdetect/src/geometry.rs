//! Plane geometry in `f64`: points, lines in normal form, quadrilaterals, homographies and the
//! rectified aspect ratio of a photographed rectangle.
//!
//! Coordinates are continuous: pixel `(x, y)` covers `[x, x + 1) × [y, y + 1)`, so an image of
//! `w × h` pixels spans `[0, w] × [0, h]` and pixel centres sit at `x + 0.5`.

/// A point or a vector in the image plane.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub(crate) const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    pub(crate) fn add(self, other: Self) -> Self {
        Self::new(self.x + other.x, self.y + other.y)
    }

    pub(crate) fn sub(self, other: Self) -> Self {
        Self::new(self.x - other.x, self.y - other.y)
    }

    pub(crate) fn scale(self, factor: f64) -> Self {
        Self::new(self.x * factor, self.y * factor)
    }

    pub(crate) fn dot(self, other: Self) -> f64 {
        self.x * other.x + self.y * other.y
    }

    /// The z component of the 3-D cross product: positive when `other` turns clockwise from
    /// `self` on screen (y grows downwards).
    pub(crate) fn cross(self, other: Self) -> f64 {
        self.x * other.y - self.y * other.x
    }

    pub(crate) fn length(self) -> f64 {
        self.dot(self).sqrt()
    }

    pub(crate) fn distance(self, other: Self) -> f64 {
        self.sub(other).length()
    }

    pub(crate) fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}

/// An infinite line `normal · p = offset` with a unit normal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Line {
    pub normal: Point,
    pub offset: f64,
}

impl Line {
    /// The line with normal angle `theta` (radians) at signed distance `offset` from the origin.
    pub(crate) fn from_angle(theta: f64, offset: f64) -> Self {
        Self {
            normal: Point::new(theta.cos(), theta.sin()),
            offset,
        }
    }

    /// The line through `point` with unit direction `direction`.
    pub(crate) fn through(point: Point, direction: Point) -> Option<Self> {
        let len = direction.length();
        if len.is_nan() || len <= 1e-12 || !point.is_finite() {
            return None;
        }
        let normal = Point::new(-direction.y / len, direction.x / len);
        Some(Self {
            normal,
            offset: normal.dot(point),
        })
    }

    /// Unit direction along the line (the normal turned a quarter clockwise).
    pub(crate) fn direction(&self) -> Point {
        Point::new(self.normal.y, -self.normal.x)
    }

    /// The point of the line closest to the origin.
    pub(crate) fn anchor(&self) -> Point {
        self.normal.scale(self.offset)
    }

    /// Signed distance of `p` from the line, positive on the side the normal points to.
    pub(crate) fn signed_distance(&self, p: Point) -> f64 {
        self.normal.dot(p) - self.offset
    }

    /// Where two lines cross; `None` when they are (nearly) parallel.
    pub(crate) fn intersect(&self, other: &Self) -> Option<Point> {
        let det = self.normal.cross(other.normal);
        if det.abs() < 1e-9 {
            return None;
        }
        let x = (self.offset * other.normal.y - other.offset * self.normal.y) / det;
        let y = (self.normal.x * other.offset - other.normal.x * self.offset) / det;
        let p = Point::new(x, y);
        p.is_finite().then_some(p)
    }

    /// The angle between the two lines in degrees, in `[0, 90]`.
    pub(crate) fn angle_to_deg(&self, other: &Self) -> f64 {
        let cos = self.normal.dot(other.normal).abs().min(1.0);
        cos.acos().to_degrees()
    }

    /// The same line with the normal turned around.
    pub(crate) fn reversed(&self) -> Self {
        Self {
            normal: self.normal.scale(-1.0),
            offset: -self.offset,
        }
    }

    /// The same line with every coordinate multiplied by `factor`.
    pub(crate) fn scaled(&self, factor: f64) -> Self {
        Self {
            normal: self.normal,
            offset: self.offset * factor,
        }
    }

    /// The parameter interval `[t0, t1]` of `anchor + t · direction` inside the rectangle
    /// `[0, width] × [0, height]`, or `None` when the line misses it.
    pub(crate) fn clip_to_rect(&self, width: f64, height: f64) -> Option<(f64, f64)> {
        let p = self.anchor();
        let d = self.direction();
        let mut t0 = f64::NEG_INFINITY;
        let mut t1 = f64::INFINITY;
        for (origin, step, limit) in [(p.x, d.x, width), (p.y, d.y, height)] {
            if step.abs() < 1e-12 {
                if origin < 0.0 || origin > limit {
                    return None;
                }
            } else {
                let a = -origin / step;
                let b = (limit - origin) / step;
                t0 = t0.max(a.min(b));
                t1 = t1.min(a.max(b));
            }
        }
        (t1 > t0 && t0.is_finite() && t1.is_finite()).then_some((t0, t1))
    }
}

/// Fits a line to weighted points by total least squares (principal axis of the weighted
/// scatter). `None` for fewer than two distinct points.
pub(crate) fn fit_line(points: &[(Point, f64)]) -> Option<Line> {
    let total: f64 = points.iter().map(|(_, w)| *w).sum();
    if points.len() < 2 || total.is_nan() || total <= 0.0 {
        return None;
    }
    let mean = points
        .iter()
        .fold(Point::default(), |acc, (p, w)| acc.add(p.scale(*w)))
        .scale(1.0 / total);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (p, w) in points {
        let d = p.sub(mean);
        sxx += w * d.x * d.x;
        sxy += w * d.x * d.y;
        syy += w * d.y * d.y;
    }
    // Direction of largest spread: angle of the principal eigenvector of the 2×2 scatter.
    let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let spread = sxx + syy;
    if spread.is_nan() || spread <= 1e-12 {
        return None;
    }
    Line::through(mean, Point::new(angle.cos(), angle.sin()))
}

/// Twice the signed area of a polygon (positive when clockwise on screen).
pub(crate) fn signed_area2(poly: &[Point]) -> f64 {
    let n = poly.len();
    (0..n).map(|i| poly[i].cross(poly[(i + 1) % n])).sum()
}

/// True when the quadrilateral is strictly convex (all turns the same way).
pub(crate) fn is_convex(quad: &[Point; 4]) -> bool {
    let mut sign = 0.0;
    for i in 0..4 {
        let a = quad[(i + 1) % 4].sub(quad[i]);
        let b = quad[(i + 2) % 4].sub(quad[(i + 1) % 4]);
        let turn = a.cross(b);
        if turn.abs() < 1e-9 || (sign != 0.0 && turn.signum() != sign) {
            return false;
        }
        sign = turn.signum();
    }
    true
}

/// The area of the part of a convex polygon inside `[0, width] × [0, height]`
/// (Sutherland–Hodgman clipping against the four borders).
pub(crate) fn area_inside_rect(poly: &[Point], width: f64, height: f64) -> f64 {
    let mut current: Vec<Point> = poly.to_vec();
    // Each border as (inside test value: positive inside) via a linear function of the point.
    let borders: [(f64, f64, f64); 4] = [
        (1.0, 0.0, 0.0),
        (-1.0, 0.0, width),
        (0.0, 1.0, 0.0),
        (0.0, -1.0, height),
    ];
    for (a, b, c) in borders {
        if current.is_empty() {
            break;
        }
        let value = |p: Point| a * p.x + b * p.y + c;
        let mut next = Vec::with_capacity(current.len() + 2);
        for i in 0..current.len() {
            let p = current[i];
            let q = current[(i + 1) % current.len()];
            let (vp, vq) = (value(p), value(q));
            if vp >= 0.0 {
                next.push(p);
            }
            if (vp >= 0.0) != (vq >= 0.0) {
                let t = vp / (vp - vq);
                next.push(p.add(q.sub(p).scale(t)));
            }
        }
        current = next;
    }
    (signed_area2(&current) * 0.5).abs()
}

/// Interior angle at each corner of a quadrilateral, in degrees.
pub(crate) fn corner_angles_deg(quad: &[Point; 4]) -> [f64; 4] {
    let mut angles = [0.0; 4];
    for (i, angle) in angles.iter_mut().enumerate() {
        let prev = quad[(i + 3) % 4].sub(quad[i]);
        let next = quad[(i + 1) % 4].sub(quad[i]);
        let denom = prev.length() * next.length();
        *angle = if denom > 0.0 {
            (prev.dot(next) / denom).clamp(-1.0, 1.0).acos().to_degrees()
        } else {
            0.0
        };
    }
    angles
}

/// A 3×3 projective transform, row-major, mapping `(x, y, 1)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Homography(pub [f64; 9]);

impl Homography {
    /// The homography taking each `from[i]` to `to[i]`; `None` when the points are degenerate.
    pub(crate) fn from_points(from: &[Point; 4], to: &[Point; 4]) -> Option<Self> {
        // Solve the 8×8 system for h0..h7 with h8 = 1.
        let mut m = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let (x, y) = (from[i].x, from[i].y);
            let (u, v) = (to[i].x, to[i].y);
            m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        let h = solve8(m)?;
        let result = Self([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1.0]);
        result.0.iter().all(|v| v.is_finite()).then_some(result)
    }

    /// Maps a point; `None` at or behind the horizon (non-positive homogeneous weight).
    #[cfg(test)]
    pub(crate) fn apply(&self, p: Point) -> Option<Point> {
        let h = &self.0;
        let w = h[6] * p.x + h[7] * p.y + h[8];
        if w.is_nan() || w <= 1e-12 {
            return None;
        }
        let q = Point::new(
            (h[0] * p.x + h[1] * p.y + h[2]) / w,
            (h[3] * p.x + h[4] * p.y + h[5]) / w,
        );
        q.is_finite().then_some(q)
    }
}

/// Gaussian elimination with partial pivoting on an augmented 8×9 matrix.
fn solve8(mut m: [[f64; 9]; 8]) -> Option<[f64; 8]> {
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (index, row) in m.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            if index != col && factor != 0.0 {
                for (value, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                    *value -= factor * p;
                }
            }
        }
    }
    let mut x = [0.0; 8];
    for (i, xi) in x.iter_mut().enumerate() {
        *xi = m[i][8] / m[i][i];
    }
    Some(x)
}

/// Width ÷ height of the real rectangle photographed as `quad` (corners in reading order
/// top-left, top-right, bottom-right, bottom-left), by the method of Zhang & He, "Whiteboard
/// scanning and image enhancement" (2007), assuming square pixels and the principal point at
/// `centre`. The focal length is solved from the two vanishing points; when it is not
/// observable (a pair of sides is parallel in the image) or implausible (outside 0.4–8 image
/// diagonals), a typical phone focal length of [`ASSUMED_FOCAL_DIAGONALS`] diagonals is used.
/// For a frontal view the result is the ratio of side lengths whatever the focal length.
pub(crate) fn rectified_aspect(quad: &[Point; 4], centre: Point, diagonal: f64) -> f64 {
    perspective(quad, centre, diagonal).map_or_else(|| mean_side_aspect(quad), |p| p.aspect)
}

/// What the four corners say about the photographed rectangle (see [`perspective`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Perspective {
    /// Width ÷ height of the rectangle (corners taken as TL, TR, BR, BL).
    pub aspect: f64,
    /// True when the focal length was solved from two vanishing points and came out plausible
    /// (0.4–8 diagonals): the quadrilateral is then a possible view of a rectangle by an
    /// ordinary camera whose principal point is `centre`.
    pub focal_measured: bool,
    /// True when exactly one pair of sides is parallel in the image (a trapezoid): the focal
    /// length cannot be measured, and the view is that of a rectangle tilted about an axis
    /// parallel to that pair.
    pub one_vanishing_point: bool,
}

/// The rectified aspect ratio by the method of Zhang & He and whether the focal length was
/// measured (see [`rectified_aspect`]); `None` when the corners are degenerate.
pub(crate) fn perspective(quad: &[Point; 4], centre: Point, diagonal: f64) -> Option<Perspective> {
    zhang_aspect(quad, centre, diagonal)
}

/// The intersection of the diagonals: the image of the rectangle's centre.
pub(crate) fn diagonal_centre(quad: &[Point; 4]) -> Option<Point> {
    let first = Line::through(quad[0], quad[2].sub(quad[0]))?;
    let second = Line::through(quad[1], quad[3].sub(quad[1]))?;
    first.intersect(&second)
}

/// Focal length, in image diagonals, assumed when it cannot be measured (a 26 mm-equivalent
/// phone lens is about 0.6, a 2× tele 1.2).
pub(crate) const ASSUMED_FOCAL_DIAGONALS: f64 = 0.8;

/// Mean top/bottom length ÷ mean left/right length.
pub(crate) fn mean_side_aspect(quad: &[Point; 4]) -> f64 {
    let horizontal = 0.5 * (quad[0].distance(quad[1]) + quad[3].distance(quad[2]));
    let vertical = 0.5 * (quad[1].distance(quad[2]) + quad[0].distance(quad[3]));
    if vertical > 0.0 {
        horizontal / vertical
    } else {
        1.0
    }
}

fn zhang_aspect(quad: &[Point; 4], centre: Point, diagonal: f64) -> Option<Perspective> {
    // Shift so that the principal point is the origin; Zhang's m1..m4 are TL, TR, BL, BR.
    let h = |p: Point| [p.x - centre.x, p.y - centre.y, 1.0];
    let (m1, m2, m3, m4) = (h(quad[0]), h(quad[1]), h(quad[3]), h(quad[2]));
    let cross = |a: [f64; 3], b: [f64; 3]| {
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    };
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let m14 = cross(m1, m4);
    let k2 = dot(m14, m3) / dot(cross(m2, m4), m3);
    let k3 = dot(m14, m2) / dot(cross(m3, m4), m2);
    if !k2.is_finite() || !k3.is_finite() {
        return None;
    }
    let n2 = [k2 * m2[0] - m1[0], k2 * m2[1] - m1[1], k2 * m2[2] - m1[2]];
    let n3 = [k3 * m3[0] - m1[0], k3 * m3[1] - m1[1], k3 * m3[2] - m1[2]];
    let scale = diagonal.max(1.0);
    let assumed = (ASSUMED_FOCAL_DIAGONALS * scale).powi(2);
    let measured = -(n2[0] * n3[0] + n2[1] * n3[1]) / (n2[2] * n3[2]);
    // A vanishing point near infinity (side pair nearly parallel) leaves the focal length
    // unobservable: the estimate is then noise.
    let observable = |n: [f64; 3]| (n[2] * scale).abs() >= 0.05 * n[0].hypot(n[1]);
    let plausible = measured > (0.4 * scale).powi(2) && measured < (8.0 * scale).powi(2);
    let focal_measured = observable(n2) && observable(n3) && plausible;
    let one_vanishing_point = observable(n2) != observable(n3);
    let f2 = if focal_measured { measured } else { assumed };
    let norm = |n: [f64; 3]| (n[0] * n[0] + n[1] * n[1]) / f2 + n[2] * n[2];
    let ratio2 = norm(n2) / norm(n3);
    (ratio2 > 0.0 && ratio2.is_finite()).then(|| Perspective {
        aspect: ratio2.sqrt(),
        focal_measured,
        one_vanishing_point,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> [Point; 4] {
        [
            Point::new(0.0, 0.0),
            Point::new(10.0, 0.0),
            Point::new(10.0, 10.0),
            Point::new(0.0, 10.0),
        ]
    }

    #[test]
    fn lines_intersect_where_expected() {
        let vertical = Line::from_angle(0.0, 3.0);
        let horizontal = Line::from_angle(std::f64::consts::FRAC_PI_2, 7.0);
        let p = vertical.intersect(&horizontal).unwrap();
        assert!((p.x - 3.0).abs() < 1e-9 && (p.y - 7.0).abs() < 1e-9);
        assert!(vertical.intersect(&Line::from_angle(0.0, 5.0)).is_none());
    }

    #[test]
    fn clipping_a_diagonal_gives_its_length_inside() {
        let line = Line::through(Point::new(0.0, 0.0), Point::new(1.0, 1.0)).unwrap();
        let (t0, t1) = line.clip_to_rect(10.0, 10.0).unwrap();
        assert!((t1 - t0 - 200f64.sqrt()).abs() < 1e-9);
        let outside = Line::from_angle(0.0, -5.0);
        assert!(outside.clip_to_rect(10.0, 10.0).is_none());
    }

    #[test]
    fn fitted_line_passes_through_collinear_points() {
        let pts: Vec<(Point, f64)> = (0..10)
            .map(|i| (Point::new(i as f64, 2.0 * i as f64 + 1.0), 1.0))
            .collect();
        let line = fit_line(&pts).unwrap();
        for (p, _) in &pts {
            assert!(line.signed_distance(*p).abs() < 1e-9);
        }
    }

    #[test]
    fn clipped_area_and_convexity() {
        let sq = square();
        assert!(is_convex(&sq));
        assert!((area_inside_rect(&sq, 100.0, 100.0) - 100.0).abs() < 1e-9);
        assert!((area_inside_rect(&sq, 5.0, 100.0) - 50.0).abs() < 1e-9);
        let bow = [sq[0], sq[2], sq[1], sq[3]];
        assert!(!is_convex(&bow));
        assert!(corner_angles_deg(&sq).iter().all(|a| (a - 90.0).abs() < 1e-9));
    }

    #[test]
    fn homography_maps_the_four_points() {
        let from = square();
        let to = [
            Point::new(3.0, 1.0),
            Point::new(20.0, 4.0),
            Point::new(18.0, 15.0),
            Point::new(1.0, 12.0),
        ];
        let h = Homography::from_points(&from, &to).unwrap();
        for i in 0..4 {
            let q = h.apply(from[i]).unwrap();
            assert!(q.distance(to[i]) < 1e-9);
        }
        assert!(Homography::from_points(&from, &[Point::default(); 4]).is_none());
    }

    #[test]
    fn zhang_recovers_the_aspect_of_a_tilted_rectangle() {
        // A 1.586:1 rectangle at distance 10, tilted about both axes, focal length f.
        let view = |f: f64, tilt_x: f64, tilt_y: f64| {
            let (ax, ay) = (tilt_x.to_radians(), tilt_y.to_radians());
            let project = move |x: f64, y: f64| {
                let (x1, z1) = (x * ay.cos(), x * ay.sin());
                let (y2, z2) = (y * ax.cos() - z1 * ax.sin(), y * ax.sin() + z1 * ax.cos());
                let z = 10.0 + z2;
                Point::new(640.0 + f * (x1 + 0.3) / z, 480.0 + f * y2 / z)
            };
            let (w, h) = (1.586, 1.0);
            [project(-w, -h), project(w, -h), project(w, h), project(-w, h)]
        };
        let centre = Point::new(640.0, 480.0);
        // Two vanishing points: the focal length is measured.
        let quad = view(1000.0, 35.0, 20.0);
        let aspect = rectified_aspect(&quad, centre, 1600.0);
        assert!((aspect - 1.586).abs() < 0.01, "{aspect}");
        assert!((mean_side_aspect(&quad) - 1.586).abs() > 0.05);
        // One vanishing point: the assumed focal length (0.8 × 1600) is used.
        let quad = view(1280.0, 35.0, 0.0);
        let aspect = rectified_aspect(&quad, centre, 1600.0);
        assert!((aspect - 1.586).abs() < 0.01, "{aspect}");
        // Frontal: the side ratio.
        let aspect = rectified_aspect(&view(1000.0, 0.0, 0.0), centre, 1600.0);
        assert!((aspect - 1.586).abs() < 1e-9, "{aspect}");
    }
}
