//! Chinese Resident Identity Card numbers (公民身份号码, GB 11643-1999) and the
//! residence permits for Hong Kong, Macao and Taiwan residents that use the
//! same numbering. Pure: no I/O, no clock, no async. The reference date
//! ("today") is always passed in by the caller.
//!
//! # What is accepted
//!
//! An **18-character number** is: a 6-digit address code, an 8-digit birth
//! date `YYYYMMDD`, a 3-digit sequence code, and a check character.
//!
//! * **Address code.** Its first two digits must be a known province-level
//!   code: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65 (the 31 mainland
//!   provinces, municipalities and autonomous regions), 71 (Taiwan), or 81, 82,
//!   83. The remaining four digits are not checked against a county list,
//!   because address codes are renamed and retired over time while the numbers
//!   issued under them stay valid for life.
//! * **Residence permits.** Prefixes 81 (Hong Kong), 82 (Macao) and 83
//!   (Taiwan) mark a residence permit for Hong Kong, Macao or Taiwan residents
//!   (港澳台居民居住证, issued since 2018). The permit scheme always uses the
//!   full address code 810000, 820000 or 830000; any other address code with
//!   these prefixes is rejected.
//! * **Birth date.** Must be a real calendar date (leap years included), not
//!   after the reference date, and not before 1800-01-01. The last limit is
//!   only an absurdity guard against typing and OCR errors.
//! * **Sex.** The last digit of the sequence code (the 17th character) is odd
//!   for men and even for women.
//! * **Check character.** ISO 7064 MOD 11-2: digit *i* (1-based) is weighted
//!   2^(18−*i*) mod 11, i.e. 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the check
//!   value *c* makes the weighted sum plus *c* ≡ 1 (mod 11). The value 10 is
//!   written `X`. This catches every single mistyped character and every swap
//!   of two adjacent different characters.
//!
//! A **15-digit number** (issued before GB 11643-1999) is: a 6-digit address
//! code, a birth date `YYMMDD`, and a 3-digit sequence code whose last digit
//! gives the sex. It has no check character and must be digits only. **Its
//! century is always 19xx**: `YY` = `20` means 1920, never 2020, because
//! these numbers stopped being issued in 1999. Prefixes 81, 82 and 83 are
//! rejected in this form, since residence permits only ever had 18
//! characters. The same address and birth-date rules as above apply.
//!
//! # Normalisation
//!
//! * Surrounding whitespace (any Unicode white space, including the
//!   ideographic space U+3000) is removed. Nothing else is removed or
//!   rewritten: internal spaces, dashes, full-width digits and every other
//!   character are rejected, so that what is accepted is exactly what was
//!   typed.
//! * A lower-case `x` check character is accepted and reported as `X`, as GB
//!   11643 prints it.
//! * The reported `normalized` number is **always the 18-character form**: a
//!   15-digit number is converted by inserting `19` before the year and
//!   computing the check character. This is the key that recognises one
//!   person registering with both an old and a new number.
//!
//! # Order of checks
//!
//! The first failing check is reported, each with a stable code:
//!
//! 1. `CHARSET`: a character other than `0`–`9`, `X`, `x` anywhere. Checked
//!    first so that a pasted separator (`110105-1949…`) is named precisely
//!    instead of being reported as a wrong length.
//! 2. `LENGTH`: not 18 or 15 characters.
//! 3. `CHARSET`: an `X` anywhere but the 18th character (so never in a
//!    15-digit number).
//! 4. `REGION`: unknown province-level prefix, a permit prefix with an
//!    address code other than `<prefix>0000`, or a permit prefix on a
//!    15-digit number.
//! 5. `BIRTH_DATE`: not a real date, after the reference date, or before
//!    1800-01-01.
//! 6. `CHECKSUM`: the check character does not match (18 characters only).
//!
//! Field checks come before the checksum because they point at *where* the
//! number is wrong; a single mistyped digit outside the address and date
//! fields, or one that leaves them plausible, is reported as `CHECKSUM`.
//!
//! Every input, of any length or content, yields a result or an error without
//! panicking, in time linear in its length.

mod checksum;
mod error;
mod number;
mod parse;
mod province;
mod report;

pub use checksum::check_character;
pub use error::{CnIdError, CnIdErrorCode};
pub use number::{CnIdKind, CnIdNumber, Sex};
pub use parse::{parse, upgrade_legacy15};
pub use province::Province;
pub use report::{report, CnIdReport};
