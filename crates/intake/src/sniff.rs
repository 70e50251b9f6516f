//! Format sniffing from magic bytes. File names and declared MIME types are never consulted:
//! [`crate::intake`] receives bytes only, so a `.jpg` that is really a WebP is read as WebP.

use crate::{ImageFormat, IntakeError};

/// What the advice for every HEIF-family photo says: the phone can be switched to JPEG.
const HEIC_ADVICE: &str = "HEIC photos are not supported yet; please send a JPEG \
     (on iPhone: Settings → Camera → Formats → Most Compatible)";

const AVIF_ADVICE: &str = "AVIF images are not supported yet; please send a JPEG photo";

/// Identifies the container from its first bytes: an accepted [`ImageFormat`], or the reason it
/// is refused ([`IntakeError::Unsupported`] naming a recognised format, else
/// [`IntakeError::UnknownFormat`]).
pub(crate) fn sniff(bytes: &[u8]) -> Result<ImageFormat, IntakeError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Ok(ImageFormat::Png);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(ImageFormat::Webp);
    }
    if let Some(error) = refused_format(bytes) {
        return Err(error);
    }
    Err(IntakeError::UnknownFormat)
}

/// Recognised formats that are refused, with a message the applicant can act on.
fn refused_format(bytes: &[u8]) -> Option<IntakeError> {
    if let Some(brand) = iso_bmff_brand(bytes) {
        return heif_family(brand);
    }
    let simple: [(&[u8], &str, &str); 9] = [
        (b"GIF87a", "gif", "GIF"),
        (b"GIF89a", "gif", "GIF"),
        (b"II*\0", "tiff", "TIFF"),
        (b"MM\0*", "tiff", "TIFF"),
        (b"%PDF-", "pdf", "PDF"),
        (b"8BPS", "psd", "Photoshop (PSD)"),
        (&[0xFF, 0x0A], "jxl", "JPEG XL"),
        (&[0, 0, 0, 0x0C, b'J', b'X', b'L', b' '], "jxl", "JPEG XL"),
        (&[0, 0, 0, 0x0C, b'j', b'P', b' ', b' '], "jp2", "JPEG 2000"),
    ];
    for (magic, format, name) in simple {
        if bytes.starts_with(magic) {
            return Some(not_a_photo_format(format, name));
        }
    }
    // "BM" alone is too weak a signature: also require the two reserved u16 fields to be zero.
    if bytes.starts_with(b"BM") && bytes.get(6..10) == Some(&[0, 0, 0, 0]) {
        return Some(not_a_photo_format("bmp", "BMP"));
    }
    None
}

fn not_a_photo_format(format: &str, name: &str) -> IntakeError {
    IntakeError::unsupported(
        format,
        format!("{name} files are not accepted; please send a photo as JPEG, PNG or WebP"),
    )
}

/// The major brand of an ISO base media file (`....ftypXXXX`), if the bytes are one.
fn iso_bmff_brand(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.get(4..8) == Some(b"ftyp") {
        bytes.get(8..12)
    } else {
        None
    }
}

fn heif_family(brand: &[u8]) -> Option<IntakeError> {
    match brand {
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"hevm" | b"hevs" => {
            Some(IntakeError::unsupported("heic", HEIC_ADVICE))
        }
        b"mif1" | b"msf1" | b"mif2" => Some(IntakeError::unsupported("heif", HEIC_ADVICE)),
        b"avif" | b"avis" => Some(IntakeError::unsupported("avif", AVIF_ADVICE)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsupported_format(bytes: &[u8]) -> Option<String> {
        match sniff(bytes) {
            Err(IntakeError::Unsupported { format, .. }) => Some(format),
            _ => None,
        }
    }

    #[test]
    fn accepted_formats() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(ImageFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(ImageFormat::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Ok(ImageFormat::Webp));
    }

    #[test]
    fn riff_that_is_not_webp_is_unknown() {
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), Err(IntakeError::UnknownFormat));
    }

    #[test]
    fn heif_family_is_refused_with_advice() {
        for (brand, format) in [("heic", "heic"), ("heix", "heic"), ("mif1", "heif"), ("msf1", "heif")] {
            let bytes = format!("\0\0\0\x18ftyp{brand}\0\0\0\0mif1heic");
            match sniff(bytes.as_bytes()) {
                Err(IntakeError::Unsupported { format: found, message }) => {
                    assert_eq!(found, format);
                    assert!(message.contains("Most Compatible"), "{message}");
                }
                other => panic!("{brand}: {other:?}"),
            }
        }
        assert_eq!(unsupported_format(b"\0\0\0\x1cftypavif\0\0\0\0"), Some("avif".into()));
    }

    #[test]
    fn other_containers_are_named() {
        assert_eq!(unsupported_format(b"GIF89a\x01\0\x01\0"), Some("gif".into()));
        assert_eq!(unsupported_format(b"BM\x3a\0\0\0\0\0\0\0\x36\0"), Some("bmp".into()));
        assert_eq!(unsupported_format(b"II*\0\x08\0\0\0"), Some("tiff".into()));
        assert_eq!(unsupported_format(b"%PDF-1.7\n"), Some("pdf".into()));
    }

    #[test]
    fn video_brands_and_short_inputs_are_unknown() {
        assert_eq!(sniff(b"\0\0\0\x18ftypisom"), Err(IntakeError::UnknownFormat));
        assert_eq!(sniff(&[0xFF]), Err(IntakeError::UnknownFormat));
        assert_eq!(sniff(&[0xFF, 0xD8]), Err(IntakeError::UnknownFormat));
        assert_eq!(sniff(b"BMx"), Err(IntakeError::UnknownFormat));
    }
}
