//! Pixel buffers: the linear working frame (RGB `f32`, 0–255 scale, may go
//! above 255 before clipping, like light on a sensor) and premultiplied RGBA
//! textures, plus the few antialiased primitives everything is drawn with.

/// The largest side the generator ever works at; larger requests are clamped
/// so that every render does bounded work.
pub(crate) const MAX_SIDE: usize = 8192;

/// An RGB colour on the 0–255 scale.
pub(crate) type Rgb = [f32; 3];

/// Rec. 601 luma of an sRGB-coded colour (what the labels' mean luminance uses).
pub(crate) fn luma(c: Rgb) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

/// Linear interpolation between two colours.
pub(crate) fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

/// `v.floor()` without a libm call (the x86-64 baseline has no SSE4.1
/// rounding instruction); exact for |v| < 2³¹, saturating beyond.
#[inline]
pub(crate) fn floor_fast(v: f32) -> f32 {
    let t = v as i32 as f32;
    if t > v {
        t - 1.0
    } else {
        t
    }
}

/// `f64` version of [`floor_fast`].
#[inline]
pub(crate) fn floor_fast64(v: f64) -> f64 {
    let t = v as i64 as f64;
    if t > v {
        t - 1.0
    } else {
        t
    }
}

/// Length of `(x, y)`: `sqrt(x² + y²)`, without `hypot`'s overflow care
/// (slow in libm; values here are pixel distances).
#[inline]
pub(crate) fn len2d(x: f32, y: f32) -> f32 {
    (x * x + y * y).sqrt()
}

/// Hermite smoothstep of `x` between `e0` and `e1`.
pub(crate) fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// An RGB working image, interleaved, row-major.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Frame {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) px: Vec<f32>,
}

impl Frame {
    /// A frame filled with one colour; sides are clamped to `1..=MAX_SIDE`.
    pub(crate) fn new(width: usize, height: usize, fill: Rgb) -> Self {
        let width = width.clamp(1, MAX_SIDE);
        let height = height.clamp(1, MAX_SIDE);
        let px = if fill == [0.0; 3] {
            vec![0.0; width * height * 3]
        } else {
            let mut px = Vec::with_capacity(width * height * 3);
            for _ in 0..width * height {
                px.extend_from_slice(&fill);
            }
            px
        };
        Self { width, height, px }
    }

    /// Alpha-blends `color` with coverage `a` (0–1) at pixel `(x, y)`.
    #[inline]
    pub(crate) fn blend(&mut self, x: usize, y: usize, color: Rgb, a: f32) {
        if x >= self.width || y >= self.height || a <= 0.0 {
            return;
        }
        let i = (y * self.width + x) * 3;
        if let Some(p) = self.px.get_mut(i..i + 3) {
            for c in 0..3 {
                p[c] += (color[c] - p[c]) * a;
            }
        }
    }

    /// Multiplies every channel by `gain`.
    pub(crate) fn scale(&mut self, gain: f32) {
        for v in &mut self.px {
            *v *= gain;
        }
    }

    /// Fills the pixels covered by `shape` (signed distance, negative inside,
    /// in pixels) within the box `[x0,x1) × [y0,y1)`, antialiased over one pixel.
    pub(crate) fn fill_sdf(&mut self, bbox: [f32; 4], color: Rgb, opacity: f32, shape: impl Fn(f32, f32) -> f32) {
        let (x0, y0, x1, y1) = clamp_box(bbox, self.width, self.height);
        for y in y0..y1 {
            for x in x0..x1 {
                let d = shape(x as f32 + 0.5, y as f32 + 0.5);
                let a = (0.5 - d).clamp(0.0, 1.0) * opacity;
                self.blend(x, y, color, a);
            }
        }
    }
}

/// Integer pixel bounds of a float box `[x0, y0, x1, y1]`, clamped to the image.
pub(crate) fn clamp_box(b: [f32; 4], width: usize, height: usize) -> (usize, usize, usize, usize) {
    let lo = |v: f32, max: usize| (v.floor().max(0.0) as usize).min(max);
    let hi = |v: f32, max: usize| {
        if v.is_nan() {
            0
        } else {
            (v.ceil().max(0.0) as usize).min(max)
        }
    };
    (lo(b[0], width), lo(b[1], height), hi(b[2], width), hi(b[3], height))
}

/// Signed distance to an axis-aligned rounded rectangle `[x0,y0,x1,y1]` with corner radius `r`.
pub(crate) fn rounded_rect_sdf(x: f32, y: f32, r4: [f32; 4], r: f32) -> f32 {
    let cx = (r4[0] + r4[2]) * 0.5;
    let cy = (r4[1] + r4[3]) * 0.5;
    let hx = (r4[2] - r4[0]) * 0.5;
    let hy = (r4[3] - r4[1]) * 0.5;
    let r = r.min(hx).min(hy).max(0.0);
    let qx = (x - cx).abs() - (hx - r);
    let qy = (y - cy).abs() - (hy - r);
    let outside = len2d(qx.max(0.0), qy.max(0.0));
    outside + qx.max(qy).min(0.0) - r
}

/// Approximate signed distance to an ellipse (centre, semi-axes, rotation).
pub(crate) fn ellipse_sdf(x: f32, y: f32, c: [f32; 2], axes: [f32; 2], angle: f32) -> f32 {
    let (s, co) = if angle == 0.0 { (0.0, 1.0) } else { angle.sin_cos() };
    let dx = x - c[0];
    let dy = y - c[1];
    let u = (dx * co + dy * s) / axes[0].max(1e-3);
    let v = (-dx * s + dy * co) / axes[1].max(1e-3);
    // Distance in normalised units scaled by the smaller axis: good enough
    // for one-pixel antialiasing of the blob-like shapes drawn with it.
    (len2d(u, v) - 1.0) * axes[0].min(axes[1])
}

/// Signed distance to the segment `a`–`b` thickened to `half_width`.
pub(crate) fn capsule_sdf(x: f32, y: f32, a: [f32; 2], b: [f32; 2], half_width: f32) -> f32 {
    let (px, py) = (x - a[0], y - a[1]);
    let (bx, by) = (b[0] - a[0], b[1] - a[1]);
    let len2 = bx * bx + by * by;
    let t = if len2 > 0.0 {
        ((px * bx + py * by) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    len2d(px - bx * t, py - by * t) - half_width
}

/// A premultiplied RGBA image (the document before it is placed in a photo).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Texture {
    pub(crate) width: usize,
    pub(crate) height: usize,
    /// Premultiplied `[r, g, b, a]`, colour on 0–255, alpha on 0–1.
    pub(crate) px: Vec<[f32; 4]>,
}

impl Texture {
    /// A texture of one opaque colour; sides are clamped to `1..=MAX_SIDE`.
    pub(crate) fn new(width: usize, height: usize, fill: Rgb) -> Self {
        let width = width.clamp(1, MAX_SIDE);
        let height = height.clamp(1, MAX_SIDE);
        Self {
            width,
            height,
            px: vec![[fill[0], fill[1], fill[2], 1.0]; width * height],
        }
    }

    /// Blends an opaque colour over the pixel with coverage `a` (keeps alpha).
    #[inline]
    pub(crate) fn blend(&mut self, x: usize, y: usize, color: Rgb, a: f32) {
        if x >= self.width || a <= 0.0 {
            return;
        }
        if let Some(p) = self.px.get_mut(y * self.width + x) {
            let alpha = p[3];
            for c in 0..3 {
                p[c] += (color[c] * alpha - p[c]) * a;
            }
        }
    }

    /// Fills an SDF shape (see [`Frame::fill_sdf`]).
    pub(crate) fn fill_sdf(&mut self, bbox: [f32; 4], color: Rgb, opacity: f32, shape: impl Fn(f32, f32) -> f32) {
        let (x0, y0, x1, y1) = clamp_box(bbox, self.width, self.height);
        for y in y0..y1 {
            for x in x0..x1 {
                let d = shape(x as f32 + 0.5, y as f32 + 0.5);
                let a = (0.5 - d).clamp(0.0, 1.0) * opacity;
                self.blend(x, y, color, a);
            }
        }
    }

    /// Bilinear sample at texture coordinates (pixel centres at `i + 0.5`);
    /// transparent outside the texture, so edges come out antialiased.
    #[inline]
    pub(crate) fn sample(&self, u: f32, v: f32) -> [f32; 4] {
        let fx = u - 0.5;
        let fy = v - 0.5;
        let x0 = floor_fast(fx);
        let y0 = floor_fast(fy);
        let tx = fx - x0;
        let ty = fy - y0;
        let (xi, yi) = (x0 as i64, y0 as i64);
        let w = self.width as i64;
        if xi >= 0 && yi >= 0 && xi + 1 < w && yi + 1 < self.height as i64 {
            // Interior: the 2×2 neighbourhood is two adjacent pairs.
            let i = (yi * w + xi) as usize;
            let (Some(top), Some(bottom)) = (self.px.get(i..i + 2), self.px.get(i + self.width..i + self.width + 2))
            else {
                return [0.0; 4];
            };
            let mut out = [0.0f32; 4];
            for c in 0..4 {
                let t = top[0][c] + (top[1][c] - top[0][c]) * tx;
                let b = bottom[0][c] + (bottom[1][c] - bottom[0][c]) * tx;
                out[c] = t + (b - t) * ty;
            }
            return out;
        }
        let mut out = [0.0f32; 4];
        for (dy, wy) in [(0i64, 1.0 - ty), (1, ty)] {
            for (dx, wx) in [(0i64, 1.0 - tx), (1, tx)] {
                let (x, y) = (xi + dx, yi + dy);
                if x < 0 || y < 0 || x >= w || y >= self.height as i64 {
                    continue;
                }
                if let Some(p) = self.px.get(y as usize * self.width + x as usize) {
                    let wt = wx * wy;
                    for c in 0..4 {
                        out[c] += p[c] * wt;
                    }
                }
            }
        }
        out
    }

    /// Alpha-weighted mean luma of the opaque part (0 for a transparent texture).
    pub(crate) fn mean_luma(&self) -> f32 {
        let mut sum = 0.0f64;
        let mut weight = 0.0f64;
        for p in &self.px {
            sum += f64::from(luma([p[0], p[1], p[2]]));
            weight += f64::from(p[3]);
        }
        if weight > 0.0 {
            (sum / weight) as f32
        } else {
            0.0
        }
    }

    /// Multiplies the colour by `gain` (exposure of the scan or screen content).
    pub(crate) fn scale_colour(&mut self, gain: f32) {
        for p in &mut self.px {
            for c in p.iter_mut().take(3) {
                *c *= gain;
            }
        }
    }

    /// Area-averaging downscale to `new_width` (used before placing a large
    /// source small, so that bilinear sampling does not alias).
    pub(crate) fn downscale_to_width(&self, new_width: usize) -> Self {
        let new_width = new_width.clamp(1, self.width);
        if new_width == self.width {
            return self.clone();
        }
        let f = self.width as f32 / new_width as f32;
        let new_height = ((self.height as f32 / f).round() as usize).clamp(1, self.height);
        let fy = self.height as f32 / new_height as f32;
        let mut out = vec![[0.0f32; 4]; new_width * new_height];
        for (oy, row) in out.chunks_mut(new_width).enumerate() {
            let sy0 = (oy as f32 * fy) as usize;
            let sy1 = (((oy + 1) as f32 * fy).ceil() as usize).clamp(sy0 + 1, self.height);
            for (ox, o) in row.iter_mut().enumerate() {
                let sx0 = (ox as f32 * f) as usize;
                let sx1 = (((ox + 1) as f32 * f).ceil() as usize).clamp(sx0 + 1, self.width);
                let mut acc = [0.0f32; 4];
                let mut n = 0.0f32;
                for sy in sy0..sy1 {
                    let base = sy * self.width;
                    for p in self.px.get(base + sx0..base + sx1).unwrap_or(&[]) {
                        for c in 0..4 {
                            acc[c] += p[c];
                        }
                        n += 1.0;
                    }
                }
                if n > 0.0 {
                    *o = acc.map(|v| v / n);
                }
            }
        }
        Self {
            width: new_width,
            height: new_height,
            px: out,
        }
    }
}

/// Anything shapes can be drawn on (the photo frame or a document texture).
pub(crate) trait Canvas {
    /// Fills an SDF shape, antialiased over one pixel, within `bbox`.
    fn fill_shape(&mut self, bbox: [f32; 4], color: Rgb, opacity: f32, shape: &dyn Fn(f32, f32) -> f32);
}

impl Canvas for Frame {
    fn fill_shape(&mut self, bbox: [f32; 4], color: Rgb, opacity: f32, shape: &dyn Fn(f32, f32) -> f32) {
        self.fill_sdf(bbox, color, opacity, shape);
    }
}

impl Canvas for Texture {
    fn fill_shape(&mut self, bbox: [f32; 4], color: Rgb, opacity: f32, shape: &dyn Fn(f32, f32) -> f32) {
        self.fill_sdf(bbox, color, opacity, shape);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_floor_matches_floor() {
        for v in [-3.5f32, -3.0, -0.2, 0.0, 0.7, 2.0, 1e6 + 0.5, -1e6 - 0.5] {
            assert_eq!(floor_fast(v), v.floor(), "{v}");
            assert_eq!(floor_fast64(f64::from(v)), f64::from(v).floor(), "{v}");
        }
    }

    #[test]
    fn sdf_shapes_have_the_right_sign() {
        assert!(rounded_rect_sdf(5.0, 5.0, [0.0, 0.0, 10.0, 10.0], 2.0) < 0.0);
        assert!(rounded_rect_sdf(0.2, 0.2, [0.0, 0.0, 10.0, 10.0], 2.0) > 0.0);
        assert!((rounded_rect_sdf(12.0, 5.0, [0.0, 0.0, 10.0, 10.0], 2.0) - 2.0).abs() < 1e-5);
        assert!(ellipse_sdf(0.0, 0.0, [0.0, 0.0], [5.0, 3.0], 0.3) < 0.0);
        assert!(ellipse_sdf(6.0, 0.0, [0.0, 0.0], [5.0, 3.0], 0.0) > 0.0);
        assert!((capsule_sdf(5.0, 3.0, [0.0, 0.0], [10.0, 0.0], 1.0) - 2.0).abs() < 1e-5);
    }

    #[test]
    fn fill_is_clipped_to_the_image() {
        let mut f = Frame::new(4, 3, [0.0; 3]);
        f.fill_sdf([-10.0, -10.0, 100.0, 100.0], [255.0; 3], 1.0, |_, _| -5.0);
        assert!(f.px.iter().all(|&v| v == 255.0));
        let mut t = Texture::new(2, 2, [0.0; 3]);
        t.fill_sdf([f32::NAN, 0.0, f32::INFINITY, 5.0], [9.0; 3], 1.0, |_, _| -1.0);
    }

    #[test]
    fn bilinear_sampling_is_transparent_outside() {
        let t = Texture::new(2, 2, [100.0; 3]);
        assert_eq!(t.sample(1.0, 1.0), [100.0, 100.0, 100.0, 1.0]);
        let edge = t.sample(0.0, 1.0);
        assert!((edge[3] - 0.5).abs() < 1e-6);
        assert_eq!(t.sample(-5.0, -5.0), [0.0; 4]);
    }

    #[test]
    fn downscale_keeps_the_mean() {
        let mut t = Texture::new(10, 6, [0.0; 3]);
        for (i, p) in t.px.iter_mut().enumerate() {
            let v = (i % 10) as f32 * 20.0;
            *p = [v, v, v, 1.0];
        }
        let d = t.downscale_to_width(5);
        assert_eq!((d.width, d.height), (5, 3));
        assert!((d.mean_luma() - t.mean_luma()).abs() < 1.0);
    }
}
