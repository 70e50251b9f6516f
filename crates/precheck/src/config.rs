//! Every threshold of the precheck, from one TOML file. The defaults are
//! `config/precheck.toml` at the repository root, compiled in; an operator's
//! own file must give every key (unknown or missing keys are an error, so a
//! typo never silently falls back to a default).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The default configuration file, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../../../config/precheck.toml");

/// All precheck settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecheckConfig {
    /// Upload limits and the working copy.
    pub intake: IntakeConfig,
    /// Finding and framing the document.
    pub document: DocumentConfig,
    /// Pixel quality of the document.
    pub quality: QualityConfig,
    /// Provenance signs from metadata.
    pub metadata: MetadataConfig,
}

/// Upload limits (see `openkyc_intake::IntakeLimits`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeConfig {
    /// Largest upload in bytes.
    pub max_bytes: usize,
    /// Largest width × height, checked from the header before decoding.
    pub max_pixels: u64,
    /// Largest width or height.
    pub max_dimension: u32,
    /// Long side of the working copy.
    pub working_max_side: u32,
}

/// Thresholds on the document's geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    /// `DOC_NOT_FOUND` below this detection confidence.
    pub min_confidence: f32,
    /// `DOC_CORNERS_CUT` margin, as a fraction of the frame's short side.
    pub edge_margin: f32,
    /// `DOC_TOO_SMALL` below this fraction of the frame.
    pub min_area_fraction: f32,
    /// `DOC_LOW_RESOLUTION` below this many original pixels across the document.
    pub min_width_px: f32,
    /// `DOC_TILTED` above this keystone ratio.
    pub max_keystone: f32,
    /// `DOC_TILTED` above this corner-angle deviation, in degrees.
    pub max_corner_angle_deviation_deg: f32,
    /// Widest rectified crop the quality checks measure: a document 1–1.3 ×
    /// as wide as the analysis image is rectified straight to the analysis
    /// size; any other at its own width, up to this, and then resampled.
    pub rectified_width: u32,
}

/// Thresholds on pixel quality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityConfig {
    /// `DOC_BLURRY` below this sharpness.
    pub min_sharpness: f32,
    /// `DOC_GLARE` above this fraction of the document.
    pub max_glare_fraction: f32,
    /// `DOC_TOO_DARK` below this mean luminance.
    pub min_mean_luminance: f32,
    /// `DOC_OVEREXPOSED` above this mean luminance.
    pub max_mean_luminance: f32,
    /// `DOC_OVEREXPOSED` also when the whole photo's mean luminance is above
    /// this: a blown-out frame, whatever part of it was taken for the
    /// document (white card on a white table leaves no outline to find).
    pub max_photo_mean_luminance: f32,
    /// `DOC_SCREEN_PHOTO` above this screen-pattern score.
    pub max_screen_score: f32,
}

/// Provenance signs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataConfig {
    /// Editor names, matched case-insensitively as substrings.
    pub editing_software: Vec<String>,
    /// `DOC_EDITED` above this score.
    pub max_edited_score: f32,
    /// Phone screen sizes `[width, height]`, either orientation.
    pub phone_screen_sizes: Vec<[u32; 2]>,
    /// Desktop screen sizes, either orientation.
    pub desktop_screen_sizes: Vec<[u32; 2]>,
    /// `DOC_SCREENSHOT` above this score.
    pub max_screenshot_score: f32,
}

/// A configuration file that cannot be used.
#[derive(Debug, Error)]
#[error("invalid precheck configuration: {0}")]
pub struct ConfigError(String);

impl PrecheckConfig {
    /// Parses a complete configuration file.
    ///
    /// # Errors
    /// [`ConfigError`] for TOML syntax errors, unknown or missing keys, and
    /// values out of range.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: Self = toml::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let fractions = [
            ("document.edge_margin", self.document.edge_margin),
            ("document.min_area_fraction", self.document.min_area_fraction),
            ("document.min_confidence", self.document.min_confidence),
            ("quality.max_glare_fraction", self.quality.max_glare_fraction),
        ];
        for (name, value) in fractions {
            if !(0.0..=1.0).contains(&value) {
                return Err(ConfigError(format!("{name} must be between 0 and 1, not {value}")));
            }
        }
        if self.intake.working_max_side < 64 || self.document.rectified_width < 64 {
            return Err(ConfigError(
                "working_max_side and rectified_width must be at least 64".into(),
            ));
        }
        if !(0.0..=255.0).contains(&self.quality.max_photo_mean_luminance) {
            return Err(ConfigError(
                "quality.max_photo_mean_luminance must be between 0 and 255".into(),
            ));
        }
        if self.quality.min_mean_luminance >= self.quality.max_mean_luminance {
            return Err(ConfigError(
                "quality.min_mean_luminance must be below max_mean_luminance".into(),
            ));
        }
        Ok(())
    }
}

impl PrecheckConfig {
    /// The shipped `config/precheck.toml`.
    ///
    /// # Errors
    /// Only if the shipped file were broken, which a unit test rules out.
    pub fn shipped() -> Result<Self, ConfigError> {
        Self::from_toml(DEFAULT_TOML)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses() {
        let config = PrecheckConfig::from_toml(DEFAULT_TOML).unwrap();
        assert!(config.metadata.editing_software.iter().any(|s| s == "photoshop"));
        assert_eq!(PrecheckConfig::shipped().unwrap(), config);
    }

    #[test]
    fn typos_and_missing_keys_are_errors() {
        let typo = DEFAULT_TOML.replace("max_glare_fraction", "max_glare_fractoin");
        assert!(PrecheckConfig::from_toml(&typo).is_err());
        let missing = DEFAULT_TOML.replace("min_width_px = 600", "");
        assert!(PrecheckConfig::from_toml(&missing).is_err());
    }

    #[test]
    fn out_of_range_values_are_errors() {
        let bad = DEFAULT_TOML.replace("max_glare_fraction = 0.01", "max_glare_fraction = 2.0");
        let error = PrecheckConfig::from_toml(&bad).unwrap_err().to_string();
        assert!(error.contains("max_glare_fraction"), "{error}");
    }
}
