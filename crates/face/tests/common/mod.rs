//! What the face crate's fixture tests share: where the fixtures are, the
//! detector, and a visible SKIPPED line when either is missing.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;

use image::RgbImage;
use openkyc_face::{FaceDetector, MODEL_ID};
use openkyc_infer::{ModelSet, SessionOptions};

/// `../shared/fixtures`, read in place.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

/// A line on stderr, shown even when the test harness captures stdout.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// CenterFace, or `None` with a SKIPPED line when the model is missing.
pub fn detector(test: &str) -> Option<FaceDetector> {
    let why = match ModelSet::locate() {
        Ok(set) => match set.path(MODEL_ID) {
            Ok(_) => return Some(FaceDetector::load(&set, &SessionOptions::default()).unwrap()),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    };
    say(&format!(
        "SKIPPED {test}: models missing, run scripts/fetch-models.sh ({why})"
    ));
    None
}

/// The fixture at `relative` (under `../shared/fixtures`), decoded by
/// content, or `None` with a SKIPPED line when it is absent.
pub fn photo(test: &str, relative: &str) -> Option<RgbImage> {
    let path = Path::new(FIXTURES).join(relative);
    let Ok(bytes) = std::fs::read(&path) else {
        say(&format!("SKIPPED {test}: fixture missing ({})", path.display()));
        return None;
    };
    Some(image::load_from_memory(&bytes).unwrap().to_rgb8())
}
