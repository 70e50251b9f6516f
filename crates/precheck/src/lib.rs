//! The capture-quality precheck: is this photo of a document good enough to
//! read, and if not, exactly what should the applicant fix?
//!
//! One pass, each stage once: [`openkyc_intake`] sniffs, limits, decodes and
//! orients the upload into one downscaled working copy; [`openkyc_docdetect`]
//! finds the document's quadrilateral and rectifies it: straight to the
//! quality measurements' analysis size (about 640 × 400) when the document is
//! 1–1.3 × as wide as that in the working copy, otherwise at its own
//! resolution (up to `rectified_width`) and then resampled to the analysis
//! size, area-averaged so that no pixel is skipped, or enlarged; [`openkyc_quality`]
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
use openkyc_docdetect::{DetectParams, Detection, Document};
use openkyc_intake::{Intake, IntakeError, IntakeLimits};
use openkyc_quality::{Measurements, ScreenPattern};
use std::time::Instant;

/// The precheck's report, with what the reading stage needs to go on: the
/// working copy and the document found on it.
#[derive(Debug, Clone)]
pub struct PrecheckOutcome {
    /// The verdict.
    pub report: PrecheckReport,
    /// The intake's working copy: the photo upright and downscaled, the
    /// pixels the document was found and measured on.
    pub working: RgbImage,
    /// The document, when one was found with enough confidence (corners in
    /// the working copy's pixels).
    pub document: Option<Document>,
}

impl PrecheckOutcome {
    /// The document perspective-corrected from the working copy at its own
    /// resolution there, at most `max_width` wide ([`openkyc_docdetect::rectified_size`]);
    /// `None` without a document. Made on demand: the precheck itself
    /// measures a crop at the analysis size.
    #[must_use]
    pub fn rectified(&self, max_width: u32) -> Option<RgbImage> {
        self.document.as_ref().map(|document| {
            let (width, height) = openkyc_docdetect::rectified_size(document, max_width);
            openkyc_docdetect::rectify(&self.working, &document.corners, width, height)
        })
    }
}

/// Largest ratio of the document's rectified width (its width in the
/// working copy, capped at `rectified_width`) to the analysis width at which
/// the document is rectified straight to the analysis size. Up to it a
/// bilinear sample per analysis pixel reads every source pixel; beyond it
/// point samples would skip pixels and alias fine print and noise into the
/// measurements, so the document is rectified at its own resolution and
/// area-averaged down, the path the quality thresholds were calibrated on.
/// A document narrower than the analysis image takes that path too (rectified
/// at its own size, then enlarged): the blur thresholds were calibrated on
/// its two interpolations, which read softer than one.
const MAX_DIRECT_REDUCTION: f32 = 1.3;

/// The rectified document the quality checks measure.
struct Rectified {
    image: RgbImage,
    /// `Some(analysis pixels per document pixel)` when `image` was made at
    /// the analysis size directly; `None` when it is at the document's own
    /// resolution and still to be resampled.
    direct_scale: Option<f32>,
}

impl Rectified {
    fn new(working: &RgbImage, document: &Document, rectified_width: u32) -> Self {
        let (width, height) = openkyc_docdetect::rectified_size(document, rectified_width);
        match openkyc_quality::analysis_size(width, height) {
            Some((analysis_width, analysis_height))
                if width >= analysis_width && width as f32 <= MAX_DIRECT_REDUCTION * analysis_width as f32 =>
            {
                Self {
                    image: openkyc_docdetect::rectify(working, &document.corners, analysis_width, analysis_height),
                    direct_scale: Some(analysis_width as f32 / width as f32),
                }
            }
            _ => Self {
                image: openkyc_docdetect::rectify(working, &document.corners, width, height),
                direct_scale: None,
            },
        }
    }

    fn measure(&self, screen: ScreenPattern) -> Measurements {
        match self.direct_scale {
            Some(scale) => openkyc_quality::measure_at_analysis_size(&self.image, scale, screen),
            None => openkyc_quality::measure_with_screen(&self.image, screen),
        }
    }
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
    let rectified = document.map(|d| Rectified::new(&intake.working, d, config.document.rectified_width));
    timings.rectify = elapsed_ms(stage);

    let stage = Instant::now();
    // The screen pattern needs no document: it is measured on the detail
    // patch whether or not one was found.
    let screen = openkyc_quality::measure_screen_pattern_native(&intake.detail.image);
    let measurements = rectified.as_ref().map(|document| document.measure(screen));
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
        photo_mean_luma: sampled_mean_luma(&intake.working),
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
        rectified.as_ref().map(|r| &r.image),
        timings,
    );
    Ok(PrecheckOutcome {
        report,
        document: document.cloned(),
        working: intake.working,
    })
}

fn build_report(
    intake: &Intake,
    side: Side,
    checks: Vec<CheckOutcome>,
    document: Option<&Document>,
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

/// Mean BT.601 luminance of `image` over every 4th pixel of every 4th row
/// (65 000 samples of a 1280 × 960 working copy: a mean over a whole frame
/// needs no more, and it costs well under a tenth of a millisecond); 0 for
/// an empty image.
fn sampled_mean_luma(image: &RgbImage) -> f32 {
    const STEP: usize = 4;
    let (width, height) = (image.width() as usize, image.height() as usize);
    let raw = image.as_raw();
    let (mut sum, mut count) = (0u64, 0u64);
    for y in (0..height).step_by(STEP) {
        let row = raw.get(y * width * 3..(y + 1) * width * 3).unwrap_or_default();
        for pixel in row.chunks_exact(3).step_by(STEP) {
            // Integer BT.601 weights (×1000).
            sum += 299 * u64::from(pixel[0]) + 587 * u64::from(pixel[1]) + 114 * u64::from(pixel[2]);
            count += 1;
        }
    }
    if count == 0 {
        0.0
    } else {
        (sum as f64 / count as f64 / 1000.0) as f32
    }
}

fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use image::{ImageFormat, Rgb};

    /// A 1200 × 900 PNG of a light ID-1 card `card_width` px wide with dark
    /// print lines, centred on a dark table.
    fn photo_with_card(card_width: u32) -> Vec<u8> {
        let card_height = (card_width as f32 / 1.586).round() as u32;
        let (left, top) = ((1200 - card_width) / 2, (900 - card_height) / 2);
        let photo = RgbImage::from_fn(1200, 900, |x, y| {
            let (u, v) = (x.wrapping_sub(left), y.wrapping_sub(top));
            if u >= card_width || v >= card_height {
                Rgb([40, 45, 50])
            } else if v * 12 / card_height % 2 == 1 && (u / 7) % 3 != 0 && u > card_width / 10 {
                Rgb([30, 30, 40])
            } else {
                Rgb([225, 220, 210])
            }
        });
        let mut bytes = std::io::Cursor::new(Vec::new());
        photo.write_to(&mut bytes, ImageFormat::Png).unwrap();
        bytes.into_inner()
    }

    fn run(card_width: u32) -> PrecheckOutcome {
        precheck(
            &photo_with_card(card_width),
            Side::Front,
            &PrecheckConfig::shipped().unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn sampled_mean_luma_is_the_frame_mean() {
        assert_eq!(sampled_mean_luma(&RgbImage::new(0, 0)), 0.0);
        let grey = RgbImage::from_pixel(37, 21, Rgb([200, 100, 50]));
        let expected = 0.299 * 200.0 + 0.587 * 100.0 + 0.114 * 50.0;
        assert!((sampled_mean_luma(&grey) - expected).abs() < 1e-3);
        // Half white, half black by rows of 4: the samples see both halves.
        let halves = RgbImage::from_fn(64, 64, |_, y| if y < 32 { Rgb([255; 3]) } else { Rgb([0; 3]) });
        assert!((sampled_mean_luma(&halves) - 127.5).abs() < 0.1);
    }

    #[test]
    fn a_blown_out_photo_is_overexposed_even_when_no_document_is_found() {
        // A white card on a white table: no outline, the whole frame clipped.
        let white = RgbImage::from_fn(1200, 900, |x, y| {
            let v = if (400..800).contains(&x) && (300..550).contains(&y) {
                252
            } else {
                250
            };
            Rgb([v, v, v])
        });
        let mut bytes = std::io::Cursor::new(Vec::new());
        white.write_to(&mut bytes, ImageFormat::Png).unwrap();
        let outcome = precheck(bytes.get_ref(), Side::Front, &PrecheckConfig::shipped().unwrap()).unwrap();
        let codes: Vec<ReasonCode> = outcome.report.reasons.iter().map(|r| r.code).collect();
        assert!(codes.contains(&ReasonCode::DocOverexposed), "{codes:?}");
        let check = outcome
            .report
            .checks
            .iter()
            .find(|c| c.code == ReasonCode::DocOverexposed)
            .unwrap();
        assert!(check.detail.contains("whole photo"), "{}", check.detail);
        assert_eq!(check.threshold, 240.0);
        // Exactly one outcome per reason code.
        assert_eq!(outcome.report.checks.len(), ReasonCode::ALL.len());
    }

    #[test]
    fn a_document_near_the_analysis_size_is_rectified_straight_to_it() {
        let outcome = run(700);
        let document = outcome.document.as_ref().unwrap();
        let crop = openkyc_docdetect::rectified_size(document, 960);
        let analysis = openkyc_quality::analysis_size(crop.0, crop.1).unwrap();
        assert!(
            crop.0 < 720 && crop.0 as f32 <= MAX_DIRECT_REDUCTION * analysis.0 as f32,
            "{crop:?}"
        );
        let report = outcome.report.document.as_ref().unwrap();
        assert_eq!(report.rectified_size, [analysis.0, analysis.1]);
        // The reading stage still gets the crop at the document's own resolution, on demand.
        assert_eq!(outcome.rectified(960).unwrap().dimensions(), crop);
    }

    #[test]
    fn much_larger_and_smaller_documents_are_rectified_at_their_own_size() {
        for (card_width, expected_width) in [(1000, 960), (580, 580)] {
            let outcome = run(card_width);
            let document = outcome.document.as_ref().unwrap();
            let crop = openkyc_docdetect::rectified_size(document, 960);
            assert!(crop.0.abs_diff(expected_width) <= 8, "{crop:?}");
            let report = outcome.report.document.as_ref().unwrap();
            assert_eq!(report.rectified_size, [crop.0, crop.1]);
        }
    }

    #[test]
    fn straight_and_averaged_crops_measure_alike() {
        let outcome = run(700);
        let document = outcome.document.as_ref().unwrap();
        let (width, height) = openkyc_docdetect::rectified_size(document, 960);
        let native = openkyc_docdetect::rectify(&outcome.working, &document.corners, width, height);
        let averaged = openkyc_quality::measure_with_screen(&native, ScreenPattern::default());
        let direct = Rectified::new(&outcome.working, document, 960).measure(ScreenPattern::default());
        assert_eq!(direct.analysis_size, averaged.analysis_size);
        let relative = |a: f32, b: f32| (a - b).abs() / a.abs().max(b.abs()).max(1e-6);
        assert!(
            relative(direct.sharpness.score, averaged.sharpness.score) < 0.1,
            "{:?} vs {:?}",
            direct.sharpness,
            averaged.sharpness
        );
        assert!((direct.exposure.mean - averaged.exposure.mean).abs() < 1.0);
        assert_eq!(direct.glare.fraction, averaged.glare.fraction);
    }
}
