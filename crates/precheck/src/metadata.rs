//! Provenance signs read from metadata: editing software and screenshots.
//! Missing metadata is never a defect by itself: browser captures (canvas
//! JPEGs) and many phone uploads carry no EXIF at all.

use crate::config::MetadataConfig;
use openkyc_intake::{ImageFormat, Intake};

/// How strongly the metadata says "edited", 0–1, and why: 1.0 when a
/// configured editor is named (EXIF Software, XMP CreatorTool or edit
/// history, PNG Software), 0.8 for Photoshop's own metadata blocks, else 0.
pub fn edited_score(intake: &Intake, config: &MetadataConfig) -> (f32, String) {
    let m = &intake.metadata;
    let named = [
        ("EXIF Software", m.software.as_deref()),
        ("XMP CreatorTool", m.xmp_creator_tool.as_deref()),
        ("PNG Software", m.png_software.as_deref()),
    ]
    .into_iter()
    .chain(
        m.xmp_history_agents
            .iter()
            .map(|agent| ("XMP edit history", Some(agent.as_str()))),
    );
    for (label, value) in named {
        let Some(value) = value else { continue };
        let lower = value.to_lowercase();
        if let Some(editor) = config
            .editing_software
            .iter()
            .find(|e| lower.contains(&e.to_lowercase()))
        {
            return (1.0, format!("{label} names {value:?} (an editor: {editor})"));
        }
    }
    // Photoshop leaves its own blocks even when the Software tag is rewritten.
    if m.photoshop_irb || m.xmp_photoshop {
        return (0.8, "Photoshop image resources or XMP properties are present".into());
    }
    (0.0, "no editing software named in the metadata".into())
}

/// How strongly the image looks like a screenshot, 0–1, and why.
///
/// An explicit "Screenshot" marker in a software field is decisive. Otherwise: a PNG at exactly a phone screen size scores 0.9;
/// a PNG at a desktop screen size 0.6 (webcams capture at those sizes too);
/// the same sizes as JPEG score 0.3 (a browser capture or a converted
/// screenshot); camera EXIF (make or model) lowers the score to 0.
pub fn screenshot_score(intake: &Intake, config: &MetadataConfig) -> (f32, String) {
    let m = &intake.metadata;
    let marked = [&m.software, &m.xmp_creator_tool, &m.png_software]
        .into_iter()
        .flatten()
        .any(|v| v.to_lowercase().contains("screenshot") || v.contains("截屏") || v.contains("截图"));
    if marked {
        return (1.0, "the metadata marks it as a screenshot".into());
    }
    if m.camera_make.is_some() || m.camera_model.is_some() {
        return (0.0, "camera metadata present".into());
    }
    let size = [intake.width, intake.height];
    let matches = |sizes: &[[u32; 2]]| sizes.iter().any(|[w, h]| size == [*w, *h] || size == [*h, *w]);
    let png = intake.format == ImageFormat::Png;
    let (score, what) = if matches(&config.phone_screen_sizes) {
        (if png { 0.9 } else { 0.3 }, "a phone screen size")
    } else if matches(&config.desktop_screen_sizes) {
        (if png { 0.6 } else { 0.3 }, "a desktop screen size")
    } else {
        return (0.0, format!("{}×{} is not a screen size", intake.width, intake.height));
    };
    let format = if png { "PNG" } else { "JPEG/WebP" };
    (
        score,
        format!(
            "{format} of exactly {}×{} ({what}) without camera metadata",
            intake.width, intake.height
        ),
    )
}
