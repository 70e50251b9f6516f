//! A snapshot of the whole catalogue: every code's kind, stage, words in
//! both languages and the other providers' labels. A change to any of them
//! shows up here for review (`cargo insta review`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use openkyc_reasons::{vendors, words, Code, Lang};
use serde_json::json;

#[test]
fn the_catalogue() {
    let catalogue: Vec<serde_json::Value> = Code::ALL
        .iter()
        .map(|&code| {
            json!({
                "code": code,
                "kind": code.default_kind(),
                "stage": code.stage(),
                "en": words(code, Lang::En),
                "zh-CN": words(code, Lang::ZhCn),
                "vendors": vendors(code),
            })
        })
        .collect();
    insta::assert_json_snapshot!(catalogue);
}
