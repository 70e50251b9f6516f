//! `openkyc mrz [FILE|-]`.

use super::{reference_date, ErrorBody, Outcome, EXIT_INVALID, EXIT_UNREADABLE, EXIT_VALID};
use anyhow::Context;
use chrono::NaiveDate;
use openkyc_mrz::{parse, ParseOptions, MAX_INPUT_CHARS};
use serde::Serialize;
use std::io::Read;
use std::path::PathBuf;

/// Arguments of `openkyc mrz`.
#[derive(Debug, clap::Args)]
pub struct MrzArgs {
    /// File holding the MRZ lines; `-` or nothing reads standard input.
    file: Option<PathBuf>,
    /// Resolve two-digit years and judge expiry against this date
    /// (YYYY-MM-DD) instead of today.
    #[arg(long)]
    reference_date: Option<NaiveDate>,
    /// Report OCR confusions as errors instead of repairing them.
    #[arg(long)]
    no_repair: bool,
}

#[derive(Serialize)]
struct Unreadable {
    valid: bool,
    error: ErrorBody,
}

/// Runs the subcommand.
pub fn run(args: &MrzArgs) -> anyhow::Result<Outcome> {
    let text = read_input(args.file.as_deref())?;
    let mut options = ParseOptions::new(reference_date(args.reference_date));
    options.repair = !args.no_repair;
    match parse(&text, &options) {
        Ok(report) => {
            let exit = if report.valid { EXIT_VALID } else { EXIT_INVALID };
            Outcome::new(&report, exit)
        }
        Err(error) => Outcome::new(
            &Unreadable {
                valid: false,
                error: ErrorBody {
                    code: error.code(),
                    message: error.to_string(),
                },
            },
            EXIT_UNREADABLE,
        ),
    }
}

/// Reads at most a little more than an MRZ can hold, so that a huge file
/// or an endless pipe is refused by the parser instead of filling memory.
fn read_input(file: Option<&std::path::Path>) -> anyhow::Result<String> {
    let limit = u64::try_from(MAX_INPUT_CHARS * 4 + 4).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    match file.filter(|p| p.as_os_str() != "-") {
        Some(path) => std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut bytes))
            .with_context(|| format!("reading {}", path.display()))?,
        None => std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("reading standard input")?,
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
