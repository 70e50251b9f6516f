//! The visual zone read by the real PP-OCRv4 models: docgen passport pages
//! and ID-card fronts (known truth) at the reading size, their fields
//! against the truth and against their own MRZ (no false mismatch), a
//! tampered MRZ (a mismatch), and the shared real specimens (reported).
//! Without the models (`scripts/fetch-models.sh`) or the fonts each test
//! says SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use chrono::NaiveDate;
use image::RgbImage;
use openkyc_docgen::{Fonts, Identity, Page};
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_mrz::{MrzReport, ParseOptions, Sex};
use openkyc_ocr::PageReader;
use openkyc_read::{cross_check, has_mismatch, read_viz, Agreement, CrossCheckOptions, VizCheck, VizFields};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// Identities per document kind.
const PEOPLE: usize = 24;
/// Docgen pixels per millimetre before resizing to the reading size (a
/// little above it: 1250 × 880 for a page, 856 × 540 for a card).
const RENDER_PX_PER_MM: f32 = 10.0;
/// Long side a passport page is OCRed at.
const PAGE_SIDE: u32 = 1100;
/// Long side an ID-1 card is OCRed at.
const CARD_SIDE: u32 = 800;
/// Lowest per-field exact rate accepted on the clean docgen pages.
const FIELD_EXACT_FLOOR: f64 = 0.95;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

fn page_reader(test: &str) -> Option<PageReader> {
    let why = match ModelSet::locate() {
        Ok(set) if set.all_present() => return Some(PageReader::load(&set, &SessionOptions::default()).unwrap()),
        Ok(set) => format!("model files missing in {}", set.dir().display()),
        Err(e) => e.to_string(),
    };
    eprintln!("SKIPPED {test}: {why}; run scripts/fetch-models.sh");
    None
}

fn fonts(test: &str) -> Option<Fonts> {
    Fonts::from_system().map_err(|e| eprintln!("SKIPPED {test}: {e}")).ok()
}

/// `image` with its long side `long`, area-weighted as the read stage does.
fn resized(image: &RgbImage, long: u32) -> RgbImage {
    let scale = long as f32 / image.width().max(image.height()).max(1) as f32;
    let side = |v: u32| ((v as f32 * scale).round() as u32).max(1);
    image::imageops::resize(
        image,
        side(image.width()),
        side(image.height()),
        image::imageops::FilterType::Triangle,
    )
}

/// The report's MRZ field map (as `openkyc-read` builds it) and whether the
/// names are truncated.
fn mrz_map(lines: &[String]) -> (BTreeMap<&'static str, String>, bool) {
    let report: MrzReport = openkyc_mrz::parse(&lines.join("\n"), &ParseOptions::new(today())).unwrap();
    let f = &report.fields;
    let mut map = BTreeMap::new();
    map.insert("issuing_state", f.issuing_state.clone());
    map.insert("document_number", f.document_number.clone());
    map.insert("surname", f.surname.clone());
    map.insert("given_names", f.given_names.clone());
    if let Some(d) = f.birth_date {
        map.insert("birth_date", d.format("%Y-%m-%d").to_string());
    }
    if let Some(d) = f.expiry_date {
        map.insert("expiry_date", d.format("%Y-%m-%d").to_string());
    }
    if let Some(n) = &f.nationality {
        map.insert("nationality", n.clone());
    }
    if let Some(sex) = f.sex {
        let letter = match sex {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Unspecified => "X",
        };
        map.insert("sex", letter.into());
    }
    (map, f.names_truncated)
}

const FIELDS: [&str; 8] = [
    "surname",
    "given_names",
    "document_number",
    "birth_date",
    "expiry_date",
    "sex",
    "nationality",
    "issue_date",
];

/// Whether `field` was read exactly as `truth` printed it (`spaces`:
/// counting the spaces between a name's words, which the recogniser
/// sometimes drops).
fn exact(viz: &VizFields, truth: &Identity, field: &str, spaces: bool) -> Option<bool> {
    let text = |f: &Option<openkyc_read::VizField<String>>| {
        f.as_ref()
            .and_then(|f| f.value.clone())
            .map(|v| if spaces { v } else { v.replace(' ', "") })
    };
    let truth_text = |t: &str| if spaces { t.to_string() } else { t.replace(' ', "") };
    let date = |f: &Option<openkyc_read::VizField<openkyc_read::PrintedDate>>| {
        f.as_ref().and_then(|f| f.value).and_then(|d| d.date())
    };
    Some(match field {
        "surname" => text(&viz.surname) == Some(truth_text(&truth.surname)),
        "given_names" => text(&viz.given_names) == Some(truth_text(&truth.given_names)),
        "document_number" => text(&viz.document_number).as_deref() == Some(truth.document_number.as_str()),
        "birth_date" => date(&viz.birth_date) == Some(truth.birth_date),
        "expiry_date" => date(&viz.expiry_date) == Some(truth.expiry_date),
        "issue_date" => date(&viz.issue_date) == Some(truth.issue_date),
        "sex" => viz.sex.as_ref().and_then(|s| s.value) == Some(truth.sex),
        "nationality" => text(&viz.nationality).as_deref() == Some(truth.nationality.as_str()),
        _ => return None,
    })
}

/// One kind of page rendered for every identity, OCRed, read and checked.
struct Run {
    exact: BTreeMap<&'static str, usize>,
    /// Exact but for the spaces between words.
    exact_but_spaces: BTreeMap<&'static str, usize>,
    pages: usize,
    /// Detection and recognition of the whole page.
    ocr_ms: Vec<f64>,
    /// Detection alone.
    detect_ms: Vec<f64>,
    checks: Vec<Vec<VizCheck>>,
    tampered: Vec<Vec<VizCheck>>,
}

fn run(
    reader: &mut PageReader,
    people: &[Identity],
    long_side: u32,
    render: impl Fn(&Identity, u64) -> (Page, Vec<String>),
) -> Run {
    let mut out = Run {
        exact: BTreeMap::new(),
        exact_but_spaces: BTreeMap::new(),
        pages: 0,
        ocr_ms: Vec::new(),
        detect_ms: Vec::new(),
        checks: Vec::new(),
        tampered: Vec::new(),
    };
    let mut read: Vec<(VizFields, BTreeMap<&'static str, String>, bool)> = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let (page, mrz_lines) = render(person, i as u64);
        let image = resized(&page.image, long_side);
        let started = Instant::now();
        let boxes = reader.detector.detect(&image).unwrap();
        let detected = Instant::now();
        let lines = reader.read_boxes(&image, &boxes).unwrap();
        out.detect_ms.push((detected - started).as_secs_f64() * 1000.0);
        out.ocr_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let viz = read_viz(&lines, image.dimensions());
        out.pages += 1;
        for field in FIELDS {
            if exact(&viz, page.truth.identity.as_ref().unwrap(), field, true) == Some(true) {
                *out.exact.entry(field).or_default() += 1;
            }
            if exact(&viz, page.truth.identity.as_ref().unwrap(), field, false) == Some(true) {
                *out.exact_but_spaces.entry(field).or_default() += 1;
            }
        }
        let (mrz, truncated) = mrz_map(&mrz_lines);
        read.push((viz, mrz, truncated));
    }
    for (i, (viz, own, truncated)) in read.iter().enumerate() {
        let options = CrossCheckOptions {
            names_truncated: *truncated,
            ..CrossCheckOptions::default()
        };
        let checks = cross_check(viz, own, &options);
        out.checks.push(checks);
        // The next person's MRZ on this page.
        let (_, other, other_truncated) = &read[(i + 1) % read.len()];
        let options = CrossCheckOptions {
            names_truncated: *other_truncated,
            ..CrossCheckOptions::default()
        };
        out.tampered.push(cross_check(viz, other, &options));
    }
    out
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn report(kind: &str, run: &Run, fields: &[&str]) {
    eprintln!(
        "{kind}: {} pages, OCR (det + rec) median {:.0} ms per page, of which detection {:.0} ms",
        run.pages,
        median(&run.ocr_ms),
        median(&run.detect_ms)
    );
    let percent = |n: usize| 100.0 * n as f64 / run.pages as f64;
    for &field in fields {
        let exact = run.exact.get(field).copied().unwrap_or(0);
        let loose = run.exact_but_spaces.get(field).copied().unwrap_or(0);
        eprintln!(
            "  {field:<16} exact {exact:>3}/{} ({:.1}%), but for spaces {loose:>3} ({:.1}%)",
            run.pages,
            percent(exact),
            percent(loose)
        );
    }
    let agree: usize = run
        .checks
        .iter()
        .flatten()
        .filter(|c| c.agreement == Agreement::Agree)
        .count();
    let all: usize = run.checks.iter().map(Vec::len).sum();
    eprintln!("  cross-check with its own MRZ: {agree} of {all} field checks agree");
    for check in run.checks.iter().flatten().filter(|c| c.agreement != Agreement::Agree) {
        eprintln!("    {check:?}");
    }
}

/// The floor holds for every field, names with their spaces left out (the
/// recogniser drops some; the cross-check, like ICAO, ignores where words
/// break).
fn assert_clean(kind: &str, run: &Run, fields: &[&str]) {
    for field in fields {
        let rate = run.exact_but_spaces.get(field).copied().unwrap_or(0) as f64 / run.pages as f64;
        assert!(rate >= FIELD_EXACT_FLOOR, "{kind} {field}: {:.1}% exact", 100.0 * rate);
    }
    let false_mismatches: Vec<_> = run
        .checks
        .iter()
        .flatten()
        .filter(|c| c.agreement == Agreement::Mismatch)
        .collect();
    assert!(
        false_mismatches.is_empty(),
        "{kind}: false mismatches {false_mismatches:#?}"
    );
    for (i, checks) in run.tampered.iter().enumerate() {
        assert!(
            has_mismatch(checks),
            "{kind} page {i} with another person's MRZ: {checks:#?}"
        );
    }
}

#[test]
fn docgen_passport_pages_and_card_fronts() {
    let test = "docgen_passport_pages_and_card_fronts";
    let (Some(mut reader), Some(fonts)) = (page_reader(test), fonts(test)) else {
        return;
    };
    let people = openkyc_docgen::identities(1, PEOPLE, today());
    let td3 = run(&mut reader, &people, PAGE_SIDE, |p, seed| {
        let page = openkyc_docgen::render_td3(p, &fonts, RENDER_PX_PER_MM, seed).unwrap();
        let mrz = page.truth.mrz.clone();
        (page, mrz)
    });
    report("TD3 pages", &td3, &FIELDS);
    let td1 = run(&mut reader, &people, CARD_SIDE, |p, seed| {
        let mrz = openkyc_docgen::render_td1_back(p, &fonts, 4.0, seed).unwrap().truth.mrz;
        (openkyc_docgen::render_td1_front(p, &fonts, RENDER_PX_PER_MM, seed), mrz)
    });
    report("TD1 fronts", &td1, &FIELDS[..7]);
    assert_clean("TD3", &td3, &FIELDS);
    // The card front prints no date of issue.
    assert_clean("TD1", &td1, &FIELDS[..7]);
}

#[test]
fn one_altered_field_is_a_mismatch() {
    let test = "one_altered_field_is_a_mismatch";
    let (Some(mut reader), Some(fonts)) = (page_reader(test), fonts(test)) else {
        return;
    };
    let person = &openkyc_docgen::identities(1, 1, today())[0];
    let page = openkyc_docgen::render_td3(person, &fonts, RENDER_PX_PER_MM, 0).unwrap();
    let image = resized(&page.image, PAGE_SIDE);
    let viz = read_viz(&reader.read(&image).unwrap(), image.dimensions());
    let (genuine, _) = mrz_map(&page.truth.mrz);
    assert!(!has_mismatch(&cross_check(
        &viz,
        &genuine,
        &CrossCheckOptions::default()
    )));
    // Two characters or more: a mismatch on any line read with 0.9.
    for (field, altered) in [
        ("surname", "ERIKSEN"),
        ("given_names", "ANNA MAJA"),
        ("document_number", "L898992X3"),
        ("birth_date", "1984-09-12"),
        ("expiry_date", "2031-04-15"),
        ("nationality", "GBR"),
    ] {
        let check = altered_check(&viz, &genuine, field, altered);
        assert_eq!(check.agreement, Agreement::Mismatch, "{check:?}");
    }
    // One character: a mismatch where the line was read with 0.97, else
    // uncertain; never an agreement.
    for (field, altered) in [
        ("document_number", "L898902C8"),
        ("birth_date", "1984-08-12"),
        ("expiry_date", "2022-04-15"),
        ("sex", "M"),
    ] {
        let check = altered_check(&viz, &genuine, field, altered);
        let expected = if check.confidence >= CrossCheckOptions::default().min_confidence_one_edit {
            Agreement::Mismatch
        } else {
            Agreement::Uncertain
        };
        assert_eq!(check.agreement, expected, "{check:?}");
    }
}

fn altered_check(viz: &VizFields, genuine: &BTreeMap<&'static str, String>, field: &str, altered: &str) -> VizCheck {
    let mut mrz = genuine.clone();
    mrz.insert(
        genuine.keys().find(|k| **k == field).copied().unwrap(),
        altered.to_string(),
    );
    let checks = cross_check(viz, &mrz, &CrossCheckOptions::default());
    let check = checks.into_iter().find(|c| c.field == field).unwrap();
    eprintln!(
        "{field} altered to {altered}: {:?} ({:.3}, {} edits)",
        check.agreement, check.confidence, check.edits
    );
    check
}

#[test]
fn real_specimens_report() {
    let test = "real_specimens_report";
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/documents");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED {test}: {} is absent", dir.display());
        return;
    };
    let Some(mut reader) = page_reader(test) else {
        return;
    };
    let mut sidecars: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    sidecars.sort();
    let (mut specimens, mut checked, mut agreeing, mut false_mismatches) = (0, 0, 0, Vec::new());
    for sidecar in sidecars {
        let meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
        let Some(truth) = meta["expected"]["mrz"].as_str() else {
            continue;
        };
        let lines: Vec<String> = truth.lines().map(str::to_owned).collect();
        let image = image::open(sidecar.with_extension("")).unwrap().to_rgb8();
        let (w, h) = image.dimensions();
        let long = if w.max(h) as f32 >= 1.5 * w.min(h) as f32 {
            CARD_SIDE
        } else {
            PAGE_SIDE
        };
        let image = resized(&image, long);
        let viz = read_viz(&reader.read(&image).unwrap(), image.dimensions());
        let (mrz, truncated) = mrz_map(&lines);
        let options = CrossCheckOptions {
            names_truncated: truncated,
            ..CrossCheckOptions::default()
        };
        let checks = cross_check(&viz, &mrz, &options);
        specimens += 1;
        checked += checks.len();
        agreeing += checks.iter().filter(|c| c.agreement == Agreement::Agree).count();
        let name = sidecar.file_stem().unwrap().to_string_lossy().into_owned();
        eprintln!("{name}:");
        for c in &checks {
            eprintln!(
                "  {:<16} {:<9} viz {:?} ({:.2}) mrz {:?}: {}",
                c.field,
                format!("{:?}", c.agreement),
                c.viz,
                c.confidence,
                c.mrz,
                c.why
            );
        }
        false_mismatches.extend(
            checks
                .into_iter()
                .filter(|c| c.agreement == Agreement::Mismatch)
                .map(|c| (name.clone(), c)),
        );
    }
    eprintln!(
        "{specimens} specimens with an MRZ: {checked} fields read from the VIZ, {agreeing} agree with the MRZ, {} mismatch",
        false_mismatches.len()
    );
    assert!(
        false_mismatches.is_empty(),
        "genuine specimens reported as mismatches: {false_mismatches:#?}"
    );
}
