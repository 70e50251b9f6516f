//! The one catalogue of reason codes shared by every stage of openkyc:
//! capture quality, document reading, the applicant's data, faces and
//! liveness, duplicates.
//!
//! A code is a stable public identifier (an API): add codes, never rename
//! them. Each code has a [`Kind`] (what it leads to when nothing else
//! decides: a fix the applicant can make, a person's review, a final
//! rejection, or a mere warning), and words for the applicant in English and
//! Simplified Chinese ([`words()`], [`explain()`]), the stage that raises it
//! ([`Code::stage`]), and the nearest labels of other providers
//! ([`vendors()`]); [`reasons_markdown()`] renders all of it as
//! `docs/REASONS.md` (`cargo run -p openkyc-reasons --example reasons_md`).

use serde::{Deserialize, Serialize};

/// Every reason openkyc can give, across stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    // --- Uploads -----------------------------------------------------------
    /// The file is not a photo openkyc can decode (format, truncation,
    /// hostile structure), or exceeds the size or pixel limits.
    ImageUnreadable,
    /// A step the level requires was not completed (a side, the selfie, the
    /// liveness frames, the basic information).
    StepMissing,

    // --- The applicant's basic information (L1) ---------------------------
    /// A required field of the basic information is empty.
    FieldMissing,
    /// A field of the basic information is not well formed (a date that
    /// does not exist, an unknown country, a number of the wrong form).
    FieldInvalid,
    /// The applicant is younger than the level's minimum age.
    Underage,

    // --- Capture quality (openkyc-precheck) -------------------------------
    /// No document in the photo.
    DocNotFound,
    /// The document touches or leaves the frame.
    DocCornersCut,
    /// The document covers too little of the frame.
    DocTooSmall,
    /// Too few pixels on the document for reading.
    DocLowResolution,
    /// Perspective too steep.
    DocTilted,
    /// Focus or motion blur.
    DocBlurry,
    /// Glare over the document.
    DocGlare,
    /// Underexposed.
    DocTooDark,
    /// Overexposed.
    DocOverexposed,
    /// Editing software or other signs of a re-saved image.
    DocEdited,
    /// A screenshot rather than a photo.
    DocScreenshot,
    /// A photo of a screen.
    DocScreenPhoto,

    // --- Reading the document (openkyc-read) ------------------------------
    /// The document could not be read reliably.
    DocUnreadable,
    /// A document type openkyc does not accept.
    DocUnsupported,
    /// The other side of the document than the one asked for.
    DocWrongSide,
    /// The document has expired.
    DocExpired,
    /// The document expires soon (a warning).
    DocExpiresSoon,
    /// The MRZ was read but its check digits do not pass.
    MrzCheckFailed,
    /// The visual zone states something else than the MRZ.
    VizMrzMismatch,
    /// The identity number fails its checksum or structure.
    IdNumberInvalid,
    /// What the applicant typed (or one part of the document) differs from
    /// the document: the field and both values are given.
    DataMismatch,

    // --- Faces and liveness (openkyc-facecheck) ---------------------------
    /// No face in the selfie.
    FaceNotFound,
    /// Several faces in the selfie.
    FaceMultiple,
    /// The face is covered (glasses, hat, mask, hand).
    FaceOccluded,
    /// The face is too small in the frame.
    FaceTooSmall,
    /// The face is too dark.
    FaceTooDark,
    /// The face is overexposed.
    FaceOverexposed,
    /// The face is not turned to the camera.
    FaceNotFrontal,
    /// No portrait found on the document.
    PortraitNotFound,
    /// The selfie and the document's portrait are not the same person.
    FaceMismatch,
    /// The liveness check failed (an action not seen, too few frames, the
    /// face lost).
    LivenessFailed,
    /// A sign of a presentation attack (a screen, a print, a replayed or
    /// swapped face, the document's portrait reused as the selfie).
    SpoofSuspected,

    // --- Duplicates --------------------------------------------------------
    /// The document is already bound to another applicant.
    DuplicateDocument,
    /// The face is already known under another applicant.
    DuplicateFace,
}

/// What a reason leads to when it is the strongest one in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Informs; decides nothing (`DOC_EXPIRES_SOON`).
    Warning,
    /// The applicant can fix it and try again.
    Retry,
    /// A person must decide.
    Review,
    /// Final: the application cannot be approved.
    Reject,
}

/// The stage of a verification that raises a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Receiving the files and the steps the level requires.
    Uploads,
    /// The applicant's typed basic information (L1).
    BasicInfo,
    /// Capture quality of the document photos (`openkyc-precheck`).
    Capture,
    /// Reading the document and comparing it with the typed data.
    Document,
    /// The selfie and the document's portrait (`openkyc-facecheck`).
    Face,
    /// The live recording and presentation-attack signals.
    Liveness,
    /// Other applicants' documents and faces.
    Duplicates,
}

impl Stage {
    /// The stage as written in reports (`basic_info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Uploads => "uploads",
            Stage::BasicInfo => "basic_info",
            Stage::Capture => "capture",
            Stage::Document => "document",
            Stage::Face => "face",
            Stage::Liveness => "liveness",
            Stage::Duplicates => "duplicates",
        }
    }
}

impl Code {
    /// Every code, in catalogue order (uploads, basic information, capture,
    /// reading, faces, duplicates).
    pub const ALL: [Code; 39] = [
        Code::ImageUnreadable,
        Code::StepMissing,
        Code::FieldMissing,
        Code::FieldInvalid,
        Code::Underage,
        Code::DocNotFound,
        Code::DocCornersCut,
        Code::DocTooSmall,
        Code::DocLowResolution,
        Code::DocTilted,
        Code::DocBlurry,
        Code::DocGlare,
        Code::DocTooDark,
        Code::DocOverexposed,
        Code::DocEdited,
        Code::DocScreenshot,
        Code::DocScreenPhoto,
        Code::DocUnreadable,
        Code::DocUnsupported,
        Code::DocWrongSide,
        Code::DocExpired,
        Code::DocExpiresSoon,
        Code::MrzCheckFailed,
        Code::VizMrzMismatch,
        Code::IdNumberInvalid,
        Code::DataMismatch,
        Code::FaceNotFound,
        Code::FaceMultiple,
        Code::FaceOccluded,
        Code::FaceTooSmall,
        Code::FaceTooDark,
        Code::FaceOverexposed,
        Code::FaceNotFrontal,
        Code::PortraitNotFound,
        Code::FaceMismatch,
        Code::LivenessFailed,
        Code::SpoofSuspected,
        Code::DuplicateDocument,
        Code::DuplicateFace,
    ];

    /// The code as written in reports and the API (`DOC_BLURRY`).
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ImageUnreadable => "IMAGE_UNREADABLE",
            Code::StepMissing => "STEP_MISSING",
            Code::FieldMissing => "FIELD_MISSING",
            Code::FieldInvalid => "FIELD_INVALID",
            Code::Underage => "UNDERAGE",
            Code::DocNotFound => "DOC_NOT_FOUND",
            Code::DocCornersCut => "DOC_CORNERS_CUT",
            Code::DocTooSmall => "DOC_TOO_SMALL",
            Code::DocLowResolution => "DOC_LOW_RESOLUTION",
            Code::DocTilted => "DOC_TILTED",
            Code::DocBlurry => "DOC_BLURRY",
            Code::DocGlare => "DOC_GLARE",
            Code::DocTooDark => "DOC_TOO_DARK",
            Code::DocOverexposed => "DOC_OVEREXPOSED",
            Code::DocEdited => "DOC_EDITED",
            Code::DocScreenshot => "DOC_SCREENSHOT",
            Code::DocScreenPhoto => "DOC_SCREEN_PHOTO",
            Code::DocUnreadable => "DOC_UNREADABLE",
            Code::DocUnsupported => "DOC_UNSUPPORTED",
            Code::DocWrongSide => "DOC_WRONG_SIDE",
            Code::DocExpired => "DOC_EXPIRED",
            Code::DocExpiresSoon => "DOC_EXPIRES_SOON",
            Code::MrzCheckFailed => "MRZ_CHECK_FAILED",
            Code::VizMrzMismatch => "VIZ_MRZ_MISMATCH",
            Code::IdNumberInvalid => "ID_NUMBER_INVALID",
            Code::DataMismatch => "DATA_MISMATCH",
            Code::FaceNotFound => "FACE_NOT_FOUND",
            Code::FaceMultiple => "FACE_MULTIPLE",
            Code::FaceOccluded => "FACE_OCCLUDED",
            Code::FaceTooSmall => "FACE_TOO_SMALL",
            Code::FaceTooDark => "FACE_TOO_DARK",
            Code::FaceOverexposed => "FACE_OVEREXPOSED",
            Code::FaceNotFrontal => "FACE_NOT_FRONTAL",
            Code::PortraitNotFound => "PORTRAIT_NOT_FOUND",
            Code::FaceMismatch => "FACE_MISMATCH",
            Code::LivenessFailed => "LIVENESS_FAILED",
            Code::SpoofSuspected => "SPOOF_SUSPECTED",
            Code::DuplicateDocument => "DUPLICATE_DOCUMENT",
            Code::DuplicateFace => "DUPLICATE_FACE",
        }
    }

    /// The code written as [`Code::as_str`] gives it, or `None`.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == text)
    }

    /// The stage that raises the code. `SPOOF_SUSPECTED` counts as
    /// liveness (presentation-attack detection) although a selfie alone can
    /// raise it too.
    pub fn stage(self) -> Stage {
        match self {
            Code::ImageUnreadable | Code::StepMissing => Stage::Uploads,
            Code::FieldMissing | Code::FieldInvalid | Code::Underage => Stage::BasicInfo,
            Code::DocNotFound
            | Code::DocCornersCut
            | Code::DocTooSmall
            | Code::DocLowResolution
            | Code::DocTilted
            | Code::DocBlurry
            | Code::DocGlare
            | Code::DocTooDark
            | Code::DocOverexposed
            | Code::DocEdited
            | Code::DocScreenshot
            | Code::DocScreenPhoto => Stage::Capture,
            Code::DocUnreadable
            | Code::DocUnsupported
            | Code::DocWrongSide
            | Code::DocExpired
            | Code::DocExpiresSoon
            | Code::MrzCheckFailed
            | Code::VizMrzMismatch
            | Code::IdNumberInvalid
            | Code::DataMismatch => Stage::Document,
            Code::FaceNotFound
            | Code::FaceMultiple
            | Code::FaceOccluded
            | Code::FaceTooSmall
            | Code::FaceTooDark
            | Code::FaceOverexposed
            | Code::FaceNotFrontal
            | Code::PortraitNotFound
            | Code::FaceMismatch => Stage::Face,
            Code::LivenessFailed | Code::SpoofSuspected => Stage::Liveness,
            Code::DuplicateDocument | Code::DuplicateFace => Stage::Duplicates,
        }
    }

    /// What the code leads to by default. A stage may raise a particular
    /// reason's kind (a data mismatch inside the document itself is for
    /// review, not for the applicant to fix), never lower it below this.
    pub fn default_kind(self) -> Kind {
        match self {
            Code::DocExpiresSoon => Kind::Warning,
            Code::Underage => Kind::Reject,
            // Signs of tampering or of an attack, and whatever another
            // applicant is involved in: a person decides; nobody is accused
            // (or rejected) by an automatic signal alone.
            Code::DocEdited
            | Code::MrzCheckFailed
            | Code::VizMrzMismatch
            | Code::FaceMismatch
            | Code::SpoofSuspected
            | Code::DuplicateDocument
            | Code::DuplicateFace => Kind::Review,
            _ => Kind::Retry,
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason in a report: the code, its kind here, and where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The catalogue code.
    pub code: Code,
    /// What it leads to in this report (at least [`Code::default_kind`]).
    pub kind: Kind,
    /// The field it concerns (`last_name`, `birth_date`, `document_number`),
    /// or the upload (`front`, `back`, `selfie`, `liveness`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `DATA_MISMATCH`: what the applicant typed. Absent when two parts
    /// of the document disagree with each other (see
    /// [`Reason::within_document`]); the words differ accordingly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typed: Option<String>,
    /// For `DATA_MISMATCH`: what the document says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// A technical detail for the operator and reviewers (scores,
    /// thresholds); never personal data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Reason {
    /// A reason with the code's default kind and nothing else.
    pub fn new(code: Code) -> Reason {
        Reason {
            code,
            kind: code.default_kind(),
            field: None,
            typed: None,
            document: None,
            detail: None,
        }
    }

    /// The same reason, about `field`.
    pub fn field(mut self, field: impl Into<String>) -> Reason {
        self.field = Some(field.into());
        self
    }

    /// The same reason with a technical detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Reason {
        self.detail = Some(detail.into());
        self
    }

    /// The same reason, raised to `kind` when that is stronger.
    pub fn at_least(mut self, kind: Kind) -> Reason {
        self.kind = self.kind.max(kind);
        self
    }

    /// A `DATA_MISMATCH` on `field`, with both values.
    pub fn mismatch(field: impl Into<String>, typed: impl Into<String>, document: impl Into<String>) -> Reason {
        let mut reason = Reason::new(Code::DataMismatch).field(field);
        reason.typed = Some(typed.into());
        reason.document = Some(document.into());
        reason
    }

    /// A `DATA_MISMATCH` between two parts of the document itself (a Chinese
    /// card's number against its printed birth date): nothing the applicant
    /// typed is involved, so it goes to a person, not back to the applicant.
    pub fn within_document(field: impl Into<String>) -> Reason {
        Reason::new(Code::DataMismatch).field(field).at_least(Kind::Review)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_and_round_trips() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code), "{code} listed twice");
            assert_eq!(Code::parse(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn a_reason_is_never_lowered_below_its_code() {
        let reason = Reason::new(Code::DuplicateDocument).at_least(Kind::Retry);
        assert_eq!(reason.kind, Kind::Review);
        assert_eq!(Reason::new(Code::DocBlurry).at_least(Kind::Review).kind, Kind::Review);
    }

    #[test]
    fn a_mismatch_inside_the_document_is_for_review_and_carries_no_typed_value() {
        let reason = Reason::within_document("birth_date");
        assert_eq!((reason.code, reason.kind), (Code::DataMismatch, Kind::Review));
        assert_eq!(reason.typed, None);
        assert_eq!(Reason::mismatch("last_name", "LI", "LEE").kind, Kind::Retry);
    }

    #[test]
    fn every_stage_raises_some_code_and_codes_keep_their_stage_order() {
        let stages: Vec<Stage> = Code::ALL.iter().map(|code| code.stage()).collect();
        // ALL lists codes stage by stage, so the stages never go back.
        assert!(stages.windows(2).all(|pair| pair[0] <= pair[1]), "{stages:?}");
        let distinct: std::collections::BTreeSet<Stage> = stages.into_iter().collect();
        assert_eq!(distinct.len(), 7);
        assert_eq!(Code::SpoofSuspected.stage().as_str(), "liveness");
        assert_eq!(Code::Underage.stage().as_str(), "basic_info");
    }
}

mod markdown;
pub mod vendors;
mod words;
pub use markdown::reasons_markdown;
pub use vendors::{vendors, OnfidoLabel, Vendors, VeriffCode};
pub use words::{document_inconsistency_words, explain, words, words_for, Bilingual, Explained, Lang, Words};
