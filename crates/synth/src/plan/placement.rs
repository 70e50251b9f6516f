//! Placing a document in a frame: a 3-D pose (tilt of the document plane,
//! perspective with a phone-like focal length, in-plane rotation), scaled
//! to a coverage and positioned where it fits; and the bounded re-draws that
//! land a placement in a label band.

use super::DocChoice;
use crate::geometry::{measure_quad, polygon_area, Point, QuadMetrics};
use crate::labels::geometry_labels;
use crate::rng::Dice;
use crate::scene::poly_bbox;
use crate::spec::{Defect, DocumentSource, DocumentSpec, SampleSpec, Scene, Severity};

/// Focal length in the units of a 1000-wide document: a phone's main camera
/// (~26 mm equivalent) with the document filling about two thirds of the frame.
pub(super) const FOCAL: f64 = 1300.0;

/// Corners of a document ~1000 units wide, tilted by `tilt_deg` about an
/// in-plane axis at `tilt_dir_deg`, seen in perspective, rotated in-plane by
/// `rotation_deg`; centred on the origin.
pub(super) fn project(aspect: f32, tilt_deg: f32, tilt_dir_deg: f32, rotation_deg: f32) -> [Point; 4] {
    let hw = 500.0f64;
    let hh = hw / f64::from(aspect.max(0.05));
    let (ay, ax) = f64::from(tilt_dir_deg).to_radians().sin_cos();
    let (s, c) = f64::from(tilt_deg.clamp(0.0, 70.0)).to_radians().sin_cos();
    let (rs, rc) = f64::from(rotation_deg).to_radians().sin_cos();
    [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]].map(|[x, y]| {
        // Rodrigues rotation of (x, y, 0) about (ax, ay, 0) by the tilt.
        let dot = ax * x + ay * y;
        let px = x * c + ax * dot * (1.0 - c);
        let py = y * c + ay * dot * (1.0 - c);
        let pz = (ax * y - ay * x) * s;
        let k = FOCAL / (FOCAL + pz);
        let (u, v) = (px * k, py * k);
        [(u * rc - v * rs) as f32, (u * rs + v * rc) as f32]
    })
}

/// An axis-aligned document of `width` centred in the frame.
pub(super) fn centered(fw: f32, fh: f32, width: f32, aspect: f32) -> [Point; 4] {
    let (hw, hh) = (width * 0.5, width * 0.5 / aspect.max(0.05));
    let (cx, cy) = (fw * 0.5, fh * 0.5);
    [
        [cx - hw, cy - hh],
        [cx + hw, cy - hh],
        [cx + hw, cy + hh],
        [cx - hw, cy + hh],
    ]
}

/// Places a projected document: scaled to a coverage drawn from `coverage`
/// (then held within `[min_width, max_width]`), shrunk if it would not fit
/// inside the frame with a 3 % margin, positioned at random where it fits.
/// `None` when the constraints cannot all hold.
#[allow(clippy::too_many_arguments)]
pub(super) fn place_with(
    d: &mut Dice,
    aspect: f32,
    w: u32,
    h: u32,
    tilt_deg: f32,
    rotation_deg: f32,
    coverage: std::ops::Range<f32>,
    min_width: f32,
    max_width: f32,
) -> Option<[Point; 4]> {
    let (fw, fh) = (w as f32, h as f32);
    let q0 = project(aspect, tilt_deg, d.range_f32(0.0, 360.0), rotation_deg);
    let area0 = polygon_area(&q0).max(1e-3);
    let width0 = measure_quad(&q0, 1.0, 1.0).doc_width_px.max(1e-3);
    let cov = if coverage.end > coverage.start {
        d.range_f32(coverage.start, coverage.end)
    } else {
        coverage.start
    };
    let mut s = (cov / 100.0 * fw * fh / area0).sqrt();
    s = s.max(min_width / width0).min(max_width / width0);
    let margin = 0.03 * fw.min(fh);
    let b = poly_bbox(&q0, 0.0);
    let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
    s = s.min((fw - 2.0 * margin) / bw).min((fh - 2.0 * margin) / bh);
    if s * width0 < min_width * 0.999 || s <= 0.0 {
        return None;
    }
    let achieved = 100.0 * area0 * s * s / (fw * fh);
    if coverage.end > coverage.start && achieved < coverage.start * 0.98 {
        return None;
    }
    let x_lo = margin - b[0] * s;
    let x_hi = fw - margin - b[2] * s;
    let y_lo = margin - b[1] * s;
    let y_hi = fh - margin - b[3] * s;
    if x_hi < x_lo || y_hi < y_lo {
        return None;
    }
    let c = [
        d.range_f32(x_lo, x_hi.max(x_lo + 1e-3)),
        d.range_f32(y_lo, y_hi.max(y_lo + 1e-3)),
    ];
    Some(q0.map(|p| [c[0] + p[0] * s, c[1] + p[1] * s]))
}

/// A clean placement: coverage 27–78 %, width ≥ 520 px, deviation < 8°,
/// side ratio < 1.12, corners ≥ 3 % inside, no geometry label.
pub(super) fn place_clean(d: &mut Dice, doc: &DocChoice, w: u32, h: u32, rotation: f32) -> Option<[Point; 4]> {
    for _ in 0..80 {
        let tilt_deg = d.range_f32(0.0, 12.0);
        let Some(q) = place_with(
            d,
            doc.aspect,
            w,
            h,
            tilt_deg,
            rotation,
            27.0..78.0,
            520.0,
            doc.max_width,
        ) else {
            continue;
        };
        let m = measure_quad(&q, w as f32, h as f32);
        if is_clean_geometry(&m) {
            return Some(q);
        }
    }
    None
}

pub(super) fn is_clean_geometry(m: &QuadMetrics) -> bool {
    m.max_angle_deviation_deg < 8.0
        && m.max_side_ratio < 1.12
        && m.coverage_pct >= 25.0
        && geometry_labels(m).is_empty()
}

/// A placement with `cut` corners outside the frame (clear: ≥ 3 % of the
/// document width out) or, for `borderline`, corners at the edge (from
/// 0.4 % inside to 1.2 % outside); `None` after 400 tries.
#[allow(clippy::too_many_arguments)]
pub(super) fn plan_cut(
    d: &mut Dice,
    aspect: f32,
    max_width: f32,
    w: u32,
    h: u32,
    cut: usize,
    borderline: bool,
) -> Option<[Point; 4]> {
    let (fw, fh) = (w as f32, h as f32);
    for _ in 0..400 {
        let rotation = rotation_clean(d);
        let tilt = d.range_f32(0.0, 8.0);
        let tilt_dir = d.range_f32(0.0, 360.0);
        let coverage = match cut {
            1 | 2 => d.range_f32(30.0, 60.0),
            3 => d.range_f32(55.0, 85.0),
            _ => d.range_f32(130.0, 200.0),
        };
        let q0 = project(aspect, tilt, tilt_dir, rotation);
        let s0 = (coverage / 100.0 * fw * fh / polygon_area(&q0)).sqrt();
        if s0 * 1000.0 > max_width {
            continue;
        }
        let centre = match cut {
            4 => [fw * d.range_f32(0.4, 0.6), fh * d.range_f32(0.4, 0.6)],
            _ => {
                // Push the centre towards an edge or corner of the frame so that
                // the nearest corners leave it.
                let b = poly_bbox(&q0.map(|p| [p[0] * s0, p[1] * s0]), 0.0);
                let half = [(b[2] - b[0]) * 0.5, (b[3] - b[1]) * 0.5];
                let doc_w = s0 * 1000.0;
                let mut over = || {
                    if borderline {
                        d.range_f32(-0.004, 0.012) * doc_w
                    } else {
                        d.range_f32(0.03, 0.22) * doc_w
                    }
                };
                let (over_x, over_y) = (over(), over());
                let (sx, sy) = (
                    if d.chance(0.5) { -1.0 } else { 1.0 },
                    if d.chance(0.5) { -1.0 } else { 1.0 },
                );
                let mut c = [
                    fw * 0.5 + d.range_f32(-0.3, 0.3) * fw,
                    fh * 0.5 + d.range_f32(-0.3, 0.3) * fh,
                ];
                let push_x = cut == 2 || cut == 3 || d.chance(0.5);
                if push_x {
                    c[0] = if sx < 0.0 {
                        half[0] - over_x
                    } else {
                        fw - half[0] + over_x
                    };
                }
                if cut == 3 || cut == 1 || !push_x {
                    c[1] = if sy < 0.0 {
                        half[1] - over_y
                    } else {
                        fh - half[1] + over_y
                    };
                }
                c
            }
        };
        let q = q0.map(|p| [centre[0] + p[0] * s0, centre[1] + p[1] * s0]);
        let m = measure_quad(&q, fw, fh);
        let labels = geometry_labels(&m);
        let n_out = m.outside_px.iter().filter(|&&o| o > 0.0).count();
        let ok = labels.len() == 1
            && labels
                .first()
                .is_some_and(|l| l.kind == Defect::DocCornersCut && (l.severity == Severity::Borderline) == borderline)
            && (borderline || n_out == cut);
        if ok {
            return Some(q);
        }
    }
    None
}

pub(super) fn cut_variant(cut: usize, borderline: bool) -> &'static str {
    if borderline {
        return "at_edge";
    }
    match cut {
        1 => "1_corner",
        2 => "2_corners",
        3 => "3_corners",
        _ => "4_corners",
    }
}

/// In-plane rotation of a clean photo: mostly upright, sometimes portrait
/// (±90°) or upside down, sometimes any angle; ±8° of hand tremor.
pub(super) fn rotation_clean(d: &mut Dice) -> f32 {
    let r = d.unit();
    let base = if r < 0.6 {
        0.0
    } else if r < 0.72 {
        90.0
    } else if r < 0.84 {
        -90.0
    } else if r < 0.9 {
        180.0
    } else {
        return d.range_f32(0.0, 360.0);
    };
    base + d.range_f32(-8.0, 8.0)
}

/// Re-draws a clean photo's placement until its perspective is visible yet
/// clean (deviation 4–8°, side ratio < 1.12); keeps it when no try fits.
pub(super) fn redraw_with_visible_perspective(d: &mut Dice, s: &mut SampleSpec) {
    let Some(doc) = s.document.clone() else { return };
    let (w, h) = (s.width, s.height);
    let aspect = aspect_of(&doc.source);
    let max_width = max_width_of(&doc.source);
    let rotation = rotation_clean(d);
    for _ in 0..80 {
        let tilt = d.range_f32(5.0, 14.0);
        let Some(q) = place_with(d, aspect, w, h, tilt, rotation, 30.0..65.0, 520.0, max_width) else {
            continue;
        };
        let m = measure_quad(&q, w as f32, h as f32);
        if (4.0..8.0).contains(&m.max_angle_deviation_deg) && is_clean_geometry(&m) {
            s.document = Some(DocumentSpec {
                source: doc.source.clone(),
                corners: q,
            });
            strip_objects_near(s);
            return;
        }
    }
}

/// Width / height of a document source.
pub(super) fn aspect_of(source: &DocumentSource) -> f32 {
    match source {
        DocumentSource::Synthetic { format, .. } => format.aspect(),
        DocumentSource::Specimen { crop, .. } => crop[2] as f32 / crop[3].max(1) as f32,
    }
}

/// Widest a source may appear (specimens: 2× their pixels).
pub(super) fn max_width_of(source: &DocumentSource) -> f32 {
    match source {
        DocumentSource::Specimen { crop, .. } => 2.0 * crop[2] as f32,
        DocumentSource::Synthetic { .. } => 5000.0,
    }
}

/// Removes objects that could touch a moved document.
pub(super) fn strip_objects_near(s: &mut SampleSpec) {
    if let Scene::Photo(p) = &mut s.scene {
        p.objects.clear();
        p.reflections.clear();
    }
}
