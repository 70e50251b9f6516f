//! Measures the reading stage on photographed documents with known truth and
//! writes `docs/EVALUATION-READING.md`.
//!
//! `cargo run --release -p openkyc-evaluate --bin reading [-- --seed 1 --docs 15]`
//!
//! Documents are drawn by `openkyc-docgen` (TD3 passport pages and TD1 card
//! backs with a real OCR-B MRZ) and photographed by `openkyc-synth`: the clean
//! photo scenes of its evaluation plan (backgrounds, lighting, pose, noise,
//! phone JPEG) at `--scale` (2 by default: 3200 × 2400, an 8-MP phone photo),
//! with the planned synthetic card replaced by the drawn page of the same
//! shape. Each document is photographed in every variant: as planned
//! (`clean`), and degraded — soft focus, glare on the visual zone, an extra
//! in-plane rotation of 5–15°, a steeper perspective, JPEG quality 40, low
//! light with sensor noise.
//!
//! The same ID-1 scenes also photograph both sides of Chinese Resident
//! Identity Cards (`cn.rs`), read with the general text recogniser.

mod cn;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser;
use openkyc_docgen::{identities, render_td1_back, render_td3, Fonts, Identity, Page};
use openkyc_ocr::TextRecognizer;
use openkyc_read::{read_photo_with_lines, PageReader, ReadOptions, ReadReport, Reader, ReasonCode};
use openkyc_synth::{
    evaluation_set_with, render, Blur, BlurKind, CardFormat, DocumentSource, Encoding, Highlight, SampleSpec, Scene,
    SetOptions,
};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The date the set's documents are judged against (fixed: the same set
/// must give the same report on any day).
const REFERENCE_DATE: (i32, u32, u32) = (2026, 6, 1);
/// Fields compared with the truth, in report order.
const FIELDS: [&str; 8] = [
    "document_number",
    "birth_date",
    "expiry_date",
    "surname",
    "given_names",
    "nationality",
    "issuing_state",
    "sex",
];
const VARIANTS: [&str; 7] = [
    "clean",
    "soft_focus",
    "glare",
    "rotated",
    "perspective",
    "jpeg_q40",
    "low_light",
];

#[derive(Debug, Parser)]
#[command(about = "Evaluate document reading on photographed synthetic documents")]
struct Args {
    /// Seed of the set.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Documents per kind (each photographed in every variant).
    #[arg(long, default_value_t = 15)]
    docs: usize,
    /// Chinese Resident Identity Cards (each side photographed in every
    /// variant).
    #[arg(long, default_value_t = 15)]
    cn_docs: usize,
    /// Photo scale (1: 1600 × 1200 photos, 2: 3200 × 2400).
    #[arg(long, default_value_t = 2.0)]
    scale: f32,
    /// Where to write the report.
    #[arg(long, default_value = "docs/EVALUATION-READING.md")]
    out: PathBuf,
    /// Worker threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Only the photos whose id contains this (to look into one case; with
    /// `READING_DUMP=DIR` the photos are also written there).
    #[arg(long)]
    only: Option<String>,
}

/// One photo to read.
struct Job {
    kind: &'static str,
    variant: &'static str,
    spec: SampleSpec,
    truth: Vec<String>,
}

/// What reading one photo gave.
struct Outcome {
    kind: &'static str,
    variant: &'static str,
    found: bool,
    exact: bool,
    accepted: bool,
    fields_exact: Vec<bool>,
    millis: f64,
    id: String,
    read_lines: Vec<String>,
    min_confidence: f32,
    /// The generic recogniser (PP-OCRv4) on the same line images: whole MRZ
    /// exact (spaces removed); `None` without line images or models.
    generic_exact: Option<bool>,
    /// `VIZ_MRZ_MISMATCH` was reported (wrong on these genuine documents):
    /// its detail.
    viz_mismatch: Option<String>,
    /// Visual-zone checks made and of them agreeing.
    viz_checks: (usize, usize),
}

/// One photo of either kind.
enum Work {
    Mrz(Job),
    Cn(cn::CnJob),
}

/// What reading it gave.
enum Done {
    Mrz(Outcome),
    Cn(cn::CnOutcome),
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let fonts = Fonts::from_system()?;
    let models = openkyc_infer::ModelSet::locate()
        .ok()
        .filter(openkyc_infer::ModelSet::all_present);
    let (y, m, d) = REFERENCE_DATE;
    let today = NaiveDate::from_ymd_opt(y, m, d).context("reference date")?;
    let pages_dir = std::env::temp_dir().join(format!("openkyc-reading-{}-{}", args.seed, std::process::id()));
    std::fs::create_dir_all(&pages_dir)?;
    let (jobs, card_scenes) = plan(&args, &fonts, today, &pages_dir)?;
    let mut work: Vec<Work> = jobs.into_iter().map(Work::Mrz).collect();
    if let Some(models) = &models {
        let scenes: Vec<&SampleSpec> = card_scenes.iter().collect();
        let table = cn::recogniser_table(models)?;
        let cards = cn::plan(&scenes, &fonts, args.seed, today, args.scale, &pages_dir, &table)?;
        work.extend(cards.into_iter().map(Work::Cn));
    } else {
        eprintln!("SKIPPED the Chinese Resident Identity Cards: no models (run scripts/fetch-models.sh)");
    }
    if let Some(only) = &args.only {
        work.retain(|w| match w {
            Work::Mrz(job) => job.spec.id.contains(only.as_str()),
            Work::Cn(job) => job.id().contains(only.as_str()),
        });
    }
    eprintln!("reading {} photos on {} threads", work.len(), args.threads);
    let started = Instant::now();
    let options = ReadOptions::new(today);
    let make_reader = || -> anyhow::Result<Reader> {
        let reader = Reader::new(fonts.ocrb())?;
        Ok(match &models {
            Some(models) => {
                reader.with_text_reader(PageReader::load(models, &openkyc_infer::SessionOptions::default())?)
            }
            None => reader,
        })
    };
    let done = run_all(&work, &make_reader, &options, args.threads.max(1))?;
    eprintln!("done in {:.0} s", started.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&pages_dir);
    let (mut outcomes, mut cards) = (Vec::new(), Vec::new());
    for d in done {
        match d {
            Done::Mrz(o) => outcomes.push(o),
            Done::Cn(o) => cards.push(o),
        }
    }
    let mut report = markdown(&args, &outcomes);
    if !cards.is_empty() {
        cn::markdown(&mut report, &cards);
    }
    std::fs::write(&args.out, &report).with_context(|| format!("writing {}", args.out.display()))?;
    print!("{report}");
    Ok(())
}

/// The clean photo scenes of the synth plan with a drawn page in place of
/// the planned card, each in every variant; also the ID-1 scenes used (as
/// planned, for the Chinese cards).
fn plan(args: &Args, fonts: &Fonts, today: NaiveDate, dir: &Path) -> anyhow::Result<(Vec<Job>, Vec<SampleSpec>)> {
    let wanted = args.docs.max(args.cn_docs);
    let scenes = evaluation_set_with(
        args.seed,
        wanted * 2,
        &SetOptions {
            synthetic_only: true,
            ..SetOptions::default()
        },
    );
    let people = identities(args.seed, wanted * 2, today);
    let mut jobs = Vec::new();
    let mut card_scenes = Vec::new();
    let mut per_kind = [0usize; 2];
    for spec in scenes.iter().filter(|s| s.intent.is_none()) {
        let Some(document) = &spec.document else { continue };
        let DocumentSource::Synthetic { format, seed } = document.source else {
            continue;
        };
        if !matches!(spec.scene, Scene::Photo(_)) {
            continue;
        }
        if format == CardFormat::Id1 && card_scenes.len() < args.cn_docs {
            card_scenes.push(spec.clone());
        }
        let slot = usize::from(format == CardFormat::Id1);
        if per_kind[slot] >= args.docs {
            continue;
        }
        let person = people.get(per_kind[0] + per_kind[1]).context("people")?;
        per_kind[slot] += 1;
        let (kind, page) = draw(format, person, fonts, seed)?;
        let path = dir.join(format!("{}.png", spec.id));
        page.image.save(&path)?;
        let source = DocumentSource::Specimen {
            path: path.to_string_lossy().into_owned(),
            crop: [0, 0, page.image.width(), page.image.height()],
        };
        for (i, variant) in VARIANTS.iter().enumerate() {
            let mut photo = spec.clone();
            if let Some(d) = &mut photo.document {
                d.source = source.clone();
            }
            photo.id = format!("{}-{kind}-{variant}", spec.id);
            let mut photo = photo.scaled(args.scale);
            degrade(&mut photo, variant, i as u64 + seed);
            jobs.push(Job {
                kind,
                variant,
                spec: photo,
                truth: page.truth.mrz.clone(),
            });
        }
    }
    Ok((jobs, card_scenes))
}

fn draw(format: CardFormat, person: &Identity, fonts: &Fonts, seed: u64) -> anyhow::Result<(&'static str, Page)> {
    // Enough pixels that the photo never shows the page at more than ~1.5×.
    Ok(match format {
        CardFormat::PassportPage => ("td3_passport", render_td3(person, fonts, 16.0, seed)?),
        CardFormat::Id1 => ("td1_card_back", render_td1_back(person, fonts, 24.0, seed)?),
    })
}

/// Applies one degradation to a clean photo spec.
fn degrade(spec: &mut SampleSpec, variant: &str, salt: u64) {
    let doc_width = spec.document.as_ref().map_or(0.0, |d| {
        let [a, b] = [d.corners[0], d.corners[1]];
        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
    });
    let sign = if salt % 2 == 0 { 1.0 } else { -1.0 };
    match variant {
        "soft_focus" => {
            if let Scene::Photo(p) = &mut spec.scene {
                // σ of 0.12 mm on the document: soft, as a phone focused a
                // little behind the card, but not a blur the precheck rejects.
                let mm = if spec.id.contains("td3") { 125.0 } else { 85.6 };
                p.blur = Some(Blur {
                    kind: BlurKind::Gaussian,
                    size_px: doc_width / mm * 0.12,
                    angle_deg: 0.0,
                });
            }
        }
        "glare" => {
            if let Scene::Photo(p) = &mut spec.scene {
                p.glare.push(Highlight {
                    center: [0.62, 0.3],
                    axes: [0.3, 0.14],
                    angle_deg: 15.0,
                    peak: 1.1,
                });
            }
        }
        "rotated" => transform_corners(spec, |c, centre| rotate(c, centre, sign * (5.0 + (salt % 11) as f32))),
        "perspective" => {
            if let Some(d) = &mut spec.document {
                // Pull the top corners 9% of the width towards each other.
                let [tl, tr] = [d.corners[0], d.corners[1]];
                let step = [(tr[0] - tl[0]) * 0.09, (tr[1] - tl[1]) * 0.09];
                d.corners[0] = [tl[0] + step[0], tl[1] + step[1]];
                d.corners[1] = [tr[0] - step[0], tr[1] - step[1]];
            }
        }
        "jpeg_q40" => match &mut spec.encoding {
            Encoding::Jpeg {
                quality,
                resave_quality,
                ..
            } => {
                *quality = 40;
                *resave_quality = None;
            }
            Encoding::Png => {
                spec.encoding = Encoding::Jpeg {
                    quality: 40,
                    resave_quality: None,
                    exif: None,
                    xmp_creator_tool: None,
                    jfif: true,
                }
            }
        },
        "low_light" => {
            if let Scene::Photo(p) = &mut spec.scene {
                p.exposure_target = 55.0;
                p.noise_sigma = p.noise_sigma.max(5.0);
            }
        }
        _ => {}
    }
}

fn rotate(point: [f32; 2], centre: [f32; 2], degrees: f32) -> [f32; 2] {
    let (s, c) = degrees.to_radians().sin_cos();
    let (dx, dy) = (point[0] - centre[0], point[1] - centre[1]);
    [centre[0] + c * dx - s * dy, centre[1] + s * dx + c * dy]
}

/// Moves the document's corners by `f` about their centre, then shrinks
/// them towards it if needed so that they stay 3% inside the frame.
fn transform_corners(spec: &mut SampleSpec, f: impl Fn([f32; 2], [f32; 2]) -> [f32; 2]) {
    let (w, h) = (spec.width as f32, spec.height as f32);
    let Some(d) = &mut spec.document else { return };
    let centre = [
        d.corners.iter().map(|c| c[0]).sum::<f32>() / 4.0,
        d.corners.iter().map(|c| c[1]).sum::<f32>() / 4.0,
    ];
    let moved = d.corners.map(|c| f(c, centre));
    let margin = 0.03 * w.min(h);
    let mut shrink = 1.0f32;
    for c in moved {
        for (v, centre_v, size) in [(c[0], centre[0], w), (c[1], centre[1], h)] {
            let offset = v - centre_v;
            let room = if offset > 0.0 {
                size - margin - centre_v
            } else {
                centre_v - margin
            };
            if offset.abs() > room.max(1.0) {
                shrink = shrink.min(room.max(1.0) / offset.abs());
            }
        }
    }
    d.corners = moved.map(|c| {
        [
            centre[0] + (c[0] - centre[0]) * shrink,
            centre[1] + (c[1] - centre[1]) * shrink,
        ]
    });
}

/// Reads every photo; each worker has its own reader (the text models run
/// one image at a time) and takes every `threads`-th job, so that both kinds
/// spread over the workers.
fn run_all(
    work: &[Work],
    make_reader: &(dyn Fn() -> anyhow::Result<Reader> + Sync),
    options: &ReadOptions,
    threads: usize,
) -> anyhow::Result<Vec<Done>> {
    let per_worker: Vec<anyhow::Result<Vec<(usize, Done)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|worker| {
                scope.spawn(move || -> anyhow::Result<Vec<(usize, Done)>> {
                    let reader = make_reader()?;
                    let mut generic = generic_recognizer();
                    let mut done = Vec::new();
                    for (i, item) in work.iter().enumerate().skip(worker).step_by(threads) {
                        done.push((
                            i,
                            match item {
                                Work::Mrz(job) => Done::Mrz(read_one(job, &reader, options, generic.as_mut())),
                                Work::Cn(job) => Done::Cn(cn::read_one(job, &reader, options)),
                            },
                        ));
                    }
                    Ok(done)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a reading worker panicked")))
            })
            .collect()
    });
    let mut all = Vec::new();
    for part in per_worker {
        all.extend(part?);
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, d)| d).collect())
}

/// PP-OCRv4's recogniser, when the models are in place (else the
/// comparison column says so).
fn generic_recognizer() -> Option<TextRecognizer> {
    let loaded = openkyc_infer::ModelSet::locate()
        .map_err(|e| e.to_string())
        .and_then(|set| {
            TextRecognizer::load(&set, &openkyc_infer::SessionOptions::default()).map_err(|e| e.to_string())
        });
    match loaded {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("SKIPPED the generic recogniser comparison: {e} (run scripts/fetch-models.sh)");
            None
        }
    }
}

/// Whether the generic recogniser reads every line image exactly as the
/// truth (spaces dropped: it reads the wide OCR-B pitch as word gaps).
fn generic_reads(generic: &mut TextRecognizer, lines: &[image::GrayImage], truth: &[String]) -> Option<bool> {
    if lines.len() != truth.len() {
        return Some(false);
    }
    for (line, want) in lines.iter().zip(truth) {
        let rgb = image::DynamicImage::ImageLuma8(line.clone()).to_rgb8();
        let got = generic.recognize(&rgb).ok()?;
        let got: String = got.text.chars().filter(|c| !c.is_whitespace()).collect();
        if &got != want {
            return Some(false);
        }
    }
    Some(true)
}

fn read_one(job: &Job, reader: &Reader, options: &ReadOptions, generic: Option<&mut TextRecognizer>) -> Outcome {
    let sample = render(&job.spec);
    if let Some(dir) = std::env::var_os("READING_DUMP") {
        let path = Path::new(&dir).join(format!("{}.{}", job.spec.id, sample.format.extension()));
        if let Err(e) = std::fs::write(&path, &sample.bytes) {
            eprintln!("READING_DUMP: {}: {e}", path.display());
        }
    }
    let (report, line_images) = match read_photo_with_lines(reader, &sample.bytes, options) {
        Ok((report, lines)) => (Some(report), lines),
        Err(_) => (None, Vec::new()),
    };
    let generic_exact = match generic {
        Some(g) if !line_images.is_empty() => generic_reads(g, &line_images, &job.truth),
        _ => None,
    };
    let expected = openkyc_mrz::parse(
        &job.truth.join("\n"),
        &openkyc_mrz::ParseOptions::new(options.reference_date),
    )
    .ok()
    .map(|r| openkyc_read_fields(&r));
    let mrz = report.as_ref().and_then(|r| r.mrz.as_ref());
    let accepted = mrz.is_some()
        && report
            .as_ref()
            .is_some_and(|r| !r.reasons.iter().any(|x| x.code == ReasonCode::DocUnreadable));
    // A field counts as read only when the reading was accepted: a rejected
    // reading's fields are never passed on.
    let fields_exact = FIELDS
        .iter()
        .map(|name| {
            let got = report.as_ref().and_then(|r: &ReadReport| r.fields.get(name));
            let want = expected
                .as_ref()
                .and_then(|e| e.iter().find(|(n, _)| n == name).map(|(_, v)| v));
            accepted && matches!((got, want), (Some(g), Some(w)) if g == w)
        })
        .collect();
    Outcome {
        kind: job.kind,
        variant: job.variant,
        found: mrz.is_some(),
        exact: mrz.is_some_and(|m| m.lines == job.truth),
        accepted,
        fields_exact,
        millis: report.as_ref().map_or(0.0, |r| r.timings_ms.total),
        id: job.spec.id.clone(),
        read_lines: mrz.map(|m| m.lines.clone()).unwrap_or_default(),
        min_confidence: mrz.map_or(0.0, |m| m.min_confidence),
        generic_exact,
        viz_mismatch: report.as_ref().and_then(|r| {
            r.reasons
                .iter()
                .find(|x| x.code == ReasonCode::VizMrzMismatch)
                .map(|x| x.detail.clone())
        }),
        viz_checks: report.as_ref().map_or((0, 0), |r| {
            (
                r.viz_checks.len(),
                r.viz_checks
                    .iter()
                    .filter(|c| c.agreement == openkyc_read::Agreement::Agree)
                    .count(),
            )
        }),
    }
}

/// The truth's fields in the report's form (names as the MRZ holds them,
/// i.e. truncated where the issuer truncated them).
fn openkyc_read_fields(report: &openkyc_mrz::MrzReport) -> Vec<(&'static str, String)> {
    let f = &report.fields;
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let sex = match f.sex {
        Some(openkyc_mrz::Sex::Male) => "M",
        Some(openkyc_mrz::Sex::Female) => "F",
        _ => "X",
    };
    vec![
        ("document_number", f.document_number.clone()),
        ("birth_date", date(f.birth_date)),
        ("expiry_date", date(f.expiry_date)),
        ("surname", f.surname.clone()),
        ("given_names", f.given_names.clone()),
        ("nationality", f.nationality.clone().unwrap_or_default()),
        ("issuing_state", f.issuing_state.clone()),
        ("sex", sex.to_string()),
    ]
}

/// The generic recogniser's whole-MRZ exact rate over the photos whose MRZ
/// lines openkyc found (it is given the same line images).
fn generic_rate(rows: &[&Outcome]) -> String {
    let measured: Vec<bool> = rows.iter().filter_map(|o| o.generic_exact).collect();
    if measured.is_empty() {
        return "not measured (no models)".into();
    }
    pct(measured.iter().filter(|e| **e).count(), measured.len())
}

fn pct(hits: usize, total: usize) -> String {
    if total == 0 {
        "–".into()
    } else {
        format!("{:.1}% ({hits}/{total})", 100.0 * hits as f64 / total as f64)
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn markdown(args: &Args, outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Reading evaluation\n");
    let _ = writeln!(
        out,
        "Produced by `cargo run --release -p openkyc-evaluate --bin reading -- --seed {} --docs {} --scale {}`: {} photos. Documents drawn by `openkyc-docgen` (TD3 passport data pages, TD1 card backs; OCR-B MRZ composed with check digits; the ICAO specimen ERIKSSON ANNA MARIA first, long names truncated as issuers do) and photographed by `openkyc-synth` in its clean photo scenes ({}×{} px), each document in every variant. Read with `openkyc-read` (the MRZ reader of `openkyc-mrzocr`), judged against {}-{:02}-{:02}.\n",
        args.seed,
        args.docs,
        args.scale,
        outcomes.len(),
        (1600.0 * args.scale).round(),
        (1200.0 * args.scale).round(),
        REFERENCE_DATE.0,
        REFERENCE_DATE.1,
        REFERENCE_DATE.2,
    );
    let wrong_passing: Vec<&Outcome> = outcomes.iter().filter(|o| o.accepted && !o.exact).collect();
    let _ = writeln!(
        out,
        "- **Read wrong but accepted (every check passing, no character below the confidence threshold, no `DOC_UNREADABLE`): {}** (must be 0).",
        wrong_passing.len()
    );
    for kind in ["td3_passport", "td1_card_back"] {
        let of_kind: Vec<&Outcome> = outcomes.iter().filter(|o| o.kind == kind).collect();
        let clean: Vec<&&Outcome> = of_kind.iter().filter(|o| o.variant == "clean").collect();
        let degraded: Vec<&&Outcome> = of_kind.iter().filter(|o| o.variant != "clean").collect();
        let _ = writeln!(
            out,
            "- `{kind}`: whole-MRZ exact {} on clean photos (target ≥ 98%), {} on degraded ones (target ≥ 90%).",
            pct(clean.iter().filter(|o| o.exact).count(), clean.len()),
            pct(degraded.iter().filter(|o| o.exact).count(), degraded.len()),
        );
    }
    let td3: Vec<&Outcome> = outcomes.iter().filter(|o| o.kind == "td3_passport").collect();
    let (checks, agree) = td3
        .iter()
        .fold((0, 0), |acc, o| (acc.0 + o.viz_checks.0, acc.1 + o.viz_checks.1));
    let _ = writeln!(
        out,
        "- Visual zone against the MRZ (`td3_passport`; a TD1 card prints its names on the other side): `VIZ_MRZ_MISMATCH` on {} of {} genuine pages (must be 0); of {checks} field checks, {agree} agree, the rest uncertain (a noisy reading decides nothing).",
        td3.iter().filter(|o| o.viz_mismatch.is_some()).count(),
        td3.len(),
    );
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let _ = writeln!(
        out,
        "- The generic recogniser (PP-OCRv4 `ch_PP-OCRv4_rec_infer.onnx` through `openkyc-ocr`, greedy CTC, spaces dropped) given the same MRZ line images: whole-MRZ exact {}.",
        generic_rate(&all)
    );
    let _ = writeln!(
        out,
        "\nWhole-MRZ exact = every character of every line right. *Accepted* = read without `DOC_UNREADABLE`: every check digit passes, the country codes are ICAO's, and no character's confidence is below 0.5; anything else asks the applicant for another photo and is never passed on as data. *All fields exact* = accepted, and the eight fields of the table below all equal to the truth (field rates likewise count accepted readings only).\n"
    );
    let _ = writeln!(
        out,
        "| document | variant | photos | MRZ found | accepted | whole-MRZ exact | all fields exact | wrong but accepted | median ms | generic recogniser, same lines: whole-MRZ exact |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
    for kind in ["td3_passport", "td1_card_back"] {
        for variant in VARIANTS {
            let rows: Vec<&Outcome> = outcomes
                .iter()
                .filter(|o| o.kind == kind && o.variant == variant)
                .collect();
            let n = rows.len();
            let _ = writeln!(
                out,
                "| `{kind}` | {variant} | {n} | {} | {} | {} | {} | {} | {:.0} | {} |",
                pct(rows.iter().filter(|o| o.found).count(), n),
                pct(rows.iter().filter(|o| o.accepted).count(), n),
                pct(rows.iter().filter(|o| o.exact).count(), n),
                pct(rows.iter().filter(|o| o.fields_exact.iter().all(|e| *e)).count(), n),
                rows.iter().filter(|o| o.accepted && !o.exact).count(),
                median(rows.iter().map(|o| o.millis).collect()),
                generic_rate(&rows),
            );
        }
    }
    let _ = writeln!(out, "\n## Field-exact rates\n");
    let _ = writeln!(out, "| field | `td3_passport` | `td1_card_back` |");
    let _ = writeln!(out, "|---|---|---|");
    for (i, field) in FIELDS.iter().enumerate() {
        let rate = |kind: &str| {
            let rows: Vec<&Outcome> = outcomes.iter().filter(|o| o.kind == kind).collect();
            pct(
                rows.iter()
                    .filter(|o| o.fields_exact.get(i).copied().unwrap_or(false))
                    .count(),
                rows.len(),
            )
        };
        let _ = writeln!(
            out,
            "| {field} | {} | {} |",
            rate("td3_passport"),
            rate("td1_card_back")
        );
    }
    let _ = writeln!(out, "\n## Lowest character confidence of exact readings\n");
    let exact: Vec<&Outcome> = outcomes.iter().filter(|o| o.exact).collect();
    for t in [0.1f32, 0.2, 0.3, 0.5, 0.7, 0.9] {
        let _ = writeln!(
            out,
            "- below {t}: {}",
            pct(exact.iter().filter(|o| o.min_confidence < t).count(), exact.len())
        );
    }
    let mismatched: Vec<&Outcome> = outcomes.iter().filter(|o| o.viz_mismatch.is_some()).collect();
    if !mismatched.is_empty() {
        let _ = writeln!(out, "\n## Genuine pages reported `VIZ_MRZ_MISMATCH`\n");
        for o in mismatched {
            let _ = writeln!(out, "- {}: {}", o.id, o.viz_mismatch.as_deref().unwrap_or(""));
        }
    }
    let misses: Vec<&Outcome> = outcomes.iter().filter(|o| !o.exact).collect();
    if !misses.is_empty() {
        let _ = writeln!(out, "\n## Photos not read exactly\n");
        for o in misses {
            let got = if o.read_lines.is_empty() {
                "no MRZ found".to_string()
            } else {
                format!("`{}`", o.read_lines.join(" / "))
            };
            let _ = writeln!(
                out,
                "- {} ({}, lowest character confidence {:.2}): {got}",
                o.id,
                if o.accepted { "ACCEPTED" } else { "rejected" },
                o.min_confidence
            );
        }
    }
    out
}
