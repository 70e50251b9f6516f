//! Test helpers: find the OCR-B font, render MRZ lines with it, degrade.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::GrayImage;

/// The OCR-B font bytes from `OPENKYC_OCRB_FONT` or Debian's path; `None`
/// (with a visible message) when absent, so tests can skip loudly.
pub fn font_bytes() -> Option<Vec<u8>> {
    let path =
        std::env::var("OPENKYC_OCRB_FONT").unwrap_or_else(|_| "/usr/share/fonts/opentype/ocr-b/OCRB.otf".to_string());
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            eprintln!("SKIPPED: OCR-B font not found at {path} ({e}); install fonts-ocr-b or set OPENKYC_OCRB_FONT");
            None
        }
    }
}

/// Renders `lines` of MRZ text, cap height `cap` px, paper 225 and ink 30,
/// line spacing 2× cap height, margins of 2 cap heights.
pub fn render(font_bytes: &[u8], lines: &[&str], cap: f32) -> GrayImage {
    let font = FontRef::try_from_slice(font_bytes).unwrap();
    let probe = font
        .outline_glyph(font.glyph_id('H').with_scale(PxScale::from(100.0)))
        .unwrap();
    let scale = PxScale::from(100.0 * cap / probe.px_bounds().height());
    let advance = font.as_scaled(scale).h_advance(font.glyph_id('H'));
    let n = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    let margin = 2.0 * cap;
    let w = (2.0 * margin + n as f32 * advance).ceil() as u32;
    let h = (2.0 * margin + lines.len() as f32 * 2.0 * cap).ceil() as u32;
    let mut cov = vec![0.0f32; (w * h) as usize];
    for (li, line) in lines.iter().enumerate() {
        let baseline = margin + cap + li as f32 * 2.0 * cap;
        for (i, c) in line.chars().enumerate() {
            let g = font
                .glyph_id(c)
                .with_scale_and_position(scale, ab_glyph::point(margin + i as f32 * advance, baseline));
            if let Some(o) = font.outline_glyph(g) {
                let b = o.px_bounds();
                o.draw(|x, y, v| {
                    let px = b.min.x as i64 + x as i64;
                    let py = b.min.y as i64 + y as i64;
                    if px >= 0 && py >= 0 && (px as u32) < w && (py as u32) < h {
                        let p = &mut cov[(py as u32 * w + px as u32) as usize];
                        *p = (*p + v).min(1.0);
                    }
                });
            }
        }
    }
    GrayImage::from_fn(w, h, |x, y| {
        let c = cov[(y * w + x) as usize];
        image::Luma([(225.0 - 195.0 * c).round() as u8])
    })
}

/// Small deterministic generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Approximately standard normal (sum of 4 uniforms).
    pub fn normal(&mut self) -> f32 {
        ((0..4).map(|_| self.unit()).sum::<f32>() - 2.0) * 1.732
    }
}

/// Gaussian blur with standard deviation `sigma`.
pub fn blur(img: &GrayImage, sigma: f32) -> GrayImage {
    if sigma <= 0.0 {
        return img.clone();
    }
    let r = (3.0 * sigma).ceil() as i64;
    let k: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f32 / (2.0 * sigma * sigma)).exp())
        .collect();
    let ks: f32 = k.iter().sum();
    let (w, h) = (img.width() as i64, img.height() as i64);
    let src: Vec<f32> = img.as_raw().iter().map(|&v| f32::from(v)).collect();
    let mut tmp = vec![0.0f32; src.len()];
    for y in 0..h {
        for x in 0..w {
            let mut s = 0.0;
            for (j, kv) in k.iter().enumerate() {
                let xx = (x + j as i64 - r).clamp(0, w - 1);
                s += kv * src[(y * w + xx) as usize];
            }
            tmp[(y * w + x) as usize] = s / ks;
        }
    }
    GrayImage::from_fn(w as u32, h as u32, |x, y| {
        let mut s = 0.0;
        for (j, kv) in k.iter().enumerate() {
            let yy = (y as i64 + j as i64 - r).clamp(0, h - 1);
            s += kv * tmp[(yy * w + x as i64) as usize];
        }
        image::Luma([(s / ks).round().clamp(0.0, 255.0) as u8])
    })
}

/// Rotates about the centre by `deg` degrees (bilinear, paper fill).
pub fn rotate(img: &GrayImage, deg: f32) -> GrayImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (w / 2.0, h / 2.0);
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let dx = x as f32 - cx;
        let dy = y as f32 - cy;
        let sx = c * dx + s * dy + cx;
        let sy = -s * dx + c * dy + cy;
        let x0 = sx.floor();
        let y0 = sy.floor();
        let get = |xx: f32, yy: f32| -> f32 {
            if xx < 0.0 || yy < 0.0 || xx >= w || yy >= h {
                225.0
            } else {
                f32::from(img.get_pixel(xx as u32, yy as u32)[0])
            }
        };
        let fx = sx - x0;
        let fy = sy - y0;
        let a = get(x0, y0) * (1.0 - fx) + get(x0 + 1.0, y0) * fx;
        let b = get(x0, y0 + 1.0) * (1.0 - fx) + get(x0 + 1.0, y0 + 1.0) * fx;
        image::Luma([(a * (1.0 - fy) + b * fy).round() as u8])
    })
}

/// Adds Gaussian noise of standard deviation `sd` grey levels.
pub fn noise(img: &GrayImage, sd: f32, rng: &mut Rng) -> GrayImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p[0] = (f32::from(p[0]) + sd * rng.normal()).round().clamp(0.0, 255.0) as u8;
    }
    out
}

/// A JPEG round trip at `quality`.
pub fn jpeg(img: &GrayImage, quality: u8) -> GrayImage {
    let mut buf = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, quality)
        .encode_image(img)
        .unwrap();
    image::load_from_memory_with_format(&buf, image::ImageFormat::Jpeg)
        .unwrap()
        .to_luma8()
}
