//! Writing an MRZ from field values: the inverse of parsing, used to make
//! samples and test data. Check digits are computed, fields padded with
//! fillers; a TD1/TD2 document number longer than nine characters overflows
//! into the optional data as ICAO 9303-11 D.2 describes.

use crate::check_digit;
use crate::layout::{Field, MrzFormat, Span};
use thiserror::Error;

/// Field values to write. Text is upper-case A–Z, 0–9 and spaces; spaces
/// become fillers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MrzData {
    /// Document code (`P`, `I`, `ID`, `V`, …).
    pub document_code: String,
    /// Issuing state (`UTO`, `D`, …).
    pub issuing_state: String,
    /// Document number.
    pub document_number: String,
    /// `YYMMDD`.
    pub birth_date: String,
    /// `M`, `F`, `X` or `<`.
    pub sex: char,
    /// `YYMMDD`.
    pub expiry_date: String,
    /// Nationality.
    pub nationality: String,
    /// Surname words.
    pub surname: String,
    /// Given-name words.
    pub given_names: String,
    /// Optional data 1 (TD3: personal number).
    pub optional_data_1: String,
    /// Optional data 2 (TD1 only).
    pub optional_data_2: String,
}

/// Why a value cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ComposeError {
    /// A value does not fit its field.
    #[error("{field} {value:?} does not fit in {width} characters")]
    TooLong {
        /// Field name.
        field: &'static str,
        /// The value.
        value: String,
        /// Room available.
        width: usize,
    },
    /// A value holds a character outside `A-Z 0-9 <` and space.
    #[error("{field} {value:?} holds characters an MRZ cannot")]
    InvalidCharacter {
        /// Field name.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// Only the ICAO formats can be composed.
    #[error("composing {0} is not supported")]
    Unsupported(&'static str),
}

/// Writes `data` in `format`, returning the lines joined by `\n`. Names
/// longer than the name field are truncated, as issuers do.
///
/// # Errors
/// [`ComposeError`] when a value other than the names does not fit or holds
/// characters outside the MRZ alphabet.
pub fn compose(format: MrzFormat, data: &MrzData) -> Result<String, ComposeError> {
    if format == MrzFormat::FrenchId {
        return Err(ComposeError::Unsupported("FRENCH_ID"));
    }
    let layout = format.layout();
    let (lines, width) = format.shape();
    let mut grid = vec![vec!['<'; width]; lines];
    let mut number = mrz_text("document_number", &data.document_number)?;
    let mut optional_1 = mrz_text("optional_data_1", &data.optional_data_1)?;
    let long = layout.long_document_number.as_ref().filter(|_| number.len() > 9);
    if let Some(slot) = long {
        let continuation = number.split_off(9);
        let digit = check_digit::compute_char(&format!("{number}{continuation}")).unwrap_or('<');
        optional_1 = format!("{continuation}{digit}<{optional_1}");
        put(
            &mut grid,
            Span {
                line: slot.check_digit.line,
                start: slot.check_digit.column,
                len: 1,
            },
            "<",
        );
    }
    for spec in layout.fields {
        let value = match spec.field {
            Field::DocumentCode => mrz_text("document_code", &data.document_code)?,
            Field::IssuingState => mrz_text("issuing_state", &data.issuing_state)?,
            Field::DocumentNumber => number.clone(),
            Field::BirthDate => mrz_text("birth_date", &data.birth_date)?,
            Field::Sex => data.sex.to_string(),
            Field::ExpiryDate => mrz_text("expiry_date", &data.expiry_date)?,
            Field::Nationality => mrz_text("nationality", &data.nationality)?,
            Field::Names => name_field(&data.surname, &data.given_names, spec.span.len)?,
            Field::OptionalData1 => optional_1.clone(),
            Field::OptionalData2 => mrz_text("optional_data_2", &data.optional_data_2)?,
            Field::Surname | Field::GivenNames | Field::Composite => continue,
        };
        if value.chars().count() > spec.span.len {
            return Err(ComposeError::TooLong {
                field: spec.field.as_str(),
                value,
                width: spec.span.len,
            });
        }
        put(&mut grid, spec.span, &value);
    }
    for check in layout.checks {
        if long.is_some() && check.field == Field::DocumentNumber {
            continue; // written with the continuation above
        }
        let covered: String = check
            .covers
            .iter()
            .flat_map(|s| s.positions())
            .filter_map(|p| grid.get(p.line)?.get(p.column))
            .collect();
        let all_fillers = covered.chars().all(|c| c == '<');
        let digit = if all_fillers && check.field == Field::OptionalData1 {
            '<'
        } else {
            check_digit::compute_char(&covered).unwrap_or('<')
        };
        put(&mut grid, check.digit, &digit.to_string());
    }
    Ok(grid
        .iter()
        .map(|line| line.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n"))
}

/// Upper-cases, turns spaces into fillers and refuses anything else.
fn mrz_text(field: &'static str, value: &str) -> Result<String, ComposeError> {
    let text: String = value
        .trim()
        .chars()
        .map(|c| if c == ' ' { '<' } else { c.to_ascii_uppercase() })
        .collect();
    if text
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<')
    {
        Ok(text)
    } else {
        Err(ComposeError::InvalidCharacter {
            field,
            value: value.to_string(),
        })
    }
}

fn name_field(surname: &str, given: &str, width: usize) -> Result<String, ComposeError> {
    let surname = mrz_text("surname", &surname.split_whitespace().collect::<Vec<_>>().join(" "))?;
    let given = mrz_text("given_names", &given.split_whitespace().collect::<Vec<_>>().join(" "))?;
    let full = if given.is_empty() {
        surname
    } else {
        format!("{surname}<<{given}")
    };
    Ok(full.chars().take(width).collect())
}

fn put(grid: &mut [Vec<char>], span: Span, value: &str) {
    for (pos, c) in span.positions().zip(value.chars()) {
        if let Some(slot) = grid.get_mut(pos.line).and_then(|line| line.get_mut(pos.column)) {
            *slot = c;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn icao_passport() -> MrzData {
        MrzData {
            document_code: "P".into(),
            issuing_state: "UTO".into(),
            document_number: "L898902C3".into(),
            birth_date: "740812".into(),
            sex: 'F',
            expiry_date: "120415".into(),
            nationality: "UTO".into(),
            surname: "ERIKSSON".into(),
            given_names: "ANNA MARIA".into(),
            optional_data_1: "ZE184226B".into(),
            optional_data_2: String::new(),
        }
    }

    #[test]
    fn reproduces_the_icao_9303_4_specimen() {
        // The TD3 specimen printed in ICAO Doc 9303 Part 4, Appendix A.
        assert_eq!(
            compose(MrzFormat::Td3, &icao_passport()).unwrap(),
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
        );
    }

    #[test]
    fn reproduces_the_icao_9303_11_long_number_example() {
        let data = MrzData {
            document_code: "I".into(),
            issuing_state: "UTO".into(),
            document_number: "D23145890734".into(),
            birth_date: "340712".into(),
            sex: 'M',
            expiry_date: "950712".into(),
            nationality: "UTO".into(),
            surname: "STEVENSON".into(),
            given_names: "PETER JOHN".into(),
            ..MrzData::default()
        };
        let mrz = compose(MrzFormat::Td1, &data).unwrap();
        assert!(
            mrz.starts_with("I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2"),
            "{mrz}"
        );
    }

    #[test]
    fn refuses_what_cannot_be_written() {
        let mut data = icao_passport();
        data.document_number = "L8989-02".into();
        assert!(matches!(
            compose(MrzFormat::Td3, &data),
            Err(ComposeError::InvalidCharacter { .. })
        ));
        data.document_number = "ABCDEFGHIJ".into();
        assert!(matches!(
            compose(MrzFormat::Td3, &data),
            Err(ComposeError::TooLong { .. })
        ));
        assert_eq!(
            compose(MrzFormat::FrenchId, &data),
            Err(ComposeError::Unsupported("FRENCH_ID"))
        );
    }
}
