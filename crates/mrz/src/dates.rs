//! Two-digit MRZ years resolved to full dates, against a reference date the
//! caller passes in (never the system clock, so the same input always gives
//! the same answer).
//!
//! Rules:
//! - **Birth dates are never in the future**: the latest date on or before
//!   the reference date whose year ends in the two digits given. A person
//!   born `261215` read on 2026-11-28 was born on 1926-12-15.
//! - **Expiry dates lie within fifty years of the reference date**: the
//!   only date in the window (reference − 50 years, reference + 50 years]
//!   whose year ends in the two digits given. Read on 2026-11-28, `760101`
//!   expires in 2076 and `770101` expired in 1977.

use chrono::{Datelike, Months, NaiveDate};

/// The six characters `YYMMDD` of an MRZ date field split into numbers, or
/// `None` if any character is not a digit.
pub fn split_yymmdd(raw: &str) -> Option<(u32, u32, u32)> {
    let digits: Vec<u32> = raw.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    match digits.as_slice() {
        [y1, y2, m1, m2, d1, d2] => Some((y1 * 10 + y2, m1 * 10 + m2, d1 * 10 + d2)),
        _ => None,
    }
}

/// Resolves an MRZ birth date (`YYMMDD`): the latest real date not after
/// `reference` with those digits. `None` if it is not a calendar date.
pub fn resolve_birth_date(raw: &str, reference: NaiveDate) -> Option<NaiveDate> {
    let (yy, month, day) = split_yymmdd(raw)?;
    let century = reference.year() - reference.year().rem_euclid(100);
    let yy = i32::try_from(yy).ok()?;
    // A 29 February may exist in one candidate century and not the other,
    // so try the most recent first and step back.
    [century + yy, century + yy - 100, century + yy - 200]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| *date <= reference)
}

/// Resolves an MRZ expiry date (`YYMMDD`) into the window
/// (reference − 50 years, reference + 50 years]. `None` if not a calendar date.
pub fn resolve_expiry_date(raw: &str, reference: NaiveDate) -> Option<NaiveDate> {
    let (yy, month, day) = split_yymmdd(raw)?;
    let yy = i32::try_from(yy).ok()?;
    let fifty_years = Months::new(50 * 12);
    let low = reference.checked_sub_months(fifty_years)?;
    let high = reference.checked_add_months(fifty_years)?;
    let century = reference.year() - reference.year().rem_euclid(100);
    [century - 100 + yy, century + yy, century + 100 + yy]
        .into_iter()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .find(|date| low < *date && *date <= high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const REFERENCE: (i32, u32, u32) = (2026, 11, 28);

    fn reference() -> NaiveDate {
        day(REFERENCE.0, REFERENCE.1, REFERENCE.2)
    }

    #[test]
    fn birth_dates_are_never_in_the_future() {
        assert_eq!(resolve_birth_date("261128", reference()), Some(day(2026, 11, 28)));
        assert_eq!(resolve_birth_date("261129", reference()), Some(day(1926, 11, 29)));
        assert_eq!(resolve_birth_date("740812", reference()), Some(day(1974, 8, 12)));
        assert_eq!(resolve_birth_date("010101", reference()), Some(day(2001, 1, 1)));
    }

    #[test]
    fn leap_day_births_pick_a_century_where_the_day_exists() {
        // 2000-02-29 exists; read in 2099 the nearest past 29 Feb with "00"
        // is 2000, not 2100 (future) nor 1900 (not a leap year).
        assert_eq!(resolve_birth_date("000229", day(2099, 1, 1)), Some(day(2000, 2, 29)));
        assert_eq!(resolve_birth_date("000229", day(2199, 1, 1)), Some(day(2000, 2, 29)));
    }

    #[test]
    fn expiry_dates_fall_within_fifty_years_of_the_reference() {
        assert_eq!(resolve_expiry_date("760101", reference()), Some(day(2076, 1, 1)));
        assert_eq!(resolve_expiry_date("761128", reference()), Some(day(2076, 11, 28)));
        assert_eq!(resolve_expiry_date("761129", reference()), Some(day(1976, 11, 29)));
        assert_eq!(resolve_expiry_date("120415", reference()), Some(day(2012, 4, 15)));
        assert_eq!(resolve_expiry_date("961210", reference()), Some(day(1996, 12, 10)));
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(resolve_birth_date("011301", reference()), None);
        assert_eq!(resolve_birth_date("010132", reference()), None);
        assert_eq!(resolve_expiry_date("010230", reference()), None);
        assert_eq!(resolve_expiry_date("0102<<", reference()), None);
        assert_eq!(resolve_expiry_date("01020", reference()), None);
    }
}
