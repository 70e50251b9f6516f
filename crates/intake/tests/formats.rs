//! Every accepted format and colour type decodes to the right colours, at the right size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use image::{
    DynamicImage, ExtendedColorType, GrayAlphaImage, GrayImage, ImageBuffer, Luma, LumaA, Rgb, Rgba, RgbaImage,
};
use openkyc_intake::{intake, ColorModel, ImageFormat, IntakeLimits};

fn limits() -> IntakeLimits {
    IntakeLimits::default()
}

/// The working copy shows the four quadrant colours (within `tolerance`) at their corners.
fn assert_quadrants(working: &image::RgbImage, tolerance: u8) {
    for (index, expected) in QUADRANT_COLORS.iter().enumerate() {
        let found = quadrant_centre(working, index);
        assert!(
            close(found, *expected, tolerance),
            "quadrant {index}: {found:?} vs {expected:?}"
        );
    }
}

#[test]
fn jpeg_rgb_baseline() {
    let bytes = jpeg(&quadrants(96, 64), 90);
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!(result.format, ImageFormat::Jpeg);
    assert_eq!((result.width, result.height), (96, 64));
    assert_eq!(result.working.dimensions(), (96, 64));
    assert_eq!(result.orientation, 1);
    assert_eq!(result.byte_len, bytes.len());
    assert_eq!(result.metadata.color, ColorModel::Rgb);
    assert_eq!(result.metadata.bit_depth, 8);
    assert!(!result.metadata.jpeg_progressive && result.metadata.has_jfif && !result.metadata.exif_present);
    assert_quadrants(&result.working, 12);
}

#[test]
fn jpeg_grayscale() {
    let gray = GrayImage::from_fn(64, 48, |x, _| Luma([if x < 32 { 30 } else { 220 }]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&gray)
        .unwrap();
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!(result.metadata.color, ColorModel::Gray);
    assert!(close(result.working.get_pixel(10, 10).0, [30, 30, 30], 4));
    assert!(close(result.working.get_pixel(50, 10).0, [220, 220, 220], 4));
}

fn cmyk_quadrants(width: u16, height: u16) -> (Vec<u8>, [[u8; 3]; 4]) {
    // cyan, magenta, yellow, 50% black → RGB (0,255,255), (255,0,255), (255,255,0), (127,127,127)
    let inks = [[255, 0, 0, 0], [0, 255, 0, 0], [0, 0, 255, 0], [0, 0, 0, 128]];
    let expected = [[0, 255, 255], [255, 0, 255], [255, 255, 0], [127, 127, 127]];
    let mut pixels = Vec::new();
    for y in 0..height {
        for x in 0..width {
            let index = usize::from(x >= width / 2) + 2 * usize::from(y >= height / 2);
            pixels.extend_from_slice(&inks[index]);
        }
    }
    (pixels, expected)
}

#[test]
fn jpeg_cmyk_is_converted_to_rgb() {
    let (pixels, expected) = cmyk_quadrants(64, 64);
    let bytes = jpeg_with(&pixels, 64, 64, jpeg_encoder::ColorType::Cmyk, 95, |_| {});
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!(result.metadata.color, ColorModel::Cmyk);
    for (index, colour) in expected.iter().enumerate() {
        let found = quadrant_centre(&result.working, index);
        assert!(close(found, *colour, 6), "quadrant {index}: {found:?} vs {colour:?}");
    }
}

#[test]
fn jpeg_ycck_is_converted_to_rgb() {
    let (pixels, expected) = cmyk_quadrants(64, 64);
    let bytes = jpeg_with(&pixels, 64, 64, jpeg_encoder::ColorType::CmykAsYcck, 95, |_| {});
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!(result.metadata.color, ColorModel::Cmyk);
    for (index, colour) in expected.iter().enumerate() {
        let found = quadrant_centre(&result.working, index);
        assert!(close(found, *colour, 6), "quadrant {index}: {found:?} vs {colour:?}");
    }
}

#[test]
fn jpeg_progressive_with_restart_markers_and_420_sampling() {
    let image = quadrants(200, 120);
    let bytes = jpeg_with(image.as_raw(), 200, 120, jpeg_encoder::ColorType::Rgb, 90, |encoder| {
        encoder.set_progressive(true);
        encoder.set_restart_interval(3);
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    });
    let result = intake(&bytes, &limits()).unwrap();
    assert!(result.metadata.jpeg_progressive);
    assert_quadrants(&result.working, 14);
}

#[test]
fn large_jpeg_is_decoded_scaled_to_the_working_size() {
    // 2600×1000: IDCT scaling by 1/2 gives 1300×500, then area resize to 1280×492.
    let image = quadrants(2600, 1000);
    let bytes = jpeg_with(
        image.as_raw(),
        2600,
        1000,
        jpeg_encoder::ColorType::Rgb,
        90,
        |encoder| {
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        },
    );
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!((result.width, result.height), (2600, 1000));
    assert_eq!(result.working.dimensions(), (1280, 492));
    assert!((result.working_scale() - 1280.0 / 2600.0).abs() < 1e-6);
    assert_quadrants(&result.working, 14);
    let small = intake(
        &bytes,
        &IntakeLimits {
            working_max_side: 300,
            ..limits()
        },
    )
    .unwrap();
    assert_eq!(small.working.dimensions(), (300, 115));
    assert_quadrants(&small.working, 14);
}

#[test]
fn very_large_jpeg_is_decoded_at_an_exact_scale_with_a_full_size_detail_patch() {
    // 4000×3000 for a 1280 working size: 1/4 scale gives 1000×750 (at least 3/4 of 1280), taken
    // without resampling; the centre 512×512 is decoded at full size in the same pass.
    let image = quadrants(4000, 3000);
    let bytes = jpeg_with(
        image.as_raw(),
        4000,
        3000,
        jpeg_encoder::ColorType::Rgb,
        90,
        |encoder| {
            encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        },
    );
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!((result.width, result.height), (4000, 3000));
    assert_eq!(result.working.dimensions(), (1000, 750));
    assert!((result.working_scale() - 0.25).abs() < 1e-6);
    assert_quadrants(&result.working, 14);
    assert_eq!(result.detail.image.dimensions(), (512, 512));
    assert!((result.detail.scale - 1.0).abs() < 1e-6);
    // The detail patch is the centre of the photo, where the four quadrants meet.
    assert_quadrants(&result.detail.image, 14);
}

#[test]
fn png_in_every_colour_type() {
    let rgb = quadrants(40, 30);
    let cases: Vec<(&str, DynamicImage, ColorModel, u8, bool)> = vec![
        ("rgb8", DynamicImage::ImageRgb8(rgb.clone()), ColorModel::Rgb, 8, false),
        (
            "rgba8",
            DynamicImage::ImageRgba8(DynamicImage::ImageRgb8(rgb.clone()).to_rgba8()),
            ColorModel::Rgba,
            8,
            true,
        ),
        (
            "rgb16",
            DynamicImage::ImageRgb16(DynamicImage::ImageRgb8(rgb.clone()).to_rgb16()),
            ColorModel::Rgb,
            16,
            false,
        ),
        (
            "rgba16",
            DynamicImage::ImageRgba16(DynamicImage::ImageRgb8(rgb.clone()).to_rgba16()),
            ColorModel::Rgba,
            16,
            true,
        ),
    ];
    for (name, image, color, depth, alpha) in cases {
        let result = intake(&png(&image), &limits()).unwrap();
        assert_eq!(result.format, ImageFormat::Png, "{name}");
        assert_eq!(
            (
                result.metadata.color,
                result.metadata.bit_depth,
                result.metadata.has_alpha
            ),
            (color, depth, alpha),
            "{name}"
        );
        assert_quadrants(&result.working, 0);
    }
}

#[test]
fn png_gray_and_gray_alpha_8_and_16_bit() {
    let gray = GrayImage::from_fn(20, 10, |x, _| Luma([if x < 10 { 40 } else { 200 }]));
    let result = intake(&png(&DynamicImage::ImageLuma8(gray.clone())), &limits()).unwrap();
    assert_eq!(result.metadata.color, ColorModel::Gray);
    assert_eq!(result.working.get_pixel(2, 2).0, [40, 40, 40]);
    assert_eq!(result.working.get_pixel(15, 2).0, [200, 200, 200]);

    let gray16 = DynamicImage::ImageLuma8(gray).to_luma16();
    let result = intake(&png(&DynamicImage::ImageLuma16(gray16)), &limits()).unwrap();
    assert_eq!(
        (result.metadata.color, result.metadata.bit_depth),
        (ColorModel::Gray, 16)
    );
    assert_eq!(result.working.get_pixel(15, 2).0, [200, 200, 200]);

    // Left half opaque dark grey, right half fully transparent: shows white.
    let gray_alpha = GrayAlphaImage::from_fn(20, 10, |x, _| if x < 10 { LumaA([40, 255]) } else { LumaA([0, 0]) });
    let result = intake(&png(&DynamicImage::ImageLumaA8(gray_alpha.clone())), &limits()).unwrap();
    assert_eq!(
        (result.metadata.color, result.metadata.has_alpha),
        (ColorModel::GrayAlpha, true)
    );
    assert_eq!(result.working.get_pixel(2, 2).0, [40, 40, 40]);
    assert_eq!(result.working.get_pixel(15, 2).0, [255, 255, 255]);

    let gray_alpha16 = DynamicImage::ImageLumaA8(gray_alpha).to_luma_alpha16();
    let result = intake(&png(&DynamicImage::ImageLumaA16(gray_alpha16)), &limits()).unwrap();
    assert_eq!(result.metadata.bit_depth, 16);
    assert_eq!(result.working.get_pixel(15, 2).0, [255, 255, 255]);
}

#[test]
fn png_rgba_half_transparent_is_composited_over_white() {
    let rgba = RgbaImage::from_pixel(8, 8, Rgba([0, 0, 0, 128]));
    let result = intake(&png(&DynamicImage::ImageRgba8(rgba)), &limits()).unwrap();
    assert_eq!(result.working.get_pixel(4, 4).0, [127, 127, 127]);
}

/// A palette PNG, 2-bit indices, with a tRNS chunk making index 3 transparent; built by hand.
#[test]
fn png_palette_with_transparency() {
    let (width, height) = (8u32, 2u32);
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[2, 3, 0, 0, 0]); // bit depth 2, colour type 3 (palette)
    let palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9];
    // Each row: filter byte 0, then 8 pixels × 2 bits = 2 bytes: indices 0,0,1,1,2,2,3,3.
    let row = [0u8, 0b0000_0101, 0b1010_1111];
    let raw: Vec<u8> = row.iter().chain(row.iter()).copied().collect();
    let idat = zlib_stored(&raw);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    bytes.extend(png_chunk(b"PLTE", &palette));
    bytes.extend(png_chunk(b"tRNS", &[255, 255, 255, 0]));
    bytes.extend(png_chunk(b"IDAT", &idat));
    bytes.extend(png_chunk(b"IEND", &[]));
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!(
        (
            result.metadata.color,
            result.metadata.has_alpha,
            result.metadata.bit_depth
        ),
        (ColorModel::Palette, true, 2)
    );
    let row0: Vec<[u8; 3]> = (0..8).map(|x| result.working.get_pixel(x, 0).0).collect();
    assert_eq!(
        row0,
        [
            [255, 0, 0],
            [255, 0, 0],
            [0, 255, 0],
            [0, 255, 0],
            [0, 0, 255],
            [0, 0, 255],
            [255, 255, 255],
            [255, 255, 255]
        ]
    );
}

/// zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.push(1); // final stored block
    let len = data.len() as u16;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

#[test]
fn png_interlaced() {
    // Adam7 interlacing, built by hand: a 3×3 RGB image, one pass per pixel group.
    let pixel = |x: u32, y: u32| [(x * 100) as u8, (y * 100) as u8, 50];
    // Adam7 passes: (x0, y0, dx, dy).
    let passes = [
        (0, 0, 8, 8),
        (4, 0, 8, 8),
        (0, 4, 4, 8),
        (2, 0, 4, 4),
        (0, 2, 2, 4),
        (1, 0, 2, 2),
        (0, 1, 1, 2),
    ];
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in passes {
        let xs: Vec<u32> = (x0..3).step_by(dx).collect();
        let ys: Vec<u32> = (y0..3).step_by(dy).collect();
        if xs.is_empty() || ys.is_empty() {
            continue;
        }
        for &y in &ys {
            raw.push(0);
            for &x in &xs {
                raw.extend_from_slice(&pixel(x, y));
            }
        }
    }
    let mut ihdr = 3u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&3u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 1]);
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend(png_chunk(b"IHDR", &ihdr));
    bytes.extend(png_chunk(b"IDAT", &zlib_stored(&raw)));
    bytes.extend(png_chunk(b"IEND", &[]));
    let result = intake(&bytes, &limits()).unwrap();
    for y in 0..3 {
        for x in 0..3 {
            assert_eq!(result.working.get_pixel(x, y).0, pixel(x, y), "({x},{y})");
        }
    }
}

#[test]
fn png_sixteen_bit_raw_samples_round_to_eight_bits() {
    // Big-endian 16-bit RGB: 0x8080 → 128, 0xFFFF → 255, 0x0000 → 0.
    let pixels: Vec<u8> = [0x80u8, 0x80, 0xFF, 0xFF, 0x00, 0x00].repeat(4);
    let bytes = png_raw(2, 2, &pixels, ExtendedColorType::Rgb16);
    let result = intake(&bytes, &limits()).unwrap();
    assert_eq!(result.working.get_pixel(1, 1).0, [128, 255, 0]);
}

#[test]
fn webp_lossless_rgb_and_rgba() {
    let rgb = quadrants(60, 40);
    let result = intake(&webp_lossless(&DynamicImage::ImageRgb8(rgb.clone())), &limits()).unwrap();
    assert_eq!(result.format, ImageFormat::Webp);
    assert_eq!(result.metadata.color, ColorModel::Rgb);
    assert_quadrants(&result.working, 0);

    let mut rgba = DynamicImage::ImageRgb8(rgb).to_rgba8();
    rgba.put_pixel(0, 0, Rgba([0, 0, 0, 0]));
    let result = intake(&webp_lossless(&DynamicImage::ImageRgba8(rgba)), &limits()).unwrap();
    assert_eq!(
        (result.metadata.color, result.metadata.has_alpha),
        (ColorModel::Rgba, true)
    );
    assert_eq!(result.working.get_pixel(0, 0).0, [255, 255, 255]);
    assert_quadrants(&result.working, 0);
}

#[test]
fn large_png_is_area_resized() {
    let image: ImageBuffer<Rgb<u8>, Vec<u8>> = quadrants(2000, 500);
    let result = intake(&png(&DynamicImage::ImageRgb8(image)), &limits()).unwrap();
    assert_eq!(result.working.dimensions(), (1280, 320));
    assert_quadrants(&result.working, 0);
}
