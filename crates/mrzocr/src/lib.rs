//! A dedicated reader for ICAO 9303 machine-readable zones.
//!
//! Generic text recognisers read MRZ lines badly (they drop letters in the
//! wide OCR-B spacing and confuse `O`/`0`). An MRZ is easier than general
//! text: fixed-pitch OCR-B, 30, 36 or 44 characters per line and 37
//! symbols (`A`–`Z`, `0`–`9`, `<`). So this crate:
//!
//! 1. renders glyph templates from OCR-B font bytes, with augmentations
//!    ([`templates`]);
//! 2. segments a line image by pitch and classifies each cell by normalised
//!    cross-correlation, keeping the top three candidates per position
//!    ([`line`](mod@line): [`read_line`], and [`read_zone`] for a crop holding the
//!    whole zone);
//! 3. chooses the text among the candidates so that the check digits pass,
//!    parsing with `openkyc-mrz` ([`choose`](mod@choose)).
//!
//! Pure: no I/O. The caller passes the font bytes (Debian's `fonts-ocr-b`
//! installs `/usr/share/fonts/opentype/ocr-b/OCRB.otf`) and the images.

pub mod choose;
pub mod line;
pub mod templates;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;

pub use choose::{choose, Reading, Swap};
pub use line::{read_line, read_line_with_len, read_zone, read_zone_with_crops, Candidate, LineCandidates};
pub use templates::{TemplateError, Templates, ALPHABET};
