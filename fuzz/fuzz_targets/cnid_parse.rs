//! Any bytes, as text, through the GB 11643 parser: no panic, and whatever
//! it accepts must re-parse to itself from its normalized form.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(today) = chrono::NaiveDate::from_ymd_opt(2026, 11, 28) else { return };
    if let Ok(number) = openkyc_cnid::parse(&text, today) {
        let again = openkyc_cnid::parse(&number.normalized, today);
        assert!(again.is_ok_and(|n| n.normalized == number.normalized && n.birth_date == number.birth_date));
    }
    let _ = openkyc_cnid::report(&text, today);
});
