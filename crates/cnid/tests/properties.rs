//! Property tests over generated numbers: valid ones parse, every single
//! substitution and adjacent transposition is rejected, 15→18 upgrades agree,
//! and no input panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Days, NaiveDate};
use openkyc_cnid::{check_character, parse, report, upgrade_legacy15, CnIdErrorCode, CnIdKind, Province, Sex};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn is_permit_prefix(code: &str) -> bool {
    matches!(code, "81" | "82" | "83")
}

/// A date uniformly drawn from `first..=last`.
fn date_between(first: NaiveDate, last: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    let span = u64::try_from((last - first).num_days()).unwrap();
    (0..=span).prop_map(move |offset| first + Days::new(offset))
}

/// A six-digit address code valid for the given prefix (permits use `<prefix>0000`).
fn address_code(prefixes: Vec<String>) -> impl Strategy<Value = String> {
    (prop::sample::select(prefixes), 0..10_000u32).prop_map(|(prefix, county)| {
        if is_permit_prefix(&prefix) {
            format!("{prefix}0000")
        } else {
            format!("{prefix}{county:04}")
        }
    })
}

fn all_prefixes() -> Vec<String> {
    Province::all().map(|province| province.code).collect()
}

fn mainland_prefixes() -> Vec<String> {
    all_prefixes()
        .into_iter()
        .filter(|code| !is_permit_prefix(code))
        .collect()
}

#[derive(Debug, Clone)]
struct Generated {
    region: String,
    birth_date: NaiveDate,
    sequence: u32,
}

impl Generated {
    fn body17(&self) -> String {
        format!(
            "{}{}{:03}",
            self.region,
            self.birth_date.format("%Y%m%d"),
            self.sequence
        )
    }

    fn number18(&self) -> String {
        let body = self.body17();
        let check = check_character(&body).unwrap();
        format!("{body}{check}")
    }

    fn legacy15(&self) -> String {
        format!(
            "{}{}{:03}",
            self.region,
            self.birth_date.format("%y%m%d"),
            self.sequence
        )
    }

    fn sex(&self) -> Sex {
        if self.sequence % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

fn valid_number() -> impl Strategy<Value = Generated> {
    let earliest = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap();
    (
        address_code(all_prefixes()),
        date_between(earliest, today()),
        0..1000u32,
    )
        .prop_map(|(region, birth_date, sequence)| Generated {
            region,
            birth_date,
            sequence,
        })
}

fn legacy_number() -> impl Strategy<Value = Generated> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
    (address_code(mainland_prefixes()), date_between(first, last), 0..1000u32).prop_map(
        |(region, birth_date, sequence)| Generated {
            region,
            birth_date,
            sequence,
        },
    )
}

const ALPHABET: &str = "0123456789X";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_valid_numbers_parse(generated in valid_number()) {
        let input = generated.number18();
        let number = parse(&input, today()).unwrap();
        prop_assert_eq!(&number.normalized, &input);
        prop_assert_eq!(number.birth_date, generated.birth_date);
        prop_assert_eq!(number.sex, generated.sex());
        prop_assert_eq!(&number.region_code, &generated.region);
        prop_assert_eq!(&number.province.code, &generated.region[..2]);
        let expected_kind = match &generated.region[..2] {
            "81" => CnIdKind::ResidencePermitHongKong,
            "82" => CnIdKind::ResidencePermitMacao,
            "83" => CnIdKind::ResidencePermitTaiwan,
            _ => CnIdKind::Resident,
        };
        prop_assert_eq!(number.kind, expected_kind);
    }

    #[test]
    fn every_single_substitution_is_rejected(generated in valid_number()) {
        let original: Vec<char> = generated.number18().chars().collect();
        for position in 0..original.len() {
            for replacement in ALPHABET.chars().filter(|&c| c != original[position]) {
                let mut mutated = original.clone();
                mutated[position] = replacement;
                let mutated: String = mutated.into_iter().collect();
                let outcome = parse(&mutated, today());
                prop_assert!(outcome.is_err(), "{} accepted", mutated);
                // In the sequence code and the check character only the checksum can notice
                // (an X there is a CHARSET error instead).
                if position >= 14 && (replacement != 'X' || position == 17) {
                    prop_assert_eq!(outcome.unwrap_err().code, CnIdErrorCode::Checksum);
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_is_rejected(generated in valid_number()) {
        let original: Vec<char> = generated.number18().chars().collect();
        for position in 0..original.len() - 1 {
            if original[position] == original[position + 1] {
                continue;
            }
            let mut swapped = original.clone();
            swapped.swap(position, position + 1);
            let swapped: String = swapped.into_iter().collect();
            prop_assert!(parse(&swapped, today()).is_err(), "{} accepted", swapped);
        }
    }

    #[test]
    fn birth_dates_outside_1800_to_today_are_rejected(
        region in address_code(all_prefixes()),
        birth_date in prop_oneof![
            date_between(NaiveDate::from_ymd_opt(1, 1, 1).unwrap(), NaiveDate::from_ymd_opt(1799, 12, 31).unwrap()),
            date_between(today() + Days::new(1), NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()),
        ],
        sequence in 0..1000u32,
    ) {
        let input = Generated { region, birth_date, sequence }.number18();
        prop_assert_eq!(parse(&input, today()).unwrap_err().code, CnIdErrorCode::BirthDate);
    }

    #[test]
    fn legacy_upgrade_agrees_with_the_modern_form(generated in legacy_number()) {
        let id15 = generated.legacy15();
        let upgraded = upgrade_legacy15(&id15).unwrap();
        prop_assert_eq!(&upgraded, &generated.number18());

        let legacy = parse(&id15, today()).unwrap();
        let modern = parse(&upgraded, today()).unwrap();
        prop_assert_eq!(legacy.kind, CnIdKind::Legacy15);
        prop_assert_eq!(modern.kind, CnIdKind::Resident);
        prop_assert_eq!(&legacy.normalized, &upgraded);
        prop_assert_eq!(&modern.normalized, &upgraded);
        prop_assert_eq!(legacy.birth_date, generated.birth_date);
        prop_assert_eq!(modern.birth_date, generated.birth_date);
        prop_assert_eq!(legacy.sex, modern.sex);
        prop_assert_eq!(legacy.sex, generated.sex());
        prop_assert_eq!(&legacy.region_code, &modern.region_code);
        prop_assert_eq!(&legacy.province, &modern.province);
    }

    #[test]
    fn whitespace_and_case_of_x_do_not_change_the_result(
        generated in valid_number(),
        before in "[ \t\r\n\u{3000}]{0,3}",
        after in "[ \t\r\n\u{3000}]{0,3}",
    ) {
        let canonical = generated.number18();
        let typed = format!("{before}{}{after}", canonical.to_ascii_lowercase());
        prop_assert_eq!(parse(&typed, today()), parse(&canonical, today()));
    }

    #[test]
    fn a_correct_check_character_never_yields_checksum(body in "[0-9]{17}") {
        let check = check_character(&body).unwrap();
        prop_assert!(ALPHABET.contains(check));
        if let Err(error) = parse(&format!("{body}{check}"), today()) {
            prop_assert_ne!(error.code, CnIdErrorCode::Checksum);
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(input in any::<String>(), days in 0..200_000u64) {
        let reference = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap() + Days::new(days);
        check_any_input(&input, reference)?;
    }

    #[test]
    fn near_miss_strings_never_panic(input in "[0-9Xx \\-\u{3000}１]{0,25}") {
        check_any_input(&input, today())?;
    }
}

/// Whatever the input, every entry point answers, and accepted numbers are self-consistent.
fn check_any_input(input: &str, reference: NaiveDate) -> Result<(), TestCaseError> {
    let _ = check_character(input);
    let _ = upgrade_legacy15(input);
    let outcome = parse(input, reference);
    let json = serde_json::to_value(report(input, reference)).unwrap();
    prop_assert_eq!(json["valid"].as_bool(), Some(outcome.is_ok()));
    if let Ok(number) = outcome {
        prop_assert_eq!(number.normalized.len(), 18);
        let (body, check) = number.normalized.split_at(17);
        prop_assert_eq!(check_character(body).map(String::from), Some(check.to_owned()));
        prop_assert!(number.birth_date <= reference);
    }
    Ok(())
}
