//! A folder of images as a frame sequence: order, timestamps, sampling, sniffing by bytes,
//! and every refusal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};

use image::{ImageFormat, Rgb, RgbImage};
use openkyc_frames::{read_directory, read_path, FrameLimits, FramesError, SourceKind};

/// A fresh folder for one test (named after it and the process: no randomness), removed
/// when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("openkyc-frames-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Writes a flat image of `shade` as `name` in `format`.
    fn image(&self, name: &str, shade: u8, format: ImageFormat) {
        let image = RgbImage::from_pixel(40, 30, Rgb([shade, shade / 2, 255 - shade]));
        image.save_with_format(self.0.join(name), format).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn images_are_read_in_name_order_with_timestamps_from_the_rate() {
    let dir = TempDir::new("order");
    // Written out of order, in three formats; the extensions lie.
    dir.image("frame_0002.jpg", 200, ImageFormat::Png);
    dir.image("frame_0000.png", 0, ImageFormat::Jpeg);
    dir.image("frame_0001.webp", 100, ImageFormat::WebP);
    std::fs::write(dir.path().join("notes.txt"), "recorded on a phone").unwrap();
    std::fs::create_dir(dir.path().join("subfolder")).unwrap();
    let sequence = read_directory(dir.path(), 4, &FrameLimits::default()).unwrap();
    assert_eq!(sequence.source.kind, SourceKind::Directory);
    assert_eq!(sequence.source.pictures, 3);
    assert_eq!(sequence.source.duration_ms, 750);
    assert_eq!((sequence.source.width, sequence.source.height), (40, 30));
    let times: Vec<u32> = sequence.frames.iter().map(|f| f.t_ms).collect();
    assert_eq!(times, vec![0, 250, 500]);
    let reds: Vec<u8> = sequence.frames.iter().map(|f| f.image.get_pixel(20, 15).0[0]).collect();
    assert!(
        reds[0] < 10 && (90..110).contains(&reds[1]) && reds[2] > 190,
        "{reds:?}"
    );
}

#[test]
fn a_fast_folder_is_sampled_at_the_target_rate_and_only_kept_images_are_decoded() {
    let dir = TempDir::new("sampled");
    for i in 0..30 {
        dir.image(&format!("{i:03}.png"), u8::try_from(i * 8).unwrap(), ImageFormat::Png);
    }
    // Every image not kept is damaged: were it decoded, the read would fail.
    for i in [1, 2, 3, 5, 6, 7] {
        std::fs::write(dir.path().join(format!("{i:03}.png")), b"\x89PNG\r\n\x1a\ngarbage").unwrap();
    }
    let sequence = read_directory(dir.path(), 30, &FrameLimits::default()).unwrap();
    let indices: Vec<usize> = sequence.frames.iter().map(|f| f.source_index).collect();
    assert_eq!(indices, vec![0, 4, 8, 12, 15, 19, 23, 27]);
    let times: Vec<u32> = sequence.frames.iter().map(|f| f.t_ms).collect();
    assert_eq!(times, vec![0, 133, 266, 400, 500, 633, 766, 900]);
}

#[test]
fn reading_stops_at_the_frame_limit_and_large_images_are_downscaled() {
    let dir = TempDir::new("limit");
    for i in 0..6 {
        RgbImage::from_pixel(200, 100, Rgb([i * 40, 0, 0]))
            .save_with_format(dir.path().join(format!("{i}.png")), ImageFormat::Png)
            .unwrap();
    }
    let limits = FrameLimits {
        max_frames: 4,
        max_side: 50,
        ..FrameLimits::default()
    };
    let sequence = read_directory(dir.path(), 8, &limits).unwrap();
    assert_eq!(sequence.frames.len(), 4);
    assert_eq!(sequence.frames[0].image.dimensions(), (50, 25));
    assert_eq!((sequence.source.width, sequence.source.height), (200, 100));
}

#[test]
fn a_damaged_image_is_an_error_naming_the_file() {
    let dir = TempDir::new("damaged");
    dir.image("a.png", 10, ImageFormat::Png);
    let jpeg = {
        let mut bytes = std::io::Cursor::new(Vec::new());
        RgbImage::new(40, 30).write_to(&mut bytes, ImageFormat::Jpeg).unwrap();
        bytes.into_inner()
    };
    std::fs::write(dir.path().join("b.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    let error = read_directory(dir.path(), 8, &FrameLimits::default()).unwrap_err();
    assert!(
        matches!(&error, FramesError::Image { file, .. } if file == "b.jpg"),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("b.jpg: "));
}

#[test]
fn a_heic_photo_is_refused_by_name() {
    let dir = TempDir::new("heic");
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0; 64]);
    std::fs::write(dir.path().join("IMG_0001.HEIC"), heic).unwrap();
    let error = read_directory(dir.path(), 8, &FrameLimits::default()).unwrap_err();
    assert!(
        matches!(&error, FramesError::Image { source, .. } if source.code() == "unsupported"),
        "{error:?}"
    );
}

#[test]
fn an_image_over_the_side_limit_is_refused_from_its_header() {
    let dir = TempDir::new("huge");
    // A PNG header declaring 60000 × 60000 pixels, with no pixel data.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&60_000u32.to_be_bytes());
    png.extend_from_slice(&60_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    std::fs::write(dir.path().join("0.png"), png).unwrap();
    let error = read_directory(dir.path(), 8, &FrameLimits::default()).unwrap_err();
    assert!(
        matches!(&error, FramesError::Image { source, .. } if ["too_many_pixels", "dimension_too_large"].contains(&source.code())),
        "{error:?}"
    );
}

#[test]
fn a_folder_longer_than_the_duration_limit_is_refused_before_decoding() {
    let dir = TempDir::new("long");
    for i in 0..12 {
        dir.image(&format!("{i:02}.png"), 50, ImageFormat::Png);
    }
    assert_eq!(
        read_directory(dir.path(), 1, &FrameLimits::default()),
        Err(FramesError::TooLong {
            duration_ms: 12_000,
            max_ms: 10_000
        })
    );
}

#[test]
fn a_folder_with_more_files_than_any_sequence_holds_is_refused_unread() {
    let dir = TempDir::new("many");
    let limits = FrameLimits {
        max_duration_ms: 10,
        ..FrameLimits::default()
    };
    // 10 ms at 240 fps: 3 pictures at most.
    for i in 0..5 {
        std::fs::write(dir.path().join(format!("{i}.txt")), "x").unwrap();
    }
    assert!(matches!(
        read_directory(dir.path(), 8, &limits),
        Err(FramesError::TooManyPictures {
            what: "folder",
            max: 3,
            ..
        })
    ));
}

#[test]
fn a_file_over_the_byte_limit_is_refused_unread() {
    let dir = TempDir::new("bytes");
    dir.image("0.png", 10, ImageFormat::Png);
    let limits = FrameLimits {
        max_file_bytes: 20,
        ..FrameLimits::default()
    };
    assert!(matches!(
        read_directory(dir.path(), 8, &limits),
        Err(FramesError::FileTooLarge { max_bytes: 20, .. })
    ));
}

#[test]
fn empty_and_missing_folders_and_a_zero_rate_are_errors() {
    let dir = TempDir::new("empty");
    std::fs::write(dir.path().join("readme"), "no images here").unwrap();
    assert!(matches!(
        read_directory(dir.path(), 8, &FrameLimits::default()),
        Err(FramesError::NoFrames { .. })
    ));
    assert!(matches!(
        read_directory(dir.path(), 0, &FrameLimits::default()),
        Err(FramesError::InvalidArgument { .. })
    ));
    let missing = dir.path().join("absent");
    assert_eq!(
        read_path(&missing, 8, &FrameLimits::default()),
        Err(FramesError::NotFound { path: missing.clone() })
    );
    assert!(matches!(
        read_directory(&missing, 8, &FrameLimits::default()),
        Err(FramesError::NotFound { .. })
    ));
}

#[test]
fn a_folder_is_read_by_path() {
    let dir = TempDir::new("path");
    dir.image("0.png", 10, ImageFormat::Png);
    let sequence = read_path(dir.path(), 8, &FrameLimits::default()).unwrap();
    assert_eq!(sequence.frames.len(), 1);
}

#[test]
fn a_folder_of_fixture_stills_reads() {
    let Some(fixtures) = support::liveness_fixtures("a_folder_of_fixture_stills_reads") else {
        return;
    };
    let stills = fixtures.join("still/genuine_pairs");
    let sequence = read_directory(&stills, 8, &FrameLimits::default()).unwrap();
    assert!(!sequence.frames.is_empty());
    for frame in &sequence.frames {
        assert!(frame.image.width().max(frame.image.height()) <= 960);
    }
}
