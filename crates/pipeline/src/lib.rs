//! One verification, from the applicant's uploads and typed data to a
//! decision with reasons: the stages shared by `openkyc serve` (its
//! workers) and `openkyc check`.
//!
//! SKELETON — the contract the server codes against. The pipeline helper
//! fills in the bodies; the public names and shapes below stay (they may
//! gain fields and functions).
//!
//! Two phases, so that the database stays out of the CPU-heavy part:
//! 1. [`Pipeline::analyse`] (blocking, models): intake, capture quality,
//!    document reading, data comparison, validity, face, liveness; it yields
//!    an [`Analysis`] with the keyed document hash and the face template the
//!    duplicate lookup needs.
//! 2. [`Analysis::finish`] (pure): adds what the caller found about
//!    duplicates (or `None`: the duplicates stage is `not_run`) and decides.

use chrono::NaiveDate;
use openkyc_levels::{Level, Levels};
use openkyc_reasons::Explained;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The document type the applicant says they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// A passport (ICAO 9303 TD3).
    Passport,
    /// An ID card with an MRZ (ICAO 9303 TD1/TD2).
    IdCard,
    /// The Chinese Resident Identity Card (GB 11643 number).
    CnResidentId,
}

impl DocumentType {
    /// Whether the type has a back side to photograph.
    pub fn has_back(self) -> bool {
        !matches!(self, DocumentType::Passport)
    }
}

/// What the applicant typed (L1's basic information), as received: the
/// pipeline validates it (`FIELD_MISSING`, `FIELD_INVALID`, `UNDERAGE`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantData {
    /// Given names exactly as on the document (Latin script).
    #[serde(default)]
    pub first_name: String,
    /// Surname exactly as on the document (Latin script).
    #[serde(default)]
    pub last_name: String,
    /// The full name in native script, where the document has one (`张三`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native_name: Option<String>,
    /// Birth date, `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: String,
    /// Nationality, ISO 3166-1 alpha-3 (or alpha-2, normalised).
    #[serde(default)]
    pub nationality: String,
    /// The document's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_type: Option<DocumentType>,
    /// The document's number exactly as printed.
    #[serde(default)]
    pub document_number: String,
    /// The issuing country (alpha-3); the nationality when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_country: Option<String>,
}

/// One frame of a liveness recording: its time and encoded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedFrame {
    /// Milliseconds since the recording started.
    pub t_ms: u32,
    /// JPEG, PNG or WebP bytes.
    pub bytes: Vec<u8>,
}

/// A liveness recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LivenessClip {
    /// An MP4 (H.264) video.
    Video(Vec<u8>),
    /// Still frames with their times.
    Frames(Vec<TimedFrame>),
}

/// The challenge the applicant answered, and the recording.
#[derive(Debug, Clone)]
pub struct LivenessInput {
    /// The challenge, as issued (verified by the caller or by the pipeline).
    pub challenge: openkyc_liveness::Challenge,
    /// The recording.
    pub clip: LivenessClip,
    /// The frames are mirrored (a front camera's preview).
    pub mirrored: bool,
}

/// Everything one verification looks at.
#[derive(Debug, Clone, Default)]
pub struct Input {
    /// The typed basic information.
    pub data: Option<ApplicantData>,
    /// The document's front.
    pub front: Option<Vec<u8>>,
    /// The document's back.
    pub back: Option<Vec<u8>>,
    /// The selfie.
    pub selfie: Option<Vec<u8>>,
    /// The liveness recording.
    pub liveness: Option<LivenessInput>,
}

/// Where the pipeline finds its models and font, and its secret.
#[derive(Debug, Clone)]
pub struct PipelineOptions {
    /// The models directory; `None` looks where `make models` puts them.
    pub models_dir: Option<PathBuf>,
    /// The OCR-B font (Debian's fonts-ocr-b by default).
    pub ocrb_font: PathBuf,
    /// The server secret the document key is an HMAC with.
    pub document_key_secret: Vec<u8>,
}

/// Why the pipeline cannot start (missing font or models that are needed).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// A file the pipeline needs could not be read.
    #[error("{what}: {message}")]
    Setup {
        /// What was being loaded.
        what: String,
        /// Why it failed.
        message: String,
    },
}

/// The final decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The level is granted.
    Approved,
    /// The applicant can fix what the reasons say.
    Retry,
    /// Final.
    Rejected,
    /// A person decides.
    Review,
}

/// A stage's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    /// Ran and found nothing blocking.
    Passed,
    /// Ran and gave reasons.
    Failed,
    /// Did not run (not asked by the level, inputs missing, capability or
    /// database absent); never counted as passed.
    NotRun,
}

/// One stage in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageResult {
    /// `intake`, `capture_quality`, `document`, `data_match`, `validity`,
    /// `face`, `liveness`, `duplicates`.
    pub name: String,
    /// Its outcome.
    pub status: StageStatus,
    /// Its main score, where it has one (face distance, read confidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Wall time.
    pub ms: f64,
    /// Why it did not run, or what it measured, for the operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The document as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// `passport`, `id_card`, `cn_resident_id`, … as the reader tells it.
    pub kind: String,
    /// The fields read, by name.
    pub fields: BTreeMap<String, String>,
}

/// Another applicant holding the same face.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceHolder {
    /// Their applicant id.
    pub applicant_id: String,
    /// The descriptor distance.
    pub distance: f32,
}

/// What the caller found about duplicates (database lookups).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DuplicateFindings {
    /// Other applicants bound to the same document key.
    pub document_holders: Vec<String>,
    /// Other applicants with a face within the level's threshold.
    pub face_holders: Vec<FaceHolder>,
}

/// The report `serve` stores and `check` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The decision.
    pub decision: Decision,
    /// The level asked for.
    pub level: String,
    /// Every reason, strongest first.
    pub reasons: Vec<Explained>,
    /// The document as read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentSummary>,
    /// Every stage, in pipeline order.
    pub stages: Vec<StageResult>,
    /// Duplicates found (operator only: stripped from the applicant's view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<DuplicateFindings>,
    /// Wall time per stage and in total.
    pub timings_ms: BTreeMap<String, f64>,
}

impl Report {
    /// The report as the applicant may see it: no other applicant named, no
    /// technical details.
    pub fn for_applicant(&self) -> Report {
        let mut view = self.clone();
        view.duplicates = None;
        for reason in &mut view.reasons {
            reason.detail = None;
        }
        for stage in &mut view.stages {
            stage.note = None;
        }
        view
    }
}

/// The loaded models and font. Not `Sync`: each worker loads its own.
pub struct Pipeline {
    _options: PipelineOptions,
}

/// The result of [`Pipeline::analyse`], waiting for the duplicate lookups.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The keyed hash of issuing country + document type + normalised
    /// number, when the document (or, at L1, the typed data) gave them.
    pub document_key: Option<String>,
    /// The selfie's face template (`openkyc_faceembed::duplicates::FaceTemplate::to_bytes`).
    pub face_template: Option<Vec<u8>>,
    /// The level's duplicate-face threshold.
    pub duplicate_face_max_distance: f32,
    level: String,
}

impl Pipeline {
    /// Loads what the stages need.
    pub fn load(options: PipelineOptions) -> Result<Pipeline, PipelineError> {
        Ok(Pipeline { _options: options })
    }

    /// Runs every stage but duplicates. Blocking (models): call it from a
    /// blocking thread, never from an async handler.
    pub fn analyse(&mut self, levels: &Levels, level: &Level, input: &Input, today: NaiveDate) -> Analysis {
        let _ = (levels, input, today);
        Analysis {
            document_key: None,
            face_template: None,
            duplicate_face_max_distance: level.thresholds.duplicate_face_max_distance,
            level: level.id.clone(),
        }
    }
}

impl Analysis {
    /// Adds the duplicate findings (`None`: not looked up, the stage is
    /// `not_run`) and decides.
    pub fn finish(self, duplicates: Option<DuplicateFindings>) -> Report {
        Report {
            decision: Decision::Review,
            level: self.level,
            reasons: Vec::new(),
            document: None,
            stages: Vec::new(),
            duplicates,
            timings_ms: BTreeMap::new(),
        }
    }
}
