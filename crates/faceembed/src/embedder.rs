//! Loading dlib's two models and turning a face box into a descriptor.

use std::os::raw::c_long;
use std::path::{Path, PathBuf};

use dlib_face_recognition::{
    FaceEncoderNetwork, FaceEncoderTrait, FaceLandmarks, ImageMatrix, LandmarkPredictor, LandmarkPredictorTrait,
    Rectangle,
};
use image::RgbImage;
use openkyc_infer::ModelSet;

use crate::geometry::{plan_crop, Crop};
use crate::{EmbedError, Embedding, EMBEDDING_LEN};

/// Manifest id of dlib's 5-point landmark predictor.
pub const SHAPE_PREDICTOR_ID: &str = "dlib-shape-predictor-5";

/// Manifest id of dlib's ResNet face descriptor network.
pub const RESNET_ID: &str = "dlib-face-recognition-resnet";

/// Number of landmarks the 5-point predictor places.
pub const LANDMARK_COUNT: usize = 5;

/// The landmarks closer than this (crop pixels) between the two eyes give no
/// alignment: the chip's similarity transform would be degenerate.
const MIN_EYE_DISTANCE: f32 = 1.0;

/// A face's descriptor with the landmarks its chip was aligned on.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddedFace {
    /// The 128-d descriptor.
    pub embedding: Embedding,
    /// dlib's five landmarks in image pixels (continuous coordinates: pixel
    /// `i` spans `[i, i + 1)`), in dlib's order: 0 and 1 the outer and inner
    /// corner of the eye on the image's right (the person's left eye), 2 and
    /// 3 the outer and inner corner of the eye on the image's left, 4 the
    /// base of the nose.
    pub landmarks: [[f32; 2]; LANDMARK_COUNT],
}

/// dlib's 5-point landmark predictor and ResNet descriptor network.
///
/// `Send` but not `Sync`: dlib's network keeps each layer's output inside
/// itself while it runs, so one embedder must not run two faces at once.
/// Share one between threads behind a `Mutex`, or load one per worker
/// thread (the two models take ~30 MB of memory together); `embed` takes
/// `&self` so that a `Mutex` or a thread-local is all a caller needs.
#[derive(Clone)]
pub struct FaceEmbedder {
    predictor: LandmarkPredictor,
    network: FaceEncoderNetwork,
}

impl std::fmt::Debug for FaceEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceEmbedder").finish_non_exhaustive()
    }
}

impl FaceEmbedder {
    /// Loads the 5-point predictor (`shape_predictor_5_face_landmarks.dat`)
    /// and the ResNet (`dlib_face_recognition_resnet_model_v1.dat`). Checks
    /// that the predictor places five landmarks (the 68-point one, or
    /// another shape model, is refused).
    pub fn load(shape_predictor: &Path, resnet: &Path) -> Result<Self, EmbedError> {
        let predictor =
            LandmarkPredictor::open(checked_path(shape_predictor)?).map_err(|message| EmbedError::ModelLoad {
                path: shape_predictor.to_path_buf(),
                message,
            })?;
        check_landmark_count(&predictor, shape_predictor)?;
        let network = FaceEncoderNetwork::open(checked_path(resnet)?).map_err(|message| EmbedError::ModelLoad {
            path: resnet.to_path_buf(),
            message,
        })?;
        Ok(Self { predictor, network })
    }

    /// Loads both models from the models directory ([`SHAPE_PREDICTOR_ID`],
    /// [`RESNET_ID`]).
    pub fn from_models(models: &ModelSet) -> Result<Self, EmbedError> {
        Self::load(&models.path(SHAPE_PREDICTOR_ID)?, &models.path(RESNET_ID)?)
    }

    /// The descriptor of the face in `face_box` (`[left, top, right,
    /// bottom]`, image pixels). See [`FaceEmbedder::embed_face`].
    pub fn embed(&self, image: &RgbImage, face_box: [f32; 4]) -> Result<Embedding, EmbedError> {
        self.embed_face(image, face_box).map(|face| face.embedding)
    }

    /// dlib's five landmarks inside `face_box`, the 150×150 chip aligned on
    /// them (dlib's `get_face_chip_details`, padding 0.25, done inside the
    /// binding), and the chip's 128-d descriptor.
    ///
    /// The box is `[left, top, right, bottom]` in image pixels; it must be
    /// at least [`crate::MIN_BOX_SIDE`] on each side and at least half inside
    /// the image. Only the region around the box is handed to dlib, shrunk
    /// when the box is larger than [`crate::MAX_WORKING_BOX_SIDE`], so the
    /// work does not grow with the image.
    pub fn embed_face(&self, image: &RgbImage, face_box: [f32; 4]) -> Result<EmbeddedFace, EmbedError> {
        let crop = plan_crop(image.width(), image.height(), face_box)?;
        let matrix = dlib_matrix(image, &crop)?;
        let [left, top, right, bottom] = crop.dlib_rectangle(face_box);
        let rectangle = Rectangle {
            left: to_c_long(left),
            top: to_c_long(top),
            right: to_c_long(right),
            bottom: to_c_long(bottom),
        };
        let landmarks = self.predictor.face_landmarks(&matrix, &rectangle);
        let points = checked_landmarks(&landmarks)?;
        let encodings = self
            .network
            .get_face_encodings(&matrix, std::slice::from_ref(&landmarks), 0);
        let embedding = match encodings.first() {
            Some(encoding) if encodings.len() == 1 => to_embedding(encoding.as_ref())?,
            _ => {
                return Err(EmbedError::Descriptor(format!(
                    "{} descriptors for one face",
                    encodings.len()
                )))
            }
        };
        Ok(EmbeddedFace {
            embedding,
            landmarks: points.map(|[x, y]| crop.image_point(x, y)),
        })
    }
}

/// The binding unwraps the path's conversion to a C string: refuse here
/// what it would panic on.
fn checked_path(path: &Path) -> Result<&Path, EmbedError> {
    match path.to_str() {
        Some(text) if !text.contains('\0') => Ok(path),
        _ => Err(EmbedError::UnusablePath {
            path: path.to_path_buf(),
        }),
    }
}

/// Runs the predictor once on a blank image: a shape model with another
/// number of parts would otherwise be noticed only on the first face.
fn check_landmark_count(predictor: &LandmarkPredictor, path: &Path) -> Result<(), EmbedError> {
    let blank = image_dlib::RgbImage::new(16, 16);
    let matrix = ImageMatrix::from_image(&blank);
    let rectangle = Rectangle {
        left: 0,
        top: 0,
        right: 15,
        bottom: 15,
    };
    let parts = predictor.face_landmarks(&matrix, &rectangle).len();
    if parts == LANDMARK_COUNT {
        Ok(())
    } else {
        Err(EmbedError::ModelLoad {
            path: PathBuf::from(path),
            message: format!("a shape predictor with {parts} landmarks, expected {LANDMARK_COUNT}"),
        })
    }
}

/// The crop (shrunk) in dlib's image type, through the image 0.24 buffer
/// the binding takes.
fn dlib_matrix(image: &RgbImage, crop: &Crop) -> Result<ImageMatrix, EmbedError> {
    let (width, height) = (crop.scaled_width(), crop.scaled_height());
    let buffer = image_dlib::RgbImage::from_raw(width, height, crop.pixels(image))
        .ok_or_else(|| EmbedError::Descriptor(format!("crop buffer does not hold {width}x{height} pixels")))?;
    Ok(ImageMatrix::from_image(&buffer))
}

/// Crop coordinates are at most a few thousand pixels; `c_long` is 32 bits
/// on some targets, so saturate rather than wrap.
fn to_c_long(value: i64) -> c_long {
    c_long::try_from(value).unwrap_or(if value < 0 { c_long::MIN } else { c_long::MAX })
}

/// The five points as integers, refused when there are not five or the two
/// eyes coincide.
fn checked_landmarks(landmarks: &FaceLandmarks) -> Result<[[c_long; 2]; LANDMARK_COUNT], EmbedError> {
    let points: Vec<[c_long; 2]> = landmarks.iter().map(|p| [p.x(), p.y()]).collect();
    let points: [[c_long; 2]; LANDMARK_COUNT] = points.try_into().map_err(|points: Vec<_>| {
        EmbedError::Landmarks(format!("{} landmarks, expected {LANDMARK_COUNT}", points.len()))
    })?;
    let eye_centre =
        |a: [c_long; 2], b: [c_long; 2]| [(a[0] as f32 + b[0] as f32) / 2.0, (a[1] as f32 + b[1] as f32) / 2.0];
    let [p0, p1, p2, p3, _nose] = points;
    let (right_eye, left_eye) = (eye_centre(p0, p1), eye_centre(p2, p3));
    let eye_distance = (right_eye[0] - left_eye[0]).hypot(right_eye[1] - left_eye[1]);
    if eye_distance < MIN_EYE_DISTANCE {
        return Err(EmbedError::Landmarks(format!(
            "the eyes are {eye_distance:.1} px apart"
        )));
    }
    Ok(points)
}

/// dlib's double-precision descriptor as ours.
fn to_embedding(values: &[f64]) -> Result<Embedding, EmbedError> {
    let mut embedding = [0.0f32; EMBEDDING_LEN];
    if values.len() != EMBEDDING_LEN {
        return Err(EmbedError::Descriptor(format!(
            "{} values, expected {EMBEDDING_LEN}",
            values.len()
        )));
    }
    for (slot, value) in embedding.iter_mut().zip(values) {
        *slot = *value as f32;
    }
    if embedding.iter().all(|v| v.is_finite()) {
        Ok(Embedding(embedding))
    } else {
        Err(EmbedError::Descriptor("a value is not finite".to_owned()))
    }
}
