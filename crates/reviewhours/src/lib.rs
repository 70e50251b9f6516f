//! Business hours of a review team, and what follows from them: the SLA
//! deadline of a case held for review, and the ETA shown to its applicant.
//!
//! The team's hours are configuration ([`ReviewHours`], TOML, shipped as
//! `config/review-hours.toml`): an IANA time zone, working days, one
//! opening window a day in wall-clock time, holidays, and an SLA in business
//! hours with overrides per reason code. Everything is computed in the
//! team's zone, so a window stays 09:00–17:00 on the 23- and 25-hour days of
//! daylight-saving changes, and results are UTC instants.
//!
//! The crate is pure: it never reads a clock (`now` is always a parameter)
//! and does no I/O. Every walk over the calendar is bounded by
//! [`HORIZON_DAYS`] and fails with a [`CalendarError`] instead of spinning.

mod calendar;
mod config;
mod eta;

pub use calendar::{CalendarError, Window, HORIZON_DAYS};
pub use chrono_tz::Tz;
pub use config::{ConfigError, ReviewHours, SHIPPED_TOML};
pub use eta::{Eta, EtaBasis};
