//! Real specimen documents from `../shared/fixtures/documents` (read in
//! place) whose sidecar JSON gives the printed MRZ: every accepted reading
//! must be exact, and at least as many read exactly as when this was
//! written. Skips visibly where the fixtures or the font are absent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use chrono::NaiveDate;
use openkyc_read::{read_photo, ReadOptions, Reader, ReasonCode};
use std::path::Path;

/// Exact readings of the 15 specimens with an MRZ in their sidecar when this
/// test was written (the others, mostly ID cards shown front and back side
/// by side, or small web images, are reported unreadable).
const EXACT_AT_LEAST: usize = 10;

#[test]
fn specimens_read_exactly_or_are_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/documents");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED: {} is absent", dir.display());
        return;
    };
    let Ok(font) = std::fs::read("/usr/share/fonts/opentype/ocr-b/OCRB.otf") else {
        eprintln!("SKIPPED: the OCR-B font is absent; install fonts-ocr-b");
        return;
    };
    let reader = Reader::new(&font).unwrap();
    let options = ReadOptions::new(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    let mut sidecars: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    sidecars.sort();
    let (mut with_truth, mut exact) = (0, 0);
    for sidecar in sidecars {
        let meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
        let Some(truth) = meta["expected"]["mrz"].as_str() else {
            continue;
        };
        with_truth += 1;
        let image = sidecar.with_extension("");
        let report = read_photo(&reader, &std::fs::read(&image).unwrap(), &options).unwrap();
        let lines = report.mrz.as_ref().map(|m| m.lines.join("\n")).unwrap_or_default();
        let accepted = report.mrz.is_some() && !report.reasons.iter().any(|r| r.code == ReasonCode::DocUnreadable);
        let name = image.file_name().unwrap().to_string_lossy().into_owned();
        eprintln!(
            "{name}: {}",
            if lines == truth {
                "exact"
            } else if accepted {
                "WRONG"
            } else {
                "refused"
            }
        );
        assert!(!accepted || lines == truth, "{name} read wrong but accepted: {lines:?}");
        exact += usize::from(lines == truth);
    }
    eprintln!("{exact} of {with_truth} specimens read exactly");
    assert!(with_truth > 0, "no sidecar with an MRZ in {}", dir.display());
    assert!(exact >= EXACT_AT_LEAST, "{exact} of {with_truth} read exactly");
}
