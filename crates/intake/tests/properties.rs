//! Property tests: arbitrary bytes and damaged versions of valid images never panic, and
//! whatever is accepted satisfies the output invariants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::OnceLock;

use common::*;
use image::DynamicImage;
use openkyc_intake::{intake, Intake, IntakeError, IntakeLimits};
use proptest::prelude::*;

fn limits() -> IntakeLimits {
    // A small working side so that the resize path runs on these small images too.
    IntakeLimits {
        working_max_side: 20,
        ..IntakeLimits::default()
    }
}

/// Valid seeds: a baseline JPEG with EXIF, a progressive 4:2:0 JPEG, a baseline 4:2:0 JPEG with
/// restart markers (this crate's own reduced decoder), a PNG with text and eXIf chunks, a
/// lossless WebP.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let image = photo_like(40, 30);
        let exif = tiff(
            vec![short(0x0112, 6), ascii(0x010F, "Maker")],
            vec![ascii(0x9003, "2024:01:01 00:00:00")],
        );
        let baseline = with_jpeg_segment(&jpeg(&image, 80), 0xE1, &exif_app1(&exif));
        let progressive = jpeg_with(image.as_raw(), 40, 30, jpeg_encoder::ColorType::Rgb, 80, |encoder| {
            encoder.set_progressive(true);
            encoder.set_restart_interval(2);
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        });
        let restarts = jpeg_with(image.as_raw(), 40, 30, jpeg_encoder::ColorType::Rgb, 80, |encoder| {
            encoder.set_restart_interval(1);
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        });
        let png_bytes = with_png_chunk(
            &with_png_chunk(
                &png(&DynamicImage::ImageRgb8(image.clone())),
                &png_chunk(b"eXIf", &exif),
            ),
            &png_chunk(b"tEXt", b"Software\0x"),
        );
        let webp = webp_lossless(&DynamicImage::ImageRgb8(image));
        vec![baseline, progressive, restarts, png_bytes, webp]
    })
}

fn check_invariants(bytes: &[u8], result: &Result<Intake, IntakeError>, limits: &IntakeLimits) {
    match result {
        Ok(intake) => {
            let (w, h) = intake.working.dimensions();
            assert!(w >= 1 && h >= 1);
            assert!(w.max(h) <= limits.working_max_side.max(1));
            assert!(w <= intake.width && h <= intake.height);
            assert!((1..=8).contains(&intake.orientation));
            assert_eq!(intake.byte_len, bytes.len());
            assert!(u64::from(intake.width) * u64::from(intake.height) <= limits.max_pixels);
        }
        Err(error) => assert!(!error.code().is_empty()),
    }
}

proptest! {
    // 256 cases each by default; PROPTEST_CASES=… runs more.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let limits = limits();
        check_invariants(&bytes, &intake(&bytes, &limits), &limits);
    }

    #[test]
    fn arbitrary_bytes_behind_each_signature_never_panic(
        signature in 0usize..3,
        tail in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let prefix: &[u8] = match signature {
            0 => &[0xFF, 0xD8, 0xFF],
            1 => b"\x89PNG\r\n\x1a\n",
            _ => b"RIFF\0\x10\0\0WEBP",
        };
        let mut bytes = prefix.to_vec();
        bytes.extend(tail);
        let limits = limits();
        check_invariants(&bytes, &intake(&bytes, &limits), &limits);
    }

    #[test]
    fn truncations_of_valid_images_never_panic(seed in 0usize..5, cut in any::<prop::sample::Index>()) {
        let source = &seeds()[seed];
        let bytes = &source[..cut.index(source.len() + 1)];
        let limits = limits();
        let result = intake(bytes, &limits);
        check_invariants(bytes, &result, &limits);
        if bytes.len() == source.len() {
            prop_assert!(result.is_ok());
        }
    }

    #[test]
    fn byte_flips_in_valid_images_never_panic(
        seed in 0usize..5,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..8),
    ) {
        let mut bytes = seeds()[seed].clone();
        let len = bytes.len();
        for (at, mask) in flips {
            bytes[at.index(len)] ^= mask;
        }
        let limits = limits();
        check_invariants(&bytes, &intake(&bytes, &limits), &limits);
    }

    #[test]
    fn inserted_and_removed_runs_never_panic(
        seed in 0usize..5,
        at in any::<prop::sample::Index>(),
        remove in 0usize..64,
        insert in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let source = &seeds()[seed];
        let start = at.index(source.len());
        let end = (start + remove).min(source.len());
        let mut bytes = source[..start].to_vec();
        bytes.extend(insert);
        bytes.extend_from_slice(&source[end..]);
        let limits = limits();
        check_invariants(&bytes, &intake(&bytes, &limits), &limits);
    }
}

#[test]
fn seeds_are_valid() {
    for seed in seeds() {
        assert!(intake(seed, &limits()).is_ok());
    }
}
