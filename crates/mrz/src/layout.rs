//! Where each field sits in each MRZ format (ICAO 9303 Parts 4–7; the French
//! national identity card of 1988–2021 from its published specification).
//! Positions are zero-based character offsets within a line.

use serde::Serialize;

/// The MRZ layouts openkyc reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum MrzFormat {
    /// ID-1 size card: 3 lines of 30 characters (ICAO 9303-5).
    #[serde(rename = "TD1")]
    Td1,
    /// ID-2 size card: 2 lines of 36 (ICAO 9303-6).
    #[serde(rename = "TD2")]
    Td2,
    /// Passport book: 2 lines of 44 (ICAO 9303-4).
    #[serde(rename = "TD3")]
    Td3,
    /// Visa, format A: 2 lines of 44 (ICAO 9303-7).
    #[serde(rename = "MRVA")]
    MrvA,
    /// Visa, format B: 2 lines of 36 (ICAO 9303-7).
    #[serde(rename = "MRVB")]
    MrvB,
    /// French national identity card issued 1988–2021: 2 lines of 36 with a
    /// national layout (not ICAO; no expiry date in the MRZ).
    #[serde(rename = "FRENCH_ID")]
    FrenchId,
}

impl MrzFormat {
    /// The name used in reports (`TD1`, `MRVA`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Td1 => "TD1",
            Self::Td2 => "TD2",
            Self::Td3 => "TD3",
            Self::MrvA => "MRVA",
            Self::MrvB => "MRVB",
            Self::FrenchId => "FRENCH_ID",
        }
    }

    /// Number of lines and characters per line.
    pub fn shape(self) -> (usize, usize) {
        match self {
            Self::Td1 => (3, 30),
            Self::Td2 | Self::MrvB | Self::FrenchId => (2, 36),
            Self::Td3 | Self::MrvA => (2, 44),
        }
    }

    pub(crate) fn layout(self) -> &'static Layout {
        match self {
            Self::Td1 => &TD1,
            Self::Td2 => &TD2,
            Self::Td3 => &TD3,
            Self::MrvA => &MRVA,
            Self::MrvB => &MRVB,
            Self::FrenchId => &FRENCH_ID,
        }
    }
}

/// A run of characters on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub line: usize,
    pub start: usize,
    pub len: usize,
}

impl Span {
    const fn new(line: usize, start: usize, len: usize) -> Self {
        Self { line, start, len }
    }

    pub fn positions(self) -> impl Iterator<Item = Pos> {
        (self.start..self.start + self.len).map(move |column| Pos {
            line: self.line,
            column,
        })
    }
}

/// One character position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

/// What a position may legally hold; drives OCR repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CharClass {
    /// Letters and the filler (names, codes).
    Alpha,
    /// Digits and the filler (dates, check digits).
    Numeric,
    /// Letters, digits and the filler (document numbers, optional data).
    AlphaNumeric,
    /// `M`, `F`, `X` or `<`.
    Sex,
}

/// Every field an MRZ can carry, named as in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Document code (`P`, `I`, `ID`, `V`, …).
    DocumentCode,
    /// Issuing state or organisation.
    IssuingState,
    /// Document number (with its TD1/TD2 overflow, where present).
    DocumentNumber,
    /// Date of birth.
    BirthDate,
    /// Sex.
    Sex,
    /// Date of expiry.
    ExpiryDate,
    /// Nationality.
    Nationality,
    /// The name field (`SURNAME<<GIVEN<NAMES`).
    Names,
    /// Surname, where a layout has a field of its own for it.
    Surname,
    /// Given names, where a layout has a field of its own for them.
    GivenNames,
    /// Optional data 1 (TD3: the personal number).
    #[serde(rename = "optional_data_1")]
    OptionalData1,
    /// Optional data 2 (TD1 line 2).
    #[serde(rename = "optional_data_2")]
    OptionalData2,
    /// The composite check digit over several fields.
    Composite,
}

impl Field {
    /// The report name of the field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DocumentCode => "document_code",
            Self::IssuingState => "issuing_state",
            Self::DocumentNumber => "document_number",
            Self::BirthDate => "birth_date",
            Self::Sex => "sex",
            Self::ExpiryDate => "expiry_date",
            Self::Nationality => "nationality",
            Self::Names => "names",
            Self::Surname => "surname",
            Self::GivenNames => "given_names",
            Self::OptionalData1 => "optional_data_1",
            Self::OptionalData2 => "optional_data_2",
            Self::Composite => "composite",
        }
    }
}

/// A field and where it sits.
#[derive(Debug)]
pub(crate) struct FieldSpec {
    pub field: Field,
    pub span: Span,
    pub class: CharClass,
}

/// A check digit and the characters it covers.
#[derive(Debug)]
pub(crate) struct CheckSpec {
    pub field: Field,
    pub covers: &'static [Span],
    pub digit: Span,
}

/// A whole format: its fields (a field may span several runs with different
/// character classes) and its check digits, in the order checks
/// are evaluated (field checks before the composite, which relies on them).
#[derive(Debug)]
pub(crate) struct Layout {
    pub format: MrzFormat,
    pub fields: &'static [FieldSpec],
    pub checks: &'static [CheckSpec],
    /// TD1 and TD2 let a document number longer than nine characters
    /// overflow into the optional data that follows it (ICAO 9303-5 §4.2.2,
    /// 9303-6 §4.2.2; worked example in 9303-11 D.2).
    pub long_document_number: Option<LongNumberSlot>,
}

/// Where a long document number may continue.
#[derive(Debug)]
pub(crate) struct LongNumberSlot {
    /// The position of the document-number check digit, which holds `<`
    /// when the number continues.
    pub check_digit: Pos,
    /// The optional-data field the number continues into.
    pub continuation: Span,
}

const fn field(field: Field, span: Span, class: CharClass) -> FieldSpec {
    FieldSpec { field, span, class }
}

use CharClass::{Alpha, AlphaNumeric, Numeric};

const TD1: Layout = Layout {
    format: MrzFormat::Td1,
    fields: &[
        field(Field::DocumentCode, Span::new(0, 0, 2), Alpha),
        field(Field::IssuingState, Span::new(0, 2, 3), Alpha),
        field(Field::DocumentNumber, Span::new(0, 5, 9), AlphaNumeric),
        field(Field::OptionalData1, Span::new(0, 15, 15), AlphaNumeric),
        field(Field::BirthDate, Span::new(1, 0, 6), Numeric),
        field(Field::Sex, Span::new(1, 7, 1), CharClass::Sex),
        field(Field::ExpiryDate, Span::new(1, 8, 6), Numeric),
        field(Field::Nationality, Span::new(1, 15, 3), Alpha),
        field(Field::OptionalData2, Span::new(1, 18, 11), AlphaNumeric),
        field(Field::Names, Span::new(2, 0, 30), Alpha),
    ],
    checks: &[
        CheckSpec {
            field: Field::DocumentNumber,
            covers: &[Span::new(0, 5, 9)],
            digit: Span::new(0, 14, 1),
        },
        CheckSpec {
            field: Field::BirthDate,
            covers: &[Span::new(1, 0, 6)],
            digit: Span::new(1, 6, 1),
        },
        CheckSpec {
            field: Field::ExpiryDate,
            covers: &[Span::new(1, 8, 6)],
            digit: Span::new(1, 14, 1),
        },
        CheckSpec {
            field: Field::Composite,
            covers: &[
                Span::new(0, 5, 25),
                Span::new(1, 0, 7),
                Span::new(1, 8, 7),
                Span::new(1, 18, 11),
            ],
            digit: Span::new(1, 29, 1),
        },
    ],
    long_document_number: Some(LongNumberSlot {
        check_digit: Pos { line: 0, column: 14 },
        continuation: Span::new(0, 15, 15),
    }),
};

const TD2: Layout = Layout {
    format: MrzFormat::Td2,
    fields: &[
        field(Field::DocumentCode, Span::new(0, 0, 2), Alpha),
        field(Field::IssuingState, Span::new(0, 2, 3), Alpha),
        field(Field::Names, Span::new(0, 5, 31), Alpha),
        field(Field::DocumentNumber, Span::new(1, 0, 9), AlphaNumeric),
        field(Field::Nationality, Span::new(1, 10, 3), Alpha),
        field(Field::BirthDate, Span::new(1, 13, 6), Numeric),
        field(Field::Sex, Span::new(1, 20, 1), CharClass::Sex),
        field(Field::ExpiryDate, Span::new(1, 21, 6), Numeric),
        field(Field::OptionalData1, Span::new(1, 28, 7), AlphaNumeric),
    ],
    checks: &[
        CheckSpec {
            field: Field::DocumentNumber,
            covers: &[Span::new(1, 0, 9)],
            digit: Span::new(1, 9, 1),
        },
        CheckSpec {
            field: Field::BirthDate,
            covers: &[Span::new(1, 13, 6)],
            digit: Span::new(1, 19, 1),
        },
        CheckSpec {
            field: Field::ExpiryDate,
            covers: &[Span::new(1, 21, 6)],
            digit: Span::new(1, 27, 1),
        },
        CheckSpec {
            field: Field::Composite,
            covers: &[Span::new(1, 0, 10), Span::new(1, 13, 7), Span::new(1, 21, 14)],
            digit: Span::new(1, 35, 1),
        },
    ],
    long_document_number: Some(LongNumberSlot {
        check_digit: Pos { line: 1, column: 9 },
        continuation: Span::new(1, 28, 7),
    }),
};

const TD3: Layout = Layout {
    format: MrzFormat::Td3,
    fields: &[
        field(Field::DocumentCode, Span::new(0, 0, 2), Alpha),
        field(Field::IssuingState, Span::new(0, 2, 3), Alpha),
        field(Field::Names, Span::new(0, 5, 39), Alpha),
        field(Field::DocumentNumber, Span::new(1, 0, 9), AlphaNumeric),
        field(Field::Nationality, Span::new(1, 10, 3), Alpha),
        field(Field::BirthDate, Span::new(1, 13, 6), Numeric),
        field(Field::Sex, Span::new(1, 20, 1), CharClass::Sex),
        field(Field::ExpiryDate, Span::new(1, 21, 6), Numeric),
        field(Field::OptionalData1, Span::new(1, 28, 14), AlphaNumeric),
    ],
    checks: &[
        CheckSpec {
            field: Field::DocumentNumber,
            covers: &[Span::new(1, 0, 9)],
            digit: Span::new(1, 9, 1),
        },
        CheckSpec {
            field: Field::BirthDate,
            covers: &[Span::new(1, 13, 6)],
            digit: Span::new(1, 19, 1),
        },
        CheckSpec {
            field: Field::ExpiryDate,
            covers: &[Span::new(1, 21, 6)],
            digit: Span::new(1, 27, 1),
        },
        CheckSpec {
            field: Field::OptionalData1,
            covers: &[Span::new(1, 28, 14)],
            digit: Span::new(1, 42, 1),
        },
        CheckSpec {
            field: Field::Composite,
            covers: &[Span::new(1, 0, 10), Span::new(1, 13, 7), Span::new(1, 21, 22)],
            digit: Span::new(1, 43, 1),
        },
    ],
    long_document_number: None,
};

const MRVA: Layout = Layout {
    format: MrzFormat::MrvA,
    fields: &[
        field(Field::DocumentCode, Span::new(0, 0, 2), Alpha),
        field(Field::IssuingState, Span::new(0, 2, 3), Alpha),
        field(Field::Names, Span::new(0, 5, 39), Alpha),
        field(Field::DocumentNumber, Span::new(1, 0, 9), AlphaNumeric),
        field(Field::Nationality, Span::new(1, 10, 3), Alpha),
        field(Field::BirthDate, Span::new(1, 13, 6), Numeric),
        field(Field::Sex, Span::new(1, 20, 1), CharClass::Sex),
        field(Field::ExpiryDate, Span::new(1, 21, 6), Numeric),
        field(Field::OptionalData1, Span::new(1, 28, 16), AlphaNumeric),
    ],
    checks: &[
        CheckSpec {
            field: Field::DocumentNumber,
            covers: &[Span::new(1, 0, 9)],
            digit: Span::new(1, 9, 1),
        },
        CheckSpec {
            field: Field::BirthDate,
            covers: &[Span::new(1, 13, 6)],
            digit: Span::new(1, 19, 1),
        },
        CheckSpec {
            field: Field::ExpiryDate,
            covers: &[Span::new(1, 21, 6)],
            digit: Span::new(1, 27, 1),
        },
    ],
    long_document_number: None,
};

const MRVB: Layout = Layout {
    format: MrzFormat::MrvB,
    fields: &[
        field(Field::DocumentCode, Span::new(0, 0, 2), Alpha),
        field(Field::IssuingState, Span::new(0, 2, 3), Alpha),
        field(Field::Names, Span::new(0, 5, 31), Alpha),
        field(Field::DocumentNumber, Span::new(1, 0, 9), AlphaNumeric),
        field(Field::Nationality, Span::new(1, 10, 3), Alpha),
        field(Field::BirthDate, Span::new(1, 13, 6), Numeric),
        field(Field::Sex, Span::new(1, 20, 1), CharClass::Sex),
        field(Field::ExpiryDate, Span::new(1, 21, 6), Numeric),
        field(Field::OptionalData1, Span::new(1, 28, 8), AlphaNumeric),
    ],
    checks: &[
        CheckSpec {
            field: Field::DocumentNumber,
            covers: &[Span::new(1, 0, 9)],
            digit: Span::new(1, 9, 1),
        },
        CheckSpec {
            field: Field::BirthDate,
            covers: &[Span::new(1, 13, 6)],
            digit: Span::new(1, 19, 1),
        },
        CheckSpec {
            field: Field::ExpiryDate,
            covers: &[Span::new(1, 21, 6)],
            digit: Span::new(1, 27, 1),
        },
    ],
    long_document_number: None,
};

/// Line 1: `ID`, `FRA`, surname (25), issuing office code (6).
/// Line 2: document number (12: issue year and month, department, office
/// sequence), its check digit, given names (14), birth date, its check
/// digit, sex, and a composite check digit over both lines.
const FRENCH_ID: Layout = Layout {
    format: MrzFormat::FrenchId,
    fields: &[
        field(Field::DocumentCode, Span::new(0, 0, 2), Alpha),
        field(Field::IssuingState, Span::new(0, 2, 3), Alpha),
        field(Field::Surname, Span::new(0, 5, 25), Alpha),
        field(Field::OptionalData1, Span::new(0, 30, 6), AlphaNumeric),
        // The document number is the issue year and month (digits), the
        // issuing department or office (letters or digits), and a five-digit
        // sequence; knowing which part is numeric lets OCR repair act.
        field(Field::DocumentNumber, Span::new(1, 0, 4), Numeric),
        field(Field::DocumentNumber, Span::new(1, 4, 3), AlphaNumeric),
        field(Field::DocumentNumber, Span::new(1, 7, 5), Numeric),
        field(Field::GivenNames, Span::new(1, 13, 14), Alpha),
        field(Field::BirthDate, Span::new(1, 27, 6), Numeric),
        field(Field::Sex, Span::new(1, 34, 1), CharClass::Sex),
    ],
    checks: &[
        CheckSpec {
            field: Field::DocumentNumber,
            covers: &[Span::new(1, 0, 12)],
            digit: Span::new(1, 12, 1),
        },
        CheckSpec {
            field: Field::BirthDate,
            covers: &[Span::new(1, 27, 6)],
            digit: Span::new(1, 33, 1),
        },
        CheckSpec {
            field: Field::Composite,
            covers: &[Span::new(0, 0, 36), Span::new(1, 0, 35)],
            digit: Span::new(1, 35, 1),
        },
    ],
    long_document_number: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [MrzFormat; 6] = [
        MrzFormat::Td1,
        MrzFormat::Td2,
        MrzFormat::Td3,
        MrzFormat::MrvA,
        MrzFormat::MrvB,
        MrzFormat::FrenchId,
    ];

    /// Every character of every layout belongs to exactly one field or check
    /// digit: nothing is read twice and nothing is silently ignored.
    #[test]
    fn layouts_tile_their_lines_exactly() {
        for format in ALL {
            let layout = format.layout();
            assert_eq!(layout.format, format);
            let (lines, width) = format.shape();
            let mut owner = vec![vec![0u8; width]; lines];
            let spans = layout
                .fields
                .iter()
                .map(|f| f.span)
                .chain(layout.checks.iter().map(|c| c.digit));
            for span in spans {
                for pos in span.positions() {
                    owner[pos.line][pos.column] += 1;
                }
            }
            for (line, row) in owner.iter().enumerate() {
                for (column, count) in row.iter().enumerate() {
                    assert_eq!(*count, 1, "{format:?} line {line} column {column}");
                }
            }
            for check in layout.checks {
                for span in check.covers {
                    assert!(
                        span.line < lines && span.start + span.len <= width,
                        "{format:?} {check:?}"
                    );
                }
            }
        }
    }
}
