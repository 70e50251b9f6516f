//! `docs/REASONS.md`, rendered from the catalogue so the document cannot
//! drift from the code (a test compares the two).

use crate::{vendors, words, Code, Kind, Lang};
use std::fmt::Write;

const INTRO: &str = "# Reason codes

<!-- Generated from crates/reasons: `cargo run -p openkyc-reasons --example reasons_md > docs/REASONS.md`.
     Do not edit by hand; a test fails when this file and the catalogue differ. -->

Every reason openkyc gives, from the upload to the duplicate check, comes from one catalogue
(`crates/reasons`). A code is a stable API: codes are added, never renamed.

## How to read a reason

A report lists its reasons strongest first, each as:

```json
{\"code\": \"DATA_MISMATCH\", \"kind\": \"retry\", \"field\": \"birth_date\",
 \"typed\": \"1990-01-02\", \"document\": \"1990-02-01\",
 \"message\": {\"en\": \"…\", \"zh-CN\": \"…\"}, \"tip\": {\"en\": \"…\", \"zh-CN\": \"…\"},
 \"detail\": \"…\"}
```

- `kind` is what the reason leads to: `warning` (informs, decides nothing), `retry` (the applicant can fix
  it and send again), `review` (a person decides), `reject` (final). The table gives each code's default; a
  stage may raise a reason above its default (a mismatch inside the document goes to review), never lower it.
  Signs of tampering or of an attack and anything involving another applicant default to `review`: nobody is
  rejected, or accused, on one automatic signal.
- `field` names the field (`last_name`, `birth_date`, `document_number`, …) or the upload (`front`, `back`,
  `selfie`, `liveness`) the reason is about.
- `DATA_MISMATCH` carries the field and both values: `typed` (what the applicant entered) and `document`
  (what the document says), so the applicant sees exactly what to correct. A `DATA_MISMATCH` without
  `typed` is a disagreement inside the document itself (a Chinese card's number against its printed birth
  date): it goes to review and is worded differently (\"Details printed on this document do not agree with
  each other\").
- `message` says what is wrong in one sentence, `tip` what to do; both in English and Simplified Chinese.
  More specific words replace the code's own where a stage knows more: `FACE_OCCLUDED` names the covered part
  of the face, `LIVENESS_FAILED` the movement that was not seen.

## What the applicant never sees

- `detail`: scores, thresholds and technical notes for the operator and reviewers. It is removed from the
  applicant's view of a report (and never holds personal data).
- Other applicants: `DUPLICATE_DOCUMENT` and `DUPLICATE_FACE` name the other applicant to the operator only.
  The applicant is told that a person will check the application, never whose document or face it matched.

## Other providers

The last three columns give the nearest public, documented labels of other providers, for an operator
migrating from them: Sumsub's rejection labels (`rejectLabels`), Onfido's report breakdowns (API v3.6,
`report: breakdown` with the documented reason in brackets) and Veriff's decision and granular reason codes
(`verification.reasonCode` with its description). \"—\" means the provider documents nothing close. Their
labels often mean a final decline where openkyc sends the case to a person; the notes below the table say
where a mapping is approximate.
";

/// The whole of `docs/REASONS.md`.
pub fn reasons_markdown() -> String {
    let mut out = String::from(INTRO);
    out.push_str("\n## The catalogue\n\n");
    out.push_str("| code | kind | stage | message (en) | message (zh-CN) | tip (en) | Sumsub | Onfido | Veriff |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for code in Code::ALL {
        out.push_str(&table_row(code));
    }
    out.push_str("\n## Notes on the mappings\n\n");
    for code in Code::ALL {
        if let Some(note) = vendors(code).note {
            let _ = writeln!(out, "- `{code}`: {}", cell(note));
        }
    }
    out
}

fn table_row(code: Code) -> String {
    let (en, zh) = (words(code, Lang::En), words(code, Lang::ZhCn));
    let row = vendors(code);
    let cells = [
        format!("`{code}`"),
        kind_name(code.default_kind()).to_string(),
        code.stage().as_str().to_string(),
        cell(en.message),
        cell(zh.message),
        cell(en.tip),
        list(row.sumsub.iter().map(|label| format!("`{label}`"))),
        list(row.onfido.iter().map(|label| format!("`{label}`"))),
        list(row.veriff.iter().map(|code| code.to_string())),
    ];
    format!("| {} |\n", cells.join(" | "))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Warning => "warning",
        Kind::Retry => "retry",
        Kind::Review => "review",
        Kind::Reject => "reject",
    }
}

/// Joined with line breaks inside the cell, or "—" when empty.
fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.map(|item| cell(&item)).collect();
    if items.is_empty() {
        "—".to_string()
    } else {
        items.join("<br>")
    }
}

/// Text made safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_code_with_nine_cells() {
        let markdown = reasons_markdown();
        for code in Code::ALL {
            let prefix = format!("| `{code}` |");
            let rows: Vec<&str> = markdown.lines().filter(|line| line.starts_with(&prefix)).collect();
            assert_eq!(rows.len(), 1, "{code}");
            // Nine cells: ten unescaped bars.
            let bars = rows[0].replace("\\|", "").matches('|').count();
            assert_eq!(bars, 10, "{code}: {}", rows[0]);
        }
    }

    #[test]
    fn a_code_without_counterparts_shows_dashes_and_its_note() {
        let markdown = reasons_markdown();
        let row = markdown
            .lines()
            .find(|line| line.starts_with("| `DOC_EXPIRES_SOON` |"))
            .unwrap_or_default();
        assert!(row.ends_with("| — | — | — |"), "{row}");
        assert!(markdown.contains("- `DOC_EXPIRES_SOON`: "));
    }

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
        assert_eq!(list(std::iter::empty()), "—");
        assert_eq!(list(["x".to_string(), "y".to_string()].into_iter()), "x<br>y");
    }
}
