//! `openkyc face compare` end to end on real photos
//! (`../shared/fixtures/faces`): the same person matches, different people
//! do not, and a photo without a face or a file that is not a photo says so.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{json, openkyc};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The fixtures' folder and the first same-person and different-person
/// pairs of `pairs.csv`, or `None` (with `SKIPPED`) without fixtures or
/// models.
fn pairs(test: &str) -> Option<(PathBuf, [String; 2], [String; 2])> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/faces");
    let Ok(csv) = std::fs::read_to_string(dir.join("pairs.csv")) else {
        eprintln!("SKIPPED {test}: ../shared/fixtures/faces is absent");
        return None;
    };
    if !openkyc_infer::ModelSet::locate().is_ok_and(|m| m.all_present()) {
        eprintln!("SKIPPED {test}: no models; run scripts/fetch-models.sh");
        return None;
    }
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let find = |same: &str| {
        rows.iter()
            .find(|r| r.get(2).map(String::as_str) == Some(same))
            .map(|r| [r[0].clone(), r[1].clone()])
            .unwrap()
    };
    Some((dir.clone(), find("1"), find("0")))
}

fn compare(a: &Path, b: &Path) -> Output {
    openkyc()
        .args(["face", "compare", "--json"])
        .arg(a)
        .arg(b)
        .output()
        .unwrap()
}

#[test]
fn the_same_person_matches_and_different_people_do_not() {
    let Some((dir, same, different)) = pairs("the_same_person_matches_and_different_people_do_not") else {
        return;
    };
    let output = compare(&dir.join(&same[0]), &dir.join(&same[1]));
    let result = json(&output);
    assert_eq!(result["decision"], "match", "{result:#}");
    assert_eq!(output.status.code(), Some(0));
    let similarity = result["similarity"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&similarity));
    assert!(result["distance"].as_f64().unwrap() <= result["thresholds"]["match_max_distance"].as_f64().unwrap());
    for face in result["faces"].as_array().unwrap() {
        assert_eq!(face["box"].as_array().unwrap().len(), 4);
        assert_eq!(face["landmarks"].as_array().unwrap().len(), 5);
        assert!(face["quality"]["inter_ocular_px"].as_f64().unwrap() > 0.0);
    }

    let output = compare(&dir.join(&different[0]), &dir.join(&different[1]));
    let result = json(&output);
    assert_eq!(result["decision"], "mismatch", "{result:#}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_photo_without_a_face_or_not_a_photo_is_named() {
    let Some((dir, same, _)) = pairs("a_photo_without_a_face_or_not_a_photo_is_named") else {
        return;
    };
    let blank = std::env::temp_dir().join(format!("openkyc-face-blank-{}.png", std::process::id()));
    image::RgbImage::from_pixel(640, 480, image::Rgb([200, 200, 200]))
        .save(&blank)
        .unwrap();
    let output = compare(&blank, &dir.join(&same[1]));
    let _ = std::fs::remove_file(&blank);
    assert_eq!(output.status.code(), Some(2));
    let result = json(&output);
    assert_eq!(result["reason"], "FACE_NOT_FOUND", "{result:#}");

    let output = compare(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml").as_path(),
        &dir.join(&same[1]),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json(&output)["ok"], false);
}
