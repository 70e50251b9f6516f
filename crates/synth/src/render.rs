//! Rendering a [`SampleSpec`] into a [`Sample`]: pixels, file, labels.

use std::path::Path;

use crate::card::{CardLayout, UvBox};
use crate::effects::{develop, gaussian_blur, motion_blur};
use crate::encode;
use crate::geometry::{measure_quad, Homography, Point};
use crate::labels::{blur_label, exposure_label, geometry_labels, glare_label};
use crate::plan::EDITORS;
use crate::raster::{Frame, Texture, MAX_SIDE};
use crate::rng::mix;
use crate::scene::{
    add_document_glare, add_reflections, apply_lighting, composite_texture, draw_objects, draw_shadow, exposure_gain,
    glare_footprint, mean_luma_rgb8, render_background, sample_colours, GlareFootprint, Light,
};
use crate::screen::{display_content, draw_ui, photograph_display, Display};
use crate::spec::{
    BlurKind, CardFormat, Defect, DocumentSource, Encoding, FileFormat, Label, LabelParams, PhotoScene, Sample,
    SampleSpec, Scene, SceneObject, ScreenPhotoScene, ScreenshotScene, Severity,
};
use crate::specimen::load_texture;

/// Camera pixels per display pixel below which a screen photo is labelled
/// borderline (see `expected_labels`).
const FINE_DISPLAY_PITCH: f32 = 0.75;

/// The rendered pixels and what was measured on them.
struct Rendered {
    rgb: Vec<u8>,
    /// Mean luma of the document's pixels.
    doc_mean: Option<f32>,
    /// Glare footprint counted on the pixels.
    glare: Option<GlareFootprint>,
}

/// What labels take from the pixels.
struct Measured {
    doc_mean: Option<f32>,
    glare: Option<GlareFootprint>,
}

/// The document's pixels as loaded for one render.
struct LoadedDoc {
    tex: Texture,
    /// Width / height the corners were planned with.
    aspect: f32,
    /// Content regions (`None`: unknown layout).
    content: Option<Vec<UvBox>>,
    /// Provenance for [`Sample::source`].
    source: String,
}

/// Renders a sample. Deterministic: the same spec gives the same bytes.
/// Never panics; sizes are clamped to 1–8192 px per side.
pub fn render(spec: &SampleSpec) -> Sample {
    let w = spec.width.clamp(1, MAX_SIDE as u32);
    let h = spec.height.clamp(1, MAX_SIDE as u32);
    let doc = usable_document(spec);
    let corners = doc.map(|d| d.corners);
    let loaded = doc.map(|d| {
        let width = match &spec.scene {
            Scene::ScreenPhoto(s) => s.doc_rect[2] - s.doc_rect[0],
            _ => measure_quad(&d.corners, w as f32, h as f32).doc_width_px,
        };
        load_document(&d.source, width)
    });
    let placed = corners.as_ref().zip(loaded.as_ref());
    let out = match &spec.scene {
        Scene::Photo(p) => render_photo(spec.seed, w, h, p, placed),
        Scene::Screenshot(s) => render_screenshot(spec.seed, w, h, s, placed),
        Scene::ScreenPhoto(s) => render_screen_photo(spec.seed, w, h, s, placed),
    };
    let (bytes, format) = encode_file(&spec.encoding, &out.rgb, w, h);
    let mut labels = derive_labels(
        spec,
        w,
        h,
        placed.map(|(q, d)| (q, d.aspect, d.content.as_deref())),
        Some(&Measured {
            doc_mean: out.doc_mean,
            glare: out.glare,
        }),
    );
    labels.sort_by_key(|l| l.kind);
    Sample {
        id: spec.id.clone(),
        bytes,
        format,
        width: w,
        height: h,
        corners,
        source: loaded.map_or_else(|| "none".to_string(), |l| l.source),
        labels,
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Loads or draws the document at about `width` pixels (specimens are
/// area-downscaled when shown smaller than 80 % of their size; never upscaled here).
fn load_document(source: &DocumentSource, width: f32) -> LoadedDoc {
    let width = if width.is_finite() {
        width.clamp(16.0, 4096.0)
    } else {
        16.0
    };
    match source {
        DocumentSource::Synthetic { format, seed } => synthetic(
            *format,
            *seed,
            width,
            format!("synthetic:{}:{seed}", format_name(*format)),
        ),
        DocumentSource::Specimen { path, crop } => {
            let aspect = crop[2] as f32 / crop[3].max(1) as f32;
            match load_texture(Path::new(path), *crop) {
                Some(tex) => {
                    let tex = if width < 0.8 * tex.width as f32 {
                        tex.downscale_to_width(width.round() as usize)
                    } else {
                        tex
                    };
                    LoadedDoc {
                        tex,
                        aspect,
                        content: None,
                        source: format!("specimen:{}", file_name(path)),
                    }
                }
                None => {
                    // The file went away between planning and rendering: a
                    // synthetic card in the same place keeps the sample usable,
                    // and the source says so.
                    let seed = path.bytes().fold(0u64, |a, b| mix(a, u64::from(b)));
                    let mut doc = synthetic(
                        CardFormat::Id1,
                        seed,
                        width,
                        format!("synthetic-fallback:{}", file_name(path)),
                    );
                    doc.aspect = aspect;
                    doc
                }
            }
        }
    }
}

fn format_name(f: CardFormat) -> &'static str {
    match f {
        CardFormat::Id1 => "id1",
        CardFormat::PassportPage => "passport",
    }
}

fn synthetic(format: CardFormat, seed: u64, width: f32, source: String) -> LoadedDoc {
    let layout = CardLayout::new(seed, format);
    LoadedDoc {
        tex: layout.render(width.round() as usize),
        aspect: format.aspect(),
        content: Some(layout.content_regions()),
        source,
    }
}

fn render_photo(seed: u64, w: u32, h: u32, p: &PhotoScene, doc: Option<(&[Point; 4], &LoadedDoc)>) -> Rendered {
    let mut frame = render_background(&p.background, w as usize, h as usize, seed);
    draw_objects(&mut frame, &p.objects);
    if let Some((q, d)) = doc {
        if p.shadow {
            let dw = measure_quad(q, w as f32, h as f32).doc_width_px;
            draw_shadow(&mut frame, q, [0.004 * dw, 0.008 * dw], 0.012 * dw, 0.28);
        }
        composite_texture(&mut frame, &d.tex, q);
    }
    // Exposure is metered on the lit document, or without one on a sheet of
    // paper lying there (so it is not blown out), or else on the whole frame;
    // light and gain are then applied in one pass.
    let quad = doc.map(|(q, _)| q);
    let paper = p.objects.iter().find_map(|o| match o {
        SceneObject::Paper { corners } => Some(corners),
        _ => None,
    });
    let light = Light::new(&p.lighting, frame.width, frame.height);
    let gain = exposure_gain(&sample_colours(&frame, quad.or(paper), Some(&light)), p.exposure_target);
    apply_lighting(&mut frame, &light, gain);
    let glare = doc.and_then(|(q, d)| add_document_glare(&mut frame, q, d.aspect, &p.glare, d.content.as_deref()));
    add_reflections(&mut frame, &p.reflections);
    if let Some(b) = &p.blur {
        match b.kind {
            BlurKind::Gaussian => gaussian_blur(&mut frame, b.size_px),
            BlurKind::Motion => motion_blur(&mut frame, b.size_px, b.angle_deg),
        }
    }
    Rendered {
        glare,
        ..finish(&frame, p.noise_sigma, seed, quad)
    }
}

/// Noise, 8-bit conversion, and the document's mean luma on the result.
fn finish(frame: &Frame, noise_sigma: f32, seed: u64, quad: Option<&[Point; 4]>) -> Rendered {
    let rgb = develop(frame, noise_sigma, seed);
    let doc_mean = quad.map(|q| mean_luma_rgb8(&rgb, frame.width, frame.height, Some(q)));
    Rendered {
        rgb,
        doc_mean,
        glare: None,
    }
}

/// Scales a document's colours so its mean luma is `target` (a displayed photo or scan).
fn exposed(tex: &Texture, target: f32) -> Texture {
    let mut t = tex.clone();
    let mean = t.mean_luma();
    if mean > 1.0 {
        t.scale_colour(target / mean);
    }
    t
}

fn render_screenshot(
    seed: u64,
    w: u32,
    h: u32,
    s: &ScreenshotScene,
    doc: Option<(&[Point; 4], &LoadedDoc)>,
) -> Rendered {
    let mut frame = Frame::new(w as usize, h as usize, s.content_color.map(f32::from));
    if let Some((q, d)) = doc {
        composite_texture(&mut frame, &exposed(&d.tex, s.exposure_target), q);
    }
    draw_ui(&mut frame, s, seed);
    // Screenshots are noise-free.
    finish(&frame, 0.0, seed, doc.map(|(q, _)| q))
}

fn render_screen_photo(
    seed: u64,
    w: u32,
    h: u32,
    s: &ScreenPhotoScene,
    doc: Option<(&[Point; 4], &LoadedDoc)>,
) -> Rendered {
    let [dw, dh] = s.display.map(|v| v.clamp(1, MAX_SIDE as u32));
    let shown = doc.map(|(_, d)| exposed(&d.tex, 150.0));
    let content = display_content(dw, dh, s.viewer_color, shown.as_ref().map(|t| (t, s.doc_rect)));
    let mut frame = render_background(&s.background, w as usize, h as usize, seed);
    if let Some(to_photo) = Homography::rect_to(f64::from(dw), f64::from(dh), &s.display_corners) {
        let b = s.bezel.clamp(0.0, 1e4);
        let (fw, fh) = (dw as f32, dh as f32);
        let outline = [[-b, -b], [fw + b, -b], [fw + b, fh + b], [-b, fh + b]].map(|p| to_photo.apply_point(p));
        if let [Some(a), Some(bb), Some(c), Some(dd)] = outline {
            let display = Display {
                content: &content,
                to_photo,
                corners: s.display_corners,
                bezel_corners: [a, bb, c, dd],
            };
            photograph_display(&mut frame, &display);
        }
    }
    gaussian_blur(&mut frame, s.optics_sigma);
    let quad = doc.map(|(q, _)| q);
    let gain = exposure_gain(&sample_colours(&frame, quad, None), s.exposure_target);
    frame.scale(gain);
    finish(&frame, s.noise_sigma, seed, quad)
}

fn encode_file(enc: &Encoding, rgb: &[u8], w: u32, h: u32) -> (Vec<u8>, FileFormat) {
    match enc {
        Encoding::Png => (encode::png(rgb, w, h).unwrap_or_default(), FileFormat::Png),
        Encoding::Jpeg {
            quality,
            resave_quality,
            exif,
            xmp_creator_tool,
            jfif,
        } => {
            let mut bytes = encode::jpeg(rgb, w, h, *quality).unwrap_or_default();
            if let Some(q2) = resave_quality {
                if let Some((px, rw, rh)) = encode::decode_rgb8(&bytes) {
                    bytes = encode::jpeg(&px, rw, rh, *q2).unwrap_or(bytes);
                }
            }
            if !jfif {
                bytes = encode::strip_jfif(bytes);
            }
            let mut segments = Vec::new();
            if let Some(e) = exif {
                segments.push(encode::exif_segment(e));
            }
            if let Some(tool) = xmp_creator_tool {
                let date = exif.as_ref().and_then(|e| e.date_time.as_deref());
                segments.push(encode::xmp_segment(tool, date));
            }
            (encode::insert_after_soi(&bytes, &segments), FileFormat::Jpeg)
        }
    }
}

/// Every label that follows from the spec alone, for filtering a set
/// before rendering it (cheap: no pixels, no file access). Exposure labels
/// are missing ([`render`] measures them on the written pixels), and the
/// glare area is the part the highlights saturate on their own (rendering
/// counts the washed-out pixels, which also takes in the paper's own
/// brightness: the same area or a little more; the planner keeps the
/// severity the same either way).
pub fn expected_labels(spec: &SampleSpec) -> Vec<Label> {
    let w = spec.width.clamp(1, MAX_SIDE as u32);
    let h = spec.height.clamp(1, MAX_SIDE as u32);
    let doc = usable_document(spec).map(|d| {
        let (aspect, content) = match &d.source {
            DocumentSource::Synthetic { format, seed } => {
                (format.aspect(), Some(CardLayout::new(*seed, *format).content_regions()))
            }
            DocumentSource::Specimen { crop, .. } => (crop[2] as f32 / crop[3].max(1) as f32, None),
        };
        (d.corners, aspect, content)
    });
    let mut labels = derive_labels(spec, w, h, doc.as_ref().map(|(q, a, c)| (q, *a, c.as_deref())), None);
    labels.sort_by_key(|l| l.kind);
    labels
}

/// The document, if it has finite corners of sane magnitude.
fn usable_document(spec: &SampleSpec) -> Option<&crate::spec::DocumentSpec> {
    spec.document
        .as_ref()
        .filter(|d| d.corners.iter().flatten().all(|v| v.is_finite() && v.abs() < 1e6))
}

/// A document as labels see it: corners, aspect, content regions (`None`: unknown layout).
type PlacedDoc<'a> = (&'a [Point; 4], f32, Option<&'a [UvBox]>);

/// `doc`: corners, aspect and content regions (`None`: unknown) of the
/// document. `measured`: `None` before rendering (no exposure label; glare
/// from the area the highlights saturate on their own).
fn derive_labels(
    spec: &SampleSpec,
    w: u32,
    h: u32,
    doc: Option<PlacedDoc<'_>>,
    measured: Option<&Measured>,
) -> Vec<Label> {
    let mut labels = Vec::new();
    match doc {
        Some((q, aspect, content)) => {
            let m = measure_quad(q, w as f32, h as f32);
            labels.extend(geometry_labels(&m));
            labels.extend(measured.and_then(|m| m.doc_mean).and_then(exposure_label));
            if let Scene::Photo(p) = &spec.scene {
                if let Some(b) = &p.blur {
                    labels.extend(blur_label(b.kind, b.size_px, b.angle_deg, m.doc_width_px));
                }
                if !p.glare.is_empty() {
                    let footprint = match measured {
                        Some(m) => m.glare.clone(),
                        None => Some(glare_footprint(&p.glare, aspect, content, 1.0)),
                    };
                    if let Some(f) = footprint {
                        labels.extend(glare_label(f.area_pct, f.regions, f.over_content));
                    }
                }
            }
        }
        None => {
            if let Scene::Photo(p) = &spec.scene {
                let paper = p.objects.iter().any(|o| matches!(o, SceneObject::Paper { .. }));
                let scene = if paper {
                    "blank_paper"
                } else if p.objects.is_empty() {
                    "background"
                } else {
                    "objects"
                };
                labels.push(Label {
                    kind: Defect::DocNotFound,
                    severity: if paper { Severity::Borderline } else { Severity::Clear },
                    params: LabelParams::NotFound { scene: scene.into() },
                });
            }
        }
    }
    if let Encoding::Jpeg {
        exif, xmp_creator_tool, ..
    } = &spec.encoding
    {
        let software = exif.as_ref().and_then(|e| e.software.clone());
        let by_editor = software.as_deref().is_some_and(|s| EDITORS.contains(&s));
        if by_editor || xmp_creator_tool.is_some() {
            labels.push(Label {
                kind: Defect::DocEdited,
                severity: Severity::Clear,
                params: LabelParams::Edited {
                    exif_software: software,
                    xmp_creator_tool: xmp_creator_tool.clone(),
                },
            });
        }
    }
    match &spec.scene {
        Scene::Screenshot(s) => labels.push(Label {
            kind: Defect::DocScreenshot,
            severity: Severity::Clear,
            params: LabelParams::Screenshot {
                screen: s.screen.clone(),
            },
        }),
        Scene::ScreenPhoto(s) => {
            let top = crate::geometry::distance(s.display_corners[0], s.display_corners[1]);
            let dx = s.display_corners[1][0] - s.display_corners[0][0];
            let dy = s.display_corners[1][1] - s.display_corners[0][1];
            let camera_px_per_display_px = top / s.display[0].max(1) as f32;
            labels.push(Label {
                kind: Defect::DocScreenPhoto,
                // A display pixel smaller than ~3/4 of a camera pixel puts its
                // grid far beyond the sensor's Nyquist limit: the sensor's own
                // averaging and the optics leave at most a faint moiré, and
                // whether any survives depends on the angle. Not a clear case.
                severity: if camera_px_per_display_px < FINE_DISPLAY_PITCH {
                    Severity::Borderline
                } else {
                    Severity::Clear
                },
                params: LabelParams::ScreenPhoto {
                    display: s.display,
                    camera_px_per_display_px: (camera_px_per_display_px * 1000.0).round() / 1000.0,
                    rotation_deg: (dy.atan2(dx).to_degrees() * 100.0).round() / 100.0,
                },
            });
        }
        Scene::Photo(_) => {}
    }
    labels
}
