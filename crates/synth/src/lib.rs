//! Deterministic, seeded generator of labelled document photos (clean and defective) for testing and evaluating the precheck.
