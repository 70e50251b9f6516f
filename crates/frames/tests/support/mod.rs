//! Shared by the integration tests: MP4 files built here (frames drawn, encoded with
//! OpenH264's encoder, written with the `mp4` crate's writer), box patching, fixtures.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Cursor;
use std::ops::Range;
use std::path::PathBuf;

use image::{Rgb, RgbImage};
use openh264::encoder::{Encoder, EncoderConfig, RateControlMode};
use openh264::formats::{RgbSliceU8, YUVBuffer};
use openh264::OpenH264API;

/// Frame `index` of a test clip: a grey gradient, a white square moving right one step a frame
/// (so every frame differs) and a red block in the top-left corner (so turns can be told).
pub fn pattern(width: u32, height: u32, index: u32) -> RgbImage {
    let square = (width / 6).max(2);
    let square_x = (index * 4) % width.saturating_sub(square).max(1);
    let square_y = height / 2;
    RgbImage::from_fn(width, height, |x, y| {
        if x < width / 4 && y < height / 4 {
            Rgb([220, 30, 30])
        } else if (square_x..square_x + square).contains(&x) && (square_y..square_y + square).contains(&y) {
            Rgb([250, 250, 250])
        } else {
            let g = u8::try_from(40 + (x * 120) / width.max(1)).unwrap_or(0);
            Rgb([g, g, g])
        }
    })
}

/// Splits an Annex B stream at its start codes into NAL units (without the codes).
fn annex_b_units(stream: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i..i + 3] == [0, 0, 1] {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let mut end = starts.get(k + 1).map_or(stream.len(), |&next| next - 3);
            // A 4-byte start code leaves a zero before the next unit.
            while end > start && stream[end - 1] == 0 && starts.get(k + 1).is_some() {
                end -= 1;
            }
            &stream[start..end]
        })
        .collect()
}

/// An MP4 of `frames` (even sizes), each lasting `ticks` in a track of `timescale` ticks per
/// second: H.264 from OpenH264's encoder (constant quality, no skipped frames), written by
/// the `mp4` crate.
pub fn encode_mp4(frames: &[RgbImage], timescale: u32, ticks: u32) -> Vec<u8> {
    let (width, height) = frames[0].dimensions();
    let config = EncoderConfig::new()
        .skip_frames(false)
        .rate_control_mode(RateControlMode::Off);
    let mut encoder = Encoder::with_api_config(OpenH264API::from_source(), config).unwrap();
    let mut sps = Vec::new();
    let mut pps = Vec::new();
    let mut samples = Vec::new();
    for frame in frames {
        let yuv = YUVBuffer::from_rgb8_source(RgbSliceU8::new(frame.as_raw(), (width as usize, height as usize)));
        let stream = encoder.encode(&yuv).unwrap().to_vec();
        let mut sample = Vec::new();
        for nal in annex_b_units(&stream) {
            match nal.first().map(|h| h & 0x1F) {
                Some(7) => sps = nal.to_vec(),
                Some(8) => pps = nal.to_vec(),
                Some(_) => {
                    sample.extend_from_slice(&u32::try_from(nal.len()).unwrap().to_be_bytes());
                    sample.extend_from_slice(nal);
                }
                None => {}
            }
        }
        samples.push(sample);
    }
    let mp4_config = mp4::Mp4Config {
        major_brand: str::parse("isom").unwrap(),
        minor_version: 512,
        compatible_brands: vec![str::parse("isom").unwrap(), str::parse("avc1").unwrap()],
        timescale: 1000,
    };
    let mut writer = mp4::Mp4Writer::write_start(Cursor::new(Vec::new()), &mp4_config).unwrap();
    writer
        .add_track(&mp4::TrackConfig {
            track_type: mp4::TrackType::Video,
            timescale,
            language: "und".into(),
            media_conf: mp4::MediaConfig::AvcConfig(mp4::AvcConfig {
                width: u16::try_from(width).unwrap(),
                height: u16::try_from(height).unwrap(),
                seq_param_set: sps,
                pic_param_set: pps,
            }),
        })
        .unwrap();
    for (index, sample) in samples.into_iter().enumerate() {
        let sample = mp4::Mp4Sample {
            start_time: u64::try_from(index).unwrap() * u64::from(ticks),
            duration: ticks,
            rendering_offset: 0,
            is_sync: index == 0,
            bytes: bytes::Bytes::from(sample),
        };
        writer.write_sample(1, &sample).unwrap();
    }
    writer.write_end().unwrap();
    writer.into_writer().into_inner()
}

/// `count` pattern frames of `width` × `height` as an MP4 at `fps` (timescale 90 000).
pub fn clip(width: u32, height: u32, count: u32, fps: u32) -> Vec<u8> {
    let frames: Vec<RgbImage> = (0..count).map(|i| pattern(width, height, i)).collect();
    encode_mp4(&frames, 90_000, 90_000 / fps)
}

/// The byte range of the body of the box at `path` (first match at each level).
pub fn find_box(bytes: &[u8], path: &[&[u8; 4]]) -> Option<Range<usize>> {
    let mut range = 0..bytes.len();
    for kind in path {
        let mut at = range.start;
        let mut found = None;
        while at + 8 <= range.end {
            let size = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?) as usize;
            if size < 8 || at + size > range.end {
                return None;
            }
            if &bytes[at + 4..at + 8] == *kind {
                found = Some(at + 8..at + size);
                break;
            }
            at += size;
        }
        range = found?;
    }
    Some(range)
}

/// Where the video sample entry of the first track starts (its four-character code).
pub fn sample_entry_code(bytes: &[u8]) -> Range<usize> {
    let stsd = find_box(bytes, &[b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd"]).unwrap();
    // version/flags, entry count, then the entry's size and code.
    stsd.start + 12..stsd.start + 16
}

/// The liveness fixtures folder, or `None` after a visible `SKIPPED` line.
pub fn liveness_fixtures(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/liveness");
    if dir.join("media.csv").is_file() {
        Some(dir)
    } else {
        println!("SKIPPED: {test}: ../shared/fixtures/liveness/media.csv absent");
        None
    }
}

/// The fields of one CSV line (double quotes around fields with commas, `""` inside).
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// A fixture video as media.csv describes it.
#[derive(Debug, Clone)]
pub struct FixtureVideo {
    pub path: PathBuf,
    pub duration_s: f64,
    pub fps: f64,
    pub width: u32,
    pub height: u32,
}

/// The video rows of media.csv.
pub fn fixture_videos(dir: &std::path::Path) -> Vec<FixtureVideo> {
    let text = std::fs::read_to_string(dir.join("media.csv")).unwrap();
    let mut lines = text.lines();
    let header = csv_fields(lines.next().unwrap());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (file, kind, duration, fps, resolution) = (
        column("file"),
        column("kind"),
        column("duration_s"),
        column("fps"),
        column("resolution"),
    );
    lines
        .map(csv_fields)
        .filter(|row| row[kind] == "video")
        .map(|row| {
            let (width, height) = row[resolution].split_once('x').unwrap();
            FixtureVideo {
                path: dir.join(&row[file]),
                duration_s: row[duration].parse().unwrap(),
                fps: row[fps].parse().unwrap(),
                width: width.parse().unwrap(),
                height: height.parse().unwrap(),
            }
        })
        .collect()
}
