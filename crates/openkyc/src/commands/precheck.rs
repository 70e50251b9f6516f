//! `openkyc precheck IMAGE [--side front|back] [--json]`.

use super::{read_upload, unusable_photo, Outcome, EXIT_INVALID, EXIT_VALID};
use anyhow::Context;
use openkyc_precheck::{precheck, words, Lang, PrecheckConfig, PrecheckReport, Side};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `openkyc precheck`.
#[derive(Debug, clap::Args)]
pub struct PrecheckArgs {
    /// The photo (JPEG, PNG or WebP; the format is read from the bytes, not
    /// the name); `-` reads standard input.
    image: PathBuf,
    /// Which side of the document the photo shows.
    #[arg(long, value_enum, default_value_t = SideArg::Front)]
    side: SideArg,
    /// Print the full report as JSON instead of text for people.
    #[arg(long)]
    json: bool,
    /// A configuration file to use instead of the shipped config/precheck.toml.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SideArg {
    Front,
    Back,
}

/// Runs the subcommand: exit 0 when the photo is fine, 1 when it should be
/// retaken (reasons given), 2 when it is not a readable photo.
pub fn run(args: &PrecheckArgs) -> anyhow::Result<Outcome> {
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            PrecheckConfig::from_toml(&text).with_context(|| format!("in {}", path.display()))?
        }
        None => PrecheckConfig::shipped()?,
    };
    let bytes = read_upload(&args.image, config.intake.max_bytes)?;
    let side = match args.side {
        SideArg::Front => Side::Front,
        SideArg::Back => Side::Back,
    };
    match precheck(&bytes, side, &config) {
        Ok(outcome) => {
            let exit = if outcome.report.ok { EXIT_VALID } else { EXIT_INVALID };
            if args.json {
                Outcome::new(&outcome.report, exit)
            } else {
                Ok(Outcome::text(for_people(&outcome.report), exit))
            }
        }
        Err(error) => unusable_photo(&error, args.json),
    }
}

/// The reasons in both languages, most important first.
fn for_people(report: &PrecheckReport) -> String {
    let mut out = String::new();
    if report.ok {
        let _ = writeln!(out, "✓ The photo is good to use. / 照片合格，可以使用。");
    } else {
        let _ = writeln!(
            out,
            "✗ Please retake the photo ({} problem(s)) / 请重新拍摄（{} 个问题）",
            report.reasons.len(),
            report.reasons.len()
        );
        for reason in &report.reasons {
            let _ = writeln!(out, "\n  {} ({})", reason.code.as_str(), reason.detail);
            for lang in Lang::ALL {
                let w = words(reason.code, lang);
                let _ = writeln!(out, "    [{}] {} {}", lang.tag(), w.message, w.tip);
            }
        }
    }
    let _ = write!(
        out,
        "\n  ({}×{} {}, checked in {:.0} ms)",
        report.image.width,
        report.image.height,
        report.image.format.to_string().to_uppercase(),
        report.timings_ms.total
    );
    out
}
