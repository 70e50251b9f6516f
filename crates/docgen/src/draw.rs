//! Drawing on a page in millimetres: text (anti-aliased coverage from
//! `ab_glyph` outlines; proportional, fixed pitch, or on a grid of full- and
//! half-width cells as Chinese cards are set), rectangles, rings, polygons,
//! a guilloche ground and a portrait.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{Rgb, RgbImage};

/// A page being drawn, with its resolution.
pub(crate) struct Canvas {
    pub image: RgbImage,
    pub px_per_mm: f32,
}

impl Canvas {
    /// A page of `width_mm × height_mm` filled with `paper`.
    pub fn new(width_mm: f32, height_mm: f32, px_per_mm: f32, paper: [u8; 3]) -> Self {
        let side = |mm: f32| ((mm * px_per_mm).round() as u32).max(1);
        Self {
            image: RgbImage::from_pixel(side(width_mm), side(height_mm), Rgb(paper)),
            px_per_mm,
        }
    }

    fn blend(&mut self, x: i64, y: i64, color: [u8; 3], alpha: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.image.width()) || y >= i64::from(self.image.height()) {
            return;
        }
        let pixel = self.image.get_pixel_mut(x as u32, y as u32);
        for (channel, ink) in pixel.0.iter_mut().zip(color) {
            let mixed = f32::from(*channel) * (1.0 - alpha) + f32::from(ink) * alpha;
            *channel = mixed.round().clamp(0.0, 255.0) as u8;
        }
    }

    /// Fills a rectangle given in millimetres.
    pub fn rect(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, color: [u8; 3], alpha: f32) {
        let k = self.px_per_mm;
        let (x0, y0) = ((x_mm * k).round() as i64, (y_mm * k).round() as i64);
        let (x1, y1) = (((x_mm + w_mm) * k).round() as i64, ((y_mm + h_mm) * k).round() as i64);
        for y in y0..y1 {
            for x in x0..x1 {
                self.blend(x, y, color, alpha);
            }
        }
    }

    /// A light ground of two colours and two families of wavy lines, as on
    /// security paper (so the page is not a blank field around the text).
    pub fn guilloche(&mut self, top: [u8; 3], bottom: [u8; 3], line: [u8; 3], phase: f32) {
        let (w, h) = (self.image.width(), self.image.height());
        let k = self.px_per_mm;
        for y in 0..h {
            let t = y as f32 / h.max(1) as f32;
            for x in 0..w {
                let ground: [u8; 3] =
                    std::array::from_fn(|c| (f32::from(top[c]) * (1.0 - t) + f32::from(bottom[c]) * t) as u8);
                let (xm, ym) = (x as f32 / k, y as f32 / k);
                let wave_a = ((ym + 1.6 * (xm * 0.35 + phase).sin()) * 1.3).sin();
                let wave_b = ((xm * 0.8 + 2.0 * (ym * 0.25 + phase).cos()) * 0.9).sin();
                let ink = (1.0 - wave_a.abs()).powi(12).max((1.0 - wave_b.abs()).powi(14)) * 0.35;
                let pixel = self.image.get_pixel_mut(x, y);
                *pixel = Rgb(std::array::from_fn(|c| {
                    (f32::from(ground[c]) * (1.0 - ink) + f32::from(line[c]) * ink).round() as u8
                }));
            }
        }
    }

    /// A portrait block: plain backdrop, head and shoulders.
    pub fn portrait(&mut self, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32, skin: [u8; 3], clothes: [u8; 3]) {
        self.rect(x_mm, y_mm, w_mm, h_mm, [222, 226, 230], 1.0);
        let k = self.px_per_mm;
        let (cx, cy) = ((x_mm + w_mm / 2.0) * k, (y_mm + h_mm * 0.42) * k);
        let (rx, ry) = (w_mm * 0.24 * k, h_mm * 0.25 * k);
        let (x0, y0) = ((x_mm * k) as i64, (y_mm * k) as i64);
        let (x1, y1) = (((x_mm + w_mm) * k) as i64, ((y_mm + h_mm) * k) as i64);
        for y in y0..y1 {
            for x in x0..x1 {
                let (dx, dy) = ((x as f32 - cx) / rx, (y as f32 - cy) / ry);
                if dx * dx + dy * dy <= 1.0 {
                    self.blend(x, y, skin, 1.0);
                    continue;
                }
                let shoulders_top = cy + ry * 1.25;
                let half = rx * (1.0 + (y as f32 - shoulders_top).max(0.0) / (ry * 0.6)).min(rx * 2.2);
                if y as f32 >= shoulders_top && (x as f32 - cx).abs() <= half {
                    self.blend(x, y, clothes, 1.0);
                }
            }
        }
    }

    /// Draws `text` with its left end at `x_mm` and its baseline at
    /// `baseline_mm`, capital letters `cap_mm` tall. Returns the width drawn
    /// (mm). Characters the font lacks are skipped.
    pub fn text(
        &mut self,
        font_bytes: &[u8],
        text: &str,
        x_mm: f32,
        baseline_mm: f32,
        cap_mm: f32,
        color: [u8; 3],
    ) -> f32 {
        let Some(font) = face(font_bytes) else {
            return 0.0;
        };
        let scale = scale_for_cap(&font, cap_mm * self.px_per_mm);
        let scaled = font.as_scaled(scale);
        let mut pen = x_mm * self.px_per_mm;
        let baseline = baseline_mm * self.px_per_mm;
        let mut previous = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = previous {
                pen += scaled.kern(p, id);
            }
            self.glyph(&font, id, scale, pen, baseline, color);
            pen += scaled.h_advance(id);
            previous = Some(id);
        }
        pen / self.px_per_mm - x_mm
    }

    /// Draws `text` one character per `pitch_mm` cell (fixed pitch, as an MRZ
    /// is printed), each glyph centred in its cell.
    #[allow(clippy::too_many_arguments)]
    pub fn fixed_pitch(
        &mut self,
        font_bytes: &[u8],
        text: &str,
        x_mm: f32,
        baseline_mm: f32,
        cap_mm: f32,
        pitch_mm: f32,
        color: [u8; 3],
    ) {
        let Some(font) = face(font_bytes) else {
            return;
        };
        let scale = scale_for_cap(&font, cap_mm * self.px_per_mm);
        let scaled = font.as_scaled(scale);
        let baseline = baseline_mm * self.px_per_mm;
        for (i, c) in text.chars().enumerate() {
            let id = font.glyph_id(c);
            let cell_left = (x_mm + i as f32 * pitch_mm) * self.px_per_mm;
            let offset = (pitch_mm * self.px_per_mm - scaled.h_advance(id)) / 2.0;
            self.glyph(&font, id, scale, cell_left + offset, baseline, color);
        }
    }

    /// Draws `text` on a grid, as Chinese identity cards are set: each
    /// character centred in its cell, `cell_mm` wide for a full-width
    /// character and half that for an ASCII one ([`cell_units`]), ideographs
    /// `ideograph_mm` tall (the ink height of 国). Returns the width of the
    /// cells (mm), which needs no font: layouts and line breaks are computed
    /// without one. Characters the font lacks are skipped.
    #[allow(clippy::too_many_arguments)]
    pub fn grid_text(
        &mut self,
        font_bytes: &[u8],
        text: &str,
        x_mm: f32,
        baseline_mm: f32,
        ideograph_mm: f32,
        cell_mm: f32,
        color: [u8; 3],
    ) -> f32 {
        let width = grid_width(text, cell_mm);
        let Some(font) = face(font_bytes) else {
            return width;
        };
        let scale = scale_for_height(&font, '国', ideograph_mm * self.px_per_mm);
        let scaled = font.as_scaled(scale);
        let baseline = baseline_mm * self.px_per_mm;
        let mut cell_left = x_mm * self.px_per_mm;
        for c in text.chars() {
            let id = font.glyph_id(c);
            let cell = cell_units(c) * cell_mm * self.px_per_mm;
            let offset = (cell - scaled.h_advance(id)) / 2.0;
            self.glyph(&font, id, scale, cell_left + offset, baseline, color);
            cell_left += cell;
        }
        width
    }

    /// Fills the ring between radii `inner_mm` and `outer_mm` around
    /// (`cx_mm`, `cy_mm`), anti-aliased; an inner radius of 0 fills a disc.
    pub fn ring(&mut self, cx_mm: f32, cy_mm: f32, inner_mm: f32, outer_mm: f32, color: [u8; 3]) {
        let k = self.px_per_mm;
        let (cx, cy, inner, outer) = (cx_mm * k, cy_mm * k, inner_mm * k, outer_mm * k);
        let (x0, x1) = ((cx - outer).floor() as i64, (cx + outer).ceil() as i64);
        let (y0, y1) = ((cy - outer).floor() as i64, (cy + outer).ceil() as i64);
        for y in self.clip_rows(y0, y1) {
            for x in self.clip_columns(x0, x1) {
                let d = (x as f32 + 0.5 - cx).hypot(y as f32 + 0.5 - cy);
                let alpha = (outer - d + 0.5).clamp(0.0, 1.0) * (d - inner + 0.5).clamp(0.0, 1.0);
                if alpha > 0.0 {
                    self.blend(x, y, color, alpha);
                }
            }
        }
    }

    /// Fills a polygon (even-odd rule) given by its corners in millimetres,
    /// anti-aliased by 3 × 3 samples a pixel.
    pub fn polygon(&mut self, corners_mm: &[(f32, f32)], color: [u8; 3]) {
        let k = self.px_per_mm;
        let corners: Vec<(f32, f32)> = corners_mm.iter().map(|&(x, y)| (x * k, y * k)).collect();
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &(x, y) in &corners {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        if corners.len() < 3 {
            return;
        }
        for y in self.clip_rows(y0.floor() as i64, y1.ceil() as i64) {
            for x in self.clip_columns(x0.floor() as i64, x1.ceil() as i64) {
                let inside = (0..9u8)
                    .filter(|s| {
                        let sx = x as f32 + (f32::from(*s % 3) + 0.5) / 3.0;
                        let sy = y as f32 + (f32::from(*s / 3) + 0.5) / 3.0;
                        contains(&corners, sx, sy)
                    })
                    .count();
                if inside > 0 {
                    self.blend(x, y, color, inside as f32 / 9.0);
                }
            }
        }
    }

    /// The rows `y0..y1` that lie on the page (bounded work for any shape).
    fn clip_rows(&self, y0: i64, y1: i64) -> std::ops::Range<i64> {
        y0.max(0)..y1.min(i64::from(self.image.height()))
    }

    /// The columns `x0..x1` that lie on the page.
    fn clip_columns(&self, x0: i64, x1: i64) -> std::ops::Range<i64> {
        x0.max(0)..x1.min(i64::from(self.image.width()))
    }

    fn glyph(
        &mut self,
        font: &FontRef<'_>,
        id: ab_glyph::GlyphId,
        scale: PxScale,
        x: f32,
        baseline: f32,
        color: [u8; 3],
    ) {
        let glyph = id.with_scale_and_position(scale, ab_glyph::point(x, baseline));
        let Some(outline) = font.outline_glyph(glyph) else {
            return;
        };
        let bounds = outline.px_bounds();
        let mut coverage = Vec::new();
        outline.draw(|gx, gy, v| coverage.push((gx, gy, v)));
        for (gx, gy, v) in coverage {
            let px = bounds.min.x as i64 + i64::from(gx);
            let py = bounds.min.y as i64 + i64::from(gy);
            self.blend(px, py, color, v.clamp(0.0, 1.0));
        }
    }
}

/// Face 0 of a font file or collection (`.ttc`).
fn face(font_bytes: &[u8]) -> Option<FontRef<'_>> {
    FontRef::try_from_slice_and_index(font_bytes, 0).ok()
}

/// The font scale whose capital `H` is `cap_px` tall.
fn scale_for_cap(font: &FontRef<'_>, cap_px: f32) -> PxScale {
    scale_for_height(font, 'H', cap_px)
}

/// The font scale at which `probe`'s ink is `height_px` tall.
fn scale_for_height(font: &FontRef<'_>, probe: char, height_px: f32) -> PxScale {
    let probe = font
        .outline_glyph(font.glyph_id(probe).with_scale(PxScale::from(100.0)))
        .map_or(70.0, |o| o.px_bounds().height().max(1.0));
    PxScale::from(100.0 * height_px / probe)
}

/// How many grid cells a character takes on a Chinese card: ASCII (digits,
/// Latin letters, `-`, `.`) half a cell, everything else a whole one.
pub(crate) fn cell_units(c: char) -> f32 {
    if c.is_ascii() {
        0.5
    } else {
        1.0
    }
}

/// The width (mm) of `text` set on a grid of `cell_mm` cells.
pub(crate) fn grid_width(text: &str, cell_mm: f32) -> f32 {
    text.chars().map(cell_units).sum::<f32>() * cell_mm
}

/// Whether (`x`, `y`) lies inside the polygon (even-odd crossings).
fn contains(corners: &[(f32, f32)], x: f32, y: f32) -> bool {
    let mut inside = false;
    let mut previous = corners.last().copied().unwrap_or_default();
    for &current in corners {
        let ((xa, ya), (xb, yb)) = (previous, current);
        if (ya > y) != (yb > y) && x < xa + (y - ya) * (xb - xa) / (yb - ya) {
            inside = !inside;
        }
        previous = current;
    }
    inside
}
