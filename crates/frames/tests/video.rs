//! MP4/H.264 input: clips built here (so the suite covers video without fixtures) and the
//! real fixture clips of `../shared/fixtures/liveness` (skipped visibly when absent).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use openkyc_frames::{read_path, read_video, FrameLimits, FrameSequence, FramesError, SourceKind};
use support::{clip, find_box, sample_entry_code};

fn read(bytes: &[u8]) -> FrameSequence {
    read_video(bytes, &FrameLimits::default()).unwrap_or_else(|error| panic!("{error}"))
}

/// Limits wide enough for the longest fixture (19.6 s) and all its frames.
fn wide_limits() -> FrameLimits {
    FrameLimits {
        max_duration_ms: 30_000,
        max_frames: 1000,
        ..FrameLimits::default()
    }
}

/// Mean of the red minus the mean of the green channel over a region: the pattern's corner
/// block is red, the rest grey.
fn redness(image: &image::RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> f64 {
    let mut total = 0.0;
    let mut count = 0.0;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = image.get_pixel(x, y).0;
            total += f64::from(p[0]) - f64::from(p[1]);
            count += 1.0;
        }
    }
    total / count
}

#[test]
fn a_thirty_fps_clip_is_sampled_at_eight_fps_by_its_timestamps() {
    let sequence = read(&clip(64, 48, 60, 30));
    // 60 frames at 30 fps: the last at 1.967 s, so slots 0..=15 of 1/8 s each.
    assert_eq!(sequence.frames.len(), 16);
    let times: Vec<u32> = sequence.frames.iter().map(|f| f.t_ms).collect();
    assert_eq!(&times[..5], &[0, 133, 266, 400, 500]);
    let indices: Vec<usize> = sequence.frames.iter().map(|f| f.source_index).collect();
    assert_eq!(&indices[..5], &[0, 4, 8, 12, 15]);
    assert_eq!(sequence.source.kind, SourceKind::Mp4H264);
    assert_eq!(sequence.source.pictures, 60);
    assert_eq!(sequence.source.duration_ms, 2000);
    assert_eq!((sequence.source.width, sequence.source.height), (64, 48));
}

#[test]
fn decoded_pixels_match_what_was_encoded() {
    let sequence = read(&clip(64, 48, 8, 8));
    assert_eq!(sequence.frames.len(), 8);
    for frame in &sequence.frames {
        assert_eq!(frame.image.dimensions(), (64, 48));
        let expected = support::pattern(64, 48, u32::try_from(frame.source_index).unwrap());
        let error: f64 = frame
            .image
            .as_raw()
            .iter()
            .zip(expected.as_raw())
            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
            .sum::<f64>()
            / expected.as_raw().len() as f64;
        assert!(
            error < 8.0,
            "mean absolute error {error} in frame {}",
            frame.source_index
        );
    }
}

#[test]
fn a_source_slower_than_the_target_keeps_every_frame() {
    let sequence = read(&clip(32, 32, 10, 5));
    assert_eq!(sequence.frames.len(), 10);
    let times: Vec<u32> = sequence.frames.iter().map(|f| f.t_ms).collect();
    assert_eq!(times, (0..10).map(|i| i * 200).collect::<Vec<u32>>());
}

#[test]
fn the_track_rotation_turns_frames_upright() {
    let mut bytes = clip(64, 48, 4, 8);
    let tkhd = find_box(&bytes, &[b"moov", b"trak", b"tkhd"]).unwrap();
    // Version 0 tkhd: the matrix follows 40 bytes of times, ids and volume.
    let matrix = tkhd.start + 40;
    let rotate_90: [i32; 9] = [0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x4000_0000];
    for (k, value) in rotate_90.iter().enumerate() {
        bytes[matrix + 4 * k..matrix + 4 * k + 4].copy_from_slice(&value.to_be_bytes());
    }
    let sequence = read(&bytes);
    assert_eq!(sequence.source.transform.quarter_turns_cw, 1);
    assert_eq!((sequence.source.width, sequence.source.height), (48, 64));
    let image = &sequence.frames[0].image;
    assert_eq!(image.dimensions(), (48, 64));
    // The red block, stored top left, is shown top right after a clockwise quarter turn.
    assert!(redness(image, 38, 2, 46, 12) > 100.0);
    assert!(redness(image, 2, 2, 10, 12) < 20.0);
}

#[test]
fn large_frames_are_downscaled() {
    let limits = FrameLimits {
        max_side: 40,
        ..FrameLimits::default()
    };
    let sequence = read_video(&clip(80, 48, 2, 8), &limits).unwrap();
    assert_eq!(sequence.frames[0].image.dimensions(), (40, 24));
}

#[test]
fn decoding_stops_at_the_frame_limit() {
    let limits = FrameLimits {
        max_frames: 3,
        ..FrameLimits::default()
    };
    let sequence = read_video(&clip(32, 32, 40, 8), &limits).unwrap();
    assert_eq!(sequence.frames.len(), 3);
    assert_eq!(sequence.frames[2].t_ms, 250);
}

#[test]
fn a_sequence_over_the_duration_limit_is_refused_from_its_header() {
    let bytes = clip(32, 32, 12, 1);
    assert_eq!(
        read_video(&bytes, &FrameLimits::default()),
        Err(FramesError::TooLong {
            duration_ms: 12_000,
            max_ms: 10_000
        })
    );
}

#[test]
fn pictures_over_the_side_limit_are_refused_before_decoding() {
    let limits = FrameLimits {
        max_decoded_side: 63,
        ..FrameLimits::default()
    };
    let bytes = clip(64, 48, 2, 8);
    assert!(matches!(
        read_video(&bytes, &limits),
        Err(FramesError::DimensionsTooLarge {
            width: 64,
            height: 48,
            ..
        })
    ));
    // A sample entry that understates the size is caught by the sequence parameter set.
    let mut lying = bytes.clone();
    let entry = sample_entry_code(&lying);
    // avc1: 6 reserved, data reference index (2), 16 pre-defined/reserved, then width, height.
    let size_at = entry.end + 24;
    lying[size_at..size_at + 4].copy_from_slice(&[0, 16, 0, 16]);
    assert!(matches!(
        read_video(&lying, &limits),
        Err(FramesError::DimensionsTooLarge {
            width: 64,
            height: 48,
            ..
        })
    ));
}

#[test]
fn other_codecs_and_containers_are_named() {
    let mut hevc = clip(32, 32, 2, 8);
    let code = sample_entry_code(&hevc);
    hevc[code].copy_from_slice(b"hvc1");
    let error = read_video(&hevc, &FrameLimits::default()).unwrap_err();
    assert_eq!(error, FramesError::UnsupportedCodec { codec: "hvc1".into() });
    assert_eq!(
        error.to_string(),
        "unsupported video codec hvc1; only H.264 (avc1) is read"
    );

    let webm = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01];
    assert!(matches!(
        read_video(&webm, &FrameLimits::default()),
        Err(FramesError::UnsupportedFormat { format }) if format == "webm/matroska"
    ));
    let mut fragmented = clip(32, 32, 2, 8);
    fragmented.extend_from_slice(&[0, 0, 0, 8, b'm', b'o', b'o', b'f']);
    assert!(matches!(
        read_video(&fragmented, &FrameLimits::default()),
        Err(FramesError::UnsupportedFormat { format }) if format.contains("fragmented")
    ));
}

#[test]
fn empty_garbage_and_oversized_files_are_refused() {
    assert_eq!(read_video(&[], &FrameLimits::default()), Err(FramesError::Empty));
    assert_eq!(
        read_video(b"definitely not a video file", &FrameLimits::default()),
        Err(FramesError::UnknownFormat)
    );
    let limits = FrameLimits {
        max_file_bytes: 100,
        ..FrameLimits::default()
    };
    assert!(matches!(
        read_video(&clip(32, 32, 2, 8), &limits),
        Err(FramesError::FileTooLarge { .. })
    ));
}

#[test]
fn a_truncated_file_is_corrupt() {
    let bytes = clip(32, 32, 4, 8);
    // The writer puts the sample data first and the moov box last: cut into the moov.
    for cut in [bytes.len() - 1, bytes.len() - 40, bytes.len() / 2] {
        assert!(
            matches!(
                read_video(&bytes[..cut], &FrameLimits::default()),
                Err(FramesError::Corrupt { .. })
            ),
            "cut at {cut}"
        );
    }
}

#[test]
fn millions_of_declared_samples_are_refused_without_reading_them() {
    let mut bytes = clip(32, 32, 4, 8);
    let stsz = find_box(&bytes, &[b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsz"]).unwrap();
    // One size for every sample (no table to read) and a count of four billion.
    bytes[stsz.start + 4..stsz.start + 8].copy_from_slice(&100u32.to_be_bytes());
    bytes[stsz.start + 8..stsz.start + 12].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        read_video(&bytes, &FrameLimits::default()),
        Err(FramesError::TooManyPictures { count, .. }) if count == u64::from(u32::MAX)
    ));
}

#[test]
fn a_zero_timescale_is_corrupt() {
    let mut bytes = clip(32, 32, 2, 8);
    let mdhd = find_box(&bytes, &[b"moov", b"trak", b"mdia", b"mdhd"]).unwrap();
    // Version 0 mdhd: version/flags, creation, modification, then the timescale.
    bytes[mdhd.start + 12..mdhd.start + 16].copy_from_slice(&0u32.to_be_bytes());
    assert!(matches!(
        read_video(&bytes, &FrameLimits::default()),
        Err(FramesError::Corrupt { .. })
    ));
}

#[test]
fn garbage_sample_data_gives_an_error_or_frames_never_a_panic() {
    let mut bytes = clip(32, 32, 4, 8);
    let mdat = find_box(&bytes, &[b"mdat"]).unwrap();
    let mut state: u32 = 0x1234_5678;
    for byte in &mut bytes[mdat.start + 4..mdat.end] {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *byte = (state >> 24) as u8;
    }
    let _ = read_video(&bytes, &FrameLimits::default());
}

#[test]
fn video_files_are_read_by_path() {
    let dir = std::env::temp_dir().join(format!("openkyc-frames-video-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clip.bin");
    std::fs::write(&path, clip(32, 32, 3, 8)).unwrap();
    let sequence = read_path(&path, 8, &FrameLimits::default());
    let missing = read_path(&dir.join("missing.mp4"), 8, &FrameLimits::default());
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(sequence.unwrap().frames.len(), 3);
    assert!(matches!(missing, Err(FramesError::NotFound { .. })));
}

/// Each fixture clip either decodes to the frame count, duration and orientation media.csv
/// implies, with plausible pixels, or is refused naming its codec (two clips are MPEG-4
/// Part 2, `mp4v`).
#[test]
fn fixture_clips_decode_as_described() {
    let Some(dir) = support::liveness_fixtures("fixture_clips_decode_as_described") else {
        return;
    };
    let videos = support::fixture_videos(&dir);
    assert!(!videos.is_empty());
    let mut decoded = 0;
    for video in &videos {
        let name = video.path.display();
        let bytes = std::fs::read(&video.path).unwrap();
        let sequence = match read_video(&bytes, &wide_limits()) {
            Ok(sequence) => sequence,
            Err(FramesError::UnsupportedCodec { codec }) => {
                assert_ne!(codec, "avc1");
                println!("{name}: refused, codec {codec}");
                continue;
            }
            Err(error) => panic!("{name}: {error}"),
        };
        decoded += 1;
        let pictures = (video.duration_s * video.fps).round();
        assert_eq!(sequence.source.pictures as f64, pictures, "{name}");
        // The first picture at or after each 1/8 s, up to the last picture's time.
        let expected = ((pictures - 1.0) * 8.0 / video.fps).floor() as usize + 1;
        assert_eq!(sequence.frames.len(), expected, "{name}");
        let duration_error = (sequence.source.duration_ms as f64 - video.duration_s * 1000.0).abs();
        assert!(
            duration_error <= 1000.0 / video.fps,
            "{name}: {}",
            sequence.source.duration_ms
        );
        assert_eq!(
            (sequence.source.width, sequence.source.height),
            (video.width, video.height),
            "{name}"
        );
        let mut previous: Option<&openkyc_frames::Frame> = None;
        for frame in &sequence.frames {
            let (w, h) = frame.image.dimensions();
            assert_eq!(w > h, video.width > video.height, "{name}: orientation");
            assert!(w.max(h) <= 960);
            let (min, max) = frame
                .image
                .as_raw()
                .iter()
                .fold((255u8, 0u8), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            assert!(max - min > 60, "{name} frame at {} ms is nearly one colour", frame.t_ms);
            if let Some(previous) = previous {
                let gap = frame.t_ms - previous.t_ms;
                assert!((100..=200).contains(&gap), "{name}: {gap} ms between frames");
            }
            previous = Some(frame);
        }
    }
    assert!(decoded >= 1, "no fixture clip decoded");
}

/// With the default limits (10 s), the fixture clips clearly longer are refused from their
/// headers and the clearly shorter ones are read (the H.264 ones).
#[test]
fn fixture_clips_against_the_default_duration_limit() {
    let Some(dir) = support::liveness_fixtures("fixture_clips_against_the_default_duration_limit") else {
        return;
    };
    for video in support::fixture_videos(&dir) {
        let frame_ms = 1000.0 / video.fps;
        let duration_ms = video.duration_s * 1000.0;
        let bytes = std::fs::read(&video.path).unwrap();
        let result = read_video(&bytes, &FrameLimits::default());
        let name = video.path.display();
        if duration_ms > 10_000.0 + frame_ms {
            assert!(
                matches!(
                    result,
                    Err(FramesError::TooLong { max_ms: 10_000, .. } | FramesError::UnsupportedCodec { .. })
                ),
                "{name}: {result:?}"
            );
        } else if duration_ms < 10_000.0 - frame_ms {
            assert!(
                matches!(&result, Ok(sequence) if !sequence.frames.is_empty())
                    || matches!(result, Err(FramesError::UnsupportedCodec { .. })),
                "{name}: {:?}",
                result.map(|s| s.frames.len())
            );
        }
    }
}

mod hostile {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    /// One small clip, built once for all cases.
    fn base_clip() -> &'static [u8] {
        static CLIP: OnceLock<Vec<u8>> = OnceLock::new();
        CLIP.get_or_init(|| clip(32, 32, 6, 8))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// A valid clip with bytes overwritten and its end cut off: frames or an error,
        /// never a panic, never more frames than the clip has.
        #[test]
        fn damaged_clips_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            keep in 0.5f64..=1.0,
        ) {
            let mut bytes = base_clip().to_vec();
            for (index, value) in edits {
                let at = index.index(bytes.len());
                bytes[at] = value;
            }
            bytes.truncate((bytes.len() as f64 * keep) as usize);
            if let Ok(sequence) = read_video(&bytes, &FrameLimits::default()) {
                prop_assert!(sequence.frames.len() <= 6);
            }
        }

        /// Arbitrary bytes behind an MP4 header: an error, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut bytes = b"\0\0\0\x18ftypisom\0\0\x02\0isomavc1".to_vec();
            bytes.extend_from_slice(&tail);
            prop_assert!(read_video(&bytes, &FrameLimits::default()).is_err());
        }
    }
}
