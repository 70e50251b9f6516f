//! Decoding the samples with OpenH264 and keeping the pictures the sampler picks.

use image::RgbImage;
use openh264::decoder::{DecodedYUV, Decoder, DecoderConfig, Flush};
use openh264::formats::YUVSource;
use openh264::OpenH264API;

use super::samples::SampleTable;
use super::{check_sps, VideoTrack};
use crate::picture::downscale;
use crate::sampling::{ticks_to_ms, RateSampler};
use crate::{Frame, FrameLimits, FramesError};

/// NAL unit type of a sequence parameter set.
const NAL_SPS: u8 = 7;

/// Decodes the samples in order until the kept frames reach `max_frames` or the samples run
/// out, and converts only the kept pictures to RGB. Pictures refer to earlier ones, so every
/// sample is decoded except, with `skip_disposable`, those no picture refers to (every slice's
/// `nal_ref_idc` is 0: the B-frames of most software encoders, half the samples of the
/// fixture clips) that the sampler will not keep.
pub(super) fn decode(
    bytes: &[u8],
    track: &VideoTrack,
    table: &SampleTable,
    limits: &FrameLimits,
    skip_disposable: bool,
) -> Result<Vec<Frame>, FramesError> {
    // No flush after each packet: with B-frames the decoder holds pictures back to put them
    // in display order, and a forced flush would hand them out early, out of order.
    let config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
    let mut decoder = Decoder::with_api_config(OpenH264API::from_source(), config)
        .map_err(|error| FramesError::corrupt(format!("the H.264 decoder could not start: {error}")))?;
    let kept_times = planned_times(table, track, limits);
    let fed: Vec<bool> = table
        .samples
        .iter()
        .map(|sample| {
            let disposable = || {
                sample_bytes(bytes, sample.offset, sample.size)
                    .is_some_and(|data| is_disposable(data, track.nal_length_size))
            };
            !(skip_disposable && kept_times.binary_search(&sample.presentation).is_err() && disposable())
        })
        .collect();
    let fed_times = table
        .samples
        .iter()
        .zip(&fed)
        .filter(|(_, &fed)| fed)
        .map(|(sample, _)| sample.presentation)
        .collect();
    let mut keeper = Keeper::new(track, fed_times, all_times(table), limits);
    let mut packet = Vec::new();
    for sps in &track.sequence_parameter_sets {
        push_nal(&mut packet, sps);
    }
    for pps in &track.picture_parameter_sets {
        push_nal(&mut packet, pps);
    }
    for (index, (sample, &fed)) in table.samples.iter().zip(&fed).enumerate() {
        if keeper.is_full() {
            return Ok(keeper.frames);
        }
        if !fed {
            continue;
        }
        let data = sample_bytes(bytes, sample.offset, sample.size)
            .ok_or_else(|| FramesError::corrupt(format!("sample {} lies outside the file", index + 1)))?;
        length_prefixed_to_annex_b(data, track.nal_length_size, &mut packet, |nal| {
            if nal.first().is_some_and(|header| header & 0x1F == NAL_SPS) {
                check_sps(nal, limits)?;
            }
            Ok(())
        })?;
        if packet.is_empty() {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(Some(picture)) => keeper.offer(&picture)?,
            Ok(None) => {}
            Err(error) => {
                return Err(FramesError::corrupt(format!("H.264 sample {}: {error}", index + 1)));
            }
        }
        packet.clear();
    }
    let remaining = decoder
        .flush_remaining()
        .map_err(|error| FramesError::corrupt(format!("H.264 end of stream: {error}")))?;
    for picture in &remaining {
        if keeper.is_full() {
            break;
        }
        keeper.offer(picture)?;
    }
    Ok(keeper.frames)
}

fn sample_bytes(bytes: &[u8], offset: usize, size: usize) -> Option<&[u8]> {
    bytes.get(offset..offset.checked_add(size)?)
}

/// The presentation times the sampler will keep (sorted), found before decoding so that the
/// disposable samples not among them can be left out.
fn planned_times(table: &SampleTable, track: &VideoTrack, limits: &FrameLimits) -> Vec<i64> {
    let times = all_times(table);
    let first = times.first().copied().unwrap_or(0);
    let mut sampler = RateSampler::new(limits.target_fps, track.timescale);
    times
        .into_iter()
        .filter(|&time| sampler.keep(u64::try_from(time.saturating_sub(first)).unwrap_or(0)))
        .take(limits.max_frames)
        .collect()
}

/// The presentation times of all samples, sorted: display order.
fn all_times(table: &SampleTable) -> Vec<i64> {
    let mut times: Vec<i64> = table.samples.iter().map(|sample| sample.presentation).collect();
    times.sort_unstable();
    times
}

/// Whether no picture refers to this sample's: it has slices (NAL types 1–5) and all have
/// `nal_ref_idc` 0. A malformed sample is not disposable (decoding it reports the damage).
fn is_disposable(sample: &[u8], length_size: usize) -> bool {
    let mut rest = sample;
    let mut has_slices = false;
    while !rest.is_empty() {
        let Some((prefix, body)) = rest.split_at_checked(length_size) else {
            return false;
        };
        let length = prefix.iter().fold(0usize, |acc, &byte| (acc << 8) | usize::from(byte));
        let Some((nal, after)) = body.split_at_checked(length) else {
            return false;
        };
        if let Some(&header) = nal.first() {
            if (1..=5).contains(&(header & 0x1F)) {
                has_slices = true;
                if header & 0x60 != 0 {
                    return false;
                }
            }
        }
        rest = after;
    }
    has_slices
}

/// Gives the decoder's pictures (in display order) their presentation times and keeps those
/// the sampler picks, downscaled and upright.
struct Keeper<'a> {
    /// Presentation times of the samples fed to the decoder, sorted: the n-th picture out is
    /// shown at the n-th.
    /// (OpenH264 hands out no timestamp of its own for a packet, and edit lists are ignored:
    /// the first picture shown is at 0 ms.)
    display_times: Vec<i64>,
    /// Presentation times of all samples, sorted: a picture's position in the source.
    source_times: Vec<i64>,
    pictures_seen: usize,
    sampler: RateSampler,
    track: &'a VideoTrack,
    limits: &'a FrameLimits,
    frames: Vec<Frame>,
}

impl<'a> Keeper<'a> {
    fn new(
        track: &'a VideoTrack,
        mut display_times: Vec<i64>,
        source_times: Vec<i64>,
        limits: &'a FrameLimits,
    ) -> Self {
        display_times.sort_unstable();
        Keeper {
            display_times,
            source_times,
            pictures_seen: 0,
            sampler: RateSampler::new(limits.target_fps, track.timescale),
            track,
            limits,
            frames: Vec::new(),
        }
    }

    fn is_full(&self) -> bool {
        self.frames.len() >= self.limits.max_frames
    }

    fn offer(&mut self, picture: &DecodedYUV<'_>) -> Result<(), FramesError> {
        let index = self.pictures_seen;
        self.pictures_seen += 1;
        let first = self.source_times.first().copied().unwrap_or(0);
        // A decoder handing out more pictures than there are samples: the extras have no time.
        let Some(&time) = self.display_times.get(index) else {
            return Ok(());
        };
        let source_index = self.source_times.partition_point(|&earlier| earlier < time);
        let ticks = u64::try_from(time.saturating_sub(first)).unwrap_or(0);
        if self.is_full() || !self.sampler.keep(ticks) {
            return Ok(());
        }
        let image = to_rgb(picture, self.limits)?;
        let image = self.track.transform.apply(downscale(image, self.limits.max_side));
        self.frames.push(Frame {
            t_ms: u32::try_from(ticks_to_ms(ticks, self.track.timescale)).unwrap_or(u32::MAX),
            image,
            source_index,
        });
        Ok(())
    }
}

/// The decoder's YUV 4:2:0 picture as RGB, after checking its size against the limit once
/// more (the decoder's own reading of the stream is what counts).
fn to_rgb(picture: &DecodedYUV<'_>, limits: &FrameLimits) -> Result<RgbImage, FramesError> {
    let (width, height) = picture.dimensions();
    let width = u32::try_from(width).unwrap_or(u32::MAX);
    let height = u32::try_from(height).unwrap_or(u32::MAX);
    limits.check_dimensions(width, height)?;
    let mut rgb = vec![0u8; picture.rgb8_len()];
    picture.write_rgb8(&mut rgb);
    RgbImage::from_raw(width, height, rgb).ok_or_else(|| FramesError::corrupt("decoded picture has no pixels"))
}

fn push_nal(out: &mut Vec<u8>, nal: &[u8]) {
    out.extend_from_slice(&[0, 0, 0, 1]);
    out.extend_from_slice(nal);
}

/// Appends a sample's NAL units (each preceded by its big-endian length of `length_size`
/// bytes, as MP4 stores them) to `out` with Annex B start codes, as OpenH264 reads them.
/// `inspect` sees each NAL unit first. A length running past the sample is corrupt.
pub(crate) fn length_prefixed_to_annex_b(
    sample: &[u8],
    length_size: usize,
    out: &mut Vec<u8>,
    mut inspect: impl FnMut(&[u8]) -> Result<(), FramesError>,
) -> Result<(), FramesError> {
    let mut rest = sample;
    while !rest.is_empty() {
        let (prefix, body) = rest
            .split_at_checked(length_size)
            .ok_or_else(|| FramesError::corrupt("a NAL unit length is cut off"))?;
        let length = prefix.iter().fold(0usize, |acc, &byte| (acc << 8) | usize::from(byte));
        let (nal, after) = body
            .split_at_checked(length)
            .ok_or_else(|| FramesError::corrupt("a NAL unit runs past the end of its sample"))?;
        if !nal.is_empty() {
            inspect(nal)?;
            push_nal(out, nal);
        }
        rest = after;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(sample: &[u8], length_size: usize) -> Result<Vec<u8>, FramesError> {
        let mut out = Vec::new();
        length_prefixed_to_annex_b(sample, length_size, &mut out, |_| Ok(()))?;
        Ok(out)
    }

    #[test]
    fn length_prefixes_become_start_codes() {
        let sample = [0, 0, 0, 2, 0x65, 0xAA, 0, 0, 0, 1, 0x06];
        assert_eq!(convert(&sample, 4), Ok(vec![0, 0, 0, 1, 0x65, 0xAA, 0, 0, 0, 1, 0x06]));
        assert_eq!(convert(&[2, 0x65, 0xAA], 1), Ok(vec![0, 0, 0, 1, 0x65, 0xAA]));
        assert_eq!(convert(&[], 4), Ok(vec![]));
    }

    #[test]
    fn disposable_samples_have_only_unreferenced_slices() {
        // A B slice with nal_ref_idc 0 (0x01), with an SEI (0x06) before it.
        assert!(is_disposable(&[0, 0, 0, 1, 0x06, 0, 0, 0, 2, 0x01, 0xAA], 4));
        // A referenced P slice (0x41), an IDR (0x65), no slice at all, a cut-off length.
        assert!(!is_disposable(&[0, 0, 0, 2, 0x41, 0xAA], 4));
        assert!(!is_disposable(&[0, 0, 0, 2, 0x65, 0xAA], 4));
        assert!(!is_disposable(&[0, 0, 0, 1, 0x06], 4));
        assert!(!is_disposable(&[0, 0, 0, 9, 0x01], 4));
    }

    #[test]
    fn lengths_past_the_sample_are_corrupt() {
        assert!(matches!(
            convert(&[0, 0, 0, 9, 0x65], 4),
            Err(FramesError::Corrupt { .. })
        ));
        assert!(matches!(convert(&[0, 0], 4), Err(FramesError::Corrupt { .. })));
        assert!(matches!(
            convert(&[0xFF, 0xFF, 0xFF, 0xFF], 4),
            Err(FramesError::Corrupt { .. })
        ));
    }
}

/// Leaving disposable samples out changes nothing in what is kept: checked on the fixture
/// clips (x264 encodes with B-frames, half of them disposable).
#[cfg(test)]
mod fixture_tests {
    use std::path::PathBuf;

    use super::super::{read_track, samples::sample_table};
    use super::*;

    #[test]
    fn skipping_disposable_samples_keeps_the_same_frames() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/liveness/video");
        let Ok(folders) = std::fs::read_dir(&dir) else {
            println!(
                "SKIPPED: skipping_disposable_samples_keeps_the_same_frames: {} absent",
                dir.display()
            );
            return;
        };
        let limits = FrameLimits {
            max_duration_ms: 30_000,
            max_frames: 16,
            ..FrameLimits::default()
        };
        let mut compared = 0;
        for folder in folders.flatten() {
            for clip in std::fs::read_dir(folder.path()).into_iter().flatten().flatten() {
                let bytes = std::fs::read(clip.path()).unwrap_or_default();
                let Ok(track) = read_track(&bytes) else {
                    continue; // not H.264
                };
                let table = sample_table(&track.tables, bytes.len(), 100_000).unwrap_or_else(|e| panic!("{e}"));
                let all = decode(&bytes, &track, &table, &limits, false).unwrap_or_else(|e| panic!("{e}"));
                let skipping = decode(&bytes, &track, &table, &limits, true).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(all.len(), 16);
                assert!(all == skipping, "{}", clip.path().display());
                compared += 1;
            }
        }
        assert!(compared > 0);
    }
}
