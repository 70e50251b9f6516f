//! Shared by the pipeline's integration tests: one loaded pipeline per test
//! binary, drawn documents, levels.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code, missing_docs)]

use chrono::NaiveDate;
use image::{imageops, Rgb, RgbImage};
use openkyc_docgen::{Fonts, Identity};
use openkyc_levels::Levels;
use openkyc_pipeline::{ApplicantData, DocumentType, Pipeline, PipelineOptions};
use std::sync::{Mutex, OnceLock};

/// The reference date of every test.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The shipped levels plus `DOC` (basic information and a document, no
/// face) and `FACE` (L2 without liveness): the stages under test without
/// the ones a test has no input for.
pub fn levels() -> Levels {
    let mut text = openkyc_levels::SHIPPED_TOML.to_owned();
    text.push_str(
        "\n[levels.DOC]\nname = 'Document'\nsteps = ['basic_info', 'document']\n\
         checks = ['capture_quality', 'document', 'data_match', 'validity', 'duplicates']\n\
         [levels.FACE]\nname = 'Face'\nsteps = ['basic_info', 'document', 'selfie']\n\
         checks = ['capture_quality', 'document', 'data_match', 'validity', 'face', 'duplicates']\n",
    );
    Levels::from_toml(&text).unwrap()
}

/// Fonts, or `None` with `SKIPPED`.
pub fn fonts() -> Option<&'static Fonts> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| match Fonts::from_system() {
            Ok(fonts) => Some(fonts),
            Err(error) => {
                eprintln!("SKIPPED: fonts missing ({error})");
                None
            }
        })
        .as_ref()
}

/// The pipeline, loaded once for the test binary (with whatever models are
/// present), or `None` with `SKIPPED` without the OCR-B font.
pub fn pipeline() -> Option<&'static Mutex<Pipeline>> {
    static PIPELINE: OnceLock<Option<Mutex<Pipeline>>> = OnceLock::new();
    PIPELINE
        .get_or_init(|| {
            let options = PipelineOptions {
                models_dir: None,
                ocrb_font: openkyc_docgen::OCRB_PATH.into(),
                document_key_secret: b"test secret".to_vec(),
            };
            match Pipeline::load(options) {
                Ok(pipeline) => Some(Mutex::new(pipeline)),
                Err(error) => {
                    eprintln!("SKIPPED: {error}");
                    None
                }
            }
        })
        .as_ref()
}

/// Hans Müller's passport (MRZ `MUELLER<<HANS`, Germany as `D`).
pub fn holder() -> Identity {
    Identity {
        surname: "MUELLER".into(),
        given_names: "HANS".into(),
        document_number: "C01X00T47".into(),
        nationality: "D".into(),
        issuing_state: "D".into(),
        sex: 'M',
        birth_date: date(1980, 5, 17),
        issue_date: date(2021, 6, 1),
        expiry_date: date(2031, 5, 31),
        personal_number: String::new(),
    }
}

/// What Hans typed.
pub fn typed() -> ApplicantData {
    ApplicantData {
        first_name: "Hans".into(),
        last_name: "Müller".into(),
        native_name: None,
        birth_date: "1980-05-17".into(),
        nationality: "DEU".into(),
        document_type: Some(DocumentType::Passport),
        document_number: "C01X00T47".into(),
        issuing_country: None,
    }
}

/// A passport page drawn for `person` (optionally with a real face as its
/// portrait).
pub fn passport_page(person: &Identity) -> RgbImage {
    let fonts = fonts().unwrap();
    openkyc_docgen::render_td3(person, fonts, 8.0, 7).unwrap().image
}

/// The page lying on a table, as JPEG bytes (what a phone sends).
pub fn photographed(page: &RgbImage) -> Vec<u8> {
    let margin = page.width() / 5;
    let mut photo = RgbImage::from_pixel(page.width() + 2 * margin, page.height() + 2 * margin, Rgb([70, 62, 55]));
    imageops::overlay(&mut photo, page, i64::from(margin), i64::from(margin));
    jpeg(&photo)
}

pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(image)
        .unwrap();
    bytes
}
