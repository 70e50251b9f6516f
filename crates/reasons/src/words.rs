//! The applicant's words for every code, in English and Simplified Chinese:
//! one sentence on what is wrong and one concrete thing to do. The one
//! source of these texts: the precheck, reading and face crates delegate
//! here, and the `match` is exhaustive, so a new code cannot ship without
//! its words.
//!
//! Signals that send a case to a person (`DOC_EDITED`, `FACE_MISMATCH`,
//! `SPOOF_SUSPECTED`, `DUPLICATE_*`) say so and what to do; they never
//! accuse: an automatic signal is not a finding of fraud. The duplicate
//! codes also never say whom the document or face belongs to.

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

impl Explained {
    /// The same reason with words more specific than the code's own (a
    /// stage's: the covered part of the face, the liveness action not seen).
    pub fn worded(mut self, en: Words, zh_cn: Words) -> Explained {
        self.message = Bilingual {
            en: en.message,
            zh_cn: zh_cn.message,
        };
        self.tip = Bilingual {
            en: en.tip,
            zh_cn: zh_cn.tip,
        };
        self
    }

    /// The reason as the applicant may see it: without the operator's
    /// technical detail.
    pub fn for_applicant(mut self) -> Explained {
        self.detail = None;
        self
    }
}

/// The words for `code` in `lang`.
pub fn words(code: Code, lang: Lang) -> Words {
    pick(entry(code), lang)
}

/// The words for a `DATA_MISMATCH` between two parts of the document itself
/// (nothing the applicant typed), as [`Reason::within_document`] makes.
pub fn document_inconsistency_words(lang: Lang) -> Words {
    pick(
        (
            w(
                "Details printed on this document do not agree with each other (for example its number and the date \
                 of birth).",
                "Photograph your own original document again, flat and sharp; if it is printed this way, a person \
                 will check it.",
            ),
            w(
                "证件上印刷的各项信息之间不一致（例如证件号码与出生日期）。",
                "请重新拍摄您本人的证件原件，保持平整清晰；如证件本身即如此印刷，工作人员会进行核查。",
            ),
        ),
        lang,
    )
}

/// The words for one reason: its code's, except a `DATA_MISMATCH` with no
/// typed value, which is about the document disagreeing with itself.
pub fn words_for(reason: &Reason, lang: Lang) -> Words {
    if reason.code == Code::DataMismatch && reason.typed.is_none() {
        document_inconsistency_words(lang)
    } else {
        words(reason.code, lang)
    }
}

/// A reason with its words in both languages.
pub fn explain(reason: &Reason) -> Explained {
    let (en, zh) = (words_for(reason, Lang::En), words_for(reason, Lang::ZhCn));
    Explained {
        code: reason.code,
        kind: reason.kind,
        field: reason.field.clone(),
        typed: reason.typed.clone(),
        document: reason.document.clone(),
        message: Bilingual { en: "", zh_cn: "" },
        tip: Bilingual { en: "", zh_cn: "" },
        detail: reason.detail.clone(),
    }
    .worded(en, zh)
}

fn pick((en, zh): (Words, Words), lang: Lang) -> Words {
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

const fn w(message: &'static str, tip: &'static str) -> Words {
    Words { message, tip }
}

/// English and Chinese words per code: one exhaustive table, so a new
/// code cannot compile without its words.
fn entry(code: Code) -> (Words, Words) {
    match code {
        // --- Uploads and the typed basic information.
        Code::ImageUnreadable => (
            w(
                "We could not open this file as a photo.",
                "Send a JPEG, PNG or WebP photo straight from your camera; on an iPhone, set Settings › Camera › \
                 Formats to \"Most Compatible\".",
            ),
            w(
                "无法将此文件作为照片打开。",
                "请直接发送相机拍摄的 JPEG、PNG 或 WebP 照片；iPhone 用户请在“设置 › 相机 › 格式”中选择“兼容性最佳”。",
            ),
        ),
        Code::StepMissing => (
            w(
                "A required part of your application has not been sent yet.",
                "Complete every step shown (your details, each side of the document asked for, the selfie and the \
                 live check), then submit again.",
            ),
            w(
                "您的申请中还有必需的部分尚未提交。",
                "请完成页面上列出的每一步（基本信息、要求的证件各面、自拍和活体检测），然后重新提交。",
            ),
        ),
        Code::FieldMissing => (
            w(
                "A required field of your details is empty.",
                "Fill in every field marked as required, exactly as it is written on your document.",
            ),
            w(
                "您的资料中有必填项未填写。",
                "请填写所有标为必填的项目，内容须与证件上的完全一致。",
            ),
        ),
        Code::FieldInvalid => (
            w(
                "One of your details is not in a valid form.",
                "Check the field shown: a real date of birth, your nationality from the list, and the document \
                 number exactly as printed, without spaces.",
            ),
            w(
                "您填写的某项资料格式无效。",
                "请检查标出的项目：填写真实的出生日期，从列表中选择国籍，并按证件上的印刷内容填写证件号码，不要加空格。",
            ),
        ),
        Code::Underage => (
            w(
                "You do not meet the minimum age for this service.",
                "If your date of birth was recorded wrongly, contact support; otherwise you can apply once you reach \
                 the minimum age.",
            ),
            w(
                "您未达到本服务的最低年龄要求。",
                "如您的出生日期记录有误，请联系客服；否则请在达到最低年龄后再申请。",
            ),
        ),
        // --- Capture quality of the document photo.
        Code::DocNotFound => (
            w(
                "We could not find an identity document in the photo.",
                "Place the whole document on a plain, dark surface and fill most of the frame with it.",
            ),
            w(
                "照片中未找到证件。",
                "请将整张证件平放在纯色深色桌面上，并让证件占满画面的大部分。",
            ),
        ),
        Code::DocCornersCut => (
            w(
                "Part of the document is outside the photo.",
                "Move the camera back until all four corners of the document are visible, with a little space \
                 around them.",
            ),
            w(
                "证件有部分超出了照片范围。",
                "请将手机稍微后移，让证件四个角都完整出现在画面中，并在四周留出少许空白。",
            ),
        ),
        Code::DocTooSmall => (
            w(
                "The document is too small in the photo.",
                "Move the camera closer so the document fills most of the frame.",
            ),
            w("证件在照片中太小。", "请将手机靠近证件，让证件占满画面的大部分。"),
        ),
        Code::DocLowResolution => (
            w(
                "The photo does not have enough detail to read the document.",
                "Use the main (rear) camera at full resolution, and do not send a screenshot or a compressed copy.",
            ),
            w(
                "照片清晰度不足，无法识别证件内容。",
                "请使用后置主摄像头以原始分辨率拍摄，不要发送截图或压缩过的图片。",
            ),
        ),
        Code::DocTilted => (
            w(
                "The document is photographed at too steep an angle.",
                "Hold the phone parallel to the document, directly above it.",
            ),
            w("拍摄角度过于倾斜。", "请将手机与证件保持平行，从证件正上方拍摄。"),
        ),
        Code::DocBlurry => (
            w(
                "The photo is blurry.",
                "Hold the phone still, let it focus (tap the document on the screen), and make sure there is enough \
                 light.",
            ),
            w("照片模糊。", "请保持手机稳定，点击屏幕上的证件进行对焦，并确保光线充足。"),
        ),
        Code::DocGlare => (
            w(
                "Glare covers part of the document.",
                "Tilt the document slightly away from the light, turn off the flash, and avoid lamps directly above.",
            ),
            w(
                "证件上有反光，遮挡了部分内容。",
                "请将证件稍微倾斜避开光源，关闭闪光灯，避免在灯光正下方拍摄。",
            ),
        ),
        Code::DocTooDark => (
            w(
                "The photo is too dark.",
                "Move to a brighter place or turn on a light; avoid shadows on the document.",
            ),
            w("照片太暗。", "请到光线更充足的地方拍摄或打开灯，避免证件上有阴影。"),
        ),
        Code::DocOverexposed => (
            w(
                "The photo is too bright; details are washed out.",
                "Move away from direct sunlight or strong light, and turn off the flash.",
            ),
            w("照片过亮，细节看不清。", "请避开阳光直射或强光，并关闭闪光灯。"),
        ),
        Code::DocEdited => (
            w(
                "This photo seems to have been changed by an editing app, so a person may need to check it.",
                "Send the original photo straight from the camera, without editing apps or filters.",
            ),
            w(
                "这张照片似乎经过修图软件处理，可能需要工作人员核查。",
                "请直接发送相机拍摄的原始照片，不要使用修图软件或滤镜。",
            ),
        ),
        Code::DocScreenshot => (
            w(
                "This looks like a screenshot, not a photo of the document.",
                "Photograph the physical document with your camera.",
            ),
            w("这看起来是截图，而不是证件照片。", "请用相机拍摄证件原件。"),
        ),
        Code::DocScreenPhoto => (
            w(
                "This looks like a photo of a screen.",
                "Photograph the physical document itself, not a picture of it on a screen.",
            ),
            w(
                "这看起来是翻拍屏幕的照片。",
                "请直接拍摄证件原件，不要翻拍屏幕上的图片。",
            ),
        ),
        // --- Reading the document and comparing it with the typed data.
        Code::DocUnreadable => (
            w(
                "We could not read your document reliably.",
                "Photograph the whole document flat, in focus, evenly lit and without glare; for a passport or an ID \
                 card with lines of <<< signs, make sure those lines are sharp.",
            ),
            w(
                "无法可靠地读取您的证件。",
                "请将整张证件平放拍摄，保持清晰、光线均匀、无反光；护照或带有 <<< 符号机读码的证件，请确保这几行清晰可辨。",
            ),
        ),
        Code::DocUnsupported => (
            w(
                "This document type is not supported.",
                "Use a passport, an ID card with machine-readable lines, or a Chinese Resident Identity Card.",
            ),
            w(
                "不支持该类型的证件。",
                "请使用护照、带机读码的身份证件或中华人民共和国居民身份证。",
            ),
        ),
        Code::DocWrongSide => (
            w(
                "This is the other side of the document.",
                "Turn the document over and photograph the side we asked for.",
            ),
            w("您拍摄的是证件的另一面。", "请将证件翻面，拍摄我们要求的那一面。"),
        ),
        Code::DocExpired => (
            w(
                "This document has expired.",
                "Use a valid document, or renew this one and try again.",
            ),
            w("该证件已过期。", "请使用有效证件，或换领后重试。"),
        ),
        Code::DocExpiresSoon => (
            w(
                "This document expires soon.",
                "You can continue, but you will need to verify again with a new document after it expires.",
            ),
            w(
                "该证件即将过期。",
                "您可以继续，但证件过期后需要使用新证件重新认证。",
            ),
        ),
        Code::MrzCheckFailed => (
            w(
                "The machine-readable lines of your document did not pass their checks.",
                "Photograph the page again, flat and sharp, with the lines of <<< signs fully visible and free of \
                 glare; if they are printed correctly, a person will check the document.",
            ),
            w(
                "证件机读码未通过校验。",
                "请重新拍摄该页，保持证件平整清晰，让带 <<< 符号的几行完整可见且无反光；如机读码印刷无误，工作人员会进行核查。",
            ),
        ),
        Code::VizMrzMismatch => (
            w(
                "The printed details and the machine-readable lines of this document disagree.",
                "Make sure you photograph an original, unaltered document. If it is genuine, we will review it.",
            ),
            w(
                "证件上印刷的信息与机读码不一致。",
                "请确认拍摄的是未经改动的证件原件。如证件真实有效，我们会进行人工审核。",
            ),
        ),
        Code::IdNumberInvalid => (
            w(
                "The identity number on this card is not a valid number.",
                "Check that you photographed your own, original card; if the number is printed correctly, we will \
                 review it.",
            ),
            w(
                "证件上的公民身份号码无效。",
                "请确认拍摄的是您本人的证件原件；如号码印刷无误，我们会进行人工审核。",
            ),
        ),
        Code::DataMismatch => (
            w(
                "Some of the details you entered do not match your document.",
                "Enter each detail exactly as printed on your document (spelling, order of names, dates), or upload \
                 the document these details belong to.",
            ),
            w(
                "您填写的部分信息与证件不一致。",
                "请按证件上的印刷内容逐项填写（拼写、姓名顺序、日期），或上传与这些信息对应的证件。",
            ),
        ),
        // --- The selfie, the portrait, liveness and duplicates.
        Code::FaceNotFound => (
            w(
                "We could not find a face in the photo.",
                "Face the camera with your whole face inside the frame, in good light.",
            ),
            w(
                "照片中未检测到人脸。",
                "请正对镜头，让整张脸完整出现在画面中，并保持光线充足。",
            ),
        ),
        Code::FaceMultiple => (
            w(
                "More than one person is in the photo.",
                "Take the selfie alone, with nobody else in the frame.",
            ),
            w("照片中有不止一个人。", "请独自拍摄自拍，画面中不要出现其他人。"),
        ),
        Code::FaceOccluded => (
            w(
                "Part of your face is covered.",
                "Take off sunglasses, masks and hats, and keep your hands away from your face.",
            ),
            w("脸部有遮挡。", "请摘下墨镜、口罩和帽子，手不要遮挡脸部。"),
        ),
        Code::FaceTooSmall => (
            w(
                "Your face is too small in the photo.",
                "Hold the phone closer, about an arm's length, so your face fills the oval.",
            ),
            w(
                "照片中的人脸太小。",
                "请将手机拿近一些（约一臂距离），让脸部填满取景框。",
            ),
        ),
        Code::FaceTooDark => (
            w(
                "Your face is too dark.",
                "Face a window or a lamp; avoid having a bright light behind you.",
            ),
            w("脸部太暗。", "请面向窗户或灯光，避免背后有强光。"),
        ),
        Code::FaceOverexposed => (
            w(
                "Your face is too bright to see clearly.",
                "Move out of direct sunlight or away from a strong lamp.",
            ),
            w("脸部过亮，无法看清。", "请避开阳光直射或强烈的灯光。"),
        ),
        Code::FaceNotFrontal => (
            w(
                "Your face is turned away from the camera.",
                "Look straight into the camera with your head level.",
            ),
            w("脸部没有正对镜头。", "请直视镜头，保持头部端正。"),
        ),
        Code::PortraitNotFound => (
            w(
                "We could not find the photo of your face on the document.",
                "Photograph the page or side that carries your photo, whole and without glare over the portrait.",
            ),
            w(
                "未能在证件上找到您的照片。",
                "请拍摄带有您照片的那一页或那一面，确保证件完整、人像处无反光。",
            ),
        ),
        Code::FaceMismatch => (
            w(
                "We could not match your selfie to the photo on your document, so a person will check it.",
                "If the document is yours, take a new selfie facing the camera in good light, without filters, \
                 glasses or a hat.",
            ),
            w(
                "无法将您的自拍与证件照片匹配，工作人员将进行核查。",
                "如证件属于您本人，请在光线充足处正对镜头重新自拍，不要使用滤镜，并摘下眼镜和帽子。",
            ),
        ),
        Code::LivenessFailed => (
            w(
                "The live check could not be completed.",
                "Start the check again in good light, keep your whole face inside the oval, and follow each prompt \
                 in turn.",
            ),
            w(
                "活体检测未能完成。",
                "请在光线充足处重新开始检测，全程将整张脸保持在取景框内，并依次按提示完成动作。",
            ),
        ),
        Code::SpoofSuspected => (
            w(
                "We could not confirm that your selfie or video was taken live, so a person will check your \
                 application.",
                "Take them yourself, live, with your phone's camera: not a photo of a photo, of a screen or of your \
                 document.",
            ),
            w(
                "无法确认您的自拍或视频为现场拍摄，工作人员将审核您的申请。",
                "请本人使用手机摄像头现场拍摄，不要翻拍照片、屏幕或证件上的照片。",
            ),
        ),
        Code::DuplicateDocument => (
            w(
                "This document needs a check by a person before your application can continue.",
                "You do not need to do anything now; if you already have an account with us, please sign in to it \
                 rather than opening another.",
            ),
            w(
                "此证件需要工作人员核查后，您的申请才能继续。",
                "您现在无需任何操作；如您已在本平台拥有账户，请登录原账户，不要另开新账户。",
            ),
        ),
        Code::DuplicateFace => (
            w(
                "Your photos need a check by a person before your application can continue.",
                "You do not need to do anything now; each person may hold one account, so if you already have one, \
                 please use it.",
            ),
            w(
                "您的照片需要工作人员核查后，申请才能继续。",
                "您现在无需任何操作；每人只能拥有一个账户，如您已有账户，请使用原账户。",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_code_has_words_in_both_languages_and_the_chinese_is_chinese() {
        for code in Code::ALL {
            for lang in Lang::ALL {
                let words = words(code, lang);
                assert!(!words.message.trim().is_empty(), "{code} {lang:?}");
                assert!(!words.tip.trim().is_empty(), "{code} {lang:?}");
                assert_ne!(words.message, words.tip, "{code} {lang:?}");
            }
            let zh = words(code, Lang::ZhCn);
            assert!(has_cjk(zh.message) && has_cjk(zh.tip), "{code}");
            assert!(!has_cjk(words(code, Lang::En).message), "{code}");
        }
    }

    #[test]
    fn no_two_codes_share_a_message_or_a_tip() {
        for lang in Lang::ALL {
            let (mut messages, mut tips) = (HashSet::new(), HashSet::new());
            for code in Code::ALL {
                let words = words(code, lang);
                assert!(messages.insert(words.message), "{code} repeats a message in {lang:?}");
                assert!(tips.insert(words.tip), "{code} repeats a tip in {lang:?}");
            }
        }
    }

    #[test]
    fn automatic_signals_accuse_nobody() {
        for code in Code::ALL {
            for lang in Lang::ALL {
                let words = words(code, lang);
                let text = format!("{} {}", words.message, words.tip).to_lowercase();
                for accusation in ["fraud", "fake", "forg", "欺诈", "伪造", "造假"] {
                    assert!(!text.contains(accusation), "{code} says {accusation:?}");
                }
            }
        }
    }

    #[test]
    fn codes_sent_to_a_person_say_so() {
        for code in [
            Code::FaceMismatch,
            Code::SpoofSuspected,
            Code::DuplicateDocument,
            Code::DuplicateFace,
        ] {
            assert!(words(code, Lang::En).message.contains("a person"), "{code}");
            assert!(words(code, Lang::ZhCn).message.contains("工作人员"), "{code}");
        }
    }

    #[test]
    fn a_mismatch_with_the_typed_data_and_one_inside_the_document_read_differently() {
        let typed = explain(&Reason::mismatch("birth_date", "1990-01-02", "1990-02-01"));
        assert_eq!(typed.message.en, words(Code::DataMismatch, Lang::En).message);
        assert_eq!(typed.typed.as_deref(), Some("1990-01-02"));
        assert_eq!(typed.document.as_deref(), Some("1990-02-01"));
        let inside = explain(&Reason::within_document("birth_date"));
        assert_eq!(inside.message.en, document_inconsistency_words(Lang::En).message);
        assert_ne!(inside.message.en, typed.message.en);
        assert!(has_cjk(inside.tip.zh_cn));
    }

    #[test]
    fn an_explained_reason_serialises_in_the_report_shape() {
        let reason = Reason::new(Code::DocGlare)
            .field("front")
            .detail("glare 23% of the document");
        let json = serde_json::to_value(explain(&reason)).unwrap();
        assert_eq!(json["code"], "DOC_GLARE");
        assert_eq!(json["kind"], "retry");
        assert_eq!(json["field"], "front");
        assert_eq!(json["message"]["en"], words(Code::DocGlare, Lang::En).message);
        assert_eq!(json["tip"]["zh-CN"], words(Code::DocGlare, Lang::ZhCn).tip);
        assert!(json.get("typed").is_none());
        let applicant = serde_json::to_value(explain(&reason).for_applicant()).unwrap();
        assert!(applicant.get("detail").is_none());
        assert_eq!(json["detail"], "glare 23% of the document");
    }

    #[test]
    fn specific_words_replace_the_codes_own() {
        let en = w("Your eyes are covered.", "Take off sunglasses.");
        let zh = w("眼睛被遮挡。", "请摘下墨镜。");
        let explained = explain(&Reason::new(Code::FaceOccluded)).worded(en, zh);
        assert_eq!(explained.message.en, en.message);
        assert_eq!(explained.tip.zh_cn, zh.tip);
        assert_eq!(explained.code, Code::FaceOccluded);
    }

    #[test]
    fn languages_are_tagged_as_in_json() {
        for lang in Lang::ALL {
            assert_eq!(serde_json::to_value(lang).unwrap(), lang.tag());
        }
    }
}
