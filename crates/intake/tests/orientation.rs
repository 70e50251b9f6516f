//! EXIF orientation 1–8 turns the working copy upright, from JPEG APP1, PNG eXIf and WebP EXIF.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use image::{DynamicImage, RgbImage};
use openkyc_intake::{intake, IntakeLimits};

/// The stored image that a camera would write for an upright scene `upright` with EXIF
/// orientation `orientation`: stored pixel (x, y) is the scene pixel at the position the EXIF
/// definition gives for it (row 0 / column 0 placement, TIFF 6.0 tag 0x0112).
fn stored_for(upright: &RgbImage, orientation: u8) -> RgbImage {
    let (dw, dh) = upright.dimensions();
    let (sw, sh) = if orientation >= 5 { (dh, dw) } else { (dw, dh) };
    RgbImage::from_fn(sw, sh, |x, y| {
        let (px, py) = match orientation {
            1 => (x, y),
            2 => (dw - 1 - x, y),
            3 => (dw - 1 - x, dh - 1 - y),
            4 => (x, dh - 1 - y),
            5 => (y, x),
            6 => (dw - 1 - y, x),
            7 => (dw - 1 - y, dh - 1 - x),
            8 => (y, dh - 1 - x),
            _ => unreachable!(),
        };
        *upright.get_pixel(px, py)
    })
}

fn assert_upright(working: &RgbImage, orientation: u8) {
    for (index, expected) in QUADRANT_COLORS.iter().enumerate() {
        let found = quadrant_centre(working, index);
        assert!(
            close(found, *expected, 14),
            "orientation {orientation}, quadrant {index}: {found:?} vs {expected:?}"
        );
    }
}

#[test]
fn jpeg_every_orientation_is_applied() {
    let upright = quadrants(96, 64);
    for orientation in 1..=8u8 {
        let stored = stored_for(&upright, orientation);
        let exif = exif_app1(&tiff(vec![short(0x0112, u16::from(orientation))], vec![]));
        let bytes = with_jpeg_segment(&jpeg(&stored, 92), 0xE1, &exif);
        let result = intake(&bytes, &IntakeLimits::default()).unwrap();
        assert_eq!(result.orientation, orientation);
        assert_eq!((result.width, result.height), (96, 64), "orientation {orientation}");
        assert_eq!(result.working.dimensions(), (96, 64), "orientation {orientation}");
        assert!(result.metadata.exif_present && !result.metadata.exif_error);
        assert_upright(&result.working, orientation);
    }
}

#[test]
fn jpeg_orientation_is_applied_after_scaled_decode() {
    let upright = quadrants(1600, 1000);
    let stored = stored_for(&upright, 6);
    let exif = exif_app1(&tiff(vec![short(0x0112, 6)], vec![]));
    let bytes = with_jpeg_segment(&jpeg(&stored, 85), 0xE1, &exif);
    let result = intake(
        &bytes,
        &IntakeLimits {
            working_max_side: 400,
            ..IntakeLimits::default()
        },
    )
    .unwrap();
    assert_eq!((result.width, result.height), (1600, 1000));
    assert_eq!(result.working.dimensions(), (400, 250));
    assert!((result.working_scale() - 0.25).abs() < 1e-6);
    assert_upright(&result.working, 6);
}

#[test]
fn png_exif_chunk_orientation() {
    let upright = quadrants(40, 30);
    let stored = stored_for(&upright, 8);
    let chunk = png_chunk(b"eXIf", &tiff(vec![short(0x0112, 8)], vec![]));
    let bytes = with_png_chunk(&png(&DynamicImage::ImageRgb8(stored)), &chunk);
    let result = intake(&bytes, &IntakeLimits::default()).unwrap();
    assert_eq!(result.orientation, 8);
    assert_eq!((result.width, result.height), (40, 30));
    assert_upright(&result.working, 8);
}

#[test]
fn webp_exif_chunk_orientation() {
    let upright = quadrants(40, 30);
    let stored = stored_for(&upright, 3);
    let simple = webp_lossless(&DynamicImage::ImageRgb8(stored));
    let exif = tiff(vec![short(0x0112, 3)], vec![]);
    let bytes = extended_webp(&simple, 40, 30, 0x08, vec![(*b"EXIF", exif)]);
    let result = intake(&bytes, &IntakeLimits::default()).unwrap();
    assert_eq!(result.orientation, 3);
    assert_upright(&result.working, 3);
}

#[test]
fn invalid_orientation_values_are_ignored() {
    let upright = quadrants(32, 32);
    for value in [0u16, 9, 255, 65535] {
        let exif = exif_app1(&tiff(vec![short(0x0112, value)], vec![]));
        let bytes = with_jpeg_segment(&jpeg(&upright, 92), 0xE1, &exif);
        let result = intake(&bytes, &IntakeLimits::default()).unwrap();
        assert_eq!(result.orientation, 1, "value {value}");
        assert_upright(&result.working, 1);
    }
}
