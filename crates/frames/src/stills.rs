//! Still pictures received with their own timestamps (a browser's capture
//! uploaded frame by frame) as a frame sequence.

use openkyc_intake::intake;

use crate::directory::intake_limits;
use crate::picture::DisplayTransform;
use crate::sampling::RateSampler;
use crate::{Frame, FrameLimits, FrameSequence, FramesError, SourceInfo, SourceKind};

/// Reads encoded stills (JPEG, PNG or WebP bytes), each with its time in milliseconds from the
/// recording's start, as a sequence: the same limits and sampling as a folder or a video
/// (the first still at or after each 1/[`FrameLimits::target_fps`] slot is kept and decoded,
/// the others are not), each kept still through `openkyc-intake`. The times must increase:
/// a sequence that goes back in time cannot be sampled, and is refused rather than reordered
/// (reordering would hide a replay). Pictures count against
/// [`FrameLimits::max_source_pictures`], the last time against the duration limit.
pub fn read_stills(stills: &[(u32, &[u8])], limits: &FrameLimits) -> Result<FrameSequence, FramesError> {
    limits.check()?;
    let count = stills.len() as u64;
    if count > limits.max_source_pictures() {
        return Err(FramesError::TooManyPictures {
            what: "upload",
            count,
            max: limits.max_source_pictures(),
        });
    }
    let (Some(&(first_ms, _)), Some(&(last_ms, _))) = (stills.first(), stills.last()) else {
        return Err(FramesError::NoFrames {
            what: "no still was uploaded".into(),
        });
    };
    if stills.windows(2).any(|pair| pair[1].0 <= pair[0].0) {
        return Err(FramesError::InvalidArgument {
            message: "the stills' times must increase".into(),
        });
    }
    let duration_ms = u64::from(last_ms - first_ms);
    limits.check_duration(duration_ms)?;
    let mut sampler = RateSampler::new(limits.target_fps, 1000);
    let intake_limits = intake_limits(limits);
    let mut frames = Vec::new();
    let mut size = None;
    for (index, &(t_ms, bytes)) in stills.iter().enumerate() {
        if frames.len() >= limits.max_frames {
            break;
        }
        let since_start = t_ms - first_ms;
        if !sampler.keep(u64::from(since_start)) {
            continue;
        }
        limits.check_file_len(bytes.len() as u64)?;
        let taken = intake(bytes, &intake_limits).map_err(|source| FramesError::Image {
            file: format!("still {index}"),
            source,
        })?;
        size.get_or_insert((taken.width, taken.height));
        frames.push(Frame {
            t_ms: since_start,
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
            pictures: stills.len(),
            duration_ms,
            transform: DisplayTransform::default(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn png(shade: u8) -> Vec<u8> {
        let image = RgbImage::from_pixel(64, 48, Rgb([shade, shade, shade]));
        let mut bytes = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn stills_are_sampled_by_their_own_times_from_the_first() {
        let picture = png(120);
        // 20 fps for one second, starting at 1000 ms: 8 fps keeps one a slot.
        let stills: Vec<(u32, &[u8])> = (0..20).map(|i| (1000 + i * 50, picture.as_slice())).collect();
        let sequence = read_stills(&stills, &FrameLimits::default()).unwrap();
        let times: Vec<u32> = sequence.frames.iter().map(|f| f.t_ms).collect();
        assert_eq!(times, [0, 150, 250, 400, 500, 650, 750, 900]);
        assert_eq!(sequence.source.kind, SourceKind::Directory);
        assert_eq!(sequence.source.duration_ms, 950);
        assert_eq!((sequence.source.width, sequence.source.height), (64, 48));
    }

    #[test]
    fn empty_backwards_long_or_undecodable_sequences_are_refused() {
        let picture = png(10);
        let limits = FrameLimits::default();
        assert_eq!(read_stills(&[], &limits).unwrap_err().code(), "no_frames");
        let backwards = [(100, picture.as_slice()), (50, picture.as_slice())];
        assert_eq!(read_stills(&backwards, &limits).unwrap_err().code(), "invalid_argument");
        let long = [(0, picture.as_slice()), (60_000, picture.as_slice())];
        assert_eq!(read_stills(&long, &limits).unwrap_err().code(), "too_long");
        let broken: &[u8] = b"\x89PNG\r\n\x1a\nbroken";
        assert_eq!(read_stills(&[(0, broken)], &limits).unwrap_err().code(), "image");
    }
}
