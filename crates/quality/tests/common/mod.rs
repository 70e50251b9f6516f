//! Synthetic documents and degradations for the integration tests.
//!
//! The card is described in millimetres (ID-1: 85.6 × 54 mm) and rendered
//! with anti-aliasing at any width, so the same document can be produced at
//! 600 and 1000 px. Everything is deterministic (a fixed xorshift seed).

// Each test binary uses a different subset of the helpers; the per-channel
// loops index several parallel arrays at once.
#![allow(dead_code, clippy::needless_range_loop)]

use image::{Rgb, RgbImage};

pub const CARD_W_MM: f32 = 85.6;
pub const CARD_H_MM: f32 = 54.0;

/// Deterministic xorshift64* generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }
}

/// A stroke: a line segment of some width (mm), in one ink colour.
#[derive(Clone, Copy)]
struct Stroke {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    width: f32,
    ink: [f32; 3],
}

const PAPER: [f32; 3] = [236.0, 233.0, 224.0];
const INK: [f32; 3] = [28.0, 30.0, 42.0];
const BLUE_INK: [f32; 3] = [32.0, 58.0, 128.0];
const GUILLOCHE: [f32; 3] = [150.0, 182.0, 215.0];

/// Text-like strokes: "words" of characters built from vertical, horizontal
/// and diagonal strokes of several widths, plus an MRZ-like monospace block.
fn strokes() -> Vec<Stroke> {
    let mut rng = Rng::new(0x5eed_cafe);
    let mut out = Vec::new();
    // Labels and values right of the photo: 6 lines.
    for line in 0..6 {
        let y = 12.0 + line as f32 * 4.6;
        let (height, width, ink) = if line % 2 == 0 {
            (1.6, 0.22, BLUE_INK)
        } else {
            (2.6, 0.42, INK)
        };
        let mut x = 33.0;
        while x < 80.0 {
            let chars = 2 + (rng.next_u64() % 7) as usize;
            for _ in 0..chars {
                let w = height * 0.6;
                character(&mut rng, &mut out, x, y, w, height, width, ink);
                x += w * 1.25;
            }
            x += height * 0.9;
        }
    }
    // Title: heavy strokes.
    let mut x = 5.0;
    while x < 60.0 {
        character(&mut rng, &mut out, x, 3.0, 2.4, 4.0, 0.8, BLUE_INK);
        x += 3.1;
    }
    // MRZ-like block: 3 lines of 30 monospace characters.
    for line in 0..3 {
        let y = 40.5 + line as f32 * 4.2;
        for c in 0..30 {
            let x = 4.0 + c as f32 * 2.6;
            character(&mut rng, &mut out, x, y, 1.8, 2.8, 0.35, INK);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn character(rng: &mut Rng, out: &mut Vec<Stroke>, x: f32, y: f32, w: f32, h: f32, width: f32, ink: [f32; 3]) {
    let shape = rng.next_u64() % 6;
    let s = |x0, y0, x1, y1| Stroke {
        x0,
        y0,
        x1,
        y1,
        width,
        ink,
    };
    match shape {
        0 => {
            out.push(s(x, y, x, y + h));
            out.push(s(x, y + h / 2.0, x + w, y + h / 2.0));
            out.push(s(x + w, y, x + w, y + h));
        }
        1 => {
            out.push(s(x, y + h, x + w / 2.0, y));
            out.push(s(x + w / 2.0, y, x + w, y + h));
            out.push(s(x + w * 0.25, y + h * 0.6, x + w * 0.75, y + h * 0.6));
        }
        2 => {
            out.push(s(x, y, x + w, y));
            out.push(s(x + w / 2.0, y, x + w / 2.0, y + h));
        }
        3 => {
            out.push(s(x, y, x + w, y + h));
            out.push(s(x + w, y, x, y + h));
        }
        4 => {
            out.push(s(x, y, x, y + h));
            out.push(s(x, y, x + w, y));
            out.push(s(x, y + h, x + w, y + h));
            out.push(s(x + w, y, x + w, y + h));
        }
        _ => {
            out.push(s(x, y, x + w, y));
            out.push(s(x + w, y, x, y + h));
            out.push(s(x, y + h, x + w, y + h));
        }
    }
}

/// Paper with a two-family guilloche of thin wavy lines, a soft colour
/// wash, and the photo block, at a point in millimetres.
fn background(x: f32, y: f32) -> [f32; 3] {
    let mut c = PAPER;
    // Soft colour wash across the card (iris printing), one slow cycle.
    let wash = (x / CARD_W_MM * std::f32::consts::PI).sin();
    c[0] -= 10.0 * wash;
    c[2] += 6.0 * wash;
    // Guilloche: wavy lines 0.9 mm apart, 0.08 mm Gaussian profile.
    for (amp, period, spacing, phase) in [(1.2f32, 14.0f32, 0.9f32, 0.0f32), (1.6, 21.0, 1.1, 0.4)] {
        let v = y - amp * (2.0 * std::f32::consts::PI * x / period + phase).sin();
        let d = ((v / spacing).fract() + 1.0).fract();
        let dist = (d.min(1.0 - d)) * spacing;
        let ink = (-(dist / 0.08).powi(2)).exp() * 0.55;
        for k in 0..3 {
            c[k] = c[k] * (1.0 - ink) + GUILLOCHE[k] * ink;
        }
    }
    // Photo block: 5..29 mm × 11..38 mm, a portrait-like picture.
    if (5.0..29.0).contains(&x) && (11.0..38.0).contains(&y) {
        let (u, v) = ((x - 17.0) / 12.0, (y - 24.5) / 13.5);
        let mut p = [200.0 - 40.0 * v, 205.0 - 30.0 * v, 215.0 - 10.0 * v];
        let face = (u / 0.45).powi(2) + ((v + 0.1) / 0.6).powi(2);
        if face < 1.0 {
            let shade = 1.0 - 0.25 * face;
            p = [225.0 * shade, 180.0 * shade, 150.0 * shade];
        }
        let hair = (u / 0.55).powi(2) + ((v + 0.55) / 0.45).powi(2);
        if hair < 1.0 && v < -0.35 {
            p = [70.0, 50.0, 40.0];
        }
        if v > 0.55 {
            p = [60.0, 70.0, 110.0 - 20.0 * u];
        }
        c = p;
    }
    c
}

fn segment_distance(px: f32, py: f32, s: &Stroke) -> f32 {
    let (dx, dy) = (s.x1 - s.x0, s.y1 - s.y0);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((px - s.x0) * dx + (py - s.y0) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (s.x0 + t * dx - px, s.y0 + t * dy - py);
    (cx * cx + cy * cy).sqrt()
}

/// Renders the synthetic card `width` px wide (height keeps the ID-1 aspect).
pub fn render_card(width: u32) -> RgbImage {
    let height = (width as f32 * CARD_H_MM / CARD_W_MM).round() as u32;
    let mm_per_px = CARD_W_MM / width as f32;
    let (w, h) = (width as usize, height as usize);
    let mut acc = vec![[0.0f32; 3]; w * h];
    // Background: 3 × 3 supersampling.
    for y in 0..h {
        for x in 0..w {
            let mut sum = [0.0f32; 3];
            for sy in 0..3 {
                for sx in 0..3 {
                    let c = background(
                        (x as f32 + (sx as f32 + 0.5) / 3.0) * mm_per_px,
                        (y as f32 + (sy as f32 + 0.5) / 3.0) * mm_per_px,
                    );
                    for k in 0..3 {
                        sum[k] += c[k] / 9.0;
                    }
                }
            }
            acc[y * w + x] = sum;
        }
    }
    // Strokes: 4 × 4 supersampled coverage within each stroke's bounding box.
    for s in strokes() {
        let r = s.width / 2.0;
        let x_lo = ((s.x0.min(s.x1) - r) / mm_per_px).floor().max(0.0) as usize;
        let x_hi = (((s.x0.max(s.x1) + r) / mm_per_px).ceil() as usize).min(w);
        let y_lo = ((s.y0.min(s.y1) - r) / mm_per_px).floor().max(0.0) as usize;
        let y_hi = (((s.y0.max(s.y1) + r) / mm_per_px).ceil() as usize).min(h);
        for y in y_lo..y_hi {
            for x in x_lo..x_hi {
                let mut inside = 0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        let px = (x as f32 + (sx as f32 + 0.5) / 4.0) * mm_per_px;
                        let py = (y as f32 + (sy as f32 + 0.5) / 4.0) * mm_per_px;
                        if segment_distance(px, py, &s) <= r {
                            inside += 1;
                        }
                    }
                }
                let a = inside as f32 / 16.0;
                let p = &mut acc[y * w + x];
                for k in 0..3 {
                    p[k] = p[k] * (1.0 - a) + s.ink[k] * a;
                }
            }
        }
    }
    RgbImage::from_fn(width, height, |x, y| {
        let p = acc[y as usize * w + x as usize];
        Rgb(p.map(|v| v.round().clamp(0.0, 255.0) as u8))
    })
}

/// A plain card of one colour with a few dark strokes (for glare tests).
pub fn plain_card(width: u32, paper: [u8; 3]) -> RgbImage {
    let height = (width as f32 * CARD_H_MM / CARD_W_MM).round() as u32;
    RgbImage::from_pixel(width, height, Rgb(paper))
}

fn to_planes(img: &RgbImage) -> (Vec<f32>, usize, usize) {
    let v = img.as_raw().iter().map(|&b| f32::from(b)).collect();
    (v, img.width() as usize, img.height() as usize)
}

fn from_planes(v: &[f32], w: usize, h: usize) -> RgbImage {
    RgbImage::from_fn(w as u32, h as u32, |x, y| {
        let i = (y as usize * w + x as usize) * 3;
        Rgb([0, 1, 2].map(|k| v[i + k].round().clamp(0.0, 255.0) as u8))
    })
}

/// Gaussian blur (σ in pixels of `img`), clamp-to-edge.
pub fn gaussian_blur(img: &RgbImage, sigma: f32) -> RgbImage {
    if sigma <= 0.0 {
        return img.clone();
    }
    let radius = (3.0 * sigma).ceil() as i64;
    let mut kernel: Vec<f32> = (-radius..=radius)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = kernel.iter().sum();
    kernel.iter_mut().for_each(|k| *k /= sum);
    let (src, w, h) = to_planes(img);
    let mut tmp = vec![0.0f32; src.len()];
    for y in 0..h {
        for x in 0..w {
            for k in 0..3 {
                let mut s = 0.0;
                for (j, kv) in kernel.iter().enumerate() {
                    let sx = (x as i64 + j as i64 - radius).clamp(0, w as i64 - 1) as usize;
                    s += kv * src[(y * w + sx) * 3 + k];
                }
                tmp[(y * w + x) * 3 + k] = s;
            }
        }
    }
    let mut out = vec![0.0f32; src.len()];
    for y in 0..h {
        for x in 0..w {
            for k in 0..3 {
                let mut s = 0.0;
                for (j, kv) in kernel.iter().enumerate() {
                    let sy = (y as i64 + j as i64 - radius).clamp(0, h as i64 - 1) as usize;
                    s += kv * tmp[(sy * w + x) * 3 + k];
                }
                out[(y * w + x) * 3 + k] = s;
            }
        }
    }
    from_planes(&out, w, h)
}

/// Bilinear sample of all three channels at `(x, y)`, clamped to the image.
fn bilinear(src: &[f32], w: usize, h: usize, x: f32, y: f32) -> [f32; 3] {
    let x = x.clamp(0.0, (w - 1) as f32);
    let y = y.clamp(0.0, (h - 1) as f32);
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let (a, b, c, d) = (
        (y0 * w + x0) * 3,
        (y0 * w + x1) * 3,
        (y1 * w + x0) * 3,
        (y1 * w + x1) * 3,
    );
    let mut out = [0.0f32; 3];
    for (k, o) in out.iter_mut().enumerate() {
        let top = src[a + k] * (1.0 - fx) + src[b + k] * fx;
        let bottom = src[c + k] * (1.0 - fx) + src[d + k] * fx;
        *o = top * (1.0 - fy) + bottom * fy;
    }
    out
}

/// Linear motion blur: the average of `length` samples 1 px apart along the
/// direction `angle_deg` (counter-clockwise from +x, y up).
pub fn motion_blur(img: &RgbImage, length: usize, angle_deg: f32) -> RgbImage {
    let (src, w, h) = to_planes(img);
    let (dx, dy) = (angle_deg.to_radians().cos(), -angle_deg.to_radians().sin());
    let mut out = vec![0.0f32; src.len()];
    let half = (length as f32 - 1.0) / 2.0;
    for y in 0..h {
        for x in 0..w {
            let mut sum = [0.0f32; 3];
            for i in 0..length {
                let t = i as f32 - half;
                let p = bilinear(&src, w, h, x as f32 + t * dx, y as f32 + t * dy);
                for k in 0..3 {
                    sum[k] += p[k];
                }
            }
            for k in 0..3 {
                out[(y * w + x) * 3 + k] = sum[k] / length as f32;
            }
        }
    }
    from_planes(&out, w, h)
}

/// Adds a specular highlight at `(cx, cy)` (relative coordinates): a
/// saturated white disc covering `area_fraction` of the image, with a
/// radial gradient back to the document over as far again (smoothstep), as
/// a lamp's out-of-focus reflection looks.
pub fn add_glare(img: &RgbImage, cx: f32, cy: f32, area_fraction: f32) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let core = (area_fraction * w * h / std::f32::consts::PI).sqrt();
    let mut out = img.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let r = ((x as f32 + 0.5 - cx * w).powi(2) + (y as f32 + 0.5 - cy * h).powi(2)).sqrt();
        let t = ((2.0 * core - r) / core).clamp(0.0, 1.0);
        let alpha = t * t * (3.0 - 2.0 * t);
        p.0 =
            p.0.map(|v| (f32::from(v) + (255.0 - f32::from(v)) * alpha).round() as u8);
    }
    out
}

/// Exposure change: `255 · (gain · v/255)^gamma`.
pub fn expose(img: &RgbImage, gain: f32, gamma: f32) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p.0 = p.0.map(|v| {
            (255.0 * (gain * f32::from(v) / 255.0).max(0.0).powf(gamma))
                .round()
                .clamp(0.0, 255.0) as u8
        });
    }
    out
}

/// Adds deterministic, approximately Gaussian noise of `sigma` grey levels.
pub fn add_noise(img: &RgbImage, sigma: f32, seed: u64) -> RgbImage {
    let mut rng = Rng::new(seed);
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p.0 = p.0.map(|v| {
            let n = (rng.unit() + rng.unit() + rng.unit() + rng.unit() - 2.0) * 3.0f32.sqrt() * sigma;
            (f32::from(v) + n).round().clamp(0.0, 255.0) as u8
        });
    }
    out
}

/// Shows `img` on a simulated display (each pixel becomes 3 × 3 screen
/// pixels: a red, a green and a blue column) and photographs it with a
/// camera grid rotated by `rotation_deg` and sampling `camera_width` px
/// across the display; the camera integrates 2 × 2 points per pixel.
pub fn screen_photo(img: &RgbImage, camera_width: u32, rotation_deg: f32) -> RgbImage {
    let (sw, sh) = (img.width() as usize * 3, img.height() as usize * 3);
    let mut screen = vec![0.0f32; sw * sh * 3];
    for (x, y, p) in img.enumerate_pixels() {
        for dy in 0..3 {
            for dx in 0..3 {
                let i = ((y as usize * 3 + dy) * sw + x as usize * 3 + dx) * 3;
                // Column dx lights sub-pixel dx only; a little light bleed.
                for k in 0..3 {
                    let on = if k == dx { 1.0 } else { 0.06 };
                    screen[i + k] = f32::from(p.0[k]) * on;
                }
            }
        }
    }
    let scale = sw as f32 / camera_width as f32; // screen px per camera px
    let camera_height = (sh as f32 / scale).round() as u32;
    let (sin, cos) = rotation_deg.to_radians().sin_cos();
    let (cx, cy) = (sw as f32 / 2.0, sh as f32 / 2.0);
    let (ox, oy) = (camera_width as f32 / 2.0, camera_height as f32 / 2.0);
    // Emissive screens photograph brighter than paper; a gain of 2.2 brings
    // the sub-pixel-averaged white back to about the card's level.
    let gain = 2.2f32;
    RgbImage::from_fn(camera_width, camera_height, |x, y| {
        let mut sum = [0.0f32; 3];
        for sy in 0..2 {
            for sx in 0..2 {
                let u = (x as f32 + 0.25 + 0.5 * sx as f32 - ox) * scale;
                let v = (y as f32 + 0.25 + 0.5 * sy as f32 - oy) * scale;
                let (px, py) = (cx + u * cos - v * sin, cy + u * sin + v * cos);
                let p = bilinear(&screen, sw, sh, px, py);
                for k in 0..3 {
                    sum[k] += p[k] / 4.0;
                }
            }
        }
        Rgb(sum.map(|v| (v * gain).round().clamp(0.0, 255.0) as u8))
    })
}

/// Where the shared fixtures are, if present.
pub fn fixtures_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures"));
    dir.is_dir().then_some(dir)
}

/// The card at 640 px, rendered once per test binary.
pub fn card_640() -> &'static RgbImage {
    static CARD: std::sync::OnceLock<RgbImage> = std::sync::OnceLock::new();
    CARD.get_or_init(|| render_card(640))
}

/// The card at 600 px, rendered once per test binary.
pub fn card_600() -> &'static RgbImage {
    static CARD: std::sync::OnceLock<RgbImage> = std::sync::OnceLock::new();
    CARD.get_or_init(|| render_card(600))
}

/// The card at 1000 px, rendered once per test binary.
pub fn card_1000() -> &'static RgbImage {
    static CARD: std::sync::OnceLock<RgbImage> = std::sync::OnceLock::new();
    CARD.get_or_init(|| render_card(1000))
}

/// Prints the card as a CMY halftone (clustered dots, 4 px period, screens
/// at 15°, 75° and 0°), the way offset-printed specimens are reproduced.
pub fn halftone(img: &RgbImage) -> RgbImage {
    let screens = [15.0f32, 75.0, 0.0].map(|deg: f32| deg.to_radians().sin_cos());
    let period = 4.0f32;
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y).0;
        let (xf, yf) = (x as f32 + 0.5, y as f32 + 0.5);
        let mut out = [0u8; 3];
        for k in 0..3 {
            let (sin, cos) = screens[k];
            let (u, v) = (xf * cos + yf * sin, -xf * sin + yf * cos);
            let w = 2.0 * std::f32::consts::PI / period;
            // Dot threshold in [0, 1]: low at the dot centres.
            let threshold = 0.5 - 0.25 * ((u * w).cos() + (v * w).cos());
            let coverage = 1.0 - f32::from(p[k]) / 255.0;
            out[k] = if coverage > threshold { 0 } else { 255 };
        }
        Rgb(out)
    })
}
