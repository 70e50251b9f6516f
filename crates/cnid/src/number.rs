//! What an accepted number tells us.

use chrono::NaiveDate;
use serde::Serialize;

use crate::Province;

/// Which document family the number belongs to. Serialised in snake_case:
/// `resident`, `legacy15`, `residence_permit_hong_kong`,
/// `residence_permit_macao`, `residence_permit_taiwan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CnIdKind {
    /// An 18-character Resident Identity Card number (address prefixes 11–65 and 71).
    Resident,
    /// A 15-digit number issued before GB 11643-1999; reported with its 18-character form.
    Legacy15,
    /// Residence permit for Hong Kong residents (港澳台居民居住证, address code 810000).
    ResidencePermitHongKong,
    /// Residence permit for Macao residents (address code 820000).
    ResidencePermitMacao,
    /// Residence permit for Taiwan residents (address code 830000).
    ResidencePermitTaiwan,
}

impl CnIdKind {
    /// The serialised name, e.g. `"residence_permit_macao"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Legacy15 => "legacy15",
            Self::ResidencePermitHongKong => "residence_permit_hong_kong",
            Self::ResidencePermitMacao => "residence_permit_macao",
            Self::ResidencePermitTaiwan => "residence_permit_taiwan",
        }
    }
}

/// Sex encoded by the parity of the last sequence digit (odd = male, even =
/// female). Serialised as `"M"` / `"F"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Sex {
    /// Odd sequence digit.
    #[serde(rename = "M")]
    Male,
    /// Even sequence digit.
    #[serde(rename = "F")]
    Female,
}

impl Sex {
    /// `Male` for an odd digit, `Female` for an even one.
    pub(crate) fn from_sequence_digit(value: u32) -> Self {
        if value % 2 == 1 {
            Self::Male
        } else {
            Self::Female
        }
    }

    /// The serialised code, `"M"` or `"F"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "M",
            Self::Female => "F",
        }
    }
}

/// An accepted identity number and the facts it encodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CnIdNumber {
    /// Always the 18-character form with an upper-case `X`, also for a 15-digit
    /// input: the key that recognises one person under an old and a new number.
    pub normalized: String,
    /// The document family.
    pub kind: CnIdKind,
    /// Birth date, serialised as `YYYY-MM-DD`.
    pub birth_date: NaiveDate,
    /// Sex from the parity of the last sequence digit.
    pub sex: Sex,
    /// The six-digit address code, e.g. `"320102"`.
    pub region_code: String,
    /// The province-level division of the address code.
    pub province: Province,
}
