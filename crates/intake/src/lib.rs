//! Image intake: bytes in (an upload), a decoded, upright, downscaled working copy and the
//! metadata later checks need out. Every image openkyc touches goes through [`intake`]. Pure:
//! no files, no network, no clock, no global state; the same bytes always give the same result.
//!
//! # Rules, in the order they are applied
//!
//! 1. **Size** ([`IntakeLimits::max_bytes`], default 25 MiB): zero bytes is
//!    [`IntakeError::Empty`], more is [`IntakeError::TooLarge`].
//! 2. **Format from magic bytes only.** There are no file names or MIME types here, so a
//!    `.jpg` that is really a WebP is read as WebP. Accepted: JPEG (`FF D8 FF`), PNG
//!    (`89 50 4E 47 0D 0A 1A 0A`), WebP (`RIFF....WEBP`). Recognised and refused as
//!    [`IntakeError::Unsupported`], naming the format: HEIC/HEIF (`....ftyp` brands `heic`,
//!    `heix`, `hevc`, `mif1`, `msf1`, …) with advice to switch the phone to JPEG — there is no
//!    well-kept pure-Rust HEIC (HEVC) decoder — AVIF, GIF, BMP, TIFF, PDF, PSD, JPEG XL and
//!    JPEG 2000. Anything else is [`IntakeError::UnknownFormat`].
//! 3. **Header walk** (own bounded parsers: JPEG marker segments up to the first scan, PNG
//!    chunks, WebP RIFF chunks): dimensions, colour model, bit depth, metadata blocks. No
//!    pixel is decoded yet.
//! 4. **Limits from the header**, before decoding: pixel count ([`IntakeLimits::max_pixels`],
//!    default 100 MP) then each side ([`IntakeLimits::max_dimension`], default 20 000), then
//!    the memory the decoded pixels need ([`IntakeLimits::max_decoded_bytes`], default
//!    512 MiB). A PNG header claiming 60000×60000 is refused here in microseconds. The
//!    decoders get the same bounds (image's `Limits::max_alloc`, jpeg-decoder's
//!    `set_max_decoding_buffer_size`) and their own reading of the dimensions must equal the
//!    header's, so a header that lies cannot make them allocate more.
//! 5. **Refusals by content**: an animated WebP (VP8X animation flag or ANIM/ANMF chunks) or
//!    APNG with more than one frame is [`IntakeError::Animated`] — an animation is not a photo
//!    of a document, and its first frame alone could hide the rest. A file cut short (JPEG
//!    without EOI after the scan, PNG without IEND, WebP shorter than its RIFF size) is
//!    [`IntakeError::Truncated`]: the lower part of the picture would be grey or missing.
//!    Arithmetic-coded, lossless, hierarchical and 12-bit JPEGs are `Unsupported`.
//! 6. **Metadata** ([`Metadata`]): EXIF (JPEG APP1, PNG eXIf, WebP EXIF) through
//!    kamadak-exif, capped at 1 MiB, errors recorded as `exif_error`; XMP `CreatorTool`,
//!    `photoshop:` use and history `softwareAgent`s found by name (not an RDF parse); PNG
//!    `Software` text; ICC profile description (`desc`/`mluc`); JPEG quality estimated from
//!    the luminance quantization table against libjpeg's scaled standard table (see
//!    [`Metadata::jpeg_quality_estimate`]). Every text value is cut to 128 characters.
//! 7. **Decode to a working copy** whose long side is at most
//!    [`IntakeLimits::working_max_side`] (default 1280), never upscaled:
//!    - Baseline grey/YCbCr JPEG (what phones write) at least about 1.5 times the working
//!      size: decoded by this crate's own decoder (module `baseline`, below) at the smallest
//!      of 1/8, 1/4, 1/2 whose output still reaches 3/4 of the working size (a 12 MP photo:
//!      1/4, 1000 × 750 for 1280, taken as it is: no resampling), while the blocks under the
//!      detail patch (rule 8) are also turned into full-size pixels in the same pass. About
//!      a third less work than the rule below; the working copy is then at most 4/3 smaller
//!      than asked for.
//!    - Other JPEG at least twice the working size: reduced in the IDCT domain by the smallest of
//!      1/8, 1/4, 1/2 whose output still covers the working size, so a 12 MP photo is never
//!      decoded at full size. Baseline grey/YCbCr files (what phones write: 4:2:0, 4:2:2,
//!      4:4:0, 4:4:4, restart markers) go through this crate's own single-threaded decoder
//!      (module `baseline`: n-point IDCT of each block's n×n lowest frequencies); anything
//!      else (progressive, CMYK/YCCK, other sampling) through jpeg-decoder's scaled decode
//!      (which hands IDCT rows to helper threads of its own).
//!      CMYK and YCCK become RGB as `R = (255 − C)(255 − K) / 255`.
//!    - JPEG under twice the working size: decoded at full size by the image crate's decoder
//!      (zune-jpeg), the fastest at full size. Each JPEG decoder is the others' fallback.
//!    - PNG and WebP: decoded fully by the image crate (png, image-webp). 16-bit samples are
//!      rounded to 8 bits, grey is replicated, palettes expanded, interlacing undone, and
//!      alpha composited over white (how the image looks on a white page).
//!    - The rest of the way is an area-averaging resize in fixed point (see `resize`).
//! 8. **Detail patch**: before the downscale, the centre of the decoded image (half its width
//!    and half its height, at most [`IntakeLimits::detail_max_side`] per side) is copied out
//!    as [`Intake::detail`]; on the first path of rule 7, the same centre of the photo at
//!    full size. Fine periodic texture (a display's pixel grid, moiré) is averaged away by
//!    any reduction (a reduced JPEG decode is an ideal low-pass); the screen-photo check reads
//!    it here instead. Same decode, no second pass over the file.
//! 9. **EXIF orientation** 1–8 is applied to the working copy after downscaling (cheaper),
//!    and to the detail patch, so that [`Intake::working`] is upright as a person would see
//!    it; [`Intake::width`] and [`Intake::height`] are the full-size dimensions after
//!    orientation.
//!
//! A higher-resolution copy (for reading the document) is obtained by calling [`intake`] again
//! with a larger `working_max_side`.
//!
//! Third-party decoders run inside `catch_unwind`: should one panic on a hostile file, the
//! result is [`IntakeError::Corrupt`], not a crashed service.

mod baseline;
mod decode;
mod error;
mod exif;
mod icc;
mod jpeg;
mod limits;
mod metadata;
mod orient;
mod png;
mod quality;
mod resize;
mod sniff;
mod text;
mod webp;
mod xmp;

use std::fmt;

use image::RgbImage;
use serde::Serialize;

pub use error::IntakeError;
pub use limits::IntakeLimits;
pub use metadata::{ColorModel, Metadata};

/// An accepted container format, as sniffed from the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    /// JPEG (JFIF or EXIF).
    Jpeg,
    /// PNG.
    Png,
    /// WebP (lossy or lossless).
    Webp,
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageFormat::Jpeg => "jpeg",
            ImageFormat::Png => "png",
            ImageFormat::Webp => "webp",
        })
    }
}

/// A decoded upload: its format, full-size dimensions, orientation, the upright working copy
/// and the file's metadata.
#[derive(Debug, Clone)]
pub struct Intake {
    /// Container format, from the magic bytes.
    pub format: ImageFormat,
    /// Full-size width after orientation (as a person sees the photo).
    pub width: u32,
    /// Full-size height after orientation.
    pub height: u32,
    /// EXIF orientation found (1–8; 1 if none or invalid).
    pub orientation: u8,
    /// Upright 8-bit RGB copy, long side at most `working_max_side`.
    pub working: RgbImage,
    /// Upright centre crop at full size or the decoded resolution (see the crate docs, rule 8).
    pub detail: Detail,
    /// What the file says about itself.
    pub metadata: Metadata,
    /// Size of the upload in bytes.
    pub byte_len: usize,
}

/// A centre crop of the photo before any downscale: at full size for a baseline JPEG (a
/// 12 MP photo: its centre 512 × 512 pixels, decoded in the same pass as the 1/4-scale
/// working copy) and for anything decoded at full size; a progressive or CMYK JPEG decoded at
/// reduced scale gives a crop of that reduced image.
#[derive(Debug, Clone)]
pub struct Detail {
    /// Upright RGB pixels.
    pub image: RgbImage,
    /// Detail pixels per full-size pixel (1.0 when decoded at full size).
    pub scale: f32,
}

impl Intake {
    /// Working-copy pixels per full-size pixel (1.0 when no downscaling was needed): multiply a
    /// full-size coordinate by this to find it in [`Intake::working`], divide to go back.
    pub fn working_scale(&self) -> f32 {
        if self.width == 0 {
            return 0.0;
        }
        self.working.width() as f32 / self.width as f32
    }
}

/// Takes in an upload: sniffs the format, checks the limits from the header, reads the
/// metadata, decodes a downscaled working copy and turns it upright. Never panics; any input
/// gives a value or an [`IntakeError`], with work bounded by the limits.
pub fn intake(bytes: &[u8], limits: &IntakeLimits) -> Result<Intake, IntakeError> {
    limits.check_byte_len(bytes.len())?;
    let format = sniff::sniff(bytes)?;
    let decode::Upload {
        decoded,
        metadata,
        orientation,
    } = match format {
        ImageFormat::Jpeg => jpeg::read(bytes, limits)?,
        ImageFormat::Png => png::read(bytes, limits)?,
        ImageFormat::Webp => webp::read(bytes, limits)?,
    };
    let (mut target_width, mut target_height) = limits.working_size(decoded.width, decoded.height);
    let (detail_image, detail_scale) = match decoded.detail {
        Some(detail) => detail,
        None => {
            let scale = if decoded.width == 0 {
                0.0
            } else {
                decoded.image.width() as f32 / decoded.width as f32
            };
            (centre_crop(&decoded.image, limits.detail_max_side), scale)
        }
    };
    let detail = Detail {
        scale: detail_scale,
        image: orient::apply(detail_image, orientation),
    };
    // A decoder that already reduced the photo to a little under the working size (rule 7)
    // is taken as it is: never upscaled.
    if decoded.image.width() < target_width || decoded.image.height() < target_height {
        (target_width, target_height) = decoded.image.dimensions();
    }
    let working = resize::resize_area(decoded.image, target_width, target_height);
    let working = orient::apply(working, orientation);
    let (width, height) = if orient::swaps_axes(orientation) {
        (decoded.height, decoded.width)
    } else {
        (decoded.width, decoded.height)
    };
    Ok(Intake {
        format,
        width,
        height,
        orientation,
        working,
        detail,
        metadata,
        byte_len: bytes.len(),
    })
}

/// The middle half of an image of `width` × `height` in each direction, at most `max_side`
/// pixels per side (at least one pixel of a non-empty image): `(x, y, width, height)`.
pub(crate) fn centre_window(width: u32, height: u32, max_side: u32) -> (u32, u32, u32, u32) {
    let side = |len: u32| (len / 2).clamp(len.min(1), max_side.max(1).min(len.max(1)));
    let (crop_width, crop_height) = (side(width), side(height));
    (
        (width - crop_width.min(width)) / 2,
        (height - crop_height.min(height)) / 2,
        crop_width,
        crop_height,
    )
}

/// The middle half of `image` in each direction, at most `max_side` pixels per side (at least
/// one pixel of a non-empty image).
fn centre_crop(image: &RgbImage, max_side: u32) -> RgbImage {
    let (width, height) = image.dimensions();
    let (x, y, crop_width, crop_height) = centre_window(width, height, max_side);
    // Row by row with slice copies: the generic sub-image copy goes pixel by pixel.
    let (row_bytes, start, end) = (width as usize * 3, x as usize * 3, (x + crop_width) as usize * 3);
    let mut pixels = Vec::with_capacity(crop_width as usize * crop_height as usize * 3);
    for row in image
        .as_raw()
        .chunks_exact(row_bytes.max(1))
        .skip(y as usize)
        .take(crop_height as usize)
    {
        pixels.extend_from_slice(row.get(start..end).unwrap_or_default());
    }
    RgbImage::from_raw(crop_width, crop_height, pixels).unwrap_or_else(|| RgbImage::new(crop_width, crop_height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn centre_crop_takes_the_middle_half_capped() {
        let image = RgbImage::from_fn(400, 200, |x, y| Rgb([(x / 2) as u8, y as u8, 0]));
        let crop = centre_crop(&image, 1024);
        assert_eq!(crop.dimensions(), (200, 100));
        assert_eq!(crop.get_pixel(0, 0), image.get_pixel(100, 50));
        let capped = centre_crop(&image, 64);
        assert_eq!(capped.dimensions(), (64, 64));
        assert_eq!(capped.get_pixel(0, 0), image.get_pixel(168, 68));
        assert_eq!(centre_crop(&RgbImage::new(1, 1), 1024).dimensions(), (1, 1));
        assert_eq!(centre_crop(&RgbImage::new(0, 5), 1024).dimensions(), (0, 2));
    }

    #[test]
    fn the_detail_patch_of_a_large_jpeg_is_at_full_size() {
        // A 3000×2000 JPEG: the working copy comes from the 1/2-scale decode (1500×1000 →
        // 1280×853); the detail patch is the centre 512×512 at full size, fine texture kept.
        let image = RgbImage::from_fn(3000, 2000, |x, y| Rgb([(x % 7 * 30) as u8, (y % 5 * 40) as u8, 128]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&image)
            .unwrap();
        let taken = intake(&jpeg, &IntakeLimits::default()).unwrap();
        assert_eq!(taken.working.dimensions(), (1280, 853));
        assert_eq!(taken.detail.image.dimensions(), (512, 512));
        assert!((taken.detail.scale - 1.0).abs() < 1e-6);
        let (x0, y0) = ((3000 - 512) / 2, (2000 - 512) / 2);
        let mut error = 0u64;
        for (x, y, pixel) in taken.detail.image.enumerate_pixels() {
            let original = image.get_pixel(x0 + x, y0 + y);
            error += pixel
                .0
                .iter()
                .zip(original.0)
                .map(|(a, b)| u64::from(a.abs_diff(b)))
                .sum::<u64>();
        }
        let mean = error as f64 / (512.0 * 512.0 * 3.0);
        assert!(
            mean < 12.0,
            "mean error {mean:.1}: the 7-px and 5-px stripes must survive"
        );
    }
}
