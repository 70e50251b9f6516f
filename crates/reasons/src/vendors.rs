//! The nearest labels other providers use for each code, so an operator
//! migrating from them can map their reports: Sumsub's rejection labels
//! (`rejectLabels` of `applicantReviewed`), Onfido's report breakdowns (API
//! v3.6: the Document, Facial Similarity and Known Faces reports, with the
//! documented reason where a breakdown has reasons), and Veriff's decision
//! and granular reason codes (`verification.reasonCode`).
//!
//! Only public, documented names: every one used here is checked against
//! the lists below, copied from the providers' documentation. Where a
//! provider has nothing close, the list is empty (rendered "—"); where the
//! match is loose, the note says how.

use crate::Code;
use serde::Serialize;

/// One Onfido result: a report's breakdown, and the documented reason
/// within it when that narrows it down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OnfidoLabel {
    /// `document`, `facial_similarity_photo`, `facial_similarity_video`
    /// or `known_faces`.
    pub report: &'static str,
    /// The breakdown and sub-breakdown (`image_integrity.image_quality`).
    pub breakdown: &'static str,
    /// The reason within the sub-breakdown (`glare_on_photo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

impl std::fmt::Display for OnfidoLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.report, self.breakdown)?;
        match self.reason {
            Some(reason) => write!(f, " ({reason})"),
            None => Ok(()),
        }
    }
}

/// One Veriff reason code with its documented description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VeriffCode {
    /// `verification.reasonCode`.
    pub code: u16,
    /// `verification.reason`.
    pub reason: &'static str,
}

impl std::fmt::Display for VeriffCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.reason)
    }
}

/// The nearest labels of other providers for one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Vendors {
    /// Sumsub rejection labels.
    pub sumsub: &'static [&'static str],
    /// Onfido report breakdowns.
    pub onfido: &'static [OnfidoLabel],
    /// Veriff reason codes.
    pub veriff: &'static [VeriffCode],
    /// How the mapping is approximate, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

const fn doc(breakdown: &'static str, reason: Option<&'static str>) -> OnfidoLabel {
    OnfidoLabel {
        report: "document",
        breakdown,
        reason,
    }
}

const fn quality(reason: &'static str) -> OnfidoLabel {
    doc("image_integrity.image_quality", Some(reason))
}

const fn selfie(breakdown: &'static str) -> OnfidoLabel {
    OnfidoLabel {
        report: "facial_similarity_photo",
        breakdown,
        reason: None,
    }
}

const fn veriff(code: u16, reason: &'static str) -> VeriffCode {
    VeriffCode { code, reason }
}

const V_PHOTOS_MISSING: VeriffCode = veriff(201, "Video and/or photos missing");
const V_FACE_NOT_VISIBLE: VeriffCode = veriff(202, "Face not clearly visible");
const V_POOR_QUALITY: VeriffCode = veriff(204, "Poor image quality");
const V_PHYSICAL_NOT_USED: VeriffCode = veriff(101, "Physical document not used");
const IMAGE_QUALITY: OnfidoLabel = doc("image_integrity.image_quality", None);
const FACE_DETECTED: OnfidoLabel = selfie("image_integrity.face_detected");
const SELFIE_QUALITY_NOTE: Option<&str> = Some(
    "Approximate: no provider documents a label for this particular fault; these are their labels for a selfie that \
     cannot be used.",
);
const PHOTO_QUALITY_NOTE: Option<&str> = Some(
    "Approximate: no provider documents a label for this particular fault; these are their general image-quality \
     labels.",
);

/// One row of the table, built as a constant so that its slices live for
/// the whole program.
macro_rules! row {
    ($sumsub:expr, $onfido:expr, $veriff:expr, $note:expr $(,)?) => {{
        const ROW: Vendors = Vendors {
            sumsub: $sumsub,
            onfido: $onfido,
            veriff: $veriff,
            note: $note,
        };
        ROW
    }};
}

/// The nearest labels of Sumsub, Onfido and Veriff for `code`: one
/// exhaustive table, so a new code cannot compile without its row.
pub fn vendors(code: Code) -> Vendors {
    match code {
        // --- Uploads and basic information
        Code::ImageUnreadable => row!(
            &[],
            &[],
            &[],
            Some("None of the three documents a verification label for a file that cannot be decoded."),
        ),
        Code::StepMissing => row!(
            &[
                "DOCUMENT_MISSING",
                "FRONT_SIDE_MISSING",
                "BACK_SIDE_MISSING",
                "DOCUMENT_PAGE_MISSING",
            ],
            &[doc("image_integrity.conclusive_document_quality", Some("missing_back"))],
            &[
                V_PHOTOS_MISSING,
                veriff(208, "Selfie missing"),
                veriff(209, "Document photo missing"),
            ],
            Some("openkyc names the missing step in `field`; Onfido's reason covers only a missing back side."),
        ),
        Code::FieldMissing => row!(
            &["PROBLEMATIC_APPLICANT_DATA"],
            &[],
            &[],
            Some("Approximate: Sumsub's label covers problems with the applicant's data in general."),
        ),
        Code::FieldInvalid => row!(
            &["PROBLEMATIC_APPLICANT_DATA", "INCORRECT_SOCIAL_NUMBER"],
            &[],
            &[],
            Some(
                "Approximate: INCORRECT_SOCIAL_NUMBER is for a typed tax or social number; FIELD_INVALID also covers \
                 dates and country codes.",
            ),
        ),
        Code::Underage => row!(
            &["AGE_REQUIREMENT_MISMATCH"],
            &[doc("age_validation.minimum_accepted_age", None)],
            &[veriff(533, "Person is under 18 years old")],
            Some(
                "Veriff has one code per threshold (530 to 536, under 13 to under 25); 533 matches openkyc's default \
                 minimum age of 18.",
            ),
        ),
        // --- Capture quality
        Code::DocNotFound => row!(
            &["UNSATISFACTORY_PHOTOS", "NOT_DOCUMENT"],
            &[quality("no_document_in_image")],
            &[veriff(209, "Document photo missing")],
            Some(
                "Sumsub lists NOT_DOCUMENT (an upload that is not a document) among its final-rejection labels; \
                 openkyc asks for another photo.",
            ),
        ),
        Code::DocCornersCut => row!(
            &["INCOMPLETE_DOCUMENT", "UNSATISFACTORY_PHOTOS"],
            &[quality("cut_off_document")],
            &[veriff(203, "Full document not visible")],
            None,
        ),
        Code::DocTooSmall | Code::DocLowResolution => row!(
            &["LOW_QUALITY", "UNSATISFACTORY_PHOTOS"],
            &[IMAGE_QUALITY],
            &[V_POOR_QUALITY],
            PHOTO_QUALITY_NOTE,
        ),
        Code::DocTilted => row!(
            &["UNSATISFACTORY_PHOTOS"],
            &[quality("other_photo_issue")],
            &[V_POOR_QUALITY],
            PHOTO_QUALITY_NOTE,
        ),
        Code::DocBlurry => row!(
            &["UNSATISFACTORY_PHOTOS"],
            &[quality("blurred_photo")],
            &[V_POOR_QUALITY],
            None,
        ),
        Code::DocGlare => row!(
            &["UNSATISFACTORY_PHOTOS"],
            &[quality("glare_on_photo")],
            &[V_POOR_QUALITY],
            None,
        ),
        Code::DocTooDark => row!(
            &["UNSATISFACTORY_PHOTOS"],
            &[quality("dark_photo")],
            &[V_POOR_QUALITY],
            None,
        ),
        Code::DocOverexposed => row!(
            &["UNSATISFACTORY_PHOTOS"],
            &[quality("other_photo_issue")],
            &[V_POOR_QUALITY],
            Some("Onfido documents reasons for dark photos and for glare, none for overexposure."),
        ),
        Code::DocEdited => row!(
            &["GRAPHIC_EDITOR"],
            &[doc("visual_authenticity.digital_tampering", None)],
            &[veriff(102, "Suspected document tampering")],
            Some(
                "Approximate: Onfido and Veriff judge the document itself; openkyc's signal is editing software and \
                 re-saving traces in the photo, and sends the case to review.",
            ),
        ),
        Code::DocScreenshot => row!(
            &["SCREENSHOTS"],
            &[doc("visual_authenticity.original_document_present", Some("screenshot"))],
            &[V_PHYSICAL_NOT_USED],
            None,
        ),
        Code::DocScreenPhoto => row!(
            &["SCREENSHOTS"],
            &[doc(
                "visual_authenticity.original_document_present",
                Some("photo_of_screen")
            )],
            &[V_PHYSICAL_NOT_USED, veriff(504, "Attempted deceit, device screen used")],
            Some(
                "Sumsub has no separate label for a photographed screen. Veriff's 504 is a decline; openkyc asks \
                 for a photo of the document itself.",
            ),
        ),
        // --- Reading the document
        Code::DocUnreadable => row!(
            &["UNSATISFACTORY_PHOTOS", "LOW_QUALITY"],
            &[IMAGE_QUALITY, doc("image_integrity.conclusive_document_quality", None)],
            &[V_POOR_QUALITY],
            None,
        ),
        Code::DocUnsupported => row!(
            &["ID_INVALID", "NOT_DOCUMENT"],
            &[doc("image_integrity.supported_document", None)],
            &[veriff(206, "Document type not supported")],
            Some("Sumsub's instant check calls this forbiddenDocument (a tag, not a rejection label)."),
        ),
        Code::DocWrongSide => row!(
            &["FRONT_SIDE_MISSING", "BACK_SIDE_MISSING"],
            &[quality("incorrect_side")],
            &[V_PHOTOS_MISSING],
            Some("Veriff's 201 includes a missing photo of the document's front or back."),
        ),
        Code::DocExpired => row!(
            &["EXPIRATION_DATE"],
            &[doc("data_validation.document_expiration", None)],
            &[veriff(207, "Document expired")],
            None,
        ),
        Code::DocExpiresSoon => row!(
            &[],
            &[],
            &[],
            Some("None of the three documents a label for a document about to expire; openkyc only warns."),
        ),
        Code::MrzCheckFailed => row!(
            &[],
            &[doc("data_validation.mrz", None)],
            &[],
            Some(
                "Sumsub and Veriff document no label for failed MRZ check digits; their nearest are tampering labels \
                 (FORGERY, 102), which openkyc does not assume: a misprint or a worn page can fail a check digit \
                 too.",
            ),
        ),
        Code::VizMrzMismatch => row!(
            &["FORGERY"],
            &[doc("data_consistency", None)],
            &[veriff(507, "Presented document tampered, data cross reference")],
            Some(
                "Approximate: Sumsub lists FORGERY among its final-rejection labels and Veriff's 507 is a decline; \
                 openkyc sends the case to a person.",
            ),
        ),
        Code::IdNumberInvalid => row!(
            &["ID_INVALID"],
            &[doc("data_validation.document_numbers", None)],
            &[],
            Some("Approximate for Sumsub: ID_INVALID is about the document as a whole."),
        ),
        Code::DataMismatch => row!(
            &["REQUESTED_DATA_MISMATCH", "PROBLEMATIC_APPLICANT_DATA"],
            &[doc("data_comparison", None), doc("data_consistency", None)],
            &[veriff(104, "Name entered does not match name on document")],
            Some(
                "Onfido's data_comparison matches typed data; its data_consistency matches a disagreement inside the \
                 document (no typed value). Veriff's 104 covers names only.",
            ),
        ),
        // --- Faces, liveness and duplicates
        Code::FaceNotFound => row!(&["BAD_SELFIE"], &[FACE_DETECTED], &[V_FACE_NOT_VISIBLE], None),
        Code::FaceMultiple => row!(
            &["BAD_SELFIE"],
            &[FACE_DETECTED],
            &[veriff(502, "Multiple parties present in session")],
            Some("Veriff's 502 is a decline; openkyc asks for a selfie taken alone."),
        ),
        Code::FaceOccluded | Code::FaceTooSmall | Code::FaceTooDark | Code::FaceOverexposed | Code::FaceNotFrontal => {
            row!(
                &["BAD_SELFIE"],
                &[FACE_DETECTED],
                &[V_FACE_NOT_VISIBLE],
                SELFIE_QUALITY_NOTE,
            )
        }
        Code::PortraitNotFound => row!(
            &[],
            &[doc("visual_authenticity.face_detection", None)],
            &[veriff(537, "Unable to perform document media portrait cropping")],
            Some("Sumsub's instant check looks for a face on the document but documents no rejection label for it."),
        ),
        Code::FaceMismatch => row!(
            &["BAD_FACE_MATCHING", "SELFIE_MISMATCH"],
            &[selfie("face_comparison.face_match")],
            &[veriff(
                103,
                "Person showing the document does not appear to match document photo"
            )],
            Some(
                "Sumsub lists SELFIE_MISMATCH among its final-rejection labels (BAD_FACE_MATCHING among the \
                 resubmission ones) and Veriff's 103 is a decline; openkyc sends the case to a person.",
            ),
        ),
        Code::LivenessFailed => row!(
            &["BAD_VIDEO_SELFIE"],
            &[OnfidoLabel {
                report: "facial_similarity_video",
                breakdown: "visual_authenticity.liveness_detected",
                reason: None,
            }],
            &[],
            Some("Veriff documents no resubmission code for a liveness action not performed."),
        ),
        Code::SpoofSuspected => row!(
            &["FRAUDULENT_LIVENESS"],
            &[
                selfie("visual_authenticity.spoofing_detection"),
                OnfidoLabel {
                    report: "facial_similarity_video",
                    breakdown: "visual_authenticity.spoofing_detection",
                    reason: None,
                },
            ],
            &[
                veriff(504, "Attempted deceit, device screen used"),
                veriff(505, "Attempted deceit, printout used"),
                veriff(515, "Attempted deceit, device screen used for face image"),
            ],
            Some(
                "Elsewhere these lead to a decline (Sumsub lists FRAUDULENT_LIVENESS among its final-rejection \
                 labels); in openkyc one signal sends the case to a person, and only several strong signals agreeing \
                 reject it.",
            ),
        ),
        Code::DuplicateDocument => row!(
            &["DUPLICATE"],
            &[doc("compromised_document.repeat_attempts", None)],
            &[veriff(110, "Velocity/abuse duplicated ID")],
            Some(
                "Approximate for Onfido: repeat_attempts flags the same document presented with different details; \
                 openkyc flags the same document (issuing country, type and number) under any other applicant.",
            ),
        ),
        Code::DuplicateFace => row!(
            &["DUPLICATE"],
            &[OnfidoLabel {
                report: "known_faces",
                breakdown: "previously_seen_faces",
                reason: None,
            }],
            &[
                veriff(124, "Face already exists in the face collection"),
                veriff(108, "Velocity/abuse duplicated end-user"),
            ],
            None,
        ),
    }
}

/// Sumsub's documented rejection labels (final and resubmission), from
/// "Receive and interpret results via API" / "Rejection labels".
pub const SUMSUB_LABELS: &[&str] = &[
    "ADVERSE_MEDIA",
    "AGE_REQUIREMENT_MISMATCH",
    "BLOCKLIST",
    "CHECK_UNAVAILABLE",
    "COMPROMISED_PERSONS",
    "CRIMINAL",
    "DB_DATA_MISMATCH",
    "DB_DATA_NOT_FOUND",
    "DOCUMENT_TEMPLATE",
    "DUPLICATE",
    "EXPERIENCE_REQUIREMENT_MISMATCH",
    "EXTERNAL_DECISION_REJECTION",
    "FORGERY",
    "FRAUDULENT_LIVENESS",
    "FRAUDULENT_PATTERNS",
    "INCONSISTENT_PROFILE",
    "PEP",
    "REGULATIONS_VIOLATIONS",
    "SANCTIONS",
    "SELFIE_MISMATCH",
    "SPAM",
    "NOT_DOCUMENT",
    "THIRD_PARTY_INVOLVED",
    "UNSUPPORTED_LANGUAGE",
    "WRONG_USER_REGION",
    "APPLICANT_INTERRUPTED_INTERVIEW",
    "ADDITIONAL_DOCUMENT_REQUIRED",
    "BACK_SIDE_MISSING",
    "BAD_AVATAR",
    "BAD_FACE_MATCHING",
    "BAD_PROOF_OF_ADDRESS",
    "BAD_PROOF_OF_IDENTITY",
    "BAD_PROOF_OF_PAYMENT",
    "BAD_SELFIE",
    "BAD_VIDEO_SELFIE",
    "BLACK_AND_WHITE",
    "CONNECTION_INTERRUPTED",
    "DIGITAL_DOCUMENT",
    "DOCUMENT_DEPRIVED",
    "DOCUMENT_DAMAGED",
    "DOCUMENT_MISSING",
    "DOCUMENT_PAGE_MISSING",
    "EXPIRATION_DATE",
    "FRONT_SIDE_MISSING",
    "GRAPHIC_EDITOR",
    "ID_INVALID",
    "INCOMPATIBLE_LANGUAGE",
    "INCOMPLETE_DOCUMENT",
    "INCORRECT_SOCIAL_NUMBER",
    "PROBLEMATIC_APPLICANT_DATA",
    "REQUESTED_DATA_MISMATCH",
    "SELFIE_WITH_PAPER",
    "LOW_QUALITY",
    "NOT_ALL_CHECKS_COMPLETED",
    "SCREENSHOTS",
    "UNFILLED_ID",
    "UNSATISFACTORY_PHOTOS",
    "UNSUITABLE_ENV",
    "WRONG_ADDRESS",
];

/// Onfido's documented report breakdowns (API v3.6), as `report: path`.
pub const ONFIDO_BREAKDOWNS: &[&str] = &[
    "document: image_integrity.image_quality",
    "document: image_integrity.supported_document",
    "document: image_integrity.colour_picture",
    "document: image_integrity.conclusive_document_quality",
    "document: visual_authenticity.original_document_present",
    "document: visual_authenticity.digital_tampering",
    "document: visual_authenticity.face_detection",
    "document: visual_authenticity.picture_face_integrity",
    "document: visual_authenticity.security_features",
    "document: visual_authenticity.template",
    "document: visual_authenticity.fonts",
    "document: data_validation.document_expiration",
    "document: data_validation.document_numbers",
    "document: data_validation.date_of_birth",
    "document: data_validation.mrz",
    "document: data_comparison",
    "document: data_consistency",
    "document: compromised_document.repeat_attempts",
    "document: age_validation.minimum_accepted_age",
    "facial_similarity_photo: face_comparison.face_match",
    "facial_similarity_photo: image_integrity.face_detected",
    "facial_similarity_photo: image_integrity.source_integrity",
    "facial_similarity_photo: visual_authenticity.spoofing_detection",
    "facial_similarity_video: visual_authenticity.liveness_detected",
    "facial_similarity_video: visual_authenticity.spoofing_detection",
    "known_faces: previously_seen_faces",
];

/// Onfido's documented reasons: of `image_quality` (IQ), of
/// `conclusive_document_quality` (CDQ) and of `original_document_present`
/// (ODP).
pub const ONFIDO_REASONS: &[(&str, &[&str])] = &[
    (
        "image_integrity.image_quality",
        &[
            "dark_photo",
            "glare_on_photo",
            "blurred_photo",
            "covered_photo",
            "other_photo_issue",
            "damaged_document",
            "incorrect_side",
            "cut_off_document",
            "no_document_in_image",
            "two_documents_uploaded",
        ],
    ),
    (
        "image_integrity.conclusive_document_quality",
        &[
            "obscured_data_points",
            "obscured_security_features",
            "abnormal_document_features",
            "watermarks_digital_text_overlay",
            "corner_removed",
            "punctured_document",
            "missing_back",
            "digital_document",
        ],
    ),
    (
        "visual_authenticity.original_document_present",
        &["photo_of_screen", "screenshot", "document_on_printed_paper", "scan"],
    ),
];

/// Veriff's documented reason codes used here, from "Verification session
/// decision codes" and "Granular reason codes".
pub const VERIFF_CODES: &[VeriffCode] = &[
    veriff(101, "Physical document not used"),
    veriff(102, "Suspected document tampering"),
    veriff(
        103,
        "Person showing the document does not appear to match document photo",
    ),
    veriff(104, "Name entered does not match name on document"),
    veriff(108, "Velocity/abuse duplicated end-user"),
    veriff(110, "Velocity/abuse duplicated ID"),
    veriff(124, "Face already exists in the face collection"),
    veriff(201, "Video and/or photos missing"),
    veriff(202, "Face not clearly visible"),
    veriff(203, "Full document not visible"),
    veriff(204, "Poor image quality"),
    veriff(205, "Document damaged"),
    veriff(206, "Document type not supported"),
    veriff(207, "Document expired"),
    veriff(208, "Selfie missing"),
    veriff(209, "Document photo missing"),
    veriff(502, "Multiple parties present in session"),
    veriff(504, "Attempted deceit, device screen used"),
    veriff(505, "Attempted deceit, printout used"),
    veriff(507, "Presented document tampered, data cross reference"),
    veriff(515, "Attempted deceit, device screen used for face image"),
    veriff(533, "Person is under 18 years old"),
    veriff(537, "Unable to perform document media portrait cropping"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sumsub_label_is_a_documented_one() {
        for code in Code::ALL {
            for label in vendors(code).sumsub {
                assert!(
                    SUMSUB_LABELS.contains(label),
                    "{code}: {label} is not a documented Sumsub label"
                );
            }
        }
    }

    #[test]
    fn every_onfido_breakdown_and_reason_is_a_documented_one() {
        for code in Code::ALL {
            for label in vendors(code).onfido {
                let path = format!("{}: {}", label.report, label.breakdown);
                assert!(
                    ONFIDO_BREAKDOWNS.contains(&path.as_str()),
                    "{code}: {path} is not documented"
                );
                if let Some(reason) = label.reason {
                    let documented = ONFIDO_REASONS
                        .iter()
                        .find(|(breakdown, _)| *breakdown == label.breakdown)
                        .is_some_and(|(_, reasons)| reasons.contains(&reason));
                    assert!(
                        documented,
                        "{code}: {reason} is not a documented reason of {}",
                        label.breakdown
                    );
                }
            }
        }
    }

    #[test]
    fn every_veriff_code_carries_its_documented_description() {
        for code in Code::ALL {
            for veriff in vendors(code).veriff {
                assert!(VERIFF_CODES.contains(veriff), "{code}: {veriff} is not as documented");
            }
        }
    }

    #[test]
    fn only_codes_without_any_counterpart_say_so_and_explain_why() {
        for code in Code::ALL {
            let row = vendors(code);
            if row.sumsub.is_empty() && row.onfido.is_empty() && row.veriff.is_empty() {
                assert!(row.note.is_some(), "{code} maps to nothing and says nothing");
            }
        }
        // The labels that matter most to a migrating operator.
        assert_eq!(vendors(Code::DocExpired).sumsub, ["EXPIRATION_DATE"]);
        assert_eq!(vendors(Code::DocEdited).sumsub, ["GRAPHIC_EDITOR"]);
        assert_eq!(vendors(Code::SpoofSuspected).sumsub, ["FRAUDULENT_LIVENESS"]);
        assert_eq!(vendors(Code::FaceMismatch).veriff[0].code, 103);
    }

    #[test]
    fn labels_render_as_the_documentation_writes_them() {
        let glare = vendors(Code::DocGlare);
        assert_eq!(
            glare.onfido[0].to_string(),
            "document: image_integrity.image_quality (glare_on_photo)"
        );
        assert_eq!(glare.veriff[0].to_string(), "204 Poor image quality");
    }
}
