//! Comparing the name an applicant typed with the name on an identity
//! document, and explaining the difference.
//!
//! The comparison never guesses. It says whether the names are `exact`,
//! `equivalent` or a `mismatch`; for an equivalent pair it lists every
//! [`Rule`] that was needed to make them equal, so that a policy can decide
//! which rules it accepts (a strict policy may accept only `case`); for a
//! mismatch it lists which name parts differ. Pure: no I/O, no clock, no
//! randomness, no global state.
//!
//! # The rules, in pipeline order
//!
//! **Exact.** The two inputs are identical after Unicode NFC normalisation and
//! removal of leading and trailing whitespace. Outcome `exact`, no rules.
//!
//! Otherwise both names go through the following steps. Each step is a named
//! rule; a rule is reported when the names are equivalent with it and would
//! not be without it (see *Which rules are reported* below).
//!
//! Formatting rules (these also define [`normalize`]):
//!
//! 1. `full_width`: full-width forms U+FF01–U+FF5E (`Ａ`, `１`, `－`) become
//!    ASCII, the ideographic space U+3000 becomes a space.
//! 2. `unicode_compatibility`: the remaining Unicode compatibility mappings
//!    (NFKC): ligatures (`ﬁ` → `fi`), superscripts, non-breaking spaces,
//!    half-width katakana. Punctuation and the letters `Ĳ`, `Ŀ` are left to
//!    their own rules.
//! 3. `invisible_characters`: zero-width spaces and joiners, soft hyphens,
//!    byte-order marks, bidirectional controls, variation selectors, tag
//!    characters and control characters other than whitespace are removed.
//! 4. `case`: everything is upper-cased with the full Unicode mapping, except
//!    that `ß` becomes capital `ẞ` (spelling it `SS` is a transliteration).
//! 5. `punctuation`: hyphens and dashes (`-`, U+2010–U+2015, `−`) and commas
//!    separate words, together with any whitespace around them; apostrophes
//!    (`'`, `’`, `‘`, `ʼ`, `` ` ``, `´`), full stops and the middle dot `·`
//!    are dropped. So `AL-KAABI` = `AL KAABI`, `O'BRIEN` = `OBRIEN`,
//!    `SMITH, JOHN` = `SMITH JOHN`. This follows ICAO 9303-3, where
//!    apostrophes are omitted in the MRZ and hyphens become a filler.
//!    `ALKAABI` against `AL-KAABI` additionally needs `word_boundary`.
//! 6. `mrz_filler`: a name containing `<` is read in MRZ form: leading and
//!    trailing `<` are padding, the first `<<` separates the primary
//!    identifier (surname) from the secondary identifier (given names), and
//!    any other run of `<` separates words. `ERIKSSON<<ANNA<MARIA<<<` =
//!    `ERIKSSON ANNA MARIA`. The split itself is not compared: which parts
//!    are surnames matters only for the order of the parts. Either input may
//!    be in MRZ form.
//! 7. `whitespace`: any run of whitespace separates words once. Without it,
//!    only a single U+0020 separates words, so a doubled space differs.
//!
//! Comparison rules:
//!
//! 8. `word_boundary`: where the words break is ignored: a separator on one
//!    side need not be matched by one on the other (`HAPPY PERSON` =
//!    `HAPPYPERSON`, and likewise `AB C` = `A BC`).
//! 9. `transliteration`: ICAO 9303-3 transliteration of Latin letters. The
//!    general rule drops diacritics (`Č` → `C`, `Ė` → `E`, `Ņ` → `N`,
//!    `Ñ` → `N`, `Ç` → `C`, `Ő` → `O`); the table adds `Ä` → `AE`,
//!    `Å` → `AA`, `Ö` → `OE`, `Ü` → `UE` (each also accepted as the plain
//!    letter, e.g. `MÜLLER` = `MUELLER` = `MULLER`), `Æ` → `AE`, `Ø` → `OE`,
//!    `Œ` → `OE`, `ß` → `SS`, `Þ` → `TH`, `Ð` → `D`, `Ĳ` → `IJ`, `Ł` → `L`,
//!    `Đ` → `D`, `Ħ` → `H`, `Ŧ` → `T`, `Ŀ` → `L`, `Ŋ` → `N`, `ı` → `I`.
//! 10. `cyrillic_transliteration`: the ICAO 9303-3 Cyrillic table: А A, Б B,
//!     В V, Г G, Ґ G, Д D, Ѓ G, Ђ D, Е E, Ё E, Є IE, Ж ZH, З Z, Ѕ DZ, И I,
//!     І I, Ї I, Й I, Ј J, К K, Ќ K, Л L, Љ LJ, М M, Н N, Њ NJ, О O, П P,
//!     Р R, С S, Т T, Ћ C, У U, Ў U, Ф F, Х KH, Ц TS, Ч CH, Џ DZ, Ш SH,
//!     Щ SHCH, Ъ IE, Ы Y, Ь (omitted), Э E, Ю IU, Я IA. Russian passports
//!     issued since 2013 follow this table.
//! 11. `cyrillic_ukrainian_national`: the Ukrainian national system of 2010
//!     used in Ukrainian passports: Г H (ЗГ ZGH), И Y, and at the start of a
//!     word Є YE, Ї YI, Й Y, Ю YU, Я YA (elsewhere IE, I, I, IU, IA); the
//!     other letters as in ICAO.
//! 12. `cyrillic_russian_legacy`: Russian passports before 2013: Й Y, Ю YU,
//!     Я YA (1997 system), Ц TC (2010 system), Ъ and Ь omitted.
//! 13. `cyrillic_serbian_national`: Serbian Cyrillic through the Serbian
//!     Latin alphabet without diacritics, as in Serbian MRZs: Ђ DJ or D,
//!     Ж Z, Ћ C, Х H, Ц C, Ч C, Џ DZ, Ш S (so `МИЛИЦА` = `MILICA`, where
//!     ICAO gives `MILITSA`).
//! 14. `pinyin`: Han characters (simplified or traditional) against Hanyu
//!     Pinyin: every reading of a polyphonic character is tried (`单` is
//!     DAN, SHAN or CHAN), tones are ignored, `ü` may be written `YU`
//!     (Chinese passports since 2012), `U` or `V`, and the syllables of one
//!     Han word may be written together or apart (`张小明` = `ZHANG XIAOMING`
//!     = `ZHANG XIAO MING`).
//! 15. `name_order`: the same parts in another order: a block of parts moved
//!     from the front to the back (`JOHN SMITH` = `SMITH<<JOHN`), or any
//!     rearrangement in which a part may stand for up to three adjacent parts
//!     on the other side (`ZHANG SAN O'BRIEN` = `O'BRIEN 张三`). For names of
//!     more than 12 parts the rearrangements tried are limited to block moves
//!     and permutations of whole parts.
//! 16. `truncation`: only when the caller sets
//!     [`CompareOptions::document_truncated`] (the MRZ parser knows when the
//!     name field was full): the document name may be a prefix of the typed
//!     name.
//!
//! A letter produced by transliterating one script is never matched
//! against a letter produced by transliterating the same script: `张` and
//! `章` both read ZHANG and `Й` and `И` both give I, but they are different
//! names; Han is compared with Han character by character. Transliterations
//! of different scripts may meet (`ĐORĐE` = `ЂОРЂЕ`).
//!
//! A name part missing from either side is a mismatch: `JOHN SMITH` against
//! `SMITH<<JOHN<ALBERT` reports `{"kind":"missing_part","value":"ALBERT"}`.
//!
//! # Which rules are reported
//!
//! The names are first compared with every rule enabled (truncation only
//! when allowed). If they are equivalent, rules are switched off one at a
//! time, lenient ones first (truncation, name order, word boundary, the
//! national Cyrillic systems, then the formatting rules, then the standard
//! transliterations); a rule stays off when the names are still
//! equivalent without it. The rules left on are reported, in pipeline order:
//! each of them was needed given the others. For a mismatch `rules` is empty.
//!
//! # Limits
//!
//! Matching never enumerates spellings: each name becomes an automaton of its
//! possible spellings and two automata are compared state by state, so a
//! name with many two-way letters costs no more than its length suggests.
//! Inputs longer than [`MAX_INPUT_CHARS`] characters or with more than
//! [`MAX_PARTS`] parts are a mismatch with a `too_long` or `too_many_parts`
//! difference (unless exactly identical). A step budget bounds the work of
//! any comparison; if it runs out the outcome is a mismatch with a
//! `too_complex` difference (if it runs out while minimising the reported
//! rules of an already proven equivalence, the rules still enabled are
//! reported: a superset of those needed).
//!
//! Not covered: Greek, Arabic and other scripts (compared literally),
//! Macedonian and Bulgarian national systems, spellings outside the ICAO
//! table such as `Ø` as `O` (`SØREN` against `SOREN` is a mismatch),
//! conversion between traditional
//! and simplified Han characters (`張` against `张` is a mismatch, though both
//! match `ZHANG`), Japanese and Korean readings of Han characters, nicknames
//! and typing mistakes.

#![forbid(unsafe_code)]

mod automaton;
mod compare;
mod cyrillic;
mod format;
mod han;
mod latin;
mod rules;

use serde::{Deserialize, Serialize};

pub use rules::Rule;

use automaton::{Budget, OutOfBudget};
use compare::{explain, needed_rules, sides_without_parts, Prepared, Verdict};
use rules::RuleSet;

/// Longest input, in Unicode scalar values, that is compared. Longer inputs
/// are a mismatch (`too_long`) unless identical.
pub const MAX_INPUT_CHARS: usize = 256;

/// Most name parts (words) compared per side. More is a mismatch
/// (`too_many_parts`) unless identical.
pub const MAX_PARTS: usize = 32;

/// State pairs one comparison may visit before giving up (`too_complex`).
const STEP_BUDGET: u64 = 2_000_000;

/// Options for [`compare_names_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareOptions {
    /// The document's name field was full, so its name may have been cut
    /// short: a document name that is a prefix of the typed name is then
    /// equivalent, with rule `truncation`.
    pub document_truncated: bool,
}

/// The outcome of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Identical after NFC and trimming.
    Exact,
    /// Equal after applying the listed rules.
    Equivalent,
    /// Not equal under any rule.
    Mismatch,
}

/// Which input a difference is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The name the applicant typed.
    Typed,
    /// The name on the document.
    Document,
}

/// Why a comparison is a mismatch. Serialised with a `kind` tag, e.g.
/// `{"kind":"missing_part","value":"ALBERT"}`. Values are name parts in
/// their formatted form (see [`normalize`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// A part on the document that the typed name lacks.
    MissingPart {
        /// The document's part.
        value: String,
    },
    /// A typed part that the document lacks.
    ExtraPart {
        /// The typed part.
        value: String,
    },
    /// A typed part that differs from the document part in its place.
    DifferentPart {
        /// The typed part.
        typed: String,
        /// The document's part.
        document: String,
    },
    /// One input has no name parts at all after formatting.
    Empty {
        /// The empty input.
        side: Side,
    },
    /// One input is longer than [`MAX_INPUT_CHARS`].
    TooLong {
        /// The long input.
        side: Side,
        /// Its length in Unicode scalar values.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// One input has more than [`MAX_PARTS`] parts.
    TooManyParts {
        /// The input.
        side: Side,
        /// Its number of parts.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The comparison exceeded its step budget.
    TooComplex,
}

/// The result of comparing a typed name with a document name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameComparison {
    /// `exact`, `equivalent` or `mismatch`.
    pub outcome: Outcome,
    /// The rules that were needed, in pipeline order; empty for `exact` and
    /// `mismatch`.
    pub rules: Vec<Rule>,
    /// The typed name as given.
    pub typed: String,
    /// The document name as given.
    pub document: String,
    /// The typed name after the formatting rules ([`normalize`]).
    pub typed_normalized: String,
    /// The document name after the formatting rules ([`normalize`]).
    pub document_normalized: String,
    /// For a mismatch, what differs; empty otherwise.
    pub differences: Vec<Difference>,
}

/// The formatting-only canonical form of a name: every formatting rule
/// applied (full-width, compatibility, invisible characters, upper case,
/// punctuation, MRZ fillers, whitespace) and the parts joined by single
/// spaces, surname first for MRZ names. No transliteration: `Müller`
/// becomes `MÜLLER`, `SMITH<<JOHN` becomes `SMITH JOHN`.
pub fn normalize(name: &str) -> String {
    format::parse(name, RuleSet::formatting()).parts.join(" ")
}

/// Compares a typed name with a document name using the default options.
///
/// ```
/// use openkyc_names::{compare_names, Outcome, Rule};
/// let result = compare_names("John Smith", "SMITH<<JOHN");
/// assert_eq!(result.outcome, Outcome::Equivalent);
/// assert_eq!(result.rules, [Rule::Case, Rule::MrzFiller, Rule::NameOrder]);
/// ```
pub fn compare_names(typed: &str, document: &str) -> NameComparison {
    compare_names_with(typed, document, &CompareOptions::default())
}

/// Compares a typed name with a document name.
pub fn compare_names_with(typed: &str, document: &str, options: &CompareOptions) -> NameComparison {
    let mut result = NameComparison {
        outcome: Outcome::Mismatch,
        rules: Vec::new(),
        typed: typed.to_string(),
        document: document.to_string(),
        typed_normalized: normalize(typed),
        document_normalized: normalize(document),
        differences: Vec::new(),
    };
    if format::nfc_trimmed(typed) == format::nfc_trimmed(document) {
        result.outcome = Outcome::Exact;
        return result;
    }
    result.differences = input_problems(typed, document);
    if !result.differences.is_empty() {
        return result;
    }
    let start = if options.document_truncated {
        RuleSet::all()
    } else {
        RuleSet::all().without(Rule::Truncation)
    };
    let mut budget = Budget::new(STEP_BUDGET);
    match needed_rules(typed, document, start, &mut budget) {
        Ok(Verdict::Equivalent(rules)) => {
            result.outcome = Outcome::Equivalent;
            result.rules = rules.to_vec();
        }
        Ok(Verdict::Mismatch) => {
            result.differences =
                explain(typed, document, start, &mut budget).unwrap_or_else(|OutOfBudget| vec![Difference::TooComplex]);
        }
        Err(OutOfBudget) => result.differences = vec![Difference::TooComplex],
    }
    result
}

/// Inputs that are not compared at all: too long, too many parts, empty.
fn input_problems(typed: &str, document: &str) -> Vec<Difference> {
    let mut problems = Vec::new();
    for (side, text) in [(Side::Typed, typed), (Side::Document, document)] {
        let length = text.chars().count();
        if length > MAX_INPUT_CHARS {
            problems.push(Difference::TooLong {
                side,
                length,
                limit: MAX_INPUT_CHARS,
            });
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let formatting = RuleSet::formatting();
    let t = Prepared::new(typed, formatting);
    let d = Prepared::new(document, formatting);
    for (side, prepared) in [(Side::Typed, &t), (Side::Document, &d)] {
        if prepared.parts.len() > MAX_PARTS {
            problems.push(Difference::TooManyParts {
                side,
                count: prepared.parts.len(),
                limit: MAX_PARTS,
            });
        }
    }
    if problems.is_empty() {
        problems.extend(
            sides_without_parts(&t, &d)
                .into_iter()
                .map(|side| Difference::Empty { side }),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_of(typed: &str, document: &str) -> Vec<Rule> {
        let result = compare_names(typed, document);
        assert_eq!(
            result.outcome,
            Outcome::Equivalent,
            "{typed:?} vs {document:?}: {result:?}"
        );
        result.rules
    }

    fn assert_mismatch(typed: &str, document: &str) -> Vec<Difference> {
        let result = compare_names(typed, document);
        assert_eq!(
            result.outcome,
            Outcome::Mismatch,
            "{typed:?} vs {document:?}: {result:?}"
        );
        assert!(result.rules.is_empty());
        assert!(!result.differences.is_empty());
        result.differences
    }

    use Rule::*;

    #[test]
    fn exact_after_nfc_and_trim() {
        for (typed, document) in [
            ("Anna", "Anna"),
            ("  Anna\t", "Anna"),
            ("A\u{030A}ngstr\u{00F6}m", "\u{00C5}ngstro\u{0308}m"),
        ] {
            let result = compare_names(typed, document);
            assert_eq!(result.outcome, Outcome::Exact);
            assert!(result.rules.is_empty() && result.differences.is_empty());
        }
        assert_ne!(compare_names("Anna", "ANNA").outcome, Outcome::Exact);
    }

    #[test]
    fn full_width() {
        assert_eq!(rules_of("ＪＯＨＮ　ＳＭＩＴＨ", "JOHN SMITH"), [FullWidth]);
        assert_eq!(rules_of("ｊｏｈｎ", "JOHN"), [FullWidth, Case]);
        assert_mismatch("ＪＯＨＮ", "JOAN");
    }

    #[test]
    fn unicode_compatibility() {
        assert_eq!(rules_of("ﬁona", "FIONA"), [UnicodeCompatibility, Case]);
        assert_eq!(rules_of("JOHN\u{00A0}SMITH", "JOHN SMITH"), [UnicodeCompatibility]);
        assert_mismatch("ﬁona", "FLONA");
    }

    #[test]
    fn invisible_characters() {
        assert_eq!(rules_of("JO\u{200B}HN", "JOHN"), [InvisibleCharacters]);
        assert_eq!(rules_of("\u{FEFF}JOHN\u{202E}", "JOHN"), [InvisibleCharacters]);
        assert_mismatch("JO\u{200B}HN", "JOAN");
    }

    #[test]
    fn case() {
        assert_eq!(rules_of("john smith", "JOHN SMITH"), [Case]);
        assert_eq!(rules_of("élodie", "ÉLODIE"), [Case]);
        assert_mismatch("jon smith", "JOHN SMITH");
    }

    #[test]
    fn whitespace() {
        assert_eq!(rules_of("JOHN \t\n SMITH", "JOHN SMITH"), [Whitespace]);
        assert_eq!(rules_of("JOHN  SMITH", "JOHN SMITH"), [Whitespace]);
        assert_mismatch("JOHN  SMITH", "JOHN SMYTH");
    }

    #[test]
    fn mrz_filler() {
        assert_eq!(rules_of("SMITH JOHN", "SMITH<<JOHN<<<<<<<<"), [MrzFiller]);
        assert_eq!(rules_of("ERIKSSON ANNA MARIA", "ERIKSSON<<ANNA<MARIA"), [MrzFiller]);
        assert_mismatch("SMITH JOHN", "SMITH<<JOAN<<<<");
    }

    #[test]
    fn punctuation() {
        assert_eq!(rules_of("O'Brien", "OBRIEN"), [Case, Punctuation]);
        assert_eq!(rules_of("O’BRIEN", "OBRIEN"), [Punctuation]);
        assert_eq!(rules_of("AL-KAABI", "AL KAABI"), [Punctuation]);
        assert_eq!(
            rules_of("OSPELT-BECK MARISA", "OSPELT<BECK<<MARISA"),
            [Punctuation, MrzFiller]
        );
        assert_eq!(rules_of("SMITH, JOHN", "SMITH JOHN"), [Punctuation]);
        assert_eq!(rules_of("ST. JOHN", "ST JOHN"), [Punctuation]);
        assert_mismatch("O'Brien", "O'BRYAN");
    }

    #[test]
    fn word_boundary() {
        assert_eq!(rules_of("HAPPY PERSON", "HAPPYPERSON"), [WordBoundary]);
        assert_eq!(rules_of("AL-KAABI", "ALKAABI"), [Punctuation, WordBoundary]);
        assert_mismatch("HAPPY PERSON", "HAPPYPERSONS");
    }

    #[test]
    fn latin_transliteration() {
        assert_eq!(rules_of("Müller", "MUELLER"), [Case, Transliteration]);
        assert_eq!(rules_of("Müller", "MULLER"), [Case, Transliteration]);
        assert_eq!(rules_of("MULLER", "MÜLLER"), [Transliteration]);
        assert_eq!(rules_of("PARAUDZIŅŠ", "PARAUDZINS"), [Transliteration]);
        assert_eq!(rules_of("PARAUDZINŠ", "PARAUDZINS"), [Transliteration]);
        assert_eq!(rules_of("ÆVARSDÓTTIR", "AEVARSDOTTIR"), [Transliteration]);
        assert_eq!(rules_of("ÞURÍÐUR ÖSP", "THURIDUR OSP"), [Transliteration]);
        assert_eq!(rules_of("ÞURÍÐUR ÖSP", "THURIDUR OESP"), [Transliteration]);
        assert_eq!(rules_of("Straße", "STRASSE"), [Case, Transliteration]);
        assert_eq!(rules_of("BASANAVIČIENĖ", "BASANAVICIENE"), [Transliteration]);
        assert_eq!(rules_of("ESPAÑOLA", "ESPANOLA"), [Transliteration]);
        assert_eq!(rules_of("Ĳsbrand", "IJSBRAND"), [Case, Transliteration]);
        assert_eq!(
            rules_of("Ævarsdóttir Þuríður", "AEVARSDOTTIR<<THURIDUR"),
            [Case, MrzFiller, Transliteration]
        );
        assert_eq!(
            rules_of("Müller Hans", "MUELLER<<HANS"),
            [Case, MrzFiller, Transliteration]
        );
        assert_mismatch("Muller", "MILLER");
        assert_mismatch("Müller", "MUELER");
        assert_mismatch("Müller", "MOLLER");
        // Two different accented letters are different letters.
        assert_mismatch("MÛLLER", "MÜLLER");
        // ICAO gives only OE for Ø.
        assert_mismatch("SØREN", "SOREN");
    }

    #[test]
    fn cyrillic_icao() {
        assert_eq!(
            rules_of("ТКАЧЕНКО МАР'ЯНА", "TKACHENKO MARIANA"),
            [Punctuation, CyrillicTransliteration]
        );
        assert_eq!(rules_of("ТЕСТ МИЛИЦА", "TEST MILITSA"), [CyrillicTransliteration]);
        assert_eq!(rules_of("Щеглова", "SHCHEGLOVA"), [Case, CyrillicTransliteration]);
        assert_eq!(rules_of("ЮЛИЯ", "IULIIA"), [CyrillicTransliteration]);
        assert_mismatch("ТЕСТ", "TEXT");
        assert_mismatch("ЮЛИЯ", "IULIA");
        // Й and И are different letters even though both give I.
        assert_mismatch("ЙОН", "ИОН");
    }

    #[test]
    fn cyrillic_national_systems() {
        assert_eq!(rules_of("ТЕСТ МИЛИЦА", "TEST MILICA"), [CyrillicSerbianNational]);
        assert_eq!(rules_of("ГАЛИНА", "HALYNA"), [CyrillicUkrainianNational]);
        assert_eq!(rules_of("ЯРОСЛАВ", "YAROSLAV"), [CyrillicUkrainianNational]);
        assert_eq!(
            rules_of("ГАЛИНА", "HALINA"),
            [CyrillicTransliteration, CyrillicUkrainianNational]
        );
        assert_eq!(rules_of("ЮЛИЯ", "YULIYA"), [CyrillicRussianLegacy]);
        assert_eq!(rules_of("ЦАРЕВ", "TCAREV"), [CyrillicRussianLegacy]);
        assert_eq!(rules_of("ЂОРЂЕ", "DJORDJE"), [CyrillicSerbianNational]);
        assert_eq!(rules_of("ĐORĐE", "ЂОРЂЕ"), [Transliteration, CyrillicTransliteration]);
        // Inside a word the Ukrainian system writes Я as IA, never YA ...
        assert_eq!(rules_of("МАРЯНА", "MARYANA"), [CyrillicRussianLegacy]);
        // ... and no system writes it JA.
        assert_mismatch("МАРЯНА", "MARJANA");
        assert_mismatch("ГАЛИНА", "GALYNI");
    }

    #[test]
    fn pinyin() {
        assert_eq!(rules_of("张三", "ZHANG<<SAN"), [MrzFiller, Pinyin]);
        assert_eq!(rules_of("张三", "ZHANG SAN"), [Pinyin]);
        assert_eq!(rules_of("张三", "Zhang San"), [Case, Pinyin]);
        assert_eq!(rules_of("张小明", "ZHANG<<XIAOMING"), [MrzFiller, Pinyin]);
        assert_eq!(rules_of("单三", "SHAN SAN"), [Pinyin]);
        assert_eq!(rules_of("曾小明", "ZENG XIAOMING"), [Pinyin]);
        assert_eq!(rules_of("解三", "XIE SAN"), [Pinyin]);
        assert_eq!(rules_of("仇三", "QIU SAN"), [Pinyin]);
        assert_eq!(rules_of("区三", "OU SAN"), [Pinyin]);
        assert_eq!(rules_of("朴三", "PIAO SAN"), [Pinyin]);
        assert_eq!(rules_of("尉迟三", "YUCHI SAN"), [Pinyin]);
        assert_eq!(rules_of("乐三", "YUE SAN"), [Pinyin]);
        for spelling in ["LYU SAN", "LU SAN", "LV SAN"] {
            assert_eq!(rules_of("吕三", spelling), [Pinyin]);
        }
        assert_eq!(rules_of("張三", "ZHANG SAN"), [Pinyin]);
        // Han mixed with Latin.
        assert_eq!(rules_of("张San", "ZHANG SAN"), [Case, Pinyin]);
        assert_eq!(rules_of("张 三", "ZHANGSAN"), [WordBoundary, Pinyin]);
        assert_mismatch("张三", "ZHANG<<SHAN");
        assert_mismatch("张三", "ZHANG SANG");
        // Han against Han is compared character by character.
        assert_mismatch("张三", "章三");
        assert_mismatch("张三", "張三");
    }

    #[test]
    fn name_order() {
        assert_eq!(rules_of("SAN ZHANG", "ZHANG<<SAN"), [MrzFiller, NameOrder]);
        assert_eq!(rules_of("John Smith", "SMITH<<JOHN"), [Case, MrzFiller, NameOrder]);
        assert_eq!(
            rules_of("ANNA MARIA ERIKSSON", "ERIKSSON<<ANNA<MARIA"),
            [MrzFiller, NameOrder]
        );
        assert_eq!(rules_of("MARIA ERIKSSON ANNA", "ERIKSSON ANNA MARIA"), [NameOrder]);
        assert_eq!(rules_of("三张", "ZHANG SAN"), [Pinyin, NameOrder]);
        assert_eq!(
            rules_of("ZHANG SAN O'BRIEN MÜLLER", "MÜLLER O'BRIEN 张三"),
            [Pinyin, NameOrder]
        );
        // Longer names: permutations of whole parts.
        let letters: Vec<String> = ('A'..='M').map(|c| format!("{c}{c}")).collect();
        let mut shuffled = letters.clone();
        shuffled.swap(0, 12);
        shuffled.swap(3, 7);
        assert_eq!(rules_of(&letters.join(" "), &shuffled.join(" ")), [NameOrder]);
        assert_mismatch("SAN ZHANG", "ZHANG<<SHAN");
    }

    #[test]
    fn missing_extra_and_different_parts() {
        assert_eq!(
            assert_mismatch("John Smith", "SMITH<<JOHN<ALBERT"),
            [Difference::MissingPart { value: "ALBERT".into() }]
        );
        assert_eq!(
            assert_mismatch("John Albert Smith", "SMITH<<JOHN"),
            [Difference::ExtraPart { value: "ALBERT".into() }]
        );
        assert_eq!(
            assert_mismatch("Jon Smith", "SMITH<<JOHN"),
            [Difference::DifferentPart {
                typed: "JON".into(),
                document: "JOHN".into()
            }]
        );
        assert_eq!(
            assert_mismatch("Smith Jon", "JOHN SMITH"),
            [Difference::DifferentPart {
                typed: "JON".into(),
                document: "JOHN".into()
            }]
        );
        assert_eq!(
            assert_mismatch("张三", "ZHANG<<SHAN"),
            [
                Difference::DifferentPart {
                    typed: "张三".into(),
                    document: "ZHANG".into()
                },
                Difference::MissingPart { value: "SHAN".into() }
            ]
        );
    }

    #[test]
    fn truncation_only_when_allowed() {
        let truncated = CompareOptions {
            document_truncated: true,
        };
        let result = compare_names_with("Anna Maria Eriksson", "ERIKSSON<<ANNA<MAR", &truncated);
        assert_eq!(result.outcome, Outcome::Equivalent);
        assert_eq!(result.rules, [Case, MrzFiller, NameOrder, Truncation]);
        let result = compare_names_with("ERIKSSON ANNA MARIA", "ERIKSSON<<ANNA<MA", &truncated);
        assert_eq!(result.rules, [MrzFiller, Truncation]);
        // Not truncated: no truncation rule even when allowed.
        let result = compare_names_with("ERIKSSON ANNA", "ERIKSSON<<ANNA", &truncated);
        assert_eq!(result.rules, [MrzFiller]);
        assert_mismatch("ERIKSSON ANNA MARIA", "ERIKSSON<<ANNA<MA");
        let result = compare_names_with("ERIKSSON ANNA MARIA", "ERIKSSON<<ANNA<MO", &truncated);
        assert_eq!(result.outcome, Outcome::Mismatch);
        // Only the document may be the shorter one.
        let result = compare_names_with("ERIKSSON ANNA MA", "ERIKSSON<<ANNA<MARIA", &truncated);
        assert_eq!(result.outcome, Outcome::Mismatch);
    }

    #[test]
    fn limits_and_empty_inputs() {
        let long = "A".repeat(MAX_INPUT_CHARS + 1);
        let result = compare_names(&long, "A");
        assert_eq!(
            result.differences,
            [Difference::TooLong {
                side: Side::Typed,
                length: MAX_INPUT_CHARS + 1,
                limit: MAX_INPUT_CHARS
            }]
        );
        assert_eq!(compare_names(&long, &long).outcome, Outcome::Exact);
        assert_eq!(
            compare_names(&"A".repeat(MAX_INPUT_CHARS), &"A".repeat(MAX_INPUT_CHARS)).outcome,
            Outcome::Exact
        );
        let many = vec!["A"; MAX_PARTS + 1].join(" ");
        assert_eq!(
            compare_names("A", &many).differences,
            [Difference::TooManyParts {
                side: Side::Document,
                count: MAX_PARTS + 1,
                limit: MAX_PARTS
            }]
        );
        let most = vec!["A"; MAX_PARTS].join(" ");
        assert_eq!(compare_names(&most, &most.to_lowercase()).outcome, Outcome::Equivalent);
        assert_eq!(
            compare_names("", "SMITH").differences,
            [Difference::Empty { side: Side::Typed }]
        );
        assert_eq!(
            compare_names("<<", "--").differences,
            [
                Difference::Empty { side: Side::Typed },
                Difference::Empty { side: Side::Document }
            ]
        );
    }

    #[test]
    fn normalize_is_formatting_only() {
        assert_eq!(normalize("  smith<<john<paul<<<< "), "SMITH JOHN PAUL");
        assert_eq!(normalize("Müller"), "MÜLLER");
        assert_eq!(normalize("O'Brien-Smith"), "OBRIEN SMITH");
        assert_eq!(normalize("ＪＯＨＮ\u{200B}"), "JOHN");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn json_shape() {
        let json = serde_json::to_value(compare_names("John Smith", "SMITH<<JOHN<ALBERT")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "outcome": "mismatch",
                "rules": [],
                "typed": "John Smith",
                "document": "SMITH<<JOHN<ALBERT",
                "typed_normalized": "JOHN SMITH",
                "document_normalized": "SMITH JOHN ALBERT",
                "differences": [{"kind": "missing_part", "value": "ALBERT"}]
            })
        );
        let json = serde_json::to_value(compare_names("Müller", "MUELLER")).unwrap();
        assert_eq!(json["outcome"], "equivalent");
        assert_eq!(json["rules"], serde_json::json!(["case", "transliteration"]));
        let too_long = serde_json::to_value(Difference::TooLong {
            side: Side::Document,
            length: 300,
            limit: 256,
        })
        .unwrap();
        assert_eq!(
            too_long,
            serde_json::json!({"kind": "too_long", "side": "document", "length": 300, "limit": 256})
        );
        assert_eq!(
            serde_json::to_value(Difference::TooComplex).unwrap(),
            serde_json::json!({"kind": "too_complex"})
        );
    }
}
