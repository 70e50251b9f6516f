//! Business-time arithmetic over the team's working windows.
//!
//! A working window is one working day's `opens..closes`, wall clock in the
//! team's zone, turned into UTC instants: on a daylight-saving day the
//! window keeps its wall-clock times, so it lasts as long as those times
//! are apart that day. A window is half-open for [`ReviewHours::is_open`]
//! (closing time is closed), but a business duration that runs out exactly
//! at closing time ends there, not the next morning.

use crate::config::ReviewHours;
use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use openkyc_reasons::Code;
use serde::Serialize;

/// How far (in calendar days) any walk over the calendar goes before it
/// gives up: three years. A calendar of holidays that leaves no working
/// window that long is a configuration error, not a reason to spin.
pub const HORIZON_DAYS: u32 = 3 * 366;

/// The longest a nonexistent wall-clock time (a daylight-saving gap) is
/// searched past, in minutes; gaps are at most a day long.
const GAP_SEARCH_MINUTES: i64 = 24 * 60;

/// Why a business-time computation has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// No working window (or not enough of them) within [`HORIZON_DAYS`].
    #[error("no working window within {HORIZON_DAYS} days of {from}")]
    NoWindow {
        /// Where the walk started.
        from: DateTime<Utc>,
    },
    /// Business time cannot be subtracted.
    #[error("a business duration cannot be negative")]
    NegativeDuration,
    /// The two instants are further apart than [`HORIZON_DAYS`].
    #[error("the span from {from} to {to} is longer than {HORIZON_DAYS} days")]
    SpanTooLong {
        /// The span's start.
        from: DateTime<Utc>,
        /// The span's end.
        to: DateTime<Utc>,
    },
}

/// One working window, `start..end` in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Opening.
    pub start: DateTime<Utc>,
    /// Closing.
    pub end: DateTime<Utc>,
}

impl Window {
    /// Whether `at` is within the window (its closing instant excluded).
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

impl ReviewHours {
    /// Whether the team is working at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.window_containing(at).is_some()
    }

    /// The first instant at or after `at` when the team works: `at` itself
    /// while open, otherwise the next opening.
    pub fn next_open(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarError> {
        Ok(self.next_window(at)?.start.max(at))
    }

    /// The window open at `now`, or else the next one to open: what an
    /// operator's app shows as "submit during working hours".
    pub fn next_window(&self, now: DateTime<Utc>) -> Result<Window, CalendarError> {
        self.windows_from(now)
            .find(|window| window.end > now)
            .ok_or(CalendarError::NoWindow { from: now })
    }

    /// `at` plus `duration` of business time. From inside a window (or at
    /// its closing instant) the count starts at `at`, from outside at the
    /// next opening; weekends and holidays are skipped. A duration that
    /// runs out exactly at closing time ends at closing time.
    pub fn add_business(&self, at: DateTime<Utc>, duration: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
        if duration < TimeDelta::zero() {
            return Err(CalendarError::NegativeDuration);
        }
        let mut remaining = duration;
        for window in self.windows_from(at).filter(|window| window.end >= at) {
            let start = window.start.max(at);
            let available = window.end - start;
            if remaining <= available {
                return Ok(start + remaining);
            }
            remaining -= available;
        }
        Err(CalendarError::NoWindow { from: at })
    }

    /// The business time between `from` and `to` (zero when `to` is not
    /// after `from`).
    pub fn business_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<TimeDelta, CalendarError> {
        if to <= from {
            return Ok(TimeDelta::zero());
        }
        // windows_from reaches HORIZON_DAYS - 1 dates past `from`'s.
        let days = (self.local_date(to) - self.local_date(from)).num_days();
        if days >= i64::from(HORIZON_DAYS) {
            return Err(CalendarError::SpanTooLong { from, to });
        }
        let total = self
            .windows_from(from)
            .take_while(|window| window.start < to)
            .map(|window| window.end.min(to) - window.start.max(from))
            .filter(|overlap| *overlap > TimeDelta::zero())
            .sum();
        Ok(total)
    }

    /// The SLA deadline of a case submitted at `submitted_at` and held for
    /// `reasons`: the strictest of their SLAs ([`ReviewHours::sla_for`]) in
    /// business time.
    pub fn sla_deadline(&self, submitted_at: DateTime<Utc>, reasons: &[Code]) -> Result<DateTime<Utc>, CalendarError> {
        self.add_business(submitted_at, self.sla_for(reasons))
    }

    /// Cases decided per business hour: `decided` decisions made between
    /// `since` and `now`. `None` when nothing was decided or no business
    /// time passed, so that a caller falls back to the SLA.
    pub fn throughput(
        &self,
        decided: u32,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<f64>, CalendarError> {
        let seconds = self.business_between(since, now)?.num_seconds();
        if decided == 0 || seconds <= 0 {
            return Ok(None);
        }
        Ok(Some(f64::from(decided) / (seconds as f64 / 3600.0)))
    }

    /// The working window, if any, containing `at`.
    fn window_containing(&self, at: DateTime<Utc>) -> Option<Window> {
        let date = self.local_date(at);
        [date.pred_opt(), Some(date)]
            .into_iter()
            .flatten()
            .filter_map(|day| self.window_on(day))
            .find(|window| window.contains(at))
    }

    /// The working windows in order, from the one of the day before `at`'s
    /// date (a window never spans local midnight, but a daylight-saving fold
    /// near midnight can make the previous date's window end late) up to
    /// [`HORIZON_DAYS`] later.
    fn windows_from(&self, at: DateTime<Utc>) -> impl Iterator<Item = Window> + '_ {
        let date = self.local_date(at);
        let first = date.pred_opt().unwrap_or(date);
        first
            .iter_days()
            .take(HORIZON_DAYS as usize + 1)
            .filter_map(|day| self.window_on(day))
    }

    /// The window of a date, if the team works that day and both of its
    /// times exist.
    pub(crate) fn window_on(&self, date: NaiveDate) -> Option<Window> {
        if !self.working_days.contains(date.weekday()) || self.holidays.contains(&date) {
            return None;
        }
        let start = self.resolve_local(date, date.and_time(self.opens))?;
        let end = self.resolve_local(date, date.and_time(self.closes))?;
        (start < end).then_some(Window { start, end })
    }

    /// A wall-clock time of the team's zone as a UTC instant: the earlier
    /// of a repeated time (a fold), the first time after a skipped one (a
    /// gap), or `None` when the rest of the date does not exist.
    fn resolve_local(&self, date: NaiveDate, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        for minutes in 0..=GAP_SEARCH_MINUTES {
            let candidate = local.checked_add_signed(TimeDelta::minutes(minutes))?;
            if candidate.date() != date {
                return None;
            }
            match self.time_zone.from_local_datetime(&candidate) {
                LocalResult::Single(instant) => return Some(instant.with_timezone(&Utc)),
                LocalResult::Ambiguous(earlier, _) => return Some(earlier.with_timezone(&Utc)),
                LocalResult::None => continue,
            }
        }
        None
    }

    /// The date of `at` in the team's zone.
    pub(crate) fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn hours(toml: &str) -> ReviewHours {
        ReviewHours::from_toml(toml).unwrap()
    }

    /// Berlin, Monday to Friday 09:00–17:00, Christmas Eve and Day off.
    fn berlin() -> ReviewHours {
        hours("time_zone = \"Europe/Berlin\"\nholidays = [2026-12-24, 2026-12-25]\n[sla_by_reason]\nDUPLICATE_DOCUMENT = 8")
    }

    /// Instants are written with the team's offset, so that each case reads
    /// as the team's wall clock; the comparison is of instants.
    #[test]
    fn add_business_table() {
        let berlin = berlin();
        let cases = [
            // (start, business hours, expected, why)
            (
                "2026-01-12T10:00:00+01:00",
                4,
                "2026-01-12T14:00:00+01:00",
                "inside a window",
            ),
            (
                "2026-01-12T07:30:00+01:00",
                4,
                "2026-01-12T13:00:00+01:00",
                "before opening",
            ),
            (
                "2026-01-12T00:00:00+01:00",
                4,
                "2026-01-12T13:00:00+01:00",
                "at midnight",
            ),
            (
                "2026-01-12T18:00:00+01:00",
                4,
                "2026-01-13T13:00:00+01:00",
                "after closing",
            ),
            (
                "2026-01-12T17:00:00+01:00",
                4,
                "2026-01-13T13:00:00+01:00",
                "at closing",
            ),
            (
                "2026-01-12T16:00:00+01:00",
                1,
                "2026-01-12T17:00:00+01:00",
                "ends at closing, not next morning",
            ),
            (
                "2026-01-16T15:00:00+01:00",
                4,
                "2026-01-19T11:00:00+01:00",
                "Friday afternoon to Monday",
            ),
            (
                "2026-01-10T23:00:00+01:00",
                4,
                "2026-01-12T13:00:00+01:00",
                "Saturday night",
            ),
            (
                "2026-01-11T12:00:00+01:00",
                0,
                "2026-01-12T09:00:00+01:00",
                "nothing to add on a Sunday",
            ),
            (
                "2026-01-12T17:00:00+01:00",
                0,
                "2026-01-12T17:00:00+01:00",
                "nothing to add at closing",
            ),
            (
                "2026-01-12T09:00:00+01:00",
                16,
                "2026-01-13T17:00:00+01:00",
                "two whole days",
            ),
            (
                "2026-12-23T16:00:00+01:00",
                4,
                "2026-12-28T12:00:00+01:00",
                "two holidays, then a weekend",
            ),
            (
                "2026-12-24T10:00:00+01:00",
                1,
                "2026-12-28T10:00:00+01:00",
                "starting on a holiday",
            ),
            // Summer time starts on Sunday 2026-03-29: the Friday is +01:00,
            // the Monday +02:00, the window 09:00–17:00 both days.
            (
                "2026-03-27T15:00:00+01:00",
                4,
                "2026-03-30T11:00:00+02:00",
                "deadline across spring DST",
            ),
            // Summer time ends on Sunday 2026-10-25.
            (
                "2026-10-23T15:00:00+02:00",
                4,
                "2026-10-26T11:00:00+01:00",
                "deadline across autumn DST",
            ),
            (
                "2026-10-23T09:00:00+02:00",
                16,
                "2026-10-26T17:00:00+01:00",
                "two whole days across DST",
            ),
        ];
        for (start, business_hours, expected, why) in cases {
            let got = berlin
                .add_business(utc(start), TimeDelta::hours(business_hours))
                .unwrap();
            assert_eq!(got, utc(expected), "{why}: {start} + {business_hours} h");
        }
    }

    #[test]
    fn sla_deadline_takes_the_reasons_sla() {
        let berlin = berlin();
        let friday = utc("2026-03-27T15:00:00+01:00");
        assert_eq!(
            berlin.sla_deadline(friday, &[]).unwrap(),
            utc("2026-03-30T11:00:00+02:00")
        );
        // 8 business hours: 2 on Friday, 6 on Monday after the clocks change.
        assert_eq!(
            berlin.sla_deadline(friday, &[Code::DuplicateDocument]).unwrap(),
            utc("2026-03-30T15:00:00+02:00")
        );
        assert_eq!(
            berlin
                .sla_deadline(friday, &[Code::DuplicateDocument, Code::FaceMismatch])
                .unwrap(),
            utc("2026-03-30T11:00:00+02:00")
        );
    }

    #[test]
    fn is_open_and_next_open_table() {
        let berlin = berlin();
        let cases = [
            // (at, open?, next opening)
            ("2026-01-12T08:59:59+01:00", false, "2026-01-12T09:00:00+01:00"),
            ("2026-01-12T09:00:00+01:00", true, "2026-01-12T09:00:00+01:00"),
            ("2026-01-12T12:34:56+01:00", true, "2026-01-12T12:34:56+01:00"),
            ("2026-01-12T17:00:00+01:00", false, "2026-01-13T09:00:00+01:00"),
            ("2026-01-12T00:00:00+01:00", false, "2026-01-12T09:00:00+01:00"),
            ("2026-01-17T10:00:00+01:00", false, "2026-01-19T09:00:00+01:00"),
            ("2026-12-24T10:00:00+01:00", false, "2026-12-28T09:00:00+01:00"),
            // 08:30 UTC on the Monday after spring DST is 10:30 in Berlin.
            ("2026-03-30T08:30:00Z", true, "2026-03-30T08:30:00Z"),
            // 07:30 UTC the Friday before is 08:30 in Berlin: not yet.
            ("2026-03-27T07:30:00Z", false, "2026-03-27T08:00:00Z"),
        ];
        for (at, open, next) in cases {
            assert_eq!(berlin.is_open(utc(at)), open, "is_open({at})");
            assert_eq!(berlin.next_open(utc(at)).unwrap(), utc(next), "next_open({at})");
        }
    }

    #[test]
    fn next_window_is_the_open_one_or_the_next() {
        let berlin = berlin();
        let open = berlin.next_window(utc("2026-01-12T10:00:00+01:00")).unwrap();
        assert_eq!(open.start, utc("2026-01-12T09:00:00+01:00"));
        assert_eq!(open.end, utc("2026-01-12T17:00:00+01:00"));
        let saturday = berlin.next_window(utc("2026-01-17T10:00:00+01:00")).unwrap();
        assert_eq!(saturday.start, utc("2026-01-19T09:00:00+01:00"));
        assert_eq!(saturday.end, utc("2026-01-19T17:00:00+01:00"));
        let closing = berlin.next_window(utc("2026-01-12T17:00:00+01:00")).unwrap();
        assert_eq!(closing.start, utc("2026-01-13T09:00:00+01:00"));
    }

    #[test]
    fn business_between_table() {
        let berlin = berlin();
        let cases = [
            ("2026-01-12T10:00:00+01:00", "2026-01-12T14:30:00+01:00", 270),
            ("2026-01-12T06:00:00+01:00", "2026-01-12T20:00:00+01:00", 480),
            ("2026-01-16T16:00:00+01:00", "2026-01-19T10:00:00+01:00", 120),
            ("2026-01-17T00:00:00+01:00", "2026-01-18T23:59:00+01:00", 0),
            ("2026-12-23T16:00:00+01:00", "2026-12-28T12:00:00+01:00", 240),
            ("2026-01-12T14:00:00+01:00", "2026-01-12T10:00:00+01:00", 0),
            // A whole working week across the spring change: 5 × 8 h.
            ("2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 5 * 480),
        ];
        for (from, to, minutes) in cases {
            assert_eq!(
                berlin.business_between(utc(from), utc(to)).unwrap(),
                TimeDelta::minutes(minutes),
                "{from} .. {to}"
            );
        }
    }

    /// A team that works Sundays, 00:00–23:00: the window keeps its wall
    /// clock, so it is 22 real hours on the spring-forward day and 24 on
    /// the fall-back day.
    #[test]
    fn dst_days_keep_wall_clock_windows() {
        let team = hours(
            "time_zone = \"Europe/Berlin\"\nworking_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\nopens = \"00:00\"\ncloses = \"23:00\"",
        );
        let cases = [
            ("2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", 23),
            ("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 22),
            ("2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00", 24),
        ];
        for (from, to, hours) in cases {
            assert_eq!(
                team.business_between(utc(from), utc(to)).unwrap(),
                TimeDelta::hours(hours),
                "{from} .. {to}"
            );
        }
        let window = team.next_window(utc("2026-03-29T12:00:00+02:00")).unwrap();
        assert_eq!(window.end, utc("2026-03-29T23:00:00+02:00"));
    }

    /// An opening time inside the spring gap opens when the clocks resume;
    /// inside the autumn fold, at its first occurrence.
    #[test]
    fn opening_in_a_dst_gap_or_fold() {
        let team =
            hours("time_zone = \"Europe/Berlin\"\nworking_days = [\"sun\"]\nopens = \"02:30\"\ncloses = \"05:00\"");
        let spring = team.next_window(utc("2026-03-28T12:00:00Z")).unwrap();
        assert_eq!(spring.start, utc("2026-03-29T03:00:00+02:00"));
        assert_eq!(spring.end, utc("2026-03-29T05:00:00+02:00"));
        let autumn = team.next_window(utc("2026-10-24T12:00:00Z")).unwrap();
        assert_eq!(autumn.start, utc("2026-10-25T02:30:00+02:00"));
        assert_eq!(autumn.end, utc("2026-10-25T05:00:00+01:00"));
        assert_eq!(autumn.end - autumn.start, TimeDelta::minutes(210));
    }

    #[test]
    fn another_zone_than_the_servers() {
        // Shanghai has no DST; its 09:00 is 01:00 UTC.
        let shanghai = hours("time_zone = \"Asia/Shanghai\"");
        assert_eq!(
            shanghai
                .add_business(utc("2026-03-27T08:00:00Z"), TimeDelta::hours(4))
                .unwrap(),
            utc("2026-03-30T04:00:00Z")
        );
        // Auckland (summer time, +13:00) works while UTC still has Sunday.
        let auckland = hours("time_zone = \"Pacific/Auckland\"");
        let monday_morning = utc("2026-01-11T21:00:00Z");
        assert!(auckland.is_open(monday_morning));
        assert_eq!(
            auckland.add_business(monday_morning, TimeDelta::hours(8)).unwrap(),
            utc("2026-01-13T10:00:00+13:00")
        );
        // New York changed on 2026-03-08; its Friday 16:00 is 20:00 UTC.
        let new_york = hours("time_zone = \"America/New_York\"");
        assert_eq!(
            new_york
                .add_business(utc("2026-03-06T21:00:00Z"), TimeDelta::hours(4))
                .unwrap(),
            utc("2026-03-09T12:00:00-04:00")
        );
    }

    #[test]
    fn loops_are_bounded() {
        let berlin = berlin();
        let start = utc("2026-01-12T10:00:00+01:00");
        assert_eq!(
            berlin.add_business(start, TimeDelta::hours(8 * 5 * 52 * 4)),
            Err(CalendarError::NoWindow { from: start })
        );
        assert_eq!(
            berlin.add_business(start, TimeDelta::hours(-1)),
            Err(CalendarError::NegativeDuration)
        );
        let far = utc("2031-01-12T10:00:00+01:00");
        assert_eq!(
            berlin.business_between(start, far),
            Err(CalendarError::SpanTooLong { from: start, to: far })
        );
        // Every Monday for four years a holiday: no window for Monday-only.
        let holidays: Vec<String> = NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .iter_weeks()
            .take(4 * 53)
            .map(|date| format!("\"{date}\""))
            .collect();
        let mondays = hours(&format!(
            "time_zone = \"UTC\"\nworking_days = [\"mon\"]\nholidays = [{}]",
            holidays.join(", ")
        ));
        let from = utc("2026-01-01T00:00:00Z");
        assert_eq!(mondays.next_open(from), Err(CalendarError::NoWindow { from }));
        assert_eq!(
            mondays.add_business(from, TimeDelta::minutes(1)),
            Err(CalendarError::NoWindow { from })
        );
        assert!(!mondays.is_open(utc("2026-01-05T10:00:00Z")));
    }

    #[test]
    fn throughput_is_per_business_hour() {
        let berlin = berlin();
        // Friday 13:00 to Monday 11:00 is 6 business hours.
        let since = utc("2026-01-16T13:00:00+01:00");
        let now = utc("2026-01-19T11:00:00+01:00");
        assert_eq!(berlin.throughput(12, since, now).unwrap(), Some(2.0));
        assert_eq!(berlin.throughput(0, since, now).unwrap(), None);
        let weekend = utc("2026-01-17T10:00:00+01:00");
        assert_eq!(
            berlin.throughput(3, weekend, weekend + TimeDelta::hours(5)).unwrap(),
            None
        );
    }

    /// Instants from 2025 to 2030, to the second.
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (1_735_689_600_i64..1_924_992_000).prop_map(|seconds| DateTime::from_timestamp(seconds, 0).unwrap())
    }

    /// Up to 60 business hours, to the second.
    fn business() -> impl Strategy<Value = TimeDelta> {
        (0_i64..60 * 3600).prop_map(TimeDelta::seconds)
    }

    /// A closing instant of some window.
    fn is_window_end(hours: &ReviewHours, at: DateTime<Utc>) -> bool {
        hours
            .window_on(hours.local_date(at))
            .is_some_and(|window| window.end == at)
    }

    proptest! {
        #[test]
        fn adding_is_additive(a in instant(), d1 in business(), d2 in business()) {
            let berlin = berlin();
            let once = berlin.add_business(a, d1 + d2).unwrap();
            let twice = berlin.add_business(berlin.add_business(a, d1).unwrap(), d2).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn between_undoes_adding_from_inside_a_window(a in instant(), d in business()) {
            let berlin = berlin();
            let inside = berlin.next_open(a).unwrap();
            prop_assert!(berlin.is_open(inside));
            let later = berlin.add_business(inside, d).unwrap();
            prop_assert_eq!(berlin.business_between(inside, later).unwrap(), d);
        }

        #[test]
        fn results_lie_in_a_window_or_at_its_end(a in instant(), d in business()) {
            let berlin = berlin();
            let result = berlin.add_business(a, d).unwrap();
            prop_assert!(result >= a);
            prop_assert!(berlin.is_open(result) || is_window_end(&berlin, result), "{}", result);
        }

        #[test]
        fn next_window_is_after_or_around_now(now in instant()) {
            let berlin = berlin();
            let window = berlin.next_window(now).unwrap();
            prop_assert!(window.end > now);
            prop_assert!(window.start < window.end);
            prop_assert_eq!(berlin.is_open(now), window.contains(now));
        }
    }
}
