//! MP4 (ISO BMFF, also QuickTime MOV) with H.264 video: the container sniffed and walked
//! (`sniff`), the boxes parsed by the `mp4` crate, the sample tables laid out here
//! (`samples`), the picture size read from the sequence parameter set (`sps`) and checked
//! before decoding, the samples decoded in order by OpenH264 and the pictures sampled at the
//! target rate by their presentation times.

mod decode;
mod samples;
mod sniff;
mod sps;

use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};

use crate::picture::DisplayTransform;
use crate::{FrameLimits, FrameSequence, FramesError, SourceInfo, SourceKind};

pub(crate) use samples::TrackTables;

/// Everything needed to decode the chosen track, read from the headers.
#[derive(Debug, Clone)]
pub(crate) struct VideoTrack {
    /// Sample tables.
    pub tables: TrackTables,
    /// Track timescale (ticks per second), at least 1.
    pub timescale: u32,
    /// Parameter sets from the `avcC` box, without length prefixes.
    pub sequence_parameter_sets: Vec<Vec<u8>>,
    /// Picture parameter sets from the `avcC` box.
    pub picture_parameter_sets: Vec<Vec<u8>>,
    /// Bytes of each NAL unit's length prefix in the samples (1, 2 or 4).
    pub nal_length_size: usize,
    /// Width and height from the sample entry.
    pub entry_size: (u32, u32),
    /// The track header's display transform.
    pub transform: DisplayTransform,
}

/// Reads the frames of an MP4/H.264 video held in memory. Refuses, before decoding: other
/// containers and codecs (by name), files over `max_file_bytes`, pictures over
/// `max_decoded_side` (sample entry and sequence parameter set), sequences over
/// `max_duration_ms`, tracks declaring more than `max_source_pictures` samples. Decoding stops
/// once `max_frames` are kept. Never panics: the `mp4` crate's parser and the decoder run
/// inside `catch_unwind`, and a panic there is reported as [`FramesError::Corrupt`].
pub fn read_video(bytes: &[u8], limits: &FrameLimits) -> Result<FrameSequence, FramesError> {
    limits.check()?;
    if bytes.is_empty() {
        return Err(FramesError::Empty);
    }
    limits.check_file_len(bytes.len() as u64)?;
    let file = sniff::sniff(bytes)?;
    let Some(&codec) = file.video_codecs.first() else {
        return Err(FramesError::NoFrames {
            what: "the file has no video track".into(),
        });
    };
    if &codec != b"avc1" {
        return Err(FramesError::UnsupportedCodec {
            codec: sniff::fourcc_text(&codec),
        });
    }
    if file.fragmented {
        return Err(FramesError::UnsupportedFormat {
            format: "fragmented MP4 (moof)".into(),
        });
    }
    let track = guarded("the MP4 parser", || read_track(bytes))??;
    check_track(&track, limits)?;
    let table = samples::sample_table(&track.tables, bytes.len(), limits.max_source_pictures())?;
    let duration_ms = crate::sampling::ticks_to_ms(table.span, track.timescale);
    limits.check_duration(duration_ms)?;
    let frames = guarded("the H.264 decoder", || {
        decode::decode(bytes, &track, &table, limits, true)
    })??;
    if frames.is_empty() {
        return Err(FramesError::NoFrames {
            what: "no picture could be decoded".into(),
        });
    }
    let (width, height) = track.entry_size;
    let (width, height) = if track.transform.swaps_sides() {
        (height, width)
    } else {
        (width, height)
    };
    Ok(FrameSequence {
        frames,
        source: SourceInfo {
            kind: SourceKind::Mp4H264,
            width,
            height,
            pictures: table.samples.len(),
            duration_ms,
            transform: track.transform,
        },
    })
}

/// Runs a third-party parser or decoder, turning a panic into [`FramesError::Corrupt`].
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Result<T, FramesError> {
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|_| FramesError::corrupt(format!("{what} failed on this file")))
}

/// Parses the boxes with the `mp4` crate and takes out the first video track.
fn read_track(bytes: &[u8]) -> Result<VideoTrack, FramesError> {
    let reader = mp4::Mp4Reader::read_header(Cursor::new(bytes), bytes.len() as u64)
        .map_err(|error| FramesError::corrupt(format!("MP4 structure: {error}")))?;
    let trak = reader
        .moov
        .traks
        .iter()
        .find(|trak| trak.mdia.hdlr.handler_type == mp4::FourCC::from(*b"vide"))
        .ok_or_else(|| FramesError::NoFrames {
            what: "the file has no video track".into(),
        })?;
    let stbl = &trak.mdia.minf.stbl;
    let avc1 = stbl
        .stsd
        .avc1
        .as_ref()
        .ok_or_else(|| FramesError::corrupt("the H.264 sample entry (avc1) could not be read"))?;
    let chunk_offsets = match (&stbl.stco, &stbl.co64) {
        (Some(stco), _) => stco.entries.iter().map(|&offset| u64::from(offset)).collect(),
        (None, Some(co64)) => co64.entries.clone(),
        (None, None) => return Err(FramesError::corrupt("the video track has no chunk offsets (stco/co64)")),
    };
    let tables = TrackTables {
        sample_size: stbl.stsz.sample_size,
        sample_count: stbl.stsz.sample_count,
        sample_sizes: stbl.stsz.sample_sizes.clone(),
        chunk_offsets,
        chunk_runs: stbl
            .stsc
            .entries
            .iter()
            .map(|run| (run.first_chunk, run.samples_per_chunk))
            .collect(),
        durations: stbl
            .stts
            .entries
            .iter()
            .map(|run| (run.sample_count, run.sample_delta))
            .collect(),
        composition: stbl.ctts.as_ref().map_or_else(Vec::new, |ctts| {
            ctts.entries
                .iter()
                .map(|run| (run.sample_count, run.sample_offset))
                .collect()
        }),
    };
    let matrix = &trak.tkhd.matrix;
    let avcc = &avc1.avcc;
    Ok(VideoTrack {
        tables,
        timescale: trak.mdia.mdhd.timescale,
        sequence_parameter_sets: avcc
            .sequence_parameter_sets
            .iter()
            .map(|nal| nal.bytes.clone())
            .collect(),
        picture_parameter_sets: avcc
            .picture_parameter_sets
            .iter()
            .map(|nal| nal.bytes.clone())
            .collect(),
        nal_length_size: usize::from(avcc.length_size_minus_one & 0x03) + 1,
        entry_size: (u32::from(avc1.width), u32::from(avc1.height)),
        transform: DisplayTransform::from_matrix(matrix.a, matrix.b, matrix.c, matrix.d),
    })
}

/// The header checks: a usable timescale and NAL length, parameter sets present, and every
/// declared picture size within the limit (the sample entry's and each SPS's).
fn check_track(track: &VideoTrack, limits: &FrameLimits) -> Result<(), FramesError> {
    if track.timescale == 0 {
        return Err(FramesError::corrupt("the video track's timescale is 0"));
    }
    if track.nal_length_size == 3 {
        return Err(FramesError::corrupt(
            "NAL units with 3-byte lengths do not exist in H.264",
        ));
    }
    let (width, height) = track.entry_size;
    limits.check_dimensions(width, height)?;
    if track.sequence_parameter_sets.is_empty() || track.picture_parameter_sets.is_empty() {
        return Err(FramesError::corrupt(
            "the H.264 configuration (avcC) has no parameter sets",
        ));
    }
    for nal in &track.sequence_parameter_sets {
        check_sps(nal, limits)?;
    }
    Ok(())
}

/// Refuses a sequence parameter set that cannot be read or declares pictures over the limit.
pub(crate) fn check_sps(nal: &[u8], limits: &FrameLimits) -> Result<(), FramesError> {
    let size =
        sps::parse_sps(nal).map_err(|what| FramesError::corrupt(format!("H.264 sequence parameter set: {what}")))?;
    limits.check_dimensions(size.coded_width, size.coded_height)
}
