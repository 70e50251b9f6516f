//! Chinese Resident Identity Cards drawn by openkyc-docgen, laid on a table
//! and read with the real PP-OCRv4 models: both sides field for field, and
//! each reason a card can earn. Without the models or fonts each test says
//! SKIPPED.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use chrono::NaiveDate;
use image::{imageops, Rgb, RgbImage};
use openkyc_docgen::{cn_identities, render_cn_back, render_cn_front, CnIdentity, Fonts};
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_read::{read_image, DocumentKind, PageReader, ReadOptions, ReadReport, Reader, ReasonCode, Side};

fn setup(test: &str) -> Option<(Fonts, Reader)> {
    let fonts = match Fonts::from_system() {
        Ok(fonts) => fonts,
        Err(e) => {
            eprintln!("SKIPPED {test}: {e}");
            return None;
        }
    };
    let models = match ModelSet::locate() {
        Ok(models) if models.all_present() => models,
        Ok(models) => {
            eprintln!(
                "SKIPPED {test}: models missing in {}; run scripts/fetch-models.sh",
                models.dir().display()
            );
            return None;
        }
        Err(e) => {
            eprintln!("SKIPPED {test}: {e}; run scripts/fetch-models.sh");
            return None;
        }
    };
    let text = PageReader::load(&models, &SessionOptions::default()).unwrap();
    let reader = Reader::new(fonts.ocrb()).unwrap().with_text_reader(text);
    Some((fonts, reader))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// The card on a darker table with a margin of a fifth of its width.
fn on_table(card: &RgbImage) -> RgbImage {
    let margin = card.width() / 5;
    let mut photo = RgbImage::from_pixel(card.width() + 2 * margin, card.height() + 2 * margin, Rgb([70, 62, 55]));
    imageops::overlay(&mut photo, card, i64::from(margin), i64::from(margin));
    photo
}

fn read(reader: &Reader, card: &RgbImage, options: &ReadOptions) -> ReadReport {
    read_image(reader, &on_table(card), options).unwrap()
}

fn codes(report: &ReadReport) -> Vec<ReasonCode> {
    report.reasons.iter().map(|r| r.code).collect()
}

#[test]
fn the_specimen_reads_exactly_on_both_sides() {
    let Some((fonts, reader)) = setup("the_specimen_reads_exactly_on_both_sides") else {
        return;
    };
    let person = &cn_identities(1, 1, today())[0];
    let options = ReadOptions::new(today());
    let front = render_cn_front(person, &fonts, 16.0, 1);
    let report = read(&reader, &front.image, &options);
    assert_eq!(report.kind, Some(DocumentKind::CnResidentId), "{report:?}");
    assert_eq!(report.side, Some(Side::Front));
    for (name, want) in &front.truth.fields {
        assert_eq!(report.fields.get(name), Some(want), "{name}: {report:?}");
    }
    assert!(report.ok(), "{:?}", report.reasons);

    let back = render_cn_back(person, &fonts, 16.0, 1);
    let report = read(&reader, &back.image, &options);
    assert_eq!(report.side, Some(Side::Back), "{report:?}");
    for (name, want) in &back.truth.fields {
        assert_eq!(report.fields.get(name), Some(want), "{name}: {report:?}");
    }
    // The specimen is valid long-term (长期).
    assert_eq!(report.fields["valid_until"], openkyc_read::LONG_TERM);
    assert!(report.ok(), "{:?}", report.reasons);
}

#[test]
fn an_upside_down_card_reads_too() {
    let Some((fonts, reader)) = setup("an_upside_down_card_reads_too") else {
        return;
    };
    let person = &cn_identities(1, 3, today())[2];
    let front = render_cn_front(person, &fonts, 16.0, 3);
    let report = read(&reader, &imageops::rotate180(&front.image), &ReadOptions::new(today()));
    assert_eq!(
        report.fields.get("id_number"),
        front.truth.fields.get("id_number"),
        "{report:?}"
    );
    assert_eq!(report.fields.get("name_native"), front.truth.fields.get("name_native"));
}

#[test]
fn a_number_that_contradicts_the_printed_birth_date_is_a_data_mismatch() {
    let Some((fonts, reader)) = setup("a_number_that_contradicts_the_printed_birth_date_is_a_data_mismatch") else {
        return;
    };
    let mut person: CnIdentity = cn_identities(1, 1, today())[0].clone();
    person.birth_date = person.birth_date.pred_opt().unwrap();
    let report = read(
        &reader,
        &render_cn_front(&person, &fonts, 16.0, 1).image,
        &ReadOptions::new(today()),
    );
    assert!(codes(&report).contains(&ReasonCode::DataMismatch), "{report:?}");
}

#[test]
fn a_number_with_a_wrong_check_character_is_invalid() {
    let Some((fonts, reader)) = setup("a_number_with_a_wrong_check_character_is_invalid") else {
        return;
    };
    let mut person: CnIdentity = cn_identities(1, 1, today())[0].clone();
    // 11010519491231002X → …0021 (the check character is X).
    person.id_number = format!("{}1", &person.id_number[..17]);
    let report = read(
        &reader,
        &render_cn_front(&person, &fonts, 16.0, 1).image,
        &ReadOptions::new(today()),
    );
    assert!(codes(&report).contains(&ReasonCode::IdNumberInvalid), "{report:?}");
}

#[test]
fn expiry_and_the_wrong_side_are_reported() {
    let Some((fonts, reader)) = setup("expiry_and_the_wrong_side_are_reported") else {
        return;
    };
    let people = cn_identities(1, 12, today());
    let expired = people
        .iter()
        .find(|p| p.valid_until.is_some_and(|d| d < today()))
        .expect("the set has an expired card");
    let back = render_cn_back(expired, &fonts, 16.0, 5);
    let mut options = ReadOptions::new(today());
    let report = read(&reader, &back.image, &options);
    assert!(codes(&report).contains(&ReasonCode::DocExpired), "{report:?}");
    options.expected_side = Some(Side::Front);
    let report = read(&reader, &back.image, &options);
    assert!(codes(&report).contains(&ReasonCode::DocWrongSide), "{report:?}");
}

#[test]
fn a_card_front_without_mrz_is_read_from_its_visual_zone() {
    let Some((fonts, reader)) = setup("a_card_front_without_mrz_is_read_from_its_visual_zone") else {
        return;
    };
    let person = &openkyc_docgen::identities(2, 1, today())[0];
    let front = openkyc_docgen::render_td1_front(person, &fonts, 16.0, 2);
    let report = read(&reader, &front.image, &ReadOptions::new(today()));
    assert_eq!(report.kind, Some(DocumentKind::IdCard), "{report:?}");
    assert_eq!(report.side, Some(Side::Front));
    assert_eq!(
        report.fields.get("document_number"),
        Some(&person.document_number),
        "{report:?}"
    );
    assert_eq!(
        report.fields.get("birth_date"),
        Some(&person.birth_date.format("%Y-%m-%d").to_string())
    );
    assert!(report.sources.values().all(|s| *s == openkyc_read::Source::Viz));
}

#[test]
fn other_text_is_unsupported_and_a_blank_card_unreadable() {
    let Some((fonts, reader)) = setup("other_text_is_unsupported_and_a_blank_card_unreadable") else {
        return;
    };
    let options = ReadOptions::new(today());
    // A card with print on it, but neither an MRZ, nor a Chinese card's
    // labels, nor an ID card's.
    let mut card = RgbImage::from_pixel(1370, 864, Rgb([236, 238, 240]));
    let font = ab_glyph::FontRef::try_from_slice(fonts.ocrb()).unwrap();
    for (i, text) in ["CITY SPORTS CLUB", "MEMBER 2026", "OPEN 7 DAYS"].iter().enumerate() {
        draw(&mut card, &font, text, 80.0, 200.0 + 180.0 * i as f32, 90.0);
    }
    let report = read(&reader, &card, &options);
    assert_eq!(codes(&report), [ReasonCode::DocUnsupported], "{report:?}");
    let blank = RgbImage::from_pixel(1370, 864, Rgb([236, 238, 240]));
    let report = read(&reader, &blank, &options);
    assert_eq!(codes(&report), [ReasonCode::DocUnreadable], "{report:?}");
}

/// `text` in near-black, `size` px, baseline at `y`.
fn draw(image: &mut RgbImage, font: &ab_glyph::FontRef<'_>, text: &str, x: f32, y: f32, size: f32) {
    use ab_glyph::{Font, ScaleFont};
    let scale = ab_glyph::PxScale::from(size);
    let mut pen = x;
    for c in text.chars() {
        let glyph = font.glyph_id(c).with_scale_and_position(scale, ab_glyph::point(pen, y));
        pen += font.as_scaled(scale).h_advance(font.glyph_id(c));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, v| {
                let (px, py) = (bounds.min.x as u32 + gx, bounds.min.y as u32 + gy);
                if px < image.width() && py < image.height() && v > 0.5 {
                    image.put_pixel(px, py, Rgb([25, 25, 30]));
                }
            });
        }
    }
}

#[test]
fn degenerate_images_give_a_reason_not_a_panic() {
    let Some((_, reader)) = setup("degenerate_images_give_a_reason_not_a_panic") else {
        return;
    };
    let options = ReadOptions::new(today());
    for (width, height) in [(1, 1), (3000, 2), (2, 3000), (40, 25)] {
        let image = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x * 7 % 256) as u8, (y * 13 % 256) as u8, 90])
        });
        let report = read_image(&reader, &image, &options).unwrap();
        assert!(!report.ok(), "{width}x{height}: {report:?}");
        assert!(!report.reasons.is_empty());
    }
}
