//! What the face stage's findings mean to the applicant: a message and a
//! concrete tip, in English and Simplified Chinese (as `openkyc-precheck`'s
//! catalogue does for documents). Findings meant for a reviewer
//! (`SPOOF_SUSPECTED`, `FROZEN`, `FACE_SWAP`) are told to the applicant
//! neutrally: nobody is accused by an automatic signal.

use openkyc_face::occlusion::FaceRegion;
use openkyc_liveness::{Action, FindingCode};
use serde::Serialize;

/// A message and a tip in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Words {
    /// What is wrong, in one sentence.
    pub message: &'static str,
    /// What to do about it.
    pub tip: &'static str,
}

/// The words in English and Simplified Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    /// English.
    pub en: Words,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    pub zh_cn: Words,
}

const fn say(en: (&'static str, &'static str), zh: (&'static str, &'static str)) -> Bilingual {
    Bilingual {
        en: Words {
            message: en.0,
            tip: en.1,
        },
        zh_cn: Words {
            message: zh.0,
            tip: zh.1,
        },
    }
}

/// The words for a selfie or matching code (`FACE_NOT_FOUND`,
/// `FACE_MULTIPLE`, `FACE_TOO_SMALL`, `FACE_TOO_DARK`, `FACE_OVEREXPOSED`,
/// `FACE_NOT_FRONTAL`, `FACE_MISMATCH`, `SPOOF_SUSPECTED`; `FACE_OCCLUDED`
/// through [`occluded_words`]); `None` for a code it does not know.
pub fn face_words(code: &str) -> Option<Bilingual> {
    Some(match code {
        "FACE_NOT_FOUND" => say(
            (
                "We could not find a face in the photo.",
                "Face the camera with your whole face inside the frame, in good light.",
            ),
            (
                "照片中未检测到人脸。",
                "请正对镜头，让整张脸完整出现在画面中，并保持光线充足。",
            ),
        ),
        "FACE_MULTIPLE" => say(
            (
                "More than one person is in the photo.",
                "Take the selfie alone, with nobody else in the frame.",
            ),
            ("照片中有不止一个人。", "请独自拍摄自拍，画面中不要出现其他人。"),
        ),
        "FACE_TOO_SMALL" => say(
            (
                "Your face is too small in the photo.",
                "Hold the phone closer, about an arm's length, so your face fills the oval.",
            ),
            (
                "照片中的人脸太小。",
                "请将手机拿近一些（约一臂距离），让脸部填满取景框。",
            ),
        ),
        "FACE_TOO_DARK" => say(
            (
                "Your face is too dark.",
                "Face a window or a lamp; avoid having a bright light behind you.",
            ),
            ("脸部太暗。", "请面向窗户或灯光，避免背后有强光。"),
        ),
        "FACE_OVEREXPOSED" => say(
            (
                "Your face is too bright to see clearly.",
                "Move out of direct sunlight or away from a strong lamp.",
            ),
            ("脸部过亮，无法看清。", "请避开阳光直射或强烈的灯光。"),
        ),
        "FACE_NOT_FRONTAL" => say(
            (
                "Your face is turned away from the camera.",
                "Look straight into the camera with your head level.",
            ),
            ("脸部没有正对镜头。", "请直视镜头，保持头部端正。"),
        ),
        "FACE_MISMATCH" => say(
            (
                "The selfie does not look like the photo on the document.",
                "Take the selfie yourself, the document's holder, without filters, glasses or a hat.",
            ),
            (
                "自拍与证件照片不符。",
                "请由证件持有人本人拍摄自拍，不要使用滤镜，并摘下眼镜和帽子。",
            ),
        ),
        "SPOOF_SUSPECTED" => say(
            (
                "We could not confirm that the selfie was taken live.",
                "Take a new selfie of yourself with the phone's camera, not a photo of a photo or a screen.",
            ),
            (
                "无法确认自拍为现场拍摄。",
                "请用手机摄像头直接拍摄本人，不要翻拍照片或屏幕。",
            ),
        ),
        _ => return None,
    })
}

/// The words for `FACE_OCCLUDED`, for the covered `regions` (the first
/// one decides the tip).
pub fn occluded_words(regions: &[FaceRegion]) -> Bilingual {
    match regions.first() {
        Some(FaceRegion::Eyes) => say(
            (
                "Your eyes are covered.",
                "Take off sunglasses or anything covering your eyes.",
            ),
            ("眼睛被遮挡。", "请摘下墨镜或其他遮挡眼睛的物品。"),
        ),
        Some(FaceRegion::Forehead) => say(
            (
                "Your forehead is covered.",
                "Take off your hat or cap and move your hair away from your face.",
            ),
            ("额头被遮挡。", "请摘下帽子，并将头发拨离脸部。"),
        ),
        Some(FaceRegion::Nose | FaceRegion::Mouth) => say(
            (
                "Your nose or mouth is covered.",
                "Take off your mask and keep your hands away from your face.",
            ),
            ("口鼻被遮挡。", "请摘下口罩，手不要遮挡脸部。"),
        ),
        None => say(
            (
                "Part of your face is covered.",
                "Take off sunglasses, masks and hats, and keep your hands away from your face.",
            ),
            ("脸部有遮挡。", "请摘下墨镜、口罩和帽子，手不要遮挡脸部。"),
        ),
    }
}

/// The words for a liveness finding; for `LIVENESS_FAILED`, `missed` is the
/// first action not seen.
pub fn liveness_words(code: FindingCode, missed: Option<Action>) -> Bilingual {
    match code {
        FindingCode::LivenessFailed => match missed {
            Some(Action::Blink) => say(
                (
                    "We did not see you blink.",
                    "When asked, close both eyes fully for a moment, then open them.",
                ),
                ("未检测到眨眼。", "听到提示后，请完全闭上双眼片刻再睁开。"),
            ),
            Some(Action::TurnLeft) => say(
                (
                    "We did not see you turn your head to your left.",
                    "When asked, turn your head slowly to your left, about a quarter of the way, then back.",
                ),
                (
                    "未检测到向左转头。",
                    "听到提示后，请慢慢把头转向您的左侧（约四分之一圈），再转回来。",
                ),
            ),
            Some(Action::TurnRight) => say(
                (
                    "We did not see you turn your head to your right.",
                    "When asked, turn your head slowly to your right, about a quarter of the way, then back.",
                ),
                (
                    "未检测到向右转头。",
                    "听到提示后，请慢慢把头转向您的右侧（约四分之一圈），再转回来。",
                ),
            ),
            Some(Action::Nod) => say(
                (
                    "We did not see you nod.",
                    "When asked, lower your chin clearly, then raise it again.",
                ),
                ("未检测到点头。", "听到提示后，请明显地低头，再抬起头。"),
            ),
            None => say(
                (
                    "We did not see the movements asked for, in their order.",
                    "Follow each prompt in turn, one at a time.",
                ),
                ("未按顺序检测到要求的动作。", "请按提示依次完成每个动作。"),
            ),
        },
        FindingCode::TooFewFrames
        | FindingCode::TooShort
        | FindingCode::FrameRateTooLow
        | FindingCode::FrameGap
        | FindingCode::TimestampsNotIncreasing => say(
            (
                "The recording was too short or stuttered.",
                "Keep the camera running until all prompts are done, on a steady connection.",
            ),
            (
                "录制时间太短或画面不连贯。",
                "请保持摄像头开启直到完成所有提示，并确保网络稳定。",
            ),
        ),
        FindingCode::TooLong => say(
            (
                "The recording took too long.",
                "Start the check again and follow the prompts right away.",
            ),
            ("录制时间过长。", "请重新开始检测，并立即按提示完成动作。"),
        ),
        FindingCode::FaceLost => say(
            (
                "Your face left the frame during the check.",
                "Keep your whole face inside the oval the whole time.",
            ),
            ("检测过程中脸部离开了画面。", "请全程将整张脸保持在取景框内。"),
        ),
        FindingCode::FaceMultiple => say(
            (
                "Someone else appeared during the check.",
                "Do the check alone, with nobody else in the frame.",
            ),
            ("检测过程中出现了其他人。", "请独自完成检测，画面中不要出现其他人。"),
        ),
        FindingCode::Frozen | FindingCode::FaceSwap | FindingCode::SpoofSuspected => say(
            (
                "We could not confirm that the check was done live.",
                "Do the check yourself, live, with your phone's camera; a person may review it.",
            ),
            (
                "无法确认检测为本人现场完成。",
                "请本人使用手机摄像头现场完成检测；工作人员可能会进行人工审核。",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_selfie_code_has_words_in_both_languages() {
        let codes = [
            "FACE_NOT_FOUND",
            "FACE_MULTIPLE",
            "FACE_TOO_SMALL",
            "FACE_TOO_DARK",
            "FACE_OVEREXPOSED",
            "FACE_NOT_FRONTAL",
            "FACE_MISMATCH",
            "SPOOF_SUSPECTED",
        ];
        for code in codes.iter().chain(openkyc_face::REASON_CODES.iter()) {
            let words = face_words(code).unwrap_or_else(|| panic!("{code} has no words"));
            for w in [words.en, words.zh_cn] {
                assert!(!w.message.is_empty() && !w.tip.is_empty(), "{code}");
            }
        }
        assert!(face_words("NOT_A_CODE").is_none());
    }

    #[test]
    fn every_liveness_code_and_action_has_distinct_words() {
        for code in FindingCode::ALL {
            let words = liveness_words(code, None);
            assert!(!words.en.message.is_empty() && !words.zh_cn.tip.is_empty(), "{code:?}");
        }
        let tips: std::collections::BTreeSet<&str> = Action::ALL
            .iter()
            .map(|a| liveness_words(FindingCode::LivenessFailed, Some(*a)).en.tip)
            .collect();
        assert_eq!(tips.len(), Action::ALL.len());
    }

    #[test]
    fn the_covered_region_decides_the_tip() {
        assert!(occluded_words(&[FaceRegion::Eyes]).en.tip.contains("sunglasses"));
        assert!(occluded_words(&[FaceRegion::Mouth]).en.tip.contains("mask"));
        assert!(occluded_words(&[FaceRegion::Forehead]).en.tip.contains("hat"));
    }
}
