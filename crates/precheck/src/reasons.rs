//! Reason codes: stable identifiers for what is wrong with a photo. They are
//! an API (operators map them, the web page localises them): add codes,
//! never rename them.

use serde::Serialize;

/// Why a photo fails the precheck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    /// No document-shaped quadrilateral in the photo.
    DocNotFound,
    /// The document touches or leaves the frame.
    DocCornersCut,
    /// The document covers too little of the frame.
    DocTooSmall,
    /// Too few pixels on the document for reading.
    DocLowResolution,
    /// Perspective too steep.
    DocTilted,
    /// Focus or motion blur.
    DocBlurry,
    /// Specular highlights over the document.
    DocGlare,
    /// Underexposed.
    DocTooDark,
    /// Overexposed.
    DocOverexposed,
    /// Editing software or other signs of a re-saved image.
    DocEdited,
    /// Screen-capture traits.
    DocScreenshot,
    /// A photo of a display.
    DocScreenPhoto,
}

impl ReasonCode {
    /// Every code, in the order reasons are shown: what to fix first first
    /// (framing before focus before lighting before provenance).
    pub const ALL: [ReasonCode; 12] = [
        ReasonCode::DocNotFound,
        ReasonCode::DocCornersCut,
        ReasonCode::DocTooSmall,
        ReasonCode::DocLowResolution,
        ReasonCode::DocTilted,
        ReasonCode::DocBlurry,
        ReasonCode::DocGlare,
        ReasonCode::DocTooDark,
        ReasonCode::DocOverexposed,
        ReasonCode::DocEdited,
        ReasonCode::DocScreenshot,
        ReasonCode::DocScreenPhoto,
    ];

    /// The code as it appears in JSON (`DOC_GLARE`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::DocNotFound => "DOC_NOT_FOUND",
            ReasonCode::DocCornersCut => "DOC_CORNERS_CUT",
            ReasonCode::DocTooSmall => "DOC_TOO_SMALL",
            ReasonCode::DocLowResolution => "DOC_LOW_RESOLUTION",
            ReasonCode::DocTilted => "DOC_TILTED",
            ReasonCode::DocBlurry => "DOC_BLURRY",
            ReasonCode::DocGlare => "DOC_GLARE",
            ReasonCode::DocTooDark => "DOC_TOO_DARK",
            ReasonCode::DocOverexposed => "DOC_OVEREXPOSED",
            ReasonCode::DocEdited => "DOC_EDITED",
            ReasonCode::DocScreenshot => "DOC_SCREENSHOT",
            ReasonCode::DocScreenPhoto => "DOC_SCREEN_PHOTO",
        }
    }

    /// Parses `DOC_GLARE`-style codes.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_as_str_agree_and_round_trip() {
        for code in ReasonCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(ReasonCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ReasonCode::parse("DOC_NOPE"), None);
    }
}
