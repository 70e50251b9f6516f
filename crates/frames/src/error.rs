//! Why a frame sequence could not be read.

use std::path::PathBuf;

use openkyc_intake::IntakeError;

/// Why a folder of images or a video could not be turned into frames. Every variant has a
/// stable snake_case [`code`](FramesError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramesError {
    /// The path does not exist.
    #[error("{} not found", path.display())]
    NotFound {
        /// The path asked for.
        path: PathBuf,
    },
    /// The path exists but could not be read (permissions, not a file or folder, …).
    #[error("{} could not be read: {message}", path.display())]
    Unreadable {
        /// The path that failed.
        path: PathBuf,
        /// What the operating system said.
        message: String,
    },
    /// A given argument or limit makes no sense (a frame rate of zero).
    #[error("invalid argument: {message}")]
    InvalidArgument {
        /// What is wrong.
        message: String,
    },
    /// The video file has no bytes.
    #[error("the video file is empty")]
    Empty,
    /// The file is larger than `FrameLimits::max_file_bytes`.
    #[error("the file is {byte_len} bytes; at most {max_bytes} are accepted")]
    FileTooLarge {
        /// Size of the file.
        byte_len: u64,
        /// The limit in force.
        max_bytes: u64,
    },
    /// The video's pictures are larger than `FrameLimits::max_decoded_side` (from the
    /// container or the H.264 sequence parameter set, before anything is decoded).
    #[error("the video is {width}×{height} pixels; no side may exceed {max_side} pixels (record at 1080p or less)")]
    DimensionsTooLarge {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
        /// The limit in force.
        max_side: u32,
    },
    /// The sequence lasts longer than `FrameLimits::max_duration_ms`.
    #[error("the sequence lasts {duration_ms} ms; at most {max_ms} ms are accepted")]
    TooLong {
        /// Declared length of the sequence.
        duration_ms: u64,
        /// The limit in force.
        max_ms: u32,
    },
    /// More pictures (video samples or image files) than any accepted sequence can hold:
    /// refused before any is read.
    #[error("the {what} holds {count} pictures or files; at most {max} are accepted")]
    TooManyPictures {
        /// What was counted: "video track" or "folder".
        what: &'static str,
        /// How many were declared or found.
        count: u64,
        /// The limit in force (`FrameLimits::max_source_pictures`).
        max: u64,
    },
    /// A container openkyc does not read (WebM, AVI, a still image, fragmented MP4, …).
    #[error("unsupported format: {format}; send an MP4 (H.264) video or a folder of JPEG/PNG/WebP images")]
    UnsupportedFormat {
        /// What was recognised, e.g. `"webm/matroska"`.
        format: String,
    },
    /// An MP4 or MOV whose video track is not H.264 (`avc1`).
    #[error("unsupported video codec {codec}; only H.264 (avc1) is read")]
    UnsupportedCodec {
        /// The sample entry's four-character code, e.g. `"hvc1"`.
        codec: String,
    },
    /// The bytes are no video format openkyc knows.
    #[error("the file is not a video openkyc recognises")]
    UnknownFormat,
    /// The file is damaged or inconsistent.
    #[error("the video is damaged: {what}")]
    Corrupt {
        /// What the parser or decoder found.
        what: String,
    },
    /// An image of a folder was refused by the intake.
    #[error("{file}: {source}")]
    Image {
        /// The file's name inside the folder.
        file: String,
        /// Why the intake refused it.
        source: IntakeError,
    },
    /// Nothing to analyse: no image in the folder, no video track, no decodable picture.
    #[error("no frames: {what}")]
    NoFrames {
        /// What was missing.
        what: String,
    },
}

impl FramesError {
    /// Stable snake_case code of this error: an API, codes are added, never renamed.
    pub fn code(&self) -> &'static str {
        match self {
            FramesError::NotFound { .. } => "not_found",
            FramesError::Unreadable { .. } => "unreadable",
            FramesError::InvalidArgument { .. } => "invalid_argument",
            FramesError::Empty => "empty",
            FramesError::FileTooLarge { .. } => "file_too_large",
            FramesError::DimensionsTooLarge { .. } => "dimensions_too_large",
            FramesError::TooLong { .. } => "too_long",
            FramesError::TooManyPictures { .. } => "too_many_pictures",
            FramesError::UnsupportedFormat { .. } => "unsupported_format",
            FramesError::UnsupportedCodec { .. } => "unsupported_codec",
            FramesError::UnknownFormat => "unknown_format",
            FramesError::Corrupt { .. } => "corrupt",
            FramesError::Image { .. } => "image",
            FramesError::NoFrames { .. } => "no_frames",
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>) -> Self {
        FramesError::Corrupt { what: what.into() }
    }
}
