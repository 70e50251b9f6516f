//! ICAO 9303-3 transliteration of Latin letters with diacritics.
//!
//! General rule: a letter whose canonical decomposition is an ASCII letter
//! followed by combining marks loses the marks (`Č` → `C`, `Ė` → `E`,
//! `Ņ` → `N`, `Ñ` → `N`). Exceptions come from the ICAO table, and where the
//! ICAO table and national practice give two spellings both are accepted
//! (`Ä` → `AE` or `A`).

use unicode_normalization::char::decompose_canonical;

use crate::format::is_mark;

/// Letters that the general rule does not cover (no decomposition) or for
/// which ICAO gives a multi-letter spelling, upper case. The general rule
/// still adds the plain base letter for the decomposable ones (`Ä` → `A`).
const EXCEPTIONS: &[(char, &[&str])] = &[
    ('Ä', &["AE"]),
    ('Å', &["AA"]),
    ('Æ', &["AE"]),
    ('Ð', &["D"]),
    ('Ö', &["OE"]),
    ('Ø', &["OE"]),
    ('Ü', &["UE"]),
    ('ẞ', &["SS"]),
    ('Þ', &["TH"]),
    ('Ĳ', &["IJ"]),
    ('Œ', &["OE"]),
    ('Ł', &["L"]),
    ('Đ', &["D"]),
    ('Ħ', &["H"]),
    ('Ŧ', &["T"]),
    ('Ŀ', &["L"]),
    ('Ŋ', &["N"]),
];

/// The transliterations of `c` (without `c` itself), or nothing when `c` is
/// not a Latin letter with a diacritic. A lone combining mark transliterates
/// to nothing (the accent is dropped).
pub(crate) fn alternatives(c: char) -> Vec<String> {
    if c.is_ascii() {
        return Vec::new();
    }
    if is_mark(c) {
        return vec![String::new()];
    }
    let lower = c.is_lowercase();
    let key = upper_key(c);
    let mut found: Vec<String> = Vec::new();
    if let Some(base) = stripped_base(c) {
        found.push(base.to_string());
    }
    if let Some((_, spellings)) = EXCEPTIONS.iter().find(|(letter, _)| *letter == key) {
        for spelling in spellings.iter() {
            let spelling = if lower {
                spelling.to_lowercase()
            } else {
                (*spelling).to_string()
            };
            if !found.contains(&spelling) {
                found.push(spelling);
            }
        }
    }
    if c == 'ı' {
        found.push("i".to_string());
    }
    found
}

/// The upper-case form used as table key (`ß` → `ẞ`); `c` itself when the
/// upper case is not a single character.
fn upper_key(c: char) -> char {
    if c == 'ß' {
        return 'ẞ';
    }
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

/// The ASCII base letter when `c` decomposes into it plus combining marks.
fn stripped_base(c: char) -> Option<char> {
    let mut parts = Vec::with_capacity(3);
    decompose_canonical(c, |d| parts.push(d));
    let (first, rest) = parts.split_first()?;
    let strips = first.is_ascii_alphabetic() && !rest.is_empty() && rest.iter().all(|m| is_mark(*m));
    strips.then_some(*first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alts(c: char) -> Vec<String> {
        alternatives(c)
    }

    #[test]
    fn icao_double_forms() {
        assert_eq!(alts('Ü'), ["U", "UE"]);
        assert_eq!(alts('Ä'), ["A", "AE"]);
        assert_eq!(alts('Ö'), ["O", "OE"]);
        assert_eq!(alts('Å'), ["A", "AA"]);
        assert_eq!(alts('ü'), ["u", "ue"]);
    }

    #[test]
    fn icao_single_forms() {
        assert_eq!(alts('Æ'), ["AE"]);
        assert_eq!(alts('Ø'), ["OE"]);
        assert_eq!(alts('Œ'), ["OE"]);
        assert_eq!(alts('ẞ'), ["SS"]);
        assert_eq!(alts('ß'), ["ss"]);
        assert_eq!(alts('Þ'), ["TH"]);
        assert_eq!(alts('Ð'), ["D"]);
        assert_eq!(alts('Ĳ'), ["IJ"]);
        assert_eq!(alts('Ł'), ["L"]);
    }

    #[test]
    fn general_rule_strips_diacritics() {
        for (letter, base) in [
            ('Č', "C"),
            ('Š', "S"),
            ('Ž', "Z"),
            ('Ė', "E"),
            ('Ņ', "N"),
            ('Ñ', "N"),
            ('Ç', "C"),
            ('Ő', "O"),
            ('Ș', "S"),
            ('İ', "I"),
            ('Ư', "U"),
            ('Ǻ', "A"),
        ] {
            assert_eq!(alts(letter), [base], "{letter}");
        }
    }

    #[test]
    fn non_latin_and_plain_letters_have_none() {
        assert!(alts('A').is_empty());
        assert!(alts('Ж').is_empty());
        assert!(alts('张').is_empty());
        assert!(alts('Ω').is_empty());
    }

    #[test]
    fn lone_accent_is_dropped() {
        assert_eq!(alts('\u{0301}'), [""]);
    }
}
