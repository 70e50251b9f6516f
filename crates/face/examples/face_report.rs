//! Detects faces in every photo of a directory (default
//! `../shared/fixtures/faces`) and prints, per photo, the largest face, its
//! quality measures and the detection time (median of RUNS runs, one
//! intra-op thread, the default session; the letterbox resampling is also
//! timed alone), then the medians over all photos.
//!
//! `--checks` adds, per photo, what the quality defaults and the tests rest
//! on: the mirrored photo's roll and yaw (which should cancel the
//! original's), copies darkened and brightened by a gain (the face measured
//! where the original has it), and copies shrunk until the eyes are 15–40
//! px apart (found or not, and the reasons).
//!
//! `--threads 1,2` times the detection once per intra-op thread count,
//! alternating per run on each photo so that every setting sees the same
//! machine load, and prints each setting's median (the table's faces and
//! measures are the first setting's).
//!
//! `cargo run --release -p openkyc-face --example face_report [DIR] [RUNS] [--checks] [--threads 1,2]`
//! (needs `scripts/fetch-models.sh` first; RUNS defaults to 5).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use image::{imageops, RgbImage};
use openkyc_face::{Face, FaceDetector, FaceQuality, Letterbox, QualityThresholds, INPUT_HEIGHT, INPUT_WIDTH};
use openkyc_infer::{ModelSet, SessionOptions};

#[path = "support/photos.rs"]
mod photos;

type AnyError = Box<dyn std::error::Error>;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn largest(faces: &[Face]) -> Option<Face> {
    faces.iter().copied().max_by(|a, b| a.area().total_cmp(&b.area()))
}

/// Median milliseconds of `runs` rounds of the detectors on `image`, each
/// round running every detector once, in turn; the first detector's faces.
fn timed_detectors(
    detectors: &mut [FaceDetector],
    image: &RgbImage,
    runs: usize,
) -> Result<(Vec<f64>, Vec<Face>), AnyError> {
    let mut times = vec![Vec::with_capacity(runs); detectors.len()];
    let mut faces = Vec::new();
    for _ in 0..runs {
        for (k, detector) in detectors.iter_mut().enumerate() {
            let started = Instant::now();
            let found = detector.detect(image)?;
            if let Some(slot) = times.get_mut(k) {
                slot.push(ms(started.elapsed()));
            }
            if k == 0 {
                faces = found;
            }
        }
    }
    Ok((times.into_iter().map(median).collect(), faces))
}

/// The thread counts of `--threads 1,2` (default: one).
fn thread_settings(args: &[String]) -> Vec<usize> {
    let list = args
        .iter()
        .position(|a| a == "--threads")
        .and_then(|i| args.get(i + 1))
        .map_or("1", String::as_str);
    let settings: Vec<usize> = list
        .split(',')
        .filter_map(|t| t.trim().parse().ok())
        .filter(|&t| t > 0)
        .collect();
    if settings.is_empty() {
        vec![1]
    } else {
        settings
    }
}

/// Median milliseconds of `runs` calls of `f`.
fn timed(runs: usize, mut f: impl FnMut() -> Result<(), AnyError>) -> Result<f64, AnyError> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f()?;
        times.push(ms(started.elapsed()));
    }
    Ok(median(times))
}

/// Every channel multiplied by `gain`, clipped.
fn exposed(image: &RgbImage, gain: f32) -> RgbImage {
    let mut copy = image.clone();
    for value in copy.iter_mut() {
        *value = (f32::from(*value) * gain).round().clamp(0.0, 255.0) as u8;
    }
    copy
}

fn main() -> Result<(), AnyError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let checks = args.iter().any(|a| a == "--checks");
    let threads = thread_settings(&args);
    let threads_value = args.iter().position(|a| a == "--threads").map(|i| i + 1);
    let mut positional = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && Some(*i) != threads_value)
        .map(|(_, a)| a);
    let dir = PathBuf::from(positional.next().map_or("../shared/fixtures/faces", String::as_str));
    let runs: usize = positional.next().and_then(|a| a.parse().ok()).unwrap_or(5).max(1);
    let models = ModelSet::locate()?;
    let mut detectors = Vec::with_capacity(threads.len());
    for &intra_threads in &threads {
        let options = SessionOptions {
            intra_threads,
            ..SessionOptions::default()
        };
        println!("session: {options:?}, {runs} runs per photo");
        detectors.push(FaceDetector::load(&models, &options)?);
    }
    let mut per_setting: Vec<Vec<f64>> = vec![Vec::new(); threads.len()];
    let photos: Vec<(String, RgbImage)> = photos::load_photos(&dir)?
        .into_iter()
        .map(|(path, image)| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, image)
        })
        .collect();
    let thresholds = QualityThresholds::default();
    let (mut times, mut letterbox_times, mut pitch, mut iod) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    println!(
        "{:<38} {:>9} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>5} {:>5} {:>6} {:>6}  reasons",
        "image", "size", "faces", "score", "iod", "roll", "yaw", "pitchr", "pitch", "luma", "hi%", "lo%", "lb ms", "ms"
    );
    for (name, image) in &photos {
        for detector in detectors.iter_mut() {
            // Warm-up, unmeasured.
            detector.detect(image)?;
        }
        let (setting_times, faces) = timed_detectors(&mut detectors, image, runs)?;
        for (all, time) in per_setting.iter_mut().zip(&setting_times) {
            all.push(*time);
        }
        let time = setting_times.first().copied().unwrap_or(f64::NAN);
        let letterbox_time = timed(runs, || {
            if let Some(letterbox) = Letterbox::fit(image.width(), image.height(), INPUT_WIDTH, INPUT_HEIGHT) {
                letterbox.tensor(image)?;
            }
            Ok(())
        })?;
        times.push(time);
        letterbox_times.push(letterbox_time);
        let size = format!("{}x{}", image.width(), image.height());
        let Some(face) = largest(&faces) else {
            println!("{name:<38} {size:>9} {:>5} {letterbox_time:>83.1} {time:>6.1}", 0);
            continue;
        };
        let q = FaceQuality::measure(&face, image);
        pitch.push(f64::from(q.pitch_ratio));
        iod.push(f64::from(q.inter_ocular_px));
        println!(
            "{name:<38} {size:>9} {:>5} {:>5.2} {:>6.1} {:>6.1} {:>6.1} {:>6.3} {:>6.1} {:>6.1} {:>5.1} {:>5.1} {letterbox_time:>6.1} {time:>6.1}  {:?}",
            faces.len(),
            face.score,
            q.inter_ocular_px,
            q.roll_deg,
            q.yaw_deg,
            q.pitch_ratio,
            q.pitch_deg,
            q.mean_luma,
            q.highlight_clipped_share * 100.0,
            q.shadow_clipped_share * 100.0,
            q.reasons(&thresholds)
        );
    }
    println!(
        "{} photos, {} with a face; detection median {:.1} ms (min {:.1}, max {:.1}), of which letterbox median {:.1} ms; median pitch ratio {:.3}, eye distance {:.0} px",
        photos.len(),
        iod.len(),
        median(times.clone()),
        times.iter().copied().fold(f64::INFINITY, f64::min),
        times.iter().copied().fold(0.0, f64::max),
        median(letterbox_times),
        median(pitch),
        median(iod),
    );
    if threads.len() > 1 {
        for (setting, times) in threads.iter().zip(&per_setting) {
            println!(
                "{setting} intra-op thread(s): detection median {:.1} ms",
                median(times.clone())
            );
        }
    }
    if checks {
        if let Some(detector) = detectors.first_mut() {
            print_checks(detector, &photos, &thresholds)?;
        }
    }
    Ok(())
}

/// The per-photo calibration table of `--checks`.
fn print_checks(
    detector: &mut FaceDetector,
    photos: &[(String, RgbImage)],
    thresholds: &QualityThresholds,
) -> Result<(), AnyError> {
    const GAINS: [f32; 6] = [0.25, 0.35, 0.5, 1.5, 2.0, 3.0];
    const EYE_DISTANCES: [f32; 5] = [15.0, 20.0, 25.0, 30.0, 40.0];
    println!(
        "\n{:<38} {:>7} {:>7} {:>6}  luma and reasons at gains {GAINS:?}  |  measured eye distance at targets {EYE_DISTANCES:?} (- = no face)",
        "image", "roll+m", "yaw+m", "lm%"
    );
    for (name, image) in photos {
        let Some(face) = largest(&detector.detect(image)?) else {
            continue;
        };
        let quality = FaceQuality::measure(&face, image);
        let mirrored = imageops::flip_horizontal(image);
        let (roll_sum, yaw_sum, landmark_error) = match largest(&detector.detect(&mirrored)?) {
            Some(seen) => {
                let q = FaceQuality::measure(&seen, &mirrored);
                let width = image.width() as f32;
                // The largest landmark disagreement with the mirrored
                // original, in % of the face's width.
                let worst = [1, 0, 2, 4, 3]
                    .iter()
                    .zip(seen.landmarks)
                    .map(|(&i, b)| {
                        let a = [width - face.landmarks[i][0], face.landmarks[i][1]];
                        ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
                    })
                    .fold(0.0f32, f32::max);
                (
                    q.roll_deg + quality.roll_deg,
                    q.yaw_deg + quality.yaw_deg,
                    100.0 * worst / face.width(),
                )
            }
            None => (f32::NAN, f32::NAN, f32::NAN),
        };
        let exposures: Vec<String> = GAINS
            .iter()
            .map(|&gain| {
                let q = FaceQuality::measure(&face, &exposed(image, gain));
                let codes: Vec<&str> = q.reasons(thresholds).iter().map(|r| short(r)).collect();
                format!("{:.0}{}", q.mean_luma, codes.join(""))
            })
            .collect();
        let mut small = Vec::new();
        for target in EYE_DISTANCES {
            let factor = target / quality.inter_ocular_px;
            let side = |v: u32| ((v as f32 * factor).round() as u32).max(1);
            let copy = imageops::resize(image, side(image.width()), side(image.height()), imageops::Triangle);
            small.push(match largest(&detector.detect(&copy)?) {
                Some(f) => format!("{:.0}", FaceQuality::measure(&f, &copy).inter_ocular_px),
                None => "-".to_owned(),
            });
        }
        println!(
            "{name:<38} {roll_sum:>7.1} {yaw_sum:>7.1} {landmark_error:>6.1}  {}  |  {}",
            exposures.join(" "),
            small.join(" ")
        );
    }
    println!("(reason letters: S too small, D too dark, O overexposed, F not frontal)");
    Ok(())
}

fn short(code: &str) -> &'static str {
    match code {
        "FACE_TOO_SMALL" => "S",
        "FACE_TOO_DARK" => "D",
        "FACE_OVEREXPOSED" => "O",
        "FACE_NOT_FRONTAL" => "F",
        _ => "?",
    }
}
