//! Resampling an image straight into PP-OCR's input layout (the detector's
//! page and the recogniser's lines).
//!
//! The same triangle (bilinear; a tent as wide as the scale when shrinking)
//! filter as `image::imageops::resize(…, FilterType::Triangle)`, the same
//! weights and the same order of f32 operations, so the tensor is
//! bit-identical to resizing with `image` and then converting; but the
//! weights are computed once per row and column instead of per pixel, taps
//! of weight 0 are skipped, one source row at a time is held in f32 instead
//! of the whole image, and the result goes into the tensor's BGR planes
//! without an intermediate image. A 1500 × 1056 page to the detector's
//! 1504 × 1056 took a median of 94–97 ms through `image` and the conversion,
//! 23 ms here (about a tenth of the detector's whole run before).

use image::RgbImage;

/// The input pixels one output pixel draws on, as (source index, weight),
/// in source order.
type Taps = Vec<(usize, f32)>;

/// The triangle filter's taps for each of `dst` outputs from `src` inputs
/// (`src`, `dst` ≥ 1), computed as `image` computes them. Taps of weight 0
/// are left out: every value is ≥ 0, so adding `0 × v` changes no bit.
fn taps(src: u32, dst: u32) -> Vec<Taps> {
    let ratio = src as f32 / dst as f32;
    let sratio = ratio.max(1.0);
    let support = sratio;
    (0..dst)
        .map(|out| {
            let centre = (out as f32 + 0.5) * ratio;
            let left = ((centre - support).floor() as i64).clamp(0, i64::from(src) - 1);
            let right = ((centre + support).ceil() as i64).clamp(left + 1, i64::from(src));
            let centre = centre - 0.5;
            let weights: Vec<(usize, f32)> = (left..right)
                .map(|i| {
                    let x = ((i as f32 - centre) / sratio).abs();
                    (i as usize, if x < 1.0 { 1.0 - x } else { 0.0 })
                })
                .collect();
            // Normalised over all of them, zeros included, in order, as `image` sums.
            let sum: f32 = weights.iter().fold(0.0, |acc, (_, w)| acc + w);
            weights
                .into_iter()
                .filter(|(_, w)| *w != 0.0)
                .map(|(i, w)| (i, w / sum))
                .collect()
        })
        .collect()
}

/// `(x / 255 − 0.5) / 0.5` for every byte value, computed as the per-pixel
/// formula computes it.
fn normalised() -> [f32; 256] {
    let mut table = [0.0f32; 256];
    for (value, slot) in table.iter_mut().enumerate() {
        *slot = (value as f32 / 255.0 - 0.5) / 0.5;
    }
    table
}

/// Writes `image` resized to `width × height` into `planes`, three planes
/// (B, G, R) of `width × height` values normalised as PP-OCR takes them.
/// Does nothing when `planes` is too small or a size is 0.
pub(crate) fn resize_into_bgr(image: &RgbImage, width: u32, height: u32, planes: &mut [f32]) {
    let (src_w, src_h) = image.dimensions();
    let (w, h) = (width as usize, height as usize);
    let plane = w * h;
    if src_w == 0 || src_h == 0 || plane == 0 {
        return;
    }
    let Some((blue, rest)) = planes.split_at_mut_checked(plane) else {
        return;
    };
    let Some((green, rest)) = rest.split_at_mut_checked(plane) else {
        return;
    };
    let Some(red) = rest.get_mut(..plane) else {
        return;
    };
    let table = normalised();
    let src_row = src_w as usize * 3;
    let pixels = image.as_raw();
    // `image` copies instead of resampling when the size does not change.
    let same_size = (width, height) == (src_w, src_h);
    let (rows, columns) = if same_size {
        let identity = |n: usize| (0..n).map(|i| vec![(i, 1.0)]).collect::<Vec<Taps>>();
        (identity(h), identity(w))
    } else {
        (taps(src_h, height), taps(src_w, width))
    };
    // One output row at a time: the vertical pass (first, as in `image`)
    // into a reused f32 row, then the horizontal pass into the planes.
    let mut tall = vec![0.0f32; src_row];
    for (y, row_taps) in rows.iter().enumerate() {
        tall.fill(0.0);
        for &(source_y, weight) in row_taps {
            if let Some(source) = pixels.get(source_y * src_row..(source_y + 1) * src_row) {
                for (acc, &value) in tall.iter_mut().zip(source) {
                    *acc += f32::from(value) * weight;
                }
            }
        }
        let out = y * w..(y + 1) * w;
        let (Some(b), Some(g), Some(r)) = (blue.get_mut(out.clone()), green.get_mut(out.clone()), red.get_mut(out))
        else {
            continue;
        };
        for (((taps, b), g), r) in columns.iter().zip(b).zip(g).zip(r) {
            let mut rgb = [0.0f32; 3];
            for &(x, weight) in taps {
                if let Some(pixel) = tall.get(3 * x..3 * x + 3) {
                    for (acc, value) in rgb.iter_mut().zip(pixel) {
                        *acc += value * weight;
                    }
                }
            }
            let byte = |v: f32| table[usize::from(to_byte(v))];
            (*b, *g, *r) = (byte(rgb[2]), byte(rgb[1]), byte(rgb[0]));
        }
    }
}

/// `v` clamped to 0..=255 and rounded half away from zero, as `image` rounds
/// (`f32::round` without its library call: the default x86-64 target has no
/// rounding instruction, and this runs three times per pixel).
fn to_byte(v: f32) -> u8 {
    let v = v.clamp(0.0, 255.0);
    // Exact: `v` < 2^23, so the truncation and the fraction are exact.
    let whole = v as u8;
    if v - f32::from(whole) >= 0.5 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::imageops;

    /// What the code did before: `image`'s resize, then per-pixel conversion.
    fn reference(image: &RgbImage, width: u32, height: u32) -> Vec<f32> {
        let resized = imageops::resize(image, width, height, imageops::FilterType::Triangle);
        let plane = (width * height) as usize;
        let mut data = vec![0.0f32; 3 * plane];
        for (i, pixel) in resized.pixels().enumerate() {
            let [r, g, b] = pixel.0;
            for (channel, value) in [b, g, r].into_iter().enumerate() {
                data[channel * plane + i] = (f32::from(value) / 255.0 - 0.5) / 0.5;
            }
        }
        data
    }

    /// A deterministic textured image (no randomness: a hash of the position).
    fn textured(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            let h = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)).wrapping_mul(2_246_822_519);
            image::Rgb([(h >> 24) as u8, (h >> 16) as u8, ((x * 7 + y * 3) % 256) as u8])
        })
    }

    #[test]
    fn bit_identical_to_image_resize_up_down_and_same_size() {
        for (src, dst) in [
            ((150, 105), (160, 112)),
            ((97, 61), (118, 74)),
            ((300, 60), (240, 48)),
            ((41, 90), (16, 48)),
            ((64, 48), (64, 48)),
            ((1, 1), (16, 48)),
            ((500, 13), (1846, 48)),
        ] {
            let image = textured(src.0, src.1);
            let (w, h) = dst;
            let mut planes = vec![0.0f32; 3 * (w * h) as usize];
            resize_into_bgr(&image, w, h, &mut planes);
            let expected = reference(&image, w, h);
            let equal = planes.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(equal, "{src:?} -> {dst:?}");
        }
    }

    #[test]
    fn bytes_round_half_away_from_zero_like_f32_round() {
        for v in [
            0.0f32,
            0.49999997,
            0.5,
            1.5,
            2.5,
            254.49998,
            254.5,
            255.0,
            300.0,
            -3.0,
            f32::NAN,
        ] {
            let expected = if v.is_nan() {
                0
            } else {
                v.clamp(0.0, 255.0).round() as u8
            };
            assert_eq!(to_byte(v), expected, "{v}");
        }
        let mut v = 0.0f32;
        while v <= 255.0 {
            assert_eq!(to_byte(v), v.round() as u8, "{v}");
            v += 0.013;
        }
    }

    #[test]
    fn empty_or_short_buffers_are_left_alone() {
        let mut planes = vec![5.0f32; 10];
        resize_into_bgr(&RgbImage::new(0, 0), 2, 1, &mut planes);
        resize_into_bgr(&textured(4, 4), 8, 8, &mut planes);
        resize_into_bgr(&textured(4, 4), 0, 8, &mut planes);
        assert!(planes.iter().all(|v| *v == 5.0));
    }
}
