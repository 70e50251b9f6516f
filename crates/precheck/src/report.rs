//! What a precheck returns.

use crate::reasons::ReasonCode;
use serde::Serialize;

/// Which side of the document the photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The side with the portrait (passport data page, card front).
    Front,
    /// The reverse of a card.
    Back,
}

/// The result of one check, passed or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckOutcome {
    /// The reason this check raises when it fails.
    pub code: ReasonCode,
    /// Whether the check could run (e.g. blur needs a document).
    pub ran: bool,
    /// Whether it passed (`true` when it did not run).
    pub passed: bool,
    /// The measured score.
    pub score: f64,
    /// The configured threshold.
    pub threshold: f64,
    /// How the score compares: `min` (fails below) or `max` (fails above).
    pub bound: Bound,
    /// What was measured, in words (English, technical).
    pub detail: String,
}

/// Which side of the threshold fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The score must be at least the threshold.
    Min,
    /// The score must be at most the threshold.
    Max,
}

/// A failed check, as the applicant's reasons list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// Stable code.
    pub code: ReasonCode,
    /// The measured score.
    pub score: f64,
    /// The configured threshold.
    pub threshold: f64,
    /// What was measured (English, technical; user words come from the catalogue).
    pub detail: String,
}

/// Where the document is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentReport {
    /// Top-left, top-right, bottom-right, bottom-left, in pixels of the
    /// original (upright) photo; may lie outside it when corners are cut.
    pub corners: [[f32; 2]; 4],
    /// Detection confidence, 0–1.
    pub confidence: f32,
    /// Fraction of the frame the visible document covers.
    pub area_fraction: f32,
    /// The document's long side, in original pixels.
    pub width_px: f32,
    /// Size of the rectified crop the quality checks measured: the analysis
    /// size when the document was rectified straight to it, else the
    /// document's own size in the working copy (at most `rectified_width`
    /// wide), which the checks resampled to the analysis size.
    pub rectified_size: [u32; 2],
}

/// The photo as received.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageReport {
    /// Format sniffed from the bytes.
    pub format: openkyc_intake::ImageFormat,
    /// Width after EXIF orientation.
    pub width: u32,
    /// Height after EXIF orientation.
    pub height: u32,
    /// EXIF orientation applied (1 = none).
    pub orientation: u8,
}

/// Milliseconds per stage (informational: never used in a decision).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timings {
    /// Sniffing, limits, decoding, orientation, downscaling.
    pub intake: f64,
    /// Finding the document.
    pub detect: f64,
    /// Perspective correction.
    pub rectify: f64,
    /// Quality measurements.
    pub measure: f64,
    /// Everything.
    pub total: f64,
}

/// The precheck's verdict on one photo.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecheckReport {
    /// No reason to retake the photo.
    pub ok: bool,
    /// The side the caller said this is.
    pub side: Side,
    /// Failed checks, most important first.
    pub reasons: Vec<Reason>,
    /// Every check with its score and threshold.
    pub checks: Vec<CheckOutcome>,
    /// The document, when found.
    pub document: Option<DocumentReport>,
    /// The photo.
    pub image: ImageReport,
    /// Time per stage.
    pub timings_ms: Timings,
}
