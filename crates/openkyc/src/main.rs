//! The `openkyc` command-line tool.
fn main() {}
