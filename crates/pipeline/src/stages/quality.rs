//! The capture-quality stage: `openkyc-precheck` on each document photo.

use crate::report::StageOutput;
use openkyc_precheck::{precheck, PrecheckConfig, Side};
use openkyc_reasons::{Code, Kind, Reason};

/// Which sides failed in a way the applicant must fix before anything is
/// read from them (blur, glare, framing…): reading such a photo would only
/// give misreadings, which must not go to a reviewer as suspect documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Retake {
    pub front: bool,
    pub back: bool,
}

/// Runs the precheck on the photos given (file bytes).
pub(crate) fn run(config: &PrecheckConfig, front: Option<&[u8]>, back: Option<&[u8]>) -> (StageOutput, Retake) {
    let mut reasons = Vec::new();
    let mut retake = Retake::default();
    let mut checked = Vec::new();
    for (bytes, side, field, flag) in [
        (front, Side::Front, "front", &mut retake.front),
        (back, Side::Back, "back", &mut retake.back),
    ] {
        let Some(bytes) = bytes else { continue };
        checked.push(field);
        let side_reasons = side_reasons(config, bytes, side, field);
        *flag = side_reasons.iter().any(|r| r.kind == Kind::Retry);
        reasons.extend(side_reasons);
    }
    if checked.is_empty() {
        return (StageOutput::not_run("no document photo to check"), retake);
    }
    let note = format!("checked: {}", checked.join(", "));
    (StageOutput::ran(reasons).note(note), retake)
}

/// The precheck's reasons for one photo, as catalogue reasons on `field`.
fn side_reasons(config: &PrecheckConfig, bytes: &[u8], side: Side, field: &str) -> Vec<Reason> {
    match precheck(bytes, side, config) {
        Ok(outcome) => outcome
            .report
            .reasons
            .iter()
            .filter_map(|reason| {
                let code = Code::parse(reason.code.as_str())?;
                Some(
                    Reason::new(code)
                        .field(field)
                        .detail(format!("score {:.3}, threshold {:.3}", reason.score, reason.threshold)),
                )
            })
            .collect(),
        Err(error) => vec![Reason::new(Code::ImageUnreadable)
            .field(field)
            .detail(format!("photo: {}", error.code()))],
    }
}
