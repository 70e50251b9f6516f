//! The selfie's face policy (`FACE_NOT_FOUND`, `FACE_MULTIPLE`): which
//! detected face is the applicant's, and when another face must fail the
//! selfie.
//!
//! # The rule
//! The applicant is the largest face (by box area; the detector's score
//! breaks ties): a selfie is taken at arm's length, so the person holding
//! the phone is the nearest. Another face is a **second person** — coached
//! or coerced verification, `FACE_MULTIPLE` — when it is clearly visible:
//! its size (the square root of its box's area; unlike the eye distance it
//! does not shrink when a head turns) is at least
//! [`MultipleFacePolicy::min_relative_size`] of the applicant's and its
//! score at least [`MultipleFacePolicy::min_score`].
//! Two reasons make smaller faces harmless:
//! * a face far in the background (a passer-by, a poster) is a fraction of
//!   the applicant's size, and an operator cannot ask a selfie to be taken
//!   in an empty room;
//! * the portrait on an ID card the applicant holds next to their face (a
//!   common KYC selfie) is printed 25–35 mm high, against a head of about
//!   230 mm at the same distance from the camera: its size is about
//!   0.1–0.2 of the applicant's, well under the default 0.45.
//!
//! A second person standing one step behind the applicant keeps more than
//! half the applicant's size (0.5 at twice the distance), so the default
//! 0.45 catches anyone near enough to influence the applicant. Faces that do
//! not count are returned in [`SelfieFaces::ignored`], for the record.
//!
//! Measured (`tests/multiple.rs`): the two masked people of the beach
//! fixture are 0.81 of each other's size (their eye distances only 0.47: the
//! second head is turned), two fixture portraits side by side 0.8–0.9, a
//! quarter-height photo pasted into a corner 0.25 (ignored).

use serde::Serialize;

use crate::Face;

/// No face at all.
pub const FACE_NOT_FOUND: &str = "FACE_NOT_FOUND";
/// A second clearly visible person.
pub const FACE_MULTIPLE: &str = "FACE_MULTIPLE";

/// When another face fails the selfie.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MultipleFacePolicy {
    /// Another face counts when its size is at least this share of the
    /// applicant's (default 0.45; see the module docs).
    pub min_relative_size: f32,
    /// … and its detector score at least this (default 0.5, the detector's
    /// own threshold: every face it returns counts).
    pub min_score: f32,
}

impl Default for MultipleFacePolicy {
    fn default() -> Self {
        Self {
            min_relative_size: 0.45,
            min_score: 0.5,
        }
    }
}

/// Why no applicant face could be chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code")]
pub enum SelfieFaceIssue {
    /// No face (`FACE_NOT_FOUND`).
    #[serde(rename = "FACE_NOT_FOUND")]
    NotFound,
    /// More than one clearly visible person (`FACE_MULTIPLE`).
    #[serde(rename = "FACE_MULTIPLE")]
    Multiple {
        /// The index of the largest face.
        applicant: usize,
        /// The indices of the other faces that count.
        others: Vec<usize>,
    },
}

impl SelfieFaceIssue {
    /// The reason code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => FACE_NOT_FOUND,
            Self::Multiple { .. } => FACE_MULTIPLE,
        }
    }
}

/// The selfie's faces sorted out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelfieFaces {
    /// The index of the applicant's face in the detector's list.
    pub applicant: usize,
    /// The other faces, too small or too uncertain to count.
    pub ignored: Vec<usize>,
}

impl SelfieFaces {
    /// The index of the applicant's face among `faces` (as the detector
    /// returned them), or why there is none. The image's size is accepted
    /// for policies that weigh a face's share of the frame; the default rule
    /// compares faces with each other only, so a crop changes nothing.
    pub fn choose(
        faces: &[Face],
        image_width: u32,
        image_height: u32,
        policy: &MultipleFacePolicy,
    ) -> Result<usize, SelfieFaceIssue> {
        Self::sort(faces, image_width, image_height, policy).map(|s| s.applicant)
    }

    /// As [`choose`](Self::choose), also listing the faces that did not
    /// count.
    pub fn sort(
        faces: &[Face],
        _image_width: u32,
        _image_height: u32,
        policy: &MultipleFacePolicy,
    ) -> Result<Self, SelfieFaceIssue> {
        let applicant = faces
            .iter()
            .enumerate()
            .max_by(|(_, a), (_, b)| {
                finite(a.area())
                    .total_cmp(&finite(b.area()))
                    .then(finite(a.score).total_cmp(&finite(b.score)))
            })
            .map(|(i, _)| i)
            .ok_or(SelfieFaceIssue::NotFound)?;
        let reference = faces.get(applicant).map_or(0.0, size);
        let (others, ignored): (Vec<usize>, Vec<usize>) = (0..faces.len())
            .filter(|&i| i != applicant)
            .partition(|&i| faces.get(i).is_some_and(|f| counts(f, reference, policy)));
        if others.is_empty() {
            Ok(Self { applicant, ignored })
        } else {
            Err(SelfieFaceIssue::Multiple { applicant, others })
        }
    }
}

/// Whether `face` is a clearly visible second person next to an applicant
/// of size `reference` px. A NaN score counts (a doubt fails towards
/// review); a box that is not finite has no area and does not.
fn counts(face: &Face, reference: f32, policy: &MultipleFacePolicy) -> bool {
    let relative = size(face) / reference;
    // NaN is "not below": it counts.
    let big_enough = relative >= policy.min_relative_size || relative.is_nan();
    let sure_enough = face.score >= policy.min_score || face.score.is_nan();
    big_enough && sure_enough
}

/// The square root of the box's area.
fn size(face: &Face) -> f32 {
    face.area().sqrt()
}

/// NaN as the smallest value, so that it never wins the applicant's place.
fn finite(value: f32) -> f32 {
    if value.is_nan() {
        f32::NEG_INFINITY
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(cx: f32, cy: f32, eyes: f32, score: f32) -> Face {
        Face {
            bbox: [cx - eyes, cy - eyes, cx + eyes, cy + 1.5 * eyes],
            score,
            landmarks: [
                [cx - eyes / 2.0, cy],
                [cx + eyes / 2.0, cy],
                [cx, cy + 0.5 * eyes],
                [cx - 0.4 * eyes, cy + eyes],
                [cx + 0.4 * eyes, cy + eyes],
            ],
        }
    }

    fn choose(faces: &[Face]) -> Result<usize, SelfieFaceIssue> {
        SelfieFaces::choose(faces, 1000, 1000, &MultipleFacePolicy::default())
    }

    #[test]
    fn no_face_is_not_found() {
        assert_eq!(choose(&[]), Err(SelfieFaceIssue::NotFound));
        assert_eq!(SelfieFaceIssue::NotFound.code(), "FACE_NOT_FOUND");
    }

    #[test]
    fn one_face_is_the_applicant() {
        assert_eq!(choose(&[face(500.0, 500.0, 100.0, 0.9)]), Ok(0));
    }

    #[test]
    fn the_largest_face_is_the_applicant_whatever_the_order() {
        let small = face(100.0, 100.0, 20.0, 0.95);
        let large = face(500.0, 500.0, 120.0, 0.7);
        assert_eq!(choose(&[small, large]), Ok(1));
        assert_eq!(choose(&[large, small]), Ok(0));
    }

    #[test]
    fn a_second_person_of_similar_size_is_multiple() {
        let issue = choose(&[face(300.0, 500.0, 100.0, 0.9), face(700.0, 500.0, 80.0, 0.8)]).unwrap_err();
        assert_eq!(
            issue,
            SelfieFaceIssue::Multiple {
                applicant: 0,
                others: vec![1]
            }
        );
        assert_eq!(issue.code(), "FACE_MULTIPLE");
    }

    #[test]
    fn a_held_id_card_portrait_or_a_background_face_is_ignored() {
        let applicant = face(400.0, 500.0, 120.0, 0.9);
        let card_portrait = face(750.0, 650.0, 20.0, 0.8);
        let background = face(950.0, 80.0, 30.0, 0.6);
        let sorted = SelfieFaces::sort(&[applicant, card_portrait, background], 1000, 1000, &Default::default());
        assert_eq!(
            sorted,
            Ok(SelfieFaces {
                applicant: 0,
                ignored: vec![1, 2]
            })
        );
    }

    #[test]
    fn the_boundary_is_the_policys_relative_size() {
        let policy = MultipleFacePolicy::default();
        let at = |eyes: f32| {
            SelfieFaces::choose(
                &[face(300.0, 500.0, 100.0, 0.9), face(700.0, 500.0, eyes, 0.9)],
                1000,
                1000,
                &policy,
            )
        };
        assert!(at(45.0).is_err());
        assert_eq!(at(44.0), Ok(0));
        let lenient = MultipleFacePolicy {
            min_relative_size: 0.9,
            ..policy
        };
        assert!(SelfieFaces::choose(
            &[face(300.0, 500.0, 100.0, 0.9), face(700.0, 500.0, 80.0, 0.9)],
            1000,
            1000,
            &lenient
        )
        .is_ok());
    }

    #[test]
    fn an_uncertain_or_degenerate_second_face_is_ignored() {
        let applicant = face(300.0, 500.0, 100.0, 0.9);
        let policy = MultipleFacePolicy {
            min_score: 0.7,
            ..Default::default()
        };
        assert_eq!(
            SelfieFaces::choose(&[applicant, face(700.0, 500.0, 90.0, 0.6)], 1000, 1000, &policy),
            Ok(0)
        );
        let nan = face(f32::NAN, 500.0, f32::NAN, 0.9);
        // A box that is not finite has no area (`Face::area`): nothing to see.
        assert_eq!(SelfieFaces::choose(&[applicant, nan], 1000, 1000, &policy), Ok(0));
        assert_eq!(SelfieFaces::choose(&[nan], 1000, 1000, &policy), Ok(0));
    }
}
