//! Why a text could not be read as an MRZ at all. A text that has the shape
//! of an MRZ but wrong contents is *not* an error: it parses into a report
//! whose `errors` say what is wrong.

use crate::layout::MrzFormat;
use thiserror::Error;

/// The text is not an MRZ of any supported format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MrzError {
    /// Nothing but whitespace.
    #[error("no MRZ text: the input is empty")]
    Empty,
    /// Too many characters to be an MRZ.
    #[error("input too long to be an MRZ (more than {max} characters)")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// An MRZ has two lines (TD2, TD3, visas) or three (TD1).
    #[error("an MRZ has 2 or 3 lines; found {found}")]
    LineCount {
        /// Non-blank lines found.
        found: usize,
    },
    /// The lines' width says which format, but there are too many or too
    /// few of them (a TD1 card read with a line missing, say).
    #[error("{} MRZs have {expected} lines; found {found}", format.as_str())]
    WrongLineCount {
        /// The format the line width points to.
        format: MrzFormat,
        /// Non-blank lines found.
        found: usize,
        /// Lines the format has.
        expected: usize,
    },
    /// A line is not as long as the format requires.
    #[error("line {line} has {found} characters; {} lines have {expected}", format.as_str())]
    LineLength {
        /// One-based line number.
        line: usize,
        /// Characters found on that line.
        found: usize,
        /// Characters the format requires.
        expected: usize,
        /// The format the lines were judged to be.
        format: MrzFormat,
    },
}

impl MrzError {
    /// A stable code for the error, for JSON and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLong { .. } => "too_long",
            Self::LineCount { .. } | Self::WrongLineCount { .. } => "line_count",
            Self::LineLength { .. } => "line_length",
        }
    }
}
