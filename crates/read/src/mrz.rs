//! Finding and reading the MRZ of a rectified document in whichever
//! orientation it was photographed.

use crate::MRZ_SEARCH_FRACTION;
use chrono::NaiveDate;
use image::{imageops, GrayImage, RgbImage};
use openkyc_mrzocr::{choose, read_zone_with_crops, Reading, Templates};

/// The margin, as a fraction of the document's width, left out of the MRZ
/// search on the left, right and bottom (2.5%: 2.1 mm on an ID-1 card).
const EDGE_MARGIN: f32 = 0.025;

/// A reading and the turn (degrees clockwise) that made the document upright.
#[derive(Debug, Clone)]
pub(crate) struct MrzReading {
    pub reading: Reading,
    pub rotation_deg: u16,
    /// Mean correlation of the top candidates over all lines.
    pub mean_score: f32,
    /// Each MRZ line's image as it was read (deskewed, dark on light).
    pub line_images: Vec<GrayImage>,
}

/// Reads the MRZ of `document`; `None` when no group of MRZ-like lines is
/// found in any orientation.
pub(crate) fn read_document(templates: &Templates, document: &RgbImage, today: NaiveDate) -> Option<MrzReading> {
    let turns: [u16; 2] = if document.width() >= document.height() {
        [0, 180]
    } else {
        [90, 270]
    };
    let mut best: Option<MrzReading> = None;
    for rotation_deg in turns {
        let upright = rotate(document, rotation_deg);
        let Some(found) = read_upright(templates, &upright, today) else {
            continue;
        };
        let found = MrzReading { rotation_deg, ..found };
        if found.reading.report.valid {
            return Some(found);
        }
        if best.as_ref().is_none_or(|b| found.mean_score > b.mean_score) {
            best = Some(found);
        }
    }
    best
}

fn read_upright(templates: &Templates, upright: &RgbImage, today: NaiveDate) -> Option<MrzReading> {
    let zone = search_area(upright, MRZ_SEARCH_FRACTION);
    let (lines, line_images) = read_zone_with_crops(templates, &zone)?;
    let mean_score = lines.iter().map(|l| l.mean_score).sum::<f32>() / lines.len().max(1) as f32;
    let reading = choose(&lines, today)?;
    Some(MrzReading {
        reading,
        rotation_deg: 0,
        mean_score,
        line_images,
    })
}

pub(crate) fn rotate(image: &RgbImage, degrees: u16) -> RgbImage {
    match degrees {
        90 => imageops::rotate90(image),
        180 => imageops::rotate180(image),
        270 => imageops::rotate270(image),
        _ => image.clone(),
    }
}

/// Where the MRZ is searched: the lower `fraction` of the document, in grey
/// (BT.601 luma), less a margin of [`EDGE_MARGIN`] of the width on the left,
/// right and bottom. ICAO puts the zone at least 4 mm inside every edge, so
/// the margin loses nothing, and it keeps out the rounded corners and any
/// sliver of background a slightly large outline brings in (dark blobs that
/// would pass for a line of print).
fn search_area(image: &RgbImage, fraction: f32) -> GrayImage {
    let (width, height) = image.dimensions();
    let margin = (width as f32 * EDGE_MARGIN).round() as u32;
    let rows = ((height as f32 * fraction.clamp(0.0, 1.0)).round() as u32).min(height);
    let (left, right) = (margin.min(width / 2), width.saturating_sub(margin).max(width / 2));
    let (top, bottom) = (height - rows, height.saturating_sub(margin).max(height - rows));
    GrayImage::from_fn(right - left, bottom - top, |x, y| {
        let [r, g, b] = image.get_pixel(left + x, top + y).0;
        let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
        image::Luma([luma.round().clamp(0.0, 255.0) as u8])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_area_is_the_lower_part_inside_the_edges() {
        let image = RgbImage::from_fn(400, 100, |x, y| image::Rgb([(y * 2) as u8, x as u8 % 200, 0]));
        let area = search_area(&image, 0.5);
        // 2.5% of 400 = 10 px off the left, right and bottom.
        assert_eq!(area.dimensions(), (380, 40));
        let expected =
            |x: u32, y: u32| (0.299 * f32::from((y * 2) as u8) + 0.587 * f32::from(x as u8 % 200)).round() as u8;
        assert_eq!(area.get_pixel(0, 0).0[0], expected(10, 50));
        assert_eq!(area.get_pixel(379, 39).0[0], expected(389, 89));
        assert_eq!(search_area(&RgbImage::new(0, 0), 0.5).dimensions(), (0, 0));
        assert_eq!(search_area(&RgbImage::new(3, 3), 0.5).dimensions(), (3, 2));
    }

    #[test]
    fn a_blank_document_has_no_mrz() {
        let Some(font) = font() else { return };
        let templates = Templates::from_font(&font).unwrap();
        let blank = RgbImage::from_pixel(600, 400, image::Rgb([230, 230, 230]));
        assert!(read_document(&templates, &blank, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).is_none());
    }

    fn font() -> Option<Vec<u8>> {
        match std::fs::read("/usr/share/fonts/opentype/ocr-b/OCRB.otf") {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                eprintln!("SKIPPED: OCR-B font not found ({e}); install fonts-ocr-b");
                None
            }
        }
    }
}
