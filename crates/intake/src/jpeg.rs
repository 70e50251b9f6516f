//! JPEG: a bounded walk over the marker segments up to the first scan (dimensions, tables,
//! APP segments), then a decode scaled in the IDCT domain.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, RgbImage};

use crate::baseline;
use crate::decode::{guarded, image_error, to_rgb, Decoded, Upload};
use crate::metadata::{ColorModel, Metadata};
use crate::quality::{self, QuantTable};
use crate::{ImageFormat, IntakeError, IntakeLimits};

const FORMAT: ImageFormat = ImageFormat::Jpeg;
const EXIF_ID: &[u8] = b"Exif\0\0";
const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const ICC_ID: &[u8] = b"ICC_PROFILE\0";
const PHOTOSHOP_ID: &[u8] = b"Photoshop 3.0\0";
/// ICC profiles are split over at most 255 APP2 segments; more is garbage.
const MAX_ICC_CHUNKS: usize = 255;

/// Zigzag scan position → natural (row-major) position (ITU-T T.81 figure A.6).
#[rustfmt::skip]
pub(crate) const ZIGZAG_TO_NATURAL: [usize; 64] = [
     0,  1,  8, 16,  9,  2,  3, 10,
    17, 24, 32, 25, 18, 11,  4,  5,
    12, 19, 26, 33, 40, 48, 41, 34,
    27, 20, 13,  6,  7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36,
    29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46,
    53, 60, 61, 54, 47, 55, 62, 63,
];

/// The frame header (SOFn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Frame {
    /// The SOFn marker byte (0xC0 baseline, 0xC1 extended, 0xC2 progressive, …).
    pub marker: u8,
    pub precision: u8,
    pub width: u32,
    pub height: u32,
    pub components: u8,
    /// Quantization table used by the first (luminance) component.
    pub luma_table: u8,
}

/// One component of the frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ComponentSpec {
    pub id: u8,
    pub horizontal: u8,
    pub vertical: u8,
    pub quant_table: u8,
}

/// A Huffman table as defined in DHT: code counts per length 1–16 and the symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HuffmanSpec<'a> {
    pub counts: [u8; 16],
    pub symbols: &'a [u8],
}

/// The first scan header (SOS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanSpec {
    /// `(component id, DC table, AC table)` in scan order.
    pub components: Vec<(u8, u8, u8)>,
    pub spectral_start: u8,
    pub spectral_end: u8,
    pub approximation: u8,
}

/// Everything read from the segments before the first scan.
#[derive(Debug, Default)]
pub(crate) struct JpegHeader<'a> {
    pub frame: Option<Frame>,
    pub components: Vec<ComponentSpec>,
    pub tables: [Option<QuantTable>; 4],
    /// DHT tables, index `class * 4 + id` (class 0 DC, 1 AC).
    pub huffman: [Option<HuffmanSpec<'a>>; 8],
    pub restart_interval: u16,
    pub adobe_transform: Option<u8>,
    pub scan: Option<ScanSpec>,
    /// Offset of the first scan's entropy-coded data.
    pub scan_data: usize,
    pub has_jfif: bool,
    pub exif: Option<&'a [u8]>,
    pub xmp: Option<&'a [u8]>,
    /// `(sequence number, chunk count, data)` of each ICC APP2 segment.
    pub icc_chunks: Vec<(u8, u8, &'a [u8])>,
    pub photoshop_irb: bool,
    /// The end-of-image marker follows the first scan (else the file was cut off).
    pub has_eoi: bool,
}

/// Reads a JPEG: header, limits, metadata, then pixels at least as large as the working copy.
pub(crate) fn read(bytes: &[u8], limits: &IntakeLimits) -> Result<Upload, IntakeError> {
    let header = parse_header(bytes)?;
    let frame = header
        .frame
        .ok_or_else(|| IntakeError::corrupt(FORMAT, "no frame header before the image data"))?;
    if frame.width == 0 || frame.height == 0 {
        return Err(IntakeError::corrupt(FORMAT, "zero width or height in the frame header"));
    }
    limits.check_dimensions(frame.width, frame.height)?;
    check_supported(&frame)?;
    if !header.has_eoi {
        return Err(IntakeError::truncated(FORMAT, "the end-of-image marker is missing"));
    }
    let (metadata, orientation) = metadata(&header, &frame);
    let target = limits.working_size(frame.width, frame.height);
    let decoded = decode(bytes, &header, &frame, target, limits)?;
    Ok(Upload {
        decoded,
        metadata,
        orientation,
    })
}

/// Walks the marker segments up to the first SOS. Bounded: each step advances by at least one
/// byte, and no segment is copied.
pub(crate) fn parse_header(bytes: &[u8]) -> Result<JpegHeader<'_>, IntakeError> {
    let mut header = JpegHeader::default();
    let mut pos = 2; // after SOI
    loop {
        pos = next_marker_code(bytes, pos);
        let Some(&marker) = bytes.get(pos) else {
            return Err(IntakeError::truncated(FORMAT, "the file ends before the image data"));
        };
        pos += 1;
        match marker {
            // Standalone markers: no length.
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 => return Err(IntakeError::corrupt(FORMAT, "the image ends before any image data")),
            _ => {}
        }
        let length = match bytes.get(pos..pos + 2) {
            Some(&[high, low]) => usize::from(u16::from_be_bytes([high, low])),
            _ => return Err(IntakeError::truncated(FORMAT, "the file ends inside a segment header")),
        };
        if length < 2 {
            return Err(IntakeError::corrupt(
                FORMAT,
                format!("segment length {length} at byte {pos}"),
            ));
        }
        let Some(data) = bytes.get(pos + 2..pos + length) else {
            return Err(IntakeError::truncated(FORMAT, "the file ends inside a header segment"));
        };
        pos += length;
        if marker == 0xDA {
            if header.frame.is_none() {
                return Err(IntakeError::corrupt(FORMAT, "image data before the frame header"));
            }
            header.scan = parse_scan(data);
            header.scan_data = pos;
            header.has_eoi = has_end_marker(bytes.get(pos..).unwrap_or_default());
            return Ok(header);
        }
        read_segment(&mut header, marker, data)?;
    }
}

/// Position of the next marker code after `pos`: stray bytes between segments (not allowed,
/// but they occur; libjpeg skips them, so do we) and 0xFF fill bytes are skipped.
fn next_marker_code(bytes: &[u8], pos: usize) -> usize {
    let rest = bytes.get(pos..).unwrap_or_default();
    let stray = rest.iter().take_while(|&&b| b != 0xFF).count();
    let fill = rest
        .get(stray..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| b == 0xFF)
        .count();
    pos + stray + fill
}

/// Whether `entropy` (everything after the first scan header) contains an EOI marker.
/// Searched from the end: files usually end with it, so the common case is O(1); inside
/// entropy-coded data `FF D9` cannot occur (0xFF is stuffed as `FF 00`).
fn has_end_marker(entropy: &[u8]) -> bool {
    entropy.windows(2).rev().any(|pair| pair == [0xFF, 0xD9])
}

fn read_segment<'a>(header: &mut JpegHeader<'a>, marker: u8, data: &'a [u8]) -> Result<(), IntakeError> {
    match marker {
        0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) && header.frame.is_none() => {
            let (frame, components) = parse_frame(marker, data)?;
            header.frame = Some(frame);
            header.components = components;
        }
        0xC4 => parse_huffman_tables(&mut header.huffman, data)?,
        0xDB => parse_quant_tables(&mut header.tables, data)?,
        0xDD => {
            if let Some(&[high, low]) = data.get(..2) {
                header.restart_interval = u16::from_be_bytes([high, low]);
            }
        }
        0xEE if data.starts_with(b"Adobe") => header.adobe_transform = data.get(11).copied(),
        0xE0 => header.has_jfif |= data.starts_with(b"JFIF\0"),
        0xE1 => {
            if let Some(tiff) = data.strip_prefix(EXIF_ID) {
                header.exif.get_or_insert(tiff);
            } else if let Some(packet) = data.strip_prefix(XMP_ID) {
                header.xmp.get_or_insert(packet);
            }
        }
        0xE2 => {
            if let Some(chunk) = data.strip_prefix(ICC_ID) {
                if let (Some(&seq), Some(&count), Some(body)) = (chunk.first(), chunk.get(1), chunk.get(2..)) {
                    if header.icc_chunks.len() < MAX_ICC_CHUNKS {
                        header.icc_chunks.push((seq, count, body));
                    }
                }
            }
        }
        0xED => header.photoshop_irb |= data.starts_with(PHOTOSHOP_ID),
        _ => {}
    }
    Ok(())
}

fn parse_frame(marker: u8, data: &[u8]) -> Result<(Frame, Vec<ComponentSpec>), IntakeError> {
    let short = || IntakeError::corrupt(FORMAT, "frame header too short");
    let &[precision, h1, h0, w1, w0, count] = data.get(..6).ok_or_else(short)? else {
        return Err(short());
    };
    let specs = data.get(6..6 + usize::from(count) * 3).ok_or_else(short)?;
    let components: Vec<ComponentSpec> = specs
        .chunks_exact(3)
        .map(|spec| match *spec {
            [id, sampling, quant_table] => ComponentSpec {
                id,
                horizontal: sampling >> 4,
                vertical: sampling & 0x0F,
                quant_table,
            },
            _ => ComponentSpec {
                id: 0,
                horizontal: 0,
                vertical: 0,
                quant_table: 0,
            },
        })
        .collect();
    let frame = Frame {
        marker,
        precision,
        width: u32::from(u16::from_be_bytes([w1, w0])),
        height: u32::from(u16::from_be_bytes([h1, h0])),
        components: count,
        luma_table: components.first().map_or(0, |c| c.quant_table),
    };
    Ok((frame, components))
}

/// DHT: one or more tables, each `Tc|Th`, 16 code counts, then the symbols.
fn parse_huffman_tables<'a>(tables: &mut [Option<HuffmanSpec<'a>>; 8], mut data: &'a [u8]) -> Result<(), IntakeError> {
    while let Some((&spec, rest)) = data.split_first() {
        let counts: [u8; 16] = match rest.get(..16).map(<[u8; 16]>::try_from) {
            Some(Ok(counts)) => counts,
            _ => return Err(IntakeError::corrupt(FORMAT, "Huffman table too short")),
        };
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let Some(symbols) = rest.get(16..16 + total) else {
            return Err(IntakeError::corrupt(FORMAT, "Huffman table too short"));
        };
        let index = usize::from(spec >> 4) * 4 + usize::from(spec & 0x0F);
        if let Some(slot) = tables.get_mut(index) {
            *slot = Some(HuffmanSpec { counts, symbols });
        }
        data = rest.get(16 + total..).unwrap_or_default();
    }
    Ok(())
}

/// SOS: component count, `(id, Td|Ta)` per component, Ss, Se, Ah|Al. `None` if malformed.
fn parse_scan(data: &[u8]) -> Option<ScanSpec> {
    let (&count, rest) = data.split_first()?;
    let selectors = rest.get(..usize::from(count) * 2)?;
    let &[spectral_start, spectral_end, approximation] =
        rest.get(usize::from(count) * 2..usize::from(count) * 2 + 3)?
    else {
        return None;
    };
    let components = selectors
        .chunks_exact(2)
        .filter_map(|pair| match *pair {
            [id, tables] => Some((id, tables >> 4, tables & 0x0F)),
            _ => None,
        })
        .collect();
    Some(ScanSpec {
        components,
        spectral_start,
        spectral_end,
        approximation,
    })
}

/// DQT: one or more tables, each `Pq|Tq` then 64 entries of 8 or 16 bits in zigzag order.
fn parse_quant_tables(tables: &mut [Option<QuantTable>; 4], mut data: &[u8]) -> Result<(), IntakeError> {
    while let Some((&spec, rest)) = data.split_first() {
        let sixteen_bit = spec >> 4 != 0;
        let entry_len = if sixteen_bit { 2 } else { 1 };
        let Some(body) = rest.get(..64 * entry_len) else {
            return Err(IntakeError::corrupt(FORMAT, "quantization table too short"));
        };
        let mut values = [0u16; 64];
        for (zigzag, entry) in body.chunks_exact(entry_len).enumerate() {
            let value = match entry {
                [high, low] => u16::from_be_bytes([*high, *low]),
                [byte] => u16::from(*byte),
                _ => 0,
            };
            if let Some(slot) = ZIGZAG_TO_NATURAL
                .get(zigzag)
                .and_then(|&natural| values.get_mut(natural))
            {
                *slot = value;
            }
        }
        if let Some(slot) = tables.get_mut(usize::from(spec & 0x0F)) {
            *slot = Some(QuantTable { values, sixteen_bit });
        }
        data = rest.get(64 * entry_len..).unwrap_or_default();
    }
    Ok(())
}

/// Refuses what the decoders cannot handle, with the reason.
fn check_supported(frame: &Frame) -> Result<(), IntakeError> {
    let coding = match frame.marker {
        0xC0..=0xC2 => None,
        0xC3 => Some("lossless"),
        0xC5..=0xC7 => Some("hierarchical"),
        _ => Some("arithmetic"),
    };
    if let Some(coding) = coding {
        return Err(IntakeError::unsupported(
            format!("jpeg ({coding} coding)"),
            format!("this JPEG uses {coding} coding, which is not supported; please send an ordinary JPEG photo"),
        ));
    }
    if frame.precision != 8 {
        return Err(IntakeError::unsupported(
            format!("jpeg ({}-bit)", frame.precision),
            "only 8-bit JPEG images are supported; please send an ordinary JPEG photo",
        ));
    }
    if !matches!(frame.components, 1 | 3 | 4) {
        return Err(IntakeError::corrupt(
            FORMAT,
            format!("{} colour components (1, 3 or 4 expected)", frame.components),
        ));
    }
    Ok(())
}

fn metadata(header: &JpegHeader<'_>, frame: &Frame) -> (Metadata, u8) {
    let color = match frame.components {
        1 => ColorModel::Gray,
        4 => ColorModel::Cmyk,
        _ => ColorModel::Rgb,
    };
    let mut metadata = Metadata::new(frame.precision, color, false);
    metadata.jpeg_progressive = frame.marker == 0xC2;
    metadata.has_jfif = header.has_jfif;
    metadata.photoshop_irb = header.photoshop_irb;
    if let Some(table) = header
        .tables
        .get(usize::from(frame.luma_table & 0x03))
        .copied()
        .flatten()
    {
        let estimate = quality::estimate(&table);
        metadata.jpeg_quality_estimate = Some(estimate.quality);
        metadata.jpeg_standard_tables = estimate.exact;
    }
    let orientation = header.exif.map_or(1, |tiff| metadata.read_exif(tiff));
    if let Some(packet) = header.xmp {
        metadata.read_xmp(packet);
    }
    if !header.icc_chunks.is_empty() {
        metadata.read_icc(assemble_icc(&header.icc_chunks).as_deref());
    }
    (metadata, orientation)
}

/// Concatenates ICC chunks in sequence order; `None` unless numbered 1..=count without gaps.
fn assemble_icc(chunks: &[(u8, u8, &[u8])]) -> Option<Vec<u8>> {
    let count = chunks.first()?.1;
    if usize::from(count) != chunks.len() {
        return None;
    }
    let mut profile = Vec::new();
    for seq in 1..=count {
        let (_, _, body) = chunks.iter().find(|(s, c, _)| *s == seq && *c == count)?;
        profile.extend_from_slice(body);
    }
    Some(profile)
}

/// Decodes with the fastest decoder for this file and size, the others as fallbacks:
/// - a baseline file whose 1/8, 1/4 or 1/2 scale reaches 3/4 of `target`: at that scale with a
///   full-size detail patch ([`decode_with_detail`]);
/// - otherwise, the image is at least twice the working size: reduced in the IDCT domain by the smallest
///   of 1/8, 1/4, 1/2 whose output still covers `target` (a 12 MP photo is never decoded at
///   full size) — by [`baseline::decode_reduced`] for the baseline YCbCr/grey files phones
///   write, else by jpeg-decoder (progressive, CMYK, unusual sampling);
/// - otherwise every decoder works at full size, and the image crate's (zune-jpeg, SIMD IDCT
///   and colour conversion) is the fastest there.
fn decode(
    bytes: &[u8],
    header: &JpegHeader<'_>,
    frame: &Frame,
    target: (u32, u32),
    limits: &IntakeLimits,
) -> Result<Decoded, IntakeError> {
    // zune-jpeg always outputs grey or RGB.
    let full_bytes = u64::from(frame.width) * u64::from(frame.height) * u64::from(frame.components.min(3));
    let scaled = || guarded(FORMAT, || decode_scaled(bytes, frame, target, limits));
    let full = || {
        limits.check_decoded_bytes(full_bytes)?;
        guarded(FORMAT, || decode_full_with_image(bytes, limits))
    };
    if let Some(decoded) = decode_with_detail(bytes, header, frame, target, limits)? {
        return Ok(decoded);
    }
    let eighths = idct_eighths(frame, target);
    if eighths == 8 {
        return full().or_else(|first_error| scaled().map_err(|_| first_error));
    }
    let reduced = |side: u32| u64::from(scaled_side(side, eighths));
    limits.check_decoded_bytes(reduced(frame.width) * reduced(frame.height) * 3)?;
    let fast = guarded(FORMAT, || Ok(baseline::decode_reduced(bytes, header, eighths)));
    if let Ok(Some(image)) = fast {
        return Ok(Decoded {
            image,
            width: frame.width,
            height: frame.height,
            detail: None,
        });
    }
    scaled().or_else(|first_error| full().map_err(|_| first_error))
}

/// The fast path for large photos (at least about 1.5 times the working size) that the
/// baseline decoder handles: decoded at the smallest of 1/8, 1/4, 1/2 whose output still
/// reaches 3/4 of the working size (a 12 MP photo: 1/4, 1000 × 750 for 1280 — the working
/// copy as it is, no resampling), while the blocks under the detail patch are also turned
/// into full-size pixels in the same pass, so the screen-pattern check sees the display's
/// pixel grid as the camera recorded it (a reduced decode is an ideal low-pass that removes
/// it). `Ok(None)` when this path does not apply or the file is not one the baseline decoder
/// handles.
fn decode_with_detail(
    bytes: &[u8],
    header: &JpegHeader<'_>,
    frame: &Frame,
    target: (u32, u32),
    limits: &IntakeLimits,
) -> Result<Option<Decoded>, IntakeError> {
    let Some(eighths) = smallest_eighths_reaching(frame, target, (3, 4)) else {
        return Ok(None);
    };
    let pixels = |(w, h): (u32, u32)| u64::from(w) * u64::from(h) * 3;
    let (x, y, width, height) = crate::centre_window(frame.width, frame.height, limits.detail_max_side);
    let whole = (scaled_side(frame.width, eighths), scaled_side(frame.height, eighths));
    limits.check_decoded_bytes(pixels(whole) + pixels((width, height)))?;
    let window = baseline::Window {
        x: x as usize,
        y: y as usize,
        width: width as usize,
        height: height as usize,
    };
    let decoded = guarded(FORMAT, || {
        Ok(baseline::decode_reduced_with_detail(bytes, header, eighths, window))
    });
    let Ok(Some((image, detail))) = decoded else {
        return Ok(None);
    };
    Ok(Some(Decoded {
        image,
        width: frame.width,
        height: frame.height,
        detail: Some((detail, 1.0)),
    }))
}

/// The IDCT output size jpeg-decoder picks, in eighths: the smallest of 1, 2, 4 whose scaled
/// width or height reaches the target (its `choose_idct_size`), else 8 (full size).
fn idct_eighths(frame: &Frame, target: (u32, u32)) -> u32 {
    smallest_eighths_reaching(frame, target, (1, 1)).unwrap_or(8)
}

/// The smallest of 1, 2, 4 eighths at which the scaled width or height reaches `part`
/// (numerator, denominator) of the target's, or `None`.
fn smallest_eighths_reaching(frame: &Frame, target: (u32, u32), (num, den): (u64, u64)) -> Option<u32> {
    let reaches =
        |side: u32, eighths: u32, wanted: u32| den * u64::from(scaled_side(side, eighths)) >= num * u64::from(wanted);
    [1, 2, 4]
        .into_iter()
        .find(|&eighths| reaches(frame.width, eighths, target.0) || reaches(frame.height, eighths, target.1))
}

/// `ceil(side · eighths / 8)`: a side's length at `eighths`/8 scale.
fn scaled_side(side: u32, eighths: u32) -> u32 {
    (side * eighths).div_ceil(8)
}

fn decode_scaled(
    bytes: &[u8],
    frame: &Frame,
    target: (u32, u32),
    limits: &IntakeLimits,
) -> Result<Decoded, IntakeError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_decoded_bytes).unwrap_or(usize::MAX));
    decoder.read_info().map_err(jpeg_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| IntakeError::corrupt(FORMAT, "no frame header"))?;
    if (u32::from(info.width), u32::from(info.height)) != (frame.width, frame.height) {
        return Err(IntakeError::corrupt(
            FORMAT,
            "the decoder reads other dimensions than the header",
        ));
    }
    let requested = (
        u16::try_from(target.0).unwrap_or(u16::MAX),
        u16::try_from(target.1).unwrap_or(u16::MAX),
    );
    let (width, height) = decoder.scale(requested.0, requested.1).map_err(jpeg_error)?;
    let channels = u64::from(frame.components);
    limits.check_decoded_bytes(u64::from(width) * u64::from(height) * channels)?;
    let pixels = decoder.decode().map_err(jpeg_error)?;
    let info = decoder
        .info()
        .ok_or_else(|| IntakeError::corrupt(FORMAT, "no frame header"))?;
    let image = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => gray_to_rgb(u32::from(width), u32::from(height), &pixels),
        jpeg_decoder::PixelFormat::RGB24 => RgbImage::from_raw(u32::from(width), u32::from(height), pixels),
        jpeg_decoder::PixelFormat::CMYK32 => cmyk_to_rgb(u32::from(width), u32::from(height), &pixels),
        jpeg_decoder::PixelFormat::L16 => None,
    };
    image
        .map(|image| Decoded {
            image,
            width: frame.width,
            height: frame.height,
            detail: None,
        })
        .ok_or_else(|| IntakeError::corrupt(FORMAT, "decoded pixel buffer has an unexpected size"))
}

fn decode_full_with_image(bytes: &[u8], limits: &IntakeLimits) -> Result<Decoded, IntakeError> {
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes)).map_err(|e| image_error(FORMAT, e))?;
    decoder
        .set_limits(limits.decoder_limits())
        .map_err(|e| image_error(FORMAT, e))?;
    let (width, height) = decoder.dimensions();
    let image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(FORMAT, e))?;
    Ok(Decoded {
        image: to_rgb(image),
        width,
        height,
        detail: None,
    })
}

fn gray_to_rgb(width: u32, height: u32, gray: &[u8]) -> Option<RgbImage> {
    let rgb: Vec<u8> = gray.iter().flat_map(|&g| [g, g, g]).collect();
    RgbImage::from_raw(width, height, rgb)
}

/// jpeg-decoder returns true CMYK (Adobe's inverted storage already undone, YCCK already
/// converted): R = (255 − C)(255 − K)/255, likewise G from M and B from Y.
fn cmyk_to_rgb(width: u32, height: u32, cmyk: &[u8]) -> Option<RgbImage> {
    let ink = |value: u8, black: u8| {
        let light = (255 - u32::from(value)) * (255 - u32::from(black));
        u8::try_from((light + 127) / 255).unwrap_or(u8::MAX)
    };
    let mut rgb = Vec::with_capacity(cmyk.len() / 4 * 3);
    for pixel in cmyk.chunks_exact(4) {
        if let &[c, m, y, k] = pixel {
            rgb.extend_from_slice(&[ink(c, k), ink(m, k), ink(y, k)]);
        }
    }
    RgbImage::from_raw(width, height, rgb)
}

fn jpeg_error(error: jpeg_decoder::Error) -> IntakeError {
    match error {
        jpeg_decoder::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            IntakeError::truncated(FORMAT, "the image data ends early")
        }
        jpeg_decoder::Error::Unsupported(feature) => IntakeError::unsupported(
            "jpeg",
            format!("this JPEG uses a feature that is not supported ({feature:?}); please send an ordinary JPEG photo"),
        ),
        other => IntakeError::corrupt(FORMAT, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    fn sof(width: u16, height: u16, components: u8) -> Vec<u8> {
        let mut body = vec![8];
        body.extend_from_slice(&height.to_be_bytes());
        body.extend_from_slice(&width.to_be_bytes());
        body.push(components);
        for id in 0..components {
            body.extend_from_slice(&[id + 1, 0x11, u8::from(id > 0)]);
        }
        segment(0xC0, &body)
    }

    #[test]
    fn header_walk_reads_frame_and_app_segments() {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        bytes.extend(segment(0xE1, b"Exif\0\0MM\0*"));
        bytes.extend(sof(640, 480, 3));
        bytes.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        bytes.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD9]);
        let header = parse_header(&bytes).unwrap();
        let frame = header.frame.unwrap();
        assert_eq!((frame.width, frame.height, frame.components), (640, 480, 3));
        assert!(header.has_jfif && header.has_eoi);
        assert_eq!(header.exif, Some(&b"MM\0*"[..]));
    }

    #[test]
    fn missing_end_marker_is_detected() {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend(sof(8, 8, 1));
        bytes.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        bytes.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34]);
        assert!(!parse_header(&bytes).unwrap().has_eoi);
    }

    #[test]
    fn segment_running_past_the_end_is_truncated() {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00];
        bytes.extend_from_slice(b"Exif");
        assert!(matches!(parse_header(&bytes), Err(IntakeError::Truncated { .. })));
    }

    #[test]
    fn scan_before_frame_is_corrupt() {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        assert!(matches!(parse_header(&bytes), Err(IntakeError::Corrupt { .. })));
    }

    #[test]
    fn dqt_is_unzigzagged() {
        let mut tables = [None; 4];
        let mut body = vec![0x00];
        body.extend((1..=64).map(|v| v as u8));
        parse_quant_tables(&mut tables, &body).unwrap();
        let table = tables[0].unwrap();
        assert_eq!(table.values[0], 1);
        assert_eq!(table.values[1], 2); // zigzag 1 → natural 1
        assert_eq!(table.values[8], 3); // zigzag 2 → natural 8 (row 1, col 0)
        assert_eq!(table.values[63], 64);
        assert!(parse_quant_tables(&mut tables, &[0x10, 1, 2]).is_err());
    }

    #[test]
    fn icc_chunks_assemble_in_order() {
        let chunks = [(2, 2, &b"cd"[..]), (1, 2, &b"ab"[..])];
        assert_eq!(assemble_icc(&chunks).as_deref(), Some(&b"abcd"[..]));
        assert_eq!(assemble_icc(&chunks[..1]), None);
    }

    #[test]
    fn idct_scale_is_the_smallest_that_covers_the_target() {
        let frame = |width, height| Frame {
            marker: 0xC0,
            precision: 8,
            width,
            height,
            components: 3,
            luma_table: 0,
        };
        assert_eq!(idct_eighths(&frame(4000, 3000), (1280, 960)), 4);
        assert_eq!(idct_eighths(&frame(4000, 3000), (500, 375)), 1);
        assert_eq!(idct_eighths(&frame(4000, 3000), (1000, 750)), 2);
        assert_eq!(idct_eighths(&frame(2500, 1655), (1280, 847)), 8);
        assert_eq!(idct_eighths(&frame(640, 480), (640, 480)), 8);
    }

    #[test]
    fn scaled_decode_really_reduces_in_the_idct() {
        let (width, height) = (800u16, 600u16);
        let pixels: Vec<u8> = (0..u32::from(width) * u32::from(height))
            .flat_map(|i| [(i % 251) as u8, 90, 200])
            .collect();
        let mut bytes = Vec::new();
        jpeg_encoder::Encoder::new(&mut bytes, 90)
            .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        let frame = parse_header(&bytes).unwrap().frame.unwrap();
        let decoded = decode_scaled(&bytes, &frame, (100, 75), &IntakeLimits::default()).unwrap();
        assert_eq!(decoded.image.dimensions(), (100, 75));
        assert_eq!((decoded.width, decoded.height), (800, 600));
        let quarter = decode_scaled(&bytes, &frame, (150, 100), &IntakeLimits::default()).unwrap();
        assert_eq!(quarter.image.dimensions(), (200, 150));
    }

    #[test]
    fn cmyk_decodes_through_both_decoders_alike() {
        let pixels: Vec<u8> = [0u8, 255, 0, 64].repeat(16 * 16);
        let mut bytes = Vec::new();
        jpeg_encoder::Encoder::new(&mut bytes, 95)
            .encode(&pixels, 16, 16, jpeg_encoder::ColorType::Cmyk)
            .unwrap();
        let frame = parse_header(&bytes).unwrap().frame.unwrap();
        let ours = decode_scaled(&bytes, &frame, (16, 16), &IntakeLimits::default())
            .unwrap()
            .image;
        let zune = decode_full_with_image(&bytes, &IntakeLimits::default()).unwrap().image;
        let expected = [191, 0, 191]; // (255 − C)(255 − K)/255 with C=0, M=255, Y=0, K=64
        for image in [ours, zune] {
            let found = image.get_pixel(8, 8).0;
            assert!(
                found.iter().zip(expected).all(|(&f, e)| f.abs_diff(e) <= 3),
                "{found:?}"
            );
        }
    }

    #[test]
    fn unsupported_coding_processes_are_named() {
        let frame = Frame {
            marker: 0xC9,
            precision: 8,
            width: 8,
            height: 8,
            components: 3,
            luma_table: 0,
        };
        match check_supported(&frame) {
            Err(IntakeError::Unsupported { format, .. }) => assert_eq!(format, "jpeg (arithmetic coding)"),
            other => panic!("{other:?}"),
        }
        let two = Frame {
            marker: 0xC0,
            components: 2,
            ..frame
        };
        assert!(matches!(check_supported(&two), Err(IntakeError::Corrupt { .. })));
    }
}
