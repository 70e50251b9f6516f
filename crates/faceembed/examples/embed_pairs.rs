//! Descriptors of the real face photos in `../shared/fixtures/faces` (boxes
//! from dlib's HOG detector): same- and different-person distances at dlib's
//! 0.6, and the time `embed_face` takes per face.
//!
//! `cargo run --release -p openkyc-faceembed --example embed_pairs [-- REPEATS]`
//! (each face is embedded REPEATS times, default 5; the median of all runs
//! is printed). OpenBLAS threads: set `OPENBLAS_NUM_THREADS=1` for one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use common::*;
use openkyc_faceembed::DLIB_SAME_PERSON_DISTANCE;

fn main() {
    let repeats: usize = std::env::args()
        .nth(1)
        .map_or(5, |a| a.parse().expect("REPEATS is a number"));
    let (Some(embedder), Some(dir)) = (embedder("embed_pairs"), faces_dir("embed_pairs")) else {
        return;
    };
    let pairs = pairs(&dir);
    let photos = photos_with_boxes(&dir, &pairs);
    let mut embeddings = BTreeMap::new();
    let mut times_ms = Vec::new();
    for (name, (image, face_box)) in &photos {
        let Some(face_box) = face_box else {
            println!("{name}: no face found by HOG");
            continue;
        };
        let mut face = None;
        for _ in 0..repeats.max(1) {
            let start = Instant::now();
            face = Some(embedder.embed_face(image, *face_box).unwrap());
            times_ms.push(start.elapsed().as_secs_f64() * 1e3);
        }
        embeddings.insert(name.clone(), face.unwrap().embedding);
    }
    let (same, different) = pair_distances(&pairs, &embeddings);
    let threshold = DLIB_SAME_PERSON_DISTANCE;
    let same_below = same.iter().filter(|d| **d < threshold).count();
    let different_at_or_above = different.iter().filter(|d| **d >= threshold).count();
    let fold = |v: &[f32], f: fn(f32, f32) -> f32, start: f32| v.iter().copied().fold(start, f);
    println!("{} of {} photos with a face", embeddings.len(), photos.len());
    println!(
        "same person: {same_below}/{} below {threshold} (mean {:.3}, max {:.3})",
        same.len(),
        mean(&same),
        fold(&same, f32::max, f32::MIN)
    );
    println!(
        "different people: {different_at_or_above}/{} at or above {threshold} (mean {:.3}, min {:.3}, max {:.3})",
        different.len(),
        mean(&different),
        fold(&different, f32::min, f32::MAX),
        fold(&different, f32::max, f32::MIN)
    );
    for pair in &pairs {
        if let (Some(a), Some(b)) = (embeddings.get(&pair.a), embeddings.get(&pair.b)) {
            let distance = a.distance(b);
            if (distance < threshold) != pair.same {
                let truth = if pair.same { "same person" } else { "different people" };
                println!(
                    "  on the wrong side: {} / {} ({truth}) at {distance:.3}",
                    pair.a, pair.b
                );
            }
        }
    }
    times_ms.sort_by(f64::total_cmp);
    if let Some(median) = times_ms.get(times_ms.len() / 2) {
        let threads = std::env::var("OPENBLAS_NUM_THREADS").unwrap_or_else(|_| "unset".to_owned());
        println!(
            "embed_face: median {median:.1} ms, min {:.1} ms over {} runs (OPENBLAS_NUM_THREADS={threads})",
            times_ms[0],
            times_ms.len()
        );
    }
}
