//! The liveness evaluation (being built).

fn main() {}
