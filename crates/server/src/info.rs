//! The form checks of `PUT /v1/applicants/{id}/info`: what can be told
//! without the document (a field missing, a date that does not exist, an
//! unknown country, a Chinese ID number failing its checksum) is refused
//! at once with every bad field named (422). Whether the data matches the
//! document, and the age rule, are the pipeline's (`DATA_MISMATCH`,
//! `UNDERAGE`).

use crate::error::FieldError;
use chrono::NaiveDate;
use openkyc_pipeline::{ApplicantData, DocumentType};

/// Longest name part accepted (characters).
const MAX_NAME_CHARS: usize = 200;
/// Longest document number accepted (characters).
const MAX_NUMBER_CHARS: usize = 64;

fn problem(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Whether `code` is a known ISO 3166-1 alpha-3 (or ICAO) country code,
/// in any letter case.
fn known_country(code: &str) -> bool {
    let upper = code.trim().to_ascii_uppercase();
    upper.len() == 3 && openkyc_countries::is_known(&upper)
}

fn check_name(field: &str, value: &str, problems: &mut Vec<FieldError>) {
    if value.trim().is_empty() {
        problems.push(problem(field, "required"));
    } else if value.chars().count() > MAX_NAME_CHARS {
        problems.push(problem(field, format!("at most {MAX_NAME_CHARS} characters")));
    } else if value.chars().any(char::is_control) {
        problems.push(problem(field, "control characters are not allowed"));
    }
}

/// Every problem with the typed data, in field order (empty: acceptable).
pub fn validate(data: &ApplicantData, today: NaiveDate) -> Vec<FieldError> {
    let mut problems = Vec::new();
    check_name("first_name", &data.first_name, &mut problems);
    check_name("last_name", &data.last_name, &mut problems);
    if let Some(native) = &data.native_name {
        if native.chars().count() > MAX_NAME_CHARS || native.chars().any(char::is_control) {
            problems.push(problem("native_name", "at most 200 characters, no control characters"));
        }
    }
    match NaiveDate::parse_from_str(data.birth_date.trim(), "%Y-%m-%d") {
        _ if data.birth_date.trim().is_empty() => problems.push(problem("birth_date", "required")),
        Ok(date) if date > today => problems.push(problem("birth_date", "is in the future")),
        Ok(_) => {}
        Err(_) => problems.push(problem("birth_date", "expected an existing date, YYYY-MM-DD")),
    }
    if data.nationality.trim().is_empty() {
        problems.push(problem("nationality", "required"));
    } else if !known_country(&data.nationality) {
        problems.push(problem("nationality", "expected an ISO 3166-1 alpha-3 country code"));
    }
    if let Some(country) = &data.issuing_country {
        if !known_country(country) {
            problems.push(problem(
                "issuing_country",
                "expected an ISO 3166-1 alpha-3 country code",
            ));
        }
    }
    if data.document_type.is_none() {
        problems.push(problem(
            "document_type",
            "required: passport, id_card or cn_resident_id",
        ));
    }
    check_number(data, today, &mut problems);
    problems
}

fn check_number(data: &ApplicantData, today: NaiveDate, problems: &mut Vec<FieldError>) {
    let number = data.document_number.trim();
    if number.is_empty() {
        problems.push(problem("document_number", "required"));
    } else if number.chars().count() > MAX_NUMBER_CHARS {
        problems.push(problem(
            "document_number",
            format!("at most {MAX_NUMBER_CHARS} characters"),
        ));
    } else if !number
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '<'))
    {
        problems.push(problem("document_number", "letters, digits, spaces and hyphens only"));
    } else if data.document_type == Some(DocumentType::CnResidentId) {
        if let Err(error) = openkyc_cnid::parse(number, today) {
            problems.push(problem(
                "document_number",
                format!("not a valid identity number: {error}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn valid() -> ApplicantData {
        ApplicantData {
            first_name: "Anna Maria".into(),
            last_name: "Eriksson".into(),
            native_name: None,
            birth_date: "1974-08-12".into(),
            nationality: "SWE".into(),
            document_type: Some(DocumentType::Passport),
            document_number: "L898902C3".into(),
            issuing_country: None,
        }
    }

    fn fields(data: &ApplicantData) -> Vec<String> {
        validate(data, today()).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn valid_data_passes() {
        assert!(fields(&valid()).is_empty());
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut data = valid();
        data.first_name = " ".into();
        data.birth_date = "1974-02-30".into();
        data.nationality = "XYZ".into();
        data.document_type = None;
        assert_eq!(
            fields(&data),
            ["first_name", "birth_date", "nationality", "document_type"]
        );
        let mut data = valid();
        data.birth_date = "2030-01-01".into();
        data.document_number = "A/B".into();
        assert_eq!(fields(&data), ["birth_date", "document_number"]);
    }

    #[test]
    fn chinese_numbers_are_checked() {
        let mut data = valid();
        data.document_type = Some(DocumentType::CnResidentId);
        data.nationality = "CHN".into();
        data.document_number = "11010519491231002X".into();
        assert!(fields(&data).is_empty());
        data.document_number = "110105194912310021".into();
        assert_eq!(fields(&data), ["document_number"]);
    }
}
