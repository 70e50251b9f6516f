//! Conformance over the shared real-image fixtures (read in place, never copied): every
//! specimen document and face photo decodes, and its format is sniffed from the bytes whatever
//! its extension says (the image crate's own `guess_format` is the independent reference).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openkyc_intake::{intake, ImageFormat, IntakeLimits};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

fn image_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            matches!(extension.as_str(), "png" | "jpg" | "jpeg" | "webp")
        })
        .collect();
    files.sort();
    files
}

fn reference_format(bytes: &[u8]) -> Option<ImageFormat> {
    match image::guess_format(bytes).ok()? {
        image::ImageFormat::Jpeg => Some(ImageFormat::Jpeg),
        image::ImageFormat::Png => Some(ImageFormat::Png),
        image::ImageFormat::WebP => Some(ImageFormat::Webp),
        _ => None,
    }
}

fn extension_format(path: &Path) -> Option<ImageFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "jpg" | "jpeg" => Some(ImageFormat::Jpeg),
        "png" => Some(ImageFormat::Png),
        "webp" => Some(ImageFormat::Webp),
        _ => None,
    }
}

/// Decodes every image of `dir` under `limits`, checks it, and prints one summary line.
fn check_directory(dir: &str, limits: &IntakeLimits) {
    let files = image_files(&Path::new(FIXTURES).join(dir));
    if files.is_empty() {
        eprintln!("SKIPPED: no fixture images under {FIXTURES}/{dir}");
        return;
    }
    let mut per_format: BTreeMap<String, usize> = BTreeMap::new();
    let mut lying_extensions = Vec::new();
    let mut oriented = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let result = intake(&bytes, limits).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert_eq!(Some(result.format), reference_format(&bytes), "{}", path.display());
        let (w, h) = result.working.dimensions();
        assert!(
            w.max(h) <= limits.working_max_side && w >= 1 && h >= 1,
            "{}",
            path.display()
        );
        assert!(w <= result.width && h <= result.height, "{}", path.display());
        if extension_format(path) != Some(result.format) {
            lying_extensions.push(format!(
                "{} is {}",
                path.file_name().unwrap().to_string_lossy(),
                result.format
            ));
        }
        oriented += usize::from(result.orientation != 1);
        *per_format.entry(result.format.to_string()).or_default() += 1;
    }
    let lying = if lying_extensions.is_empty() {
        "none".to_string()
    } else {
        lying_extensions.join(", ")
    };
    eprintln!(
        "fixtures/{dir}: {} files decoded ({per_format:?}); {oriented} with EXIF orientation ≠ 1; extension ≠ content: {lying}",
        files.len()
    );
}

#[test]
fn every_document_specimen_decodes_and_is_sniffed_from_its_bytes() {
    check_directory("documents", &IntakeLimits::default());
}

/// The face photos are 0.2–12 MP JPEGs (baseline and progressive) and one WebP named `.jpg`.
/// A 640-pixel working side sends most of them through the IDCT-scaled path and keeps this
/// test affordable in debug builds.
#[test]
fn every_face_photo_decodes_and_is_sniffed_from_its_bytes() {
    check_directory(
        "faces",
        &IntakeLimits {
            working_max_side: 640,
            ..IntakeLimits::default()
        },
    );
}
