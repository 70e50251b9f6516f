//! Writing the files: JPEG through `jpeg-encoder`, PNG through `image`, and the
//! metadata written by hand: an EXIF APP1 segment (TIFF header + IFD0 with
//! ASCII Make, Model, Software, DateTime and SHORT Orientation) and an XMP
//! APP1 packet (`http://ns.adobe.com/xap/1.0/\0` + RDF with xmp:CreatorTool),
//! both inserted right after SOI.

use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};

use crate::spec::ExifFields;

const SOI: [u8; 2] = [0xFF, 0xD8];
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
/// The XMP namespace header that starts an XMP APP1 payload.
pub(crate) const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// Longest ASCII value written (keeps a segment far below 64 KiB).
const MAX_ASCII: usize = 200;

/// Baseline JPEG of 8-bit RGB pixels, 4:2:0 chroma subsampling as phone
/// cameras and browsers write it, with a JFIF APP0 header; `None` if the
/// encoder refuses (size 0 or over 65535).
pub(crate) fn jpeg(rgb: &[u8], width: u32, height: u32, quality: u8) -> Option<Vec<u8>> {
    let (w, h) = (u16::try_from(width).ok()?, u16::try_from(height).ok()?);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder.encode(rgb, w, h, jpeg_encoder::ColorType::Rgb).ok()?;
    Some(out)
}

/// PNG of 8-bit RGB pixels with fast compression.
pub(crate) fn png(rgb: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub)
        .write_image(rgb, width, height, ExtendedColorType::Rgb8)
        .ok()?;
    Some(out)
}

/// Decodes a JPEG back to RGB8 (for re-saves).
pub(crate) fn decode_rgb8(bytes: &[u8]) -> Option<(Vec<u8>, u32, u32)> {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Jpeg)
        .ok()?
        .to_rgb8();
    let (w, h) = img.dimensions();
    Some((img.into_raw(), w, h))
}

fn ascii(value: &str) -> Vec<u8> {
    // EXIF ASCII is 7-bit, NUL-terminated.
    let mut v: Vec<u8> = value
        .bytes()
        .filter(|b| (0x20..0x7F).contains(b))
        .take(MAX_ASCII)
        .collect();
    v.push(0);
    v
}

/// A TIFF value in IFD0.
enum Value {
    Ascii(Vec<u8>),
    Short(u16),
}

/// The EXIF APP1 segment (marker, length, `Exif\0\0`, TIFF with IFD0).
pub(crate) fn exif_segment(fields: &ExifFields) -> Vec<u8> {
    let mut entries: Vec<(u16, Value)> = Vec::new();
    if let Some(v) = &fields.make {
        entries.push((0x010F, Value::Ascii(ascii(v))));
    }
    if let Some(v) = &fields.model {
        entries.push((0x0110, Value::Ascii(ascii(v))));
    }
    if fields.make.is_some() || fields.model.is_some() {
        // Orientation: 1 = as stored (cameras write it; editors often keep it).
        entries.push((0x0112, Value::Short(1)));
    }
    if let Some(v) = &fields.software {
        entries.push((0x0131, Value::Ascii(ascii(v))));
    }
    if let Some(v) = &fields.date_time {
        entries.push((0x0132, Value::Ascii(ascii(v))));
    }
    let tiff = tiff_ifd0(&entries, fields.big_endian);
    let mut seg = Vec::with_capacity(tiff.len() + 10);
    seg.extend_from_slice(&[0xFF, APP1]);
    let len = (2 + 6 + tiff.len()) as u16;
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

/// TIFF header + one IFD (entries sorted by tag) + its out-of-line values.
fn tiff_ifd0(entries: &[(u16, Value)], big_endian: bool) -> Vec<u8> {
    let u16b = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let u32b = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut out = Vec::new();
    out.extend_from_slice(if big_endian { b"MM" } else { b"II" });
    out.extend_from_slice(&u16b(42));
    out.extend_from_slice(&u32b(8));
    let ifd_len = 2 + 12 * entries.len() + 4;
    let mut data: Vec<u8> = Vec::new();
    let data_start = 8 + ifd_len;
    out.extend_from_slice(&u16b(entries.len() as u16));
    for (tag, value) in entries {
        out.extend_from_slice(&u16b(*tag));
        match value {
            Value::Ascii(bytes) => {
                out.extend_from_slice(&u16b(2));
                out.extend_from_slice(&u32b(bytes.len() as u32));
                if bytes.len() <= 4 {
                    let mut inline = [0u8; 4];
                    inline[..bytes.len()].copy_from_slice(bytes);
                    out.extend_from_slice(&inline);
                } else {
                    out.extend_from_slice(&u32b((data_start + data.len()) as u32));
                    data.extend_from_slice(bytes);
                    if data.len() % 2 == 1 {
                        // Values start on word boundaries.
                        data.push(0);
                    }
                }
            }
            Value::Short(v) => {
                out.extend_from_slice(&u16b(3));
                out.extend_from_slice(&u32b(1));
                out.extend_from_slice(&u16b(*v));
                out.extend_from_slice(&[0, 0]);
            }
        }
    }
    out.extend_from_slice(&u32b(0));
    out.extend_from_slice(&data);
    out
}

fn xml_escape(s: &str) -> String {
    s.chars()
        .take(MAX_ASCII)
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The XMP APP1 segment with `xmp:CreatorTool`.
pub(crate) fn xmp_segment(creator_tool: &str, modify_date: Option<&str>) -> Vec<u8> {
    let date = modify_date
        .map(|d| format!(" xmp:ModifyDate=\"{}\"", xml_escape(d)))
        .unwrap_or_default();
    let packet = format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmp:CreatorTool=\"{}\"{date}/>\n\
         </rdf:RDF>\n\
         </x:xmpmeta>\n\
         <?xpacket end=\"w\"?>",
        xml_escape(creator_tool)
    );
    let mut seg = vec![0xFF, APP1];
    let len = (2 + XMP_HEADER.len() + packet.len()) as u16;
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(XMP_HEADER);
    seg.extend_from_slice(packet.as_bytes());
    seg
}

/// Inserts `segments` right after SOI; `jpeg` unchanged if it has no SOI.
pub(crate) fn insert_after_soi(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    if !jpeg.starts_with(&SOI) {
        return jpeg.to_vec();
    }
    let extra: usize = segments.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(jpeg.len() + extra);
    out.extend_from_slice(&SOI);
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(jpeg.get(2..).unwrap_or(&[]));
    out
}

/// Removes a JFIF APP0 segment directly after SOI (cameras do not write one).
pub(crate) fn strip_jfif(jpeg: Vec<u8>) -> Vec<u8> {
    let is_jfif = jpeg.get(2..4) == Some(&[0xFF, APP0][..]) && jpeg.get(6..11) == Some(&b"JFIF\0"[..]);
    if !is_jfif {
        return jpeg;
    }
    let len = jpeg
        .get(4..6)
        .map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    let end = 4 + len;
    if end > jpeg.len() {
        return jpeg;
    }
    let mut out = Vec::with_capacity(jpeg.len() - len - 2);
    out.extend_from_slice(&SOI);
    out.extend_from_slice(jpeg.get(end..).unwrap_or(&[]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(big_endian: bool) -> ExifFields {
        ExifFields {
            make: Some("Apple".into()),
            model: Some("iPhone 14".into()),
            software: Some("17.1.1".into()),
            date_time: Some("2024:05:17 14:03:22".into()),
            big_endian,
        }
    }

    #[test]
    fn exif_segment_layout() {
        for be in [false, true] {
            let seg = exif_segment(&fields(be));
            assert_eq!(&seg[..2], &[0xFF, 0xE1]);
            assert_eq!(usize::from(u16::from_be_bytes([seg[2], seg[3]])), seg.len() - 2);
            assert_eq!(&seg[4..10], b"Exif\0\0");
            assert_eq!(&seg[10..12], if be { b"MM" } else { b"II" });
            let text = String::from_utf8_lossy(&seg);
            assert!(
                text.contains("iPhone 14\0") && text.contains("17.1.1\0") && text.contains("2024:05:17 14:03:22\0")
            );
        }
    }

    #[test]
    fn short_ascii_values_are_inline() {
        let f = ExifFields {
            make: Some("LG".into()),
            model: None,
            software: None,
            date_time: None,
            big_endian: false,
        };
        let seg = exif_segment(&f);
        // IFD0: count 2 (Make, Orientation); Make inline "LG\0\0".
        assert_eq!(&seg[18..20], &[2, 0]);
        assert_eq!(&seg[20..22], &[0x0F, 0x01]);
        assert_eq!(&seg[28..32], b"LG\0\0");
    }

    #[test]
    fn segments_go_after_soi_and_jfif_can_be_dropped() {
        let rgb = vec![128u8; 16 * 16 * 3];
        let j = jpeg(&rgb, 16, 16, 90).unwrap();
        assert_eq!(&j[..2], &SOI);
        assert_eq!(&j[2..4], &[0xFF, APP0]);
        let stripped = strip_jfif(j.clone());
        assert_eq!(&stripped[..2], &SOI);
        assert_ne!(&stripped[2..4], &[0xFF, APP0]);
        let with = insert_after_soi(
            &stripped,
            &[exif_segment(&fields(false)), xmp_segment("GIMP 2.10.36", None)],
        );
        assert_eq!(&with[2..4], &[0xFF, APP1]);
        assert!(image::load_from_memory(&with).is_ok());
        assert_eq!(insert_after_soi(b"not a jpeg", &[]), b"not a jpeg");
        assert_eq!(strip_jfif(b"xx".to_vec()), b"xx");
    }

    #[test]
    fn xmp_packet_is_escaped() {
        let seg = xmp_segment("A \"quoted\" <tool> & co", Some("2024-01-01T10:00:00"));
        let text = String::from_utf8_lossy(&seg);
        assert!(text.contains("xmp:CreatorTool=\"A &quot;quoted&quot; &lt;tool&gt; &amp; co\""));
        assert!(seg[4..].starts_with(XMP_HEADER));
    }
}
