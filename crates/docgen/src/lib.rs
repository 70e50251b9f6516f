//! Test identity documents with known truth, for measuring the reading stage.
//!
//! [`identities`] draws deterministic people (seeded; the first is always the
//! ICAO 9303 specimen, ERIKSSON ANNA MARIA, passport L898902C3, and the set
//! includes long names that the MRZ must truncate). [`render_td3`] draws a
//! passport data page (125 × 88 mm) and [`render_td1_front`] /
//! [`render_td1_back`] an ID-1 card (85.6 × 54 mm): a tinted guilloche
//! ground, a header, a portrait block, the visual inspection zone (labels and
//! values in a sans font) and, on the passport page and the card's back, the
//! machine-readable zone in OCR-B at the ICAO pitch (2.54 mm, 10 characters
//! per inch) composed by `openkyc-mrz` (check digits computed, names
//! truncated as issuers do). Each page comes with its [`Truth`].
//!
//! The pages are flat, perfect scans; photographing them (perspective,
//! lighting, blur, JPEG) is the job of `openkyc-synth`, which places any
//! image in its scenes.
//!
//! Fonts are passed in ([`Fonts`]); [`Fonts::from_system`] reads Debian's
//! `fonts-ocr-b` and `fonts-dejavu-core` files. Same seed and fonts, same
//! pixels: randomness comes from a SplitMix64 of our own (a few lines, and
//! stable across dependency upgrades, which a generator of test sets needs).

mod draw;
mod fonts;
mod identity;
mod page;

pub use fonts::{FontError, Fonts, OCRB_PATH, SANS_BOLD_PATH, SANS_PATH};
pub use identity::{identities, Identity};
pub use page::{render_td1_back, render_td1_front, render_td3, Page, Truth, TD1_MM, TD3_MM};
