//! Frame sequences for the liveness check (issue 5): the pictures an applicant's phone
//! recorded during a challenge (blink, turn, nod), from a folder of images or a short video,
//! sampled at a target rate, within limits. Files in, [`FrameSequence`] out; no network, no
//! clock, no global state: the same input always gives the same frames.
//!
//! # Inputs
//!
//! - **A folder** ([`read_directory`]): JPEG, PNG and WebP files, recognised by their bytes
//!   (not their extensions), in file-name order, `1000 / fps` ms apart. Each image goes
//!   through `openkyc-intake` (its sniffing, header limits, EXIF orientation and
//!   downscaling), so frames are decoded with the same rules as every other upload; files
//!   that start like no image are skipped, an image the intake refuses is an error naming it.
//! - **A video** ([`read_video`], [`read_video_file`]): MP4 (ISO BMFF; a QuickTime MOV too)
//!   with H.264 (`avc1`) video, progressive (not fragmented). Anything else is refused by
//!   name before decoding: WebM/Matroska, AVI, MPEG-TS, raw H.264, still images, HEIC; and in
//!   an MP4 or MOV any other codec (`unsupported video codec hvc1`). Timestamps come from the
//!   track's timescale and composition offsets, counted from the first picture shown; edit
//!   lists are ignored (they only shift the whole track against the others, and the audio
//!   is not read). The track header's rotation (phones store portrait video as landscape plus
//!   a 90° matrix) and mirror are applied. Audio and other tracks are ignored. Every sample
//!   is decoded (pictures refer to earlier ones) except those no picture refers to that the
//!   sampler will not keep; only kept pictures are converted to RGB.
//!
//! - **Stills with their times** ([`read_stills`]): encoded images received one by one (a
//!   browser's capture), each with its millisecond time; sampled and decoded like a folder's.
//!
//! [`read_path`] takes either a folder or a video, by what the path is.
//!
//! # Limits ([`FrameLimits`])
//!
//! File size (64 MiB), duration (10 s: a longer sequence is refused from its header), frames
//! kept (80: decoding stops there), decoded picture side (1920: checked from the container's
//! sample entry and the H.264 sequence parameter set, or the image header, before any
//! decoding; larger is an error), pictures a source may declare (the duration at 240 fps, so
//! a track claiming millions of samples is refused before one is read), target rate (8 fps:
//! the first picture at or after each 1/8 s by its own timestamp, never more than the source
//! has) and the kept frames' longest side (960, downscaled; the face models work far below).
//! Every error is a [`FramesError`] with a stable [`code`](FramesError::code); no input
//! panics (third-party parsers and the decoder run inside `catch_unwind`).
//!
//! # Crates and licences
//!
//! `mp4` 0.14 (MIT) parses the boxes; the sample tables are laid out here (see `video`),
//! with every count bounded and every sample checked to lie in the file. `openh264` 0.9
//! (BSD-2-Clause) decodes H.264 with Cisco's OpenH264 (BSD-2-Clause), compiled from its
//! bundled C/C++ source by `cc` at build time (with `nasm` present, its x86 assembly too):
//! no binary is downloaded. Cisco pays the H.264 patent royalties only for the binaries it
//! distributes itself, not for builds from source. Images are decoded by `openkyc-intake`
//! and the `image` crate (MIT/Apache-2.0).

mod directory;
mod error;
mod limits;
mod picture;
mod sampling;
mod stills;
mod video;

use std::path::Path;

use image::RgbImage;

pub use directory::read_directory;
pub use error::FramesError;
pub use limits::{FrameLimits, MAX_SOURCE_FPS};
pub use picture::DisplayTransform;
pub use stills::read_stills;
pub use video::read_video;

/// A picture of the sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// When it is shown, in milliseconds from the first picture of the source.
    pub t_ms: u32,
    /// The picture upright, its longest side at most [`FrameLimits::max_side`].
    pub image: RgbImage,
    /// Its position among the source's pictures in display order (video) or among the
    /// folder's images in name order, from 0.
    pub source_index: usize,
}

/// The frames kept, in time order, and what the source was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameSequence {
    /// Kept frames, `t_ms` increasing.
    pub frames: Vec<Frame>,
    /// The source they came from.
    pub source: SourceInfo,
}

/// What a sequence was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceInfo {
    /// A folder or a video.
    pub kind: SourceKind,
    /// Width of the source's pictures as shown (after rotation), before downscaling; for a
    /// folder, the first kept image's.
    pub width: u32,
    /// Height as shown.
    pub height: u32,
    /// Pictures in the source: video samples, or image files in the folder.
    pub pictures: usize,
    /// Length of the source in milliseconds.
    pub duration_ms: u64,
    /// The rotation and mirror applied to a video's pictures (none for a folder).
    pub transform: DisplayTransform,
}

/// The kind of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A folder of images, or stills uploaded with their times ([`read_stills`]).
    Directory,
    /// An MP4 (or MOV) file with H.264 video.
    Mp4H264,
}

/// Reads a video file (after checking its size, so a huge file is refused unread) with
/// [`read_video`].
pub fn read_video_file(path: &Path, limits: &FrameLimits) -> Result<FrameSequence, FramesError> {
    let bytes = directory::read_file(path, limits)?;
    read_video(&bytes, limits)
}

/// Reads a folder (with [`read_directory`] at `fps`) or a video file (with
/// [`read_video_file`]; `fps` is then unused: the video's own timestamps count).
pub fn read_path(path: &Path, fps: u32, limits: &FrameLimits) -> Result<FrameSequence, FramesError> {
    let meta = std::fs::metadata(path).map_err(|error| directory::io_error(path, &error))?;
    if meta.is_dir() {
        read_directory(path, fps, limits)
    } else {
        read_video_file(path, limits)
    }
}
