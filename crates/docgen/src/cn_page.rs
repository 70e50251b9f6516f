//! Both sides of a Chinese Resident Identity Card (85.6 × 54 mm, ID-1).
//!
//! The sides are named as the reading report names them: the **front** is
//! the portrait side (人像面), the **back** the emblem side (国徽面). (The
//! card's own standard calls the emblem side the front.)
//!
//! Text is set on a grid as on the real card: every character centred in a
//! cell, a digit or Latin letter in half a cell; heights are ink heights of
//! an ideograph (国) or, for the number, of OCR-B capitals. Labels are
//! blue-grey, values black. Positions in millimetres from the top-left
//! corner (x, baseline):
//!
//! **Front** (portrait side), on a pale blue-to-beige guilloche:
//! - labels at x 7 (2.0 mm, two characters spread over 7.2 mm): 姓名 at
//!   baseline 11, 性别 17.5, 出生 23.5, 住址 29.5; 民族 at x 26, 17.5;
//! - values from x 16.5: the name 3.0 mm tall in 3.6 mm cells; the others
//!   2.2 mm in 2.8 mm cells: sex; ethnicity at x 35; the birth date as
//!   `1990 年 1 月 15 日` (numbers without leading zeros, 年/月/日 in the
//!   label colour, month and day centred in two-digit slots); the address in
//!   lines of 11 cells (30.8 mm, [`crate::address_lines`]) at baselines
//!   29.5, 33.7, 37.9 (a fourth at 42.1; more are squeezed above the number);
//! - 公民身份号码 at x 7, baseline 48 (2.0 mm, 2.5 mm cells), the number at
//!   x 27 in OCR-B, capitals 2.9 mm, pitch 2.8 mm (ends at 77.4);
//! - the portrait at x 54.5–80.5, y 6–38.
//!
//! **Back** (emblem side), on a pale rose-to-blue guilloche:
//! - the emblem, a placeholder: a red disc (radius 9.2) in a gold ring
//!   (to 10) centred at (16, 15.5), a gold inner ring, five gold stars and a
//!   gate;
//! - 中华人民共和国 at x 31, baseline 14, 4.0 mm in 6.6 mm cells, and
//!   居民身份证 under it at baseline 27.5, 6.2 mm in 9.24 mm cells (both end at
//!   77.2);
//! - 签发机关 at x 14, baseline 42 and 有效期限 at baseline 48 (2.0 mm, 2.8 mm
//!   cells), their values from x 27.5 (2.2 mm, 2.8 mm cells): the authority
//!   and `YYYY.MM.DD-YYYY.MM.DD` or `YYYY.MM.DD-长期`.

use crate::cn::{address_lines, CnIdentity};
use crate::draw::{grid_width, Canvas};
use crate::fonts::Fonts;
use crate::identity::Dice;
use crate::page::{Page, Truth};
use chrono::Datelike;

/// Chinese Resident Identity Card size (ID-1, as TD1), millimetres.
pub const CN_ID_MM: (f32, f32) = (85.6, 54.0);
/// The format name in a Chinese card's [`Truth`].
pub const CN_FORMAT: &str = "cn_resident_id";

const LABEL: [u8; 3] = [58, 102, 148];
const INK: [u8; 3] = [22, 22, 26];
const LABEL_X: f32 = 7.0;
const LABEL_MM: f32 = 2.0;
/// Two-character labels are spread as on the card: 姓 名.
const LABEL_SPREAD_CELL: f32 = 3.6;
const VALUE_X: f32 = 16.5;
const VALUE_MM: f32 = 2.2;
const VALUE_CELL: f32 = 2.8;
const NAME_MM: f32 = 3.0;
const NAME_CELL: f32 = 3.6;
const ADDRESS_BASELINE: f32 = 29.5;
const ADDRESS_LEADING: f32 = 4.2;
/// The lowest address baseline that stays clear of the number's row.
const ADDRESS_LAST_BASELINE: f32 = 42.1;
const NUMBER_BASELINE: f32 = 48.0;
/// The portrait: x, y, width, height.
const PORTRAIT: (f32, f32, f32, f32) = (54.5, 6.0, 26.0, 32.0);
/// The emblem: centre and outer radius.
const EMBLEM: (f32, f32, f32) = (16.0, 15.5, 10.0);

/// Which font a text is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    /// The CJK font, on the grid.
    Cjk,
    /// OCR-B at a fixed pitch (the number).
    Ocrb,
}

/// One text on a card: where, how large, in which face.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text {
    pub face: Face,
    pub text: String,
    pub x: f32,
    pub baseline: f32,
    /// Ink height of an ideograph (CJK) or a capital (OCR-B), mm.
    pub height: f32,
    /// Cell width of a full-width character (CJK) or the pitch (OCR-B), mm.
    pub cell: f32,
    pub color: [u8; 3],
}

impl Text {
    fn new(text: &str, x: f32, baseline: f32, height: f32, cell: f32, color: [u8; 3]) -> Self {
        Self {
            face: Face::Cjk,
            text: text.to_owned(),
            x,
            baseline,
            height,
            cell,
            color,
        }
    }

    fn label(text: &str, x: f32, baseline: f32, cell: f32) -> Self {
        Self::new(text, x, baseline, LABEL_MM, cell, LABEL)
    }

    fn value(text: &str, x: f32, baseline: f32) -> Self {
        Self::new(text, x, baseline, VALUE_MM, VALUE_CELL, INK)
    }

    /// Width of the text's cells, mm.
    pub fn width(&self) -> f32 {
        match self.face {
            Face::Cjk => grid_width(&self.text, self.cell),
            Face::Ocrb => self.text.chars().count() as f32 * self.cell,
        }
    }

    /// The box the ink stays in (x0, y0, x1, y1), mm: ideographs reach a
    /// little below the baseline.
    #[cfg(test)]
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        (
            self.x,
            self.baseline - 1.05 * self.height,
            self.x + self.width(),
            self.baseline + 0.2 * self.height,
        )
    }
}

/// Every text of the front (portrait side), in reading order.
pub(crate) fn front_layout(person: &CnIdentity) -> Vec<Text> {
    let mut texts = vec![
        Text::label("姓名", LABEL_X, 11.0, LABEL_SPREAD_CELL),
        Text::new(&person.name, VALUE_X, 11.0, NAME_MM, NAME_CELL, INK),
        Text::label("性别", LABEL_X, 17.5, LABEL_SPREAD_CELL),
        Text::value(person.sex_printed(), VALUE_X, 17.5),
        Text::label("民族", 26.0, 17.5, LABEL_SPREAD_CELL),
        Text::value(&person.ethnicity, 35.0, 17.5),
        Text::label("出生", LABEL_X, 23.5, LABEL_SPREAD_CELL),
    ];
    texts.extend(birth_date(person, 23.5));
    texts.push(Text::label("住址", LABEL_X, ADDRESS_BASELINE, LABEL_SPREAD_CELL));
    let lines = address_lines(&person.address);
    let room = ADDRESS_LAST_BASELINE - ADDRESS_BASELINE;
    let leading = ADDRESS_LEADING.min(room / lines.len().saturating_sub(1).max(1) as f32);
    for (i, line) in lines.iter().enumerate() {
        texts.push(Text::value(line, VALUE_X, ADDRESS_BASELINE + leading * i as f32));
    }
    texts.push(Text::label("公民身份号码", LABEL_X, NUMBER_BASELINE, 2.5));
    texts.push(Text {
        face: Face::Ocrb,
        ..Text::new(&person.id_number, 27.0, NUMBER_BASELINE, 2.9, 2.8, INK)
    });
    texts
}

/// `1990 年 1 月 15 日`: the year, then month and day centred in two-digit
/// slots, each followed by its label character.
fn birth_date(person: &CnIdentity, baseline: f32) -> Vec<Text> {
    let date = person.birth_date;
    let digit = VALUE_CELL / 2.0;
    let gap = 0.5;
    let mut x = VALUE_X;
    let mut texts = Vec::new();
    for (number, unit, slot_digits) in [
        (date.year().to_string(), "年", 4.0),
        (date.month().to_string(), "月", 2.0),
        (date.day().to_string(), "日", 2.0),
    ] {
        let slot = slot_digits * digit;
        let value = Text::value(&number, x, baseline);
        let centred = x + (slot - value.width()).max(0.0) / 2.0;
        texts.push(Text { x: centred, ..value });
        x += slot + gap;
        texts.push(Text::label(unit, x, baseline, VALUE_CELL));
        x += VALUE_CELL + gap;
    }
    texts
}

/// Every text of the back (emblem side).
pub(crate) fn back_layout(person: &CnIdentity) -> Vec<Text> {
    vec![
        Text::new("中华人民共和国", 31.0, 14.0, 4.0, 6.6, INK),
        Text::new("居民身份证", 31.0, 27.5, 6.2, 9.24, INK),
        Text::label("签发机关", 14.0, 42.0, VALUE_CELL),
        Text::value(&person.issuing_authority, 27.5, 42.0),
        Text::label("有效期限", 14.0, 48.0, VALUE_CELL),
        Text::value(&person.validity_printed(), 27.5, 48.0),
    ]
}

fn draw_texts(canvas: &mut Canvas, fonts: &Fonts, texts: &[Text]) {
    for t in texts {
        match t.face {
            Face::Cjk => {
                canvas.grid_text(&fonts.cjk, &t.text, t.x, t.baseline, t.height, t.cell, t.color);
            }
            Face::Ocrb => canvas.fixed_pitch(&fonts.ocrb, &t.text, t.x, t.baseline, t.height, t.cell, t.color),
        }
    }
}

/// The portrait side of a Chinese Resident Identity Card (see the module
/// docs for the layout), `px_per_mm` pixels per millimetre; `seed` varies
/// the ground's pattern and the portrait.
pub fn render_cn_front(person: &CnIdentity, fonts: &Fonts, px_per_mm: f32, seed: u64) -> Page {
    let mut dice = Dice::new(seed ^ 0xC1F);
    let mut canvas = Canvas::new(CN_ID_MM.0, CN_ID_MM.1, px_per_mm, [238, 238, 238]);
    let phase = dice.range(0.0, std::f32::consts::TAU);
    canvas.guilloche([230, 238, 245], [244, 238, 226], [160, 182, 208], phase);
    let skin = [[214, 180, 150], [196, 160, 130], [226, 194, 164]][dice.below(3)];
    let clothes = [[40, 40, 50], [60, 70, 100], [90, 60, 60]][dice.below(3)];
    let (x, y, w, h) = PORTRAIT;
    canvas.portrait(x, y, w, h, skin, clothes);
    draw_texts(&mut canvas, fonts, &front_layout(person));
    cn_page(canvas, "front", person.front_fields())
}

/// The emblem side of a Chinese Resident Identity Card: emblem, title,
/// issuing authority and validity (see the module docs).
pub fn render_cn_back(person: &CnIdentity, fonts: &Fonts, px_per_mm: f32, seed: u64) -> Page {
    let mut dice = Dice::new(seed ^ 0xCB4);
    let mut canvas = Canvas::new(CN_ID_MM.0, CN_ID_MM.1, px_per_mm, [238, 238, 238]);
    let phase = dice.range(0.0, std::f32::consts::TAU);
    canvas.guilloche([242, 234, 232], [228, 236, 244], [206, 170, 168], phase);
    emblem(&mut canvas);
    draw_texts(&mut canvas, fonts, &back_layout(person));
    cn_page(canvas, "back", person.back_fields())
}

fn cn_page(canvas: Canvas, side: &'static str, fields: std::collections::BTreeMap<&'static str, String>) -> Page {
    Page {
        image: canvas.image,
        truth: Truth {
            format: CN_FORMAT,
            side,
            mrz: Vec::new(),
            identity: None,
            fields,
        },
    }
}

/// A stand-in for the national emblem: red disc, gold rings, five stars
/// (one large, four small, as on the flag) above a gate.
fn emblem(canvas: &mut Canvas) {
    const RED: [u8; 3] = [200, 32, 38];
    const GOLD: [u8; 3] = [218, 172, 58];
    let (cx, cy, r) = EMBLEM;
    canvas.ring(cx, cy, 0.0, r, GOLD);
    canvas.ring(cx, cy, 0.0, r * 0.92, RED);
    canvas.ring(cx, cy, r * 0.78, r * 0.83, GOLD);
    // The large star, and the four small ones in an arc beneath it.
    let (bx, by) = (cx, cy - 0.45 * r);
    canvas.polygon(&star(bx, by, 0.18 * r), GOLD);
    for angle in [10.0f32, 55.0, 125.0, 170.0] {
        let (sin, cos) = angle.to_radians().sin_cos();
        canvas.polygon(&star(bx + 0.32 * r * cos, by + 0.32 * r * sin, 0.07 * r), GOLD);
    }
    // The gate: a roof and a wall.
    canvas.polygon(
        &[
            (cx - 0.45 * r, cy + 0.12 * r),
            (cx + 0.45 * r, cy + 0.12 * r),
            (cx + 0.32 * r, cy + 0.02 * r),
            (cx - 0.32 * r, cy + 0.02 * r),
        ],
        GOLD,
    );
    canvas.rect(cx - 0.38 * r, cy + 0.12 * r, 0.76 * r, 0.3 * r, GOLD, 1.0);
    canvas.rect(cx - 0.55 * r, cy + 0.5 * r, 1.1 * r, 0.08 * r, GOLD, 1.0);
}

/// A five-pointed star, point up, outer radius `r`.
fn star(cx: f32, cy: f32, r: f32) -> Vec<(f32, f32)> {
    (0..10)
        .map(|i| {
            let radius = if i % 2 == 0 { r } else { r * 0.382 };
            let angle = std::f32::consts::PI * (i as f32 / 5.0 - 0.5);
            (cx + radius * angle.cos(), cy + radius * angle.sin())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cn::{cn_identities, vocabulary};
    use ab_glyph::{Font, FontRef};
    use chrono::NaiveDate;

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

    /// A person whose address needs five lines (longer than the generator
    /// makes), to show the squeeze.
    fn long_address_person() -> CnIdentity {
        let mut p = cn_identities(1, 1, today()).remove(0);
        p.address =
            "新疆维吾尔自治区乌鲁木齐市天山区解放南路123号碧水蓝天小区12栋3单元1502室附属楼东侧幸福里小区".into();
        p
    }

    fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
        a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
    }

    fn assert_laid_out(texts: &[Text], keep_out: (f32, f32, f32, f32), person: &CnIdentity) {
        for (i, a) in texts.iter().enumerate() {
            let (x0, y0, x1, y1) = a.bounds();
            assert!(
                x0 >= 3.0 && y0 >= 3.0 && x1 <= CN_ID_MM.0 - 3.0 && y1 <= CN_ID_MM.1 - 3.0,
                "{a:?}"
            );
            assert!(!overlap(a.bounds(), keep_out), "{a:?} on the portrait/emblem");
            for b in &texts[i + 1..] {
                assert!(!overlap(a.bounds(), b.bounds()), "{a:?} overlaps {b:?} for {person:?}");
            }
        }
    }

    #[test]
    fn texts_stay_on_the_card_apart_from_each_other_and_the_picture() {
        let (px, py, pw, ph) = PORTRAIT;
        let (ex, ey, er) = EMBLEM;
        let mut people = cn_identities(4, 300, today());
        people.push(long_address_person());
        for p in &people {
            assert_laid_out(&front_layout(p), (px, py, px + pw, py + ph), p);
            assert_laid_out(&back_layout(p), (ex - er, ey - er, ex + er, ey + er), p);
        }
    }

    #[test]
    fn the_front_sets_the_whole_address_in_its_lines() {
        let mut people = cn_identities(6, 100, today());
        people.push(long_address_person());
        for p in &people {
            let lines: Vec<Text> = front_layout(p)
                .into_iter()
                .filter(|t| t.x == VALUE_X && t.baseline >= ADDRESS_BASELINE && t.baseline < NUMBER_BASELINE)
                .collect();
            assert_eq!(lines.iter().map(|t| t.text.as_str()).collect::<String>(), p.address);
            assert!(lines.iter().all(|t| t.width() <= 11.0 * VALUE_CELL + 1e-3));
            assert!(lines.windows(2).all(|w| w[0].baseline < w[1].baseline));
        }
        assert!(address_lines(&long_address_person().address).len() > 4);
    }

    #[test]
    fn the_birth_date_is_printed_without_leading_zeros() {
        let p = &cn_identities(1, 1, today())[0];
        let mut q = p.clone();
        q.birth_date = NaiveDate::from_ymd_opt(1990, 1, 5).unwrap();
        let texts: Vec<String> = birth_date(&q, 23.5).into_iter().map(|t| t.text).collect();
        assert_eq!(texts, ["1990", "年", "1", "月", "5", "日"]);
        let texts: Vec<String> = birth_date(p, 23.5).into_iter().map(|t| t.text).collect();
        assert_eq!(texts, ["1949", "年", "12", "月", "31", "日"]);
        let back: Vec<String> = back_layout(p).into_iter().map(|t| t.text).collect();
        assert!(back.contains(&"2008.06.16-长期".to_owned()));
    }

    #[test]
    fn every_character_printed_has_a_glyph() {
        let Some(fonts) = fonts() else { return };
        let cjk = FontRef::try_from_slice_and_index(fonts.cjk(), 0).unwrap();
        let ocrb = FontRef::try_from_slice(fonts.ocrb()).unwrap();
        let missing = |font: &FontRef<'_>, text: &str| -> Vec<char> {
            text.chars().filter(|&c| font.glyph_id(c).0 == 0).collect()
        };
        assert_eq!(missing(&cjk, &vocabulary()), Vec::<char>::new());
        for p in cn_identities(8, 300, today()) {
            for t in front_layout(&p).iter().chain(&back_layout(&p)) {
                let font = if t.face == Face::Ocrb { &ocrb } else { &cjk };
                assert!(
                    missing(font, &t.text).is_empty(),
                    "{:?} lacks {:?}",
                    t,
                    missing(font, &t.text)
                );
            }
        }
    }

    #[test]
    fn pages_are_deterministic_and_carry_their_side_s_fields() {
        let Some(fonts) = fonts() else { return };
        for (i, p) in cn_identities(2, 3, today()).iter().enumerate() {
            let seed = i as u64;
            let front = render_cn_front(p, &fonts, 5.0, seed);
            assert_eq!(front.image, render_cn_front(p, &fonts, 5.0, seed).image);
            assert_ne!(front.image, render_cn_front(p, &fonts, 5.0, seed + 1).image);
            assert_eq!((front.image.width(), front.image.height()), (428, 270));
            assert_eq!(front.truth.format, "cn_resident_id");
            assert_eq!((front.truth.side, front.truth.identity.as_ref()), ("front", None));
            assert_eq!(front.truth.fields, p.front_fields());
            assert!(front.truth.mrz.is_empty());
            let back = render_cn_back(p, &fonts, 5.0, seed);
            assert_eq!(back.image, render_cn_back(p, &fonts, 5.0, seed).image);
            assert_eq!(back.truth.side, "back");
            assert_eq!(back.truth.fields, p.back_fields());
        }
    }

    /// The darkest pixel in a box given in millimetres.
    fn darkest(page: &Page, px_per_mm: f32, (x0, y0, x1, y1): (f32, f32, f32, f32)) -> u8 {
        let px = |mm: f32| (mm * px_per_mm) as u32;
        (px(y0)..px(y1))
            .flat_map(|y| (px(x0)..px(x1)).map(move |x| (x, y)))
            .filter(|&(x, y)| x < page.image.width() && y < page.image.height())
            .map(|(x, y)| page.image.get_pixel(x, y))
            .map(|p| p.0.iter().copied().min().unwrap_or(255))
            .min()
            .unwrap_or(255)
    }

    #[test]
    fn values_are_inked_where_the_layout_puts_them_and_the_emblem_is_red() {
        let Some(fonts) = fonts() else { return };
        let p = &cn_identities(1, 1, today())[0];
        let front = render_cn_front(p, &fonts, 8.0, 0);
        for t in front_layout(p) {
            let want = if t.color == INK { 90 } else { 170 };
            assert!(darkest(&front, 8.0, t.bounds()) < want, "no ink for {t:?}");
        }
        // Between the rows there is only the ground.
        assert!(darkest(&front, 8.0, (VALUE_X, 12.5, 50.0, 14.0)) > 150);
        let back = render_cn_back(p, &fonts, 8.0, 0);
        let (ex, ey, _) = EMBLEM;
        let red = back
            .image
            .get_pixel(((ex - 6.0) * 8.0) as u32, ((ey - 1.0) * 8.0) as u32)
            .0;
        assert!(red[0] > 150 && red[1] < 80, "{red:?}");
        for t in back_layout(p) {
            assert!(darkest(&back, 8.0, t.bounds()) < 170, "no ink for {t:?}");
        }
    }
}
