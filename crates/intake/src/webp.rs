//! WebP: a bounded walk over the RIFF chunks (VP8/VP8L/VP8X dimensions, animation, alpha,
//! EXIF, XMP, ICCP), then a full decode by the image crate (image-webp) under the same limits.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder};

use crate::decode::{guarded, image_error, to_rgb, Decoded, Upload};
use crate::metadata::{ColorModel, Metadata};
use crate::{ImageFormat, IntakeError, IntakeLimits};

const FORMAT: ImageFormat = ImageFormat::Webp;
const RIFF_HEADER_LEN: usize = 12;

const VP8X_ANIMATION: u8 = 0x02;
const VP8X_ALPHA: u8 = 0x10;

/// What the RIFF chunks declare.
#[derive(Debug, Default)]
pub(crate) struct WebpHeader<'a> {
    pub width: u32,
    pub height: u32,
    pub has_alpha: bool,
    pub animated: bool,
    /// A VP8 or VP8L bitstream chunk is present.
    pub has_bitstream: bool,
    pub exif: Option<&'a [u8]>,
    pub xmp: Option<&'a [u8]>,
    pub icc: Option<&'a [u8]>,
    /// Every chunk, and the RIFF size, fit in the file.
    pub complete: bool,
}

/// Reads a WebP: header, limits, metadata, pixels at full size.
pub(crate) fn read(bytes: &[u8], limits: &IntakeLimits) -> Result<Upload, IntakeError> {
    let header = parse_header(bytes)?;
    if header.width == 0 || header.height == 0 {
        return Err(if header.complete {
            IntakeError::corrupt(FORMAT, "no image dimensions in the header")
        } else {
            IntakeError::truncated(FORMAT, "the file ends inside the header")
        });
    }
    limits.check_dimensions(header.width, header.height)?;
    // An animation is not a photo of a document, and its first frame alone could hide the rest.
    if header.animated {
        return Err(IntakeError::Animated { format: FORMAT });
    }
    if !header.complete {
        return Err(IntakeError::truncated(
            FORMAT,
            "the file is shorter than its RIFF header says",
        ));
    }
    if !header.has_bitstream {
        return Err(IntakeError::corrupt(FORMAT, "no VP8 or VP8L image data"));
    }
    let channels = if header.has_alpha { 4 } else { 3 };
    limits.check_decoded_bytes(u64::from(header.width) * u64::from(header.height) * channels)?;
    let color = if header.has_alpha {
        ColorModel::Rgba
    } else {
        ColorModel::Rgb
    };
    let mut metadata = Metadata::new(8, color, header.has_alpha);
    let orientation = header.exif.map_or(1, |tiff| metadata.read_exif(tiff));
    if let Some(packet) = header.xmp {
        metadata.read_xmp(packet);
    }
    if let Some(profile) = header.icc {
        metadata.read_icc(Some(profile));
    }
    let decoded = guarded(FORMAT, || decode(bytes, &header, limits))?;
    Ok(Upload {
        decoded,
        metadata,
        orientation,
    })
}

/// Walks the RIFF chunks. Bounded: each step advances by at least 8 bytes; nothing is copied.
pub(crate) fn parse_header(bytes: &[u8]) -> Result<WebpHeader<'_>, IntakeError> {
    let riff_size = bytes.get(4..8).map_or(0, le_u32);
    let riff_end = usize::try_from(riff_size).unwrap_or(usize::MAX).saturating_add(8);
    let mut header = WebpHeader {
        complete: riff_end <= bytes.len(),
        ..WebpHeader::default()
    };
    let end = riff_end.min(bytes.len());
    let mut pos = RIFF_HEADER_LEN;
    while pos + 8 <= end {
        let (Some(kind), Some(size)) = (bytes.get(pos..pos + 4), bytes.get(pos + 4..pos + 8).map(le_u32)) else {
            break;
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let data_end = pos.saturating_add(8).saturating_add(size);
        // A cut chunk is still read as far as it goes (the dimensions come first), then the
        // walk stops with the file marked incomplete.
        let cut = data_end > end;
        let data = bytes.get(pos + 8..data_end.min(end)).unwrap_or_default();
        let read = read_chunk(&mut header, kind, data, pos == RIFF_HEADER_LEN);
        if cut {
            header.complete = false;
            break;
        }
        read?;
        // Chunks are padded to an even size.
        pos = data_end.saturating_add(size & 1);
    }
    Ok(header)
}

fn read_chunk<'a>(header: &mut WebpHeader<'a>, kind: &[u8], data: &'a [u8], first: bool) -> Result<(), IntakeError> {
    match kind {
        b"VP8X" => {
            let Some(&[flags, _, _, _, w0, w1, w2, h0, h1, h2]) = data.get(..10) else {
                return Err(IntakeError::corrupt(FORMAT, "VP8X chunk too short"));
            };
            header.width = u32::from_le_bytes([w0, w1, w2, 0]) + 1;
            header.height = u32::from_le_bytes([h0, h1, h2, 0]) + 1;
            header.animated |= flags & VP8X_ANIMATION != 0;
            header.has_alpha |= flags & VP8X_ALPHA != 0;
        }
        b"VP8 " => {
            header.has_bitstream = true;
            if first {
                let Some(&[_, _, _, 0x9D, 0x01, 0x2A, w0, w1, h0, h1]) = data.get(..10) else {
                    return Err(IntakeError::corrupt(FORMAT, "VP8 frame header is malformed"));
                };
                header.width = u32::from(u16::from_le_bytes([w0, w1]) & 0x3FFF);
                header.height = u32::from(u16::from_le_bytes([h0, h1]) & 0x3FFF);
            }
        }
        b"VP8L" => {
            header.has_bitstream = true;
            if first {
                let Some(&[0x2F, b0, b1, b2, b3]) = data.get(..5) else {
                    return Err(IntakeError::corrupt(FORMAT, "VP8L header is malformed"));
                };
                let bits = u32::from_le_bytes([b0, b1, b2, b3]);
                header.width = (bits & 0x3FFF) + 1;
                header.height = ((bits >> 14) & 0x3FFF) + 1;
                header.has_alpha |= (bits >> 28) & 1 != 0;
            }
        }
        b"ANIM" | b"ANMF" => header.animated = true,
        b"ALPH" => header.has_alpha = true,
        b"EXIF" => {
            header.exif.get_or_insert(data);
        }
        b"XMP " => {
            header.xmp.get_or_insert(data);
        }
        b"ICCP" => {
            header.icc.get_or_insert(data);
        }
        _ => {}
    }
    Ok(())
}

fn decode(bytes: &[u8], header: &WebpHeader<'_>, limits: &IntakeLimits) -> Result<Decoded, IntakeError> {
    let mut decoder = image::codecs::webp::WebPDecoder::new(Cursor::new(bytes)).map_err(|e| image_error(FORMAT, e))?;
    if decoder.has_animation() {
        return Err(IntakeError::Animated { format: FORMAT });
    }
    let (width, height) = decoder.dimensions();
    if (width, height) != (header.width, header.height) {
        return Err(IntakeError::corrupt(
            FORMAT,
            "the decoder reads other dimensions than the header",
        ));
    }
    decoder
        .set_limits(limits.decoder_limits())
        .map_err(|e| image_error(FORMAT, e))?;
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(FORMAT, e))?;
    Ok(Decoded {
        image: to_rgb(image),
        width,
        height,
        detail: None,
    })
}

fn le_u32(bytes: &[u8]) -> u32 {
    match bytes {
        &[a, b, c, d, ..] => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riff(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut body = b"WEBP".to_vec();
        for (kind, data) in chunks {
            body.extend_from_slice(*kind);
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

    fn vp8x(flags: u8, width: u32, height: u32) -> Vec<u8> {
        let mut data = vec![flags, 0, 0, 0];
        data.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
        data.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
        data
    }

    #[test]
    fn extended_header_flags_and_metadata_chunks() {
        let bytes = riff(&[
            (b"VP8X", vp8x(VP8X_ALPHA, 300, 200)),
            (b"ICCP", b"icc".to_vec()),
            (b"VP8L", vec![0x2F, 0, 0, 0, 0]),
            (b"EXIF", b"MM\0*".to_vec()),
        ]);
        let header = parse_header(&bytes).unwrap();
        assert_eq!((header.width, header.height), (300, 200));
        assert!(header.has_alpha && header.has_bitstream && header.complete && !header.animated);
        assert_eq!(header.icc, Some(&b"icc"[..]));
        assert_eq!(header.exif, Some(&b"MM\0*"[..]));
    }

    #[test]
    fn lossless_dimensions() {
        // width 1000, height 700: (999) | (699 << 14)
        let bits: u32 = 999 | (699 << 14);
        let mut data = vec![0x2F];
        data.extend_from_slice(&bits.to_le_bytes());
        let bytes = riff(&[(b"VP8L", data)]);
        let header = parse_header(&bytes).unwrap();
        assert_eq!((header.width, header.height, header.has_alpha), (1000, 700, false));
    }

    #[test]
    fn animation_is_flagged_by_vp8x_or_chunks() {
        let flagged = riff(&[(b"VP8X", vp8x(VP8X_ANIMATION, 2, 2))]);
        assert!(parse_header(&flagged).unwrap().animated);
        let chunked = riff(&[(b"VP8X", vp8x(0, 2, 2)), (b"ANIM", vec![0; 6])]);
        assert!(parse_header(&chunked).unwrap().animated);
    }

    #[test]
    fn short_file_is_incomplete() {
        let mut bytes = riff(&[(b"VP8L", vec![0x2F, 0, 0, 0, 0, 1, 2, 3])]);
        bytes.truncate(bytes.len() - 3);
        assert!(!parse_header(&bytes).unwrap().complete);
    }
}
