//! Face matching on real photos: `cargo run --release -p openkyc-evaluate
//! --bin faces` reads `../shared/fixtures/faces/pairs.csv` (same / different
//! person), finds the largest face of each photo with `openkyc-face`
//! (CenterFace), describes it with `openkyc-faceembed` (dlib) and writes
//! `docs/EVALUATION-FACES.md`: true-accept rates at the strictest false-accept
//! rates the pair count supports, the equal error rate, histograms of the
//! distances, and the same with the first photo of each pair degraded as a
//! document portrait is (small, JPEG quality 30, dark) or printed as the
//! portrait of a passport page photographed on a table (that one found as
//! the face stage finds it: on the rectified document,
//! `openkyc_facecheck::find_document_portrait`).

mod roc;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use clap::Parser;
use image::RgbImage;
use openkyc_face::{MatchDecision, MatchThresholds};
use openkyc_facecheck::FaceModels;
use openkyc_faceembed::{dlib_box_from_centerface, Embedding};
use openkyc_infer::{ModelSet, SessionOptions};
use roc::Scores;

#[derive(Debug, Parser)]
#[command(about = "Evaluate face matching on the real photos of ../shared/fixtures/faces")]
struct Args {
    /// The folder with the photos and pairs.csv.
    #[arg(long, default_value = "../shared/fixtures/faces")]
    fixtures: PathBuf,
    /// Where to write the report.
    #[arg(long, default_value = "docs/EVALUATION-FACES.md")]
    out: PathBuf,
}

/// One labelled pair.
struct Pair {
    a: String,
    b: String,
    same: bool,
}

/// How the first photo of a pair is degraded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Variant {
    Original,
    /// Downscaled so that the face is about 40 px wide.
    Small,
    /// Re-saved as JPEG at quality 30.
    Jpeg30,
    /// A third of the light, gamma 1.4: an under-exposed photo.
    Dark,
    /// Printed as the portrait of a passport page (`openkyc-docgen`, 12 px
    /// per mm: a 32 × 40 mm portrait of 384 × 480 px), the page laid on a
    /// table and saved as JPEG quality 75; the face is found on the whole
    /// photo of the page.
    Document,
}

const VARIANTS: [Variant; 5] = [
    Variant::Original,
    Variant::Small,
    Variant::Jpeg30,
    Variant::Dark,
    Variant::Document,
];

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::Small => "small face (40 px)",
            Variant::Jpeg30 => "JPEG quality 30",
            Variant::Dark => "dark",
            Variant::Document => "portrait on a passport page",
        }
    }
}

/// What one photo gave: its descriptor, or why none.
struct Described {
    embedding: Option<Embedding>,
    detect_ms: f64,
    embed_ms: f64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let csv = args.fixtures.join("pairs.csv");
    if !csv.is_file() {
        eprintln!("SKIPPED: {} not found (the shared fixtures are absent)", csv.display());
        return Ok(());
    }
    let pairs = read_pairs(&csv)?;
    let models = ModelSet::locate().context("models (run scripts/fetch-models.sh)")?;
    let mut face_models = FaceModels::load(&models, &SessionOptions::default())?;
    let fonts = openkyc_docgen::Fonts::from_system()?;
    let holder = openkyc_docgen::identities(1, 1, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).context("date")?)
        .into_iter()
        .next()
        .context("an identity")?;
    let page = openkyc_docgen::render_td3(&holder, &fonts, PAGE_PX_PER_MM, 1)?.image;
    let mut described: BTreeMap<(String, Variant), Described> = BTreeMap::new();
    let mut photos: Vec<(String, Variant)> = Vec::new();
    for pair in &pairs {
        for variant in VARIANTS {
            photos.push((pair.a.clone(), variant));
        }
        photos.push((pair.b.clone(), Variant::Original));
    }
    photos.sort();
    photos.dedup();
    for (name, variant) in photos {
        let image = load(&args.fixtures.join(&name))?;
        let result = describe(&mut face_models, &image, variant, &page)?;
        described.insert((name, variant), result);
    }
    let report = markdown(&pairs, &described);
    std::fs::write(&args.out, &report).with_context(|| format!("writing {}", args.out.display()))?;
    print!("{report}");
    Ok(())
}

fn read_pairs(path: &Path) -> anyhow::Result<Vec<Pair>> {
    let text = std::fs::read_to_string(path)?;
    let mut pairs = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let mut cells = line.split(',');
        let (Some(a), Some(b), Some(same)) = (cells.next(), cells.next(), cells.next()) else {
            bail!("{}:{}: expected img_a,img_b,same", path.display(), i + 1);
        };
        pairs.push(Pair {
            a: a.to_string(),
            b: b.to_string(),
            same: same.trim() == "1",
        });
    }
    Ok(pairs)
}

/// Decodes through the intake (formats sniffed from the bytes, EXIF
/// orientation applied), at most 1600 px on the long side.
fn load(path: &Path) -> anyhow::Result<RgbImage> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    let limits = openkyc_intake::IntakeLimits {
        working_max_side: 1600,
        ..openkyc_intake::IntakeLimits::default()
    };
    Ok(openkyc_intake::intake(&bytes, &limits)
        .with_context(|| path.display().to_string())?
        .working)
}

fn describe(models: &mut FaceModels, image: &RgbImage, variant: Variant, page: &RgbImage) -> anyhow::Result<Described> {
    let detector = &mut models.detector;
    let image = match variant {
        Variant::Original => image.clone(),
        Variant::Small => {
            // The face's width from a detection on the original.
            let faces = detector.detect(image)?;
            let width = largest(&faces).map_or(0.0, openkyc_face::Face::width);
            let scale = if width > 40.0 { 40.0 / width } else { 1.0 };
            let side = |v: u32| ((v as f32 * scale).round() as u32).max(1);
            image::imageops::resize(
                image,
                side(image.width()),
                side(image.height()),
                image::imageops::FilterType::Triangle,
            )
        }
        Variant::Jpeg30 => {
            let mut bytes = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 30).encode_image(image)?;
            image::load_from_memory(&bytes)?.to_rgb8()
        }
        Variant::Dark => {
            let mut dark = image.clone();
            for p in dark.pixels_mut() {
                for c in p.0.iter_mut() {
                    *c = (255.0 * (f32::from(*c) / 255.0).powf(1.4) / 3.0).round() as u8;
                }
            }
            dark
        }
        Variant::Document => match largest(&detector.detect(image)?) {
            Some(face) => on_passport_page(image, face, page)?,
            None => image.clone(),
        },
    };
    if variant == Variant::Document {
        // As the face stage does: the portrait on the rectified document.
        let started = Instant::now();
        let portrait = openkyc_facecheck::find_document_portrait(models, &image)?;
        return Ok(Described {
            embedding: portrait.map(|p| p.embedding),
            detect_ms: started.elapsed().as_secs_f64() * 1000.0,
            embed_ms: 0.0,
        });
    }
    let started = Instant::now();
    let faces = models.detector.detect(&image)?;
    let detect_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let embedding = match largest(&faces) {
        Some(face) => models.embedder.embed(&image, dlib_box_from_centerface(face.bbox)).ok(),
        None => None,
    };
    let embed_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(Described {
        embedding,
        detect_ms,
        embed_ms,
    })
}

/// Pixels per millimetre of the passport page the portraits are printed on.
const PAGE_PX_PER_MM: f32 = 12.0;

/// `photo`'s face printed as the portrait of `page` (the face's width about
/// 60% of the portrait's, as passport photo rules ask), the page on a table
/// with a margin of a tenth of its width, saved as JPEG quality 75.
fn on_passport_page(photo: &RgbImage, face: &openkyc_face::Face, page: &RgbImage) -> anyhow::Result<RgbImage> {
    let mut document = page.clone();
    openkyc_docgen::print_td3_portrait(&mut document, photo, face.bbox, PAGE_PX_PER_MM);
    let margin = document.width() / 10;
    let mut table = RgbImage::from_pixel(
        document.width() + 2 * margin,
        document.height() + 2 * margin,
        image::Rgb([70, 62, 55]),
    );
    image::imageops::overlay(&mut table, &document, i64::from(margin), i64::from(margin));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 75).encode_image(&table)?;
    Ok(image::load_from_memory(&bytes)?.to_rgb8())
}

fn largest(faces: &[openkyc_face::Face]) -> Option<&openkyc_face::Face> {
    faces.iter().max_by(|a, b| a.area().total_cmp(&b.area()))
}

/// How many of `distances` the default thresholds call a match, a case for
/// review and a mismatch.
fn decisions(distances: &[f32]) -> String {
    let thresholds = MatchThresholds::default();
    let count = |wanted: MatchDecision| distances.iter().filter(|d| thresholds.decide(**d) == wanted).count();
    format!(
        "{} / {} / {}",
        count(MatchDecision::Match),
        count(MatchDecision::Review),
        count(MatchDecision::Mismatch)
    )
}

fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn markdown(pairs: &[Pair], described: &BTreeMap<(String, Variant), Described>) -> String {
    let mut out = String::new();
    let genuine = pairs.iter().filter(|p| p.same).count();
    let _ = writeln!(out, "# Face matching evaluation\n");
    let _ = writeln!(
        out,
        "Produced by `cargo run --release -p openkyc-evaluate --bin faces`: {} labelled pairs of real photos ({genuine} of the same person, {} of different people) from `../shared/fixtures/faces/pairs.csv`. The largest face of each photo is found by CenterFace (`openkyc-face`) and described by dlib's ResNet (`openkyc-faceembed`, 128-d); a pair's score is the Euclidean distance of the two descriptors (lower: more alike). In the degraded rows the first photo of each pair is degraded as a document portrait would be, the second kept as it is (the selfie).\n",
        pairs.len(),
        pairs.len() - genuine
    );
    let _ = writeln!(
        out,
        "| first photo | pairs scored | no face found | farthest same person | closest different people | TAR at FAR 0 (threshold) | TAR at FAR ≤ 1% | EER | decisions at the default thresholds: same person match / review / mismatch | different people match / review / mismatch |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    let mut original = Scores::default();
    for variant in VARIANTS {
        let mut scores = Scores::default();
        let mut missing = 0;
        for pair in pairs {
            let a = described
                .get(&(pair.a.clone(), variant))
                .and_then(|d| d.embedding.as_ref());
            let b = described
                .get(&(pair.b.clone(), Variant::Original))
                .and_then(|d| d.embedding.as_ref());
            let (Some(a), Some(b)) = (a, b) else {
                missing += 1;
                continue;
            };
            let d = a.distance(b);
            if pair.same {
                scores.genuine.push(d);
            } else {
                scores.impostor.push(d);
            }
        }
        let strict = scores.at_far(0.0);
        let one = scores.at_far(0.01);
        let farthest = scores.genuine.iter().copied().fold(f32::NAN, f32::max);
        let closest = scores.impostor.iter().copied().fold(f32::NAN, f32::min);
        let _ = writeln!(
            out,
            "| {} | {} | {missing} | {farthest:.3} | {closest:.3} | {} | {} | {} | {} | {} |",
            variant.name(),
            scores.genuine.len() + scores.impostor.len(),
            strict.map_or("–".into(), |p| format!("{} ({:.3})", percent(p.tar), p.threshold)),
            one.map_or("–".into(), |p| format!("{} (FAR {})", percent(p.tar), percent(p.far))),
            scores.equal_error_rate().map_or("–".into(), percent),
            decisions(&scores.genuine),
            decisions(&scores.impostor),
        );
        if variant == Variant::Original {
            original = scores;
        }
    }
    let _ = writeln!(
        out,
        "\nTAR: same-person pairs accepted; FAR: different-person pairs accepted. With {} different-person pairs the strictest measurable FAR is 0 (none accepted) and the next 1/{} = {}. Default thresholds (`openkyc_face::MatchThresholds`): a match at a distance of at most {:.2}, review up to {:.2}, a mismatch (`FACE_MISMATCH`) beyond.\n",
        original.impostor.len(),
        original.impostor.len(),
        percent(1.0 / original.impostor.len().max(1) as f64),
        MatchThresholds::default().match_max_distance,
        MatchThresholds::default().review_max_distance,
    );
    let _ = writeln!(
        out,
        "What this set cannot show: the photos are of public figures, mostly well lit and frontal, collected for other projects' tests; {} different-person pairs cannot measure a false-match rate below {}, while an exchange wants one in ten thousand or fewer, so the thresholds are a starting point to re-measure on a larger, consented set. The degraded rows degrade one side only.\n",
        original.impostor.len(),
        percent(1.0 / original.impostor.len().max(1) as f64)
    );
    let _ = writeln!(
        out,
        "## Distances (original photos)\n\n| distance from | same person | different people |\n|---|---|---|"
    );
    for (from, g, i) in original.histogram(0.05, 1.2) {
        let _ = writeln!(out, "| {from:.2} | {g} | {i} |");
    }
    let detect: Vec<f64> = described.values().map(|d| d.detect_ms).collect();
    let embed: Vec<f64> = described
        .values()
        .filter(|d| d.embedding.is_some())
        .map(|d| d.embed_ms)
        .collect();
    let _ = writeln!(
        out,
        "\nMedian time per photo (this machine, shared): detection {:.1} ms, descriptor {:.1} ms (photos at most 1600 px on the long side).",
        median(detect),
        median(embed)
    );
    out
}
