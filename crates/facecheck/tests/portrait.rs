//! The face stage on real photos: a photo printed as a passport page's
//! portrait, the page photographed (tilted, or upside down), is found on the
//! rectified document and matched with another photo of the same person.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use image::{imageops, Rgb, RgbImage};
use openkyc_face::{MatchDecision, MatchThresholds};
use openkyc_facecheck::{
    analyse_selfie, compare, find_document_portrait, FaceModels, PortraitSource, SelfieOutcome, SelfieThresholds,
    REUSED_PORTRAIT_MAX_DISTANCE,
};
use openkyc_infer::{ModelSet, SessionOptions};
use std::path::{Path, PathBuf};

const PAGE_PX_PER_MM: f32 = 10.0;

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/faces");
    if dir.join("pairs.csv").is_file() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: ../shared/fixtures/faces is absent");
        None
    }
}

fn models() -> Option<FaceModels> {
    let Ok(set) = ModelSet::locate() else {
        eprintln!("SKIPPED: models missing, run scripts/fetch-models.sh");
        return None;
    };
    match FaceModels::load(&set, &SessionOptions::default()) {
        Ok(models) => Some(models),
        Err(error) => {
            eprintln!("SKIPPED: face models not loadable ({error}), run scripts/fetch-models.sh");
            None
        }
    }
}

fn load(path: &Path) -> RgbImage {
    let bytes = std::fs::read(path).unwrap();
    let limits = openkyc_intake::IntakeLimits {
        working_max_side: 1600,
        ..openkyc_intake::IntakeLimits::default()
    };
    openkyc_intake::intake(&bytes, &limits).unwrap().working
}

/// `photo` printed on a passport page, the page on a table, turned by
/// `tilt_deg`, re-encoded as JPEG 80.
fn photographed_page(models: &mut FaceModels, photo: &RgbImage, tilt_deg: f32) -> RgbImage {
    let faces = models.detector.detect(photo).unwrap();
    let face = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area())).unwrap();
    let holder = openkyc_docgen::identities(1, 1, chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        .into_iter()
        .next()
        .unwrap();
    let fonts = openkyc_docgen::Fonts::from_system().unwrap();
    let mut page = openkyc_docgen::render_td3(&holder, &fonts, PAGE_PX_PER_MM, 1)
        .unwrap()
        .image;
    openkyc_docgen::print_td3_portrait(&mut page, photo, face.bbox, PAGE_PX_PER_MM);
    let margin = page.width() / 5;
    let mut table = RgbImage::from_pixel(page.width() + 2 * margin, page.height() + 2 * margin, Rgb([70, 62, 55]));
    imageops::overlay(&mut table, &page, i64::from(margin), i64::from(margin));
    let turned = imageproc::geometric_transformations::rotate_about_center(
        &table,
        tilt_deg.to_radians(),
        imageproc::geometric_transformations::Interpolation::Bilinear,
        imageproc::geometric_transformations::Border::Constant(Rgb([70, 62, 55])),
    );
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 80)
        .encode_image(&turned)
        .unwrap();
    image::load_from_memory(&bytes).unwrap().to_rgb8()
}

fn selfie_embedding(models: &mut FaceModels, photo: &RgbImage) -> openkyc_faceembed::Embedding {
    match analyse_selfie(models, photo, &SelfieThresholds::default()).unwrap() {
        SelfieOutcome::Face(analysis) => analysis.embedding,
        SelfieOutcome::NoFace => panic!("no face on the selfie"),
    }
}

#[test]
fn a_printed_portrait_is_found_on_the_rectified_page_and_matched() {
    let (Some(dir), Some(mut models)) = (fixtures(), models()) else {
        return;
    };
    // Two photos of one person, and a photo of someone else (pairs.csv).
    let document_photo = load(&dir.join("deepface_img1.jpg"));
    let same_person = load(&dir.join("deepface_img2.jpg"));
    let other_person = load(&dir.join("deepface_img13.jpg"));
    let thresholds = MatchThresholds::default();
    let same = selfie_embedding(&mut models, &same_person);
    let other = selfie_embedding(&mut models, &other_person);
    for tilt_deg in [6.0_f32, 180.0 - 4.0] {
        let photo = photographed_page(&mut models, &document_photo, tilt_deg);
        let portrait = find_document_portrait(&mut models, &photo)
            .unwrap()
            .expect("a portrait");
        assert!(
            matches!(portrait.source, PortraitSource::RectifiedDocument { .. }),
            "tilt {tilt_deg}: found on {:?}",
            portrait.source
        );
        let genuine = compare(&portrait.embedding, &same, &thresholds);
        let impostor = compare(&portrait.embedding, &other, &thresholds);
        eprintln!(
            "tilt {tilt_deg}: source {:?}, face {:.0} px wide, same {:.3}, other {:.3}",
            portrait.source,
            portrait.face.width(),
            genuine.distance,
            impostor.distance
        );
        assert_eq!(genuine.decision, MatchDecision::Match);
        assert!(!genuine.reused_portrait);
        assert_eq!(impostor.decision, MatchDecision::Mismatch);
    }
}

#[test]
fn the_document_photo_reused_as_the_selfie_is_caught_and_two_real_photos_are_not() {
    let (Some(dir), Some(mut models)) = (fixtures(), models()) else {
        return;
    };
    let thresholds = MatchThresholds::default();
    let pairs = std::fs::read_to_string(dir.join("pairs.csv")).unwrap();
    let mut closest_genuine = f32::INFINITY;
    let mut farthest_reused = 0.0_f32;
    let mut seen_a = Vec::new();
    for line in pairs.lines().skip(1).filter(|l| l.split(',').nth(2) == Some("1")) {
        let mut cells = line.split(',');
        let (a, b) = (cells.next().unwrap(), cells.next().unwrap());
        // One pair per first photo, four people.
        if seen_a.contains(&a) || seen_a.len() == 4 {
            continue;
        }
        seen_a.push(a);
        let (photo_a, photo_b) = (load(&dir.join(a)), load(&dir.join(b)));
        let page = photographed_page(&mut models, &photo_a, 3.0);
        let portrait = find_document_portrait(&mut models, &page).unwrap().expect("a portrait");
        // The applicant photographs the document's portrait as the selfie.
        let reused = compare(&portrait.embedding, &selfie_embedding(&mut models, &page), &thresholds);
        let genuine = compare(
            &portrait.embedding,
            &selfie_embedding(&mut models, &photo_b),
            &thresholds,
        );
        eprintln!(
            "{a} / {b}: reused {:.3}, second photo {:.3}",
            reused.distance, genuine.distance
        );
        closest_genuine = closest_genuine.min(genuine.distance);
        farthest_reused = farthest_reused.max(reused.distance);
        assert!(reused.reused_portrait, "{a}: reused portrait at {:.3}", reused.distance);
        assert!(!genuine.reused_portrait, "{a} / {b}: {:.3}", genuine.distance);
    }
    eprintln!(
        "reused ≤ {farthest_reused:.3} < threshold {REUSED_PORTRAIT_MAX_DISTANCE} < second photos ≥ {closest_genuine:.3}"
    );
}
