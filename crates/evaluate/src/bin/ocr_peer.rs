//! openkyc's PP-OCRv4 page reading beside rapidocr's own Python pipeline
//! (`rapidocr-onnxruntime`, the wheel the models come from) on the same
//! images, alternating, in one run; writes the "OCR beside rapidocr" section
//! of `docs/BENCHMARKS.md`.
//!
//! `scripts/bench-ocr-peer.sh` builds the Python venv and runs this; by hand:
//! `cargo run --release -p openkyc-evaluate --bin ocr_peer -- --python target/ocr-peer-venv/bin/python`
//!
//! The images are flat `openkyc-docgen` documents (TD3 passport pages, TD1
//! card fronts and backs, Chinese Resident Identity Card fronts and backs) at `--px-per-mm` (12: a 1500 × 1056 passport page),
//! written as PNG so that every column decodes the same pixels. The OCR
//! columns decode the file before their clock starts (OCR only); the third,
//! `openkyc read`, times the whole reading stage, decoding included. The
//! Python worker (`scripts/ocr_peer.py`) runs `RapidOCR()` with one intra-op
//! thread per session; openkyc's sessions get `--threads` (1).
//!
//! For every image in every round the contenders run one after the other in
//! column order, so each sees the same machine load. A third column is one
//! more `Contender` in `contenders`.

#[path = "../peer_common.rs"]
mod peer_common;

use peer_common::median;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use clap::Parser;
use openkyc_docgen::{
    cn_identities, identities, render_cn_back, render_cn_front, render_td1_back, render_td1_front, render_td3, Fonts,
};
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_ocr::PageReader;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Instant;

/// The identities' reference date (fixed: the same set on any day).
const REFERENCE_DATE: (i32, u32, u32) = (2026, 6, 1);
/// rapidocr drops lines whose recogniser score is below this (its
/// `text_score`); openkyc's lines are compared with the same cut.
const PEER_TEXT_SCORE: f32 = 0.5;
/// Where the section starts and ends in `docs/BENCHMARKS.md`.
const BEGIN: &str = "<!-- ocr-peer:begin (written by scripts/bench-ocr-peer.sh) -->";
const END: &str = "<!-- ocr-peer:end -->";

#[derive(Debug, Parser)]
#[command(about = "openkyc's PP-OCRv4 page reading beside rapidocr's Python pipeline")]
struct Args {
    /// The Python of the venv that holds rapidocr-onnxruntime.
    #[arg(long, default_value = "target/ocr-peer-venv/bin/python")]
    python: PathBuf,
    /// The Python worker.
    #[arg(long, default_value = "scripts/ocr_peer.py")]
    script: PathBuf,
    /// Documents per kind (TD3 page, TD1 front, TD1 back).
    #[arg(long, default_value_t = 4)]
    docs: usize,
    /// Times every image is read by every contender.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Rendering resolution of the documents.
    #[arg(long, default_value_t = 12.0)]
    px_per_mm: f32,
    /// Seed of the identities and pages.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Intra-op threads of openkyc's ONNX Runtime sessions.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Where the images are written (kept for inspection).
    #[arg(long, default_value = "target/ocr-peer-images")]
    images: PathBuf,
    /// The report the section is written into (replacing its last version).
    #[arg(long, default_value = "docs/BENCHMARKS.md")]
    out: PathBuf,
}

/// One reading of one image by one contender.
#[derive(Debug, Clone, Default)]
struct Sample {
    /// Wall time of the reading, decoding excluded.
    ms: f64,
    /// The lines read (those a peer would report), trimmed.
    texts: Vec<String>,
    /// Of `ms`, the time of the 0°/180° angle classifier (rapidocr only).
    cls_ms: Option<f64>,
}

/// A column of the table: reads the image at a path and says how long the
/// part it measures took.
type Contender<'a> = (&'static str, Box<dyn FnMut(&Path) -> anyhow::Result<Sample> + 'a>);

/// rapidocr's Python pipeline in a child process (`scripts/ocr_peer.py`).
struct Peer {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Peer {
    fn start(python: &Path, script: &Path) -> anyhow::Result<Self> {
        let mut child = Command::new(python)
            .arg(script)
            // Belt and braces beside the sessions' own thread options: no
            // BLAS or OpenMP pool in numpy or OpenCV takes a second core.
            .env("OMP_NUM_THREADS", "1")
            .env("OPENBLAS_NUM_THREADS", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {} {}", python.display(), script.display()))?;
        let stdin = child.stdin.take().context("the worker's stdin")?;
        let stdout = BufReader::new(child.stdout.take().context("the worker's stdout")?);
        Ok(Self { child, stdin, stdout })
    }

    fn read(&mut self, path: &Path) -> anyhow::Result<Sample> {
        writeln!(self.stdin, "{}", path.display())?;
        self.stdin.flush()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("the Python worker stopped (see its stderr above)");
        }
        let answer: serde_json::Value = serde_json::from_str(&line).with_context(|| format!("worker said {line}"))?;
        if let Some(error) = answer.get("error") {
            bail!("the Python worker: {error}");
        }
        let ms = answer.get("ms").and_then(serde_json::Value::as_f64).context("no ms")?;
        let cls_ms = answer.get("cls_ms").and_then(serde_json::Value::as_f64);
        let texts = answer
            .get("texts")
            .and_then(serde_json::Value::as_array)
            .map(|texts| {
                texts
                    .iter()
                    .filter_map(serde_json::Value::as_str)
                    .map(|t| t.trim().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Sample { ms, texts, cls_ms })
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        // The worker only ever waits on stdin: ending it loses nothing, and
        // waiting leaves no zombie.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// openkyc's whole-page reading: [`PageReader::read`] on the decoded image.
fn openkyc_page(reader: &mut PageReader, path: &Path) -> anyhow::Result<Sample> {
    let image = image::open(path)?.to_rgb8();
    let start = Instant::now();
    let lines = reader.read(&image)?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let texts = lines
        .into_iter()
        .filter(|l| l.confidence >= PEER_TEXT_SCORE)
        .map(|l| l.text.trim().to_owned())
        .collect();
    Ok(Sample {
        ms,
        texts,
        cls_ms: None,
    })
}

/// openkyc's reading stage, [`openkyc_read::read_photo`], on the file's
/// bytes: decoding, finding and rectifying the document, then only what the
/// document needs (an MRZ by its own reader; a Chinese card's lines by
/// PP-OCRv4). Its texts are the fields it reports.
fn openkyc_read_stage(
    reader: &openkyc_read::Reader,
    options: &openkyc_read::ReadOptions,
    path: &Path,
) -> anyhow::Result<Sample> {
    let bytes = std::fs::read(path)?;
    let start = Instant::now();
    let report = openkyc_read::read_photo(reader, &bytes, options)?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    Ok(Sample {
        ms,
        texts: report.fields.values().cloned().collect(),
        cls_ms: None,
    })
}

/// The columns, in the order they run on each image: the peer first, then
/// openkyc. The first column is the reference of every ratio. A column is a
/// name and a closure from an image path to a [`Sample`]; one that times
/// more than OCR (decoding, finding the document) says so in its name.
fn contenders<'a>(
    peer: &'a mut Peer,
    reader: &'a mut PageReader,
    stage: &'a openkyc_read::Reader,
    options: &'a openkyc_read::ReadOptions,
) -> Vec<Contender<'a>> {
    vec![
        ("rapidocr (Python)", Box::new(move |path: &Path| peer.read(path))),
        (
            "openkyc PageReader",
            Box::new(move |path: &Path| openkyc_page(reader, path)),
        ),
        (
            "openkyc read (decode included)",
            Box::new(move |path: &Path| openkyc_read_stage(stage, options, path)),
        ),
    ]
}

/// One image of the set.
struct Image {
    name: String,
    path: PathBuf,
    size: (u32, u32),
}

fn render_set(args: &Args) -> anyhow::Result<Vec<Image>> {
    let fonts = Fonts::from_system()?;
    let (y, m, d) = REFERENCE_DATE;
    let today = NaiveDate::from_ymd_opt(y, m, d).context("reference date")?;
    std::fs::create_dir_all(&args.images)?;
    let mut set = Vec::new();
    for (i, person) in identities(args.seed, args.docs, today).iter().enumerate() {
        let seed = args.seed.wrapping_add(i as u64);
        let pages = [
            ("td3", render_td3(person, &fonts, args.px_per_mm, seed)?),
            ("td1_front", render_td1_front(person, &fonts, args.px_per_mm, seed)),
            ("td1_back", render_td1_back(person, &fonts, args.px_per_mm, seed)?),
        ];
        let card = cn_identities(args.seed, args.docs, today)
            .into_iter()
            .nth(i)
            .context("Chinese card holders")?;
        let pages = pages.into_iter().chain([
            ("cn_front", render_cn_front(&card, &fonts, args.px_per_mm, seed)),
            ("cn_back", render_cn_back(&card, &fonts, args.px_per_mm, seed)),
        ]);
        for (kind, page) in pages {
            let name = format!("{kind}_{i}");
            let path = args.images.join(format!("{name}.png"));
            page.image
                .save(&path)
                .with_context(|| format!("writing {}", path.display()))?;
            // An absolute path: the worker's working directory is not ours to assume.
            let path = path.canonicalize()?;
            set.push(Image {
                name,
                path,
                size: page.image.dimensions(),
            });
        }
    }
    Ok(set)
}

/// A line's text without its spaces: rapidocr pads the lines of a batch to
/// the widest, which moves and drops spaces (`16APR2002`), so lines are
/// compared by their other characters.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// How many of `reference`'s lines `other` also found (spaces aside), each
/// line counted once.
fn lines_in_common(reference: &[String], other: &[String]) -> usize {
    let mut left: HashMap<String, usize> = HashMap::new();
    for text in other {
        *left.entry(squeezed(text)).or_default() += 1;
    }
    reference
        .iter()
        .filter(|t| match left.get_mut(&squeezed(t)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

/// Per image, per column: the times of every round, the same without the
/// angle classifier (where a column runs one), and the last texts.
struct Measured {
    times: Vec<Vec<Vec<f64>>>,
    without_cls: Vec<Vec<Vec<f64>>>,
    texts: Vec<Vec<Vec<String>>>,
}

fn measure(set: &[Image], columns: &mut [Contender<'_>], rounds: usize) -> anyhow::Result<Measured> {
    let mut times = vec![vec![Vec::new(); columns.len()]; set.len()];
    let mut without_cls = times.clone();
    let mut texts = vec![vec![Vec::new(); columns.len()]; set.len()];
    // Warm-up: every contender reads the first image once, unmeasured.
    if let Some(first) = set.first() {
        for (_, read) in columns.iter_mut() {
            read(&first.path)?;
        }
    }
    for round in 0..rounds {
        eprintln!("round {} of {rounds}", round + 1);
        for (i, image) in set.iter().enumerate() {
            for (c, (name, read)) in columns.iter_mut().enumerate() {
                let sample = read(&image.path).with_context(|| format!("{name} on {}", image.name))?;
                if let Some(slot) = times.get_mut(i).and_then(|t| t.get_mut(c)) {
                    slot.push(sample.ms);
                }
                if let Some(slot) = without_cls.get_mut(i).and_then(|t| t.get_mut(c)) {
                    slot.push(sample.ms - sample.cls_ms.unwrap_or(0.0));
                }
                if let Some(slot) = texts.get_mut(i).and_then(|t| t.get_mut(c)) {
                    *slot = sample.texts;
                }
            }
        }
    }
    Ok(Measured {
        times,
        without_cls,
        texts,
    })
}

fn section(args: &Args, set: &[Image], names: &[&str], measured: &Measured) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{BEGIN}");
    let _ = writeln!(s, "## OCR beside rapidocr (PP-OCRv4, whole page)\n");
    let _ = writeln!(
        s,
        "Reproduce with `scripts/bench-ocr-peer.sh` (builds `target/ocr-peer-venv` with \
         `rapidocr-onnxruntime==1.4.4` and `onnxruntime==1.22.1`, then runs \
         `target/release/ocr_peer --docs {} --rounds {} --px-per-mm {} --seed {} --threads {}`). \
         Flat `openkyc-docgen` pages (TD3 passport pages, TD1 card fronts and backs, Chinese Resident \
         Identity Card fronts and backs) written as PNG; the first two columns decode the file before \
         their clock starts (OCR only), the third times decoding too; one ONNX Runtime intra-op thread per session on both sides; for every \
         image in every round the columns run one after the other, so they share the machine's load. \
         Medians of {} rounds; ratio = rapidocr's median / the column's (above 1: openkyc faster).\n",
        args.docs, args.rounds, args.px_per_mm, args.seed, args.threads, args.rounds
    );
    let _ = writeln!(
        s,
        "rapidocr runs its default pipeline (OpenCV's thread pool also at one thread): detector, \
         the 0°/180° angle classifier on every line, recogniser in batches of 6 lines padded to the \
         widest, lines under a score of {PEER_TEXT_SCORE} dropped. openkyc's `PageReader` has no angle \
         classifier (it reads upright, rectified documents) and runs the recogniser on one line at a \
         time: batching as rapidocr does was slower on one thread (recognition 0.5× as fast with \
         batches padded to the widest of 6, 0.9× with at most 10 % padding, on the first 3 images) \
         and padding moved spaces (`16 APR 2002` read `16APR2002`). Lines agree: rapidocr's lines \
         that openkyc also read exactly, spaces aside (its lines scoring ≥ {PEER_TEXT_SCORE}), of \
         rapidocr's count.\n"
    );
    let _ = writeln!(
        s,
        "`openkyc read` is the whole reading stage (`openkyc_read::read_photo`): decode, find and \
         rectify the document, then read only what the document needs: an MRZ with `openkyc-mrzocr` \
         and, on a passport page, its visual zone above the MRZ band with PP-OCRv4 for the cross-check \
         (on a TD1 back the MRZ alone: the names are printed on the front); a Chinese card's lines \
         with PP-OCRv4 at the detector's own size (short side 736) plus a second look at each name \
         character; a TD1 front (no MRZ) line by line, its visual zone's fields. Its texts are the fields it reports, so its \"lines agree\" counts rapidocr lines equal to a \
         field value and is low by design.\n"
    );
    let _ = writeln!(s, "- {}\n", machine_and_load());
    let mut header = "| image | size |".to_owned();
    let mut rule = "|---|---|".to_owned();
    for (c, name) in names.iter().enumerate() {
        let _ = write!(header, " {name} ms |");
        rule.push_str("---|");
        if c > 0 {
            let _ = write!(header, " ratio | lines agree |");
            rule.push_str("---|---|");
        }
    }
    let _ = writeln!(s, "{header}\n{rule}");
    let mut ratios = vec![Vec::new(); names.len()];
    let mut ratios_without_cls = vec![Vec::new(); names.len()];
    let mut agree = vec![(0usize, 0usize); names.len()];
    for (i, image) in set.iter().enumerate() {
        let (Some(times), Some(texts)) = (measured.times.get(i), measured.texts.get(i)) else {
            continue;
        };
        let medians: Vec<f64> = times.iter().map(|t| median(t)).collect();
        let reference = medians.first().copied().unwrap_or(f64::NAN);
        let reference_without_cls = measured
            .without_cls
            .get(i)
            .and_then(|t| t.first())
            .map_or(f64::NAN, |t| median(t));
        let peer_texts = texts.first().map_or(&[][..], Vec::as_slice);
        let _ = write!(s, "| {} | {}×{} |", image.name, image.size.0, image.size.1);
        for (c, m) in medians.iter().enumerate() {
            let _ = write!(s, " {m:.1} |");
            if c > 0 {
                let ratio = reference / m;
                let common = lines_in_common(peer_texts, texts.get(c).map_or(&[][..], Vec::as_slice));
                if let (Some(r), Some(rw), Some(a)) =
                    (ratios.get_mut(c), ratios_without_cls.get_mut(c), agree.get_mut(c))
                {
                    r.push(ratio);
                    rw.push(reference_without_cls / m);
                    *a = (a.0 + common, a.1 + peer_texts.len());
                }
                let _ = write!(s, " {ratio:.2}× | {common}/{} |", peer_texts.len());
            }
        }
        s.push('\n');
    }
    let _ = writeln!(s);
    for (c, name) in names.iter().enumerate().skip(1) {
        let (Some(r), Some(rw), Some((common, total))) = (ratios.get(c), ratios_without_cls.get(c), agree.get(c))
        else {
            continue;
        };
        let _ = writeln!(
            s,
            "- **{name}**: median ratio over the {} images {:.2}× (rapidocr / {name}); {:.2}× with \
             rapidocr's angle classifier time (its own timing) taken out; lines agree {common} of {total}.",
            r.len(),
            median(r),
            median(rw)
        );
    }
    let _ = writeln!(s, "{END}");
    s
}

/// Every column's lines per image, for a look at where they differ.
fn write_texts(path: &Path, set: &[Image], names: &[&str], measured: &Measured) -> anyhow::Result<()> {
    let mut all = serde_json::Map::new();
    for (image, texts) in set.iter().zip(&measured.texts) {
        let columns: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .zip(texts)
            .map(|(name, lines)| ((*name).to_owned(), serde_json::json!(lines)))
            .collect();
        all.insert(image.name.clone(), serde_json::Value::Object(columns));
    }
    std::fs::write(path, serde_json::to_string_pretty(&all)?).with_context(|| format!("writing {}", path.display()))
}

/// The machine and its load when the run ended.
fn machine_and_load() -> String {
    format!(
        "{}, load average {} when the run ended",
        peer_common::machine(),
        peer_common::load_average()
    )
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let set = render_set(&args)?;
    eprintln!("{} images in {}", set.len(), args.images.display());
    let models = ModelSet::locate()?;
    let options = SessionOptions {
        intra_threads: args.threads.max(1),
        ..SessionOptions::default()
    };
    let mut reader = PageReader::load(&models, &options)?;
    let fonts = Fonts::from_system()?;
    let stage = openkyc_read::Reader::new(fonts.ocrb())?.with_text_reader(PageReader::load(&models, &options)?);
    let (y, m, d) = REFERENCE_DATE;
    let read_options = openkyc_read::ReadOptions::new(NaiveDate::from_ymd_opt(y, m, d).context("reference date")?);
    let mut peer = Peer::start(&args.python, &args.script)?;
    let mut columns = contenders(&mut peer, &mut reader, &stage, &read_options);
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let measured = measure(&set, &mut columns, args.rounds.max(1))?;
    write_texts(&args.images.join("texts.json"), &set, &names, &measured)?;
    let section = section(&args, &set, &names, &measured);
    let report = std::fs::read_to_string(&args.out).unwrap_or_default();
    std::fs::write(&args.out, peer_common::with_section(&report, &section, BEGIN, END))
        .with_context(|| format!("writing {}", args.out.display()))?;
    print!("{section}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_lines_count_each_line_once() {
        let s = |v: &[&str]| v.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert_eq!(lines_in_common(&s(&["A", "A", "B"]), &s(&["A", "B", "C"])), 2);
        assert_eq!(lines_in_common(&s(&["16APR2002"]), &s(&["16 APR 2002"])), 1);
        assert_eq!(lines_in_common(&s(&[]), &s(&["A"])), 0);
    }
}
