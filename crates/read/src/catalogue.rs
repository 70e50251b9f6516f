//! What each reading reason means to the applicant and what to do, in
//! English and Simplified Chinese (the same shape as the precheck's
//! catalogue).

use crate::report::ReasonCode;

/// A language the catalogue is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Simplified Chinese.
    ZhCn,
}

/// A message and a tip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// What is wrong.
    pub message: &'static str,
    /// What to do about it.
    pub tip: &'static str,
}

/// The words for `code` in `lang`.
pub fn words(code: ReasonCode, lang: Lang) -> Words {
    let (message, tip) = match (code, lang) {
        (ReasonCode::DocUnreadable, Lang::En) => (
            "We could not read the machine-readable lines of your document.",
            "Photograph the page or side with the two or three lines of letters and <<< signs at the bottom, \
             flat, in focus and without glare on those lines.",
        ),
        (ReasonCode::DocUnreadable, Lang::ZhCn) => (
            "无法读取证件上的机读码。",
            "请拍摄底部带有两三行字母和 <<< 符号的那一页或那一面，保持平整、清晰，且这几行上没有反光。",
        ),
        (ReasonCode::DocExpired, Lang::En) => (
            "This document has expired.",
            "Use a valid document, or renew this one and try again.",
        ),
        (ReasonCode::DocExpired, Lang::ZhCn) => ("该证件已过期。", "请使用有效证件，或换领后重试。"),
        (ReasonCode::DocExpiresSoon, Lang::En) => (
            "This document expires soon.",
            "You can continue, but you will need to verify again with a new document after it expires.",
        ),
        (ReasonCode::DocExpiresSoon, Lang::ZhCn) => {
            ("该证件即将过期。", "您可以继续，但证件过期后需要使用新证件重新认证。")
        }
    };
    Words { message, tip }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_words_in_both_languages() {
        for code in ReasonCode::ALL {
            for lang in [Lang::En, Lang::ZhCn] {
                let w = words(code, lang);
                assert!(!w.message.is_empty() && !w.tip.is_empty(), "{code:?} {lang:?}");
            }
            assert_ne!(words(code, Lang::En), words(code, Lang::ZhCn));
        }
    }
}
