//! ONNX Runtime behind the interface: loading the shared library once per
//! process, sessions, and running them on [`Tensor`]s.
//!
//! The `ort` crate (2.0.0-rc.10, `load-dynamic`) is built without ONNX
//! Runtime; the library is opened at run time from the path the manifest
//! gives. `ort` panics when that library cannot be opened or is too old, so
//! every call into it is wrapped to turn a panic into an [`InferError`].

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::session::builder::GraphOptimizationLevel;
use ort::session::{Session, SessionInputValue};
use ort::tensor::TensorElementType;
use ort::value::{TensorRef, ValueType};

use crate::{InferError, Outputs, Tensor};

/// The library this process loaded, or why loading failed. A process can
/// hold one ONNX Runtime only, and `ort` cannot retry after a failed load,
/// so the first outcome is final.
static RUNTIME: OnceLock<Result<PathBuf, (PathBuf, String)>> = OnceLock::new();

/// Loads ONNX Runtime from `library` (normally
/// [`ModelSet::runtime_library`](crate::ModelSet::runtime_library)). Only the
/// first call per process loads; later calls with the same library return
/// `Ok`, with another library [`InferError::RuntimeAlreadyLoaded`], and after
/// a failed load the same error again.
pub fn init_runtime(library: &Path) -> Result<(), InferError> {
    if !library.is_file() {
        return Err(InferError::RuntimeLibraryNotFound {
            path: library.to_path_buf(),
        });
    }
    // The canonical path lets two spellings of the same file count as one.
    let requested = library.canonicalize().unwrap_or_else(|_| library.to_path_buf());
    match RUNTIME.get_or_init(|| load_library(&requested)) {
        Ok(loaded) if *loaded == requested => Ok(()),
        Ok(loaded) => Err(InferError::RuntimeAlreadyLoaded {
            loaded: loaded.clone(),
            requested,
        }),
        Err((path, message)) => Err(InferError::RuntimeLoad {
            path: path.clone(),
            message: message.clone(),
        }),
    }
}

/// The library ONNX Runtime was loaded from, if it was loaded.
pub fn loaded_runtime() -> Option<&'static Path> {
    match RUNTIME.get() {
        Some(Ok(path)) => Some(path.as_path()),
        _ => None,
    }
}

fn load_library(path: &Path) -> Result<PathBuf, (PathBuf, String)> {
    let fail = |message: String| (path.to_path_buf(), message);
    let path_str = path
        .to_str()
        .ok_or_else(|| fail("the path is not valid UTF-8".to_owned()))?;
    let committed = guarded(|| {
        ort::init_from(path_str)
            .with_name("openkyc")
            .with_telemetry(false)
            .commit()
    })
    .map_err(fail)?;
    committed.map_err(|e| fail(e.to_string()))?;
    Ok(path.to_path_buf())
}

/// Runs `f`, turning a panic inside `ort` into its message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // The closures only touch values they own or that are dropped on
    // failure, so nothing observes a half-updated state after a panic.
    catch_unwind(AssertUnwindSafe(f)).map_err(panic_message)
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "ONNX Runtime panicked".to_owned()
    }
}

/// How a [`Model`]'s session runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOptions {
    /// Threads one run may use inside an operator (≥ 1). Default 1: the
    /// service parallelises across requests, and on a small machine one
    /// request taking every core only adds contention.
    pub intra_threads: usize,
    /// Whether idle intra-op threads spin waiting for work. Off by default:
    /// it burns the cores that other requests need, and on the shared 2-core
    /// machine it made the 2-thread detector slower, not faster
    /// (`examples/det_timing.rs`).
    pub spinning: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            intra_threads: 1,
            spinning: false,
        }
    }
}

/// An input or output of a model as the model declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorInfo {
    /// The name to pass to [`Model::run`] or to look up in [`Outputs`].
    pub name: String,
    /// The dimensions; `None` where the model leaves one free (batch, height,
    /// width). Empty when the value is not a tensor.
    pub dims: Vec<Option<usize>>,
    /// Whether the elements are f32 (the only type this interface passes).
    pub is_f32: bool,
}

impl TensorInfo {
    fn from_ort(name: &str, ty: &ValueType) -> Self {
        match ty {
            ValueType::Tensor { ty, shape, .. } => Self {
                name: name.to_owned(),
                dims: shape.iter().map(|&d| usize::try_from(d).ok()).collect(),
                is_f32: *ty == TensorElementType::Float32,
            },
            _ => Self {
                name: name.to_owned(),
                dims: Vec::new(),
                is_f32: false,
            },
        }
    }
}

/// One loaded ONNX model (an ONNX Runtime session).
///
/// [`Model::run`] takes `&mut self`: a session serves one run at a time here.
/// A service that runs requests in parallel holds one `Model` per worker (a
/// session's weights are shared by nothing else, and these models are small:
/// 4.7 MB det, 10.9 MB rec).
#[derive(Debug)]
pub struct Model {
    session: Session,
    name: String,
    path: PathBuf,
    inputs: Vec<TensorInfo>,
    outputs: Vec<TensorInfo>,
}

impl Model {
    /// Loads an ONNX model file into a session. The runtime must have been
    /// loaded first ([`init_runtime`], or use
    /// [`ModelSet::load`](crate::ModelSet::load), which does both).
    pub fn load(path: &Path, options: &SessionOptions) -> Result<Self, InferError> {
        Self::load_source(path, None, options)
    }

    /// Loads a model from bytes already read (and, for example, rewritten by
    /// the caller) from `path`, which only names it in errors.
    pub fn load_from_bytes(path: &Path, bytes: &[u8], options: &SessionOptions) -> Result<Self, InferError> {
        Self::load_source(path, Some(bytes), options)
    }

    fn load_source(path: &Path, bytes: Option<&[u8]>, options: &SessionOptions) -> Result<Self, InferError> {
        if options.intra_threads == 0 {
            return Err(InferError::InvalidOption("intra_threads must be at least 1".to_owned()));
        }
        match RUNTIME.get() {
            Some(Ok(_)) => {}
            Some(Err((lib, message))) => {
                return Err(InferError::RuntimeLoad {
                    path: lib.clone(),
                    message: message.clone(),
                })
            }
            None => {
                return Err(InferError::RuntimeLoad {
                    path: PathBuf::new(),
                    message: "ONNX Runtime is not loaded yet: call init_runtime first (ModelSet::load does)".to_owned(),
                })
            }
        }
        if bytes.is_none() && !path.is_file() {
            return Err(InferError::ModelFileMissing {
                id: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path: path.to_path_buf(),
            });
        }
        let fail = |message: String| InferError::ModelLoad {
            path: path.to_path_buf(),
            message,
        };
        let session = guarded(|| {
            let builder = Session::builder()?
                .with_optimization_level(GraphOptimizationLevel::Level3)?
                .with_intra_threads(options.intra_threads)?
                .with_inter_threads(1)?
                .with_intra_op_spinning(options.spinning)?;
            match bytes {
                Some(bytes) => builder.commit_from_memory(bytes),
                None => builder.commit_from_file(path),
            }
        })
        .map_err(fail)?
        .map_err(|e| fail(e.to_string()))?;
        let inputs = session
            .inputs
            .iter()
            .map(|i| TensorInfo::from_ort(&i.name, &i.input_type))
            .collect();
        let outputs = session
            .outputs
            .iter()
            .map(|o| TensorInfo::from_ort(&o.name, &o.output_type))
            .collect();
        Ok(Self {
            session,
            name: path
                .file_name()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: path.to_path_buf(),
            inputs,
            outputs,
        })
    }

    /// The model file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The inputs the model declares, in order.
    pub fn inputs(&self) -> &[TensorInfo] {
        &self.inputs
    }

    /// The outputs the model declares, in order.
    pub fn outputs(&self) -> &[TensorInfo] {
        &self.outputs
    }

    /// A custom metadata value of the model (e.g. the PP-OCR recogniser's
    /// character table under `character`); `None` when absent.
    pub fn metadata(&self, key: &str) -> Result<Option<String>, InferError> {
        let fail = |message: String| InferError::ModelLoad {
            path: self.path.clone(),
            message: format!("reading metadata '{key}': {message}"),
        };
        let meta = self.session.metadata().map_err(|e| fail(e.to_string()))?;
        meta.custom(key).map_err(|e| fail(e.to_string()))
    }

    /// Runs the model on named f32 inputs and returns every output. Inputs
    /// are checked against the model's declaration first (known name, given
    /// once, f32, rank and fixed dimensions) so that mistakes are reported in
    /// these terms rather than the runtime's.
    pub fn run(&mut self, inputs: &[(&str, &Tensor)]) -> Result<Outputs, InferError> {
        self.check_inputs(inputs)?;
        let bad = |message: String| InferError::BadInput {
            model: self.name.clone(),
            message,
        };
        let mut values: Vec<(&str, SessionInputValue<'_>)> = Vec::with_capacity(inputs.len());
        for (name, tensor) in inputs {
            // A borrowed view: the data is not copied.
            let view = TensorRef::from_array_view((tensor.shape(), tensor.data()))
                .map_err(|e| bad(format!("'{name}': {e}")))?;
            values.push((*name, view.into()));
        }
        let model = self.name.clone();
        let session = &mut self.session;
        let outputs = guarded(move || session.run(values))
            .map_err(|message| InferError::Run {
                model: model.clone(),
                message,
            })?
            .map_err(|e| InferError::Run {
                model: model.clone(),
                message: e.to_string(),
            })?;
        let mut items = Vec::with_capacity(outputs.len());
        for (name, value) in outputs.iter() {
            let fail = |message: String| InferError::Output {
                model: model.clone(),
                name: name.to_owned(),
                message,
            };
            let (shape, data) = value.try_extract_tensor::<f32>().map_err(|e| fail(e.to_string()))?;
            let shape = shape
                .iter()
                .map(|&d| usize::try_from(d))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| fail(format!("negative dimension in {shape:?}")))?;
            let tensor = Tensor::new(shape, data.to_vec()).map_err(|e| fail(e.to_string()))?;
            items.push((name.to_owned(), tensor));
        }
        Ok(Outputs { model, items })
    }

    fn check_inputs(&self, inputs: &[(&str, &Tensor)]) -> Result<(), InferError> {
        let bad = |message: String| InferError::BadInput {
            model: self.name.clone(),
            message,
        };
        for (i, (name, tensor)) in inputs.iter().enumerate() {
            let Some(info) = self.inputs.iter().find(|info| info.name == *name) else {
                let known: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
                return Err(bad(format!("no input named '{name}' (inputs: {known:?})")));
            };
            if inputs[..i].iter().any(|(n, _)| n == name) {
                return Err(bad(format!("input '{name}' given twice")));
            }
            if !info.is_f32 {
                return Err(bad(format!("input '{name}' is not an f32 tensor")));
            }
            let shape = tensor.shape();
            let fits =
                shape.len() == info.dims.len() && shape.iter().zip(&info.dims).all(|(&s, d)| d.is_none_or(|d| d == s));
            if !fits || shape.contains(&0) {
                let declared: Vec<String> = info
                    .dims
                    .iter()
                    .map(|d| d.map_or_else(|| "?".to_owned(), |d| d.to_string()))
                    .collect();
                return Err(bad(format!(
                    "input '{name}' has shape {shape:?}; the model expects [{}] with no empty dimension",
                    declared.join(", ")
                )));
            }
        }
        Ok(())
    }
}
