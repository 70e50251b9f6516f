//! One module per subcommand; each turns its arguments into a JSON value
//! and an exit status, leaving printing to [`Outcome::print`].

pub mod check;
pub mod cnid;
pub mod face;
pub mod key;
mod liveness;
pub mod mrz;
pub mod names;
pub mod precheck;
pub mod read;
pub mod serve;
pub mod user;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Serialize;
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// The input is valid.
pub const EXIT_VALID: u8 = 0;
/// The input was read but is invalid.
pub const EXIT_INVALID: u8 = 1;
/// The input is not what was asked for (not an MRZ, not an ID number).
pub const EXIT_UNREADABLE: u8 = 2;
/// Reading input or writing output failed.
pub const EXIT_IO: u8 = 3;

/// An error with a stable code, as printed in JSON by every subcommand.
#[derive(Serialize)]
pub struct ErrorBody {
    /// Stable code.
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

/// What a subcommand produced.
pub struct Outcome {
    /// What to print: pretty-printed JSON (keys in the order the types
    /// declare them) or text for people.
    json: String,
    exit: u8,
}

impl Outcome {
    /// Serialises `value` with the given exit status.
    pub fn new(value: &impl Serialize, exit: u8) -> anyhow::Result<Self> {
        Ok(Self {
            json: serde_json::to_string_pretty(value).context("serialising the result")?,
            exit,
        })
    }

    /// Text for people instead of JSON.
    pub fn text(text: String, exit: u8) -> Self {
        Self { json: text, exit }
    }

    /// Prints the document and returns the exit status.
    pub fn print(self) -> ExitCode {
        let mut stdout = std::io::stdout().lock();
        let written = writeln!(stdout, "{}", self.json).and_then(|()| stdout.flush());
        match written {
            Ok(()) => ExitCode::from(self.exit),
            Err(error) => {
                eprintln!("openkyc: writing output: {error}");
                ExitCode::from(EXIT_IO)
            }
        }
    }
}

/// The date two-digit years and expiry are judged against: the one given,
/// else today's date on this machine (the only place the clock is read).
pub fn reference_date(given: Option<NaiveDate>) -> NaiveDate {
    given.unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Reads at most one byte more than the configured limit, so that intake
/// can refuse an oversized upload without this reading all of it.
pub fn read_upload(path: &Path, max_bytes: usize) -> anyhow::Result<Vec<u8>> {
    let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut bytes))
            .with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(bytes)
}

/// The outcome for an upload that is not a usable photo (exit 2): JSON
/// `{"ok": false, "error": {code, message}}`, or a sentence in English and
/// Simplified Chinese.
pub fn unusable_photo(error: &openkyc_intake::IntakeError, json: bool) -> anyhow::Result<Outcome> {
    unusable(
        ErrorBody {
            code: error.code(),
            message: error.to_string(),
        },
        ("This file cannot be used", "无法使用此文件"),
        json,
    )
}

/// An input that cannot be used (exit 2), with what to call it in English
/// and Simplified Chinese.
pub fn unusable(body: ErrorBody, (en, zh): (&str, &str), json: bool) -> anyhow::Result<Outcome> {
    #[derive(Serialize)]
    struct Unreadable {
        ok: bool,
        error: ErrorBody,
    }
    if json {
        Outcome::new(&Unreadable { ok: false, error: body }, EXIT_UNREADABLE)
    } else {
        Ok(Outcome::text(
            format!("✗ {en}: {0}\n✗ {zh}：{0}", body.message),
            EXIT_UNREADABLE,
        ))
    }
}
