//! Synthetic identity documents drawn in code: a rounded card with a colour
//! gradient and a guilloche, a header, a portrait block with a face-like
//! blob, label/value text lines of varied stroke widths, a signature and an
//! MRZ-like block. The layout (where each content region is) is cheap to
//! compute from the seed alone, so the planner can aim glare at or away
//! from content before any pixel is drawn.

use serde::Serialize;

use crate::glyphs::{draw_text, random_words, Cell, GlyphSet, TextStyle};
use crate::raster::{capsule_sdf, ellipse_sdf, len2d, mix, rounded_rect_sdf, Rgb, Texture};
use crate::rng::Dice;

/// The physical formats drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardFormat {
    /// ID-1 card (85.60 × 53.98 mm, aspect 1.586) with a 3-line MRZ.
    Id1,
    /// Passport data page (125 × 88 mm, aspect 1.42) with a 2-line MRZ.
    PassportPage,
}

impl CardFormat {
    /// Width / height.
    pub fn aspect(self) -> f32 {
        match self {
            Self::Id1 => 1.586,
            Self::PassportPage => 1.42,
        }
    }
}

/// A box in document-normalised coordinates `[u0, v0, u1, v1]`
/// (u across the width, v down the height, both 0–1).
pub(crate) type UvBox = [f32; 4];

/// One line of text in the layout.
#[derive(Clone, Debug)]
struct TextLine {
    area: UvBox,
    /// Stroke width as a fraction of the glyph height.
    weight: f32,
    dark: bool,
}

/// Where everything is on a synthetic card, and its colours.
#[derive(Clone, Debug)]
pub(crate) struct CardLayout {
    pub(crate) format: CardFormat,
    seed: u64,
    paper: [Rgb; 2],
    guilloche: Rgb,
    guilloche_strength: f32,
    header: Option<(f32, Rgb)>,
    ink: Rgb,
    title: TextLine,
    portrait: UvBox,
    portrait_bg: Rgb,
    lines: Vec<TextLine>,
    signature: UvBox,
    mrz: UvBox,
    mrz_rows: usize,
    mrz_cols: usize,
    /// Kept free of content (only guilloche and a faint emblem).
    pub(crate) blank: UvBox,
    corner_radius: f32,
}

fn pastel(dice: &mut Dice, lo: f32, hi: f32) -> Rgb {
    let base = dice.range_f32(lo, hi);
    let tint = [
        dice.range_f32(-22.0, 12.0),
        dice.range_f32(-18.0, 10.0),
        dice.range_f32(-14.0, 16.0),
    ];
    tint.map(|t| (base + t).clamp(0.0, 255.0))
}

impl CardLayout {
    /// The layout of card `seed` in `format`.
    pub(crate) fn new(seed: u64, format: CardFormat) -> Self {
        let mut d = Dice::new(seed, 0xCA4D);
        let aspect = format.aspect();
        let paper = [pastel(&mut d, 200.0, 238.0), pastel(&mut d, 185.0, 232.0)];
        let guilloche = [
            d.range_f32(40.0, 200.0),
            d.range_f32(40.0, 190.0),
            d.range_f32(60.0, 210.0),
        ];
        let ink = [
            d.range_f32(15.0, 55.0),
            d.range_f32(15.0, 50.0),
            d.range_f32(20.0, 70.0),
        ];
        let header = if d.chance(0.6) {
            let c = [
                d.range_f32(40.0, 170.0),
                d.range_f32(50.0, 160.0),
                d.range_f32(70.0, 190.0),
            ];
            Some((d.range_f32(0.11, 0.16), c))
        } else {
            None
        };
        let top = header.map_or(0.0, |(h, _)| h);
        let title_h = if header.is_some() {
            top * 0.45
        } else {
            d.range_f32(0.05, 0.07)
        };
        let title_v = if header.is_some() { top * 0.28 } else { 0.04 };
        let title_len = d.range_f32(0.3, 0.55);
        let title = TextLine {
            area: [0.05, title_v, 0.05 + title_len, title_v + title_h],
            weight: 0.16,
            dark: header.is_none(),
        };

        let (mrz_rows, mrz_cols, mrz_line) = match format {
            CardFormat::Id1 => (3, 30, 0.052),
            CardFormat::PassportPage => (2, 44, 0.046),
        };
        let mrz_pitch = mrz_line * 1.45;
        let mrz_bottom = d.range_f32(0.93, 0.96);
        let mrz_top = mrz_bottom - mrz_pitch * (mrz_rows as f32 - 1.0) - mrz_line;
        let mrz = [0.045, mrz_top, 0.955, mrz_bottom];

        let content_top = top.max(title_v + title_h) + d.range_f32(0.03, 0.05);
        let content_bottom = mrz_top - 0.04;
        let pw = match format {
            CardFormat::Id1 => d.range_f32(0.22, 0.26),
            CardFormat::PassportPage => d.range_f32(0.25, 0.29),
        };
        // A 3:4 portrait: height in v units is the width in u units × aspect × 4/3,
        // shrunk to fit between the header and the MRZ.
        let ph = (pw * aspect * 4.0 / 3.0).min(content_bottom - content_top);
        let pw = ph * 0.75 / aspect;
        let portrait = [0.045, content_top, 0.045 + pw, content_top + ph];
        let portrait_bg = pastel(&mut d, 190.0, 235.0);

        let text_left = portrait[2] + d.range_f32(0.035, 0.055);
        let text_right = 0.68;
        let mut lines = Vec::new();
        let mut v = content_top;
        let label_h = d.range_f32(0.022, 0.03);
        let value_h = d.range_f32(0.04, 0.055);
        let bold = d.range_f32(0.14, 0.22);
        while v + label_h + value_h + 0.02 < content_bottom - 0.09 {
            let label_len = d.range_f32(0.08, 0.2).min(text_right - text_left);
            lines.push(TextLine {
                area: [text_left, v, text_left + label_len, v + label_h],
                weight: 0.11,
                dark: true,
            });
            v += label_h + 0.01;
            let value_len = d.range_f32(0.1, text_right - text_left).max(0.05);
            lines.push(TextLine {
                area: [text_left, v, text_left + value_len, v + value_h],
                weight: bold,
                dark: true,
            });
            v += value_h + d.range_f32(0.018, 0.03);
        }
        let sig_top = (content_bottom - 0.085).max(v);
        let signature = [
            text_left,
            sig_top,
            (text_left + d.range_f32(0.16, 0.24)).min(text_right),
            sig_top + 0.07,
        ];
        let blank = [0.72, content_top, 0.965, content_bottom];
        Self {
            format,
            seed,
            paper,
            guilloche,
            guilloche_strength: d.range_f32(0.2, 0.4),
            header,
            ink,
            title,
            portrait,
            portrait_bg,
            lines,
            signature,
            mrz,
            mrz_rows,
            mrz_cols,
            blank,
            corner_radius: match format {
                CardFormat::Id1 => 0.037,
                CardFormat::PassportPage => 0.025,
            },
        }
    }

    /// The regions a reader needs: title, portrait, every text line, the
    /// signature and the MRZ (glare over any of them hides information).
    pub(crate) fn content_regions(&self) -> Vec<UvBox> {
        let mut out = vec![self.title.area, self.portrait, self.signature, self.mrz];
        out.extend(self.lines.iter().map(|l| l.area));
        out
    }

    /// Draws the card at `width` pixels (height from the aspect ratio).
    pub(crate) fn render(&self, width: usize) -> Texture {
        let width = width.clamp(16, crate::raster::MAX_SIDE);
        let height = ((width as f32 / self.format.aspect()).round() as usize).max(8);
        let (w, h) = (width as f32, height as f32);
        let mut t = Texture::new(width, height, self.paper[0]);
        let mut d = Dice::new(self.seed, 0xD4A3);
        self.paint_background(&mut t, &mut d);
        let set = GlyphSet::new(&mut d, 40);
        self.paint_emblem(&mut t, w, h);
        self.paint_portrait(&mut t, &mut d, w, h);
        let title_color = if self.title.dark {
            self.ink
        } else {
            [248.0, 248.0, 245.0]
        };
        self.paint_line(&mut t, &mut d, &set, &self.title, title_color, w, h);
        for line in &self.lines {
            self.paint_line(&mut t, &mut d, &set, line, self.ink, w, h);
        }
        self.paint_signature(&mut t, &mut d, w, h);
        self.paint_mrz(&mut t, &mut d, &set, w, h);
        round_corners(&mut t, self.corner_radius * w);
        t
    }

    fn paint_background(&self, t: &mut Texture, d: &mut Dice) {
        let (w, h) = (t.width as f32, t.height as f32);
        // Two families of wavy lines: phase = k·x + a·sin(k2·y + φ); the inner
        // sine depends only on the row, the outer comes from a table.
        let period1 = w * d.range_f32(0.008, 0.016);
        let period2 = w * d.range_f32(0.01, 0.02);
        let k1 = std::f32::consts::TAU / period1;
        let k2 = std::f32::consts::TAU / (w * d.range_f32(0.08, 0.2));
        let k3 = std::f32::consts::TAU / period2;
        let k4 = std::f32::consts::TAU / (w * d.range_f32(0.08, 0.25));
        let (a1, a2) = (d.range_f32(2.0, 6.0), d.range_f32(2.0, 6.0));
        let (p1, p2) = (d.range_f32(0.0, 6.0), d.range_f32(0.0, 6.0));
        let table = LineTable::new(0.22);
        let strength = self.guilloche_strength;
        let col_wave: Vec<f32> = (0..t.width).map(|x| a2 * (k4 * x as f32 + p2).sin()).collect();
        for y in 0..t.height {
            let fy = y as f32;
            let row_wave = a1 * (k2 * fy + p1).sin();
            let gy = fy / h;
            let band = self.header.filter(|(hb, _)| gy < *hb).map(|(_, c)| c);
            for x in 0..t.width {
                let fx = x as f32;
                let g = (fx / w * 0.6 + gy * 0.4).clamp(0.0, 1.0);
                let base = band.unwrap_or_else(|| mix(self.paper[0], self.paper[1], g));
                let l1 = table.at(k1 * fx + row_wave);
                let l2 = table.at(k3 * fy + col_wave.get(x).copied().unwrap_or(0.0));
                let a = (l1 + l2 * 0.8).min(1.0) * strength;
                let c = mix(base, self.guilloche, a);
                if let Some(p) = t.px.get_mut(y * t.width + x) {
                    *p = [c[0], c[1], c[2], 1.0];
                }
            }
        }
    }

    fn paint_emblem(&self, t: &mut Texture, w: f32, h: f32) {
        let b = self.blank;
        let c = [(b[0] + b[2]) * 0.5 * w, (b[1] + b[3]) * 0.5 * h];
        let r = ((b[2] - b[0]) * w).min((b[3] - b[1]) * h) * 0.35;
        for (i, f) in [1.0f32, 0.8, 0.6].iter().enumerate() {
            let rr = r * f;
            let width = (w * 0.0025).max(0.6);
            t.fill_sdf(
                [c[0] - rr - 2.0, c[1] - rr - 2.0, c[0] + rr + 2.0, c[1] + rr + 2.0],
                self.guilloche,
                0.25 - i as f32 * 0.05,
                |x, y| (len2d(x - c[0], y - c[1]) - rr).abs() - width,
            );
        }
    }

    fn paint_portrait(&self, t: &mut Texture, d: &mut Dice, w: f32, h: f32) {
        let [u0, v0, u1, v1] = self.portrait;
        let (x0, y0, x1, y1) = (u0 * w, v0 * h, u1 * w, v1 * h);
        t.fill_sdf([x0, y0, x1, y1], self.portrait_bg, 1.0, |x, y| {
            rounded_rect_sdf(x, y, [x0, y0, x1, y1], 1.0)
        });
        let pw = x1 - x0;
        let ph = y1 - y0;
        let cx = (x0 + x1) * 0.5 + d.range_f32(-0.04, 0.04) * pw;
        let skin = [d.range_f32(150.0, 235.0), 0.0, 0.0];
        let skin = [
            skin[0],
            skin[0] * d.range_f32(0.72, 0.82),
            skin[0] * d.range_f32(0.58, 0.7),
        ];
        let hair_level = d.range_f32(20.0, 120.0);
        let hair_color = [hair_level, hair_level * 0.8, hair_level * 0.6];
        let cloth = [
            d.range_f32(20.0, 160.0),
            d.range_f32(20.0, 160.0),
            d.range_f32(20.0, 160.0),
        ];
        let frame_box = [x0, y0, x1, y1];
        let clip = |x: f32, y: f32, s: f32| s.max(rounded_rect_sdf(x, y, frame_box, 1.0));
        // Each part is filled over its own box, cut to the portrait frame.
        let part = |c: [f32; 2], ax: [f32; 2]| {
            [
                (c[0] - ax[0] - 1.0).max(x0),
                (c[1] - ax[1] - 1.0).max(y0),
                (c[0] + ax[0] + 1.0).min(x1),
                (c[1] + ax[1] + 1.0).min(y1),
            ]
        };
        let shoulders = ([cx, y1 + ph * 0.08], [pw * 0.55, ph * 0.28]);
        t.fill_sdf(part(shoulders.0, shoulders.1), cloth, 1.0, |x, y| {
            clip(x, y, ellipse_sdf(x, y, shoulders.0, shoulders.1, 0.0))
        });
        let neck = [cx - pw * 0.1, y0 + ph * 0.55, cx + pw * 0.1, y0 + ph * 0.8];
        t.fill_sdf(neck, mix(skin, [0.0; 3], 0.12), 1.0, |x, y| {
            clip(x, y, rounded_rect_sdf(x, y, neck, 2.0))
        });
        let head_c = [cx, y0 + ph * 0.42];
        let head_ax = [pw * d.range_f32(0.23, 0.28), ph * d.range_f32(0.22, 0.27)];
        let hair = ([cx, head_c[1] - ph * 0.05], [head_ax[0] * 1.12, head_ax[1] * 1.08]);
        t.fill_sdf(part(hair.0, hair.1), hair_color, 1.0, |x, y| {
            clip(x, y, ellipse_sdf(x, y, hair.0, hair.1, 0.0))
        });
        let face_c = [cx, head_c[1] + ph * 0.02];
        t.fill_sdf(part(face_c, head_ax), skin, 1.0, |x, y| {
            clip(x, y, ellipse_sdf(x, y, face_c, head_ax, 0.0))
        });
        let eye_y = head_c[1];
        let eye_dx = head_ax[0] * 0.4;
        let eye_ax = [pw * 0.035, ph * 0.015];
        for sx in [-1.0f32, 1.0] {
            let e = [cx + sx * eye_dx, eye_y];
            t.fill_sdf(part(e, eye_ax), [40.0, 30.0, 30.0], 0.9, |x, y| {
                ellipse_sdf(x, y, e, eye_ax, 0.0)
            });
        }
        let m0 = [cx - head_ax[0] * 0.3, eye_y + head_ax[1] * 0.55];
        let m1 = [cx + head_ax[0] * 0.3, eye_y + head_ax[1] * 0.55];
        let lip = (ph * 0.008).max(0.6);
        t.fill_sdf(
            [m0[0] - 2.0, m0[1] - lip - 2.0, m1[0] + 2.0, m1[1] + lip + 2.0],
            [150.0, 70.0, 70.0],
            0.8,
            |x, y| capsule_sdf(x, y, m0, m1, lip),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn paint_line(&self, t: &mut Texture, d: &mut Dice, set: &GlyphSet, line: &TextLine, color: Rgb, w: f32, h: f32) {
        let [u0, v0, u1, v1] = line.area;
        let height = (v1 - v0) * h;
        let advance = height * d.range_f32(0.62, 0.78);
        let count = (((u1 - u0) * w / advance).floor() as usize).clamp(1, 200);
        let cells = random_words(d, set, count);
        let style = TextStyle {
            height,
            advance,
            stroke: (height * line.weight).max(0.7),
            color,
            opacity: 0.95,
        };
        draw_text(t, set, u0 * w, v0 * h, &style, &cells);
    }

    fn paint_signature(&self, t: &mut Texture, d: &mut Dice, w: f32, h: f32) {
        let [u0, v0, u1, v1] = self.signature;
        let (x0, y0, x1, y1) = (u0 * w, v0 * h, u1 * w, v1 * h);
        let n = 14;
        let pts: Vec<[f32; 2]> = (0..=n)
            .map(|i| {
                let f = i as f32 / n as f32;
                [
                    x0 + f * (x1 - x0),
                    y0 + (y1 - y0) * (0.5 + 0.45 * (f * d.range_f32(9.0, 16.0)).sin() * d.range_f32(0.5, 1.0)),
                ]
            })
            .collect();
        let half = (h * 0.003).max(0.5);
        t.fill_sdf(
            [x0 - 2.0, y0 - 2.0, x1 + 2.0, y1 + 2.0],
            [20.0, 30.0, 90.0],
            0.9,
            |x, y| {
                pts.windows(2)
                    .map(|s| capsule_sdf(x, y, s[0], s[1], half))
                    .fold(f32::INFINITY, f32::min)
            },
        );
    }

    fn paint_mrz(&self, t: &mut Texture, d: &mut Dice, set: &GlyphSet, w: f32, h: f32) {
        let [u0, v0, u1, v1] = self.mrz;
        let rows = self.mrz_rows.max(1) as f32;
        let advance = (u1 - u0) * w / self.mrz_cols.max(1) as f32;
        let pitch = (v1 - v0) * h / (rows - 1.0 + 1.0 / 1.45);
        let height = pitch / 1.45;
        let style = TextStyle {
            height,
            advance,
            stroke: (height * 0.12).max(0.7),
            color: [18.0, 18.0, 22.0],
            opacity: 1.0,
        };
        for r in 0..self.mrz_rows {
            // Data first, then the filler run, as on real MRZ lines.
            let data = d.int(self.mrz_cols as i64 / 3, self.mrz_cols as i64 - 2) as usize;
            let cells: Vec<Cell> = (0..self.mrz_cols)
                .map(|i| {
                    if i < data && !(i > 4 && d.chance(0.08)) {
                        Cell::Glyph(d.index(set.len()))
                    } else {
                        Cell::Filler
                    }
                })
                .collect();
            draw_text(t, set, u0 * w, v0 * h + r as f32 * pitch, &style, &cells);
        }
    }
}

/// Thin-line profile of a phase, tabulated: 1 on the line (phase ≡ 0 mod π), 0 between.
struct LineTable {
    values: Vec<f32>,
}

const LINE_TABLE_SIZE: usize = 1024;

impl LineTable {
    fn new(half_width: f32) -> Self {
        let values = (0..LINE_TABLE_SIZE)
            .map(|i| {
                let s = (i as f32 / LINE_TABLE_SIZE as f32 * std::f32::consts::TAU).sin().abs();
                1.0 - crate::raster::smoothstep(half_width * 0.4, half_width, s)
            })
            .collect();
        Self { values }
    }

    #[inline]
    fn at(&self, phase: f32) -> f32 {
        // Power-of-two table: masking is the Euclidean remainder, also for negative phases.
        let i = (phase * (LINE_TABLE_SIZE as f32 / std::f32::consts::TAU)) as i64;
        self.values
            .get((i & (LINE_TABLE_SIZE as i64 - 1)) as usize)
            .copied()
            .unwrap_or(0.0)
    }
}

/// Makes the corners outside the radius transparent (antialiased).
pub(crate) fn round_corners(t: &mut Texture, radius: f32) {
    let (w, h) = (t.width as f32, t.height as f32);
    let r = radius.max(0.0);
    let span = r.ceil() as usize + 1;
    let width = t.width;
    for y in 0..t.height {
        let near_y = y < span || y + span >= t.height;
        if !near_y {
            continue;
        }
        for x in (0..width).filter(|&x| x < span || x + span >= width) {
            let d = rounded_rect_sdf(x as f32 + 0.5, y as f32 + 0.5, [0.0, 0.0, w, h], r);
            let a = (0.5 - d).clamp(0.0, 1.0);
            if let Some(p) = t.px.get_mut(y * width + x) {
                *p = p.map(|v| v * a);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_keeps_content_out_of_the_blank_zone_and_inside_the_card() {
        for seed in 0..200 {
            for format in [CardFormat::Id1, CardFormat::PassportPage] {
                let l = CardLayout::new(seed, format);
                for r in l.content_regions() {
                    assert!(r[0] >= 0.0 && r[1] >= 0.0 && r[2] <= 1.0 && r[3] <= 1.0, "{seed} {r:?}");
                    assert!(r[2] > r[0] && r[3] > r[1], "{seed} {r:?}");
                    let overlap = r[0] < l.blank[2] && r[2] > l.blank[0] && r[1] < l.blank[3] && r[3] > l.blank[1];
                    assert!(!overlap, "seed {seed}: {r:?} overlaps the blank zone {:?}", l.blank);
                }
                assert!(l.lines.len() >= 4, "seed {seed}: {} lines", l.lines.len());
            }
        }
    }

    #[test]
    fn card_has_ink_paper_and_transparent_corners() {
        let l = CardLayout::new(3, CardFormat::Id1);
        let t = l.render(400);
        assert_eq!((t.width, t.height), (400, 252));
        assert_eq!(t.px[0][3], 0.0);
        let opaque = t.px.iter().filter(|p| p[3] > 0.99).count();
        assert!(opaque > 400 * 252 * 95 / 100);
        let dark = t.px.iter().filter(|p| p[3] > 0.99 && p[0] < 70.0).count();
        assert!(dark > 2000, "{dark} dark pixels");
    }

    #[test]
    fn same_seed_same_card() {
        let a = CardLayout::new(11, CardFormat::PassportPage).render(300);
        let b = CardLayout::new(11, CardFormat::PassportPage).render(300);
        assert_eq!(a, b);
    }
}
