//! Writes a labelled sample set for people to look at:
//!
//! ```text
//! synth OUT_DIR [--seed N] [--per-kind N] [--kind CODE|clean] [--scale F] [--synthetic-only] [--specimens DIR]
//! ```
//!
//! Each sample is written as `OUT_DIR/<id>.<jpg|png>`, and `OUT_DIR/labels.jsonl`
//! gets one JSON object per sample (the sample without its bytes, plus `file`
//! and the render time in milliseconds).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use openkyc_synth::{evaluation_set_with, render, Defect, Sample, SetOptions};
use serde::Serialize;

/// One line of labels.jsonl.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    sample: &'a Sample,
    file: &'a str,
    render_ms: f64,
}

struct Args {
    out: PathBuf,
    seed: u64,
    per_kind: usize,
    kind: Option<String>,
    /// Every photo rendered this many times larger (see `SampleSpec::scaled`).
    scale: f32,
    options: SetOptions,
}

const USAGE: &str =
    "usage: synth OUT_DIR [--seed N] [--per-kind N] [--kind CODE|clean] [--scale F] [--synthetic-only] [--specimens DIR]";

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut out = None;
    let mut args = Args {
        out: PathBuf::new(),
        seed: 1,
        per_kind: 3,
        kind: None,
        scale: 1.0,
        options: SetOptions::default(),
    };
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--seed" => args.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--per-kind" => args.per_kind = value("--per-kind")?.parse().map_err(|e| format!("--per-kind: {e}"))?,
            "--kind" => {
                let k = value("--kind")?;
                if k != "clean" && Defect::from_code(&k.to_ascii_uppercase()).is_none() {
                    return Err(format!("unknown kind {k}"));
                }
                args.kind = Some(k.to_ascii_lowercase());
            }
            "--scale" => args.scale = value("--scale")?.parse().map_err(|e| format!("--scale: {e}"))?,
            "--synthetic-only" => args.options.synthetic_only = true,
            "--specimens" => args.options.specimen_dir = Some(PathBuf::from(value("--specimens")?)),
            "-h" | "--help" => return Err(USAGE.to_string()),
            _ if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
            _ if out.is_none() => out = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a}\n{USAGE}")),
        }
    }
    args.out = out.ok_or_else(|| USAGE.to_string())?;
    Ok(args)
}

fn run(args: &Args) -> Result<(), String> {
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let specs = evaluation_set_with(args.seed, args.per_kind, &args.options);
    let labels_path = args.out.join("labels.jsonl");
    let mut labels = std::fs::File::create(&labels_path).map_err(|e| format!("{}: {e}", labels_path.display()))?;
    let mut written = 0usize;
    for spec in specs
        .iter()
        .filter(|s| args.kind.as_deref().is_none_or(|k| s.id.starts_with(&format!("{k}-"))))
    {
        let start = Instant::now();
        let sample = if args.scale == 1.0 {
            render(spec)
        } else {
            render(&spec.scaled(args.scale))
        };
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let file = format!("{}.{}", sample.id, sample.format.extension());
        std::fs::write(args.out.join(&file), &sample.bytes).map_err(|e| format!("{file}: {e}"))?;
        let line = Line {
            sample: &sample,
            file: &file,
            render_ms: (ms * 10.0).round() / 10.0,
        };
        let json = serde_json::to_string(&line).map_err(|e| e.to_string())?;
        writeln!(labels, "{json}").map_err(|e| format!("{}: {e}", labels_path.display()))?;
        written += 1;
        eprintln!(
            "{file} {:.0} ms {}",
            ms,
            sample
                .labels
                .iter()
                .map(|l| l.kind.code())
                .collect::<Vec<_>>()
                .join(",")
        );
    }
    eprintln!("wrote {written} samples and {}", labels_path.display());
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(|a| run(&a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
