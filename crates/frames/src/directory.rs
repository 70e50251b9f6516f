//! A folder of images as a frame sequence.

use std::ffi::OsString;
use std::fs;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use openkyc_intake::{intake, IntakeError, IntakeLimits};

use crate::picture::DisplayTransform;
use crate::sampling::RateSampler;
use crate::{Frame, FrameLimits, FrameSequence, FramesError, SourceInfo, SourceKind};

/// Bytes read from each file to tell whether it is an image at all.
const SNIFF_BYTES: u64 = 64;

/// Reads the images of a folder as frames `1000 / fps` ms apart, in the order of their file
/// names (byte order: name them with zero-padded numbers, as video tools write them). A file
/// is an image by its bytes, whatever its extension: one that starts like no image format is
/// skipped (a stray text file), one that starts like an image is decoded by
/// `openkyc-intake` (format sniffing, header limits, EXIF orientation, downscaling) and any
/// refusal there is an error naming the file. The images are sampled at
/// [`FrameLimits::target_fps`] like a video's frames, and only the kept ones are decoded;
/// reading stops at [`FrameLimits::max_frames`].
pub fn read_directory(dir: &Path, fps: u32, limits: &FrameLimits) -> Result<FrameSequence, FramesError> {
    limits.check()?;
    if fps == 0 {
        return Err(FramesError::InvalidArgument {
            message: "the folder's frame rate must be at least 1".into(),
        });
    }
    let files = list_files(dir, limits)?;
    let mut images = Vec::new();
    for (name, path) in files {
        if looks_like_image(&path)? {
            images.push((name, path));
        }
    }
    if images.is_empty() {
        return Err(FramesError::NoFrames {
            what: format!("no image in {}", dir.display()),
        });
    }
    let duration_ms = images.len() as u64 * 1000 / u64::from(fps);
    limits.check_duration(duration_ms)?;
    let mut sampler = RateSampler::new(limits.target_fps, fps);
    let mut frames = Vec::new();
    let intake_limits = intake_limits(limits);
    let mut size = None;
    for (index, (name, path)) in images.iter().enumerate() {
        if frames.len() >= limits.max_frames {
            break;
        }
        let ticks = index as u64;
        if !sampler.keep(ticks) {
            continue;
        }
        let bytes = read_file(path, limits)?;
        let taken = intake(&bytes, &intake_limits).map_err(|source| FramesError::Image {
            file: name.to_string_lossy().into_owned(),
            source,
        })?;
        size.get_or_insert((taken.width, taken.height));
        frames.push(Frame {
            t_ms: u32::try_from(ticks * 1000 / u64::from(fps)).unwrap_or(u32::MAX),
            image: taken.working,
            source_index: index,
        });
    }
    let (width, height) = size.unwrap_or_default();
    Ok(FrameSequence {
        frames,
        source: SourceInfo {
            kind: SourceKind::Directory,
            width,
            height,
            pictures: images.len(),
            duration_ms,
            transform: DisplayTransform::default(),
        },
    })
}

/// The intake's limits for frames: the file size, the decoded side (as a square, so either
/// orientation fits) and the kept frame's side; no detail patch is needed.
pub(crate) fn intake_limits(limits: &FrameLimits) -> IntakeLimits {
    let side = limits.max_decoded_side;
    IntakeLimits {
        max_bytes: usize::try_from(limits.max_file_bytes).unwrap_or(usize::MAX),
        max_pixels: u64::from(side) * u64::from(side),
        max_dimension: side,
        working_max_side: limits.max_side,
        detail_max_side: 1,
        ..IntakeLimits::default()
    }
}

/// The regular files of `dir` (symbolic links followed), sorted by name. More entries than
/// any accepted sequence can hold is an error before any is sorted or read.
fn list_files(dir: &Path, limits: &FrameLimits) -> Result<Vec<(OsString, PathBuf)>, FramesError> {
    let entries = fs::read_dir(dir).map_err(|error| io_error(dir, &error))?;
    let max_entries = limits.max_source_pictures();
    let mut files = Vec::new();
    let mut seen: u64 = 0;
    for entry in entries {
        seen += 1;
        if seen > max_entries {
            return Err(FramesError::TooManyPictures {
                what: "folder",
                count: seen,
                max: max_entries,
            });
        }
        let entry = entry.map_err(|error| io_error(dir, &error))?;
        let path = entry.path();
        if fs::metadata(&path).is_ok_and(|meta| meta.is_file()) {
            files.push((entry.file_name(), path));
        }
    }
    files.sort();
    Ok(files)
}

/// Whether the file starts like an image the intake recognises (accepted or refused by
/// name, e.g. HEIC): the intake run on the first bytes tells, without reading the rest.
fn looks_like_image(path: &Path) -> Result<bool, FramesError> {
    let file = fs::File::open(path).map_err(|error| io_error(path, &error))?;
    let mut head = Vec::new();
    file.take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(|error| io_error(path, &error))?;
    Ok(!matches!(
        intake(&head, &IntakeLimits::default()),
        Err(IntakeError::Empty | IntakeError::UnknownFormat)
    ))
}

/// Reads a whole file after checking its size, so a huge file is refused unread.
pub(crate) fn read_file(path: &Path, limits: &FrameLimits) -> Result<Vec<u8>, FramesError> {
    let meta = fs::metadata(path).map_err(|error| io_error(path, &error))?;
    limits.check_file_len(meta.len())?;
    let file = fs::File::open(path).map_err(|error| io_error(path, &error))?;
    let mut bytes = Vec::new();
    // One byte more than allowed: a file that grew since the size check is still caught.
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| io_error(path, &error))?;
    limits.check_file_len(bytes.len() as u64)?;
    Ok(bytes)
}

pub(crate) fn io_error(path: &Path, error: &std::io::Error) -> FramesError {
    if error.kind() == ErrorKind::NotFound {
        FramesError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        FramesError::Unreadable {
            path: path.to_path_buf(),
            message: error.to_string(),
        }
    }
}
