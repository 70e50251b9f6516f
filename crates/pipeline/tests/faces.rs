//! The face and liveness stages on real photos (`../shared/fixtures`): a
//! passport page carrying one photo of a person as its portrait, a selfie
//! of the same person (approved) or of someone else (`FACE_MISMATCH`), and
//! a recorded clip under the shipped L2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{holder, levels, photographed, pipeline, today, typed};
use image::RgbImage;
use openkyc_facecheck::FaceModels;
use openkyc_infer::{ModelSet, SessionOptions};
use openkyc_liveness::{parse_actions, Challenge, NONCE_BYTES};
use openkyc_pipeline::{Decision, Input, LivenessClip, LivenessInput, Report, StageStatus};
use openkyc_reasons::Code;
use std::path::{Path, PathBuf};

const PAGE_PX_PER_MM: f32 = 8.0;

fn fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if dir.join("faces/pairs.csv").is_file() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: ../shared/fixtures/faces is absent");
        None
    }
}

/// The face detector, to place a photo's face on the page.
fn detector() -> Option<FaceModels> {
    let set = ModelSet::locate().ok()?;
    match FaceModels::load(&set, &SessionOptions::default()) {
        Ok(models) => Some(models),
        Err(error) => {
            eprintln!("SKIPPED: face models not loadable ({error}): run make models");
            None
        }
    }
}

fn decoded(path: &Path) -> RgbImage {
    let limits = openkyc_intake::IntakeLimits {
        working_max_side: 1600,
        ..openkyc_intake::IntakeLimits::default()
    };
    openkyc_intake::intake(&std::fs::read(path).unwrap(), &limits)
        .unwrap()
        .working
}

/// Hans's passport page with `photo`'s face printed as its portrait, on a
/// table, as JPEG.
fn passport_with_portrait(models: &mut FaceModels, photo: &Path) -> Vec<u8> {
    let image = decoded(photo);
    let faces = models.detector.detect(&image).unwrap();
    let face = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area())).unwrap();
    let fonts = common::fonts().unwrap();
    let mut page = openkyc_docgen::render_td3(&holder(), fonts, PAGE_PX_PER_MM, 7)
        .unwrap()
        .image;
    openkyc_docgen::print_td3_portrait(&mut page, &image, face.bbox, PAGE_PX_PER_MM);
    photographed(&page)
}

fn analyse(level: &str, input: &Input) -> Report {
    let levels = levels();
    let analysis = pipeline()
        .unwrap()
        .lock()
        .unwrap()
        .analyse(&levels, levels.get(level).unwrap(), input, today());
    analysis.finish(None)
}

fn stage(report: &Report, name: &str) -> StageStatus {
    report.stages.iter().find(|s| s.name == name).unwrap().status
}

#[test]
fn the_same_person_is_approved_and_someone_else_is_a_face_mismatch() {
    let (Some(dir), Some(mut models), Some(_), Some(_)) = (fixtures(), detector(), common::fonts(), pipeline()) else {
        return;
    };
    if !pipeline().unwrap().lock().unwrap().capabilities().faces {
        eprintln!("SKIPPED: the pipeline has no face models");
        return;
    }
    let faces = dir.join("faces");
    // deepface_img1 and img2 are one person, img13 another (pairs.csv).
    let front = passport_with_portrait(&mut models, &faces.join("deepface_img1.jpg"));
    let mut input = Input {
        data: Some(typed()),
        front: Some(front),
        selfie: Some(std::fs::read(faces.join("deepface_img2.jpg")).unwrap()),
        ..Input::default()
    };
    let same = analyse("FACE", &input);
    assert_eq!(same.decision, Decision::Approved, "{same:#?}");
    assert_eq!(stage(&same, "face"), StageStatus::Passed);
    let distance = same.stages.iter().find(|s| s.name == "face").unwrap().score.unwrap();
    assert!(distance < 0.5, "{distance}");

    input.selfie = Some(std::fs::read(faces.join("deepface_img13.jpg")).unwrap());
    let other = analyse("FACE", &input);
    assert_eq!(other.decision, Decision::Review, "{other:#?}");
    assert_eq!(other.reasons[0].code, Code::FaceMismatch);
    assert_eq!(other.reasons[0].field.as_deref(), Some("selfie"));
    assert_eq!(stage(&other, "face"), StageStatus::Failed);
}

#[test]
fn a_clip_without_the_asked_turn_fails_liveness_under_the_shipped_l2() {
    let (Some(dir), Some(mut models), Some(_), Some(_)) = (fixtures(), detector(), common::fonts(), pipeline()) else {
        return;
    };
    let clip = dir.join("liveness/video/blink/liveportrait_d0_short_blink.mp4");
    if !clip.is_file() || !pipeline().unwrap().lock().unwrap().capabilities().liveness {
        eprintln!("SKIPPED: no liveness clip or no FaceMesh");
        return;
    }
    let faces = dir.join("faces");
    // The clip's man keeps his head still: a turn to the left is never seen.
    let challenge = Challenge::new([7; NONCE_BYTES], parse_actions("blink,turn_left").unwrap(), 0, i64::MAX).unwrap();
    let input = Input {
        data: Some(typed()),
        front: Some(passport_with_portrait(&mut models, &faces.join("deepface_img1.jpg"))),
        selfie: Some(std::fs::read(faces.join("deepface_img2.jpg")).unwrap()),
        liveness: Some(LivenessInput {
            challenge,
            clip: LivenessClip::Video(std::fs::read(&clip).unwrap()),
            mirrored: false,
        }),
        ..Input::default()
    };
    let report = analyse("L2", &input);
    assert_eq!(stage(&report, "liveness"), StageStatus::Failed, "{report:#?}");
    let liveness: Vec<Code> = report
        .reasons
        .iter()
        .filter(|r| r.field.as_deref() == Some("liveness"))
        .map(|r| r.code)
        .collect();
    assert!(liveness.contains(&Code::LivenessFailed), "{liveness:?}");
    assert_ne!(report.decision, Decision::Approved);
}

/// The frame of `frames` shown nearest `t_ms`.
fn frame_at(frames: &openkyc_frames::FrameSequence, t_ms: u32) -> RgbImage {
    frames
        .frames
        .iter()
        .min_by_key(|frame| frame.t_ms.abs_diff(t_ms))
        .unwrap()
        .image
        .clone()
}

#[test]
fn one_person_through_the_whole_shipped_l2_is_approved() {
    let (Some(dir), Some(mut models), Some(_), Some(_)) = (fixtures(), detector(), common::fonts(), pipeline()) else {
        return;
    };
    let clip = dir.join("liveness/video/head_motion/liveportrait_d12_turns_glasses.mp4");
    if !clip.is_file() || !pipeline().unwrap().lock().unwrap().capabilities().liveness {
        eprintln!("SKIPPED: no liveness clip or no FaceMesh");
        return;
    }
    // media.csv: the man turns toward the image's right at 1.5-2.0 s and
    // toward its left at 3.0-3.5 s, and faces the camera from 4 to 6 s: his
    // document portrait is taken at 4.4 s, his selfie at 5.8 s.
    let frames = openkyc_frames::read_path(&clip, 8, &openkyc_frames::FrameLimits::default()).unwrap();
    let portrait = frame_at(&frames, 4400);
    let face = models.detector.detect(&portrait).unwrap();
    let face = face.iter().max_by(|a, b| a.area().total_cmp(&b.area())).unwrap();
    let mut page = openkyc_docgen::render_td3(&holder(), common::fonts().unwrap(), PAGE_PX_PER_MM, 7)
        .unwrap()
        .image;
    openkyc_docgen::print_td3_portrait(&mut page, &portrait, face.bbox, PAGE_PX_PER_MM);
    let challenge = Challenge::new(
        [7; NONCE_BYTES],
        parse_actions("turn_left,turn_right").unwrap(),
        0,
        i64::MAX,
    )
    .unwrap();
    let input = Input {
        data: Some(typed()),
        front: Some(common::photographed(&page)),
        selfie: Some(common::jpeg(&frame_at(&frames, 5800))),
        liveness: Some(LivenessInput {
            challenge,
            clip: LivenessClip::Video(std::fs::read(&clip).unwrap()),
            mirrored: false,
        }),
        ..Input::default()
    };
    let report = analyse("L2", &input);
    assert_eq!(report.decision, Decision::Approved, "{report:#?}");
    for name in [
        "capture_quality",
        "document",
        "data_match",
        "validity",
        "face",
        "liveness",
    ] {
        assert_eq!(stage(&report, name), StageStatus::Passed, "{name}: {report:#?}");
    }
}
