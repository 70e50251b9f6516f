//! End-to-end time of one L2 application through the pipeline
//! (`analyse` + `finish`), the application of one real person that the
//! shipped L2 approves: the man of the fixture clip
//! `liveness/video/head_motion/liveportrait_d12_turns_glasses.mp4` (7.3 s,
//! 512 × 512, H.264), his face at 4.4 s printed as the portrait of a drawn
//! passport page photographed on a table, his face at 5.8 s as the selfie,
//! and the whole clip as the liveness recording for the challenge
//! `turn_left,turn_right`. Median over N runs, and each stage's median.
//! Needs `../shared/fixtures` and the models.
//!
//! `cargo run --release -p openkyc-pipeline --example check_timing -- [N]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use image::{imageops, Rgb, RgbImage};
use openkyc_pipeline::{Input, LivenessClip, LivenessInput, Pipeline, PipelineOptions};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

const PX_PER_MM: f32 = 8.0;

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(image)
        .unwrap();
    bytes
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    let fonts = openkyc_docgen::Fonts::from_system().unwrap();
    let mut pipeline = Pipeline::load(PipelineOptions {
        models_dir: None,
        ocrb_font: openkyc_docgen::OCRB_PATH.into(),
        document_key_secret: b"bench".to_vec(),
    })
    .unwrap();
    println!("capabilities: {:?}", pipeline.capabilities());

    let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let holder = openkyc_docgen::Identity {
        surname: "MUELLER".into(),
        given_names: "HANS".into(),
        document_number: "C01X00T47".into(),
        nationality: "D".into(),
        issuing_state: "D".into(),
        sex: 'M',
        birth_date: date(1980, 5, 17),
        issue_date: date(2021, 6, 1),
        expiry_date: date(2031, 5, 31),
        personal_number: String::new(),
    };
    let mut page = openkyc_docgen::render_td3(&holder, &fonts, PX_PER_MM, 7).unwrap().image;
    let clip = fixtures.join("liveness/video/head_motion/liveportrait_d12_turns_glasses.mp4");
    let video = std::fs::read(&clip).expect("the fixture clip (../shared/fixtures)");
    let sequence = openkyc_frames::read_video(&video, &openkyc_frames::FrameLimits::default()).unwrap();
    let frame_at = |t_ms: u32| {
        let frame = sequence.frames.iter().min_by_key(|f| f.t_ms.abs_diff(t_ms)).unwrap();
        frame.image.clone()
    };
    let portrait = frame_at(4400);
    let set = openkyc_infer::ModelSet::locate().unwrap();
    let mut models = openkyc_facecheck::FaceModels::load(&set, &Default::default()).unwrap();
    let detected = models.detector.detect(&portrait).unwrap();
    let face = detected.iter().max_by(|a, b| a.area().total_cmp(&b.area())).unwrap();
    openkyc_docgen::print_td3_portrait(&mut page, &portrait, face.bbox, PX_PER_MM);
    let margin = page.width() / 5;
    let mut table = RgbImage::from_pixel(page.width() + 2 * margin, page.height() + 2 * margin, Rgb([70, 62, 55]));
    imageops::overlay(&mut table, &page, i64::from(margin), i64::from(margin));
    let selfie = Some(jpeg(&frame_at(5800)));
    let liveness = Some(LivenessInput {
        challenge: openkyc_liveness::Challenge::new(
            [1; openkyc_liveness::NONCE_BYTES],
            openkyc_liveness::parse_actions("turn_left,turn_right").unwrap(),
            0,
            i64::MAX,
        )
        .unwrap(),
        clip: LivenessClip::Video(video.clone()),
        mirrored: false,
    });
    let data: openkyc_pipeline::ApplicantData = serde_json::from_str(
        r#"{"first_name":"Hans","last_name":"Müller","birth_date":"1980-05-17","nationality":"DEU",
            "document_type":"passport","document_number":"C01X00T47"}"#,
    )
    .unwrap();
    let input = Input {
        data: Some(data),
        front: Some(jpeg(&table)),
        back: None,
        selfie,
        liveness,
    };
    let levels = openkyc_levels::Levels::shipped().unwrap();
    let level = levels.get("L2").unwrap();

    let mut totals = Vec::new();
    let mut stages: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let report = pipeline.analyse(&levels, level, &input, today).finish(None);
        totals.push(started.elapsed().as_secs_f64() * 1000.0);
        for stage in &report.stages {
            stages.entry(stage.name.clone()).or_default().push(stage.ms);
        }
        last = Some(report);
    }
    if let Some(report) = last {
        let codes: Vec<String> = report.reasons.iter().map(|r| r.code.to_string()).collect();
        println!("decision {:?}, reasons {codes:?}", report.decision);
        for stage in &report.stages {
            println!(
                "  {:<16} {:?} {}",
                stage.name,
                stage.status,
                stage.note.as_deref().unwrap_or("")
            );
        }
    }
    println!("analyse+finish over {runs} runs: median {:.0} ms", median(&mut totals));
    for name in openkyc_pipeline::STAGES {
        if let Some(values) = stages.get_mut(name) {
            println!("  {name:<16} median {:>7.1} ms", median(values));
        }
    }
}
