//! The intake stage: every upload the level asks for decoded once (format
//! sniffed from the bytes, size and pixel limits checked before decoding,
//! by `openkyc-intake` and `openkyc-frames`), and every step the level
//! requires present.

use crate::report::StageOutput;
use crate::{DocumentType, Input, LivenessClip};
use image::RgbImage;
use openkyc_frames::{FrameLimits, FramesError};
use openkyc_intake::IntakeLimits;
use openkyc_levels::{Level, Step};
use openkyc_reasons::{Code, Reason};

/// The long side a document photo is decoded at: the reading stage's
/// resolution (`openkyc_read::ReadOptions::working_max_side`).
pub const DOCUMENT_MAX_SIDE: u32 = 2400;
/// The long side a selfie is decoded at: a face's descriptor needs some
/// 150 px, the detector reads 800 × 480 (as `openkyc face compare`).
pub const SELFIE_MAX_SIDE: u32 = 1600;

/// The uploads, decoded. `None` where the level does not ask for one, it
/// was not sent, or it could not be decoded (a reason says which).
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub front: Option<RgbImage>,
    pub back: Option<RgbImage>,
    pub selfie: Option<RgbImage>,
    /// Liveness frames: time in ms, picture.
    pub frames: Option<Vec<(u32, RgbImage)>>,
}

/// Runs the intake stage. `document_type`: the type the applicant named
/// (whether a back is needed).
pub(crate) fn run(level: &Level, input: &Input, document_type: Option<DocumentType>) -> (StageOutput, Decoded) {
    let mut reasons = Vec::new();
    let mut decoded = Decoded::default();
    let missing = |field: &str, reasons: &mut Vec<Reason>| {
        reasons.push(Reason::new(Code::StepMissing).field(field));
    };
    if level.requires(Step::BasicInfo) && input.data.is_none() {
        missing("basic_info", &mut reasons);
    }
    if level.requires(Step::Document) {
        let photo = |bytes: &Option<Vec<u8>>, field: &str, reasons: &mut Vec<Reason>| {
            bytes
                .as_deref()
                .and_then(|bytes| decode_photo(bytes, DOCUMENT_MAX_SIDE, field, reasons))
        };
        match &input.front {
            Some(_) => decoded.front = photo(&input.front, "front", &mut reasons),
            None => missing("front", &mut reasons),
        }
        let back_needed = document_type.is_some_and(DocumentType::has_back);
        match &input.back {
            Some(_) if back_needed || document_type.is_none() => {
                decoded.back = photo(&input.back, "back", &mut reasons);
            }
            // A passport has no back: a second photo is not looked at.
            Some(_) => {}
            None if back_needed => missing("back", &mut reasons),
            None => {}
        }
    }
    if level.requires(Step::Selfie) {
        match input.selfie.as_deref() {
            Some(bytes) => decoded.selfie = decode_photo(bytes, SELFIE_MAX_SIDE, "selfie", &mut reasons),
            None => missing("selfie", &mut reasons),
        }
    }
    if level.requires(Step::Liveness) {
        match &input.liveness {
            Some(liveness) => match decode_clip(&liveness.clip) {
                Ok(frames) => decoded.frames = Some(frames),
                Err(error) => reasons.push(
                    Reason::new(Code::ImageUnreadable)
                        .field("liveness")
                        .detail(format!("recording: {}", error.code())),
                ),
            },
            None => missing("liveness", &mut reasons),
        }
    }
    (StageOutput::ran(reasons), decoded)
}

/// One photo decoded with the intake's default limits at `max_side`; a
/// refusal becomes `IMAGE_UNREADABLE` on `field`.
fn decode_photo(bytes: &[u8], max_side: u32, field: &str, reasons: &mut Vec<Reason>) -> Option<RgbImage> {
    let limits = IntakeLimits {
        working_max_side: max_side,
        ..IntakeLimits::default()
    };
    match openkyc_intake::intake(bytes, &limits) {
        Ok(intake) => Some(intake.working),
        Err(error) => {
            reasons.push(
                Reason::new(Code::ImageUnreadable)
                    .field(field)
                    .detail(format!("photo: {}", error.code())),
            );
            None
        }
    }
}

/// A recording as frames at the liveness rate (8 fps), within the frame
/// limits.
fn decode_clip(clip: &LivenessClip) -> Result<Vec<(u32, RgbImage)>, FramesError> {
    let limits = FrameLimits::default();
    let sequence = match clip {
        LivenessClip::Video(bytes) => openkyc_frames::read_video(bytes, &limits)?,
        LivenessClip::Frames(frames) => {
            let stills: Vec<(u32, &[u8])> = frames.iter().map(|f| (f.t_ms, f.bytes.as_slice())).collect();
            openkyc_frames::read_stills(&stills, &limits)?
        }
    };
    Ok(sequence.frames.into_iter().map(|f| (f.t_ms, f.image)).collect())
}
