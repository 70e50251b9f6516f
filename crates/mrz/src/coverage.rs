//! Which characters each check digit vouches for, so that a reader (OCR)
//! can tell how much the passing check digits say about each character.
//!
//! Derived from the same layout tables the parser uses, so the two cannot
//! disagree.

use crate::input::Grid;
use crate::layout::{Field, MrzFormat};
use crate::parse::{allowed, find_long_number};
use crate::report::MrzReport;
use std::ops::Range;

/// A run of characters on one line: `columns` of line `line` (zero-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharRange {
    /// Line index.
    pub line: usize,
    /// Column range within the line.
    pub columns: Range<usize>,
}

/// One check digit: where it is and what it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckCoverage {
    /// The field the digit protects (`Composite` for the composite digit);
    /// the same order and fields as [`MrzReport::checks`].
    pub field: Field,
    /// Line and column of the check digit itself.
    pub digit: (usize, usize),
    /// The characters the digit is computed over, in order of weighting
    /// ranges (a range may be a single character for a TD1/TD2 document
    /// number continuation).
    pub covers: Vec<CharRange>,
}

impl CheckCoverage {
    /// Whether the check digit is computed over, or is itself, the character
    /// at `line`, `column`.
    pub fn contains(&self, line: usize, column: usize) -> bool {
        self.digit == (line, column)
            || self
                .covers
                .iter()
                .any(|r| r.line == line && r.columns.contains(&column))
    }
}

impl MrzFormat {
    /// Where each data field of this format sits, one entry per run of
    /// characters (a field may span several runs), in layout order. Check
    /// digits are not listed; see [`MrzFormat::check_coverage`].
    pub fn field_ranges(self) -> Vec<(Field, CharRange)> {
        self.layout()
            .fields
            .iter()
            .map(|f| {
                (
                    f.field,
                    CharRange {
                        line: f.span.line,
                        columns: f.span.start..f.span.start + f.span.len,
                    },
                )
            })
            .collect()
    }

    /// Whether `c` may stand at `line`, `column` in this format: letters
    /// (and the filler) in names and codes, digits (and the filler) in dates
    /// and check digits, `M`/`F`/`X`/`<` for sex, any MRZ symbol in document
    /// numbers and optional data. A reader uses it to prefer, among its
    /// candidates for a position, one the layout allows (an `O` read as `0`
    /// in a name). Outside the format's shape: `false`.
    pub fn allows(self, line: usize, column: usize, c: char) -> bool {
        let (lines, width) = self.shape();
        if line >= lines || column >= width {
            return false;
        }
        let class = self
            .layout()
            .fields
            .iter()
            .find(|f| f.span.line == line && (f.span.start..f.span.start + f.span.len).contains(&column))
            .map_or(crate::layout::CharClass::Numeric, |f| f.class);
        allowed(class, c)
    }

    /// The check digits of this format in the ICAO layout, in evaluation
    /// order (field digits, then the composite). A TD1/TD2 document number
    /// that overflows into the optional data moves its check digit; use
    /// [`MrzReport::check_coverage`] to account for that.
    pub fn check_coverage(self) -> Vec<CheckCoverage> {
        self.layout()
            .checks
            .iter()
            .map(|c| CheckCoverage {
                field: c.field,
                digit: (c.digit.line, c.digit.start),
                covers: c
                    .covers
                    .iter()
                    .map(|s| CharRange {
                        line: s.line,
                        columns: s.start..s.start + s.len,
                    })
                    .collect(),
            })
            .collect()
    }
}

impl MrzReport {
    /// The check digits of this reading, index for index with
    /// [`MrzReport::checks`] (so `checks[i].ok` says whether
    /// `check_coverage()[i]` passed). Like the parser, a TD1/TD2 document
    /// number that overflows into the optional data (ICAO 9303-11 D.2) is
    /// covered over its full length and its check digit is the one after
    /// the continuation. (When an issuer's variant that also counts the
    /// filler is what passed, the filler is not listed: it carries no data.)
    pub fn check_coverage(&self) -> Vec<CheckCoverage> {
        let mut coverage = self.format.check_coverage();
        let grid: Grid = self.lines.iter().map(|l| l.chars().collect()).collect();
        if let Some(long) = find_long_number(self.format.layout(), &grid) {
            for check in coverage.iter_mut().filter(|c| c.field == Field::DocumentNumber) {
                check.covers.extend(long.continuation.iter().map(|p| CharRange {
                    line: p.line,
                    columns: p.column..p.column + 1,
                }));
                check.digit = (long.digit.line, long.digit.column);
            }
        }
        coverage
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, ParseOptions};

    fn options() -> ParseOptions {
        ParseOptions::new(chrono::NaiveDate::from_ymd_opt(2010, 1, 1).unwrap())
    }

    #[test]
    fn td3_coverage_matches_icao_and_the_report() {
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let report = parse(text, &options()).unwrap();
        let coverage = report.check_coverage();
        assert_eq!(coverage, MrzFormat::Td3.check_coverage());
        assert_eq!(coverage.len(), report.checks.len());
        for (c, r) in coverage.iter().zip(&report.checks) {
            assert_eq!(c.field, r.field);
            // The digit found in the report is the character at `digit`.
            let line: Vec<char> = report.lines[c.digit.0].chars().collect();
            assert_eq!(line[c.digit.1], r.found);
        }
        let number = &coverage[0];
        assert_eq!(number.field, Field::DocumentNumber);
        assert_eq!(number.digit, (1, 9));
        assert!(number.contains(1, 0) && number.contains(1, 8) && number.contains(1, 9));
        assert!(!number.contains(1, 10) && !number.contains(0, 0));
        // Names carry no check digit.
        assert!(coverage.iter().all(|c| !c.contains(0, 10)));
    }

    #[test]
    fn td3_field_ranges_follow_icao() {
        let ranges = MrzFormat::Td3.field_ranges();
        let find = |field: Field| ranges.iter().find(|(f, _)| *f == field).map(|(_, r)| r.clone());
        assert_eq!(
            find(Field::Names),
            Some(CharRange {
                line: 0,
                columns: 5..44
            })
        );
        assert_eq!(find(Field::DocumentNumber), Some(CharRange { line: 1, columns: 0..9 }));
        assert_eq!(
            find(Field::BirthDate),
            Some(CharRange {
                line: 1,
                columns: 13..19
            })
        );
        assert_eq!(
            find(Field::ExpiryDate),
            Some(CharRange {
                line: 1,
                columns: 21..27
            })
        );
        let td1 = MrzFormat::Td1.field_ranges();
        assert!(td1.contains(&(
            Field::Names,
            CharRange {
                line: 2,
                columns: 0..30
            }
        )));
    }

    #[test]
    fn positions_allow_what_their_field_holds() {
        let td3 = MrzFormat::Td3;
        assert!(td3.allows(0, 10, 'O') && !td3.allows(0, 10, '0'));
        assert!(td3.allows(1, 13, '7') && !td3.allows(1, 13, 'Z'));
        assert!(td3.allows(1, 0, 'L') && td3.allows(1, 0, '8'));
        assert!(td3.allows(1, 20, 'F') && !td3.allows(1, 20, 'Q'));
        assert!(td3.allows(1, 9, '6') && !td3.allows(1, 9, 'G'));
        assert!(!td3.allows(2, 0, 'A') && !td3.allows(0, 44, 'A'));
        // TD1 nationality is letters, the optional data anything.
        assert!(!MrzFormat::Td1.allows(1, 15, '0') && MrzFormat::Td1.allows(0, 20, '0'));
    }

    #[test]
    fn long_td1_number_moves_its_check_digit() {
        // ICAO 9303-11 D.2: number D23145890734, check digit 9 after it.
        let text = "I<UTOD23145890<7349<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        let report = parse(text, &options()).unwrap();
        let coverage = report.check_coverage();
        let number = coverage.iter().find(|c| c.field == Field::DocumentNumber).unwrap();
        assert_eq!(number.digit, (0, 18));
        assert!(number.contains(0, 15) && number.contains(0, 17));
        assert!(!number.contains(0, 14));
        let static_number = &MrzFormat::Td1.check_coverage()[0];
        assert_eq!(static_number.digit, (0, 14));
        for (c, r) in coverage.iter().zip(&report.checks) {
            let line: Vec<char> = report.lines[c.digit.0].chars().collect();
            assert_eq!(line[c.digit.1], r.found, "{:?}", c.field);
        }
    }
}
