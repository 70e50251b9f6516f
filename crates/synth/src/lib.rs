//! Deterministic, seeded generator of labelled document photos (clean and
//! defective), for testing and evaluating the capture-quality precheck.
//!
//! # Use
//!
//! [`evaluation_set`] plans a set cheaply (no pixels): `2 × per_kind` clean
//! [`SampleSpec`]s and `per_kind` of each of the 12 [`Defect`]s. [`render`]
//! turns one spec into a [`Sample`]: the encoded file (`bytes`), its format
//! and size, the document's corners and every label that applies. Same spec,
//! same bytes; the planner and the renderer draw randomness only from
//! `ChaCha8Rng::seed_from_u64` through integer/53-bit conversions of our own.
//! [`expected_labels`] gives the labels that follow from a spec without
//! rendering it; [`phone_photo_12mp`] is a 4000 × 3000 phone JPEG for
//! benchmarks; [`SampleSpec::scaled`] shrinks a scene for quick previews.
//!
//! ```
//! let specs = openkyc_synth::evaluation_set_with(1, 1, &openkyc_synth::SetOptions {
//!     synthetic_only: true,
//!     ..Default::default()
//! });
//! let glare = specs.iter().find(|s| s.intent == Some(openkyc_synth::Defect::DocGlare)).unwrap();
//! let sample = openkyc_synth::render(&glare.scaled(0.1));
//! assert!(sample.label(openkyc_synth::Defect::DocGlare).is_some());
//! ```
//!
//! # What is drawn
//!
//! * **Documents**: synthetic ID-1 cards (aspect 1.586, 3-line MRZ) and
//!   passport data pages (1.42, 2-line MRZ): rounded corners, a two-colour
//!   gradient, a guilloche of two families of wavy lines, an optional header
//!   band, a portrait block with a face-like blob, label/value lines of
//!   pseudo-glyphs (2–4 strokes between points of a 3×3 grid; no fonts) with
//!   stroke widths of 11–22 % of the glyph height, a signature and the MRZ
//!   (data then `<` fillers). The layout is known, so glare can be aimed at or
//!   away from content; each card keeps a blank zone right of the text. And the
//!   specimen scans of `../shared/fixtures/documents` (read in place, one
//!   side of two-sided scans, margins trimmed; see the `specimen` module):
//!   35 % of documents when present. Specimens narrower than 420 px are used
//!   only where the document is shown small, and none is shown at more than 2×
//!   its pixels, so upscaling never passes for blur.
//! * **Scene**: plain (dark or light), gradient, wood (warped rings, grain)
//!   or cloth (3–9 px weave, a trap for moiré checks) backgrounds; coins, a
//!   hand reaching in from an edge; a soft shadow under the document; a 3-D
//!   pose (tilt of the document plane, perspective with a phone-like focal
//!   length, any in-plane rotation incl. portrait and upside down); lighting
//!   (a linear gradient across the frame, vignetting, white-balance tint);
//!   exposure metered on the document (gain found by bisection so that the
//!   mean luma after clipping hits the target); sensor noise (luma + chroma,
//!   stronger in bright areas); 4:2:0 JPEG (`jpeg-encoder`, scalar, so the
//!   bytes are the same on every machine) or PNG.
//! * **Frames**: 1600×1200, 2000×1500, 1280×960 and their portrait forms;
//!   1280×720 / 1920×1080 browser captures; small frames (400×300 … 800×600)
//!   for low resolution; 4000×3000 for the benchmark photo.
//!
//! # Labels
//!
//! Labels are derived from what was rendered, never copied from the plan
//! (module [`labels`] holds every band edge). Each measure has a *clear*
//! band (a check must fire), a *borderline* band (either answer is
//! acceptable) and nothing; the planner aims clean samples well clear of the
//! borderline bands and re-draws (bounded tries) until a defect lands in the
//! band it aims at.
//!
//! | code | measured as | clear | borderline | clean samples |
//! |---|---|---|---|---|
//! | `DOC_BLURRY` | Gaussian σ / motion length, % of the document's width in the photo | σ ≥ 0.6 % (≈ 0.5 mm on ID-1: small print unreadable); motion ≥ 2 % | σ 0.3–0.6 %; motion 0.6–2 % | no added blur |
//! | `DOC_GLARE` | document pixels washed out by the highlight (it added ≥ 10 levels and every channel is then ≥ 250), as % of the document's pixels; 3×3 cells with ≥ 1 % of their pixels washed out | ≥ 3 %, or touching a text / MRZ / portrait / signature region (any point of a specimen counts) | 0.2–3 % on blank areas | none on the document; 1–3 small reflections on the background |
//! | `DOC_TOO_DARK` | mean Rec. 601 luma of the document's pixels (centres inside the quad) in the written 8-bit image, before encoding | < 40 | 40–52 | 68–185 (68–92: dim) |
//! | `DOC_OVEREXPOSED` | the same | > 232 | 216–232 | ≤ 185 |
//! | `DOC_CORNERS_CUT` | corners outside the frame, distance as % of document width | one ≥ 2 % out | out by < 2 %, or inside but < 0.5 % from the edge | ≥ 3 % of the frame inside |
//! | `DOC_TOO_SMALL` | visible document area / frame area | < 8.5 % | 8.5–12 % | 27–78 % |
//! | `DOC_LOW_RESOLUTION` | mean of top and bottom edge lengths, px | < 360 | 360–440 | ≥ 520 |
//! | `DOC_TILTED` | max \|corner angle − 90°\|, max opposite-side ratio | ≥ 20° or ≥ 1.35 | ≥ 12° or ≥ 1.2 | < 8° and < 1.12 |
//! | `DOC_NOT_FOUND` | no document in the scene | background only, or objects | a blank sheet of paper (A4 aspect, near the passport's 1.42) | — |
//! | `DOC_EDITED` | EXIF Software or XMP CreatorTool names an editor ([`EDITORS`]) | always | — | camera EXIF: Software an OS/firmware string (iOS `17.1.1`, Samsung firmware, Pixel `HDR+ …`) or absent |
//! | `DOC_SCREENSHOT` | PNG at an exact screen resolution ([`SCREENS`]) with status/navigation bars or a desktop's title bar and taskbar, no EXIF | always | — | PNG scans at other sizes; 1920×1080 JPEG browser captures without EXIF |
//! | `DOC_SCREEN_PHOTO` | display pixels drawn as R/G/B stripes (76 % of the width lit) with a black matrix (85 % of the height lit), sampled 2×2 per camera pixel through a mildly tilted, 1–6° rotated homography (0.45–1.2 camera px per display px: moiré), bezel, σ 0.6–1.1 px optics | always | — | — |
//!
//! Clean variants (cycled): camera JPEG with phone EXIF, JPEG re-saved at
//! q 70–95, browser capture (JPEG, JFIF, no EXIF), any in-plane rotation, mild
//! but visible perspective (4–8°), dim lighting, reflections on the
//! background, PNG scanner export on a near-white page, plain.
//!
//! # Determinism and limits
//!
//! The same spec renders to the same bytes on a given platform. `f32`
//! transcendental functions (sin, exp) come from the platform's math
//! library and may differ in the last bit between platforms, which can move
//! a pixel by one level. `render` never panics: frame sides are clamped to
//! 1–8192 px, non-finite corners drop the document, degenerate geometry is
//! skipped, and an unreadable specimen is replaced by a synthetic card in the
//! same place (the sample's `source` then says `synthetic-fallback`).

mod card;
mod effects;
mod encode;
mod geometry;
mod glyphs;
pub mod labels;
mod plan;
mod raster;
mod render;
mod rng;
mod scene;
mod screen;
mod spec;
mod specimen;

pub use geometry::Point;
pub use plan::{
    evaluation_set, evaluation_set_with, phone_photo_12mp, phone_photo_12mp_spec, SetOptions, EDITORS, SCREENS,
};
pub use render::{expected_labels, render};
pub use spec::*;
pub use specimen::default_specimen_dir;
