//! Scene rendering shared by the integration tests: a synthetic identity card (or any source
//! image) warped by a known perspective onto a background, with its true corners.

#![allow(dead_code)] // Each test binary uses a different part of this module.

use image::{Rgb, RgbImage};
use openkyc_docdetect::{Detection, Document};

/// ID-1 card size in millimetres (the card's own coordinates).
pub const ID1: (f64, f64) = (85.60, 53.98);
/// ID-3 (passport data page) size in millimetres.
pub const ID3: (f64, f64) = (125.0, 88.0);

/// A small deterministic generator (SplitMix64), so scenes need no external crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Deterministic per-pixel noise in `[-1, 1]`.
pub fn hash_noise(x: i64, y: i64, seed: u64) -> f64 {
    let mut r = Rng::new(seed ^ (x as u64).wrapping_mul(0x1234_5679) ^ (y as u64).wrapping_mul(0x9876_5431_0000_0001));
    r.range(-1.0, 1.0)
}

/// What lies around the document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Background {
    /// Uniform dark grey.
    Dark,
    /// Uniform light grey.
    Light,
    /// Per-pixel noise around mid grey.
    Noise(u64),
    /// A brightness ramp from dark (left) to bright (right).
    Gradient,
    /// Wood-like grain: stripes with a wavy phase and noise.
    Wood(u64),
    /// Coarse cloth weave.
    Cloth,
    /// One uniform colour (RGB).
    Plain([f64; 3]),
}

impl Background {
    pub fn colour(&self, x: f64, y: f64, w: f64, h: f64) -> [f64; 3] {
        match *self {
            Background::Dark => [35.0, 36.0, 42.0],
            Background::Light => [226.0, 224.0, 220.0],
            Background::Noise(seed) => {
                let v = 115.0 + 45.0 * hash_noise(x as i64, y as i64, seed);
                [v, v * 0.95, v * 0.9]
            }
            Background::Gradient => {
                let v = 25.0 + 190.0 * (x / w.max(1.0)) * 0.8 + 30.0 * (y / h.max(1.0));
                [v, v, v]
            }
            Background::Wood(seed) => {
                let phase = x * 0.35 + 6.0 * (y * 0.013).sin() + 2.0 * (y * 0.051).sin();
                let v = 120.0 + 25.0 * phase.sin() + 10.0 * hash_noise(x as i64, y as i64, seed);
                [v * 1.15, v * 0.85, v * 0.55]
            }
            Background::Plain(colour) => colour,
            Background::Cloth => {
                let v = 90.0 + 18.0 * ((x * 0.9).sin() * (y * 0.9).sin());
                [v * 0.7, v * 0.8, v * 1.1]
            }
        }
    }
}

/// How the card itself looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CardStyle {
    /// A light card with dark print.
    Light,
    /// A mid-grey card (for light backgrounds).
    Grey,
}

/// The synthetic card's colour at card coordinates `(u, v)` in millimetres of a card of
/// `size`: a header band, a photo block with a face-like ellipse, text-like bars, and
/// MRZ-like rows of character blocks.
pub fn card_colour(u: f64, v: f64, size: (f64, f64), style: CardStyle) -> [f64; 3] {
    let (cw, ch) = size;
    let (su, sv) = (u / cw * ID1.0, v / ch * ID1.1); // layout in ID-1 units
    let (base, ink) = match style {
        CardStyle::Light => ([236.0, 232.0, 222.0], [40.0, 42.0, 55.0]),
        CardStyle::Grey => ([150.0, 152.0, 156.0], [30.0, 30.0, 35.0]),
    };
    if (4.0..81.0).contains(&su) && (3.0..8.0).contains(&sv) {
        return [70.0, 95.0, 165.0];
    }
    if (4.0..28.0).contains(&su) && (11.0..42.0).contains(&sv) {
        let (du, dv) = ((su - 16.0) / 7.0, (sv - 24.0) / 9.0);
        return if du * du + dv * dv < 1.0 {
            [200.0, 165.0, 140.0]
        } else {
            [95.0, 90.0, 100.0]
        };
    }
    for row in 0..5 {
        let top = 12.0 + 5.5 * f64::from(row);
        let length = 28.0 + 9.0 * f64::from((row * 7) % 4);
        if (33.0..33.0 + length).contains(&su) && (top..top + 2.2).contains(&sv) {
            return ink;
        }
    }
    for row in 0..2 {
        let top = 44.0 + 4.0 * f64::from(row);
        if (5.0..81.0).contains(&su) && (top..top + 2.6).contains(&sv) && (su * 0.6).fract() < 0.62 {
            return ink;
        }
    }
    base
}

/// True inside a rounded rectangle `[0, w] × [0, h]` with corner radius `r`.
pub fn in_rounded_rect(u: f64, v: f64, w: f64, h: f64, r: f64) -> bool {
    if !(0.0..=w).contains(&u) || !(0.0..=h).contains(&v) {
        return false;
    }
    let cu = u.clamp(r, w - r);
    let cv = v.clamp(r, h - r);
    (u - cu).powi(2) + (v - cv).powi(2) <= r * r
}

/// A 3×3 homography, row-major.
#[derive(Debug, Clone, Copy)]
pub struct H(pub [f64; 9]);

impl H {
    pub fn apply(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let h = &self.0;
        let w = h[6] * x + h[7] * y + h[8];
        (w.abs() > 1e-12).then(|| ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w))
    }

    /// The homography taking the rectangle `[0, w] × [0, h]` (corners TL, TR, BR, BL) to `quad`.
    pub fn from_rect(w: f64, h: f64, quad: &[[f64; 2]; 4]) -> H {
        let src = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]];
        let mut m = [[0.0f64; 9]; 8];
        for i in 0..4 {
            let ([x, y], [u, v]) = (src[i], quad[i]);
            m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
            m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
        }
        for col in 0..8 {
            let pivot = (col..8)
                .max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))
                .unwrap();
            m.swap(col, pivot);
            let pivot_row = m[col];
            for (index, row) in m.iter_mut().enumerate() {
                let f = row[col] / pivot_row[col];
                if index != col {
                    for (value, p) in row.iter_mut().zip(pivot_row.iter()).skip(col) {
                        *value -= f * p;
                    }
                }
            }
        }
        let s: Vec<f64> = (0..8).map(|i| m[i][8] / m[i][i]).collect();
        H([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], 1.0])
    }

    pub fn inverse(&self) -> H {
        let a = &self.0;
        let det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
            + a[2] * (a[3] * a[7] - a[4] * a[6]);
        let inv = [
            (a[4] * a[8] - a[5] * a[7]) / det,
            (a[2] * a[7] - a[1] * a[8]) / det,
            (a[1] * a[5] - a[2] * a[4]) / det,
            (a[5] * a[6] - a[3] * a[8]) / det,
            (a[0] * a[8] - a[2] * a[6]) / det,
            (a[2] * a[3] - a[0] * a[5]) / det,
            (a[3] * a[7] - a[4] * a[6]) / det,
            (a[1] * a[6] - a[0] * a[7]) / det,
            (a[0] * a[4] - a[1] * a[3]) / det,
        ];
        H(inv)
    }
}

/// Where a document of `size` (mm) appears: centred at `centre` (px), long side `width_px`
/// long, rotated in-plane by `rotation_deg` (clockwise on screen), tilted out of plane by
/// `tilt_deg` = (about the card's horizontal axis, about its vertical axis), seen through a
/// pinhole with focal length `focal_px`. Returns the corners TL, TR, BR, BL as the card reads.
pub fn place(
    size: (f64, f64),
    centre: (f64, f64),
    width_px: f64,
    rotation_deg: f64,
    tilt_deg: (f64, f64),
    focal_px: f64,
) -> [[f64; 2]; 4] {
    let scale = width_px / size.0;
    let (hw, hh) = (0.5 * size.0 * scale, 0.5 * size.1 * scale);
    let (ax, ay, rz) = (
        tilt_deg.0.to_radians(),
        tilt_deg.1.to_radians(),
        rotation_deg.to_radians(),
    );
    let corners = [(-hw, -hh), (hw, -hh), (hw, hh), (-hw, hh)];
    corners.map(|(x, y)| {
        // Tilt about the vertical axis, then the horizontal one, then rotate in the image plane.
        let (x1, z1) = (x * ay.cos(), x * ay.sin());
        let (y2, z2) = (y * ax.cos() - z1 * ax.sin(), y * ax.sin() + z1 * ax.cos());
        let (x3, y3) = (x1 * rz.cos() - y2 * rz.sin(), x1 * rz.sin() + y2 * rz.cos());
        let depth = focal_px + z2;
        [centre.0 + focal_px * x3 / depth, centre.1 + focal_px * y3 / depth]
    })
}

/// A scene: a `w × h` image with a synthetic card of `size` at `quad` on `background`.
pub fn render_card(
    w: u32,
    h: u32,
    size: (f64, f64),
    quad: &[[f64; 2]; 4],
    background: Background,
    style: CardStyle,
) -> RgbImage {
    let radius = 3.0 * size.0 / ID1.0;
    render(w, h, size.0, size.1, quad, background, |u, v| {
        in_rounded_rect(u, v, size.0, size.1, radius).then(|| card_colour(u, v, size, style))
    })
}

/// A scene with `source` pasted (bilinearly) as the document at `quad`.
pub fn render_image(w: u32, h: u32, source: &RgbImage, quad: &[[f64; 2]; 4], background: Background) -> RgbImage {
    let (sw, sh) = (f64::from(source.width()), f64::from(source.height()));
    render(w, h, sw, sh, quad, background, |u, v| {
        if !(0.0..sw).contains(&u) || !(0.0..sh).contains(&v) {
            return None;
        }
        let (x, y) = ((u - 0.5).clamp(0.0, sw - 1.0), (v - 0.5).clamp(0.0, sh - 1.0));
        let (x0, y0) = (x.floor(), y.floor());
        let (fx, fy) = (x - x0, y - y0);
        let at = |xx: f64, yy: f64| {
            source
                .get_pixel(xx.min(sw - 1.0) as u32, yy.min(sh - 1.0) as u32)
                .0
                .map(f64::from)
        };
        let (a, b, c, d) = (at(x0, y0), at(x0 + 1.0, y0), at(x0, y0 + 1.0), at(x0 + 1.0, y0 + 1.0));
        Some([0, 1, 2].map(|i| (a[i] * (1.0 - fx) + b[i] * fx) * (1.0 - fy) + (c[i] * (1.0 - fx) + d[i] * fx) * fy))
    })
}

/// Samples per pixel along each axis when rendering (anti-aliasing of the document outline).
const SUPERSAMPLE: u32 = 2;

/// Renders with `SUPERSAMPLE`² samples per pixel: each sample maps through the inverse of the
/// homography from the document rectangle `[0, dw] × [0, dh]` to `quad`.
fn render(
    w: u32,
    h: u32,
    dw: f64,
    dh: f64,
    quad: &[[f64; 2]; 4],
    background: Background,
    document: impl Fn(f64, f64) -> Option<[f64; 3]>,
) -> RgbImage {
    let inverse = H::from_rect(dw, dh, quad).inverse();
    let (fw, fh) = (f64::from(w), f64::from(h));
    RgbImage::from_fn(w, h, |x, y| {
        let mut sum = [0.0; 3];
        let n = f64::from(SUPERSAMPLE);
        for sy in 0..SUPERSAMPLE {
            for sx in 0..SUPERSAMPLE {
                let (px, py) = (
                    f64::from(x) + (f64::from(sx) + 0.5) / n,
                    f64::from(y) + (f64::from(sy) + 0.5) / n,
                );
                let colour = inverse
                    .apply(px, py)
                    .and_then(|(u, v)| document(u, v))
                    .unwrap_or_else(|| background.colour(px, py, fw, fh));
                for i in 0..3 {
                    sum[i] += colour[i];
                }
            }
        }
        Rgb(sum.map(|s| (s / (n * n)).round().clamp(0.0, 255.0) as u8))
    })
}

/// Blurs with a 3×3 box `passes` times (a slightly out-of-focus photo).
pub fn box_blur(img: &RgbImage, passes: u32) -> RgbImage {
    let mut current = img.clone();
    let (w, h) = img.dimensions();
    for _ in 0..passes {
        let src = current.clone();
        current = RgbImage::from_fn(w, h, |x, y| {
            let mut sum = [0u32; 3];
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (xx, yy) = (
                        (x as i64 + dx).clamp(0, w as i64 - 1),
                        (y as i64 + dy).clamp(0, h as i64 - 1),
                    );
                    let p = src.get_pixel(xx as u32, yy as u32).0;
                    for i in 0..3 {
                        sum[i] += u32::from(p[i]);
                    }
                }
            }
            Rgb(sum.map(|s| (s / 9) as u8))
        });
    }
    current
}

/// Adds a soft bright glare spot centred at `(cx, cy)` with radius `r`.
pub fn add_glare(img: &mut RgbImage, cx: f64, cy: f64, r: f64) {
    for (x, y, p) in img.enumerate_pixels_mut() {
        let d2 = ((f64::from(x) - cx).powi(2) + (f64::from(y) - cy).powi(2)) / (r * r);
        let strength = (-d2 * 2.0).exp();
        p.0 =
            p.0.map(|c| (f64::from(c) + (255.0 - f64::from(c)) * strength * 0.9).round() as u8);
    }
}

/// The detected document, or a panic with the reason.
pub fn found(detection: &Detection) -> &Document {
    match detection {
        Detection::Found(doc) => doc,
        Detection::NotFound { reason } => panic!("not found: {reason}"),
    }
}

/// Largest corner distance between `detected` and `truth`, allowing the 180° ambiguity of
/// reading order (a cyclic shift by two).
pub fn corner_error(detected: &[[f32; 2]; 4], truth: &[[f64; 2]; 4]) -> f64 {
    [0usize, 2]
        .iter()
        .map(|&shift| {
            (0..4)
                .map(|i| {
                    let [x, y] = detected[(i + shift) % 4];
                    let [tx, ty] = truth[i];
                    (f64::from(x) - tx).hypot(f64::from(y) - ty)
                })
                .fold(0.0, f64::max)
        })
        .fold(f64::INFINITY, f64::min)
}

/// The same allowing any cyclic shift (for documents near ±90°, where reading order is a guess).
pub fn corner_error_any_rotation(detected: &[[f32; 2]; 4], truth: &[[f64; 2]; 4]) -> f64 {
    let mut best = f64::INFINITY;
    for shift in 0..4 {
        let e = (0..4)
            .map(|i| {
                let [x, y] = detected[(i + shift) % 4];
                let [tx, ty] = truth[i];
                (f64::from(x) - tx).hypot(f64::from(y) - ty)
            })
            .fold(0.0, f64::max);
        best = best.min(e);
    }
    best
}

/// Diagonal length of a quadrilateral (the mean of its two diagonals).
pub fn diagonal(quad: &[[f64; 2]; 4]) -> f64 {
    let d = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    0.5 * (d(quad[0], quad[2]) + d(quad[1], quad[3]))
}

/// Gaussian blur with standard deviation `sigma` px (separable, kernel ±3σ, edges clamped): a
/// badly out-of-focus photo.
pub fn gaussian_blur(img: &RgbImage, sigma: f64) -> RgbImage {
    let radius = (3.0 * sigma).ceil() as i64;
    let kernel: Vec<f64> = (-radius..=radius)
        .map(|i| (-(i as f64).powi(2) / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f64 = kernel.iter().sum();
    let (w, h) = (i64::from(img.width()), i64::from(img.height()));
    let pass = |src: &RgbImage, horizontal: bool| {
        RgbImage::from_fn(src.width(), src.height(), |x, y| {
            let mut sum = [0.0; 3];
            for (k, weight) in kernel.iter().enumerate() {
                let offset = k as i64 - radius;
                let (xx, yy) = if horizontal {
                    ((i64::from(x) + offset).clamp(0, w - 1), i64::from(y))
                } else {
                    (i64::from(x), (i64::from(y) + offset).clamp(0, h - 1))
                };
                let p = src.get_pixel(xx as u32, yy as u32).0;
                for i in 0..3 {
                    sum[i] += weight * f64::from(p[i]);
                }
            }
            Rgb(sum.map(|s| (s / total).round().clamp(0.0, 255.0) as u8))
        })
    };
    pass(&pass(img, true), false)
}
