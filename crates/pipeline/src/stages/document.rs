//! The document stage: `openkyc-read` on the front (and back), its reasons
//! mapped to the catalogue, and the fields of the sides that read true.

use crate::report::StageOutput;
use crate::stages::quality::Retake;
use crate::{DocumentSummary, DocumentType};
use chrono::NaiveDate;
use image::RgbImage;
use openkyc_read::{read_image, DocumentKind, ReadOptions, ReadReport, Reader, ReasonCode, Side};
use openkyc_reasons::{Code, Kind, Reason};
use std::collections::BTreeMap;

/// The document as read: what later stages compare and check.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocumentRead {
    /// The type read.
    pub kind: DocumentKind,
    /// The fields of the sides whose reading checked out, by summary name
    /// (`surname`, `given_names`, `name_native`, `document_number`,
    /// `birth_date`, `expiry_date`, `nationality`, `sex`, `issuing_country`).
    pub fields: BTreeMap<String, String>,
    /// The MRZ's name field is full: the issuer may have cut the names.
    pub names_truncated: bool,
}

impl DocumentRead {
    /// The summary the report carries.
    pub fn summary(&self) -> DocumentSummary {
        DocumentSummary {
            kind: self.kind.as_str().to_owned(),
            fields: self.fields.clone(),
        }
    }

    /// The type as the applicant names it, `None` for a visa.
    pub fn document_type(&self) -> Option<DocumentType> {
        match self.kind {
            DocumentKind::Passport => Some(DocumentType::Passport),
            DocumentKind::IdCard => Some(DocumentType::IdCard),
            DocumentKind::CnResidentId => Some(DocumentType::CnResidentId),
            DocumentKind::Visa => None,
        }
    }

    /// A field's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// What the stage reads.
pub(crate) struct Photos<'a> {
    pub front: Option<&'a RgbImage>,
    pub back: Option<&'a RgbImage>,
    /// Sides the capture-quality stage sent back to be taken again.
    pub retake: Retake,
    /// The type the applicant named.
    pub typed: Option<DocumentType>,
}

/// Reads the document.
pub(crate) fn run(reader: &Reader, photos: &Photos<'_>, today: NaiveDate) -> (StageOutput, Option<DocumentRead>) {
    let Some(front) = photos.front else {
        return (StageOutput::not_run("no readable front photo"), None);
    };
    if photos.retake.front {
        return (
            StageOutput::not_run("the front photo is to be taken again first (capture quality)"),
            None,
        );
    }
    if photos.typed == Some(DocumentType::CnResidentId) && !reader.reads_text() {
        return (
            StageOutput::not_run("the Chinese card needs the text models: run make models"),
            None,
        );
    }
    let mode = if reader.reads_text() {
        "text reader and MRZ"
    } else {
        "MRZ only: text models absent (run make models)"
    };
    let mut sides = Vec::new();
    for (image, side, field) in [(Some(front), Side::Front, "front"), (photos.back, Side::Back, "back")] {
        let Some(image) = image else { continue };
        if side == Side::Back && photos.retake.back {
            continue;
        }
        let mut options = ReadOptions::new(today);
        options.expected_side = Some(side);
        match read_image(reader, image, &options) {
            Ok(report) => sides.push((field, report)),
            Err(error) => {
                // A model failure, not the photo's: the check did not run.
                tracing::warn!(%error, side = field, "reading failed");
                return (StageOutput::not_run(format!("the reader failed: {error}")), None);
            }
        }
    }
    let (reasons, read) = combine(&sides);
    let score = read.as_ref().and_then(|_| lowest_confidence(&sides));
    let mut output = StageOutput::ran(reasons).score(score).note(mode);
    if photos.back.is_some() && photos.retake.back {
        output = output.note("back not read: to be taken again first (capture quality)");
    }
    (output, read)
}

/// Reasons and fields from the sides read. A side whose reading does not
/// check out gives no field; an ID card's side without a trusted reading is
/// let go when the other side's MRZ checked out (the card's data is all in
/// one zone).
fn combine(sides: &[(&'static str, ReadReport)]) -> (Vec<Reason>, Option<DocumentRead>) {
    let trusted = |report: &ReadReport| report.kind.is_some() && !untrusted(report);
    let mrz_trusted = |report: &ReadReport| trusted(report) && report.mrz.as_ref().is_some_and(|m| m.valid);
    let card_has_mrz = sides
        .iter()
        .any(|(_, r)| r.kind == Some(DocumentKind::IdCard) && mrz_trusted(r));
    let mut reasons = Vec::new();
    for (field, report) in sides {
        let spare = card_has_mrz && !mrz_trusted(report);
        for reason in &report.reasons {
            if spare && reason.code == ReasonCode::DocUnreadable {
                continue;
            }
            reasons.extend(map_reason(reason.code, field, report));
        }
    }
    // MRZ fields first: where both sides state a field, the zone with check
    // digits wins.
    let mut ordered: Vec<&ReadReport> = sides.iter().map(|(_, r)| r).filter(|r| trusted(r)).collect();
    ordered.sort_by_key(|r| !r.mrz.as_ref().is_some_and(|m| m.valid));
    let Some(first) = ordered.first() else {
        return (reasons, None);
    };
    let kind = first.kind.unwrap_or(DocumentKind::Passport);
    let mut read = DocumentRead {
        kind,
        fields: BTreeMap::new(),
        names_truncated: ordered
            .iter()
            .any(|r| r.mrz.as_ref().is_some_and(|m| m.names_truncated)),
    };
    for report in &ordered {
        for (name, value) in summary_fields(report) {
            read.fields.entry(name).or_insert(value);
        }
    }
    if kind == DocumentKind::CnResidentId {
        read.fields
            .entry("issuing_country".into())
            .or_insert_with(|| "CHN".into());
    }
    if kind == DocumentKind::Visa {
        reasons.push(
            Reason::new(Code::DocUnsupported)
                .field("front")
                .detail("a visa is not an identity document"),
        );
    }
    (reasons, Some(read))
}

/// Whether the reading gave a reason that makes its data untrustworthy.
fn untrusted(report: &ReadReport) -> bool {
    report.reasons.iter().any(|r| {
        matches!(
            r.code,
            ReasonCode::DocUnreadable | ReasonCode::DocUnsupported | ReasonCode::DocWrongSide
        )
    })
}

/// A reader's reason in the catalogue. Expiry is the validity stage's
/// (with the level's window); details are written here so no value read
/// from the document reaches the reason's detail.
fn map_reason(code: ReasonCode, field: &str, report: &ReadReport) -> Option<Reason> {
    let reason = match code {
        ReasonCode::DocUnreadable => match &report.mrz {
            Some(mrz) if !mrz.valid => Reason::new(Code::MrzCheckFailed)
                .field(field)
                .detail(format!("{} zone found; its check digits do not pass", mrz.format)),
            Some(_) => Reason::new(Code::DocUnreadable)
                .field(field)
                .detail("characters below the confidence threshold or an unknown country code"),
            None => Reason::new(Code::DocUnreadable)
                .field(field)
                .detail("no machine-readable zone or legible card text"),
        },
        ReasonCode::DocUnsupported => Reason::new(Code::DocUnsupported).field(field),
        ReasonCode::DocWrongSide => Reason::new(Code::DocWrongSide).field(field),
        ReasonCode::DocExpired | ReasonCode::DocExpiresSoon => return None,
        ReasonCode::VizMrzMismatch => Reason::new(Code::VizMrzMismatch)
            .field(field)
            .detail("the printed data differs from the MRZ"),
        // Inside the document: not the applicant's to fix.
        ReasonCode::IdNumberInvalid => Reason::new(Code::IdNumberInvalid)
            .field("document_number")
            .detail("the number printed on the card fails GB 11643")
            .at_least(Kind::Review),
        ReasonCode::DataMismatch => Reason::new(Code::DataMismatch)
            .field("document_number")
            .detail("the card's number disagrees with its printed birth date or sex")
            .at_least(Kind::Review),
    };
    Some(reason)
}

/// A side's fields under the summary's names (dates as read, `YYYY-MM-DD`).
fn summary_fields(report: &ReadReport) -> Vec<(String, String)> {
    report
        .fields
        .iter()
        .filter_map(|(&name, value)| {
            let summary = match name {
                "surname" | "given_names" | "name_native" | "document_number" | "birth_date" | "expiry_date"
                | "nationality" | "sex" => name,
                "issuing_state" => "issuing_country",
                "id_number" => "document_number",
                "valid_until" => "expiry_date",
                _ => return None,
            };
            Some((summary.to_owned(), value.trim_end_matches('<').to_owned()))
        })
        .collect()
}

/// The lowest confidence of any field read on a side that checked out.
fn lowest_confidence(sides: &[(&'static str, ReadReport)]) -> Option<f64> {
    sides
        .iter()
        .filter(|(_, r)| !untrusted(r))
        .flat_map(|(_, r)| r.confidence.values().copied())
        .reduce(f32::min)
        .map(f64::from)
}
