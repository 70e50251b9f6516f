//! `openkyc face liveness` end to end: a real clip whose actions are done
//! passes, a folder holding one still replayed is caught, and bad input says
//! what is wrong with exit 2 (or a usage error).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{json, openkyc};
use std::path::{Path, PathBuf};

fn shared(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    if !dir.join("liveness/media.csv").is_file() {
        eprintln!("SKIPPED {test}: ../shared/fixtures/liveness is absent");
        return None;
    }
    if !openkyc_infer::ModelSet::locate().is_ok_and(|m| m.all_present()) {
        eprintln!("SKIPPED {test}: no models; run scripts/fetch-models.sh");
        return None;
    }
    Some(dir)
}

#[test]
fn a_clip_with_both_turns_passes_and_the_frames_are_reported() {
    let Some(dir) = shared("a_clip_with_both_turns_passes_and_the_frames_are_reported") else {
        return;
    };
    let output = openkyc()
        .args(["face", "liveness", "--json", "--challenge", "turn_left,turn_right"])
        .arg(dir.join("liveness/video/head_motion/liveportrait_d12_turns_glasses.mp4"))
        .output()
        .unwrap();
    let result = json(&output);
    assert_eq!(result["report"]["decision"], "pass", "{result:#}");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(result["challenge"], serde_json::json!(["turn_left", "turn_right"]));
    assert_eq!(result["source"]["kind"], "mp4_h264");
    let frames = result["frames"].as_array().unwrap();
    assert_eq!(frames.len(), result["source"]["frames_kept"].as_u64().unwrap() as usize);
    assert!(frames.iter().all(|f| f["pose_deg"].is_array()));
}

#[test]
fn a_folder_of_one_still_is_frozen_and_fails() {
    let Some(dir) = shared("a_folder_of_one_still_is_frozen_and_fails") else {
        return;
    };
    let folder = tempfile_dir("frozen");
    let still = std::fs::read(dir.join("liveness/still/genuine_pairs/rof_woman1_neutral.png")).unwrap();
    for i in 0..12 {
        std::fs::write(folder.join(format!("frame{i:02}.png")), &still).unwrap();
    }
    let output = openkyc()
        .args(["face", "liveness", "--json", "--challenge", "blink,turn_left"])
        .arg(&folder)
        .output()
        .unwrap();
    let result = json(&output);
    assert_eq!(output.status.code(), Some(1), "{result:#}");
    let codes: Vec<&str> = result["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"FROZEN"), "{codes:?}");
    assert!(codes.contains(&"LIVENESS_FAILED"), "{codes:?}");
    // The applicant is told what to do, in both languages: the first action
    // not seen (a blink) first.
    let advice = &result["advice"][0];
    assert_eq!(advice["code"], "LIVENESS_FAILED");
    assert!(
        advice["en"]["message"].as_str().unwrap().contains("blink"),
        "{advice:#}"
    );
    assert!(
        advice["zh-CN"]["message"].as_str().unwrap().contains("眨眼"),
        "{advice:#}"
    );
}

#[test]
fn unreadable_frames_and_bad_challenges_are_refused() {
    let folder = tempfile_dir("not-a-video");
    let file = folder.join("clip.mp4");
    std::fs::write(&file, b"this is not a video at all").unwrap();
    let output = openkyc()
        .args(["face", "liveness", "--json", "--challenge", "blink,nod"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(json(&output)["ok"], false);
    let output = openkyc()
        .args(["face", "liveness", "--challenge", "blink,jump"])
        .arg(&file)
        .output()
        .unwrap();
    assert_ne!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr).contains("jump"), "{output:?}");
}

/// A fresh folder under the target directory for this test.
fn tempfile_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("liveness-cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
