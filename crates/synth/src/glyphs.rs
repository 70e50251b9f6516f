//! Pseudo-glyphs: each "character" is two to four straight strokes between
//! points of a 3×3 grid, so text lines have real stroke edges of a chosen
//! width without any font file.

use crate::raster::{capsule_sdf, Canvas, Rgb};
use crate::rng::Dice;

/// One stroke in the glyph's unit box: `[x0, y0, x1, y1]`, y down.
type Stroke = [f32; 4];

/// A set of pseudo-glyphs for one document (its "typeface").
#[derive(Clone, Debug)]
pub(crate) struct GlyphSet {
    glyphs: Vec<Vec<Stroke>>,
}

/// A character cell in a line of text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Cell {
    /// A glyph of the set, by index.
    Glyph(usize),
    /// The MRZ filler `<`.
    Filler,
    /// An empty cell.
    Space,
}

const NODES: [f32; 3] = [0.0, 0.5, 1.0];
const FILLER: [Stroke; 2] = [[0.85, 0.15, 0.15, 0.5], [0.15, 0.5, 0.85, 0.85]];

impl GlyphSet {
    /// `count` glyphs drawn from `dice`.
    pub(crate) fn new(dice: &mut Dice, count: usize) -> Self {
        let glyphs = (0..count.max(1))
            .map(|_| {
                let strokes = dice.int(2, 4) as usize;
                let mut g = Vec::with_capacity(strokes);
                let mut at = [dice.index(3), dice.index(3)];
                for _ in 0..strokes {
                    // Any other node of the 3×3 grid: strokes then join
                    // like the straight parts of letters.
                    let here = at[1] * 3 + at[0];
                    let mut there = dice.index(8);
                    if there >= here {
                        there += 1;
                    }
                    let next = [there % 3, there / 3];
                    g.push([NODES[at[0]], NODES[at[1]], NODES[next[0]], NODES[next[1]]]);
                    at = if dice.chance(0.7) {
                        next
                    } else {
                        [dice.index(3), dice.index(3)]
                    };
                }
                g
            })
            .collect();
        Self { glyphs }
    }

    /// Number of glyphs.
    pub(crate) fn len(&self) -> usize {
        self.glyphs.len()
    }

    fn strokes(&self, cell: Cell) -> &[Stroke] {
        match cell {
            Cell::Glyph(i) => self
                .glyphs
                .get(i % self.glyphs.len().max(1))
                .map_or(&[], |g| g.as_slice()),
            Cell::Filler => &FILLER,
            Cell::Space => &[],
        }
    }
}

/// How a line of text is set.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextStyle {
    /// Glyph height (cap height) in pixels.
    pub(crate) height: f32,
    /// Distance from one character to the next, in pixels.
    pub(crate) advance: f32,
    /// Stroke width in pixels.
    pub(crate) stroke: f32,
    /// Ink colour.
    pub(crate) color: Rgb,
    /// Ink opacity.
    pub(crate) opacity: f32,
}

/// Draws `cells` from the top-left corner `(x, y)`.
pub(crate) fn draw_text(canvas: &mut dyn Canvas, set: &GlyphSet, x: f32, y: f32, style: &TextStyle, cells: &[Cell]) {
    let glyph_w = style.advance * 0.72;
    let half = (style.stroke * 0.5).max(0.35);
    for (i, &cell) in cells.iter().enumerate() {
        let gx = x + i as f32 * style.advance;
        let strokes = set.strokes(cell);
        if strokes.is_empty() {
            continue;
        }
        let to_px = |s: &Stroke| {
            (
                [gx + s[0] * glyph_w + half, y + s[1] * style.height],
                [gx + s[2] * glyph_w + half, y + s[3] * style.height],
            )
        };
        // Each stroke over its own box: joints are blended twice, which at
        // ink opacity ≥ 0.9 is invisible, and the boxes are much smaller
        // than the glyph cell.
        for s in strokes {
            let (a, b) = to_px(s);
            let bbox = [
                a[0].min(b[0]) - half - 1.0,
                a[1].min(b[1]) - half - 1.0,
                a[0].max(b[0]) + half + 1.0,
                a[1].max(b[1]) + half + 1.0,
            ];
            canvas.fill_shape(bbox, style.color, style.opacity, &|px, py| {
                capsule_sdf(px, py, a, b, half)
            });
        }
    }
}

/// Random words: runs of 2–9 glyphs separated by single spaces, `len` cells in all.
pub(crate) fn random_words(dice: &mut Dice, set: &GlyphSet, len: usize) -> Vec<Cell> {
    let mut cells = Vec::with_capacity(len);
    let mut word_left = dice.int(2, 9);
    while cells.len() < len {
        if word_left == 0 && cells.len() + 1 < len {
            cells.push(Cell::Space);
            word_left = dice.int(2, 9);
        } else {
            cells.push(Cell::Glyph(dice.index(set.len())));
            word_left -= 1;
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::Texture;

    #[test]
    fn glyphs_have_strokes_and_text_leaves_ink() {
        let mut dice = Dice::new(5, 5);
        let set = GlyphSet::new(&mut dice, 36);
        assert_eq!(set.len(), 36);
        assert!(set.glyphs.iter().all(|g| (2..=4).contains(&g.len())));
        let mut t = Texture::new(200, 40, [255.0; 3]);
        let style = TextStyle {
            height: 20.0,
            advance: 14.0,
            stroke: 3.0,
            color: [0.0; 3],
            opacity: 1.0,
        };
        let cells = random_words(&mut dice, &set, 12);
        assert_eq!(cells.len(), 12);
        draw_text(&mut t, &set, 5.0, 10.0, &style, &cells);
        let dark = t.px.iter().filter(|p| p[0] < 128.0).count();
        assert!(dark > 100, "only {dark} dark pixels");
    }
}
