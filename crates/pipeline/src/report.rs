//! Recording stages as they run, and turning the record into a [`Report`]:
//! the duplicates stage, the order of the reasons, the decision, the words.

use crate::decide::{decide, order};
use crate::{Decision, DocumentSummary, DuplicateFindings, Report, StageResult, StageStatus};
use openkyc_reasons::{explain, Code, Kind, Reason};
use std::collections::BTreeMap;
use std::time::Instant;

/// The stages, in pipeline order (their index orders reasons of one kind).
pub const STAGES: [&str; 8] = [
    "intake",
    "capture_quality",
    "document",
    "data_match",
    "validity",
    "face",
    "liveness",
    "duplicates",
];

/// What one stage found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StageOutput {
    pub status: StageStatus,
    pub score: Option<f64>,
    pub note: Option<String>,
    pub reasons: Vec<Reason>,
}

impl StageOutput {
    /// A stage that did not run, and why.
    pub fn not_run(note: impl Into<String>) -> Self {
        Self {
            status: StageStatus::NotRun,
            score: None,
            note: Some(note.into()),
            reasons: Vec::new(),
        }
    }

    /// A stage that ran: failed when any reason is more than a warning.
    pub fn ran(reasons: Vec<Reason>) -> Self {
        let failed = reasons.iter().any(|r| r.kind > Kind::Warning);
        Self {
            status: if failed {
                StageStatus::Failed
            } else {
                StageStatus::Passed
            },
            score: None,
            note: None,
            reasons,
        }
    }

    /// The same with a score.
    pub fn score(mut self, score: Option<f64>) -> Self {
        self.score = score.filter(|s| s.is_finite());
        self
    }

    /// The same with a note (kept apart from an earlier one by "; ").
    pub fn note(mut self, note: impl Into<String>) -> Self {
        let note = note.into();
        self.note = Some(match self.note.take() {
            Some(earlier) => format!("{earlier}; {note}"),
            None => note,
        });
        self
    }
}

/// The stages run so far, with their reasons.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    pub stages: Vec<StageResult>,
    pub reasons: Vec<(usize, Reason)>,
    /// Stages the level runs that did not run (for want of an input, an
    /// earlier stage's result or a capability): they block an approval.
    pub unverified: Vec<&'static str>,
}

impl Record {
    /// Runs `stage` (named `name`), timing it, and records what it found.
    /// `required`: the level runs this check, so not running it for want
    /// of a capability leaves the application unverified.
    pub fn run<T>(&mut self, name: &'static str, required: bool, stage: impl FnOnce() -> (StageOutput, T)) -> T {
        let started = Instant::now();
        let (output, value) = stage();
        self.push(name, required, output, elapsed_ms(started));
        value
    }

    /// Records a stage's output.
    pub fn push(&mut self, name: &'static str, required: bool, output: StageOutput, ms: f64) {
        let index = STAGES.iter().position(|s| *s == name).unwrap_or(STAGES.len());
        if required && output.status == StageStatus::NotRun {
            self.unverified.push(name);
        }
        for reason in output.reasons {
            // One reason per code and field: two stages may see the same
            // thing (the typed and the printed birth date both underage).
            let seen = self
                .reasons
                .iter()
                .any(|(_, r)| r.code == reason.code && r.field == reason.field);
            if !seen {
                self.reasons.push((index, reason));
            }
        }
        self.stages.push(StageResult {
            name: name.to_owned(),
            status: output.status,
            score: output.score,
            ms,
            note: output.note,
        });
    }

    /// Milliseconds per stage.
    pub fn timings(&self) -> BTreeMap<String, f64> {
        self.stages.iter().map(|s| (s.name.clone(), s.ms)).collect()
    }
}

/// The duplicates stage from what the caller looked up.
pub(crate) fn duplicates_stage(findings: Option<&DuplicateFindings>, looked_for_face: bool) -> StageOutput {
    let Some(findings) = findings else {
        return StageOutput::not_run("no database: openkyc check");
    };
    let mut reasons = Vec::new();
    if !findings.document_holders.is_empty() {
        reasons.push(
            Reason::new(Code::DuplicateDocument)
                .field("document_number")
                .detail(format!(
                    "the document is bound to {} other applicant(s)",
                    findings.document_holders.len()
                )),
        );
    }
    let closest = findings
        .face_holders
        .iter()
        .map(|h| h.distance)
        .filter(|d| d.is_finite())
        .reduce(f32::min);
    if !findings.face_holders.is_empty() {
        reasons.push(Reason::new(Code::DuplicateFace).field("selfie").detail(format!(
            "the face is within the duplicate distance of {} other applicant(s)",
            findings.face_holders.len()
        )));
    }
    let mut output = StageOutput::ran(reasons).score(closest.map(f64::from));
    if !looked_for_face {
        output = output.note("no face template: faces not compared");
    }
    output
}

/// The report from the record.
pub(crate) fn build(
    mut record: Record,
    level: String,
    document: Option<DocumentSummary>,
    duplicates: Option<DuplicateFindings>,
    total_ms: f64,
) -> Report {
    order(&mut record.reasons);
    let decision: Decision = decide(
        record.reasons.iter().map(|(_, r)| r.kind),
        !record.unverified.is_empty(),
    );
    let mut timings_ms = record.timings();
    timings_ms.insert("total".to_owned(), total_ms);
    Report {
        decision,
        level,
        reasons: record.reasons.iter().map(|(_, r)| explain(r)).collect(),
        document,
        stages: record.stages,
        duplicates,
        timings_ms,
    }
}

/// Milliseconds since `started`.
pub(crate) fn elapsed_ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}
