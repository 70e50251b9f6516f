//! Face descriptors for matching a document portrait with a selfie (issue
//! 5): dlib's 5-point landmarks, the aligned 150 × 150 chip, and dlib's
//! 128-d ResNet descriptor.
//!
//! [`FaceEmbedder::embed_face`] takes an RGB image and a face box from a
//! detector (`[left, top, right, bottom]` in image pixels; for CenterFace's
//! boxes, [`dlib_box_from_centerface`] first), places dlib's five landmarks
//! in the box (eye corners, base of the nose), lets dlib align the chip on
//! them (`get_face_chip_details`, 150 px, padding 0.25) and returns the
//! chip's [`Embedding`] with the landmarks. Two faces are compared by
//! Euclidean distance ([`Embedding::distance`]; dlib's same-person threshold
//! is [`DLIB_SAME_PERSON_DISTANCE`] = 0.6) or by [`Embedding::similarity`],
//! the distance mapped linearly onto 0..=1 (`1 − d/1.2`, 0.6 ↦ 0.5).
//!
//! Only the region within 1.2 box sides of the box's centre is handed to
//! dlib, shrunk by a whole factor (block means) when the box is larger than
//! [`MAX_WORKING_BOX_SIDE`], so the work per face does not grow with the
//! image. A 0 × 0 image, a box that is not finite, smaller than
//! [`MIN_BOX_SIDE`] or less than half inside the image is an
//! [`EmbedError`], and what reaches dlib is checked so that none of its
//! assertions can fire (a C++ exception must not cross into Rust).
//!
//! # Models
//!
//! `shape_predictor_5_face_landmarks.dat` (manifest id
//! [`SHAPE_PREDICTOR_ID`]) and `dlib_face_recognition_resnet_model_v1.dat`
//! ([`RESNET_ID`]), by Davis King, from the pinned PyPI source package
//! `face-recognition-models==0.3.0`, CC0-1.0 (see `models/manifest.toml`).
//! The 68-point predictor (trained on iBUG 300-W, whose terms forbid
//! commercial use) is never used: [`FaceEmbedder::load`] refuses any shape
//! predictor that does not place exactly five points.
//!
//! # System libraries
//!
//! The `dlib-face-recognition` binding (0.3.2, without its `build-native`
//! feature) compiles a little C++ with `g++` against Debian's `libdlib-dev`
//! (dlib 19.24) and links the system `libdlib.so`; its `openblas` feature
//! links OpenBLAS (`libopenblas-dev`), which dlib's network uses for its
//! convolutions. `scripts/install-system-deps.sh` installs them; a built
//! binary needs `libdlib19.1` and `libopenblas0` at run time. The unsafe
//! code is the binding's; this crate has none.
//!
//! # Threads and determinism
//!
//! [`FaceEmbedder`] is `Send` but not `Sync` (dlib's network keeps its
//! layers' outputs inside itself while it runs): share it behind a `Mutex`
//! or clone one per worker thread. OpenBLAS reads `OPENBLAS_NUM_THREADS`
//! once, when the process loads it: set it to 1 in a service that runs
//! faces in parallel (a second thread gained ~15% for one face at a time
//! on a 2-core machine, and only oversubscribes cores that other requests
//! use).
//! The same image and box give the bit-identical descriptor under the same
//! BLAS library and thread count; across those, within ~1e-6.
//!
//! # Measured
//!
//! On the 45 photos and 226 pairs of `../shared/fixtures/faces` with boxes
//! from dlib's HOG detector (`cargo run --release -p openkyc-faceembed
//! --example embed_pairs`): all 84 same-person pairs below 0.6 (mean
//! 0.360, max 0.495), 140 of 142 different-person pairs at or above (mean
//! 0.902, min 0.566, max 1.078); `embed_face` took a median 22–23 ms per
//! face on one OpenBLAS thread (the network ~17 ms of it), 252 ms with
//! Debian's reference BLAS in OpenBLAS's place.
//!
//! # Duplicate faces
//!
//! [`duplicates`]: a [`duplicates::FaceTemplate`] (the descriptor and the
//! model it came from, in a versioned byte encoding for storage) and an
//! exact scan of approved applicants' templates at a strict distance
//! (`DUPLICATE_FACE`, for review).
//!
//! # Not done here (yet)
//!
//! Detection (`openkyc-face`), dlib's jittered descriptors (`num_jitters`:
//! averaging over perturbed chips, slower), several faces in one network
//! call, returning the chip image itself (dlib cuts it inside the binding),
//! and an index for the duplicate scan (it comes with scale-out).

pub mod duplicates;
mod embedder;
mod embedding;
mod error;
mod geometry;

pub use embedder::{EmbeddedFace, FaceEmbedder, LANDMARK_COUNT, RESNET_ID, SHAPE_PREDICTOR_ID};
pub use embedding::{
    similarity_from_distance, Embedding, DLIB_SAME_PERSON_DISTANCE, EMBEDDING_LEN, ZERO_SIMILARITY_DISTANCE,
};
pub use error::EmbedError;
pub use geometry::{dlib_box_from_centerface, MAX_WORKING_BOX_SIDE, MIN_BOX_SIDE};
