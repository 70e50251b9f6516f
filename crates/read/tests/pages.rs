//! Reading rendered documents (openkyc-docgen) laid on a table, upright and
//! upside down.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use chrono::NaiveDate;
use image::{imageops, Rgb, RgbImage};
use openkyc_docgen::{identities, render_td1_back, render_td1_front, render_td2, render_td3, Fonts, Page};
use openkyc_read::{read_image, DocumentKind, ReadOptions, Reader, ReasonCode, Side};

fn setup() -> Option<(Fonts, Reader)> {
    match Fonts::from_system() {
        Ok(fonts) => {
            let reader = Reader::new(fonts.ocrb()).unwrap();
            Some((fonts, reader))
        }
        Err(e) => {
            eprintln!("SKIPPED: {e}");
            None
        }
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// The page on a darker table with a margin of a fifth of its width.
fn on_table(page: &RgbImage) -> RgbImage {
    let margin = page.width() / 5;
    let mut photo = RgbImage::from_pixel(page.width() + 2 * margin, page.height() + 2 * margin, Rgb([70, 62, 55]));
    imageops::overlay(&mut photo, page, i64::from(margin), i64::from(margin));
    photo
}

fn assert_read(page: &Page, photo: &RgbImage, reader: &Reader) {
    let report = read_image(reader, photo, &ReadOptions::new(today())).unwrap();
    let mrz = report
        .mrz
        .as_ref()
        .unwrap_or_else(|| panic!("no MRZ: {:?}", report.reasons));
    assert_eq!(mrz.lines, page.truth.mrz, "{report:?}");
    assert!(mrz.valid);
    let person = page.truth.identity.as_ref().unwrap();
    assert_eq!(report.fields["document_number"], person.document_number);
    assert_eq!(
        report.fields["birth_date"],
        person.birth_date.format("%Y-%m-%d").to_string()
    );
    assert_eq!(
        report.fields["expiry_date"],
        person.expiry_date.format("%Y-%m-%d").to_string()
    );
    assert_eq!(report.fields["nationality"], person.nationality);
    let expired = person.expiry_date < today();
    assert_eq!(report.reasons.iter().any(|r| r.code == ReasonCode::DocExpired), expired);
    assert!(report.confidence.values().all(|c| (0.0..=1.0).contains(c)));
}

#[test]
fn passport_pages_read_exactly_upright_and_upside_down() {
    let Some((fonts, reader)) = setup() else { return };
    for (i, person) in identities(11, 3, today()).iter().enumerate() {
        let page = render_td3(person, &fonts, 10.0, i as u64).unwrap();
        let photo = on_table(&page.image);
        assert_read(&page, &photo, &reader);
        assert_read(&page, &imageops::rotate180(&photo), &reader);
    }
}

#[test]
fn the_icao_specimen_is_a_passport_that_has_expired() {
    let Some((fonts, reader)) = setup() else { return };
    let person = &identities(1, 1, today())[0];
    let page = render_td3(person, &fonts, 10.0, 0).unwrap();
    let report = read_image(&reader, &on_table(&page.image), &ReadOptions::new(today())).unwrap();
    assert_eq!(report.kind, Some(DocumentKind::Passport));
    assert_eq!(report.side, Some(Side::Front));
    assert_eq!(report.fields["surname"], "ERIKSSON");
    assert_eq!(report.fields["given_names"], "ANNA MARIA");
    assert_eq!(report.fields["personal_number"], "ZE184226B");
    assert!(!report.ok());
    assert_eq!(report.reasons[0].code, ReasonCode::DocExpired);
}

#[test]
fn td2_cards_read_exactly_upright_and_a_quarter_turned() {
    let Some((fonts, reader)) = setup() else { return };
    for (i, person) in identities(13, 3, today()).iter().enumerate() {
        let page = render_td2(person, &fonts, 12.0, i as u64).unwrap();
        let photo = on_table(&page.image);
        assert_read(&page, &photo, &reader);
        assert_read(&page, &imageops::rotate270(&photo), &reader);
        let report = read_image(&reader, &photo, &ReadOptions::new(today())).unwrap();
        assert_eq!(report.kind, Some(DocumentKind::IdCard));
        assert_eq!(report.mrz.as_ref().map(|m| m.format.as_str()), Some("TD2"));
        assert_eq!(report.fields["surname"], person.surname);
    }
}

#[test]
fn card_backs_read_and_card_fronts_are_unreadable_not_guessed() {
    let Some((fonts, reader)) = setup() else { return };
    for (i, person) in identities(12, 2, today()).iter().enumerate() {
        let back = render_td1_back(person, &fonts, 14.0, i as u64).unwrap();
        let photo = on_table(&back.image);
        assert_read(&back, &photo, &reader);
        assert_read(&back, &imageops::rotate90(&photo), &reader);
        let report = read_image(&reader, &on_table(&back.image), &ReadOptions::new(today())).unwrap();
        assert_eq!(report.kind, Some(DocumentKind::IdCard));
        assert_eq!(report.side, Some(Side::Back));

        let front = render_td1_front(person, &fonts, 14.0, i as u64);
        let report = read_image(&reader, &on_table(&front.image), &ReadOptions::new(today())).unwrap();
        assert!(report.mrz.is_none() || !report.mrz.as_ref().unwrap().valid);
        assert!(report.fields.is_empty() || !report.ok());
        assert_eq!(report.reasons[0].code, ReasonCode::DocUnreadable);
    }
}

#[test]
fn expiry_within_the_window_is_a_warning() {
    let Some((fonts, reader)) = setup() else { return };
    let mut person = identities(13, 2, today())[1].clone();
    person.expiry_date = today() + chrono::Duration::days(10);
    let page = render_td3(&person, &fonts, 10.0, 3).unwrap();
    let report = read_image(&reader, &on_table(&page.image), &ReadOptions::new(today())).unwrap();
    assert!(report.ok(), "{:?}", report.reasons);
    assert_eq!(report.reasons.len(), 1);
    assert_eq!(report.reasons[0].code, ReasonCode::DocExpiresSoon);
}
