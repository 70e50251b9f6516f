//! Verification levels as configuration (TOML), not code: what each level
//! asks of the applicant ([`Step`]), which checks it runs ([`Check`]), its
//! thresholds, and the entitlements it grants. The shipped default
//! (`config/levels.toml`) mirrors a typical exchange: `L1` basic
//! information, `L2` a document, a selfie and liveness.
//!
//! Validation happens once, at load: an unknown step or check, a level
//! that includes an unknown or itself, a threshold out of range, each
//! fails with the TOML key named ([`LevelsError`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The shipped levels, `config/levels.toml`.
pub const SHIPPED_TOML: &str = include_str!("../../../config/levels.toml");

/// What a level asks the applicant to provide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Name, native-script name, birth date, nationality, document type and number.
    BasicInfo,
    /// The document's front, and its back where the type has one.
    Document,
    /// A selfie.
    Selfie,
    /// The frames of an active liveness challenge.
    Liveness,
}

/// A check a level runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Blur, glare, framing, editing of the document photos.
    CaptureQuality,
    /// Reading the document.
    Document,
    /// What the applicant typed against the document (and its own form).
    DataMatch,
    /// Expiry, age, the number's checksum.
    Validity,
    /// The selfie's checks and its comparison with the document's portrait.
    Face,
    /// The active liveness challenge.
    Liveness,
    /// The document (and face) already held by another applicant.
    Duplicates,
}

/// A level's thresholds; every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// `DOC_EXPIRES_SOON` within this many days of the expiry date.
    pub expires_soon_days: i64,
    /// Selfie to portrait: a match at or below this distance.
    pub face_match_max_distance: f32,
    /// Review up to this distance, a mismatch beyond.
    pub face_review_max_distance: f32,
    /// `DUPLICATE_FACE` at or below this distance to another applicant.
    pub duplicate_face_max_distance: f32,
    /// How many actions a liveness challenge asks for.
    pub liveness_actions: usize,
    /// How long a liveness challenge stays valid, in seconds.
    pub liveness_challenge_ttl_secs: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            expires_soon_days: 30,
            face_match_max_distance: 0.50,
            face_review_max_distance: 0.65,
            duplicate_face_max_distance: 0.45,
            liveness_actions: 2,
            liveness_challenge_ttl_secs: 300,
        }
    }
}

/// An entitlement's value: a limit or a feature flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Entitlement {
    /// A feature on or off.
    Flag(bool),
    /// A whole-number limit (in the unit its name says).
    Limit(i64),
    /// A fractional limit.
    Amount(f64),
}

/// One level as configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The level's identifier (`L1`), the key of its TOML table.
    #[serde(skip_deserializing)]
    pub id: String,
    /// A name for people.
    pub name: String,
    /// The level it builds on: approved here means holding that one too.
    #[serde(default)]
    pub includes: Option<String>,
    /// What the applicant provides.
    pub steps: Vec<Step>,
    /// What is checked.
    pub checks: Vec<Check>,
    /// Thresholds of the checks.
    #[serde(default)]
    pub thresholds: Thresholds,
    /// What the level grants, by name.
    #[serde(default)]
    pub entitlements: BTreeMap<String, Entitlement>,
}

impl Level {
    /// Whether the level asks for `step`.
    pub fn requires(&self, step: Step) -> bool {
        self.steps.contains(&step)
    }

    /// Whether the level runs `check`.
    pub fn runs(&self, check: Check) -> bool {
        self.checks.contains(&check)
    }
}

/// All levels and the rules shared by them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Levels {
    /// `UNDERAGE` below this age, at every level.
    pub min_age: u32,
    levels: BTreeMap<String, Level>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelsFile {
    #[serde(default = "default_min_age")]
    min_age: u32,
    levels: BTreeMap<String, Level>,
}

fn default_min_age() -> u32 {
    18
}

/// A levels file that cannot be used; the message names the key.
#[derive(Debug, thiserror::Error)]
pub enum LevelsError {
    /// Not valid TOML, or a key or value of the wrong kind (toml's message
    /// names the key and line).
    #[error("levels configuration: {0}")]
    Toml(#[from] toml::de::Error),
    /// A value that parses but cannot be used.
    #[error("levels configuration: `{key}`: {problem}")]
    Invalid {
        /// The dotted TOML key (`levels.L2.thresholds.face_match_max_distance`).
        key: String,
        /// What is wrong with it.
        problem: String,
    },
}

fn invalid(key: String, problem: impl Into<String>) -> LevelsError {
    LevelsError::Invalid {
        key,
        problem: problem.into(),
    }
}

impl Levels {
    /// The shipped default (`config/levels.toml`).
    pub fn shipped() -> Result<Levels, LevelsError> {
        Levels::from_toml(SHIPPED_TOML)
    }

    /// Parses and validates a levels file.
    pub fn from_toml(text: &str) -> Result<Levels, LevelsError> {
        let file: LevelsFile = toml::from_str(text)?;
        let mut levels = file.levels;
        for (id, level) in &mut levels {
            level.id.clone_from(id);
        }
        let parsed = Levels {
            min_age: file.min_age,
            levels,
        };
        parsed.validate()?;
        Ok(parsed)
    }

    fn validate(&self) -> Result<(), LevelsError> {
        if self.levels.is_empty() {
            return Err(invalid("levels".into(), "at least one level is needed"));
        }
        if !(1..=150).contains(&self.min_age) {
            return Err(invalid("min_age".into(), "must be between 1 and 150"));
        }
        for (id, level) in &self.levels {
            let key = |rest: &str| format!("levels.{id}.{rest}");
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                return Err(invalid(
                    format!("levels.{id}"),
                    "a level id is letters, digits, - and _",
                ));
            }
            if level.steps.is_empty() {
                return Err(invalid(key("steps"), "a level asks for at least one step"));
            }
            self.validate_includes(id)?;
            let needs = |check: Check| -> Option<Step> {
                match check {
                    Check::CaptureQuality | Check::Document | Check::Validity => Some(Step::Document),
                    Check::Face => Some(Step::Selfie),
                    Check::Liveness => Some(Step::Liveness),
                    Check::DataMatch | Check::Duplicates => None,
                }
            };
            for check in &level.checks {
                if let Some(step) = needs(*check) {
                    if !level.requires(step) {
                        return Err(invalid(
                            key("checks"),
                            format!("{check:?} needs the step {step:?}, which the level does not ask for"),
                        ));
                    }
                }
            }
            if level.requires(Step::Liveness) && !level.requires(Step::Selfie) {
                return Err(invalid(
                    key("steps"),
                    "liveness needs a selfie to compare the frames with",
                ));
            }
            validate_thresholds(&level.thresholds, &key("thresholds"))?;
        }
        Ok(())
    }

    fn validate_includes(&self, id: &str) -> Result<(), LevelsError> {
        let mut seen = vec![id.to_owned()];
        let mut current = id;
        while let Some(parent) = self.levels.get(current).and_then(|l| l.includes.as_deref()) {
            let key = format!("levels.{current}.includes");
            if !self.levels.contains_key(parent) {
                return Err(invalid(key, format!("no level `{parent}`")));
            }
            if seen.iter().any(|s| s == parent) {
                return Err(invalid(key, "levels include each other in a circle"));
            }
            seen.push(parent.to_owned());
            current = parent;
        }
        Ok(())
    }

    /// The level with this id.
    pub fn get(&self, id: &str) -> Option<&Level> {
        self.levels.get(id)
    }

    /// Every level, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Level> {
        self.levels.values()
    }

    /// The levels an applicant approved at `id` holds: `id` and every level
    /// it includes, nearest first.
    pub fn held_with(&self, id: &str) -> Vec<&Level> {
        let mut held = Vec::new();
        let mut current = self.levels.get(id);
        while let Some(level) = current {
            held.push(level);
            current = level.includes.as_deref().and_then(|parent| self.levels.get(parent));
        }
        held
    }

    /// The entitlements of a level: its own, over those of the levels it
    /// includes.
    pub fn entitlements(&self, id: &str) -> BTreeMap<String, Entitlement> {
        let mut merged = BTreeMap::new();
        for level in self.held_with(id).into_iter().rev() {
            for (name, value) in &level.entitlements {
                merged.insert(name.clone(), value.clone());
            }
        }
        merged
    }
}

fn validate_thresholds(t: &Thresholds, key: &str) -> Result<(), LevelsError> {
    let unit = |name: &str, value: f32| -> Result<(), LevelsError> {
        if value.is_finite() && (0.0..=2.0).contains(&value) {
            Ok(())
        } else {
            Err(invalid(format!("{key}.{name}"), "a face distance between 0 and 2"))
        }
    };
    unit("face_match_max_distance", t.face_match_max_distance)?;
    unit("face_review_max_distance", t.face_review_max_distance)?;
    unit("duplicate_face_max_distance", t.duplicate_face_max_distance)?;
    if t.face_review_max_distance < t.face_match_max_distance {
        return Err(invalid(
            format!("{key}.face_review_max_distance"),
            "must be at least face_match_max_distance",
        ));
    }
    if !(0..=3650).contains(&t.expires_soon_days) {
        return Err(invalid(format!("{key}.expires_soon_days"), "between 0 and 3650 days"));
    }
    if !(1..=5).contains(&t.liveness_actions) {
        return Err(invalid(format!("{key}.liveness_actions"), "between 1 and 5 actions"));
    }
    if !(30..=3600).contains(&t.liveness_challenge_ttl_secs) {
        return Err(invalid(
            format!("{key}.liveness_challenge_ttl_secs"),
            "between 30 and 3600 seconds",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_levels_load_and_l2_includes_l1() {
        let levels = Levels::shipped().unwrap();
        assert_eq!(levels.min_age, 18);
        let l2 = levels.get("L2").unwrap();
        assert!(l2.requires(Step::Liveness) && l2.runs(Check::Face));
        let held: Vec<_> = levels.held_with("L2").iter().map(|l| l.id.as_str()).collect();
        assert_eq!(held, ["L2", "L1"]);
        let entitlements = levels.entitlements("L2");
        assert_eq!(entitlements.get("futures"), Some(&Entitlement::Flag(true)));
        assert_eq!(
            levels.entitlements("L1").get("withdraw_daily_usd"),
            Some(&Entitlement::Limit(2000))
        );
    }

    fn error_of(text: &str) -> String {
        Levels::from_toml(text).unwrap_err().to_string()
    }

    #[test]
    fn bad_configurations_name_the_key() {
        let base = "[levels.L1]\nname='x'\nsteps=['basic_info']\nchecks=['data_match']\n";
        assert!(Levels::from_toml(base).is_ok());
        assert!(error_of(&format!("{base}includes='L9'")).contains("levels.L1.includes"));
        assert!(
            error_of("[levels.L1]\nname='x'\nsteps=['basic_info']\nchecks=['face']\n").contains("levels.L1.checks")
        );
        assert!(
            error_of(&format!("{base}[levels.L1.thresholds]\nface_match_max_distance=0.7\n"))
                .contains("levels.L1.thresholds.face_review_max_distance")
        );
        assert!(error_of(&format!("{base}[levels.L1.thresholds]\nface_match=0.7\n")).contains("face_match"));
        assert!(error_of("[levels.L1]\nname='x'\nsteps=['passport']\nchecks=[]\n").contains("passport"));
        let circle = "[levels.A]\nname='a'\nincludes='B'\nsteps=['basic_info']\nchecks=[]\n\
                      [levels.B]\nname='b'\nincludes='A'\nsteps=['basic_info']\nchecks=[]\n";
        assert!(error_of(circle).contains("circle"));
        assert!(error_of(&format!("min_age=0\n{base}")).contains("min_age"));
    }
}
