//! The applicant's typed basic information on its own: required fields
//! present, dates that exist, known countries, numbers of the right form.
//! Nothing here looks at the document (that is `stages::data_match`).

use crate::{ApplicantData, DocumentType};
use chrono::{Datelike, NaiveDate};
use openkyc_reasons::{Code, Reason};

/// Longest document number accepted as typed (ICAO 9303 TD1 numbers with
/// their overflow reach 22 characters).
const MAX_DOCUMENT_NUMBER: usize = 30;
/// Oldest age accepted: a birth date further back is a typing error.
const MAX_AGE_YEARS: u32 = 130;

/// What the typed data gave, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Checked {
    /// The birth date, when it is a real date in the past.
    pub birth_date: Option<NaiveDate>,
    /// The nationality, upper case, when known.
    pub nationality: Option<String>,
}

/// The reasons the typed data gives on its own, and what was usable.
pub(crate) fn validate(data: &ApplicantData, today: NaiveDate) -> (Vec<Reason>, Checked) {
    let mut reasons = Vec::new();
    let mut checked = Checked::default();
    let missing = |field: &str| Reason::new(Code::FieldMissing).field(field);
    let invalid = |field: &str, why: &str| Reason::new(Code::FieldInvalid).field(field).detail(why);
    // Given names may be empty: ICAO 9303 documents of people with one
    // name carry it as the surname alone.
    if data.last_name.trim().is_empty() {
        reasons.push(missing("last_name"));
    }
    match data.birth_date.trim() {
        "" => reasons.push(missing("birth_date")),
        text => match parse_date(text) {
            None => reasons.push(invalid("birth_date", "not a calendar date in the form YYYY-MM-DD")),
            Some(date) if date > today => reasons.push(invalid("birth_date", "in the future")),
            Some(date) if age_on(date, today) > MAX_AGE_YEARS => {
                reasons.push(invalid("birth_date", "more than 130 years ago"));
            }
            Some(date) => checked.birth_date = Some(date),
        },
    }
    match data.nationality.trim() {
        "" => reasons.push(missing("nationality")),
        code => match country(code) {
            Some(code) => checked.nationality = Some(code),
            None => reasons.push(invalid(
                "nationality",
                "not an ICAO 9303 / ISO 3166-1 alpha-3 country code",
            )),
        },
    }
    if let Some(code) = data.issuing_country.as_deref().filter(|c| !c.trim().is_empty()) {
        if country(code).is_none() {
            reasons.push(invalid(
                "issuing_country",
                "not an ICAO 9303 / ISO 3166-1 alpha-3 country code",
            ));
        }
    }
    match data.document_type {
        None => reasons.push(missing("document_type")),
        Some(DocumentType::CnResidentId) => {
            let has_native = data.native_name.as_deref().is_some_and(|n| !n.trim().is_empty());
            if !has_native {
                reasons.push(missing("native_name"));
            }
        }
        Some(_) => {}
    }
    reasons.extend(number_reasons(data, checked.birth_date, today));
    (reasons, checked)
}

/// The document number's own form: GB 11643 for the Chinese card (and its
/// birth date against the typed one), letters and digits otherwise.
fn number_reasons(data: &ApplicantData, birth_date: Option<NaiveDate>, today: NaiveDate) -> Vec<Reason> {
    let number = normalise_number(&data.document_number);
    if number.is_empty() {
        return vec![Reason::new(Code::FieldMissing).field("document_number")];
    }
    if data.document_type == Some(DocumentType::CnResidentId) {
        let parsed = openkyc_cnid::report(&number, today);
        if !parsed.valid {
            let why = parsed.error.map_or_else(String::new, |e| e.code.as_str().to_owned());
            return vec![Reason::new(Code::IdNumberInvalid)
                .field("document_number")
                .detail(format!("GB 11643: {why}"))];
        }
        if let (Some(encoded), Some(typed)) = (parsed.birth_date, birth_date) {
            if encoded != typed {
                return vec![Reason::new(Code::FieldInvalid)
                    .field("birth_date")
                    .detail("differs from the birth date the ID number encodes")];
            }
        }
        return Vec::new();
    }
    let well_formed = number.len() <= MAX_DOCUMENT_NUMBER && number.chars().all(|c| c.is_ascii_alphanumeric());
    if well_formed {
        Vec::new()
    } else {
        vec![Reason::new(Code::FieldInvalid)
            .field("document_number")
            .detail("letters A-Z and digits only, at most 30")]
    }
}

/// `YYYY-MM-DD` as a date, or `None`.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A country code, upper case, when the ICAO 9303 table knows it (`D` and
/// `DEU` both Germany; specimen codes such as `UTO` are not known).
pub(crate) fn country(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    openkyc_countries::is_known(&code).then_some(code)
}

/// A country code for comparing and keying: upper case, fillers removed,
/// and Germany's MRZ code `D` as `DEU` (what an applicant types).
pub(crate) fn canonical_country(code: &str) -> String {
    let code = code.trim().trim_end_matches('<').to_ascii_uppercase();
    if code == "D" {
        "DEU".to_owned()
    } else {
        code
    }
}

/// The same country for comparison.
pub(crate) fn same_country(a: &str, b: &str) -> bool {
    canonical_country(a) == canonical_country(b)
}

/// A document number without spaces, MRZ fillers or separators, upper case.
pub(crate) fn normalise_number(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '<' | '-' | '.' | '/'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whole years from `birth` to `day` (a birthday on 29 February is reached
/// on 1 March in common years).
pub(crate) fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let had_birthday = (day.month(), day.day()) >= (birth.month(), birth.day());
    let years = day.year() - birth.year() - i32::from(!had_birthday);
    u32::try_from(years).unwrap_or(0)
}

/// `UNDERAGE` when `birth` is younger than `min_age` on `today`.
pub(crate) fn underage(birth: NaiveDate, today: NaiveDate, min_age: u32) -> Option<Reason> {
    (age_on(birth, today) < min_age).then(|| {
        Reason::new(Code::Underage)
            .field("birth_date")
            .detail(format!("younger than {min_age}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn valid() -> ApplicantData {
        ApplicantData {
            first_name: "Hans".into(),
            last_name: "Müller".into(),
            native_name: None,
            birth_date: "1980-02-29".into(),
            nationality: "deu".into(),
            document_type: Some(DocumentType::Passport),
            document_number: "C01X 00T4 7".into(),
            issuing_country: None,
        }
    }

    fn codes(data: &ApplicantData) -> Vec<(Code, String)> {
        validate(data, date(2026, 11, 29))
            .0
            .into_iter()
            .map(|r| (r.code, r.field.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_complete_entry_passes_and_is_normalised() {
        let (reasons, checked) = validate(&valid(), date(2026, 11, 29));
        assert!(reasons.is_empty(), "{reasons:?}");
        assert_eq!(checked.birth_date, Some(date(1980, 2, 29)));
        assert_eq!(checked.nationality.as_deref(), Some("DEU"));
    }

    #[test]
    fn missing_and_malformed_fields_are_named() {
        let empty = ApplicantData::default();
        let fields: Vec<String> = codes(&empty).into_iter().map(|(_, f)| f).collect();
        assert_eq!(
            fields,
            [
                "last_name",
                "birth_date",
                "nationality",
                "document_type",
                "document_number"
            ]
        );
        let mut data = valid();
        data.birth_date = "1990-02-30".into();
        data.nationality = "UTO".into();
        data.document_number = "AB-12_34".into();
        assert_eq!(
            codes(&data),
            [
                (Code::FieldInvalid, "birth_date".into()),
                (Code::FieldInvalid, "nationality".into()),
                (Code::FieldInvalid, "document_number".into()),
            ]
        );
        data = valid();
        data.birth_date = "2030-01-01".into();
        assert_eq!(codes(&data), [(Code::FieldInvalid, "birth_date".into())]);
    }

    #[test]
    fn the_chinese_card_needs_a_native_name_and_a_valid_number() {
        let mut data = valid();
        data.document_type = Some(DocumentType::CnResidentId);
        data.birth_date = "1949-12-31".into();
        data.document_number = "11010519491231002X".into();
        assert_eq!(codes(&data), [(Code::FieldMissing, "native_name".into())]);
        data.native_name = Some("王秀英".into());
        assert!(codes(&data).is_empty());
        data.document_number = "110105194912310021".into();
        assert_eq!(codes(&data), [(Code::IdNumberInvalid, "document_number".into())]);
        data.document_number = "11010519491231002X".into();
        data.birth_date = "1949-12-30".into();
        assert_eq!(codes(&data), [(Code::FieldInvalid, "birth_date".into())]);
    }

    #[test]
    fn ages_count_whole_years_and_leap_birthdays_arrive_on_the_first_of_march() {
        assert_eq!(age_on(date(2008, 11, 29), date(2026, 11, 29)), 18);
        assert_eq!(age_on(date(2008, 11, 30), date(2026, 11, 29)), 17);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 2, 28)), 17);
        assert_eq!(age_on(date(2008, 2, 29), date(2026, 3, 1)), 18);
        assert!(underage(date(2008, 11, 30), date(2026, 11, 29), 18).is_some());
        assert!(underage(date(2008, 11, 29), date(2026, 11, 29), 18).is_none());
    }

    #[test]
    fn countries_and_numbers_compare_in_their_canonical_form() {
        assert!(same_country("D", "deu"));
        assert!(same_country("FRA<", "FRA"));
        assert!(!same_country("FRA", "DEU"));
        assert_eq!(normalise_number(" l898 902-c3<"), "L898902C3");
    }
}
