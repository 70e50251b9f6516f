//! Choosing the MRZ text among the candidates with the check digits.
//!
//! The top-1 text is parsed first (with `openkyc-mrz`, its own look-alike
//! repair off: the candidates carry better evidence than a fixed confusion
//! table) to learn the format. The layout then rules out symbols: where the
//! top-1 symbol cannot stand at its position (a digit in a name or a country
//! code, a letter in a date or a check digit; `MrzFormat::allows`), the
//! best-scoring candidate that can takes its place. If that parse is not
//! acceptable (a check digit fails, a field is malformed, or a country code
//! is not one ICAO lists: no check digit covers those), alternatives the
//! layout allows are tried (only in the country codes when every check
//! digit already passes): the positions are ranked by margin (current
//! symbol's score minus the alternative's), the [`MAX_POSITIONS`] least
//! certain alternatives within [`MAX_DROP`] are kept, and every combination
//! of up to [`MAX_SWAPS`] of them is parsed. Among the acceptable parses the one
//! with the smallest total score drop wins (the highest total score). With
//! no acceptable parse the layout-fitted reading is returned as parsed
//! (`valid == false` when a check fails, so nothing invalid is ever passed
//! off as checked; an unknown country stays a warning of the report).
//! [`Reading::swaps`] lists every character that differs from the top-1
//! reading, for whichever reason.
//!
//! Each character then gets a confidence: its classification margin,
//! raised where check digits that pass without the search's help cover it
//! (a single wrong character would have broken them; see
//! [`Reading::confidence`] and the formula on `combine`). The check-digit
//! layout comes from [`MrzReport::check_coverage`].

use crate::line::LineCandidates;
use openkyc_mrz::{parse, MrzReport, ParseOptions};

/// Alternatives considered in the search (lowest-margin first).
pub const MAX_POSITIONS: usize = 14;
/// Alternatives swapped in at once: more would let a misreading pass the
/// 1-in-10 check digits by chance.
pub const MAX_SWAPS: usize = 3;
/// An alternative scoring more than this below the top-1 is not considered.
pub const MAX_DROP: f32 = 0.3;

/// One character replaced by a lower-ranked candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Swap {
    /// Line index.
    pub line: usize,
    /// Column index.
    pub column: usize,
    /// The top-1 symbol.
    pub from: char,
    /// The symbol chosen.
    pub to: char,
    /// Score drop (top-1 score minus the chosen candidate's).
    pub drop: f32,
}

/// The chosen reading.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The parse of the chosen text (its `valid`, `checks`, fields).
    pub report: MrzReport,
    /// The chosen lines.
    pub lines: Vec<String>,
    /// Characters that differ from the reader's first choice: replaced to
    /// fit the layout or to make the check digits pass.
    pub swaps: Vec<Swap>,
    /// Per line and character, a confidence in 0..1: the chosen symbol's
    /// correlation margin over the best other candidate its position allows
    /// (a margin of [`MARGIN_SCALE`] or more counts as certain; a candidate
    /// the search swapped in gets 0), raised where passing check digits that the search did not
    /// fit cover the character: `1 − (1 − margin)·Π p_j`, with `p_j` the
    /// chance that digit `j` would pass anyway, i.e. that another character
    /// of its run is wrong in a way that cancels (see the module docs). Names
    /// (no check digit) keep the margin. A heuristic for ranking and
    /// review, not a probability.
    pub confidence: Vec<Vec<f32>>,
    /// Sum of the chosen candidates' scores.
    pub total_score: f32,
}

impl Reading {
    /// The lowest per-character confidence: what a caller should threshold
    /// before trusting a reading without review (the name line carries no
    /// check digit, and a check digit passes by chance once in ten).
    pub fn min_confidence(&self) -> f32 {
        self.confidence.iter().flatten().copied().fold(1.0f32, f32::min)
    }
}

/// Chooses the text for the lines of one MRZ. `None` when the lines do not
/// have the shape of any MRZ format.
pub fn choose(lines: &[LineCandidates], reference_date: chrono::NaiveDate) -> Option<Reading> {
    let options = ParseOptions {
        reference_date,
        repair: false,
    };
    let top: Vec<Vec<char>> = lines
        .iter()
        .map(|l| l.positions.iter().map(|p| p[0].ch).collect())
        .collect();
    let text_of = |grid: &[Vec<char>]| -> String {
        grid.iter()
            .map(|l| l.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let format = parse(&text_of(&top), &options).ok()?.format;
    // The layout first: a symbol the position cannot hold (a digit in a
    // name, a letter in a date) gives way to the best candidate it can.
    let fitted = fit_to_layout(lines, &top, format);
    let first = parse(&text_of(&fitted), &options).ok()?;
    let mut best: (f32, Vec<Swap>, MrzReport) = (0.0, Vec::new(), first);
    if !acceptable(&best.2) {
        // When only a country code is wrong (every check digit passes), only
        // the codes' own characters may change: a swap elsewhere would break
        // a check digit or alter a name to pass off a misread code.
        let countries_only = best.2.valid;
        let country_ranges: Vec<openkyc_mrz::CharRange> = format
            .field_ranges()
            .into_iter()
            .filter(|(f, _)| matches!(f, openkyc_mrz::Field::IssuingState | openkyc_mrz::Field::Nationality))
            .map(|(_, r)| r)
            .collect();
        let in_country = |li: usize, ci: usize| country_ranges.iter().any(|r| r.line == li && r.columns.contains(&ci));
        // Candidate alternatives the layout allows, least certain first.
        let mut alts: Vec<Swap> = Vec::new();
        for (li, l) in lines.iter().enumerate() {
            for (ci, p) in l.positions.iter().enumerate() {
                if countries_only && !in_country(li, ci) {
                    continue;
                }
                let Some(&current) = fitted.get(li).and_then(|row| row.get(ci)) else {
                    continue;
                };
                let current_score = score_of(lines, li, ci, current);
                for alt in p.iter().filter(|a| a.ch != current && format.allows(li, ci, a.ch)) {
                    let drop = current_score - alt.score;
                    if drop <= MAX_DROP {
                        alts.push(Swap {
                            line: li,
                            column: ci,
                            from: current,
                            to: alt.ch,
                            drop,
                        });
                    }
                }
            }
        }
        alts.sort_by(|a, b| a.drop.total_cmp(&b.drop));
        alts.truncate(MAX_POSITIONS);
        let mut found: Option<(f32, Vec<Swap>, MrzReport)> = None;
        let mut chosen: Vec<usize> = Vec::new();
        search(&alts, 0, &mut chosen, &mut |set: &[usize]| {
            // Two alternatives for one position cannot both apply.
            let mut grid = fitted.clone();
            let mut drop = 0.0;
            for &i in set {
                let Some(s) = alts.get(i) else { return };
                for &j in set {
                    if j < i && alts.get(j).is_some_and(|o| o.line == s.line && o.column == s.column) {
                        return;
                    }
                }
                if let Some(c) = grid.get_mut(s.line).and_then(|l| l.get_mut(s.column)) {
                    *c = s.to;
                }
                drop += s.drop;
            }
            if found.as_ref().is_some_and(|f| f.0 <= drop) {
                return;
            }
            if let Ok(report) = parse(&text_of(&grid), &options) {
                if acceptable(&report) {
                    let swaps = set.iter().filter_map(|&i| alts.get(i).copied()).collect();
                    found = Some((drop, swaps, report));
                }
            }
        });
        if let Some(f) = found {
            best = f;
        }
    }
    let (_, searched, report) = best;
    let mut chosen_lines = fitted;
    for s in &searched {
        if let Some(c) = chosen_lines.get_mut(s.line).and_then(|l| l.get_mut(s.column)) {
            *c = s.to;
        }
    }
    let swaps = changes(lines, &top, &chosen_lines);
    let mut total_score = 0.0;
    let classifier: Vec<Vec<(f32, Option<char>)>> = chosen_lines
        .iter()
        .zip(lines)
        .enumerate()
        .map(|(li, (chars, l))| {
            chars
                .iter()
                .zip(&l.positions)
                .enumerate()
                .map(|(ci, (&c, p))| {
                    let own = p.iter().find(|x| x.ch == c).map_or(0.0, |x| x.score);
                    // Only a symbol the position may hold is a rival.
                    let rival = p
                        .iter()
                        .filter(|x| x.ch != c && report.format.allows(li, ci, x.ch))
                        .max_by(|a, b| a.score.total_cmp(&b.score));
                    let other = rival.map_or(-1.0, |x| x.score);
                    total_score += own;
                    let margin = ((own - other) / MARGIN_SCALE).clamp(0.0, 1.0);
                    (margin, rival.map(|x| x.ch))
                })
                .collect()
        })
        .collect();
    let confidence = combine(&classifier, &chosen_lines, &searched, &report);
    Some(Reading {
        lines: chosen_lines.iter().map(|l| l.iter().collect()).collect(),
        report,
        swaps,
        confidence,
        total_score,
    })
}

/// A reading the search may stop at: every check digit passes, every field
/// is well formed, and the country codes are ones ICAO lists (no check digit
/// covers them, so an unknown code is most likely a misread letter).
fn acceptable(report: &MrzReport) -> bool {
    report.valid
        && !report
            .warnings
            .iter()
            .any(|w| w.code == openkyc_mrz::codes::warning::UNKNOWN_COUNTRY)
}

/// `top` with every symbol the layout does not allow at its position
/// replaced by the best-scoring candidate it allows (left as read when none
/// of the candidates fits).
fn fit_to_layout(lines: &[LineCandidates], top: &[Vec<char>], format: openkyc_mrz::MrzFormat) -> Vec<Vec<char>> {
    top.iter()
        .zip(lines)
        .enumerate()
        .map(|(li, (chars, l))| {
            chars
                .iter()
                .zip(&l.positions)
                .enumerate()
                .map(|(ci, (&c, p))| {
                    if format.allows(li, ci, c) {
                        return c;
                    }
                    p.iter()
                        .filter(|x| format.allows(li, ci, x.ch))
                        .max_by(|a, b| a.score.total_cmp(&b.score))
                        .map_or(c, |x| x.ch)
                })
                .collect()
        })
        .collect()
}

/// The score of candidate `ch` at line `li`, column `ci` (−1 when it is
/// not among the candidates there).
fn score_of(lines: &[LineCandidates], li: usize, ci: usize, ch: char) -> f32 {
    lines
        .get(li)
        .and_then(|l| l.positions.get(ci))
        .and_then(|p| p.iter().find(|x| x.ch == ch))
        .map_or(-1.0, |x| x.score)
}

/// Every position where `chosen` differs from the reader's first choice.
fn changes(lines: &[LineCandidates], top: &[Vec<char>], chosen: &[Vec<char>]) -> Vec<Swap> {
    let mut out = Vec::new();
    for (li, (first, last)) in top.iter().zip(chosen).enumerate() {
        for (ci, (&from, &to)) in first.iter().zip(last).enumerate() {
            if from == to {
                continue;
            }
            out.push(Swap {
                line: li,
                column: ci,
                from,
                to,
                drop: score_of(lines, li, ci, from) - score_of(lines, li, ci, to),
            });
        }
    }
    out
}

/// A classification margin (top-1 score minus the best other candidate's)
/// of this much or more counts as certain.
pub const MARGIN_SCALE: f32 = 0.1;
/// The chance that an error whose rival substitution does not cancel
/// another one still does (a lower-ranked candidate, or a third error):
/// any value modulo 10, one time in ten.
pub const CHANCE_MATCH: f32 = 0.1;
/// Per-character confidence from (a) the classification margin and (b) the
/// passing check digits that cover the character.
///
/// `c` is the margin confidence: `(own − rival) / MARGIN_SCALE`, clamped to
/// 0..1, where the rival is the best other candidate the layout allows at
/// the position (0 for a candidate the search swapped in: the image
/// preferred another symbol). `1 − c` is read as the
/// chance the character is wrong (is its rival) judged by the image alone.
///
/// A passing check digit rules out a *single* wrong character in its run
/// (the covered characters with weights 7, 3, 1, and the digit itself,
/// weight −1): the weights are prime to 10, so replacing a character by its
/// rival moves the sum by `w·Δ` with `Δ` the difference of their values
/// (`0`–`9`, `A`–`Z` = 10–35, `<` = 0), which is 0 modulo 10 only when
/// `Δ` is (`0`/`<`/`A`, `1`/`B`, …): then no digit can tell them apart and
/// the character keeps `c`. Otherwise it can be wrong under a passing digit
/// `j` only if another character `m` of the run is wrong too and cancels
/// it. OCR errors are correlated (the same `O`-for-`0` twice, at weights 7
/// and 3, cancels exactly), so where `m`'s rival cancels exactly
/// (`w_i·Δ_i + w_m·Δ_m ≡ 0`) the chance is `1 − c_m`; any other error at `m`
/// (a lower candidate, a third error) matches one time in ten
/// ([`CHANCE_MATCH`]). The digit is fooled with
///
/// `p_j = 1 − Π_m (cancels ? c_m : 1 − (1 − c_m)·CHANCE_MATCH)`
///
/// and with several such digits (a field digit and the composite) all must
/// be fooled:
///
/// `confidence_i = 1 − (1 − c_i) · Π_j p_j`
///
/// Only digits that pass and that the candidate search did not fit count
/// (a digit made to pass by a swap inside its run is selection, not
/// independent evidence), so a swapped-in character keeps 0. Characters no
/// such digit covers (names) keep `c`. A heuristic for thresholding, not a
/// calibrated probability.
fn combine(
    classifier: &[Vec<(f32, Option<char>)>],
    chosen: &[Vec<char>],
    swaps: &[Swap],
    report: &MrzReport,
) -> Vec<Vec<f32>> {
    let coverage = report.check_coverage();
    // Check digits that pass on their own merit.
    let vouching: Vec<_> = coverage
        .iter()
        .zip(&report.checks)
        .filter(|(cover, result)| result.ok && !swaps.iter().any(|s| cover.contains(s.line, s.column)))
        .map(|(cover, _)| cover)
        .collect();
    let margin_at = |line: usize, column: usize| {
        classifier
            .get(line)
            .and_then(|row| row.get(column))
            .map_or(0.0, |&(c, _)| c)
    };
    // Each vouching digit's run with each character's weight modulo 10:
    // 7, 3, 1 over the covered characters, and −1 (9) for the digit itself
    // (the weighted sum minus the digit is 0 modulo 10).
    let runs: Vec<Vec<((usize, usize), u32)>> = vouching
        .iter()
        .map(|v| {
            v.covers
                .iter()
                .flat_map(|r| r.columns.clone().map(move |column| (r.line, column)))
                .zip([7, 3, 1].into_iter().cycle())
                .chain(std::iter::once((v.digit, 9)))
                .collect()
        })
        .collect();
    // How much the weighted sum moves (modulo 10, per unit weight) when the
    // character at a position is replaced by its rival.
    let shift_at = |line: usize, column: usize| -> Option<u32> {
        let (_, rival) = classifier.get(line)?.get(column)?;
        let own = value_mod_10(*chosen.get(line)?.get(column)?)?;
        Some((value_mod_10((*rival)?)? + 10 - own) % 10)
    };
    classifier
        .iter()
        .enumerate()
        .map(|(li, row)| {
            row.iter()
                .enumerate()
                .map(|(ci, &(c, _))| {
                    let Some(shift) = shift_at(li, ci).filter(|&d| d != 0) else {
                        // No rival, or one the check digits cannot tell apart.
                        return c;
                    };
                    let fooled: f32 = runs
                        .iter()
                        .filter_map(|run| {
                            let weight = run.iter().find(|(pos, _)| *pos == (li, ci))?.1;
                            let all_right: f32 = run
                                .iter()
                                .filter(|(pos, _)| *pos != (li, ci))
                                .map(|&((l, col), w)| {
                                    let cm = margin_at(l, col);
                                    let cancels = shift_at(l, col).is_some_and(|d| (weight * shift + w * d) % 10 == 0);
                                    if cancels {
                                        cm
                                    } else {
                                        1.0 - (1.0 - cm) * CHANCE_MATCH
                                    }
                                })
                                .product();
                            Some(1.0 - all_right)
                        })
                        .product();
                    1.0 - (1.0 - c) * fooled
                })
                .collect()
        })
        .collect()
}

/// The ICAO check-digit value of a character modulo 10 (`None` outside the
/// MRZ alphabet, which no check digit can vouch for).
fn value_mod_10(c: char) -> Option<u32> {
    openkyc_mrz::check_digit::char_value(c).map(|v| v % 10)
}

/// Calls `visit` with every subset of `0..alts.len()` of 1..=MAX_SWAPS
/// elements (in increasing index order).
fn search<T>(alts: &[T], from: usize, chosen: &mut Vec<usize>, visit: &mut dyn FnMut(&[usize])) {
    for i in from..alts.len() {
        chosen.push(i);
        visit(chosen);
        if chosen.len() < MAX_SWAPS {
            search(alts, i + 1, chosen, visit);
        }
        chosen.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line::Candidate;

    fn cands(text: &str) -> LineCandidates {
        LineCandidates {
            positions: text
                .chars()
                .map(|c| {
                    [
                        Candidate { ch: c, score: 0.9 },
                        Candidate { ch: '<', score: 0.2 },
                        Candidate { ch: 'X', score: 0.1 },
                    ]
                })
                .collect(),
            mean_score: 0.9,
            pitch: 10.0,
            cap_height: 12.0,
            skew_degrees: 0.0,
        }
    }

    fn date() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()
    }

    const L1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const L2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn valid_top1_is_kept() {
        let r = choose(&[cands(L1), cands(L2)], date()).unwrap();
        assert!(r.report.valid);
        assert!(r.swaps.is_empty());
        assert_eq!(r.lines, vec![L1.to_string(), L2.to_string()]);
        assert!(r.confidence.iter().flatten().all(|&c| c > 0.8));
    }

    #[test]
    fn check_digits_pick_the_second_candidate() {
        let mut l2 = cands(L2);
        // Position 3 ('8') read as 'B' with '8' a close second.
        l2.positions[3] = [
            Candidate { ch: 'B', score: 0.80 },
            Candidate { ch: '8', score: 0.78 },
            Candidate { ch: '3', score: 0.5 },
        ];
        // Birth date digit '1' read as '7' with '1' second.
        l2.positions[17] = [
            Candidate { ch: '7', score: 0.70 },
            Candidate { ch: '1', score: 0.66 },
            Candidate { ch: 'T', score: 0.5 },
        ];
        let r = choose(&[cands(L1), l2], date()).unwrap();
        assert!(r.report.valid, "{:?} {:?} {:?}", r.lines, r.swaps, r.report.errors);
        assert_eq!(r.lines[1], L2);
        assert_eq!(r.swaps.len(), 2);
        assert!(r.confidence[1][3] < 0.5);
    }

    #[test]
    fn the_layout_turns_digits_in_names_and_codes_into_letters_beyond_the_swap_budget() {
        // ERIKSSON read as ERIK550N and UTO as UT0 (five look-alikes, more
        // than MAX_SWAPS), each with the letter second; no check digit covers
        // the names, so only the layout can fix them.
        let mut l1 = cands(L1);
        let mut l2 = cands(L2);
        for (column, read, truth) in [(9usize, '5', 'S'), (10, '5', 'S'), (11, '0', 'O'), (4, '0', 'O')] {
            l1.positions[column] = [
                Candidate { ch: read, score: 0.8 },
                Candidate { ch: truth, score: 0.7 },
                Candidate { ch: '<', score: 0.1 },
            ];
        }
        l2.positions[12] = [
            Candidate { ch: '0', score: 0.8 },
            Candidate { ch: 'O', score: 0.75 },
            Candidate { ch: 'Q', score: 0.6 },
        ];
        let r = choose(&[l1, l2], date()).unwrap();
        assert!(r.report.valid, "{:?} {:?}", r.lines, r.report.errors);
        assert_eq!(r.lines, vec![L1.to_string(), L2.to_string()]);
        assert_eq!(r.swaps.len(), 5);
        // The rival of a fitted letter is the next letter, not the digit.
        assert!(r.confidence[1][12] > 0.9, "{}", r.confidence[1][12]);
    }

    #[test]
    fn an_unknown_country_code_sends_the_search_to_a_known_one() {
        // UTO read as JTO: every check digit passes (none covers the
        // issuing state), but JTO is no ICAO code and U is the second choice.
        let mut l1 = cands(L1);
        l1.positions[2] = [
            Candidate { ch: 'J', score: 0.8 },
            Candidate { ch: 'U', score: 0.72 },
            Candidate { ch: '<', score: 0.1 },
        ];
        let r = choose(&[l1, cands(L2)], date()).unwrap();
        assert_eq!(r.lines[0], L1);
        assert_eq!(r.report.fields.issuing_state, "UTO");
        assert_eq!(r.swaps.len(), 1);
    }

    #[test]
    fn unrepairable_reading_stays_invalid() {
        let mut l2 = cands(L2);
        l2.positions[0] = [
            Candidate { ch: '7', score: 0.9 },
            Candidate { ch: '<', score: 0.1 },
            Candidate { ch: 'X', score: 0.0 },
        ];
        // Document number check fails, and no close alternative exists.
        let r = choose(&[cands(L1), l2], date()).unwrap();
        assert!(!r.report.valid);
        assert!(r.swaps.is_empty());
    }

    fn uncertain(top: char, rival: char) -> [Candidate; 3] {
        [
            Candidate { ch: top, score: 0.80 },
            Candidate { ch: rival, score: 0.78 },
            Candidate { ch: 'X', score: 0.1 },
        ]
    }

    #[test]
    fn a_passing_check_digit_raises_confidence_names_keep_the_margin() {
        let mut l1 = cands(L1);
        let mut l2 = cands(L2);
        // Margin 0.02: 0.2 from the image alone.
        l1.positions[10] = uncertain('S', 'Z');
        l2.positions[0] = uncertain('L', 'P');
        let r = choose(&[l1, l2], date()).unwrap();
        assert!(r.report.valid && r.swaps.is_empty());
        // A name character: no check digit, the margin stands.
        assert!((r.confidence[0][10] - 0.2).abs() < 1e-4, "{}", r.confidence[0][10]);
        // The document number and composite digits both pass and would
        // both break if `L` were `P`.
        assert!(r.confidence[1][0] > 0.95, "{}", r.confidence[1][0]);
    }

    #[test]
    fn errors_that_would_cancel_keep_confidence_low() {
        // `L`→`P` and `8`→`C` both add 4; at weights 7 and 3 they cancel
        // (28 + 12 = 40), so the check digits cannot vouch for either.
        let mut l2 = cands(L2);
        l2.positions[0] = uncertain('L', 'P');
        l2.positions[1] = uncertain('8', 'C');
        let r = choose(&[cands(L1), l2], date()).unwrap();
        assert!(r.report.valid);
        assert!(r.confidence[1][0] < 0.5, "{}", r.confidence[1][0]);
        // `8`→`D` adds 5: 28 + 15 does not cancel, so each needs a third,
        // chance error and the digits vouch for both.
        let mut l2 = cands(L2);
        l2.positions[0] = uncertain('L', 'P');
        l2.positions[1] = uncertain('8', 'D');
        let r = choose(&[cands(L1), l2], date()).unwrap();
        assert!(r.confidence[1][0] > 0.9, "{}", r.confidence[1][0]);
        assert!(r.confidence[1][1] > 0.9, "{}", r.confidence[1][1]);
    }

    #[test]
    fn look_alikes_of_equal_value_get_no_credit() {
        // `0` and `<` both count 0: no check digit can tell them apart.
        let mut l2 = cands(L2);
        l2.positions[5] = uncertain('0', '<');
        let r = choose(&[cands(L1), l2], date()).unwrap();
        assert!((r.confidence[1][5] - 0.2).abs() < 1e-4, "{}", r.confidence[1][5]);
    }

    #[test]
    fn swapped_characters_keep_zero() {
        let mut l2 = cands(L2);
        l2.positions[3] = uncertain('B', '8');
        let r = choose(&[cands(L1), l2], date()).unwrap();
        assert_eq!(r.lines[1], L2);
        assert_eq!(r.swaps.len(), 1);
        assert_eq!(r.confidence[1][3], 0.0);
    }

    #[test]
    fn wrong_shape_is_none() {
        assert!(choose(&[cands("ABC")], date()).is_none());
    }
}
