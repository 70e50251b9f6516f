//! The validity stage: the document's expiry against the reference date
//! and the level's window, and the holder's age against the minimum.

use crate::report::StageOutput;
use crate::stages::document::DocumentRead;
use crate::validate::{parse_date, underage};
use chrono::NaiveDate;
use openkyc_reasons::{Code, Reason};

/// The rules the stage applies.
pub(crate) struct Rules {
    pub today: NaiveDate,
    pub expires_soon_days: i64,
    pub min_age: u32,
}

/// Runs the stage on the document as read.
pub(crate) fn run(document: Option<&DocumentRead>, rules: &Rules) -> StageOutput {
    let Some(document) = document else {
        return StageOutput::not_run("no document read");
    };
    let mut reasons = Vec::new();
    let mut notes = Vec::new();
    let mut score = None;
    match document.field("expiry_date") {
        Some(openkyc_read::LONG_TERM) => notes.push("valid for the long term".to_owned()),
        Some(text) => match parse_date(text) {
            Some(expiry) => {
                let days_left = (expiry - rules.today).num_days();
                score = Some(days_left as f64);
                notes.push(format!("{days_left} days to expiry"));
                if days_left < 0 {
                    reasons.push(
                        Reason::new(Code::DocExpired)
                            .field("expiry_date")
                            .detail(format!("expired {} days ago", -days_left)),
                    );
                } else if days_left <= rules.expires_soon_days {
                    reasons.push(Reason::new(Code::DocExpiresSoon).field("expiry_date").detail(format!(
                        "expires in {days_left} days (warning within {})",
                        rules.expires_soon_days
                    )));
                }
            }
            None => notes.push("expiry date not a date".to_owned()),
        },
        None => notes.push("no expiry date read".to_owned()),
    }
    match document.field("birth_date").and_then(parse_date) {
        Some(birth) => reasons.extend(underage(birth, rules.today, rules.min_age)),
        None => notes.push("no birth date read".to_owned()),
    }
    StageOutput::ran(reasons).score(score).note(notes.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openkyc_read::DocumentKind;
    use openkyc_reasons::Kind;

    fn document(expiry: &str, birth: &str) -> DocumentRead {
        DocumentRead {
            kind: DocumentKind::Passport,
            fields: [("expiry_date", expiry), ("birth_date", birth)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            names_truncated: false,
        }
    }

    fn codes(expiry: &str, birth: &str) -> Vec<(Code, Kind)> {
        let rules = Rules {
            today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
            expires_soon_days: 30,
            min_age: 18,
        };
        run(Some(&document(expiry, birth)), &rules)
            .reasons
            .into_iter()
            .map(|r| (r.code, r.kind))
            .collect()
    }

    #[test]
    fn expiry_and_age_against_the_reference_date() {
        assert_eq!(codes("2030-01-01", "1980-01-01"), []);
        assert_eq!(codes("2026-11-28", "1980-01-01"), [(Code::DocExpired, Kind::Retry)]);
        assert_eq!(
            codes("2026-11-29", "1980-01-01"),
            [(Code::DocExpiresSoon, Kind::Warning)]
        );
        assert_eq!(
            codes("2026-12-29", "1980-01-01"),
            [(Code::DocExpiresSoon, Kind::Warning)]
        );
        assert_eq!(codes("2026-12-30", "1980-01-01"), []);
        assert_eq!(codes("长期", "2010-01-01"), [(Code::Underage, Kind::Reject)]);
    }

    #[test]
    fn without_a_document_the_stage_does_not_run() {
        let rules = Rules {
            today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
            expires_soon_days: 30,
            min_age: 18,
        };
        assert_eq!(run(None, &rules).status, crate::StageStatus::NotRun);
    }
}
