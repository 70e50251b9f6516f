//! The applicant's words for every code, in English and Simplified Chinese.
//!
//! SKELETON: being written (the catalogue helper replaces the bodies).

use crate::{Code, Kind, Reason};
use serde::Serialize;

/// A language the words are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

/// A message and a tip in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Words {
    /// What is wrong, in one sentence.
    pub message: &'static str,
    /// What to do about it.
    pub tip: &'static str,
}

/// One text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh_cn: &'static str,
}

/// A reason as shown in a report: the code, its kind, where it applies,
/// and the message and tip in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explained {
    /// The catalogue code.
    pub code: Code,
    /// What it leads to.
    pub kind: Kind,
    /// The field or upload it concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `DATA_MISMATCH`: what the applicant typed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub typed: Option<String>,
    /// For `DATA_MISMATCH`: what the document says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// What is wrong.
    pub message: Bilingual,
    /// What to do.
    pub tip: Bilingual,
    /// A technical detail for the operator (stripped from the applicant's view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The words for `code` in `lang`.
pub fn words(code: Code, lang: Lang) -> Words {
    let _ = lang;
    Words {
        message: code.as_str(),
        tip: code.as_str(),
    }
}

/// A reason with its words in both languages.
pub fn explain(reason: &Reason) -> Explained {
    let (en, zh) = (words(reason.code, Lang::En), words(reason.code, Lang::ZhCn));
    Explained {
        code: reason.code,
        kind: reason.kind,
        field: reason.field.clone(),
        typed: reason.typed.clone(),
        document: reason.document.clone(),
        message: Bilingual {
            en: en.message,
            zh_cn: zh.message,
        },
        tip: Bilingual {
            en: en.tip,
            zh_cn: zh.tip,
        },
        detail: reason.detail.clone(),
    }
}
