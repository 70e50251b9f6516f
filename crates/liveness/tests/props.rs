//! Property tests: any observations (NaN, infinities, empty, unsorted,
//! huge values, odd landmark counts) give a report with consistent fields,
//! never a panic; any text is a token error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use openkyc_liveness::{
    analyse, parse_actions, Action, Challenge, ChallengeKey, Decision, FaceObservation, FrameObservation,
    LivenessPolicy, Thumbnail, THUMBNAIL_PIXELS,
};
use proptest::prelude::*;

fn any_f32() -> impl Strategy<Value = f32> {
    prop_oneof![
        -100.0f32..100.0,
        Just(f32::NAN),
        Just(f32::INFINITY),
        Just(f32::NEG_INFINITY),
        Just(f32::MAX),
        Just(-f32::MAX),
        Just(0.0),
    ]
}

fn face() -> impl Strategy<Value = FaceObservation> {
    (
        (any_f32(), any_f32(), any_f32(), any_f32(), any_f32()),
        prop::collection::vec((any_f32(), any_f32()).prop_map(|(x, y)| [x, y]), 0..12),
        any_f32(),
        prop::option::of(any_f32()),
        any_f32(),
    )
        .prop_map(
            |((yaw, pitch, roll, left, right), landmarks, eyes, identity, presence)| FaceObservation {
                yaw_deg: yaw,
                pitch_deg: pitch,
                roll_deg: roll,
                eye_closed_left: left,
                eye_closed_right: right,
                rigid_landmarks: landmarks,
                eye_distance_px: eyes,
                identity_distance: identity,
                presence,
            },
        )
}

fn frame() -> impl Strategy<Value = FrameObservation> {
    (
        prop_oneof![0u32..20_000, Just(u32::MAX), Just(0)],
        0u32..4,
        prop::option::of(face()),
        prop::option::of(prop_oneof![Just(0u8), Just(1u8), Just(255u8)]),
    )
        .prop_map(|(t_ms, face_count, face, fill)| FrameObservation {
            t_ms,
            face_count,
            face,
            thumbnail: fill
                .map(|value| Thumbnail::new(vec![value; THUMBNAIL_PIXELS]).unwrap_or_else(|_| unreachable!())),
        })
}

fn actions() -> impl Strategy<Value = Vec<Action>> {
    prop::collection::vec(prop::sample::select(Action::ALL.to_vec()), 1..=3)
        .prop_filter("no repeat in a row", |a| a.windows(2).all(|p| p[0] != p[1]))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    #[test]
    fn analyse_never_panics_and_stays_consistent(
        frames in prop::collection::vec(frame(), 0..60),
        requested in actions(),
        mirrored in any::<bool>(),
    ) {
        let challenge = Challenge::new([0; 16], requested.clone(), 0, 1).unwrap();
        let policy = LivenessPolicy { mirrored, ..LivenessPolicy::default() };
        let report = analyse(&challenge, &frames, &policy);
        prop_assert!(report.frames_used <= frames.len());
        prop_assert_eq!(report.actions.len(), requested.len());
        for result in &report.actions {
            prop_assert_eq!(result.seen, result.reason.is_none());
        }
        let all_seen = report.actions.iter().all(|a| a.seen);
        prop_assert_eq!(report.decision == Decision::Pass, all_seen && report.findings.is_empty());
        prop_assert!(serde_json::to_string(&report).is_ok());
    }

    #[test]
    fn any_text_is_refused_as_a_token_without_panicking(text in ".{0,300}", now in any::<i64>()) {
        let key = ChallengeKey::new(&[7; 32]).unwrap();
        prop_assert!(Challenge::verify(&text, &key, now).is_err());
        let _ = parse_actions(&text);
    }

    #[test]
    fn any_grey_image_gives_a_thumbnail_or_an_error(width in 0u32..100, height in 0u32..100, len in 0usize..12_000) {
        let grey: Vec<u8> = (0..len).map(|i| (i % 256) as u8).collect();
        let result = Thumbnail::from_grey(width, height, &grey);
        prop_assert_eq!(result.is_ok(), width > 0 && height > 0 && (width * height) as usize <= len);
    }
}
