//! OCR-error repair guided by check digits.
//!
//! OCR engines confuse a handful of glyph pairs: `O`/`0`, `I`/`1`, `L`/`1`,
//! `B`/`8`, `S`/`5`, `Z`/`2`, `G`/`6`. The MRZ says which kind of character
//! each position may hold, and its check digits say whether a reading is
//! consistent, so most such errors can be undone with evidence:
//!
//! - In a position that may only hold digits (dates, check digits), one of
//!   those letters is certainly wrong; its digit is *proposed*.
//! - In a position that may hold both (document numbers, optional data),
//!   either reading is possible; the swap is *considered*.
//! - A proposal or swap is applied only if the check digit over the field
//!   fails as read and passes after the change. Among passing repairs the
//!   one with the fewest considered swaps wins; if two different repairs
//!   pass with the same number of swaps, nothing is applied (ambiguous).
//! - Letter-only fields without a check digit (names, country codes,
//!   document code) cannot contain digits at all; a digit from the table is
//!   replaced by its letter on that evidence alone, and reported with basis
//!   `alphabet`, so a caller can weigh it accordingly.
//!
//! Every change is reported with its position; nothing is repaired silently.

use crate::check_digit;
use crate::input::Grid;
use crate::layout::{CharClass, Field, Pos};
use serde::Serialize;

/// At most this many optional swaps are tried per check digit: real OCR
/// errors are few per field, while more swaps would let almost any
/// misreading "pass" a 1-in-10 check by chance.
const MAX_SWAPS: usize = 2;

/// Only this many swappable positions are considered per check, which caps
/// the search at a few hundred evaluations.
const MAX_SWAPPABLE_POSITIONS: usize = 32;

/// The digit an OCR engine most likely misread as this letter.
pub fn digit_for_letter(c: char) -> Option<char> {
    match c {
        'O' => Some('0'),
        'I' | 'L' => Some('1'),
        'B' => Some('8'),
        'S' => Some('5'),
        'Z' => Some('2'),
        'G' => Some('6'),
        _ => None,
    }
}

/// The letter an OCR engine most likely misread as this digit.
pub fn letter_for_digit(c: char) -> Option<char> {
    match c {
        '0' => Some('O'),
        '1' => Some('I'),
        '8' => Some('B'),
        '5' => Some('S'),
        '2' => Some('Z'),
        '6' => Some('G'),
        _ => None,
    }
}

/// What justified a repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepairBasis {
    /// A check digit failed as read and passes after the repair.
    CheckDigit,
    /// The field may only hold letters, and a digit was found.
    Alphabet,
}

/// One character changed by repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    /// One-based line number.
    pub line: usize,
    /// One-based column.
    pub column: usize,
    /// The field holding the character.
    pub field: Field,
    /// The character as read.
    pub from: char,
    /// The character after repair.
    pub to: char,
    /// Why the change was made.
    pub basis: RepairBasis,
    /// The check digit that confirmed it, for basis `check_digit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified_by: Option<Field>,
}

/// The characters one check digit covers, and where the digit is.
#[derive(Debug, Clone)]
pub(crate) struct CheckedRun {
    pub covers: Vec<Pos>,
    pub digit: Pos,
}

/// What the search concluded for one check.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The check passes as read; nothing to do.
    Passes,
    /// These substitutions make it pass.
    Repaired(Vec<(Pos, char)>),
    /// Several different repairs would make it pass; none is applied.
    Ambiguous,
    /// No repair within the limits makes it pass.
    Unrepairable,
}

pub(crate) fn char_at(grid: &Grid, pos: Pos) -> Option<char> {
    grid.get(pos.line)?.get(pos.column).copied()
}

/// The check digit expected over `run.covers` as read (with `changes`
/// applied), and the digit found; `None` where a character is outside the
/// MRZ alphabet or the digit position holds no digit.
fn evaluate(grid: &Grid, run: &CheckedRun, changes: &[(Pos, char)]) -> Option<(u8, u8)> {
    let at = |pos: Pos| {
        changes
            .iter()
            .find(|(p, _)| *p == pos)
            .map(|(_, c)| *c)
            .or_else(|| char_at(grid, pos))
    };
    let covered: Option<Vec<char>> = run.covers.iter().map(|p| at(*p)).collect();
    let expected = check_digit::compute(covered?)?;
    let found = u8::try_from(at(run.digit)?.to_digit(10)?).ok()?;
    Some((expected, found))
}

/// Whether the check passes with `changes` applied.
pub(crate) fn passes(grid: &Grid, run: &CheckedRun, changes: &[(Pos, char)]) -> bool {
    matches!(evaluate(grid, run, changes), Some((expected, found)) if expected == found)
}

/// Looks for the smallest repair that makes `run` pass. `class_of` tells
/// what each position may hold; positions in `frozen` (already confirmed
/// by another check digit) are never touched.
pub(crate) fn search(grid: &Grid, run: &CheckedRun, class_of: impl Fn(Pos) -> CharClass, frozen: &[Pos]) -> Outcome {
    let mut forced = Vec::new();
    let mut swappable = Vec::new();
    let positions = run.covers.iter().chain(std::iter::once(&run.digit));
    for &pos in positions.filter(|p| !frozen.contains(p)) {
        let Some(c) = char_at(grid, pos) else { continue };
        let class = if pos == run.digit {
            CharClass::Numeric
        } else {
            class_of(pos)
        };
        match class {
            CharClass::Numeric => forced.extend(digit_for_letter(c).map(|d| (pos, d))),
            CharClass::Alpha => forced.extend(letter_for_digit(c).map(|l| (pos, l))),
            CharClass::AlphaNumeric => {
                swappable.extend(digit_for_letter(c).or_else(|| letter_for_digit(c)).map(|s| (pos, s)))
            }
            CharClass::Sex => {}
        }
    }
    if forced.is_empty() && passes(grid, run, &[]) {
        return Outcome::Passes;
    }
    swappable.truncate(MAX_SWAPPABLE_POSITIONS);
    for swaps in 0..=MAX_SWAPS.min(swappable.len()) {
        let mut found: Option<Vec<(Pos, char)>> = None;
        let mut ambiguous = false;
        for_each_subset(swappable.len(), swaps, &mut |chosen| {
            let mut changes = forced.clone();
            changes.extend(chosen.iter().filter_map(|i| swappable.get(*i).copied()));
            if passes(grid, run, &changes) {
                if found.is_some() {
                    ambiguous = true;
                } else {
                    found = Some(changes);
                }
            }
        });
        if ambiguous {
            return Outcome::Ambiguous;
        }
        if let Some(changes) = found {
            return Outcome::Repaired(changes);
        }
    }
    Outcome::Unrepairable
}

/// Calls `visit` with every `size`-element subset of `0..count`, as sorted
/// indices.
fn for_each_subset(count: usize, size: usize, visit: &mut impl FnMut(&[usize])) {
    fn recurse(start: usize, count: usize, size: usize, chosen: &mut Vec<usize>, visit: &mut impl FnMut(&[usize])) {
        if chosen.len() == size {
            visit(chosen);
            return;
        }
        for index in start..count {
            chosen.push(index);
            recurse(index + 1, count, size, chosen, visit);
            chosen.pop();
        }
    }
    recurse(0, count, size, &mut Vec::with_capacity(size), visit);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(line: &str) -> Grid {
        vec![line.chars().collect()]
    }

    fn run(len: usize) -> CheckedRun {
        CheckedRun {
            covers: (0..len).map(|column| Pos { line: 0, column }).collect(),
            digit: Pos { line: 0, column: len },
        }
    }

    fn at(column: usize) -> Pos {
        Pos { line: 0, column }
    }

    #[test]
    fn confusion_tables_are_inverse_where_both_exist() {
        for letter in 'A'..='Z' {
            if let Some(digit) = digit_for_letter(letter) {
                if letter != 'L' {
                    assert_eq!(letter_for_digit(digit), Some(letter));
                }
            }
        }
    }

    #[test]
    fn letters_in_a_date_are_repaired_when_the_check_digit_then_passes() {
        // 740812 has check digit 2; OCR read "74O8I2" and "Z".
        let outcome = search(&grid("74O8I2Z"), &run(6), |_| CharClass::Numeric, &[]);
        assert_eq!(
            outcome,
            Outcome::Repaired(vec![(at(2), '0'), (at(4), '1'), (at(6), '2')])
        );
    }

    #[test]
    fn letters_in_a_date_stay_when_the_check_digit_still_fails() {
        let outcome = search(&grid("74O8I27"), &run(6), |_| CharClass::Numeric, &[]);
        assert_eq!(outcome, Outcome::Unrepairable);
    }

    #[test]
    fn a_passing_field_is_left_alone() {
        assert_eq!(
            search(&grid("L898902C36"), &run(9), |_| CharClass::AlphaNumeric, &[]),
            Outcome::Passes
        );
    }

    #[test]
    fn a_swap_in_a_document_number_is_applied_when_it_is_the_only_one() {
        // L898902C3 (check 6) read with its 0 as O. Of the single swaps
        // considered (L→1, 8→B, 8→B, O→0, 2→Z), only O→0 passes.
        let outcome = search(&grid("L8989O2C36"), &run(9), |_| CharClass::AlphaNumeric, &[]);
        assert_eq!(outcome, Outcome::Repaired(vec![(at(5), '0')]));
    }

    #[test]
    fn two_equally_small_repairs_are_ambiguous_and_neither_is_applied() {
        // Positions 0 and 3 both weigh 7, so turning either `O` of "O00O000"
        // into `0` gives the same sum: two different one-swap repairs pass.
        let digit = crate::check_digit::compute_char("000O000").unwrap();
        let text = format!("O00O000{digit}");
        let outcome = search(&grid(&text), &run(7), |_| CharClass::AlphaNumeric, &[]);
        assert_eq!(outcome, Outcome::Ambiguous);
    }

    #[test]
    fn frozen_positions_are_never_changed() {
        let outcome = search(&grid("74O8I2Z"), &run(6), |_| CharClass::Numeric, &[at(2)]);
        assert_eq!(outcome, Outcome::Unrepairable);
    }

    #[test]
    fn subsets_are_enumerated_exactly_once() {
        let mut seen = Vec::new();
        for_each_subset(5, 2, &mut |s| seen.push(s.to_vec()));
        assert_eq!(seen.len(), 10);
        seen.dedup();
        assert_eq!(seen.len(), 10);
    }
}
