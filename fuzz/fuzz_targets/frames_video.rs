//! Any bytes through the video reader (container sniffing, the box walk, the `mp4` crate's
//! parser, the sample tables, the SPS reader, OpenH264): frames or an error, never a panic,
//! within the limits. libfuzzer's panic hook aborts before `catch_unwind` can catch, so a
//! panic inside the `mp4` or `openh264` crates is reported here too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openkyc_frames::{read_video, FrameLimits};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the code paths are the same.
    let limits = FrameLimits { max_decoded_side: 256, max_duration_ms: 2_000, max_frames: 8, max_side: 64, ..FrameLimits::default() };
    if let Ok(sequence) = read_video(data, &limits) {
        assert!(!sequence.frames.is_empty() && sequence.frames.len() <= 8);
        assert!(sequence.frames.iter().all(|f| f.image.width().max(f.image.height()) <= 64));
        assert!(sequence.frames.windows(2).all(|pair| pair[0].t_ms <= pair[1].t_ms));
    }
});
