//! `openkyc compare-name TYPED DOCUMENT`.

use super::{Outcome, EXIT_INVALID, EXIT_VALID};
use openkyc_names::{compare_names_with, CompareOptions, Outcome as NameOutcome};

/// Arguments of `openkyc compare-name`.
#[derive(Debug, clap::Args)]
pub struct CompareNameArgs {
    /// The name as the applicant typed it.
    typed: String,
    /// The name as the document gives it (printed, or MRZ form
    /// `SURNAME<<GIVEN<NAMES`).
    document: String,
    /// The document's name field was full, so its name may be truncated.
    #[arg(long)]
    document_truncated: bool,
}

/// Runs the subcommand: exit 0 for exact or equivalent, 1 for a mismatch.
pub fn run(args: &CompareNameArgs) -> anyhow::Result<Outcome> {
    let options = CompareOptions {
        document_truncated: args.document_truncated,
    };
    let comparison = compare_names_with(&args.typed, &args.document, &options);
    let exit = if comparison.outcome == NameOutcome::Mismatch {
        EXIT_INVALID
    } else {
        EXIT_VALID
    };
    Outcome::new(&comparison, exit)
}
