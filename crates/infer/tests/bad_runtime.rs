//! A runtime library that cannot be opened is an error, not a crash. Its own
//! test binary, because a process keeps the outcome of its first load.

use openkyc_infer::{init_runtime, InferError, Model, SessionOptions};

#[test]
fn an_unloadable_runtime_library_is_an_error() {
    let dir = std::env::temp_dir().join(format!("openkyc-infer-badlib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lib = dir.join("libonnxruntime.so.1.22.1");
    std::fs::write(&lib, b"not a shared library").unwrap();

    let err = init_runtime(&dir.join("absent.so")).unwrap_err();
    assert!(matches!(err, InferError::RuntimeLibraryNotFound { .. }), "{err}");
    assert!(err.to_string().contains("fetch-models.sh"), "{err}");

    // `ort` panics when dlopen fails; the interface turns that into an error.
    // Silence the default hook so the expected panic does not look like a
    // failure in the test output.
    std::panic::set_hook(Box::new(|_| {}));
    let err = init_runtime(&lib).unwrap_err();
    let _ = std::panic::take_hook();
    assert!(matches!(err, InferError::RuntimeLoad { .. }), "{err}");
    assert!(err.to_string().contains("libonnxruntime.so.1.22.1"), "{err}");

    // The failure is final for the process, and models refuse to load.
    assert!(matches!(
        init_runtime(&lib).unwrap_err(),
        InferError::RuntimeLoad { .. }
    ));
    let err = Model::load(&lib, &SessionOptions::default()).unwrap_err();
    assert!(matches!(err, InferError::RuntimeLoad { .. }), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
