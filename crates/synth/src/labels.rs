//! Labels are derived from what was actually rendered (final corners,
//! measured luma, measured glare footprint, the blur applied, the metadata
//! written), never copied from the plan. Each measure is split into three
//! bands: *clear* (a check must fire), *borderline* (the ambiguous band
//! around the nominal threshold; either answer is acceptable) and nothing.
//! The planner aims clean samples well outside the borderline bands.

use crate::geometry::QuadMetrics;
use crate::spec::{BlurKind, Corner, Defect, Label, LabelParams, Severity};

/// The band edges, in one place (see the crate documentation for why).
pub mod thresholds {
    /// Gaussian σ (% of document width) from which blur is clear: ≈ 0.5 mm
    /// on an ID-1 card, twice the stroke of small print, which then no
    /// longer reads; MRZ characters start to merge.
    pub const BLUR_SIGMA_CLEAR_PCT: f32 = 0.6;
    /// Gaussian σ (% of document width) from which blur is borderline (visibly soft, still readable).
    pub const BLUR_SIGMA_BORDERLINE_PCT: f32 = 0.3;
    /// Motion length (% of document width) from which blur is clear (≈ 1.7 mm smear on ID-1).
    pub const MOTION_CLEAR_PCT: f32 = 2.0;
    /// Motion length (% of document width) from which blur is borderline.
    pub const MOTION_BORDERLINE_PCT: f32 = 0.6;
    /// Saturated glare area (% of the document) from which glare is clear anywhere.
    pub const GLARE_CLEAR_AREA_PCT: f32 = 3.0;
    /// Saturated glare area (% of the document) below which glare on blank areas is ignored.
    pub const GLARE_MIN_AREA_PCT: f32 = 0.2;
    /// Document mean luma below which it is clearly too dark.
    pub const DARK_CLEAR_BELOW: f32 = 40.0;
    /// Document mean luma below which darkness is borderline (nominal threshold 45).
    pub const DARK_BORDERLINE_BELOW: f32 = 52.0;
    /// Document mean luma above which it is clearly overexposed.
    pub const BRIGHT_CLEAR_ABOVE: f32 = 232.0;
    /// Document mean luma above which brightness is borderline (nominal threshold 225).
    pub const BRIGHT_BORDERLINE_ABOVE: f32 = 216.0;
    /// Visible coverage (% of frame) below which the document is clearly too small.
    pub const SMALL_CLEAR_BELOW_PCT: f32 = 8.5;
    /// Visible coverage (% of frame) below which it is borderline (nominal threshold 10).
    pub const SMALL_BORDERLINE_BELOW_PCT: f32 = 12.0;
    /// Document width (px) below which resolution is clearly too low.
    pub const LOWRES_CLEAR_BELOW_PX: f32 = 360.0;
    /// Document width (px) below which resolution is borderline (nominal threshold 400).
    pub const LOWRES_BORDERLINE_BELOW_PX: f32 = 440.0;
    /// A corner this far outside (% of document width) makes a clear cut.
    pub const CUT_CLEAR_PCT: f32 = 2.0;
    /// A corner inside but closer than this to the frame edge (% of document width) is borderline.
    pub const CUT_TOUCH_PCT: f32 = 0.5;
    /// Corner-angle deviation (degrees) from which perspective is clear.
    pub const TILT_CLEAR_DEG: f32 = 20.0;
    /// Opposite-side ratio from which perspective is clear.
    pub const TILT_CLEAR_RATIO: f32 = 1.35;
    /// Corner-angle deviation (degrees) from which perspective is borderline.
    pub const TILT_BORDERLINE_DEG: f32 = 12.0;
    /// Opposite-side ratio from which perspective is borderline.
    pub const TILT_BORDERLINE_RATIO: f32 = 1.2;
}

use thresholds::*;

fn round2(v: f32) -> f32 {
    (v * 100.0).round() / 100.0
}

/// Labels that follow from the document's quad in the frame.
pub(crate) fn geometry_labels(m: &QuadMetrics) -> Vec<Label> {
    let mut out = Vec::new();
    let width = m.doc_width_px.max(1e-3);
    let outside_pct = m.outside_px.map(|d| 100.0 * d / width);
    let cut: Vec<Corner> = Corner::ALL
        .iter()
        .zip(outside_pct)
        .filter(|(_, d)| *d > 0.0)
        .map(|(c, _)| *c)
        .collect();
    let max_out = outside_pct.iter().copied().fold(0.0, f32::max);
    let touching = m
        .inside_margin_px
        .iter()
        .zip(m.outside_px)
        .any(|(&inside, out)| out == 0.0 && 100.0 * inside / width < CUT_TOUCH_PCT);
    if !cut.is_empty() || touching {
        let severity = if max_out >= CUT_CLEAR_PCT {
            Severity::Clear
        } else {
            Severity::Borderline
        };
        out.push(Label {
            kind: Defect::DocCornersCut,
            severity,
            params: LabelParams::CornersCut {
                corners: cut,
                max_outside_pct_of_doc_width: round2(max_out),
            },
        });
    }
    if m.coverage_pct < SMALL_BORDERLINE_BELOW_PCT {
        let severity = if m.coverage_pct < SMALL_CLEAR_BELOW_PCT {
            Severity::Clear
        } else {
            Severity::Borderline
        };
        out.push(Label {
            kind: Defect::DocTooSmall,
            severity,
            params: LabelParams::Coverage {
                coverage_pct: round2(m.coverage_pct),
            },
        });
    }
    if m.doc_width_px < LOWRES_BORDERLINE_BELOW_PX {
        let severity = if m.doc_width_px < LOWRES_CLEAR_BELOW_PX {
            Severity::Clear
        } else {
            Severity::Borderline
        };
        out.push(Label {
            kind: Defect::DocLowResolution,
            severity,
            params: LabelParams::Resolution {
                doc_width_px: round2(m.doc_width_px),
            },
        });
    }
    let dev = m.max_angle_deviation_deg;
    let ratio = m.max_side_ratio;
    if dev >= TILT_BORDERLINE_DEG || ratio >= TILT_BORDERLINE_RATIO {
        let severity = if dev >= TILT_CLEAR_DEG || ratio >= TILT_CLEAR_RATIO {
            Severity::Clear
        } else {
            Severity::Borderline
        };
        out.push(Label {
            kind: Defect::DocTilted,
            severity,
            params: LabelParams::Tilt {
                max_angle_deviation_deg: round2(dev),
                max_side_ratio: round2(ratio.min(1e6)),
            },
        });
    }
    out
}

/// The exposure label for a measured document mean luma.
pub(crate) fn exposure_label(mean_luma: f32) -> Option<Label> {
    let params = LabelParams::Exposure {
        mean_luma: round2(mean_luma),
    };
    let (kind, severity) = if mean_luma < DARK_CLEAR_BELOW {
        (Defect::DocTooDark, Severity::Clear)
    } else if mean_luma < DARK_BORDERLINE_BELOW {
        (Defect::DocTooDark, Severity::Borderline)
    } else if mean_luma > BRIGHT_CLEAR_ABOVE {
        (Defect::DocOverexposed, Severity::Clear)
    } else if mean_luma > BRIGHT_BORDERLINE_ABOVE {
        (Defect::DocOverexposed, Severity::Borderline)
    } else {
        return None;
    };
    Some(Label { kind, severity, params })
}

/// The blur label for a blur of `size_px` on a document `doc_width_px` wide.
pub(crate) fn blur_label(kind: BlurKind, size_px: f32, angle_deg: f32, doc_width_px: f32) -> Option<Label> {
    let pct = 100.0 * size_px / doc_width_px.max(1e-3);
    let (clear, borderline) = match kind {
        BlurKind::Gaussian => (BLUR_SIGMA_CLEAR_PCT, BLUR_SIGMA_BORDERLINE_PCT),
        BlurKind::Motion => (MOTION_CLEAR_PCT, MOTION_BORDERLINE_PCT),
    };
    let severity = if pct >= clear {
        Severity::Clear
    } else if pct >= borderline {
        Severity::Borderline
    } else {
        return None;
    };
    let angle_deg = if kind == BlurKind::Motion {
        round2(angle_deg)
    } else {
        0.0
    };
    Some(Label {
        kind: Defect::DocBlurry,
        severity,
        params: LabelParams::Blur {
            blur: kind,
            size_px: round2(size_px),
            size_pct_of_doc_width: round2(pct),
            angle_deg,
        },
    })
}

/// The glare label from a measured footprint.
pub(crate) fn glare_label(area_pct: f32, regions: Vec<crate::spec::GridCell>, over_content: bool) -> Option<Label> {
    let severity = if area_pct >= GLARE_CLEAR_AREA_PCT || (over_content && area_pct > 0.0) {
        Severity::Clear
    } else if area_pct >= GLARE_MIN_AREA_PCT {
        Severity::Borderline
    } else {
        return None;
    };
    Some(Label {
        kind: Defect::DocGlare,
        severity,
        params: LabelParams::Glare {
            area_pct: round2(area_pct),
            regions,
            over_content,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::measure_quad;

    #[test]
    fn a_comfortable_document_has_no_geometry_labels() {
        let q = [[200.0, 200.0], [1300.0, 220.0], [1290.0, 900.0], [210.0, 890.0]];
        assert!(geometry_labels(&measure_quad(&q, 1600.0, 1200.0)).is_empty());
    }

    #[test]
    fn bands() {
        assert_eq!(
            exposure_label(30.0).map(|l| (l.kind, l.severity)),
            Some((Defect::DocTooDark, Severity::Clear))
        );
        assert_eq!(
            exposure_label(45.0).map(|l| (l.kind, l.severity)),
            Some((Defect::DocTooDark, Severity::Borderline))
        );
        assert!(exposure_label(120.0).is_none());
        assert_eq!(exposure_label(225.0).map(|l| l.severity), Some(Severity::Borderline));
        assert_eq!(
            exposure_label(240.0).map(|l| (l.kind, l.severity)),
            Some((Defect::DocOverexposed, Severity::Clear))
        );
        assert_eq!(
            blur_label(BlurKind::Gaussian, 8.0, 0.0, 1000.0).map(|l| l.severity),
            Some(Severity::Clear)
        );
        assert_eq!(
            blur_label(BlurKind::Gaussian, 4.0, 0.0, 1000.0).map(|l| l.severity),
            Some(Severity::Borderline)
        );
        assert!(blur_label(BlurKind::Gaussian, 1.0, 0.0, 1000.0).is_none());
        assert_eq!(
            blur_label(BlurKind::Motion, 25.0, 10.0, 1000.0).map(|l| l.severity),
            Some(Severity::Clear)
        );
        assert_eq!(
            glare_label(1.0, vec![], true).map(|l| l.severity),
            Some(Severity::Clear)
        );
        assert_eq!(
            glare_label(1.0, vec![], false).map(|l| l.severity),
            Some(Severity::Borderline)
        );
        assert_eq!(
            glare_label(5.0, vec![], false).map(|l| l.severity),
            Some(Severity::Clear)
        );
        assert!(glare_label(0.0, vec![], false).is_none());
    }

    #[test]
    fn cut_small_lowres_and_tilt_are_detected() {
        let cut = [[-60.0, 100.0], [900.0, 100.0], [900.0, 700.0], [-60.0, 700.0]];
        let labels = geometry_labels(&measure_quad(&cut, 1600.0, 1200.0));
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0].severity, Severity::Clear);
        assert_eq!(
            labels[0].params,
            LabelParams::CornersCut {
                corners: vec![Corner::TopLeft, Corner::BottomLeft],
                max_outside_pct_of_doc_width: 6.25
            }
        );
        let small = [[100.0, 100.0], [400.0, 100.0], [400.0, 290.0], [100.0, 290.0]];
        let kinds: Vec<Defect> = geometry_labels(&measure_quad(&small, 1600.0, 1200.0))
            .iter()
            .map(|l| l.kind)
            .collect();
        assert_eq!(kinds, vec![Defect::DocTooSmall, Defect::DocLowResolution]);
        let keystone = [[500.0, 200.0], [1100.0, 200.0], [1400.0, 900.0], [200.0, 900.0]];
        let l = geometry_labels(&measure_quad(&keystone, 1600.0, 1200.0));
        assert_eq!(
            l.iter().map(|l| (l.kind, l.severity)).collect::<Vec<_>>(),
            vec![(Defect::DocTilted, Severity::Clear)]
        );
    }
}
