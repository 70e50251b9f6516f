//! The crate's error type. Runtime errors are kept as messages, not as `ort`
//! types, so that callers do not depend on the runtime behind the interface.

use std::path::PathBuf;

/// Everything that can go wrong between finding a model and reading its
/// outputs.
#[derive(Debug, thiserror::Error)]
pub enum InferError {
    /// No models directory was found.
    #[error("models directory not found (looked at: {looked}); run scripts/fetch-models.sh or set OPENKYC_MODELS_DIR")]
    ModelsDirNotFound {
        /// The places that were tried, for the message.
        looked: String,
    },
    /// The manifest could not be read.
    #[error("cannot read model manifest {path}: {source}; run scripts/fetch-models.sh")]
    ManifestRead {
        /// The manifest's path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The manifest was read but is not valid.
    #[error("invalid model manifest {path}: {message}")]
    ManifestInvalid {
        /// The manifest's path (or a description of where the text came from).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No manifest entry has this id.
    #[error("no model with id '{id}' in the manifest {manifest}")]
    UnknownModel {
        /// The id that was asked for.
        id: String,
        /// The manifest that was searched.
        manifest: PathBuf,
    },
    /// The manifest lists the model but its file is not there.
    #[error("model file missing: {path} (manifest id '{id}'); run scripts/fetch-models.sh")]
    ModelFileMissing {
        /// The manifest id.
        id: String,
        /// Where the file should be.
        path: PathBuf,
    },
    /// The ONNX Runtime shared library is not where it should be.
    #[error("ONNX Runtime library not found at {path}; run scripts/fetch-models.sh")]
    RuntimeLibraryNotFound {
        /// Where the library should be.
        path: PathBuf,
    },
    /// The ONNX Runtime library exists but could not be loaded or
    /// initialised (wrong version, wrong architecture, corrupt file).
    #[error("ONNX Runtime could not be initialised from {path}: {message}")]
    RuntimeLoad {
        /// The library that was tried.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The runtime was already loaded from another library in this process;
    /// a process can hold only one.
    #[error("ONNX Runtime is already loaded from {loaded}; cannot also load {requested}")]
    RuntimeAlreadyLoaded {
        /// The library in use.
        loaded: PathBuf,
        /// The one that was asked for.
        requested: PathBuf,
    },
    /// A session option is out of range.
    #[error("invalid session option: {0}")]
    InvalidOption(String),
    /// The model file could not be turned into a session.
    #[error("cannot load model {path}: {message}")]
    ModelLoad {
        /// The model file.
        path: PathBuf,
        /// The runtime's message.
        message: String,
    },
    /// A tensor's shape does not match its data, or is unusable.
    #[error("invalid tensor: {0}")]
    InvalidTensor(String),
    /// An input does not fit the model (unknown name, wrong rank or size).
    #[error("bad input for model {model}: {message}")]
    BadInput {
        /// The model's file name.
        model: String,
        /// What does not fit.
        message: String,
    },
    /// The runtime failed while running the model.
    #[error("inference failed in model {model}: {message}")]
    Run {
        /// The model's file name.
        model: String,
        /// The runtime's message.
        message: String,
    },
    /// An output is not an f32 tensor, or an expected output is absent.
    #[error("output '{name}' of model {model}: {message}")]
    Output {
        /// The model's file name.
        model: String,
        /// The output's name.
        name: String,
        /// What is wrong.
        message: String,
    },
}
