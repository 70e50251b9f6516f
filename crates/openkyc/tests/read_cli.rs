//! `openkyc read` end to end: a drawn passport page and card back read to
//! their fields, exit codes, the JSON shape, and clear errors for files that
//! are not photos.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{json, run_with_stdin};
use std::io::Cursor;
use std::process::Output;

fn read(args: &[&str], stdin: &[u8]) -> Output {
    let mut all = vec!["read", "--reference-date", "2026-11-28"];
    all.extend_from_slice(args);
    all.push("-");
    run_with_stdin(&all, stdin)
}

/// A drawn document as PNG bytes, or `None` (with `SKIPPED`) without fonts.
fn page(passport: bool, index: usize) -> Option<Vec<u8>> {
    let fonts = match openkyc_docgen::Fonts::from_system() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("SKIPPED: {e}");
            return None;
        }
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let person = &openkyc_docgen::identities(3, index + 1, today)[index];
    let image = if passport {
        openkyc_docgen::render_td3(person, &fonts, 9.0, 1).unwrap().image
    } else {
        openkyc_docgen::render_td1_back(person, &fonts, 12.0, 1).unwrap().image
    };
    let mut bytes = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    Some(bytes)
}

#[test]
fn the_icao_specimen_reads_exactly_and_is_expired() {
    let Some(png) = page(true, 0) else { return };
    let output = read(&["--json"], &png);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(report["ok"], false);
    assert_eq!(report["kind"], "passport");
    assert_eq!(report["side"], "front");
    assert_eq!(report["mrz"]["valid"], true);
    assert_eq!(
        report["mrz"]["lines"][1],
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    );
    assert_eq!(report["fields"]["surname"], "ERIKSSON");
    assert_eq!(report["fields"]["given_names"], "ANNA MARIA");
    assert_eq!(report["fields"]["birth_date"], "1974-08-12");
    assert_eq!(report["sources"]["document_number"], "mrz");
    assert!(report["confidence"]["document_number"].as_f64().unwrap() >= 0.5);
    assert_eq!(report["reasons"][0]["code"], "DOC_EXPIRED");
    assert_eq!(report["reasons"][0]["severity"], "error");
    assert!(report["timings_ms"]["total"].as_f64().unwrap() > 0.0);
}

#[test]
fn a_valid_card_back_reads_with_exit_zero_and_text_for_people() {
    let Some(png) = page(false, 1) else { return };
    let output = read(&[], &png);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("id_card (TD1, back side)"), "{text}");
    assert!(text.contains("document_number"), "{text}");
}

#[test]
fn a_blank_page_is_unreadable_in_both_languages() {
    let blank = image::RgbImage::from_pixel(1000, 630, image::Rgb([236, 238, 240]));
    let mut png = Vec::new();
    blank
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let output = read(&[], &png);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("DOC_UNREADABLE"), "{text}");
    assert!(text.contains("[zh-CN]"), "{text}");
}

#[test]
fn a_chinese_card_front_reads_and_the_wrong_side_is_named() {
    let Some(fonts) = openkyc_docgen::Fonts::from_system().ok() else {
        eprintln!("SKIPPED: fonts absent");
        return;
    };
    if !openkyc_infer::ModelSet::locate().is_ok_and(|m| m.all_present()) {
        eprintln!(
            "SKIPPED a_chinese_card_front_reads_and_the_wrong_side_is_named: no models; run scripts/fetch-models.sh"
        );
        return;
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let person = &openkyc_docgen::cn_identities(1, 1, today)[0];
    let front = openkyc_docgen::render_cn_front(person, &fonts, 12.0, 1).image;
    let mut png = Vec::new();
    front
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let output = read(&["--json"], &png);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["kind"], "cn_resident_id");
    assert_eq!(report["side"], "front");
    assert_eq!(report["fields"]["id_number"], person.id_number.as_str());
    assert_eq!(report["fields"]["name_native"], person.name.as_str());
    assert_eq!(report["sources"]["name_native"], "viz");
    let output = read(&["--side", "back"], &png);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("cn_resident_id (front side)"), "{text}");
    assert!(text.contains("DOC_WRONG_SIDE"), "{text}");
}

#[test]
fn files_that_are_not_photos_exit_two_with_a_reason() {
    let output = read(&["--json"], b"");
    let report = json(&output);
    assert_eq!(output.status.code(), Some(2), "{report:#}");
    assert_eq!(report["ok"], false);
    assert!(report["error"]["code"].as_str().is_some());
    let output = read(&["--json"], b"\xFF\xD8\xFF\xE0 truncated jpeg");
    assert_eq!(output.status.code(), Some(2));
}
