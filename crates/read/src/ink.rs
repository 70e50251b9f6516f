//! Print the recogniser did not account for.
//!
//! A recogniser can only emit characters of its table: a rare name
//! character outside it (骉, 䶮, …) is dropped, read as CTC blanks with full
//! confidence, and the name comes out one character short with nothing to
//! say so. This module finds such gaps from the pixels: it marks the ink of
//! a line that lies away from every character the recogniser emitted, and
//! puts [`UNREAD`] (with confidence 0) into the line's text there, so the
//! field it falls in cannot pass.
//!
//! # Method (per line box of Han text, or of nothing read)
//! 1. Grey levels of the box; ink is darker than halfway between the 5th
//!    percentile (print) and the 90th (paper), so light background
//!    patterns are not ink. A box whose 5th percentile is within
//!    [`MIN_CONTRAST`] of its 90th has no print.
//! 2. The text band: the rows where at least 2% of the columns are ink; its
//!    height `h` is the character height.
//! 3. A column is inked when it has at least two ink pixels in the band.
//!    Each emitted character explains the columns within `0.6 h` of its
//!    position (a Han character is about `h` wide) or `0.35 h` for a
//!    narrow one (digits, Latin, punctuation).
//! 4. Unexplained inked columns, joined across gaps narrower than `0.15 h`,
//!    that span at least [`MIN_UNREAD_WIDTH`] × `h` are a character the
//!    recogniser did not read.

use image::RgbImage;
use openkyc_ocr::TextLine;

/// Stands for a character that is printed but was not read.
pub const UNREAD: char = '\u{FFFD}';

/// Print must be at least this much darker than paper (grey levels).
const MIN_CONTRAST: f32 = 40.0;
/// Unexplained ink this wide (in character heights) is a missed character.
const MIN_UNREAD_WIDTH: f32 = 0.4;

/// Puts [`UNREAD`] into each line's text where its box has ink that no
/// emitted character explains (see the module docs). Lines without
/// character positions are left as they are.
pub(crate) fn mark_unread(image: &RgbImage, lines: &mut [TextLine]) {
    let typical = typical_height(lines);
    for line in lines.iter_mut() {
        // Specks the detector boxes (a stroke tip, a dot of the pattern)
        // are not characters: only boxes of at least half the usual line
        // height are checked.
        let height = line.bbox.y1 - line.bbox.y0;
        if line.char_x.len() != line.text.chars().count() || height < 0.5 * typical || !may_hide_characters(line) {
            continue;
        }
        for x in unexplained_ink(image, line) {
            insert_unread(line, x);
        }
    }
}

/// Lines of Han text (or nothing read at all) can hide a character outside
/// the table; Latin letters and digits are all in it, and their widths vary
/// too much for the reach of one position to be told.
fn may_hide_characters(line: &TextLine) -> bool {
    line.text.is_empty() || line.text.chars().any(is_wide)
}

/// The median box height of the lines with text (0 without any).
fn typical_height(lines: &[TextLine]) -> f32 {
    let mut heights: Vec<f32> = lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .map(|l| l.bbox.y1 - l.bbox.y0)
        .collect();
    heights.sort_by(f32::total_cmp);
    heights.get(heights.len() / 2).copied().unwrap_or(0.0)
}

/// Centres (image x) of the unexplained ink runs of `line`'s box.
fn unexplained_ink(image: &RgbImage, line: &TextLine) -> Vec<f32> {
    let Some(patch) = Patch::of(image, line) else {
        return Vec::new();
    };
    let Some((threshold, band)) = patch.print() else {
        return Vec::new();
    };
    let height = (band.1 - band.0) as f32;
    let explained = |x: f32| {
        line.text.chars().zip(&line.char_x).any(|(ch, cx)| {
            let reach = if is_wide(ch) { 0.6 } else { 0.35 } * height;
            (x - cx).abs() <= reach
        })
    };
    let mut runs: Vec<(f32, f32)> = Vec::new();
    for column in 0..patch.width {
        let x = patch.left + column as f32 + 0.5;
        if !patch.inked(column, band, threshold) || explained(x) {
            continue;
        }
        match runs.last_mut() {
            Some(run) if x - run.1 <= 0.15 * height + 1.0 => run.1 = x,
            _ => runs.push((x, x)),
        }
    }
    runs.into_iter()
        .filter(|(start, end)| end - start + 1.0 >= MIN_UNREAD_WIDTH * height)
        .map(|(start, end)| (start + end) / 2.0)
        .collect()
}

/// Inserts [`UNREAD`] in reading order at `x`.
fn insert_unread(line: &mut TextLine, x: f32) {
    let at = line.char_x.iter().take_while(|cx| **cx < x).count();
    let mut chars: Vec<char> = line.text.chars().collect();
    chars.insert(at.min(chars.len()), UNREAD);
    line.text = chars.into_iter().collect();
    line.char_confidences.insert(at.min(line.char_confidences.len()), 0.0);
    line.char_x.insert(at.min(line.char_x.len()), x);
}

/// Han characters and full-width forms take a square cell; the rest about
/// half of one.
fn is_wide(ch: char) -> bool {
    ch == UNREAD || u32::from(ch) >= 0x2E80
}

/// A line box's grey levels.
struct Patch {
    grey: Vec<f32>,
    width: usize,
    height: usize,
    left: f32,
}

impl Patch {
    fn of(image: &RgbImage, line: &TextLine) -> Option<Self> {
        let clamp = |v: f32, max: u32| (v.max(0.0) as u32).min(max);
        let (x0, x1) = (
            clamp(line.bbox.x0.floor(), image.width()),
            clamp(line.bbox.x1.ceil(), image.width()),
        );
        let (y0, y1) = (
            clamp(line.bbox.y0.floor(), image.height()),
            clamp(line.bbox.y1.ceil(), image.height()),
        );
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let (width, height) = ((x1 - x0) as usize, (y1 - y0) as usize);
        let mut grey = Vec::with_capacity(width * height);
        for y in y0..y1 {
            for x in x0..x1 {
                let [r, g, b] = image.get_pixel(x, y).0;
                grey.push(0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b));
            }
        }
        Some(Self {
            grey,
            width,
            height,
            left: x0 as f32,
        })
    }

    /// The ink threshold and the text band's rows, if the box has print.
    fn print(&self) -> Option<(f32, (usize, usize))> {
        let mut sorted = self.grey.clone();
        sorted.sort_by(f32::total_cmp);
        let dark = *sorted.get(sorted.len() / 20)?;
        let paper = *sorted.get(sorted.len() * 9 / 10)?;
        if paper - dark < MIN_CONTRAST {
            return None;
        }
        let threshold = (dark + paper) / 2.0;
        let min_columns = (self.width / 50).max(1);
        let inked_rows: Vec<usize> = (0..self.height)
            .filter(|&y| {
                let row = self.grey.get(y * self.width..(y + 1) * self.width).unwrap_or(&[]);
                row.iter().filter(|v| **v < threshold).count() >= min_columns
            })
            .collect();
        let (first, last) = (*inked_rows.first()?, *inked_rows.last()?);
        (last > first).then_some((threshold, (first, last + 1)))
    }

    fn inked(&self, column: usize, band: (usize, usize), threshold: f32) -> bool {
        (band.0..band.1)
            .filter(|y| self.grey.get(y * self.width + column).is_some_and(|v| *v < threshold))
            .count()
            >= 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openkyc_ocr::TextBox;

    /// Paper with dark 30 × 30 squares ("characters") at the given left
    /// edges, in a 40-px-tall box at y 10.
    fn page(lefts: &[u32]) -> RgbImage {
        RgbImage::from_fn(400, 60, |x, y| {
            let inked = (15..45).contains(&y) && lefts.iter().any(|l| (*l..l + 30).contains(&x));
            image::Rgb(if inked { [30, 30, 30] } else { [225, 228, 230] })
        })
    }

    fn line(text: &str, char_x: &[f32]) -> TextLine {
        TextLine {
            bbox: TextBox {
                x0: 0.0,
                y0: 10.0,
                x1: 400.0,
                y1: 50.0,
                score: 0.9,
            },
            text: text.into(),
            confidence: 0.99,
            char_confidences: vec![0.99; text.chars().count()],
            char_x: char_x.to_vec(),
        }
    }

    #[test]
    fn a_dropped_character_becomes_unread() {
        let image = page(&[20, 60, 100]);
        let mut lines = vec![line("曹嘉", &[35.0, 115.0])];
        mark_unread(&image, &mut lines);
        assert_eq!(lines[0].text, "曹\u{FFFD}嘉");
        assert_eq!(lines[0].char_confidences, [0.99, 0.0, 0.99]);
        assert_eq!(lines[0].char_x.len(), 3);
    }

    #[test]
    fn latin_lines_are_not_looked_at() {
        let image = page(&[20, 60, 100]);
        let mut lines = vec![line("AB", &[35.0, 115.0])];
        mark_unread(&image, &mut lines);
        assert_eq!(lines[0].text, "AB");
    }

    #[test]
    fn every_character_read_changes_nothing() {
        let image = page(&[20, 60, 100]);
        let mut lines = vec![line("曹骉嘉", &[33.0, 76.0, 112.0])];
        mark_unread(&image, &mut lines);
        assert_eq!(lines[0].text, "曹骉嘉");
    }

    #[test]
    fn leading_and_trailing_misses_and_blank_boxes() {
        let image = page(&[20, 60, 100]);
        let mut lines = vec![line("骉", &[76.0])];
        mark_unread(&image, &mut lines);
        assert_eq!(lines[0].text, "\u{FFFD}骉\u{FFFD}");
        let blank = RgbImage::from_pixel(400, 60, image::Rgb([225, 228, 230]));
        let mut lines = vec![line("", &[])];
        mark_unread(&blank, &mut lines);
        assert_eq!(lines[0].text, "");
        // A box read as nothing over a whole character is a miss; a speck
        // much smaller than the other lines is not looked at.
        let mut lines = vec![line("曹嘉", &[35.0, 115.0]), line("", &[])];
        lines[1].bbox.x0 = 55.0;
        lines[1].bbox.x1 = 95.0;
        mark_unread(&image, &mut lines);
        assert_eq!(lines[1].text, "\u{FFFD}");
        let mut lines = vec![
            line("曹嘉", &[35.0, 115.0]),
            line("曹嘉", &[35.0, 115.0]),
            line("", &[]),
        ];
        lines[2].bbox = TextBox {
            x0: 62.0,
            y0: 20.0,
            x1: 70.0,
            y1: 30.0,
            score: 0.5,
        };
        mark_unread(&image, &mut lines);
        assert_eq!(lines[2].text, "");
        // Positions that do not match the text are left alone.
        let mut lines = vec![line("曹嘉", &[35.0])];
        mark_unread(&image, &mut lines);
        assert_eq!(lines[0].text, "曹嘉");
        let mut lines = vec![line("曹嘉", &[35.0, 115.0])];
        mark_unread(&RgbImage::new(0, 0), &mut lines);
        assert_eq!(lines[0].text, "曹嘉");
    }
}
