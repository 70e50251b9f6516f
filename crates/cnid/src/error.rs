//! Why a number was rejected: one stable code per failed rule, plus a sentence for people.

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

/// The rule a rejected number broke. Serialised as the stable upper-case code
/// (`"LENGTH"`, `"CHARSET"`, `"REGION"`, `"BIRTH_DATE"`, `"CHECKSUM"`) that
/// callers may match on; the codes never change meaning between releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CnIdErrorCode {
    /// After trimming surrounding whitespace the number has neither 18 nor 15 characters.
    Length,
    /// A character other than a digit, or an `X` anywhere but the 18th position.
    Charset,
    /// The ISO 7064 MOD 11-2 check character does not match the first 17 digits.
    Checksum,
    /// The birth date is not a real calendar date, is after the reference date, or is before 1800-01-01.
    BirthDate,
    /// The address code does not start with a known province-level code, or a
    /// residence-permit address code is not the one the permit scheme uses.
    Region,
}

impl CnIdErrorCode {
    /// The stable code exactly as it is serialised, e.g. `"BIRTH_DATE"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Length => "LENGTH",
            Self::Charset => "CHARSET",
            Self::Checksum => "CHECKSUM",
            Self::BirthDate => "BIRTH_DATE",
            Self::Region => "REGION",
        }
    }
}

/// A rejected number: the stable [`CnIdErrorCode`] and a human sentence naming
/// what is wrong (e.g. `expected check character 7, found 9`).
///
/// Serialised as `{"code": "CHECKSUM", "message": "..."}`; `Display` prints the message.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{message}")]
pub struct CnIdError {
    /// The rule that was broken.
    pub code: CnIdErrorCode,
    /// A sentence for people; its wording may improve between releases, so match on `code`.
    pub message: String,
}

impl CnIdError {
    fn new(code: CnIdErrorCode, message: String) -> Self {
        Self { code, message }
    }

    pub(crate) fn length(found: usize) -> Self {
        Self::new(
            CnIdErrorCode::Length,
            format!("expected 18 characters (or 15 digits for a pre-1999 number), found {found}"),
        )
    }

    pub(crate) fn forbidden_character(character: char, position: usize) -> Self {
        Self::new(
            CnIdErrorCode::Charset,
            format!(
                "character {character:?} at position {position} is not allowed: \
                 an identity number holds only the digits 0-9 and, as its 18th character, X"
            ),
        )
    }

    pub(crate) fn misplaced_x(position: usize, length: usize) -> Self {
        let rule = if length == 15 {
            "a 15-digit pre-1999 number holds digits only"
        } else {
            "X may only be the 18th (check) character"
        };
        Self::new(
            CnIdErrorCode::Charset,
            format!("X at position {position} is not allowed: {rule}"),
        )
    }

    pub(crate) fn unknown_province(province_code: &str, region_code: &str) -> Self {
        Self::new(
            CnIdErrorCode::Region,
            format!(
                "address code {region_code} starts with {province_code}, \
                 which is not a province-level code"
            ),
        )
    }

    pub(crate) fn wrong_permit_address(region_code: &str, expected: &str, holder: &str) -> Self {
        Self::new(
            CnIdErrorCode::Region,
            format!(
                "address code {region_code} is not valid for a residence permit of {holder} \
                 residents, which always use {expected}"
            ),
        )
    }

    pub(crate) fn permit_prefix_in_legacy(province_code: &str) -> Self {
        Self::new(
            CnIdErrorCode::Region,
            format!(
                "prefix {province_code} is only used by residence permits (18 characters, \
                 issued since 2018), never by a 15-digit pre-1999 number"
            ),
        )
    }

    pub(crate) fn not_a_calendar_date(year: u32, month: u32, day: u32) -> Self {
        Self::new(
            CnIdErrorCode::BirthDate,
            format!("birth date {year:04}-{month:02}-{day:02} is not a real calendar date"),
        )
    }

    pub(crate) fn born_after_reference(birth_date: NaiveDate, today: NaiveDate) -> Self {
        Self::new(
            CnIdErrorCode::BirthDate,
            format!("birth date {birth_date} is after the reference date {today}"),
        )
    }

    pub(crate) fn born_too_early(birth_date: NaiveDate, earliest: NaiveDate) -> Self {
        Self::new(
            CnIdErrorCode::BirthDate,
            format!("birth date {birth_date} is before {earliest}, which is not plausible"),
        )
    }

    pub(crate) fn checksum(expected: char, found: char) -> Self {
        Self::new(
            CnIdErrorCode::Checksum,
            format!("expected check character {expected}, found {found}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_stable_strings() {
        for code in [
            CnIdErrorCode::Length,
            CnIdErrorCode::Charset,
            CnIdErrorCode::Checksum,
            CnIdErrorCode::BirthDate,
            CnIdErrorCode::Region,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(CnIdErrorCode::BirthDate.as_str(), "BIRTH_DATE");
    }

    #[test]
    fn error_serialises_as_code_and_message_and_displays_the_message() {
        let error = CnIdError::checksum('7', '9');
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({"code": "CHECKSUM", "message": "expected check character 7, found 9"})
        );
        assert_eq!(error.to_string(), "expected check character 7, found 9");
    }

    #[test]
    fn control_characters_are_escaped_in_messages() {
        let error = CnIdError::forbidden_character('\u{7}', 3);
        assert!(error.message.contains("'\\u{7}'"), "{}", error.message);
    }
}
