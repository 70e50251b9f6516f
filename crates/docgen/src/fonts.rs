//! The fonts a page is drawn with.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// Debian's `fonts-ocr-b`.
pub const OCRB_PATH: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
/// Debian's `fonts-dejavu-core`.
pub const SANS_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// Debian's `fonts-dejavu-core`, bold.
pub const SANS_BOLD_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

/// Why fonts could not be loaded.
#[derive(Debug, Error)]
pub enum FontError {
    /// A font file could not be read.
    #[error("cannot read font {path}: {source} (install fonts-ocr-b and fonts-dejavu-core)")]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The bytes are not a font `ab_glyph` can use.
    #[error("{0} is not a usable font")]
    Invalid(&'static str),
}

/// Font bytes: OCR-B for the MRZ, a sans and its bold for the visual zone.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) ocrb: Vec<u8>,
    pub(crate) sans: Vec<u8>,
    pub(crate) sans_bold: Vec<u8>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("ocrb_bytes", &self.ocrb.len())
            .field("sans_bytes", &self.sans.len())
            .field("sans_bold_bytes", &self.sans_bold.len())
            .finish()
    }
}

impl Fonts {
    /// Fonts from bytes, checked to parse.
    ///
    /// # Errors
    /// [`FontError::Invalid`] naming the font that does not parse.
    pub fn new(ocrb: Vec<u8>, sans: Vec<u8>, sans_bold: Vec<u8>) -> Result<Self, FontError> {
        for (bytes, name) in [(&ocrb, "OCR-B"), (&sans, "sans"), (&sans_bold, "sans bold")] {
            ab_glyph::FontRef::try_from_slice(bytes).map_err(|_| FontError::Invalid(name))?;
        }
        Ok(Self { ocrb, sans, sans_bold })
    }

    /// Reads Debian's font files ([`OCRB_PATH`], [`SANS_PATH`],
    /// [`SANS_BOLD_PATH`]); `OPENKYC_OCRB_FONT` overrides the OCR-B path.
    ///
    /// # Errors
    /// [`FontError`] when a file is missing or unusable.
    pub fn from_system() -> Result<Self, FontError> {
        let ocrb = std::env::var_os("OPENKYC_OCRB_FONT").map_or_else(|| PathBuf::from(OCRB_PATH), PathBuf::from);
        Self::new(
            read(&ocrb)?,
            read(Path::new(SANS_PATH))?,
            read(Path::new(SANS_BOLD_PATH))?,
        )
    }

    /// The OCR-B bytes (the reader builds its templates from the same font).
    pub fn ocrb(&self) -> &[u8] {
        &self.ocrb
    }
}

fn read(path: &Path) -> Result<Vec<u8>, FontError> {
    std::fs::read(path).map_err(|source| FontError::Read {
        path: path.to_path_buf(),
        source,
    })
}
