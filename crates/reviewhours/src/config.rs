//! The review team's hours as TOML, validated once at load: every problem
//! is reported with the TOML key that causes it.

use chrono::{NaiveDate, NaiveTime, TimeDelta, Weekday, WeekdaySet};
use chrono_tz::Tz;
use openkyc_reasons::Code;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The shipped review hours, `config/review-hours.toml`.
pub const SHIPPED_TOML: &str = include_str!("../../../config/review-hours.toml");

/// The longest SLA accepted, in business hours: a year of 8-hour days.
/// Beyond it a deadline could fall outside the calendar's horizon.
const MAX_SLA_HOURS: f64 = 2000.0;

/// Why review hours could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Not TOML, a value of the wrong type, or an unknown key (named).
    #[error("review hours: {0}")]
    Toml(#[from] toml::de::Error),
    /// A value that parses but cannot be used.
    #[error("review hours: {key}: {problem}")]
    Invalid {
        /// The TOML key, e.g. `working_days[2]` or `sla_by_reason.DUPLICATE_DOCUMENT`.
        key: String,
        /// What is wrong with it.
        problem: String,
    },
}

fn invalid(key: impl Into<String>, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.into(),
        problem: problem.into(),
    }
}

/// The file as written; [`ReviewHours::from_toml`] turns it into checked values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    time_zone: String,
    working_days: Option<Vec<String>>,
    // Strings ("09:00") or TOML local times (09:00:00).
    opens: Option<toml::Value>,
    closes: Option<toml::Value>,
    // Strings ("2026-12-25") or TOML local dates (2026-12-25).
    #[serde(default)]
    holidays: Vec<toml::Value>,
    sla_hours: Option<f64>,
    #[serde(default)]
    sla_by_reason: BTreeMap<String, f64>,
}

/// When a review team works, and the SLA it promises.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewHours {
    pub(crate) time_zone: Tz,
    pub(crate) working_days: WeekdaySet,
    pub(crate) opens: NaiveTime,
    pub(crate) closes: NaiveTime,
    pub(crate) holidays: BTreeSet<NaiveDate>,
    pub(crate) sla: TimeDelta,
    pub(crate) sla_by_reason: BTreeMap<Code, TimeDelta>,
}

impl ReviewHours {
    /// The shipped hours ([`SHIPPED_TOML`]).
    pub fn shipped() -> Result<ReviewHours, ConfigError> {
        ReviewHours::from_toml(SHIPPED_TOML)
    }

    /// Reads and validates review hours. Only `time_zone` is required:
    /// Monday to Friday, 09:00 to 17:00, no holidays and a 4-hour SLA
    /// otherwise.
    pub fn from_toml(text: &str) -> Result<ReviewHours, ConfigError> {
        let raw: RawHours = toml::from_str(text)?;
        let opens = match &raw.opens {
            Some(value) => parse_time(value, "opens")?,
            None => NaiveTime::from_hms_opt(9, 0, 0).ok_or_else(|| invalid("opens", "default"))?,
        };
        let closes = match &raw.closes {
            Some(value) => parse_time(value, "closes")?,
            None => NaiveTime::from_hms_opt(17, 0, 0).ok_or_else(|| invalid("closes", "default"))?,
        };
        if closes <= opens {
            return Err(invalid("closes", format!("must be after opens ({})", clock(opens))));
        }
        Ok(ReviewHours {
            time_zone: parse_zone(&raw.time_zone)?,
            working_days: parse_working_days(raw.working_days.as_deref())?,
            opens,
            closes,
            holidays: parse_holidays(&raw.holidays)?,
            sla: sla_hours(raw.sla_hours.unwrap_or(4.0), "sla_hours")?,
            sla_by_reason: parse_sla_by_reason(&raw.sla_by_reason)?,
        })
    }

    /// The team's time zone.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// The days of the week the team works (holidays aside).
    pub fn working_days(&self) -> WeekdaySet {
        self.working_days
    }

    /// Opening time, wall clock in the team's zone.
    pub fn opens(&self) -> NaiveTime {
        self.opens
    }

    /// Closing time, wall clock in the team's zone.
    pub fn closes(&self) -> NaiveTime {
        self.closes
    }

    /// Dates on which nobody reviews.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// The SLA, in business time, for a case held for these reasons: the
    /// strictest (shortest) of theirs, the default for a reason without its
    /// own and when no reason is given.
    pub fn sla_for(&self, reasons: &[Code]) -> TimeDelta {
        reasons
            .iter()
            .map(|code| self.sla_by_reason.get(code).copied().unwrap_or(self.sla))
            .min()
            .unwrap_or(self.sla)
    }

    /// The default SLA, in business time.
    pub fn default_sla(&self) -> TimeDelta {
        self.sla
    }
}

fn parse_zone(name: &str) -> Result<Tz, ConfigError> {
    name.parse::<Tz>().map_err(|_| {
        invalid(
            "time_zone",
            format!("{name:?} is not an IANA time zone (e.g. \"Europe/Berlin\")"),
        )
    })
}

fn parse_working_days(days: Option<&[String]>) -> Result<WeekdaySet, ConfigError> {
    let Some(days) = days else {
        return Ok(WeekdaySet::from_array([
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]));
    };
    let mut set = WeekdaySet::EMPTY;
    for (index, day) in days.iter().enumerate() {
        let key = format!("working_days[{index}]");
        let weekday = day.parse::<Weekday>().map_err(|_| {
            invalid(
                &key,
                format!("{day:?} is not a day (mon, tue, wed, thu, fri, sat, sun)"),
            )
        })?;
        if !set.insert(weekday) {
            return Err(invalid(key, format!("{day:?} is listed twice")));
        }
    }
    if set.is_empty() {
        // Without a working day no deadline exists: refuse now rather than
        // let every calendar walk run to its horizon.
        return Err(invalid("working_days", "at least one working day is needed"));
    }
    Ok(set)
}

/// `"HH:MM"`, or a TOML local time.
fn parse_time(value: &toml::Value, key: &str) -> Result<NaiveTime, ConfigError> {
    let text = match value {
        toml::Value::String(text) => text.clone(),
        toml::Value::Datetime(datetime) if datetime.date.is_none() && datetime.offset.is_none() => datetime.to_string(),
        _ => return Err(invalid(key, "expected a time of day, \"HH:MM\"")),
    };
    NaiveTime::parse_from_str(&text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(&text, "%H:%M:%S"))
        .map_err(|_| {
            invalid(
                key,
                format!("{text:?} is not a time of day (\"HH:MM\", 00:00 to 23:59)"),
            )
        })
}

/// `"YYYY-MM-DD"`, or TOML local dates.
fn parse_holidays(values: &[toml::Value]) -> Result<BTreeSet<NaiveDate>, ConfigError> {
    let mut holidays = BTreeSet::new();
    for (index, value) in values.iter().enumerate() {
        let key = format!("holidays[{index}]");
        let text = match value {
            toml::Value::String(text) => text.clone(),
            toml::Value::Datetime(datetime) if datetime.time.is_none() => datetime.to_string(),
            _ => return Err(invalid(key, "expected a date, YYYY-MM-DD")),
        };
        let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| invalid(&key, format!("{text:?} is not a date (YYYY-MM-DD)")))?;
        holidays.insert(date);
    }
    Ok(holidays)
}

fn parse_sla_by_reason(table: &BTreeMap<String, f64>) -> Result<BTreeMap<Code, TimeDelta>, ConfigError> {
    let mut slas = BTreeMap::new();
    for (name, hours) in table {
        let key = format!("sla_by_reason.{name}");
        let code = Code::parse(name).ok_or_else(|| invalid(&key, "not a reason code (see docs/REASONS.md)"))?;
        slas.insert(code, sla_hours(*hours, &key)?);
    }
    Ok(slas)
}

/// Business hours to a duration, whole seconds.
fn sla_hours(hours: f64, key: &str) -> Result<TimeDelta, ConfigError> {
    if !(hours.is_finite() && hours > 0.0 && hours <= MAX_SLA_HOURS) {
        return Err(invalid(
            key,
            format!("{hours} hours: expected more than 0, at most {MAX_SLA_HOURS}"),
        ));
    }
    // In range, so the cast cannot saturate.
    let seconds = (hours * 3600.0).round() as i64;
    TimeDelta::try_seconds(seconds.max(1)).ok_or_else(|| invalid(key, "out of range"))
}

/// `HH:MM` of a time of day.
pub(crate) fn clock(time: NaiveTime) -> String {
    use chrono::Timelike;
    format!("{:02}:{:02}", time.hour(), time.minute())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_shipped_hours_load() {
        let hours = ReviewHours::shipped().unwrap();
        assert_eq!(hours.time_zone(), Tz::UTC);
        assert_eq!(hours.working_days().len(), 5);
        assert_eq!(clock(hours.opens()), "09:00");
        assert_eq!(clock(hours.closes()), "17:00");
        assert_eq!(hours.default_sla(), TimeDelta::hours(4));
        assert_eq!(hours.sla_for(&[Code::DuplicateDocument]), TimeDelta::hours(8));
    }

    #[test]
    fn defaults_fill_everything_but_the_zone() {
        let hours = ReviewHours::from_toml("time_zone = \"Europe/Berlin\"").unwrap();
        assert_eq!(hours.time_zone(), Tz::Europe__Berlin);
        let weekdays: Vec<Weekday> = hours.working_days().iter(Weekday::Mon).collect();
        assert_eq!(
            weekdays,
            [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
        );
        assert_eq!(
            (clock(hours.opens()), clock(hours.closes())),
            ("09:00".into(), "17:00".into())
        );
        assert!(hours.holidays().is_empty());
        assert_eq!(hours.sla_for(&[]), TimeDelta::hours(4));
    }

    #[test]
    fn toml_dates_and_times_are_accepted_as_well_as_strings() {
        let hours = ReviewHours::from_toml(
            "time_zone = \"Asia/Shanghai\"\nopens = 08:30:00\ncloses = \"18:15\"\nholidays = [2026-10-01, \"2026-10-02\"]\nsla_hours = 2.5",
        )
        .unwrap();
        assert_eq!(clock(hours.opens()), "08:30");
        assert_eq!(clock(hours.closes()), "18:15");
        let holidays: Vec<String> = hours.holidays().iter().map(|d| d.to_string()).collect();
        assert_eq!(holidays, ["2026-10-01", "2026-10-02"]);
        assert_eq!(hours.default_sla(), TimeDelta::minutes(150));
    }

    #[test]
    fn the_strictest_reason_sla_wins() {
        let hours = ReviewHours::from_toml(
            "time_zone = \"UTC\"\nsla_hours = 4\n[sla_by_reason]\nDUPLICATE_DOCUMENT = 8\nFACE_MISMATCH = 2",
        )
        .unwrap();
        assert_eq!(hours.sla_for(&[Code::DuplicateDocument]), TimeDelta::hours(8));
        assert_eq!(
            hours.sla_for(&[Code::DuplicateDocument, Code::DocBlurry]),
            TimeDelta::hours(4)
        );
        assert_eq!(
            hours.sla_for(&[Code::DuplicateDocument, Code::FaceMismatch]),
            TimeDelta::hours(2)
        );
    }

    /// Each bad file names the key at fault.
    #[test]
    fn config_errors_name_the_key() {
        let cases = [
            ("timezone = \"UTC\"", "timezone"),
            ("opens = \"09:00\"", "time_zone"),
            ("time_zone = \"Europe/Berln\"", "time_zone"),
            (
                "time_zone = \"UTC\"\nworking_days = [\"mon\", \"fri\", \"xyz\"]",
                "working_days[2]",
            ),
            (
                "time_zone = \"UTC\"\nworking_days = [\"mon\", \"mon\"]",
                "working_days[1]",
            ),
            ("time_zone = \"UTC\"\nworking_days = []", "working_days"),
            ("time_zone = \"UTC\"\nopens = \"9am\"", "opens"),
            ("time_zone = \"UTC\"\nopens = \"25:00\"", "opens"),
            ("time_zone = \"UTC\"\nopens = \"10:00\"\ncloses = \"09:00\"", "closes"),
            ("time_zone = \"UTC\"\ncloses = \"09:00\"", "closes"),
            (
                "time_zone = \"UTC\"\nholidays = [\"2026-12-25\", \"2026-13-01\"]",
                "holidays[1]",
            ),
            ("time_zone = \"UTC\"\nholidays = [5]", "holidays[0]"),
            ("time_zone = \"UTC\"\nsla_hours = 0", "sla_hours"),
            ("time_zone = \"UTC\"\nsla_hours = -3", "sla_hours"),
            ("time_zone = \"UTC\"\nsla_hours = 1e9", "sla_hours"),
            ("time_zone = \"UTC\"\nsla_hours = nan", "sla_hours"),
            (
                "time_zone = \"UTC\"\n[sla_by_reason]\nDUPLICATE_DOCUMENTS = 8",
                "sla_by_reason.DUPLICATE_DOCUMENTS",
            ),
            (
                "time_zone = \"UTC\"\n[sla_by_reason]\nDUPLICATE_FACE = 0",
                "sla_by_reason.DUPLICATE_FACE",
            ),
            (
                "time_zone = \"UTC\"\n[sla_by_reason]\nDUPLICATE_FACE = \"soon\"",
                "DUPLICATE_FACE",
            ),
            ("time_zone = \"UTC\"\nsla_hours = 4\nsla = 3", "sla"),
        ];
        for (text, key) in cases {
            let error = ReviewHours::from_toml(text).expect_err(text).to_string();
            assert!(error.contains(key), "{text:?}: {error:?} does not name {key}");
        }
    }

    #[test]
    fn invalid_errors_carry_the_exact_key() {
        match ReviewHours::from_toml("time_zone = \"UTC\"\nworking_days = [\"mon\", \"funday\"]") {
            Err(ConfigError::Invalid { key, .. }) => assert_eq!(key, "working_days[1]"),
            other => panic!("{other:?}"),
        }
    }
}
