//! The review queue, arranged: each waiting case's SLA deadline (from the
//! review-hours calendar and its reasons), whether it is breached, the
//! filters, the order (oldest deadline first) and the counts. Pure: the
//! cases and the time come in, nothing is read here.

use chrono::{DateTime, TimeDelta, Utc};
use openkyc_reasons::Code;
use openkyc_reviewhours::{CalendarError, ReviewHours};
use openkyc_store::QueueCase;
use std::collections::BTreeMap;

/// How long a case has waited since it was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeFilter {
    /// Over an hour.
    OverHour,
    /// Over four hours.
    OverFourHours,
    /// Over a day.
    OverDay,
    /// Over three days.
    OverThreeDays,
}

impl AgeFilter {
    /// Every choice, as the form offers them.
    pub const ALL: [AgeFilter; 4] = [
        AgeFilter::OverHour,
        AgeFilter::OverFourHours,
        AgeFilter::OverDay,
        AgeFilter::OverThreeDays,
    ];

    /// The form value.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeFilter::OverHour => "1h",
            AgeFilter::OverFourHours => "4h",
            AgeFilter::OverDay => "1d",
            AgeFilter::OverThreeDays => "3d",
        }
    }

    /// The words shown.
    pub fn label(self) -> &'static str {
        match self {
            AgeFilter::OverHour => "waiting over 1 hour",
            AgeFilter::OverFourHours => "waiting over 4 hours",
            AgeFilter::OverDay => "waiting over 1 day",
            AgeFilter::OverThreeDays => "waiting over 3 days",
        }
    }

    /// The filter named by a form value.
    pub fn parse(text: &str) -> Option<AgeFilter> {
        AgeFilter::ALL.into_iter().find(|age| age.as_str() == text)
    }

    fn minimum(self) -> TimeDelta {
        match self {
            AgeFilter::OverHour => TimeDelta::hours(1),
            AgeFilter::OverFourHours => TimeDelta::hours(4),
            AgeFilter::OverDay => TimeDelta::days(1),
            AgeFilter::OverThreeDays => TimeDelta::days(3),
        }
    }
}

/// What the reviewer narrowed the queue to; `None` = any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// A reason code the case must carry.
    pub reason: Option<String>,
    /// The level applied for.
    pub level: Option<String>,
    /// The document's issuing country (or nationality), alpha-3.
    pub country: Option<String>,
    /// A minimum wait.
    pub age: Option<AgeFilter>,
}

impl QueueFilter {
    fn keeps(&self, row: &QueueRow) -> bool {
        let case = &row.case;
        self.reason
            .as_ref()
            .is_none_or(|reason| case.reasons.iter().any(|code| code == reason))
            && self.level.as_ref().is_none_or(|level| &case.target_level == level)
            && self.country.as_ref().is_none_or(|country| {
                case.country
                    .as_ref()
                    .is_some_and(|held| held.eq_ignore_ascii_case(country))
            })
            && self.age.is_none_or(|age| row.waited >= age.minimum())
    }
}

/// One waiting case with its deadline.
#[derive(Debug, Clone)]
pub struct QueueRow {
    /// The case as stored.
    pub case: QueueCase,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// Its SLA deadline: submission plus the strictest of its reasons' SLAs,
    /// counted in business hours.
    pub deadline: DateTime<Utc>,
    /// The deadline has passed.
    pub breached: bool,
    /// How long since submission (wall-clock).
    pub waited: TimeDelta,
}

/// Counts over the whole queue (before filtering).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Cases waiting.
    pub waiting: u32,
    /// Cases a reviewer holds a claim on.
    pub claimed: u32,
    /// Cases past their SLA deadline.
    pub breached: u32,
    /// Cases carrying each reason code.
    pub by_reason: BTreeMap<String, u32>,
    /// Cases per level applied for.
    pub by_level: BTreeMap<String, u32>,
    /// Cases per country.
    pub by_country: BTreeMap<String, u32>,
}

/// The arranged queue.
#[derive(Debug, Clone, Default)]
pub struct ArrangedQueue {
    /// The cases the filter keeps, oldest deadline first.
    pub rows: Vec<QueueRow>,
    /// Counts over every waiting case.
    pub counts: QueueCounts,
}

/// The SLA deadline of a case submitted at `submitted_at` with `reasons`.
pub fn deadline_of(
    hours: &ReviewHours,
    submitted_at: DateTime<Utc>,
    reasons: &[String],
) -> Result<DateTime<Utc>, CalendarError> {
    let codes: Vec<Code> = reasons.iter().filter_map(|code| Code::parse(code)).collect();
    hours.sla_deadline(submitted_at, &codes)
}

/// Arranges `cases` at `now`: deadlines, breaches, counts, the filter and
/// the order (deadline, then submission, then id: stable for equal ones).
pub fn arrange(
    cases: Vec<QueueCase>,
    hours: &ReviewHours,
    now: DateTime<Utc>,
    filter: &QueueFilter,
) -> Result<ArrangedQueue, CalendarError> {
    let mut counts = QueueCounts::default();
    let mut rows = Vec::with_capacity(cases.len());
    for case in cases {
        let submitted_at = DateTime::from_timestamp_millis(case.submitted_at).unwrap_or(now);
        let deadline = deadline_of(hours, submitted_at, &case.reasons)?;
        let row = QueueRow {
            submitted_at,
            deadline,
            breached: now > deadline,
            waited: now - submitted_at,
            case,
        };
        count(&mut counts, &row);
        if filter.keeps(&row) {
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| {
        (a.deadline, a.submitted_at, &a.case.applicant_id).cmp(&(b.deadline, b.submitted_at, &b.case.applicant_id))
    });
    Ok(ArrangedQueue { rows, counts })
}

fn count(counts: &mut QueueCounts, row: &QueueRow) {
    counts.waiting += 1;
    counts.claimed += u32::from(row.case.claim.is_some());
    counts.breached += u32::from(row.breached);
    let mut reasons = row.case.reasons.clone();
    reasons.sort();
    reasons.dedup();
    for reason in reasons {
        *counts.by_reason.entry(reason).or_default() += 1;
    }
    *counts.by_level.entry(row.case.target_level.clone()).or_default() += 1;
    if let Some(country) = &row.case.country {
        *counts.by_country.entry(country.clone()).or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn case(id: &str, submitted: DateTime<Utc>, reasons: &[&str], level: &str, country: Option<&str>) -> QueueCase {
        QueueCase {
            applicant_id: id.into(),
            external_user_id: format!("user-{id}"),
            target_level: level.into(),
            attempt: 1,
            submitted_at: submitted.timestamp_millis(),
            on_hold_since: submitted.timestamp_millis(),
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            country: country.map(str::to_owned),
            claim: None,
            rejection_votes: 0,
        }
    }

    fn utc(day: u32, hour: u32) -> DateTime<Utc> {
        // November 2026: the 2nd is a Monday.
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn hours() -> ReviewHours {
        ReviewHours::shipped().unwrap()
    }

    #[test]
    fn the_queue_is_ordered_by_deadline_not_by_arrival() {
        // A duplicate (8 business hours) submitted first is due after an
        // ordinary case (4 hours) submitted an hour later.
        let cases = vec![
            case("app_dup", utc(2, 9), &["DUPLICATE_DOCUMENT"], "L2", Some("DEU")),
            case("app_face", utc(2, 10), &["FACE_MISMATCH"], "L2", Some("CHN")),
        ];
        let queue = arrange(cases, &hours(), utc(2, 12), &QueueFilter::default()).unwrap();
        let order: Vec<&str> = queue.rows.iter().map(|r| r.case.applicant_id.as_str()).collect();
        assert_eq!(order, ["app_face", "app_dup"]);
        assert_eq!(queue.rows[0].deadline, utc(2, 14));
        assert!(queue.rows[1].deadline > queue.rows[0].deadline);
        assert_eq!(queue.counts.breached, 0);
    }

    #[test]
    fn a_case_past_its_business_hours_deadline_is_breached_and_counted() {
        // Friday 15:00 + 4 business hours = Monday 11:00.
        let cases = vec![case("app_a", utc(6, 15), &["FACE_MISMATCH"], "L2", None)];
        let monday_ten = arrange(cases.clone(), &hours(), utc(9, 10), &QueueFilter::default()).unwrap();
        assert_eq!(monday_ten.rows[0].deadline, utc(9, 11));
        assert!(!monday_ten.rows[0].breached);
        let monday_noon = arrange(cases, &hours(), utc(9, 12), &QueueFilter::default()).unwrap();
        assert!(monday_noon.rows[0].breached);
        assert_eq!(monday_noon.counts.breached, 1);
    }

    #[test]
    fn filters_narrow_the_rows_but_not_the_counts() {
        let cases = vec![
            case("app_1", utc(2, 9), &["DUPLICATE_DOCUMENT"], "L2", Some("DEU")),
            case("app_2", utc(2, 11), &["FACE_MISMATCH"], "L1", Some("CHN")),
            case(
                "app_3",
                utc(3, 9),
                &["DUPLICATE_DOCUMENT", "DUPLICATE_FACE"],
                "L2",
                Some("deu"),
            ),
        ];
        let now = utc(3, 10);
        let ids = |filter: QueueFilter| -> Vec<String> {
            arrange(cases.clone(), &hours(), now, &filter)
                .unwrap()
                .rows
                .into_iter()
                .map(|row| row.case.applicant_id)
                .collect()
        };
        let by_reason = QueueFilter {
            reason: Some("DUPLICATE_DOCUMENT".into()),
            ..QueueFilter::default()
        };
        assert_eq!(ids(by_reason), ["app_1", "app_3"]);
        let by_level = QueueFilter {
            level: Some("L1".into()),
            ..QueueFilter::default()
        };
        assert_eq!(ids(by_level), ["app_2"]);
        let by_country = QueueFilter {
            country: Some("DEU".into()),
            ..QueueFilter::default()
        };
        assert_eq!(ids(by_country), ["app_1", "app_3"]);
        let by_age = QueueFilter {
            age: Some(AgeFilter::OverFourHours),
            ..QueueFilter::default()
        };
        // app_2 is due at 15:00 (4 h), app_1 at 17:00 (8 h for a duplicate).
        assert_eq!(ids(by_age), ["app_2", "app_1"]);
        let counts = arrange(cases, &hours(), now, &QueueFilter::default()).unwrap().counts;
        assert_eq!(counts.waiting, 3);
        assert_eq!(counts.by_reason["DUPLICATE_DOCUMENT"], 2);
        assert_eq!(counts.by_level["L2"], 2);
    }

    #[test]
    fn age_filters_round_trip_through_their_form_values() {
        for age in AgeFilter::ALL {
            assert_eq!(AgeFilter::parse(age.as_str()), Some(age));
        }
        assert_eq!(AgeFilter::parse("forever"), None);
    }
}
