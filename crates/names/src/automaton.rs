//! Matching two names that each stand for a set of spellings.
//!
//! Every character of a name part becomes a *unit*: the list of its
//! spellings (itself, plus its transliterations under the enabled rules).
//! A name is then a small automaton (a chain of units with the word
//! separators between parts), and two names are equivalent when some
//! spelling of one equals some spelling of the other. That is decided by a
//! search over pairs of automaton states, so the work grows with the product
//! of the two names' sizes, never with the number of spelling combinations
//! (a name with ten two-way letters has 1024 spellings but only about 30
//! states).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use crate::cyrillic::{self, Position};
use crate::han;
use crate::latin;
use crate::rules::{Rule, RuleSet};

/// Where a spelling comes from. Spellings produced by transliterating one
/// script may only be matched against literal text or against spellings from
/// *another* script: `张` and `章` both read `ZHANG` and `Й` and `И` both
/// become `I`, yet they are different names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The character as written.
    Literal,
    /// A Latin letter with its diacritics removed or spelt out.
    Latin,
    /// A Cyrillic letter transliterated.
    Cyrillic,
    /// A Han character read in pinyin.
    Han,
}

impl Origin {
    fn may_match(self, other: Origin) -> bool {
        self == Origin::Literal || other == Origin::Literal || self != other
    }
}

/// One spelling of a character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spelling {
    pub(crate) text: String,
    pub(crate) origin: Origin,
}

/// All spellings of one character.
pub(crate) type Unit = Vec<Spelling>;

/// A name part with the spellings of each of its characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub(crate) text: String,
    pub(crate) units: Vec<Unit>,
}

impl Part {
    pub(crate) fn new(text: &str, rules: RuleSet) -> Part {
        Part {
            text: text.to_string(),
            units: units(text, rules),
        }
    }
}

/// The spellings of every character of `part` under `rules`.
fn units(part: &str, rules: RuleSet) -> Vec<Unit> {
    let chars: Vec<char> = part.chars().collect();
    let mut previous: Option<char> = None;
    let mut result = Vec::with_capacity(chars.len());
    for (index, &c) in chars.iter().enumerate() {
        let has_next = index + 1 < chars.len();
        let position = Position {
            word_initial: index == 0,
            after_ze: previous.map(cyrillic::upper) == Some('З'),
        };
        result.push(unit(c, position, has_next, rules));
        previous = Some(c);
    }
    result
}

fn unit(c: char, position: Position, has_next: bool, rules: RuleSet) -> Unit {
    let mut spellings = vec![Spelling {
        text: c.to_string(),
        origin: Origin::Literal,
    }];
    let mut add = |text: String, origin: Origin| {
        let spelling = Spelling { text, origin };
        if !spellings.contains(&spelling) {
            spellings.push(spelling);
        }
    };
    if rules.contains(Rule::Transliteration) {
        for text in latin::alternatives(c) {
            add(text, Origin::Latin);
        }
    }
    for (_, text) in cyrillic::alternatives(c, position, rules) {
        add(text, Origin::Cyrillic);
    }
    if rules.contains(Rule::Pinyin) {
        for reading in han::readings(c) {
            // Pinyin may split the syllables of a name into words or not
            // (`XIAOMING`, `XIAO MING`), so a space may follow any syllable
            // that is not the last of its part.
            if has_next {
                add(format!("{reading} "), Origin::Han);
            }
            add(reading, Origin::Han);
        }
    }
    spellings
}

/// A transition of the automaton: `None` consumes nothing.
#[derive(Debug, Clone, Copy)]
struct Edge {
    label: Option<char>,
    origin: Origin,
    to: usize,
}

/// A name as an automaton whose accepted strings are its spellings. Node 0
/// is the start, the last node accepts, and every edge leads to a higher
/// node.
#[derive(Debug, Clone)]
pub(crate) struct Nfa {
    edges: Vec<Vec<Edge>>,
    /// Nodes that may swallow any remaining typed characters (truncation).
    wildcard: Vec<bool>,
}

impl Nfa {
    /// The automaton for `parts` written in this order with one space
    /// between them. With `word_boundary` a separator may also vanish. With
    /// `wildcard_after = Some(i)`, the node after part `i` swallows anything.
    pub(crate) fn sequence(parts: &[&Part], word_boundary: bool, wildcard_after: Option<usize>) -> Nfa {
        let mut nfa = Nfa {
            edges: vec![Vec::new()],
            wildcard: vec![false],
        };
        let mut separator = vec![Spelling {
            text: " ".to_string(),
            origin: Origin::Literal,
        }];
        if word_boundary {
            separator.push(Spelling {
                text: String::new(),
                origin: Origin::Literal,
            });
        }
        for (index, part) in parts.iter().enumerate() {
            if index > 0 {
                nfa.push_unit(&separator);
            }
            for unit in &part.units {
                nfa.push_unit(unit);
            }
            if wildcard_after == Some(index) {
                let last = nfa.last();
                if let Some(flag) = nfa.wildcard.get_mut(last) {
                    *flag = true;
                }
            }
        }
        nfa
    }

    fn last(&self) -> usize {
        self.edges.len().saturating_sub(1)
    }

    fn len(&self) -> usize {
        self.edges.len()
    }

    /// Appends one unit: one path of edges per spelling, all ending in a new
    /// node. Inner nodes of the paths get numbers below that node, so edges
    /// keep pointing forward.
    fn push_unit(&mut self, unit: &[Spelling]) {
        let from = self.last();
        let inner: usize = unit
            .iter()
            .map(|spelling| spelling.text.chars().count().saturating_sub(1))
            .sum();
        let to = from + inner + 1;
        self.edges.resize_with(to + 1, Vec::new);
        self.wildcard.resize(to + 1, false);
        let mut next_inner = from + 1;
        for spelling in unit {
            let chars: Vec<char> = spelling.text.chars().collect();
            if chars.is_empty() {
                self.add_edge(from, None, spelling.origin, to);
                continue;
            }
            let mut current = from;
            for (index, &c) in chars.iter().enumerate() {
                let target = if index + 1 == chars.len() {
                    to
                } else {
                    next_inner += 1;
                    next_inner - 1
                };
                self.add_edge(current, Some(c), spelling.origin, target);
                current = target;
            }
        }
    }

    fn add_edge(&mut self, from: usize, label: Option<char>, origin: Origin, to: usize) {
        if let Some(edges) = self.edges.get_mut(from) {
            edges.push(Edge { label, origin, to });
        }
    }

    fn edges(&self, node: usize) -> &[Edge] {
        self.edges.get(node).map_or(&[], Vec::as_slice)
    }

    fn is_wildcard(&self, node: usize) -> bool {
        self.wildcard.get(node).copied().unwrap_or(false)
    }
}

/// The search ran out of its step allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OutOfBudget;

/// A cap on the number of state pairs one comparison may visit, so that
/// every input finishes in bounded time.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    left: u64,
}

impl Budget {
    pub(crate) fn new(steps: u64) -> Budget {
        Budget { left: steps }
    }

    pub(crate) fn spend(&mut self) -> Result<(), OutOfBudget> {
        self.left = self.left.checked_sub(1).ok_or(OutOfBudget)?;
        Ok(())
    }
}

/// Pairs of states already visited: a bit set when the product is small,
/// a hash set otherwise (with a fixed hasher: no random seed, so the crate
/// reads no randomness).
enum Visited {
    Dense { bits: Vec<u64>, width: usize },
    Sparse(HashSet<u64, BuildHasherDefault<DefaultHasher>>),
}

impl Visited {
    const DENSE_LIMIT: usize = 1 << 22;

    fn new(typed_len: usize, document_len: usize) -> Visited {
        match typed_len.checked_mul(document_len) {
            Some(cells) if cells <= Self::DENSE_LIMIT => Visited::Dense {
                bits: vec![0; cells.div_ceil(64)],
                width: document_len,
            },
            _ => Visited::Sparse(HashSet::default()),
        }
    }

    /// Marks the pair, returning whether it was new.
    fn insert(&mut self, x: usize, y: usize) -> bool {
        match self {
            Visited::Dense { bits, width } => {
                let cell = x * *width + y;
                match bits.get_mut(cell / 64) {
                    Some(word) => {
                        let mask = 1u64 << (cell % 64);
                        let new = *word & mask == 0;
                        *word |= mask;
                        new
                    }
                    None => false,
                }
            }
            Visited::Sparse(set) => set.insert(((x as u64) << 32) | y as u64),
        }
    }
}

/// Whether some spelling of `typed` equals some spelling of `document`.
pub(crate) fn accepts(typed: &Nfa, document: &Nfa, budget: &mut Budget) -> Result<bool, OutOfBudget> {
    let goal = (typed.last(), document.last());
    let mut visited = Visited::new(typed.len(), document.len());
    let mut stack = vec![(0usize, 0usize)];
    while let Some((x, y)) = stack.pop() {
        if (x, y) == goal {
            return Ok(true);
        }
        if !visited.insert(x, y) {
            continue;
        }
        budget.spend()?;
        let swallow = document.is_wildcard(y);
        for e in typed.edges(x) {
            let Some(letter) = e.label else {
                stack.push((e.to, y));
                continue;
            };
            if swallow {
                stack.push((e.to, y));
            }
            for f in document.edges(y) {
                if f.label == Some(letter) && e.origin.may_match(f.origin) {
                    stack.push((e.to, f.to));
                }
            }
        }
        for f in document.edges(y) {
            if f.label.is_none() {
                stack.push((x, f.to));
            }
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(typed: &[&str], document: &[&str], rules: RuleSet) -> bool {
        let typed: Vec<Part> = typed.iter().map(|p| Part::new(p, rules)).collect();
        let document: Vec<Part> = document.iter().map(|p| Part::new(p, rules)).collect();
        let typed: Vec<&Part> = typed.iter().collect();
        let document: Vec<&Part> = document.iter().collect();
        let word_boundary = rules.contains(Rule::WordBoundary);
        let t = Nfa::sequence(&typed, word_boundary, None);
        let d = Nfa::sequence(&document, word_boundary, None);
        accepts(&t, &d, &mut Budget::new(1_000_000)).unwrap()
    }

    #[test]
    fn literal_and_transliterated() {
        let all = RuleSet::all();
        assert!(matches(&["MÜLLER"], &["MUELLER"], all));
        assert!(matches(&["MÜLLER"], &["MULLER"], all));
        assert!(matches(&["MULLER"], &["MÜLLER"], all));
        assert!(!matches(&["MÜLLER"], &["MILLER"], all));
        assert!(!matches(&["MÜLLER"], &["MUELLER"], all.without(Rule::Transliteration)));
    }

    #[test]
    fn many_two_way_letters_stay_cheap() {
        let typed = "ÄÖÜ".repeat(20);
        let document = "AEOEUE".repeat(20);
        let t = Nfa::sequence(&[&Part::new(&typed, RuleSet::all())], false, None);
        let d = Nfa::sequence(&[&Part::new(&document, RuleSet::all())], false, None);
        let mut budget = Budget::new(100_000);
        assert_eq!(accepts(&t, &d, &mut budget), Ok(true));
    }

    #[test]
    fn same_script_transliterations_do_not_meet() {
        let all = RuleSet::all();
        assert!(!matches(&["张"], &["章"], all));
        assert!(!matches(&["Й"], &["И"], all));
        assert!(!matches(&["Û"], &["Ü"], all));
        assert!(matches(&["张"], &["张"], all));
    }

    #[test]
    fn cross_script_transliterations_meet() {
        // A Serbian name typed in Serbian Latin with diacritics.
        assert!(matches(&["ĐORĐE"], &["ЂОРЂЕ"], RuleSet::all()));
    }

    #[test]
    fn word_boundary_lets_a_separator_vanish() {
        let all = RuleSet::all();
        assert!(matches(&["AL", "KAABI"], &["ALKAABI"], all));
        assert!(!matches(
            &["AL", "KAABI"],
            &["ALKAABI"],
            all.without(Rule::WordBoundary)
        ));
    }

    #[test]
    fn pinyin_syllables_may_be_split() {
        let all = RuleSet::all();
        assert!(matches(&["张小明"], &["ZHANG", "XIAOMING"], all));
        assert!(matches(&["张小明"], &["ZHANGXIAOMING"], all));
        assert!(matches(&["张小明"], &["ZHANG", "XIAO", "MING"], all));
        assert!(!matches(&["张小明"], &["ZHANG", "XIAOMIN"], all));
    }

    #[test]
    fn wildcard_swallows_the_rest() {
        let rules = RuleSet::all();
        let typed = Part::new("ANNAMARIA", rules);
        let document = Part::new("ANNAMA", rules);
        let t = Nfa::sequence(&[&typed], false, None);
        let d = Nfa::sequence(&[&document], false, Some(0));
        assert_eq!(accepts(&t, &d, &mut Budget::new(10_000)), Ok(true));
        let d = Nfa::sequence(&[&document], false, None);
        assert_eq!(accepts(&t, &d, &mut Budget::new(10_000)), Ok(false));
    }

    #[test]
    fn budget_is_enforced() {
        let rules = RuleSet::all();
        let t = Nfa::sequence(&[&Part::new(&"A".repeat(50), rules)], false, None);
        let d = Nfa::sequence(&[&Part::new(&"A".repeat(50), rules)], false, None);
        assert_eq!(accepts(&t, &d, &mut Budget::new(10)), Err(OutOfBudget));
    }
}
