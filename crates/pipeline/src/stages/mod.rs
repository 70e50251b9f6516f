//! The stages after intake, each a function from its inputs to a
//! `StageOutput` (status, score, note, reasons).

pub(crate) mod data_match;
pub(crate) mod document;
pub(crate) mod face;
pub(crate) mod liveness;
pub(crate) mod quality;
pub(crate) mod validity;
