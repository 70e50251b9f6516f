//! Stable codes of MRZ findings. They appear in JSON and will drive
//! user-facing reasons; never rename one, only add.

/// Errors: the MRZ is invalid.
pub mod error {
    /// A check digit does not match the data it covers.
    pub const CHECK_DIGIT: &str = "check_digit";
    /// A character not allowed in this field (after repair).
    pub const INVALID_CHARACTER: &str = "invalid_character";
    /// A date field that is not a calendar date.
    pub const INVALID_DATE: &str = "invalid_date";
    /// The sex field holds something other than `M`, `F`, `X` or `<`.
    pub const INVALID_SEX: &str = "invalid_sex";
    /// The document code does not start with a letter.
    pub const INVALID_DOCUMENT_CODE: &str = "invalid_document_code";
    /// The name field holds no name at all.
    pub const MISSING_NAME: &str = "missing_name";
}

/// Warnings: worth a look, but the MRZ is still valid.
pub mod warning {
    /// The country code is not in the ICAO 9303-3 list.
    pub const UNKNOWN_COUNTRY: &str = "unknown_country";
    /// The country code is ICAO's fictional specimen state `UTO`.
    pub const SPECIMEN_COUNTRY: &str = "specimen_country";
    /// The name field is full; the issuer may have truncated the names.
    pub const NAME_TRUNCATED: &str = "name_truncated";
    /// A digit in a letters-only field was replaced by its look-alike letter
    /// without a check digit to confirm it.
    pub const REPAIRED_WITHOUT_CHECK_DIGIT: &str = "repaired_without_check_digit";
    /// The expiry date is before the reference date.
    pub const DOCUMENT_EXPIRED: &str = "document_expired";
    /// The birth date gives the year but not the month or day (`<<`).
    pub const PARTIAL_BIRTH_DATE: &str = "partial_birth_date";
    /// The format has no expiry date, or the field is all fillers.
    pub const NO_EXPIRY_DATE: &str = "no_expiry_date";
    /// The document code is unusual for this format (e.g. `P` on a card).
    pub const UNEXPECTED_DOCUMENT_CODE: &str = "unexpected_document_code";
    /// A long document number's check digit only passes when computed over
    /// the filler at the check-digit position too (some issuers, e.g. BEL).
    pub const LONG_NUMBER_CHECK_INCLUDES_FILLER: &str = "long_number_check_includes_filler";
    /// A check digit failed and several equally small repairs would fix it,
    /// so none was applied.
    pub const AMBIGUOUS_REPAIR: &str = "ambiguous_repair";
}
