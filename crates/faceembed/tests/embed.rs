//! Descriptors of real faces: same-person pairs against different-person
//! pairs at dlib's threshold, determinism, independence from the rest of
//! the image, and bad input. Needs the dlib models (`scripts/fetch-models.sh`)
//! and, for the photos, `../shared/fixtures/faces`; each test says SKIPPED
//! without them.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::*;
use image::{Rgb, RgbImage};
use openkyc_faceembed::{EmbedError, Embedding, FaceEmbedder, DLIB_SAME_PERSON_DISTANCE, MAX_WORKING_BOX_SIDE};

/// The photos and their HOG boxes, found once for all tests (HOG detection
/// is the slow part of this file).
fn photos() -> &'static Photos {
    static PHOTOS: OnceLock<Photos> = OnceLock::new();
    PHOTOS.get_or_init(|| match faces_dir("photos") {
        Some(dir) => photos_with_boxes(&dir, &pairs(&dir)),
        None => BTreeMap::new(),
    })
}

/// The first few photos with a face box, smallest first (cheapest to
/// copy); `None` after a SKIPPED line when the photos are absent.
fn some_faces(test: &str, count: usize) -> Option<Vec<(&'static RgbImage, [f32; 4])>> {
    faces_dir(test)?;
    let mut faces: Vec<_> = photos()
        .values()
        .filter_map(|(image, face_box)| face_box.map(|b| (image, b)))
        .collect();
    assert!(!faces.is_empty(), "HOG found no face in any photo");
    faces.sort_by_key(|(image, _)| image.width() * image.height());
    faces.truncate(count);
    Some(faces)
}

#[test]
fn same_person_pairs_are_closer_than_different_person_pairs() {
    let test = "same_person_pairs_are_closer_than_different_person_pairs";
    let (Some(embedder), Some(dir)) = (embedder(test), faces_dir(test)) else {
        return;
    };
    let pairs = pairs(&dir);
    let photos = photos();
    let mut embeddings = BTreeMap::new();
    for (name, (image, face_box)) in photos {
        match face_box {
            Some(face_box) => {
                embeddings.insert(name.clone(), embedder.embed(image, *face_box).unwrap());
            }
            None => eprintln!("{name}: HOG found no face"),
        }
    }
    assert!(
        embeddings.len() * 10 >= photos.len() * 9,
        "HOG boxes for {}/{}",
        embeddings.len(),
        photos.len()
    );
    let (same, different) = pair_distances(&pairs, &embeddings);
    let same_below = same.iter().filter(|d| **d < DLIB_SAME_PERSON_DISTANCE).count();
    let different_at_or_above = different.iter().filter(|d| **d >= DLIB_SAME_PERSON_DISTANCE).count();
    let worst_same = same.iter().copied().fold(f32::MIN, f32::max);
    let closest_different = different.iter().copied().fold(f32::MAX, f32::min);
    eprintln!(
        "{} photos; same person: {same_below}/{} below {DLIB_SAME_PERSON_DISTANCE} (mean {:.3}, max {worst_same:.3}); \
         different: {different_at_or_above}/{} at or above (mean {:.3}, min {closest_different:.3})",
        embeddings.len(),
        same.len(),
        mean(&same),
        different.len(),
        mean(&different)
    );
    assert!(
        same.len() >= 10 && different.len() >= 10,
        "too few pairs with both faces found"
    );
    assert!(mean(&same) < mean(&different));
    assert!(
        same_below * 10 >= same.len() * 9,
        "{same_below}/{} same-person pairs below 0.6",
        same.len()
    );
    assert!(
        different_at_or_above * 10 >= different.len() * 9,
        "{different_at_or_above}/{} different-person pairs at or above 0.6",
        different.len()
    );
}

#[test]
fn descriptor_is_deterministic() {
    let test = "descriptor_is_deterministic";
    let (Some(embedder), Some(faces)) = (embedder(test), some_faces(test, 3)) else {
        return;
    };
    for (image, face_box) in faces {
        let first = embedder.embed_face(image, face_box).unwrap();
        let second = embedder.embed_face(image, face_box).unwrap();
        assert_eq!(first, second);
    }
}

#[test]
fn landmarks_come_in_dlibs_order() {
    let test = "landmarks_come_in_dlibs_order";
    let (Some(embedder), Some(faces)) = (embedder(test), some_faces(test, 5)) else {
        return;
    };
    for (image, face_box) in &faces {
        let [outer_right, inner_right, outer_left, inner_left, nose] =
            embedder.embed_face(image, *face_box).unwrap().landmarks;
        // Upright photos: the eye on the image's right first, outer corner
        // before inner, the nose below both eyes.
        assert!(outer_right[0] > inner_right[0] && inner_right[0] > inner_left[0] && inner_left[0] > outer_left[0]);
        let lowest_eye_corner = [outer_right, inner_right, outer_left, inner_left]
            .iter()
            .map(|p| p[1])
            .fold(f32::MIN, f32::max);
        assert!(nose[1] > lowest_eye_corner);
        let inside = |p: [f32; 2]| p[0] > face_box[0] && p[0] < face_box[2] && p[1] > face_box[1] && p[1] < face_box[3];
        assert!(inside(nose), "{nose:?} outside {face_box:?}");
    }
}

#[test]
fn descriptor_does_not_depend_on_the_rest_of_the_image() {
    let test = "descriptor_does_not_depend_on_the_rest_of_the_image";
    let (Some(embedder), Some(faces)) = (embedder(test), some_faces(test, 3)) else {
        return;
    };
    let (dx, dy) = (37u32, 23u32);
    for (image, face_box) in faces {
        let mut canvas = RgbImage::new(image.width() + 2 * dx, image.height() + dy + 5);
        image::imageops::replace(&mut canvas, image, i64::from(dx), i64::from(dy));
        // Busy surroundings: only the region around the box may be read.
        for (x, y, pixel) in canvas.enumerate_pixels_mut() {
            let inside = x >= dx && y >= dy && x < dx + image.width() && y < dy + image.height();
            if !inside {
                *pixel = Rgb([(x * 7 % 256) as u8, (y * 13 % 256) as u8, 128]);
            }
        }
        let moved_box = [
            face_box[0] + dx as f32,
            face_box[1] + dy as f32,
            face_box[2] + dx as f32,
            face_box[3] + dy as f32,
        ];
        let here = embedder.embed_face(image, face_box).unwrap();
        let there = embedder.embed_face(&canvas, moved_box).unwrap();
        let distance = here.embedding.distance(&there.embedding);
        eprintln!("face moved by ({dx}, {dy}) in busy surroundings: distance {distance:.4}");
        assert!(distance < 1e-3, "moved face: distance {distance}");
        for (p, q) in here.landmarks.iter().zip(there.landmarks.iter()) {
            assert!(
                (q[0] - p[0] - dx as f32).abs() <= 1.0 && (q[1] - p[1] - dy as f32).abs() <= 1.0,
                "{p:?} → {q:?}"
            );
        }
    }
}

#[test]
fn a_face_larger_than_the_working_size_matches_itself() {
    let test = "a_face_larger_than_the_working_size_matches_itself";
    let (Some(embedder), Some(faces)) = (embedder(test), some_faces(test, 2)) else {
        return;
    };
    for (image, face_box) in faces {
        let side = (face_box[2] - face_box[0]).max(face_box[3] - face_box[1]);
        let factor = (2.0 * MAX_WORKING_BOX_SIDE / side).max(1.0).ceil() as u32;
        let (width, height) = (image.width() * factor, image.height() * factor);
        let large = image::imageops::resize(image, width, height, image::imageops::FilterType::Triangle);
        let large_box = face_box.map(|v| v * factor as f32);
        let original = embedder.embed(image, face_box).unwrap();
        let enlarged = embedder.embed(&large, large_box).unwrap();
        let distance = original.distance(&enlarged);
        eprintln!("face of {side} px enlarged {factor}x: distance {distance:.3}");
        assert!(distance < 0.15, "enlarged {factor}x: distance {distance}");
    }
}

#[test]
fn a_taller_box_still_finds_the_same_person() {
    // CenterFace's boxes reach up to the hairline; dlib's stop at the brows.
    let test = "a_taller_box_still_finds_the_same_person";
    let (Some(embedder), Some(faces)) = (embedder(test), some_faces(test, 4)) else {
        return;
    };
    for (image, face_box) in faces {
        let height = face_box[3] - face_box[1];
        let taller = [face_box[0], face_box[1] - 0.3 * height, face_box[2], face_box[3]];
        let distance = embedder
            .embed(image, face_box)
            .unwrap()
            .distance(&embedder.embed(image, taller).unwrap());
        eprintln!("box 30% taller: distance {distance:.3}");
        assert!(distance < DLIB_SAME_PERSON_DISTANCE / 3.0, "distance {distance}");
    }
}

#[test]
fn bad_images_and_boxes_are_errors() {
    let Some(embedder) = embedder("bad_images_and_boxes_are_errors") else {
        return;
    };
    let grey = RgbImage::from_pixel(200, 160, Rgb([128, 128, 128]));
    let cases: [(&str, RgbImage, [f32; 4]); 6] = [
        ("0x0 image", RgbImage::new(0, 0), [0.0, 0.0, 10.0, 10.0]),
        ("1x1 image", RgbImage::new(1, 1), [0.0, 0.0, 1.0, 1.0]),
        ("box outside", grey.clone(), [300.0, 300.0, 400.0, 400.0]),
        ("box of zero size", grey.clone(), [50.0, 50.0, 50.0, 50.0]),
        ("box upside down", grey.clone(), [50.0, 120.0, 150.0, 20.0]),
        ("box of NaN", grey.clone(), [f32::NAN, 0.0, 100.0, 100.0]),
    ];
    for (what, image, face_box) in cases {
        let result = embedder.embed(&image, face_box);
        assert!(result.is_err(), "{what}: {result:?}");
    }
    assert!(matches!(
        embedder.embed(&RgbImage::new(0, 0), [0.0, 0.0, 10.0, 10.0]),
        Err(EmbedError::EmptyImage { .. })
    ));
    assert!(matches!(
        embedder.embed(&grey, [300.0, 300.0, 400.0, 400.0]),
        Err(EmbedError::BoxOutsideImage { .. })
    ));
    assert!(matches!(
        embedder.embed(&grey, [50.0, 50.0, 50.0, 50.0]),
        Err(EmbedError::InvalidBox { .. })
    ));
}

#[test]
fn faceless_and_extreme_inputs_give_a_value_or_an_error() {
    let Some(embedder) = embedder("faceless_and_extreme_inputs_give_a_value_or_an_error") else {
        return;
    };
    let grey = RgbImage::from_pixel(200, 160, Rgb([128, 128, 128]));
    let wide = RgbImage::from_pixel(3000, 12, Rgb([200, 10, 10]));
    let large = RgbImage::from_pixel(3000, 2000, Rgb([30, 60, 90]));
    let cases: [(&str, &RgbImage, [f32; 4]); 6] = [
        ("grey, no face", &grey, [50.0, 30.0, 150.0, 130.0]),
        ("smallest accepted box", &grey, [0.0, 0.0, 8.0, 8.0]),
        ("box half outside", &grey, [-50.0, 30.0, 50.0, 130.0]),
        ("thin image", &wide, [0.0, 0.0, 3000.0, 12.0]),
        ("box over a large image", &large, [0.0, 0.0, 3000.0, 2000.0]),
        ("box far larger than the image", &grey, [-100.0, -100.0, 300.0, 260.0]),
    ];
    for (what, image, face_box) in cases {
        // Either is fine; a panic or an abort is not.
        match embedder.embed_face(image, face_box) {
            Ok(face) => assert!(face.embedding.0.iter().all(|v| v.is_finite()), "{what}"),
            Err(e) => eprintln!("{what}: {e}"),
        }
    }
}

#[test]
fn unusable_model_files_are_errors() {
    let Some((shape_predictor, resnet)) = model_paths("unusable_model_files_are_errors") else {
        return;
    };
    let missing = std::path::Path::new("/nonexistent/openkyc/shape_predictor.dat");
    assert!(matches!(
        FaceEmbedder::load(missing, &resnet),
        Err(EmbedError::ModelLoad { .. })
    ));
    // Each file in the other's place: dlib's deserialisation refuses both.
    assert!(matches!(
        FaceEmbedder::load(&resnet, &resnet),
        Err(EmbedError::ModelLoad { .. })
    ));
    assert!(matches!(
        FaceEmbedder::load(&shape_predictor, &shape_predictor),
        Err(EmbedError::ModelLoad { .. })
    ));
    let with_nul = std::path::Path::new("models/face\0.dat");
    assert!(matches!(
        FaceEmbedder::load(with_nul, &resnet),
        Err(EmbedError::UnusablePath { .. })
    ));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let not_utf8 = std::path::Path::new(std::ffi::OsStr::from_bytes(b"models/\xff.dat"));
        assert!(matches!(
            FaceEmbedder::load(&shape_predictor, not_utf8),
            Err(EmbedError::UnusablePath { .. })
        ));
    }
}

#[test]
fn embedder_can_move_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<FaceEmbedder>();
    assert_send::<std::sync::Mutex<FaceEmbedder>>();
    fn assert_sync<T: Sync>() {}
    assert_sync::<std::sync::Mutex<FaceEmbedder>>();
    assert_sync::<Embedding>();
}
