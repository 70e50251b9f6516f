//! What [`crate::analyse`] returns: a decision, each action's result, the
//! findings (stable codes), and the measures they were decided from.

use serde::Serialize;

use crate::action::Action;

/// The outcome.
///
/// The rule, in this order: at least
/// [`crate::LivenessPolicy::reject_min_strong_signals`] *strong*
/// presentation-attack signals → `rejected`; any presentation-attack signal
/// → `review` (a person looks; signals are evidence, not proof); any other
/// finding (an action not seen, too few frames, the face lost, …) →
/// `retry` (the applicant can simply redo it); nothing found, so every
/// action was seen in order → `pass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Every action seen in order, nothing else found.
    Pass,
    /// A capture problem: the applicant redoes the challenge.
    Retry,
    /// A presentation-attack signal: a person decides.
    Review,
    /// Several strong presentation-attack signals agree.
    Rejected,
}

/// Why an action was not seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissReason {
    /// The movement never reached its threshold (see `peak`).
    NotReached,
    /// A turn reached the threshold the other way only (a mirrored source
    /// analysed as unmirrored gives this for every turn).
    WrongDirection,
    /// Seen, but only before the previous action.
    OutOfOrder,
    /// Started but not finished in time: a nod that did not come back up,
    /// eyes that closed but did not reopen within the blink limit.
    NotCompleted,
}

/// One requested action's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionResult {
    /// The action.
    pub action: Action,
    /// Seen, in the challenge's order.
    pub seen: bool,
    /// When it was seen: the first frame past the threshold, ms.
    pub t_ms: Option<u32>,
    /// When it ended: a turn's last frame past the threshold, a blink's
    /// or nod's first frame back, ms.
    pub end_ms: Option<u32>,
    /// The largest movement: degrees away from the baseline in the
    /// requested direction for turns and nods (negative: the other way),
    /// the weaker eye's closed score for a blink. Over the event when
    /// seen, over the whole sequence when not; `None` without a face.
    pub peak: Option<f32>,
    /// Why not seen; `None` when seen.
    pub reason: Option<MissReason>,
}

/// How much a presentation-attack signal weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    /// Consistent with an attack, but also with a capture glitch.
    Weak,
    /// Hard to explain without an attack.
    Strong,
}

/// A finding's stable code (an API: codes are added, never renamed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingCode {
    /// An action was not seen in order (`retry`).
    LivenessFailed,
    /// Fewer frames than [`crate::LivenessPolicy::min_frames`] (`retry`).
    TooFewFrames,
    /// Shorter than [`crate::LivenessPolicy::min_duration_ms`] (`retry`).
    TooShort,
    /// Longer than [`crate::LivenessPolicy::max_duration_ms`] (`retry`).
    TooLong,
    /// Median frame interval above the policy's (`retry`).
    FrameRateTooLow,
    /// One interval between frames above the policy's (`retry`).
    FrameGap,
    /// Frames whose time did not increase; they were left out (`retry`).
    TimestampsNotIncreasing,
    /// The face was missing in too many frames (`retry`).
    FaceLost,
    /// Several faces in too many frames (`retry`).
    FaceMultiple,
    /// Consecutive frames are the same picture (signal).
    Frozen,
    /// The face changed identity mid-sequence (signal).
    FaceSwap,
    /// The face moved like a flat picture (signal).
    SpoofSuspected,
}

impl FindingCode {
    /// Every code, in a fixed order.
    pub const ALL: [FindingCode; 12] = [
        FindingCode::LivenessFailed,
        FindingCode::TooFewFrames,
        FindingCode::TooShort,
        FindingCode::TooLong,
        FindingCode::FrameRateTooLow,
        FindingCode::FrameGap,
        FindingCode::TimestampsNotIncreasing,
        FindingCode::FaceLost,
        FindingCode::FaceMultiple,
        FindingCode::Frozen,
        FindingCode::FaceSwap,
        FindingCode::SpoofSuspected,
    ];

    /// The code as text, e.g. `LIVENESS_FAILED`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::LivenessFailed => "LIVENESS_FAILED",
            FindingCode::TooFewFrames => "TOO_FEW_FRAMES",
            FindingCode::TooShort => "TOO_SHORT",
            FindingCode::TooLong => "TOO_LONG",
            FindingCode::FrameRateTooLow => "FRAME_RATE_TOO_LOW",
            FindingCode::FrameGap => "FRAME_GAP",
            FindingCode::TimestampsNotIncreasing => "TIMESTAMPS_NOT_INCREASING",
            FindingCode::FaceLost => "FACE_LOST",
            FindingCode::FaceMultiple => "FACE_MULTIPLE",
            FindingCode::Frozen => "FROZEN",
            FindingCode::FaceSwap => "FACE_SWAP",
            FindingCode::SpoofSuspected => "SPOOF_SUSPECTED",
        }
    }

    /// Whether the code is a presentation-attack signal (`review` or
    /// `rejected`) rather than a capture problem (`retry`).
    pub fn is_attack_signal(self) -> bool {
        matches!(
            self,
            FindingCode::Frozen | FindingCode::FaceSwap | FindingCode::SpoofSuspected
        )
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The stable code.
    pub code: FindingCode,
    /// What was measured, for people (wording may change).
    pub detail: String,
    /// For presentation-attack signals, how much they weigh; `None` for
    /// capture problems.
    pub strength: Option<Strength>,
}

/// The numbers the findings were decided from (for review screens and
/// calibration; `None` where there was nothing to measure).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Measures {
    /// Median interval between frames, ms.
    pub median_frame_interval_ms: Option<u32>,
    /// Longest interval between frames, ms.
    pub max_frame_interval_ms: Option<u32>,
    /// Frames with a measurable face.
    pub face_frames: usize,
    /// Frames with more than one face.
    pub multiple_face_frames: usize,
    /// The frontal baseline: median yaw, degrees.
    pub yaw_baseline_deg: Option<f32>,
    /// Median pitch, degrees.
    pub pitch_baseline_deg: Option<f32>,
    /// Blinks seen anywhere in the sequence (requested or not).
    pub blinks_seen: usize,
    /// Share of consecutive thumbnail pairs that are the same picture.
    pub frozen_pair_fraction: Option<f32>,
    /// Longest run of the same picture, ms.
    pub longest_frozen_run_ms: u32,
    /// Largest identity distance to the reference face.
    pub max_identity_distance: Option<f32>,
    /// Frames whose identity distance exceeded the face-swap threshold.
    pub face_swap_frames: usize,
    /// Largest head-pose change from the most frontal frame, degrees.
    pub max_pose_change_deg: Option<f32>,
    /// Frames the replayed-still check read.
    pub planar_frames: usize,
    /// Their median homography residual / eye distance.
    pub planar_residual: Option<f32>,
}

/// The analysis of one sequence against one challenge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LivenessReport {
    /// The outcome (see [`Decision`] for the rule).
    pub decision: Decision,
    /// One result per requested action, in the challenge's order.
    pub actions: Vec<ActionResult>,
    /// What was found, capture problems first, then signals.
    pub findings: Vec<Finding>,
    /// Frames analysed (after dropping those whose time did not increase).
    pub frames_used: usize,
    /// First to last analysed frame, ms.
    pub duration_ms: u32,
    /// The numbers behind the findings.
    pub measures: Measures,
}

impl LivenessReport {
    /// Whether a finding with this code is present.
    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|finding| finding.code == code)
    }
}
