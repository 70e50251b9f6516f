//! Active liveness, pure logic (issue 5): challenges, and the analysis of
//! per-frame face observations against one. No I/O, no clock, no
//! randomness of its own: time and entropy are passed in.
//!
//! * [`Challenge::generate`] draws 2–3 [`Action`]s (blink, turn_left,
//!   turn_right, nod; none twice in a row; uniform over the 48 sequences)
//!   from 32 bytes of caller-supplied entropy, with a 128-bit nonce and an
//!   expiry. [`Challenge::sign`] / [`Challenge::verify`] give a stateless
//!   token (HMAC-SHA256 with a [`ChallengeKey`], constant-time check,
//!   expiry checked); single use needs the server to remember nonces (see
//!   the `challenge` module docs).
//! * [`analyse`] reads [`FrameObservation`]s (time, face count, the face's
//!   pose, eye-closed scores, skull-fixed landmarks, identity distance, a
//!   [`Thumbnail`]) and returns a [`LivenessReport`]: each action as an
//!   event in time (blink: both eyes closed from an open baseline and open
//!   again; turn: yaw ≥ 18° from the sequence's median in the requested
//!   direction; nod: pitch ≥ 12° down and back up), matched in the
//!   challenge's order; capture findings (`LIVENESS_FAILED`,
//!   `TOO_FEW_FRAMES`, `TOO_SHORT`, `TOO_LONG`, `FRAME_RATE_TOO_LOW`,
//!   `FRAME_GAP`, `TIMESTAMPS_NOT_INCREASING`, `FACE_LOST`,
//!   `FACE_MULTIPLE`) and presentation-attack signals with a strength
//!   (`FROZEN`, `FACE_SWAP`, `SPOOF_SUSPECTED`: a replayed still, whose
//!   landmarks move as one homography explains); the decision rule is on
//!   [`Decision`], every threshold on [`LivenessPolicy`].
//!
//! Conventions: yaw > 0 when the nose points toward the image's right,
//! pitch > 0 nose up, roll > 0 clockwise. Frames are taken as unmirrored
//! (a phone camera's raw output), where the subject's own left turn raises
//! the yaw; set [`LivenessPolicy::mirrored`] for sources that mirror.
//!
//! How strong the signals are, honestly: `FROZEN` (strong) catches a still
//! injected as frames, even through a video codec; a photo held up to a
//! real camera is not frozen (sensor noise, hand motion) and is the
//! replayed-still check's case, which only speaks when the pose model
//! reports a turn of 15° or more (otherwise the turn actions fail anyway)
//! and whose threshold was set on a synthetic head with 1 px landmark
//! noise, not yet on real FaceMesh output of real photos. A video of the
//! victim replayed on a screen blinks and shows parallax: nothing here
//! catches it (screen borders and moiré belong to the capture-quality
//! layer), and there is no passive anti-spoofing model.

mod action;
mod analyse;
mod challenge;
mod events;
pub mod homography;
mod observation;
mod policy;
mod report;

pub use action::{format_actions, parse_actions, Action, ActionParseError};
pub use analyse::analyse;
pub use challenge::{
    Challenge, ChallengeError, ChallengeKey, ChallengePolicy, CLOCK_SKEW_TOLERANCE_MS, MAX_ACTIONS, MAX_TOKEN_CHARS,
    MIN_ACTIONS, MIN_KEY_BYTES, NONCE_BYTES,
};
pub use observation::{
    FaceObservation, FrameObservation, Thumbnail, ThumbnailError, SUGGESTED_FACEMESH_RIGID_INDICES, THUMBNAIL_PIXELS,
    THUMBNAIL_SIDE,
};
pub use policy::{LivenessPolicy, MIN_RIGID_LANDMARKS};
pub use report::{ActionResult, Decision, Finding, FindingCode, LivenessReport, Measures, MissReason, Strength};
