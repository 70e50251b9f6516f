//! The four actions a challenge can ask for, and their text forms
//! (`blink`, `turn_left`, `turn_right`, `nod`; a list is comma-separated).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One thing the applicant is asked to do in front of the camera.
///
/// Left and right are the *subject's*: `TurnLeft` is the applicant turning
/// their head to their own left. In an unmirrored frame (a phone camera's
/// raw output) their nose then points toward the image's right, so the
/// yaw increases (yaw > 0: nose toward +x); see
/// [`crate::LivenessPolicy::mirrored`] for mirrored sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Close both eyes and open them again.
    Blink,
    /// Turn the head to the subject's own left.
    TurnLeft,
    /// Turn the head to the subject's own right.
    TurnRight,
    /// Tip the head down (chin toward the chest) and back up.
    Nod,
}

impl Action {
    /// Every action, in a fixed order (the order challenge generation
    /// numbers them in).
    pub const ALL: [Action; 4] = [Action::Blink, Action::TurnLeft, Action::TurnRight, Action::Nod];

    /// The stable text form (also the serde form).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Blink => "blink",
            Action::TurnLeft => "turn_left",
            Action::TurnRight => "turn_right",
            Action::Nod => "nod",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text that names no action, or a list with an empty item.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ActionParseError {
    /// The word is not one of `blink`, `turn_left`, `turn_right`, `nod`.
    #[error("unknown action {0:?} (expected blink, turn_left, turn_right or nod)")]
    Unknown(String),
    /// The list (or one of its comma-separated items) is empty.
    #[error("empty action in the list")]
    Empty,
}

/// Longest action word accepted; anything longer is quoted back truncated,
/// so an error message stays small whatever the input.
const MAX_QUOTED_CHARS: usize = 32;

impl FromStr for Action {
    type Err = ActionParseError;

    /// Parses one action; surrounding white space and letter case are
    /// ignored, and `-` may stand for `_` (`Turn-Left` is `turn_left`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let word = text.trim();
        if word.is_empty() {
            return Err(ActionParseError::Empty);
        }
        let normalised: String = word
            .chars()
            .take(MAX_QUOTED_CHARS + 1)
            .map(|c| if c == '-' { '_' } else { c.to_ascii_lowercase() })
            .collect();
        Action::ALL
            .into_iter()
            .find(|action| action.as_str() == normalised)
            .ok_or_else(|| ActionParseError::Unknown(word.chars().take(MAX_QUOTED_CHARS).collect()))
    }
}

/// Parses a comma-separated list such as `"blink,turn_left"` in its order.
/// Only the words are checked here; whether the list makes a valid
/// challenge (length, no action twice in a row) is
/// [`crate::Challenge::new`]'s business.
pub fn parse_actions(text: &str) -> Result<Vec<Action>, ActionParseError> {
    text.split(',').map(Action::from_str).collect()
}

/// Joins actions into the comma-separated form [`parse_actions`] reads.
pub fn format_actions(actions: &[Action]) -> String {
    actions
        .iter()
        .map(|action| action.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_round_trips_through_text_and_serde() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>(), Ok(action));
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
        }
    }

    #[test]
    fn parsing_forgives_case_space_and_hyphens_but_not_unknown_words() {
        assert_eq!(" Turn-Left ".parse::<Action>(), Ok(Action::TurnLeft));
        assert_eq!("NOD".parse::<Action>(), Ok(Action::Nod));
        assert_eq!("wink".parse::<Action>(), Err(ActionParseError::Unknown("wink".into())));
        assert_eq!("".parse::<Action>(), Err(ActionParseError::Empty));
        let long = "x".repeat(10_000);
        match long.parse::<Action>() {
            Err(ActionParseError::Unknown(quoted)) => assert_eq!(quoted.len(), MAX_QUOTED_CHARS),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_list_parses_in_order_and_rejects_empty_items() {
        assert_eq!(
            parse_actions("blink,turn_left"),
            Ok(vec![Action::Blink, Action::TurnLeft])
        );
        assert_eq!(parse_actions("nod, blink ,turn_right").map(|a| a.len()), Ok(3));
        assert_eq!(parse_actions("blink,,nod"), Err(ActionParseError::Empty));
        assert_eq!(parse_actions(""), Err(ActionParseError::Empty));
        assert_eq!(format_actions(&[Action::Nod, Action::Blink]), "nod,blink");
    }
}
