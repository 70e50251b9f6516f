//! Downscaling by area averaging (a box filter with exact fractional coverage), in fixed point.
//!
//! Each output pixel is the average of the source area it covers, source pixels that are only
//! partly covered weighted by the covered fraction. Separable: for each output row the source
//! rows it covers are combined into one 8.8 fixed-point row, then that row's pixels are
//! combined into output pixels. Weights sum exactly to one fixed-point unit per output pixel,
//! so a flat image stays exactly flat. One row buffer of allocation, no floating point.
//!
//! Speed: the row pass runs on 16-bit lanes (weights in 1/256, which SSE2/NEON multiply 8 or
//! more at a time) whenever an output row covers at most [`MAX_NARROW_TAPS`] source rows — a
//! downscale of at most 3× vertically, which is every JPEG after the decoder's own IDCT
//! scaling. Larger reductions (big PNG/WebP) use 32-bit lanes with weights in 1/16384, where
//! 1/256 would round each of many small weights too coarsely. The pixel pass always uses
//! weights in 1/16384.

use image::RgbImage;

/// Row passes covering at most this many source rows use 8-bit weights on 16-bit lanes.
const MAX_NARROW_TAPS: usize = 4;
const NARROW_BITS: u32 = 8;
const WIDE_BITS: u32 = 14;
/// The pixel pass removes the 8 fractional bits of the row buffer and its own 14 weight bits.
const OUT_SHIFT: u32 = WIDE_BITS + 8;

/// Source pixels (first index and weights) that make up each output coordinate along one axis.
struct AxisTaps {
    starts: Vec<usize>,
    /// `taps_per_output` weights per output coordinate (zero-padded), summing to `1 << bits`.
    weights: Vec<u32>,
    taps_per_output: usize,
}

impl AxisTaps {
    /// Output `o` covers `[o·source, (o+1)·source)` and source pixel `i` covers
    /// `[i·output, (i+1)·output)`, in units of 1/(source · output) pixel; a weight is the
    /// overlap's share of the output's span, in units of 2^-`bits`.
    fn new(source: usize, output: usize, bits: u32) -> Self {
        let one = 1u32 << bits;
        let taps_per_output = source.div_ceil(output.max(1)) + 1;
        let mut starts = Vec::with_capacity(output);
        let mut weights = vec![0u32; output * taps_per_output];
        for (o, row) in weights.chunks_exact_mut(taps_per_output).enumerate() {
            let (lo, hi) = (o * source, (o + 1) * source);
            let first = lo / output;
            starts.push(first);
            let mut given = 0u32;
            let (mut largest, mut largest_weight) = (0usize, 0u32);
            for (tap, slot) in row.iter_mut().enumerate() {
                let i = first + tap;
                let overlap = hi.min((i + 1) * output).saturating_sub(lo.max(i * output));
                if overlap == 0 || i >= source {
                    break;
                }
                let scaled = (overlap as u64 * u64::from(one) + source as u64 / 2) / source as u64;
                *slot = u32::try_from(scaled).unwrap_or(one);
                given += *slot;
                if *slot > largest_weight {
                    (largest, largest_weight) = (tap, *slot);
                }
            }
            // Rounding may leave the sum a little off one unit: settle it on the largest tap.
            if let Some(weight) = row.get_mut(largest) {
                *weight = (*weight + one).saturating_sub(given);
            }
        }
        AxisTaps {
            starts,
            weights,
            taps_per_output,
        }
    }

    fn taps(&self, output: usize) -> (usize, &[u32]) {
        let start = self.starts.get(output).copied().unwrap_or(0);
        let from = output * self.taps_per_output;
        let weights = self.weights.get(from..from + self.taps_per_output).unwrap_or_default();
        (start, weights)
    }
}

/// Resizes `source` to `width` × `height` by area averaging. Meant for downscaling; an axis
/// that grows (by a pixel of rounding, after a decoder's own scaling) is filled by the same
/// coverage rule. The same size returns the source unchanged; a zero-sized target or source
/// gives an image of the target size.
pub(crate) fn resize_area(source: RgbImage, width: u32, height: u32) -> RgbImage {
    let (src_w, src_h) = source.dimensions();
    if (src_w, src_h) == (width, height) {
        return source;
    }
    if width == 0 || height == 0 || src_w == 0 || src_h == 0 {
        return RgbImage::new(width, height);
    }
    let (src_w, src_h, out_w, out_h) = (src_w as usize, src_h as usize, width as usize, height as usize);
    let columns = AxisTaps::new(src_w, out_w, WIDE_BITS);
    let row_taps = src_h.div_ceil(out_h) + 1;
    let narrow = row_taps <= MAX_NARROW_TAPS;
    let rows = AxisTaps::new(src_h, out_h, if narrow { NARROW_BITS } else { WIDE_BITS });
    let src = source.as_raw();
    let stride = src_w * 3;
    // 8.8 fixed-point row, padded by one set of taps so pixel windows never run off the end.
    let mut mid = vec![0u16; stride + columns.taps_per_output * 3];
    let mut wide_sums = if narrow { Vec::new() } else { vec![0u32; stride] };
    let mut out = vec![0u8; out_w * out_h * 3];
    for (y, out_row) in out.chunks_exact_mut(out_w * 3).enumerate() {
        let (first_row, weights) = rows.taps(y);
        let source_rows = weights.iter().enumerate().filter_map(|(tap, &weight)| {
            let from = (first_row + tap) * stride;
            src.get(from..from + stride)
                .filter(|_| weight != 0)
                .map(|row| (row, weight))
        });
        let row = mid.get_mut(..stride).unwrap_or_default();
        if narrow {
            narrow_row_pass(source_rows, row);
        } else {
            wide_row_pass(source_rows, &mut wide_sums, row);
        }
        pixel_pass(&mid, &columns, out_row);
    }
    RgbImage::from_raw(width, height, out).unwrap_or_else(|| RgbImage::new(width, height))
}

/// Weighted sum of source rows with weights in 1/256: `255 × 256` fits 16 bits, and the sum is
/// directly the 8.8 fixed-point row.
fn narrow_row_pass<'a>(rows: impl Iterator<Item = (&'a [u8], u32)>, mid: &mut [u16]) {
    mid.fill(0);
    for (row, weight) in rows {
        let weight = weight.min(1 << NARROW_BITS) as u16;
        for (sum, &value) in mid.iter_mut().zip(row) {
            *sum = sum.wrapping_add(u16::from(value) * weight);
        }
    }
}

/// Weighted sum of source rows with weights in 1/16384, reduced to the 8.8 fixed-point row.
fn wide_row_pass<'a>(rows: impl Iterator<Item = (&'a [u8], u32)>, sums: &mut [u32], mid: &mut [u16]) {
    sums.fill(0);
    for (row, weight) in rows {
        // Both factors fit 16 bits (weights are at most 2^14): lets the compiler use 16-bit
        // multiplies with 32-bit results, about twice as fast as 32-bit ones.
        let weight = weight.min(1 << WIDE_BITS) as u16;
        for (sum, &value) in sums.iter_mut().zip(row) {
            *sum += u32::from(u16::from(value)) * u32::from(weight);
        }
    }
    const SHIFT: u32 = WIDE_BITS - 8;
    for (m, &sum) in mid.iter_mut().zip(sums.iter()) {
        *m = ((sum + (1 << (SHIFT - 1))) >> SHIFT).min(u32::from(u16::MAX)) as u16;
    }
}

/// Combines one 8.8 fixed-point row into output pixels. Three taps (a reduction of up to 2×,
/// every JPEG after the decoder's IDCT scaling) get an unrolled loop of their own.
fn pixel_pass(mid: &[u16], columns: &AxisTaps, out_row: &mut [u8]) {
    if columns.taps_per_output != 3 {
        return pixel_pass_any(mid, columns, out_row);
    }
    let outputs = out_row
        .chunks_exact_mut(3)
        .zip(&columns.starts)
        .zip(columns.weights.chunks_exact(3));
    for ((pixel, &start), weights) in outputs {
        let (Some(&[r0, g0, b0, r1, g1, b1, r2, g2, b2]), &[w0, w1, w2]) = (mid.get(start * 3..start * 3 + 9), weights)
        else {
            continue;
        };
        let channel = |a: u16, b: u16, c: u16| {
            let sum = u32::from(a) * w0 + u32::from(b) * w1 + u32::from(c) * w2;
            ((sum + (1 << (OUT_SHIFT - 1))) >> OUT_SHIFT).min(255) as u8
        };
        pixel.copy_from_slice(&[channel(r0, r1, r2), channel(g0, g1, g2), channel(b0, b1, b2)]);
    }
}

fn pixel_pass_any(mid: &[u16], columns: &AxisTaps, out_row: &mut [u8]) {
    let taps = columns.taps_per_output;
    let outputs = out_row
        .chunks_exact_mut(3)
        .zip(&columns.starts)
        .zip(columns.weights.chunks_exact(taps));
    for ((pixel, &start), weights) in outputs {
        let Some(window) = mid.get(start * 3..(start + taps) * 3) else {
            continue;
        };
        let mut sum = [0u32; 3];
        for (&weight, source) in weights.iter().zip(window.chunks_exact(3)) {
            for (s, &value) in sum.iter_mut().zip(source) {
                *s += u32::from(value) * weight;
            }
        }
        for (p, s) in pixel.iter_mut().zip(sum) {
            *p = ((s + (1 << (OUT_SHIFT - 1))) >> OUT_SHIFT).min(255) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn flat_images_stay_exactly_flat() {
        for (w, h, ow, oh) in [(2000, 1500, 1280, 960), (7, 5, 3, 2), (100, 1, 33, 1), (1000, 3, 1, 1)] {
            let out = resize_area(RgbImage::from_pixel(w, h, Rgb([200, 17, 255])), ow, oh);
            assert_eq!(out.dimensions(), (ow, oh));
            assert!(out.pixels().all(|p| *p == Rgb([200, 17, 255])), "{w}x{h} -> {ow}x{oh}");
        }
    }

    #[test]
    fn large_reductions_use_the_wide_path_and_stay_exact_on_flat_images() {
        let out = resize_area(RgbImage::from_pixel(50, 400, Rgb([77, 0, 255])), 10, 13);
        assert!(out.pixels().all(|p| *p == Rgb([77, 0, 255])));
        // 8 rows → 1: the mean of 0, 10, …, 70 is 35.
        let ramp = RgbImage::from_fn(1, 8, |_, y| Rgb([(y * 10) as u8, 0, 0]));
        assert_eq!(resize_area(ramp, 1, 1).get_pixel(0, 0)[0], 35);
    }

    #[test]
    fn halving_averages_two_by_two_blocks() {
        let source = RgbImage::from_fn(4, 2, |x, y| Rgb([(x * 40 + y * 10) as u8, 0, 255]));
        let out = resize_area(source, 2, 1);
        // Block (0..2, 0..2): 0, 40, 10, 50 → 25; block (2..4): 80, 120, 90, 130 → 105.
        assert_eq!(out.get_pixel(0, 0), &Rgb([25, 0, 255]));
        assert_eq!(out.get_pixel(1, 0), &Rgb([105, 0, 255]));
    }

    #[test]
    fn fractional_coverage_is_weighted() {
        // 3 → 2: output 0 covers source 0 fully and half of source 1.
        let source = RgbImage::from_fn(3, 1, |x, _| Rgb([[0, 90, 180][x as usize], 0, 0]));
        let out = resize_area(source, 2, 1);
        assert_eq!(out.get_pixel(0, 0)[0], 30); // (0 + 0.5·90) / 1.5
        assert_eq!(out.get_pixel(1, 0)[0], 150); // (0.5·90 + 180) / 1.5
    }

    #[test]
    fn weights_sum_to_one() {
        for (source, output) in [(2000, 1280), (4000, 1280), (13, 7), (5, 5), (1, 1), (65535, 1)] {
            for bits in [NARROW_BITS, WIDE_BITS] {
                let taps = AxisTaps::new(source, output, bits);
                for o in 0..output {
                    let (_, weights) = taps.taps(o);
                    assert_eq!(weights.iter().sum::<u32>(), 1 << bits, "{source}->{output} at {o}");
                }
            }
        }
    }

    #[test]
    fn an_axis_that_grows_is_covered_and_degenerate_targets_do_not_fail() {
        let source = RgbImage::from_fn(8, 2, |x, _| Rgb([x as u8 * 10, 0, 0]));
        let out = resize_area(source.clone(), 4, 3);
        assert_eq!(out.dimensions(), (4, 3));
        assert!(out.pixels().all(|p| p[1] == 0 && p[2] == 0));
        assert_eq!(out.get_pixel(0, 2)[0], 5);
        assert_eq!(resize_area(source, 0, 3).dimensions(), (0, 3));
        assert_eq!(resize_area(RgbImage::new(0, 0), 2, 2).dimensions(), (2, 2));
    }
}
