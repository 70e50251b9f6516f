//! Shared decoding helpers: the decoded result, panic containment, error mapping and the
//! conversion of any decoded colour type to 8-bit RGB.

use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{DynamicImage, ImageError, RgbImage, RgbaImage};

use crate::{ImageFormat, IntakeError, Metadata};

/// Pixels as decoded (possibly already reduced by the decoder) and the stored dimensions.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// RGB pixels, not yet oriented; at least as large as the working copy.
    pub image: RgbImage,
    /// Full stored width (before orientation).
    pub width: u32,
    /// Full stored height (before orientation).
    pub height: u32,
    /// The detail patch (see the crate docs, rule 8) when the decoder produced it itself at a
    /// larger scale than `image`, with its scale (detail pixels per full-size pixel); `None`
    /// when it is to be cut from `image`.
    pub detail: Option<(RgbImage, f32)>,
}

/// What a format module hands back: the pixels, the metadata, the EXIF orientation (1–8).
#[derive(Debug)]
pub(crate) struct Upload {
    pub decoded: Decoded,
    pub metadata: Metadata,
    pub orientation: u8,
}

/// Runs a third-party decoder so that a bug in it (a panic on some hostile file) becomes a
/// `Corrupt` error instead of taking the whole service down. Our own code does not panic;
/// this guards code we do not control.
pub(crate) fn guarded<T>(
    format: ImageFormat,
    decode: impl FnOnce() -> Result<T, IntakeError>,
) -> Result<T, IntakeError> {
    catch_unwind(AssertUnwindSafe(decode))
        .unwrap_or_else(|_| Err(IntakeError::corrupt(format, "the decoder failed on this file")))
}

/// Maps an image-crate error to ours.
pub(crate) fn image_error(format: ImageFormat, error: ImageError) -> IntakeError {
    match error {
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            IntakeError::truncated(format, "the image data ends early")
        }
        ImageError::Unsupported(unsupported) => IntakeError::unsupported(
            format.to_string(),
            format!("this {format} file uses a feature that is not supported ({unsupported}); please send an ordinary photo"),
        ),
        other => IntakeError::corrupt(format, other.to_string()),
    }
}

/// Any decoded image as 8-bit RGB. 16-bit samples are rounded to 8 bits; grey is replicated;
/// alpha is composited over white, as the image would look on a white page (a transparent
/// pixel has no colour of its own, and white keeps it from looking like dark ink).
pub(crate) fn to_rgb(image: DynamicImage) -> RgbImage {
    match image {
        DynamicImage::ImageRgb8(rgb) => rgb,
        DynamicImage::ImageLuma8(gray) => {
            let (width, height) = gray.dimensions();
            let rgb: Vec<u8> = gray.as_raw().iter().flat_map(|&g| [g, g, g]).collect();
            RgbImage::from_raw(width, height, rgb).unwrap_or_else(|| RgbImage::new(width, height))
        }
        DynamicImage::ImageRgba8(rgba) => flatten_on_white(&rgba),
        other if other.color().has_alpha() => flatten_on_white(&other.to_rgba8()),
        other => other.to_rgb8(),
    }
}

fn flatten_on_white(rgba: &RgbaImage) -> RgbImage {
    let (width, height) = rgba.dimensions();
    let mut rgb = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
    for pixel in rgba.as_raw().chunks_exact(4) {
        if let &[r, g, b, a] = pixel {
            let alpha = u32::from(a);
            let over_white = |c: u8| {
                let blended = u32::from(c) * alpha + 255 * (255 - alpha);
                u8::try_from((blended + 127) / 255).unwrap_or(u8::MAX)
            };
            rgb.extend_from_slice(&[over_white(r), over_white(g), over_white(b)]);
        }
    }
    RgbImage::from_raw(width, height, rgb).unwrap_or_else(|| RgbImage::new(width, height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, LumaA, Rgb, Rgba};

    #[test]
    fn alpha_is_composited_over_white() {
        let rgba = RgbaImage::from_pixel(2, 1, Rgba([0, 0, 0, 0]));
        assert_eq!(
            to_rgb(DynamicImage::ImageRgba8(rgba)).get_pixel(0, 0),
            &Rgb([255, 255, 255])
        );
        let half = RgbaImage::from_pixel(1, 1, Rgba([0, 100, 255, 128]));
        assert_eq!(
            to_rgb(DynamicImage::ImageRgba8(half)).get_pixel(0, 0),
            &Rgb([127, 177, 255])
        );
        let gray_alpha: ImageBuffer<LumaA<u8>, Vec<u8>> = ImageBuffer::from_pixel(1, 1, LumaA([10, 255]));
        assert_eq!(
            to_rgb(DynamicImage::ImageLumaA8(gray_alpha)).get_pixel(0, 0),
            &Rgb([10, 10, 10])
        );
    }

    #[test]
    fn sixteen_bit_is_rounded() {
        let deep: ImageBuffer<Rgb<u16>, Vec<u16>> = ImageBuffer::from_pixel(1, 1, Rgb([65535, 0, 32896]));
        assert_eq!(
            to_rgb(DynamicImage::ImageRgb16(deep)).get_pixel(0, 0),
            &Rgb([255, 0, 128])
        );
    }

    #[test]
    fn a_panicking_decoder_becomes_corrupt() {
        let result: Result<(), IntakeError> = guarded(ImageFormat::Png, || panic!("decoder bug"));
        assert!(matches!(result, Err(IntakeError::Corrupt { .. })));
    }
}
