//! Builders for test images: encoders from the image and jpeg-encoder crates, and hand-made
//! container pieces (EXIF TIFF structures, PNG chunks with CRC, JPEG APP segments, RIFF).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder, Rgb, RgbImage};

/// Four solid quadrants (red top-left, green top-right, blue bottom-left, white bottom-right):
/// any rotation or flip moves at least one colour to another corner.
pub const QUADRANT_COLORS: [[u8; 3]; 4] = [[220, 20, 20], [20, 200, 20], [20, 20, 220], [250, 250, 250]];

pub fn quadrants(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let index = usize::from(x >= width / 2) + 2 * usize::from(y >= height / 2);
        Rgb(QUADRANT_COLORS[index])
    })
}

/// A textured scene (smooth shading, text-like strokes, sensor-like noise from a fixed LCG)
/// so that JPEG sizes and decode times resemble a photo rather than a flat card.
pub fn photo_like(width: u32, height: u32) -> RgbImage {
    let mut state: u32 = 0x1234_5678;
    RgbImage::from_fn(width, height, |x, y| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let noise = ((state >> 24) % 9) as i32 - 4;
        let stroke = (y / 40) % 3 == 0 && (x / 7) % 5 != 0 && (x ^ y) & 8 != 0;
        let ink = if stroke { -120 } else { 0 };
        let base = [180 + (x / 100 % 40) as i32, 170 + (y / 80 % 50) as i32, 160];
        Rgb(base.map(|b| (b + ink + noise).clamp(0, 255) as u8))
    })
}

/// The colour at the centre of the quadrant `index` of an image.
pub fn quadrant_centre(image: &RgbImage, index: usize) -> [u8; 3] {
    let (w, h) = image.dimensions();
    let x = if index % 2 == 0 { w / 4 } else { w * 3 / 4 };
    let y = if index < 2 { h / 4 } else { h * 3 / 4 };
    image.get_pixel(x, y).0
}

pub fn close(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tolerance)
}

pub fn jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .unwrap();
    out
}

pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

pub fn png_raw(width: u32, height: u32, pixels: &[u8], color: ExtendedColorType) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(pixels, width, height, color)
        .unwrap();
    out
}

pub fn webp_lossless(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    let color = if image.color().has_alpha() {
        ExtendedColorType::Rgba8
    } else {
        ExtendedColorType::Rgb8
    };
    let bytes = if image.color().has_alpha() {
        image.to_rgba8().into_raw()
    } else {
        image.to_rgb8().into_raw()
    };
    WebPEncoder::new_lossless(&mut out)
        .write_image(&bytes, image.width(), image.height(), color)
        .unwrap();
    out
}

/// Inserts an APPn (or any) segment right after SOI.
pub fn with_jpeg_segment(jpeg: &[u8], marker: u8, body: &[u8]) -> Vec<u8> {
    assert!(body.len() + 2 <= 0xFFFF);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&jpeg[2..]);
    out
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// Inserts a chunk right after IHDR (signature 8 bytes + IHDR 25 bytes).
pub fn with_png_chunk(png: &[u8], chunk: &[u8]) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    out.extend_from_slice(chunk);
    out.extend_from_slice(&png[33..]);
    out
}

pub fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// One EXIF entry: tag, TIFF type (2 ASCII, 3 SHORT, 4 LONG), count, raw value bytes
/// (big-endian).
pub struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    pub value: Vec<u8>,
}

pub fn ascii(tag: u16, text: &str) -> Entry {
    let mut value = text.as_bytes().to_vec();
    value.push(0);
    Entry {
        tag,
        kind: 2,
        count: value.len() as u32,
        value,
    }
}

pub fn short(tag: u16, value: u16) -> Entry {
    Entry {
        tag,
        kind: 3,
        count: 1,
        value: value.to_be_bytes().to_vec(),
    }
}

/// A big-endian TIFF structure: IFD0 with `primary` entries and, if `exif` is not empty, an
/// Exif sub-IFD (pointer tag 0x8769) with those. Values over 4 bytes go after each IFD.
pub fn tiff(primary: Vec<Entry>, exif: Vec<Entry>) -> Vec<u8> {
    let mut primary = primary;
    let exif_pointer_index = if exif.is_empty() {
        None
    } else {
        primary.push(Entry {
            tag: 0x8769,
            kind: 4,
            count: 1,
            value: vec![0; 4],
        });
        Some(primary.len() - 1)
    };
    primary.sort_by_key(|e| e.tag);
    let mut out = b"MM\0\x2a\0\0\0\x08".to_vec();
    let ifd0_len = ifd_len(&primary);
    let exif_offset = 8 + ifd0_len;
    if exif_pointer_index.is_some() {
        let entry = primary.iter_mut().find(|e| e.tag == 0x8769).unwrap();
        entry.value = (exif_offset as u32).to_be_bytes().to_vec();
    }
    write_ifd(&mut out, &primary, 8);
    if !exif.is_empty() {
        let mut exif = exif;
        exif.sort_by_key(|e| e.tag);
        write_ifd(&mut out, &exif, exif_offset);
    }
    out
}

fn ifd_len(entries: &[Entry]) -> usize {
    2 + entries.len() * 12
        + 4
        + entries
            .iter()
            .filter(|e| e.value.len() > 4)
            .map(|e| e.value.len() + e.value.len() % 2)
            .sum::<usize>()
}

fn write_ifd(out: &mut Vec<u8>, entries: &[Entry], offset: usize) {
    let mut data_offset = offset + 2 + entries.len() * 12 + 4;
    let mut data = Vec::new();
    out.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for entry in entries {
        out.extend_from_slice(&entry.tag.to_be_bytes());
        out.extend_from_slice(&entry.kind.to_be_bytes());
        out.extend_from_slice(&entry.count.to_be_bytes());
        if entry.value.len() <= 4 {
            let mut inline = entry.value.clone();
            inline.resize(4, 0);
            out.extend_from_slice(&inline);
        } else {
            out.extend_from_slice(&(data_offset as u32).to_be_bytes());
            data.extend_from_slice(&entry.value);
            if entry.value.len() % 2 == 1 {
                data.push(0);
            }
            data_offset += entry.value.len() + entry.value.len() % 2;
        }
    }
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend(data);
}

/// An APP1 EXIF body (`Exif\0\0` + TIFF).
pub fn exif_app1(tiff: &[u8]) -> Vec<u8> {
    let mut body = b"Exif\0\0".to_vec();
    body.extend_from_slice(tiff);
    body
}

/// A RIFF/WEBP file of the given chunks (padding added).
pub fn riff(chunks: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let mut body = b"WEBP".to_vec();
    for (kind, data) in chunks {
        body.extend_from_slice(kind);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

/// The chunks of a simple (VP8/VP8L-only) WebP file.
pub fn riff_chunks(webp: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut chunks = Vec::new();
    let mut pos = 12;
    while pos + 8 <= webp.len() {
        let kind: [u8; 4] = webp[pos..pos + 4].try_into().unwrap();
        let size = u32::from_le_bytes(webp[pos + 4..pos + 8].try_into().unwrap()) as usize;
        chunks.push((kind, webp[pos + 8..pos + 8 + size].to_vec()));
        pos += 8 + size + size % 2;
    }
    chunks
}

pub fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
    let mut data = vec![flags, 0, 0, 0];
    data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    data
}

/// Re-wraps a simple lossless WebP into the extended format (VP8X first) with extra chunks
/// after the bitstream (EXIF, XMP …).
pub fn extended_webp(simple: &[u8], width: u32, height: u32, flags: u8, extra: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let mut chunks = vec![(*b"VP8X", vp8x(flags, width, height))];
    chunks.extend(riff_chunks(simple));
    chunks.extend(extra);
    riff(&chunks)
}

/// A JPEG from jpeg-encoder: any colour type, sampling, progressive, restart interval.
pub fn jpeg_with(
    pixels: &[u8],
    width: u16,
    height: u16,
    color: jpeg_encoder::ColorType,
    quality: u8,
    configure: impl FnOnce(&mut jpeg_encoder::Encoder<&mut Vec<u8>>),
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    configure(&mut encoder);
    encoder.encode(pixels, width, height, color).unwrap();
    out
}
