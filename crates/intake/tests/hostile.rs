//! Hostile and broken inputs: each returns the right error, quickly, without panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use image::DynamicImage;
use openkyc_intake::{intake, ImageFormat, IntakeError, IntakeLimits};

fn run(bytes: &[u8]) -> Result<openkyc_intake::Intake, IntakeError> {
    intake(bytes, &IntakeLimits::default())
}

fn code(bytes: &[u8]) -> &'static str {
    match run(bytes) {
        Ok(_) => "ok",
        Err(error) => error.code(),
    }
}

#[test]
fn zero_bytes_is_empty() {
    assert_eq!(run(&[]).unwrap_err(), IntakeError::Empty);
}

#[test]
fn one_byte_is_unknown() {
    assert_eq!(run(&[0xFF]).unwrap_err(), IntakeError::UnknownFormat);
}

#[test]
fn over_the_byte_limit_is_too_large() {
    let bytes = jpeg(&quadrants(16, 16), 90);
    let limits = IntakeLimits {
        max_bytes: bytes.len() - 1,
        ..IntakeLimits::default()
    };
    assert!(matches!(intake(&bytes, &limits), Err(IntakeError::TooLarge { .. })));
}

#[test]
fn truncated_jpeg_cut_at_half() {
    let bytes = jpeg(&photo_like(200, 150), 90);
    match run(&bytes[..bytes.len() / 2]) {
        Err(IntakeError::Truncated {
            format: ImageFormat::Jpeg,
            message,
        }) => assert!(!message.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn jpeg_cut_inside_the_headers_is_truncated() {
    let bytes = with_jpeg_segment(&jpeg(&quadrants(16, 16), 90), 0xE1, &vec![b'x'; 4000]);
    assert_eq!(code(&bytes[..1000]), "truncated");
}

#[test]
fn truncated_png_cut_at_half() {
    let bytes = png(&DynamicImage::ImageRgb8(photo_like(200, 150)));
    assert!(matches!(
        run(&bytes[..bytes.len() / 2]),
        Err(IntakeError::Truncated {
            format: ImageFormat::Png,
            ..
        })
    ));
}

#[test]
fn truncated_webp_cut_at_half() {
    let bytes = webp_lossless(&DynamicImage::ImageRgb8(photo_like(200, 150)));
    assert!(matches!(
        run(&bytes[..bytes.len() / 2]),
        Err(IntakeError::Truncated {
            format: ImageFormat::Webp,
            ..
        })
    ));
}

#[test]
fn png_header_claiming_60000_squared_is_refused_instantly() {
    let bytes = png_header_only(60_000, 60_000);
    let start = Instant::now();
    let result = run(&bytes);
    let elapsed = start.elapsed();
    assert_eq!(
        result.unwrap_err(),
        IntakeError::TooManyPixels {
            width: 60_000,
            height: 60_000,
            max_pixels: 100_000_000
        }
    );
    // Generous even for a debug build on a loaded machine: refusing takes microseconds, while
    // allocating 60000² × 3 bytes would take seconds or fail.
    assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
}

#[test]
fn png_header_with_a_long_side_is_refused() {
    assert!(matches!(
        run(&png_header_only(30_000, 10)),
        Err(IntakeError::DimensionTooLarge { .. })
    ));
}

#[test]
fn png_within_pixel_limits_but_over_the_memory_limit() {
    let limits = IntakeLimits {
        max_decoded_bytes: 1000,
        ..IntakeLimits::default()
    };
    let bytes = png_header_only(100, 100);
    assert_eq!(
        intake(&bytes, &limits).unwrap_err(),
        IntakeError::MemoryLimit {
            needed_bytes: 30_000,
            max_bytes: 1000
        }
    );
}

#[test]
fn png_whose_header_lies_about_its_data_is_corrupt() {
    // IHDR says 100×100 but IDAT holds a single empty stored block.
    let bytes = png_header_only(100, 100);
    assert!(matches!(
        run(&bytes),
        Err(IntakeError::Corrupt {
            format: ImageFormat::Png,
            ..
        })
    ));
}

#[test]
fn jpeg_sof_claiming_65535_squared_is_refused() {
    let mut bytes = jpeg(&quadrants(16, 16), 90);
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
    let start = Instant::now();
    assert!(matches!(
        run(&bytes),
        Err(IntakeError::TooManyPixels {
            width: 65_535,
            height: 65_535,
            ..
        })
    ));
    assert!(start.elapsed() < Duration::from_millis(500));
}

#[test]
fn jpeg_sof_lying_small_is_corrupt_or_decoded_at_the_declared_size() {
    // The header says 8×8 but the data encodes 64×64: the decoders are bounded by the header.
    let mut bytes = jpeg(&quadrants(64, 64), 90);
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 9].copy_from_slice(&[0, 8, 0, 8]);
    match run(&bytes) {
        Ok(result) => assert_eq!(result.working.dimensions(), (8, 8)),
        Err(error) => assert_eq!(error.code(), "corrupt"),
    }
}

#[test]
fn random_bytes_are_unknown() {
    let mut state = 7u32;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (state >> 16) as u8
        })
        .collect();
    assert_eq!(run(&bytes).unwrap_err(), IntakeError::UnknownFormat);
}

#[test]
fn random_bytes_behind_a_jpeg_signature_are_an_error() {
    let mut bytes = vec![0xFF, 0xD8, 0xFF];
    bytes.extend((0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    assert!(run(&bytes).is_err());
}

#[test]
fn heic_is_refused_with_jpeg_advice() {
    let bytes = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\0";
    match run(bytes) {
        Err(IntakeError::Unsupported { format, message }) => {
            assert_eq!(format, "heic");
            assert_eq!(
                message,
                "HEIC photos are not supported yet; please send a JPEG (on iPhone: Settings → Camera → Formats → Most Compatible)"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn gif_bmp_tiff_pdf_are_refused_by_name() {
    let cases: [(&[u8], &str); 4] = [
        (b"GIF89a\x01\0\x01\0\x80\0\0", "gif"),
        (b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0", "bmp"),
        (b"MM\0*\0\0\0\x08", "tiff"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3", "pdf"),
    ];
    for (bytes, expected) in cases {
        match run(bytes) {
            Err(IntakeError::Unsupported { format, message }) => {
                assert_eq!(format, expected);
                assert!(message.contains("JPEG, PNG or WebP"), "{message}");
            }
            other => panic!("{expected}: {other:?}"),
        }
    }
}

#[test]
fn animated_webp_is_refused() {
    // VP8X with the animation flag, an ANIM chunk and one ANMF frame holding a tiny VP8L.
    let frame_bitstream = webp_lossless(&DynamicImage::ImageRgb8(quadrants(2, 2)));
    let vp8l = riff_chunks(&frame_bitstream)
        .into_iter()
        .find(|(kind, _)| kind == b"VP8L")
        .unwrap()
        .1;
    let mut anmf = vec![0u8; 6]; // x, y offsets
    anmf.extend_from_slice(&[1, 0, 0, 1, 0, 0]); // width-1, height-1
    anmf.extend_from_slice(&[100, 0, 0, 0]); // duration, flags
    anmf.extend_from_slice(b"VP8L");
    anmf.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
    anmf.extend_from_slice(&vp8l);
    let bytes = riff(&[
        (*b"VP8X", vp8x(0x02, 2, 2)),
        (*b"ANIM", vec![255, 255, 255, 255, 0, 0]),
        (*b"ANMF", anmf),
    ]);
    assert_eq!(
        run(&bytes).unwrap_err(),
        IntakeError::Animated {
            format: ImageFormat::Webp
        }
    );
}

#[test]
fn animated_png_is_refused() {
    let base = png(&DynamicImage::ImageRgb8(quadrants(4, 4)));
    let bytes = with_png_chunk(&base, &png_chunk(b"acTL", &[0, 0, 0, 2, 0, 0, 0, 0]));
    assert_eq!(
        run(&bytes).unwrap_err(),
        IntakeError::Animated {
            format: ImageFormat::Png
        }
    );
    // A single-frame APNG is a still image.
    let single = with_png_chunk(&base, &png_chunk(b"acTL", &[0, 0, 0, 1, 0, 0, 0, 0]));
    assert!(run(&single).is_ok());
}

/// There are no file names in the API: the same bytes give the same result whatever they were
/// called, and a WebP is a WebP even if the uploader said ".jpg".
#[test]
fn format_comes_from_bytes_only() {
    let webp = webp_lossless(&DynamicImage::ImageRgb8(quadrants(8, 8)));
    assert_eq!(run(&webp).unwrap().format, ImageFormat::Webp);
    let first = run(&webp).unwrap();
    let second = run(&webp).unwrap();
    assert_eq!(first.working, second.working);
    assert_eq!(first.metadata, second.metadata);
}

#[test]
fn jpeg_without_scan_data_is_an_error() {
    let bytes = jpeg(&quadrants(16, 16), 90);
    let sos = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let mut cut = bytes[..sos].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    assert_eq!(code(&cut), "corrupt");
}

#[test]
fn arithmetic_coded_jpeg_is_unsupported() {
    let mut bytes = jpeg(&quadrants(16, 16), 90);
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 1] = 0xC9;
    assert!(
        matches!(run(&bytes), Err(IntakeError::Unsupported { format, .. }) if format == "jpeg (arithmetic coding)")
    );
}

#[test]
fn zero_sized_images_are_corrupt() {
    assert_eq!(code(&png_header_only(0, 10)), "corrupt");
    let mut bytes = jpeg(&quadrants(16, 16), 90);
    let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bytes[sof + 7..sof + 9].copy_from_slice(&[0, 0]);
    assert_eq!(code(&bytes), "corrupt");
}

#[test]
fn one_by_one_images_decode() {
    let pixel = quadrants(1, 1);
    assert_eq!(run(&jpeg(&pixel, 90)).unwrap().working.dimensions(), (1, 1));
    assert_eq!(
        run(&png(&DynamicImage::ImageRgb8(pixel.clone())))
            .unwrap()
            .working
            .dimensions(),
        (1, 1)
    );
    assert_eq!(
        run(&webp_lossless(&DynamicImage::ImageRgb8(pixel)))
            .unwrap()
            .working
            .dimensions(),
        (1, 1)
    );
}

#[test]
fn errors_serialize_with_their_code() {
    let json = serde_json::to_value(run(&png_header_only(60_000, 60_000)).unwrap_err()).unwrap();
    assert_eq!(json["code"], "too_many_pixels");
    assert_eq!(json["width"], 60_000);
}
