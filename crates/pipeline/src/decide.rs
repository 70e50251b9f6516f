//! The decision policy, pure: reasons (and whether every check the level
//! runs could run) in, a decision out; and the order reasons are shown in.

use crate::Decision;
use openkyc_reasons::{Kind, Reason};

/// The decision for reasons of these kinds.
///
/// Any `reject` → rejected; else any `review` → review; else any `retry` →
/// retry; warnings alone → approved. `unverified` (a check the level runs
/// could not run: a model or the text reader missing) turns what would be
/// an approval into a review: a check that did not run never counts as
/// passed, and the applicant cannot fix the server's setup.
pub fn decide(kinds: impl IntoIterator<Item = Kind>, unverified: bool) -> Decision {
    let strongest = kinds.into_iter().max();
    match strongest {
        Some(Kind::Reject) => Decision::Rejected,
        Some(Kind::Review) => Decision::Review,
        Some(Kind::Retry) => Decision::Retry,
        Some(Kind::Warning) | None if unverified => Decision::Review,
        Some(Kind::Warning) | None => Decision::Approved,
    }
}

/// Sorts `(stage index, reason)` pairs strongest kind first, then in stage
/// order, keeping each stage's own order (stable).
pub fn order(reasons: &mut [(usize, Reason)]) {
    reasons.sort_by(|(stage_a, a), (stage_b, b)| b.kind.cmp(&a.kind).then(stage_a.cmp(stage_b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use openkyc_reasons::Code;

    #[test]
    fn the_strongest_kind_decides() {
        use Kind::{Reject, Retry, Review, Warning};
        let table: &[(&[Kind], bool, Decision)] = &[
            (&[], false, Decision::Approved),
            (&[Warning], false, Decision::Approved),
            (&[Warning, Warning], false, Decision::Approved),
            (&[Retry], false, Decision::Retry),
            (&[Warning, Retry], false, Decision::Retry),
            (&[Retry, Review], false, Decision::Review),
            (&[Review, Warning], false, Decision::Review),
            (&[Retry, Reject, Review], false, Decision::Rejected),
            (&[Reject], false, Decision::Rejected),
            // A check that could not run blocks an approval only.
            (&[], true, Decision::Review),
            (&[Warning], true, Decision::Review),
            (&[Retry], true, Decision::Retry),
            (&[Reject], true, Decision::Rejected),
        ];
        for (kinds, unverified, expected) in table {
            assert_eq!(
                decide(kinds.iter().copied(), *unverified),
                *expected,
                "{kinds:?} unverified {unverified}"
            );
        }
    }

    #[test]
    fn reasons_go_strongest_first_then_by_stage() {
        let mut reasons = vec![
            (1, Reason::new(Code::DocBlurry)),
            (4, Reason::new(Code::DocExpiresSoon)),
            (4, Reason::new(Code::Underage)),
            (3, Reason::new(Code::FieldMissing).field("last_name")),
            (0, Reason::new(Code::StepMissing).field("selfie")),
            (5, Reason::new(Code::FaceMismatch)),
            (3, Reason::new(Code::FieldMissing).field("birth_date")),
        ];
        order(&mut reasons);
        let order: Vec<(Code, Option<&str>)> = reasons.iter().map(|(_, r)| (r.code, r.field.as_deref())).collect();
        assert_eq!(
            order,
            [
                (Code::Underage, None),
                (Code::FaceMismatch, None),
                (Code::StepMissing, Some("selfie")),
                (Code::DocBlurry, None),
                (Code::FieldMissing, Some("last_name")),
                (Code::FieldMissing, Some("birth_date")),
                (Code::DocExpiresSoon, None),
            ]
        );
    }
}
