//! ICAO 9303 machine-readable zones (MRZ): parsing, check digits and
//! check-digit-guided OCR repair. Pure: no I/O, no clock, no async.
//!
//! Formats: TD1 (3×30 cards), TD2 (2×36 cards), TD3 (2×44 passports),
//! MRV-A (2×44 visas), MRV-B (2×36 visas), and the French national identity
//! card of 1988–2021 (2×36, national layout).
//!
//! The rules, in the order they are applied:
//! 1. **Input** ([`parse`]): surrounding whitespace, blank lines, CR/LF and
//!    lower case are tolerated; the number of lines and their length must
//!    match a format exactly, else [`MrzError`] names the line and the
//!    expected length.
//! 2. **Repair** (module [`repair`]): OCR look-alikes (`O/0 I/1 L/1 B/8 S/5
//!    Z/2 G/6`) are changed only where a check digit fails as read and
//!    passes after the change, or where a letters-only field holds a digit;
//!    every change is listed in `repairs`.
//! 3. **Check digits** ([`check_digit`]): weights 7-3-1, `A`–`Z` = 10–35,
//!    `<` = 0, including the composite digit. A filler `<` as check digit is
//!    accepted only over an all-filler field. A TD1/TD2 document number that
//!    overflows into the optional data is checked over its full length
//!    (ICAO 9303-11 D.2).
//! 4. **Fields**: names split at the first `<<`, `<` read as space; a full
//!    name field is flagged as possibly truncated. Country codes are looked
//!    up in the ICAO 9303-3 list: an unknown code is a warning, never an
//!    error. Two-digit years are resolved against a reference date the
//!    caller passes (see [`dates`]).
//!
//! `valid` means: every check digit passes and every field is well formed.
//! Expiry, unknown countries and truncated names are warnings: whether an
//! expired document is acceptable is a decision for the caller.

pub mod check_digit;
pub mod codes;
pub mod compose;
mod coverage;
pub mod dates;
mod error;
mod input;
mod layout;
mod parse;
pub mod repair;
mod report;

pub use coverage::{CharRange, CheckCoverage};
pub use error::MrzError;
pub use input::MAX_INPUT_CHARS;
pub use layout::{Field, MrzFormat};
pub use parse::{parse, ParseOptions};
pub use repair::{Repair, RepairBasis};
pub use report::{CheckResult, Finding, MrzFields, MrzReport, Sex};
