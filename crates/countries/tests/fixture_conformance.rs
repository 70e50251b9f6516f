#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Conformance of the code table against the country codes that peer MRZ
//! libraries accept or reject, read in place from `shared/fixtures`.
//!
//! The fixtures are MRZ test cases, not code lists, so for every record the
//! issuing-state and nationality codes are cut out of the MRZ at their ICAO
//! Doc 9303 positions, and the peer's verdict on each code is derived from
//! what the record says the peer asserts:
//!
//! * `cheminfo/mrz` returns `null` for a country it does not know, and its
//!   `valid` includes the country lookup (see the records' `valid_semantics`).
//!   A non-null `issuing_country`/`nationality` means known, `null` or an
//!   asserted invalid `issuingState`/`nationality` field means unknown, and
//!   `valid: true` means every code in the MRZ is known.
//! * `Arg0s1080/mrz`'s checker fails on an unknown country code, so
//!   `valid: true` means every code is known; other records say nothing
//!   about the codes. The `documents/` sidecars pair an MRZ with the inputs
//!   of that library's generator, which looks every country up in its own
//!   table, so the codes they show are in that table (known).
//! * `appintheair/MRZParser` has no country table: its records say nothing
//!   about whether a code is known.
//!
//! Where the peer's expectation is recorded, its reading of the code must
//! also equal ours (a check on the positions used here).

use openkyc_countries::{is_known, lookup, CountryKind};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures");

/// What a peer says about a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeerClaim {
    Known,
    Unknown,
}

/// The two MRZ fields that carry a code from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    IssuingState,
    Nationality,
}

impl Field {
    /// Key of the field in the fixtures' `expected` objects.
    fn expected_key(self) -> &'static str {
        match self {
            Self::IssuingState => "issuing_country",
            Self::Nationality => "nationality",
        }
    }

    /// Name cheminfo/mrz gives the field in `invalid_fields_asserted`.
    fn cheminfo_name(self) -> &'static str {
        match self {
            Self::IssuingState => "issuingState",
            Self::Nationality => "nationality",
        }
    }

    /// Key of the field in the documents' `fields_from_source` objects.
    fn sidecar_key(self) -> &'static str {
        match self {
            Self::IssuingState => "country",
            Self::Nationality => "nationality",
        }
    }
}

/// A peer whose verdict on a code differs from ours, and why.
struct Disagreement {
    peer: &'static str,
    code: &'static str,
    peer_claim: PeerClaim,
    our_kind: CountryKind,
    reason: &'static str,
}

const DISAGREEMENTS: &[Disagreement] = &[Disagreement {
    peer: "Arg0s1080/mrz",
    code: "UTO",
    peer_claim: PeerClaim::Known,
    our_kind: CountryKind::Specimen,
    reason: "Arg0s1080/mrz keeps ICAO's fictional Utopia in its country table, so its checker \
             passes specimen documents; we report UTO as kind `specimen` and never as known, so \
             that a specimen can never pass for a genuine document (cheminfo/mrz agrees with us)",
}];

/// One code read from one fixture record, with the peer's verdict if the
/// record carries one.
struct Observation {
    record: String,
    peer: String,
    field: Field,
    code: String,
    claim: Option<PeerClaim>,
}

#[derive(Default)]
struct Tally {
    checked: usize,
    disagreements: usize,
    without_claim: usize,
    disagreements_seen: BTreeMap<(&'static str, &'static str), usize>,
}

fn fixtures_dir() -> Option<PathBuf> {
    let dir = Path::new(FIXTURES);
    dir.is_dir().then(|| dir.to_path_buf())
}

fn read_jsonl(path: &Path) -> Vec<Value> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}")))
        .collect()
}

fn slice<'a>(line: &'a str, range: std::ops::Range<usize>, mrz: &str) -> &'a str {
    line.get(range.clone())
        .unwrap_or_else(|| panic!("MRZ line too short for {range:?}: {mrz:?}"))
}

/// The codes of an MRZ at their ICAO Doc 9303 positions (or the
/// documented positions of the national formats), fillers stripped.
fn country_fields(format: &str, mrz: &str) -> Vec<(Field, String)> {
    let lines: Vec<&str> = mrz.lines().collect();
    let line = |n: usize| -> &str {
        lines
            .get(n)
            .copied()
            .unwrap_or_else(|| panic!("MRZ has no line {n}: {mrz:?}"))
    };
    let fields = match format {
        // TD1: issuing state in line 1 columns 3-5, nationality in line 2 columns 16-18.
        "TD1" => vec![
            (Field::IssuingState, slice(line(0), 2..5, mrz)),
            (Field::Nationality, slice(line(1), 15..18, mrz)),
        ],
        // TD2, TD3 and visas: line 1 columns 3-5, line 2 columns 11-13.
        "TD2" | "TD3" | "MRVA" | "MRVB" => vec![
            (Field::IssuingState, slice(line(0), 2..5, mrz)),
            (Field::Nationality, slice(line(1), 10..13, mrz)),
        ],
        // French national formats: issuing state only, line 1 columns 3-5.
        "FRENCH_NATIONAL_ID" | "FRENCH_DRIVING_LICENSE" => {
            vec![(Field::IssuingState, slice(line(0), 2..5, mrz))]
        }
        // Swiss driving licence: issuing state in line 2 columns 3-5.
        "SWISS_DRIVING_LICENSE" => vec![(Field::IssuingState, slice(line(1), 2..5, mrz))],
        other => panic!("format {other:?} has no known country positions: extend this test"),
    };
    fields
        .into_iter()
        .map(|(field, raw)| (field, raw.trim_end_matches('<').to_string()))
        .collect()
}

fn peer_of(record: &Value) -> String {
    let source = record["source"].as_str().expect("record without source");
    source.split(':').next().unwrap_or(source).to_string()
}

fn record_label(record: &Value) -> String {
    format!(
        "{} [{}]",
        record["source"].as_str().unwrap_or("?"),
        record["test"].as_str().unwrap_or("")
    )
}

/// The peer's reading of a field, where the record states it; asserts it
/// equals ours.
fn stated_reading(record: &Value, field: Field, code: &str) -> Option<Value> {
    let value = record.get("expected")?.get(field.expected_key())?.clone();
    if let Some(stated) = value.as_str() {
        assert_eq!(
            stated,
            code,
            "{}: the peer reads {:?} as {stated:?}, we cut out {code:?}",
            record_label(record),
            field
        );
    }
    Some(value)
}

fn cheminfo_claim(record: &Value, field: Field, code: &str) -> Option<PeerClaim> {
    match stated_reading(record, field, code) {
        Some(Value::String(_)) => return Some(PeerClaim::Known),
        Some(Value::Null) => return Some(PeerClaim::Unknown),
        _ => {}
    }
    let asserted_invalid = record
        .get("invalid_fields_asserted")
        .and_then(Value::as_array)
        .is_some_and(|fields| fields.iter().any(|f| f == field.cheminfo_name()));
    if asserted_invalid {
        return Some(PeerClaim::Unknown);
    }
    (record["valid"] == Value::Bool(true)).then_some(PeerClaim::Known)
}

fn arg0s1080_claim(record: &Value, field: Field, code: &str) -> Option<PeerClaim> {
    stated_reading(record, field, code);
    (record["valid"] == Value::Bool(true)).then_some(PeerClaim::Known)
}

fn claim_for(record: &Value, field: Field, code: &str) -> Option<PeerClaim> {
    match peer_of(record).as_str() {
        "cheminfo/mrz" => cheminfo_claim(record, field, code),
        "Arg0s1080/mrz" => arg0s1080_claim(record, field, code),
        "appintheair/MRZParser" => {
            stated_reading(record, field, code);
            None
        }
        other => panic!("no rule for the claims of peer {other:?}: extend this test"),
    }
}

fn observations_from_records(records: &[Value], mrz_key: &str, formats: &BTreeMap<String, String>) -> Vec<Observation> {
    let mut observations = Vec::new();
    for record in records {
        let mrz = record[mrz_key].as_str().expect("record without MRZ");
        let format = match record["format"].as_str() {
            Some(format) => format.to_string(),
            None => formats
                .get(mrz)
                .cloned()
                .unwrap_or_else(|| panic!("no format known for {mrz:?}")),
        };
        for (field, code) in country_fields(&format, mrz) {
            observations.push(Observation {
                record: record_label(record),
                peer: peer_of(record),
                field,
                claim: claim_for(record, field, &code),
                code,
            });
        }
    }
    observations
}

fn observations_from_documents(dir: &Path) -> Vec<Observation> {
    let mut sidecars: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    sidecars.sort();
    let mut observations = Vec::new();
    for path in sidecars {
        let text = fs::read_to_string(&path).unwrap();
        let sidecar: Value = serde_json::from_str(&text).unwrap();
        let mrz = sidecar["mrz"].as_str().unwrap_or("");
        let format = sidecar["document_kind"].as_str().unwrap_or("");
        if mrz.is_empty() || !matches!(format, "TD1" | "TD2" | "TD3" | "MRVA" | "MRVB") {
            continue;
        }
        let peer = peer_of(&sidecar);
        assert_eq!(peer, "Arg0s1080/mrz", "{}: no rule for this peer", path.display());
        for (field, code) in country_fields(format, mrz) {
            let generated = sidecar
                .get("fields_from_source")
                .and_then(|fields| fields.get(field.sidecar_key()))
                .is_some_and(Value::is_string);
            observations.push(Observation {
                record: format!("documents/{}", path.file_name().unwrap_or_default().to_string_lossy()),
                peer: peer.clone(),
                field,
                code,
                claim: generated.then_some(PeerClaim::Known),
            });
        }
    }
    observations
}

fn check(observation: &Observation, tally: &mut Tally) {
    let Some(claim) = observation.claim else {
        tally.without_claim += 1;
        return;
    };
    let code = observation.code.as_str();
    let peer_says_known = claim == PeerClaim::Known;
    let documented = DISAGREEMENTS
        .iter()
        .find(|d| d.peer == observation.peer && d.code == code);
    match documented {
        Some(disagreement) => {
            assert_eq!(
                disagreement.peer_claim, claim,
                "{}: stale disagreement",
                observation.record
            );
            assert_eq!(
                lookup(code).map(|c| c.kind),
                Some(disagreement.our_kind),
                "{}: {code}",
                observation.record
            );
            assert_ne!(
                is_known(code),
                peer_says_known,
                "{}: {code} is listed as a disagreement but we agree",
                observation.record
            );
            *tally
                .disagreements_seen
                .entry((disagreement.peer, disagreement.code))
                .or_default() += 1;
            tally.disagreements += 1;
        }
        None => {
            assert_eq!(
                is_known(code),
                peer_says_known,
                "{} ({:?} {code:?}): {} says {claim:?}, lookup gives {:?}",
                observation.record,
                observation.field,
                observation.peer,
                lookup(code)
            );
            tally.checked += 1;
        }
    }
}

#[test]
fn country_codes_agree_with_peer_mrz_libraries() {
    let Some(dir) = fixtures_dir() else {
        eprintln!("SKIPPED: fixtures directory {FIXTURES} not found; country-code conformance not run");
        return;
    };
    let cases_path = dir.join("mrz_cases.jsonl");
    if !cases_path.is_file() {
        eprintln!(
            "SKIPPED: {} not found; country-code conformance not run",
            cases_path.display()
        );
        return;
    }
    let cases = read_jsonl(&cases_path);
    // OCR-noise records name no format; they reuse the MRZ of a clean case.
    let formats: BTreeMap<String, String> = cases
        .iter()
        .filter_map(|r| Some((r["mrz"].as_str()?.to_string(), r["format"].as_str()?.to_string())))
        .collect();

    let mut observations = observations_from_records(&cases, "mrz", &formats);
    let noise_path = dir.join("mrz_ocr_noise_cases.jsonl");
    if noise_path.is_file() {
        let noise = read_jsonl(&noise_path);
        observations.extend(observations_from_records(&noise, "reference_mrz", &formats));
    } else {
        eprintln!(
            "SKIPPED: {} not found; OCR-noise records not checked",
            noise_path.display()
        );
    }
    let documents = dir.join("documents");
    if documents.is_dir() {
        observations.extend(observations_from_documents(&documents));
    } else {
        eprintln!(
            "SKIPPED: {} not found; document sidecars not checked",
            documents.display()
        );
    }

    let mut tally = Tally::default();
    for observation in &observations {
        check(observation, &mut tally);
    }
    for disagreement in DISAGREEMENTS {
        let seen = tally
            .disagreements_seen
            .get(&(disagreement.peer, disagreement.code))
            .copied()
            .unwrap_or(0);
        assert!(
            seen > 0,
            "documented disagreement with {} on {} never met: remove it ({})",
            disagreement.peer,
            disagreement.code,
            disagreement.reason
        );
    }
    assert!(
        tally.checked > 0,
        "no fixture record carried a verdict on a country code"
    );
    println!(
        "country-code fixtures: {} codes checked, {} documented disagreements ({} distinct), \
         {} codes without a peer verdict (from {} MRZ codes read)",
        tally.checked,
        tally.disagreements,
        tally.disagreements_seen.len(),
        tally.without_claim,
        observations.len()
    );
}
