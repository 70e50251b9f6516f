//! How well one homography (a plane seen by a pinhole camera) explains the
//! motion of points between two frames.
//!
//! A photo or a screen moved in front of the camera is a plane: whatever
//! its motion, one 3 × 3 homography maps its points in one frame onto the
//! same points in another, up to landmark noise. A real head turning shows
//! parallax between points at different depths (the nose tip against the
//! eye corners), which no homography removes.

/// Fewest point pairs for which a residual means anything: a homography
/// has 8 degrees of freedom, so 4 pairs fit exactly and leave no residual.
pub const MIN_POINTS: usize = 5;

/// Root-mean-square distance, in the units of the points, between `to`
/// and `from` mapped by the least-squares homography from `from` to `to`
/// (the "algebraic" fit with `h33 = 1` on Hartley-normalised
/// coordinates). `None` when fewer than [`MIN_POINTS`] pairs, the slices
/// differ in length, a coordinate is not finite, or the points are
/// degenerate (all on one line).
pub fn homography_residual(from: &[[f32; 2]], to: &[[f32; 2]]) -> Option<f64> {
    if from.len() != to.len() || from.len() < MIN_POINTS {
        return None;
    }
    let finite = |points: &[[f32; 2]]| points.iter().flatten().all(|value| value.is_finite());
    if !finite(from) || !finite(to) {
        return None;
    }
    let source = Normalisation::of(from)?;
    let target = Normalisation::of(to)?;
    let pairs: Vec<([f64; 2], [f64; 2])> = from
        .iter()
        .zip(to)
        .map(|(a, b)| (source.apply(*a), target.apply(*b)))
        .collect();
    let h = fit(&pairs)?;
    let squared: f64 = pairs
        .iter()
        .map(|(a, b)| {
            let mapped = project(&h, *a)?;
            Some((mapped[0] - b[0]).powi(2) + (mapped[1] - b[1]).powi(2))
        })
        .sum::<Option<f64>>()?;
    // Back to the target's units: the normalisation scaled them by `scale`.
    Some((squared / pairs.len() as f64).sqrt() / target.scale)
}

/// Hartley's normalisation: centroid to the origin, mean distance √2.
struct Normalisation {
    centre: [f64; 2],
    scale: f64,
}

impl Normalisation {
    fn of(points: &[[f32; 2]]) -> Option<Self> {
        let count = points.len() as f64;
        let centre = [
            points.iter().map(|p| f64::from(p[0])).sum::<f64>() / count,
            points.iter().map(|p| f64::from(p[1])).sum::<f64>() / count,
        ];
        let mean_distance = points
            .iter()
            .map(|p| (f64::from(p[0]) - centre[0]).hypot(f64::from(p[1]) - centre[1]))
            .sum::<f64>()
            / count;
        if !(mean_distance.is_finite() && mean_distance > f64::EPSILON) {
            return None;
        }
        Some(Self {
            centre,
            scale: std::f64::consts::SQRT_2 / mean_distance,
        })
    }

    fn apply(&self, point: [f32; 2]) -> [f64; 2] {
        [
            (f64::from(point[0]) - self.centre[0]) * self.scale,
            (f64::from(point[1]) - self.centre[1]) * self.scale,
        ]
    }
}

fn project(h: &[f64; 8], p: [f64; 2]) -> Option<[f64; 2]> {
    let w = h[6] * p[0] + h[7] * p[1] + 1.0;
    if w.abs() < 1e-9 {
        return None;
    }
    Some([
        (h[0] * p[0] + h[1] * p[1] + h[2]) / w,
        (h[3] * p[0] + h[4] * p[1] + h[5]) / w,
    ])
}

/// Least squares for the 8 unknowns: two linear equations per pair,
/// solved through the normal equations (8 × 8, well conditioned after the
/// normalisation).
fn fit(pairs: &[([f64; 2], [f64; 2])]) -> Option<[f64; 8]> {
    let mut normal = [[0.0f64; 9]; 8];
    for ([x, y], [u, v]) in pairs {
        let rows = [
            [*x, *y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, *u],
            [0.0, 0.0, 0.0, *x, *y, 1.0, -v * x, -v * y, *v],
        ];
        for row in &rows {
            for i in 0..8 {
                for j in 0..9 {
                    normal[i][j] += row[i] * row[j];
                }
            }
        }
    }
    solve(normal)
}

/// Gaussian elimination with partial pivoting on an augmented 8 × 9
/// system; `None` when it is (nearly) singular.
fn solve(mut m: [[f64; 9]; 8]) -> Option<[f64; 8]> {
    const SINGULAR: f64 = 1e-12;
    for column in 0..8 {
        let pivot = (column..8).max_by(|&a, &b| m[a][column].abs().total_cmp(&m[b][column].abs()))?;
        // Written so that NaN also counts as singular.
        if m[pivot][column].abs().partial_cmp(&SINGULAR) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        m.swap(column, pivot);
        let pivot_row = m[column];
        for row in m.iter_mut().skip(column + 1) {
            let factor = row[column] / pivot_row[column];
            for (value, pivot_value) in row.iter_mut().zip(pivot_row).skip(column) {
                *value -= factor * pivot_value;
            }
        }
    }
    let mut solution = [0.0f64; 8];
    for row in (0..8).rev() {
        let known: f64 = (row + 1..8).map(|k| m[row][k] * solution[k]).sum();
        solution[row] = (m[row][8] - known) / m[row][row];
    }
    solution.iter().all(|value| value.is_finite()).then_some(solution)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warp(h: [[f64; 3]; 3], p: [f32; 2]) -> [f32; 2] {
        let (x, y) = (f64::from(p[0]), f64::from(p[1]));
        let w = h[2][0] * x + h[2][1] * y + h[2][2];
        [
            ((h[0][0] * x + h[0][1] * y + h[0][2]) / w) as f32,
            ((h[1][0] * x + h[1][1] * y + h[1][2]) / w) as f32,
        ]
    }

    const POINTS: [[f32; 2]; 6] = [
        [100.0, 100.0],
        [220.0, 105.0],
        [160.0, 170.0],
        [120.0, 230.0],
        [200.0, 228.0],
        [160.0, 60.0],
    ];

    #[test]
    fn an_exact_homography_leaves_no_residual() {
        let h = [[1.1, 0.05, 12.0], [-0.03, 0.95, -7.0], [0.0004, -0.0002, 1.0]];
        let moved: Vec<[f32; 2]> = POINTS.iter().map(|p| warp(h, *p)).collect();
        let residual = homography_residual(&POINTS, &moved).unwrap();
        assert!(residual < 1e-3, "{residual}");
    }

    #[test]
    fn moving_one_point_off_the_homography_leaves_a_residual() {
        let mut moved = POINTS.to_vec();
        moved[2][0] += 10.0;
        let residual = homography_residual(&POINTS, &moved).unwrap();
        assert!(residual > 1.0, "{residual}");
    }

    #[test]
    fn degenerate_inputs_give_none() {
        assert_eq!(homography_residual(&POINTS[..4], &POINTS[..4]), None);
        assert_eq!(homography_residual(&POINTS, &POINTS[..5]), None);
        let same = [[5.0f32, 5.0]; 6];
        assert_eq!(homography_residual(&same, &same), None);
        let mut nan = POINTS;
        nan[0][1] = f32::NAN;
        assert_eq!(homography_residual(&nan, &POINTS), None);
        let line: Vec<[f32; 2]> = (0..6).map(|i| [i as f32, 2.0 * i as f32]).collect();
        assert_eq!(homography_residual(&line, &line), None);
    }
}
