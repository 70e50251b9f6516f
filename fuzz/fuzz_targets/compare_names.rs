//! Two arbitrary strings through the name comparison: no panic, bounded
//! work, and a name always equals itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openkyc_names::{compare_names, Outcome};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (typed, document) = text.split_once('\u{0}').unwrap_or((&text, ""));
    let _ = compare_names(typed, document);
    if typed.chars().count() <= 64 {
        assert_eq!(compare_names(typed, typed).outcome, Outcome::Exact);
    }
});
