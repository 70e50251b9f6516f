//! Bounds on what a frame sequence may be, checked before decoding.

use crate::FramesError;

/// The highest source frame rate a sequence is assumed to have (phones' slow-motion modes).
/// With the duration limit it bounds how many pictures a source may declare: a track claiming
/// millions of samples is refused before one is read.
pub const MAX_SOURCE_FPS: u64 = 240;

/// Bounds on the input and on the sequence produced. The defaults fit an active liveness
/// challenge: 5–10 fps for up to about 8 s, analysed by face models that work far below
/// 960 pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameLimits {
    /// Largest video file, or image file of a folder, in bytes. Default 64 MiB (10 s of
    /// 1080p phone video at 20 Mbit/s is 25 MB).
    pub max_file_bytes: u64,
    /// Longest sequence in milliseconds; a longer one is refused from its header. Default
    /// 10 000.
    pub max_duration_ms: u32,
    /// Most frames kept; decoding stops once they are. Default 80 (10 s at 8 fps).
    pub max_frames: usize,
    /// Longest side of a decoded picture, as declared by the headers (container and H.264
    /// sequence parameter set, or image header); a larger one is refused, never decoded.
    /// Default 1920 (1080p in either orientation).
    pub max_decoded_side: u32,
    /// Frames kept per second of the source: the first frame at or after each 1/fps slot,
    /// by the frames' own timestamps, so never more than the source has. Default 8.
    pub target_fps: u32,
    /// Longest side of a kept frame; larger ones are downscaled (never upscaled). Default
    /// 960.
    pub max_side: u32,
}

impl Default for FrameLimits {
    fn default() -> Self {
        FrameLimits {
            max_file_bytes: 64 * 1024 * 1024,
            max_duration_ms: 10_000,
            max_frames: 80,
            max_decoded_side: 1920,
            target_fps: 8,
            max_side: 960,
        }
    }
}

impl FrameLimits {
    /// Most pictures a source may hold (video samples, image files in a folder): the duration
    /// limit at [`MAX_SOURCE_FPS`], plus one.
    pub fn max_source_pictures(&self) -> u64 {
        u64::from(self.max_duration_ms) * MAX_SOURCE_FPS / 1000 + 1
    }

    /// Refuses limits that cannot produce a sequence.
    pub(crate) fn check(&self) -> Result<(), FramesError> {
        if self.target_fps == 0 {
            return Err(FramesError::InvalidArgument {
                message: "the target frame rate must be at least 1".into(),
            });
        }
        if self.max_frames == 0 || self.max_side == 0 {
            return Err(FramesError::InvalidArgument {
                message: "max_frames and max_side must be at least 1".into(),
            });
        }
        Ok(())
    }

    pub(crate) fn check_file_len(&self, byte_len: u64) -> Result<(), FramesError> {
        if byte_len > self.max_file_bytes {
            return Err(FramesError::FileTooLarge {
                byte_len,
                max_bytes: self.max_file_bytes,
            });
        }
        Ok(())
    }

    pub(crate) fn check_dimensions(&self, width: u32, height: u32) -> Result<(), FramesError> {
        if width > self.max_decoded_side || height > self.max_decoded_side {
            return Err(FramesError::DimensionsTooLarge {
                width,
                height,
                max_side: self.max_decoded_side,
            });
        }
        Ok(())
    }

    pub(crate) fn check_duration(&self, duration_ms: u64) -> Result<(), FramesError> {
        if duration_ms > u64::from(self.max_duration_ms) {
            return Err(FramesError::TooLong {
                duration_ms,
                max_ms: self.max_duration_ms,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fit_a_challenge() {
        let limits = FrameLimits::default();
        assert_eq!(limits.check(), Ok(()));
        assert_eq!(limits.max_source_pictures(), 2401);
        assert!(limits.check_duration(10_000).is_ok());
        assert!(matches!(
            limits.check_duration(10_001),
            Err(FramesError::TooLong { .. })
        ));
        assert!(limits.check_dimensions(1080, 1920).is_ok());
        assert!(matches!(
            limits.check_dimensions(3840, 2160),
            Err(FramesError::DimensionsTooLarge { .. })
        ));
    }

    #[test]
    fn zero_rate_is_refused() {
        let limits = FrameLimits {
            target_fps: 0,
            ..FrameLimits::default()
        };
        assert!(matches!(limits.check(), Err(FramesError::InvalidArgument { .. })));
    }
}
