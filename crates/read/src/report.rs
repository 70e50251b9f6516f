//! The reading report (what `openkyc read --json` prints) and how it is
//! built from an MRZ reading.

use crate::fields::{field_confidences, mrz_fields};
use crate::mrz::MrzReading;
use crate::ReadOptions;
use serde::Serialize;
use std::collections::BTreeMap;

/// What kind of document was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Passport (document code `P…`).
    Passport,
    /// Identity card (`I…`, `A…`, `C…`).
    IdCard,
    /// Visa (`V…`).
    Visa,
}

impl DocumentKind {
    /// The kind as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::IdCard => "id_card",
            Self::Visa => "visa",
        }
    }
}

/// Where a field's value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The machine-readable zone.
    Mrz,
}

/// Why a reading cannot be trusted or the document not accepted. Stable
/// identifiers (an API): add codes, never rename them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// No MRZ found, or its check digits do not all pass.
    DocUnreadable,
    /// The document's expiry date has passed.
    DocExpired,
    /// The document expires within the configured window.
    DocExpiresSoon,
}

impl ReasonCode {
    /// Every code, in the order reasons are listed.
    pub const ALL: [ReasonCode; 3] = [Self::DocUnreadable, Self::DocExpired, Self::DocExpiresSoon];

    /// The code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DocUnreadable => "DOC_UNREADABLE",
            Self::DocExpired => "DOC_EXPIRED",
            Self::DocExpiresSoon => "DOC_EXPIRES_SOON",
        }
    }
}

/// Whether a reason blocks the document or only informs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The document cannot be accepted as read.
    Error,
    /// Worth telling the applicant or operator; does not block.
    Warning,
}

/// One reason with what led to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The code.
    pub code: ReasonCode,
    /// Error or warning.
    pub severity: Severity,
    /// For people: what was found.
    pub detail: String,
}

/// One character the check digits made the reader change from its first
/// choice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MrzRepair {
    /// Line (0-based).
    pub line: usize,
    /// Column (0-based).
    pub column: usize,
    /// What the glyph looked most like.
    pub from: char,
    /// What was chosen.
    pub to: char,
}

/// The MRZ as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MrzSection {
    /// `TD1`, `TD2`, `TD3`, `MRVA`, `MRVB`.
    pub format: String,
    /// The lines.
    pub lines: Vec<String>,
    /// Every check digit passes and every field is well formed.
    pub valid: bool,
    /// Characters changed from the reader's first choice to satisfy the
    /// check digits.
    pub repairs: Vec<MrzRepair>,
    /// The name field is full: the issuer may have truncated the names.
    pub names_truncated: bool,
    /// Clockwise turn, degrees, that made the document upright.
    pub rotation_deg: u16,
    /// The lowest per-character confidence.
    pub min_confidence: f32,
}

/// Milliseconds per stage (informational; never decides anything).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReadTimings {
    /// Decoding the photo (0 when pixels were passed in).
    pub intake: f64,
    /// Finding the document.
    pub detect: f64,
    /// Rectifying it.
    pub rectify: f64,
    /// Finding and reading the MRZ.
    pub mrz: f64,
    /// Everything.
    pub total: f64,
}

/// Everything read from one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadReport {
    /// The document kind, when an MRZ says it.
    pub kind: Option<DocumentKind>,
    /// `front` or `back`: the side the MRZ is on for this format.
    pub side: Option<&'static str>,
    /// The MRZ, when one was found.
    pub mrz: Option<MrzSection>,
    /// Field values (dates `YYYY-MM-DD`), by name.
    pub fields: BTreeMap<&'static str, String>,
    /// Where each field was read.
    pub sources: BTreeMap<&'static str, Source>,
    /// Per field, 0–1 (see the crate docs).
    pub confidence: BTreeMap<&'static str, f32>,
    /// Why the reading cannot be trusted or the document not accepted.
    pub reasons: Vec<Reason>,
    /// The document's corners in the photo (TL, TR, BR, BL as found), when
    /// an outline was found.
    pub document_corners: Option<[[f32; 2]; 4]>,
    /// Stage timings.
    pub timings_ms: ReadTimings,
}

impl ReadReport {
    /// True when no reason of severity `error` was found.
    pub fn ok(&self) -> bool {
        self.reasons.iter().all(|r| r.severity != Severity::Error)
    }
}

pub(crate) fn build(reading: Option<&MrzReading>, options: &ReadOptions) -> ReadReport {
    let mut report = ReadReport {
        kind: None,
        side: None,
        mrz: None,
        fields: BTreeMap::new(),
        sources: BTreeMap::new(),
        confidence: BTreeMap::new(),
        reasons: Vec::new(),
        document_corners: None,
        timings_ms: ReadTimings::default(),
    };
    let Some(found) = reading else {
        report.reasons.push(Reason {
            code: ReasonCode::DocUnreadable,
            severity: Severity::Error,
            detail: "no machine-readable zone found".into(),
        });
        return report;
    };
    let mrz_report = &found.reading.report;
    let code = mrz_report.fields.document_code.chars().next();
    report.kind = match code {
        Some('P') => Some(DocumentKind::Passport),
        Some('V') => Some(DocumentKind::Visa),
        Some('I' | 'A' | 'C') => Some(DocumentKind::IdCard),
        _ => None,
    };
    // ID-1 cards carry their three-line MRZ on the back; passports, TD2
    // cards and visas on the data side.
    report.side = Some(if mrz_report.format == openkyc_mrz::MrzFormat::Td1 {
        "back"
    } else {
        "front"
    });
    report.fields = mrz_fields(mrz_report);
    for (name, confidence) in field_confidences(&found.reading) {
        if report.fields.contains_key(name) {
            report.sources.insert(name, Source::Mrz);
            report.confidence.insert(name, confidence);
        }
    }
    report.mrz = Some(MrzSection {
        format: mrz_report.format.as_str().to_string(),
        lines: found.reading.lines.clone(),
        valid: mrz_report.valid,
        repairs: found
            .reading
            .swaps
            .iter()
            .map(|s| MrzRepair {
                line: s.line,
                column: s.column,
                from: s.from,
                to: s.to,
            })
            .collect(),
        names_truncated: mrz_report.fields.names_truncated,
        rotation_deg: found.rotation_deg,
        min_confidence: found.reading.min_confidence(),
    });
    if let Some(why) = untrusted(found, options) {
        report.reasons.push(Reason {
            code: ReasonCode::DocUnreadable,
            severity: Severity::Error,
            detail: why,
        });
    } else if let Some(expiry) = mrz_report.fields.expiry_date {
        expiry_reasons(&mut report, expiry, options);
    }
    report
}

/// Why a reading cannot be trusted, if it cannot.
fn untrusted(found: &MrzReading, options: &ReadOptions) -> Option<String> {
    let mrz = &found.reading.report;
    if !mrz.valid {
        let why: Vec<String> = mrz.errors.iter().map(|e| e.message.clone()).collect();
        return Some(format!(
            "the machine-readable zone does not check out: {}",
            why.join("; ")
        ));
    }
    let unknown: Vec<String> = mrz
        .warnings
        .iter()
        .filter(|w| w.code == openkyc_mrz::codes::warning::UNKNOWN_COUNTRY)
        .map(|w| w.message.clone())
        .collect();
    if !unknown.is_empty() {
        return Some(format!("country code misread: {}", unknown.join("; ")));
    }
    let uncertain: Vec<String> = found
        .reading
        .confidence
        .iter()
        .enumerate()
        .flat_map(|(line, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, c)| **c < options.min_char_confidence)
                .map(move |(column, c)| format!("line {} column {} ({c:.2})", line + 1, column + 1))
        })
        .collect();
    if !uncertain.is_empty() {
        return Some(format!(
            "characters read with confidence below {}: {}",
            options.min_char_confidence,
            uncertain.join(", ")
        ));
    }
    None
}

fn expiry_reasons(report: &mut ReadReport, expiry: chrono::NaiveDate, options: &ReadOptions) {
    let days_left = (expiry - options.reference_date).num_days();
    if days_left < 0 {
        report.reasons.push(Reason {
            code: ReasonCode::DocExpired,
            severity: Severity::Error,
            detail: format!("expired on {expiry}"),
        });
    } else if days_left <= options.expires_soon_days {
        report.reasons.push(Reason {
            code: ReasonCode::DocExpiresSoon,
            severity: Severity::Warning,
            detail: format!("expires on {expiry}, in {days_left} days"),
        });
    }
}
