//! The Chinese Resident Identity Card (第二代居民身份证) from the text lines
//! the general recogniser read on the rectified, upright card. Pure: no
//! models, no I/O.
//!
//! # Layout it relies on (GB/T 16889 cards, 85.6 × 54 mm)
//! - **Front** (the portrait side; labels printed, values beside them):
//!   `姓名 <name>`, `性别 <男|女> 民族 <ethnicity>`,
//!   `出生 <YYYY> 年 <M> 月 <D> 日`, `住址 <address over 1–3 lines>`,
//!   `公民身份号码 <18 characters>`. The portrait takes the right third.
//! - **Back** (the emblem side): the title `中华人民共和国` / `居民身份证`,
//!   `签发机关 <authority>`, `有效期限 <YYYY.MM.DD>-<YYYY.MM.DD | 长期>`.
//!
//! Lines are grouped into rows (boxes whose vertical centres lie within
//! half a line height), each row read left to right as one sequence of
//! characters with their recogniser probabilities, so a label and its value
//! may be one detected box or two. A value is what follows its label in the
//! row; the address also takes the rows below it up to the number's row,
//! left of the portrait.
//!
//! # What is checked here
//! - The number with the GB 11643 core (`openkyc-cnid`): its check
//!   character, birth date and region code; it must agree with the printed
//!   birth date and sex (odd sequence digit: male).
//! - The validity period: issuers set it to 5, 10 or 20 years from the date
//!   of issue (same month and day), or `长期` (long-term); anything else is a
//!   misreading, which plays the part of a check digit for the dates.
//!
//! Each field's confidence is the lowest probability among its characters.

use crate::fields::FieldRead;
use crate::ink::UNREAD;
use chrono::{Datelike, NaiveDate};
use openkyc_ocr::TextLine;
use std::collections::BTreeMap;

/// The word the back prints for a card valid for life.
pub const LONG_TERM: &str = "长期";

/// The portrait starts at about 62% of the card's width; text right of it
/// is not the address.
const PORTRAIT_LEFT_FRACTION: f32 = 0.62;

/// Which side of the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CnSide {
    /// The portrait side.
    Front,
    /// The emblem side.
    Back,
}

/// One character as read, with its probability.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Glyph {
    ch: char,
    p: f32,
    /// The line (index in the input) and character it came from; `None`
    /// for the separators put between boxes.
    src: Option<(usize, usize)>,
}

/// A row of text: the boxes whose centres are level, left to right.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    glyphs: Vec<Glyph>,
    /// Per glyph, the left edge of the box it came from.
    lefts: Vec<f32>,
    top: f32,
}

impl Row {
    fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }

    /// The glyphs after the first occurrence of any of `labels` (matched on
    /// the text without spaces), or `None` when no label is in the row.
    fn after_label(&self, labels: &[&str]) -> Option<Vec<Glyph>> {
        // Labels are matched on the text without spaces; the value keeps
        // the spaces that mark box boundaries.
        let (text, at): (Vec<char>, Vec<usize>) = self
            .glyphs
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.ch.is_whitespace())
            .map(|(i, g)| (g.ch, i))
            .unzip();
        for label in labels {
            let label: Vec<char> = label.chars().collect();
            if label.is_empty() || label.len() > text.len() {
                continue;
            }
            if let Some(start) = text.windows(label.len()).position(|w| w == label.as_slice()) {
                let end = at.get(start + label.len() - 1).map_or(self.glyphs.len(), |i| i + 1);
                let value = self.glyphs.get(end..)?;
                // A guilloche line in the gap between label and value reads
                // as a vertical stroke; no value starts with one.
                let skip = value
                    .iter()
                    .take_while(|g| g.ch.is_whitespace() || is_stroke(g.ch))
                    .count();
                return value.get(skip..).map(<[Glyph]>::to_vec);
            }
        }
        None
    }

    fn contains_any(&self, labels: &[&str]) -> bool {
        let text: String = self.text().chars().filter(|c| !c.is_whitespace()).collect();
        labels.iter().any(|l| text.contains(l))
    }
}

/// Groups lines into rows, top to bottom.
fn rows(lines: &[TextLine]) -> Vec<Row> {
    let mut sorted: Vec<&TextLine> = lines.iter().filter(|l| !l.text.trim().is_empty()).collect();
    drop_specks(&mut sorted);
    sorted.sort_by(|a, b| centre(a).total_cmp(&centre(b)));
    let mut groups: Vec<Vec<&TextLine>> = Vec::new();
    for line in sorted {
        let joins = groups.last().is_some_and(|group| {
            let last = group.iter().map(|l| centre(l)).sum::<f32>() / group.len() as f32;
            let height = group
                .iter()
                .map(|l| l.bbox.y1 - l.bbox.y0)
                .fold(line.bbox.y1 - line.bbox.y0, f32::min);
            (centre(line) - last).abs() <= 0.5 * height
        });
        match groups.last_mut() {
            Some(group) if joins => group.push(line),
            _ => groups.push(vec![line]),
        }
    }
    groups
        .into_iter()
        .map(|mut group| {
            group.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
            let mut row = Row {
                glyphs: Vec::new(),
                lefts: Vec::new(),
                top: group.iter().map(|l| l.bbox.y0).fold(f32::INFINITY, f32::min),
            };
            let mut previous: Option<&TextLine> = None;
            for line in group {
                let chars: Vec<(char, f32)> = line
                    .text
                    .chars()
                    .enumerate()
                    .map(|(i, ch)| (ch, line.char_confidences.get(i).copied().unwrap_or(line.confidence)))
                    .collect();
                let index = line_index(lines, line);
                // Characters of this box to leave out: those read over a
                // label's box that it overlaps (the label re-read, often as
                // something else: 址 as 上 before 上海市).
                let mut skip = 0;
                if let Some(previous) = previous {
                    if line.bbox.x0 < previous.bbox.x1 && is_label_only(&previous.text) {
                        skip = line.char_x.iter().take_while(|x| **x < previous.bbox.x1).count();
                    }
                    // Overlapping boxes both read the characters they share:
                    // keep them once.
                    // The later box has the word whole; the earlier one's
                    // copy goes.
                    // Its characters that lie inside the later box go too,
                    // whatever they were read as (住址量 before 重庆市: 量
                    // is the left of 重, read again by the label's box).
                    if skip == 0 && line.bbox.x0 < previous.bbox.x1 {
                        let repeated = repeated_prefix(&row.glyphs, &chars);
                        let covered = row
                            .glyphs
                            .iter()
                            .rev()
                            .take_while(|g| {
                                g.src
                                    .and_then(|(l, i)| lines.get(l)?.char_x.get(i).copied())
                                    .is_some_and(|x| x >= line.bbox.x0)
                            })
                            .count();
                        let keep = row.glyphs.len().saturating_sub(repeated.max(covered));
                        row.glyphs.truncate(keep);
                        row.lefts.truncate(keep);
                    }
                    // Separate boxes: digit runs and words do not run on.
                    row.glyphs.push(Glyph {
                        ch: ' ',
                        p: 1.0,
                        src: None,
                    });
                    row.lefts.push(line.bbox.x0);
                }
                for (i, (ch, p)) in chars.into_iter().enumerate().skip(skip) {
                    row.glyphs.push(Glyph {
                        ch,
                        p,
                        src: index.map(|l| (l, i)),
                    });
                    row.lefts.push(line.bbox.x0);
                }
                previous = Some(line);
            }
            row
        })
        .collect()
}

/// Leaves out the boxes of one character under half the height of the
/// lowest box of two or more: the card prints no text that small (its
/// smallest print, the labels, comes in boxes of two characters at least),
/// and such a box is a speck of the background pattern (between label and
/// value, read as `T` or `7`, it would start or end the address). A median
/// would not do: on the back, two title boxes of twice the height are half
/// of all boxes.
fn drop_specks(lines: &mut Vec<&TextLine>) {
    let height = |l: &TextLine| l.bbox.y1 - l.bbox.y0;
    let characters = |l: &TextLine| l.text.chars().filter(|c| !c.is_whitespace()).count();
    let lowest = lines
        .iter()
        .filter(|l| characters(l) >= 2)
        .map(|l| height(l))
        .fold(f32::INFINITY, f32::min);
    if lowest.is_finite() {
        lines.retain(|l| characters(l) >= 2 || height(l) >= 0.5 * lowest);
    }
}

/// Whether `text` is exactly one of the card's labels (spaces aside).
fn is_label_only(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    [
        NAME_LABELS,
        SEX_LABELS,
        ETHNICITY_LABELS,
        BIRTH_LABELS,
        ADDRESS_LABELS,
        NUMBER_LABELS,
        AUTHORITY_LABELS,
        VALIDITY_LABELS,
    ]
    .iter()
    .any(|labels| labels.first().is_some_and(|label| *label == text))
}

/// The index of `line` (a reference into `lines`) in `lines`.
fn line_index(lines: &[TextLine], line: &TextLine) -> Option<usize> {
    lines.iter().position(|l| std::ptr::eq(l, line))
}

/// How many leading characters of `next` repeat the last characters of
/// `glyphs` (the longest such run).
fn repeated_prefix(glyphs: &[Glyph], next: &[(char, f32)]) -> usize {
    let tail: Vec<char> = glyphs.iter().map(|g| g.ch).collect();
    (1..=next.len().min(tail.len()))
        .rev()
        .find(|&k| {
            tail.get(tail.len() - k..)
                .is_some_and(|end| end.iter().zip(next).all(|(a, (b, _))| a == b))
        })
        .unwrap_or(0)
}

fn centre(line: &TextLine) -> f32 {
    (line.bbox.y0 + line.bbox.y1) / 2.0
}

/// Labels as the recogniser may give them (a dropped or misread character
/// in the longer ones is tolerated by listing their distinctive parts).
const NAME_LABELS: &[&str] = &["姓名"];
const SEX_LABELS: &[&str] = &["性别"];
const ETHNICITY_LABELS: &[&str] = &["民族"];
const BIRTH_LABELS: &[&str] = &["出生"];
const ADDRESS_LABELS: &[&str] = &["住址"];
const NUMBER_LABELS: &[&str] = &["公民身份号码", "身份号码", "公民身份号", "号码"];
const AUTHORITY_LABELS: &[&str] = &["签发机关", "发机关", "签发机"];
const VALIDITY_LABELS: &[&str] = &["有效期限", "效期限", "有效期"];
const BACK_TITLES: &[&str] = &["居民身份证", "中华人民共和国"];

/// What the card says, as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CnCard {
    pub side: Option<CnSide>,
    /// By report name: `name_native`, `sex` (`M`/`F`), `ethnicity`,
    /// `birth_date`, `address`, `id_number` on the front;
    /// `issuing_authority`, `valid_from`, `valid_until` on the back.
    pub fields: BTreeMap<&'static str, FieldRead>,
    /// Fields whose label was found but whose value could not be made out.
    pub missing: Vec<&'static str>,
    /// Where each character of the name was read: (line, character) in the
    /// lines given; for a second look at each one.
    pub name_sources: Vec<(usize, usize)>,
}

/// Which side `lines` show, if they are a Resident Identity Card at all:
/// the front needs two of its labels (or the number label), the back its
/// title or one of its labels.
pub(crate) fn side_of(lines: &[TextLine]) -> Option<CnSide> {
    let rows = rows(lines);
    let has = |labels: &[&str]| rows.iter().any(|r| r.contains_any(labels));
    let front_labels = [NAME_LABELS, SEX_LABELS, ETHNICITY_LABELS, BIRTH_LABELS, ADDRESS_LABELS]
        .iter()
        .filter(|l| has(l))
        .count();
    let back_labels = [AUTHORITY_LABELS, VALIDITY_LABELS, BACK_TITLES]
        .iter()
        .filter(|l| has(l))
        .count();
    if front_labels >= 2 || (front_labels >= 1 && has(&NUMBER_LABELS[..2])) {
        Some(CnSide::Front)
    } else if back_labels >= 1 {
        Some(CnSide::Back)
    } else {
        None
    }
}

/// Reads the card's fields from `lines` on a card `width` pixels wide.
pub(crate) fn read_card(lines: &[TextLine], width: u32) -> CnCard {
    let mut card = CnCard {
        side: side_of(lines),
        ..CnCard::default()
    };
    let rows = rows(lines);
    match card.side {
        Some(CnSide::Front) => read_front(&rows, width, &mut card),
        Some(CnSide::Back) => read_back(&rows, &mut card),
        None => {}
    }
    card
}

fn read_front(rows: &[Row], width: u32, card: &mut CnCard) {
    let put = |card: &mut CnCard, name: &'static str, value: Option<FieldRead>| match value {
        Some(v) if !v.value.is_empty() => {
            card.fields.insert(name, v);
        }
        _ => card.missing.push(name),
    };
    let value = |labels: &[&str]| rows.iter().find_map(|r| r.after_label(labels));

    let name_glyphs: Option<Vec<Glyph>> =
        value(NAME_LABELS).map(|g| g.into_iter().filter_map(|g| kept_as(g, is_name_char)).collect());
    card.name_sources = name_glyphs.iter().flatten().filter_map(|g| g.src).collect();
    put(card, "name_native", name_glyphs.map(|g| field(g.into_iter())));

    let sex_row = value(SEX_LABELS);
    let sex = sex_row.as_ref().and_then(|g| {
        g.iter().find(|g| matches!(g.ch, '男' | '女')).map(|g| FieldRead {
            value: if g.ch == '男' { "M" } else { "F" }.to_string(),
            confidence: g.p,
        })
    });
    put(card, "sex", sex);
    let ethnicity = value(ETHNICITY_LABELS).map(|g| field(g.into_iter().filter_map(|g| kept_as(g, is_han))));
    put(card, "ethnicity", ethnicity);

    let birth = value(BIRTH_LABELS).and_then(|g| printed_birth_date(&g));
    put(card, "birth_date", birth);

    let number = rows
        .iter()
        .find_map(|r| r.after_label(NUMBER_LABELS).and_then(|g| id_number(&g)))
        .or_else(|| rows.iter().find_map(|r| id_number(&r.glyphs)));
    put(card, "id_number", number);

    put(card, "address", address(rows, width));
}

/// The address: after its label, then the rows below it up to the number's
/// row, left of the portrait.
fn address(rows: &[Row], width: u32) -> Option<FieldRead> {
    let start = rows.iter().position(|r| r.contains_any(ADDRESS_LABELS))?;
    let mut glyphs = rows.get(start)?.after_label(ADDRESS_LABELS)?;
    let portrait = width as f32 * PORTRAIT_LEFT_FRACTION;
    for row in rows.iter().skip(start + 1) {
        if row.contains_any(NUMBER_LABELS) || id_number(&row.glyphs).is_some() {
            break;
        }
        glyphs.extend(
            row.glyphs
                .iter()
                .zip(&row.lefts)
                .filter(|(_, left)| **left < portrait)
                .map(|(g, _)| *g),
        );
    }
    Some(field(glyphs.into_iter().filter_map(|g| kept_as(g, is_address_char))))
}

fn field(glyphs: impl Iterator<Item = Glyph>) -> FieldRead {
    let mut value = String::new();
    let mut confidence = 1.0f32;
    for g in glyphs {
        value.push(g.ch);
        confidence = confidence.min(g.p);
    }
    if value.is_empty() {
        confidence = 0.0;
    }
    FieldRead { value, confidence }
}

/// Vertical strokes a line in the background reads as, and the colon some
/// recognisers add after a label.
fn is_stroke(ch: char) -> bool {
    matches!(ch, '丨' | '|' | '丶' | '丿' | 'I' | 'l' | '｜' | ':' | '：')
}

/// A glyph of a text field: spaces (box boundaries) go; a character the
/// field cannot hold (a quote in an address, a digit in a name) becomes
/// [`UNREAD`] with confidence 0 rather than being dropped, since it may be a
/// misreading of one the field does hold.
fn kept_as(glyph: Glyph, allowed: fn(char) -> bool) -> Option<Glyph> {
    if glyph.ch.is_whitespace() {
        None
    } else if allowed(glyph.ch) {
        Some(glyph)
    } else {
        Some(Glyph {
            ch: UNREAD,
            p: 0.0,
            ..glyph
        })
    }
}

/// What an address holds: Han characters, digits and Latin letters (house
/// and building numbers, `A座`), and the hyphens, brackets and middle dots
/// of some addresses.
fn is_address_char(ch: char) -> bool {
    is_han(ch) || ch.is_ascii_alphanumeric() || matches!(ch, '-' | '－' | '·' | '(' | ')' | '（' | '）' | '#')
}

/// Han characters, and [`UNREAD`] where print was not read (kept so the
/// field cannot pass).
fn is_han(ch: char) -> bool {
    ch == UNREAD
        || matches!(ch, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// Names are Han characters, with `·` between the parts of a transcribed
/// minority name.
fn is_name_char(ch: char) -> bool {
    is_han(ch) || matches!(ch, '·' | '•')
}

/// Digits in a number field: the recogniser's look-alikes mapped back
/// (full-width digits, `O`/`o` for 0, `l`/`I` for 1), `x` upper-cased.
fn as_number_char(ch: char) -> Option<char> {
    match ch {
        '0'..='9' | 'X' => Some(ch),
        'x' | '×' | 'Ｘ' => Some('X'),
        'O' | 'o' | 'D' => Some('0'),
        'l' | 'I' | '|' => Some('1'),
        '０'..='９' => char::from_u32(u32::from(ch) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

/// An 18-character number (17 digits and a check character) in `glyphs`,
/// spaces ignored; the longest run of number characters must be exactly 18.
fn id_number(glyphs: &[Glyph]) -> Option<FieldRead> {
    let mut best: Vec<Glyph> = Vec::new();
    let mut run: Vec<Glyph> = Vec::new();
    for g in glyphs.iter().filter(|g| !g.ch.is_whitespace()) {
        match as_number_char(g.ch) {
            Some(ch) => run.push(Glyph { ch, ..*g }),
            None => {
                if run.len() > best.len() {
                    best = std::mem::take(&mut run);
                }
                run.clear();
            }
        }
    }
    if run.len() > best.len() {
        best = run;
    }
    let digits_first = best.iter().take(17).all(|g| g.ch.is_ascii_digit());
    (best.len() == 18 && digits_first).then(|| field(best.into_iter()))
}

/// `1990 年 1 月 15 日` (the labels may be lost or misread): three groups of
/// digits, year first.
fn printed_birth_date(glyphs: &[Glyph]) -> Option<FieldRead> {
    let groups = digit_groups(glyphs);
    let [year, month, day] = groups
        .windows(3)
        .find(|w| w.first().is_some_and(|y| y.value.len() == 4))?
    else {
        return None;
    };
    let date = date_of(&year.value, &month.value, &day.value)?;
    Some(FieldRead {
        value: date.format("%Y-%m-%d").to_string(),
        confidence: year.confidence.min(month.confidence).min(day.confidence),
    })
}

fn date_of(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    if year.len() != 4 || month.is_empty() || month.len() > 2 || day.is_empty() || day.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// Runs of ASCII digits (look-alikes mapped), each with its lowest
/// probability.
fn digit_groups(glyphs: &[Glyph]) -> Vec<FieldRead> {
    let mut groups = Vec::new();
    let mut current: Vec<Glyph> = Vec::new();
    for g in glyphs {
        match as_number_char(g.ch).filter(char::is_ascii_digit) {
            Some(ch) => current.push(Glyph { ch, ..*g }),
            None if !current.is_empty() => groups.push(field(std::mem::take(&mut current).into_iter())),
            None => {}
        }
    }
    if !current.is_empty() {
        groups.push(field(current.into_iter()));
    }
    groups
}

fn read_back(rows: &[Row], card: &mut CnCard) {
    let authority = rows
        .iter()
        .find_map(|r| r.after_label(AUTHORITY_LABELS))
        .map(|g| field(g.into_iter().filter_map(|g| kept_as(g, is_han))));
    match authority {
        Some(a) if !a.value.is_empty() => {
            card.fields.insert("issuing_authority", a);
        }
        _ => card.missing.push("issuing_authority"),
    }
    match rows
        .iter()
        .find_map(|r| r.after_label(VALIDITY_LABELS))
        .and_then(|g| validity(&g))
    {
        Some((from, until)) => {
            card.fields.insert("valid_from", from);
            card.fields.insert("valid_until", until);
        }
        None => card.missing.extend(["valid_from", "valid_until"]),
    }
}

/// `YYYY.MM.DD-YYYY.MM.DD` or `YYYY.MM.DD-长期`, whatever the recogniser
/// made of the dots and the dash.
fn validity(glyphs: &[Glyph]) -> Option<(FieldRead, FieldRead)> {
    let groups = digit_groups(glyphs);
    let from = date_group(groups.get(..3)?)?;
    let text: String = glyphs.iter().map(|g| g.ch).collect();
    if let Some(at) = text.find(LONG_TERM) {
        let start = text.get(..at)?.chars().count();
        let p = glyphs.get(start..start + 2)?.iter().map(|g| g.p).fold(1.0f32, f32::min);
        if groups.len() != 3 {
            return None;
        }
        return Some((
            from,
            FieldRead {
                value: LONG_TERM.to_string(),
                confidence: p,
            },
        ));
    }
    if groups.len() != 6 {
        return None;
    }
    Some((from, date_group(groups.get(3..6)?)?))
}

fn date_group(groups: &[FieldRead]) -> Option<FieldRead> {
    let [year, month, day] = groups else { return None };
    if month.value.len() != 2 || day.value.len() != 2 {
        return None;
    }
    let date = date_of(&year.value, &month.value, &day.value)?;
    Some(FieldRead {
        value: date.format("%Y-%m-%d").to_string(),
        confidence: year.confidence.min(month.confidence).min(day.confidence),
    })
}

/// The 56 ethnic groups as the card prints them (without the `族`).
const ETHNIC_GROUPS: [&str; 56] = [
    "汉",
    "蒙古",
    "回",
    "藏",
    "维吾尔",
    "苗",
    "彝",
    "壮",
    "布依",
    "朝鲜",
    "满",
    "侗",
    "瑶",
    "白",
    "土家",
    "哈尼",
    "哈萨克",
    "傣",
    "黎",
    "傈僳",
    "佤",
    "畲",
    "高山",
    "拉祜",
    "水",
    "东乡",
    "纳西",
    "景颇",
    "柯尔克孜",
    "土",
    "达斡尔",
    "仫佬",
    "羌",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "塔吉克",
    "怒",
    "乌孜别克",
    "俄罗斯",
    "鄂温克",
    "德昂",
    "保安",
    "裕固",
    "京",
    "塔塔尔",
    "独龙",
    "鄂伦春",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
];

/// Whether `value` names one of the 56 ethnic groups: the field has no
/// check digit, and a misread one rarely lands on another group's name.
pub(crate) fn is_ethnic_group(value: &str) -> bool {
    ETHNIC_GROUPS.contains(&value)
}

/// Whether `until` is 5, 10 or 20 years after `from` on the same day (a
/// card issued on 29 February runs to 28 February or 1 March), or long-term.
pub(crate) fn validity_period_is_lawful(from: NaiveDate, until: &str) -> bool {
    if until == LONG_TERM {
        return true;
    }
    let Ok(until) = NaiveDate::parse_from_str(until, "%Y-%m-%d") else {
        return false;
    };
    [5, 10, 20].iter().any(|years| {
        let year = from.year() + years;
        match NaiveDate::from_ymd_opt(year, from.month(), from.day()) {
            Some(same_day) => until == same_day,
            None => {
                // 29 February in a year that has none.
                NaiveDate::from_ymd_opt(year, 2, 28) == Some(until)
                    || NaiveDate::from_ymd_opt(year, 3, 1) == Some(until)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openkyc_ocr::TextBox;

    fn line(text: &str, x0: f32, y0: f32, x1: f32, y1: f32) -> TextLine {
        TextLine {
            bbox: TextBox {
                x0,
                y0,
                x1,
                y1,
                score: 0.9,
            },
            text: text.into(),
            confidence: 0.99,
            char_confidences: text.chars().map(|c| if c == '燚' { 0.4 } else { 0.99 }).collect(),
            char_x: Vec::new(),
        }
    }

    /// A front as the detector boxes it: labels and values apart, some
    /// merged (`年1月15`).
    fn front() -> Vec<TextLine> {
        vec![
            line("欧阳燚堃", 128.0, 70.0, 223.0, 101.0),
            line("姓名", 53.0, 76.0, 91.0, 99.0),
            line("民族", 220.0, 139.0, 276.0, 165.0),
            line("汉", 291.0, 140.0, 321.0, 166.0),
            line("男", 129.0, 140.0, 151.0, 165.0),
            line("性别", 52.0, 141.0, 93.0, 165.0),
            line("出生", 53.0, 202.0, 92.0, 225.0),
            line("1990", 128.0, 202.0, 180.0, 224.0),
            line("年1月15", 213.0, 202.0, 351.0, 224.0),
            line("日", 364.0, 207.0, 379.0, 223.0),
            line("广东省深圳市南山区粤海", 131.0, 262.0, 343.0, 285.0),
            line("住址", 54.0, 264.0, 92.0, 286.0),
            line("街道科技园路18号3栋", 130.0, 300.0, 321.0, 322.0),
            line("8", 600.0, 300.0, 640.0, 322.0),
            line("44030519900115531X", 282.0, 419.0, 585.0, 442.0),
            line("公民身份号码", 55.0, 424.0, 156.0, 444.0),
        ]
    }

    #[test]
    fn a_front_is_read_field_by_field() {
        let card = read_card(&front(), 800);
        assert_eq!(card.side, Some(CnSide::Front));
        let value = |name: &str| card.fields.get(name).map(|f| f.value.as_str());
        assert_eq!(value("name_native"), Some("欧阳燚堃"));
        assert_eq!(card.fields["name_native"].confidence, 0.4, "the weakest character");
        assert_eq!(value("sex"), Some("M"));
        assert_eq!(value("ethnicity"), Some("汉"));
        assert_eq!(value("birth_date"), Some("1990-01-15"));
        // The stray `8` right of the portrait line is not part of the address.
        assert_eq!(value("address"), Some("广东省深圳市南山区粤海街道科技园路18号3栋"));
        assert_eq!(value("id_number"), Some("44030519900115531X"));
        assert!(card.missing.is_empty(), "{:?}", card.missing);
    }

    #[test]
    fn overlapping_boxes_read_shared_characters_once_and_strokes_after_labels_go() {
        let lines = vec![
            line("姓名", 53.0, 76.0, 91.0, 99.0),
            line("王秀英", 128.0, 70.0, 223.0, 101.0),
            line("性别女", 53.0, 140.0, 150.0, 165.0),
            line("民族汉", 220.0, 139.0, 320.0, 165.0),
            // The label's box took the year's first digit too.
            line("出生1", 105.0, 290.0, 246.0, 328.0),
            line("1965年12月12日", 226.0, 293.0, 540.0, 326.0),
            line("住址丨北京市朝阳区建国路88号", 102.0, 372.0, 642.0, 411.0),
        ];
        let card = read_card(&lines, 800);
        assert_eq!(card.fields["birth_date"].value, "1965-12-12");
        assert_eq!(card.fields["address"].value, "北京市朝阳区建国路88号");
        // Box gaps separate digit runs: 1 | 1965 would otherwise be 11965.
        let apart = vec![
            line("姓名王秀英", 53.0, 76.0, 300.0, 99.0),
            line("出生", 105.0, 290.0, 200.0, 328.0),
            line("1", 210.0, 290.0, 220.0, 328.0),
            line("1965年1月2日", 230.0, 290.0, 500.0, 328.0),
        ];
        assert_eq!(
            read_card(&apart, 800)
                .fields
                .get("birth_date")
                .map(|f| f.value.as_str()),
            Some("1965-01-02")
        );
    }

    #[test]
    fn characters_a_field_cannot_hold_block_it_instead_of_dropping_out() {
        let mut lines = front();
        lines[10] = line("广东省深圳市南山区粤海\"", 131.0, 262.0, 343.0, 285.0);
        lines[0] = line("欧阳9堃", 128.0, 70.0, 223.0, 101.0);
        let card = read_card(&lines, 800);
        assert_eq!(
            card.fields["address"].value,
            "广东省深圳市南山区粤海\u{FFFD}街道科技园路18号3栋"
        );
        assert_eq!(card.fields["address"].confidence, 0.0);
        assert_eq!(card.fields["name_native"].value, "欧阳\u{FFFD}堃");
        // A colon after a label is not part of the value.
        let lines = vec![
            line("姓名：王秀英", 50.0, 70.0, 300.0, 100.0),
            line("性别女", 50.0, 140.0, 300.0, 165.0),
        ];
        assert_eq!(read_card(&lines, 800).fields["name_native"].value, "王秀英");
    }

    #[test]
    fn a_value_box_reaching_over_its_label_leaves_the_label_part_out() {
        let mut lines = front();
        // The address box starts inside the label's (106–200) and read the
        // label's last character as 上.
        lines[11] = line("住址", 106.0, 264.0, 200.0, 286.0);
        lines[10] = line("上上海市浦东新区张杨路19", 179.0, 262.0, 663.0, 285.0);
        lines[10].char_x = (0..13).map(|i| 190.0 + 36.0 * i as f32).collect();
        lines[12] = line("2号", 227.0, 300.0, 300.0, 322.0);
        let card = read_card(&lines, 800);
        assert_eq!(card.fields["address"].value, "上海市浦东新区张杨路192号");
    }

    #[test]
    fn a_label_box_reaching_into_its_value_leaves_the_value_part_out() {
        let mut lines = front();
        // The label's box (54–150) ends inside the address box (131–) and
        // read the left of 广 again, as 量.
        lines[11] = line("住址量", 54.0, 264.0, 150.0, 286.0);
        lines[11].char_x = vec![64.0, 86.0, 140.0];
        let card = read_card(&lines, 800);
        assert_eq!(
            card.fields["address"].value,
            "广东省深圳市南山区粤海街道科技园路18号3栋"
        );
    }

    #[test]
    fn specks_between_label_and_value_are_not_read_into_the_value() {
        let mut lines = front();
        // Specks of the background pattern (7–8 px tall among boxes of
        // 22 px): between the label and the value, after the value, and on
        // a row of their own.
        lines.push(line("T", 100.0, 270.0, 110.0, 277.0));
        lines.push(line("7", 345.0, 307.0, 352.0, 315.0));
        lines.push(line("1", 140.0, 350.0, 147.0, 358.0));
        let card = read_card(&lines, 800);
        assert_eq!(
            card.fields["address"].value,
            "广东省深圳市南山区粤海街道科技园路18号3栋"
        );
    }

    #[test]
    fn a_value_merged_with_its_label_is_read_too() {
        let lines = vec![
            line("姓名王小明", 50.0, 70.0, 300.0, 100.0),
            line("性别女民族蒙古", 50.0, 140.0, 300.0, 165.0),
            line("公民身份号码 11010519491231002x", 50.0, 420.0, 600.0, 444.0),
        ];
        let card = read_card(&lines, 800);
        assert_eq!(card.fields["name_native"].value, "王小明");
        assert_eq!(card.fields["sex"].value, "F");
        assert_eq!(card.fields["ethnicity"].value, "蒙古");
        assert_eq!(card.fields["id_number"].value, "11010519491231002X");
        assert!(card.missing.contains(&"birth_date") && card.missing.contains(&"address"));
    }

    #[test]
    fn a_back_gives_authority_and_validity() {
        let lines = vec![
            line("中华人民共和国", 300.0, 60.0, 700.0, 110.0),
            line("居民身份证", 320.0, 130.0, 680.0, 190.0),
            line("签发机关", 150.0, 380.0, 250.0, 405.0),
            line("深圳市公安局南山分局", 270.0, 380.0, 560.0, 405.0),
            line("有效期限", 150.0, 430.0, 250.0, 455.0),
            line("2015.06.01一2035.06.01", 270.0, 430.0, 600.0, 455.0),
        ];
        let card = read_card(&lines, 800);
        assert_eq!(card.side, Some(CnSide::Back));
        assert_eq!(card.fields["issuing_authority"].value, "深圳市公安局南山分局");
        assert_eq!(card.fields["valid_from"].value, "2015-06-01");
        assert_eq!(card.fields["valid_until"].value, "2035-06-01");
        // The titles twice as tall and half of all boxes (the labels and
        // values merged): the validity line is still read.
        let merged = vec![
            line("中华人民共和国", 300.0, 60.0, 700.0, 110.0),
            line("居民身份证", 320.0, 130.0, 680.0, 190.0),
            line("签发机关深圳市公安局南山分局", 150.0, 380.0, 560.0, 404.0),
            line("有效期限2015.06.01-2035.06.01", 150.0, 430.0, 600.0, 454.0),
        ];
        assert_eq!(read_card(&merged, 800).fields["valid_until"].value, "2035-06-01");
        let long = vec![line("有效期限2001.02.03-长期", 150.0, 430.0, 600.0, 455.0)];
        let card = read_card(&long, 800);
        assert_eq!(card.fields["valid_until"].value, LONG_TERM);
        assert!(card.missing.contains(&"issuing_authority"));
    }

    #[test]
    fn text_that_is_not_the_card_has_no_side() {
        assert_eq!(side_of(&[line("PASSPORT", 0.0, 0.0, 100.0, 20.0)]), None);
        assert_eq!(side_of(&[]), None);
        assert_eq!(read_card(&[], 0).fields.len(), 0);
    }

    #[test]
    fn numbers_need_eighteen_characters_with_digits_first() {
        let g = |s: &str| s.chars().map(|ch| Glyph { ch, p: 0.9, src: None }).collect::<Vec<_>>();
        assert_eq!(
            id_number(&g("44030519900115531X")).map(|f| f.value),
            Some("44030519900115531X".into())
        );
        assert_eq!(
            id_number(&g("4403O519900115531x")).map(|f| f.value),
            Some("44030519900115531X".into())
        );
        assert!(id_number(&g("4403051990011553")).is_none());
        assert!(id_number(&g("440305199001155310X")).is_none());
        assert!(id_number(&g("X4030519900115531X")).is_none());
        assert!(id_number(&[]).is_none());
    }

    #[test]
    fn ethnic_groups_are_the_official_list() {
        assert!(is_ethnic_group("汉") && is_ethnic_group("维吾尔") && is_ethnic_group("基诺"));
        assert!(!is_ethnic_group("汊") && !is_ethnic_group("") && !is_ethnic_group("汉族"));
        let unique: std::collections::BTreeSet<_> = ETHNIC_GROUPS.iter().collect();
        assert_eq!(unique.len(), 56);
    }

    #[test]
    fn lawful_validity_periods() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert!(validity_period_is_lawful(d(2015, 6, 1), "2035-06-01"));
        assert!(validity_period_is_lawful(d(2015, 6, 1), "2025-06-01"));
        assert!(validity_period_is_lawful(d(2015, 6, 1), "2020-06-01"));
        assert!(validity_period_is_lawful(d(2015, 6, 1), LONG_TERM));
        assert!(!validity_period_is_lawful(d(2015, 6, 1), "2035-06-07"));
        assert!(!validity_period_is_lawful(d(2015, 6, 1), "2030-06-01"));
        assert!(!validity_period_is_lawful(d(2015, 6, 1), "not a date"));
        assert!(validity_period_is_lawful(d(2004, 2, 29), "2014-02-28"));
        assert!(validity_period_is_lawful(d(2004, 2, 29), "2024-02-29"));
    }
}
