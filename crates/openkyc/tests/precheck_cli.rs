//! `openkyc precheck` end to end on generated photos: exit codes, the JSON
//! shape, bilingual text, and clear errors for files that are not photos.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{json, run_with_stdin};
use std::process::Output;

fn precheck(args: &[&str], stdin: &[u8]) -> Output {
    let mut all = vec!["precheck"];
    all.extend_from_slice(args);
    all.push("-");
    run_with_stdin(&all, stdin)
}

/// A clean or a defective photo from the seeded generator: the spec is
/// chosen from its planned labels (cheap), then rendered once.
fn sample(kind: &str) -> Vec<u8> {
    sample_from(kind, false)
}

/// [`sample`] from synthetic cards only, so that the photo (and a snapshot of
/// its report) is the same whether or not `../shared/fixtures` is present.
fn synthetic_sample(kind: &str) -> Vec<u8> {
    sample_from(kind, true)
}

fn sample_from(kind: &str, synthetic_only: bool) -> Vec<u8> {
    let options = openkyc_synth::SetOptions {
        synthetic_only,
        ..openkyc_synth::SetOptions::default()
    };
    let specs = openkyc_synth::evaluation_set_with(7, 2, &options);
    let spec = specs
        .iter()
        .find(|s| {
            let labels = openkyc_synth::expected_labels(s);
            match kind {
                "clean" => labels.is_empty() && s.id.contains("phone_exif"),
                code => labels
                    .iter()
                    .any(|l| l.kind.code() == code && l.severity == openkyc_synth::Severity::Clear),
            }
        })
        .unwrap_or_else(|| panic!("no {kind} sample in the set"));
    openkyc_synth::render(spec).bytes
}

#[test]
fn a_clean_photo_passes_with_corners_and_timings() {
    let output = precheck(&["--json"], &sample("clean"));
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["ok"], true);
    assert!(report["reasons"].as_array().unwrap().is_empty());
    assert_eq!(report["document"]["corners"].as_array().unwrap().len(), 4);
    assert!(report["timings_ms"]["total"].as_f64().unwrap() > 0.0);
    assert_eq!(report["checks"].as_array().unwrap().len(), 12);
}

#[test]
fn an_edited_photo_exits_1_with_the_reason_in_both_languages() {
    let bytes = sample("DOC_EDITED");
    let output = precheck(&["--json"], &bytes);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let codes: Vec<&str> = report["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"DOC_EDITED"), "{codes:?}");
    let reason = report["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "DOC_EDITED")
        .unwrap();
    for key in ["score", "threshold", "detail"] {
        assert!(!reason[key].is_null(), "{key}");
    }
    let text = precheck(&[], &bytes);
    assert_eq!(text.status.code(), Some(1));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("DOC_EDITED") && text.contains("[en]") && text.contains("[zh-CN]"),
        "{text}"
    );
}

#[test]
fn files_that_are_not_photos_exit_2_with_a_code() {
    let cases: [(Vec<u8>, &[&str]); 4] = [
        (Vec::new(), &["empty"]),
        (b"%PDF-1.7\n".to_vec(), &["unsupported"]),
        (
            b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec(),
            &["unsupported"],
        ),
        (vec![0xff, 0xd8, 0xff, 0xe0, 0x00], &["corrupt", "truncated"]),
    ];
    for (bytes, codes) in cases {
        let output = precheck(&["--json"], &bytes);
        assert_eq!(output.status.code(), Some(2), "{codes:?}");
        let report = json(&output);
        assert_eq!(report["ok"], false);
        let got = report["error"]["code"].as_str().unwrap();
        assert!(codes.contains(&got), "expected {codes:?}, got {got}");
    }
}

#[test]
fn a_broken_config_file_is_an_error_naming_the_key() {
    let dir = std::env::temp_dir().join(format!("openkyc-precheck-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("precheck.toml");
    let shipped = include_str!("../../../config/precheck.toml");
    std::fs::write(&path, shipped.replace("max_glare_fraction", "max_glare")).unwrap();
    let output = precheck(&["--config", path.to_str().unwrap()], &sample("clean"));
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("max_glare"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The report minus what legitimately varies run to run (timings) and with
/// scores rounded to what a reader compares, so that a snapshot shows a
/// change in any reason, message, threshold or corner.
fn stable_report(report: &serde_json::Value) -> serde_json::Value {
    let round = |v: &serde_json::Value, places: i32| {
        v.as_f64().map_or(serde_json::Value::Null, |x| {
            serde_json::json!((x * 10f64.powi(places)).round() / 10f64.powi(places))
        })
    };
    let reasons: Vec<serde_json::Value> = report["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::json!({
                "code": r["code"],
                "score": round(&r["score"], 2),
                "threshold": r["threshold"],
            })
        })
        .collect();
    let corners: Vec<serde_json::Value> = report["document"]["corners"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|p| serde_json::json!([round(&p[0], 0), round(&p[1], 0)]))
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "ok": report["ok"],
        "reasons": reasons,
        "corners": corners,
        "image": report["image"],
    })
}

#[test]
fn glare_report_snapshot() {
    let bytes = synthetic_sample("DOC_GLARE");
    let report = json(&precheck(&["--json"], &bytes));
    insta::assert_json_snapshot!("precheck_glare_json", stable_report(&report));
    let text = String::from_utf8(precheck(&[], &bytes).stdout).unwrap();
    let text: String = text
        .lines()
        .map(|line| match line.find(", checked in ") {
            Some(at) => format!("{}, checked in [ms])", &line[..at]),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("precheck_glare_text", text);
}

#[test]
fn clean_report_snapshot() {
    let report = json(&precheck(&["--json"], &synthetic_sample("clean")));
    insta::assert_json_snapshot!("precheck_clean_json", stable_report(&report));
}
