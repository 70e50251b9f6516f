//! Hanzi to Hanyu Pinyin, with every reading of a polyphonic character.

use pinyin::{Pinyin, ToPinyinMulti};

/// The upper-case, toneless pinyin spellings of `c`, every reading, with
/// `ü` spelt `YU` (Chinese passports since 2012), `U` or `V` (older
/// practice). Empty when `c` has no reading.
pub(crate) fn readings(c: char) -> Vec<String> {
    let Some(multi) = c.to_pinyin_multi() else {
        return Vec::new();
    };
    let mut found: Vec<String> = Vec::new();
    for reading in multi.into_iter().map(Pinyin::plain) {
        for spelling in spellings(reading) {
            if !spelling.is_empty() && !found.contains(&spelling) {
                found.push(spelling);
            }
        }
    }
    found
}

/// The passport spellings of one toneless reading such as `lü` or `zhang`.
fn spellings(reading: &str) -> Vec<String> {
    let mut variants = vec![String::new()];
    for c in reading.chars() {
        let options: &[&str] = match c {
            'ü' => &["YU", "U", "V"],
            'ê' => &["E"],
            _ if c.is_ascii_alphabetic() => {
                for variant in &mut variants {
                    variant.push(c.to_ascii_uppercase());
                }
                continue;
            }
            // Tone marks and anything unexpected carry no letter.
            _ => continue,
        };
        variants = variants
            .iter()
            .flat_map(|prefix| options.iter().map(move |option| format!("{prefix}{option}")))
            .collect();
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_reading() {
        assert_eq!(readings('张'), ["ZHANG"]);
        assert_eq!(readings('三'), ["SAN"]);
    }

    #[test]
    fn polyphonic_surnames_have_every_reading() {
        for (c, reading) in [
            ('单', "SHAN"),
            ('单', "DAN"),
            ('曾', "ZENG"),
            ('曾', "CENG"),
            ('解', "XIE"),
            ('解', "JIE"),
            ('仇', "QIU"),
            ('仇', "CHOU"),
            ('区', "OU"),
            ('区', "QU"),
            ('朴', "PIAO"),
            ('朴', "PU"),
            ('尉', "YU"),
            ('尉', "WEI"),
            ('乐', "YUE"),
            ('乐', "LE"),
        ] {
            assert!(readings(c).contains(&reading.to_string()), "{c} {reading}");
        }
    }

    #[test]
    fn u_umlaut_has_three_spellings() {
        assert_eq!(readings('吕'), ["LYU", "LU", "LV"]);
        let nu = readings('女');
        for spelling in ["NYU", "NU", "NV"] {
            assert!(nu.contains(&spelling.to_string()), "{spelling}");
        }
    }

    #[test]
    fn traditional_characters_have_readings() {
        assert_eq!(readings('張'), ["ZHANG"]);
    }

    #[test]
    fn non_han_has_none() {
        assert!(readings('A').is_empty());
        assert!(readings('Ж').is_empty());
        assert!(readings('ー').is_empty());
    }
}
