//! The real PP-OCRv4 recogniser on rendered text lines. Without the models
//! (`scripts/fetch-models.sh`) or the fonts each test says SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{Rgb, RgbImage};
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_ocr::{TextDetector, TextRecognizer};
use std::io::Write;

fn recognizer(test: &str) -> Option<TextRecognizer> {
    let why = match ModelSet::locate() {
        Ok(set) if set.all_present() => return Some(TextRecognizer::load(&set, &SessionOptions::default()).unwrap()),
        Ok(set) => format!("model files missing in {}", set.dir().display()),
        Err(e) => e.to_string(),
    };
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}; run scripts/fetch-models.sh");
    None
}

fn font(path: &str) -> Option<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| {
            let _ = writeln!(std::io::stderr(), "SKIPPED: {path}: {e}");
        })
        .ok()
}

/// `text` in dark grey on paper, 32 px capitals, 12 px margins.
fn render(font_bytes: &[u8], text: &str) -> RgbImage {
    let font = FontRef::try_from_slice(font_bytes).unwrap();
    let scale = PxScale::from(44.0);
    let scaled = font.as_scaled(scale);
    let width: f32 = text.chars().map(|c| scaled.h_advance(font.glyph_id(c))).sum();
    let mut image = RgbImage::from_pixel(width as u32 + 24, 60, Rgb([235, 235, 230]));
    let mut pen = 12.0;
    for c in text.chars() {
        let glyph = font
            .glyph_id(c)
            .with_scale_and_position(scale, ab_glyph::point(pen, 44.0));
        pen += scaled.h_advance(font.glyph_id(c));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|x, y, v| {
                let (px, py) = (bounds.min.x as i64 + i64::from(x), bounds.min.y as i64 + i64::from(y));
                if px >= 0 && py >= 0 && (px as u32) < image.width() && (py as u32) < image.height() {
                    let p = image.get_pixel_mut(px as u32, py as u32);
                    for ch in p.0.iter_mut() {
                        *ch = (f32::from(*ch) * (1.0 - v) + 30.0 * v) as u8;
                    }
                }
            });
        }
    }
    image
}

#[test]
fn reads_a_printed_latin_line() {
    let Some(mut rec) = recognizer("reads_a_printed_latin_line") else {
        return;
    };
    let Some(sans) = font("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf") else {
        return;
    };
    let r = rec.recognize(&render(&sans, "Date of expiry 15 APR 2029")).unwrap();
    assert_eq!(r.text.trim(), "Date of expiry 15 APR 2029");
    assert!(r.confidence > 0.8, "{r:?}");
}

#[test]
fn a_large_clean_mrz_line_reads_exactly() {
    let Some(mut rec) = recognizer("a_large_clean_mrz_line_reads_exactly") else {
        return;
    };
    let Some(ocrb) = font("/usr/share/fonts/opentype/ocr-b/OCRB.otf") else {
        return;
    };
    // Large and clean, at the font's own spacing. On photographed MRZ lines
    // it does far worse (docs/EVALUATION-READING.md).
    let line = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    let r = rec.recognize(&render(&ocrb, line)).unwrap();
    let squeezed: String = r.text.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(squeezed, line, "{r:?}");
}

#[test]
fn an_empty_image_reads_nothing() {
    let Some(mut rec) = recognizer("an_empty_image_reads_nothing") else {
        return;
    };
    assert_eq!(rec.recognize(&RgbImage::new(0, 0)).unwrap().text, "");
    let blank = RgbImage::from_pixel(200, 48, Rgb([240, 240, 240]));
    assert_eq!(rec.recognize(&blank).unwrap().text.trim(), "");
}

#[test]
fn the_detector_finds_a_passport_pages_lines_and_its_two_mrz_lines() {
    let test = "the_detector_finds_a_passport_pages_lines_and_its_two_mrz_lines";
    let Some(mut rec) = recognizer(test) else { return };
    let Ok(set) = ModelSet::locate() else { return };
    let mut det = TextDetector::load(&set, &SessionOptions::default()).unwrap();
    let fonts = match openkyc_docgen::Fonts::from_system() {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {e}");
            return;
        }
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let person = &openkyc_docgen::identities(1, 1, today)[0];
    // 8 px/mm: a 1000 × 704 page; MRZ baselines at 79.1 and 83.4 mm.
    let page = openkyc_docgen::render_td3(person, &fonts, 8.0, 0).unwrap();
    let boxes = det.detect(&page.image).unwrap();
    assert!(boxes.len() >= 10, "{boxes:?}");
    for (line, baseline_mm) in page.truth.mrz.iter().zip([79.1f32, 83.4]) {
        // The line's middle, 1.2 mm (half a capital) above the baseline.
        let middle = (baseline_mm - 1.2) * 8.0;
        let found = boxes
            .iter()
            .find(|b| b.y0 < middle && b.y1 > middle && b.x1 - b.x0 > 0.8 * 44.0 * 2.54 * 8.0)
            .unwrap_or_else(|| panic!("no box on the MRZ line at {middle} px: {boxes:?}"));
        let crop = image::imageops::crop_imm(
            &page.image,
            found.x0 as u32,
            found.y0 as u32,
            (found.x1 - found.x0) as u32,
            (found.y1 - found.y0) as u32,
        )
        .to_image();
        let text: String = rec
            .recognize(&crop)
            .unwrap()
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        // The generic recogniser reads most of it; the exact reading is the MRZ reader's job.
        let common = line.chars().zip(text.chars()).filter(|(a, b)| a == b).count();
        assert!(
            common * 2 > line.len() || text.contains("ERIKSSON"),
            "{line} read as {text}"
        );
    }
}
