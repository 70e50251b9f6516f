//! What the file says about itself: EXIF, XMP, ICC, container details. Later checks use these
//! as signs (edited in Photoshop, re-encoded, a screenshot), never as proof.

use serde::Serialize;

use crate::text::printable;

/// Longest text value kept from any metadata field, in characters.
pub(crate) const MAX_TEXT_CHARS: usize = 128;
/// Most XMP history software agents kept.
pub(crate) const MAX_HISTORY_AGENTS: usize = 8;
/// Largest EXIF block parsed (a JPEG APP1 segment is at most 64 KiB; PNG/WebP may carry more).
pub(crate) const MAX_EXIF_BYTES: usize = 1024 * 1024;

/// Colour model of the stored image, as the file declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorModel {
    /// One grey channel.
    Gray,
    /// Grey and alpha.
    GrayAlpha,
    /// Red, green, blue (a JPEG's YCbCr counts as RGB).
    Rgb,
    /// RGB with alpha.
    Rgba,
    /// Indexed colours (PNG palette).
    Palette,
    /// Cyan, magenta, yellow, black (a JPEG's YCCK counts as CMYK): print workflows, not cameras.
    Cmyk,
}

/// Metadata found in the file. Text fields are cut to 128 characters and control characters
/// removed; absent or unreadable fields are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metadata {
    /// An EXIF block is present (JPEG APP1, PNG eXIf, WebP EXIF).
    pub exif_present: bool,
    /// An EXIF block is present but could not be parsed (its fields are then all `None`).
    pub exif_error: bool,
    /// EXIF Make (0x010F).
    pub camera_make: Option<String>,
    /// EXIF Model (0x0110).
    pub camera_model: Option<String>,
    /// EXIF Software (0x0131): the firmware or the program that last wrote the file.
    pub software: Option<String>,
    /// EXIF DateTimeOriginal (0x9003), as written (`YYYY:MM:DD HH:MM:SS`).
    pub datetime_original: Option<String>,
    /// EXIF DateTime (0x0132), the time the file was last changed, as written.
    pub datetime_modified: Option<String>,
    /// EXIF LensModel (0xA434).
    pub lens_model: Option<String>,
    /// An XMP packet is present (JPEG APP1, PNG iTXt `XML:com.adobe.xmp`, WebP `XMP `).
    pub xmp_present: bool,
    /// XMP `xmp:CreatorTool`.
    pub xmp_creator_tool: Option<String>,
    /// The XMP packet uses Photoshop's namespace (`photoshop:` properties).
    pub xmp_photoshop: bool,
    /// XMP edit history `stEvt:softwareAgent` values, first 8 distinct ones.
    pub xmp_history_agents: Vec<String>,
    /// A Photoshop image resource block (JPEG APP13 `Photoshop 3.0`) is present.
    pub photoshop_irb: bool,
    /// PNG `Software` text (tEXt, or uncompressed iTXt).
    pub png_software: Option<String>,
    /// Estimated IJG (libjpeg) quality 1–100 of the luminance quantization table; `None` for
    /// non-JPEG files.
    pub jpeg_quality_estimate: Option<u8>,
    /// The luminance table is exactly libjpeg's standard table at the estimated quality, as
    /// libjpeg-based software writes it (phone cameras mostly use tables of their own).
    pub jpeg_standard_tables: bool,
    /// The JPEG is progressive (SOF2).
    pub jpeg_progressive: bool,
    /// The JPEG has a JFIF APP0 segment.
    pub has_jfif: bool,
    /// An ICC colour profile is embedded.
    pub has_icc_profile: bool,
    /// The ICC profile's description (`desc` tag), e.g. `"Display P3"`.
    pub icc_description: Option<String>,
    /// Bits per sample as stored (1, 2, 4, 8, 12 or 16).
    pub bit_depth: u8,
    /// Colour model as stored.
    pub color: ColorModel,
    /// The image has an alpha channel or a transparency chunk.
    pub has_alpha: bool,
}

impl Metadata {
    /// Empty metadata for an image of the given stored colour.
    pub(crate) fn new(bit_depth: u8, color: ColorModel, has_alpha: bool) -> Self {
        Metadata {
            exif_present: false,
            exif_error: false,
            camera_make: None,
            camera_model: None,
            software: None,
            datetime_original: None,
            datetime_modified: None,
            lens_model: None,
            xmp_present: false,
            xmp_creator_tool: None,
            xmp_photoshop: false,
            xmp_history_agents: Vec::new(),
            photoshop_irb: false,
            png_software: None,
            jpeg_quality_estimate: None,
            jpeg_standard_tables: false,
            jpeg_progressive: false,
            has_jfif: false,
            has_icc_profile: false,
            icc_description: None,
            bit_depth,
            color,
            has_alpha,
        }
    }

    /// Reads an EXIF block (TIFF data, optionally prefixed `Exif\0\0`) into the EXIF fields and
    /// returns the orientation (1–8; 1 when absent or invalid).
    pub(crate) fn read_exif(&mut self, tiff: &[u8]) -> u8 {
        let read = crate::exif::read(tiff);
        self.exif_present = true;
        self.exif_error = read.error;
        let fields = read.fields;
        self.camera_make = fields.make;
        self.camera_model = fields.model;
        self.software = fields.software;
        self.datetime_original = fields.datetime_original;
        self.datetime_modified = fields.datetime_modified;
        self.lens_model = fields.lens_model;
        fields.orientation
    }

    /// Reads an XMP packet into the XMP fields.
    pub(crate) fn read_xmp(&mut self, packet: &[u8]) {
        let found = crate::xmp::read(packet);
        self.xmp_present = true;
        self.xmp_creator_tool = found.creator_tool;
        self.xmp_photoshop = found.photoshop;
        self.xmp_history_agents = found.history_agents;
    }

    /// Records an ICC profile and its description.
    pub(crate) fn read_icc(&mut self, profile: Option<&[u8]>) {
        self.has_icc_profile = true;
        self.icc_description = profile.and_then(crate::icc::description);
    }
}

/// A metadata text value made safe to store and show: lossy UTF-8, control characters dropped,
/// trimmed, at most [`MAX_TEXT_CHARS`]; `None` when nothing is left.
pub(crate) fn clean_text(raw: &[u8]) -> Option<String> {
    let bounded = raw.get(..raw.len().min(MAX_TEXT_CHARS * 4)).unwrap_or(raw);
    printable(&String::from_utf8_lossy(bounded), MAX_TEXT_CHARS)
}
