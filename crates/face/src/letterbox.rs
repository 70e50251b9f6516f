//! Fitting an image of any size into the detector's fixed input, keeping its
//! aspect ratio, and mapping detector coordinates back to the image.
//!
//! The image is resampled with a separable triangle filter (bilinear when
//! enlarging; when shrinking, a tent as wide as the scale, so every source
//! pixel contributes, as `image::imageops::resize(…, FilterType::Triangle)`
//! does) straight into the tensor's RGB planes, centred, the rest left 0
//! (black). Rows are filtered first vertically into one f32 row, then
//! horizontally, so the work is linear in the source's pixel count and the
//! memory beyond the tensor is one source row: a 12-MP photo costs a few
//! passes over its bytes and never a second full-size copy.

use image::RgbImage;
use openkyc_infer::Tensor;

use crate::FaceError;

/// How an image was placed into the detector's input: the scale on each
/// axis (they differ only by rounding) and the padding before the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Letterbox {
    /// The source image's width and height in pixels.
    pub image_size: [u32; 2],
    /// The input's width and height (the model's fixed size).
    pub input_size: [u32; 2],
    /// The resampled image's width and height inside the input.
    pub placed_size: [u32; 2],
    /// The left and top padding in input pixels.
    pub offset: [u32; 2],
}

impl Letterbox {
    /// The placement of a `image_w × image_h` image into `input_w × input_h`:
    /// the largest size with the same aspect ratio that fits (each side at
    /// least 1 px), centred. `None` when a side of either is 0.
    pub fn fit(image_w: u32, image_h: u32, input_w: u32, input_h: u32) -> Option<Self> {
        if image_w == 0 || image_h == 0 || input_w == 0 || input_h == 0 {
            return None;
        }
        let scale = (f64::from(input_w) / f64::from(image_w)).min(f64::from(input_h) / f64::from(image_h));
        let placed = |side: u32, limit: u32| ((f64::from(side) * scale).round() as u32).clamp(1, limit);
        let placed_w = placed(image_w, input_w);
        let placed_h = placed(image_h, input_h);
        Some(Self {
            image_size: [image_w, image_h],
            input_size: [input_w, input_h],
            placed_size: [placed_w, placed_h],
            offset: [(input_w - placed_w) / 2, (input_h - placed_h) / 2],
        })
    }

    /// Input pixels per image pixel, horizontally and vertically.
    pub fn scale(&self) -> [f32; 2] {
        [
            self.placed_size[0] as f32 / self.image_size[0] as f32,
            self.placed_size[1] as f32 / self.image_size[1] as f32,
        ]
    }

    /// A point in input coordinates (continuous, pixel corners at integers)
    /// in image coordinates.
    pub fn to_image(&self, point: [f32; 2]) -> [f32; 2] {
        let [sx, sy] = self.scale();
        [
            (point[0] - self.offset[0] as f32) / sx,
            (point[1] - self.offset[1] as f32) / sy,
        ]
    }

    /// The image resampled into a `[1, 3, input_h, input_w]` tensor of RGB
    /// values 0–255, padding 0. `image` must be the size this placement was
    /// made for.
    pub fn tensor(&self, image: &RgbImage) -> Result<Tensor, FaceError> {
        if image.dimensions() != (self.image_size[0], self.image_size[1]) {
            return Err(FaceError::InvalidInput(format!(
                "image is {}×{} but the letterbox was fitted for {}×{}",
                image.width(),
                image.height(),
                self.image_size[0],
                self.image_size[1]
            )));
        }
        let [input_w, input_h] = self.input_size.map(|v| v as usize);
        let plane = input_w * input_h;
        let mut tensor = Tensor::zeros(vec![1, 3, input_h, input_w])?;
        let data = tensor.data_mut();
        let columns = triangle_taps(self.image_size[0], self.placed_size[0]);
        let rows = triangle_taps(self.image_size[1], self.placed_size[1]);
        let source_w = self.image_size[0] as usize;
        let mut row = vec![0.0f32; source_w * 3];
        let raw = image.as_raw();
        for (out_y, row_taps) in rows.iter().enumerate() {
            row.fill(0.0);
            for &(source_y, weight) in row_taps {
                let start = source_y * source_w * 3;
                let Some(source) = raw.get(start..start + source_w * 3) else {
                    continue;
                };
                for (acc, &value) in row.iter_mut().zip(source) {
                    *acc += weight * f32::from(value);
                }
            }
            let y = out_y + self.offset[1] as usize;
            for (out_x, column_taps) in columns.iter().enumerate() {
                let mut rgb = [0.0f32; 3];
                for &(source_x, weight) in column_taps {
                    if let Some(pixel) = row.get(source_x * 3..source_x * 3 + 3) {
                        for (channel, &value) in rgb.iter_mut().zip(pixel) {
                            *channel += weight * value;
                        }
                    }
                }
                let index = y * input_w + out_x + self.offset[0] as usize;
                for (channel, value) in rgb.into_iter().enumerate() {
                    if let Some(slot) = data.get_mut(channel * plane + index) {
                        *slot = value.clamp(0.0, 255.0);
                    }
                }
            }
        }
        Ok(tensor)
    }
}

/// For each of `dst` outputs, the (source index, weight) pairs of the
/// triangle filter over `src` inputs (`src`, `dst` ≥ 1), weights summing to
/// 1, zero weights left out.
fn triangle_taps(src: u32, dst: u32) -> Vec<Vec<(usize, f32)>> {
    let ratio = src as f32 / dst.max(1) as f32;
    let support = ratio.max(1.0);
    let last = i64::from(src.max(1)) - 1;
    (0..dst)
        .map(|out| {
            let centre = (out as f32 + 0.5) * ratio;
            let left = ((centre - support).floor() as i64).clamp(0, last);
            let right = ((centre + support).ceil() as i64).clamp(left + 1, last + 1);
            let taps: Vec<(usize, f32)> = (left..right)
                .filter_map(|i| {
                    let distance = ((i as f32 - (centre - 0.5)) / support).abs();
                    (distance < 1.0).then_some((i as usize, 1.0 - distance))
                })
                .collect();
            let sum: f32 = taps.iter().map(|(_, w)| w).sum();
            if sum > 0.0 {
                taps.into_iter().map(|(i, w)| (i, w / sum)).collect()
            } else {
                // Unreachable for src, dst ≥ 1 (the nearest source pixel is
                // always within the support), kept so no output is undefined.
                vec![(((centre as i64).clamp(0, last)) as usize, 1.0)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_the_aspect_ratio_and_centres() {
        let wide = Letterbox::fit(1600, 600, 800, 480).unwrap();
        assert_eq!(wide.placed_size, [800, 300]);
        assert_eq!(wide.offset, [0, 90]);
        let tall = Letterbox::fit(300, 600, 800, 480).unwrap();
        assert_eq!(tall.placed_size, [240, 480]);
        assert_eq!(tall.offset, [280, 0]);
        assert!(Letterbox::fit(0, 10, 800, 480).is_none());
        let sliver = Letterbox::fit(100_000, 1, 800, 480).unwrap();
        assert_eq!(sliver.placed_size, [800, 1]);
    }

    #[test]
    fn to_image_inverts_the_placement() {
        let lb = Letterbox::fit(300, 600, 800, 480).unwrap();
        let [x, y] = lb.to_image([280.0 + 120.0, 240.0]);
        assert!((x - 150.0).abs() < 1e-3 && (y - 300.0).abs() < 1e-3, "{x} {y}");
    }

    #[test]
    fn taps_sum_to_one_when_shrinking_and_enlarging() {
        for (src, dst) in [(10, 3), (3, 10), (1, 7), (7, 1), (800, 800)] {
            for taps in triangle_taps(src, dst) {
                let sum: f32 = taps.iter().map(|(_, w)| w).sum();
                assert!((sum - 1.0).abs() < 1e-5, "{src}->{dst}: {taps:?}");
                assert!(taps.iter().all(|&(i, _)| i < src as usize));
            }
        }
    }

    #[test]
    fn tensor_holds_the_image_centred_with_black_padding() {
        let image = RgbImage::from_pixel(300, 600, image::Rgb([10, 20, 30]));
        let lb = Letterbox::fit(300, 600, 800, 480).unwrap();
        let t = lb.tensor(&image).unwrap();
        assert_eq!(t.shape(), &[1, 3, 480, 800]);
        // Rounded to 1e-3: the weights sum to 1 only up to f32 rounding.
        let at = |c: usize, y: usize, x: usize| (t.data()[c * 480 * 800 + y * 800 + x] * 1e3).round() / 1e3;
        assert_eq!([at(0, 240, 400), at(1, 240, 400), at(2, 240, 400)], [10.0, 20.0, 30.0]);
        assert_eq!(at(0, 240, 279), 0.0);
        assert_eq!(at(0, 240, 280), 10.0);
        assert_eq!(at(2, 0, 519), 30.0);
        assert_eq!(at(2, 0, 520), 0.0);
    }

    #[test]
    fn tensor_refuses_an_image_of_another_size() {
        let lb = Letterbox::fit(30, 60, 800, 480).unwrap();
        assert!(lb.tensor(&RgbImage::new(31, 60)).is_err());
    }
}
