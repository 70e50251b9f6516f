//! The flat shape the CLI prints as JSON.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{parse, CnIdError, CnIdKind, CnIdNumber, Sex};

/// The outcome of validating one number, flattened for JSON output:
///
/// ```json
/// {"valid": true, "normalized": "11010519491231002X", "birth_date": "1949-12-31",
///  "sex": "F", "region_code": "110105", "province": "北京", "province_en": "Beijing",
///  "kind": "resident", "error": null}
/// ```
///
/// When `valid` is false every field but `error` is `null`; when it is true `error` is `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CnIdReport {
    /// Whether the number passed every check.
    pub valid: bool,
    /// The 18-character form with an upper-case `X`.
    pub normalized: Option<String>,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: Option<NaiveDate>,
    /// `"M"` or `"F"`.
    pub sex: Option<Sex>,
    /// The six-digit address code.
    pub region_code: Option<String>,
    /// Short Chinese name of the province-level division, e.g. `"江苏"`.
    pub province: Option<&'static str>,
    /// English name of the province-level division, e.g. `"Jiangsu"`.
    pub province_en: Option<&'static str>,
    /// The document family, e.g. `"legacy15"`.
    pub kind: Option<CnIdKind>,
    /// Why the number was rejected.
    pub error: Option<CnIdError>,
}

/// [`parse`] `input` against the reference date `today` and flatten the outcome.
pub fn report(input: &str, today: NaiveDate) -> CnIdReport {
    CnIdReport::from(parse(input, today))
}

impl From<Result<CnIdNumber, CnIdError>> for CnIdReport {
    fn from(outcome: Result<CnIdNumber, CnIdError>) -> Self {
        match outcome {
            Ok(number) => Self::from(number),
            Err(error) => Self::from(error),
        }
    }
}

impl From<CnIdNumber> for CnIdReport {
    fn from(number: CnIdNumber) -> Self {
        Self {
            valid: true,
            normalized: Some(number.normalized),
            birth_date: Some(number.birth_date),
            sex: Some(number.sex),
            region_code: Some(number.region_code),
            province: Some(number.province.name_zh),
            province_en: Some(number.province.name_en),
            kind: Some(number.kind),
            error: None,
        }
    }
}

impl From<CnIdError> for CnIdReport {
    fn from(error: CnIdError) -> Self {
        Self {
            valid: false,
            normalized: None,
            birth_date: None,
            sex: None,
            region_code: None,
            province: None,
            province_en: None,
            kind: None,
            error: Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn valid_report_has_the_cli_shape() {
        let value = serde_json::to_value(report("11010519491231002x", today())).unwrap();
        assert_eq!(
            value,
            json!({
                "valid": true,
                "normalized": "11010519491231002X",
                "birth_date": "1949-12-31",
                "sex": "F",
                "region_code": "110105",
                "province": "北京",
                "province_en": "Beijing",
                "kind": "resident",
                "error": null
            })
        );
    }

    #[test]
    fn legacy_report_shows_kind_and_18_character_form() {
        let value = serde_json::to_value(report("110105491231003", today())).unwrap();
        assert_eq!(value["kind"], "legacy15");
        assert_eq!(value["sex"], "M");
        assert_eq!(value["normalized"].as_str().unwrap().len(), 18);
    }

    #[test]
    fn invalid_report_has_nulls_and_the_error_object() {
        let value = serde_json::to_value(report("110105194912310021", today())).unwrap();
        assert_eq!(
            value,
            json!({
                "valid": false,
                "normalized": null,
                "birth_date": null,
                "sex": null,
                "region_code": null,
                "province": null,
                "province_en": null,
                "kind": null,
                "error": {"code": "CHECKSUM", "message": "expected check character X, found 1"}
            })
        );
    }

    #[test]
    fn kinds_serialise_in_snake_case() {
        for kind in [
            CnIdKind::Resident,
            CnIdKind::Legacy15,
            CnIdKind::ResidencePermitHongKong,
            CnIdKind::ResidencePermitMacao,
            CnIdKind::ResidencePermitTaiwan,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
        assert_eq!(CnIdKind::Legacy15.as_str(), "legacy15");
        assert_eq!(CnIdKind::ResidencePermitHongKong.as_str(), "residence_permit_hong_kong");
        assert_eq!(serde_json::to_value(Sex::Male).unwrap(), json!(Sex::Male.as_str()));
        assert_eq!(Sex::Female.as_str(), "F");
    }
}
