//! One verification, from the applicant's uploads and typed data to a
//! decision with reasons: the stages shared by `openkyc serve` (its
//! workers) and `openkyc check`.
//!
//! Two phases, so that the database stays out of the CPU-heavy part:
//! 1. [`Pipeline::analyse`] (blocking, models): intake, capture quality,
//!    document reading, data comparison, validity, face, liveness; it yields
//!    an [`Analysis`] with the keyed document hash and the face template the
//!    duplicate lookup needs.
//! 2. [`Analysis::finish`] (pure): adds what the caller found about
//!    duplicates (or `None`: the duplicates stage is `not_run`) and decides.
//!
//! # Stages
//! Each records a [`StageResult`] (status, score, time, note); a stage the
//! level does not run, or whose inputs or models are missing, is `not_run`
//! with the reason in its note, never `passed`.
//! 1. `intake`: every upload the level asks for decoded once (`openkyc-intake`
//!    limits; the recording by `openkyc-frames`): `IMAGE_UNREADABLE` on the
//!    upload, `STEP_MISSING` for a step not taken (the back only where the
//!    document type has one).
//! 2. `capture_quality`: `openkyc-precheck` per side (`DOC_BLURRY`, …); a side
//!    the applicant must take again is not read (a misreading of a blurred
//!    photo must not reach a reviewer as a suspect document).
//! 3. `document`: `openkyc-read` per side, with the text reader when its
//!    models are present (else MRZ documents only, said in the note); a zone
//!    whose check digits fail is `MRZ_CHECK_FAILED` (review), no trusted
//!    reading `DOC_UNREADABLE` (retry); disagreements inside the document are
//!    for review.
//! 4. `data_match`: the typed data on its own (module `validate`), then
//!    against the document (`openkyc-names` for names, exact dates, numbers
//!    without spaces and fillers, countries): `DATA_MISMATCH` with the field
//!    and both values.
//! 5. `validity`: expiry with the level's warning window, age.
//! 6. `face`: the selfie's findings, the document's portrait, the
//!    comparison (score: the distance).
//! 7. `liveness`: the recording against the challenge, and its person
//!    against the selfie's.
//! 8. `duplicates` (in [`Analysis::finish`]).
//!
//! The decision (module `decide`, pure): any `reject` reason → rejected,
//! else `review` → review, else `retry` → retry, else approved; a check the
//! level runs that did not run turns an approval into a review. Reasons are
//! listed strongest first, then in stage order.

use chrono::NaiveDate;
use openkyc_levels::{Level, Levels};
use openkyc_reasons::Explained;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

mod decide;
mod intake;
mod report;
mod stages;
mod validate;

pub use decide::decide;
pub use report::STAGES;

use openkyc_face::mesh::FaceMesh;
use openkyc_facecheck::FaceModels;
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_levels::Check;
use openkyc_precheck::PrecheckConfig;
use openkyc_read::{PageReader, Reader};
use report::{Record, StageOutput};

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
    /// The type as written in JSON and in the document key (`id_card`).
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Passport => "passport",
            DocumentType::IdCard => "id_card",
            DocumentType::CnResidentId => "cn_resident_id",
        }
    }

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

/// The loaded models, font and configuration. `Send` but not `Sync` (the
/// face models run through `&mut`): each worker loads its own.
pub struct Pipeline {
    reader: Reader,
    faces: Option<FaceModels>,
    mesh: Option<FaceMesh>,
    precheck: PrecheckConfig,
    document_key_secret: Vec<u8>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("capabilities", &self.capabilities())
            .finish_non_exhaustive()
    }
}

/// What a loaded pipeline can check (models are optional; a check without
/// its models is `not_run`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// The general text reader (Chinese cards, ID-card fronts, VIZ checks).
    pub text_reader: bool,
    /// Face detection and descriptors (the face stage).
    pub faces: bool,
    /// FaceMesh as well (the liveness stage).
    pub liveness: bool,
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
    record: Record,
    document: Option<DocumentSummary>,
    analyse_ms: f64,
}

impl Pipeline {
    /// Loads what the stages need: the OCR-B font (required), the precheck
    /// configuration, and the models found (each optional: the text reader,
    /// the face models, FaceMesh).
    ///
    /// # Errors
    /// [`PipelineError::Setup`] when the font or the shipped precheck
    /// configuration cannot be used.
    pub fn load(options: PipelineOptions) -> Result<Pipeline, PipelineError> {
        let setup = |what: &str, message: String| PipelineError::Setup {
            what: what.to_owned(),
            message,
        };
        let font = std::fs::read(&options.ocrb_font).map_err(|e| {
            setup(
                "the OCR-B font (install fonts-ocr-b)",
                format!("{}: {e}", options.ocrb_font.display()),
            )
        })?;
        let mut reader = Reader::new(&font).map_err(|e| setup("the OCR-B font", e.to_string()))?;
        let precheck = PrecheckConfig::shipped().map_err(|e| setup("config/precheck.toml", e.to_string()))?;
        let models = match &options.models_dir {
            Some(dir) => ModelSet::open(dir.clone()),
            None => ModelSet::locate(),
        };
        let (mut faces, mut mesh) = (None, None);
        match models {
            Ok(models) => {
                let session = SessionOptions::default();
                match PageReader::load(&models, &session) {
                    Ok(text) => reader = reader.with_text_reader(text),
                    Err(error) => tracing::warn!(%error, "text models not loaded: reading MRZ documents only"),
                }
                match FaceModels::load(&models, &session) {
                    Ok(loaded) => faces = Some(loaded),
                    Err(error) => tracing::warn!(%error, "face models not loaded: the face stage will not run"),
                }
                match FaceMesh::load_with(&models, &session) {
                    Ok(loaded) => mesh = Some(loaded),
                    Err(error) => tracing::warn!(%error, "FaceMesh not loaded: the liveness stage will not run"),
                }
            }
            Err(error) => tracing::warn!(%error, "no models directory (run make models): MRZ reading only"),
        }
        Ok(Pipeline {
            reader,
            faces,
            mesh,
            precheck,
            document_key_secret: options.document_key_secret,
        })
    }

    /// What this pipeline can check.
    pub fn capabilities(&self) -> Capabilities {
        Capabilities {
            text_reader: self.reader.reads_text(),
            faces: self.faces.is_some(),
            liveness: self.faces.is_some() && self.mesh.is_some(),
        }
    }

    /// Runs every stage but duplicates. Blocking (models): call it from a
    /// blocking thread, never from an async handler. `today` is the date
    /// expiry and age are judged against (the caller reads the clock).
    pub fn analyse(&mut self, levels: &Levels, level: &Level, input: &Input, today: NaiveDate) -> Analysis {
        let started = Instant::now();
        let mut record = Record::default();
        let data = input.data.as_ref();
        let typed_type = data.and_then(|d| d.document_type);

        let decoded = record.run("intake", false, || intake::run(level, input, typed_type));

        let retake = record.run("capture_quality", level.runs(Check::CaptureQuality), || {
            if !level.runs(Check::CaptureQuality) {
                return (not_asked(level), stages::quality::Retake::default());
            }
            let front = decoded.front.as_ref().and(input.front.as_deref());
            let back = decoded.back.as_ref().and(input.back.as_deref());
            stages::quality::run(&self.precheck, front, back)
        });

        let reader = &self.reader;
        let document = record.run("document", level.runs(Check::Document), || {
            if !level.runs(Check::Document) {
                return (not_asked(level), None);
            }
            let photos = stages::document::Photos {
                front: decoded.front.as_ref(),
                back: decoded.back.as_ref(),
                retake,
                typed: typed_type,
            };
            stages::document::run(reader, &photos, today)
        });

        let document_birth = document.as_ref().is_some_and(|d| d.field("birth_date").is_some());
        record.run("data_match", level.runs(Check::DataMatch), || {
            let output = match data {
                _ if !level.runs(Check::DataMatch) => not_asked(level),
                None => StageOutput::not_run("no basic information"),
                Some(data) => {
                    let context = stages::data_match::Context {
                        document: document.as_ref(),
                        today,
                        min_age: levels.min_age,
                        typed_age_rule: !(level.runs(Check::Validity) && document_birth),
                    };
                    stages::data_match::run(data, &context)
                }
            };
            (output, ())
        });

        record.run("validity", level.runs(Check::Validity), || {
            let output = if level.runs(Check::Validity) {
                let rules = stages::validity::Rules {
                    today,
                    expires_soon_days: level.thresholds.expires_soon_days,
                    min_age: levels.min_age,
                };
                stages::validity::run(document.as_ref(), &rules)
            } else {
                not_asked(level)
            };
            (output, ())
        });

        let front_for_face = decoded.front.as_ref().filter(|_| !retake.front);
        let faces = self.faces.as_mut();
        let selfie_embedding = record.run("face", level.runs(Check::Face), || {
            if !level.runs(Check::Face) {
                return (not_asked(level), None);
            }
            let photos = stages::face::Photos {
                selfie: decoded.selfie.as_ref(),
                front: front_for_face,
            };
            stages::face::run(faces, &photos, &level.thresholds)
        });

        let (faces, mesh) = (self.faces.as_mut(), self.mesh.as_ref());
        record.run("liveness", level.runs(Check::Liveness), || {
            let output = if level.runs(Check::Liveness) {
                let recording = stages::liveness::Recording {
                    input: input.liveness.as_ref(),
                    frames: decoded.frames.as_deref(),
                    selfie: selfie_embedding.as_ref(),
                };
                stages::liveness::run(faces.zip(mesh), &recording)
            } else {
                not_asked(level)
            };
            (output, ())
        });

        let document_key = self.document_key(document.as_ref(), data);
        Analysis {
            document_key,
            face_template: selfie_embedding
                .map(|embedding| openkyc_faceembed::duplicates::FaceTemplate::new(embedding).to_bytes()),
            duplicate_face_max_distance: level.thresholds.duplicate_face_max_distance,
            level: level.id.clone(),
            record,
            document: document.as_ref().map(stages::document::DocumentRead::summary),
            analyse_ms: report::elapsed_ms(started),
        }
    }

    /// The keyed document hash: from the document as read, else (at L1,
    /// or when the document could not be read) from the typed data.
    fn document_key(
        &self,
        document: Option<&stages::document::DocumentRead>,
        data: Option<&ApplicantData>,
    ) -> Option<String> {
        let from_document = document.and_then(|d| {
            Some((
                d.field("issuing_country")?.to_owned(),
                d.document_type()?,
                d.field("document_number")?.to_owned(),
            ))
        });
        let from_typed = || {
            let data = data?;
            let country = data
                .issuing_country
                .clone()
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| data.nationality.clone());
            let number = validate::normalise_number(&data.document_number);
            (!country.trim().is_empty() && !number.is_empty()).then_some((country, data.document_type?, number))
        };
        let (country, kind, number) = from_document.or_else(from_typed)?;
        Some(openkyc_signing::document_key(
            &self.document_key_secret,
            &validate::canonical_country(&country),
            kind.as_str(),
            &validate::normalise_number(&number),
        ))
    }
}

/// A stage the level does not run.
fn not_asked(level: &Level) -> StageOutput {
    StageOutput::not_run(format!("not a check of level {}", level.id))
}

impl Analysis {
    /// Adds the duplicate findings (`None`: not looked up, the stage is
    /// `not_run`) and decides.
    pub fn finish(self, duplicates: Option<DuplicateFindings>) -> Report {
        let started = Instant::now();
        let mut record = self.record;
        let output = report::duplicates_stage(duplicates.as_ref(), self.face_template.is_some());
        record.push("duplicates", false, output, report::elapsed_ms(started));
        report::build(
            record,
            self.level,
            self.document,
            duplicates,
            self.analyse_ms + report::elapsed_ms(started),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pipeline_can_move_to_a_worker_thread() {
        fn is_send<T: Send>() {}
        is_send::<Pipeline>();
        is_send::<Analysis>();
    }
}
