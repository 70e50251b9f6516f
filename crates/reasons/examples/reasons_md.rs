//! Prints `docs/REASONS.md` from the catalogue:
//! `cargo run -p openkyc-reasons --example reasons_md > docs/REASONS.md`.

fn main() {
    print!("{}", openkyc_reasons::reasons_markdown());
}
