//! What each reason means to the applicant: a message and a concrete tip, in
//! English and Simplified Chinese. The one catalogue the CLI, the server and
//! the web capture page all use; every [`ReasonCode`] has an entry (the
//! `match` is exhaustive, so a new code cannot ship without its words).

use crate::reasons::ReasonCode;
use serde::Serialize;

/// Languages the catalogue speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Lang {
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Every language, in display order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

/// The words for one reason in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Words {
    /// What is wrong, in one sentence.
    pub message: &'static str,
    /// What to do about it.
    pub tip: &'static str,
}

/// The words for `code` in `lang`.
pub fn words(code: ReasonCode, lang: Lang) -> Words {
    let (en, zh) = entry(code);
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

const fn w(message: &'static str, tip: &'static str) -> Words {
    Words { message, tip }
}

fn entry(code: ReasonCode) -> (Words, Words) {
    use ReasonCode::*;
    match code {
        DocNotFound => (
            w("We could not find an identity document in the photo.",
              "Place the whole document on a plain, dark surface and fill most of the frame with it."),
            w("照片中未找到证件。", "请将整张证件平放在纯色深色桌面上，并让证件占满画面的大部分。"),
        ),
        DocCornersCut => (
            w("Part of the document is outside the photo.",
              "Move the camera back until all four corners of the document are visible, with a little space around them."),
            w("证件有部分超出了照片范围。", "请将手机稍微后移，让证件四个角都完整出现在画面中，并在四周留出少许空白。"),
        ),
        DocTooSmall => (
            w("The document is too small in the photo.", "Move the camera closer so the document fills most of the frame."),
            w("证件在照片中太小。", "请将手机靠近证件，让证件占满画面的大部分。"),
        ),
        DocLowResolution => (
            w("The photo does not have enough detail to read the document.",
              "Use the main (rear) camera at full resolution, and do not send a screenshot or a compressed copy."),
            w("照片清晰度不足，无法识别证件内容。", "请使用后置主摄像头以原始分辨率拍摄，不要发送截图或压缩过的图片。"),
        ),
        DocTilted => (
            w("The document is photographed at too steep an angle.",
              "Hold the phone parallel to the document, directly above it."),
            w("拍摄角度过于倾斜。", "请将手机与证件保持平行，从证件正上方拍摄。"),
        ),
        DocBlurry => (
            w("The photo is blurry.", "Hold the phone still, let it focus (tap the document on the screen), and make sure there is enough light."),
            w("照片模糊。", "请保持手机稳定，点击屏幕上的证件进行对焦，并确保光线充足。"),
        ),
        DocGlare => (
            w("Glare covers part of the document.",
              "Tilt the document slightly away from the light, turn off the flash, and avoid lamps directly above."),
            w("证件上有反光，遮挡了部分内容。", "请将证件稍微倾斜避开光源，关闭闪光灯，避免在灯光正下方拍摄。"),
        ),
        DocTooDark => (
            w("The photo is too dark.", "Move to a brighter place or turn on a light; avoid shadows on the document."),
            w("照片太暗。", "请到光线更充足的地方拍摄或打开灯，避免证件上有阴影。"),
        ),
        DocOverexposed => (
            w("The photo is too bright; details are washed out.",
              "Move away from direct sunlight or strong light, and turn off the flash."),
            w("照片过亮，细节看不清。", "请避开阳光直射或强光，并关闭闪光灯。"),
        ),
        DocEdited => (
            w("The photo appears to have been edited.",
              "Send the original photo straight from the camera, without editing apps or filters."),
            w("照片似乎经过编辑。", "请直接发送相机拍摄的原始照片，不要使用修图软件或滤镜。"),
        ),
        DocScreenshot => (
            w("This looks like a screenshot, not a photo of the document.",
              "Photograph the physical document with your camera."),
            w("这看起来是截图，而不是证件照片。", "请用相机拍摄证件原件。"),
        ),
        DocScreenPhoto => (
            w("This looks like a photo of a screen.",
              "Photograph the physical document itself, not a picture of it on a screen."),
            w("这看起来是翻拍屏幕的照片。", "请直接拍摄证件原件，不要翻拍屏幕上的图片。"),
        ),
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
}
