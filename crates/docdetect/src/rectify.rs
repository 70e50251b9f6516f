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
    for (y, row) in out.chunks_exact_mut(row_bytes).enumerate() {
        // Homogeneous source coordinates are linear along an output row: step them.
        let yc = y as f64 + 0.5;
        let (mut sx, mut sy, mut sw_) = (
            m[0] * 0.5 + m[1] * yc + m[2],
            m[3] * 0.5 + m[4] * yc + m[5],
            m[6] * 0.5 + m[7] * yc + m[8],
        );
        for px in row.chunks_exact_mut(3) {
            if sw_ > 1e-12 {
                let inverse = 1.0 / sw_;
                if let Some(rgb) = bilinear(source, sw, sh, sx * inverse, sy * inverse) {
                    px.copy_from_slice(&rgb);
                }
            }
            sx += m[0];
            sy += m[3];
            sw_ += m[6];
        }
    }
    out
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
