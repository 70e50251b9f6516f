//! FaceMesh on every photo of one or more directories (default
//! `../shared/fixtures/faces` and `../shared/fixtures/liveness/still/eyes_closed`):
//! per photo, the largest CenterFace face, the mesh observed in its ROI
//! (presence, eye-closed scores of the subject's left and right eye, yaw,
//! pitch, roll) and the time of one observation (warp + landmark model +
//! blendshape model + pose; median of RUNS, one intra-op thread), then the
//! medians over all photos, with the 256 × 256 warp's share timed alone.
//!
//! It also prints what [`MeshRoi::from_face`]'s constants rest on: the
//! tracking ROI of the landmarks found inside the face's ROI, as a multiple of
//! the CenterFace box's longer side and as a shift of its centre (along the
//! face's down axis, per box height), and how far a second observation in
//! the tracking ROI moves the landmarks (mean, in % of the eye distance).
//!
//! `--dump DIR` writes, per photo, the model's input tensor and the raw
//! outputs of both models (little-endian f32 files) and a `mesh.json` with
//! every photo's landmarks, blendshapes and pose, for
//! `examples/mesh_compare.py` (LiteRT and MediaPipe side by side).
//!
//! `cargo run --release -p openkyc-face --example mesh_report [DIR...] [--runs N] [--dump DIR]`
//! (needs `scripts/fetch-models.sh` first; N defaults to 5).

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::RgbImage;
use openkyc_face::mesh::{FaceMesh, MeshObservation, MeshRoi, BLENDSHAPE_LANDMARKS};
use openkyc_face::{Face, FaceDetector};
use openkyc_infer::{ModelSet, SessionOptions, Tensor};

#[path = "support/photos.rs"]
mod photos;

type AnyError = Box<dyn std::error::Error>;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn largest(faces: &[Face]) -> Option<Face> {
    faces.iter().copied().max_by(|a, b| a.area().total_cmp(&b.area()))
}

/// The mean distance between two landmark sets in % of the eye distance.
fn mean_shift_pct(a: &MeshObservation, b: &MeshObservation) -> f64 {
    let eye = |o: &MeshObservation| {
        let (l, r) = (o.landmarks[33], o.landmarks[263]);
        f64::from((l[0] - r[0]).hypot(l[1] - r[1]))
    };
    let sum: f64 = a
        .landmarks
        .iter()
        .zip(&b.landmarks)
        .map(|(p, q)| f64::from((p[0] - q[0]).hypot(p[1] - q[1])))
        .sum();
    100.0 * sum / a.landmarks.len() as f64 / eye(a)
}

fn write_f32(path: &Path, values: &[f32]) -> Result<(), AnyError> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes)?;
    Ok(())
}

/// Runs the two models directly on this ROI and writes their inputs and raw
/// outputs under `dir/<index>/`.
fn dump(models: &ModelSet, dir: &Path, index: usize, image: &RgbImage, obs: &MeshObservation) -> Result<(), AnyError> {
    let out = dir.join(index.to_string());
    std::fs::create_dir_all(&out)?;
    let input = obs.roi.tensor(image)?;
    let mut landmarks = models.load("face-landmarks-detector", &SessionOptions::default())?;
    let outputs = landmarks.run(&[("input_12", &input)])?;
    write_f32(&out.join("input.f32"), input.data())?;
    for (name, tensor) in outputs.into_vec() {
        write_f32(&out.join(format!("{name}.f32")), tensor.data())?;
    }
    let points: Vec<f32> = BLENDSHAPE_LANDMARKS
        .iter()
        .flat_map(|&i| [obs.landmarks[i][0], obs.landmarks[i][1]])
        .collect();
    let bs_input = Tensor::new(vec![1, BLENDSHAPE_LANDMARKS.len(), 2], points)?;
    let mut blendshapes = models.load("face-blendshapes", &SessionOptions::default())?;
    let bs = blendshapes.run(&[("serving_default_input_points:0", &bs_input)])?;
    write_f32(&out.join("blendshapes_input.f32"), bs_input.data())?;
    write_f32(&out.join("blendshapes.f32"), bs.first()?.data())?;
    Ok(())
}

fn main() -> Result<(), AnyError> {
    let mut dirs = Vec::new();
    let mut runs = 5usize;
    let mut dump_dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().ok_or("--runs needs a number")?.parse()?,
            "--dump" => dump_dir = Some(args.next().ok_or("--dump needs a directory")?.into()),
            _ => dirs.push(PathBuf::from(arg)),
        }
    }
    if dirs.is_empty() {
        let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
        dirs = vec![shared.join("faces"), shared.join("liveness/still/eyes_closed")];
    }
    let models = ModelSet::locate()?;
    let mut detector = FaceDetector::load(&models, &SessionOptions::default())?;
    let mesh = FaceMesh::load(&models)?;
    println!(
        "{:<46} {:>5} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>7}",
        "photo", "pres", "closeL", "closeR", "yaw", "pitch", "roll", "side×", "shift", "track%", "ms"
    );
    let (mut times, mut sides, mut shifts, mut tracks) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut warp_times = Vec::new();
    let mut records = Vec::new();
    for dir in &dirs {
        for (path, image) in photos::load_photos(dir)? {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let path = path.to_string_lossy().into_owned();
            let Some(face) = largest(&detector.detect(&image)?) else {
                println!("{name:<46} no face");
                continue;
            };
            let roi = MeshRoi::from_face(&face);
            let obs = mesh.observe(&image, &roi)?;
            let mut run_times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let started = Instant::now();
                mesh.observe(&image, &roi)?;
                run_times.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            let ms = median(run_times);
            let mut warps = Vec::with_capacity(runs);
            for _ in 0..runs {
                let started = Instant::now();
                roi.tensor(&image)?;
                warps.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            warp_times.push(median(warps));
            let tracked = MeshRoi::from_mesh(&obs);
            let again = mesh.observe(&image, &tracked)?;
            let box_side = f64::from(face.width().max(face.height()));
            let side_ratio = f64::from(tracked.side) / box_side;
            let (sin, cos) = roi.angle.sin_cos();
            let box_centre = [(face.bbox[0] + face.bbox[2]) / 2.0, (face.bbox[1] + face.bbox[3]) / 2.0];
            let down = (tracked.centre[0] - box_centre[0]) * -sin + (tracked.centre[1] - box_centre[1]) * cos;
            let shift = f64::from(down / face.height());
            let track = mean_shift_pct(&obs, &again);
            let p = obs.pose;
            println!(
                "{name:<46} {:>5.3} {:>6.3} {:>6.3} {:>6.1} {:>6.1} {:>6.1} {:>6.3} {:>6.3} {:>6.2} {:>7.1}",
                obs.presence,
                obs.eye_closed_left(),
                obs.eye_closed_right(),
                p.yaw_deg,
                p.pitch_deg,
                p.roll_deg,
                side_ratio,
                shift,
                track,
                ms
            );
            times.push(ms);
            sides.push(side_ratio);
            shifts.push(shift);
            tracks.push(track);
            if let Some(dir) = &dump_dir {
                dump(&models, dir, records.len(), &image, &obs)?;
            }
            records.push(serde_json::json!({ "path": path, "observation": obs }));
        }
    }
    println!(
        "{} faces: median {:.1} ms per observation (one thread; the warp {:.2} ms of it); tracking ROI side {:.3} × \
         the box's longer side, centre {:.3} box heights below the box's; a second observation in the tracking ROI \
         moves the landmarks by a median {:.2} % of the eye distance",
        times.len(),
        median(times),
        median(warp_times),
        median(sides),
        median(shifts),
        median(tracks)
    );
    if let Some(dir) = &dump_dir {
        std::fs::write(dir.join("mesh.json"), serde_json::to_string(&records)?)?;
        println!("inputs, outputs and mesh.json written to {}", dir.display());
    }
    Ok(())
}
