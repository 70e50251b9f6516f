//! Actions as events in time, found in the series of measurable faces.
//!
//! Each detector turns a per-frame signal into events (start, end, peak)
//! against a baseline taken from the sequence itself, so a camera held
//! low or a face that rests slightly turned does not count as a movement.

use crate::action::Action;
use crate::policy::LivenessPolicy;

/// One frame with a measurable face, the numbers the detectors read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FacePose {
    pub t_ms: u32,
    pub yaw: f32,
    pub pitch: f32,
    pub closed_left: f32,
    pub closed_right: f32,
}

/// An action seen: first frame past its threshold, end, largest movement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Event {
    pub start_ms: u32,
    pub end_ms: u32,
    pub peak: f32,
}

/// Everything one detector found for one action.
#[derive(Debug, Clone, Default)]
pub(crate) struct Track {
    pub events: Vec<Event>,
    /// The largest movement over the sequence (in the requested direction).
    pub peak: Option<f32>,
    /// A movement started but did not finish in time.
    pub incomplete: bool,
    /// A turn reached the threshold the other way.
    pub opposite_reached: bool,
}

/// The sequence's baselines: median yaw and pitch, 25th-percentile eye
/// scores (the open eye: blinks take a small share of the frames).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Baselines {
    pub yaw: f32,
    pub pitch: f32,
    pub open_left: f32,
    pub open_right: f32,
}

impl Baselines {
    pub fn of(faces: &[FacePose]) -> Option<Self> {
        Some(Self {
            yaw: quantile(faces.iter().map(|f| f.yaw), 0.5)?,
            pitch: quantile(faces.iter().map(|f| f.pitch), 0.5)?,
            open_left: quantile(faces.iter().map(|f| f.closed_left), 0.25)?,
            open_right: quantile(faces.iter().map(|f| f.closed_right), 0.25)?,
        })
    }
}

/// The `q`-quantile (nearest rank) of the finite values, `None` if none.
pub(crate) fn quantile(values: impl Iterator<Item = f32>, q: f32) -> Option<f32> {
    let mut finite: Vec<f32> = values.filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    finite.sort_by(f32::total_cmp);
    let rank = ((finite.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
    finite.get(rank).copied()
}

/// The detector's track for one action.
pub(crate) fn track(action: Action, faces: &[FacePose], base: &Baselines, policy: &LivenessPolicy) -> Track {
    match action {
        Action::Blink => blinks(faces, base, policy),
        Action::TurnLeft => turns(faces, base, policy, turn_sign(action, policy.mirrored)),
        Action::TurnRight => turns(faces, base, policy, turn_sign(action, policy.mirrored)),
        Action::Nod => nods(faces, base, policy),
    }
}

/// +1 when the action makes the yaw grow. Unmirrored, the subject's left
/// turn points the nose toward the image's right: yaw increases.
fn turn_sign(action: Action, mirrored: bool) -> f32 {
    let left = if action == Action::TurnLeft { 1.0 } else { -1.0 };
    if mirrored {
        -left
    } else {
        left
    }
}

/// Turns: each run of consecutive faces at least `turn_min_deg` past the
/// median yaw in the requested direction is one event. No return is
/// required: turning is the whole movement, and the next action's event
/// must start later anyway.
fn turns(faces: &[FacePose], base: &Baselines, policy: &LivenessPolicy, sign: f32) -> Track {
    let mut track = Track::default();
    let mut current: Option<Event> = None;
    for face in faces {
        let deviation = sign * (face.yaw - base.yaw);
        track.peak = Some(track.peak.map_or(deviation, |peak| peak.max(deviation)));
        track.opposite_reached |= -deviation >= policy.turn_min_deg;
        if deviation >= policy.turn_min_deg {
            let event = current.get_or_insert(Event {
                start_ms: face.t_ms,
                end_ms: face.t_ms,
                peak: deviation,
            });
            event.end_ms = face.t_ms;
            event.peak = event.peak.max(deviation);
        } else if let Some(event) = current.take() {
            track.events.push(event);
        }
    }
    track.events.extend(current);
    track
}

/// Nods: the pitch drops `nod_min_deg` below its median (after having
/// been within half of that: the head was up first) and comes back within
/// half of it in `nod_max_ms`. Down *and back* because a head that goes
/// down and stays is what lowering the phone or reading the screen looks
/// like; the return makes it a gesture. Down first because that is what
/// people do when asked to nod.
fn nods(faces: &[FacePose], base: &Baselines, policy: &LivenessPolicy) -> Track {
    let mut track = Track::default();
    let back_up = policy.nod_min_deg / 2.0;
    let mut armed = false;
    let mut current: Option<Event> = None;
    for face in faces {
        let down = base.pitch - face.pitch;
        track.peak = Some(track.peak.map_or(down, |peak| peak.max(down)));
        match current.as_mut() {
            Some(event) if down <= back_up => {
                if face.t_ms.saturating_sub(event.start_ms) <= policy.nod_max_ms {
                    track.events.push(Event {
                        end_ms: face.t_ms,
                        ..*event
                    });
                } else {
                    track.incomplete = true;
                }
                current = None;
            }
            Some(event) => event.peak = event.peak.max(down),
            None if armed && down >= policy.nod_min_deg => {
                current = Some(Event {
                    start_ms: face.t_ms,
                    end_ms: face.t_ms,
                    peak: down,
                });
                armed = false;
            }
            None => {}
        }
        // Re-armed only by a frame back near the baseline; the frames on
        // the way down (between half and all of the threshold) keep it.
        armed |= down <= back_up;
    }
    track.incomplete |= current.is_some();
    track
}

/// Blinks: both eyes closed (each at least `blink_closed_min` and
/// `blink_min_rise` above its open baseline) after a frame with both open
/// (within half the rise of the baseline), then open again, all within
/// `blink_max_ms`. Frames with the head pitched down by half a nod or more
/// count as neither: looking down lowers the eyelids, and the blend shapes
/// read that as closing.
fn blinks(faces: &[FacePose], base: &Baselines, policy: &LivenessPolicy) -> Track {
    let mut track = Track::default();
    let closed_at = |baseline: f32| policy.blink_closed_min.max(baseline + policy.blink_min_rise);
    let (closed_left, closed_right) = (closed_at(base.open_left), closed_at(base.open_right));
    let open_margin = policy.blink_min_rise / 2.0;
    let mut last_open: Option<u32> = None;
    let mut current: Option<(u32, Event)> = None;
    for face in faces {
        let weaker = face.closed_left.min(face.closed_right);
        track.peak = Some(track.peak.map_or(weaker, |peak| peak.max(weaker)));
        if base.pitch - face.pitch >= policy.nod_min_deg / 2.0 {
            continue;
        }
        let closed = face.closed_left >= closed_left && face.closed_right >= closed_right;
        let open =
            face.closed_left <= base.open_left + open_margin && face.closed_right <= base.open_right + open_margin;
        if closed {
            match (current.as_mut(), last_open) {
                (Some((_, event)), _) => event.peak = event.peak.max(weaker),
                (None, Some(opened)) => {
                    current = Some((
                        opened,
                        Event {
                            start_ms: face.t_ms,
                            end_ms: face.t_ms,
                            peak: weaker,
                        },
                    ));
                }
                (None, None) => {}
            }
        } else if open {
            if let Some((opened, event)) = current.take() {
                if face.t_ms.saturating_sub(opened) <= policy.blink_max_ms {
                    track.events.push(Event {
                        end_ms: face.t_ms,
                        ..event
                    });
                } else {
                    track.incomplete = true;
                }
            }
            last_open = Some(face.t_ms);
        }
    }
    track.incomplete |= current.is_some();
    track
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(t_ms: u32, yaw: f32, pitch: f32, closed: f32) -> FacePose {
        FacePose {
            t_ms,
            yaw,
            pitch,
            closed_left: closed,
            closed_right: closed,
        }
    }

    #[test]
    fn quantile_ignores_non_finite_values() {
        assert_eq!(quantile([3.0, f32::NAN, 1.0, 2.0].into_iter(), 0.5), Some(2.0));
        assert_eq!(quantile([f32::NAN].into_iter(), 0.5), None);
    }

    #[test]
    fn a_blink_needs_an_open_frame_before_and_after() {
        let policy = LivenessPolicy::default();
        let scores = [0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1];
        let faces: Vec<FacePose> = scores
            .iter()
            .enumerate()
            .map(|(i, &s)| face(i as u32 * 200, 0.0, 0.0, s))
            .collect();
        let base = Baselines::of(&faces).unwrap();
        let track = blinks(&faces, &base, &policy);
        assert_eq!(
            track.events,
            vec![Event {
                start_ms: 400,
                end_ms: 600,
                peak: 0.9
            }]
        );
        // Closed from the first frame on: no open baseline before, no blink.
        let closed_first: Vec<FacePose> = faces
            .iter()
            .map(|f| FacePose {
                t_ms: f.t_ms + 400,
                ..*f
            })
            .skip(2)
            .collect();
        assert!(blinks(&closed_first, &base, &policy).events.is_empty());
    }

    #[test]
    fn a_nod_that_does_not_come_back_is_not_completed() {
        let policy = LivenessPolicy::default();
        let pitches = [0.0, 0.0, 0.0, 0.0, -20.0, -20.0, -20.0];
        let faces: Vec<FacePose> = pitches
            .iter()
            .enumerate()
            .map(|(i, &p)| face(i as u32 * 200, 0.0, p, 0.1))
            .collect();
        let base = Baselines::of(&faces).unwrap();
        let track = nods(&faces, &base, &policy);
        assert!(track.events.is_empty());
        assert!(track.incomplete);
        assert_eq!(track.peak, Some(20.0));
    }

    #[test]
    fn mirroring_flips_the_turn_direction() {
        assert_eq!(turn_sign(Action::TurnLeft, false), 1.0);
        assert_eq!(turn_sign(Action::TurnLeft, true), -1.0);
        assert_eq!(turn_sign(Action::TurnRight, false), -1.0);
    }
}
