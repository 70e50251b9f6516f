//! The planner: turns `(seed, kind, index)` into a [`SampleSpec`] without
//! drawing a pixel. Geometry is sampled from a 3-D pose (tilt of the
//! document plane, perspective projection with a phone-like focal length,
//! in-plane rotation), scaled to a target coverage and positioned; each
//! candidate is checked against the label bands and re-drawn (bounded number
//! of tries) until it lands in the band aimed at, so clean samples are clean
//! with a margin and defective ones are unambiguous.

use std::path::PathBuf;

use crate::card::{CardFormat, CardLayout, UvBox};
use crate::geometry::{measure_quad, Point};
use crate::labels::geometry_labels;
use crate::rng::{mix, Dice};
use crate::screen::ui_insets;
use crate::spec::{
    Background, Blur, BlurKind, Defect, DocumentSource, DocumentSpec, Encoding, ExifFields, Lighting, PhotoScene,
    SampleSpec, Scene, SceneObject, ScreenPhotoScene, ScreenshotScene, Severity,
};
use crate::specimen::{default_specimen_dir, discover, Specimen};

mod dressing;
mod placement;

use dressing::*;
use placement::*;

/// Image editors written as EXIF Software / XMP CreatorTool in `DOC_EDITED` samples.
pub const EDITORS: &[&str] = &[
    "Adobe Photoshop 25.0 (Windows)",
    "Adobe Photoshop 24.7 (Macintosh)",
    "GIMP 2.10.36",
    "Meitu",
    "PicsArt",
    "Snapseed 2.0",
    "Adobe Lightroom",
    "Adobe Photoshop Lightroom Classic 13.0 (Windows)",
    "Canva",
    "Pixelmator Pro 3.5",
    "paint.net 5.0.12",
    "Affinity Photo 2",
];

/// Exact screen resolutions (width × height) used for `DOC_SCREENSHOT`; the
/// clean PNG scans are kept off this list.
pub const SCREENS: &[(&str, u32, u32, bool)] = &[
    ("iphone_13_14", 1170, 2532, true),
    ("iphone_15_pro", 1179, 2556, true),
    ("iphone_15_pro_max", 1290, 2796, true),
    ("android_fhd_plus", 1080, 2400, true),
    ("android_fhd_plus_19_5", 1080, 2340, true),
    ("android_qhd_plus", 1440, 3200, true),
    ("desktop_full_hd", 1920, 1080, false),
    ("desktop_qhd", 2560, 1440, false),
    ("laptop_hd", 1366, 768, false),
];

/// Options of [`evaluation_set_with`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SetOptions {
    /// Where the specimen PNGs are; `None`: [`default_specimen_dir`].
    pub specimen_dir: Option<PathBuf>,
    /// Use synthetic cards only.
    pub synthetic_only: bool,
}

/// The evaluation set: `2 × per_kind` clean samples (false alarms need the
/// larger denominator) and `per_kind` samples of each of the 12 defects, in
/// that order. Specimens are read from [`default_specimen_dir`]; when it is
/// absent this says `SKIPPED` on stderr and uses synthetic cards only.
pub fn evaluation_set(seed: u64, per_kind: usize) -> Vec<SampleSpec> {
    evaluation_set_with(seed, per_kind, &SetOptions::default())
}

/// [`evaluation_set`] with options.
pub fn evaluation_set_with(seed: u64, per_kind: usize, options: &SetOptions) -> Vec<SampleSpec> {
    let specimens = if options.synthetic_only {
        Vec::new()
    } else {
        let dir = options.specimen_dir.clone().unwrap_or_else(default_specimen_dir);
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        let found = discover(&dir);
        if found.is_empty() {
            eprintln!(
                "SKIPPED: no specimen documents in {}; using synthetic cards only",
                dir.display()
            );
        }
        found
    };
    let planner = Planner { specimens };
    let mut out = Vec::with_capacity(per_kind * 14);
    for i in 0..per_kind.saturating_mul(2) {
        out.push(planner.clean(mix(seed, 0xC1EA), i));
    }
    for kind in Defect::ALL {
        for i in 0..per_kind {
            out.push(planner.defect(mix(seed, kind as u64 + 1), kind, i));
        }
    }
    out
}

/// The spec of [`phone_photo_12mp`]: a clean 4000 × 3000 phone photo with
/// Apple EXIF, synthetic card only (no file access).
pub fn phone_photo_12mp_spec(seed: u64) -> SampleSpec {
    let planner = Planner { specimens: Vec::new() };
    let sample_seed = mix(seed, 0x12);
    let mut d = Dice::new(sample_seed, 1);
    let doc = planner.choose_doc(&mut d, true, true);
    let rotation = rotation_clean(&mut d);
    let corners = place_clean(&mut d, &doc, 4000, 3000, rotation).unwrap_or_else(|| {
        // Unreachable for a 12-MP frame; a centred card keeps the function total.
        centered(4000.0, 3000.0, 2400.0, doc.aspect)
    });
    let scene = photo_scene(&mut d, 4000, 3000, Some(&corners), 120.0..175.0, 1.2..2.2);
    let exif = camera_exif(&mut d, Some("Apple"));
    SampleSpec {
        id: format!("phone-12mp-{seed}"),
        seed: sample_seed,
        intent: None,
        intent_severity: None,
        variant: "phone_12mp".into(),
        width: 4000,
        height: 3000,
        document: Some(DocumentSpec {
            source: doc.source,
            corners,
        }),
        scene: Scene::Photo(scene),
        encoding: Encoding::Jpeg {
            quality: 92,
            resave_quality: None,
            exif: Some(exif),
            xmp_creator_tool: None,
            jfif: false,
        },
    }
}

/// A "12-MP phone JPEG" (4000 × 3000, Apple EXIF) for benchmarks.
pub fn phone_photo_12mp(seed: u64) -> Vec<u8> {
    crate::render::render(&phone_photo_12mp_spec(seed)).bytes
}

struct Planner {
    specimens: Vec<Specimen>,
}

/// A document chosen for a sample.
struct DocChoice {
    source: DocumentSource,
    aspect: f32,
    /// Widest it may appear (specimens are not upscaled more than 2×).
    max_width: f32,
    /// Content regions (`None`: unknown, every point counts).
    content: Option<Vec<UvBox>>,
    /// A region free of content, when known.
    blank: Option<UvBox>,
}

/// Specimens narrower than this are soft when shown large (their own
/// blur, relative to their width, nears the borderline blur band): they are
/// used only where the document is shown small.
const SHARP_SPECIMEN_WIDTH: u32 = 420;
/// Specimens are shown at most this many times their pixel size.
const MAX_SPECIMEN_UPSCALE: f32 = 2.0;

const PHOTO_FRAMES: &[(u32, u32)] = &[
    (1600, 1200),
    (1200, 1600),
    (2000, 1500),
    (1500, 2000),
    (1280, 960),
    (960, 1280),
];

fn slug(kind: Option<Defect>) -> String {
    kind.map_or_else(|| "clean".to_string(), |k| k.code().to_ascii_lowercase())
}

impl Planner {
    /// A document: a specimen (35 %, when any is available and allowed) or a
    /// synthetic card. `sharp_only` keeps to specimens at least
    /// [`SHARP_SPECIMEN_WIDTH`] px wide, for samples shown large.
    fn choose_doc(&self, d: &mut Dice, synthetic_only: bool, sharp_only: bool) -> DocChoice {
        let usable: Vec<&Specimen> = self
            .specimens
            .iter()
            .filter(|s| !sharp_only || s.crop[2] >= SHARP_SPECIMEN_WIDTH)
            .collect();
        if !synthetic_only && !usable.is_empty() && d.chance(0.35) {
            if let Some(s) = d.pick(&usable) {
                let [_, _, w, h] = s.crop;
                return DocChoice {
                    source: DocumentSource::Specimen {
                        path: s.path.display().to_string(),
                        crop: s.crop,
                    },
                    aspect: w as f32 / h.max(1) as f32,
                    max_width: MAX_SPECIMEN_UPSCALE * w as f32,
                    content: None,
                    blank: None,
                };
            }
        }
        let format = if d.chance(0.6) {
            CardFormat::Id1
        } else {
            CardFormat::PassportPage
        };
        let seed = d.next_u64();
        let layout = CardLayout::new(seed, format);
        DocChoice {
            source: DocumentSource::Synthetic { format, seed },
            aspect: format.aspect(),
            max_width: 5000.0,
            content: Some(layout.content_regions()),
            blank: Some(layout.blank),
        }
    }

    /// A photo frame the document can fill cleanly (≥ 30 % coverage within its size limit).
    fn frame_for(d: &mut Dice, doc: &DocChoice) -> (u32, u32) {
        let fits: Vec<(u32, u32)> = PHOTO_FRAMES
            .iter()
            .copied()
            .filter(|&(w, h)| doc.max_width * doc.max_width / doc.aspect >= 0.3 * (w * h) as f32)
            .collect();
        let from = if fits.is_empty() { PHOTO_FRAMES } else { &fits };
        *d.pick(from).unwrap_or(&(1600, 1200))
    }

    fn clean(&self, seed: u64, i: usize) -> SampleSpec {
        const VARIANTS: [&str; 9] = [
            "phone_exif",
            "resaved",
            "browser_capture",
            "rotated",
            "mild_perspective",
            "dim",
            "background_reflection",
            "scanner_png",
            "plain",
        ];
        let variant = VARIANTS[i % VARIANTS.len()];
        let sample_seed = mix(seed, i as u64);
        let mut d = Dice::new(sample_seed, 1);
        let mut spec = match variant {
            "scanner_png" => self.scanner_png(&mut d),
            "browser_capture" => {
                let frame = *d.pick(&[(1280u32, 720u32), (1920, 1080)]).unwrap_or(&(1280, 720));
                let mut s = self.clean_photo(&mut d, Some(frame), None, 90.0..160.0);
                s.encoding = Encoding::Jpeg {
                    quality: d.int(80, 92) as u8,
                    resave_quality: None,
                    exif: None,
                    xmp_creator_tool: None,
                    jfif: true,
                };
                s
            }
            _ => {
                let rotation = (variant == "rotated").then(|| d.range_f32(0.0, 360.0));
                let exposure = if variant == "dim" { 68.0..92.0 } else { 100.0..185.0 };
                let mut s = self.clean_photo(&mut d, None, rotation, exposure);
                let (w, h) = (s.width, s.height);
                if variant == "mild_perspective" {
                    redraw_with_visible_perspective(&mut d, &mut s);
                }
                if let Scene::Photo(p) = &mut s.scene {
                    if variant == "dim" {
                        p.noise_sigma = d.range_f32(2.5, 4.0);
                    }
                    if variant == "background_reflection" {
                        if let Some(doc) = &s.document {
                            p.reflections = background_reflections(&mut d, w, h, &doc.corners);
                        }
                    }
                }
                match variant {
                    "resaved" => {
                        s.encoding = Encoding::Jpeg {
                            quality: d.int(85, 95) as u8,
                            resave_quality: Some(d.int(70, 95) as u8),
                            exif: None,
                            xmp_creator_tool: None,
                            jfif: true,
                        }
                    }
                    "plain" if d.chance(0.3) => {
                        s.encoding = Encoding::Jpeg {
                            quality: d.int(85, 95) as u8,
                            resave_quality: None,
                            exif: None,
                            xmp_creator_tool: None,
                            jfif: true,
                        }
                    }
                    _ => {}
                }
                s
            }
        };
        spec.id = format!("clean-{i:04}-{variant}");
        spec.seed = sample_seed;
        spec.variant = variant.into();
        spec
    }

    /// A clean photo spec (phone EXIF JPEG) with the document placed cleanly.
    /// `frame`: `None` picks one that suits the document; `rotation`: `None`
    /// for the usual mix ([`rotation_clean`]).
    fn clean_photo(
        &self,
        d: &mut Dice,
        frame: Option<(u32, u32)>,
        rotation: Option<f32>,
        exposure: std::ops::Range<f32>,
    ) -> SampleSpec {
        self.photo_with_doc(d, frame, rotation, exposure, false).0
    }

    fn photo_with_doc(
        &self,
        d: &mut Dice,
        frame: Option<(u32, u32)>,
        rotation: Option<f32>,
        exposure: std::ops::Range<f32>,
        synthetic_only: bool,
    ) -> (SampleSpec, DocChoice) {
        let rotation = rotation.unwrap_or_else(|| rotation_clean(d));
        let doc = self.choose_doc(d, synthetic_only, true);
        let (w, h) = frame.unwrap_or_else(|| Self::frame_for(d, &doc));
        let (doc, corners) = match place_clean(d, &doc, w, h, rotation) {
            Some(q) => (doc, q),
            None => {
                // A specimen too small for this frame: a synthetic card instead.
                let synthetic = self.choose_doc(d, true, true);
                let q = place_clean(d, &synthetic, w, h, rotation).unwrap_or_else(|| {
                    centered(
                        w as f32,
                        h as f32,
                        0.6 * w.min(h) as f32 * synthetic.aspect.min(1.3),
                        synthetic.aspect,
                    )
                });
                (synthetic, q)
            }
        };
        (photo_spec(d, w, h, &doc, corners, exposure), doc)
    }

    /// A flat scan exported as PNG by a scanner app: the document on a
    /// near-white page with margins, at a resolution that is no screen's.
    fn scanner_png(&self, d: &mut Dice) -> SampleSpec {
        let doc = self.choose_doc(d, false, true);
        let mut doc_w = d.range_f32(900.0, 1500.0).min(doc.max_width);
        if doc_w < 700.0 {
            doc_w = doc.max_width.max(700.0);
        }
        let doc_h = doc_w / doc.aspect;
        let mx = doc_w * d.range_f32(0.07, 0.16);
        let my = doc_h * d.range_f32(0.07, 0.16);
        let mut w = (doc_w + 2.0 * mx).round() as u32;
        let h = (doc_h + 2.0 * my).round() as u32;
        if is_screen_size(w, h) {
            w += 3;
        }
        let rot = d.range_f32(-1.2, 1.2);
        let q0 = project(doc.aspect, 0.0, 0.0, rot);
        let s = doc_w / 1000.0;
        let c = [
            w as f32 * 0.5 + d.range_f32(-0.3, 0.3) * mx,
            h as f32 * 0.5 + d.range_f32(-0.3, 0.3) * my,
        ];
        let corners = q0.map(|p| [c[0] + p[0] * s, c[1] + p[1] * s]);
        let page = d.range_f32(228.0, 250.0) as u8;
        let scene = PhotoScene {
            background: Background::Plain {
                color: [page, page, page.saturating_sub(d.int(0, 4) as u8)],
            },
            objects: Vec::new(),
            lighting: Lighting {
                angle_deg: d.range_f32(0.0, 360.0),
                gradient: d.range_f32(0.0, 0.04),
                vignette: 0.0,
                tint: [1.0; 3],
            },
            shadow: false,
            glare: Vec::new(),
            reflections: Vec::new(),
            exposure_target: d.range_f32(140.0, 185.0),
            blur: None,
            noise_sigma: d.range_f32(0.4, 1.0),
        };
        SampleSpec::unnamed(
            w,
            h,
            Some(DocumentSpec {
                source: doc.source,
                corners,
            }),
            Scene::Photo(scene),
            Encoding::Png,
        )
    }

    fn defect(&self, seed: u64, kind: Defect, i: usize) -> SampleSpec {
        let sample_seed = mix(seed, i as u64);
        let mut d = Dice::new(sample_seed, 1);
        let borderline =
            i % 4 == 3 && !matches!(kind, Defect::DocEdited | Defect::DocScreenshot | Defect::DocScreenPhoto);
        let (mut spec, variant) = match kind {
            Defect::DocBlurry => self.blurry(&mut d, i, borderline),
            Defect::DocGlare => self.glare(&mut d, i, borderline),
            Defect::DocTooDark => {
                let target = if borderline { 43.0..50.0 } else { 18.0..34.0 };
                let mut s = self.clean_photo(&mut d, None, None, target);
                if let Scene::Photo(p) = &mut s.scene {
                    p.noise_sigma = d.range_f32(2.0, 4.0);
                }
                (s, "underexposed")
            }
            Defect::DocOverexposed => {
                let target = if borderline { 220.0..229.0 } else { 236.0..247.0 };
                (self.clean_photo(&mut d, None, None, target), "overexposed")
            }
            Defect::DocCornersCut => self.corners_cut(&mut d, i, borderline),
            Defect::DocTooSmall => self.too_small(&mut d, borderline),
            Defect::DocLowResolution => self.low_resolution(&mut d, i, borderline),
            Defect::DocTilted => self.tilted(&mut d, borderline),
            Defect::DocNotFound => self.not_found(&mut d, i, borderline),
            Defect::DocEdited => self.edited(&mut d, i),
            Defect::DocScreenshot => self.screenshot(&mut d),
            Defect::DocScreenPhoto => self.screen_photo(&mut d),
        };
        spec.id = format!("{}-{i:04}-{variant}", slug(Some(kind)));
        spec.seed = sample_seed;
        spec.intent = Some(kind);
        spec.intent_severity = Some(if borderline || variant == "blank_paper" {
            Severity::Borderline
        } else {
            Severity::Clear
        });
        if kind == Defect::DocScreenPhoto {
            // How fine the display's pixels came out in the photo decides
            // whether its moiré is a clear case (see the labels).
            let labels = crate::render::expected_labels(&spec);
            if let Some(label) = labels.iter().find(|l| l.kind == kind) {
                spec.intent_severity = Some(label.severity);
            }
        }
        spec.variant = variant.into();
        spec
    }

    fn blurry(&self, d: &mut Dice, i: usize, borderline: bool) -> (SampleSpec, &'static str) {
        let mut s = self.clean_photo(d, None, None, 100.0..180.0);
        let (w, h) = (s.width, s.height);
        let motion = i % 2 == 1;
        let pct = match (motion, borderline) {
            (false, false) => d.range_f32(0.7, 1.5),
            (false, true) => d.range_f32(0.33, 0.5),
            (true, false) => d.range_f32(2.2, 4.0),
            (true, true) => d.range_f32(0.7, 1.6),
        };
        let doc_w = s
            .document
            .as_ref()
            .map_or(800.0, |doc| measure_quad(&doc.corners, w as f32, h as f32).doc_width_px);
        let blur = Blur {
            kind: if motion { BlurKind::Motion } else { BlurKind::Gaussian },
            size_px: pct / 100.0 * doc_w,
            angle_deg: if motion { d.range_f32(0.0, 180.0) } else { 0.0 },
        };
        if let Scene::Photo(p) = &mut s.scene {
            p.blur = Some(blur);
        }
        (s, if motion { "motion" } else { "gaussian" })
    }

    fn glare(&self, d: &mut Dice, i: usize, borderline: bool) -> (SampleSpec, &'static str) {
        let band = if borderline {
            GlareBand::Blank
        } else if i % 2 == 0 {
            GlareBand::Large
        } else {
            GlareBand::OnContent
        };
        let (mut s, doc) = self.photo_with_doc(d, None, None, 100.0..175.0, band == GlareBand::Blank);
        let (glare, band) = match plan_glare(d, &doc, band) {
            Some(g) => (g, band),
            None => (
                plan_glare(d, &doc, GlareBand::Large).unwrap_or_default(),
                GlareBand::Large,
            ),
        };
        if let Scene::Photo(p) = &mut s.scene {
            p.glare = glare;
        }
        let variant = match band {
            GlareBand::Large => "large",
            GlareBand::OnContent => "on_content",
            GlareBand::Blank => "blank_area",
        };
        (s, variant)
    }

    fn corners_cut(&self, d: &mut Dice, i: usize, borderline: bool) -> (SampleSpec, &'static str) {
        let cut = if borderline { 1 + (i / 4) % 2 } else { 1 + i % 4 };
        let mut s = self.clean_photo(d, None, None, 100.0..180.0);
        let (w, h) = (s.width, s.height);
        let Some(doc) = s.document.clone() else {
            return (s, cut_variant(cut, borderline));
        };
        // A specimen may be too small to overfill the frame: then a synthetic card.
        let placed = plan_cut(
            d,
            aspect_of(&doc.source),
            max_width_of(&doc.source),
            w,
            h,
            cut,
            borderline,
        )
        .map(|q| (doc.source.clone(), q))
        .or_else(|| {
            let synthetic = self.choose_doc(d, true, true);
            plan_cut(d, synthetic.aspect, synthetic.max_width, w, h, cut, borderline).map(|q| (synthetic.source, q))
        });
        if let Some((source, corners)) = placed {
            s.document = Some(DocumentSpec { source, corners });
            strip_objects_near(&mut s);
        }
        (s, cut_variant(cut, borderline))
    }

    fn too_small(&self, d: &mut Dice, borderline: bool) -> (SampleSpec, &'static str) {
        let frames = [(2000u32, 1500u32), (1500, 2000), (1600, 1200)];
        let (w, h) = *d.pick(&frames).unwrap_or(&(2000, 1500));
        let doc = self.choose_doc(d, false, true);
        let aspect = doc.aspect;
        let mut s = photo_spec(
            d,
            w,
            h,
            &doc,
            centered(w as f32, h as f32, 0.3 * w as f32, aspect),
            100.0..180.0,
        );
        let want = if borderline {
            Severity::Borderline
        } else {
            Severity::Clear
        };
        for _ in 0..200 {
            let coverage = if borderline {
                d.range_f32(8.8, 11.5)
            } else {
                d.range_f32(3.0, 7.5)
            };
            let (tilt, rotation) = (d.range_f32(0.0, 9.0), rotation_clean(d));
            let Some(q) = place_with(d, aspect, w, h, tilt, rotation, coverage..coverage, 0.0, 5000.0) else {
                continue;
            };
            let labels = geometry_labels(&measure_quad(&q, w as f32, h as f32));
            if labels.len() == 1
                && labels
                    .first()
                    .is_some_and(|l| l.kind == Defect::DocTooSmall && l.severity == want)
            {
                s = photo_spec(d, w, h, &doc, q, 100.0..180.0);
                break;
            }
        }
        (s, "far")
    }

    fn low_resolution(&self, d: &mut Dice, i: usize, borderline: bool) -> (SampleSpec, &'static str) {
        let far = !borderline && i % 4 == 2;
        let target_w = if borderline {
            d.range_f32(372.0, 428.0)
        } else {
            d.range_f32(220.0, 340.0)
        };
        let aspect_guess = 1.5;
        let frames: Vec<(u32, u32)> = if far {
            vec![(1600, 1200), (1200, 1600)]
        } else {
            [
                (640u32, 480u32),
                (480, 640),
                (512, 384),
                (400, 300),
                (800, 600),
                (600, 800),
            ]
            .into_iter()
            .filter(|&(fw, fh)| {
                let cov = 100.0 * target_w * target_w / aspect_guess / (fw * fh) as f32;
                (24.0..70.0).contains(&cov)
            })
            .collect()
        };
        let (w, h) = *d.pick(&frames).unwrap_or(&(640, 480));
        let doc = self.choose_doc(d, false, false);
        let aspect = doc.aspect;
        let mut s = photo_spec(
            d,
            w,
            h,
            &doc,
            centered(w as f32, h as f32, target_w, aspect),
            100.0..180.0,
        );
        for _ in 0..200 {
            let tw = if borderline {
                d.range_f32(372.0, 428.0)
            } else {
                d.range_f32(220.0, 340.0)
            };
            let rotation = if far {
                rotation_clean(d)
            } else {
                d.range_f32(-10.0, 10.0) + if h > w { 90.0 } else { 0.0 }
            };
            let tilt = d.range_f32(0.0, 8.0);
            let Some(q) = place_with(d, aspect, w, h, tilt, rotation, 0.0..100.0, tw, tw) else {
                continue;
            };
            let labels = geometry_labels(&measure_quad(&q, w as f32, h as f32));
            let kinds: Vec<Defect> = labels.iter().map(|l| l.kind).collect();
            let lowres_ok = labels
                .iter()
                .any(|l| l.kind == Defect::DocLowResolution && (l.severity == Severity::Borderline) == borderline);
            let others_ok = if far {
                kinds == [Defect::DocTooSmall, Defect::DocLowResolution]
            } else {
                kinds == [Defect::DocLowResolution]
            };
            if lowres_ok && others_ok {
                s = photo_spec(d, w, h, &doc, q, 100.0..180.0);
                break;
            }
        }
        s.encoding = match s.encoding {
            Encoding::Jpeg {
                exif,
                jfif,
                xmp_creator_tool,
                ..
            } => Encoding::Jpeg {
                quality: d.int(78, 92) as u8,
                resave_quality: None,
                exif,
                xmp_creator_tool,
                jfif,
            },
            Encoding::Png => Encoding::Png,
        };
        (s, if far { "far_away" } else { "small_frame" })
    }

    fn tilted(&self, d: &mut Dice, borderline: bool) -> (SampleSpec, &'static str) {
        let mut s = self.clean_photo(d, None, None, 100.0..180.0);
        let (w, h) = (s.width, s.height);
        let Some(doc) = s.document.clone() else {
            return (s, "strong");
        };
        let aspect = aspect_of(&doc.source);
        let max_width = max_width_of(&doc.source);
        for _ in 0..300 {
            let tilt = if borderline {
                d.range_f32(15.0, 40.0)
            } else {
                d.range_f32(35.0, 62.0)
            };
            let rotation = rotation_clean(d);
            let Some(q) = place_with(d, aspect, w, h, tilt, rotation, 25.0..55.0, 460.0, max_width) else {
                continue;
            };
            let m = measure_quad(&q, w as f32, h as f32);
            let labels = geometry_labels(&m);
            let only_tilt = labels.len() == 1 && labels.first().is_some_and(|l| l.kind == Defect::DocTilted);
            let in_band = if borderline {
                (13.0..18.5).contains(&m.max_angle_deviation_deg) && m.max_side_ratio < 1.32
            } else {
                m.max_angle_deviation_deg >= 24.0 || m.max_side_ratio >= 1.42
            };
            if only_tilt && in_band {
                s.document = Some(DocumentSpec {
                    source: doc.source.clone(),
                    corners: q,
                });
                strip_objects_near(&mut s);
                break;
            }
        }
        (s, if borderline { "moderate" } else { "strong" })
    }

    fn not_found(&self, d: &mut Dice, i: usize, borderline: bool) -> (SampleSpec, &'static str) {
        let (w, h) = *d.pick(PHOTO_FRAMES).unwrap_or(&(1600, 1200));
        let (fw, fh) = (w as f32, h as f32);
        let variant = if borderline {
            "blank_paper"
        } else if i % 2 == 0 {
            "background"
        } else {
            "objects"
        };
        let mut scene = photo_scene(d, w, h, None, 90.0..170.0, 1.2..3.0);
        scene.objects.clear();
        if variant == "blank_paper" {
            scene.exposure_target = d.range_f32(170.0, 215.0);
        }
        match variant {
            "blank_paper" => {
                let portrait = d.chance(0.5);
                let aspect = if portrait { 1.0 / 1.414 } else { 1.414 };
                let (tilt, rotation) = (d.range_f32(0.0, 9.0), d.range_f32(-10.0, 10.0));
                let q = place_with(d, aspect, w, h, tilt, rotation, 25.0..60.0, 0.0, 1e6)
                    .unwrap_or_else(|| centered(fw, fh, 0.5 * fw, aspect));
                scene.objects.push(SceneObject::Paper { corners: q });
            }
            "objects" => {
                let m = fw.min(fh);
                for _ in 0..d.int(1, 4) {
                    scene.objects.push(SceneObject::Coin {
                        center: [d.range_f32(0.1, 0.9) * fw, d.range_f32(0.1, 0.9) * fh],
                        radius: d.range_f32(0.025, 0.045) * m,
                    });
                }
                if d.chance(0.7) {
                    let c = [d.range_f32(0.2, 0.8) * fw, d.range_f32(0.2, 0.8) * fh];
                    let a = d.range_f32(0.0, std::f32::consts::TAU);
                    let half = d.range_f32(0.15, 0.3) * m;
                    let (sn, cs) = a.sin_cos();
                    scene.objects.push(SceneObject::Pen {
                        from: [c[0] - cs * half, c[1] - sn * half],
                        to: [c[0] + cs * half, c[1] + sn * half],
                        width: d.range_f32(0.012, 0.022) * m,
                        color: [d.int(10, 200) as u8, d.int(10, 200) as u8, d.int(10, 220) as u8],
                    });
                }
                if d.chance(0.5) {
                    scene.objects.push(hand_at_edge(d, w, h));
                }
            }
            _ => {}
        }
        let exif = camera_exif(d, None);
        let spec = SampleSpec::unnamed(
            w,
            h,
            None,
            Scene::Photo(scene),
            Encoding::Jpeg {
                quality: d.int(88, 95) as u8,
                resave_quality: None,
                exif: Some(exif),
                xmp_creator_tool: None,
                jfif: false,
            },
        );
        (spec, variant)
    }

    fn edited(&self, d: &mut Dice, i: usize) -> (SampleSpec, &'static str) {
        let mut s = self.clean_photo(d, None, None, 100.0..180.0);
        let editor = d.pick(EDITORS).copied().unwrap_or("GIMP 2.10.36").to_string();
        let camera = camera_exif(d, None);
        let variant = ["exif_software", "xmp_creator_tool", "exif_and_xmp"][i % 3];
        let exif = (variant != "xmp_creator_tool").then(|| {
            let keep_camera = d.chance(0.5);
            ExifFields {
                make: if keep_camera { camera.make.clone() } else { None },
                model: if keep_camera { camera.model.clone() } else { None },
                software: Some(editor.clone()),
                date_time: camera.date_time.clone(),
                big_endian: d.chance(0.5),
            }
        });
        let xmp = (variant != "exif_software").then(|| editor.clone());
        s.encoding = Encoding::Jpeg {
            quality: d.int(80, 98) as u8,
            resave_quality: None,
            exif,
            xmp_creator_tool: xmp,
            jfif: true,
        };
        (s, variant)
    }

    fn screenshot(&self, d: &mut Dice) -> (SampleSpec, &'static str) {
        let &(name, w, h, phone) = d.pick(SCREENS).unwrap_or(&SCREENS[0]);
        let (top, bottom) = ui_insets(phone, w, h);
        let mut doc = self.choose_doc(d, false, true);
        let (fw, fh) = (w as f32, h as f32);
        let content_h = fh - top - bottom;
        let wanted = if phone {
            fw * d.range_f32(0.86, 0.98)
        } else {
            fw * d.range_f32(0.38, 0.6)
        };
        if wanted.min(content_h * 0.95 * doc.aspect) > doc.max_width {
            // Shown larger than its pixels allow: a synthetic card instead.
            doc = self.choose_doc(d, true, true);
        }
        let doc_w = wanted.min(content_h * 0.95 * doc.aspect);
        let doc_h = doc_w / doc.aspect;
        let x0 = (fw - doc_w) * d.range_f32(0.3, 0.7);
        let y0 = top + (content_h - doc_h) * d.range_f32(0.2, 0.6);
        let corners = [[x0, y0], [x0 + doc_w, y0], [x0 + doc_w, y0 + doc_h], [x0, y0 + doc_h]];
        let dark = d.chance(0.4);
        let content_color = if dark { [0, 0, 0] } else { [d.int(235, 255) as u8; 3] };
        let ui = ScreenshotScene {
            screen: name.into(),
            phone,
            dark,
            content_color,
            accent: [d.int(0, 80) as u8, d.int(90, 160) as u8, d.int(200, 255) as u8],
            exposure_target: d.range_f32(110.0, 180.0),
        };
        let spec = SampleSpec::unnamed(
            w,
            h,
            Some(DocumentSpec {
                source: doc.source,
                corners,
            }),
            Scene::Screenshot(ui),
            Encoding::Png,
        );
        (spec, if phone { "phone" } else { "desktop" })
    }

    fn screen_photo(&self, d: &mut Dice) -> (SampleSpec, &'static str) {
        let (w, h) = *d.pick(&[(1600u32, 1200u32), (2000, 1500)]).unwrap_or(&(1600, 1200));
        let (fw, fh) = (w as f32, h as f32);
        let displays: &[(u32, u32, &str)] = &[
            (1280, 800, "laptop"),
            (1366, 768, "laptop"),
            (1440, 900, "laptop"),
            (1920, 1080, "monitor"),
            (1920, 1200, "monitor"),
            (2532, 1170, "phone"),
        ];
        let &(dw, dh, what) = d.pick(displays).unwrap_or(&displays[0]);
        let mut doc = self.choose_doc(d, false, true);
        let (dwf, dhf) = (dw as f32, dh as f32);
        let wanted = (dwf * d.range_f32(0.6, 0.85)).min(dhf * 0.88 * doc.aspect);
        if wanted > doc.max_width {
            doc = self.choose_doc(d, true, true);
        }
        let doc_w = wanted.min(dhf * 0.88 * doc.aspect);
        let doc_h = doc_w / doc.aspect;
        let rx = (dwf - doc_w) * d.range_f32(0.35, 0.65);
        let ry = (dhf - doc_h) * d.range_f32(0.35, 0.65);
        let doc_rect = [rx, ry, rx + doc_w, ry + doc_h];
        let bezel = dwf
            * if what == "phone" {
                d.range_f32(0.01, 0.02)
            } else {
                d.range_f32(0.015, 0.04)
            };
        let mut best = None;
        for _ in 0..200 {
            let rotation = d.range_f32(1.0, 6.0) * if d.chance(0.5) { -1.0 } else { 1.0 };
            let tilt = d.range_f32(0.0, 8.0);
            let Some(display) = place_with(d, dwf / dhf, w, h, tilt, rotation, 45.0..80.0, 0.0, 1e6) else {
                continue;
            };
            let Some(to_photo) = crate::geometry::Homography::rect_to(f64::from(dw), f64::from(dh), &display) else {
                continue;
            };
            let map = |p: Point| to_photo.apply_point(p);
            let doc_q = [
                [doc_rect[0], doc_rect[1]],
                [doc_rect[2], doc_rect[1]],
                [doc_rect[2], doc_rect[3]],
                [doc_rect[0], doc_rect[3]],
            ];
            let Some(q) = doc_q.iter().map(|&p| map(p)).collect::<Option<Vec<Point>>>() else {
                continue;
            };
            let Ok(q) = <[Point; 4]>::try_from(q) else { continue };
            let bezel_q = [
                [-bezel, -bezel],
                [dwf + bezel, -bezel],
                [dwf + bezel, dhf + bezel],
                [-bezel, dhf + bezel],
            ];
            let Some(bq) = bezel_q.iter().map(|&p| map(p)).collect::<Option<Vec<Point>>>() else {
                continue;
            };
            let inside = bq
                .iter()
                .all(|p| p[0] >= 0.0 && p[1] >= 0.0 && p[0] <= fw && p[1] <= fh);
            let m = measure_quad(&q, fw, fh);
            if inside && geometry_labels(&m).is_empty() {
                best = Some((display, q));
                break;
            }
        }
        let (display_corners, corners) = best.unwrap_or_else(|| {
            (
                centered(fw, fh, 0.85 * fw, dwf / dhf),
                centered(fw, fh, 0.85 * fw * doc_w / dwf, doc.aspect),
            )
        });
        let scene = ScreenPhotoScene {
            display: [dw, dh],
            display_corners,
            bezel,
            viewer_color: if d.chance(0.5) {
                [d.int(20, 45) as u8; 3]
            } else {
                [d.int(225, 250) as u8; 3]
            },
            doc_rect,
            background: random_background(d),
            optics_sigma: d.range_f32(0.6, 1.1),
            exposure_target: d.range_f32(100.0, 170.0),
            noise_sigma: d.range_f32(1.5, 3.0),
        };
        let exif = camera_exif(d, None);
        let spec = SampleSpec::unnamed(
            w,
            h,
            Some(DocumentSpec {
                source: doc.source,
                corners,
            }),
            Scene::ScreenPhoto(scene),
            Encoding::Jpeg {
                quality: d.int(88, 95) as u8,
                resave_quality: None,
                exif: Some(exif),
                xmp_creator_tool: None,
                jfif: false,
            },
        );
        (spec, what)
    }
}

fn is_screen_size(w: u32, h: u32) -> bool {
    SCREENS
        .iter()
        .any(|&(_, sw, sh, _)| (sw, sh) == (w, h) || (sh, sw) == (w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_without_tilt_is_a_rectangle() {
        let q = project(1.5, 0.0, 0.0, 0.0);
        let m = measure_quad(&q, 1.0, 1.0);
        assert!(m.max_angle_deviation_deg < 1e-3);
        assert!((m.doc_width_px - 1000.0).abs() < 0.01);
    }

    #[test]
    fn more_tilt_more_perspective() {
        let dev = |t: f32| measure_quad(&project(1.586, t, 30.0, 0.0), 1.0, 1.0).max_angle_deviation_deg;
        assert!(dev(5.0) < dev(20.0) && dev(20.0) < dev(45.0));
        assert!(dev(8.0) < 8.0, "{}", dev(8.0));
        assert!(dev(60.0) > 20.0, "{}", dev(60.0));
    }

    #[test]
    fn saturated_radius_matches_the_profile() {
        for peak in [1.6f32, 2.0, 3.0] {
            let r = saturated_radius(peak);
            let v = peak * crate::scene::highlight_profile(r);
            assert!((v - 1.0).abs() < 1e-3, "{peak}: {v}");
        }
    }

    #[test]
    fn clean_placements_are_clean() {
        let planner = Planner { specimens: Vec::new() };
        let mut d = Dice::new(1, 1);
        for &(w, h) in PHOTO_FRAMES {
            for _ in 0..10 {
                let doc = planner.choose_doc(&mut d, true, true);
                let r = rotation_clean(&mut d);
                let q = place_clean(&mut d, &doc, w, h, r).unwrap();
                assert!(is_clean_geometry(&measure_quad(&q, w as f32, h as f32)));
            }
        }
    }

    #[test]
    fn screen_list_has_no_scan_sizes() {
        assert!(is_screen_size(1170, 2532) && is_screen_size(2532, 1170));
        assert!(!is_screen_size(1187, 802));
    }
}
