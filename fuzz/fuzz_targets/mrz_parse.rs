//! Any bytes, as text, through the MRZ parser: it must return (report or
//! error) without panicking, with repair on and off.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openkyc_mrz::{parse, ParseOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(reference) = chrono::NaiveDate::from_ymd_opt(2026, 11, 28) else { return };
    let mut options = ParseOptions::new(reference);
    if let Ok(report) = parse(&text, &options) {
        // A report's own lines must parse again to the same format.
        let again = parse(&report.lines.join("\n"), &options);
        assert!(again.is_ok_and(|r| r.format == report.format));
    }
    options.repair = false;
    let _ = parse(&text, &options);
});
