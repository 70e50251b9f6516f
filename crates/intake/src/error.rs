//! Why an upload could not be taken in.

use serde::Serialize;

use crate::ImageFormat;

/// Why [`crate::intake`] refused an upload. Every variant has a stable snake_case
/// [`code`](IntakeError::code); serialized as `{"code": "...", ...fields}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum IntakeError {
    /// The upload has no bytes at all.
    #[error("the file is empty")]
    Empty,
    /// The upload is larger than `IntakeLimits::max_bytes`.
    #[error("the file is {byte_len} bytes; at most {max_bytes} are accepted")]
    TooLarge {
        /// Size of the upload.
        byte_len: usize,
        /// The limit in force.
        max_bytes: usize,
    },
    /// The header declares more pixels than `IntakeLimits::max_pixels`.
    #[error("the image is {width}×{height} pixels; at most {max_pixels} pixels are accepted")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit in force.
        max_pixels: u64,
    },
    /// One side is longer than `IntakeLimits::max_dimension`.
    #[error("the image is {width}×{height} pixels; no side may exceed {max_dimension} pixels")]
    DimensionTooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit in force.
        max_dimension: u32,
    },
    /// Decoding would need more memory than `IntakeLimits::max_decoded_bytes`.
    #[error("decoding the image would need {needed_bytes} bytes of memory; at most {max_bytes} are allowed")]
    MemoryLimit {
        /// Bytes the decoded pixels would take.
        needed_bytes: u64,
        /// The limit in force.
        max_bytes: u64,
    },
    /// The bytes are not a known image format.
    #[error("the file is not a JPEG, PNG or WebP image")]
    UnknownFormat,
    /// A recognised format that openkyc does not accept (HEIC, AVIF, GIF, BMP, TIFF, PDF, …)
    /// or a feature of an accepted format that the decoders do not handle.
    #[error("{message}")]
    Unsupported {
        /// What was recognised, e.g. `"heic"`, `"gif"`, `"jpeg (arithmetic coding)"`.
        format: String,
        /// What the applicant can do, in plain words.
        message: String,
    },
    /// An animated image (animated WebP or APNG): not a photo of a document.
    #[error("the {format} image is animated; please send a single photo")]
    Animated {
        /// The container format.
        format: ImageFormat,
    },
    /// The file ends before the image data does (an interrupted upload or copy).
    #[error("the {format} file is cut off: {message}")]
    Truncated {
        /// The container format.
        format: ImageFormat,
        /// What is missing.
        message: String,
    },
    /// The image data is malformed.
    #[error("the {format} file is damaged: {message}")]
    Corrupt {
        /// The container format.
        format: ImageFormat,
        /// What the parser or decoder found.
        message: String,
    },
}

impl IntakeError {
    /// Stable snake_case code of this error: an API, codes are added, never renamed.
    pub fn code(&self) -> &'static str {
        match self {
            IntakeError::Empty => "empty",
            IntakeError::TooLarge { .. } => "too_large",
            IntakeError::TooManyPixels { .. } => "too_many_pixels",
            IntakeError::DimensionTooLarge { .. } => "dimension_too_large",
            IntakeError::MemoryLimit { .. } => "memory_limit",
            IntakeError::UnknownFormat => "unknown_format",
            IntakeError::Unsupported { .. } => "unsupported",
            IntakeError::Animated { .. } => "animated",
            IntakeError::Truncated { .. } => "truncated",
            IntakeError::Corrupt { .. } => "corrupt",
        }
    }

    pub(crate) fn corrupt(format: ImageFormat, message: impl Into<String>) -> Self {
        IntakeError::Corrupt {
            format,
            message: message.into(),
        }
    }

    pub(crate) fn truncated(format: ImageFormat, message: impl Into<String>) -> Self {
        IntakeError::Truncated {
            format,
            message: message.into(),
        }
    }

    pub(crate) fn unsupported(format: impl Into<String>, message: impl Into<String>) -> Self {
        IntakeError::Unsupported {
            format: format.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_matches_serialized_tag() {
        let errors = [
            IntakeError::Empty,
            IntakeError::TooLarge {
                byte_len: 2,
                max_bytes: 1,
            },
            IntakeError::TooManyPixels {
                width: 1,
                height: 1,
                max_pixels: 0,
            },
            IntakeError::DimensionTooLarge {
                width: 1,
                height: 1,
                max_dimension: 0,
            },
            IntakeError::MemoryLimit {
                needed_bytes: 2,
                max_bytes: 1,
            },
            IntakeError::UnknownFormat,
            IntakeError::unsupported("gif", "no"),
            IntakeError::Animated {
                format: ImageFormat::Webp,
            },
            IntakeError::truncated(ImageFormat::Png, "x"),
            IntakeError::corrupt(ImageFormat::Jpeg, "x"),
        ];
        for error in errors {
            let json = serde_json::to_value(&error).unwrap_or_default();
            assert_eq!(json["code"], error.code(), "{error:?}");
        }
    }

    #[test]
    fn messages_name_the_format() {
        let error = IntakeError::Animated {
            format: ImageFormat::Webp,
        };
        assert_eq!(
            error.to_string(),
            "the webp image is animated; please send a single photo"
        );
    }
}
