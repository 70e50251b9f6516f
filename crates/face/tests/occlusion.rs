//! `FACE_OCCLUDED` on real photos: the occluded stills of
//! `shared/fixtures/liveness/still/occlusion` (what each shows is in
//! `media.csv`), the same people unoccluded (`still/genuine_pairs`), the 45
//! unoccluded photos of `shared/fixtures/faces`, and those photos with a
//! uniform patch painted over the mouth or the eyes. Every measure is
//! printed (`cargo test -p openkyc-face --test occlusion -- --nocapture`).
//! Without the models or the photos each test says SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{detector, say, FIXTURES};

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage};
use openkyc_face::occlusion::{FaceRegion, OcclusionMeasures, OcclusionThresholds};
use openkyc_face::Face;

/// The photos of `dir` (sorted), decoded by content; `None` with a SKIPPED
/// line when the directory is absent.
fn photos(test: &str, dir: &str) -> Option<Vec<(String, RgbImage)>> {
    let path = Path::new(FIXTURES).join(dir);
    let Ok(entries) = std::fs::read_dir(&path) else {
        say(&format!("SKIPPED {test}: fixtures missing ({})", path.display()));
        return None;
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg" || x == "jpeg" || x == "png"))
        .collect();
    paths.sort();
    Some(
        paths
            .iter()
            .map(|p| {
                let image = image::load_from_memory(&std::fs::read(p).unwrap()).unwrap().to_rgb8();
                (p.file_name().unwrap().to_string_lossy().into_owned(), image)
            })
            .collect(),
    )
}

fn largest(faces: &[Face]) -> Option<Face> {
    faces.iter().copied().max_by(|a, b| a.area().total_cmp(&b.area()))
}

fn regions(measures: &OcclusionMeasures) -> Vec<FaceRegion> {
    measures
        .reasons(&OcclusionThresholds::default())
        .iter()
        .map(|f| f.region)
        .collect()
}

fn describe(name: &str, m: &OcclusionMeasures) -> String {
    let r = |x: &openkyc_face::occlusion::RegionMeasure| format!("{:.2}/{:.2}", x.skin_share, x.luma_ratio);
    format!(
        "{name}: ref warmth {:.2}; skin/luma eyes {} {} nose {} mouth {} chin {} forehead {} (texture {:.2}) → {:?}",
        m.reference_warmth,
        r(&m.left_eye),
        r(&m.right_eye),
        r(&m.nose),
        r(&m.mouth),
        r(&m.chin),
        r(&m.forehead),
        m.forehead.texture_ratio,
        m.reasons(&OcclusionThresholds::default())
    )
}

/// What `media.csv` says the largest face of each occluded still shows, as
/// regions (on the beach photo the larger face is the left person's, masked;
/// the right person, with the cap, is the other test's).
fn expected(name: &str) -> &'static [FaceRegion] {
    match name {
        n if n.contains("sunglasses") => &[FaceRegion::Eyes],
        n if n.contains("without") && n.contains("cap") => &[FaceRegion::Forehead],
        _ => &[FaceRegion::Mouth],
    }
}

#[test]
fn occluded_stills_are_flagged_with_their_region() {
    let test = "occluded_stills_are_flagged_with_their_region";
    let Some(mut detector) = detector(test) else { return };
    let Some(photos) = photos(test, "liveness/still/occlusion") else {
        return;
    };
    let (mut caught, mut missed) = (Vec::new(), Vec::new());
    for (name, image) in &photos {
        let faces = detector.detect(image).unwrap();
        let Some(face) = largest(&faces) else {
            say(&format!("{name}: no face found (FACE_NOT_FOUND comes first)"));
            missed.push(format!("{name} (no face)"));
            continue;
        };
        for (k, other) in faces.iter().enumerate() {
            say(&describe(
                &format!("{name} #{k}"),
                &OcclusionMeasures::measure(image, other),
            ));
        }
        let found = regions(&OcclusionMeasures::measure(image, &face));
        let want = expected(name);
        let all = want.iter().all(|r| found.contains(r));
        // A region no one expects is a false alarm even on an occluded face.
        let extra: Vec<_> = found
            .iter()
            .filter(|r| !want.contains(r) && **r != FaceRegion::Nose)
            .collect();
        assert!(extra.is_empty(), "{name}: unexpected {extra:?}");
        if all {
            caught.push(name.clone());
        } else {
            missed.push(format!("{name} (want {want:?}, found {found:?})"));
        }
    }
    say(&format!("caught {}/{}: {caught:?}", caught.len(), photos.len()));
    say(&format!("missed: {missed:?}"));
    // The known misses, explained in the module docs: a hand over the mouth
    // (skin) and the plaid cloth mask (no face found).
    assert!(caught.len() >= 7, "caught only {caught:?}");
    for must in [
        "sunglasses",
        "respirator",
        "surgical_mask",
        "messi_mask",
        "woman1_mask",
        "154_cap",
        "pic1_masks",
    ] {
        assert!(caught.iter().any(|c| c.contains(must)), "{must} not caught: {missed:?}");
    }
}

#[test]
fn the_second_person_on_the_beach_photo_is_masked_too() {
    let test = "the_second_person_on_the_beach_photo_is_masked_too";
    let Some(mut detector) = detector(test) else { return };
    let Some(photos) = photos(test, "liveness/still/occlusion") else {
        return;
    };
    let Some((_, image)) = photos.iter().find(|(n, _)| n.contains("pic1_masks_cap")) else {
        say(&format!("SKIPPED {test}: maskdet_pic1_masks_cap.jpeg missing"));
        return;
    };
    let faces = detector.detect(image).unwrap();
    assert_eq!(faces.len(), 2);
    let masked = faces
        .iter()
        .filter(|f| regions(&OcclusionMeasures::measure(image, f)).contains(&FaceRegion::Mouth))
        .count();
    assert!(masked >= 1, "{faces:?}");
}

#[test]
fn unoccluded_photos_raise_no_false_alarm() {
    let test = "unoccluded_photos_raise_no_false_alarm";
    let Some(mut detector) = detector(test) else { return };
    let mut all = Vec::new();
    for dir in ["faces", "liveness/still/genuine_pairs"] {
        let Some(photos) = photos(test, dir) else { return };
        all.extend(photos);
    }
    let mut alarms = Vec::new();
    for (name, image) in &all {
        let face = largest(&detector.detect(image).unwrap()).unwrap_or_else(|| panic!("{name}: no face"));
        let m = OcclusionMeasures::measure(image, &face);
        say(&describe(name, &m));
        if !regions(&m).is_empty() {
            alarms.push(name.clone());
        }
    }
    say(&format!("false alarms: {} of {}: {alarms:?}", alarms.len(), all.len()));
    assert!(alarms.is_empty(), "{alarms:?}");
}

/// `image` with the face-frame rectangle painted in `colour`.
fn painted(image: &RgbImage, face: &Face, region: FaceRegion, colour: Rgb<u8>) -> RgbImage {
    let [le, re, _, ml, mr] = face.landmarks;
    let eye_distance = (re[0] - le[0]).hypot(re[1] - le[1]);
    let (x0, x1, y0, y1) = match region {
        FaceRegion::Mouth => (
            ml[0] - 0.6 * eye_distance,
            mr[0] + 0.6 * eye_distance,
            (le[1] + ml[1]) / 2.0 + 0.25 * eye_distance,
            face.bbox[3] + 0.1 * eye_distance,
        ),
        _ => (
            le[0] - 0.45 * eye_distance,
            re[0] + 0.45 * eye_distance,
            le[1].min(re[1]) - 0.3 * eye_distance,
            le[1].max(re[1]) + 0.3 * eye_distance,
        ),
    };
    let mut copy = image.clone();
    for y in (y0.max(0.0) as u32)..(y1.max(0.0) as u32).min(image.height()) {
        for x in (x0.max(0.0) as u32)..(x1.max(0.0) as u32).min(image.width()) {
            copy.put_pixel(x, y, colour);
        }
    }
    copy
}

#[test]
fn a_painted_mask_or_lenses_are_flagged() {
    let test = "a_painted_mask_or_lenses_are_flagged";
    let Some(mut detector) = detector(test) else { return };
    let Some(photos) = photos(test, "faces") else { return };
    let cases = [
        (FaceRegion::Mouth, Rgb([150, 190, 220])),
        (FaceRegion::Mouth, Rgb([240, 240, 240])),
        (FaceRegion::Eyes, Rgb([20, 20, 22])),
    ];
    let mut missed = Vec::new();
    for (name, image) in &photos {
        let Some(face) = largest(&detector.detect(image).unwrap()) else {
            continue;
        };
        for (region, colour) in cases {
            // Measured with the face found on the original: this tests the
            // measures, not whether the detector still finds a covered face.
            let m = OcclusionMeasures::measure(&painted(image, &face, region, colour), &face);
            // The rule reads colour against the face's own skin: on a
            // desaturated photo (reference warmth under 0.25, the two
            // colour-graded film stills) a neutral patch is as warm as the
            // skin and cannot be told apart; counted and printed, not failed.
            if !regions(&m).contains(&region) && m.reference_warmth >= 0.25 {
                missed.push(format!("{name} {region:?} {colour:?}: {}", describe(name, &m)));
            }
        }
    }
    say(&format!(
        "painted copies missed on colourful faces: {} of {}",
        missed.len(),
        photos.len() * cases.len()
    ));
    for m in &missed {
        say(m);
    }
    assert!(missed.is_empty());
}
