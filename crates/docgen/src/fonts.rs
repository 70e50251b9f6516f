//! The fonts a page is drawn with.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// Debian's `fonts-ocr-b`.
pub const OCRB_PATH: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
/// Debian's `fonts-dejavu-core`.
pub const SANS_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/// Debian's `fonts-dejavu-core`, bold.
pub const SANS_BOLD_PATH: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
/// Debian's `fonts-wqy-zenhei`: WenQuanYi Zen Hei, a TrueType collection
/// whose first face (index 0, the proportional Zen Hei) draws the Chinese
/// cards.
pub const CJK_PATH: &str = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

/// Why fonts could not be loaded.
#[derive(Debug, Error)]
pub enum FontError {
    /// A font file could not be read.
    #[error("cannot read font {path}: {source} (install the Debian package {package})")]
    Read {
        /// The file.
        path: PathBuf,
        /// The Debian package that provides it.
        package: &'static str,
        /// The error.
        source: std::io::Error,
    },
    /// The bytes are not a font `ab_glyph` can use.
    #[error("{0} is not a usable font")]
    Invalid(&'static str),
}

/// Font bytes: OCR-B for the MRZ (and the Chinese card's number), a sans and
/// its bold for the visual zone, and a CJK font for the Chinese cards.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) ocrb: Vec<u8>,
    pub(crate) sans: Vec<u8>,
    pub(crate) sans_bold: Vec<u8>,
    /// A font file or collection whose face 0 has the CJK ideographs.
    pub(crate) cjk: Vec<u8>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("ocrb_bytes", &self.ocrb.len())
            .field("sans_bytes", &self.sans.len())
            .field("sans_bold_bytes", &self.sans_bold.len())
            .field("cjk_bytes", &self.cjk.len())
            .finish()
    }
}

impl Fonts {
    /// Fonts from bytes, checked to parse; `cjk` may be a collection (`.ttc`),
    /// of which face 0 is used.
    ///
    /// # Errors
    /// [`FontError::Invalid`] naming the font that does not parse.
    pub fn new(ocrb: Vec<u8>, sans: Vec<u8>, sans_bold: Vec<u8>, cjk: Vec<u8>) -> Result<Self, FontError> {
        for (bytes, name) in [
            (&ocrb, "OCR-B"),
            (&sans, "sans"),
            (&sans_bold, "sans bold"),
            (&cjk, "CJK"),
        ] {
            ab_glyph::FontRef::try_from_slice_and_index(bytes, 0).map_err(|_| FontError::Invalid(name))?;
        }
        Ok(Self {
            ocrb,
            sans,
            sans_bold,
            cjk,
        })
    }

    /// Reads Debian's font files ([`OCRB_PATH`], [`SANS_PATH`],
    /// [`SANS_BOLD_PATH`], [`CJK_PATH`]); `OPENKYC_OCRB_FONT` overrides the
    /// OCR-B path.
    ///
    /// # Errors
    /// [`FontError`] when a file is missing or unusable.
    pub fn from_system() -> Result<Self, FontError> {
        let ocrb = std::env::var_os("OPENKYC_OCRB_FONT").map_or_else(|| PathBuf::from(OCRB_PATH), PathBuf::from);
        Self::new(
            read(&ocrb, "fonts-ocr-b")?,
            read(Path::new(SANS_PATH), "fonts-dejavu-core")?,
            read(Path::new(SANS_BOLD_PATH), "fonts-dejavu-core")?,
            read(Path::new(CJK_PATH), "fonts-wqy-zenhei")?,
        )
    }

    /// The OCR-B bytes (the reader builds its templates from the same font).
    pub fn ocrb(&self) -> &[u8] {
        &self.ocrb
    }

    /// The CJK font bytes (face 0 of a collection is the one drawn).
    pub fn cjk(&self) -> &[u8] {
        &self.cjk
    }
}

fn read(path: &Path, package: &'static str) -> Result<Vec<u8>, FontError> {
    std::fs::read(path).map_err(|source| FontError::Read {
        path: path.to_path_buf(),
        package,
        source,
    })
}
