//! Any bytes through image intake (sniffing, header walks, the hand-written
//! baseline JPEG decoder, metadata parsers): an image or an error, never a
//! panic, within the configured limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openkyc_intake::{intake, IntakeLimits};

fuzz_target!(|data: &[u8]| {
    // Small limits keep each run fast; the code paths are the same.
    let limits = IntakeLimits { max_pixels: 4_000_000, max_dimension: 4096, working_max_side: 256, ..IntakeLimits::default() };
    if let Ok(image) = intake(data, &limits) {
        assert!(image.working.width().max(image.working.height()) <= 256);
    }
});
