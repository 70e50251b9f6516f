//! Screens: flat screenshots with phone or desktop chrome, and photographs
//! of a display, where each display pixel is an R, G, B stripe triple with
//! dark gaps (the black matrix) sampled by the camera's own pixel grid at a
//! slight rotation and scale, which is what makes moiré.

use crate::geometry::row_spans;
use crate::geometry::{Homography, Point};
use crate::glyphs::{draw_text, random_words, Cell, GlyphSet, TextStyle};
use crate::raster::{clamp_box, floor_fast64, rounded_rect_sdf, Frame, Rgb};
use crate::rng::Dice;
use crate::scene::{composite_texture, fill_polygon, poly_bbox};
use crate::spec::ScreenshotScene;

/// Heights of the top and bottom chrome of a screenshot, in pixels.
pub(crate) fn ui_insets(phone: bool, width: u32, height: u32) -> (f32, f32) {
    let (w, h) = (width as f32, height as f32);
    if phone {
        // Status bar + app header at the top, gesture/navigation bar below.
        let unit = w.min(h) / 390.0;
        (unit * (47.0 + 52.0), unit * 64.0)
    } else {
        let unit = (h / 1080.0).max(0.5);
        (unit * (34.0 + 44.0), unit * 48.0)
    }
}

fn rgb(c: [u8; 3]) -> Rgb {
    c.map(f32::from)
}

/// Draws the chrome of a screenshot over `frame`.
pub(crate) fn draw_ui(frame: &mut Frame, ui: &ScreenshotScene, seed: u64) {
    let mut dice = Dice::new(seed, 0x51);
    let set = GlyphSet::new(&mut dice, 30);
    let (w, h) = (frame.width as f32, frame.height as f32);
    let (top, bottom) = ui_insets(ui.phone, frame.width as u32, frame.height as u32);
    let bar = if ui.dark {
        [28.0, 28.0, 30.0]
    } else {
        [248.0, 248.0, 250.0]
    };
    let ink = if ui.dark {
        [235.0, 235.0, 240.0]
    } else {
        [20.0, 20.0, 24.0]
    };
    let accent = rgb(ui.accent);
    frame.fill_sdf([0.0, 0.0, w, top], bar, 1.0, |_, _| -1.0);
    frame.fill_sdf([0.0, h - bottom, w, h], bar, 1.0, |_, _| -1.0);
    if ui.phone {
        let unit = w.min(h) / 390.0;
        let status = 47.0 * unit;
        // Clock on the left, signal bars and battery on the right.
        let style = TextStyle {
            height: 12.0 * unit,
            advance: 9.0 * unit,
            stroke: 2.0 * unit,
            color: ink,
            opacity: 1.0,
        };
        let clock = [
            Cell::Glyph(dice.index(30)),
            Cell::Space,
            Cell::Glyph(dice.index(30)),
            Cell::Glyph(dice.index(30)),
        ];
        draw_text(frame, &set, 28.0 * unit, 18.0 * unit, &style, &clock);
        for i in 0..4 {
            let x = w - 110.0 * unit + i as f32 * 5.5 * unit;
            let bh = (4.0 + 2.5 * i as f32) * unit;
            let r = [x, 30.0 * unit - bh, x + 3.5 * unit, 30.0 * unit];
            frame.fill_sdf(r, ink, 1.0, |x, y| rounded_rect_sdf(x, y, r, 0.8 * unit));
        }
        let b = [w - 52.0 * unit, 19.0 * unit, w - 27.0 * unit, 31.0 * unit];
        frame.fill_sdf([b[0] - 2.0, b[1] - 2.0, b[2] + 2.0, b[3] + 2.0], ink, 0.5, |x, y| {
            rounded_rect_sdf(x, y, b, 3.0 * unit).abs() - 0.6 * unit
        });
        let level = [
            b[0] + 2.0 * unit,
            b[1] + 2.0 * unit,
            b[0] + 2.0 * unit + 17.0 * unit * dice.range_f32(0.3, 1.0),
            b[3] - 2.0 * unit,
        ];
        frame.fill_sdf(level, ink, 1.0, |x, y| rounded_rect_sdf(x, y, level, 1.5 * unit));
        // App header: back chevron and a title.
        let title = TextStyle {
            height: 15.0 * unit,
            advance: 10.5 * unit,
            stroke: 2.4 * unit,
            color: ink,
            opacity: 1.0,
        };
        let cells = random_words(&mut dice, &set, 9);
        draw_text(frame, &set, w * 0.5 - 47.0 * unit, status + 18.0 * unit, &title, &cells);
        let back = [Cell::Filler];
        let chevron = TextStyle {
            height: 18.0 * unit,
            advance: 12.0 * unit,
            stroke: 3.0 * unit,
            color: accent,
            opacity: 1.0,
        };
        draw_text(frame, &set, 14.0 * unit, status + 16.0 * unit, &chevron, &back);
        // Navigation bar: five icons and the home indicator.
        for i in 0..5 {
            let cx = w * (0.1 + 0.2 * i as f32);
            let r = [
                cx - 11.0 * unit,
                h - bottom + 12.0 * unit,
                cx + 11.0 * unit,
                h - bottom + 34.0 * unit,
            ];
            let color = if i == 0 { accent } else { ink };
            frame.fill_sdf(r, color, 0.9, |x, y| {
                rounded_rect_sdf(x, y, r, 6.0 * unit).abs() - 1.2 * unit
            });
        }
        let home = [
            w * 0.5 - 67.0 * unit,
            h - 13.0 * unit,
            w * 0.5 + 67.0 * unit,
            h - 8.0 * unit,
        ];
        frame.fill_sdf(home, ink, 1.0, |x, y| rounded_rect_sdf(x, y, home, 2.5 * unit));
    } else {
        let unit = (h / 1080.0).max(0.5);
        // Title bar with window buttons, a toolbar, and a taskbar.
        frame.fill_sdf([0.0, 0.0, w, 34.0 * unit], accent, 1.0, |_, _| -1.0);
        let style = TextStyle {
            height: 12.0 * unit,
            advance: 8.5 * unit,
            stroke: 1.6 * unit,
            color: [250.0; 3],
            opacity: 1.0,
        };
        let cells = random_words(&mut dice, &set, 24);
        draw_text(frame, &set, 14.0 * unit, 11.0 * unit, &style, &cells);
        for i in 0..3 {
            let cx = w - (20.0 + 46.0 * i as f32) * unit;
            frame.fill_sdf(
                [cx - 8.0 * unit, 10.0 * unit, cx + 8.0 * unit, 24.0 * unit],
                [250.0; 3],
                1.0,
                |x, y| (x - cx).abs().max((y - 17.0 * unit).abs()) - 5.0 * unit,
            );
        }
        for i in 0..8 {
            let x = 14.0 * unit + i as f32 * 40.0 * unit;
            let r = [x, 42.0 * unit, x + 26.0 * unit, 68.0 * unit];
            frame.fill_sdf(r, ink, 0.8, |px, py| {
                rounded_rect_sdf(px, py, r, 4.0 * unit).abs() - unit
            });
        }
        let tray = TextStyle {
            height: 11.0 * unit,
            advance: 8.0 * unit,
            stroke: 1.5 * unit,
            color: ink,
            opacity: 1.0,
        };
        let clock = random_words(&mut dice, &set, 5);
        draw_text(frame, &set, w - 70.0 * unit, h - 30.0 * unit, &tray, &clock);
        for i in 0..6 {
            let cx = w * 0.5 + (i as f32 - 2.5) * 44.0 * unit;
            let r = [cx - 13.0 * unit, h - 37.0 * unit, cx + 13.0 * unit, h - 11.0 * unit];
            let color = if i == 2 { accent } else { ink };
            frame.fill_sdf(r, color, 0.85, |x, y| rounded_rect_sdf(x, y, r, 5.0 * unit));
        }
    }
}

/// What a display shows: its own pixels (`content`, display resolution).
pub(crate) struct Display<'a> {
    pub(crate) content: &'a Frame,
    /// Display pixels → photo pixels.
    pub(crate) to_photo: Homography,
    /// Active area in the photo.
    pub(crate) corners: [Point; 4],
    /// Bezel outline in the photo.
    pub(crate) bezel_corners: [Point; 4],
}

/// Stripe fill: each sub-pixel lights 76 % of its width, each row 85 % of
/// its height; the rest is the black matrix.
const STRIPE_ON: (f32, f32) = (0.12, 0.88);
const ROW_ON: (f32, f32) = (0.08, 0.93);
const FILL: f32 = (STRIPE_ON.1 - STRIPE_ON.0) * (ROW_ON.1 - ROW_ON.0) / 3.0;
/// A lit sample carries 1 / FILL of its channel, so the pixel's average is the content.
const INV_FILL: f32 = 1.0 / FILL;

/// Photographs `display` into `frame`: bezel, then the active area sampled
/// N×N per photo pixel (box-filtered, like a sensor pixel) from the sub-pixel
/// structure. N grows as the display pixels shrink in the photo, so that each
/// sub-pixel stripe gets about two samples across: a sensor pixel integrates
/// all the light falling on it, which turns a grid finer than the sensor's
/// into coherent moiré; too few point samples would turn it into noise.
pub(crate) fn photograph_display(frame: &mut Frame, display: &Display) {
    fill_polygon(frame, &display.bezel_corners, [22.0, 22.0, 25.0]);
    let Some(inv) = display.to_photo.inverse() else { return };
    let (dw, dh) = (display.content.width as i64, display.content.height as i64);
    let (_, y0, _, y1) = clamp_box(poly_bbox(&display.corners, 1.0), frame.width, frame.height);
    let w = frame.width;
    let n = samples_per_axis(display);
    const BLOCK: usize = 16;
    let m = inv.0;
    let step = 1.0 / n as f64;
    // What the panel shows is 8-bit; as bytes it also stays in cache.
    let shown = crate::effects::develop(display.content, 0.0, 0);
    let mut spans = Vec::new();
    let mut acc: Vec<[f32; 3]> = Vec::new();
    let mut inside: Vec<u8> = Vec::new();
    for y in y0..y1 {
        spans.clear();
        row_spans(&display.corners, y as f32 + 0.5, 1.0, w, &mut spans);
        for &(x0, x1) in &spans {
            acc.clear();
            acc.resize(x1 - x0, [0.0; 3]);
            inside.clear();
            inside.resize(x1 - x0, 0);
            for j in 0..n {
                // Along a sub-row the samples are evenly spaced. The map is
                // evaluated exactly every BLOCK samples and linearly in
                // between (over a few pixels a mild homography is affine to
                // far below a display pixel).
                let py = y as f64 + (j as f64 + 0.5) * step;
                let at = |k: usize| {
                    let px = x0 as f64 + (k as f64 + 0.5) * step;
                    let wn = m[6] * px + m[7] * py + m[8];
                    if wn > 1e-12 {
                        [(m[0] * px + m[1] * py + m[2]) / wn, (m[3] * px + m[4] * py + m[5]) / wn]
                    } else {
                        [-1.0, -1.0]
                    }
                };
                let count = (x1 - x0) * n;
                let mut k = 0;
                while k < count {
                    let end = (k + BLOCK).min(count);
                    let (a, b) = (at(k), at(end));
                    let inv = 1.0 / (end - k) as f64;
                    let (dsx, dsy) = ((b[0] - a[0]) * inv, (b[1] - a[1]) * inv);
                    let (mut sx, mut sy) = (a[0], a[1]);
                    for kk in k..end {
                        let (ix, iy) = (floor_fast64(sx) as i64, floor_fast64(sy) as i64);
                        let (fx, fy) = ((sx - ix as f64) as f32, (sy - iy as f64) as f32);
                        sx += dsx;
                        sy += dsy;
                        if ix < 0 || iy < 0 || ix >= dw || iy >= dh {
                            continue;
                        }
                        let cell = kk / n;
                        if let Some(n) = inside.get_mut(cell) {
                            *n += 1;
                        }
                        let channel = ((fx * 3.0) as usize).min(2);
                        let within = fx * 3.0 - channel as f32;
                        // Branch-free: whether a sample hits a lit stripe is
                        // as good as random here (that is the aliasing).
                        let lit = u8::from(within >= STRIPE_ON.0)
                            & u8::from(within < STRIPE_ON.1)
                            & u8::from(fy >= ROW_ON.0)
                            & u8::from(fy < ROW_ON.1);
                        let src = (iy as usize * display.content.width + ix as usize) * 3 + channel;
                        let level = shown.get(src).copied().map_or(0.0, f32::from);
                        let value = level * f32::from(lit) * INV_FILL;
                        if let Some(a) = acc.get_mut(cell) {
                            a[channel] += value;
                        }
                    }
                    k = end;
                }
            }
            let row = &mut frame.px[y * w * 3..(y + 1) * w * 3];
            for (i, (a, &hits)) in acc.iter().zip(&inside).enumerate() {
                if hits == 0 {
                    continue;
                }
                let cover = f32::from(hits) / (n * n) as f32;
                if let Some(p) = row.get_mut((x0 + i) * 3..(x0 + i) * 3 + 3) {
                    for c in 0..3 {
                        // `a` sums the emission over all N² samples; the lit part of the pixel is `cover`.
                        p[c] = p[c] * (1.0 - cover) + a[c] / (n * n) as f32;
                    }
                }
            }
        }
    }
}

/// Samples per photo-pixel axis: about six per display pixel (two per
/// sub-pixel stripe), from the display's mean size in the photo; 2–8.
fn samples_per_axis(display: &Display) -> usize {
    let c = &display.corners;
    let side = |a: Point, b: Point| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let photo_width = 0.5 * (side(c[0], c[1]) + side(c[3], c[2]));
    let camera_px_per_display_px = photo_width / display.content.width.max(1) as f32;
    (6.0 / camera_px_per_display_px.max(0.1)).ceil().clamp(2.0, 8.0) as usize
}

/// The display's content: viewer background, the document in `doc_rect`.
pub(crate) fn display_content(
    width: u32,
    height: u32,
    viewer: [u8; 3],
    doc: Option<(&crate::raster::Texture, [f32; 4])>,
) -> Frame {
    let mut content = Frame::new(width as usize, height as usize, rgb(viewer));
    if let Some((tex, r)) = doc {
        let quad = [[r[0], r[1]], [r[2], r[1]], [r[2], r[3]], [r[0], r[3]]];
        composite_texture(&mut content, tex, &quad);
    }
    content
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ScreenshotScene;

    #[test]
    fn chrome_is_drawn_in_the_insets_only() {
        for phone in [true, false] {
            let (w, h) = if phone { (390, 844) } else { (1280, 720) };
            let mut f = Frame::new(w, h, [100.0, 150.0, 200.0]);
            let ui = ScreenshotScene {
                screen: "test".into(),
                phone,
                dark: false,
                content_color: [100, 150, 200],
                accent: [0, 120, 255],
                exposure_target: 150.0,
            };
            draw_ui(&mut f, &ui, 1);
            let (top, bottom) = ui_insets(phone, w as u32, h as u32);
            let mid = (h / 2 * w + w / 2) * 3;
            assert_eq!(&f.px[mid..mid + 3], &[100.0, 150.0, 200.0]);
            let row = (top as usize / 2) * w * 3;
            assert!(f.px[row..row + w * 3]
                .iter()
                .any(|&v| v != 100.0 && v != 150.0 && v != 200.0));
            assert!(bottom > 10.0);
        }
    }

    #[test]
    fn display_photo_keeps_the_mean_and_makes_structure() {
        let content = Frame::new(200, 150, [120.0, 120.0, 120.0]);
        let corners = [[20.0, 15.0], [243.0, 25.0], [238.0, 190.0], [16.0, 181.0]];
        let to_photo = Homography::rect_to(200.0, 150.0, &corners).unwrap();
        let display = Display {
            content: &content,
            to_photo,
            corners,
            bezel_corners: corners,
        };
        let mut f = Frame::new(260, 210, [0.0; 3]);
        photograph_display(&mut f, &display);
        let mut vals = Vec::new();
        for y in 60..140 {
            for x in 60..200 {
                vals.push(f.px[(y * 260 + x) * 3 + 1]);
            }
        }
        let mean = vals.iter().sum::<f32>() / vals.len() as f32;
        assert!((mean - 120.0).abs() < 8.0, "{mean}");
        let sd = (vals.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / vals.len() as f32).sqrt();
        assert!(sd > 5.0, "sub-pixel structure should alias: sd {sd}");
    }
}
