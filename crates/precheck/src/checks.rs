//! Turning measurements into checks: each compares one score with one
//! threshold from the configuration. Pure: no pixels, no I/O.

use crate::config::PrecheckConfig;
use crate::reasons::ReasonCode;
use crate::report::{Bound, CheckOutcome};
use openkyc_docdetect::Document;
use openkyc_quality::{Exposure, Measurements, ScreenPattern};

/// What the earlier stages found, in the terms the checks need.
pub(crate) struct Findings<'a> {
    /// The document, if one was found with enough confidence.
    pub document: Option<&'a Document>,
    /// Best detection confidence (0 when nothing was found).
    pub confidence: f32,
    /// Original pixels per working pixel.
    pub original_per_working: f32,
    /// Measurements on the rectified document.
    pub measurements: Option<&'a Measurements>,
    /// Exposure of the whole photo, used when there is no document.
    pub photo_exposure: Option<&'a Exposure>,
    /// Mean luminance of the whole photo (sampled), for a blown-out frame.
    pub photo_mean_luma: f32,
    /// Screen-photo signs on the photo's detail patch (measured whether or
    /// not a document was found).
    pub screen: &'a ScreenPattern,
    /// Metadata scores with their explanations.
    pub edited: (f32, String),
    /// Screenshot score and explanation.
    pub screenshot: (f32, String),
}

const CORNER_NAMES: [&str; 4] = ["top-left", "top-right", "bottom-right", "bottom-left"];

fn outcome(code: ReasonCode, score: f32, threshold: f32, bound: Bound, detail: String) -> CheckOutcome {
    let passed = match bound {
        Bound::Min => score >= threshold,
        Bound::Max => score <= threshold,
    };
    CheckOutcome {
        code,
        ran: true,
        passed,
        score: f64::from(score),
        threshold: f64::from(threshold),
        bound,
        detail,
    }
}

fn not_run(code: ReasonCode, threshold: f32, bound: Bound, why: &str) -> CheckOutcome {
    CheckOutcome {
        code,
        ran: false,
        passed: true,
        score: 0.0,
        threshold: f64::from(threshold),
        bound,
        detail: format!("not run: {why}"),
    }
}

/// Every check, in the catalogue's order.
pub(crate) fn evaluate(findings: &Findings<'_>, config: &PrecheckConfig) -> Vec<CheckOutcome> {
    let doc = &config.document;
    let mut checks = vec![outcome(
        ReasonCode::DocNotFound,
        findings.confidence,
        doc.min_confidence,
        Bound::Min,
        format!("document confidence {:.2}", findings.confidence),
    )];
    checks.extend(geometry_checks(findings, config));
    checks.extend(pixel_checks(findings, config));
    let metadata = &config.metadata;
    let (edited, why_edited) = &findings.edited;
    checks.push(outcome(
        ReasonCode::DocEdited,
        *edited,
        metadata.max_edited_score,
        Bound::Max,
        why_edited.clone(),
    ));
    let (screenshot, why_screenshot) = &findings.screenshot;
    checks.push(outcome(
        ReasonCode::DocScreenshot,
        *screenshot,
        metadata.max_screenshot_score,
        Bound::Max,
        why_screenshot.clone(),
    ));
    checks
}

fn geometry_checks(findings: &Findings<'_>, config: &PrecheckConfig) -> Vec<CheckOutcome> {
    let c = &config.document;
    let Some(document) = findings.document else {
        let why = "no document found";
        return vec![
            not_run(ReasonCode::DocCornersCut, 0.0, Bound::Max, why),
            not_run(ReasonCode::DocTooSmall, c.min_area_fraction, Bound::Min, why),
            not_run(ReasonCode::DocLowResolution, c.min_width_px, Bound::Min, why),
            not_run(ReasonCode::DocTilted, 1.0, Bound::Max, why),
        ];
    };
    let cut: Vec<&str> = CORNER_NAMES
        .iter()
        .zip(document.corners_outside)
        .filter(|(_, out)| *out)
        .map(|(name, _)| *name)
        .collect();
    let cut_detail = if cut.is_empty() {
        "all four corners inside the frame".to_string()
    } else {
        format!("cut: {}", cut.join(", "))
    };
    let width_px = document.width_px * findings.original_per_working;
    // Tilt has two thresholds; the score is the larger of the two ratios to
    // their limits, so 1.0 is the edge whichever one trips.
    let keystone_ratio = document.keystone / c.max_keystone.max(f32::EPSILON);
    let angle_ratio = document.max_corner_angle_deviation_deg / c.max_corner_angle_deviation_deg.max(f32::EPSILON);
    vec![
        outcome(ReasonCode::DocCornersCut, cut.len() as f32, 0.0, Bound::Max, cut_detail),
        outcome(
            ReasonCode::DocTooSmall,
            document.area_fraction,
            c.min_area_fraction,
            Bound::Min,
            format!(
                "the document covers {:.0}% of the frame",
                document.area_fraction * 100.0
            ),
        ),
        outcome(
            ReasonCode::DocLowResolution,
            width_px,
            c.min_width_px,
            Bound::Min,
            format!("the document is {width_px:.0} px across in the original photo"),
        ),
        outcome(
            ReasonCode::DocTilted,
            keystone_ratio.max(angle_ratio),
            1.0,
            Bound::Max,
            format!(
                "keystone {:.2} (limit {:.2}), corner angles off by up to {:.0}° (limit {:.0}°)",
                document.keystone,
                c.max_keystone,
                document.max_corner_angle_deviation_deg,
                c.max_corner_angle_deviation_deg
            ),
        ),
    ]
}

fn pixel_checks(findings: &Findings<'_>, config: &PrecheckConfig) -> Vec<CheckOutcome> {
    let q = &config.quality;
    let corners_cut = findings.document.is_some_and(|d| d.corners_outside.iter().any(|o| *o));
    let mut checks = Vec::new();
    match findings.measurements {
        Some(m) => {
            checks.push(outcome(
                ReasonCode::DocBlurry,
                m.sharpness.score,
                q.min_sharpness,
                Bound::Min,
                format!(
                    "sharpness {:.3}, motion anisotropy {:.2}",
                    m.sharpness.score, m.sharpness.motion_anisotropy
                ),
            ));
            let regions: Vec<&str> = m.glare.regions.iter().map(|r| r.region.as_str()).collect();
            checks.push(outcome(
                ReasonCode::DocGlare,
                m.glare.fraction,
                q.max_glare_fraction,
                Bound::Max,
                if regions.is_empty() {
                    "no glare".into()
                } else {
                    format!(
                        "glare on {:.1}% of the document: {}",
                        m.glare.fraction * 100.0,
                        regions.join(", ")
                    )
                },
            ));
        }
        None => {
            checks.push(not_run(
                ReasonCode::DocBlurry,
                q.min_sharpness,
                Bound::Min,
                "no document found",
            ));
            checks.push(not_run(
                ReasonCode::DocGlare,
                q.max_glare_fraction,
                Bound::Max,
                "no document found",
            ));
        }
    }
    // With corners cut the rectified crop holds black fill outside the
    // frame, which would read as "dark": the framing reason comes first.
    let exposure = if corners_cut {
        None
    } else {
        findings.measurements.map(|m| &m.exposure).or(findings.photo_exposure)
    };
    let blown_out = findings.photo_mean_luma > q.max_photo_mean_luminance;
    let whose = if findings.measurements.is_some() {
        "document"
    } else {
        "photo"
    };
    match exposure {
        Some(e) => {
            let detail = format!(
                "{whose} mean luminance {:.0} (5th–95th percentile {:.0}–{:.0})",
                e.mean, e.p05, e.p95
            );
            checks.push(outcome(
                ReasonCode::DocTooDark,
                e.mean,
                q.min_mean_luminance,
                Bound::Min,
                detail.clone(),
            ));
            if !blown_out {
                checks.push(outcome(
                    ReasonCode::DocOverexposed,
                    e.mean,
                    q.max_mean_luminance,
                    Bound::Max,
                    detail,
                ));
            }
        }
        None => {
            let why = "part of the document is outside the photo";
            checks.push(not_run(ReasonCode::DocTooDark, q.min_mean_luminance, Bound::Min, why));
            if !blown_out {
                checks.push(not_run(
                    ReasonCode::DocOverexposed,
                    q.max_mean_luminance,
                    Bound::Max,
                    why,
                ));
            }
        }
    }
    if blown_out {
        // The whole frame is too bright: whatever was (or was not) taken for
        // the document, the photo is overexposed, and that is the fix.
        checks.push(outcome(
            ReasonCode::DocOverexposed,
            findings.photo_mean_luma,
            q.max_photo_mean_luminance,
            Bound::Max,
            format!(
                "the whole photo is blown out: mean luminance {:.0} (limit {:.0})",
                findings.photo_mean_luma, q.max_photo_mean_luminance
            ),
        ));
    }
    let screen = findings.screen;
    checks.push(outcome(
        ReasonCode::DocScreenPhoto,
        screen.score,
        q.max_screen_score,
        Bound::Max,
        format!(
            "screen pattern score {:.2} (spectral peaks {:.2}, colour banding {:.2})",
            screen.score, screen.peak_ratio, screen.chroma_banding
        ),
    ));
    checks
}
