//! What a parse returns: the fields, each check digit's result, every
//! repair, and findings with stable codes.

use crate::layout::{Field, MrzFormat};
use crate::repair::Repair;
use chrono::NaiveDate;
use serde::Serialize;

/// The result of reading an MRZ-shaped text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzReport {
    /// The layout recognised.
    pub format: MrzFormat,
    /// True when every check digit passes (after reported repairs) and every
    /// field is well formed. Unknown country codes, truncated names and an
    /// expired document are warnings, not errors.
    pub valid: bool,
    /// The fields as read (after repairs).
    pub fields: MrzFields,
    /// One entry per check digit of the format.
    pub checks: Vec<CheckResult>,
    /// Every character changed by OCR repair.
    pub repairs: Vec<Repair>,
    /// Facts worth a look that do not make the MRZ invalid.
    pub warnings: Vec<Finding>,
    /// What makes the MRZ invalid.
    pub errors: Vec<Finding>,
    /// The MRZ lines after normalisation and repair.
    pub lines: Vec<String>,
}

/// Sex as the MRZ states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sex {
    /// `M`.
    #[serde(rename = "M")]
    Male,
    /// `F`.
    #[serde(rename = "F")]
    Female,
    /// `X`, or the filler `<`: ICAO 9303-3 allows either for "unspecified".
    #[serde(rename = "X")]
    Unspecified,
}

/// The data fields of an MRZ. Fillers are removed: `<` inside names and
/// optional data becomes a space, trailing fillers are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzFields {
    /// `P`, `I`, `ID`, `V`, … (trailing filler removed).
    pub document_code: String,
    /// Issuing state or organisation (`D` for Germany, `UTO` in specimens).
    pub issuing_state: String,
    /// Document number including a TD1/TD2 overflow, fillers removed.
    pub document_number: String,
    /// Date of birth; `None` when not a calendar date or partly unknown.
    pub birth_date: Option<NaiveDate>,
    /// The six characters as printed (`YYMMDD`).
    pub birth_date_raw: String,
    /// Sex; `None` when the character is not one ICAO allows.
    pub sex: Option<Sex>,
    /// Date of expiry; `None` when not a calendar date or absent (French ID).
    pub expiry_date: Option<NaiveDate>,
    /// The six characters as printed; `None` when the format has no expiry.
    pub expiry_date_raw: Option<String>,
    /// Nationality; `None` when the format has no nationality field.
    pub nationality: Option<String>,
    /// Primary identifier (before `<<`).
    pub surname: String,
    /// Secondary identifier (after `<<`), `<` read as space.
    pub given_names: String,
    /// The name field is full to its last character, so the names may have
    /// been truncated by the issuer.
    pub names_truncated: bool,
    /// Optional data 1 (TD3: the personal number; TD1/TD2: what follows a
    /// document-number overflow).
    pub optional_data_1: String,
    /// Optional data 2 (TD1 only).
    pub optional_data_2: Option<String>,
}

/// One check digit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The field the digit protects (`composite` for the composite digit).
    pub field: Field,
    /// Whether it passes.
    pub ok: bool,
    /// The digit computed from the data (after repairs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<char>,
    /// The character found in the check-digit position.
    pub found: char,
}

/// A warning or an error with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable snake_case code (see [`crate::codes`]).
    pub code: &'static str,
    /// The field concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Field>,
    /// A sentence for people.
    pub message: String,
}

impl Finding {
    pub(crate) fn new(code: &'static str, field: Option<Field>, message: impl Into<String>) -> Self {
        Self {
            code,
            field,
            message: message.into(),
        }
    }
}
