//! Turning text as it arrives (pasted, OCR output, a file) into MRZ lines,
//! and recognising the format from their shape.
//!
//! Tolerated: whitespace around the MRZ and around each line, blank lines,
//! CR/LF or CR line ends, lower case. Not tolerated (a clear error instead):
//! a wrong number of lines or a line of the wrong length. Characters outside
//! the MRZ alphabet are kept and reported on the field that holds them.

use crate::error::MrzError;
use crate::layout::MrzFormat;

/// Input longer than this is not an MRZ; refusing it early keeps the work
/// bounded whatever a caller passes in.
pub const MAX_INPUT_CHARS: usize = 1024;

/// The MRZ as a grid of characters.
pub(crate) type Grid = Vec<Vec<char>>;

/// Splits and cleans `text`, then finds its format.
pub(crate) fn read_grid(text: &str) -> Result<(MrzFormat, Grid), MrzError> {
    if text.chars().nth(MAX_INPUT_CHARS).is_some() {
        return Err(MrzError::TooLong { max: MAX_INPUT_CHARS });
    }
    let lines: Grid = text
        .lines()
        .flat_map(|line| line.split('\r'))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| line.chars().map(|c| c.to_ascii_uppercase()).collect())
        .collect();
    let format = detect_format(&lines)?;
    Ok((format, lines))
}

fn detect_format(lines: &[Vec<char>]) -> Result<MrzFormat, MrzError> {
    let expected = expected_format(lines)?;
    let (_, width) = expected.shape();
    for (index, line) in lines.iter().enumerate() {
        if line.len() != width {
            return Err(MrzError::LineLength {
                line: index + 1,
                found: line.len(),
                expected: width,
                format: expected,
            });
        }
    }
    Ok(expected)
}

/// The format the lines are meant to be, judged from the line count, the
/// longest line and the document code; lengths are verified afterwards so
/// that a short line is reported as such rather than as "not an MRZ".
fn expected_format(lines: &[Vec<char>]) -> Result<MrzFormat, MrzError> {
    let first = lines.first().ok_or(MrzError::Empty)?;
    let longest = lines.iter().map(Vec::len).max().unwrap_or(0);
    let is_visa = first.first() == Some(&'V');
    // Judge the width first: a TD1 card read with a line missing, or a
    // passport with a stray third line, is reported as exactly that.
    let by_width = if longest >= 40 {
        if is_visa {
            MrzFormat::MrvA
        } else {
            MrzFormat::Td3
        }
    } else if longest >= 33 {
        if is_visa {
            MrzFormat::MrvB
        } else if looks_like_french_id(lines) {
            MrzFormat::FrenchId
        } else {
            MrzFormat::Td2
        }
    } else {
        MrzFormat::Td1
    };
    let (expected_lines, _) = by_width.shape();
    match lines.len() {
        count if count == expected_lines => Ok(by_width),
        count @ (2 | 3) => Err(MrzError::WrongLineCount {
            format: by_width,
            found: count,
            expected: expected_lines,
        }),
        count => Err(MrzError::LineCount { found: count }),
    }
}

/// The pre-2021 French card starts `IDFRA` like a TD2 card but puts the
/// surname where a TD2 card has its name field and ends line 1 with an
/// office code; its line 2 starts with the issue year and month where a TD2
/// card has a document number followed by its check digit and nationality.
fn looks_like_french_id(lines: &[Vec<char>]) -> bool {
    let (Some(line1), Some(line2)) = (lines.first(), lines.get(1)) else {
        return false;
    };
    // OCR may read the leading I as 1; the letters are compared after undoing
    // that confusion.
    let starts_idfra = line1
        .iter()
        .take(5)
        .map(|c| crate::repair::letter_for_digit(*c).unwrap_or(*c))
        .eq("IDFRA".chars());
    // In TD2, positions 10..13 of line 2 are the nationality (letters or
    // fillers); in the French card they are the middle of the document
    // number (digits or office letters) followed by more digits. The
    // decisive sign is the TD2 nationality slot not holding a country.
    let td2_nationality: String = line2.iter().skip(10).take(3).collect();
    let td2_shaped = td2_nationality.chars().all(|c| c.is_ascii_uppercase() || c == '<')
        && line2.get(9).is_some_and(|c| c.is_ascii_digit() || *c == '<');
    starts_idfra && !td2_shaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_of(text: &str) -> Result<MrzFormat, MrzError> {
        read_grid(text).map(|(format, _)| format)
    }

    #[test]
    fn recognises_every_shape() {
        let td1 = format!("{}\n{}\n{}", "I".repeat(30), "1".repeat(30), "A".repeat(30));
        assert_eq!(format_of(&td1), Ok(MrzFormat::Td1));
        let td3 = format!("P{}\n{}", "<".repeat(43), "1".repeat(44));
        assert_eq!(format_of(&td3), Ok(MrzFormat::Td3));
        let mrva = format!("V{}\n{}", "<".repeat(43), "1".repeat(44));
        assert_eq!(format_of(&mrva), Ok(MrzFormat::MrvA));
        let mrvb = format!("V{}\n{}", "<".repeat(35), "1".repeat(36));
        assert_eq!(format_of(&mrvb), Ok(MrzFormat::MrvB));
        let td2 = format!("I<UTO{}\nD231458907UTO7408122F1204159<<<<<<<6", "<".repeat(31));
        assert_eq!(format_of(&td2), Ok(MrzFormat::Td2));
    }

    #[test]
    fn tolerates_whitespace_case_and_line_ends() {
        let text = format!("  \r\n p<uto{} \r\n\r\n{}\t\r\n", "<".repeat(39), "1".repeat(44));
        assert_eq!(format_of(&text), Ok(MrzFormat::Td3));
        let old_mac = format!("P{}\r{}", "<".repeat(43), "1".repeat(44));
        assert_eq!(format_of(&old_mac), Ok(MrzFormat::Td3));
    }

    #[test]
    fn wrong_lengths_name_the_line_and_the_expected_length() {
        let text = format!("{}\n{}\n{}", "I".repeat(30), "1".repeat(29), "A".repeat(30));
        assert_eq!(
            format_of(&text),
            Err(MrzError::LineLength {
                line: 2,
                found: 29,
                expected: 30,
                format: MrzFormat::Td1
            })
        );
        let text = format!("P{}\n{}", "<".repeat(43), "1".repeat(45));
        assert_eq!(
            format_of(&text),
            Err(MrzError::LineLength {
                line: 2,
                found: 45,
                expected: 44,
                format: MrzFormat::Td3
            })
        );
    }

    #[test]
    fn not_an_mrz() {
        assert_eq!(format_of(""), Err(MrzError::Empty));
        assert_eq!(format_of(" \n\t\r\n"), Err(MrzError::Empty));
        assert_eq!(format_of("a\nb\nc\nd"), Err(MrzError::LineCount { found: 4 }));
        assert_eq!(format_of(&"X".repeat(44)), Err(MrzError::LineCount { found: 1 }));
        let td1_missing_a_line = format!("{}\n{}", "I".repeat(30), "1".repeat(30));
        assert_eq!(
            format_of(&td1_missing_a_line),
            Err(MrzError::WrongLineCount {
                format: MrzFormat::Td1,
                found: 2,
                expected: 3
            })
        );
        let passport_with_three_lines = format!("P{}\n{}\n{}", "<".repeat(43), "1".repeat(44), "1".repeat(44));
        assert_eq!(
            format_of(&passport_with_three_lines),
            Err(MrzError::WrongLineCount {
                format: MrzFormat::Td3,
                found: 3,
                expected: 2
            })
        );
        assert_eq!(
            format_of(&"X".repeat(5000)),
            Err(MrzError::TooLong { max: MAX_INPUT_CHARS })
        );
    }
}
