//! [`analyse`]: a frame sequence against a challenge.

use crate::action::Action;
use crate::challenge::Challenge;
use crate::events::{quantile, track, Baselines, FacePose, Track};
use crate::homography::homography_residual;
use crate::observation::{FaceObservation, FrameObservation};
use crate::policy::{LivenessPolicy, MIN_RIGID_LANDMARKS};
use crate::report::{ActionResult, Decision, Finding, FindingCode, LivenessReport, Measures, MissReason, Strength};

/// Analyses the frames against the challenge's actions.
///
/// Frames whose time does not increase over the previous kept frame are
/// left out (`TIMESTAMPS_NOT_INCREASING`); faces with a non-finite number
/// count as lost. Any input, however large, empty or non-finite, gives a
/// report, in time linear in its size (plus a sort for the baselines).
/// See [`Decision`] for the decision rule and [`FindingCode`] for the
/// findings.
pub fn analyse(challenge: &Challenge, frames: &[FrameObservation], policy: &LivenessPolicy) -> LivenessReport {
    let (kept, dropped) = increasing_frames(frames);
    let mut measures = Measures::default();
    let mut findings = Vec::new();
    if dropped > 0 {
        findings.push(capture(
            FindingCode::TimestampsNotIncreasing,
            format!("{dropped} frame(s) not later than the frame before were left out"),
        ));
    }
    let duration_ms = match (kept.first(), kept.last()) {
        (Some(first), Some(last)) => last.t_ms - first.t_ms,
        _ => 0,
    };
    findings.extend(timing_findings(&kept, duration_ms, policy, &mut measures));
    findings.extend(face_presence_findings(&kept, policy, &mut measures));

    let faces: Vec<FacePose> = kept
        .iter()
        .filter_map(|frame| measurable(frame).map(|f| pose(frame.t_ms, f)))
        .collect();
    let baselines = Baselines::of(&faces);
    measures.yaw_baseline_deg = baselines.map(|b| b.yaw);
    measures.pitch_baseline_deg = baselines.map(|b| b.pitch);
    let tracks: Vec<(Action, Track)> = Action::ALL
        .into_iter()
        .map(|action| {
            (
                action,
                baselines
                    .map(|base| track(action, &faces, &base, policy))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let blinks_seen = tracks
        .iter()
        .find(|(action, _)| *action == Action::Blink)
        .map_or(0, |(_, t)| t.events.len());
    measures.blinks_seen = blinks_seen;
    let actions = match_in_order(challenge.actions(), &tracks);
    let missed: Vec<String> = actions
        .iter()
        .filter_map(|result| {
            result
                .reason
                .map(|reason| format!("{} ({})", result.action, reason_text(reason)))
        })
        .collect();
    if !missed.is_empty() {
        findings.push(capture(
            FindingCode::LivenessFailed,
            format!("not seen: {}", missed.join(", ")),
        ));
    }

    findings.extend(frozen_finding(&kept, policy, &mut measures));
    findings.extend(face_swap_finding(&kept, policy, &mut measures));
    findings.extend(replayed_still_finding(
        &kept,
        baselines,
        blinks_seen,
        policy,
        &mut measures,
    ));

    LivenessReport {
        decision: decide(&findings, policy),
        actions,
        findings,
        frames_used: kept.len(),
        duration_ms,
        measures,
    }
}

/// The rule documented on [`Decision`].
fn decide(findings: &[Finding], policy: &LivenessPolicy) -> Decision {
    let signals = findings.iter().filter(|finding| finding.code.is_attack_signal());
    let strong = signals
        .clone()
        .filter(|finding| finding.strength == Some(Strength::Strong))
        .count();
    if strong >= policy.reject_min_strong_signals.max(1) {
        Decision::Rejected
    } else if signals.count() > 0 {
        Decision::Review
    } else if !findings.is_empty() {
        Decision::Retry
    } else {
        Decision::Pass
    }
}

fn capture(code: FindingCode, detail: String) -> Finding {
    Finding {
        code,
        detail,
        strength: None,
    }
}

fn signal(code: FindingCode, strength: Strength, detail: String) -> Finding {
    Finding {
        code,
        detail,
        strength: Some(strength),
    }
}

/// The frames in their given order, keeping each only if its time is
/// after the last kept one; and how many were dropped.
fn increasing_frames(frames: &[FrameObservation]) -> (Vec<&FrameObservation>, usize) {
    let mut kept: Vec<&FrameObservation> = Vec::with_capacity(frames.len());
    for frame in frames {
        if kept.last().is_none_or(|last| frame.t_ms > last.t_ms) {
            kept.push(frame);
        }
    }
    let dropped = frames.len() - kept.len();
    (kept, dropped)
}

fn measurable(frame: &FrameObservation) -> Option<&FaceObservation> {
    frame.face.as_ref().filter(|face| face.is_measurable())
}

fn pose(t_ms: u32, face: &FaceObservation) -> FacePose {
    FacePose {
        t_ms,
        yaw: face.yaw_deg,
        pitch: face.pitch_deg,
        closed_left: face.eye_closed_left.clamp(0.0, 1.0),
        closed_right: face.eye_closed_right.clamp(0.0, 1.0),
    }
}

fn timing_findings(
    kept: &[&FrameObservation],
    duration_ms: u32,
    policy: &LivenessPolicy,
    measures: &mut Measures,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    if kept.len() < policy.min_frames {
        findings.push(capture(
            FindingCode::TooFewFrames,
            format!("{} frame(s), at least {} needed", kept.len(), policy.min_frames),
        ));
    }
    if duration_ms < policy.min_duration_ms {
        findings.push(capture(
            FindingCode::TooShort,
            format!("{duration_ms} ms, at least {} ms needed", policy.min_duration_ms),
        ));
    }
    if duration_ms > policy.max_duration_ms {
        findings.push(capture(
            FindingCode::TooLong,
            format!("{duration_ms} ms, at most {} ms", policy.max_duration_ms),
        ));
    }
    let intervals: Vec<u32> = kept.windows(2).map(|pair| pair[1].t_ms - pair[0].t_ms).collect();
    let median = quantile(intervals.iter().map(|&i| i as f32), 0.5).map(|m| m as u32);
    let longest = intervals.iter().copied().max();
    measures.median_frame_interval_ms = median;
    measures.max_frame_interval_ms = longest;
    if let Some(median) = median.filter(|&m| m > policy.max_median_frame_interval_ms) {
        findings.push(capture(
            FindingCode::FrameRateTooLow,
            format!(
                "median frame interval {median} ms (above {} ms): a blink can fall between two frames",
                policy.max_median_frame_interval_ms
            ),
        ));
    }
    if let Some(longest) = longest.filter(|&l| l > policy.max_frame_gap_ms) {
        findings.push(capture(
            FindingCode::FrameGap,
            format!("{longest} ms between two frames (above {} ms)", policy.max_frame_gap_ms),
        ));
    }
    findings
}

fn face_presence_findings(
    kept: &[&FrameObservation],
    policy: &LivenessPolicy,
    measures: &mut Measures,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let total = kept.len();
    measures.face_frames = kept.iter().filter(|frame| measurable(frame).is_some()).count();
    measures.multiple_face_frames = kept.iter().filter(|frame| frame.face_count > 1).count();
    if total == 0 {
        return findings;
    }
    let lost = total - measures.face_frames;
    if lost as f32 / total as f32 > policy.max_face_lost_fraction {
        findings.push(capture(
            FindingCode::FaceLost,
            format!("no measurable face in {lost} of {total} frames"),
        ));
    }
    let several = measures.multiple_face_frames;
    if several as f32 / total as f32 > policy.max_multiple_faces_fraction {
        findings.push(capture(
            FindingCode::FaceMultiple,
            format!("several faces in {several} of {total} frames"),
        ));
    }
    findings
}

/// Each requested action takes the earliest event of its kind that starts
/// after the previous *seen* action's event started (earliest-first is
/// what makes an in-order subsequence found whenever one exists).
fn match_in_order(requested: &[Action], tracks: &[(Action, Track)]) -> Vec<ActionResult> {
    let mut previous_start: Option<u32> = None;
    let mut results = Vec::with_capacity(requested.len());
    for &action in requested {
        let found = tracks.iter().find(|(kind, _)| *kind == action).map(|(_, track)| track);
        let empty = Track::default();
        let track = found.unwrap_or(&empty);
        let next = track
            .events
            .iter()
            .find(|event| previous_start.is_none_or(|start| event.start_ms > start));
        let result = match next {
            Some(event) => {
                previous_start = Some(event.start_ms);
                ActionResult {
                    action,
                    seen: true,
                    t_ms: Some(event.start_ms),
                    end_ms: Some(event.end_ms),
                    peak: Some(event.peak),
                    reason: None,
                }
            }
            None => ActionResult {
                action,
                seen: false,
                t_ms: None,
                end_ms: None,
                peak: track.peak,
                reason: Some(miss_reason(track)),
            },
        };
        results.push(result);
    }
    results
}

fn miss_reason(track: &Track) -> MissReason {
    if !track.events.is_empty() {
        MissReason::OutOfOrder
    } else if track.incomplete {
        MissReason::NotCompleted
    } else if track.opposite_reached {
        MissReason::WrongDirection
    } else {
        MissReason::NotReached
    }
}

fn reason_text(reason: MissReason) -> &'static str {
    match reason {
        MissReason::NotReached => "never reached the threshold",
        MissReason::WrongDirection => "wrong direction",
        MissReason::OutOfOrder => "out of order",
        MissReason::NotCompleted => "not completed",
    }
}

/// `FROZEN`: consecutive thumbnails that are the same picture. Strong when
/// nearly every pair is (a still fed as frames), weak for one long run.
fn frozen_finding(kept: &[&FrameObservation], policy: &LivenessPolicy, measures: &mut Measures) -> Option<Finding> {
    let mut pairs = 0usize;
    let mut same = 0usize;
    let mut run_start: Option<u32> = None;
    let mut longest_run_ms = 0u32;
    for pair in kept.windows(2) {
        let is_same = match (&pair[0].thumbnail, &pair[1].thumbnail) {
            (Some(a), Some(b)) => {
                pairs += 1;
                a.mean_abs_diff(b) <= policy.frozen_max_mean_abs_diff
            }
            _ => false,
        };
        if is_same {
            same += 1;
            let start = *run_start.get_or_insert(pair[0].t_ms);
            longest_run_ms = longest_run_ms.max(pair[1].t_ms - start);
        } else {
            run_start = None;
        }
    }
    measures.longest_frozen_run_ms = longest_run_ms;
    if pairs == 0 {
        return None;
    }
    let fraction = same as f32 / pairs as f32;
    measures.frozen_pair_fraction = Some(fraction);
    // A share over three pairs or fewer says little: the run rule covers them.
    const MIN_PAIRS_FOR_SHARE: usize = 4;
    if pairs >= MIN_PAIRS_FOR_SHARE && fraction >= policy.frozen_strong_fraction {
        Some(signal(
            FindingCode::Frozen,
            Strength::Strong,
            format!("{same} of {pairs} consecutive frame pairs are the same picture: a still fed as frames"),
        ))
    } else if longest_run_ms >= policy.frozen_min_run_ms {
        Some(signal(
            FindingCode::Frozen,
            Strength::Weak,
            format!("the picture did not change for {longest_run_ms} ms ({same} of {pairs} pairs the same)"),
        ))
    } else {
        None
    }
}

/// `FACE_SWAP`: identity distances to the reference face above the
/// threshold; one such frame is weak, two or more strong.
fn face_swap_finding(kept: &[&FrameObservation], policy: &LivenessPolicy, measures: &mut Measures) -> Option<Finding> {
    let distances: Vec<(u32, f32)> = kept
        .iter()
        .filter_map(|frame| {
            frame
                .face
                .as_ref()
                .and_then(|face| face.identity_distance)
                .map(|d| (frame.t_ms, d))
        })
        .filter(|(_, d)| d.is_finite())
        .collect();
    measures.max_identity_distance = distances.iter().map(|(_, d)| *d).reduce(f32::max);
    let swapped: Vec<u32> = distances
        .iter()
        .filter(|(_, d)| *d > policy.face_swap_min_distance)
        .map(|(t, _)| *t)
        .collect();
    measures.face_swap_frames = swapped.len();
    let first = *swapped.first()?;
    let strength = if swapped.len() >= 2 {
        Strength::Strong
    } else {
        Strength::Weak
    };
    Some(signal(
        FindingCode::FaceSwap,
        strength,
        format!(
            "identity distance above {} in {} of {} measured frames, first at {first} ms",
            policy.face_swap_min_distance,
            swapped.len(),
            distances.len()
        ),
    ))
}

/// `SPOOF_SUSPECTED` (replayed still): where the head pose changed enough
/// for a real head to show parallax, one homography still explains the
/// rigid landmarks' motion from the most frontal frame. Strong with no
/// blink in the whole sequence (a photo cannot blink), weak with one.
fn replayed_still_finding(
    kept: &[&FrameObservation],
    baselines: Option<Baselines>,
    blinks_seen: usize,
    policy: &LivenessPolicy,
    measures: &mut Measures,
) -> Option<Finding> {
    let base = baselines?;
    let usable: Vec<&FaceObservation> = kept
        .iter()
        .filter_map(|frame| measurable(frame))
        .filter(|face| face.rigid_landmarks.len() >= MIN_RIGID_LANDMARKS && face.eye_distance_px > 0.0)
        .collect();
    let off_frontal = |face: &FaceObservation, yaw: f32, pitch: f32| (face.yaw_deg - yaw).hypot(face.pitch_deg - pitch);
    let reference = *usable
        .iter()
        .min_by(|a, b| off_frontal(a, base.yaw, base.pitch).total_cmp(&off_frontal(b, base.yaw, base.pitch)))?;
    let mut residuals = Vec::new();
    let mut max_change = 0.0f32;
    for face in usable
        .iter()
        .filter(|face| face.rigid_landmarks.len() == reference.rigid_landmarks.len())
    {
        let change = off_frontal(face, reference.yaw_deg, reference.pitch_deg);
        max_change = max_change.max(change);
        if change < policy.planar_min_pose_change_deg {
            continue;
        }
        if let Some(residual) = homography_residual(&reference.rigid_landmarks, &face.rigid_landmarks) {
            residuals.push(residual as f32 / face.eye_distance_px);
        }
    }
    measures.max_pose_change_deg = Some(max_change);
    measures.planar_frames = residuals.len();
    let median = quantile(residuals.iter().copied(), 0.5)?;
    measures.planar_residual = Some(median);
    if residuals.len() < policy.planar_min_frames.max(1) || median > policy.planar_max_residual {
        return None;
    }
    let (strength, blink_note) = if blinks_seen == 0 {
        (Strength::Strong, "and no blink")
    } else {
        (Strength::Weak, "though the eyes blinked")
    };
    Some(signal(
        FindingCode::SpoofSuspected,
        strength,
        format!(
            "replayed still? in {} frames turned {:.0}°+ from the frontal one, one homography explains the \
             landmarks' motion to {:.3} eye distances (a real head shows parallax), {blink_note}",
            residuals.len(),
            policy.planar_min_pose_change_deg,
            median
        ),
    ))
}
