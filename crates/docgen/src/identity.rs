//! Deterministic people to put on documents.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// One person and their document's data, as printed in the visual zone
/// (names in full; the MRZ may truncate them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// Surname, upper case Latin letters and spaces.
    pub surname: String,
    /// Given names, upper case Latin letters and spaces.
    pub given_names: String,
    /// Document number (A–Z, 0–9; 9 characters or fewer for TD3).
    pub document_number: String,
    /// Nationality (ICAO code).
    pub nationality: String,
    /// Issuing state (ICAO code).
    pub issuing_state: String,
    /// `M`, `F` or `X`.
    pub sex: char,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Date of issue.
    pub issue_date: NaiveDate,
    /// Date of expiry.
    pub expiry_date: NaiveDate,
    /// Personal number / optional data (may be empty).
    pub personal_number: String,
}

const SURNAMES: &[&str] = &[
    "MUELLER",
    "SCHMIDT",
    "DUBOIS",
    "MARTINEZ GARCIA",
    "OKONKWO",
    "NGUYEN",
    "ZHANG",
    "KOWALSKA",
    "OBRIEN",
    "VAN DER BERG",
    "ABDULLAH",
    "IVANOVA",
    "ROSSI",
    "SILVA SANTOS",
    "WOLFESCHLEGELSTEINHAUSENBERGERDORFF",
    "LI",
];
const GIVEN: &[&str] = &[
    "ANNA MARIA",
    "JOHN",
    "MARIE CLAIRE",
    "WEI",
    "CHIDINMA",
    "OLIVER JAMES",
    "FATIMA",
    "LUCAS",
    "SOFIA ISABEL",
    "MOHAMMED ALI",
    "HUBERT BLAINE FREDERICK GERALD",
    "YUKI",
    "ELENA",
    "XIAOMING",
];
const STATES: &[&str] = &[
    "UTO", "D", "FRA", "GBR", "NLD", "ESP", "ITA", "CHN", "NGA", "BRA", "CAN", "SWE",
];

/// SplitMix64: tiny, and the same sequence on every platform and version.
pub(crate) struct Dice(u64);

impl Dice {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed ^ 0x5EED_D0C5_0000_0001)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n ≥ 1`).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Uniform in `[lo, hi)`.
    pub(crate) fn range(&mut self, lo: f32, hi: f32) -> f32 {
        let unit = (self.next() >> 40) as f32 / (1u64 << 24) as f32;
        lo + (hi - lo) * unit
    }

    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

/// The ICAO 9303-4 specimen: ERIKSSON ANNA MARIA, Utopia, L898902C3.
fn icao_specimen() -> Identity {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    Identity {
        surname: "ERIKSSON".into(),
        given_names: "ANNA MARIA".into(),
        document_number: "L898902C3".into(),
        nationality: "UTO".into(),
        issuing_state: "UTO".into(),
        sex: 'F',
        birth_date: date(1974, 8, 12),
        issue_date: date(2002, 4, 16),
        expiry_date: date(2012, 4, 15),
        personal_number: "ZE184226B".into(),
    }
}

/// `n` people for `seed`: the ICAO specimen first, then random ones. Their
/// documents were issued within the ten years before `today` and are valid
/// for ten years (so some have expired), birth dates give ages 18–80.
pub fn identities(seed: u64, n: usize, today: NaiveDate) -> Vec<Identity> {
    let mut dice = Dice::new(seed);
    let mut out = Vec::with_capacity(n);
    if n > 0 {
        out.push(icao_specimen());
    }
    while out.len() < n {
        out.push(random_identity(&mut dice, today));
    }
    out
}

fn random_identity(dice: &mut Dice, today: NaiveDate) -> Identity {
    let alphabet: Vec<char> = ('A'..='Z').chain('0'..='9').collect();
    let letters: Vec<char> = ('A'..='Z').collect();
    let mut number: String = (0..2).map(|_| letters[dice.below(letters.len())]).collect();
    number.extend((0..7).map(|_| alphabet[dice.below(alphabet.len())]));
    let age_days = 365 * 18 + dice.below(365 * 62) as i64;
    let birth_date = today - chrono::Duration::days(age_days);
    let issue_date = today - chrono::Duration::days(dice.below(365 * 10) as i64 + 30);
    let expiry_date = issue_date
        .with_year(issue_date.year() + 10)
        .unwrap_or(issue_date + chrono::Duration::days(3652))
        - chrono::Duration::days(1);
    let state = dice.pick(STATES).to_string();
    let personal_number = if dice.below(2) == 0 {
        String::new()
    } else {
        (0..9).map(|_| alphabet[dice.below(alphabet.len())]).collect()
    };
    Identity {
        surname: dice.pick(SURNAMES).to_string(),
        given_names: dice.pick(GIVEN).to_string(),
        document_number: number,
        nationality: state.clone(),
        issuing_state: state,
        sex: ['M', 'F', 'F', 'M', 'X'][dice.below(5)],
        birth_date,
        issue_date,
        expiry_date,
        personal_number,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn same_seed_same_people_and_the_specimen_first() {
        let a = identities(3, 20, today());
        assert_eq!(a, identities(3, 20, today()));
        assert_ne!(a, identities(4, 20, today()));
        assert_eq!(a[0].document_number, "L898902C3");
        assert_eq!(a[0].surname, "ERIKSSON");
    }

    #[test]
    fn people_are_adults_with_plausible_documents() {
        for p in identities(9, 200, today()) {
            assert!(p.birth_date <= today() - chrono::Duration::days(365 * 18));
            assert!(p.expiry_date > p.issue_date);
            assert!(p.document_number.len() <= 9);
            assert!(p
                .document_number
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        }
    }
}
