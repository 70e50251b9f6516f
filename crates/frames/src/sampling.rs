//! Which source frames are kept: the first frame at or after each 1/fps slot.

/// Keeps at most one frame per slot of `1 / target_fps` seconds, the first whose timestamp
/// reaches the slot. Timestamps are in the source's own units (`timescale` per second) and
/// counted from the sequence's first frame, so the arithmetic is exact: a 30 fps source at
/// 8 fps keeps frames 0, 4, 8, 12, 15, … (0 ms, 133 ms, 267 ms, 400 ms, 500 ms). A source
/// slower than the target keeps every frame: never more than the source has.
#[derive(Debug, Clone)]
pub(crate) struct RateSampler {
    target_fps: u128,
    timescale: u128,
    next_slot: u128,
}

impl RateSampler {
    /// A sampler for timestamps in `timescale` units per second (at least 1).
    pub(crate) fn new(target_fps: u32, timescale: u32) -> Self {
        RateSampler {
            target_fps: u128::from(target_fps),
            timescale: u128::from(timescale.max(1)),
            next_slot: 0,
        }
    }

    /// Whether the frame at `ticks` (from the first frame) is kept. Call in display order.
    pub(crate) fn keep(&mut self, ticks: u64) -> bool {
        let slot = u128::from(ticks) * self.target_fps / self.timescale;
        if slot < self.next_slot {
            return false;
        }
        self.next_slot = slot + 1;
        true
    }
}

/// `ticks` in `timescale` units as whole milliseconds (rounded down, saturating).
pub(crate) fn ticks_to_ms(ticks: u64, timescale: u32) -> u64 {
    let ms = u128::from(ticks) * 1000 / u128::from(timescale.max(1));
    u64::try_from(ms).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(fps: u32, timescale: u32, ticks: impl IntoIterator<Item = u64>) -> Vec<u64> {
        let mut sampler = RateSampler::new(fps, timescale);
        ticks.into_iter().filter(|&t| sampler.keep(t)).collect()
    }

    #[test]
    fn thirty_fps_at_eight_keeps_the_first_frame_of_each_slot() {
        // 30 fps in a 15360 timescale (512 ticks a frame), as ffmpeg writes.
        let frames: Vec<u64> = (0..30).map(|i| i * 512).collect();
        let kept = kept(8, 15360, frames);
        let indices: Vec<u64> = kept.iter().map(|t| t / 512).collect();
        assert_eq!(indices, vec![0, 4, 8, 12, 15, 19, 23, 27]);
    }

    #[test]
    fn a_slower_source_keeps_every_frame() {
        let frames: Vec<u64> = (0..10).map(|i| i * 200).collect();
        assert_eq!(kept(8, 1000, frames.clone()), frames);
    }

    #[test]
    fn frames_sharing_a_timestamp_are_kept_once() {
        assert_eq!(kept(8, 1000, [0, 0, 0, 125, 125]), vec![0, 125]);
    }

    #[test]
    fn milliseconds_round_down() {
        assert_eq!(ticks_to_ms(1, 3), 333);
        assert_eq!(ticks_to_ms(u64::MAX, 1), u64::MAX);
        assert_eq!(ticks_to_ms(5, 0), 5000);
    }
}
