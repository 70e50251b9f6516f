//! The named rules of the comparison pipeline and a small set type for them.

use serde::{Deserialize, Serialize};

/// One named step of the comparison pipeline.
///
/// A comparison reports the rules it *needed* to make the typed name equal
/// to the document name, so that a later policy can decide which of them it
/// accepts. The serialised names (snake_case) are stable. The declaration
/// order is the pipeline order, and reported rules are always listed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Full-width forms (`Ａ`–`Ｚ`, `０`–`９`, full-width punctuation and the
    /// ideographic space U+3000) mapped to their ASCII counterparts.
    FullWidth,
    /// Other Unicode compatibility mappings (NFKC), e.g. ligatures `ﬁ` → `fi`,
    /// superscripts, non-breaking spaces, half-width katakana.
    UnicodeCompatibility,
    /// Invisible characters removed: zero-width spaces and joiners, soft
    /// hyphens, byte-order marks, bidirectional marks and control characters
    /// other than whitespace.
    InvisibleCharacters,
    /// Letter case ignored (full Unicode upper-casing; `ß` is left to
    /// [`Rule::Transliteration`]).
    Case,
    /// Punctuation: hyphens and commas separate words like a space;
    /// apostrophes, full stops and the middle dot are dropped
    /// (`O'BRIEN` = `OBRIEN`, `AL-KAABI` = `AL KAABI`).
    Punctuation,
    /// The ICAO 9303 MRZ name form: `<<` separates the primary identifier
    /// (surname) from the secondary identifier (given names), `<` separates
    /// words, leading and trailing `<` are padding.
    MrzFiller,
    /// Runs of whitespace (spaces, tabs, line breaks, non-breaking spaces)
    /// treated as a single word separator.
    Whitespace,
    /// Word boundaries ignored: a separator on one side need not be matched
    /// on the other (`ALKAABI` = `AL KAABI`, `HAPPYPERSON` = `HAPPY PERSON`).
    WordBoundary,
    /// ICAO 9303-3 transliteration of Latin letters with diacritics
    /// (`Ü` → `UE` or `U`, `Þ` → `TH`, `Č` → `C`, ...).
    Transliteration,
    /// ICAO 9303-3 transliteration of Cyrillic (`Х` → `KH`, `Я` → `IA`, ...).
    CyrillicTransliteration,
    /// Ukrainian national transliteration (Cabinet of Ministers resolution
    /// No. 55 of 2010), used in Ukrainian passports (`Г` → `H`, `И` → `Y`,
    /// word-initial `Я` → `YA`).
    CyrillicUkrainianNational,
    /// Russian passport transliteration used before Russia adopted ICAO
    /// 9303 in 2013 (`Й` → `Y`, `Ю` → `YU`, `Я` → `YA`, `Ц` → `TC`).
    CyrillicRussianLegacy,
    /// Serbian national transliteration through the Serbian Latin alphabet
    /// without diacritics (`Ц` → `C`, `Ч` → `C`, `Ш` → `S`, `Х` → `H`,
    /// `Ђ` → `DJ`).
    CyrillicSerbianNational,
    /// Hanzi compared with Hanyu Pinyin, every reading of a polyphonic
    /// character considered, tones ignored, `ü` written `YU`, `U` or `V`.
    Pinyin,
    /// The same name parts in a different order (`JOHN SMITH` =
    /// `SMITH<<JOHN`).
    NameOrder,
    /// The document name is a prefix of the typed name, accepted only when
    /// the caller says the document's name field was truncated.
    Truncation,
}

impl Rule {
    /// Every rule, in pipeline order.
    pub const ALL: [Rule; 16] = [
        Rule::FullWidth,
        Rule::UnicodeCompatibility,
        Rule::InvisibleCharacters,
        Rule::Case,
        Rule::Punctuation,
        Rule::MrzFiller,
        Rule::Whitespace,
        Rule::WordBoundary,
        Rule::Transliteration,
        Rule::CyrillicTransliteration,
        Rule::CyrillicUkrainianNational,
        Rule::CyrillicRussianLegacy,
        Rule::CyrillicSerbianNational,
        Rule::Pinyin,
        Rule::NameOrder,
        Rule::Truncation,
    ];

    /// The stable snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::FullWidth => "full_width",
            Rule::UnicodeCompatibility => "unicode_compatibility",
            Rule::InvisibleCharacters => "invisible_characters",
            Rule::Case => "case",
            Rule::Whitespace => "whitespace",
            Rule::MrzFiller => "mrz_filler",
            Rule::Punctuation => "punctuation",
            Rule::WordBoundary => "word_boundary",
            Rule::Transliteration => "transliteration",
            Rule::CyrillicTransliteration => "cyrillic_transliteration",
            Rule::CyrillicUkrainianNational => "cyrillic_ukrainian_national",
            Rule::CyrillicRussianLegacy => "cyrillic_russian_legacy",
            Rule::CyrillicSerbianNational => "cyrillic_serbian_national",
            Rule::Pinyin => "pinyin",
            Rule::NameOrder => "name_order",
            Rule::Truncation => "truncation",
        }
    }

    /// Whether the rule only reformats text (as opposed to transliterating
    /// letters or rearranging or truncating name parts).
    pub fn is_formatting(self) -> bool {
        matches!(
            self,
            Rule::FullWidth
                | Rule::UnicodeCompatibility
                | Rule::InvisibleCharacters
                | Rule::Case
                | Rule::Whitespace
                | Rule::MrzFiller
                | Rule::Punctuation
        )
    }

    fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of enabled rules (a bit set over [`Rule`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RuleSet(u32);

impl RuleSet {
    /// Every rule enabled.
    pub(crate) fn all() -> Self {
        Rule::ALL.iter().fold(RuleSet(0), |set, rule| set.with(*rule))
    }

    /// Every formatting rule enabled, nothing else: the rule set of
    /// [`crate::normalize`].
    pub(crate) fn formatting() -> Self {
        Rule::ALL
            .iter()
            .filter(|rule| rule.is_formatting())
            .fold(RuleSet(0), |set, rule| set.with(*rule))
    }

    pub(crate) fn contains(self, rule: Rule) -> bool {
        self.0 & rule.bit() != 0
    }

    pub(crate) fn with(self, rule: Rule) -> Self {
        RuleSet(self.0 | rule.bit())
    }

    pub(crate) fn without(self, rule: Rule) -> Self {
        RuleSet(self.0 & !rule.bit())
    }

    /// The enabled rules in pipeline order.
    pub(crate) fn to_vec(self) -> Vec<Rule> {
        Rule::ALL.iter().copied().filter(|rule| self.contains(*rule)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialised_names_match_as_str() {
        for rule in Rule::ALL {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.as_str()));
        }
    }

    #[test]
    fn all_is_in_declaration_order_and_complete() {
        let mut sorted = Rule::ALL;
        sorted.sort();
        assert_eq!(sorted, Rule::ALL);
        assert_eq!(RuleSet::all().to_vec(), Rule::ALL.to_vec());
    }

    #[test]
    fn set_operations() {
        let set = RuleSet::all().without(Rule::Case);
        assert!(!set.contains(Rule::Case));
        assert!(set.contains(Rule::Pinyin));
        assert!(set.with(Rule::Case).contains(Rule::Case));
        assert!(RuleSet::formatting().contains(Rule::MrzFiller));
        assert!(!RuleSet::formatting().contains(Rule::Transliteration));
    }
}
