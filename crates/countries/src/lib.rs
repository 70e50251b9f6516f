//! # openkyc-countries
//!
//! The codes allowed in the *issuing state or organisation* and
//! *nationality* fields of machine-readable travel documents (passports,
//! identity cards, visas), as set out in ICAO Doc 9303 Part 3, section 5.
//! Pure data: no I/O, no clock, no global mutable state.
//!
//! ## What the table holds
//!
//! Every entry has a code, an English name, a [`CountryKind`] and, where a
//! reader should be warned about something, a note.
//!
//! | kind | codes | known? |
//! |---|---|---|
//! | `iso3166` | the 249 ISO 3166-1 alpha-3 codes (`CHE`, `CHN`, `GBR`, `USA`, ...) | yes |
//! | `icao_special` | codes ICAO Doc 9303 Part 3 adds: `D` (Germany), `GBD`, `GBN`, `GBO`, `GBP`, `GBS` (British nationality classes), `UNO`, `UNA`, `UNK` (United Nations), `EUE`, `XBA`, `XIM`, `XCC`, `XCE`, `XCO`, `XEC`, `XPO`, `XES`, `XMP`, `XOM`, `XDC` (issuing organisations), `XXA`, `XXB`, `XXC`, `XXX` (stateless, refugee, unspecified); and `RKS` (Kosovo) | yes |
//! | `historic` | `ANT` (Netherlands Antilles), `NTZ` (Neutral Zone): withdrawn from ISO 3166-1 | yes |
//! | `specimen` | `UTO` (Utopia), the fictional state of ICAO's specimen documents | **no** |
//!
//! Any other string is unknown.
//!
//! ## Rules
//!
//! 1. **Exact match.** [`lookup`] takes the field as read from the MRZ with
//!    the `<` fillers removed (`"D"`, not `"D<<"`; [`lookup_field`] removes
//!    trailing fillers itself). Matching is case-sensitive: MRZ characters
//!    are upper-case, so `"che"` is unknown. Nothing is trimmed, corrected
//!    or guessed: `" CHE"`, `"CH"` and `"CHEE"` are unknown.
//! 2. **Known means usable.** [`is_known`] is true for `iso3166`,
//!    `icao_special` and `historic` codes, and false for `specimen` codes and
//!    for anything not in the table.
//! 3. **Germany.** ICAO writes Germany as `D` (followed by two fillers,
//!    `D<<`) instead of ISO's `DEU`. Both are known: `D` is the code a
//!    conforming German document carries. `DEU` is accepted as known
//!    because it names Germany without ambiguity (it is the ISO 3166-1
//!    code), but a conforming document never carries it, so its entry
//!    carries a note starting "ICAO uses D" for callers to raise as a
//!    warning.
//! 4. **Kosovo.** `RKS` is on passports of the Republic of Kosovo and is
//!    known, with a note; `UNK` is the ICAO code for travel documents that
//!    UNMIK issued to residents of Kosovo.
//! 5. **Specimens.** `UTO` is returned by [`lookup`] (so that a specimen
//!    document can be recognised and reported as such) but is never known.
//! 6. **No unconfirmed codes.** Codes seen in the wild but not confirmed by
//!    ICAO Doc 9303 Part 3 or ISO 3166-1 (for example `XXK`, `ZIM`, `WSA`)
//!    are unknown.
//!
//! [`CountryKind`] tells who defines a code, not whether it names a state:
//! Germany's `D` and the British nationality classes are `icao_special`.
//!
//! ## Example
//!
//! ```
//! use openkyc_countries::{is_known, lookup, CountryKind};
//!
//! let germany = lookup("D").map(|country| country.name);
//! assert_eq!(germany, Some("Germany"));
//! assert!(is_known("XXA"));
//! assert_eq!(lookup("UTO").map(|c| c.kind), Some(CountryKind::Specimen));
//! assert!(!is_known("UTO"));
//! assert!(lookup("che").is_none());
//! ```

mod table;

use serde::Serialize;

/// Who defines a code, and so how far it can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountryKind {
    /// An ISO 3166-1 alpha-3 code (`"iso3166"` in JSON).
    Iso3166,
    /// A code used on machine-readable documents that is not in ISO
    /// 3166-1: ICAO Doc 9303 Part 3's own codes (`D`, `GB?`, `UN?`, `X??`,
    /// `EUE`) and Kosovo's `RKS` (`"icao_special"` in JSON).
    IcaoSpecial,
    /// A code withdrawn from ISO 3166-1 that older documents may still
    /// carry (`"historic"` in JSON).
    Historic,
    /// A fictional code used only on specimen documents (`"specimen"` in
    /// JSON). Never a known code.
    Specimen,
}

impl CountryKind {
    /// Whether codes of this kind are accepted as known: every kind except
    /// [`CountryKind::Specimen`].
    #[must_use]
    pub const fn is_known(self) -> bool {
        !matches!(self, Self::Specimen)
    }
}

/// One code of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Country {
    /// The code as written in the MRZ without fillers: three upper-case
    /// letters, or `D` for Germany.
    pub code: &'static str,
    /// English name: the ISO 3166-1 short name, or the ICAO Doc 9303
    /// Part 3 description for ICAO's own codes.
    pub name: &'static str,
    /// Who defines the code.
    pub kind: CountryKind,
    /// Something a reader of a document carrying this code should know
    /// (for `DEU`: "ICAO uses D: ..."); `None` for most codes.
    pub note: Option<&'static str>,
}

/// Looks up an MRZ code.
///
/// `code` is the field as read, fillers stripped (`"D"`, `"GBR"`); the
/// match is exact and case-sensitive (MRZ characters are upper-case).
/// Returns `None` for anything not in the table. Specimen codes (`UTO`)
/// are returned with [`CountryKind::Specimen`]; use [`is_known`] to decide
/// whether a code is acceptable.
#[must_use]
pub fn lookup(code: &str) -> Option<&'static Country> {
    // Every code has 1 or 3 bytes; rejecting other lengths first keeps the
    // work constant however long the input is.
    if !matches!(code.len(), 1 | 3) {
        return None;
    }
    let table = table::COUNTRIES;
    table
        .binary_search_by(|country| country.code.cmp(code))
        .ok()
        .and_then(|index| table.get(index))
}

/// Looks up an MRZ field that may still carry its trailing `<` fillers
/// (`"D<<"`, `"GBR"`, `"UTO"`).
///
/// Only trailing fillers are removed: a field that starts with `<` or has
/// a filler inside is not a valid code and returns `None`.
#[must_use]
pub fn lookup_field(field: &str) -> Option<&'static Country> {
    lookup(field.trim_end_matches('<'))
}

/// Whether `code` (fillers stripped, upper-case) is a code that a genuine
/// document may carry: true for ISO 3166-1, ICAO-special and historic
/// codes; false for specimen codes (`UTO`) and unknown strings.
#[must_use]
pub fn is_known(code: &str) -> bool {
    lookup(code).is_some_and(|country| country.kind.is_known())
}

/// Every entry of the table, sorted by code in byte order (`D` sorts just
/// before `DEU`).
#[must_use]
pub fn all() -> &'static [Country] {
    table::COUNTRIES
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn kind_of(code: &str) -> Option<CountryKind> {
        lookup(code).map(|country| country.kind)
    }

    fn codes_of_kind(kind: CountryKind) -> BTreeSet<&'static str> {
        all()
            .iter()
            .filter(|country| country.kind == kind)
            .map(|country| country.code)
            .collect()
    }

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in all().windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "table out of order or duplicated: {:?} then {:?}",
                pair[0].code,
                pair[1].code
            );
        }
    }

    #[test]
    fn every_code_is_one_or_three_upper_case_letters() {
        for country in all() {
            let code = country.code;
            assert!(matches!(code.len(), 1 | 3), "{code:?} is neither 1 nor 3 letters");
            assert!(
                code.bytes().all(|byte| byte.is_ascii_uppercase()),
                "{code:?} has a character other than A-Z"
            );
        }
    }

    #[test]
    fn the_only_one_letter_code_is_germany() {
        let short: Vec<_> = all()
            .iter()
            .filter(|country| country.code.len() == 1)
            .map(|country| country.code)
            .collect();
        assert_eq!(short, ["D"]);
    }

    #[test]
    fn every_entry_has_a_name_without_surrounding_spaces() {
        for country in all() {
            assert!(!country.name.is_empty(), "{} has no name", country.code);
            assert_eq!(country.name.trim(), country.name, "{}", country.code);
        }
    }

    #[test]
    fn every_entry_is_found_by_its_own_code() {
        for country in all() {
            assert_eq!(lookup(country.code), Some(country));
        }
    }

    #[test]
    fn there_are_249_iso_3166_entries() {
        assert_eq!(codes_of_kind(CountryKind::Iso3166).len(), 249);
    }

    #[test]
    fn icao_special_codes_are_exactly_the_documented_set() {
        let expected: BTreeSet<&str> = [
            "D", "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "UNA", "UNK", "UNO", "XBA", "XCC", "XCE", "XCO",
            "XDC", "XEC", "XES", "XIM", "XMP", "XOM", "XPO", "XXA", "XXB", "XXC", "XXX",
        ]
        .into_iter()
        .collect();
        assert_eq!(codes_of_kind(CountryKind::IcaoSpecial), expected);
    }

    #[test]
    fn historic_and_specimen_codes_are_exactly_the_documented_sets() {
        let historic: BTreeSet<&str> = ["ANT", "NTZ"].into_iter().collect();
        let specimen: BTreeSet<&str> = ["UTO"].into_iter().collect();
        assert_eq!(codes_of_kind(CountryKind::Historic), historic);
        assert_eq!(codes_of_kind(CountryKind::Specimen), specimen);
        assert_eq!(all().len(), 249 + 26 + 2 + 1);
    }

    #[test]
    fn spot_checks_of_iso_codes() {
        let cases = [
            ("CHE", "Switzerland"),
            ("CHN", "China"),
            ("HKG", "Hong Kong"),
            ("MAC", "Macao"),
            ("TWN", "Taiwan, Province of China"),
            ("GBR", "United Kingdom"),
            ("USA", "United States"),
            ("UKR", "Ukraine"),
            ("SRB", "Serbia"),
            ("LVA", "Latvia"),
        ];
        for (code, name) in cases {
            let country = lookup(code);
            assert_eq!(country.map(|c| c.name), Some(name), "{code}");
            assert_eq!(country.map(|c| c.kind), Some(CountryKind::Iso3166));
            assert!(is_known(code), "{code}");
        }
    }

    #[test]
    fn spot_checks_of_icao_codes() {
        assert_eq!(lookup("D").map(|c| c.name), Some("Germany"));
        assert_eq!(kind_of("D"), Some(CountryKind::IcaoSpecial));
        assert_eq!(kind_of("XXA"), Some(CountryKind::IcaoSpecial));
        assert_eq!(kind_of("UNK"), Some(CountryKind::IcaoSpecial));
        assert_eq!(kind_of("EUE"), Some(CountryKind::IcaoSpecial));
        assert_eq!(kind_of("GBN"), Some(CountryKind::IcaoSpecial));
        for code in ["D", "XXA", "XXB", "XXC", "XXX", "UNK", "UNO", "UNA", "EUE", "RKS"] {
            assert!(is_known(code), "{code}");
        }
        assert!(lookup("XXA").is_some_and(|c| c.name.starts_with("Stateless")));
    }

    #[test]
    fn historic_codes_are_known_and_flagged() {
        for code in ["ANT", "NTZ"] {
            assert_eq!(kind_of(code), Some(CountryKind::Historic), "{code}");
            assert!(is_known(code), "{code}");
            assert!(lookup(code).is_some_and(|c| c.note.is_some()), "{code}");
        }
    }

    #[test]
    fn utopia_is_a_specimen_never_known() {
        let utopia = lookup("UTO");
        assert_eq!(utopia.map(|c| c.name), Some("Utopia"));
        assert_eq!(utopia.map(|c| c.kind), Some(CountryKind::Specimen));
        assert!(!is_known("UTO"));
    }

    #[test]
    fn deu_is_known_but_flagged_because_icao_uses_d() {
        let deu = lookup("DEU");
        assert_eq!(deu.map(|c| c.kind), Some(CountryKind::Iso3166));
        assert_eq!(deu.map(|c| c.name), Some("Germany"));
        assert!(is_known("DEU"));
        assert!(deu
            .and_then(|c| c.note)
            .is_some_and(|note| note.starts_with("ICAO uses D")));
        assert!(lookup("D").is_some_and(|c| c.note.is_some_and(|n| n.contains("DEU"))));
    }

    #[test]
    fn only_flagged_codes_carry_notes() {
        let flagged: BTreeSet<&str> = all()
            .iter()
            .filter(|country| country.note.is_some())
            .map(|country| country.code)
            .collect();
        let expected: BTreeSet<&str> = ["ANT", "D", "DEU", "NTZ", "RKS", "UTO"].into_iter().collect();
        assert_eq!(flagged, expected);
    }

    #[test]
    fn unknown_and_malformed_codes_are_rejected() {
        for code in [
            "ZZZ", "che", "Che", "", "DE", "D<<", "<", " CHE", "CHE ", "CHEE", "XXK", "ZIM", "WSA", "ÄÖÜ", "D\u{0}",
            "\u{7f}", "Ｄ",
        ] {
            assert_eq!(lookup(code), None, "{code:?}");
            assert!(!is_known(code), "{code:?}");
        }
    }

    #[test]
    fn lookup_field_strips_trailing_fillers_only() {
        assert_eq!(lookup_field("D<<").map(|c| c.code), Some("D"));
        assert_eq!(lookup_field("GBR").map(|c| c.code), Some("GBR"));
        assert_eq!(lookup_field("UTO").map(|c| c.kind), Some(CountryKind::Specimen));
        assert_eq!(lookup_field("<<D"), None);
        assert_eq!(lookup_field("<<<"), None);
        assert_eq!(lookup_field("D<E"), None);
        assert_eq!(lookup_field(""), None);
    }

    #[test]
    fn serialises_with_snake_case_fields_and_kinds() {
        let json = serde_json::to_value(lookup("DEU")).ok();
        let expected = serde_json::json!({
            "code": "DEU",
            "name": "Germany",
            "kind": "iso3166",
            "note": table::NOTE_DEU,
        });
        assert_eq!(json, Some(expected));
        let kinds: Vec<_> = [
            CountryKind::Iso3166,
            CountryKind::IcaoSpecial,
            CountryKind::Historic,
            CountryKind::Specimen,
        ]
        .into_iter()
        .map(|kind| serde_json::to_value(kind).ok())
        .collect();
        assert_eq!(
            kinds,
            ["iso3166", "icao_special", "historic", "specimen"].map(|name| Some(serde_json::Value::from(name)))
        );
    }

    #[test]
    fn a_huge_input_is_rejected() {
        let huge = "A".repeat(1 << 20);
        assert_eq!(lookup(&huge), None);
        assert_eq!(lookup_field(&format!("{huge}<<<")), None);
    }

    proptest! {
        #[test]
        fn lookup_returns_only_the_exact_code(input in any::<String>()) {
            if let Some(country) = lookup(&input) {
                prop_assert_eq!(country.code, input.as_str());
            }
        }

        #[test]
        fn is_known_agrees_with_lookup(input in any::<String>()) {
            let expected = lookup(&input).is_some_and(|c| c.kind != CountryKind::Specimen);
            prop_assert_eq!(is_known(&input), expected);
        }

        #[test]
        fn three_letter_strings_match_the_table(input in "[A-Z]{3}") {
            let in_table = all().iter().any(|country| country.code == input);
            prop_assert_eq!(lookup(&input).is_some(), in_table);
        }

        #[test]
        fn lower_case_never_matches(input in "[a-z]{1,3}") {
            prop_assert_eq!(lookup(&input), None);
        }

        #[test]
        fn trailing_fillers_do_not_change_lookup_field(
            index in 0..278usize,
            fillers in 0..40usize,
        ) {
            let country = &all()[index % all().len()];
            let field = format!("{}{}", country.code, "<".repeat(fillers));
            prop_assert_eq!(lookup_field(&field), Some(country));
        }
    }
}
