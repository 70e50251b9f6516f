//! A detected face's geometry and exposure, measured from its box, its five
//! landmarks and the image's pixels. Pure: numbers only; the reasons and
//! their thresholds ([`QualityThresholds`]) are a separate step so the
//! caller's configuration decides.
//!
//! # Head pose from five points
//! Five points cannot give a pose exactly; these are first-order estimates
//! from a generic head, good enough to tell a frontal face from a turned one:
//! * **roll**: the angle of the line from the left to the right eye.
//! * **yaw**: in the face's own frame (so roll does not change it), the
//!   nose tip's offset from the line through the eyes' and the mouth
//!   corners' midpoints, over the eye distance ([`FaceQuality::yaw_ratio`]).
//!   The nose tip stands about [`NOSE_DEPTH_PER_EYE_DISTANCE`] eye distances
//!   in front of the eyes, so turning the head by θ moves it sideways by
//!   that depth × sin θ while the eye distance shrinks by cos θ:
//!   yaw = atan(ratio / depth).
//! * **pitch**: where the nose tip lies between the eye line (0) and the
//!   mouth line (1) ([`FaceQuality::pitch_ratio`]); on a level face it is
//!   [`LEVEL_PITCH_RATIO`], tilting the chin up moves the tip towards the
//!   eyes: pitch = atan((level − ratio) / (depth per eye-to-mouth distance)).
//!
//! The depths come from the generic 3-D head commonly used with five- and
//! six-point pose estimation (eye centres ≈ 63 mm apart, nose tip ≈ 27 mm in
//! front of them, eyes to mouth ≈ 64 mm); the level ratio is the median on
//! the fixture photos, which are near-frontal portraits.

use image::RgbImage;
use serde::Serialize;

use crate::detect::landmark::{LEFT_EYE, MOUTH_LEFT, MOUTH_RIGHT, NOSE, RIGHT_EYE};
use crate::Face;

/// How far the nose tip stands in front of the eyes, in eye distances.
pub const NOSE_DEPTH_PER_EYE_DISTANCE: f32 = 0.43;
/// How far the nose tip stands in front of the eye–mouth plane, in
/// eye-to-mouth distances.
pub const NOSE_DEPTH_PER_EYE_MOUTH_DISTANCE: f32 = 0.42;
/// [`FaceQuality::pitch_ratio`] of a level face: the median of the 45
/// fixture photos (they range from 0.50 to 0.62).
pub const LEVEL_PITCH_RATIO: f32 = 0.575;
/// Luma at or above this is a clipped highlight.
pub const HIGHLIGHT_CLIP: u8 = 250;
/// Luma at or below this is a crushed shadow.
pub const SHADOW_CLIP: u8 = 5;
/// The share of the box's width and height left out on each side for the
/// exposure measures: the box's corners hold hair and background, not skin.
pub const EXPOSURE_INSET: f32 = 0.15;
/// At most this many samples per side of the exposure region: a large face
/// is sampled on a grid, so the work is bounded.
pub const MAX_EXPOSURE_SAMPLES_PER_SIDE: u32 = 256;

/// A face's geometry and exposure. Angles in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FaceQuality {
    /// Distance between the two eye landmarks in image pixels.
    pub inter_ocular_px: f32,
    /// The box's width over the image's width.
    pub relative_width: f32,
    /// The box's height over the image's height.
    pub relative_height: f32,
    /// Roll: the eye line's angle from horizontal, positive when the
    /// image-right eye is lower (clockwise on screen).
    pub roll_deg: f32,
    /// The nose tip's sideways offset from the face's midline over the eye
    /// distance, positive towards the image's right; 0 on a frontal face.
    pub yaw_ratio: f32,
    /// Approximate yaw from [`yaw_ratio`](Self::yaw_ratio), positive when
    /// the face is turned towards the image's right.
    pub yaw_deg: f32,
    /// Where the nose tip lies from the eye line (0) to the mouth line (1).
    pub pitch_ratio: f32,
    /// Approximate pitch from [`pitch_ratio`](Self::pitch_ratio), positive
    /// when the chin is raised.
    pub pitch_deg: f32,
    /// Mean luma (BT.601, 0–255) over the face box less
    /// [`EXPOSURE_INSET`] on each side.
    pub mean_luma: f32,
    /// The share of that region at or above [`HIGHLIGHT_CLIP`].
    pub highlight_clipped_share: f32,
    /// The share of that region at or below [`SHADOW_CLIP`].
    pub shadow_clipped_share: f32,
}

/// Thresholds for [`FaceQuality::reasons`]. The defaults were set on the
/// 45 fixture photos (`shared/fixtures/faces`, near-frontal portraits of
/// 330 × 512 to 4352 × 2903 px) and on copies of them changed one way at a
/// time, as `examples/face_report.rs --checks` prints: every photo passes
/// with a margin, and the clearly degraded copies fail. They are starting
/// points for the configuration, not tuned for matching accuracy (that
/// needs the descriptor).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QualityThresholds {
    /// `FACE_TOO_SMALL` below this eye distance in pixels (default 30).
    /// The fixtures measure 54–550 px (median 138). The detector is not the
    /// limit: on copies shrunk until the eyes are 15 px apart it still finds
    /// every face, the measured distance within 2 px of the target; the
    /// limit is the detail left for matching, which the issue measured
    /// degraded (EER 0.013 against 0.000) on 40-px faces re-saved at JPEG
    /// quality 30.
    pub min_inter_ocular_px: f32,
    /// `FACE_TOO_DARK` below this mean luma (default 50). The fixtures'
    /// faces measure 97–193; copies at a quarter of the light (−2 EV) 24–48,
    /// all flagged; at 0.35× 12 of 45 are flagged, at half 2 (the darkest
    /// photo).
    pub min_mean_luma: f32,
    /// `FACE_TOO_DARK` above this share of crushed shadows (default 0.25;
    /// the fixtures have at most 0.9%).
    pub max_shadow_clipped_share: f32,
    /// `FACE_OVEREXPOSED` above this mean luma (default 220).
    pub max_mean_luma: f32,
    /// `FACE_OVEREXPOSED` above this share of clipped highlights (default
    /// 0.2: a fifth of the skin without texture). The fixtures have at most
    /// 0.8%; copies with the light doubled (+1 EV) are flagged in 43 of 45,
    /// at 3× in all, at 1.5× in 31.
    pub max_highlight_clipped_share: f32,
    /// `FACE_NOT_FRONTAL` beyond this absolute yaw (default 30°; the
    /// fixtures reach 22°, and the estimate of one photo and its mirror
    /// differ by up to 9°).
    pub max_abs_yaw_deg: f32,
    /// `FACE_NOT_FRONTAL` beyond this absolute pitch (default 25°; the
    /// fixtures measure −6° to +11°).
    pub max_abs_pitch_deg: f32,
    /// `FACE_NOT_FRONTAL` beyond this absolute roll (default 30°; the
    /// fixtures reach 15°; alignment for matching undoes roll, so only a
    /// strongly tilted head is refused).
    pub max_abs_roll_deg: f32,
}

impl Default for QualityThresholds {
    fn default() -> Self {
        Self {
            min_inter_ocular_px: 30.0,
            min_mean_luma: 50.0,
            max_shadow_clipped_share: 0.25,
            max_mean_luma: 220.0,
            max_highlight_clipped_share: 0.2,
            max_abs_yaw_deg: 30.0,
            max_abs_pitch_deg: 25.0,
            max_abs_roll_deg: 30.0,
        }
    }
}

/// The reason codes [`FaceQuality::reasons`] can return, in its order.
pub const REASON_CODES: [&str; 4] = [
    "FACE_TOO_SMALL",
    "FACE_TOO_DARK",
    "FACE_OVEREXPOSED",
    "FACE_NOT_FRONTAL",
];

impl FaceQuality {
    /// Measures `face` on `image` (the image it was detected in).
    pub fn measure(face: &Face, image: &RgbImage) -> Self {
        let pose = Pose::from_landmarks(&face.landmarks);
        let exposure = Exposure::measure(image, &face.bbox);
        let (width, height) = image.dimensions();
        let relative = |extent: f32, side: u32| if side > 0 { extent / side as f32 } else { 0.0 };
        Self {
            inter_ocular_px: pose.eye_distance,
            relative_width: relative(face.width(), width),
            relative_height: relative(face.height(), height),
            roll_deg: pose.roll_deg,
            yaw_ratio: pose.yaw_ratio,
            yaw_deg: (pose.yaw_ratio / NOSE_DEPTH_PER_EYE_DISTANCE).atan().to_degrees(),
            pitch_ratio: pose.pitch_ratio,
            pitch_deg: ((LEVEL_PITCH_RATIO - pose.pitch_ratio) / NOSE_DEPTH_PER_EYE_MOUTH_DISTANCE)
                .atan()
                .to_degrees(),
            mean_luma: exposure.mean_luma,
            highlight_clipped_share: exposure.highlight_share,
            shadow_clipped_share: exposure.shadow_share,
        }
    }

    /// The reason codes (of [`REASON_CODES`], in that order) this face
    /// fails. A value that is not a number fails its check.
    pub fn reasons(&self, thresholds: &QualityThresholds) -> Vec<&'static str> {
        let too_dark = below(self.mean_luma, thresholds.min_mean_luma)
            || above(self.shadow_clipped_share, thresholds.max_shadow_clipped_share);
        let overexposed = above(self.mean_luma, thresholds.max_mean_luma)
            || above(self.highlight_clipped_share, thresholds.max_highlight_clipped_share);
        let not_frontal = above(self.yaw_deg.abs(), thresholds.max_abs_yaw_deg)
            || above(self.pitch_deg.abs(), thresholds.max_abs_pitch_deg)
            || above(self.roll_deg.abs(), thresholds.max_abs_roll_deg);
        let failed = [
            below(self.inter_ocular_px, thresholds.min_inter_ocular_px),
            too_dark,
            overexposed,
            not_frontal,
        ];
        REASON_CODES
            .into_iter()
            .zip(failed)
            .filter_map(|(code, failed)| failed.then_some(code))
            .collect()
    }
}

/// `value` is under `min`, or not a number.
fn below(value: f32, min: f32) -> bool {
    value.is_nan() || value < min
}

/// `value` is over `max`, or not a number.
fn above(value: f32, max: f32) -> bool {
    value.is_nan() || value > max
}

/// The landmark geometry.
struct Pose {
    eye_distance: f32,
    roll_deg: f32,
    yaw_ratio: f32,
    pitch_ratio: f32,
}

impl Pose {
    fn from_landmarks(points: &[[f32; 2]; 5]) -> Self {
        let [left_eye, right_eye, nose, mouth_left, mouth_right] =
            [LEFT_EYE, RIGHT_EYE, NOSE, MOUTH_LEFT, MOUTH_RIGHT].map(|i| points[i]);
        let eye_line = sub(right_eye, left_eye);
        let eye_distance = norm(eye_line);
        let eye_mid = mid(left_eye, right_eye);
        let midline = sub(mid(mouth_left, mouth_right), eye_mid);
        let eye_to_mouth = norm(midline);
        // Below a pixel the directions are noise; a floor keeps the ratios
        // finite (and large, so such a face fails the frontal check).
        let down = scale(midline, 1.0 / eye_to_mouth.max(1.0));
        // The face's "right" is perpendicular to its midline, on the side
        // of the right-hand eye.
        let mut right = [-down[1], down[0]];
        if dot(right, eye_line) < 0.0 {
            right = [-right[0], -right[1]];
        }
        let nose_from_eyes = sub(nose, eye_mid);
        Self {
            eye_distance,
            roll_deg: eye_line[1].atan2(eye_line[0]).to_degrees(),
            yaw_ratio: dot(nose_from_eyes, right) / eye_distance.max(1.0),
            pitch_ratio: dot(nose_from_eyes, down) / eye_to_mouth.max(1.0),
        }
    }
}

fn sub(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

fn mid(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}

fn scale(a: [f32; 2], s: f32) -> [f32; 2] {
    [a[0] * s, a[1] * s]
}

fn dot(a: [f32; 2], b: [f32; 2]) -> f32 {
    a[0] * b[0] + a[1] * b[1]
}

fn norm(a: [f32; 2]) -> f32 {
    dot(a, a).sqrt()
}

/// Luma statistics of the inner face box.
struct Exposure {
    mean_luma: f32,
    highlight_share: f32,
    shadow_share: f32,
}

impl Exposure {
    /// Samples the box less [`EXPOSURE_INSET`] per side on a grid of at
    /// most [`MAX_EXPOSURE_SAMPLES_PER_SIDE`]² pixels. An empty region (a box
    /// outside the image) measures as black: nothing of the face is lit.
    fn measure(image: &RgbImage, bbox: &[f32; 4]) -> Self {
        let (width, height) = image.dimensions();
        let inset_x = (bbox[2] - bbox[0]) * EXPOSURE_INSET;
        let inset_y = (bbox[3] - bbox[1]) * EXPOSURE_INSET;
        let span = |lo: f32, hi: f32, limit: u32| {
            // NaN casts to 0, so a NaN box gives an empty span.
            let start = (lo.max(0.0).floor() as u32).min(limit);
            let end = (hi.max(0.0).ceil() as u32).min(limit);
            (start, end.max(start))
        };
        let (x0, x1) = span(bbox[0] + inset_x, bbox[2] - inset_x, width);
        let (y0, y1) = span(bbox[1] + inset_y, bbox[3] - inset_y, height);
        let step = |len: u32| len.div_ceil(MAX_EXPOSURE_SAMPLES_PER_SIDE).max(1);
        let (step_x, step_y) = (step(x1 - x0), step(y1 - y0));
        let (mut count, mut sum, mut highlights, mut shadows) = (0u64, 0u64, 0u64, 0u64);
        for y in (y0..y1).step_by(step_y as usize) {
            for x in (x0..x1).step_by(step_x as usize) {
                let Some(pixel) = image.get_pixel_checked(x, y) else {
                    continue;
                };
                let luma = luma(pixel.0);
                count += 1;
                sum += u64::from(luma);
                highlights += u64::from(luma >= HIGHLIGHT_CLIP);
                shadows += u64::from(luma <= SHADOW_CLIP);
            }
        }
        if count == 0 {
            return Self {
                mean_luma: 0.0,
                highlight_share: 0.0,
                shadow_share: 1.0,
            };
        }
        let share = |n: u64| n as f32 / count as f32;
        Self {
            mean_luma: share(sum),
            highlight_share: share(highlights),
            shadow_share: share(shadows),
        }
    }
}

/// BT.601 luma of an RGB pixel, rounded, in integer arithmetic.
fn luma([r, g, b]: [u8; 3]) -> u8 {
    let weighted = 299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b);
    ((weighted + 500) / 1000).min(255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frontal, level face in a 400 × 400 image: eyes 60 px apart at y
    /// 150, the nose tip [`LEVEL_PITCH_RATIO`] of the way to the mouth line
    /// at y 210.
    fn frontal() -> Face {
        Face {
            bbox: [120.0, 90.0, 280.0, 290.0],
            score: 0.9,
            landmarks: [
                [170.0, 150.0],
                [230.0, 150.0],
                [200.0, 150.0 + 60.0 * LEVEL_PITCH_RATIO],
                [178.0, 210.0],
                [222.0, 210.0],
            ],
        }
    }

    fn grey(value: u8) -> RgbImage {
        RgbImage::from_pixel(400, 400, image::Rgb([value; 3]))
    }

    /// `face` rotated by `degrees` about `centre`.
    fn rotated(face: &Face, degrees: f32, centre: [f32; 2]) -> Face {
        let (s, c) = degrees.to_radians().sin_cos();
        let turn = |[x, y]: [f32; 2]| {
            let (dx, dy) = (x - centre[0], y - centre[1]);
            [centre[0] + c * dx - s * dy, centre[1] + s * dx + c * dy]
        };
        Face {
            landmarks: face.landmarks.map(turn),
            ..*face
        }
    }

    #[test]
    fn a_frontal_face_measures_level_and_centred() {
        let q = FaceQuality::measure(&frontal(), &grey(128));
        assert!((q.inter_ocular_px - 60.0).abs() < 1e-4);
        assert!(q.roll_deg.abs() < 1e-4 && q.yaw_ratio.abs() < 1e-4, "{q:?}");
        assert!(
            (q.pitch_ratio - LEVEL_PITCH_RATIO).abs() < 1e-4 && q.pitch_deg.abs() < 1e-3,
            "{q:?}"
        );
        assert!((q.relative_width - 0.4).abs() < 1e-6 && (q.relative_height - 0.5).abs() < 1e-6);
        assert_eq!(q.mean_luma, 128.0);
        assert!(q.reasons(&QualityThresholds::default()).is_empty(), "{q:?}");
    }

    #[test]
    fn roll_follows_the_eye_line_and_leaves_yaw_and_pitch() {
        let base = FaceQuality::measure(&frontal(), &grey(128));
        let mut nose_right = frontal();
        nose_right.landmarks[NOSE][0] += 12.0;
        let turned = FaceQuality::measure(&nose_right, &grey(128));
        for degrees in [-40.0f32, 15.0, 90.0] {
            let q = FaceQuality::measure(&rotated(&nose_right, degrees, [200.0, 180.0]), &grey(128));
            assert!((q.roll_deg - degrees).abs() < 1e-3, "{degrees}: {q:?}");
            assert!((q.yaw_ratio - turned.yaw_ratio).abs() < 1e-4, "{degrees}: {q:?}");
            assert!((q.pitch_ratio - base.pitch_ratio).abs() < 1e-4, "{degrees}: {q:?}");
        }
    }

    #[test]
    fn yaw_has_the_nose_side_and_grows_with_its_offset() {
        let at = |dx: f32| {
            let mut face = frontal();
            face.landmarks[NOSE][0] += dx;
            FaceQuality::measure(&face, &grey(128))
        };
        let (left, right, far_right) = (at(-12.0), at(12.0), at(30.0));
        assert!((right.yaw_ratio - 0.2).abs() < 1e-4, "{right:?}");
        assert!((left.yaw_deg + right.yaw_deg).abs() < 1e-3);
        assert!(
            right.yaw_deg > 20.0 && far_right.yaw_deg > right.yaw_deg,
            "{right:?} {far_right:?}"
        );
        assert!(far_right
            .reasons(&QualityThresholds::default())
            .contains(&"FACE_NOT_FRONTAL"));
    }

    #[test]
    fn pitch_is_positive_with_the_nose_near_the_eyes() {
        let at = |dy: f32| {
            let mut face = frontal();
            face.landmarks[NOSE][1] += dy;
            FaceQuality::measure(&face, &grey(128))
        };
        let (up, down) = (at(-15.0), at(15.0));
        // ±15 px is ±0.25 of the eye-to-mouth distance: ±31°.
        assert!(up.pitch_deg > 25.0 && down.pitch_deg < -25.0, "{up:?} {down:?}");
        assert!(up.reasons(&QualityThresholds::default()).contains(&"FACE_NOT_FRONTAL"));
    }

    #[test]
    fn exposure_reasons_follow_the_face_region() {
        let thresholds = QualityThresholds::default();
        assert_eq!(
            FaceQuality::measure(&frontal(), &grey(20)).reasons(&thresholds),
            ["FACE_TOO_DARK"]
        );
        assert_eq!(
            FaceQuality::measure(&frontal(), &grey(252)).reasons(&thresholds),
            ["FACE_OVEREXPOSED"]
        );
        // A bright background outside the inset box does not count.
        let mut image = grey(255);
        for y in 120..260 {
            for x in 144..256 {
                image.put_pixel(x, y, image::Rgb([120, 100, 90]));
            }
        }
        let q = FaceQuality::measure(&frontal(), &image);
        assert_eq!(q.highlight_clipped_share, 0.0, "{q:?}");
        assert!(q.reasons(&thresholds).is_empty(), "{q:?}");
    }

    #[test]
    fn small_and_degenerate_faces_give_numbers_and_reasons() {
        let thresholds = QualityThresholds::default();
        let small = Face {
            bbox: [10.0, 10.0, 30.0, 34.0],
            score: 0.9,
            landmarks: [[15.0, 18.0], [25.0, 18.0], [20.0, 23.0], [16.0, 28.0], [24.0, 28.0]],
        };
        let q = FaceQuality::measure(&small, &grey(128));
        assert_eq!(q.reasons(&thresholds), ["FACE_TOO_SMALL"]);
        // Every landmark on one point, a box outside the image, a NaN.
        let point = Face {
            bbox: [900.0, 900.0, 950.0, 950.0],
            score: 0.9,
            landmarks: [[5.0, 5.0]; 5],
        };
        let q = FaceQuality::measure(&point, &grey(128));
        assert!(q.yaw_ratio.is_finite() && q.pitch_ratio.is_finite(), "{q:?}");
        assert!(q.reasons(&thresholds).contains(&"FACE_TOO_DARK"));
        let mut nan = frontal();
        nan.landmarks[NOSE] = [f32::NAN, 0.0];
        nan.bbox[0] = f32::NAN;
        let q = FaceQuality::measure(&nan, &RgbImage::new(0, 0));
        assert!(q.reasons(&thresholds).contains(&"FACE_NOT_FRONTAL"), "{q:?}");
    }

    #[test]
    fn a_huge_face_is_sampled_on_a_bounded_grid() {
        let image = grey(90);
        let face = Face {
            bbox: [0.0, 0.0, 400.0, 400.0],
            ..frontal()
        };
        assert_eq!(FaceQuality::measure(&face, &image).mean_luma, 90.0);
        assert_eq!(luma([255, 255, 255]), 255);
        assert_eq!(luma([0, 0, 0]), 0);
    }
}
