//! Transliteration of Cyrillic: the ICAO 9303-3 table and the national
//! systems seen in real passports, each a separate [`Rule`].

use crate::rules::{Rule, RuleSet};

/// ICAO Doc 9303 Part 3, transliteration of Cyrillic characters (Russian,
/// Ukrainian, Belarusian, Bulgarian, Serbian and Macedonian letters).
const ICAO: &[(char, &str)] = &[
    ('А', "A"),
    ('Б', "B"),
    ('В', "V"),
    ('Г', "G"),
    ('Ґ', "G"),
    ('Д', "D"),
    ('Ѓ', "G"),
    ('Ђ', "D"),
    ('Е', "E"),
    ('Ё', "E"),
    ('Є', "IE"),
    ('Ж', "ZH"),
    ('З', "Z"),
    ('Ѕ', "DZ"),
    ('И', "I"),
    ('І', "I"),
    ('Ї', "I"),
    ('Й', "I"),
    ('Ј', "J"),
    ('К', "K"),
    ('Ќ', "K"),
    ('Л', "L"),
    ('Љ', "LJ"),
    ('М', "M"),
    ('Н', "N"),
    ('Њ', "NJ"),
    ('О', "O"),
    ('П', "P"),
    ('Р', "R"),
    ('С', "S"),
    ('Т', "T"),
    ('Ћ', "C"),
    ('У', "U"),
    ('Ў', "U"),
    ('Ф', "F"),
    ('Х', "KH"),
    ('Ц', "TS"),
    ('Ч', "CH"),
    ('Џ', "DZ"),
    ('Ш', "SH"),
    ('Щ', "SHCH"),
    ('Ъ', "IE"),
    ('Ы', "Y"),
    ('Ь', ""),
    ('Э', "E"),
    ('Ю', "IU"),
    ('Я', "IA"),
];

/// Ukrainian national transliteration (resolution No. 55 of the Cabinet of
/// Ministers of Ukraine, 27 January 2010), used in Ukrainian passports.
/// Letters with a word-initial form are handled in [`ukrainian`].
const UKRAINIAN: &[(char, &str)] = &[
    ('А', "A"),
    ('Б', "B"),
    ('В', "V"),
    ('Г', "H"),
    ('Ґ', "G"),
    ('Д', "D"),
    ('Е', "E"),
    ('Є', "IE"),
    ('Ж', "ZH"),
    ('З', "Z"),
    ('И', "Y"),
    ('І', "I"),
    ('Ї', "I"),
    ('Й', "I"),
    ('К', "K"),
    ('Л', "L"),
    ('М', "M"),
    ('Н', "N"),
    ('О', "O"),
    ('П', "P"),
    ('Р', "R"),
    ('С', "S"),
    ('Т', "T"),
    ('У', "U"),
    ('Ф', "F"),
    ('Х', "KH"),
    ('Ц', "TS"),
    ('Ч', "CH"),
    ('Ш', "SH"),
    ('Щ', "SHCH"),
    ('Ь', ""),
    ('Ю', "IU"),
    ('Я', "IA"),
];

/// The Ukrainian letters spelt differently at the start of a word.
const UKRAINIAN_INITIAL: &[(char, &str)] = &[('Є', "YE"), ('Ї', "YI"), ('Й', "Y"), ('Ю', "YU"), ('Я', "YA")];

/// Russian passports before the 2013 switch to ICAO 9303: the 1997 system
/// (`Й` → `Y`, `Ю` → `YU`, `Я` → `YA`) and the 2010 system (`Ц` → `TC`),
/// both omitting `Ъ` and `Ь`.
const RUSSIAN_LEGACY: &[(char, &[&str])] = &[
    ('А', &["A"]),
    ('Б', &["B"]),
    ('В', &["V"]),
    ('Г', &["G"]),
    ('Д', &["D"]),
    ('Е', &["E"]),
    ('Ё', &["E"]),
    ('Ж', &["ZH"]),
    ('З', &["Z"]),
    ('И', &["I"]),
    ('Й', &["Y", "I"]),
    ('К', &["K"]),
    ('Л', &["L"]),
    ('М', &["M"]),
    ('Н', &["N"]),
    ('О', &["O"]),
    ('П', &["P"]),
    ('Р', &["R"]),
    ('С', &["S"]),
    ('Т', &["T"]),
    ('У', &["U"]),
    ('Ф', &["F"]),
    ('Х', &["KH"]),
    ('Ц', &["TS", "TC"]),
    ('Ч', &["CH"]),
    ('Ш', &["SH"]),
    ('Щ', &["SHCH"]),
    ('Ъ', &[""]),
    ('Ы', &["Y"]),
    ('Ь', &[""]),
    ('Э', &["E"]),
    ('Ю', &["YU", "IU"]),
    ('Я', &["YA", "IA"]),
];

/// Serbian: the Serbian Latin alphabet with its diacritics dropped, as in
/// Serbian machine-readable zones (`Ђ` → `Đ` → `DJ` or `D`).
const SERBIAN: &[(char, &[&str])] = &[
    ('А', &["A"]),
    ('Б', &["B"]),
    ('В', &["V"]),
    ('Г', &["G"]),
    ('Д', &["D"]),
    ('Ђ', &["DJ", "D"]),
    ('Е', &["E"]),
    ('Ж', &["Z"]),
    ('З', &["Z"]),
    ('И', &["I"]),
    ('Ј', &["J"]),
    ('К', &["K"]),
    ('Л', &["L"]),
    ('Љ', &["LJ"]),
    ('М', &["M"]),
    ('Н', &["N"]),
    ('Њ', &["NJ"]),
    ('О', &["O"]),
    ('П', &["P"]),
    ('Р', &["R"]),
    ('С', &["S"]),
    ('Т', &["T"]),
    ('Ћ', &["C"]),
    ('У', &["U"]),
    ('Ф', &["F"]),
    ('Х', &["H"]),
    ('Ц', &["C"]),
    ('Ч', &["C"]),
    ('Џ', &["DZ"]),
    ('Ш', &["S"]),
];

/// Where in its word a letter stands, for the context-dependent spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    /// First letter of the word.
    pub(crate) word_initial: bool,
    /// The previous letter is `З` (Ukrainian spells `ЗГ` as `ZGH`).
    pub(crate) after_ze: bool,
}

/// Whether `c` is in the Cyrillic blocks.
pub(crate) fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}' | '\u{1C80}'..='\u{1C8F}' | '\u{2DE0}'..='\u{2DFF}' | '\u{A640}'..='\u{A69F}')
}

/// The upper-case form of a Cyrillic letter (every Cyrillic letter has a
/// one-character upper case).
pub(crate) fn upper(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

/// The spellings of `c` under each enabled Cyrillic rule, as `(rule,
/// spelling)` pairs; the case of `c` is kept.
pub(crate) fn alternatives(c: char, position: Position, rules: RuleSet) -> Vec<(Rule, String)> {
    if !is_cyrillic(c) {
        return Vec::new();
    }
    let key = upper(c);
    let lower = key != c;
    let mut found: Vec<(Rule, &str)> = Vec::new();
    if rules.contains(Rule::CyrillicTransliteration) {
        found.extend(lookup(ICAO, key).map(|s| (Rule::CyrillicTransliteration, s)));
    }
    if rules.contains(Rule::CyrillicUkrainianNational) {
        found.extend(ukrainian(key, position).map(|s| (Rule::CyrillicUkrainianNational, s)));
    }
    if rules.contains(Rule::CyrillicRussianLegacy) {
        found.extend(lookup_many(RUSSIAN_LEGACY, key).map(|s| (Rule::CyrillicRussianLegacy, s)));
    }
    if rules.contains(Rule::CyrillicSerbianNational) {
        found.extend(lookup_many(SERBIAN, key).map(|s| (Rule::CyrillicSerbianNational, s)));
    }
    found
        .into_iter()
        .map(|(rule, spelling)| {
            let spelling = if lower {
                spelling.to_lowercase()
            } else {
                spelling.to_string()
            };
            (rule, spelling)
        })
        .collect()
}

fn lookup(table: &'static [(char, &'static str)], key: char) -> Option<&'static str> {
    table
        .iter()
        .find(|(letter, _)| *letter == key)
        .map(|(_, spelling)| *spelling)
}

fn lookup_many(table: &'static [(char, &'static [&'static str])], key: char) -> impl Iterator<Item = &'static str> {
    table
        .iter()
        .filter(move |(letter, _)| *letter == key)
        .flat_map(|(_, spellings)| spellings.iter().copied())
}

fn ukrainian(key: char, position: Position) -> Option<&'static str> {
    if key == 'Г' && position.after_ze {
        return Some("GH");
    }
    if position.word_initial {
        if let Some(initial) = lookup(UKRAINIAN_INITIAL, key) {
            return Some(initial);
        }
    }
    lookup(UKRAINIAN, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIDDLE: Position = Position {
        word_initial: false,
        after_ze: false,
    };
    const INITIAL: Position = Position {
        word_initial: true,
        after_ze: false,
    };

    fn spell(word: &str, rule: Rule) -> String {
        let rules = RuleSet::all();
        let chars: Vec<char> = word.chars().collect();
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            let position = Position {
                word_initial: i == 0,
                after_ze: i > 0 && chars.get(i - 1).map(|p| upper(*p)) == Some('З'),
            };
            let spelling = alternatives(*c, position, rules)
                .into_iter()
                .find(|(r, _)| *r == rule)
                .map(|(_, s)| s)
                .unwrap_or_else(|| c.to_string());
            out.push_str(&spelling);
        }
        out
    }

    #[test]
    fn icao_examples() {
        assert_eq!(spell("ТКАЧЕНКО", Rule::CyrillicTransliteration), "TKACHENKO");
        assert_eq!(spell("МАРЯНА", Rule::CyrillicTransliteration), "MARIANA");
        assert_eq!(spell("ЩЕГЛОВА", Rule::CyrillicTransliteration), "SHCHEGLOVA");
        assert_eq!(spell("ЮЛИЯ", Rule::CyrillicTransliteration), "IULIIA");
        assert_eq!(spell("ОБЪЕДКОВ", Rule::CyrillicTransliteration), "OBIEEDKOV");
        assert_eq!(spell("ИГОРЬ", Rule::CyrillicTransliteration), "IGOR");
        assert_eq!(spell("МИЛИЦА", Rule::CyrillicTransliteration), "MILITSA");
    }

    #[test]
    fn ukrainian_national_examples() {
        // Examples of the kind given in the 2010 resolution.
        assert_eq!(spell("ЗГОРАНИ", Rule::CyrillicUkrainianNational), "ZGHORANY");
        assert_eq!(spell("ЯГОТИН", Rule::CyrillicUkrainianNational), "YAHOTYN");
        assert_eq!(spell("КОСТЯНТИН", Rule::CyrillicUkrainianNational), "KOSTIANTYN");
        assert_eq!(spell("ЮРІЙ", Rule::CyrillicUkrainianNational), "YURII");
        assert_eq!(spell("ЇЖАКЕВИЧ", Rule::CyrillicUkrainianNational), "YIZHAKEVYCH");
        assert_eq!(spell("ЄНАКІЄВЕ", Rule::CyrillicUkrainianNational), "YENAKIIEVE");
    }

    #[test]
    fn serbian_and_russian_legacy() {
        assert_eq!(spell("МИЛИЦА", Rule::CyrillicSerbianNational), "MILICA");
        assert_eq!(spell("ЂОРЂЕ", Rule::CyrillicSerbianNational), "DJORDJE");
        assert_eq!(spell("ЮЛИЯ", Rule::CyrillicRussianLegacy), "YULIYA");
    }

    #[test]
    fn lower_case_keeps_case() {
        let alts = alternatives('я', MIDDLE, RuleSet::all());
        assert!(alts.contains(&(Rule::CyrillicTransliteration, "ia".to_string())));
        let initial = alternatives('я', INITIAL, RuleSet::all());
        assert!(initial.contains(&(Rule::CyrillicUkrainianNational, "ya".to_string())));
    }

    #[test]
    fn disabled_rules_give_nothing() {
        let none = RuleSet::all()
            .without(Rule::CyrillicTransliteration)
            .without(Rule::CyrillicUkrainianNational)
            .without(Rule::CyrillicRussianLegacy)
            .without(Rule::CyrillicSerbianNational);
        assert!(alternatives('Ж', MIDDLE, none).is_empty());
        assert!(alternatives('Z', MIDDLE, RuleSet::all()).is_empty());
    }

    #[test]
    fn every_table_letter_is_cyrillic_upper_case() {
        let letters = ICAO
            .iter()
            .chain(UKRAINIAN)
            .chain(UKRAINIAN_INITIAL)
            .map(|(c, _)| *c)
            .chain(RUSSIAN_LEGACY.iter().map(|(c, _)| *c))
            .chain(SERBIAN.iter().map(|(c, _)| *c));
        for letter in letters {
            assert!(is_cyrillic(letter), "{letter}");
            assert_eq!(upper(letter), letter, "{letter}");
        }
    }
}
