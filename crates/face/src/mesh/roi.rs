//! The region of interest FaceMesh looks at: a rotated square in the image,
//! turned so the eyes lie level, and its warp into the model's 256 × 256
//! input.
//!
//! MediaPipe builds it two ways (`face_detector_graph.cc`,
//! `face_landmarks_detector_graph.cc`):
//! * from a detection: the detector's box, rotated by the eye line
//!   (keypoints 0 → 1), enlarged 1.5 times;
//! * from the previous frame's landmarks, for tracking: the axis-aligned
//!   box of all 478 landmarks, centred there, rotated by the line from
//!   landmark 33 (the outer corner of the eye on the image's left) to 263
//!   (the other outer corner), its longer side × 1.5, square. The model was
//!   trained on such crops.
//!
//! CenterFace's box is not BlazeFace's (it reaches from the hairline to
//! below the chin), so [`MeshRoi::from_face`] uses its own centre shift and
//! scale, measured so that the ROI it gives matches the tracking ROI of the
//! landmarks found inside it (see [`FACE_BOX_SCALE`]).

use image::RgbImage;
use openkyc_infer::Tensor;
use serde::Serialize;

use super::{MeshObservation, INPUT_SIDE, LANDMARK_COUNT};
use crate::{landmark, Face, FaceError};

/// The tracking ROI's side per the landmarks' box's longer side
/// (MediaPipe's `scale_x`/`scale_y` with `square_long`).
pub const LANDMARK_BOX_SCALE: f32 = 1.5;
/// The ROI's side per the longer side of CenterFace's box. Measured on the
/// 48 fixture faces (`examples/mesh_report.rs` prints the ratio): the
/// tracking ROI of the landmarks found inside a CenterFace ROI had a median
/// side of 1.32 box sides (1.23–1.44), so both ROIs frame a face alike.
pub const FACE_BOX_SCALE: f32 = 1.32;
/// How far the ROI's centre lies below the CenterFace box's centre, along
/// the face's own down axis, per box height (measured the same way: median
/// 0.057, 0.03–0.10; the box reaches higher above the brows than the
/// landmarks do).
pub const FACE_BOX_SHIFT_DOWN: f32 = 0.06;
/// The smallest ROI side in pixels that is run at all: below it a face has
/// no eyes or mouth to find.
pub const MIN_ROI_SIDE: f32 = 4.0;
/// Outer eye corners that give the tracking ROI's rotation (MediaPipe's
/// `rotation_vector_start/end_keypoint_index`): on an upright face 33 lies
/// on the image's left, 263 on its right.
const ROTATION_FROM: usize = 33;
const ROTATION_TO: usize = 263;

/// A square region of the image, rotated about its centre, in the image's
/// pixel coordinates (continuous: the image spans `0..width`, `0..height`;
/// y down): the region FaceMesh looks at, turned so the eyes lie level.
///
/// As MediaPipe builds it: from the previous frame's landmarks
/// ([`MeshRoi::from_mesh`]) the axis-aligned box of all 478 points, its
/// longer side × 1.5, rotated by the line from landmark 33 to 263 (the outer
/// eye corners); from a detection ([`MeshRoi::from_face`]) the detector's box
/// enlarged, rotated by its eye line. The model was trained on such crops.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeshRoi {
    /// The square's centre `[x, y]` in pixels.
    pub centre: [f32; 2],
    /// The square's side in pixels.
    pub side: f32,
    /// The angle in radians from the image's x axis to the square's x axis,
    /// clockwise on screen (y points down): a face whose eye line descends to
    /// the right has a positive angle. The model sees the square turned back
    /// by this angle, so the face upright.
    pub angle: f32,
}

impl MeshRoi {
    /// The ROI for a CenterFace detection: centred on its box (shifted down
    /// by [`FACE_BOX_SHIFT_DOWN`]), rotated by its eye line, with a side of
    /// [`FACE_BOX_SCALE`] times the box's longer side.
    pub fn from_face(face: &Face) -> Self {
        let left = face.landmarks[landmark::LEFT_EYE];
        let right = face.landmarks[landmark::RIGHT_EYE];
        let angle = angle_of([left[0], left[1]], [right[0], right[1]]);
        let [x0, y0, x1, y1] = face.bbox;
        let (width, height) = ((x1 - x0).max(0.0), (y1 - y0).max(0.0));
        let shift = FACE_BOX_SHIFT_DOWN * height;
        // The face's down axis is the ROI's y axis: (-sin, cos).
        let centre = [
            (x0 + x1) / 2.0 - shift * angle.sin(),
            (y0 + y1) / 2.0 + shift * angle.cos(),
        ];
        Self {
            centre,
            side: FACE_BOX_SCALE * width.max(height),
            angle,
        }
    }

    /// The ROI for the next frame of a video from this frame's landmarks, as
    /// MediaPipe tracks (module docs), so a video needs the detector only on
    /// its first frame or when [`MeshObservation::presence`] drops. An
    /// observation without its 478 landmarks keeps its own ROI.
    pub fn from_mesh(observation: &MeshObservation) -> Self {
        Self::from_landmarks(&observation.landmarks).unwrap_or(observation.roi)
    }

    /// The tracking ROI of 478 landmarks (see [`MeshRoi::from_mesh`]);
    /// `None` when there are not 478 or one is not finite.
    pub fn from_landmarks(landmarks: &[[f32; 3]]) -> Option<Self> {
        if landmarks.len() != LANDMARK_COUNT || landmarks.iter().flatten().any(|v| !v.is_finite()) {
            return None;
        }
        let (mut min, mut max) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for p in landmarks {
            for axis in 0..2 {
                min[axis] = min[axis].min(p[axis]);
                max[axis] = max[axis].max(p[axis]);
            }
        }
        let from = landmarks.get(ROTATION_FROM)?;
        let to = landmarks.get(ROTATION_TO)?;
        Some(Self {
            centre: [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0],
            side: LANDMARK_BOX_SCALE * (max[0] - min[0]).max(max[1] - min[1]),
            angle: angle_of([from[0], from[1]], [to[0], to[1]]),
        })
    }

    /// The ROI's unit x and y axes in the image.
    fn axes(&self) -> ([f32; 2], [f32; 2]) {
        let (sin, cos) = self.angle.sin_cos();
        ([cos, sin], [-sin, cos])
    }

    /// The image point at `[u, v]` of the ROI, each 0–1 from its top-left
    /// corner (as the model sees it, upright) to its bottom-right one.
    pub fn to_image(&self, uv: [f32; 2]) -> [f32; 2] {
        let (ex, ey) = self.axes();
        let (s, t) = ((uv[0] - 0.5) * self.side, (uv[1] - 0.5) * self.side);
        [
            self.centre[0] + s * ex[0] + t * ey[0],
            self.centre[1] + s * ex[1] + t * ey[1],
        ]
    }

    /// The four corners in the image: top-left, top-right, bottom-right,
    /// bottom-left as the model sees them.
    pub fn corners(&self) -> [[f32; 2]; 4] {
        [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]].map(|uv| self.to_image(uv))
    }

    /// Fails unless the ROI is finite, at least [`MIN_ROI_SIDE`] wide and
    /// overlaps a `width × height` image.
    pub fn check(&self, width: u32, height: u32) -> Result<(), FaceError> {
        let finite = self.centre.iter().all(|v| v.is_finite()) && self.side.is_finite() && self.angle.is_finite();
        if !finite || self.side < MIN_ROI_SIDE {
            return Err(FaceError::InvalidInput(format!(
                "a mesh ROI needs a finite centre and angle and a side of at least {MIN_ROI_SIDE} px: {self:?}"
            )));
        }
        if width == 0 || height == 0 {
            return Err(FaceError::InvalidInput(format!("the image is {width}×{height}")));
        }
        let corners = self.corners();
        let (mut min, mut max) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for c in &corners {
            for axis in 0..2 {
                min[axis] = min[axis].min(c[axis]);
                max[axis] = max[axis].max(c[axis]);
            }
        }
        if max[0] <= 0.0 || max[1] <= 0.0 || min[0] >= width as f32 || min[1] >= height as f32 {
            return Err(FaceError::InvalidInput(format!(
                "the mesh ROI {self:?} lies outside the {width}×{height} image"
            )));
        }
        Ok(())
    }

    /// The ROI warped upright into the model's `[1, 256, 256, 3]` input
    /// (NHWC, RGB scaled to 0–1, as MediaPipe feeds a float model without
    /// normalisation metadata): bilinear, edge pixels repeated outside the
    /// image (MediaPipe's default `BORDER_REPLICATE`). Fixed work whatever
    /// the image's or the ROI's size.
    pub fn tensor(&self, image: &RgbImage) -> Result<Tensor, FaceError> {
        let (width, height) = image.dimensions();
        self.check(width, height)?;
        let side = INPUT_SIDE as usize;
        let mut data = vec![0.0f32; side * side * 3];
        let raw = image.as_raw();
        // One input pixel's step along the ROI's axes, in image pixels; the
        // first pixel's centre is half a step in from the top-left corner.
        let (ex, ey) = self.axes();
        let pitch = self.side / INPUT_SIDE as f32;
        let (dx, dy) = ([ex[0] * pitch, ex[1] * pitch], [ey[0] * pitch, ey[1] * pitch]);
        let corner = self.to_image([0.0, 0.0]);
        let first = [corner[0] + 0.5 * (dx[0] + dy[0]), corner[1] + 0.5 * (dx[1] + dy[1])];
        for (row, out_row) in data.chunks_exact_mut(side * 3).enumerate() {
            let r = row as f32;
            let row_start = [first[0] + r * dy[0], first[1] + r * dy[1]];
            for (col, out) in out_row.chunks_exact_mut(3).enumerate() {
                let c = col as f32;
                let (x, y) = (row_start[0] + c * dx[0], row_start[1] + c * dx[1]);
                let rgb = bilinear(raw, width, height, x, y);
                for (o, value) in out.iter_mut().zip(rgb) {
                    *o = value / 255.0;
                }
            }
        }
        Ok(Tensor::new(vec![1, side, side, 3], data)?)
    }

    /// A point of the model's input (0–256 on each axis, upright) in the
    /// image, with its depth: `z` (the model's, in input pixels) scaled by
    /// the same factor as x and y.
    pub fn project(&self, point: [f32; 3]) -> [f32; 3] {
        let scale = 1.0 / INPUT_SIDE as f32;
        let [x, y] = self.to_image([point[0] * scale, point[1] * scale]);
        [x, y, point[2] * scale * self.side]
    }
}

/// The angle of the line from `a` to `b` (clockwise on screen).
fn angle_of(a: [f32; 2], b: [f32; 2]) -> f32 {
    let angle = (b[1] - a[1]).atan2(b[0] - a[0]);
    if angle.is_finite() {
        angle
    } else {
        0.0
    }
}

/// The RGB value at continuous image coordinates `(x, y)` (pixel centres at
/// +0.5), interpolated between the four nearest pixels, coordinates clamped
/// to the image so its edge repeats. The image must not be empty.
fn bilinear(raw: &[u8], width: u32, height: u32, x: f32, y: f32) -> [f32; 3] {
    let clamp = |v: f32, n: u32| v.clamp(0.0, n.saturating_sub(1) as f32);
    let fx = clamp(x - 0.5, width);
    let fy = clamp(y - 0.5, height);
    let (x0, y0) = (fx.floor() as u32, fy.floor() as u32);
    let (x1, y1) = (
        (x0 + 1).min(width.saturating_sub(1)),
        (y0 + 1).min(height.saturating_sub(1)),
    );
    let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
    let pixel = |px: u32, py: u32| {
        let at = (py as usize * width as usize + px as usize) * 3;
        let get = |c: usize| raw.get(at + c).map_or(0.0, |&v| f32::from(v));
        [get(0), get(1), get(2)]
    };
    let (p00, p10, p01, p11) = (pixel(x0, y0), pixel(x1, y0), pixel(x0, y1), pixel(x1, y1));
    let mut rgb = [0.0f32; 3];
    for (c, value) in rgb.iter_mut().enumerate() {
        let top = p00[c] + (p10[c] - p00[c]) * ax;
        let bottom = p01[c] + (p11[c] - p01[c]) * ax;
        *value = top + (bottom - top) * ay;
    }
    rgb
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn roi(angle_deg: f32) -> MeshRoi {
        MeshRoi {
            centre: [50.0, 40.0],
            side: 20.0,
            angle: angle_deg.to_radians(),
        }
    }

    #[test]
    fn corners_turn_clockwise_with_the_angle() {
        let upright = roi(0.0).corners();
        assert_eq!(upright[0], [40.0, 30.0]);
        assert_eq!(upright[2], [60.0, 50.0]);
        // Turned 90° clockwise on screen, the model's top-left corner is the
        // image's top-right.
        let turned = roi(90.0).corners();
        assert!(
            (turned[0][0] - 60.0).abs() < 1e-4 && (turned[0][1] - 30.0).abs() < 1e-4,
            "{turned:?}"
        );
    }

    #[test]
    fn project_maps_the_input_square_onto_the_roi() {
        let r = roi(30.0);
        let centre = r.project([128.0, 128.0, 256.0]);
        assert!((centre[0] - 50.0).abs() < 1e-4 && (centre[1] - 40.0).abs() < 1e-4);
        // z scales like x and y: one input width is one ROI side.
        assert!((centre[2] - 20.0).abs() < 1e-4);
        let corner = r.project([0.0, 0.0, 0.0]);
        let expected = r.corners()[0];
        assert!((corner[0] - expected[0]).abs() < 1e-4 && (corner[1] - expected[1]).abs() < 1e-4);
    }

    #[test]
    fn the_tensor_samples_the_roi_upright() {
        // Left half black, right half white; an ROI turned 180° sees white on
        // its left.
        let image = RgbImage::from_fn(
            100,
            80,
            |x, _| if x < 50 { Rgb([0, 0, 0]) } else { Rgb([255, 255, 255]) },
        );
        let at = |t: &Tensor, col: usize| t.data()[(128 * 256 + col) * 3];
        let upright = roi(0.0).tensor(&image).unwrap();
        assert_eq!(upright.shape(), &[1, 256, 256, 3]);
        assert!(at(&upright, 10) < 0.01 && at(&upright, 245) > 0.99);
        let turned = roi(180.0).tensor(&image).unwrap();
        assert!(at(&turned, 10) > 0.99 && at(&turned, 245) < 0.01);
    }

    #[test]
    fn outside_pixels_repeat_the_edge() {
        let image = RgbImage::from_pixel(4, 4, Rgb([200, 100, 50]));
        let r = MeshRoi {
            centre: [0.0, 0.0],
            side: 40.0,
            angle: 0.0,
        };
        let t = r.tensor(&image).unwrap();
        assert!(t
            .data()
            .chunks(3)
            .all(|p| (p[0] - 200.0 / 255.0).abs() < 1e-6 && (p[2] - 50.0 / 255.0).abs() < 1e-6));
    }

    #[test]
    fn bad_rois_and_images_are_errors() {
        let image = RgbImage::new(10, 10);
        for bad in [
            MeshRoi { side: 0.0, ..roi(0.0) },
            MeshRoi {
                side: f32::NAN,
                ..roi(0.0)
            },
            MeshRoi {
                angle: f32::INFINITY,
                ..roi(0.0)
            },
            MeshRoi {
                centre: [500.0, 5.0],
                ..roi(0.0)
            },
            MeshRoi {
                centre: [-30.0, -30.0],
                ..roi(0.0)
            },
        ] {
            assert!(bad.tensor(&image).is_err(), "{bad:?}");
        }
        assert!(roi(0.0).tensor(&RgbImage::new(0, 0)).is_err());
        // A 1×1 image is a value (the model decides whether a face is there).
        let tiny = MeshRoi {
            centre: [0.5, 0.5],
            side: 8.0,
            angle: 0.3,
        };
        assert!(tiny.tensor(&RgbImage::new(1, 1)).is_ok());
    }

    #[test]
    fn tracking_needs_478_finite_landmarks() {
        assert!(MeshRoi::from_landmarks(&[[0.0; 3]; 10]).is_none());
        let mut points = vec![[0.0f32; 3]; LANDMARK_COUNT];
        for (i, p) in points.iter_mut().enumerate() {
            *p = [(i % 20) as f32, (i / 20) as f32, 0.0];
        }
        points[ROTATION_FROM] = [2.0, 5.0, 0.0];
        points[ROTATION_TO] = [12.0, 15.0, 0.0];
        let r = MeshRoi::from_landmarks(&points).unwrap();
        assert!((r.angle.to_degrees() - 45.0).abs() < 1e-3);
        // Box 0..19 × 0..23: side 1.5 × 23, centre (9.5, 11.5).
        assert!((r.side - 34.5).abs() < 1e-4 && r.centre == [9.5, 11.5], "{r:?}");
        points[7] = [f32::NAN, 0.0, 0.0];
        assert!(MeshRoi::from_landmarks(&points).is_none());
    }

    #[test]
    fn a_face_roi_is_turned_by_its_eye_line() {
        let face = Face {
            bbox: [100.0, 100.0, 200.0, 220.0],
            score: 0.9,
            landmarks: [
                [130.0, 140.0],
                [170.0, 180.0],
                [150.0, 160.0],
                [135.0, 190.0],
                [165.0, 190.0],
            ],
        };
        let r = MeshRoi::from_face(&face);
        assert!((r.angle.to_degrees() - 45.0).abs() < 1e-3);
        assert!((r.side - FACE_BOX_SCALE * 120.0).abs() < 1e-3);
        // Shifted along the face's down axis (down-left when turned 45°).
        let shift = FACE_BOX_SHIFT_DOWN * 120.0;
        let half = std::f32::consts::FRAC_1_SQRT_2;
        assert!((r.centre[0] - (150.0 - shift * half)).abs() < 1e-3);
        assert!((r.centre[1] - (160.0 + shift * half)).abs() < 1e-3);
    }
}
