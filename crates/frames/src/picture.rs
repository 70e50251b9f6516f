//! Turning a decoded picture into a kept frame: downscaled, then turned upright.

use image::imageops;
use image::RgbImage;

/// How a video track asks its pictures to be shown: the track header's matrix reduced to
/// quarter turns clockwise and a mirror (the transforms a camera app writes). Any other
/// matrix (a scale, a shear, an angle that is not a right angle) is shown as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisplayTransform {
    /// Quarter turns clockwise: 0–3 (1 = 90°, a phone held upright recording).
    pub quarter_turns_cw: u8,
    /// Mirrored left–right after the turn.
    pub mirrored: bool,
}

impl DisplayTransform {
    /// The transform of an ISO BMFF track header matrix `[a b u; c d v; x y w]` (16.16 fixed
    /// point), which maps a stored pixel `(x, y)` to `(a·x + c·y, b·x + d·y)` on screen.
    pub fn from_matrix(a: i32, b: i32, c: i32, d: i32) -> Self {
        let sign = |value: i32| value.signum();
        let zero = |value: i32| value == 0;
        let transform = |quarter_turns_cw, mirrored| DisplayTransform {
            quarter_turns_cw,
            mirrored,
        };
        if zero(b) && zero(c) {
            // Axes kept: identity, left–right mirror, top–bottom mirror (= 180° + mirror), 180°.
            return match (sign(a), sign(d)) {
                (1, 1) => transform(0, false),
                (-1, 1) => transform(0, true),
                (1, -1) => transform(2, true),
                (-1, -1) => transform(2, false),
                _ => DisplayTransform::default(),
            };
        }
        if zero(a) && zero(d) {
            // Axes swapped: x' = c·y, y' = b·x.
            return match (sign(b), sign(c)) {
                (1, -1) => transform(1, false),
                (-1, 1) => transform(3, false),
                (1, 1) => transform(1, true),
                (-1, -1) => transform(3, true),
                _ => DisplayTransform::default(),
            };
        }
        DisplayTransform::default()
    }

    /// Whether width and height trade places.
    pub fn swaps_sides(self) -> bool {
        self.quarter_turns_cw % 2 == 1
    }

    /// The picture as it is meant to be seen.
    pub fn apply(self, image: RgbImage) -> RgbImage {
        let turned = match self.quarter_turns_cw % 4 {
            1 => imageops::rotate90(&image),
            2 => imageops::rotate180(&image),
            3 => imageops::rotate270(&image),
            _ => image,
        };
        if self.mirrored {
            imageops::flip_horizontal(&turned)
        } else {
            turned
        }
    }
}

/// The picture with its long side at most `max_side` (aspect kept, at least 1 pixel a side,
/// never upscaled), each output pixel the area average of the source pixels it covers.
pub(crate) fn downscale(image: RgbImage, max_side: u32) -> RgbImage {
    let (width, height) = image.dimensions();
    let long_side = u64::from(width.max(height));
    let max_side = u64::from(max_side.max(1));
    if long_side <= max_side {
        return image;
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * max_side + long_side / 2) / long_side;
        u32::try_from(scaled.clamp(1, max_side)).unwrap_or(1)
    };
    area_resize(&image, scale(width), scale(height))
}

/// Fixed-point weights summing to this per output pixel.
const WEIGHT_ONE: u32 = 1 << 12;

/// The source pixels an output pixel covers along one axis: the first index and the weight
/// of each (summing to [`WEIGHT_ONE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    start: usize,
    weights: Vec<u32>,
}

/// Area-averaging spans for `from` source pixels onto `to` (≤ `from`) output pixels.
fn spans(from: u32, to: u32) -> Vec<Span> {
    let ratio = f64::from(from) / f64::from(to.max(1));
    (0..to)
        .map(|i| {
            let start = f64::from(i) * ratio;
            let end = (f64::from(i + 1) * ratio).min(f64::from(from));
            let first = start.floor() as usize;
            let last = (end.ceil() as usize).max(first + 1);
            let mut weights: Vec<u32> = (first..last)
                .map(|j| {
                    let covered = end.min(j as f64 + 1.0) - start.max(j as f64);
                    (covered.max(0.0) / (end - start) * f64::from(WEIGHT_ONE)).round() as u32
                })
                .collect();
            // Rounding may leave the sum a little off: the largest weight takes the rest.
            let sum: u32 = weights.iter().sum();
            if let Some(largest) = weights.iter_mut().max() {
                *largest = (*largest + WEIGHT_ONE).saturating_sub(sum);
            }
            Span { start: first, weights }
        })
        .collect()
}

/// Separable area-average resize in fixed point: rows first into 12.4-bit values, then
/// columns. Several times faster than `image`'s float filters, which took a third of a
/// video's decode time.
fn area_resize(image: &RgbImage, to_width: u32, to_height: u32) -> RgbImage {
    let (width, height) = image.dimensions();
    let source = image.as_raw();
    let row_len = width as usize * 3;
    let columns = spans(width, to_width);
    let mut horizontal = vec![0u16; to_width as usize * 3 * height as usize];
    for (source_row, out_row) in source
        .chunks_exact(row_len)
        .zip(horizontal.chunks_exact_mut(to_width as usize * 3))
    {
        for (span, out) in columns.iter().zip(out_row.chunks_exact_mut(3)) {
            let covered = span.start * 3..(span.start + span.weights.len()) * 3;
            let Some(pixels) = source_row.get(covered) else {
                continue;
            };
            let mut sum = [0u32; 3];
            for (pixel, &weight) in pixels.chunks_exact(3).zip(&span.weights) {
                for (total, &value) in sum.iter_mut().zip(pixel) {
                    *total += weight * u32::from(value);
                }
            }
            for (value, total) in out.iter_mut().zip(sum) {
                *value = u16::try_from((total + 128) >> 8).unwrap_or(u16::MAX);
            }
        }
    }
    let out_row_len = to_width as usize * 3;
    let mut pixels = vec![0u8; out_row_len * to_height as usize];
    for (span, out_row) in spans(height, to_height)
        .iter()
        .zip(pixels.chunks_exact_mut(out_row_len))
    {
        let mut sums = vec![0u32; out_row_len];
        for (k, &weight) in span.weights.iter().enumerate() {
            let row_start = (span.start + k) * out_row_len;
            let Some(row) = horizontal.get(row_start..row_start + out_row_len) else {
                continue;
            };
            for (total, &value) in sums.iter_mut().zip(row) {
                *total += weight * u32::from(value);
            }
        }
        for (value, total) in out_row.iter_mut().zip(sums) {
            *value = u8::try_from((total + (1 << 15)) >> 16).unwrap_or(u8::MAX);
        }
    }
    RgbImage::from_raw(to_width, to_height, pixels).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    const ONE: i32 = 0x0001_0000;

    /// A 3×2 picture whose top-left pixel is red, the rest black.
    fn marked() -> RgbImage {
        let mut image = RgbImage::new(3, 2);
        image.put_pixel(0, 0, Rgb([255, 0, 0]));
        image
    }

    fn red_at(image: &RgbImage) -> (u32, u32) {
        image
            .enumerate_pixels()
            .find(|(_, _, p)| p.0 == [255, 0, 0])
            .map(|(x, y, _)| (x, y))
            .unwrap_or((u32::MAX, u32::MAX))
    }

    #[test]
    fn portrait_phone_matrix_turns_clockwise() {
        let transform = DisplayTransform::from_matrix(0, ONE, -ONE, 0);
        assert_eq!(transform.quarter_turns_cw, 1);
        assert!(!transform.mirrored && transform.swaps_sides());
        let shown = transform.apply(marked());
        assert_eq!(shown.dimensions(), (2, 3));
        // Turned clockwise, the top-left corner goes to the top right.
        assert_eq!(red_at(&shown), (1, 0));
    }

    #[test]
    fn every_right_angle_matrix_maps_the_corner_like_the_matrix() {
        for (a, b, c, d) in [
            (ONE, 0, 0, ONE),
            (-ONE, 0, 0, ONE),
            (ONE, 0, 0, -ONE),
            (-ONE, 0, 0, -ONE),
            (0, ONE, -ONE, 0),
            (0, -ONE, ONE, 0),
            (0, ONE, ONE, 0),
            (0, -ONE, -ONE, 0),
        ] {
            let shown = DisplayTransform::from_matrix(a, b, c, d).apply(marked());
            // Where the matrix sends the stored top-left pixel's centre, relative to the
            // picture's centre, decides which corner it lands in.
            let (cx, cy) = (-1.0f64, -0.5f64);
            let (sx, sy) = (
                (f64::from(a) * cx + f64::from(c) * cy).signum(),
                (f64::from(b) * cx + f64::from(d) * cy).signum(),
            );
            let (w, h) = shown.dimensions();
            let expected = (if sx < 0.0 { 0 } else { w - 1 }, if sy < 0.0 { 0 } else { h - 1 });
            assert_eq!(red_at(&shown), expected, "matrix {a} {b} {c} {d}");
        }
    }

    #[test]
    fn other_matrices_show_the_picture_as_stored() {
        assert_eq!(
            DisplayTransform::from_matrix(ONE, ONE, 0, ONE),
            DisplayTransform::default()
        );
        assert_eq!(DisplayTransform::from_matrix(0, 0, 0, 0), DisplayTransform::default());
    }

    #[test]
    fn spans_cover_each_source_pixel_once() {
        for (from, to) in [(1280, 960), (720, 540), (1000, 300), (7, 7), (5, 1)] {
            let spans = spans(from, to);
            assert_eq!(spans.len(), to as usize);
            let mut coverage = vec![0u64; from as usize];
            for span in &spans {
                assert_eq!(span.weights.iter().sum::<u32>(), WEIGHT_ONE, "{from}->{to}");
                for (k, &w) in span.weights.iter().enumerate() {
                    coverage[span.start + k] += u64::from(w);
                }
            }
            // Every source pixel contributes the same total weight (to / from of one output).
            let expected = f64::from(WEIGHT_ONE) * f64::from(to) / f64::from(from);
            assert!(
                coverage.iter().all(|&c| (c as f64 - expected).abs() <= 2.0),
                "{from}->{to}"
            );
        }
    }

    #[test]
    fn area_average_of_stripes_is_their_mean() {
        // Alternating black and white columns halve to mid grey; flat colours stay exact.
        let stripes = RgbImage::from_fn(8, 4, |x, _| {
            if x % 2 == 0 {
                Rgb([0, 0, 0])
            } else {
                Rgb([255, 255, 255])
            }
        });
        let halved = area_resize(&stripes, 4, 2);
        assert!(halved.pixels().all(|p| p.0.iter().all(|&v| (127..=128).contains(&v))));
        let flat = RgbImage::from_pixel(9, 7, Rgb([10, 200, 77]));
        assert!(area_resize(&flat, 4, 3).pixels().all(|p| p.0 == [10, 200, 77]));
    }

    #[test]
    fn downscale_keeps_aspect_and_never_upscales() {
        assert_eq!(downscale(RgbImage::new(720, 1280), 960).dimensions(), (540, 960));
        assert_eq!(downscale(RgbImage::new(640, 480), 960).dimensions(), (640, 480));
        assert_eq!(downscale(RgbImage::new(5000, 1), 960).dimensions(), (960, 1));
        assert_eq!(downscale(RgbImage::new(0, 0), 960).dimensions(), (0, 0));
    }
}
