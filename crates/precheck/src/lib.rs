//! The capture-quality precheck: is this photo of a document good enough to
//! read, and if not, exactly what should the applicant fix?
//!
//! One pass, each stage once: [`openkyc_intake`] sniffs, limits, decodes and
//! orients the upload into one downscaled working copy; [`openkyc_docdetect`]
//! finds the document's quadrilateral and rectifies it; [`openkyc_quality`]
//! measures sharpness, glare and exposure on the rectified document, and the
//! screen pattern on the intake's detail patch (the centre of the photo at full
//! size, where a display's pixel grid survives: the downscaled working copy
//! averages it away); metadata is read for editing
//! software and screenshot traits.
//! Each measurement is compared with one threshold from [`PrecheckConfig`]
//! (the shipped `config/precheck.toml`), giving a [`CheckOutcome`]; failed
//! checks become [`Reason`]s with stable [`ReasonCode`]s, and the
//! [`catalogue`] says what each means to the applicant in English and
//! Simplified Chinese.
//!
//! Decisions are deterministic: the same bytes and configuration always give
//! the same reasons. Timings are reported but never decide anything.

pub mod catalogue;
mod checks;
pub mod config;
mod metadata;
mod reasons;
mod report;

pub use catalogue::{words, Lang, Words};
pub use config::{ConfigError, PrecheckConfig};
pub use reasons::ReasonCode;
pub use report::{Bound, CheckOutcome, DocumentReport, ImageReport, PrecheckReport, Reason, Side, Timings};

use checks::Findings;
use image::RgbImage;
use openkyc_docdetect::{DetectParams, Detection};
use openkyc_intake::{Intake, IntakeError, IntakeLimits};
use std::time::Instant;

/// The precheck's report and, when a document was found, its rectified crop
/// (at the working copy's resolution) for the reading stage.
#[derive(Debug, Clone)]
pub struct PrecheckOutcome {
    /// The verdict.
    pub report: PrecheckReport,
    /// The document, perspective-corrected.
    pub rectified: Option<RgbImage>,
}

/// Runs every check on one uploaded photo.
///
/// # Errors
/// [`IntakeError`] when the bytes are not a readable photo (empty, too
/// large, unsupported or corrupt): the applicant must send another file.
pub fn precheck(bytes: &[u8], side: Side, config: &PrecheckConfig) -> Result<PrecheckOutcome, IntakeError> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let intake = openkyc_intake::intake(bytes, &intake_limits(config))?;
    timings.intake = elapsed_ms(started);

    let stage = Instant::now();
    let detection = openkyc_docdetect::detect(&intake.working, &detect_params(config, &intake.working));
    timings.detect = elapsed_ms(stage);
    let document = match &detection {
        Detection::Found(document) if document.confidence >= config.document.min_confidence => Some(document),
        _ => None,
    };
    let confidence = match &detection {
        Detection::Found(document) => document.confidence,
        Detection::NotFound { .. } => 0.0,
    };

    let stage = Instant::now();
    let rectified = document.map(|d| {
        let (width, height) = openkyc_docdetect::rectified_size(d, config.document.rectified_width);
        openkyc_docdetect::rectify(&intake.working, &d.corners, width, height)
    });
    timings.rectify = elapsed_ms(stage);

    let stage = Instant::now();
    // The screen pattern needs no document: it is measured on the detail
    // patch whether or not one was found.
    let screen = openkyc_quality::measure_screen_pattern_native(&intake.detail.image);
    let measurements = rectified
        .as_ref()
        .map(|document| openkyc_quality::measure_with_screen(document, screen));
    let photo_exposure = match measurements {
        Some(_) => None,
        None => Some(openkyc_quality::measure_exposure(&intake.working)),
    };
    timings.measure = elapsed_ms(stage);

    let original_per_working = 1.0 / intake.working_scale().max(f32::EPSILON);
    let findings = Findings {
        document,
        confidence,
        original_per_working,
        measurements: measurements.as_ref(),
        photo_exposure: photo_exposure.as_ref(),
        screen: &screen,
        edited: metadata::edited_score(&intake, &config.metadata),
        screenshot: metadata::screenshot_score(&intake, &config.metadata),
    };
    let checks = checks::evaluate(&findings, config);
    timings.total = elapsed_ms(started);
    let report = build_report(
        &intake,
        side,
        checks,
        document,
        original_per_working,
        rectified.as_ref(),
        timings,
    );
    Ok(PrecheckOutcome { report, rectified })
}

fn build_report(
    intake: &Intake,
    side: Side,
    checks: Vec<CheckOutcome>,
    document: Option<&openkyc_docdetect::Document>,
    original_per_working: f32,
    rectified: Option<&RgbImage>,
    timings_ms: Timings,
) -> PrecheckReport {
    let mut reasons: Vec<Reason> = checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| Reason {
            code: c.code,
            score: c.score,
            threshold: c.threshold,
            detail: c.detail.clone(),
        })
        .collect();
    reasons.sort_by_key(|r| ReasonCode::ALL.iter().position(|c| *c == r.code));
    let document = document.map(|d| DocumentReport {
        corners: d
            .corners
            .map(|[x, y]| [x * original_per_working, y * original_per_working]),
        confidence: d.confidence,
        area_fraction: d.area_fraction,
        width_px: d.width_px * original_per_working,
        rectified_size: rectified.map_or([0, 0], |r| [r.width(), r.height()]),
    });
    PrecheckReport {
        ok: reasons.is_empty(),
        side,
        reasons,
        checks,
        document,
        image: ImageReport {
            format: intake.format,
            width: intake.width,
            height: intake.height,
            orientation: intake.orientation,
        },
        timings_ms,
    }
}

fn intake_limits(config: &PrecheckConfig) -> IntakeLimits {
    IntakeLimits {
        max_bytes: config.intake.max_bytes,
        max_pixels: config.intake.max_pixels,
        max_dimension: config.intake.max_dimension,
        working_max_side: config.intake.working_max_side,
        ..IntakeLimits::default()
    }
}

/// The detector's margin is in pixels; the configuration's is a fraction of
/// the frame's short side, so that it means the same at any resolution. The
/// detector reports candidates down to the configured confidence, so the
/// configuration stays the one place the threshold is set.
fn detect_params(config: &PrecheckConfig, working: &RgbImage) -> DetectParams {
    let short_side = working.width().min(working.height()) as f32;
    DetectParams {
        edge_margin: config.document.edge_margin * short_side,
        min_confidence: config.document.min_confidence,
        // Report documents far smaller than the too-small threshold, so that
        // the applicant hears "move closer" rather than "no document".
        min_area_fraction: (config.document.min_area_fraction / 8.0).max(0.005),
        ..DetectParams::default()
    }
}

fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
