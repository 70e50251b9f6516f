//! Limits checked from the header, before any pixel is decoded.

use crate::IntakeError;

/// Bounds on what [`crate::intake`] accepts and produces. All are checked from the file's
/// header before decoding, and the decoders are given the same bounds so that a header that
/// lies about the image cannot make them allocate more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeLimits {
    /// Largest upload in bytes. Default 25 MiB: a 12–50 MP phone JPEG is 3–15 MB.
    pub max_bytes: usize,
    /// Largest width × height. Default 100 megapixels: phones reach 200 MP in special modes,
    /// but no document needs more than 100 MP to be read, and a 100 MP RGBA image already
    /// takes 400 MB decoded.
    pub max_pixels: u64,
    /// Longest single side in pixels. Default 20 000: refuses absurd strips (e.g. 100 000 × 10)
    /// that pass the pixel limit.
    pub max_dimension: u32,
    /// Most memory the decoded pixels may take, in bytes (width × height × channels × bytes
    /// per sample, as the header declares them), also handed to the decoders as their
    /// allocation limit. Default 512 MiB: a 100 MP 8-bit RGBA image fits, a 100 MP 16-bit
    /// image does not.
    pub max_decoded_bytes: u64,
    /// Long side of the working copy in pixels (never upscaled). Default 1280. A later stage
    /// that needs more detail (reading the document) calls [`crate::intake`] again with a
    /// larger value: that is how a higher-resolution copy is obtained.
    pub working_max_side: u32,
    /// Longest side of [`crate::Intake::detail`], the centre crop kept at the decoded
    /// resolution (before the downscale to the working copy). Default 512: the 4 × 4 tiles of
    /// 128 pixels the screen-photo check reads, side by side; each detail pixel of a large
    /// JPEG costs a full 8-point IDCT.
    pub detail_max_side: u32,
}

impl Default for IntakeLimits {
    fn default() -> Self {
        IntakeLimits {
            max_bytes: 25 * 1024 * 1024,
            max_pixels: 100_000_000,
            max_dimension: 20_000,
            max_decoded_bytes: 512 * 1024 * 1024,
            working_max_side: 1280,
            detail_max_side: 512,
        }
    }
}

impl IntakeLimits {
    /// Refuses an upload by its byte count alone.
    pub(crate) fn check_byte_len(&self, byte_len: usize) -> Result<(), IntakeError> {
        if byte_len == 0 {
            return Err(IntakeError::Empty);
        }
        if byte_len > self.max_bytes {
            return Err(IntakeError::TooLarge {
                byte_len,
                max_bytes: self.max_bytes,
            });
        }
        Ok(())
    }

    /// Refuses declared dimensions: the pixel count first (the most telling reason for a
    /// decompression bomb), then each side.
    pub(crate) fn check_dimensions(&self, width: u32, height: u32) -> Result<(), IntakeError> {
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(IntakeError::TooManyPixels {
                width,
                height,
                max_pixels: self.max_pixels,
            });
        }
        if width > self.max_dimension || height > self.max_dimension {
            return Err(IntakeError::DimensionTooLarge {
                width,
                height,
                max_dimension: self.max_dimension,
            });
        }
        Ok(())
    }

    /// Refuses a decode whose output would take more than `max_decoded_bytes`.
    pub(crate) fn check_decoded_bytes(&self, needed_bytes: u64) -> Result<(), IntakeError> {
        if needed_bytes > self.max_decoded_bytes {
            return Err(IntakeError::MemoryLimit {
                needed_bytes,
                max_bytes: self.max_decoded_bytes,
            });
        }
        Ok(())
    }

    /// The decoders' own limits: the same bounds as ours.
    pub(crate) fn decoder_limits(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(self.max_dimension);
        limits.max_image_height = Some(self.max_dimension);
        limits.max_alloc = Some(self.max_decoded_bytes);
        limits
    }

    /// Size of the working copy for an image of `width` × `height`: the long side scaled down to
    /// `working_max_side` (at least 1), aspect ratio kept, rounded to the nearest pixel, never
    /// larger than the image.
    pub(crate) fn working_size(&self, width: u32, height: u32) -> (u32, u32) {
        let long_side = u64::from(width.max(height));
        let max_side = u64::from(self.working_max_side.max(1));
        if long_side <= max_side {
            return (width, height);
        }
        let scale = |side: u32| {
            let scaled = (u64::from(side) * max_side + long_side / 2) / long_side;
            u32::try_from(scaled.clamp(1, max_side)).unwrap_or(1)
        };
        (scale(width), scale(height))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_size_keeps_aspect_and_never_upscales() {
        let limits = IntakeLimits::default();
        assert_eq!(limits.working_size(4000, 3000), (1280, 960));
        assert_eq!(limits.working_size(3000, 4000), (960, 1280));
        assert_eq!(limits.working_size(640, 480), (640, 480));
        assert_eq!(limits.working_size(20000, 3), (1280, 1));
        assert_eq!(limits.working_size(1281, 1281), (1280, 1280));
    }

    #[test]
    fn zero_working_side_is_treated_as_one() {
        let limits = IntakeLimits {
            working_max_side: 0,
            ..IntakeLimits::default()
        };
        assert_eq!(limits.working_size(10, 5), (1, 1));
    }

    #[test]
    fn pixel_limit_is_checked_before_side_limit() {
        let limits = IntakeLimits::default();
        assert!(matches!(
            limits.check_dimensions(60_000, 60_000),
            Err(IntakeError::TooManyPixels { .. })
        ));
        assert!(matches!(
            limits.check_dimensions(30_000, 10),
            Err(IntakeError::DimensionTooLarge { .. })
        ));
        assert_eq!(limits.check_dimensions(20_000, 5_000), Ok(()));
    }

    #[test]
    fn byte_limits() {
        let limits = IntakeLimits {
            max_bytes: 10,
            ..IntakeLimits::default()
        };
        assert_eq!(limits.check_byte_len(0), Err(IntakeError::Empty));
        assert_eq!(limits.check_byte_len(10), Ok(()));
        assert!(matches!(limits.check_byte_len(11), Err(IntakeError::TooLarge { .. })));
    }
}
