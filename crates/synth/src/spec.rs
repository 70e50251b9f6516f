//! The public data: what to render ([`SampleSpec`], cheap, serialisable) and
//! what came out ([`Sample`], with the encoded file and its exact labels).

use serde::Serialize;

pub use crate::card::CardFormat;
use crate::geometry::Point;

/// A capture defect; the serialised names are the precheck's reason codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Defect {
    /// No document in the photo.
    DocNotFound,
    /// Defocus or motion blur.
    DocBlurry,
    /// A specular highlight on the document.
    DocGlare,
    /// The document is too dark.
    DocTooDark,
    /// The document is washed out.
    DocOverexposed,
    /// One or more document corners are outside the frame.
    DocCornersCut,
    /// The document covers too little of the frame.
    DocTooSmall,
    /// The document is too few pixels wide.
    DocLowResolution,
    /// Strong perspective.
    DocTilted,
    /// The file was written by an image editor.
    DocEdited,
    /// A screenshot rather than a photo.
    DocScreenshot,
    /// A photo of a screen showing the document.
    DocScreenPhoto,
}

impl Defect {
    /// Every defect, in label order.
    pub const ALL: [Defect; 12] = [
        Defect::DocNotFound,
        Defect::DocBlurry,
        Defect::DocGlare,
        Defect::DocTooDark,
        Defect::DocOverexposed,
        Defect::DocCornersCut,
        Defect::DocTooSmall,
        Defect::DocLowResolution,
        Defect::DocTilted,
        Defect::DocEdited,
        Defect::DocScreenshot,
        Defect::DocScreenPhoto,
    ];

    /// The reason code, e.g. `DOC_BLURRY`.
    pub fn code(self) -> &'static str {
        match self {
            Defect::DocNotFound => "DOC_NOT_FOUND",
            Defect::DocBlurry => "DOC_BLURRY",
            Defect::DocGlare => "DOC_GLARE",
            Defect::DocTooDark => "DOC_TOO_DARK",
            Defect::DocOverexposed => "DOC_OVEREXPOSED",
            Defect::DocCornersCut => "DOC_CORNERS_CUT",
            Defect::DocTooSmall => "DOC_TOO_SMALL",
            Defect::DocLowResolution => "DOC_LOW_RESOLUTION",
            Defect::DocTilted => "DOC_TILTED",
            Defect::DocEdited => "DOC_EDITED",
            Defect::DocScreenshot => "DOC_SCREENSHOT",
            Defect::DocScreenPhoto => "DOC_SCREEN_PHOTO",
        }
    }

    /// The defect with reason code `code`, if any.
    pub fn from_code(code: &str) -> Option<Defect> {
        Defect::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// How sure a label is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Unmistakably defective: a check must flag it.
    Clear,
    /// In the ambiguous band around the threshold: either answer is acceptable.
    Borderline,
}

/// A corner of the document in its reading order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Corner {
    /// Top-left.
    TopLeft,
    /// Top-right.
    TopRight,
    /// Bottom-right.
    BottomRight,
    /// Bottom-left.
    BottomLeft,
}

impl Corner {
    /// The corners in the order of [`Sample::corners`].
    pub const ALL: [Corner; 4] = [
        Corner::TopLeft,
        Corner::TopRight,
        Corner::BottomRight,
        Corner::BottomLeft,
    ];
}

/// A cell of the document's 3×3 grid (rows top to bottom, columns left to
/// right, in the document's reading orientation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GridCell {
    /// Row 0, column 0.
    TopLeft,
    /// Row 0, column 1.
    TopCenter,
    /// Row 0, column 2.
    TopRight,
    /// Row 1, column 0.
    MiddleLeft,
    /// Row 1, column 1.
    Center,
    /// Row 1, column 2.
    MiddleRight,
    /// Row 2, column 0.
    BottomLeft,
    /// Row 2, column 1.
    BottomCenter,
    /// Row 2, column 2.
    BottomRight,
}

impl GridCell {
    /// Row-major order.
    pub const ALL: [GridCell; 9] = [
        GridCell::TopLeft,
        GridCell::TopCenter,
        GridCell::TopRight,
        GridCell::MiddleLeft,
        GridCell::Center,
        GridCell::MiddleRight,
        GridCell::BottomLeft,
        GridCell::BottomCenter,
        GridCell::BottomRight,
    ];
}

/// Kind of blur.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlurKind {
    /// Defocus, modelled as a Gaussian.
    Gaussian,
    /// Camera shake, a straight line of constant weight.
    Motion,
}

/// The measurements behind a label (serialised as a flat object).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LabelParams {
    /// `DOC_BLURRY`.
    Blur {
        /// Gaussian or motion.
        blur: BlurKind,
        /// σ (Gaussian) or length (motion) in photo pixels.
        size_px: f32,
        /// The same as a percentage of the document's width in the photo.
        size_pct_of_doc_width: f32,
        /// Direction of motion in degrees (0 = along +x, clockwise); 0 for Gaussian.
        angle_deg: f32,
    },
    /// `DOC_GLARE`.
    Glare {
        /// Document pixels washed out by the highlight (it added ≥ 10 levels
        /// and every channel is then ≥ 250, before noise), % of the document's pixels.
        area_pct: f32,
        /// Grid cells with ≥ 1 % of their pixels washed out.
        regions: Vec<GridCell>,
        /// Whether saturation touches a text, MRZ, portrait or signature region
        /// (always true for specimen scans, whose layout is unknown).
        over_content: bool,
    },
    /// `DOC_TOO_DARK`, `DOC_OVEREXPOSED`.
    Exposure {
        /// Mean Rec. 601 luma of the document's pixels in the written image.
        mean_luma: f32,
    },
    /// `DOC_CORNERS_CUT`.
    CornersCut {
        /// The corners outside the frame.
        corners: Vec<Corner>,
        /// How far the farthest one is outside, as % of the document width.
        max_outside_pct_of_doc_width: f32,
    },
    /// `DOC_TOO_SMALL`.
    Coverage {
        /// Visible document area as % of the frame.
        coverage_pct: f32,
    },
    /// `DOC_LOW_RESOLUTION`.
    Resolution {
        /// Mean of the top and bottom edge lengths, in photo pixels.
        doc_width_px: f32,
    },
    /// `DOC_TILTED`.
    Tilt {
        /// Largest |corner angle − 90°|.
        max_angle_deviation_deg: f32,
        /// Largest ratio of opposite side lengths.
        max_side_ratio: f32,
    },
    /// `DOC_NOT_FOUND`.
    NotFound {
        /// What the scene shows instead: `background`, `objects`, `blank_paper`.
        scene: String,
    },
    /// `DOC_EDITED`.
    Edited {
        /// EXIF Software written, if any.
        exif_software: Option<String>,
        /// XMP CreatorTool written, if any.
        xmp_creator_tool: Option<String>,
    },
    /// `DOC_SCREENSHOT`.
    Screenshot {
        /// The screen the resolution belongs to.
        screen: String,
    },
    /// `DOC_SCREEN_PHOTO`.
    ScreenPhoto {
        /// Display resolution in display pixels.
        display: [u32; 2],
        /// Photo pixels per display pixel (moiré is strongest near 1–2).
        camera_px_per_display_px: f32,
        /// In-plane rotation of the display in the photo, degrees.
        rotation_deg: f32,
    },
}

/// One defect present in a sample.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    /// The reason code.
    pub kind: Defect,
    /// Clear or borderline.
    pub severity: Severity,
    /// The measurements behind it.
    pub params: LabelParams,
}

/// File format of a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// Baseline JPEG.
    Jpeg,
    /// PNG, 8-bit RGB.
    Png,
}

impl FileFormat {
    /// `"jpeg"` or `"png"`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "jpeg",
            FileFormat::Png => "png",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "jpg",
            FileFormat::Png => "png",
        }
    }
}

/// A rendered, labelled photo.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// The spec's id.
    pub id: String,
    /// The encoded file.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// JPEG or PNG.
    pub format: FileFormat,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// The document's corners in image pixels, TL/TR/BR/BL in the document's
    /// reading order (may lie outside the image); `None` without a document.
    pub corners: Option<[Point; 4]>,
    /// Where the document came from (`synthetic:…`, `specimen:…`, `none`).
    pub source: String,
    /// Every defect present; empty for a clean sample.
    pub labels: Vec<Label>,
}

impl Sample {
    /// No labels at all.
    pub fn is_clean(&self) -> bool {
        self.labels.is_empty()
    }

    /// The label of `kind`, if present.
    pub fn label(&self, kind: Defect) -> Option<&Label> {
        self.labels.iter().find(|l| l.kind == kind)
    }
}

/// Where the document's pixels come from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum DocumentSource {
    /// A card drawn in code from `seed`.
    Synthetic {
        /// ID-1 or passport page.
        format: CardFormat,
        /// Layout and colour seed.
        seed: u64,
    },
    /// A specimen scan read in place from disk.
    Specimen {
        /// Path of the PNG.
        path: String,
        /// The part used (one side of a two-sided scan, margins trimmed): `[x, y, w, h]`.
        crop: [u32; 4],
    },
}

/// The document and where its corners land in the output image.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentSpec {
    /// Its pixels.
    pub source: DocumentSource,
    /// TL, TR, BR, BL (reading order) in output pixels.
    pub corners: [Point; 4],
}

/// A procedural surface behind the document.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Background {
    /// One colour with gentle unevenness.
    Plain {
        /// Colour.
        color: [u8; 3],
    },
    /// A linear gradient.
    Gradient {
        /// Start colour.
        from: [u8; 3],
        /// End colour.
        to: [u8; 3],
        /// Direction in degrees.
        angle_deg: f32,
    },
    /// Wood: growth rings bent by low-frequency noise, fine grain.
    Wood {
        /// Light wood.
        light: [u8; 3],
        /// Dark rings.
        dark: [u8; 3],
        /// Grain direction in degrees.
        angle_deg: f32,
        /// Ring spacing in pixels.
        ring_px: f32,
    },
    /// Woven cloth with a thread period of a few pixels.
    Cloth {
        /// Colour.
        color: [u8; 3],
        /// Thread period in pixels.
        thread_px: f32,
        /// Weave direction in degrees.
        angle_deg: f32,
    },
}

/// Something lying on the background (never on the document).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum SceneObject {
    /// A coin.
    Coin {
        /// Centre in pixels.
        center: Point,
        /// Radius in pixels.
        radius: f32,
    },
    /// A pen.
    Pen {
        /// One end.
        from: Point,
        /// Other end.
        to: Point,
        /// Width in pixels.
        width: f32,
        /// Body colour.
        color: [u8; 3],
    },
    /// A blank sheet of paper (the hard "not a document" case).
    Paper {
        /// Its corners.
        corners: [Point; 4],
    },
    /// A hand-coloured blob: palm and fingers reaching in.
    Hand {
        /// Palm centre.
        center: Point,
        /// Palm radius in pixels.
        size: f32,
        /// Direction the fingers point, degrees.
        angle_deg: f32,
        /// Skin tone.
        color: [u8; 3],
    },
}

/// A soft elliptical highlight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Highlight {
    /// Centre: document-normalised `[u, v]` for glare on the document, pixels for a reflection on the background.
    pub center: [f32; 2],
    /// Semi-axes: in document heights for glare on the document, pixels for reflections.
    pub axes: [f32; 2],
    /// Rotation, degrees.
    pub angle_deg: f32,
    /// Peak added light as a multiple of full scale (≥ 1 saturates the core).
    pub peak: f32,
}

/// Scene lighting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lighting {
    /// Direction of the illumination gradient, degrees.
    pub angle_deg: f32,
    /// Relative brightness change across the frame diagonal.
    pub gradient: f32,
    /// Darkening in the corners (vignetting), 0–1.
    pub vignette: f32,
    /// Colour of the light (white balance), multipliers near 1.
    pub tint: [f32; 3],
}

/// Blur applied to the whole photo.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Blur {
    /// Gaussian or motion.
    pub kind: BlurKind,
    /// σ or length, in pixels.
    pub size_px: f32,
    /// Motion direction, degrees.
    pub angle_deg: f32,
}

/// A photograph of a document (or of no document) lying in a scene.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhotoScene {
    /// The surface.
    pub background: Background,
    /// Objects on it.
    pub objects: Vec<SceneObject>,
    /// Light.
    pub lighting: Lighting,
    /// Soft shadow under the document.
    pub shadow: bool,
    /// Specular highlights on the document.
    pub glare: Vec<Highlight>,
    /// Highlights on the background only.
    pub reflections: Vec<Highlight>,
    /// Mean luma the exposure aims the document at (the whole frame without one).
    pub exposure_target: f32,
    /// Defocus or motion blur.
    pub blur: Option<Blur>,
    /// Sensor noise σ on the 0–255 scale.
    pub noise_sigma: f32,
}

/// Screen chrome of a screenshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScreenshotScene {
    /// Which device the resolution belongs to.
    pub screen: String,
    /// Phone (status bar + navigation bar) or desktop (title bar + taskbar).
    pub phone: bool,
    /// Dark UI theme.
    pub dark: bool,
    /// Content area colour.
    pub content_color: [u8; 3],
    /// Accent colour of the bars.
    pub accent: [u8; 3],
    /// Mean luma the shown document is scaled to.
    pub exposure_target: f32,
}

/// A photograph of a display showing the document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScreenPhotoScene {
    /// Display resolution in display pixels.
    pub display: [u32; 2],
    /// The display's active area in the photo (TL, TR, BR, BL).
    pub display_corners: [Point; 4],
    /// Bezel width in display pixels.
    pub bezel: f32,
    /// Viewer background on the display.
    pub viewer_color: [u8; 3],
    /// The document on the display, `[x0, y0, x1, y1]` in display pixels.
    pub doc_rect: [f32; 4],
    /// Behind the display.
    pub background: Background,
    /// Optical blur σ in photo pixels.
    pub optics_sigma: f32,
    /// Mean luma the exposure aims the document at.
    pub exposure_target: f32,
    /// Sensor noise σ.
    pub noise_sigma: f32,
}

/// How the picture comes about.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Scene {
    /// A camera photo.
    Photo(PhotoScene),
    /// A screenshot.
    Screenshot(ScreenshotScene),
    /// A camera photo of a screen.
    ScreenPhoto(ScreenPhotoScene),
}

/// EXIF IFD0 fields written by hand into an APP1 segment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExifFields {
    /// Make (0x010F).
    pub make: Option<String>,
    /// Model (0x0110).
    pub model: Option<String>,
    /// Software (0x0131).
    pub software: Option<String>,
    /// DateTime (0x0132), `YYYY:MM:DD HH:MM:SS`.
    pub date_time: Option<String>,
    /// Write the TIFF structure big-endian (`MM`, as Apple does) instead of `II`.
    pub big_endian: bool,
}

/// How the file is written.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Encoding {
    /// JPEG.
    Jpeg {
        /// Quality 1–100.
        quality: u8,
        /// Decode and encode again at this quality (a re-save).
        resave_quality: Option<u8>,
        /// EXIF APP1 segment inserted right after SOI.
        exif: Option<ExifFields>,
        /// XMP APP1 packet with this CreatorTool.
        xmp_creator_tool: Option<String>,
        /// Keep the encoder's JFIF APP0 (browsers, editors) or drop it (cameras).
        jfif: bool,
    },
    /// PNG, no metadata.
    Png,
}

/// Everything needed to render one sample; cheap to make, deterministic to render.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SampleSpec {
    /// Unique within a set, e.g. `doc_glare-0003-large`.
    pub id: String,
    /// Seed of all randomness in rendering (noise, card layout details).
    pub seed: u64,
    /// What the planner aimed at (`None`: clean). The rendered labels are
    /// derived from the final geometry and pixels, not copied from here.
    pub intent: Option<Defect>,
    /// The severity aimed at.
    pub intent_severity: Option<Severity>,
    /// Scenario name (e.g. `phone_exif`, `motion`, `blank_paper`).
    pub variant: String,
    /// Output width in pixels.
    pub width: u32,
    /// Output height in pixels.
    pub height: u32,
    /// The document, if the scene has one.
    pub document: Option<DocumentSpec>,
    /// How the picture comes about.
    pub scene: Scene,
    /// How the file is written.
    pub encoding: Encoding,
}

impl SampleSpec {
    /// A spec not yet named: no id, seed, intent or variant (the planner sets
    /// those once it knows which sample this is).
    pub(crate) fn unnamed(
        width: u32,
        height: u32,
        document: Option<DocumentSpec>,
        scene: Scene,
        encoding: Encoding,
    ) -> Self {
        Self {
            id: String::new(),
            seed: 0,
            intent: None,
            intent_severity: None,
            variant: String::new(),
            width,
            height,
            document,
            scene,
            encoding,
        }
    }

    /// The same scene at `factor` times the size (a quick preview, or small
    /// test images): the frame, corners, objects, reflections, blur, texture
    /// periods and the photographed display scale; documents, glare (in
    /// document units) and screens' own pixels do not, and the camera's lens
    /// blur only by `min(√factor, 1.3)` (a camera with more pixels still
    /// blurs by about one of its own pixels). Labels are derived
    /// when rendering, so a scaled sample can gain size-related labels
    /// (`DOC_LOW_RESOLUTION`) and a scaled screenshot is no longer at a
    /// screen's resolution. `factor` is clamped to 0.01–4; the frame keeps ≥ 1 px.
    pub fn scaled(&self, factor: f32) -> SampleSpec {
        let f = if factor.is_finite() {
            factor.clamp(0.01, 4.0)
        } else {
            1.0
        };
        let px = |v: f32| v * f;
        let pt = |p: Point| [p[0] * f, p[1] * f];
        let side = |v: u32| ((v as f32 * f).round() as u32).max(1);
        let mut out = self.clone();
        out.width = side(self.width);
        out.height = side(self.height);
        if let Some(d) = &mut out.document {
            d.corners = d.corners.map(pt);
        }
        let scale_background = |b: &mut Background| match b {
            Background::Wood { ring_px, .. } => *ring_px = px(*ring_px),
            Background::Cloth { thread_px, .. } => *thread_px = px(*thread_px),
            Background::Plain { .. } | Background::Gradient { .. } => {}
        };
        match &mut out.scene {
            Scene::Photo(p) => {
                scale_background(&mut p.background);
                for o in &mut p.objects {
                    match o {
                        SceneObject::Coin { center, radius } => {
                            *center = pt(*center);
                            *radius = px(*radius);
                        }
                        SceneObject::Pen { from, to, width, .. } => {
                            *from = pt(*from);
                            *to = pt(*to);
                            *width = px(*width);
                        }
                        SceneObject::Paper { corners } => *corners = corners.map(pt),
                        SceneObject::Hand { center, size, .. } => {
                            *center = pt(*center);
                            *size = px(*size);
                        }
                    }
                }
                for r in &mut p.reflections {
                    r.center = pt(r.center);
                    r.axes = r.axes.map(px);
                }
                if let Some(b) = &mut p.blur {
                    b.size_px = px(b.size_px);
                }
            }
            Scene::Screenshot(_) => {}
            Scene::ScreenPhoto(s) => {
                scale_background(&mut s.background);
                s.display_corners = s.display_corners.map(pt);
                // The lens blur is the camera's, not the scene's: a camera with more pixels
                // still blurs by about a pixel of its own (phone optics are built to match their
                // sensors), so it grows far less than the scene. Scaling it with the scene would
                // erase a display's pixel grid that a real 12-MP photo records.
                s.optics_sigma *= f.sqrt().min(1.3);
            }
        }
        out
    }
}
