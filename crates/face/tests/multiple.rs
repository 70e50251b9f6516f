//! The selfie face policy on real photos: two fixture faces side by side
//! (a second person), one with a small copy of another photo in a corner
//! (a background face or a held ID card's portrait), and the two masked
//! people of `liveness/still/occlusion/maskdet_pic1_masks_cap.jpeg`.
//! Without the models or the photos each test says SKIPPED.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{detector, photo, say};

use image::{imageops, RgbImage};
use openkyc_face::multiple::{MultipleFacePolicy, SelfieFaceIssue, SelfieFaces};
use openkyc_face::FaceDetector;

/// `photo` scaled to `height` px high.
fn scaled(photo: &RgbImage, height: u32) -> RgbImage {
    let width = (photo.width() * height / photo.height()).max(1);
    imageops::resize(photo, width, height, imageops::FilterType::Triangle)
}

fn choose(detector: &mut FaceDetector, image: &RgbImage) -> Result<usize, SelfieFaceIssue> {
    let faces = detector.detect(image).unwrap();
    let result = SelfieFaces::sort(&faces, image.width(), image.height(), &MultipleFacePolicy::default());
    say(&format!(
        "{} faces, eye distances {:?} → {result:?}",
        faces.len(),
        faces
            .iter()
            .map(|f| (f.landmarks[1][0] - f.landmarks[0][0])
                .hypot(f.landmarks[1][1] - f.landmarks[0][1])
                .round())
            .collect::<Vec<_>>()
    ));
    result.map(|s| s.applicant)
}

const A: &str = "faces/facerec_obama.jpg";
const B: &str = "faces/facerec_biden.jpg";

#[test]
fn two_people_side_by_side_are_multiple() {
    let test = "two_people_side_by_side_are_multiple";
    let Some(mut detector) = detector(test) else { return };
    let (Some(a), Some(b)) = (photo(test, A), photo(test, B)) else {
        return;
    };
    let (a, b) = (scaled(&a, 600), scaled(&b, 520));
    let mut canvas = RgbImage::new(a.width() + b.width(), 600);
    imageops::replace(&mut canvas, &a, 0, 0);
    imageops::replace(&mut canvas, &b, i64::from(a.width()), 80);
    let issue = choose(&mut detector, &canvas).unwrap_err();
    assert_eq!(issue.code(), "FACE_MULTIPLE");
}

#[test]
fn a_small_face_in_a_corner_is_not_a_second_person() {
    let test = "a_small_face_in_a_corner_is_not_a_second_person";
    let Some(mut detector) = detector(test) else { return };
    let (Some(a), Some(b)) = (photo(test, A), photo(test, B)) else {
        return;
    };
    let mut canvas = scaled(&a, 900);
    // A photo a quarter as high: the face's eye distance about 0.25 of the
    // applicant's, as a held ID card's portrait or a passer-by.
    let small = scaled(&b, 225);
    let x = i64::from(canvas.width() - small.width());
    imageops::replace(&mut canvas, &small, x, 675);
    let faces = detector.detect(&canvas).unwrap();
    assert_eq!(
        faces.len(),
        2,
        "the small face must be found for the test to mean anything"
    );
    let applicant = choose(&mut detector, &canvas).unwrap();
    assert!(faces[applicant].bbox[1] < 600.0, "{faces:?}");
}

#[test]
fn the_two_masked_people_on_the_beach_are_multiple() {
    let test = "the_two_masked_people_on_the_beach_are_multiple";
    let Some(mut detector) = detector(test) else { return };
    let Some(image) = photo(test, "liveness/still/occlusion/maskdet_pic1_masks_cap.jpeg") else {
        return;
    };
    let issue = choose(&mut detector, &image).unwrap_err();
    assert!(
        matches!(issue, SelfieFaceIssue::Multiple { ref others, .. } if others.len() == 1),
        "{issue:?}"
    );
}
