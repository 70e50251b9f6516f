//! Test identity documents with known truth, for measuring the reading stage.
//!
//! [`identities`] draws deterministic people (seeded; the first is always the
//! ICAO 9303 specimen, ERIKSSON ANNA MARIA, passport L898902C3, and the set
//! includes long names that the MRZ must truncate). [`render_td3`] draws a
//! passport data page (125 × 88 mm) and [`render_td1_front`] /
//! [`render_td1_back`] an ID-1 card (85.6 × 54 mm), [`render_td2`] the data
//! side of an ID-2 card (105 × 74 mm): a tinted guilloche ground, a header,
//! a portrait block, the visual inspection zone (labels and values in a sans
//! font) and, on the passport page, the TD2 card and the TD1 card's back, the
//! machine-readable zone in OCR-B at the ICAO pitch (2.54 mm, 10 characters
//! per inch) composed by `openkyc-mrz` (check digits computed, names
//! truncated as issuers do).
//!
//! [`cn_identities`] draws holders of the Chinese Resident Identity Card
//! (first a fixed specimen with GB 11643-1999's example number; names with
//! compound surnames and rare characters, long addresses, expired, expiring
//! and long-term cards; the number's check character from `openkyc-cnid`,
//! validity by the holder's age at issue), and [`render_cn_front`] /
//! [`render_cn_back`] its portrait and emblem sides, set in a CJK font on the
//! card's grid with the number in OCR-B. Each page comes with its [`Truth`]:
//! the MRZ lines and the [`Identity`] of an MRZ document, the report-named
//! fields of a Chinese card's side.
//!
//! The pages are flat, perfect scans; photographing them (perspective,
//! lighting, blur, JPEG) is the job of `openkyc-synth`, which places any
//! image in its scenes.
//!
//! Fonts are passed in ([`Fonts`]); [`Fonts::from_system`] reads Debian's
//! `fonts-ocr-b`, `fonts-dejavu-core` and `fonts-wqy-zenhei` files. Same seed
//! and fonts, same pixels: randomness comes from a SplitMix64 of our own (a
//! few lines, and stable across dependency upgrades, which a generator of
//! test sets needs).

mod cn;
mod cn_page;
mod draw;
mod fonts;
mod identity;
mod page;
mod portrait;

pub use cn::{
    address_lines, age_on, cn_identities, is_rare_name_character, valid_until, validity_years, CnIdentity,
    ADDRESS_LINE_CELLS, LONG_TERM,
};
pub use cn_page::{render_cn_back, render_cn_front, CN_FORMAT, CN_ID_MM};
pub use fonts::{FontError, Fonts, CJK_PATH, OCRB_PATH, SANS_BOLD_PATH, SANS_PATH};
pub use identity::{identities, Identity};
pub use page::{
    render_td1_back, render_td1_front, render_td2, render_td3, Page, Truth, TD1_MM, TD2_MM, TD3_MM, TD3_PORTRAIT_MM,
};
pub use portrait::print_td3_portrait;
