//! `openkyc-evaluate`: runs the precheck over the synthetic labelled set and
//! writes, for each check, its detection rate on clearly defective photos
//! and its false-alarm rate on clean ones, with a small ROC table, to
//! `docs/EVALUATION.md`.
//!
//! Usage: `cargo run --release -p openkyc-evaluate -- [--seed N] [--per-kind N] [--scale F] [--out FILE]`

use anyhow::Context;
use clap::Parser;
use openkyc_precheck::{precheck, Bound, PrecheckConfig, ReasonCode, Side};
use openkyc_synth::{evaluation_set, render, SampleSpec, Scene, Severity};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// Evaluate the precheck on the synthetic labelled set.
#[derive(Debug, Parser)]
struct Args {
    /// Seed of the generated set (the same seed gives the same photos).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Samples per defect kind (the set also holds twice as many clean photos).
    #[arg(long, default_value_t = 40)]
    per_kind: usize,
    /// Where to write the report.
    #[arg(long, default_value = "docs/EVALUATION.md")]
    out: PathBuf,
    /// A configuration to evaluate instead of the shipped one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Renders every photo this many times larger, scene and defects alike (labels follow the
    /// new geometry): 2.5 turns the 1600×1200 photos into 4000×3000, the 12-MP phone photos
    /// that the intake decodes at reduced scale. 0.01–4. Screenshots are left out of a scaled
    /// set (a screenshot made larger is no longer one).
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
}

/// One check's result on one sample.
#[derive(Debug, Clone, Copy)]
struct Scored {
    ran: bool,
    fired: bool,
    /// The score, negated for `min`-bound checks so that higher always
    /// means "more defective".
    score: f64,
    bound: Bound,
}

/// One sample's results.
#[derive(Debug, Clone)]
struct Result {
    id: String,
    clear: Vec<ReasonCode>,
    borderline: Vec<ReasonCode>,
    unreadable: Option<String>,
    checks: BTreeMap<ReasonCode, Scored>,
    millis: f64,
}

/// Where the other stages are measured (a line of the summary).
const OTHER_EVALUATIONS: &str = "- The other stages: document reading in [EVALUATION-READING.md](EVALUATION-READING.md), face matching on real photos (TAR at FAR, EER, histograms, degraded copies, portraits on a passport page) in [EVALUATION-FACES.md](EVALUATION-FACES.md), active liveness on real clips and attacks built from real stills in [EVALUATION-LIVENESS.md](EVALUATION-LIVENESS.md).";

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config = match &args.config {
        Some(path) => PrecheckConfig::from_toml(&std::fs::read_to_string(path)?)?,
        None => PrecheckConfig::shipped()?,
    };
    let mut specs = evaluation_set(args.seed, args.per_kind);
    if args.scale != 1.0 {
        // A screenshot made larger is no longer a screenshot (its size is no screen's size):
        // its label would be wrong, so screenshots are left out of a scaled set.
        specs = specs
            .iter()
            .filter(|spec| !matches!(spec.scene, Scene::Screenshot(_)))
            .map(|spec| spec.scaled(args.scale))
            .collect();
    }
    eprintln!("evaluating {} samples on {} threads", specs.len(), args.threads);
    let started = Instant::now();
    let results = evaluate_all(&specs, &config, args.threads.max(1));
    eprintln!("done in {:.0} s", started.elapsed().as_secs_f64());
    let report = markdown(&args, &config, &results);
    std::fs::write(&args.out, &report).with_context(|| format!("writing {}", args.out.display()))?;
    print!("{report}");
    Ok(())
}

fn evaluate_all(specs: &[SampleSpec], config: &PrecheckConfig, threads: usize) -> Vec<Result> {
    let mut results: Vec<Option<Result>> = vec![None; specs.len()];
    let chunk_len = specs.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        for (worker, chunk) in results.chunks_mut(chunk_len).enumerate() {
            let offset = worker * chunk_len;
            scope.spawn(move || {
                for (i, slot) in chunk.iter_mut().enumerate() {
                    if let Some(spec) = specs.get(offset + i) {
                        *slot = Some(evaluate_one(spec, config));
                    }
                }
            });
        }
    });
    results.into_iter().flatten().collect()
}

fn evaluate_one(spec: &SampleSpec, config: &PrecheckConfig) -> Result {
    let sample = render(spec);
    let codes = |severity: Severity| {
        sample
            .labels
            .iter()
            .filter(|l| l.severity == severity)
            .filter_map(|l| ReasonCode::parse(l.kind.code()))
            .collect::<Vec<_>>()
    };
    let mut result = Result {
        id: sample.id.clone(),
        clear: codes(Severity::Clear),
        borderline: codes(Severity::Borderline),
        unreadable: None,
        checks: BTreeMap::new(),
        millis: 0.0,
    };
    match precheck(&sample.bytes, Side::Front, config) {
        Ok(outcome) => {
            result.millis = outcome.report.timings_ms.total;
            for check in outcome.report.checks {
                let signed = match check.bound {
                    Bound::Min => -check.score,
                    Bound::Max => check.score,
                };
                result.checks.insert(
                    check.code,
                    Scored {
                        ran: check.ran,
                        fired: !check.passed,
                        score: signed,
                        bound: check.bound,
                    },
                );
            }
        }
        Err(error) => result.unreadable = Some(error.to_string()),
    }
    result
}

/// The typical photo size of the set at `scale` (most photos are 1600×1200 at scale 1).
fn photo_class(scale: f32) -> String {
    let side = |v: f32| (v * scale.clamp(0.01, 4.0)).round();
    format!("{}×{}", side(1600.0), side(1200.0))
}

fn rate(hits: usize, total: usize) -> String {
    if total == 0 {
        "–".into()
    } else {
        format!("{:.1}% ({hits}/{total})", 100.0 * hits as f64 / total as f64)
    }
}

fn markdown(args: &Args, config: &PrecheckConfig, results: &[Result]) -> String {
    let clean: Vec<&Result> = results
        .iter()
        .filter(|r| r.clear.is_empty() && r.borderline.is_empty())
        .collect();
    let clean_ok = clean
        .iter()
        .filter(|r| r.unreadable.is_none() && r.checks.values().all(|c| !c.fired))
        .count();
    let mut out = String::new();
    let _ = writeln!(out, "# Precheck evaluation\n");
    let _ = writeln!(
        out,
        "Produced by `cargo run --release -p openkyc-evaluate -- --seed {} --per-kind {}{}` on the synthetic labelled set of \
         `openkyc-synth` ({} photos: {} clean, the rest with one labelled defect each, `clear` or `borderline`). \
         Thresholds are those of `config/precheck.toml`.\n",
        args.seed,
        args.per_kind,
        if args.scale == 1.0 {
            String::new()
        } else {
            format!(" --scale {}", args.scale)
        },
        results.len(),
        clean.len()
    );
    let _ = writeln!(
        out,
        "- Clean photos passing every check: {}",
        rate(clean_ok, clean.len())
    );
    let unreadable = results.iter().filter(|r| r.unreadable.is_some()).count();
    let _ = writeln!(out, "- Unreadable (intake errors): {unreadable}");
    if args.scale == 1.0 {
        let _ = writeln!(
            out,
            "- The same kinds of photo at 12 MP (decoded at reduced scale by the intake): \
             `cargo run --release -p openkyc-evaluate -- --seed {} --per-kind 10 --scale 2.5 --out docs/EVALUATION-12MP.md` \
             (screenshots left out), in [EVALUATION-12MP.md](EVALUATION-12MP.md).",
            args.seed
        );
        let _ = writeln!(out, "{OTHER_EVALUATIONS}");
    } else {
        let _ = writeln!(
            out,
            "- Every photo rendered {}× larger than in [EVALUATION.md](EVALUATION.md); screenshots left out \
             (a screenshot made larger is no longer one). Labels follow the new geometry: the generator labels \
             a document narrower than 440 px low-resolution (clear under 360) while the precheck asks for 600, so \
             a low-resolution photo made larger can land in between, unlabelled, and still be refused.",
            args.scale
        );
    }
    let mut times: Vec<f64> = results.iter().map(|r| r.millis).filter(|m| *m > 0.0).collect();
    times.sort_by(f64::total_cmp);
    if let Some(median) = times.get(times.len() / 2) {
        let _ = writeln!(
            out,
            "- Median precheck time per photo ({}-class JPEGs, {} threads busy): {median:.1} ms",
            photo_class(args.scale),
            args.threads
        );
    }
    let _ = writeln!(out, "\nDetection = share of photos labelled `clear` for that reason on which the check fired; false alarms = share of clean photos on which it fired. Goal: ≥ 95% detection, ≤ 2% false alarms. *Retake asked* = share of the `clear` photos rejected for any reason (the applicant retakes the photo, but may be told a different reason, typically `DOC_NOT_FOUND` for a document too small to be found).\n");
    let _ = writeln!(
        out,
        "| reason | threshold | detection (clear) | detection (borderline) | false alarms (clean) | retake asked (clear) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for code in ReasonCode::ALL {
        let positives: Vec<&Result> = results.iter().filter(|r| r.clear.contains(&code)).collect();
        let borderline: Vec<&Result> = results.iter().filter(|r| r.borderline.contains(&code)).collect();
        let fired = |r: &&&Result| r.checks.get(&code).is_some_and(|c| c.fired);
        let rejected = |r: &&&Result| r.unreadable.is_some() || r.checks.values().any(|c| c.fired);
        let threshold = threshold_of(config, code);
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            code.as_str(),
            threshold,
            rate(positives.iter().filter(fired).count(), positives.len()),
            rate(borderline.iter().filter(fired).count(), borderline.len()),
            rate(clean.iter().filter(fired).count(), clean.len()),
            rate(positives.iter().filter(rejected).count(), positives.len()),
        );
    }
    let _ = writeln!(out, "\n## ROC per check\n");
    let _ = writeln!(out, "Detection and false-alarm rates if the threshold were moved: the best detection reachable at each number of false alarms (scores as the check reports them; a check that did not run counts as not fired; `DOC_OVEREXPOSED` on a blown-out photo reports the whole photo's mean).\n");
    for code in ReasonCode::ALL {
        roc_table(&mut out, code, results, &clean);
    }
    let misses: Vec<String> = results
        .iter()
        .filter(|r| r.clear.iter().any(|c| !r.checks.get(c).is_some_and(|s| s.fired)))
        .take(40)
        .map(|r| format!("- `{}`: labelled {:?}, fired {:?}", r.id, r.clear, fired_codes(r)))
        .collect();
    let alarms: Vec<String> = clean
        .iter()
        .filter(|r| r.checks.values().any(|c| c.fired))
        .take(40)
        .map(|r| format!("- `{}`: fired {:?}", r.id, fired_codes(r)))
        .collect();
    let _ = writeln!(
        out,
        "\n## Missed clear defects (first 40)\n\n{}\n",
        if misses.is_empty() {
            "none".into()
        } else {
            misses.join("\n")
        }
    );
    let _ = writeln!(
        out,
        "## False alarms on clean photos (first 40)\n\n{}",
        if alarms.is_empty() {
            "none".into()
        } else {
            alarms.join("\n")
        }
    );
    out
}

fn fired_codes(result: &Result) -> Vec<&'static str> {
    result
        .checks
        .iter()
        .filter(|(_, c)| c.fired)
        .map(|(code, _)| code.as_str())
        .collect()
}

fn threshold_of(config: &PrecheckConfig, code: ReasonCode) -> String {
    let (d, q, m) = (&config.document, &config.quality, &config.metadata);
    match code {
        ReasonCode::DocNotFound => format!("confidence < {}", d.min_confidence),
        ReasonCode::DocCornersCut => "any corner cut".into(),
        ReasonCode::DocTooSmall => format!("area < {}", d.min_area_fraction),
        ReasonCode::DocLowResolution => format!("width < {} px", d.min_width_px),
        ReasonCode::DocTilted => format!(
            "keystone > {} or angle > {}°",
            d.max_keystone, d.max_corner_angle_deviation_deg
        ),
        ReasonCode::DocBlurry => format!("sharpness < {}", q.min_sharpness),
        ReasonCode::DocGlare => format!("glare > {}", q.max_glare_fraction),
        ReasonCode::DocTooDark => format!("mean < {}", q.min_mean_luminance),
        ReasonCode::DocOverexposed => format!(
            "mean > {} (whole photo: > {})",
            q.max_mean_luminance, q.max_photo_mean_luminance
        ),
        ReasonCode::DocEdited => format!("score > {}", m.max_edited_score),
        ReasonCode::DocScreenshot => format!("score > {}", m.max_screenshot_score),
        ReasonCode::DocScreenPhoto => format!("score > {}", q.max_screen_score),
    }
}

/// The operating points worth choosing between: for each false-alarm count
/// the threshold with the best detection (the ROC's upper frontier), at most
/// eight rows from the strictest upwards. Thresholds sit halfway between
/// neighbouring observed scores, so a row means exactly what it says.
fn roc_table(out: &mut String, code: ReasonCode, results: &[Result], clean: &[&Result]) {
    let positives: Vec<&Result> = results.iter().filter(|r| r.clear.contains(&code)).collect();
    if positives.is_empty() {
        return;
    }
    let score = |r: &Result| r.checks.get(&code).filter(|c| c.ran).map(|c| c.score);
    let mut all: Vec<f64> = positives.iter().chain(clean.iter()).filter_map(|r| score(r)).collect();
    all.sort_by(f64::total_cmp);
    all.dedup();
    if all.is_empty() {
        return;
    }
    let bound = results.iter().find_map(|r| r.checks.get(&code)).map(|c| c.bound);
    let fires_at = |t: f64| {
        let fires = |r: &Result| score(r).is_some_and(|s| s > t);
        (
            positives.iter().filter(|r| fires(r)).count(),
            clean.iter().filter(|r| fires(r)).count(),
        )
    };
    // Candidate thresholds: below everything, between neighbours, above everything.
    let mut candidates = vec![all[0] - 1.0];
    candidates.extend(all.windows(2).map(|w| 0.5 * (w[0] + w[1])));
    candidates.push(all[all.len() - 1] + 1.0);
    let mut frontier: Vec<(f64, usize, usize)> = Vec::new();
    for t in candidates {
        let (detected, alarms) = fires_at(t);
        match frontier.iter_mut().find(|(_, _, a)| *a == alarms) {
            Some(best) if best.1 < detected || (best.1 == detected && t < best.0) => *best = (t, detected, alarms),
            Some(_) => {}
            None => frontier.push((t, detected, alarms)),
        }
    }
    frontier.sort_by_key(|&(_, _, alarms)| alarms);
    frontier.dedup_by_key(|p| p.1);
    let (sign, word) = match bound {
        Some(Bound::Min) => (-1.0, "score <"),
        _ => (1.0, "score >"),
    };
    let _ = writeln!(
        out,
        "### `{}`\n\n| fires when {word} | detection (clear) | false alarms (clean) |\n|---|---|---|",
        code.as_str()
    );
    for (t, detected, alarms) in frontier.into_iter().take(8) {
        let _ = writeln!(
            out,
            "| {:.4} | {} | {} |",
            sign * t,
            rate(detected, positives.len()),
            rate(alarms, clean.len())
        );
    }
    let _ = writeln!(out);
}
