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
            "We could not read your document reliably.",
            "Photograph the whole document flat, in focus, evenly lit and without glare; for a passport or an ID \
             card with lines of <<< signs, make sure those lines are sharp.",
        ),
        (ReasonCode::DocUnreadable, Lang::ZhCn) => (
            "无法可靠地读取您的证件。",
            "请将整张证件平放拍摄，保持清晰、光线均匀、无反光；护照或带有 <<< 符号机读码的证件，请确保这几行清晰可辨。",
        ),
        (ReasonCode::DocUnsupported, Lang::En) => (
            "This document type is not supported.",
            "Use a passport, an ID card with machine-readable lines, or a Chinese Resident Identity Card.",
        ),
        (ReasonCode::DocUnsupported, Lang::ZhCn) => (
            "不支持该类型的证件。",
            "请使用护照、带机读码的身份证件或中华人民共和国居民身份证。",
        ),
        (ReasonCode::DocWrongSide, Lang::En) => (
            "This is the other side of the document.",
            "Turn the document over and photograph the side we asked for.",
        ),
        (ReasonCode::DocWrongSide, Lang::ZhCn) => ("您拍摄的是证件的另一面。", "请将证件翻面，拍摄我们要求的那一面。"),
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
        (ReasonCode::VizMrzMismatch, Lang::En) => (
            "The printed details and the machine-readable lines of this document disagree.",
            "Make sure you photograph an original, unaltered document. If it is genuine, we will review it.",
        ),
        (ReasonCode::VizMrzMismatch, Lang::ZhCn) => (
            "证件上印刷的信息与机读码不一致。",
            "请确认拍摄的是未经改动的证件原件。如证件真实有效，我们会进行人工审核。",
        ),
        (ReasonCode::IdNumberInvalid, Lang::En) => (
            "The identity number on this card is not a valid number.",
            "Check that you photographed your own, original card; if the number is printed correctly, we will \
             review it.",
        ),
        (ReasonCode::IdNumberInvalid, Lang::ZhCn) => (
            "证件上的公民身份号码无效。",
            "请确认拍摄的是您本人的证件原件；如号码印刷无误，我们会进行人工审核。",
        ),
        (ReasonCode::DataMismatch, Lang::En) => (
            "The identity number on this card does not match its printed birth date or sex.",
            "Make sure you photograph an original, unaltered card. If it is genuine, we will review it.",
        ),
        (ReasonCode::DataMismatch, Lang::ZhCn) => (
            "证件上的公民身份号码与印刷的出生日期或性别不一致。",
            "请确认拍摄的是未经改动的证件原件。如证件真实有效，我们会进行人工审核。",
        ),
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
