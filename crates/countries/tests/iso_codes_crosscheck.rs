#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Cross-checks the `iso3166` entries against the ISO 3166-1 list shipped by
//! the operating system's iso-codes package, where it is installed.
//!
//! Only the codes are compared: the English names in that package are
//! edited from release to release, the codes have not changed since 2011.

use openkyc_countries::{all, CountryKind};
use serde_json::Value;
use std::collections::BTreeSet;

const ISO_CODES_JSON: &str = "/usr/share/iso-codes/json/iso_3166-1.json";

#[test]
fn iso3166_codes_match_the_iso_codes_package() {
    let Ok(text) = std::fs::read_to_string(ISO_CODES_JSON) else {
        eprintln!("SKIPPED: {ISO_CODES_JSON} not found (install the iso-codes package to run this cross-check)");
        return;
    };
    let list: Value = serde_json::from_str(&text).unwrap();
    let theirs: BTreeSet<&str> = list["3166-1"]
        .as_array()
        .expect("a 3166-1 array")
        .iter()
        .map(|entry| entry["alpha_3"].as_str().expect("alpha_3"))
        .collect();
    let ours: BTreeSet<&str> = all()
        .iter()
        .filter(|country| country.kind == CountryKind::Iso3166)
        .map(|country| country.code)
        .collect();
    let missing: Vec<_> = theirs.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from our table: {missing:?}; not in ISO 3166-1: {extra:?}"
    );
    println!("iso-codes cross-check: {} ISO 3166-1 codes match", ours.len());
}
