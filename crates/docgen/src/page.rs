//! Page layouts: a TD3 passport data page, both sides of a TD1 card and the
//! data side of a TD2 card (the Chinese card is in `cn_page`), and the [`Page`] and [`Truth`] all
//! documents share.

use crate::draw::Canvas;
use crate::fonts::Fonts;
use crate::identity::{Dice, Identity};
use chrono::NaiveDate;
use image::RgbImage;
use openkyc_mrz::compose::{compose, ComposeError, MrzData};
use openkyc_mrz::MrzFormat;
use serde::Serialize;
use std::collections::BTreeMap;

/// TD3 (passport data page) size, millimetres.
pub const TD3_MM: (f32, f32) = (125.0, 88.0);
/// TD1 (ID-1 card) size, millimetres.
pub const TD1_MM: (f32, f32) = (85.6, 54.0);
/// Where a TD3 page draws its portrait: left, top, width, height in mm (a
/// caller may put a photo there, e.g. to test face matching).
pub const TD3_PORTRAIT_MM: (f32, f32, f32, f32) = (5.0, 15.0, 32.0, 40.0);
/// TD2 (ID-2 card) size, millimetres.
pub const TD2_MM: (f32, f32) = (105.0, 74.0);
/// OCR-B character pitch of an MRZ: 10 characters per inch (ICAO 9303-3).
const MRZ_PITCH_MM: f32 = 2.54;
/// Capital height of the MRZ characters (OCR-B size 1, about 2.4 mm).
const MRZ_CAP_MM: f32 = 2.4;
/// Baseline-to-baseline distance between MRZ lines.
const MRZ_LINE_MM: f32 = 4.3;

const INK: [u8; 3] = [28, 28, 34];
const LABEL: [u8; 3] = [70, 80, 110];

/// What a page shows, for scoring a reading of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Truth {
    /// `td3`, `td2`, `td1` or `cn_resident_id` ([`crate::CN_FORMAT`]).
    pub format: &'static str,
    /// `front` or `back` (on a Chinese card the front is the portrait side).
    pub side: &'static str,
    /// The MRZ lines printed on this side (empty when it has none).
    pub mrz: Vec<String>,
    /// The person and document data of an MRZ document (TD3, TD1) as printed
    /// in the visual zone; `None` on a Chinese card, whose data is `fields`.
    pub identity: Option<Identity>,
    /// The fields this side of a Chinese card prints, named and written as
    /// the reading report writes them (see [`crate::CnIdentity::front_fields`]
    /// and [`crate::CnIdentity::back_fields`]); empty on MRZ documents.
    pub fields: BTreeMap<&'static str, String>,
}

/// A rendered page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The flat page, `px_per_mm` pixels per millimetre.
    pub image: RgbImage,
    /// What it shows.
    pub truth: Truth,
}

/// `YYMMDD`, as the MRZ writes dates.
fn mrz_date(date: NaiveDate) -> String {
    date.format("%y%m%d").to_string()
}

/// `12 AUG 1974`, as passports print dates.
fn viz_date(date: NaiveDate) -> String {
    date.format("%d %b %Y").to_string().to_uppercase()
}

fn mrz_data(person: &Identity, document_code: &str) -> MrzData {
    MrzData {
        document_code: document_code.into(),
        issuing_state: person.issuing_state.clone(),
        document_number: person.document_number.clone(),
        birth_date: mrz_date(person.birth_date),
        sex: person.sex,
        expiry_date: mrz_date(person.expiry_date),
        nationality: person.nationality.clone(),
        surname: person.surname.clone(),
        given_names: person.given_names.clone(),
        optional_data_1: person.personal_number.clone(),
        optional_data_2: String::new(),
    }
}

/// A security-paper ground whose tint follows the seed.
fn ground(canvas: &mut Canvas, dice: &mut Dice) {
    let hue = dice.below(3);
    let (top, bottom, line) = match hue {
        0 => ([236, 240, 246], [228, 236, 232], [150, 170, 200]),
        1 => ([244, 238, 228], [236, 232, 240], [200, 160, 150]),
        _ => ([234, 242, 236], [240, 240, 228], [140, 185, 160]),
    };
    let phase = dice.range(0.0, std::f32::consts::TAU);
    canvas.guilloche(top, bottom, line, phase);
}

fn field(canvas: &mut Canvas, fonts: &Fonts, label: &str, value: &str, x: f32, y: f32, cap: f32) {
    canvas.text(&fonts.sans, label, x, y, cap * 0.55, LABEL);
    canvas.text(&fonts.sans_bold, value, x, y + cap * 1.55, cap, INK);
}

/// The issuing state's name in bold and the document's title under it, at
/// `left` mm, the name's capitals `cap` mm tall.
fn header(canvas: &mut Canvas, fonts: &Fonts, state: &str, title: &str, left: f32, cap: f32) {
    canvas.text(&fonts.sans_bold, state_name(state), left, 2.9 * cap, cap, [40, 50, 90]);
    canvas.text(&fonts.sans, title, left, 4.45 * cap, 0.7 * cap, LABEL);
}

fn mrz_lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn draw_mrz(canvas: &mut Canvas, fonts: &Fonts, lines: &[String], page_mm: (f32, f32)) {
    let width = lines.first().map_or(0, String::len) as f32 * MRZ_PITCH_MM;
    let left = (page_mm.0 - width) / 2.0;
    let last_baseline = page_mm.1 - 4.6;
    let first_baseline = last_baseline - MRZ_LINE_MM * (lines.len().saturating_sub(1)) as f32;
    for (i, line) in lines.iter().enumerate() {
        let baseline = first_baseline + MRZ_LINE_MM * i as f32;
        canvas.fixed_pitch(&fonts.ocrb, line, left, baseline, MRZ_CAP_MM, MRZ_PITCH_MM, INK);
    }
}

fn state_name(code: &str) -> &'static str {
    match code {
        "UTO" => "UTOPIA",
        "D" => "BUNDESREPUBLIK DEUTSCHLAND",
        "FRA" => "REPUBLIQUE FRANCAISE",
        "GBR" => "UNITED KINGDOM",
        "NLD" => "KONINKRIJK DER NEDERLANDEN",
        "ESP" => "REINO DE ESPANA",
        "ITA" => "REPUBBLICA ITALIANA",
        "CHN" => "PEOPLE'S REPUBLIC OF CHINA",
        "NGA" => "FEDERAL REPUBLIC OF NIGERIA",
        "BRA" => "REPUBLICA FEDERATIVA DO BRASIL",
        "CAN" => "CANADA",
        "SWE" => "SVERIGE",
        _ => "STATE OF ISSUE",
    }
}

/// A passport data page (TD3) with its two-line MRZ, `px_per_mm` pixels per
/// millimetre (12 gives a 1500 × 1056 page).
///
/// # Errors
/// [`ComposeError`] when the identity's data cannot be written in an MRZ.
pub fn render_td3(person: &Identity, fonts: &Fonts, px_per_mm: f32, seed: u64) -> Result<Page, ComposeError> {
    let mrz = mrz_lines(&compose(MrzFormat::Td3, &mrz_data(person, "P"))?);
    let mut dice = Dice::new(seed);
    let mut canvas = Canvas::new(TD3_MM.0, TD3_MM.1, px_per_mm, [238, 238, 238]);
    ground(&mut canvas, &mut dice);
    header(
        &mut canvas,
        fonts,
        &person.issuing_state,
        "PASSPORT / PASSEPORT",
        5.0,
        2.6,
    );
    let (x, y, w, h) = TD3_PORTRAIT_MM;
    canvas.portrait(x, y, w, h, [196, 160, 130], [60, 70, 100]);
    let cap = 2.3;
    field(&mut canvas, fonts, "Type", "P", 42.0, 16.0, cap);
    field(&mut canvas, fonts, "Code", &person.issuing_state, 56.0, 16.0, cap);
    field(
        &mut canvas,
        fonts,
        "Passport No.",
        &person.document_number,
        78.0,
        16.0,
        cap,
    );
    field(&mut canvas, fonts, "Surname", &person.surname, 42.0, 24.0, cap);
    field(&mut canvas, fonts, "Given names", &person.given_names, 42.0, 32.0, cap);
    field(&mut canvas, fonts, "Nationality", &person.nationality, 42.0, 40.0, cap);
    field(
        &mut canvas,
        fonts,
        "Date of birth",
        &viz_date(person.birth_date),
        42.0,
        48.0,
        cap,
    );
    field(&mut canvas, fonts, "Sex", &person.sex.to_string(), 92.0, 48.0, cap);
    field(
        &mut canvas,
        fonts,
        "Date of issue",
        &viz_date(person.issue_date),
        42.0,
        56.0,
        cap,
    );
    field(
        &mut canvas,
        fonts,
        "Date of expiry",
        &viz_date(person.expiry_date),
        80.0,
        56.0,
        cap,
    );
    canvas.text(&fonts.sans, "Holder's signature", 5.0, 59.5, 1.3, LABEL);
    draw_mrz(&mut canvas, fonts, &mrz, TD3_MM);
    Ok(Page {
        image: canvas.image,
        truth: Truth {
            format: "td3",
            side: "front",
            mrz,
            identity: Some(person.clone()),
            fields: BTreeMap::new(),
        },
    })
}

/// The data side of an ID-2 card (TD2): portrait, visual zone and the
/// two-line MRZ of 36 characters below them, as on a passport page.
///
/// # Errors
/// [`ComposeError`] when the identity's data cannot be written in an MRZ
/// (a document number too long for the optional data it overflows into).
pub fn render_td2(person: &Identity, fonts: &Fonts, px_per_mm: f32, seed: u64) -> Result<Page, ComposeError> {
    // The optional data holds 7 characters: issuers keep what fits of a
    // personal number.
    let mut data = mrz_data(person, "I");
    data.optional_data_1 = data.optional_data_1.chars().take(7).collect();
    let mrz = mrz_lines(&compose(MrzFormat::Td2, &data)?);
    let mut dice = Dice::new(seed ^ 0x7D2);
    let mut canvas = Canvas::new(TD2_MM.0, TD2_MM.1, px_per_mm, [238, 238, 238]);
    ground(&mut canvas, &mut dice);
    header(&mut canvas, fonts, &person.issuing_state, "IDENTITY CARD", 4.0, 2.2);
    canvas.portrait(4.0, 13.0, 25.0, 32.0, [196, 160, 130], [60, 70, 100]);
    let cap = 2.0;
    field(&mut canvas, fonts, "Surname", &person.surname, 33.0, 13.0, cap);
    field(&mut canvas, fonts, "Given names", &person.given_names, 33.0, 20.0, cap);
    field(&mut canvas, fonts, "Sex", &person.sex.to_string(), 33.0, 27.0, cap);
    field(&mut canvas, fonts, "Nationality", &person.nationality, 45.0, 27.0, cap);
    field(
        &mut canvas,
        fonts,
        "Date of birth",
        &viz_date(person.birth_date),
        70.0,
        27.0,
        cap,
    );
    field(
        &mut canvas,
        fonts,
        "Document No.",
        &person.document_number,
        33.0,
        34.0,
        cap,
    );
    field(
        &mut canvas,
        fonts,
        "Date of expiry",
        &viz_date(person.expiry_date),
        70.0,
        34.0,
        cap,
    );
    draw_mrz(&mut canvas, fonts, &mrz, TD2_MM);
    Ok(Page {
        image: canvas.image,
        truth: Truth {
            format: "td2",
            side: "front",
            mrz,
            identity: Some(person.clone()),
            fields: BTreeMap::new(),
        },
    })
}

/// The front of an ID-1 card (TD1): portrait and visual zone, no MRZ.
pub fn render_td1_front(person: &Identity, fonts: &Fonts, px_per_mm: f32, seed: u64) -> Page {
    let mut dice = Dice::new(seed);
    let mut canvas = Canvas::new(TD1_MM.0, TD1_MM.1, px_per_mm, [238, 238, 238]);
    ground(&mut canvas, &mut dice);
    header(&mut canvas, fonts, &person.issuing_state, "IDENTITY CARD", 4.0, 2.0);
    canvas.portrait(4.0, 12.0, 22.0, 28.0, [196, 160, 130], [60, 70, 100]);
    let cap = 1.9;
    field(&mut canvas, fonts, "Surname", &person.surname, 30.0, 13.0, cap);
    field(&mut canvas, fonts, "Given names", &person.given_names, 30.0, 20.0, cap);
    field(&mut canvas, fonts, "Sex", &person.sex.to_string(), 30.0, 27.0, cap);
    field(&mut canvas, fonts, "Nationality", &person.nationality, 42.0, 27.0, cap);
    field(
        &mut canvas,
        fonts,
        "Date of birth",
        &viz_date(person.birth_date),
        30.0,
        34.0,
        cap,
    );
    field(
        &mut canvas,
        fonts,
        "Document No.",
        &person.document_number,
        30.0,
        41.0,
        cap,
    );
    field(
        &mut canvas,
        fonts,
        "Date of expiry",
        &viz_date(person.expiry_date),
        58.0,
        41.0,
        cap,
    );
    Page {
        image: canvas.image,
        truth: Truth {
            format: "td1",
            side: "front",
            mrz: Vec::new(),
            identity: Some(person.clone()),
            fields: BTreeMap::new(),
        },
    }
}

/// The back of an ID-1 card (TD1): issue data and the three-line MRZ.
///
/// # Errors
/// [`ComposeError`] when the identity's data cannot be written in an MRZ.
pub fn render_td1_back(person: &Identity, fonts: &Fonts, px_per_mm: f32, seed: u64) -> Result<Page, ComposeError> {
    let mrz = mrz_lines(&compose(MrzFormat::Td1, &mrz_data(person, "I"))?);
    let mut dice = Dice::new(seed ^ 0xB1C);
    let mut canvas = Canvas::new(TD1_MM.0, TD1_MM.1, px_per_mm, [238, 238, 238]);
    ground(&mut canvas, &mut dice);
    let cap = 1.8;
    field(
        &mut canvas,
        fonts,
        "Date of issue",
        &viz_date(person.issue_date),
        4.0,
        5.0,
        cap,
    );
    field(&mut canvas, fonts, "Authority", "CITY OF ISSUE", 40.0, 5.0, cap);
    field(&mut canvas, fonts, "Address", "1 MAIN STREET, CAPITAL", 4.0, 14.0, cap);
    canvas.rect(4.0, 23.0, 77.6, 0.3, LABEL, 0.6);
    draw_mrz(&mut canvas, fonts, &mrz, TD1_MM);
    Ok(Page {
        image: canvas.image,
        truth: Truth {
            format: "td1",
            side: "back",
            mrz,
            identity: Some(person.clone()),
            fields: BTreeMap::new(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identities;

    fn fonts() -> Option<Fonts> {
        match Fonts::from_system() {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("SKIPPED: {e}");
                None
            }
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn the_icao_specimen_page_carries_the_specimen_mrz() {
        let Some(fonts) = fonts() else { return };
        let person = &identities(1, 1, today())[0];
        let page = render_td3(person, &fonts, 8.0, 1).unwrap();
        assert_eq!((page.image.width(), page.image.height()), (1000, 704));
        assert_eq!(
            page.truth.mrz,
            [
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
            ]
        );
        // The MRZ band is dark ink on light paper: its darkest pixels are ink.
        let band = (0..page.image.width())
            .map(|x| page.image.get_pixel(x, 704 - 40).0[0])
            .min();
        assert!(band.unwrap() < 80, "no ink on the MRZ's last line");
    }

    #[test]
    fn pages_are_deterministic_and_card_backs_have_three_lines() {
        let Some(fonts) = fonts() else { return };
        let people = identities(5, 6, today());
        for (i, person) in people.iter().enumerate() {
            let a = render_td1_back(person, &fonts, 6.0, i as u64).unwrap();
            let b = render_td1_back(person, &fonts, 6.0, i as u64).unwrap();
            assert_eq!(a.image, b.image);
            assert_eq!(a.truth.mrz.len(), 3);
            assert!(a.truth.mrz.iter().all(|l| l.len() == 30));
            let parsed = openkyc_mrz::parse(&a.truth.mrz.join("\n"), &openkyc_mrz::ParseOptions::new(today())).unwrap();
            assert!(parsed.valid, "{:?}", parsed.errors);
            let front = render_td1_front(person, &fonts, 6.0, i as u64);
            assert!(front.truth.mrz.is_empty());
        }
    }

    #[test]
    fn td2_cards_carry_two_valid_lines_of_36() {
        let Some(fonts) = fonts() else { return };
        let mut rendered = 0;
        for (i, person) in identities(9, 6, today()).iter().enumerate() {
            // A document number too long to overflow into 7 characters of
            // optional data does not fit a TD2.
            let Ok(page) = render_td2(person, &fonts, 6.0, i as u64) else {
                continue;
            };
            rendered += 1;
            assert_eq!((page.image.width(), page.image.height()), (630, 444));
            assert_eq!(page.truth.mrz.len(), 2);
            assert!(page.truth.mrz.iter().all(|l| l.len() == 36));
            let parsed =
                openkyc_mrz::parse(&page.truth.mrz.join("\n"), &openkyc_mrz::ParseOptions::new(today())).unwrap();
            assert!(parsed.valid, "{:?}", parsed.errors);
        }
        assert!(rendered >= 5, "only {rendered} of 6 identities fit a TD2");
    }
}
