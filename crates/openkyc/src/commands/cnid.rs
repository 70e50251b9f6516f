//! `openkyc cnid NUMBER`.

use super::{reference_date, Outcome, EXIT_INVALID, EXIT_UNREADABLE, EXIT_VALID};
use chrono::NaiveDate;
use openkyc_cnid::CnIdErrorCode;

/// Arguments of `openkyc cnid`.
#[derive(Debug, clap::Args)]
pub struct CnidArgs {
    /// The 18-character (or legacy 15-digit) number.
    number: String,
    /// Judge the birth date against this date (YYYY-MM-DD) instead of today.
    #[arg(long)]
    reference_date: Option<NaiveDate>,
}

/// Runs the subcommand: exit 0 valid, 1 a number of the right form that
/// fails a check (checksum, date, region), 2 not an ID number at all
/// (wrong length or characters).
pub fn run(args: &CnidArgs) -> anyhow::Result<Outcome> {
    let today = reference_date(args.reference_date);
    let report = openkyc_cnid::report(&args.number, today);
    let exit = match openkyc_cnid::parse(&args.number, today) {
        Ok(_) => EXIT_VALID,
        Err(error) if matches!(error.code, CnIdErrorCode::Length | CnIdErrorCode::Charset) => EXIT_UNREADABLE,
        Err(_) => EXIT_INVALID,
    };
    Outcome::new(&report, exit)
}
