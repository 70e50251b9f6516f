//! Property tests of the public comparison API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use openkyc_names::{compare_names, normalize, Outcome, Rule, MAX_INPUT_CHARS};
use pinyin::{Pinyin, ToPinyinMulti};
use proptest::prelude::*;

/// Generous bound for one comparison in an unoptimised test build; a blow-up
/// in the matching would take far longer.
const SLOW: Duration = Duration::from_secs(5);

/// Name-like text: Latin with and without diacritics, Cyrillic, Han, and the
/// separators and punctuation the formatting rules handle.
fn name_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-zÄÖÜäöüÅÆØÞÐßŠČŽŁ ТЕСМИЛЦАЯЮЙГХ张三单吕小明<'\\-,.\\t]{0,24}").unwrap()
}

/// An upper-case ASCII name of one to four words.
fn ascii_name() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[A-Z]{1,8}", 1..=4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn identical_inputs_are_exact(text in any::<String>()) {
        let result = compare_names(&text, &text);
        prop_assert_eq!(result.outcome, Outcome::Exact);
        prop_assert!(result.rules.is_empty());
        prop_assert!(result.differences.is_empty());
    }

    #[test]
    fn outcome_and_rules_are_symmetric(a in name_text(), b in name_text()) {
        let forward = compare_names(&a, &b);
        let backward = compare_names(&b, &a);
        prop_assert_eq!(forward.outcome, backward.outcome);
        prop_assert_eq!(forward.rules, backward.rules);
    }

    #[test]
    fn formatting_variants_are_equivalent(words in ascii_name(), lower in any::<bool>(), mrz in any::<bool>()) {
        let document = if mrz {
            let (surname, given) = words.split_first().unwrap();
            format!("{surname}<<{}<<<<", given.join("<"))
        } else {
            words.join(" ")
        };
        let typed = if lower { words.join("  ").to_lowercase() } else { words.join(" \t") };
        let result = compare_names(&typed, &document);
        prop_assert_ne!(result.outcome, Outcome::Mismatch);
        prop_assert!(result.rules.iter().all(|rule| rule.is_formatting()), "{:?}", result.rules);
    }

    #[test]
    fn one_changed_letter_is_a_mismatch(
        words in ascii_name(),
        position in any::<prop::sample::Index>(),
        shift in 1u8..26,
        lower in any::<bool>(),
        swap in any::<bool>(),
    ) {
        let document = words.join(" ");
        let letters: Vec<usize> = document
            .char_indices()
            .filter(|(_, c)| c.is_ascii_alphabetic())
            .map(|(i, _)| i)
            .collect();
        let at = letters[position.index(letters.len())];
        let mut changed: Vec<u8> = document.clone().into_bytes();
        changed[at] = b'A' + (changed[at] - b'A' + shift) % 26;
        let mut typed = String::from_utf8(changed).unwrap();
        if lower {
            typed = typed.to_lowercase();
        }
        if swap {
            // Reordering the parts must not hide the change either.
            let mut parts: Vec<&str> = typed.split(' ').collect();
            parts.reverse();
            typed = parts.join(" ");
        }
        let result = compare_names(&typed, &document);
        prop_assert_eq!(result.outcome, Outcome::Mismatch, "{:?} vs {:?}", typed, document);
        prop_assert!(!result.differences.is_empty());
    }

    #[test]
    fn any_unicode_finishes_quickly(a in ".{0,300}", b in ".{0,300}") {
        let start = Instant::now();
        let result = compare_names(&a, &b);
        prop_assert!(start.elapsed() < SLOW);
        if result.outcome == Outcome::Mismatch {
            prop_assert!(!result.differences.is_empty());
        } else {
            prop_assert!(result.differences.is_empty());
        }
    }

    #[test]
    fn normalize_is_idempotent_on_names(text in name_text()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once);
    }

    /// Every combination of the two-way ICAO letters is accepted, whichever
    /// spelling is chosen for each occurrence.
    #[test]
    fn every_icao_spelling_combination_matches(choices in proptest::collection::vec((0usize..4, any::<bool>()), 1..40)) {
        let letters = [('Ä', "AE", "A"), ('Ö', "OE", "O"), ('Ü', "UE", "U"), ('Å', "AA", "A")];
        let mut typed = String::from("M");
        let mut document = String::from("M");
        for (letter, long) in choices {
            let (c, spelt_long, spelt_short) = letters[letter];
            typed.push(c);
            document.push_str(if long { spelt_long } else { spelt_short });
        }
        let result = compare_names(&typed, &document);
        prop_assert_eq!(result.outcome, Outcome::Equivalent);
        prop_assert_eq!(result.rules, vec![Rule::Transliteration]);
    }

    /// Every reading of every polyphonic character is accepted, in any
    /// combination.
    #[test]
    fn every_pinyin_reading_combination_matches(choices in proptest::collection::vec((0usize..10, any::<prop::sample::Index>()), 1..12)) {
        let characters = ['单', '曾', '解', '仇', '区', '朴', '尉', '乐', '张', '明'];
        let mut typed = String::new();
        let mut document = String::new();
        for (which, reading) in choices {
            let c = characters[which];
            let readings: Vec<&str> = c.to_pinyin_multi().unwrap().into_iter().map(Pinyin::plain).collect();
            typed.push(c);
            document.push_str(&readings[reading.index(readings.len())].to_uppercase());
        }
        let result = compare_names(&typed, &document);
        prop_assert_eq!(result.outcome, Outcome::Equivalent, "{} vs {}", typed, document);
        prop_assert_eq!(result.rules, vec![Rule::Pinyin]);
    }
}

/// Worst cases for the matcher at the input limit: long names whose letters
/// admit many alignments, with and without a final difference.
#[test]
fn adversarial_inputs_at_the_limit_finish_quickly() {
    let han: String = "张小明单曾解仇区朴尉乐吕"
        .chars()
        .cycle()
        .take(MAX_INPUT_CHARS)
        .collect();
    let latin_words: String = vec!["ZHANGXI"; 32].join(" ");
    let a_han = "阿".repeat(MAX_INPUT_CHARS);
    let a_words = vec!["AAAAAAA"; 32].join(" ");
    let umlauts = vec!["ÄÖÜÅÄÖÜ"; 32].join(" ");
    let plain = vec!["AOUAAOX"; 32].join(" ");
    let cyrillic = vec!["ЩЯЮЙЦХЖ"; 32].join(" ");
    let cyrillic_latin: String = vec!["SHCHIAIUITSKHZ"; 32]
        .join(" ")
        .chars()
        .take(MAX_INPUT_CHARS)
        .collect();
    // 那 reads NA, NUO, NEI, NE, NAI ...: prefixes of each other, so many
    // alignments stay open at once.
    let na_han = "那".repeat(MAX_INPUT_CHARS);
    let na_words = vec!["NAINENE"; 32].join(" ");
    let same = vec!["AAAAAAA"; 32].join(" ");
    let same_but_last = format!("{} AAAAAAB", vec!["AAAAAAA"; 31].join(" "));
    // Twelve parts: every rearrangement is searched.
    let twelve = ["AAAAAAA"; 12].join(" ");
    let twelve_but_last = format!("{} AAAAAAB", ["AAAAAAA"; 11].join(" "));
    let cases = [
        (han.as_str(), latin_words.as_str()),
        (a_han.as_str(), a_words.as_str()),
        (a_words.as_str(), a_han.as_str()),
        (umlauts.as_str(), plain.as_str()),
        (cyrillic.as_str(), cyrillic_latin.as_str()),
        (same.as_str(), same_but_last.as_str()),
        (twelve.as_str(), twelve_but_last.as_str()),
        (na_words.as_str(), na_han.as_str()),
        (na_han.as_str(), na_words.as_str()),
    ];
    for (typed, document) in cases {
        let start = Instant::now();
        let result = compare_names(typed, document);
        assert!(start.elapsed() < SLOW, "{typed} vs {document}: {:?}", start.elapsed());
        assert_eq!(result.outcome, Outcome::Mismatch);
        assert!(!result.differences.is_empty());
    }
}
