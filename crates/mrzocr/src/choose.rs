//! Choosing the MRZ text among the candidates with the check digits.
//!
//! The top-1 text is parsed first (with `openkyc-mrz`, its own look-alike
//! repair off: the candidates carry better evidence than a fixed confusion
//! table). If the parse is not valid (a check digit fails or a field is
//! malformed), alternatives are tried: the positions are ranked by margin
//! (top-1 score minus the alternative's), the [`MAX_POSITIONS`] least
//! certain alternatives within [`MAX_DROP`] of their top-1 are kept, and
//! every combination of up to [`MAX_SWAPS`] of them is parsed. Among the
//! valid parses the one with the smallest total score drop wins (the
//! highest total score). With no valid parse the top-1 reading is returned
//! with `valid == false`, so nothing invalid is ever passed off as checked.

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
    /// Candidates replaced to make the check digits pass.
    pub swaps: Vec<Swap>,
    /// Per line and character, a confidence in 0..1: the chosen symbol's
    /// correlation margin over the best other candidate, scaled so that a
    /// margin of 0.1 or more counts as certain. A swapped-in
    /// candidate gets 0 (the image preferred another symbol; only the check
    /// digits vouch for it). A heuristic for ranking and review, not a
    /// probability.
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
    let first = parse(&text_of(&top), &options).ok()?;
    let mut best: (f32, Vec<Swap>, MrzReport) = (0.0, Vec::new(), first);
    if !best.2.valid {
        // Candidate alternatives, least certain first.
        let mut alts: Vec<Swap> = Vec::new();
        for (li, l) in lines.iter().enumerate() {
            for (ci, p) in l.positions.iter().enumerate() {
                for alt in p.iter().skip(1) {
                    let drop = p[0].score - alt.score;
                    if drop <= MAX_DROP {
                        alts.push(Swap {
                            line: li,
                            column: ci,
                            from: p[0].ch,
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
            let mut grid = top.clone();
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
                if report.valid {
                    let swaps = set.iter().filter_map(|&i| alts.get(i).copied()).collect();
                    found = Some((drop, swaps, report));
                }
            }
        });
        if let Some(f) = found {
            best = f;
        }
    }
    let (_, swaps, report) = best;
    let mut chosen_lines = top;
    for s in &swaps {
        if let Some(c) = chosen_lines.get_mut(s.line).and_then(|l| l.get_mut(s.column)) {
            *c = s.to;
        }
    }
    let mut total_score = 0.0;
    let confidence = chosen_lines
        .iter()
        .zip(lines)
        .map(|(chars, l)| {
            chars
                .iter()
                .zip(&l.positions)
                .map(|(&c, p)| {
                    let own = p.iter().find(|x| x.ch == c).map_or(0.0, |x| x.score);
                    let other = p.iter().filter(|x| x.ch != c).map(|x| x.score).fold(-1.0f32, f32::max);
                    total_score += own;
                    ((own - other) / 0.1).clamp(0.0, 1.0)
                })
                .collect()
        })
        .collect();
    Some(Reading {
        lines: chosen_lines.iter().map(|l| l.iter().collect()).collect(),
        report,
        swaps,
        confidence,
        total_score,
    })
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

    #[test]
    fn wrong_shape_is_none() {
        assert!(choose(&[cands("ABC")], date()).is_none());
    }
}
