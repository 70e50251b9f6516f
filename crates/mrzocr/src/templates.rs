//! Glyph templates rendered from OCR-B font bytes.
//!
//! Each of the 37 MRZ symbols is rasterised at four times the template
//! resolution, placed in a [`TEMPLATE_W`]×[`TEMPLATE_H`] cell whose rows map
//! the cap height to rows `MARGIN_Y..TEMPLATE_H-MARGIN_Y` (so the vertical
//! position of short glyphs such as `<` is kept) and whose columns are
//! centred on the glyph's ink box (so glyph width is kept: `0` is narrower
//! than `O`), then box-averaged down. Augmentations make each class a small
//! set: bolder and thinner strokes (grey dilation/erosion at high
//! resolution), a blurred copy, and ±1 px horizontal shifts. Every template
//! is stored zero-mean and unit-norm so that a dot product with a likewise
//! normalised patch is the normalised cross-correlation.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};

/// The MRZ alphabet, in class-index order.
pub const ALPHABET: [char; 37] = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W',
    'X', 'Y', 'Z', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '<',
];

/// Template width in pixels.
pub const TEMPLATE_W: usize = 20;
/// Template height in pixels.
pub const TEMPLATE_H: usize = 24;
/// Rows above the cap height and below the baseline.
pub const MARGIN_Y: usize = 2;
/// Template rows spanned by the cap height.
pub const CAP_ROWS: usize = TEMPLATE_H - 2 * MARGIN_Y;
/// Classes scored with all their variants (see `score_classes`).
const REFINED_CLASSES: usize = 8;
/// Supersampling factor of the high-resolution rendering.
const HR: usize = 4;

/// Why templates could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The bytes are not a font `ab_glyph` can read.
    #[error("not a readable OpenType/TrueType font")]
    InvalidFont,
    /// The font lacks an MRZ symbol (or draws it empty).
    #[error("the font has no outline for {0:?}")]
    MissingGlyph(char),
}

/// One normalised template of one class.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// Index into [`ALPHABET`].
    pub class: usize,
    /// Zero-mean, unit-norm pixels (ink positive), row-major.
    pub data: Vec<f32>,
}

/// The template set for the 37 MRZ symbols.
#[derive(Debug, Clone)]
pub struct Templates {
    pub(crate) templates: Vec<Template>,
    /// Character pitch (advance width) divided by cap height in the font.
    pub(crate) pitch_per_cap: f32,
    /// Mean ink width of the glyphs divided by the pitch.
    pub(crate) ink_per_pitch: f32,
}

impl Templates {
    /// Renders the templates from OCR-B font bytes (e.g. Debian's
    /// `fonts-ocr-b` `OCRB.otf`; the caller reads the file).
    ///
    /// # Errors
    /// [`TemplateError`] when the font cannot be parsed or lacks a symbol.
    pub fn from_font(font_bytes: &[u8]) -> Result<Self, TemplateError> {
        let font = FontRef::try_from_slice(font_bytes).map_err(|_| TemplateError::InvalidFont)?;
        // Measure the cap height at a reference scale, then pick the scale
        // at which it spans CAP_ROWS template rows.
        let probe = PxScale::from(100.0);
        let cap100 = glyph_ink_height(&font, 'H', probe)
            .filter(|&h| h >= 10.0)
            .ok_or(TemplateError::MissingGlyph('H'))?;
        let cap_hr = (CAP_ROWS * HR) as f32;
        let scale = PxScale::from(100.0 * cap_hr / cap100);
        let advance = font.as_scaled(scale).h_advance(font.glyph_id('H'));
        let mut templates = Vec::new();
        let mut ink_total = 0.0;
        for (class, &c) in ALPHABET.iter().enumerate() {
            let (canvas, ink_width) = render_hr(&font, c, scale).ok_or(TemplateError::MissingGlyph(c))?;
            ink_total += ink_width;
            let bold = grey_morph(&canvas, 3, true);
            let thin = grey_morph(&canvas, 2, false);
            let base = downsample(&canvas);
            let bold = downsample(&bold);
            // The plain rendering first: it is the one every class is
            // scored with before the variants are tried (see score_classes).
            let variants = [
                base.clone(),
                blur3(&base),
                shift_x(&base, -1),
                shift_x(&base, 1),
                blur3(&bold),
                downsample(&thin),
                bold,
            ];
            for v in variants {
                if let Some(data) = normalise(&v) {
                    templates.push(Template { class, data });
                }
            }
        }
        Ok(Self {
            templates,
            pitch_per_cap: advance / cap_hr,
            ink_per_pitch: ink_total / ALPHABET.len() as f32 / advance,
        })
    }

    /// Character pitch divided by cap height, as the font draws it.
    pub fn pitch_per_cap(&self) -> f32 {
        self.pitch_per_cap
    }

    /// Scores every class against a normalised patch (zero-mean, unit-norm,
    /// `TEMPLATE_W×TEMPLATE_H`): the best correlation among each class's
    /// templates. To save time every class is first scored with its plain
    /// rendering and only the [`REFINED_CLASSES`] best are scored with all
    /// their variants; the others keep the plain score.
    pub(crate) fn score_classes(&self, patch: &[f32]) -> [f32; 37] {
        let dot = |t: &Template| -> f32 { t.data.iter().zip(patch).map(|(a, b)| a * b).sum() };
        let mut best = [-1.0f32; 37];
        let mut seen = [false; 37];
        for t in &self.templates {
            if let (Some(slot), Some(s)) = (best.get_mut(t.class), seen.get_mut(t.class)) {
                if !*s {
                    *s = true;
                    *slot = dot(t);
                }
            }
        }
        let mut order: Vec<usize> = (0..best.len()).collect();
        order.sort_by(|&a, &b| best[b].total_cmp(&best[a]));
        let mut refine = [false; 37];
        for &c in order.iter().take(REFINED_CLASSES) {
            if let Some(r) = refine.get_mut(c) {
                *r = true;
            }
        }
        for t in &self.templates {
            if refine.get(t.class).copied().unwrap_or(false) {
                let d = dot(t);
                if let Some(slot) = best.get_mut(t.class) {
                    if d > *slot {
                        *slot = d;
                    }
                }
            }
        }
        best
    }
}

/// Height in pixels of a glyph's ink (coverage ≥ 0.5) at `scale`.
fn glyph_ink_height(font: &FontRef<'_>, c: char, scale: PxScale) -> Option<f32> {
    let glyph = font
        .glyph_id(c)
        .with_scale_and_position(scale, ab_glyph::point(0.0, 0.0));
    let outlined = font.outline_glyph(glyph)?;
    let b = outlined.px_bounds();
    let gh = b.height().ceil() as usize + 1;
    if gh > 10_000 {
        return None;
    }
    let mut rows = vec![false; gh];
    outlined.draw(|_, y, cov| {
        if cov >= 0.5 {
            if let Some(r) = rows.get_mut(y as usize) {
                *r = true;
            }
        }
    });
    let first = rows.iter().position(|&r| r)?;
    let last = rows.iter().rposition(|&r| r)?;
    Some((last + 1 - first) as f32)
}

/// Renders `c` into a high-resolution cell (`TEMPLATE_W*HR × TEMPLATE_H*HR`,
/// coverage 0..1): baseline at row `(TEMPLATE_H-MARGIN_Y)*HR`, ink box
/// centred horizontally. Also returns the ink width in pixels.
fn render_hr(font: &FontRef<'_>, c: char, scale: PxScale) -> Option<(Vec<f32>, f32)> {
    let w = TEMPLATE_W * HR;
    let h = TEMPLATE_H * HR;
    let baseline = ((TEMPLATE_H - MARGIN_Y) * HR) as f32;
    let glyph = font
        .glyph_id(c)
        .with_scale_and_position(scale, ab_glyph::point(0.0, baseline));
    let outlined = font.outline_glyph(glyph)?;
    let bounds = outlined.px_bounds();
    let gw = bounds.width().ceil() as usize + 1;
    let gh = bounds.height().ceil() as usize + 1;
    // A glyph far larger than its cell is not OCR-B (and would make a
    // hostile font allocate without bound).
    if gw > 4 * w || gh > 4 * h {
        return None;
    }
    let mut tmp = vec![0.0f32; gw * gh];
    outlined.draw(|x, y, cov| {
        if let Some(p) = tmp.get_mut(y as usize * gw + x as usize) {
            *p = cov;
        }
    });
    // Ink box at coverage >= 0.5, matching how an image is binarised.
    let mut c0 = usize::MAX;
    let mut c1 = 0;
    for y in 0..gh {
        for x in 0..gw {
            if tmp.get(y * gw + x).copied().unwrap_or(0.0) >= 0.5 {
                c0 = c0.min(x);
                c1 = c1.max(x);
            }
        }
    }
    if c0 == usize::MAX {
        return None;
    }
    let ink_centre = bounds.min.x + (c0 + c1 + 1) as f32 / 2.0;
    let dx = (w as f32 / 2.0 - ink_centre).round() as i64;
    let oy = bounds.min.y.round() as i64;
    let mut canvas = vec![0.0f32; w * h];
    for y in 0..gh {
        for x in 0..gw {
            let tx = bounds.min.x.round() as i64 + x as i64 + dx;
            let ty = oy + y as i64;
            if tx >= 0 && ty >= 0 && (tx as usize) < w && (ty as usize) < h {
                if let Some(p) = canvas.get_mut(ty as usize * w + tx as usize) {
                    *p = tmp.get(y * gw + x).copied().unwrap_or(0.0);
                }
            }
        }
    }
    Some((canvas, (c1 + 1 - c0) as f32))
}

/// Grey dilation (`dilate`) or erosion with a square of radius `r`.
fn grey_morph(src: &[f32], r: usize, dilate: bool) -> Vec<f32> {
    let w = TEMPLATE_W * HR;
    let h = TEMPLATE_H * HR;
    let pick = |a: f32, b: f32| if dilate { a.max(b) } else { a.min(b) };
    let mut horiz = vec![0.0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            let lo = x.saturating_sub(r);
            let hi = (x + r).min(w - 1);
            let mut v = if dilate { 0.0 } else { 1.0 };
            for xx in lo..=hi {
                v = pick(v, src.get(y * w + xx).copied().unwrap_or(0.0));
            }
            if let Some(p) = horiz.get_mut(y * w + x) {
                *p = v;
            }
        }
    }
    let mut out = vec![0.0f32; w * h];
    for y in 0..h {
        for x in 0..w {
            let lo = y.saturating_sub(r);
            let hi = (y + r).min(h - 1);
            let mut v = if dilate { 0.0 } else { 1.0 };
            for yy in lo..=hi {
                v = pick(v, horiz.get(yy * w + x).copied().unwrap_or(0.0));
            }
            if let Some(p) = out.get_mut(y * w + x) {
                *p = v;
            }
        }
    }
    out
}

/// Box-averages the high-resolution cell down to template size.
fn downsample(src: &[f32]) -> Vec<f32> {
    let w = TEMPLATE_W * HR;
    let mut out = vec![0.0f32; TEMPLATE_W * TEMPLATE_H];
    for (i, o) in out.iter_mut().enumerate() {
        let (ty, tx) = (i / TEMPLATE_W, i % TEMPLATE_W);
        let mut sum = 0.0;
        for y in ty * HR..(ty + 1) * HR {
            for x in tx * HR..(tx + 1) * HR {
                sum += src.get(y * w + x).copied().unwrap_or(0.0);
            }
        }
        *o = sum / (HR * HR) as f32;
    }
    out
}

/// A [1 2 1]⊗[1 2 1] blur at template resolution.
pub(crate) fn blur3(src: &[f32]) -> Vec<f32> {
    let (w, h) = (TEMPLATE_W as i64, TEMPLATE_H as i64);
    let at = |x: i64, y: i64| -> f32 {
        let x = x.clamp(0, w - 1);
        let y = y.clamp(0, h - 1);
        src.get((y * w + x) as usize).copied().unwrap_or(0.0)
    };
    let k = [1.0f32, 2.0, 1.0];
    let mut out = vec![0.0f32; src.len()];
    for y in 0..h {
        for x in 0..w {
            let mut s = 0.0;
            for (j, kj) in k.iter().enumerate() {
                for (i, ki) in k.iter().enumerate() {
                    s += kj * ki * at(x + i as i64 - 1, y + j as i64 - 1);
                }
            }
            if let Some(p) = out.get_mut((y * w + x) as usize) {
                *p = s / 16.0;
            }
        }
    }
    out
}

/// Shifts a template horizontally by `dx` pixels, filling with 0.
fn shift_x(src: &[f32], dx: i64) -> Vec<f32> {
    let w = TEMPLATE_W as i64;
    let mut out = vec![0.0f32; src.len()];
    for (i, o) in out.iter_mut().enumerate() {
        let (y, x) = (i as i64 / w, i as i64 % w);
        let sx = x - dx;
        if (0..w).contains(&sx) {
            *o = src.get((y * w + sx) as usize).copied().unwrap_or(0.0);
        }
    }
    out
}

/// Zero-mean, unit-norm copy, or `None` for a flat patch.
pub(crate) fn normalise(v: &[f32]) -> Option<Vec<f32>> {
    let n = v.len() as f32;
    let mean = v.iter().sum::<f32>() / n;
    let norm = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>().sqrt();
    if norm < 1e-6 {
        return None;
    }
    Some(v.iter().map(|x| (x - mean) / norm).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::font_bytes;

    #[test]
    fn every_symbol_has_templates_and_sane_metrics() {
        let Some(bytes) = font_bytes() else { return };
        let t = Templates::from_font(&bytes).unwrap();
        for class in 0..ALPHABET.len() {
            assert!(t.templates.iter().filter(|x| x.class == class).count() >= 5);
        }
        eprintln!("pitch/cap {:.3}, ink/pitch {:.3}", t.pitch_per_cap, t.ink_per_pitch);
        assert!(t.pitch_per_cap > 0.6 && t.pitch_per_cap < 1.3);
        assert!(t.ink_per_pitch > 0.3 && t.ink_per_pitch < 1.0);
        // Each template matches itself best among other classes' bases.
        let bases: Vec<&Template> = t
            .templates
            .iter()
            .filter(|x| {
                t.templates
                    .iter()
                    .find(|y| y.class == x.class)
                    .is_some_and(|first| std::ptr::eq(*x, first))
            })
            .collect();
        for b in &bases {
            let scores = t.score_classes(&b.data);
            let best = scores.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
            assert_eq!(best, b.class, "{}", ALPHABET[b.class]);
        }
    }

    #[test]
    fn garbage_is_not_a_font() {
        assert_eq!(
            Templates::from_font(b"not a font").unwrap_err(),
            TemplateError::InvalidFont
        );
    }
}
