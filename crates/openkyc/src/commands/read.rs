//! `openkyc read IMAGE [--json]`: the document's fields, read from a photo.

use super::{read_upload, reference_date, unusable_photo, Outcome, EXIT_INVALID, EXIT_VALID};
use anyhow::Context;
use chrono::NaiveDate;
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_read::{read_photo, words, Lang, PageReader, ReadError, ReadOptions, ReadReport, Reader, Side};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Debian's `fonts-ocr-b`: the glyphs the MRZ reader compares against.
const OCRB_FONT: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";

/// Arguments of `openkyc read`.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// The photo or scan (JPEG, PNG or WebP, read from the bytes); `-` reads
    /// standard input.
    image: PathBuf,
    /// Print the full report as JSON instead of text for people.
    #[arg(long)]
    json: bool,
    /// Judge expiry and two-digit years against this date (YYYY-MM-DD)
    /// instead of today.
    #[arg(long)]
    reference_date: Option<NaiveDate>,
    /// Warn when the document expires within this many days.
    #[arg(long, default_value_t = 30)]
    expires_soon_days: i64,
    /// The OCR-B font (default: `OPENKYC_OCRB_FONT`, else Debian's fonts-ocr-b).
    #[arg(long)]
    ocrb_font: Option<PathBuf>,
    /// The side the photo should show: the other side is `DOC_WRONG_SIDE`.
    #[arg(long, value_enum)]
    side: Option<SideArg>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SideArg {
    Front,
    Back,
}

#[derive(Serialize)]
struct Printed<'a> {
    ok: bool,
    #[serde(flatten)]
    report: &'a ReadReport,
}

/// Runs the subcommand: exit 0 when the document was read and nothing
/// blocks it, 1 when reasons block it (unreadable MRZ, expired), 2 when the
/// file is not a readable photo.
pub fn run(args: &ReadArgs) -> anyhow::Result<Outcome> {
    let font_path = args
        .ocrb_font
        .clone()
        .or_else(|| std::env::var_os("OPENKYC_OCRB_FONT").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(OCRB_FONT));
    let font = std::fs::read(&font_path)
        .with_context(|| format!("reading the OCR-B font {} (install fonts-ocr-b)", font_path.display()))?;
    let reader = with_text_reader(Reader::new(&font)?)?;
    let mut options = ReadOptions::new(reference_date(args.reference_date));
    options.expires_soon_days = args.expires_soon_days;
    options.expected_side = args.side.map(|side| match side {
        SideArg::Front => Side::Front,
        SideArg::Back => Side::Back,
    });
    let bytes = read_upload(&args.image, options.limits.max_bytes)?;
    match read_photo(&reader, &bytes, &options) {
        Ok(report) => {
            let exit = if report.ok() { EXIT_VALID } else { EXIT_INVALID };
            if args.json {
                Outcome::new(
                    &Printed {
                        ok: report.ok(),
                        report: &report,
                    },
                    exit,
                )
            } else {
                Ok(Outcome::text(for_people(&report), exit))
            }
        }
        Err(ReadError::Intake(error)) => unusable_photo(&error, args.json),
        Err(error) => Err(error.into()),
    }
}

/// Adds the general text reader when the models are in place (`make
/// models`); without them only MRZ documents are read, and the command says
/// so.
fn with_text_reader(reader: Reader) -> anyhow::Result<Reader> {
    let models = match ModelSet::locate() {
        Ok(models) if models.all_present() => models,
        Ok(models) => {
            tracing::warn!(dir = %models.dir().display(), "text models missing (run make models): reading MRZ documents only");
            return Ok(reader);
        }
        Err(error) => {
            tracing::warn!(%error, "no models directory (run make models): reading MRZ documents only");
            return Ok(reader);
        }
    };
    let text = PageReader::load(&models, &SessionOptions::default()).context("loading the text models")?;
    Ok(reader.with_text_reader(text))
}

/// The fields, then the reasons in both languages.
fn for_people(report: &ReadReport) -> String {
    let mut out = String::new();
    if let Some(kind) = report.kind {
        let side = report.side.map_or("?", Side::as_str);
        match &report.mrz {
            Some(mrz) => {
                let _ = writeln!(out, "{} ({}, {side} side)", kind.as_str(), mrz.format);
                for line in &mrz.lines {
                    let _ = writeln!(out, "  {line}");
                }
            }
            None => {
                let _ = writeln!(out, "{} ({side} side)", kind.as_str());
            }
        }
        for (name, value) in &report.fields {
            let confidence = report.confidence.get(name).copied().unwrap_or(0.0);
            let source = report.sources.get(name).map_or("", |s| match s {
                openkyc_read::Source::Mrz => "mrz",
                openkyc_read::Source::Viz => "viz",
            });
            let _ = writeln!(out, "  {name:<18} {value:<32} {source} confidence {confidence:.2}");
        }
    }
    if report.reasons.is_empty() {
        let _ = writeln!(out, "✓ Read, and nothing blocks the document. / 已读取，证件无问题。");
    }
    for reason in &report.reasons {
        let _ = writeln!(out, "\n  {} ({})", reason.code.as_str(), reason.detail);
        for (lang, tag) in [(Lang::En, "en"), (Lang::ZhCn, "zh-CN")] {
            let w = words(reason.code, lang);
            let _ = writeln!(out, "    [{tag}] {} {}", w.message, w.tip);
        }
    }
    let _ = write!(out, "\n  (read in {:.0} ms)", report.timings_ms.total);
    out
}
