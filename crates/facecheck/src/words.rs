//! What the face stage's findings mean to the applicant: a message and a
//! concrete tip, in English and Simplified Chinese. A code's own words come
//! from the one reason catalogue (`openkyc-reasons`); this module adds the
//! more specific ones only the face stage can give: which part of the face
//! is covered, which liveness action was not seen, what went wrong with the
//! recording. Findings meant for a reviewer (`SPOOF_SUSPECTED`, `FROZEN`,
//! `FACE_SWAP`) are told to the applicant neutrally: nobody is accused by
//! an automatic signal.

use openkyc_face::occlusion::FaceRegion;
use openkyc_liveness::{Action, FindingCode};
pub use openkyc_reasons::Words;
use openkyc_reasons::{Code, Lang, Stage};
use serde::Serialize;

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

/// The catalogue's words for `code`, in both languages.
fn catalogue(code: Code) -> Bilingual {
    Bilingual {
        en: openkyc_reasons::words(code, Lang::En),
        zh_cn: openkyc_reasons::words(code, Lang::ZhCn),
    }
}

/// The catalogue's words for a selfie, portrait or matching code
/// (`FACE_NOT_FOUND`, `FACE_MULTIPLE`, `FACE_OCCLUDED` in general,
/// `FACE_TOO_SMALL`, `FACE_TOO_DARK`, `FACE_OVEREXPOSED`, `FACE_NOT_FRONTAL`,
/// `PORTRAIT_NOT_FOUND`, `FACE_MISMATCH`, `SPOOF_SUSPECTED`; for the covered
/// region, [`occluded_words`]); `None` for any other code.
pub fn face_words(code: &str) -> Option<Bilingual> {
    let code = Code::parse(code)?;
    (code.stage() == Stage::Face || code == Code::SpoofSuspected).then(|| catalogue(code))
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
        None => catalogue(Code::FaceOccluded),
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
        assert!(face_words("DOC_BLURRY").is_none());
    }

    #[test]
    fn a_codes_own_words_are_the_catalogues() {
        let words = face_words("FACE_MISMATCH").unwrap();
        assert_eq!(words.en, openkyc_reasons::words(Code::FaceMismatch, Lang::En));
        assert_eq!(words.zh_cn, openkyc_reasons::words(Code::FaceMismatch, Lang::ZhCn));
        assert_eq!(occluded_words(&[]), face_words("FACE_OCCLUDED").unwrap());
        assert!(face_words("PORTRAIT_NOT_FOUND").is_some());
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
