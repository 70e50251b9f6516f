//! Deciding from a descriptor distance whether two faces are the same person:
//! a match, a case for a person to look at, or a mismatch (`FACE_MISMATCH`).
//! Pure; the distance comes from `openkyc-faceembed` (dlib's 128-d
//! descriptor, Euclidean distance: lower is more alike).

use serde::Serialize;

/// What the distance says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchDecision {
    /// The same person, at the chosen false-match rate.
    Match,
    /// Between the two thresholds: a reviewer decides (never an automatic
    /// rejection).
    Review,
    /// Different people (`FACE_MISMATCH`).
    Mismatch,
}

/// The two distance thresholds (see `docs/EVALUATION-FACES.md` for the
/// rates they give on real photos).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MatchThresholds {
    /// A match at or below this distance.
    pub match_max_distance: f32,
    /// Review above [`MatchThresholds::match_max_distance`] up to this;
    /// a mismatch beyond.
    pub review_max_distance: f32,
}

impl Default for MatchThresholds {
    /// 0.50 and 0.65, from the 226 real pairs of the fixtures
    /// (`docs/EVALUATION-FACES.md`): the farthest same-person pair lay at
    /// 0.49 (0.55 with one photo shrunk to a 40-px face), the closest
    /// different-person pair at 0.56. A match is then accepted at a
    /// false-match rate the set (142 different-person pairs) cannot tell
    /// from zero; degraded genuine pairs fall into review rather than
    /// rejection, and dlib's own operating point, 0.6, lies inside the
    /// review band. A larger set may move both.
    fn default() -> Self {
        Self {
            match_max_distance: 0.50,
            review_max_distance: 0.65,
        }
    }
}

impl MatchThresholds {
    /// The decision for `distance`; a distance that is not a number (no
    /// descriptor) is a case for review, never a match.
    pub fn decide(&self, distance: f32) -> MatchDecision {
        if distance.is_nan() {
            MatchDecision::Review
        } else if distance <= self.match_max_distance {
            MatchDecision::Match
        } else if distance <= self.review_max_distance {
            MatchDecision::Review
        } else {
            MatchDecision::Mismatch
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_fall_in_three_bands() {
        let t = MatchThresholds::default();
        assert_eq!(t.decide(0.2), MatchDecision::Match);
        assert_eq!(t.decide(t.match_max_distance), MatchDecision::Match);
        assert_eq!(t.decide(0.58), MatchDecision::Review);
        assert_eq!(t.decide(t.review_max_distance), MatchDecision::Review);
        assert_eq!(t.decide(0.9), MatchDecision::Mismatch);
        assert_eq!(t.decide(f32::NAN), MatchDecision::Review);
        assert_eq!(t.decide(f32::INFINITY), MatchDecision::Mismatch);
    }

    #[test]
    fn decisions_serialise_in_lower_case() {
        let json = serde_json::to_string(&[MatchDecision::Match, MatchDecision::Review, MatchDecision::Mismatch]);
        assert_eq!(json.ok().as_deref(), Some(r#"["match","review","mismatch"]"#));
    }
}
