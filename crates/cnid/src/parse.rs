//! The validation pipeline; the order of its steps is part of the contract (see the crate docs).

use chrono::NaiveDate;

use crate::checksum::{ascii_digits, check_character_of, digit_value};
use crate::{CnIdError, CnIdKind, CnIdNumber, Province, Sex};

/// Birth dates before this are rejected as absurd: nobody alive holds such a
/// number, so it can only be a typing or OCR error.
const EARLIEST_BIRTH_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1800, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// Length of a GB 11643-1999 number.
const MODERN_LENGTH: usize = 18;
/// Length of a number issued before GB 11643-1999.
const LEGACY_LENGTH: usize = 15;

/// Validates a Chinese Resident Identity Card number (18 characters), a
/// residence permit for Hong Kong, Macao or Taiwan residents (18 characters),
/// or a pre-1999 15-digit number, against the reference date `today`.
///
/// Checks run in the order documented at the crate root and the first failure
/// is returned. Never panics and does work linear in the input length.
///
/// ```
/// use chrono::NaiveDate;
/// let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
/// let number = openkyc_cnid::parse(" 11010519491231002x ", today).unwrap();
/// assert_eq!(number.normalized, "11010519491231002X");
/// assert_eq!(number.province.name_zh, "北京");
/// ```
pub fn parse(input: &str, today: NaiveDate) -> Result<CnIdNumber, CnIdError> {
    let text = input.trim();
    reject_forbidden_characters(text)?;
    // Every character is ASCII from here on, so byte length equals character count.
    match text.len() {
        MODERN_LENGTH => parse_modern(text, today),
        LEGACY_LENGTH => parse_legacy(text, today),
        other => Err(CnIdError::length(other)),
    }
}

/// The 18-character form of a 15-digit pre-1999 number: `19` is inserted
/// before the two-digit year (such numbers always mean 19xx) and the check
/// character is computed.
///
/// Returns `None` unless `id15` is exactly 15 ASCII digits (no trimming) whose
/// date part is a real calendar date. The address code is not checked here;
/// use [`parse`] for full validation.
///
/// ```
/// assert_eq!(
///     openkyc_cnid::upgrade_legacy15("110105491231002").as_deref(),
///     Some("11010519491231002X")
/// );
/// assert_eq!(openkyc_cnid::upgrade_legacy15("110105491331002"), None);
/// ```
pub fn upgrade_legacy15(id15: &str) -> Option<String> {
    let body = legacy_body17(&ascii_digits::<LEGACY_LENGTH>(id15)?);
    Fields::from_body17(&body).calendar_date()?;
    Some(modern_form(&body, check_character_of(&body)))
}

/// CHARSET: only ASCII digits and `X`/`x` can ever appear.
fn reject_forbidden_characters(text: &str) -> Result<(), CnIdError> {
    match text.chars().enumerate().find(|(_, character)| !is_alphabet(*character)) {
        Some((index, character)) => Err(CnIdError::forbidden_character(character, index + 1)),
        None => Ok(()),
    }
}

fn is_alphabet(character: char) -> bool {
    character.is_ascii_digit() || matches!(character, 'X' | 'x')
}

/// The first 1-based position of an `X`/`x`, for the CHARSET message.
fn first_x_position(text: &str) -> usize {
    text.find(['X', 'x']).map_or(0, |index| index + 1)
}

fn parse_modern(text: &str, today: NaiveDate) -> Result<CnIdNumber, CnIdError> {
    let (body, found_check) = split_modern(text)?;
    let fields = Fields::from_body17(&body);
    let (kind, province) = classify_modern_region(&fields)?;
    let birth_date = validate_birth_date(&fields, today)?;
    let expected_check = check_character_of(&body);
    if found_check != expected_check {
        return Err(CnIdError::checksum(expected_check, found_check));
    }
    Ok(fields.into_number(modern_form(&body, expected_check), kind, birth_date, province))
}

fn parse_legacy(text: &str, today: NaiveDate) -> Result<CnIdNumber, CnIdError> {
    let id15 = ascii_digits::<LEGACY_LENGTH>(text)
        .ok_or_else(|| CnIdError::misplaced_x(first_x_position(text), LEGACY_LENGTH))?;
    let body = legacy_body17(&id15);
    let fields = Fields::from_body17(&body);
    let province = classify_legacy_region(&fields)?;
    let birth_date = validate_birth_date(&fields, today)?;
    let normalized = modern_form(&body, check_character_of(&body));
    Ok(fields.into_number(normalized, CnIdKind::Legacy15, birth_date, province))
}

/// Splits 18 alphabet characters into 17 body digits and the upper-cased check character.
fn split_modern(text: &str) -> Result<([u8; 17], char), CnIdError> {
    let misplaced = || CnIdError::misplaced_x(first_x_position(text), MODERN_LENGTH);
    let (body_text, check_text) = text
        .split_at_checked(MODERN_LENGTH - 1)
        .ok_or_else(|| CnIdError::length(text.len()))?;
    let body = ascii_digits::<17>(body_text).ok_or_else(misplaced)?;
    match check_text.as_bytes() {
        [check] => Ok((body, char::from(*check).to_ascii_uppercase())),
        _ => Err(CnIdError::length(text.len())),
    }
}

/// The 17-digit body of a 15-digit number: `19` goes before the year.
fn legacy_body17(id15: &[u8; 15]) -> [u8; 17] {
    let [r0, r1, r2, r3, r4, r5, y2, y3, m0, m1, d0, d1, s0, s1, s2] = *id15;
    [r0, r1, r2, r3, r4, r5, b'1', b'9', y2, y3, m0, m1, d0, d1, s0, s1, s2]
}

fn modern_form(body: &[u8; 17], check: char) -> String {
    body.iter().map(|&digit| char::from(digit)).chain([check]).collect()
}

/// The fields of a 17-digit body, as ASCII-digit bytes and decoded numbers.
struct Fields {
    region: [u8; 6],
    year: u32,
    month: u32,
    day: u32,
    sequence_last_digit: u32,
}

impl Fields {
    fn from_body17(body: &[u8; 17]) -> Self {
        let [r0, r1, r2, r3, r4, r5, y0, y1, y2, y3, m0, m1, d0, d1, _, _, s2] = *body;
        Self {
            region: [r0, r1, r2, r3, r4, r5],
            year: decimal(&[y0, y1, y2, y3]),
            month: decimal(&[m0, m1]),
            day: decimal(&[d0, d1]),
            sequence_last_digit: digit_value(s2),
        }
    }

    fn region_code(&self) -> String {
        self.region.iter().map(|&digit| char::from(digit)).collect()
    }

    fn province_code(&self) -> String {
        let [p0, p1, ..] = self.region;
        [char::from(p0), char::from(p1)].into_iter().collect()
    }

    fn calendar_date(&self) -> Option<NaiveDate> {
        let year = i32::try_from(self.year).ok()?;
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }

    fn into_number(self, normalized: String, kind: CnIdKind, birth_date: NaiveDate, province: Province) -> CnIdNumber {
        CnIdNumber {
            normalized,
            kind,
            birth_date,
            sex: Sex::from_sequence_digit(self.sequence_last_digit),
            region_code: self.region_code(),
            province,
        }
    }
}

fn decimal(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |value, &digit| value * 10 + digit_value(digit))
}

/// REGION for 18-character numbers: a known prefix, and the exact address code for permits.
fn classify_modern_region(fields: &Fields) -> Result<(CnIdKind, Province), CnIdError> {
    let province = known_province(fields)?;
    let Some(permit) = ResidencePermit::for_prefix(&province.code) else {
        return Ok((CnIdKind::Resident, province));
    };
    let expected = format!("{}0000", province.code);
    let region_code = fields.region_code();
    if region_code != expected {
        return Err(CnIdError::wrong_permit_address(&region_code, &expected, permit.holders));
    }
    Ok((permit.kind, province))
}

/// REGION for 15-digit numbers: a known prefix, and never a permit prefix.
fn classify_legacy_region(fields: &Fields) -> Result<Province, CnIdError> {
    let province = known_province(fields)?;
    if ResidencePermit::for_prefix(&province.code).is_some() {
        return Err(CnIdError::permit_prefix_in_legacy(&province.code));
    }
    Ok(province)
}

fn known_province(fields: &Fields) -> Result<Province, CnIdError> {
    let province_code = fields.province_code();
    Province::from_code(&province_code)
        .ok_or_else(|| CnIdError::unknown_province(&province_code, &fields.region_code()))
}

/// The residence-permit scheme of 2018 (港澳台居民居住证): address code `<prefix>0000`.
struct ResidencePermit {
    kind: CnIdKind,
    holders: &'static str,
}

impl ResidencePermit {
    fn for_prefix(province_code: &str) -> Option<Self> {
        let (kind, holders) = match province_code {
            "81" => (CnIdKind::ResidencePermitHongKong, "Hong Kong"),
            "82" => (CnIdKind::ResidencePermitMacao, "Macao"),
            "83" => (CnIdKind::ResidencePermitTaiwan, "Taiwan"),
            _ => return None,
        };
        Some(Self { kind, holders })
    }
}

/// BIRTH_DATE: a real date, not after `today`, not before 1800-01-01.
fn validate_birth_date(fields: &Fields, today: NaiveDate) -> Result<NaiveDate, CnIdError> {
    let birth_date = fields
        .calendar_date()
        .ok_or_else(|| CnIdError::not_a_calendar_date(fields.year, fields.month, fields.day))?;
    if birth_date > today {
        return Err(CnIdError::born_after_reference(birth_date, today));
    }
    if birth_date < EARLIEST_BIRTH_DATE {
        return Err(CnIdError::born_too_early(birth_date, EARLIEST_BIRTH_DATE));
    }
    Ok(birth_date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CnIdErrorCode;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    /// 17 digits plus the correct check character.
    fn with_check(body17: &str) -> String {
        format!("{body17}{}", crate::check_character(body17).unwrap())
    }

    fn error_code(input: &str) -> CnIdErrorCode {
        parse(input, today()).unwrap_err().code
    }

    #[test]
    fn parses_the_standard_example() {
        let number = parse("11010519491231002X", today()).unwrap();
        assert_eq!(number.normalized, "11010519491231002X");
        assert_eq!(number.kind, CnIdKind::Resident);
        assert_eq!(number.birth_date, date(1949, 12, 31));
        assert_eq!(number.sex, Sex::Female);
        assert_eq!(number.region_code, "110105");
        assert_eq!(number.province.code, "11");
        assert_eq!(number.province.name_zh, "北京");
        assert_eq!(number.province.name_en, "Beijing");
    }

    #[test]
    fn odd_sequence_digit_is_male() {
        let number = parse(&with_check("32010219800101001"), today()).unwrap();
        assert_eq!(number.sex, Sex::Male);
        assert_eq!(number.province.name_zh, "江苏");
    }

    #[test]
    fn lower_case_x_and_surrounding_whitespace_are_normalised() {
        for input in [
            "11010519491231002x",
            " \t11010519491231002X\n",
            "\u{3000}11010519491231002x\u{a0}",
        ] {
            assert_eq!(parse(input, today()).unwrap().normalized, "11010519491231002X");
        }
    }

    #[test]
    fn taiwan_prefix_71_is_a_resident_number() {
        let number = parse(&with_check("71000019800101002"), today()).unwrap();
        assert_eq!(number.kind, CnIdKind::Resident);
        assert_eq!(number.province.name_zh, "台湾");
    }

    #[test]
    fn residence_permits_have_their_own_kinds() {
        for (body, kind, name_zh, name_en) in [
            (
                "81000019900101001",
                CnIdKind::ResidencePermitHongKong,
                "香港",
                "Hong Kong",
            ),
            ("82000019900101002", CnIdKind::ResidencePermitMacao, "澳门", "Macao"),
            ("83000019900101003", CnIdKind::ResidencePermitTaiwan, "台湾", "Taiwan"),
        ] {
            let number = parse(&with_check(body), today()).unwrap();
            assert_eq!(number.kind, kind);
            assert_eq!(number.province.name_zh, name_zh);
            assert_eq!(number.province.name_en, name_en);
        }
    }

    #[test]
    fn residence_permit_with_another_address_code_is_a_region_error() {
        let error = parse(&with_check("81010119900101001"), today()).unwrap_err();
        assert_eq!(error.code, CnIdErrorCode::Region);
        assert!(error.message.contains("810000"), "{}", error.message);
    }

    #[test]
    fn legacy_number_is_upgraded_with_century_19() {
        let number = parse("110105491231002", today()).unwrap();
        assert_eq!(number.kind, CnIdKind::Legacy15);
        assert_eq!(number.normalized, "11010519491231002X");
        assert_eq!(number.birth_date, date(1949, 12, 31));
        assert_eq!(number.sex, Sex::Female);
        assert_eq!(number.region_code, "110105");
        // A 15-digit number whose year digits read 20 is 1920, never 2020.
        assert_eq!(parse("110105200101001", today()).unwrap().birth_date, date(1920, 1, 1));
    }

    #[test]
    fn legacy_and_modern_forms_share_the_normalized_key() {
        let legacy = parse("110105491231002", today()).unwrap();
        let modern = parse("11010519491231002x", today()).unwrap();
        assert_eq!(legacy.normalized, modern.normalized);
        assert_eq!((legacy.birth_date, legacy.sex), (modern.birth_date, modern.sex));
    }

    #[test]
    fn upgrade_legacy15_inserts_19_and_computes_the_check_character() {
        assert_eq!(
            upgrade_legacy15("110105491231002").as_deref(),
            Some("11010519491231002X")
        );
        let upgraded = upgrade_legacy15("320102800101001").unwrap();
        assert_eq!(upgraded, with_check("32010219800101001"));
    }

    #[test]
    fn upgrade_legacy15_rejects_malformed_input() {
        for input in [
            "",
            "11010549123100",
            "1101054912310021",
            "11010549123100X",
            " 110105491231002",
            "110105491331002", // month 13
            "110105490229002", // 1949 is not a leap year
        ] {
            assert_eq!(upgrade_legacy15(input), None, "{input:?}");
        }
        // Only digits and the date are checked; the address code is parse's job.
        assert!(upgrade_legacy15("990105491231002").is_some());
    }

    #[test]
    fn length_errors() {
        for input in [
            "",
            "   ",
            "1101051949123100",
            "110105194912310021X",
            "1101054912310",
            "11010519491231002X0",
        ] {
            assert_eq!(error_code(input), CnIdErrorCode::Length, "{input:?}");
        }
        assert_eq!(
            parse("12345", today()).unwrap_err().message,
            "expected 18 characters (or 15 digits for a pre-1999 number), found 5"
        );
    }

    #[test]
    fn charset_errors() {
        for input in [
            "T1010519491231002X",
            "110105 19491231002X",
            "110105-19491231002X",
            "1101051949１231002X", // full-width digit one
            "X1010519491231002X",
            "1101051949123100X2",
            "11010549123100X",
            "\u{0}",
        ] {
            assert_eq!(error_code(input), CnIdErrorCode::Charset, "{input:?}");
        }
        let message = parse("110105-19491231002X", today()).unwrap_err().message;
        assert!(message.contains("'-' at position 7"), "{message}");
        let message = parse("11010549123100X", today()).unwrap_err().message;
        assert!(message.contains("position 15"), "{message}");
    }

    #[test]
    fn region_errors() {
        assert_eq!(error_code(&with_check("99010519491231002")), CnIdErrorCode::Region);
        assert_eq!(error_code(&with_check("00010519491231002")), CnIdErrorCode::Region);
        assert_eq!(error_code("160105491231002"), CnIdErrorCode::Region);
        // Residence permits were introduced in 2018 and never had 15 digits.
        assert_eq!(error_code("810000491231002"), CnIdErrorCode::Region);
    }

    #[test]
    fn birth_date_errors() {
        for body in [
            "11010519491331002", // month 13
            "11010519490229002", // not a leap year
            "11010519491200002", // day 0
            "11010520261129002", // the day after the reference date
            "11010517991231002", // before 1800-01-01
            "11010500000101002", // year 0
        ] {
            assert_eq!(error_code(&with_check(body)), CnIdErrorCode::BirthDate, "{body}");
        }
        assert_eq!(error_code("110105490229002"), CnIdErrorCode::BirthDate);
        let ok = parse(&with_check("11010520261128002"), today()).unwrap();
        assert_eq!(ok.birth_date, today());
        let ok = parse(&with_check("11010518000101002"), today()).unwrap();
        assert_eq!(ok.birth_date, date(1800, 1, 1));
    }

    #[test]
    fn checksum_error_names_expected_and_found_characters() {
        let error = parse("110105194912310021", today()).unwrap_err();
        assert_eq!(error.code, CnIdErrorCode::Checksum);
        assert_eq!(error.message, "expected check character X, found 1");
        let error = parse("11010519491231003x", today()).unwrap_err();
        assert_eq!(error.code, CnIdErrorCode::Checksum);
        assert!(error.message.ends_with("found X"), "{}", error.message);
    }

    #[test]
    fn checks_run_in_the_documented_order() {
        // CHARSET before LENGTH: a pasted separator is named even though the length is also off.
        assert_eq!(error_code("110105-1949"), CnIdErrorCode::Charset);
        // LENGTH before the misplaced-X rule.
        assert_eq!(error_code("X23107192"), CnIdErrorCode::Length);
        // REGION before BIRTH_DATE before CHECKSUM: all three wrong.
        assert_eq!(error_code("990105194913310021"), CnIdErrorCode::Region);
        // BIRTH_DATE before CHECKSUM.
        assert_eq!(error_code("110105194913310021"), CnIdErrorCode::BirthDate);
    }

    #[test]
    fn huge_input_is_rejected_without_panicking() {
        let digits = "1".repeat(1_000_000);
        assert_eq!(error_code(&digits), CnIdErrorCode::Length);
        let letters = "中".repeat(1_000_000);
        assert_eq!(error_code(&letters), CnIdErrorCode::Charset);
    }
}
