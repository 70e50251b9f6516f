//! Report fields from a parsed MRZ, and each field's confidence from the
//! reader's per-character confidences.

use openkyc_mrz::{CharRange, Field, MrzFormat, MrzReport, Sex};
use openkyc_mrzocr::Reading;
use std::collections::BTreeMap;

/// A field's value as read and how sure the reading is (0–1: the lowest
/// probability among its characters).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldRead {
    pub value: String,
    pub confidence: f32,
}

/// The report's field names for an MRZ field (the name field feeds two).
fn report_names(field: Field, format: MrzFormat) -> &'static [&'static str] {
    match field {
        Field::DocumentCode => &["document_code"],
        Field::IssuingState => &["issuing_state"],
        Field::DocumentNumber => &["document_number"],
        Field::BirthDate => &["birth_date"],
        Field::Sex => &["sex"],
        Field::ExpiryDate => &["expiry_date"],
        Field::Nationality => &["nationality"],
        Field::Names => &["surname", "given_names"],
        Field::Surname => &["surname"],
        Field::GivenNames => &["given_names"],
        // TD3's optional data is the personal number; elsewhere it is the
        // issuer's own data and not reported as a field.
        Field::OptionalData1 if format == MrzFormat::Td3 => &["personal_number"],
        Field::OptionalData1 | Field::OptionalData2 | Field::Composite => &[],
    }
}

/// The fields an MRZ states, by report name. Dates are ISO `YYYY-MM-DD`;
/// a date that is not a calendar date is left out (the MRZ is then invalid).
pub(crate) fn mrz_fields(report: &MrzReport) -> BTreeMap<&'static str, String> {
    let f = &report.fields;
    let mut out = BTreeMap::new();
    out.insert("document_code", f.document_code.clone());
    out.insert("issuing_state", f.issuing_state.clone());
    out.insert("document_number", f.document_number.clone());
    out.insert("surname", f.surname.clone());
    out.insert("given_names", f.given_names.clone());
    if let Some(date) = f.birth_date {
        out.insert("birth_date", date.format("%Y-%m-%d").to_string());
    }
    if let Some(date) = f.expiry_date {
        out.insert("expiry_date", date.format("%Y-%m-%d").to_string());
    }
    if let Some(nationality) = &f.nationality {
        out.insert("nationality", nationality.clone());
    }
    if let Some(sex) = f.sex {
        let letter = match sex {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::Unspecified => "X",
        };
        out.insert("sex", letter.to_string());
    }
    if report.format == MrzFormat::Td3 && !f.optional_data_1.is_empty() {
        out.insert("personal_number", f.optional_data_1.clone());
    }
    out
}

fn lowest(confidence: &[Vec<f32>], range: &CharRange) -> Option<f32> {
    let line = confidence.get(range.line)?;
    line.get(range.columns.clone())?.iter().copied().reduce(f32::min)
}

/// Per report field, the lowest confidence over its characters. The
/// document number also counts the characters a TD1/TD2 overflow adds
/// (they are covered by its check digit, which says where they are).
pub(crate) fn field_confidences(reading: &Reading) -> BTreeMap<&'static str, f32> {
    let format = reading.report.format;
    let mut out: BTreeMap<&'static str, f32> = BTreeMap::new();
    let mut note = |name: &'static str, value: f32| {
        let entry = out.entry(name).or_insert(1.0);
        *entry = entry.min(value);
    };
    for (field, range) in format.field_ranges() {
        if let Some(value) = lowest(&reading.confidence, &range) {
            for name in report_names(field, format) {
                note(name, value);
            }
        }
    }
    for check in reading.report.check_coverage() {
        if check.field == Field::DocumentNumber {
            for range in &check.covers {
                if let Some(value) = lowest(&reading.confidence, range) {
                    note("document_number", value);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use openkyc_mrz::{parse, ParseOptions};

    fn specimen() -> MrzReport {
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
        parse(
            text,
            &ParseOptions::new(chrono::NaiveDate::from_ymd_opt(2010, 1, 1).unwrap()),
        )
        .unwrap()
    }

    #[test]
    fn specimen_fields_in_report_form() {
        let fields = mrz_fields(&specimen());
        assert_eq!(fields["surname"], "ERIKSSON");
        assert_eq!(fields["given_names"], "ANNA MARIA");
        assert_eq!(fields["document_number"], "L898902C3");
        assert_eq!(fields["birth_date"], "1974-08-12");
        assert_eq!(fields["expiry_date"], "2012-04-15");
        assert_eq!(fields["nationality"], "UTO");
        assert_eq!(fields["sex"], "F");
        assert_eq!(fields["personal_number"], "ZE184226B");
    }

    #[test]
    fn a_field_is_as_confident_as_its_weakest_character() {
        let report = specimen();
        let mut confidence = vec![vec![0.9f32; 44]; 2];
        confidence[1][4] = 0.2; // in the document number
        confidence[0][20] = 0.4; // in the given names
        let reading = Reading {
            lines: report.lines.clone(),
            report,
            swaps: Vec::new(),
            confidence,
            total_score: 0.0,
        };
        let c = field_confidences(&reading);
        assert_eq!(c["document_number"], 0.2);
        assert_eq!(c["surname"], 0.4);
        assert_eq!(c["given_names"], 0.4);
        assert_eq!(c["birth_date"], 0.9);
    }
}
