//! What each reading reason means to the applicant and what to do, in
//! English and Simplified Chinese. The words live in the one reason
//! catalogue (`openkyc-reasons`); this module maps the reading stage's codes
//! onto it. The reading stage's `DATA_MISMATCH` is always inside the
//! document (a Chinese card's number against its printed birth date or
//! sex), never against what the applicant typed, so it takes the
//! catalogue's words for a document that disagrees with itself.

use crate::report::ReasonCode;
use openkyc_reasons::Code;
pub use openkyc_reasons::{Lang, Words};

/// The words for `code` in `lang`.
pub fn words(code: ReasonCode, lang: Lang) -> Words {
    match code {
        ReasonCode::DataMismatch => openkyc_reasons::document_inconsistency_words(lang),
        _ => openkyc_reasons::words(code.into(), lang),
    }
}

impl From<ReasonCode> for Code {
    fn from(code: ReasonCode) -> Code {
        match code {
            ReasonCode::DocUnreadable => Code::DocUnreadable,
            ReasonCode::DocUnsupported => Code::DocUnsupported,
            ReasonCode::DocWrongSide => Code::DocWrongSide,
            ReasonCode::DocExpired => Code::DocExpired,
            ReasonCode::DocExpiresSoon => Code::DocExpiresSoon,
            ReasonCode::VizMrzMismatch => Code::VizMrzMismatch,
            ReasonCode::IdNumberInvalid => Code::IdNumberInvalid,
            ReasonCode::DataMismatch => Code::DataMismatch,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_words_in_both_languages() {
        for code in ReasonCode::ALL {
            for lang in Lang::ALL {
                let w = words(code, lang);
                assert!(!w.message.is_empty() && !w.tip.is_empty(), "{code:?} {lang:?}");
            }
            assert_ne!(words(code, Lang::En), words(code, Lang::ZhCn));
        }
    }

    #[test]
    fn each_code_maps_to_the_catalogue_code_of_the_same_name() {
        for code in ReasonCode::ALL {
            assert_eq!(Code::from(code).as_str(), code.as_str());
        }
    }

    #[test]
    fn a_card_that_disagrees_with_itself_is_not_worded_as_a_typing_mistake() {
        let reading = words(ReasonCode::DataMismatch, Lang::En);
        assert_eq!(reading, openkyc_reasons::document_inconsistency_words(Lang::En));
        assert_ne!(reading, openkyc_reasons::words(Code::DataMismatch, Lang::En));
        assert_eq!(
            words(ReasonCode::DocExpired, Lang::ZhCn),
            openkyc_reasons::words(Code::DocExpired, Lang::ZhCn)
        );
    }
}
