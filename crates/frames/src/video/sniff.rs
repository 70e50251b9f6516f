//! What a video file is, from its bytes: the container by its magic, and for ISO BMFF (MP4,
//! MOV) a bounded walk of the boxes down to each video track's sample entry, so that a codec
//! openkyc does not decode is refused by name (the `mp4` crate keeps only the sample entries
//! it knows and drops the others silently).

use crate::FramesError;

/// An ISO BMFF file, as far as choosing a decoder needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IsoFile {
    /// The `ftyp` major brand (`"isom"`, `"mp42"`, `"qt  "`, …), if there is an `ftyp`.
    pub major_brand: Option<[u8; 4]>,
    /// The first sample entry's four-character code of each video (`vide`) track, in file
    /// order.
    pub video_codecs: Vec<[u8; 4]>,
    /// Whether the file is fragmented (has a top-level `moof`).
    pub fragmented: bool,
}

/// Recognises the container. ISO BMFF is returned for a closer look; anything else is an
/// error naming what was found.
pub(crate) fn sniff(bytes: &[u8]) -> Result<IsoFile, FramesError> {
    if let Some(format) = other_format(bytes) {
        return Err(FramesError::UnsupportedFormat { format: format.into() });
    }
    let first_box = bytes.get(4..8).unwrap_or_default();
    let iso_first_boxes: [&[u8]; 6] = [b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide"];
    if !iso_first_boxes.contains(&first_box) {
        return Err(FramesError::UnknownFormat);
    }
    let mut file = IsoFile {
        major_brand: None,
        video_codecs: Vec::new(),
        fragmented: false,
    };
    for (kind, body) in boxes(bytes)? {
        match &kind {
            b"ftyp" => {
                file.major_brand = body.get(..4).and_then(|brand| brand.try_into().ok());
                check_brand(body)?;
            }
            b"moov" => collect_video_codecs(body, &mut file.video_codecs)?,
            b"moof" => file.fragmented = true,
            _ => {}
        }
    }
    Ok(file)
}

/// Formats recognised by their first bytes that are not ISO BMFF.
fn other_format(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("webm/matroska")
    } else if starts(b"RIFF") && at(8, b"AVI ") {
        Some("avi")
    } else if starts(b"RIFF") && at(8, b"WEBP") {
        Some("webp image (a single picture, not a video)")
    } else if starts(&[0xFF, 0xD8, 0xFF]) || starts(b"\x89PNG\r\n\x1a\n") || starts(b"GIF8") {
        Some("still image (put the frames in a folder)")
    } else if starts(b"FLV") {
        Some("flv")
    } else if starts(b"OggS") {
        Some("ogg")
    } else if starts(b"PK\x03\x04") {
        Some("zip archive")
    } else if starts(&[0x00, 0x00, 0x01, 0xBA]) {
        Some("mpeg program stream")
    } else if starts(&[0x47]) && at(188, &[0x47]) {
        Some("mpeg transport stream")
    } else if starts(&[0x00, 0x00, 0x00, 0x01]) || starts(&[0x00, 0x00, 0x01]) {
        Some("raw H.264/H.265 stream without a container")
    } else {
        None
    }
}

/// Still-image brands of ISO BMFF (HEIF/HEIC, AVIF) are not videos.
fn check_brand(ftyp: &[u8]) -> Result<(), FramesError> {
    let major = ftyp.get(..4).unwrap_or_default();
    let image_brands: [&[u8]; 6] = [b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"];
    if image_brands.contains(&major) {
        return Err(FramesError::UnsupportedFormat {
            format: format!("{} (an ISO BMFF image, not an MP4 video)", fourcc_text(major)),
        });
    }
    Ok(())
}

/// The walk goes down a fixed path (`moov/trak/mdia/minf/stbl/stsd`), never recursing on its
/// own: its depth cannot be driven by the file.
fn collect_video_codecs(moov: &[u8], codecs: &mut Vec<[u8; 4]>) -> Result<(), FramesError> {
    for (kind, child) in boxes(moov)? {
        if &kind == b"trak" {
            if let Some(codec) = video_codec_of_track(child)? {
                codecs.push(codec);
            }
        }
    }
    Ok(())
}

/// The first sample entry of a `trak` whose handler is `vide`.
fn video_codec_of_track(trak: &[u8]) -> Result<Option<[u8; 4]>, FramesError> {
    let Some(mdia) = child(trak, b"mdia")? else {
        return Ok(None);
    };
    // hdlr: version/flags (4), pre_defined (4), handler_type (4).
    let handler = child(mdia, b"hdlr")?.and_then(|hdlr| hdlr.get(8..12));
    if handler != Some(b"vide".as_slice()) {
        return Ok(None);
    }
    let mut stsd = None;
    if let Some(minf) = child(mdia, b"minf")? {
        if let Some(stbl) = child(minf, b"stbl")? {
            stsd = child(stbl, b"stsd")?;
        }
    }
    let Some(stsd) = stsd else {
        return Err(FramesError::corrupt("the video track has no sample description (stsd)"));
    };
    // stsd: version/flags (4), entry_count (4), then sample entries as boxes.
    let entries = stsd.get(8..).unwrap_or_default();
    match boxes(entries)?.into_iter().next() {
        Some((codec, _)) => Ok(Some(codec)),
        None => Err(FramesError::corrupt("the video track's sample description is empty")),
    }
}

/// The body of the first child box of `kind`.
fn child<'a>(body: &'a [u8], kind: &[u8; 4]) -> Result<Option<&'a [u8]>, FramesError> {
    Ok(boxes(body)?
        .into_iter()
        .find(|(found, _)| found == kind)
        .map(|(_, body)| body))
}

/// A box: its type and its body.
type IsoBox<'a> = ([u8; 4], &'a [u8]);

/// The boxes laid end to end in `bytes`: (type, body). A size of 0 runs to the end, 1 means a
/// 64-bit size follows. A box reaching past its parent is an error, which bounds the walk by
/// the bytes: every box takes at least 8.
fn boxes(bytes: &[u8]) -> Result<Vec<IsoBox<'_>>, FramesError> {
    let mut found = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 8 {
        let size32 = read_u32(rest, 0).unwrap_or(0);
        let mut kind = [0u8; 4];
        kind.copy_from_slice(rest.get(4..8).unwrap_or(&[0; 4]));
        let (header_len, size) = match size32 {
            0 => (8, rest.len() as u64),
            1 => (16, read_u64(rest, 8).ok_or_else(|| truncated_box(kind))?),
            size => (8, u64::from(size)),
        };
        let size = usize::try_from(size).map_err(|_| truncated_box(kind))?;
        if size < header_len || size > rest.len() {
            return Err(truncated_box(kind));
        }
        found.push((kind, rest.get(header_len..size).unwrap_or_default()));
        rest = rest.get(size..).unwrap_or_default();
    }
    Ok(found)
}

fn truncated_box(kind: [u8; 4]) -> FramesError {
    FramesError::corrupt(format!(
        "the '{}' box has a size that does not fit the file (cut off?)",
        fourcc_text(&kind)
    ))
}

fn read_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let chunk: [u8; 4] = bytes.get(offset..offset + 4)?.try_into().ok()?;
    Some(u32::from_be_bytes(chunk))
}

fn read_u64(bytes: &[u8], offset: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(offset..offset + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(chunk))
}

/// A four-character code as text; bytes outside printable ASCII become `?`.
pub(crate) fn fourcc_text(code: &[u8]) -> String {
    code.iter()
        .map(|&byte| {
            if byte.is_ascii_graphic() || byte == b' ' {
                char::from(byte)
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(body.len() + 8).unwrap_or(0).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    /// A minimal file whose one video track has the sample entry `codec`.
    fn file_with_codec(brand: &[u8; 4], codec: &[u8; 4]) -> Vec<u8> {
        let hdlr = boxed(b"hdlr", &[&[0u8; 8][..], b"vide", &[0u8; 12]].concat());
        let entry = boxed(codec, &[0u8; 78]);
        let stsd = boxed(b"stsd", &[&[0u8, 0, 0, 0, 0, 0, 0, 1][..], &entry].concat());
        let stbl = boxed(b"stbl", &stsd);
        let minf = boxed(b"minf", &stbl);
        let mdia = boxed(b"mdia", &[hdlr, minf].concat());
        let moov = boxed(b"moov", &boxed(b"trak", &mdia));
        let ftyp = boxed(b"ftyp", &[&brand[..], &[0, 0, 0, 0]].concat());
        [ftyp, moov].concat()
    }

    #[test]
    fn finds_the_video_codec_by_name() {
        let file = sniff(&file_with_codec(b"isom", b"hvc1")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file.video_codecs, vec![*b"hvc1"]);
        assert_eq!(file.major_brand, Some(*b"isom"));
        assert!(!file.fragmented);
    }

    #[test]
    fn names_other_containers() {
        let webm = [0x1A, 0x45, 0xDF, 0xA3, 0x01, 0x00];
        assert!(matches!(sniff(&webm), Err(FramesError::UnsupportedFormat { format }) if format == "webm/matroska"));
        let avi = b"RIFF\0\0\0\0AVI LIST";
        assert!(matches!(sniff(avi), Err(FramesError::UnsupportedFormat { format }) if format == "avi"));
        assert_eq!(sniff(b"hello world, no video"), Err(FramesError::UnknownFormat));
        assert_eq!(sniff(&[]), Err(FramesError::UnknownFormat));
    }

    #[test]
    fn refuses_heic_stills() {
        let heic = file_with_codec(b"heic", b"hvc1");
        assert!(matches!(sniff(&heic), Err(FramesError::UnsupportedFormat { format }) if format.starts_with("heic")));
    }

    #[test]
    fn a_box_larger_than_the_file_is_corrupt() {
        let mut file = file_with_codec(b"isom", b"avc1");
        file.truncate(file.len() - 10);
        assert!(matches!(sniff(&file), Err(FramesError::Corrupt { .. })));
    }

    #[test]
    fn fourcc_text_is_printable() {
        assert_eq!(fourcc_text(b"hvc1"), "hvc1");
        assert_eq!(fourcc_text(&[0, b'a', 0xFF, b' ']), "?a? ");
    }
}
