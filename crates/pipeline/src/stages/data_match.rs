//! The data-match stage: the typed basic information checked on its own
//! (`validate`), then compared character for character with the document
//! where it was read.

use crate::report::StageOutput;
use crate::stages::document::DocumentRead;
use crate::validate::{normalise_number, parse_date, same_country, underage, validate};
use crate::ApplicantData;
use chrono::NaiveDate;
use openkyc_names::{compare_names_with, CompareOptions, Outcome};
use openkyc_reasons::Reason;

/// What the stage needs besides the typed data.
pub(crate) struct Context<'a> {
    pub document: Option<&'a DocumentRead>,
    pub today: NaiveDate,
    pub min_age: u32,
    /// Apply the age rule to the typed birth date: the level does not
    /// check the document's validity, or the document gave no birth date.
    pub typed_age_rule: bool,
}

/// Runs the stage.
pub(crate) fn run(data: &ApplicantData, context: &Context<'_>) -> StageOutput {
    let (mut reasons, checked) = validate(data, context.today);
    if context.typed_age_rule {
        if let Some(birth) = checked.birth_date {
            reasons.extend(underage(birth, context.today, context.min_age));
        }
    }
    let Some(document) = context.document else {
        return StageOutput::ran(reasons).note("typed data checked on its own: no document read");
    };
    reasons.extend(compare(data, document));
    StageOutput::ran(reasons).note("typed data compared with the document")
}

/// Every difference between the typed data and the document, one reason
/// per field with both values.
pub(crate) fn compare(data: &ApplicantData, document: &DocumentRead) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let (Some(typed), Some(read)) = (data.document_type, document.document_type()) {
        if typed != read {
            reasons.push(Reason::mismatch(
                "document_type",
                type_name(typed),
                document.kind.as_str(),
            ));
        }
    }
    reasons.extend(compare_names(data, document));
    if let Some(read) = document.field("birth_date") {
        let typed = parse_date(&data.birth_date);
        if typed.is_some() && typed != parse_date(read) {
            reasons.push(Reason::mismatch("birth_date", data.birth_date.trim(), read));
        }
    }
    if let Some(read) = document.field("document_number") {
        let typed = normalise_number(&data.document_number);
        if !typed.is_empty() && typed != normalise_number(read) {
            reasons.push(Reason::mismatch("document_number", data.document_number.trim(), read));
        }
    }
    let typed_nationality = data.nationality.trim();
    if let Some(read) = document.field("nationality") {
        if !typed_nationality.is_empty() && !same_country(typed_nationality, read) {
            reasons.push(Reason::mismatch("nationality", typed_nationality, read));
        }
    }
    let typed_issuer = data.issuing_country.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if let (Some(typed), Some(read)) = (typed_issuer, document.field("issuing_country")) {
        if !same_country(typed, read) {
            reasons.push(Reason::mismatch("issuing_country", typed, read));
        }
    }
    reasons
}

/// The names: the Latin name against the MRZ's (or, on the Chinese card,
/// against the printed name by its pinyin), the native name against the
/// printed one. The whole name is compared first (the split between
/// surname and given names is not the applicant's to guess); only when it
/// differs are the parts compared to say which field differs.
fn compare_names(data: &ApplicantData, document: &DocumentRead) -> Vec<Reason> {
    let options = CompareOptions {
        document_truncated: document.names_truncated,
    };
    let mut reasons = Vec::new();
    let typed_full = join(&data.last_name, &data.first_name);
    let surname = document.field("surname").unwrap_or_default();
    let given = document.field("given_names").unwrap_or_default();
    if !surname.is_empty() || !given.is_empty() {
        let document_full = format!("{surname}<<{given}");
        let whole = compare_names_with(&typed_full, &document_full, &options);
        if whole.outcome == Outcome::Mismatch {
            reasons.extend(part_mismatch("last_name", &data.last_name, surname, &options));
            reasons.extend(part_mismatch("first_name", &data.first_name, given, &options));
            if reasons.is_empty() {
                reasons.push(Reason::mismatch(
                    "last_name",
                    typed_full.clone(),
                    document_full.replace('<', " ").trim(),
                ));
            }
        }
    }
    if let Some(native) = document.field("name_native") {
        let typed_native = data.native_name.as_deref().map(str::trim).unwrap_or_default();
        if !typed_native.is_empty() && compare_names_with(typed_native, native, &options).outcome == Outcome::Mismatch {
            reasons.push(Reason::mismatch("native_name", typed_native, native));
        }
        if !typed_full.is_empty() && compare_names_with(&typed_full, native, &options).outcome == Outcome::Mismatch {
            reasons.push(
                Reason::mismatch("last_name", typed_full, native)
                    .detail("the Latin name is not a reading of the printed name"),
            );
        }
    }
    reasons
}

/// One name part compared on its own; empty on both sides is no difference.
fn part_mismatch(field: &str, typed: &str, document: &str, options: &CompareOptions) -> Option<Reason> {
    let typed = typed.trim();
    if typed.is_empty() && document.is_empty() {
        return None;
    }
    let outcome = compare_names_with(typed, document, options).outcome;
    (outcome == Outcome::Mismatch).then(|| Reason::mismatch(field, typed, document))
}

/// `last first`, trimmed.
fn join(last: &str, first: &str) -> String {
    format!("{} {}", last.trim(), first.trim()).trim().to_owned()
}

fn type_name(kind: crate::DocumentType) -> &'static str {
    match kind {
        crate::DocumentType::Passport => "passport",
        crate::DocumentType::IdCard => "id_card",
        crate::DocumentType::CnResidentId => "cn_resident_id",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DocumentType;
    use openkyc_read::DocumentKind;
    use openkyc_reasons::Code;
    use std::collections::BTreeMap;

    fn passport(fields: &[(&str, &str)]) -> DocumentRead {
        DocumentRead {
            kind: DocumentKind::Passport,
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
            names_truncated: false,
        }
    }

    fn typed() -> ApplicantData {
        ApplicantData {
            first_name: "Hans".into(),
            last_name: "Müller".into(),
            native_name: None,
            birth_date: "1980-05-17".into(),
            nationality: "DEU".into(),
            document_type: Some(DocumentType::Passport),
            document_number: "c01x 00t47".into(),
            issuing_country: Some("DEU".into()),
        }
    }

    fn document() -> DocumentRead {
        passport(&[
            ("surname", "MUELLER"),
            ("given_names", "HANS"),
            ("birth_date", "1980-05-17"),
            ("document_number", "C01X00T47"),
            ("nationality", "D"),
            ("issuing_country", "D"),
        ])
    }

    #[test]
    fn a_transliterated_name_and_formatted_number_match() {
        assert_eq!(compare(&typed(), &document()), []);
    }

    #[test]
    fn each_differing_field_is_named_with_both_values() {
        let mut data = typed();
        data.first_name = "Hanna".into();
        data.birth_date = "1980-05-18".into();
        data.nationality = "AUT".into();
        data.document_type = Some(DocumentType::IdCard);
        let reasons = compare(&data, &document());
        let found: Vec<(&str, &str, &str)> = reasons
            .iter()
            .map(|r| {
                (
                    r.field.as_deref().unwrap_or(""),
                    r.typed.as_deref().unwrap_or(""),
                    r.document.as_deref().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("document_type", "id_card", "passport"),
                ("first_name", "Hanna", "HANS"),
                ("birth_date", "1980-05-18", "1980-05-17"),
                ("nationality", "AUT", "D"),
            ]
        );
        assert!(reasons.iter().all(|r| r.code == Code::DataMismatch));
    }

    #[test]
    fn names_split_differently_still_match_as_a_whole() {
        let mut data = typed();
        data.first_name = String::new();
        data.last_name = "Hans Müller".into();
        assert_eq!(compare(&data, &document()), []);
    }

    #[test]
    fn the_chinese_name_is_compared_in_both_scripts() {
        let card = DocumentRead {
            kind: DocumentKind::CnResidentId,
            fields: BTreeMap::from([("name_native".to_owned(), "张三".to_owned())]),
            names_truncated: false,
        };
        let mut data = typed();
        data.document_type = Some(DocumentType::CnResidentId);
        data.last_name = "Zhang".into();
        data.first_name = "San".into();
        data.native_name = Some("张三".into());
        assert_eq!(compare(&data, &card), []);
        data.native_name = Some("张山".into());
        data.first_name = "Shan".into();
        let fields: Vec<_> = compare(&data, &card).into_iter().filter_map(|r| r.field).collect();
        assert_eq!(fields, ["native_name", "last_name"]);
    }
}
