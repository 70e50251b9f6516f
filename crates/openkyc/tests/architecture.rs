//! The architecture's invariants that a machine can check: the pure crates
//! depend on nothing that does I/O, async work or reads the clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

/// The only dependencies a pure crate may have.
const PURE_ALLOWED: &[&str] = &[
    "chrono",
    "openkyc-countries",
    "pinyin",
    "serde",
    "thiserror",
    "unicode-normalization",
];

const PURE_CRATES: &[&str] = &["countries", "mrz", "cnid", "names"];

fn manifest(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse().unwrap()
}

#[test]
fn pure_crates_depend_only_on_pure_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for name in PURE_CRATES {
        let manifest = manifest(&root.join("crates").join(name).join("Cargo.toml"));
        let dependencies = manifest
            .get("dependencies")
            .and_then(|d| d.as_table())
            .cloned()
            .unwrap_or_default();
        for (dependency, spec) in &dependencies {
            assert!(
                PURE_ALLOWED.contains(&dependency.as_str()),
                "crates/{name} depends on {dependency}, which is not on the pure list"
            );
            let features = spec
                .get("features")
                .and_then(|f| f.as_array())
                .cloned()
                .unwrap_or_default();
            assert!(
                !features.iter().any(|f| f.as_str() == Some("clock")),
                "crates/{name} enables chrono's clock: time must be passed in"
            );
        }
    }
}

#[test]
fn the_workspace_chrono_has_no_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let workspace = manifest(&root.join("Cargo.toml"));
    let chrono = &workspace["workspace"]["dependencies"]["chrono"];
    assert_eq!(
        chrono["default-features"].as_bool(),
        Some(false),
        "default features include the clock"
    );
    let features = chrono["features"].as_array().unwrap();
    assert!(!features.iter().any(|f| f.as_str() == Some("clock")));
}
