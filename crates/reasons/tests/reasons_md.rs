//! `docs/REASONS.md` is what the catalogue renders: editing a code's words
//! or mappings without regenerating the document fails here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn docs_reasons_md_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/REASONS.md");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let rendered = openkyc_reasons::reasons_markdown();
    assert!(
        on_disk == rendered,
        "docs/REASONS.md differs from the catalogue; regenerate it with \
         `cargo run -p openkyc-reasons --example reasons_md > docs/REASONS.md`"
    );
}
