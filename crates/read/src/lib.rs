//! The reading stage: from a photo of a document to its fields, each with
//! where it was read and a confidence, plus the reasons a reading cannot be
//! trusted or the document cannot be accepted.
//!
//! # What it reads
//! - Documents with an ICAO 9303 machine-readable zone: passports (TD3), ID
//!   cards (TD1, TD2) and visas (MRV-A/B), by their MRZ.
//! - With a text reader ([`Reader::with_text_reader`], PP-OCRv4 through
//!   `openkyc-ocr`): both sides of the Chinese Resident Identity Card
//!   (module `cn`), and telling a document openkyc does not read
//!   (`DOC_UNSUPPORTED`) from an illegible one (`DOC_UNREADABLE`). Without
//!   it, a photo without an MRZ is `DOC_UNREADABLE`, never guessed at.
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
//!    warning); `DOC_WRONG_SIDE` when [`ReadOptions::expected_side`] asks
//!    for the other side.
//!
//! # Without an MRZ (a text reader given)
//! 6. The rectified document is scaled so that its short side is the
//!    detector's 736 px and read line by line (upright, then turned half
//!    way; a portrait-shaped crop a quarter turn either way). Lines are
//!    found at a detector input of 480 px first (the Chinese card's print
//!    is large: at under half the cost); what is not a Chinese card is
//!    looked at again at 736 px (an ID-1 front's labels are 1 mm tall).
//! 7. **Unread print** (module `ink`): ink in a line box that no emitted
//!    character explains becomes [`UNREAD`] with confidence 0, so a
//!    character outside the recogniser's table cannot silently drop out of
//!    a name.
//! 8. **Card fields** (module `cn`): rows of boxes, values after their
//!    printed labels (specks under half the median box height left out);
//!    then each character of the name is read again on its own, in three
//!    cuts (`second_look`: a character outside the table has no stable
//!    reading and may have been replaced by a confident look-alike in
//!    context; a name needs [`ReadOptions::min_name_confidence`]); the
//!    number is checked with `openkyc-cnid` and against the printed birth
//!    date and sex (`ID_NUMBER_INVALID`, `DATA_MISMATCH`),
//!    the validity period against the 5/10/20-year rule, the ethnicity
//!    against the 56 groups, every field's characters against
//!    [`ReadOptions::min_char_confidence`]; expiry from the back.
//! 9. Text that is neither gives `DOC_UNSUPPORTED`; no legible text,
//!    `DOC_UNREADABLE`.
//!
//! No I/O, and the clock decides nothing: the caller passes the image bytes,
//! the OCR-B font and the reference date (`timings_ms` are informational).

mod catalogue;
mod cn;
mod fields;
mod ink;
mod mrz;
mod report;
mod viz;

pub use catalogue::{words, Lang, Words};
pub use cn::LONG_TERM;
pub use ink::UNREAD;
pub use openkyc_ocr::PageReader;
pub use report::{
    DocumentKind, MrzRepair, MrzSection, ReadReport, ReadTimings, Reason, ReasonCode, Severity, Side, Source,
};
pub use viz::{
    cross_check, has_mismatch, read_viz, Agreement, CrossCheckOptions, PrintedDate, VizCheck, VizField, VizFields,
};

use chrono::NaiveDate;
use image::{GrayImage, RgbImage};
use openkyc_docdetect::{DetectParams, Detection};
use openkyc_intake::{IntakeError, IntakeLimits};
use openkyc_mrzocr::{TemplateError, Templates};
use openkyc_ocr::{OcrError, TextLine};
use std::sync::Mutex;
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
    /// The text recogniser failed (a model problem, not the photo's).
    #[error("text recogniser: {0}")]
    Ocr(#[from] OcrError),
}

/// The reader's models: OCR-B glyph templates (built once, reused for every
/// photo) and, optionally, the general text detector and recogniser that
/// the visual zone and the Chinese Resident Identity Card need.
#[derive(Debug)]
pub struct Reader {
    templates: Templates,
    /// Behind a lock because a model run needs exclusive access; a service
    /// that reads in parallel keeps one `Reader` per worker.
    text: Option<Mutex<PageReader>>,
}

impl Reader {
    /// An MRZ-only reader: templates from OCR-B font bytes (Debian's
    /// `fonts-ocr-b`). Without a text reader a photo without an MRZ is
    /// `DOC_UNREADABLE`.
    ///
    /// # Errors
    /// [`ReadError::Templates`] when the font is unusable.
    pub fn new(ocrb_font: &[u8]) -> Result<Self, ReadError> {
        Ok(Self {
            templates: Templates::from_font(ocrb_font)?,
            text: None,
        })
    }

    /// Adds the general text reader (PP-OCRv4): Chinese Resident Identity
    /// Cards, and telling unsupported documents from unreadable ones.
    pub fn with_text_reader(mut self, text: PageReader) -> Self {
        self.text = Some(Mutex::new(text));
        self
    }

    /// Whether a text reader was added.
    pub fn reads_text(&self) -> bool {
        self.text.is_some()
    }

    /// One line image read by the recogniser (`None` without a text reader).
    fn recognize(&self, line: &RgbImage) -> Result<Option<openkyc_ocr::Recognized>, ReadError> {
        let Some(text) = &self.text else {
            return Ok(None);
        };
        let mut text = text.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(Some(text.recognizer.recognize(line)?))
    }

    /// Every text line of an upright image (empty without a text reader).
    fn text_lines(&self, image: &RgbImage) -> Result<Vec<TextLine>, ReadError> {
        self.text_lines_at(image, None)
    }

    /// [`Self::text_lines`] with the detector's input short side set (see
    /// `openkyc_ocr::TextDetector::detect_at`); `None`: the wheel's rule.
    fn text_lines_at(&self, image: &RgbImage, short_side: Option<u32>) -> Result<Vec<TextLine>, ReadError> {
        let Some(text) = &self.text else {
            return Ok(Vec::new());
        };
        let mut text = text.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let boxes = match short_side {
            Some(side) => text.detector.detect_at(image, side)?,
            None => text.detector.detect(image)?,
        };
        Ok(text.read_boxes(image, &boxes)?)
    }

    /// The text lines of an upright image but those whose box `skip`s
    /// (not recognised at all).
    fn text_lines_except(
        &self,
        image: &RgbImage,
        skip: impl Fn(&openkyc_ocr::TextBox) -> bool,
    ) -> Result<Vec<TextLine>, ReadError> {
        let Some(text) = &self.text else {
            return Ok(Vec::new());
        };
        // A poisoned lock only means another read panicked mid-run; the
        // models hold no state between runs, so reading on is safe.
        let mut text = text.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let boxes: Vec<openkyc_ocr::TextBox> = text.detector.detect(image)?.into_iter().filter(|b| !skip(b)).collect();
        Ok(text.read_boxes(image, &boxes)?)
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
    /// A Chinese card's name with any character less confident than this
    /// (after each was read again alone) is not trusted (`DOC_UNREADABLE`).
    /// Default 0.85: the recogniser gives a rare name character it knows
    /// (珏) and a look-alike standing in for one outside its table (号 for
    /// 骉) the same 0.55–0.7, so only a clear reading tells them apart; a
    /// name is what the applicant's typed name is compared with.
    pub min_name_confidence: f32,
    /// A number read at least this confidently that fails its own checks is
    /// the document's fault (`ID_NUMBER_INVALID`), not a misreading.
    /// Default 0.9.
    pub trusted_confidence: f32,
    /// The side the photo should show; the other one is `DOC_WRONG_SIDE`.
    /// Default: either.
    pub expected_side: Option<Side>,
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
            min_name_confidence: 0.85,
            trusted_confidence: 0.9,
            expected_side: None,
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
    let (mut report, lines) = read_image_with_lines(reader, &intake.working, options)?;
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
///
/// # Errors
/// [`ReadError::Ocr`] when the text recogniser fails.
pub fn read_image(reader: &Reader, photo: &RgbImage, options: &ReadOptions) -> Result<ReadReport, ReadError> {
    read_image_with_lines(reader, photo, options).map(|(report, _)| report)
}

/// [`read_image`], also returning the MRZ line images (see
/// [`read_photo_with_lines`]).
///
/// # Errors
/// [`ReadError::Ocr`] when the text recogniser fails.
pub fn read_image_with_lines(
    reader: &Reader,
    photo: &RgbImage,
    options: &ReadOptions,
) -> Result<(ReadReport, Vec<GrayImage>), ReadError> {
    let started = Instant::now();
    let mut timings = ReadTimings::default();
    let detection = openkyc_docdetect::detect(photo, &detect_params(photo));
    timings.detect = elapsed_ms(started);

    let stage = Instant::now();
    let (native, corners) = match &detection {
        Detection::Found(found) => {
            let (width, height) = openkyc_docdetect::rectified_size(found, MAX_RECTIFIED_WIDTH);
            let native = openkyc_docdetect::rectify(photo, &found.corners, width, height);
            (std::borrow::Cow::Owned(native), Some(found.corners))
        }
        Detection::NotFound { .. } => (std::borrow::Cow::Borrowed(photo), None),
    };
    let document = resized(&native, reading_scale(native.width(), native.height()));
    timings.rectify = elapsed_ms(stage);

    let stage = Instant::now();
    let reading = mrz::read_document(&reader.templates, &document, options.reference_date);
    timings.mrz = elapsed_ms(stage);

    let mut report = match &reading {
        Some(found) => {
            let mut report = report::build(Some(found), options);
            if reader.reads_text() && visual_zone_on_this_side(&report) {
                let stage = Instant::now();
                let upright = mrz::rotate(&document, found.rotation_deg);
                let lines = reader.text_lines_except(&upright, |b| is_mrz_box(b, upright.dimensions()))?;
                let viz = viz::read_viz(&lines, upright.dimensions());
                let checks = viz::cross_check(
                    &viz,
                    &report.fields,
                    &viz::CrossCheckOptions {
                        names_truncated: found.reading.report.fields.names_truncated,
                        ..viz::CrossCheckOptions::default()
                    },
                );
                report::add_viz_checks(&mut report, checks);
                timings.text = elapsed_ms(stage);
            }
            report
        }
        None if reader.reads_text() => {
            let stage = Instant::now();
            let report = read_without_mrz(reader, &native, options)?;
            timings.text = elapsed_ms(stage);
            report
        }
        None => report::build(None, options),
    };
    report::check_side(&mut report, options.expected_side);
    report.document_corners = corners;
    timings.total = elapsed_ms(started);
    report.timings_ms = timings;
    Ok((report, reading.map(|r| r.line_images).unwrap_or_default()))
}

/// Whether the visual zone is worth reading against this MRZ: the MRZ was
/// trusted (an expired document's still is), and it is not a TD1 card's,
/// which sits on the back while the names and dates are printed on the
/// front.
fn visual_zone_on_this_side(report: &ReadReport) -> bool {
    let trusted = !report.reasons.iter().any(|r| r.code == ReasonCode::DocUnreadable);
    trusted && report.mrz.as_ref().is_some_and(|m| m.format != "TD1")
}

/// A box in the MRZ's band (the lower 30% of the upright document, wider
/// than half of it): the MRZ reader has read it already, and a 44-character
/// line is the recogniser's slowest.
fn is_mrz_box(bbox: &openkyc_ocr::TextBox, (width, height): (u32, u32)) -> bool {
    bbox.y0 > 0.7 * height as f32 && bbox.x1 - bbox.x0 > 0.5 * width as f32
}

/// A document without an MRZ: a Chinese Resident Identity Card side, or
/// text of a document openkyc does not read (`DOC_UNSUPPORTED`), or nothing
/// legible (`DOC_UNREADABLE`). The card is read upright first, then turned
/// half way (a portrait-shaped crop a quarter turn either way first).
fn read_without_mrz(reader: &Reader, native: &RgbImage, options: &ReadOptions) -> Result<ReadReport, ReadError> {
    let turns: [u16; 2] = if native.width() >= native.height() {
        [0, 180]
    } else {
        [90, 270]
    };
    let mut legible = false;
    for turn in turns {
        let upright = mrz::rotate(native, turn);
        let image = resized(&upright, text_scale(upright.width(), upright.height()));
        // The Chinese card's print (2.2 mm and up) is found at a lower
        // detector resolution, at under half the cost; anything else is
        // looked for again at the full one (an ID-1 front's labels are 1 mm).
        let mut lines = reader.text_lines_at(&image, Some(CARD_DETECT_SHORT_SIDE))?;
        ink::mark_unread(&image, &mut lines);
        log_lines(turn, &lines);
        let mut card = cn::read_card(&lines, image.width());
        if card.side.is_some() {
            if !card.name_sources.is_empty() {
                second_look(reader, &image, &mut lines, &card.name_sources)?;
                card = cn::read_card(&lines, image.width());
            }
            return Ok(report::build_cn(&card, options));
        }
        let lines = reader.text_lines(&image)?;
        if upright.width() as f32 >= CARD_ASPECT * upright.height() as f32 {
            let viz = viz::read_viz(&lines, image.dimensions());
            if labelled_fields(&viz) >= MIN_FRONT_FIELDS {
                return Ok(report::build_viz_front(&viz, options));
            }
        }
        legible |= lines
            .iter()
            .any(|l| l.text.chars().filter(|c| c.is_alphanumeric()).count() >= 3);
    }
    Ok(if legible {
        report::nothing_read(
            ReasonCode::DocUnsupported,
            "text found, but no machine-readable zone and not a Chinese Resident Identity Card",
        )
    } else {
        report::nothing_read(
            ReasonCode::DocUnreadable,
            "no machine-readable zone and no legible text found",
        )
    })
}

/// The lines read, for `RUST_LOG=openkyc_read=debug`: what a field's value
/// was taken from, character by character.
fn log_lines(turn: u16, lines: &[TextLine]) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    for line in lines {
        let chars: Vec<String> = line
            .text
            .chars()
            .zip(line.char_confidences.iter().zip(&line.char_x))
            .map(|(ch, (p, x))| format!("{ch}@{x:.0}:{p:.2}"))
            .collect();
        tracing::debug!(
            turn,
            x0 = line.bbox.x0,
            y0 = line.bbox.y0,
            x1 = line.bbox.x1,
            y1 = line.bbox.y1,
            text = %line.text,
            chars = %chars.join(" "),
            "text line"
        );
    }
}

/// Reads each of the given characters again on its own, cut out of its line
/// between the midpoints to its neighbours (see [`alone_confidence`]): a
/// character the recogniser knows reads the same alone; one outside its
/// table (a rare name character) has no stable reading, and in context it
/// may have been replaced by a look-alike with high confidence (何轩骉 read
/// as 何轩号).
fn second_look(
    reader: &Reader,
    image: &RgbImage,
    lines: &mut [TextLine],
    sources: &[(usize, usize)],
) -> Result<(), ReadError> {
    for &(line_index, char_index) in sources {
        let Some(line) = lines.get(line_index) else {
            continue;
        };
        let Some(ch) = line.text.chars().nth(char_index) else {
            continue;
        };
        if ch == UNREAD {
            continue;
        }
        let Some(cell) = character_cell(line, char_index) else {
            continue;
        };
        let Some(crop) = openkyc_ocr::crop_box(image, &cell) else {
            continue;
        };
        let read = |view: &RgbImage| -> Result<AloneReading, ReadError> {
            Ok(reader
                .recognize(view)?
                .map(|r| (r.text.trim().to_string(), r.confidence))
                .unwrap_or_default())
        };
        let wide = read(&with_margin(&crop, WIDE_MARGIN))?;
        // The other two cuts only matter when the wide one decides nothing.
        let others = if wide_decides(ch, &wide) {
            Vec::new()
        } else {
            vec![read(&crop)?, read(&with_margin(&crop, NARROW_MARGIN))?]
        };
        if let Some(p) = lines
            .get_mut(line_index)
            .and_then(|l| l.char_confidences.get_mut(char_index))
        {
            let in_line = *p;
            *p = alone_confidence(ch, in_line, &wide, &others);
            tracing::debug!(%ch, in_line, ?wide, ?others, confidence = *p, "name character read alone");
        }
    }
    Ok(())
}

/// What the recogniser read in a character cut out of its line, and its
/// confidence (empty and 0 when it read nothing).
type AloneReading = (String, f32);

/// Paper added either side of a character cut out of its line, as a part of
/// its width: the recogniser was trained on lines with space around the
/// print, and reads a lone character best with wide margins.
const WIDE_MARGIN: f32 = 0.625;
const NARROW_MARGIN: f32 = 0.25;

/// A character read alone in the widely margined view at this confidence
/// or more is taken at that confidence, whatever its line gave it: the line
/// lowers rare characters the recogniser knows (珏, 琰 at 0.4–0.6 in their
/// names), and a character outside the table never read this well alone in
/// the evaluation (at most 0.52, and then as another character).
const CONFIDENT_ALONE: f32 = 0.85;

/// The confidence of `ch` (read at `in_line` in its line) after it was read
/// alone: cut with a wide margin of paper (`wide`), and tight and with a
/// narrow margin (`others`).
///
/// - The wide view reading a single other character is a veto (0): a
///   character the recogniser knows reads as itself there (measured on two
///   seeds, 540 name characters); one outside the table turns into
///   look-alikes that differ between views (骉: 号 in the line, 弱 alone).
/// - Otherwise the best of the views that read `ch`; taken as it is from
///   [`CONFIDENT_ALONE`] up, else capped by `in_line`. No view reading `ch`
///   gives 0.
fn alone_confidence(ch: char, in_line: f32, wide: &AloneReading, others: &[AloneReading]) -> f32 {
    let mut wide_chars = wide.0.chars();
    if let (Some(other), None) = (wide_chars.next(), wide_chars.next()) {
        if other != ch {
            return 0.0;
        }
    }
    let reads_ch = |reading: &&AloneReading| {
        let mut chars = reading.0.chars();
        chars.next() == Some(ch) && chars.next().is_none()
    };
    let best = std::iter::once(wide)
        .chain(others)
        .filter(reads_ch)
        .map(|reading| reading.1)
        .fold(None, |best: Option<f32>, c| Some(best.map_or(c, |b| b.max(c))));
    match best {
        None => 0.0,
        Some(alone) if alone >= CONFIDENT_ALONE => alone,
        Some(alone) => in_line.min(alone),
    }
}

/// Whether the wide cut alone settles [`alone_confidence`]: it reads one
/// other character (a veto), or `ch` at [`CONFIDENT_ALONE`] or more (the
/// other cuts could only confirm it).
fn wide_decides(ch: char, wide: &AloneReading) -> bool {
    let mut chars = wide.0.chars();
    match (chars.next(), chars.next()) {
        (Some(only), None) => only != ch || wide.1 >= CONFIDENT_ALONE,
        _ => false,
    }
}

/// `crop` with a margin of paper `fraction` of its width (at least 1 px) on
/// either side, the colour of its brighter edge column.
fn with_margin(crop: &RgbImage, fraction: f32) -> RgbImage {
    let (width, height) = crop.dimensions();
    let margin = ((width as f32 * fraction).round() as u32).max(1);
    let column_mean = |x: u32| {
        let mut sum = [0u32; 3];
        for y in 0..height {
            for (s, v) in sum.iter_mut().zip(crop.get_pixel(x, y).0) {
                *s += u32::from(v);
            }
        }
        sum.map(|s| (s / height.max(1)) as u8)
    };
    let brightness = |c: [u8; 3]| c.iter().map(|v| u32::from(*v)).sum::<u32>();
    let (left, right) = (column_mean(0), column_mean(width.saturating_sub(1)));
    let paper = if brightness(left) >= brightness(right) {
        left
    } else {
        right
    };
    let mut out = RgbImage::from_pixel(width + 2 * margin, height, image::Rgb(paper));
    image::imageops::overlay(&mut out, crop, i64::from(margin), 0);
    out
}

/// The box of one character of a line: between the midpoints to its
/// neighbours' positions (half the spacing beyond an end; half the box
/// height for a lone character), the line's full height.
fn character_cell(line: &TextLine, index: usize) -> Option<openkyc_ocr::TextBox> {
    let x = *line.char_x.get(index)?;
    let before = index.checked_sub(1).and_then(|i| line.char_x.get(i)).copied();
    let after = line.char_x.get(index + 1).copied();
    let lone = 0.5 * (line.bbox.y1 - line.bbox.y0);
    let half_spacing = match (before, after) {
        (Some(b), _) => (x - b) / 2.0,
        (None, Some(a)) => (a - x) / 2.0,
        (None, None) => lone,
    };
    let left = before.map_or(x - half_spacing, |b| (b + x) / 2.0);
    let right = after.map_or(x + half_spacing, |a| (x + a) / 2.0);
    Some(openkyc_ocr::TextBox {
        x0: left.max(line.bbox.x0),
        y0: line.bbox.y0,
        x1: right.min(line.bbox.x1),
        y1: line.bbox.y1,
        score: line.bbox.score,
    })
}

/// The detector's input short side for a Chinese Resident Identity Card
/// (9 px per mm: its smallest print, 2.2 mm, is 20 px tall).
const CARD_DETECT_SHORT_SIDE: u32 = 480;

/// An ID-1 card without an MRZ but with this many of the visual zone's
/// labelled fields is taken for the front of a card whose MRZ is on the
/// back.
const MIN_FRONT_FIELDS: usize = 3;

/// How many of the identifying fields the visual zone has a value for.
fn labelled_fields(viz: &viz::VizFields) -> usize {
    [
        viz.surname.is_some() || viz.full_name.is_some(),
        viz.given_names.is_some(),
        viz.document_number.is_some(),
        viz.birth_date.is_some(),
        viz.expiry_date.is_some(),
    ]
    .iter()
    .filter(|found| **found)
    .count()
}

/// The factor that brings an image's short side to the text detector's
/// [`openkyc_ocr::MIN_SHORT_SIDE`] (736 px: 13.6 px per mm on an ID-1 card,
/// a 2.2 mm line about 30 px tall), the size the detector works at anyway,
/// so the recogniser gets the same pixels the detector saw.
fn text_scale(width: u32, height: u32) -> f32 {
    openkyc_ocr::MIN_SHORT_SIDE as f32 / width.min(height).max(1) as f32
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
    fn a_margin_of_paper_goes_either_side() {
        let crop = RgbImage::from_fn(8, 4, |x, _| image::Rgb(if x == 0 { [200; 3] } else { [20; 3] }));
        let padded = with_margin(&crop, 0.25);
        assert_eq!(padded.dimensions(), (12, 4));
        assert_eq!(padded.get_pixel(0, 0).0, [200; 3]);
        assert_eq!(padded.get_pixel(11, 3).0, [200; 3]);
        assert_eq!(padded.get_pixel(3, 0).0, [20; 3]);
        assert_eq!(with_margin(&crop, 0.625).dimensions(), (18, 4));
        assert_eq!(with_margin(&RgbImage::new(1, 1), 0.25).dimensions(), (3, 1));
    }

    fn alone(text: &str, confidence: f32) -> AloneReading {
        (text.to_string(), confidence)
    }

    #[test]
    fn a_character_outside_the_table_is_vetoed_by_its_wide_view() {
        // 何轩骉 under low light: 号 in the line and in the narrow view, 弱 wide.
        let others = [alone("", 0.0), alone("号", 0.57)];
        assert_eq!(alone_confidence('号', 0.87, &alone("弱", 0.35), &others), 0.0);
        // Nothing alone reads it: 0 too.
        assert_eq!(alone_confidence('号', 0.87, &alone("", 0.0), &[alone("弱", 0.7)]), 0.0);
    }

    #[test]
    fn the_wide_cut_settles_a_veto_or_a_clear_reading_alone() {
        assert!(wide_decides('号', &alone("弱", 0.35)));
        assert!(wide_decides('王', &alone("王", 0.99)));
        assert!(!wide_decides('珏', &alone("珏", 0.74)));
        assert!(!wide_decides('上', &alone("冏上", 0.67)));
        assert!(!wide_decides('上', &alone("", 0.0)));
        // What it settles, the other cuts cannot change.
        let others = [alone("王", 0.3), alone("玉", 0.9)];
        for (ch, wide) in [('号', alone("弱", 0.35)), ('王', alone("王", 0.99))] {
            assert_eq!(
                alone_confidence(ch, 0.9, &wide, &[]),
                alone_confidence(ch, 0.9, &wide, &others)
            );
        }
    }

    #[test]
    fn a_known_character_takes_its_best_view() {
        // 王 cut tight reads poorly (0.26), with margins well: the best view counts.
        let others = [alone("王", 0.26), alone("王", 0.997)];
        assert!((alone_confidence('王', 0.998, &alone("王", 0.999), &others) - 0.999).abs() < 1e-6);
        // 琰 weak in its line (0.41) but clear alone: taken at its own confidence.
        let others = [alone("毯", 0.45), alone("琰", 0.66)];
        assert!((alone_confidence('琰', 0.41, &alone("琰", 0.92), &others) - 0.92).abs() < 1e-6);
        // Not clear enough alone: the line's confidence caps it.
        let others = [alone("斑", 0.40), alone("珏", 0.72)];
        assert!((alone_confidence('珏', 0.678, &alone("珏", 0.74), &others) - 0.678).abs() < 1e-6);
        // A wide view that caught a neighbour's edge (two characters) vetoes nothing.
        let others = [alone("上", 0.998), alone("上", 1.0)];
        assert!((alone_confidence('上', 0.996, &alone("冏上", 0.67), &others) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn character_cells_lie_between_the_neighbours() {
        let line = TextLine {
            bbox: openkyc_ocr::TextBox {
                x0: 100.0,
                y0: 10.0,
                x1: 220.0,
                y1: 50.0,
                score: 0.9,
            },
            text: "何轩骉".into(),
            confidence: 0.9,
            char_confidences: vec![0.9; 3],
            char_x: vec![120.0, 160.0, 200.0],
        };
        let cell = |i| character_cell(&line, i).map(|c| (c.x0, c.x1, c.y0, c.y1));
        assert_eq!(cell(0), Some((100.0, 140.0, 10.0, 50.0)));
        assert_eq!(cell(1), Some((140.0, 180.0, 10.0, 50.0)));
        assert_eq!(cell(2), Some((180.0, 220.0, 10.0, 50.0)));
        assert_eq!(cell(3), None);
        let lone = TextLine {
            char_x: vec![150.0],
            text: "骉".into(),
            ..line.clone()
        };
        assert_eq!(character_cell(&lone, 0).map(|c| (c.x0, c.x1)), Some((130.0, 170.0)));
    }

    #[test]
    fn cards_and_pages_get_their_own_reading_width() {
        assert_eq!(reading_scale(1586, 1000), CARD_READING_WIDTH as f32 / 1586.0);
        assert_eq!(reading_scale(1000, 1420), READING_WIDTH as f32 / 1420.0);
        assert_eq!(reading_scale(0, 10), 1.0);
        assert_eq!(resized(&RgbImage::new(0, 0), 2.0).dimensions(), (0, 0));
        assert_eq!(resized(&RgbImage::new(100, 50), 0.5).dimensions(), (50, 25));
    }
}
