//! Perspective correction: the homography from the output rectangle to the document
//! quadrilateral, sampled bilinearly.

use image::RgbImage;

use crate::geometry::{Homography, Point};
use crate::Document;

/// Largest side (pixels) of a rectified image; larger requests are clamped to it.
pub const MAX_RECTIFIED_SIDE: u32 = 4096;

/// Warps the quadrilateral `corners` (top-left, top-right, bottom-right, bottom-left, in the
/// continuous coordinates of [`crate::detect`]) of `image` onto an `out_width × out_height`
/// image, by the homography that maps the output's corners onto them, with bilinear sampling.
/// Output pixels whose source lies outside `image` (a cut-off part of the document) are black.
/// Sizes are clamped to [`MAX_RECTIFIED_SIDE`]; a zero size or degenerate corners give a black
/// (or empty) image, never a panic.
pub fn rectify(image: &RgbImage, corners: &[[f32; 2]; 4], out_width: u32, out_height: u32) -> RgbImage {
    let (ow, oh) = (out_width.min(MAX_RECTIFIED_SIDE), out_height.min(MAX_RECTIFIED_SIDE));
    let mut out = RgbImage::new(ow, oh);
    if ow == 0 || oh == 0 || image.width() == 0 || image.height() == 0 {
        return out;
    }
    let (fw, fh) = (f64::from(ow), f64::from(oh));
    let rect = [
        Point::new(0.0, 0.0),
        Point::new(fw, 0.0),
        Point::new(fw, fh),
        Point::new(0.0, fh),
    ];
    let quad = corners.map(|[x, y]| Point::new(f64::from(x), f64::from(y)));
    let Some(h) = Homography::from_points(&rect, &quad) else {
        return out;
    };
    let (sw, sh) = (image.width() as usize, image.height() as usize);
    let source = image.as_raw();
    let row_bytes = ow as usize * 3;
    let m = h.0;
    // Output blocks of BLOCK × BLOCK pixels: a rotated document walks the
    // source across rows, and a block keeps those rows in cache.
    const BLOCK: usize = 16;
    // Along a segment of SEGMENT output pixels the source position is
    // interpolated linearly between the exact ends (over 8 px a homography is
    // affine to far below 1/256 px for any plausible photo), in fixed point.
    const SEGMENT: usize = 8;
    let raw: &mut [u8] = &mut out;
    for block_top in (0..oh as usize).step_by(BLOCK) {
        for block_left in (0..ow as usize).step_by(BLOCK) {
            let block_width = BLOCK.min(ow as usize - block_left);
            for y in block_top..(block_top + BLOCK).min(oh as usize) {
                // Homogeneous source coordinates are linear along an output row: step them.
                let (xc, yc) = (block_left as f64 + 0.5, y as f64 + 0.5);
                let (mut sx, mut sy, mut sw_) = (
                    m[0] * xc + m[1] * yc + m[2],
                    m[3] * xc + m[4] * yc + m[5],
                    m[6] * xc + m[7] * yc + m[8],
                );
                let start = y * row_bytes + block_left * 3;
                let Some(row) = raw.get_mut(start..start + block_width * 3) else {
                    continue;
                };
                for segment in row.chunks_mut(SEGMENT * 3) {
                    let n = segment.len() / 3;
                    let at = |k: f64| {
                        let w = sw_ + m[6] * k;
                        (w > 1e-12).then(|| ((sx + m[0] * k) / w, (sy + m[3] * k) / w))
                    };
                    let ends = at(0.0).zip(at(n as f64 - 1.0));
                    if !ends.is_some_and(|(a, b)| sample_segment(source, sw, sh, a, b, segment)) {
                        for (k, px) in segment.chunks_exact_mut(3).enumerate() {
                            if let Some((x, y)) = at(k as f64) {
                                if let Some(rgb) = bilinear(source, sw, sh, x, y) {
                                    px.copy_from_slice(&rgb);
                                }
                            }
                        }
                    }
                    sx += m[0] * n as f64;
                    sy += m[3] * n as f64;
                    sw_ += m[6] * n as f64;
                }
            }
        }
    }
    out
}

/// Samples `out.len() / 3` pixels on the straight path from source position `a` to `b`
/// (continuous coordinates, as for [`bilinear`]) when every sample and its neighbours lie
/// inside the image, with 16.16 fixed-point steps and the same 8-bit weights as [`bilinear`];
/// returns false (writing nothing) otherwise, and the caller samples each pixel exactly.
fn sample_segment(source: &[u8], w: usize, h: usize, a: (f64, f64), b: (f64, f64), out: &mut [u8]) -> bool {
    let inside = |(x, y): (f64, f64)| {
        let (u, v) = (x - 0.5, y - 0.5);
        // Also false for NaN.
        u >= 0.0 && v >= 0.0 && u < (w - 1) as f64 && v < (h - 1) as f64
    };
    // The rectangle is convex: both ends inside means every point between them is.
    if !(inside(a) && inside(b)) {
        return false;
    }
    let n = out.len() / 3;
    let steps = n.saturating_sub(1).max(1) as f64;
    const ONE: f64 = 65536.0;
    let (mut u, mut v) = (((a.0 - 0.5) * ONE) as i64, ((a.1 - 0.5) * ONE) as i64);
    let du = (((b.0 - a.0) / steps) * ONE) as i64;
    let dv = (((b.1 - a.1) / steps) * ONE) as i64;
    for px in out.chunks_exact_mut(3) {
        // Clamp: the truncated steps may drift a hair past the last inner column or row.
        let x0 = ((u >> 16).max(0) as usize).min(w - 2);
        let y0 = ((v >> 16).max(0) as usize).min(h - 2);
        let fx = ((u >> 8) & 0xff) as u32;
        let fy = ((v >> 8) & 0xff) as u32;
        let top = (y0 * w + x0) * 3;
        let bottom = top + w * 3;
        let (Some(p), Some(q)) = (source.get(top..top + 6), source.get(bottom..bottom + 6)) else {
            return false;
        };
        for ch in 0..3 {
            let upper = u32::from(p[ch]) * (256 - fx) + u32::from(p[ch + 3]) * fx;
            let lower = u32::from(q[ch]) * (256 - fx) + u32::from(q[ch + 3]) * fx;
            px[ch] = ((upper * (256 - fy) + lower * fy + (1 << 15)) >> 16).min(255) as u8;
        }
        u += du;
        v += dv;
    }
    true
}

/// Bilinear sample at a continuous position (8-bit fixed-point weights); `None` outside the
/// image. Within half a pixel of the border the nearest edge pixels are used.
#[inline]
fn bilinear(source: &[u8], w: usize, h: usize, x: f64, y: f64) -> Option<[u8; 3]> {
    let inside = (0.0..=w as f64).contains(&x) && (0.0..=h as f64).contains(&y);
    if !inside {
        return None;
    }
    let (u, v) = ((x - 0.5).max(0.0), (y - 0.5).max(0.0));
    let (x0, y0) = ((u as usize).min(w - 1), (v as usize).min(h - 1));
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let fx = ((u - x0 as f64).clamp(0.0, 1.0) * 256.0) as u32;
    let fy = ((v - y0 as f64).clamp(0.0, 1.0) * 256.0) as u32;
    let pixel = |x: usize, y: usize| -> [u32; 3] {
        let i = (y * w + x) * 3;
        source
            .get(i..i + 3)
            .map_or([0; 3], |p| [u32::from(p[0]), u32::from(p[1]), u32::from(p[2])])
    };
    let (a, b, c, d) = (pixel(x0, y0), pixel(x1, y0), pixel(x0, y1), pixel(x1, y1));
    let mut rgb = [0u8; 3];
    for (ch, out) in rgb.iter_mut().enumerate() {
        let top = a[ch] * (256 - fx) + b[ch] * fx;
        let bottom = c[ch] * (256 - fx) + d[ch] * fx;
        *out = ((top * (256 - fy) + bottom * fy + (1 << 15)) >> 16).min(255) as u8;
    }
    Some(rgb)
}

/// Output size for [`rectify`]: the document's estimated width in input pixels (no upscaling),
/// at most `max_width`, and the height from the estimated aspect ratio. Both are at least 1
/// (for a usable `max_width`) and at most [`MAX_RECTIFIED_SIDE`].
pub fn rectified_size(doc: &Document, max_width: u32) -> (u32, u32) {
    let cap = f64::from(max_width.clamp(1, MAX_RECTIFIED_SIDE));
    let estimated = f64::from(doc.width_px);
    let width = if estimated.is_finite() && estimated >= 1.0 {
        estimated.round().min(cap)
    } else {
        cap
    };
    let aspect = f64::from(doc.aspect_ratio);
    let aspect = if aspect.is_finite() && aspect >= 1.0 {
        aspect
    } else {
        1.0
    };
    let height = (width / aspect).round().clamp(1.0, f64::from(MAX_RECTIFIED_SIDE));
    (width as u32, height as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn segments_sample_like_single_pixels() {
        let img = RgbImage::from_fn(40, 30, |x, y| {
            Rgb([(x * 6) as u8, (y * 8) as u8, ((x * y) % 256) as u8])
        });
        let source = img.as_raw();
        let (a, b) = ((3.25, 4.5), (10.75, 9.0));
        let mut out = [0u8; 8 * 3];
        assert!(sample_segment(source, 40, 30, a, b, &mut out));
        for k in 0..8 {
            let t = k as f64 / 7.0;
            let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
            let exact = bilinear(source, 40, 30, x, y).unwrap();
            for ch in 0..3 {
                let got = i32::from(out[k * 3 + ch]);
                assert!((got - i32::from(exact[ch])).abs() <= 1, "pixel {k}: {got} vs {exact:?}");
            }
        }
        // An end outside (or NaN): nothing written, the caller falls back.
        let mut untouched = [7u8; 6];
        assert!(!sample_segment(source, 40, 30, (0.2, 3.0), (5.0, 3.0), &mut untouched));
        assert!(!sample_segment(
            source,
            40,
            30,
            (f64::NAN, 3.0),
            (5.0, 3.0),
            &mut untouched
        ));
        assert_eq!(untouched, [7u8; 6]);
    }

    #[test]
    fn identity_corners_reproduce_the_image() {
        let img = RgbImage::from_fn(20, 10, |x, y| Rgb([(x * 10) as u8, (y * 20) as u8, 7]));
        let corners = [[0.0, 0.0], [20.0, 0.0], [20.0, 10.0], [0.0, 10.0]];
        assert_eq!(rectify(&img, &corners, 20, 10), img);
    }

    #[test]
    fn outside_is_black_and_degenerate_input_does_not_panic() {
        let img = RgbImage::from_pixel(10, 10, Rgb([200, 200, 200]));
        let out = rectify(&img, &[[-10.0, 0.0], [10.0, 0.0], [10.0, 10.0], [-10.0, 10.0]], 20, 10);
        assert_eq!(out.get_pixel(2, 5), &Rgb([0, 0, 0]));
        assert_eq!(out.get_pixel(15, 5), &Rgb([200, 200, 200]));
        assert_eq!(rectify(&img, &[[1.0, 1.0]; 4], 5, 5), RgbImage::new(5, 5));
        assert_eq!(rectify(&img, &[[f32::NAN, 1.0]; 4], 5, 5), RgbImage::new(5, 5));
        assert_eq!(
            rectify(&RgbImage::new(0, 0), &[[0.0, 0.0]; 4], 0, 3).dimensions(),
            (0, 3)
        );
        assert_eq!(
            rectify(&img, &[[0.0, 0.0]; 4], u32::MAX, 1).dimensions(),
            (MAX_RECTIFIED_SIDE, 1)
        );
    }
}
