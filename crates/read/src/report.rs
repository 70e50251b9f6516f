//! The reading report (what `openkyc read --json` prints) and how it is
//! built from an MRZ reading.

use crate::cn::{self, CnCard, CnSide};
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
    /// Chinese Resident Identity Card (居民身份证).
    CnResidentId,
}

impl DocumentKind {
    /// The kind as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::IdCard => "id_card",
            Self::Visa => "visa",
            Self::CnResidentId => "cn_resident_id",
        }
    }
}

/// A side of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The data page of a passport, the portrait side of a card.
    Front,
    /// The other side: an ID-1 card's MRZ side, the Chinese card's emblem
    /// side.
    Back,
}

impl Side {
    /// The side as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Front => "front",
            Self::Back => "back",
        }
    }
}

/// Where a field's value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The machine-readable zone.
    Mrz,
    /// The visual zone: printed text read by the general recogniser.
    Viz,
}

/// Why a reading cannot be trusted or the document not accepted. Stable
/// identifiers (an API): add codes, never rename them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// No MRZ or card text found, check digits that do not pass, a field
    /// that could not be made out or was read with too little confidence.
    DocUnreadable,
    /// Text was found, but it is neither an MRZ document nor a Chinese
    /// Resident Identity Card.
    DocUnsupported,
    /// The other side of the document than the one asked for.
    DocWrongSide,
    /// The document's expiry date has passed.
    DocExpired,
    /// The document expires within the configured window.
    DocExpiresSoon,
    /// The visual zone states something else than the MRZ.
    VizMrzMismatch,
    /// A Resident Identity Card number, read with confidence, that fails
    /// GB 11643 (check character, birth date or region code).
    IdNumberInvalid,
    /// The card's number disagrees with the birth date or sex printed on it.
    DataMismatch,
}

impl ReasonCode {
    /// Every code, in the order reasons are listed.
    pub const ALL: [ReasonCode; 8] = [
        Self::DocUnreadable,
        Self::DocUnsupported,
        Self::DocWrongSide,
        Self::DocExpired,
        Self::DocExpiresSoon,
        Self::VizMrzMismatch,
        Self::IdNumberInvalid,
        Self::DataMismatch,
    ];

    /// The code as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DocUnreadable => "DOC_UNREADABLE",
            Self::DocUnsupported => "DOC_UNSUPPORTED",
            Self::DocWrongSide => "DOC_WRONG_SIDE",
            Self::DocExpired => "DOC_EXPIRED",
            Self::DocExpiresSoon => "DOC_EXPIRES_SOON",
            Self::VizMrzMismatch => "VIZ_MRZ_MISMATCH",
            Self::IdNumberInvalid => "ID_NUMBER_INVALID",
            Self::DataMismatch => "DATA_MISMATCH",
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
    /// Finding and reading printed text (0 when not needed).
    pub text: f64,
    /// Everything.
    pub total: f64,
}

/// Everything read from one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadReport {
    /// The document kind, when an MRZ says it.
    pub kind: Option<DocumentKind>,
    /// The side shown: for an MRZ document, the side its format carries the
    /// MRZ on.
    pub side: Option<Side>,
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
    /// The visual zone against the MRZ, field by field (empty when not
    /// checked: no text reader, no trusted MRZ, or a TD1 back, whose visual
    /// zone is on the other side).
    pub viz_checks: Vec<crate::viz::VizCheck>,
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

impl ReadReport {
    fn empty() -> Self {
        Self {
            kind: None,
            side: None,
            mrz: None,
            fields: BTreeMap::new(),
            sources: BTreeMap::new(),
            confidence: BTreeMap::new(),
            reasons: Vec::new(),
            viz_checks: Vec::new(),
            document_corners: None,
            timings_ms: ReadTimings::default(),
        }
    }

    fn error(&mut self, code: ReasonCode, detail: impl Into<String>) {
        self.reasons.push(Reason {
            code,
            severity: Severity::Error,
            detail: detail.into(),
        });
    }
}

/// Adds the visual zone's checks against the MRZ, and `VIZ_MRZ_MISMATCH`
/// when one of them is a mismatch.
pub(crate) fn add_viz_checks(report: &mut ReadReport, checks: Vec<crate::viz::VizCheck>) {
    if crate::viz::has_mismatch(&checks) {
        let detail: Vec<String> = checks
            .iter()
            .filter(|c| c.agreement == crate::viz::Agreement::Mismatch)
            .map(|c| format!("{}: printed {:?}, MRZ {:?}", c.field, c.viz, c.mrz))
            .collect();
        report.error(ReasonCode::VizMrzMismatch, detail.join("; "));
    }
    report.viz_checks = checks;
}

/// The front of an ID card whose MRZ is on the back, from its visual zone:
/// the fields it prints, with source `viz`; expiry from the printed date.
/// Nothing here is checked against an MRZ (the back's reading does that).
pub(crate) fn build_viz_front(viz: &crate::viz::VizFields, options: &ReadOptions) -> ReadReport {
    let mut report = ReadReport::empty();
    report.kind = Some(DocumentKind::IdCard);
    report.side = Some(Side::Front);
    let mut put = |name: &'static str, value: Option<String>, confidence: f32| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            report.fields.insert(name, value);
            report.sources.insert(name, Source::Viz);
            report.confidence.insert(name, confidence);
        }
    };
    if let Some(f) = &viz.surname {
        put("surname", Some(f.text.clone()), f.confidence);
    }
    if let Some(f) = &viz.given_names {
        put("given_names", Some(f.text.clone()), f.confidence);
    }
    if let Some(f) = &viz.document_number {
        put("document_number", f.value.clone(), f.confidence);
    }
    if let Some(f) = &viz.nationality {
        put("nationality", f.value.clone(), f.confidence);
    }
    if let Some(f) = &viz.sex {
        put("sex", f.value.map(String::from), f.confidence);
    }
    let date = |f: &Option<crate::viz::VizField<crate::viz::PrintedDate>>| {
        f.as_ref()
            .and_then(|f| f.value.and_then(|d| d.date()).map(|d| (d, f.confidence)))
    };
    if let Some((d, c)) = date(&viz.birth_date) {
        put("birth_date", Some(d.format("%Y-%m-%d").to_string()), c);
    }
    let expiry = date(&viz.expiry_date);
    if let Some((d, c)) = expiry {
        put("expiry_date", Some(d.format("%Y-%m-%d").to_string()), c);
    }
    let uncertain: Vec<String> = report
        .confidence
        .iter()
        .filter(|(_, c)| **c < options.min_char_confidence)
        .map(|(name, c)| format!("{name} read with confidence {c:.2}"))
        .collect();
    if !uncertain.is_empty() {
        report.error(ReasonCode::DocUnreadable, uncertain.join("; "));
    } else if let Some((d, _)) = expiry {
        expiry_reasons(&mut report, d, options);
    }
    report
}

/// A report with nothing read and one blocking reason.
pub(crate) fn nothing_read(code: ReasonCode, detail: &str) -> ReadReport {
    let mut report = ReadReport::empty();
    report.error(code, detail);
    report
}

/// Adds `DOC_WRONG_SIDE` when the side read is not the side asked for.
pub(crate) fn check_side(report: &mut ReadReport, expected: Option<Side>) {
    if let (Some(expected), Some(read)) = (expected, report.side) {
        if expected != read {
            report.error(
                ReasonCode::DocWrongSide,
                format!(
                    "asked for the {} side, this is the {} side",
                    expected.as_str(),
                    read.as_str()
                ),
            );
        }
    }
}

pub(crate) fn build(reading: Option<&MrzReading>, options: &ReadOptions) -> ReadReport {
    let mut report = ReadReport::empty();
    let Some(found) = reading else {
        report.error(ReasonCode::DocUnreadable, "no machine-readable zone found");
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
        Side::Back
    } else {
        Side::Front
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

/// The report for a Chinese Resident Identity Card side.
pub(crate) fn build_cn(card: &CnCard, options: &ReadOptions) -> ReadReport {
    let mut report = ReadReport::empty();
    report.kind = Some(DocumentKind::CnResidentId);
    report.side = card.side.map(|side| match side {
        CnSide::Front => Side::Front,
        CnSide::Back => Side::Back,
    });
    for (&name, read) in &card.fields {
        report.fields.insert(name, read.value.clone());
        report.sources.insert(name, Source::Viz);
        report.confidence.insert(name, read.confidence);
    }
    let mut unreadable: Vec<String> = card.missing.iter().map(|name| format!("{name} not found")).collect();
    unreadable.extend(
        card.fields
            .iter()
            .filter(|(_, read)| read.confidence < options.min_char_confidence)
            .map(|(name, read)| format!("{name} read with confidence {:.2}", read.confidence)),
    );
    if let Some(name) = card.fields.get("name_native") {
        if (options.min_char_confidence..options.min_name_confidence).contains(&name.confidence) {
            unreadable.push(format!(
                "name_native read with confidence {:.2} (a name needs {:.2})",
                name.confidence, options.min_name_confidence
            ));
        }
    }
    if let Some(ethnicity) = card.fields.get("ethnicity") {
        if !cn::is_ethnic_group(&ethnicity.value) {
            unreadable.push(format!("ethnicity {} is not one of the 56 groups", ethnicity.value));
        }
    }
    match card.side {
        Some(CnSide::Front) => check_cn_number(&mut report, card, options, &mut unreadable),
        Some(CnSide::Back) => check_cn_validity(card, &mut unreadable),
        None => {}
    }
    if !unreadable.is_empty() {
        report.error(ReasonCode::DocUnreadable, unreadable.join("; "));
    } else if let Some(until) = card.fields.get("valid_until") {
        if let Ok(expiry) = chrono::NaiveDate::parse_from_str(&until.value, "%Y-%m-%d") {
            expiry_reasons(&mut report, expiry, options);
        }
    }
    report
}

/// The number against GB 11643 and against the printed birth date and sex.
/// A failing number read with confidence is the card's own fault
/// (`ID_NUMBER_INVALID`); read without, it is more likely our misreading.
fn check_cn_number(report: &mut ReadReport, card: &CnCard, options: &ReadOptions, unreadable: &mut Vec<String>) {
    let Some(number) = card.fields.get("id_number") else {
        return;
    };
    let parsed = openkyc_cnid::report(&number.value, options.reference_date);
    if !parsed.valid {
        let why = parsed.error.map_or_else(String::new, |e| e.message);
        if number.confidence >= options.trusted_confidence {
            report.error(ReasonCode::IdNumberInvalid, format!("{}: {why}", number.value));
        } else {
            unreadable.push(format!("id_number {} does not check out ({why})", number.value));
        }
        return;
    }
    let printed = |name: &str| card.fields.get(name).map(|f| f.value.as_str());
    let mut disagreements = Vec::new();
    if let (Some(encoded), Some(birth)) = (parsed.birth_date, printed("birth_date")) {
        let encoded = encoded.format("%Y-%m-%d").to_string();
        if encoded != birth {
            disagreements.push(format!(
                "the number gives birth date {encoded}, the card prints {birth}"
            ));
        }
    }
    if let (Some(encoded), Some(sex)) = (parsed.sex, printed("sex")) {
        if encoded.as_str() != sex {
            disagreements.push(format!(
                "the number gives sex {}, the card prints {sex}",
                encoded.as_str()
            ));
        }
    }
    if !disagreements.is_empty() {
        report.error(ReasonCode::DataMismatch, disagreements.join("; "));
    }
}

/// The validity period must be one the law sets (5, 10 or 20 years, or
/// long-term): the dates have no check digit, and this stands in for one.
fn check_cn_validity(card: &CnCard, unreadable: &mut Vec<String>) {
    let (Some(from), Some(until)) = (card.fields.get("valid_from"), card.fields.get("valid_until")) else {
        return;
    };
    let lawful = chrono::NaiveDate::parse_from_str(&from.value, "%Y-%m-%d")
        .is_ok_and(|from| cn::validity_period_is_lawful(from, &until.value));
    if !lawful {
        unreadable.push(format!(
            "validity {} to {} is not 5, 10 or 20 years or long-term",
            from.value, until.value
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldRead;
    use chrono::NaiveDate;

    fn options() -> ReadOptions {
        ReadOptions::new(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap())
    }

    fn front(number: &str, number_confidence: f32, birth: &str, sex: &str) -> CnCard {
        let read = |value: &str, confidence: f32| FieldRead {
            value: value.into(),
            confidence,
        };
        CnCard {
            side: Some(CnSide::Front),
            fields: BTreeMap::from([
                ("name_native", read("王秀英", 0.99)),
                ("sex", read(sex, 0.99)),
                ("ethnicity", read("汉", 0.99)),
                ("birth_date", read(birth, 0.99)),
                ("address", read("北京市朝阳区建国路88号", 0.99)),
                ("id_number", read(number, number_confidence)),
            ]),
            missing: Vec::new(),
            name_sources: Vec::new(),
        }
    }

    fn codes(report: &ReadReport) -> Vec<ReasonCode> {
        report.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn a_consistent_front_passes_with_viz_sources() {
        let report = build_cn(&front("11010519491231002X", 0.99, "1949-12-31", "F"), &options());
        assert!(report.reasons.is_empty(), "{:?}", report.reasons);
        assert_eq!(report.kind, Some(DocumentKind::CnResidentId));
        assert_eq!(report.side, Some(Side::Front));
        assert!(report.sources.values().all(|s| *s == Source::Viz));
    }

    #[test]
    fn a_failing_number_is_invalid_when_read_confidently_else_unreadable() {
        let confident = build_cn(&front("110105194912310021", 0.99, "1949-12-31", "F"), &options());
        assert_eq!(codes(&confident), [ReasonCode::IdNumberInvalid]);
        let unsure = build_cn(&front("110105194912310021", 0.6, "1949-12-31", "F"), &options());
        assert_eq!(codes(&unsure), [ReasonCode::DocUnreadable]);
    }

    #[test]
    fn the_number_must_agree_with_the_printed_birth_date_and_sex() {
        let report = build_cn(&front("11010519491231002X", 0.99, "1949-12-30", "M"), &options());
        assert_eq!(codes(&report), [ReasonCode::DataMismatch]);
        let detail = &report.reasons[0].detail;
        assert!(detail.contains("1949-12-31") && detail.contains("sex"), "{detail}");
    }

    #[test]
    fn unknown_groups_missing_fields_and_weak_characters_are_unreadable() {
        let mut card = front("11010519491231002X", 0.99, "1949-12-31", "F");
        card.fields.insert(
            "ethnicity",
            FieldRead {
                value: "汊".into(),
                confidence: 0.99,
            },
        );
        assert_eq!(codes(&build_cn(&card, &options())), [ReasonCode::DocUnreadable]);
        let mut card = front("11010519491231002X", 0.99, "1949-12-31", "F");
        card.missing.push("address");
        assert_eq!(codes(&build_cn(&card, &options())), [ReasonCode::DocUnreadable]);
        let mut card = front("11010519491231002X", 0.99, "1949-12-31", "F");
        if let Some(name) = card.fields.get_mut("name_native") {
            name.confidence = 0.0;
        }
        let report = build_cn(&card, &options());
        assert_eq!(codes(&report), [ReasonCode::DocUnreadable]);
        assert!(report.reasons[0].detail.contains("name_native"));
    }

    #[test]
    fn a_name_needs_more_confidence_than_other_fields() {
        let with_name_at = |confidence: f32| {
            let mut card = front("11010519491231002X", 0.99, "1949-12-31", "F");
            if let Some(name) = card.fields.get_mut("name_native") {
                name.confidence = confidence;
            }
            build_cn(&card, &options())
        };
        // 0.68: what 何轩骉's 号 and 吴珏国's 珏 both read at.
        let report = with_name_at(0.68);
        assert_eq!(codes(&report), [ReasonCode::DocUnreadable]);
        assert!(
            report.reasons[0].detail.contains("a name needs 0.85"),
            "{:?}",
            report.reasons
        );
        assert!(with_name_at(0.9).reasons.is_empty());
        // Below the general threshold it is reported once.
        assert_eq!(with_name_at(0.3).reasons[0].detail.matches("name_native").count(), 1);
    }

    #[test]
    fn the_back_checks_the_validity_rule_and_expiry() {
        let back = |from: &str, until: &str| CnCard {
            side: Some(CnSide::Back),
            fields: BTreeMap::from([
                (
                    "issuing_authority",
                    FieldRead {
                        value: "北京市公安局朝阳分局".into(),
                        confidence: 0.99,
                    },
                ),
                (
                    "valid_from",
                    FieldRead {
                        value: from.into(),
                        confidence: 0.99,
                    },
                ),
                (
                    "valid_until",
                    FieldRead {
                        value: until.into(),
                        confidence: 0.99,
                    },
                ),
            ]),
            missing: Vec::new(),
            name_sources: Vec::new(),
        };
        assert!(build_cn(&back("2016-06-04", "2036-06-04"), &options())
            .reasons
            .is_empty());
        assert!(build_cn(&back("2008-06-16", cn::LONG_TERM), &options())
            .reasons
            .is_empty());
        assert_eq!(
            codes(&build_cn(&back("2006-06-04", "2026-06-04"), &options())),
            [ReasonCode::DocExpired]
        );
        let soon = build_cn(&back("2006-12-10", "2026-12-10"), &options());
        assert_eq!(codes(&soon), [ReasonCode::DocExpiresSoon]);
        assert_eq!(soon.reasons[0].severity, Severity::Warning);
        // 2016 + 15 years is no lawful period: a misread digit.
        assert_eq!(
            codes(&build_cn(&back("2016-06-04", "2031-06-04"), &options())),
            [ReasonCode::DocUnreadable]
        );
    }

    #[test]
    fn the_wrong_side_is_named() {
        let mut report = build_cn(&front("11010519491231002X", 0.99, "1949-12-31", "F"), &options());
        check_side(&mut report, Some(Side::Back));
        assert_eq!(codes(&report), [ReasonCode::DocWrongSide]);
        let mut report = build_cn(&front("11010519491231002X", 0.99, "1949-12-31", "F"), &options());
        check_side(&mut report, Some(Side::Front));
        check_side(&mut report, None);
        assert!(report.reasons.is_empty());
    }
}
