//! Every threshold of the analysis, with its default and why.

use serde::{Deserialize, Serialize};

/// Fewest rigid landmarks per frame for the replayed-still check (a
/// homography fits 4 points exactly; 6 leave a residual worth reading).
pub const MIN_RIGID_LANDMARKS: usize = 6;

/// Thresholds of [`crate::analyse`]. `Default` gives the documented values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LivenessPolicy {
    /// The frames are mirrored (a front camera's preview, a webcam
    /// showing the user as in a mirror): the subject's left turn then makes
    /// the yaw *decrease*. Default false: phones' raw camera frames.
    pub mirrored: bool,

    /// Fewest frames analysed (default 8: 1.6 s at 5 fps).
    pub min_frames: usize,
    /// Shortest sequence, first to last frame (default 1 000 ms).
    pub min_duration_ms: u32,
    /// Longest sequence (default 10 000 ms: the issue's ~8 s plus a
    /// margin). Longer recordings give an attacker time to stage each
    /// action and cost work for nothing.
    pub max_duration_ms: u32,
    /// Largest median interval between frames (default 250 ms, i.e. at
    /// least 4 fps): a blink closes the eyes for 100–400 ms, so at a lower
    /// rate most blinks fall between two frames.
    pub max_median_frame_interval_ms: u32,
    /// Largest single interval between frames (default 1 000 ms): in a
    /// longer gap an action, or a change of face, goes unseen.
    pub max_frame_gap_ms: u32,
    /// Largest share of frames without a measurable face (default 0.2).
    pub max_face_lost_fraction: f32,
    /// Largest share of frames with several faces (default 0.1: a
    /// detector's rare false second face is tolerated, a second person in
    /// the picture is not).
    pub max_multiple_faces_fraction: f32,

    /// A frame's eye counts as closed at or above this score (default 0.5,
    /// the blend shape's middle)...
    pub blink_closed_min: f32,
    /// ...and at least this far above the eye's open baseline (default
    /// 0.35; the baseline is the eye's 25th-percentile score over the
    /// sequence, so narrow eyes that rest at 0.3 need 0.65).
    pub blink_min_rise: f32,
    /// Longest blink, from the last open frame before to the first open
    /// frame after (default 1 500 ms: a deliberate blink seen at 5 fps
    /// spans 600–1 000 ms; eyes kept shut longer are not a blink).
    pub blink_max_ms: u32,
    /// A turn is seen when the yaw leaves the sequence's median yaw by at
    /// least this, in the requested direction (default 18°: the fixture
    /// clip `liveportrait_d12_turns_glasses.mp4`, a man turning his head
    /// "15–20°" by eye, peaks at 20.4° each way by FaceMesh's pose; a flat
    /// print turned 40° in front of the camera moves FaceMesh's yaw by only
    /// 13°, so the margin stays on the print's side).
    pub turn_min_deg: f32,
    /// A nod is seen when the pitch drops at least this below the
    /// sequence's median pitch (default 12°: people nod less far than they
    /// turn)...
    pub nod_min_deg: f32,
    /// ...and comes back up to within half of it within this time
    /// (default 3 000 ms).
    pub nod_max_ms: u32,

    /// Pairs of consecutive thumbnails at most this far apart (mean
    /// absolute difference, grey levels) count as the same picture
    /// (default 0.2). Measured on 32 × 32 area-averaged thumbnails sampled
    /// at 5 and 10 fps: a still photo encoded as MP4 differs by 0.00–0.17
    /// (libx264 under 0.01; MPEG-4 part 2 0.17 between keyframes) apart
    /// from one 0.68 pair; the genuine fixture clips by 0.19 at the least
    /// (a green-screen studio clip at 10 fps), 0.4–17 typically.
    pub frozen_max_mean_abs_diff: f32,
    /// `FROZEN`, strong: at least this share of all consecutive thumbnail
    /// pairs are the same picture (default 0.9; not 1.0, since a codec's
    /// keyframes disturb a still now and then).
    pub frozen_strong_fraction: f32,
    /// `FROZEN`, weak: an unbroken run of the same picture lasting at
    /// least this long (default 1 000 ms; the fixture clip with duplicated
    /// frames has runs of 300 ms).
    pub frozen_min_run_ms: u32,

    /// `FACE_SWAP`: identity distance to the reference face above this
    /// (default 0.55, for dlib descriptors of near-frontal frames: within one
    /// real recording the fixture clips stay at or under 0.40, glasses,
    /// laughter and a handheld camera included, while the closest two
    /// different people of the face fixtures are 0.564 apart; at the
    /// face-match mismatch threshold, 0.65, 8 of 112 built face swaps went
    /// unnoticed). One frame above is a weak signal (one bad descriptor from
    /// a blurred or turned face), two or more a strong one.
    pub face_swap_min_distance: f32,

    /// The replayed-still check reads only frames whose head pose (yaw,
    /// pitch) differs from the most frontal frame's by at least this
    /// (default 15°): at smaller rotations a real head's parallax is too
    /// small to tell from landmark noise.
    pub planar_min_pose_change_deg: f32,
    /// ...needs at least this many such frames (default 2)...
    pub planar_min_frames: usize,
    /// ...and calls the motion planar when the median over them of the
    /// homography's RMS landmark residual, divided by the eye distance, is
    /// at most this (default 0.025). Measured on a synthetic head (ten
    /// skull-fixed points, pinhole camera, 84 px between the eyes) with
    /// 1 px landmark noise, 200 cases each (`tests/planar.rs`): a photo
    /// moved by random homographies 0.018 median (0.028 max; 0.009 at
    /// 0.5 px noise); a real head turned 15° 0.042 median (0.023 min),
    /// 20° 0.055, 30° 0.088, pitched 15° down 0.046. Landmark noise above
    /// about 1.5 % of the eye distance hides a photo (the signal is then
    /// missed, never raised against a real head).
    pub planar_max_residual: f32,

    /// `rejected` needs at least this many strong presentation-attack
    /// signals (default 2); fewer, or only weak ones, give `review`.
    pub reject_min_strong_signals: usize,
}

impl Default for LivenessPolicy {
    fn default() -> Self {
        Self {
            mirrored: false,
            min_frames: 8,
            min_duration_ms: 1_000,
            max_duration_ms: 10_000,
            max_median_frame_interval_ms: 250,
            max_frame_gap_ms: 1_000,
            max_face_lost_fraction: 0.2,
            max_multiple_faces_fraction: 0.1,
            blink_closed_min: 0.5,
            blink_min_rise: 0.35,
            blink_max_ms: 1_500,
            turn_min_deg: 18.0,
            nod_min_deg: 12.0,
            nod_max_ms: 3_000,
            frozen_max_mean_abs_diff: 0.2,
            frozen_strong_fraction: 0.9,
            frozen_min_run_ms: 1_000,
            face_swap_min_distance: 0.55,
            planar_min_pose_change_deg: 15.0,
            planar_min_frames: 2,
            planar_max_residual: 0.025,
            reject_min_strong_signals: 2,
        }
    }
}
