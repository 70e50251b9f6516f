//! The formatting rules: from raw text to a list of name parts (words).
//!
//! Each step runs only when its rule is enabled, so that the comparison can
//! find out which steps were needed by switching them off one at a time.

use unicode_normalization::char::{decompose_canonical, decompose_compatible, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

use crate::rules::{Rule, RuleSet};

/// A name split into parts, with the MRZ primary/secondary structure when the
/// text had one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedName {
    /// The name parts in written order. Empty parts only occur when the
    /// whitespace rule is off and the text has two spaces in a row.
    pub(crate) parts: Vec<String>,
    /// Index in `parts` of the first secondary identifier (given name) when
    /// the text was in MRZ form `SURNAME<<GIVEN` with both halves present.
    pub(crate) given_start: Option<usize>,
}

/// Step 1, always applied: Unicode NFC, then leading and trailing whitespace
/// removed.
pub(crate) fn nfc_trimmed(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    nfc.trim().to_string()
}

/// Runs the formatting steps that `rules` enables and splits the result into
/// name parts.
pub(crate) fn parse(raw: &str, rules: RuleSet) -> ParsedName {
    let mut text = nfc_trimmed(raw);
    if rules.contains(Rule::FullWidth) {
        text = trimmed(map_full_width(&text));
    }
    if rules.contains(Rule::UnicodeCompatibility) {
        text = trimmed(compatibility(&text));
    }
    if rules.contains(Rule::InvisibleCharacters) {
        text = trimmed(text.chars().filter(|c| !is_invisible(*c)).collect());
    }
    if rules.contains(Rule::Case) {
        text = upper_case(&text);
    }
    if rules.contains(Rule::Punctuation) {
        text = trimmed(punctuation(&text));
    }
    let groups = if rules.contains(Rule::MrzFiller) && text.contains('<') {
        mrz_groups(&text)
    } else {
        vec![text]
    };
    let collapse = rules.contains(Rule::Whitespace);
    let mut parts = Vec::new();
    let mut given_start = None;
    for (index, group) in groups.iter().enumerate() {
        if index == 1 {
            given_start = Some(parts.len());
        }
        parts.extend(split_words(group, collapse));
    }
    // A structure needs both halves.
    if given_start.is_some_and(|start| start == 0 || start >= parts.len()) {
        given_start = None;
    }
    ParsedName { parts, given_start }
}

fn trimmed(text: String) -> String {
    let trimmed = text.trim();
    if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_string()
    }
}

/// Whether `c` is in the Unicode full-width block that mirrors ASCII, or is
/// the ideographic space.
fn is_full_width(c: char) -> bool {
    matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}')
}

fn map_full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Characters NFKC would change but that belong to another rule: full-width
/// forms ([`Rule::FullWidth`]), punctuation such as `´` which NFKC turns into
/// a space plus an accent ([`Rule::Punctuation`]), and letters the ICAO
/// transliteration table lists itself (`Ĳ`, `Ŀ`).
fn compatibility_exempt(c: char) -> bool {
    is_full_width(c) || punctuation_class(c).is_some() || matches!(c, 'Ĳ' | 'ĳ' | 'Ŀ' | 'ŀ')
}

/// NFKC, except for the exempt characters.
fn compatibility(text: &str) -> String {
    let mut decomposed = String::with_capacity(text.len());
    for c in text.chars() {
        if compatibility_exempt(c) {
            decomposed.push(c);
        } else {
            decompose_compatible(c, |d| decomposed.push(d));
        }
    }
    decomposed.nfc().collect()
}

/// Invisible characters: control characters other than whitespace, and the
/// format characters that render as nothing.
fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Full Unicode upper case, except that `ß` becomes the capital `ẞ` rather
/// than `SS` (spelling `ß` as `SS` is a transliteration, reported as such),
/// and that a compatibility character whose upper case is several letters
/// (`ﬁ` → `FI`) is left to [`Rule::UnicodeCompatibility`].
fn upper_case(text: &str) -> String {
    let mut upper = String::with_capacity(text.len());
    for c in text.chars() {
        let mapped = c.to_uppercase();
        if c == 'ß' {
            upper.push('ẞ');
        } else if mapped.len() > 1 && has_compatibility_mapping(c) {
            upper.push(c);
        } else {
            upper.extend(mapped);
        }
    }
    upper
}

fn has_compatibility_mapping(c: char) -> bool {
    let mut compatible = String::new();
    decompose_compatible(c, |d| compatible.push(d));
    let mut canonical = String::new();
    decompose_canonical(c, |d| canonical.push(d));
    compatible != canonical
}

/// What the punctuation rule does with a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PunctuationClass {
    /// Separates words like a space: hyphens, dashes, commas.
    Separator,
    /// Dropped: apostrophes, full stops, the middle dot.
    Dropped,
}

fn punctuation_class(c: char) -> Option<PunctuationClass> {
    match c {
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
            Some(PunctuationClass::Separator)
        }
        ',' | '\u{060C}' | '\u{3001}' | '\u{FF0C}' | '\u{FE50}' => Some(PunctuationClass::Separator),
        '\'' | '`' | '\u{00B4}' | '\u{02B9}' | '\u{02BB}' | '\u{02BC}' | '\u{02BD}' | '\u{2018}' | '\u{2019}'
        | '\u{201B}' | '\u{2032}' | '\u{FF07}' => Some(PunctuationClass::Dropped),
        '.' | '\u{00B7}' | '\u{2024}' | '\u{2027}' | '\u{30FB}' | '\u{FF0E}' | '\u{FF65}' => {
            Some(PunctuationClass::Dropped)
        }
        _ => None,
    }
}

/// Drops apostrophes and full stops; turns a hyphen or comma, together with
/// any whitespace around it, into one space.
fn punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_separator = false;
    for c in text.chars() {
        match punctuation_class(c) {
            Some(PunctuationClass::Dropped) => {}
            Some(PunctuationClass::Separator) => {
                let kept = out.trim_end().len();
                out.truncate(kept);
                pending_separator = true;
            }
            None if pending_separator && c.is_whitespace() => {}
            None => {
                if pending_separator {
                    out.push(' ');
                    pending_separator = false;
                }
                out.push(c);
            }
        }
    }
    out
}

/// Splits an MRZ name `PRIMARY<<SECONDARY<NAMES<<<` into its two halves,
/// with each run of fillers inside a half read as one space. Fillers at
/// either end are padding.
fn mrz_groups(text: &str) -> Vec<String> {
    let core = text.trim_matches('<');
    let halves: Vec<&str> = match core.split_once("<<") {
        Some((primary, secondary)) => vec![primary, secondary],
        None => vec![core],
    };
    halves
        .into_iter()
        .map(|half| {
            let mut out = String::with_capacity(half.len());
            let mut in_filler = false;
            for c in half.chars() {
                if c == '<' {
                    if !in_filler {
                        out.push(' ');
                    }
                    in_filler = true;
                } else {
                    out.push(c);
                    in_filler = false;
                }
            }
            out.trim().to_string()
        })
        .collect()
}

/// Splits on whitespace runs when `collapse` is on; otherwise on every single
/// U+0020 space, so that a doubled space leaves an empty part behind.
fn split_words(text: &str, collapse: bool) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    if collapse {
        text.split_whitespace().map(str::to_string).collect()
    } else {
        text.split(' ').map(str::to_string).collect()
    }
}

/// Whether the character is a combining mark (an accent written after its
/// letter).
pub(crate) fn is_mark(c: char) -> bool {
    is_combining_mark(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(raw: &str) -> Vec<String> {
        parse(raw, RuleSet::formatting()).parts
    }

    #[test]
    fn full_width_maps_to_ascii() {
        assert_eq!(formatted("ＪＯＨＮ　ＳＭＩＴＨ"), ["JOHN", "SMITH"]);
        let without = RuleSet::formatting().without(Rule::FullWidth);
        assert_eq!(parse("ＪＯＨＮ", without).parts, ["ＪＯＨＮ"]);
    }

    #[test]
    fn compatibility_maps_ligatures_but_not_full_width() {
        assert_eq!(formatted("ﬁona"), ["FIONA"]);
        let without = RuleSet::formatting().without(Rule::FullWidth);
        assert_eq!(parse("Ｊ", without).parts, ["Ｊ"]);
    }

    #[test]
    fn invisible_characters_are_removed() {
        assert_eq!(formatted("JO\u{200B}HN\u{FEFF}"), ["JOHN"]);
        assert_eq!(formatted("A\u{0}B"), ["AB"]);
    }

    #[test]
    fn sharp_s_stays_for_transliteration() {
        assert_eq!(formatted("Straße"), ["STRAẞE"]);
    }

    #[test]
    fn case_leaves_compatibility_characters_alone() {
        let without = RuleSet::formatting().without(Rule::UnicodeCompatibility);
        assert_eq!(parse("ﬁona", without).parts, ["ﬁONA"]);
        assert_eq!(formatted("ﬁona"), ["FIONA"]);
        // A multi-letter upper case without compatibility mapping is applied.
        assert_eq!(parse("ǰ", without).parts, ["J\u{30C}"]);
    }

    #[test]
    fn whitespace_collapses_only_when_enabled() {
        assert_eq!(formatted("JOHN \t\n SMITH"), ["JOHN", "SMITH"]);
        let without = RuleSet::formatting().without(Rule::Whitespace);
        assert_eq!(parse("JOHN  SMITH", without).parts, ["JOHN", "", "SMITH"]);
        assert_eq!(parse("JOHN\tSMITH", without).parts, ["JOHN\tSMITH"]);
    }

    #[test]
    fn mrz_structure() {
        let parsed = parse("ERIKSSON<<ANNA<MARIA<<<<<<", RuleSet::formatting());
        assert_eq!(parsed.parts, ["ERIKSSON", "ANNA", "MARIA"]);
        assert_eq!(parsed.given_start, Some(1));
        let single = parse("MADONNA<<<<", RuleSet::formatting());
        assert_eq!(single.parts, ["MADONNA"]);
        assert_eq!(single.given_start, None);
        let without = RuleSet::formatting().without(Rule::MrzFiller);
        assert_eq!(parse("A<<B", without).parts, ["A<<B"]);
    }

    #[test]
    fn punctuation_separates_or_drops() {
        assert_eq!(formatted("Al-Kaabi"), ["AL", "KAABI"]);
        assert_eq!(formatted("O'Brien"), ["OBRIEN"]);
        assert_eq!(formatted("O’Brien"), ["OBRIEN"]);
        assert_eq!(formatted("O´Brien"), ["OBRIEN"]);
        assert_eq!(formatted("Smith, John"), ["SMITH", "JOHN"]);
        assert_eq!(formatted("Smith,John"), ["SMITH", "JOHN"]);
        assert_eq!(formatted("J. R. R. Tolkien"), ["J", "R", "R", "TOLKIEN"]);
        assert_eq!(formatted("Anne - Marie"), ["ANNE", "MARIE"]);
        assert_eq!(formatted("-Anne-"), ["ANNE"]);
    }

    #[test]
    fn empty_and_blank_inputs_have_no_parts() {
        assert!(formatted("").is_empty());
        assert!(formatted("   ").is_empty());
        assert!(formatted("<<<<").is_empty());
        assert!(formatted("-").is_empty());
    }
}
