//! Conformance against other projects' own test cases, read in place from
//! `shared/fixtures` next to the repository (see its PROVENANCE.md).
//!
//! Every record must match the peer exactly, except the ones listed in
//! [`DISAGREEMENTS`], for which our own behaviour is asserted instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use openkyc_cnid::{check_character, parse, report, upgrade_legacy15, CnIdErrorCode, CnIdKind, CnIdNumber, Sex};
use serde_json::{Map, Value};

const FIXTURES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

/// The day the fixtures were collected. Fixed, so the outcome never depends
/// on when the tests run: peers reject birth years such as 2070 as "in the
/// future", which a moving clock would eventually turn into valid dates.
fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// How our answer differs from a peer's for one record.
#[derive(Debug)]
enum OurAnswer {
    /// The peer writes the 18-character form with a lower-case `x`; we print
    /// the same number with an upper-case `X`. Nothing else differs.
    UpperCaseCheckCharacter,
}

struct Disagreement {
    file: &'static str,
    /// The record's input value.
    input: &'static str,
    ours: OurAnswer,
    reason: &'static str,
}

const DISAGREEMENTS: &[Disagreement] = &[Disagreement {
    file: "cn_id_upgrade_cases.jsonl",
    input: "330102200403064",
    ours: OurAnswer::UpperCaseCheckCharacter,
    reason: "hutool expects a lower-case x check character; GB 11643-1999 prints X in upper case \
             and our normalized form is an identity key, so it has exactly one spelling",
}];

fn disagreement_for(file: &str, input: &str) -> Option<&'static Disagreement> {
    DISAGREEMENTS
        .iter()
        .find(|entry| entry.file == file && entry.input == input)
}

/// Fails if a table entry for `file` was never met, so the table cannot go stale.
fn assert_all_disagreements_met(file: &str, met: &BTreeSet<String>) {
    for entry in DISAGREEMENTS.iter().filter(|entry| entry.file == file) {
        assert!(
            met.contains(entry.input),
            "{file}: documented disagreement {:?} matches no record",
            entry.input
        );
    }
}

fn fixtures_dir() -> Option<PathBuf> {
    let dir = Path::new(FIXTURES_DIR);
    if dir.is_dir() {
        Some(dir.to_path_buf())
    } else {
        eprintln!("SKIPPED: fixtures directory {FIXTURES_DIR} is absent");
        None
    }
}

/// Records of a JSONL file; the file must exist when the directory does.
fn read_records(dir: &Path, file: &str) -> Vec<Map<String, Value>> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let records: Vec<_> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| match serde_json::from_str(line) {
            Ok(Value::Object(record)) => record,
            other => panic!("{file}: not a JSON object: {line} ({other:?})"),
        })
        .collect();
    assert!(!records.is_empty(), "{file} holds no records");
    records
}

/// Fails on any field we do not know, so no peer expectation is silently ignored.
fn assert_known_fields(file: &str, record: &Map<String, Value>, known: &[&str]) {
    for key in record.keys() {
        assert!(
            known.contains(&key.as_str()),
            "{file}: unhandled field {key:?} in {record:?}"
        );
    }
}

fn text<'a>(record: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    record
        .get(key)
        .map(|value| value.as_str().unwrap_or_else(|| panic!("{key} is not a string")))
}

fn required_text<'a>(record: &'a Map<String, Value>, key: &str) -> &'a str {
    text(record, key).unwrap_or_else(|| panic!("record without {key}: {record:?}"))
}

const CASE_FIELDS: &[&str] = &[
    // Provenance and commentary: not expectations.
    "source",
    "commit",
    "license",
    "valid_semantics",
    "note",
    "reason",
    // Expectations, each checked below.
    "id",
    "valid",
    "birth_date",
    "normalized",
    "sex",
    "sex_source_value",
    "province",
    "age_at_2017_04_10",
    "length",
    "upgrade_to_18",
    "expected_error",
];

#[test]
fn cn_id_cases() {
    const FILE: &str = "cn_id_cases.jsonl";
    let Some(dir) = fixtures_dir() else { return };
    let mut met = BTreeSet::<String>::new();
    let mut checked = 0;
    for record in read_records(&dir, FILE) {
        assert_known_fields(FILE, &record, CASE_FIELDS);
        let id = required_text(&record, "id");
        if let Some(entry) = disagreement_for(FILE, id) {
            panic!("{FILE}: no disagreement kind handles {id:?} ({:?})", entry.ours);
        }
        let peer_valid = record["valid"].as_bool().expect("valid is a boolean");
        let outcome = parse(id, reference_date());
        assert_eq!(
            report(id, reference_date()).valid,
            outcome.is_ok(),
            "report and parse disagree on {id:?}"
        );
        match outcome {
            Ok(number) => {
                assert!(peer_valid, "{id:?}: peer rejects, we accept {number:?}");
                check_accepted_case(id, &record, &number);
            }
            Err(error) => {
                assert!(!peer_valid, "{id:?}: peer accepts, we reject: {error}");
                check_rejected_case(id, &record, error.code);
            }
        }
        met.insert(id.to_owned());
        checked += 1;
    }
    assert_all_disagreements_met(FILE, &met);
    println!(
        "cn_id fixtures ({FILE}): {checked} checked, {} documented disagreements",
        DISAGREEMENTS.iter().filter(|entry| entry.file == FILE).count()
    );
}

fn check_accepted_case(id: &str, record: &Map<String, Value>, number: &CnIdNumber) {
    if let Some(birth_date) = text(record, "birth_date") {
        assert_eq!(number.birth_date.to_string(), birth_date, "{id:?} birth date");
    }
    if let Some(normalized) = text(record, "normalized") {
        assert_eq!(number.normalized, normalized, "{id:?} normalized");
    }
    if let Some(sex) = text(record, "sex") {
        assert_eq!(number.sex.as_str(), sex, "{id:?} sex");
    }
    if let Some(value) = record.get("sex_source_value") {
        // hutool's getGenderByIdCard: 1 = male, 0 = female.
        let expected = match value.as_u64() {
            Some(1) => Sex::Male,
            Some(0) => Sex::Female,
            other => panic!("{id:?}: unexpected sex_source_value {other:?}"),
        };
        assert_eq!(number.sex, expected, "{id:?} sex_source_value");
    }
    if let Some(province) = text(record, "province") {
        assert_eq!(number.province.name_zh, province, "{id:?} province");
    }
    if let Some(age) = record.get("age_at_2017_04_10") {
        let on = NaiveDate::from_ymd_opt(2017, 4, 10).unwrap();
        let ours = on.years_since(number.birth_date).map(u64::from);
        assert_eq!(ours, age.as_u64(), "{id:?} age on {on}");
    }
    if let Some(length) = record.get("length") {
        assert_eq!(Some(id.chars().count() as u64), length.as_u64(), "{id:?} length");
        let expected_kind = length.as_u64() == Some(15);
        assert_eq!(number.kind == CnIdKind::Legacy15, expected_kind, "{id:?} kind");
    }
    if let Some(upgraded) = text(record, "upgrade_to_18") {
        assert_eq!(upgrade_legacy15(id).as_deref(), Some(upgraded), "{id:?} upgrade");
        assert_eq!(number.normalized, upgraded, "{id:?} normalized after upgrade");
    }
}

/// python-stdnum's exception classes and the codes that may correspond.
fn codes_for_peer_error(name: &str, reason: Option<&str>) -> Vec<CnIdErrorCode> {
    match (name, reason) {
        ("InvalidFormat", _) => vec![CnIdErrorCode::Charset],
        ("InvalidLength", _) => vec![CnIdErrorCode::Length],
        ("InvalidChecksum", _) => vec![CnIdErrorCode::Checksum],
        // stdnum uses InvalidComponent for both the date and the birth-place code;
        // the record's reason, when present, says which one.
        ("InvalidComponent", Some(reason)) if reason.contains("date") => {
            vec![CnIdErrorCode::BirthDate]
        }
        ("InvalidComponent", Some(reason)) if reason.contains("birth place") => {
            vec![CnIdErrorCode::Region]
        }
        ("InvalidComponent", _) => vec![CnIdErrorCode::BirthDate, CnIdErrorCode::Region],
        (other, _) => panic!("unmapped expected_error {other:?}"),
    }
}

fn check_rejected_case(id: &str, record: &Map<String, Value>, ours: CnIdErrorCode) {
    if let Some(peer_error) = text(record, "expected_error") {
        let allowed = codes_for_peer_error(peer_error, text(record, "reason"));
        assert!(
            allowed.contains(&ours),
            "{id:?}: peer says {peer_error}, we say {ours:?}"
        );
    }
}

const UPGRADE_FIELDS: &[&str] = &["source", "commit", "license", "note", "id15", "id18"];

#[test]
fn cn_id_upgrade_cases() {
    const FILE: &str = "cn_id_upgrade_cases.jsonl";
    let Some(dir) = fixtures_dir() else { return };
    let mut met = BTreeSet::<String>::new();
    let mut checked = 0;
    for record in read_records(&dir, FILE) {
        assert_known_fields(FILE, &record, UPGRADE_FIELDS);
        let id15 = required_text(&record, "id15");
        let peer_id18 = required_text(&record, "id18");
        let ours = match disagreement_for(FILE, id15) {
            None => peer_id18.to_owned(),
            Some(entry) => {
                met.insert(id15.to_owned());
                match entry.ours {
                    OurAnswer::UpperCaseCheckCharacter => {
                        let ours = peer_id18.to_ascii_uppercase();
                        assert_ne!(ours, peer_id18, "{id15:?}: no longer a disagreement");
                        ours
                    }
                }
            }
        };
        assert_eq!(upgrade_legacy15(id15).as_deref(), Some(ours.as_str()), "{id15:?}");

        let legacy = parse(id15, reference_date()).unwrap();
        let modern = parse(peer_id18, reference_date()).unwrap();
        assert_eq!(legacy.kind, CnIdKind::Legacy15, "{id15:?}");
        assert_eq!(legacy.normalized, ours, "{id15:?}");
        assert_eq!(modern.normalized, ours, "{peer_id18:?}");
        assert_eq!(
            (legacy.birth_date, legacy.sex, &legacy.region_code),
            (modern.birth_date, modern.sex, &modern.region_code),
            "{id15:?} and {peer_id18:?} describe different people"
        );
        checked += 1;
    }
    assert_all_disagreements_met(FILE, &met);
    println!(
        "cn_id fixtures ({FILE}): {checked} checked, {} documented disagreements",
        met.len()
    );
    for entry in DISAGREEMENTS.iter().filter(|entry| entry.file == FILE) {
        println!("  {}: {:?} because {}", entry.input, entry.ours, entry.reason);
    }
}

const CHECK_CHARACTER_FIELDS: &[&str] = &[
    "source",
    "commit",
    "license",
    "note",
    "assertion",
    "body17",
    "check_char",
    "check_char_not",
];

#[test]
fn cn_id_check_character_cases() {
    const FILE: &str = "cn_id_checkchar_cases.jsonl";
    let Some(dir) = fixtures_dir() else { return };
    let mut checked = 0;
    for record in read_records(&dir, FILE) {
        assert_known_fields(FILE, &record, CHECK_CHARACTER_FIELDS);
        let body = required_text(&record, "body17");
        assert!(
            disagreement_for(FILE, body).is_none(),
            "{body:?}: unhandled table entry"
        );
        let ours = check_character(body)
            .unwrap_or_else(|| panic!("{body:?}: not 17 digits"))
            .to_string();
        let is = text(&record, "check_char");
        let is_not = text(&record, "check_char_not");
        assert!(is.is_some() || is_not.is_some(), "{body:?}: no expectation");
        if let Some(expected) = is {
            assert_eq!(ours, expected, "{body:?}");
        }
        if let Some(unexpected) = is_not {
            assert_ne!(ours, unexpected, "{body:?}");
        }
        checked += 1;
    }
    println!("cn_id fixtures ({FILE}): {checked} checked, 0 documented disagreements");
}
