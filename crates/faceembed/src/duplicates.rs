//! Duplicate faces across applicants (`DUPLICATE_FACE`). (Being built.)
