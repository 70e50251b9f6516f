//! The reading stage: from a photo of a document to its fields, each with
//! where it was read and a confidence, plus the reasons a reading cannot be
//! trusted or the document cannot be accepted.
//!
//! # What it reads today
//! Documents with an ICAO 9303 machine-readable zone: passports (TD3), ID
//! cards (TD1, TD2) and visas (MRV-A/B). The Chinese Resident Identity Card
//! and the visual-zone cross-check (`VIZ_MRZ_MISMATCH`) need the general
//! text recogniser and are not read yet: a photo without an MRZ is reported
//! as unreadable (`DOC_UNREADABLE`), never guessed at.
//!
//! # Steps ([`read_photo`], [`read_image`])
//! 1. **Intake** at reading resolution: long side up to
//!    [`ReadOptions::working_max_side`] (2400 px: a 12-MP photo is decoded
//!    at ½ scale), far more than the precheck's live-guidance copy.
//! 2. **Document**: `openkyc-docdetect` finds the quadrilateral (the
//!    precheck's parameters); the document is rectified at its own pixel
//!    width (up to [`MAX_RECTIFIED_WIDTH`]), then resampled so that its long
//!    side is [`READING_WIDTH`] (a passport page) or [`CARD_READING_WIDTH`]
//!    (an ID-1 card, told by its aspect ratio): MRZ characters then have the
//!    size the reader is tuned for whatever the photo's resolution. Without
//!    a document outline (a tight crop or a flat scan) the whole image is
//!    read as the document. (Reading a little beyond the outline, for
//!    outlines found inside the document, was tried and lost more than it
//!    gained: the background it brings in misleads the zone's deskew.)
//! 3. **MRZ**: the lower [`MRZ_SEARCH_FRACTION`] of the rectified document
//!    (where ICAO 9303-3 puts the zone) is searched with
//!    `openkyc-mrzocr::read_zone`, in each orientation the document may have
//!    been photographed in (upright and upside down; for a portrait crop,
//!    turned either way), and the check digits choose among the per-character
//!    candidates (`openkyc-mrzocr::choose`). The first orientation that
//!    gives a reading whose check digits all pass wins; otherwise the best
//!    scoring reading is reported with `valid: false`.
//! 4. **Fields** from the parsed MRZ (`openkyc-mrz`), each with source `mrz`
//!    and a confidence: the lowest per-character confidence over the
//!    characters of the field (see `openkyc_mrzocr::Reading::confidence`:
//!    the classification margin, raised where a passing check digit covers
//!    the character).
//! 5. **Reasons** ([`ReasonCode`]): `DOC_UNREADABLE` when no MRZ is found,
//!    a check digit fails, a country code is not one ICAO lists (no check
//!    digit covers it), or a character's confidence is below
//!    [`ReadOptions::min_char_confidence`] (two misread characters can
//!    cancel in one check digit, so a passing digit over an uncertain
//!    character is not enough); expiry before the reference date (`DOC_EXPIRED`) or
//!    within [`ReadOptions::expires_soon_days`] of it (`DOC_EXPIRES_SOON`, a
//!    warning).
//!
//! No I/O, and the clock decides nothing: the caller passes the image bytes,
//! the OCR-B font and the reference date (`timings_ms` are informational).

mod catalogue;
mod fields;
mod mrz;
mod report;

pub use catalogue::{words, Lang, Words};
pub use report::{DocumentKind, MrzRepair, MrzSection, ReadReport, ReadTimings, Reason, ReasonCode, Severity, Source};

use chrono::NaiveDate;
use image::{GrayImage, RgbImage};
use openkyc_docdetect::{DetectParams, Detection};
use openkyc_intake::{IntakeError, IntakeLimits};
use openkyc_mrzocr::{TemplateError, Templates};
use std::time::Instant;
use thiserror::Error;

/// The width (pixels) a passport-shaped document (aspect below
/// [`CARD_ASPECT`]) is read at: an MRZ character is then about 21 px tall on
/// a TD3 page (2.4 mm of 125 mm) and 25 px on a TD2 card (of 105 mm), the
/// sizes the MRZ reader reads best.
pub const READING_WIDTH: u32 = 1100;
/// The width an ID-1 card (aspect at least [`CARD_ASPECT`]) is read at: its
/// MRZ characters are then about 22 px tall (2.4 mm of 85.6 mm).
pub const CARD_READING_WIDTH: u32 = 800;
/// Aspect ratio (long / short side) from which a document is taken for an
/// ID-1 card (1.586) rather than a passport page or TD2 card (1.42).
pub const CARD_ASPECT: f32 = 1.5;
/// The document is first rectified at its own pixel width, up to this.
pub const MAX_RECTIFIED_WIDTH: u32 = 2400;
/// The part of the document, from the bottom, searched for the MRZ (a TD3
/// zone takes the lower 23 mm of 88; a TD1 zone the lower 23 mm of 54).
pub const MRZ_SEARCH_FRACTION: f32 = 0.5;

/// Why a photo could not be read at all.
#[derive(Debug, Error)]
pub enum ReadError {
    /// The bytes are not a readable photo.
    #[error(transparent)]
    Intake(#[from] IntakeError),
    /// The OCR-B font could not be turned into templates.
    #[error("OCR-B templates: {0}")]
    Templates(#[from] TemplateError),
}

/// The reader's models: OCR-B glyph templates (built once, reused for every
/// photo).
#[derive(Debug, Clone)]
pub struct Reader {
    templates: Templates,
}

impl Reader {
    /// Builds the templates from OCR-B font bytes (Debian's `fonts-ocr-b`).
    ///
    /// # Errors
    /// [`ReadError::Templates`] when the font is unusable.
    pub fn new(ocrb_font: &[u8]) -> Result<Self, ReadError> {
        Ok(Self {
            templates: Templates::from_font(ocrb_font)?,
        })
    }
}

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// "Today" for expiry and two-digit years (the caller reads the clock).
    pub reference_date: NaiveDate,
    /// A document expiring within this many days of the reference date gets
    /// the `DOC_EXPIRES_SOON` warning. Default 30.
    pub expires_soon_days: i64,
    /// Long side of the decoded photo. Default 2400.
    pub working_max_side: u32,
    /// A reading with any character less confident than this is not
    /// trusted (`DOC_UNREADABLE`). Default 0.5: a character then has at
    /// least even odds by its own glyph or passing check digits vouch for it.
    pub min_char_confidence: f32,
    /// Upload limits (the intake's defaults unless set).
    pub limits: IntakeLimits,
}

impl ReadOptions {
    /// The defaults, with `reference_date` as today.
    pub fn new(reference_date: NaiveDate) -> Self {
        Self {
            reference_date,
            expires_soon_days: 30,
            working_max_side: 2400,
            min_char_confidence: 0.5,
            limits: IntakeLimits::default(),
        }
    }
}

/// Reads a photo given as file bytes.
///
/// # Errors
/// [`ReadError::Intake`] when the bytes are not a readable photo.
pub fn read_photo(reader: &Reader, bytes: &[u8], options: &ReadOptions) -> Result<ReadReport, ReadError> {
    read_photo_with_lines(reader, bytes, options).map(|(report, _)| report)
}

/// [`read_photo`], also returning each MRZ line's image as it was read
/// (deskewed, dark print on light paper): for a reviewer to see, or for
/// another recogniser to be measured on the same lines.
///
/// # Errors
/// [`ReadError::Intake`] when the bytes are not a readable photo.
pub fn read_photo_with_lines(
    reader: &Reader,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<(ReadReport, Vec<GrayImage>), ReadError> {
    let started = Instant::now();
    let limits = IntakeLimits {
        working_max_side: options.working_max_side,
        ..options.limits.clone()
    };
    let intake = openkyc_intake::intake(bytes, &limits)?;
    let intake_ms = elapsed_ms(started);
    let (mut report, lines) = read_image_with_lines(reader, &intake.working, options);
    // Corners in the full-size photo's pixels, as the precheck reports them.
    let scale = intake.width as f32 / intake.working.width().max(1) as f32;
    if let Some(corners) = &mut report.document_corners {
        for corner in corners.iter_mut() {
            *corner = [corner[0] * scale, corner[1] * scale];
        }
    }
    report.timings_ms.intake = intake_ms;
    report.timings_ms.total = elapsed_ms(started);
    Ok((report, lines))
}

/// Reads a decoded, upright photo.
pub fn read_image(reader: &Reader, photo: &RgbImage, options: &ReadOptions) -> ReadReport {
    read_image_with_lines(reader, photo, options).0
}

/// [`read_image`], also returning the MRZ line images (see
/// [`read_photo_with_lines`]).
pub fn read_image_with_lines(reader: &Reader, photo: &RgbImage, options: &ReadOptions) -> (ReadReport, Vec<GrayImage>) {
    let started = Instant::now();
    let mut timings = ReadTimings::default();
    let detection = openkyc_docdetect::detect(photo, &detect_params(photo));
    timings.detect = elapsed_ms(started);

    let stage = Instant::now();
    let (document, corners) = match &detection {
        Detection::Found(found) => {
            let (width, height) = openkyc_docdetect::rectified_size(found, MAX_RECTIFIED_WIDTH);
            let native = openkyc_docdetect::rectify(photo, &found.corners, width, height);
            (resized(&native, reading_scale(width, height)), Some(found.corners))
        }
        Detection::NotFound { .. } => (resized(photo, reading_scale(photo.width(), photo.height())), None),
    };
    timings.rectify = elapsed_ms(stage);

    let stage = Instant::now();
    let reading = mrz::read_document(&reader.templates, &document, options.reference_date);
    timings.mrz = elapsed_ms(stage);

    let mut report = report::build(reading.as_ref(), options);
    report.document_corners = corners;
    timings.total = elapsed_ms(started);
    report.timings_ms = timings;
    (report, reading.map(|r| r.line_images).unwrap_or_default())
}

/// The precheck's detector parameters: an edge margin of 1% of the short
/// side, confidence 0.45, documents down to 1.25% of the frame.
fn detect_params(photo: &RgbImage) -> DetectParams {
    let short_side = photo.width().min(photo.height()) as f32;
    DetectParams {
        edge_margin: 0.01 * short_side,
        min_confidence: 0.45,
        min_area_fraction: 0.0125,
        ..DetectParams::default()
    }
}

/// The factor that brings a document of `width × height` pixels to the
/// reading width for its shape ([`READING_WIDTH`] or [`CARD_READING_WIDTH`]
/// on its long side).
fn reading_scale(width: u32, height: u32) -> f32 {
    let (long, short) = (width.max(height), width.min(height));
    if short == 0 {
        return 1.0;
    }
    let target = if long as f32 / short as f32 >= CARD_ASPECT {
        CARD_READING_WIDTH
    } else {
        READING_WIDTH
    };
    target as f32 / long as f32
}

/// `image` resized by `scale` (area-weighted when shrinking, so fine print
/// does not alias).
fn resized(image: &RgbImage, scale: f32) -> RgbImage {
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 {
        return image.clone();
    }
    let side = |v: u32| ((v as f32 * scale).round() as u32).clamp(1, MAX_RECTIFIED_WIDTH);
    image::imageops::resize(image, side(width), side(height), image::imageops::FilterType::Triangle)
}

fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_and_pages_get_their_own_reading_width() {
        assert_eq!(reading_scale(1586, 1000), CARD_READING_WIDTH as f32 / 1586.0);
        assert_eq!(reading_scale(1000, 1420), READING_WIDTH as f32 / 1420.0);
        assert_eq!(reading_scale(0, 10), 1.0);
        assert_eq!(resized(&RgbImage::new(0, 0), 2.0).dimensions(), (0, 0));
        assert_eq!(resized(&RgbImage::new(100, 50), 0.5).dimensions(), (50, 25));
    }
}
