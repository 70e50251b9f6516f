//! Dressing a planned photo: backgrounds, objects kept off the document,
//! light, reflections, camera EXIF, and glare aimed at (or away from) the
//! document's content.

use super::DocChoice;
use crate::geometry::Point;
use crate::rng::Dice;
use crate::scene::{glare_footprint, poly_bbox, GLARE_VISIBLE_THRESHOLD};
use crate::spec::{
    Background, DocumentSpec, Encoding, ExifFields, Highlight, Lighting, PhotoScene, SampleSpec, Scene, SceneObject,
};

/// Camera EXIF: (Make, Models, Software values (empty: none written), big-endian).
pub(super) const CAMERAS: &[(&str, &[&str], &[&str], bool)] = &[
    (
        "Apple",
        &[
            "iPhone 12",
            "iPhone 13",
            "iPhone 14",
            "iPhone 14 Pro",
            "iPhone 15",
            "iPhone 15 Pro Max",
        ],
        &["16.6", "17.1.1", "17.4.1", "18.0.1"],
        true,
    ),
    (
        "samsung",
        &["SM-S911B", "SM-A546B", "SM-G991B"],
        &["S911BXXU3BWK5", "A546BXXS6CXB1", "G991BXXU9FWI2"],
        false,
    ),
    ("Xiaomi", &["Redmi Note 12", "23049PCD8G", "2201123G"], &[], false),
    (
        "Google",
        &["Pixel 7", "Pixel 8 Pro"],
        &["HDR+ 1.0.540104767zd", "HDR+ 1.0.641377693zd"],
        false,
    ),
    (
        "HUAWEI",
        &["ELS-NX9", "VOG-L29"],
        &["ELS-N39 11.0.0.200(C432E3R1P3)"],
        false,
    ),
    ("OnePlus", &["CPH2449", "LE2123"], &["CPH2449_13.1.0.586(EX01)"], false),
];

/// A random surface.
pub(super) fn random_background(d: &mut Dice) -> Background {
    let r = d.unit();
    if r < 0.3 {
        let v = if d.chance(0.5) {
            d.range_f32(15.0, 70.0)
        } else {
            d.range_f32(150.0, 235.0)
        };
        Background::Plain {
            color: [
                (v * d.range_f32(0.9, 1.1)).min(255.0) as u8,
                v as u8,
                (v * d.range_f32(0.85, 1.15)).min(255.0) as u8,
            ],
        }
    } else if r < 0.5 {
        let a = d.range_f32(20.0, 120.0);
        let b = d.range_f32(120.0, 230.0);
        Background::Gradient {
            from: [a as u8, (a * 0.95) as u8, (a * 1.05).min(255.0) as u8],
            to: [b as u8, (b * 0.97) as u8, (b * 0.92) as u8],
            angle_deg: d.range_f32(0.0, 360.0),
        }
    } else if r < 0.78 {
        let l = d.range_f32(140.0, 215.0);
        let k = d.range_f32(0.45, 0.7);
        Background::Wood {
            light: [l as u8, (l * 0.72) as u8, (l * 0.48) as u8],
            dark: [(l * k) as u8, (l * k * 0.66) as u8, (l * k * 0.42) as u8],
            angle_deg: d.range_f32(-20.0, 20.0) + if d.chance(0.5) { 90.0 } else { 0.0 },
            ring_px: d.range_f32(12.0, 60.0),
        }
    } else {
        Background::Cloth {
            color: [d.int(30, 200) as u8, d.int(30, 200) as u8, d.int(30, 200) as u8],
            thread_px: d.range_f32(3.0, 9.0),
            angle_deg: d.range_f32(-15.0, 15.0),
        }
    }
}

/// A hand reaching in from a random edge of the frame.
pub(super) fn hand_at_edge(d: &mut Dice, w: u32, h: u32) -> SceneObject {
    let (fw, fh) = (w as f32, h as f32);
    let size = d.range_f32(0.06, 0.1) * fw.min(fh);
    let (center, angle) = match d.index(4) {
        0 => ([d.range_f32(0.1, 0.9) * fw, fh + size * 0.3], -90.0),
        1 => ([d.range_f32(0.1, 0.9) * fw, -size * 0.3], 90.0),
        2 => ([-size * 0.3, d.range_f32(0.1, 0.9) * fh], 0.0),
        _ => ([fw + size * 0.3, d.range_f32(0.1, 0.9) * fh], 180.0),
    };
    let tone = d.range_f32(120.0, 235.0);
    SceneObject::Hand {
        center,
        size,
        angle_deg: angle + d.range_f32(-25.0, 25.0),
        color: [
            tone as u8,
            (tone * d.range_f32(0.7, 0.8)) as u8,
            (tone * d.range_f32(0.55, 0.68)) as u8,
        ],
    }
}

/// Axis-aligned bounds of an object, for keeping it off the document.
pub(super) fn object_bbox(o: &SceneObject) -> [f32; 4] {
    match o {
        SceneObject::Coin { center, radius } => [
            center[0] - radius,
            center[1] - radius,
            center[0] + radius,
            center[1] + radius,
        ],
        SceneObject::Pen { from, to, width, .. } => poly_bbox(&[*from, *to], *width),
        SceneObject::Paper { corners } => poly_bbox(corners, 0.0),
        SceneObject::Hand { center, size, .. } => [
            center[0] - size * 3.2,
            center[1] - size * 3.2,
            center[0] + size * 3.2,
            center[1] + size * 3.2,
        ],
    }
}

pub(super) fn boxes_overlap(a: [f32; 4], b: [f32; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// The photo's scene around a placed document (or none): background, a few
/// objects kept clear of the document, light, shadow, exposure and noise.
pub(super) fn photo_scene(
    d: &mut Dice,
    w: u32,
    h: u32,
    doc: Option<&[Point; 4]>,
    exposure: std::ops::Range<f32>,
    noise: std::ops::Range<f32>,
) -> PhotoScene {
    let (fw, fh) = (w as f32, h as f32);
    let background = random_background(d);
    let keep_out = doc.map(|q| poly_bbox(q, 0.03 * fw.min(fh)));
    let mut objects = Vec::new();
    let mut candidates = Vec::new();
    if d.chance(0.2) {
        candidates.push(hand_at_edge(d, w, h));
    }
    if d.chance(0.2) {
        for _ in 0..d.int(1, 3) {
            candidates.push(SceneObject::Coin {
                center: [d.range_f32(0.05, 0.95) * fw, d.range_f32(0.05, 0.95) * fh],
                radius: d.range_f32(0.02, 0.04) * fw.min(fh),
            });
        }
    }
    for o in candidates {
        if keep_out.is_none_or(|k| !boxes_overlap(object_bbox(&o), k)) {
            objects.push(o);
        }
    }
    let t = d.range_f32(-0.05, 0.08);
    PhotoScene {
        background,
        objects,
        lighting: Lighting {
            angle_deg: d.range_f32(0.0, 360.0),
            gradient: d.range_f32(0.05, 0.35),
            vignette: d.range_f32(0.0, 0.25),
            tint: [1.0 + t, 1.0, 1.0 - t],
        },
        shadow: doc.is_some() && d.chance(0.7),
        glare: Vec::new(),
        reflections: Vec::new(),
        exposure_target: d.range_f32(exposure.start, exposure.end.max(exposure.start + 1e-3)),
        blur: None,
        noise_sigma: d.range_f32(noise.start, noise.end.max(noise.start + 1e-3)),
    }
}

/// 1–3 small bright reflections on the background, each clear of the
/// document by ≥ 2 % of the frame (and skipped where there is no room).
pub(super) fn background_reflections(d: &mut Dice, w: u32, h: u32, doc: &[Point; 4]) -> Vec<Highlight> {
    let (fw, fh) = (w as f32, h as f32);
    let keep_out = poly_bbox(doc, 0.02 * fw.min(fh));
    let mut out = Vec::new();
    let count = d.int(1, 3);
    for _ in 0..40 {
        if out.len() as i64 >= count {
            break;
        }
        let a = d.range_f32(0.015, 0.05) * fw.min(fh);
        let axes = [a, a * d.range_f32(0.4, 1.0)];
        let c = [d.range_f32(0.0, fw), d.range_f32(0.0, fh)];
        if !boxes_overlap([c[0] - a, c[1] - a, c[0] + a, c[1] + a], keep_out) {
            out.push(Highlight {
                center: c,
                axes,
                angle_deg: d.range_f32(0.0, 180.0),
                peak: d.range_f32(1.2, 2.5),
            });
        }
    }
    out
}

/// Realistic camera EXIF (optionally of one make); Software may be absent
/// or a firmware/OS string, which is not an editor.
pub(super) fn camera_exif(d: &mut Dice, make: Option<&str>) -> ExifFields {
    let cam = make
        .and_then(|m| CAMERAS.iter().find(|c| c.0 == m))
        .or_else(|| d.pick(CAMERAS))
        .unwrap_or(&CAMERAS[0]);
    let (mk, models, software, be) = *cam;
    let date = format!(
        "{:04}:{:02}:{:02} {:02}:{:02}:{:02}",
        d.int(2021, 2025),
        d.int(1, 12),
        d.int(1, 28),
        d.int(7, 22),
        d.int(0, 59),
        d.int(0, 59)
    );
    ExifFields {
        make: Some(mk.into()),
        model: d.pick(models).map(|m| (*m).to_string()),
        software: d.pick(software).map(|s| (*s).to_string()),
        date_time: Some(date),
        big_endian: be,
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum GlareBand {
    /// ≥ 4 % of the document, anywhere: clear.
    Large,
    /// 0.8–2.8 % over text, MRZ or portrait: clear.
    OnContent,
    /// 0.5–2.6 % in the card's blank zone: borderline.
    Blank,
}

/// Radius (in units of the ellipse) inside which a highlight of `peak` saturates.
pub(super) fn saturated_radius(peak: f32) -> f32 {
    0.35 + 0.65 * peak.max(1.0).ln().sqrt() / 2.5
}

/// Glare highlights on the document whose measured footprint lands in `band`.
pub(super) fn plan_glare(d: &mut Dice, doc: &DocChoice, band: GlareBand) -> Option<Vec<Highlight>> {
    let aspect = doc.aspect;
    let content = doc.content.as_deref();
    for _ in 0..150 {
        let peak = d.range_f32(1.6, 3.0);
        let rs = saturated_radius(peak);
        let area = match band {
            GlareBand::Large => d.range_f32(4.5, 20.0),
            GlareBand::OnContent => d.range_f32(1.0, 2.5),
            GlareBand::Blank => d.range_f32(0.7, 2.3),
        };
        // Saturated ellipse area π·a·b·rs² (document heights²) = area% of aspect × 1.
        let ab = area / 100.0 * aspect / (std::f32::consts::PI * rs * rs);
        let e = d.range_f32(1.0, 2.2);
        let axes = [(ab * e).sqrt(), (ab / e).sqrt()];
        let center = match band {
            GlareBand::Large => [d.range_f32(0.15, 0.85), d.range_f32(0.15, 0.85)],
            GlareBand::OnContent => match content.and_then(|c| d.pick(c)) {
                Some(b) => [d.range_f32(b[0], b[2]), d.range_f32(b[1], b[3])],
                None => [d.range_f32(0.15, 0.85), d.range_f32(0.15, 0.85)],
            },
            GlareBand::Blank => {
                let b = doc.blank?;
                [d.range_f32(b[0], b[2]), d.range_f32(b[1], b[3])]
            }
        };
        let glare = vec![Highlight {
            center,
            axes,
            angle_deg: d.range_f32(0.0, 180.0),
            peak,
        }];
        // The rendered footprint lies between what the highlight saturates on
        // its own (`lo`) and everywhere it adds visible light (`hi`), so the
        // band holds whatever the paper under it.
        let lo = glare_footprint(&glare, aspect, content, 1.0);
        let hi = glare_footprint(&glare, aspect, content, GLARE_VISIBLE_THRESHOLD);
        let ok = match band {
            GlareBand::Large => lo.area_pct >= 4.0,
            GlareBand::OnContent => lo.over_content && (0.8..2.8).contains(&lo.area_pct),
            GlareBand::Blank => !hi.over_content && lo.area_pct >= 0.5 && hi.area_pct < 2.6,
        };
        if ok {
            return Some(glare);
        }
    }
    None
}

/// A photo spec of `doc` at `corners` in a fresh scene, phone EXIF JPEG.
pub(super) fn photo_spec(
    d: &mut Dice,
    w: u32,
    h: u32,
    doc: &DocChoice,
    corners: [Point; 4],
    exposure: std::ops::Range<f32>,
) -> SampleSpec {
    let scene = photo_scene(d, w, h, Some(&corners), exposure, 1.2..3.0);
    let exif = camera_exif(d, None);
    SampleSpec::unnamed(
        w,
        h,
        Some(DocumentSpec {
            source: doc.source.clone(),
            corners,
        }),
        Scene::Photo(scene),
        Encoding::Jpeg {
            quality: d.int(88, 95) as u8,
            resave_quality: None,
            exif: Some(exif),
            xmp_creator_tool: None,
            jfif: false,
        },
    )
}
