//! What each precheck reason means to the applicant: a message and a
//! concrete tip, in English and Simplified Chinese. The words themselves
//! live in the one reason catalogue (`openkyc-reasons`), shared by the CLI,
//! the server and the web capture page; this module maps the precheck's
//! codes onto it (an exhaustive `match`, so a new code cannot ship without
//! its catalogue entry).

use crate::reasons::ReasonCode;
use openkyc_reasons::Code;
pub use openkyc_reasons::{Lang, Words};

/// The words for `code` in `lang`.
pub fn words(code: ReasonCode, lang: Lang) -> Words {
    openkyc_reasons::words(code.into(), lang)
}

impl From<ReasonCode> for Code {
    fn from(code: ReasonCode) -> Code {
        match code {
            ReasonCode::DocNotFound => Code::DocNotFound,
            ReasonCode::DocCornersCut => Code::DocCornersCut,
            ReasonCode::DocTooSmall => Code::DocTooSmall,
            ReasonCode::DocLowResolution => Code::DocLowResolution,
            ReasonCode::DocTilted => Code::DocTilted,
            ReasonCode::DocBlurry => Code::DocBlurry,
            ReasonCode::DocGlare => Code::DocGlare,
            ReasonCode::DocTooDark => Code::DocTooDark,
            ReasonCode::DocOverexposed => Code::DocOverexposed,
            ReasonCode::DocEdited => Code::DocEdited,
            ReasonCode::DocScreenshot => Code::DocScreenshot,
            ReasonCode::DocScreenPhoto => Code::DocScreenPhoto,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_words_in_every_language() {
        for code in ReasonCode::ALL {
            for lang in Lang::ALL {
                let words = words(code, lang);
                assert!(!words.message.trim().is_empty(), "{code:?} {lang:?}");
                assert!(!words.tip.trim().is_empty(), "{code:?} {lang:?}");
            }
            // The Chinese entry is really Chinese, not an English copy.
            let zh = words(code, Lang::ZhCn);
            assert!(
                zh.message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code:?}"
            );
        }
    }

    #[test]
    fn messages_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for code in ReasonCode::ALL {
            assert!(seen.insert(words(code, Lang::En).message), "{code:?} repeats a message");
        }
    }

    #[test]
    fn each_code_maps_to_the_catalogue_code_of_the_same_name() {
        for code in ReasonCode::ALL {
            let catalogue = Code::from(code);
            assert_eq!(catalogue.as_str(), code.as_str());
            assert_eq!(words(code, Lang::En), openkyc_reasons::words(catalogue, Lang::En));
        }
    }
}
