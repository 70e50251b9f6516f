//! The decision time an applicant waiting for review is told: from the
//! queue ahead of them, how fast the team has been deciding (in business
//! hours) and the team's calendar, in words of the applicant's own time
//! zone ("Monday around 11:00 (your time)" rather than "4 hours" on a
//! Saturday night).

use crate::calendar::{CalendarError, HORIZON_DAYS};
use crate::config::{clock, ReviewHours};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

/// ETAs are rounded up to the next quarter hour: a promise to the minute
/// would be false precision.
const ROUND_TO_SECONDS: i64 = 15 * 60;

/// What an estimate rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EtaBasis {
    /// The queue ahead divided by the measured throughput.
    Throughput,
    /// No throughput measured: the case's SLA deadline.
    Sla,
}

/// When an applicant can expect a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eta {
    /// The expected decision time, rounded up to a quarter hour.
    pub at: DateTime<Utc>,
    /// In English, e.g. "Monday around 11:00 (your time)".
    pub en: String,
    /// In Simplified Chinese, e.g. "周一 11:00 左右（您当地时间）".
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    /// What the estimate rests on.
    pub basis: EtaBasis,
    /// The estimate is later than the SLA deadline: the queue is longer
    /// than the SLA allows, and the applicant is told the truth.
    pub beyond_sla: bool,
}

impl ReviewHours {
    /// The ETA of a case at `queue_position` (the cases ahead of it plus
    /// one) with SLA deadline `sla_deadline` ([`ReviewHours::sla_deadline`]),
    /// given the team's `throughput` in cases decided per business hour
    /// ([`ReviewHours::throughput`]). Without a usable throughput (none
    /// measured, zero) the SLA deadline is the estimate, or one more SLA
    /// from now once it has passed. An estimate later than the deadline is
    /// kept, never replaced by the deadline, and flagged
    /// ([`Eta::beyond_sla`]). The sentences are in `applicant_tz`, or the
    /// team's zone (and then name it) when the applicant's is unknown.
    pub fn eta(
        &self,
        now: DateTime<Utc>,
        queue_position: u32,
        throughput: Option<f64>,
        sla_deadline: DateTime<Utc>,
        applicant_tz: Option<Tz>,
    ) -> Result<Eta, CalendarError> {
        let (estimate, basis) = match throughput.filter(|rate| rate.is_finite() && *rate > 0.0) {
            Some(rate) => (
                self.add_business(now, queue_wait(queue_position.max(1), rate))?,
                EtaBasis::Throughput,
            ),
            None if sla_deadline > now => (sla_deadline, EtaBasis::Sla),
            None => (self.add_business(now, self.default_sla())?, EtaBasis::Sla),
        };
        let at = round_up_to_quarter_hour(estimate);
        let (en, zh_cn) = sentences(now, at, applicant_tz, self.time_zone());
        Ok(Eta {
            at,
            en,
            zh_cn,
            basis,
            beyond_sla: estimate > sla_deadline,
        })
    }
}

/// Business time for `position` cases at `rate` cases an hour, capped at
/// the calendar's horizon (beyond it `add_business` reports no window).
fn queue_wait(position: u32, rate: f64) -> TimeDelta {
    let horizon_seconds = f64::from(HORIZON_DAYS) * 86_400.0;
    let seconds = (f64::from(position) / rate * 3600.0).ceil().min(horizon_seconds);
    // Finite, non-negative and capped: the cast is exact enough and cannot saturate.
    TimeDelta::seconds(seconds as i64)
}

/// `at`, or the next quarter hour after it. Every zone in use has an offset
/// of whole quarter hours, so a UTC quarter hour is one locally too.
fn round_up_to_quarter_hour(at: DateTime<Utc>) -> DateTime<Utc> {
    let seconds = at.timestamp();
    let past = seconds.rem_euclid(ROUND_TO_SECONDS);
    if past == 0 && at.timestamp_subsec_nanos() == 0 {
        return at;
    }
    DateTime::from_timestamp(seconds - past + ROUND_TO_SECONDS, 0).unwrap_or(at)
}

/// The English and Chinese sentences for `at` as seen from `now`.
fn sentences(now: DateTime<Utc>, at: DateTime<Utc>, applicant_tz: Option<Tz>, team_tz: Tz) -> (String, String) {
    let zone = applicant_tz.unwrap_or(team_tz);
    let today = now.with_timezone(&zone).date_naive();
    let local = at.with_timezone(&zone);
    let date = local.date_naive();
    let time = clock(local.time());
    let (day_en, day_zh) = match (date - today).num_days() {
        ..=0 => ("today".to_string(), "今天".to_string()),
        1 => ("tomorrow".to_string(), "明天".to_string()),
        // Within the coming week a weekday is unambiguous.
        2..=6 => (
            weekday_en(date.weekday()).to_string(),
            weekday_zh(date.weekday()).to_string(),
        ),
        _ => (date_en(date, today.year()), date_zh(date, today.year())),
    };
    let (zone_en, zone_zh) = match applicant_tz {
        Some(_) => ("your time".to_string(), "您当地时间".to_string()),
        // Not knowing the applicant's zone, name the one used.
        None => (format!("{} time", zone.name()), format!("{} 时间", zone.name())),
    };
    (
        format!("{day_en} around {time} ({zone_en})"),
        format!("{day_zh} {time} 左右（{zone_zh}）"),
    )
}

fn weekday_en(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn weekday_zh(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

/// "14 December", with the year when it is not this one.
fn date_en(date: NaiveDate, this_year: i32) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(date.month0() as usize).copied().unwrap_or_default();
    if date.year() == this_year {
        format!("{} {month}", date.day())
    } else {
        format!("{} {month} {}", date.day(), date.year())
    }
}

/// "12月14日", with the year when it is not this one.
fn date_zh(date: NaiveDate, this_year: i32) -> String {
    if date.year() == this_year {
        format!("{}月{}日", date.month(), date.day())
    } else {
        format!("{}年{}月{}日", date.year(), date.month(), date.day())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn berlin() -> ReviewHours {
        ReviewHours::from_toml("time_zone = \"Europe/Berlin\"\nholidays = [2026-12-24, 2026-12-25]").unwrap()
    }

    /// Saturday 2026-01-10 23:00 in Berlin.
    fn saturday_night() -> DateTime<Utc> {
        utc("2026-01-10T23:00:00+01:00")
    }

    /// The issue's own example: submitted Saturday 23:00, one case at two
    /// an hour, is Monday 11:00 in Berlin; the same instant is Monday 05:00
    /// in New York, but already "tomorrow" 18:00 in Shanghai, where it is
    /// Sunday morning.
    #[test]
    fn saturday_night_in_three_zones() {
        let hours = berlin();
        let now = saturday_night();
        let deadline = hours.sla_deadline(now, &[]).unwrap();
        let cases = [
            (
                Some(Tz::Europe__Berlin),
                "Monday around 11:00 (your time)",
                "周一 11:00 左右（您当地时间）",
            ),
            (
                Some(Tz::America__New_York),
                "Monday around 05:00 (your time)",
                "周一 05:00 左右（您当地时间）",
            ),
            (
                Some(Tz::Asia__Shanghai),
                "tomorrow around 18:00 (your time)",
                "明天 18:00 左右（您当地时间）",
            ),
            (
                None,
                "Monday around 11:00 (Europe/Berlin time)",
                "周一 11:00 左右（Europe/Berlin 时间）",
            ),
        ];
        for (zone, en, zh) in cases {
            let eta = hours.eta(now, 1, Some(0.5), deadline, zone).unwrap();
            assert_eq!(eta.at, utc("2026-01-12T11:00:00+01:00"));
            assert_eq!((eta.en.as_str(), eta.zh_cn.as_str()), (en, zh), "{zone:?}");
            assert_eq!(eta.basis, EtaBasis::Throughput);
            assert!(!eta.beyond_sla);
        }
    }

    #[test]
    fn today_and_tomorrow_are_named() {
        let hours = berlin();
        let tuesday = utc("2026-01-13T14:05:00+01:00");
        let deadline = hours.sla_deadline(tuesday, &[]).unwrap();
        // 3 cases at 2 an hour: 90 minutes, 15:35, said as 15:45.
        let today = hours
            .eta(tuesday, 3, Some(2.0), deadline, Some(Tz::Europe__Berlin))
            .unwrap();
        assert_eq!(today.at, utc("2026-01-13T15:45:00+01:00"));
        assert_eq!(today.en, "today around 15:45 (your time)");
        assert_eq!(today.zh_cn, "今天 15:45 左右（您当地时间）");
        // 4 cases at 1 an hour: 2 h 55 today, 1 h 05 tomorrow (10:05, said
        // as 10:15), exactly the SLA deadline.
        let tomorrow = hours
            .eta(tuesday, 4, Some(1.0), deadline, Some(Tz::Europe__Berlin))
            .unwrap();
        assert_eq!(tomorrow.at, utc("2026-01-14T10:15:00+01:00"));
        assert_eq!(tomorrow.en, "tomorrow around 10:15 (your time)");
        assert_eq!(tomorrow.zh_cn, "明天 10:15 左右（您当地时间）");
        assert!(!tomorrow.beyond_sla);
    }

    #[test]
    fn a_long_queue_is_told_honestly_and_dated_beyond_a_week() {
        let hours = berlin();
        let now = utc("2026-12-21T10:00:00+01:00");
        let deadline = hours.sla_deadline(now, &[]).unwrap();
        // 80 cases at 2 an hour: 40 business hours. Monday 10:00 to 17:00
        // is 7, Tuesday and Wednesday 16, then the holidays and the weekend;
        // Monday 28th and Tuesday 29th 16, 1 on Wednesday 30th.
        let eta = hours
            .eta(now, 80, Some(2.0), deadline, Some(Tz::Europe__Berlin))
            .unwrap();
        assert_eq!(eta.at, utc("2026-12-30T10:00:00+01:00"));
        assert!(eta.beyond_sla, "later than the 4-hour SLA");
        assert_eq!(eta.en, "30 December around 10:00 (your time)");
        assert_eq!(eta.zh_cn, "12月30日 10:00 左右（您当地时间）");
        // 60 business hours: after those 39, Wednesday and Thursday 16, 5 on
        // New Year's Day (not a holiday of this team). The year is said.
        let eta = hours
            .eta(now, 120, Some(2.0), deadline, Some(Tz::Europe__Berlin))
            .unwrap();
        assert_eq!(eta.at, utc("2027-01-01T14:00:00+01:00"));
        assert_eq!(eta.en, "1 January 2027 around 14:00 (your time)");
        assert_eq!(eta.zh_cn, "2027年1月1日 14:00 左右（您当地时间）");
    }

    #[test]
    fn without_throughput_the_sla_deadline_is_the_estimate() {
        let hours = berlin();
        let now = saturday_night();
        let deadline = hours.sla_deadline(now, &[]).unwrap();
        assert_eq!(deadline, utc("2026-01-12T13:00:00+01:00"));
        for throughput in [None, Some(0.0), Some(-1.0), Some(f64::NAN), Some(f64::INFINITY)] {
            let eta = hours
                .eta(now, 5, throughput, deadline, Some(Tz::Europe__Berlin))
                .unwrap();
            assert_eq!(eta.at, deadline, "{throughput:?}");
            assert_eq!(eta.basis, EtaBasis::Sla);
            assert!(!eta.beyond_sla);
            assert_eq!(eta.en, "Monday around 13:00 (your time)");
        }
    }

    #[test]
    fn a_passed_deadline_gives_one_more_sla_from_now() {
        let hours = berlin();
        let deadline = utc("2026-01-12T13:00:00+01:00");
        let now = utc("2026-01-12T15:10:00+01:00");
        let eta = hours.eta(now, 1, None, deadline, None).unwrap();
        // 15:10 + 4 business hours = Tuesday 11:10, said as 11:15.
        assert_eq!(eta.at, utc("2026-01-13T11:15:00+01:00"));
        assert!(eta.beyond_sla);
        assert_eq!(eta.en, "tomorrow around 11:15 (Europe/Berlin time)");
        assert_eq!(eta.zh_cn, "明天 11:15 左右（Europe/Berlin 时间）");
    }

    #[test]
    fn position_zero_counts_as_first() {
        let hours = berlin();
        let now = utc("2026-01-13T10:00:00+01:00");
        let deadline = hours.sla_deadline(now, &[]).unwrap();
        let zero = hours.eta(now, 0, Some(1.0), deadline, None).unwrap();
        let one = hours.eta(now, 1, Some(1.0), deadline, None).unwrap();
        assert_eq!(zero, one);
        assert_eq!(one.at, utc("2026-01-13T11:00:00+01:00"));
    }

    #[test]
    fn a_throughput_too_small_for_the_calendar_is_an_error() {
        let hours = berlin();
        let now = utc("2026-01-13T10:00:00+01:00");
        let deadline = hours.sla_deadline(now, &[]).unwrap();
        assert_eq!(
            hours.eta(now, 10, Some(1e-6), deadline, None),
            Err(CalendarError::NoWindow { from: now })
        );
    }

    #[test]
    fn rounding_is_up_to_the_quarter_hour() {
        let cases = [
            ("2026-01-13T10:00:00Z", "2026-01-13T10:00:00Z"),
            ("2026-01-13T10:00:01Z", "2026-01-13T10:15:00Z"),
            ("2026-01-13T10:00:00.001Z", "2026-01-13T10:15:00Z"),
            ("2026-01-13T10:14:59Z", "2026-01-13T10:15:00Z"),
            ("2026-01-13T23:50:00Z", "2026-01-14T00:00:00Z"),
        ];
        for (at, rounded) in cases {
            assert_eq!(round_up_to_quarter_hour(utc(at)), utc(rounded), "{at}");
        }
    }

    #[test]
    fn serialises_with_language_tags() {
        let hours = berlin();
        let now = saturday_night();
        let deadline = hours.sla_deadline(now, &[]).unwrap();
        let eta = hours
            .eta(now, 1, Some(0.5), deadline, Some(Tz::Europe__Berlin))
            .unwrap();
        let json = serde_json::to_value(&eta).unwrap();
        assert_eq!(json["at"], "2026-01-12T10:00:00Z");
        assert_eq!(json["en"], "Monday around 11:00 (your time)");
        assert_eq!(json["zh-CN"], "周一 11:00 左右（您当地时间）");
        assert_eq!(json["basis"], "throughput");
        assert_eq!(json["beyond_sla"], false);
    }
}
