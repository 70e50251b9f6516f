//! Table-driven synthetic sequences through `analyse`: each case builds an
//! observation series (a posed 3-D head or a moved photo, with pose, eye
//! and landmark noise) and states the decision, which actions are seen
//! (or why not) and which findings appear.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{blink_at, challenge, nod_at, yaw_at, Move, Render, Scene};
use openkyc_liveness::{analyse, Decision, FindingCode, LivenessPolicy, MissReason, Strength};

struct Case {
    name: &'static str,
    actions: &'static str,
    scene: Scene,
    mirrored: bool,
    decision: Decision,
    /// Per requested action: `None` seen, `Some(reason)` not.
    misses: &'static [Option<MissReason>],
    findings: &'static [FindingCode],
}

fn scene(moves: Vec<Move>) -> Scene {
    Scene {
        moves,
        ..Scene::default()
    }
}

fn cases() -> Vec<Case> {
    use FindingCode::*;
    use MissReason::*;
    vec![
        Case {
            name: "blink, left turn and nod in order",
            actions: "blink,turn_left,nod",
            scene: scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0), nod_at(3_400.0)]),
            mirrored: false,
            decision: Decision::Pass,
            misses: &[None, None, None],
            findings: &[],
        },
        Case {
            name: "right turn requested, the subject turns left",
            actions: "turn_right,blink",
            scene: scene(vec![yaw_at(1_000.0, 30.0), blink_at(3_000.0)]),
            mirrored: false,
            decision: Decision::Retry,
            misses: &[Some(WrongDirection), None],
            findings: &[LivenessFailed],
        },
        Case {
            name: "a mirrored source: the subject's left turn decreases the yaw",
            actions: "turn_left,turn_right",
            scene: scene(vec![yaw_at(1_000.0, -30.0), yaw_at(2_500.0, 30.0)]),
            mirrored: true,
            decision: Decision::Pass,
            misses: &[None, None],
            findings: &[],
        },
        Case {
            name: "the same mirrored clip read as unmirrored: both turns the wrong way round",
            actions: "turn_left,turn_right",
            scene: scene(vec![yaw_at(1_000.0, -30.0), yaw_at(2_500.0, 30.0)]),
            mirrored: false,
            decision: Decision::Retry,
            misses: &[None, Some(OutOfOrder)],
            findings: &[LivenessFailed],
        },
        Case {
            name: "blink before the turn, though asked after",
            actions: "turn_left,blink",
            scene: scene(vec![blink_at(800.0), yaw_at(2_000.0, 30.0)]),
            mirrored: false,
            decision: Decision::Retry,
            misses: &[None, Some(OutOfOrder)],
            findings: &[LivenessFailed],
        },
        Case {
            name: "no nod at all",
            actions: "blink,nod",
            scene: scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 10.0)]),
            mirrored: false,
            decision: Decision::Retry,
            misses: &[None, Some(NotReached)],
            findings: &[LivenessFailed],
        },
        Case {
            name: "a turn of 15° only",
            actions: "turn_left,blink",
            scene: scene(vec![yaw_at(1_000.0, 15.0), blink_at(3_000.0)]),
            mirrored: false,
            decision: Decision::Retry,
            misses: &[Some(NotReached), None],
            findings: &[LivenessFailed],
        },
        Case {
            name: "head down and kept down: not a nod",
            actions: "blink,nod",
            scene: scene(vec![
                blink_at(800.0),
                Move::Pitch {
                    start_ms: 2_000.0,
                    duration_ms: 8_000.0,
                    degrees: -22.0,
                },
            ]),
            mirrored: false,
            decision: Decision::Retry,
            misses: &[None, Some(NotCompleted)],
            findings: &[LivenessFailed],
        },
        Case {
            name: "looking down lowers the lids: no blink is read into a nod",
            actions: "nod,blink",
            scene: Scene {
                moves: vec![
                    nod_at(1_000.0),
                    Move::Blink {
                        start_ms: 1_100.0,
                        duration_ms: 600.0,
                        depth: 0.6,
                    },
                ],
                ..Scene::default()
            },
            mirrored: false,
            decision: Decision::Retry,
            misses: &[None, Some(NotReached)],
            findings: &[LivenessFailed],
        },
        Case {
            name: "a blink caught in one frame at 5 fps",
            actions: "blink,turn_right",
            scene: Scene {
                fps: 5.0,
                moves: vec![
                    Move::Blink {
                        start_ms: 1_050.0,
                        duration_ms: 250.0,
                        depth: 0.85,
                    },
                    yaw_at(2_000.0, -28.0),
                ],
                ..Scene::default()
            },
            mirrored: false,
            decision: Decision::Pass,
            misses: &[None, None],
            findings: &[],
        },
        Case {
            name: "a still picture fed as frames",
            actions: "blink,turn_left",
            scene: Scene {
                frozen: true,
                pose_noise_deg: 0.0,
                eye_noise: 0.0,
                ..Scene::default()
            },
            mirrored: false,
            decision: Decision::Review,
            misses: &[Some(NotReached), Some(NotReached)],
            findings: &[LivenessFailed, Frozen],
        },
        Case {
            name: "another face from 3 s on",
            actions: "blink,turn_left",
            scene: Scene {
                moves: vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0)],
                swap_from_ms: Some(3_000.0),
                ..Scene::default()
            },
            mirrored: false,
            decision: Decision::Review,
            misses: &[None, None],
            findings: &[FaceSwap],
        },
        Case {
            name: "a photo tilted to fool the pose model, never blinking",
            actions: "turn_left,turn_right",
            scene: Scene {
                moves: vec![yaw_at(1_000.0, 30.0), yaw_at(2_500.0, -30.0)],
                render: Render::Photo,
                ..Scene::default()
            },
            mirrored: false,
            decision: Decision::Review,
            misses: &[None, None],
            findings: &[SpoofSuspected],
        },
        Case {
            name: "that photo, and another face half way: two strong signals",
            actions: "turn_left,turn_right",
            scene: Scene {
                moves: vec![yaw_at(1_000.0, 30.0), yaw_at(2_500.0, -30.0)],
                render: Render::Photo,
                swap_from_ms: Some(2_500.0),
                ..Scene::default()
            },
            mirrored: false,
            decision: Decision::Rejected,
            misses: &[None, None],
            findings: &[FaceSwap, SpoofSuspected],
        },
        Case {
            name: "a real head doing the same turns, never blinking",
            actions: "turn_left,turn_right",
            scene: scene(vec![yaw_at(1_000.0, 30.0), yaw_at(2_500.0, -30.0)]),
            mirrored: false,
            decision: Decision::Pass,
            misses: &[None, None],
            findings: &[],
        },
        Case {
            name: "half a second of frames",
            actions: "blink,nod",
            scene: Scene {
                duration_ms: 500.0,
                ..scene(vec![blink_at(100.0)])
            },
            mirrored: false,
            decision: Decision::Retry,
            misses: &[None, Some(NotReached)],
            findings: &[LivenessFailed, TooFewFrames, TooShort],
        },
        Case {
            name: "3 fps",
            actions: "blink,turn_left",
            scene: Scene {
                fps: 3.0,
                ..scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0)])
            },
            mirrored: false,
            decision: Decision::Retry,
            misses: &[Some(NotReached), None],
            findings: &[LivenessFailed, FrameRateTooLow],
        },
        Case {
            name: "12 seconds",
            actions: "blink,turn_left",
            scene: Scene {
                duration_ms: 12_000.0,
                ..scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0)])
            },
            mirrored: false,
            decision: Decision::Retry,
            misses: &[None, None],
            findings: &[TooLong],
        },
    ]
}

#[test]
fn every_synthetic_case_gets_its_decision_actions_and_findings() {
    let mut failures = Vec::new();
    for case in cases() {
        let policy = LivenessPolicy {
            mirrored: case.mirrored,
            ..LivenessPolicy::default()
        };
        let report = analyse(&challenge(case.actions), &case.scene.frames(), &policy);
        let misses: Vec<Option<MissReason>> = report.actions.iter().map(|a| a.reason).collect();
        let mut codes: Vec<FindingCode> = report.findings.iter().map(|f| f.code).collect();
        codes.sort_by_key(|c| c.as_str());
        let mut expected = case.findings.to_vec();
        expected.sort_by_key(|c| c.as_str());
        let seen_consistent = report
            .actions
            .iter()
            .all(|a| a.seen == a.reason.is_none() && a.seen == a.t_ms.is_some());
        if report.decision != case.decision || misses != case.misses || codes != expected || !seen_consistent {
            failures.push(format!(
                "{}: decision {:?} (want {:?}), misses {misses:?} (want {:?}), findings {codes:?} (want {expected:?})\n{}",
                case.name,
                report.decision,
                case.decision,
                case.misses,
                serde_json::to_string(&report).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_actions_report_when_and_how_far() {
    let frames = scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0), nod_at(3_400.0)]).frames();
    let report = analyse(&challenge("blink,turn_left,nod"), &frames, &LivenessPolicy::default());
    let [blink, turn, nod] = report.actions.as_slice() else {
        panic!("{report:?}")
    };
    assert!((1_000..1_300).contains(&blink.t_ms.unwrap()), "{blink:?}");
    assert!(blink.peak.unwrap() > 0.8);
    // The yaw passes 20° a third of the way into a 1 s, 30° bump.
    assert!((2_150..2_500).contains(&turn.t_ms.unwrap()), "{turn:?}");
    assert!((27.0..33.0).contains(&turn.peak.unwrap()), "{turn:?}");
    assert!(nod.t_ms.unwrap() > 3_400 && nod.end_ms.unwrap() < 4_400, "{nod:?}");
    assert!((17.0..23.0).contains(&nod.peak.unwrap()), "{nod:?}");
    assert_eq!(report.measures.blinks_seen, 1);
    assert!(report.frames_used > 40 && report.duration_ms == 5_000);
}

#[test]
fn one_odd_identity_distance_is_a_weak_signal_two_are_strong() {
    let mut frames = scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0)]).frames();
    frames[12].face.as_mut().unwrap().identity_distance = Some(0.8);
    let report = analyse(&challenge("blink,turn_left"), &frames, &LivenessPolicy::default());
    let swap = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::FaceSwap)
        .unwrap();
    assert_eq!(
        (swap.strength, report.decision),
        (Some(Strength::Weak), Decision::Review)
    );
    frames[20].face.as_mut().unwrap().identity_distance = Some(0.8);
    let report = analyse(&challenge("blink,turn_left"), &frames, &LivenessPolicy::default());
    let swap = report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::FaceSwap)
        .unwrap();
    assert_eq!(
        (swap.strength, report.decision),
        (Some(Strength::Strong), Decision::Review)
    );
}

#[test]
fn the_frame_checks_find_lost_faces_crowds_gaps_and_disorder() {
    let good = || scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0)]).frames();
    let policy = LivenessPolicy::default();
    let run = |frames: &[openkyc_liveness::FrameObservation]| analyse(&challenge("blink,turn_left"), frames, &policy);
    assert_eq!(run(&good()).decision, Decision::Pass);

    let mut lost = good();
    for frame in lost.iter_mut().skip(10).step_by(2) {
        frame.face = None;
        frame.face_count = 0;
    }
    assert!(run(&lost).has(FindingCode::FaceLost));

    let mut crowd = good();
    crowd.iter_mut().skip(30).for_each(|frame| frame.face_count = 2);
    assert!(run(&crowd).has(FindingCode::FaceMultiple));

    let mut gap = good();
    gap.drain(30..40);
    assert!(run(&gap).has(FindingCode::FrameGap));

    let mut disorder = good();
    disorder.swap(30, 31);
    let report = run(&disorder);
    assert!(report.has(FindingCode::TimestampsNotIncreasing));
    assert_eq!(report.frames_used, disorder.len() - 1);
    assert_eq!(report.decision, Decision::Retry);
}

#[test]
fn a_codec_disturbed_still_is_strongly_frozen_and_duplicated_frames_are_not() {
    use openkyc_liveness::{Thumbnail, THUMBNAIL_PIXELS};
    let policy = LivenessPolicy::default();
    let base: Vec<u8> = (0..THUMBNAIL_PIXELS).map(|i| (i * 37 % 251) as u8).collect();
    // A still through a codec: 0.17 grey levels apart every other pair,
    // identical otherwise (as measured on an MPEG-4 encoded still).
    let mut frames = scene(vec![]).frames();
    for (i, frame) in frames.iter_mut().enumerate() {
        let mut pixels = base.clone();
        if (i / 2) % 2 == 1 {
            pixels.iter_mut().take(174).for_each(|p| *p = p.saturating_add(1));
        }
        frame.thumbnail = Some(Thumbnail::new(pixels).unwrap());
    }
    let report = analyse(&challenge("blink,nod"), &frames, &policy);
    let frozen = report.findings.iter().find(|f| f.code == FindingCode::Frozen).unwrap();
    assert_eq!(frozen.strength, Some(Strength::Strong));

    // A genuine clip whose source repeated every frame once: runs of one
    // identical pair, never a second's worth.
    let mut duplicated = scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0)]).frames();
    for i in (1..duplicated.len()).step_by(2) {
        duplicated[i].thumbnail = duplicated[i - 1].thumbnail.clone();
    }
    let report = analyse(&challenge("blink,turn_left"), &duplicated, &policy);
    assert!(!report.has(FindingCode::Frozen), "{:?}", report.findings);
    let fraction = report.measures.frozen_pair_fraction.unwrap();
    assert!((0.45..0.55).contains(&fraction), "{fraction}");

    // One frozen second in the middle of a genuine clip: weak.
    let mut paused = scene(vec![blink_at(1_000.0), yaw_at(2_000.0, 30.0)]).frames();
    for i in 31..=40 {
        paused[i].thumbnail = paused[30].thumbnail.clone();
    }
    let report = analyse(&challenge("blink,turn_left"), &paused, &policy);
    let frozen = report.findings.iter().find(|f| f.code == FindingCode::Frozen).unwrap();
    assert_eq!(
        (frozen.strength, report.decision),
        (Some(Strength::Weak), Decision::Review)
    );
}

#[test]
fn the_report_serialises_with_stable_codes() {
    let frames = Scene {
        frozen: true,
        ..Scene::default()
    }
    .frames();
    let report = analyse(&challenge("blink,turn_left"), &frames, &LivenessPolicy::default());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["decision"], "review");
    assert_eq!(json["actions"][1]["action"], "turn_left");
    assert_eq!(json["actions"][1]["reason"], "not_reached");
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["LIVENESS_FAILED", "FROZEN"]);
    assert_eq!(json["findings"][1]["strength"], "strong");
    for code in FindingCode::ALL {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
    }
}

#[test]
fn a_huge_sequence_is_analysed_in_bounded_time() {
    let frames: Vec<_> = Scene {
        fps: 30.0,
        duration_ms: 300_000.0,
        ..scene(vec![blink_at(1_000.0)])
    }
    .frames();
    let mut frames = frames;
    frames[5].face.as_mut().unwrap().rigid_landmarks = vec![[1.0, 2.0]; 100_000];
    let report = analyse(&challenge("blink,nod"), &frames, &LivenessPolicy::default());
    assert_eq!(report.frames_used, frames.len());
    assert!(report.has(FindingCode::TooLong));
}
