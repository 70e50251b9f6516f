//! `openkyc check` end to end: typed data alone at L1, a drawn passport
//! under a document level, exit codes, the JSON report and the text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{json, openkyc};
use std::path::Path;
use std::process::Output;

const DATA: &str = r#"{"first_name": "Hans", "last_name": "Müller", "birth_date": "1980-05-17",
  "nationality": "DEU", "document_type": "passport", "document_number": "C01X00T47"}"#;

fn check(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["check", "--reference-date", "2026-11-29"];
    all.extend_from_slice(args);
    let output = openkyc().current_dir(dir).args(&all).output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    output
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn typed_data_alone_passes_l1_and_prints_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "applicant.json", DATA.as_bytes());
    let output = check(dir.path(), &["--level", "L1", "--data", &data, "--json"]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["decision"], "approved");
    assert_eq!(report["level"], "L1");
    assert_eq!(report["reasons"], serde_json::json!([]));
    assert_eq!(report["stages"].as_array().unwrap().len(), 8);
    assert_eq!(report["stages"][7]["status"], "not_run");
    assert!(report["timings_ms"]["total"].is_number());

    let text = check(dir.path(), &["--level", "L1", "--data", &data]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("approved") && text.contains("data_match"), "{text}");
}

#[test]
fn unusable_data_or_level_exit_2_and_a_minor_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.json", br#"{"surname": "X"}"#);
    let output = check(dir.path(), &["--level", "L1", "--data", &bad, "--json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json(&output)["error"]["code"], "invalid_data");
    let data = write(dir.path(), "applicant.json", DATA.as_bytes());
    let output = check(dir.path(), &["--level", "L9", "--data", &data, "--json"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json(&output)["error"]["code"], "unknown_level");

    let minor = write(dir.path(), "minor.json", DATA.replace("1980", "2012").as_bytes());
    let output = check(dir.path(), &["--level", "L1", "--data", &minor, "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["decision"], "rejected");
    assert_eq!(report["reasons"][0]["code"], "UNDERAGE");
}

#[test]
fn a_drawn_passport_against_a_mistyped_name_is_a_retry_with_both_values() {
    let Ok(fonts) = openkyc_docgen::Fonts::from_system() else {
        eprintln!("SKIPPED: fonts missing");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let holder = openkyc_docgen::Identity {
        surname: "MUELLER".into(),
        given_names: "HANS".into(),
        document_number: "C01X00T47".into(),
        nationality: "D".into(),
        issuing_state: "D".into(),
        sex: 'M',
        birth_date: date(1980, 5, 17),
        issue_date: date(2021, 6, 1),
        expiry_date: date(2031, 5, 31),
        personal_number: String::new(),
    };
    let page = openkyc_docgen::render_td3(&holder, &fonts, 8.0, 7).unwrap().image;
    let margin = page.width() / 5;
    let mut photo = image::RgbImage::from_pixel(
        page.width() + 2 * margin,
        page.height() + 2 * margin,
        image::Rgb([70, 62, 55]),
    );
    image::imageops::overlay(&mut photo, &page, i64::from(margin), i64::from(margin));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&photo)
        .unwrap();
    let front = write(dir.path(), "front.jpg", &jpeg);
    let data = write(dir.path(), "applicant.json", DATA.replace("Hans", "Hanno").as_bytes());
    let levels = write(
        dir.path(),
        "levels.toml",
        b"[levels.DOC]\nname = 'Document'\nsteps = ['basic_info', 'document']\n\
          checks = ['capture_quality', 'document', 'data_match', 'validity']\n",
    );
    let output = check(
        dir.path(),
        &[
            "--levels", &levels, "--level", "DOC", "--front", &front, "--data", &data, "--json",
        ],
    );
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(report["decision"], "retry");
    let reason = &report["reasons"][0];
    assert_eq!(reason["code"], "DATA_MISMATCH");
    assert_eq!(reason["field"], "first_name");
    assert_eq!(reason["typed"], "Hanno");
    assert_eq!(reason["document"], "HANS");
    assert_eq!(report["document"]["fields"]["surname"], "MUELLER");
}
