//! The `openkyc` binary end to end: JSON on stdout (snapshotted), exit
//! codes, standard input, and clear errors for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{json, openkyc, run_with_stdin};
use std::path::{Path, PathBuf};
use std::process::Output;

const REFERENCE: &str = "2026-11-28";

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples").join(name)
}

fn run(args: &[&str]) -> Output {
    openkyc().args(args).output().unwrap()
}

#[test]
fn mrz_sample_is_valid() {
    let output = run(&[
        "mrz",
        "--reference-date",
        REFERENCE,
        sample("passport-td3.mrz").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_json_snapshot!("mrz_sample", json(&output));
}

#[test]
fn mrz_ocr_noise_is_repaired_and_every_repair_reported() {
    let output = run(&[
        "mrz",
        "--reference-date",
        REFERENCE,
        sample("passport-td3-ocr-noise.mrz").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["repairs"].as_array().unwrap().len(), 4);
    insta::assert_json_snapshot!("mrz_ocr_noise", report);
}

#[test]
fn mrz_without_repair_reports_the_misreadings_as_errors() {
    let noisy = sample("passport-td3-ocr-noise.mrz");
    let output = run(&[
        "mrz",
        "--no-repair",
        "--reference-date",
        REFERENCE,
        noisy.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["valid"], false);
    assert!(report["repairs"].as_array().unwrap().is_empty());
}

#[test]
fn mrz_from_standard_input() {
    let text = std::fs::read(sample("passport-td3.mrz")).unwrap();
    let output = run_with_stdin(&["mrz", "--reference-date", REFERENCE, "-"], &text);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(json(&output)["fields"]["surname"], "QUINTERO");
}

#[test]
fn mrz_with_a_wrong_check_digit_exits_1_and_says_which() {
    let text = std::fs::read_to_string(sample("passport-td3.mrz")).unwrap();
    // Birth date check digit 8 → 9.
    let tampered = text.replace("9005178F", "9005179F");
    let output = run_with_stdin(&["mrz", "--reference-date", REFERENCE], tampered.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    insta::assert_json_snapshot!("mrz_bad_check_digit", json(&output)["errors"]);
}

#[test]
fn not_an_mrz_exits_2_with_a_clear_error() {
    let output = run_with_stdin(
        &["mrz"],
        b"P<UTOQUINTERO<<AVERY\nX4R7T2K916UTO9005178F3403015<<<<<<<<<<<<<<<6\n",
    );
    assert_eq!(output.status.code(), Some(2));
    insta::assert_json_snapshot!("mrz_not_an_mrz", json(&output));
    let output = run_with_stdin(&["mrz"], &[0xff, 0xfe, 0x00, 0x12]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_huge_input_is_refused_without_reading_it_all() {
    let output = run_with_stdin(&["mrz"], &vec![b'<'; 4 << 20]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json(&output)["error"]["code"], "too_long");
}

#[test]
fn a_missing_file_is_an_io_error_on_stderr() {
    let output = run(&["mrz", "/nonexistent/openkyc-test.mrz"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/openkyc-test.mrz"));
}

#[test]
fn cnid_exit_codes_follow_the_kind_of_failure() {
    let ok = run(&["cnid", "--reference-date", REFERENCE, "11010519491231002X"]);
    assert_eq!(ok.status.code(), Some(0));
    insta::assert_json_snapshot!("cnid_valid", json(&ok));
    let checksum = run(&["cnid", "--reference-date", REFERENCE, "110105194912310021"]);
    assert_eq!(checksum.status.code(), Some(1));
    assert_eq!(json(&checksum)["error"]["code"], "CHECKSUM");
    let length = run(&["cnid", "--reference-date", REFERENCE, "1101051949"]);
    assert_eq!(length.status.code(), Some(2));
    assert_eq!(json(&length)["error"]["code"], "LENGTH");
}

#[test]
fn cnid_legacy_numbers_are_reported_with_their_18_digit_form() {
    let output = run(&["cnid", "--reference-date", REFERENCE, "110105491231002"]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["kind"], "legacy15");
    assert_eq!(report["normalized"], "11010519491231002X");
}

#[test]
fn compare_name_explains_equivalence_and_mismatch() {
    let equivalent = run(&["compare-name", "Müller Hans", "MUELLER<<HANS"]);
    assert_eq!(equivalent.status.code(), Some(0));
    insta::assert_json_snapshot!("compare_name_transliteration", json(&equivalent));
    let pinyin = run(&["compare-name", "张三", "ZHANG<<SAN"]);
    assert_eq!(pinyin.status.code(), Some(0));
    assert_eq!(json(&pinyin)["outcome"], "equivalent");
    let mismatch = run(&["compare-name", "Hans Miller", "MUELLER<<HANS"]);
    assert_eq!(mismatch.status.code(), Some(1));
    assert_eq!(json(&mismatch)["outcome"], "mismatch");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["cnid"]).status.code(), Some(2));
    assert_eq!(run(&["mrz", "--reference-date", "yesterday"]).status.code(), Some(2));
}
