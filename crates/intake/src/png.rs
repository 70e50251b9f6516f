//! PNG: a bounded walk over the chunks (IHDR, text, eXIf, acTL, tRNS, iCCP, IEND), then a full
//! decode by the image crate (png) under the same limits.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder};

use crate::decode::{guarded, image_error, to_rgb, Decoded, Upload};
use crate::metadata::{clean_text, ColorModel, Metadata};
use crate::{ImageFormat, IntakeError, IntakeLimits};

const FORMAT: ImageFormat = ImageFormat::Png;
const SIGNATURE_LEN: usize = 8;
const XMP_KEYWORD: &[u8] = b"XML:com.adobe.xmp";

/// What the chunks before and around the image data declare.
#[derive(Debug, Default)]
pub(crate) struct PngHeader<'a> {
    pub width: u32,
    pub height: u32,
    pub bit_depth: u8,
    pub color_type: u8,
    pub interlaced: bool,
    pub has_transparency_chunk: bool,
    pub has_icc: bool,
    /// Frame count from acTL (APNG), if present.
    pub animation_frames: Option<u32>,
    pub software: Option<String>,
    pub exif: Option<&'a [u8]>,
    pub xmp: Option<&'a [u8]>,
    /// IEND was reached: the file is complete.
    pub has_iend: bool,
}

/// Reads a PNG: header, limits, metadata, pixels at full size.
pub(crate) fn read(bytes: &[u8], limits: &IntakeLimits) -> Result<Upload, IntakeError> {
    let header = parse_header(bytes)?;
    if header.width == 0 || header.height == 0 {
        return Err(IntakeError::corrupt(FORMAT, "zero width or height in IHDR"));
    }
    limits.check_dimensions(header.width, header.height)?;
    if header.animation_frames.is_some_and(|frames| frames > 1) {
        return Err(IntakeError::Animated { format: FORMAT });
    }
    if !header.has_iend {
        return Err(IntakeError::truncated(FORMAT, "the IEND chunk is missing"));
    }
    let (channels, color) = channels_and_color(&header)?;
    let bytes_per_sample = if header.bit_depth == 16 { 2 } else { 1 };
    limits.check_decoded_bytes(u64::from(header.width) * u64::from(header.height) * channels * bytes_per_sample)?;
    let mut metadata = Metadata::new(header.bit_depth, color, channels == 2 || channels == 4);
    metadata.png_software = header.software.clone();
    let orientation = header.exif.map_or(1, |tiff| metadata.read_exif(tiff));
    if let Some(packet) = header.xmp {
        metadata.read_xmp(packet);
    }
    let decoded = guarded(FORMAT, || decode(bytes, &header, limits, &mut metadata))?;
    Ok(Upload {
        decoded,
        metadata,
        orientation,
    })
}

/// Walks the chunks from IHDR to IEND. Bounded: each step advances by at least 12 bytes; only
/// small text values are copied.
pub(crate) fn parse_header(bytes: &[u8]) -> Result<PngHeader<'_>, IntakeError> {
    let mut header = PngHeader::default();
    let mut pos = SIGNATURE_LEN;
    let mut first = true;
    while let Some(length_bytes) = bytes.get(pos..pos + 4) {
        let length = usize::try_from(be_u32(length_bytes)).unwrap_or(usize::MAX);
        if length > 0x7FFF_FFFF {
            return Err(IntakeError::corrupt(FORMAT, "chunk length over 2^31"));
        }
        let Some(kind) = bytes.get(pos + 4..pos + 8) else { break };
        let Some(data) = bytes.get(pos + 8..pos + 8 + length) else {
            break;
        };
        if first && kind != b"IHDR" {
            return Err(IntakeError::corrupt(FORMAT, "the first chunk is not IHDR"));
        }
        first = false;
        read_chunk(&mut header, kind, data)?;
        if kind == b"IEND" {
            header.has_iend = true;
            break;
        }
        pos += 12 + length;
    }
    if first {
        return Err(IntakeError::truncated(FORMAT, "the file ends before the IHDR chunk"));
    }
    Ok(header)
}

fn read_chunk<'a>(header: &mut PngHeader<'a>, kind: &[u8], data: &'a [u8]) -> Result<(), IntakeError> {
    match kind {
        b"IHDR" => {
            let Some(&[w0, w1, w2, w3, h0, h1, h2, h3, depth, color, _, _, interlace]) = data.get(..13) else {
                return Err(IntakeError::corrupt(FORMAT, "IHDR too short"));
            };
            header.width = u32::from_be_bytes([w0, w1, w2, w3]);
            header.height = u32::from_be_bytes([h0, h1, h2, h3]);
            header.bit_depth = depth;
            header.color_type = color;
            header.interlaced = interlace != 0;
        }
        b"tEXt" => {
            if let Some((b"Software", text)) = split_keyword(data) {
                // tEXt is Latin-1: every byte is the code point of the same value.
                let latin1: String = text.iter().map(|&b| char::from(b)).collect();
                if header.software.is_none() {
                    header.software = clean_text(latin1.as_bytes());
                }
            }
        }
        b"iTXt" => read_international_text(header, data),
        b"eXIf" => {
            header.exif.get_or_insert(data);
        }
        b"acTL" => header.animation_frames = data.get(..4).map(be_u32),
        b"tRNS" => header.has_transparency_chunk = true,
        b"iCCP" => header.has_icc = true,
        _ => {}
    }
    Ok(())
}

/// iTXt: keyword, NUL, compression flag, method, language tag, NUL, translated keyword, NUL,
/// UTF-8 text. Compressed iTXt (and zTXt) is skipped: inflating text is not worth the risk
/// for a hint (Software is practically always stored uncompressed).
fn read_international_text<'a>(header: &mut PngHeader<'a>, data: &'a [u8]) {
    let Some((keyword, rest)) = split_keyword(data) else {
        return;
    };
    let Some((&[compressed, _method], rest)) = rest.split_first_chunk::<2>() else {
        return;
    };
    if compressed != 0 {
        return;
    }
    let Some((_language, rest)) = split_keyword(rest) else {
        return;
    };
    let Some((_translated, text)) = split_keyword(rest) else {
        return;
    };
    match keyword {
        b"Software" if header.software.is_none() => header.software = clean_text(text),
        XMP_KEYWORD => {
            header.xmp.get_or_insert(text);
        }
        _ => {}
    }
}

/// Splits `keyword\0rest`.
fn split_keyword(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = data.iter().take(80).position(|&b| b == 0)?;
    Some((data.get(..nul)?, data.get(nul + 1..)?))
}

/// Output channels after the decoder's expansion (palette → RGB, tRNS → alpha) and the stored
/// colour model.
fn channels_and_color(header: &PngHeader<'_>) -> Result<(u64, ColorModel), IntakeError> {
    let alpha = u64::from(header.has_transparency_chunk);
    match header.color_type {
        0 => Ok((1 + alpha, ColorModel::Gray)),
        2 => Ok((3 + alpha, ColorModel::Rgb)),
        3 => Ok((3 + alpha, ColorModel::Palette)),
        4 => Ok((2, ColorModel::GrayAlpha)),
        6 => Ok((4, ColorModel::Rgba)),
        other => Err(IntakeError::corrupt(FORMAT, format!("colour type {other} in IHDR"))),
    }
}

fn decode(
    bytes: &[u8],
    header: &PngHeader<'_>,
    limits: &IntakeLimits,
    metadata: &mut Metadata,
) -> Result<Decoded, IntakeError> {
    let mut decoder = image::codecs::png::PngDecoder::with_limits(Cursor::new(bytes), limits.decoder_limits())
        .map_err(|e| image_error(FORMAT, e))?;
    let (width, height) = decoder.dimensions();
    if (width, height) != (header.width, header.height) {
        return Err(IntakeError::corrupt(
            FORMAT,
            "the decoder reads other dimensions than IHDR",
        ));
    }
    if header.has_icc {
        metadata.read_icc(decoder.icc_profile().ok().flatten().as_deref());
    }
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(FORMAT, e))?;
    Ok(Decoded {
        image: to_rgb(image),
        width,
        height,
        detail: None,
    })
}

fn be_u32(bytes: &[u8]) -> u32 {
    match bytes {
        &[a, b, c, d, ..] => u32::from_be_bytes([a, b, c, d]),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&[0, 0, 0, 0]); // CRC is not checked by the header walk
        out
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        for c in chunks {
            out.extend_from_slice(c);
        }
        out
    }

    fn ihdr(width: u32, height: u32, color: u8) -> Vec<u8> {
        let mut data = width.to_be_bytes().to_vec();
        data.extend_from_slice(&height.to_be_bytes());
        data.extend_from_slice(&[8, color, 0, 0, 1]);
        chunk(b"IHDR", &data)
    }

    #[test]
    fn text_chunks_and_flags() {
        let bytes = png(&[
            ihdr(10, 20, 3),
            chunk(b"tEXt", b"Software\0GIMP \xe9"),
            chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
            chunk(b"tRNS", &[0]),
            chunk(b"acTL", &[0, 0, 0, 3, 0, 0, 0, 0]),
            chunk(b"IEND", &[]),
        ]);
        let header = parse_header(&bytes).unwrap();
        assert_eq!((header.width, header.height, header.color_type), (10, 20, 3));
        assert!(header.interlaced && header.has_transparency_chunk && header.has_iend);
        assert_eq!(header.software.as_deref(), Some("GIMP é"));
        assert_eq!(header.xmp, Some(&b"<x:xmpmeta/>"[..]));
        assert_eq!(header.animation_frames, Some(3));
    }

    #[test]
    fn utf8_software_in_itxt() {
        let bytes = png(&[ihdr(1, 1, 2), chunk(b"iTXt", "Software\0\0\0\0\0美图秀秀".as_bytes())]);
        let header = parse_header(&bytes).unwrap();
        assert_eq!(header.software.as_deref(), Some("美图秀秀"));
        assert!(!header.has_iend);
    }

    #[test]
    fn first_chunk_must_be_ihdr() {
        let bytes = png(&[chunk(b"tEXt", b"a\0b"), ihdr(1, 1, 2)]);
        assert!(matches!(parse_header(&bytes), Err(IntakeError::Corrupt { .. })));
    }

    #[test]
    fn signature_only_is_truncated() {
        assert!(matches!(parse_header(&png(&[])), Err(IntakeError::Truncated { .. })));
    }

    #[test]
    fn huge_chunk_length_is_corrupt_not_a_long_walk() {
        let mut bytes = png(&[ihdr(1, 1, 2)]);
        bytes.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, b'I', b'D', b'A', b'T']);
        assert!(matches!(parse_header(&bytes), Err(IntakeError::Corrupt { .. })));
    }
}
