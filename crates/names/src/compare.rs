//! The comparison itself: equivalence under a rule set, the search for the
//! rules that were needed, and the explanation of a mismatch.

use crate::automaton::{accepts, Budget, Nfa, OutOfBudget, Part};
use crate::format::{parse, ParsedName};
use crate::rules::{Rule, RuleSet};
use crate::{Difference, Side};

/// Most adjacent parts on one side that may face a single part on the other
/// when parts are rearranged or a mismatch is explained: `AL KAABI` against
/// `ALKAABI` is a group of two typed parts against one.
const MAX_GROUP: usize = 3;

/// Longest names (in parts, per side) for which every rearrangement of
/// grouped parts is searched; the search is exponential in this number.
const MAX_REARRANGED_PARTS: usize = 12;

/// The order in which rules are switched off to find the ones that were
/// needed. Lenient or less standard rules come first, so that when a
/// standard rule explains the difference on its own the lenient one is not
/// reported (e.g. ICAO Cyrillic is preferred over a national system, and an
/// extra space is reported as `whitespace`, not `word_boundary`).
const MINIMISATION_ORDER: [Rule; 16] = [
    Rule::Truncation,
    Rule::NameOrder,
    Rule::WordBoundary,
    Rule::CyrillicRussianLegacy,
    Rule::CyrillicUkrainianNational,
    Rule::CyrillicSerbianNational,
    Rule::InvisibleCharacters,
    Rule::Punctuation,
    Rule::MrzFiller,
    Rule::Whitespace,
    Rule::UnicodeCompatibility,
    Rule::FullWidth,
    Rule::Case,
    Rule::Pinyin,
    Rule::CyrillicTransliteration,
    Rule::Transliteration,
];

/// One name prepared under a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prepared {
    pub(crate) parsed: ParsedName,
    pub(crate) parts: Vec<Part>,
}

impl Prepared {
    pub(crate) fn new(raw: &str, rules: RuleSet) -> Prepared {
        let parsed = parse(raw, rules);
        let parts = parsed.parts.iter().map(|p| Part::new(p, rules)).collect();
        Prepared { parsed, parts }
    }
}

/// A name part together with its position in the name as written, so that
/// the truncated last part of a document can be found after reordering.
#[derive(Debug, Clone, Copy)]
struct Placed<'a> {
    index: usize,
    part: &'a Part,
}

fn placed(prepared: &Prepared) -> Vec<Placed<'_>> {
    prepared
        .parts
        .iter()
        .enumerate()
        .map(|(index, part)| Placed { index, part })
        .collect()
}

/// Parts `[k..] ++ [..k]`.
fn rotated<'a>(parts: &[Placed<'a>], k: usize) -> Vec<Placed<'a>> {
    parts.iter().skip(k).chain(parts.iter().take(k)).copied().collect()
}

/// How the automata are built under a rule set.
#[derive(Debug, Clone, Copy)]
struct Shape {
    word_boundary: bool,
    /// Index (as written) of the document part after which anything may
    /// follow, when truncation is enabled.
    truncated_part: Option<usize>,
}

impl Shape {
    fn new(rules: RuleSet, document: &Prepared) -> Shape {
        let truncated_part = if rules.contains(Rule::Truncation) {
            document.parts.len().checked_sub(1)
        } else {
            None
        };
        Shape {
            word_boundary: rules.contains(Rule::WordBoundary),
            truncated_part,
        }
    }

    fn typed_nfa(&self, parts: &[Placed<'_>]) -> Nfa {
        let parts: Vec<&Part> = parts.iter().map(|p| p.part).collect();
        Nfa::sequence(&parts, self.word_boundary, None)
    }

    fn document_nfa(&self, parts: &[Placed<'_>]) -> Nfa {
        let wildcard = parts.iter().position(|p| Some(p.index) == self.truncated_part);
        let refs: Vec<&Part> = parts.iter().map(|p| p.part).collect();
        Nfa::sequence(&refs, self.word_boundary, wildcard)
    }
}

/// Whether the two prepared names are equivalent under `rules`.
fn equivalent(typed: &Prepared, document: &Prepared, rules: RuleSet, budget: &mut Budget) -> Result<bool, OutOfBudget> {
    let t = placed(typed);
    let d = placed(document);
    if t.is_empty() || d.is_empty() {
        return Ok(false);
    }
    let shape = Shape::new(rules, document);
    let typed_nfa = shape.typed_nfa(&t);
    let document_nfa = shape.document_nfa(&d);
    if accepts(&typed_nfa, &document_nfa, budget)? {
        return Ok(true);
    }
    if !rules.contains(Rule::NameOrder) {
        return Ok(false);
    }
    // A block of parts moved from the front to the back (`JOHN SMITH` against
    // `SMITH JOHN`, `XIAOMING ZHANG` against `ZHANG XIAO MING`), on either
    // side so that the outcome is symmetric.
    for k in 1..d.len() {
        if accepts(&typed_nfa, &shape.document_nfa(&rotated(&d, k)), budget)? {
            return Ok(true);
        }
    }
    for k in 1..t.len() {
        if accepts(&shape.typed_nfa(&rotated(&t, k)), &document_nfa, budget)? {
            return Ok(true);
        }
    }
    // Any rearrangement of the parts, where one part may stand for a few
    // adjacent parts on the other side (`ZHANG SAN` against `张三`).
    if t.len().max(d.len()) <= MAX_REARRANGED_PARTS {
        return rearranged(&t, &d, &shape, budget);
    }
    // Longer names: any permutation of whole parts.
    if t.len() == d.len() {
        let compatible = compatibility(&t, &d, &shape, budget)?;
        return Ok(maximum_matching(&compatible, d.len()).iter().all(Option::is_some));
    }
    Ok(false)
}

/// Whether the parts can be cut into groups of adjacent parts and the groups
/// paired one to one, each pair equivalent, with a group of several parts on
/// one side always facing a single part on the other (up to [`MAX_GROUP`]).
/// A search over (typed parts consumed, set of document parts used), so it
/// is limited to [`MAX_REARRANGED_PARTS`] parts per side.
fn rearranged(t: &[Placed<'_>], d: &[Placed<'_>], shape: &Shape, budget: &mut Budget) -> Result<bool, OutOfBudget> {
    // moves[i]: (typed parts taken from i, document parts as a bit set).
    let mut moves: Vec<Vec<(usize, u32)>> = vec![Vec::new(); t.len()];
    for (i, slot) in moves.iter_mut().enumerate() {
        for j in 0..d.len() {
            for (a, b) in group_shapes() {
                let (Some(typed_group), Some(document_group)) = (t.get(i..i + a), d.get(j..j + b)) else {
                    continue;
                };
                if accepts(
                    &shape.typed_nfa(typed_group),
                    &shape.document_nfa(document_group),
                    budget,
                )? {
                    let mask = (j..j + b).fold(0u32, |mask, k| mask | (1 << k));
                    slot.push((a, mask));
                }
            }
        }
    }
    let all_documents = (0..d.len()).fold(0u32, |mask, k| mask | (1 << k));
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![(0usize, 0u32)];
    while let Some((i, used)) = stack.pop() {
        if i == t.len() && used == all_documents {
            return Ok(true);
        }
        if !seen.insert((i, used)) {
            continue;
        }
        budget.spend()?;
        for &(a, mask) in moves.get(i).map_or(&[][..], Vec::as_slice) {
            if used & mask == 0 {
                stack.push((i + a, used | mask));
            }
        }
    }
    Ok(false)
}

/// `compatible[i][j]`: typed part `i` alone is equivalent to document part `j`
/// alone.
fn compatibility(
    t: &[Placed<'_>],
    d: &[Placed<'_>],
    shape: &Shape,
    budget: &mut Budget,
) -> Result<Vec<Vec<bool>>, OutOfBudget> {
    let typed_nfas: Vec<Nfa> = t.iter().map(|p| shape.typed_nfa(&[*p])).collect();
    let document_nfas: Vec<Nfa> = d.iter().map(|p| shape.document_nfa(&[*p])).collect();
    let mut rows = Vec::with_capacity(t.len());
    for typed_nfa in &typed_nfas {
        let mut row = Vec::with_capacity(d.len());
        for document_nfa in &document_nfas {
            row.push(accepts(typed_nfa, document_nfa, budget)?);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A maximum bipartite matching (Kuhn's augmenting paths): for each typed
/// part, the document part it is paired with.
fn maximum_matching(compatible: &[Vec<bool>], document_len: usize) -> Vec<Option<usize>> {
    let mut owner: Vec<Option<usize>> = vec![None; document_len];
    for typed in 0..compatible.len() {
        let mut seen = vec![false; document_len];
        augment(typed, compatible, &mut owner, &mut seen);
    }
    let mut partner = vec![None; compatible.len()];
    for (document, typed) in owner.iter().enumerate() {
        if let Some(slot) = typed.and_then(|t| partner.get_mut(t)) {
            *slot = Some(document);
        }
    }
    partner
}

fn augment(typed: usize, compatible: &[Vec<bool>], owner: &mut [Option<usize>], seen: &mut [bool]) -> bool {
    let Some(row) = compatible.get(typed) else {
        return false;
    };
    for (document, &ok) in row.iter().enumerate() {
        if !ok || seen.get(document).copied().unwrap_or(true) {
            continue;
        }
        if let Some(flag) = seen.get_mut(document) {
            *flag = true;
        }
        let current = owner.get(document).copied().flatten();
        let free = match current {
            None => true,
            Some(other) => augment(other, compatible, owner, seen),
        };
        if free {
            if let Some(slot) = owner.get_mut(document) {
                *slot = Some(typed);
            }
            return true;
        }
    }
    false
}

/// The result of the search for needed rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Equivalent; these rules were needed (or, if the step budget ran out
    /// while minimising, sufficed: a superset of the needed ones).
    Equivalent(RuleSet),
    /// Not equivalent even with every rule enabled.
    Mismatch,
}

/// Decides equivalence under `start`, then switches rules off one at a
/// time (in [`MINIMISATION_ORDER`]) keeping each switch that still leaves the
/// names equivalent. The rules left on were each needed given the others.
pub(crate) fn needed_rules(
    typed: &str,
    document: &str,
    start: RuleSet,
    budget: &mut Budget,
) -> Result<Verdict, OutOfBudget> {
    let mut rules = start;
    let mut t = Prepared::new(typed, rules);
    let mut d = Prepared::new(document, rules);
    if !equivalent(&t, &d, rules, budget)? {
        return Ok(Verdict::Mismatch);
    }
    for rule in MINIMISATION_ORDER {
        if !rules.contains(rule) {
            continue;
        }
        let fewer = rules.without(rule);
        let fewer_t = Prepared::new(typed, fewer);
        let fewer_d = Prepared::new(document, fewer);
        // Rules that change neither name cannot have been needed, except
        // those that act on the comparison rather than on the names.
        let acts_on_comparison = matches!(rule, Rule::NameOrder | Rule::WordBoundary | Rule::Truncation);
        let unchanged = !acts_on_comparison && fewer_t == t && fewer_d == d;
        let still = if unchanged {
            true
        } else {
            match equivalent(&fewer_t, &fewer_d, fewer, budget) {
                Ok(still) => still,
                // Equivalence is proven; report the rules that sufficed.
                Err(OutOfBudget) => return Ok(Verdict::Equivalent(rules)),
            }
        };
        if still {
            rules = fewer;
            t = fewer_t;
            d = fewer_d;
        }
    }
    Ok(Verdict::Equivalent(rules))
}

/// A candidate explanation of a mismatch.
#[derive(Debug, Clone)]
struct Explanation {
    cost: usize,
    differences: Vec<Difference>,
}

/// Explains a mismatch part by part, with every rule in `rules` enabled:
/// parts that match (possibly a group such as `AL KAABI` = `ALKAABI`) are
/// not listed; the rest are `different_part`, `missing_part` (on the
/// document, not typed) or `extra_part` (typed, not on the document). The
/// written order, the swapped MRZ halves and an order-free pairing are all
/// tried; the explanation with the fewest differences wins.
pub(crate) fn explain(
    typed: &str,
    document: &str,
    rules: RuleSet,
    budget: &mut Budget,
) -> Result<Vec<Difference>, OutOfBudget> {
    let t_prepared = Prepared::new(typed, rules);
    let d_prepared = Prepared::new(document, rules);
    let shape = Shape::new(rules, &d_prepared);
    let t = placed(&t_prepared);
    let d = placed(&d_prepared);
    let mut best = align(&t, &d, &shape, budget)?;
    if let Some(start) = d_prepared.parsed.given_start {
        let candidate = align(&t, &rotated(&d, start), &shape, budget)?;
        if candidate.cost < best.cost {
            best = candidate;
        }
    }
    if let Some(start) = t_prepared.parsed.given_start {
        let candidate = align(&rotated(&t, start), &d, &shape, budget)?;
        if candidate.cost < best.cost {
            best = candidate;
        }
    }
    let candidate = unordered(&t, &d, &shape, budget)?;
    if candidate.cost < best.cost {
        best = candidate;
    }
    if best.differences.is_empty() {
        // Every part has a counterpart, yet the whole does not match (e.g.
        // parts matched across a word boundary in an order the equivalence
        // search does not try): report the names as a whole.
        best.differences.push(Difference::DifferentPart {
            typed: t_prepared.parsed.parts.join(" "),
            document: d_prepared.parsed.parts.join(" "),
        });
    }
    Ok(best.differences)
}

/// One step of an alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Start,
    /// `typed` typed parts matched `document` document parts.
    Match {
        typed: usize,
        document: usize,
    },
    Substitute,
    Extra,
    Missing,
}

/// A table indexed by (typed prefix length, document prefix length).
struct Grid<T> {
    cells: Vec<T>,
    width: usize,
}

impl<T: Copy> Grid<T> {
    fn new(rows: usize, columns: usize, fill: T) -> Grid<T> {
        Grid {
            cells: vec![fill; rows * columns],
            width: columns,
        }
    }

    fn get(&self, i: usize, j: usize) -> Option<T> {
        self.cells.get(i * self.width + j).copied()
    }

    fn set(&mut self, i: usize, j: usize, value: T) {
        if let Some(cell) = self.cells.get_mut(i * self.width + j) {
            *cell = value;
        }
    }
}

/// Group shapes tried as matches: one against one, or up to [`MAX_GROUP`]
/// parts on one side against one on the other.
fn group_shapes() -> impl Iterator<Item = (usize, usize)> {
    std::iter::once((1, 1))
        .chain((2..=MAX_GROUP).map(|a| (a, 1)))
        .chain((2..=MAX_GROUP).map(|b| (1, b)))
}

/// Edit-distance alignment of the parts in written order, where matching a
/// group costs 0 and a substitution, missing or extra part costs 1.
fn align(t: &[Placed<'_>], d: &[Placed<'_>], shape: &Shape, budget: &mut Budget) -> Result<Explanation, OutOfBudget> {
    let (n, m) = (t.len(), d.len());
    let mut cost: Grid<Option<usize>> = Grid::new(n + 1, m + 1, None);
    let mut steps: Grid<Step> = Grid::new(n + 1, m + 1, Step::Start);
    cost.set(0, 0, Some(0));
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best: Option<(usize, Step)> = None;
            let mut consider = |candidate: Option<usize>, step: Step| {
                if let Some(c) = candidate {
                    if best.is_none_or(|(b, _)| c < b) {
                        best = Some((c, step));
                    }
                }
            };
            for (a, b) in group_shapes() {
                let (Some(pi), Some(pj)) = (i.checked_sub(a), j.checked_sub(b)) else {
                    continue;
                };
                let Some(previous) = cost.get(pi, pj).flatten() else {
                    continue;
                };
                let typed_group = t.get(pi..i).unwrap_or(&[]);
                let document_group = d.get(pj..j).unwrap_or(&[]);
                if accepts(
                    &shape.typed_nfa(typed_group),
                    &shape.document_nfa(document_group),
                    budget,
                )? {
                    consider(Some(previous), Step::Match { typed: a, document: b });
                }
            }
            // On a tie the trailing part is the one reported missing or
            // extra, so that differing parts pair up from the front.
            if j > 0 {
                consider(cost.get(i, j - 1).flatten().map(|c| c + 1), Step::Missing);
            }
            if i > 0 {
                consider(cost.get(i - 1, j).flatten().map(|c| c + 1), Step::Extra);
            }
            if i > 0 && j > 0 {
                consider(cost.get(i - 1, j - 1).flatten().map(|c| c + 1), Step::Substitute);
            }
            if let Some((c, step)) = best {
                cost.set(i, j, Some(c));
                steps.set(i, j, step);
            }
        }
    }
    let differences = trace_back(t, d, &steps);
    let total = cost.get(n, m).flatten().unwrap_or(usize::MAX);
    Ok(Explanation {
        cost: total,
        differences,
    })
}

fn part_text(parts: &[Placed<'_>], index: usize) -> String {
    parts.get(index).map(|p| p.part.text.clone()).unwrap_or_default()
}

fn trace_back(t: &[Placed<'_>], d: &[Placed<'_>], steps: &Grid<Step>) -> Vec<Difference> {
    let (mut i, mut j) = (t.len(), d.len());
    let mut reversed = Vec::new();
    while i > 0 || j > 0 {
        let step = steps.get(i, j).unwrap_or(Step::Start);
        match step {
            Step::Start => break,
            Step::Match { typed, document } => {
                i = i.saturating_sub(typed);
                j = j.saturating_sub(document);
            }
            Step::Substitute => {
                i = i.saturating_sub(1);
                j = j.saturating_sub(1);
                reversed.push(Difference::DifferentPart {
                    typed: part_text(t, i),
                    document: part_text(d, j),
                });
            }
            Step::Missing => {
                j = j.saturating_sub(1);
                reversed.push(Difference::MissingPart { value: part_text(d, j) });
            }
            Step::Extra => {
                i = i.saturating_sub(1);
                reversed.push(Difference::ExtraPart { value: part_text(t, i) });
            }
        }
    }
    reversed.reverse();
    reversed
}

/// Order-free explanation: a maximum one-to-one pairing of equivalent parts;
/// the unpaired parts are then paired in written order as different parts,
/// and whatever remains is missing or extra.
fn unordered(
    t: &[Placed<'_>],
    d: &[Placed<'_>],
    shape: &Shape,
    budget: &mut Budget,
) -> Result<Explanation, OutOfBudget> {
    let compatible = compatibility(t, d, shape, budget)?;
    let partner = maximum_matching(&compatible, d.len());
    let mut paired_documents = vec![false; d.len()];
    for document in partner.iter().flatten() {
        if let Some(flag) = paired_documents.get_mut(*document) {
            *flag = true;
        }
    }
    let unpaired_typed: Vec<String> = partner
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(i, _)| part_text(t, i))
        .collect();
    let unpaired_documents: Vec<String> = paired_documents
        .iter()
        .enumerate()
        .filter(|(_, paired)| !**paired)
        .map(|(j, _)| part_text(d, j))
        .collect();
    let cost = unpaired_typed.len().max(unpaired_documents.len());
    let mut differences = Vec::new();
    let mut typed_iter = unpaired_typed.into_iter();
    let mut document_iter = unpaired_documents.into_iter();
    loop {
        match (typed_iter.next(), document_iter.next()) {
            (Some(typed), Some(document)) => differences.push(Difference::DifferentPart { typed, document }),
            (Some(value), None) => differences.push(Difference::ExtraPart { value }),
            (None, Some(value)) => differences.push(Difference::MissingPart { value }),
            (None, None) => break,
        }
    }
    Ok(Explanation { cost, differences })
}

/// Which side a difference is about, for the differences that concern a
/// whole input.
pub(crate) fn sides_without_parts(typed: &Prepared, document: &Prepared) -> Vec<Side> {
    let mut sides = Vec::new();
    if typed.parts.is_empty() {
        sides.push(Side::Typed);
    }
    if document.parts.is_empty() {
        sides.push(Side::Document);
    }
    sides
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(typed: &str, document: &str) -> Verdict {
        let start = RuleSet::all().without(Rule::Truncation);
        needed_rules(typed, document, start, &mut Budget::new(1_000_000)).unwrap()
    }

    #[test]
    fn minimisation_prefers_icao_cyrillic() {
        let Verdict::Equivalent(rules) = verdict("ТЕСТ", "TEST") else {
            panic!("expected equivalent");
        };
        assert_eq!(rules.to_vec(), [Rule::CyrillicTransliteration]);
    }

    #[test]
    fn minimisation_keeps_both_systems_when_mixed() {
        // Г as H is Ukrainian national; И as I is not (it would be Y).
        let Verdict::Equivalent(rules) = verdict("ГАЛИНА", "HALINA") else {
            panic!("expected equivalent");
        };
        assert_eq!(
            rules.to_vec(),
            [Rule::CyrillicTransliteration, Rule::CyrillicUkrainianNational]
        );
    }

    #[test]
    fn budget_exhaustion_during_minimisation_reports_a_superset() {
        // Enough budget for the first check only.
        let mut budget = Budget::new(40);
        let verdict = needed_rules("MÜLLER", "MUELLER", RuleSet::all(), &mut budget).unwrap();
        let Verdict::Equivalent(rules) = verdict else {
            panic!("expected equivalent");
        };
        assert!(rules.contains(Rule::Transliteration));
    }

    /// A name part as written at the source, then spellings of it that are
    /// equivalent to it under some rules.
    const GROUPS: &[&[&str]] = &[
        &["MÜLLER", "MUELLER", "Muller", "müller"],
        &["ÆVAR", "AEVAR", "Ævar"],
        &["ТЕСТ", "TEST", "test"],
        &["МИЛИЦА", "MILICA", "MILITSA"],
        &["张三", "ZHANG SAN", "ZHANGSAN", "zhang san"],
        &["O'BRIEN", "OBRIEN", "O’Brien"],
        &["AL-KAABI", "ALKAABI", "AL KAABI"],
        &["ГАЛИНА", "HALINA", "HALYNA", "GALINA"],
        &["ＪＯＨＮ", "JOHN", "JO\u{200B}HN", "john"],
        &["ЮЛИЯ", "IULIIA", "YULIYA"],
    ];

    /// The source spelling and another spelling of a group.
    fn pair(group: usize, choice: usize) -> (&'static str, &'static str) {
        let spellings = GROUPS[group % GROUPS.len()];
        (spellings[0], spellings[choice % spellings.len()])
    }

    proptest::proptest! {
        /// Names built from equivalent parts are equivalent, and every
        /// reported rule was needed: without it (keeping the others) the
        /// names are no longer equivalent.
        #[test]
        fn reported_rules_are_each_needed(
            parts in proptest::collection::vec((0usize..10, 0usize..4, proptest::bool::ANY), 1..4),
            flags in proptest::array::uniform3(proptest::bool::ANY),
        ) {
            let [mrz, reverse, double_space] = flags;
            let mut typed_parts = Vec::new();
            let mut document_parts = Vec::new();
            for (group, choice, source_typed) in &parts {
                let (source, other) = pair(*group, *choice);
                let (t, d) = if *source_typed { (source, other) } else { (other, source) };
                typed_parts.push(t);
                document_parts.push(d);
            }
            if reverse {
                document_parts.reverse();
            }
            let typed = typed_parts.join(if double_space { "  " } else { " " });
            let document = document_parts.join(if mrz { "<<" } else { " " });
            // Identical names are `exact` before any rule is considered.
            proptest::prop_assume!(crate::format::nfc_trimmed(&typed) != crate::format::nfc_trimmed(&document));
            let start = RuleSet::all().without(Rule::Truncation);
            let mut budget = Budget::new(10_000_000);
            let verdict = needed_rules(&typed, &document, start, &mut budget).unwrap();
            let Verdict::Equivalent(rules) = verdict else {
                return Err(proptest::test_runner::TestCaseError::fail(format!("{typed:?} vs {document:?}")));
            };
            proptest::prop_assert!(!rules.to_vec().is_empty());
            for rule in rules.to_vec() {
                let fewer = rules.without(rule);
                let t = Prepared::new(&typed, fewer);
                let d = Prepared::new(&document, fewer);
                let still = equivalent(&t, &d, fewer, &mut budget).unwrap();
                proptest::prop_assert!(!still, "{typed:?} vs {document:?}: {rule} was not needed");
            }
        }
    }

    #[test]
    fn maximum_matching_finds_augmenting_paths() {
        let compatible = vec![vec![true, true], vec![true, false]];
        assert_eq!(maximum_matching(&compatible, 2), [Some(1), Some(0)]);
        let none = vec![vec![false, false], vec![false, false]];
        assert_eq!(maximum_matching(&none, 2), [None, None]);
    }
}
