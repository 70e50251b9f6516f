//! The photographed scene: procedural backgrounds, objects, the document's
//! shadow, placing the document through its homography, lighting, exposure
//! and specular highlights.

use crate::card::UvBox;
use crate::geometry::{row_spans, Homography, Point};
use crate::raster::{
    capsule_sdf, clamp_box, ellipse_sdf, floor_fast, len2d, luma, mix, smoothstep, Frame, Rgb, Texture,
};
use crate::rng::Dice;
use crate::spec::{Background, GridCell, Highlight, Lighting, SceneObject};

/// Smooth random field: a coarse lattice of random values, interpolated.
pub(crate) struct ValueNoise {
    grid: Vec<f32>,
    gw: usize,
    gh: usize,
    cell: f32,
}

impl ValueNoise {
    /// A field over `w × h` pixels with features about `cell` pixels apart, values in [-1, 1].
    pub(crate) fn new(dice: &mut Dice, w: usize, h: usize, cell: f32) -> Self {
        let cell = cell.max(2.0);
        let gw = ((w as f32 / cell).ceil() as usize + 2).min(4096);
        let gh = ((h as f32 / cell).ceil() as usize + 2).min(4096);
        let grid = (0..gw * gh).map(|_| dice.range_f32(-1.0, 1.0)).collect();
        Self { grid, gw, gh, cell }
    }

    /// The field along the row whose centre is at `y`, for pixel centres
    /// `x + 0.5`, written to `out` (one entry per pixel).
    pub(crate) fn fill_row(&self, y: f32, out: &mut [f32]) {
        let fy = (y / self.cell).clamp(0.0, (self.gh - 2) as f32);
        let iy = fy as usize;
        let ty = smooth01(fy - iy as f32);
        let top = self.grid.get(iy * self.gw..(iy + 1) * self.gw).unwrap_or(&[]);
        let bottom = self.grid.get((iy + 1) * self.gw..(iy + 2) * self.gw).unwrap_or(&[]);
        let column: Vec<f32> = top.iter().zip(bottom).map(|(a, b)| a + (b - a) * ty).collect();
        let inv = 1.0 / self.cell;
        // Walk the lattice cells left to right; within a cell only the
        // smoothstep weight changes.
        let mut x = 0usize;
        for (ix, pair) in column.windows(2).enumerate() {
            if x >= out.len() {
                break;
            }
            let (a, b) = (pair[0], pair[1]);
            let end = ((((ix + 1) as f32 * self.cell - 0.5).max(0.0)) as usize + 1).min(out.len());
            let end = if ix + 2 == column.len() { out.len() } else { end.max(x) };
            for (i, o) in out[x..end].iter_mut().enumerate() {
                let t = (((x + i) as f32 + 0.5) * inv - ix as f32).clamp(0.0, 1.0);
                *o = a + (b - a) * smooth01(t);
            }
            x = end;
        }
    }
}

#[inline]
fn smooth01(t: f32) -> f32 {
    t * t * (3.0 - 2.0 * t)
}

/// Lookup tables for wood: the ring profile over one period (a darker band
/// of late wood) and per-grain-line shades.
struct WoodTables {
    ring: [f32; 256],
    grain: Vec<f32>,
}

impl WoodTables {
    fn new(dice: &mut Dice) -> Self {
        let mut ring = [0.0f32; 256];
        for (i, r) in ring.iter_mut().enumerate() {
            let t = i as f32 / 255.0;
            *r = smoothstep(0.55, 0.75, t) * (1.0 - smoothstep(0.85, 1.0, t));
        }
        Self {
            ring,
            grain: (0..4096).map(|_| dice.range_f32(-0.5, 0.5)).collect(),
        }
    }
}

/// Integer hash to [0, 1): per-thread and per-grain-line variation.
#[inline]
fn hash01(i: i64, salt: u64) -> f32 {
    let mut z = (i as u64) ^ salt;
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z = (z ^ (z >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    ((z >> 40) as f32) / (1u64 << 24) as f32
}

fn rgb(c: [u8; 3]) -> Rgb {
    c.map(f32::from)
}

/// Renders the background surface. Per row: the low-frequency fields are
/// filled once into row buffers, then each pixel is a few multiply-adds.
pub(crate) fn render_background(bg: &Background, width: usize, height: usize, seed: u64) -> Frame {
    let mut dice = Dice::new(seed, 0xB6);
    let mut frame = Frame::new(width, height, [0.0; 3]);
    let (w, h) = (frame.width, frame.height);
    let scale = (w.max(h) as f32).max(1.0);
    let uneven = ValueNoise::new(&mut dice, w, h, scale / 5.0);
    let warp = ValueNoise::new(&mut dice, w, h, scale / 4.0);
    let salt = dice.next_u64();
    let tables = WoodTables::new(&mut dice);
    let mut n_row = vec![0.0f32; w];
    let mut warp_row = vec![0.0f32; w];
    for (y, row) in frame.px.chunks_mut(w * 3).enumerate() {
        let fy = y as f32 + 0.5;
        uneven.fill_row(fy, &mut n_row);
        match bg {
            Background::Plain { color } => {
                let c = rgb(*color);
                for (p, n) in row.chunks_exact_mut(3).zip(&n_row) {
                    let k = 1.0 + 0.05 * n;
                    p.copy_from_slice(&[c[0] * k, c[1] * k, c[2] * k]);
                }
            }
            Background::Gradient { from, to, angle_deg } => {
                let (s, c) = angle_deg.to_radians().sin_cos();
                let (a, b) = (rgb(*from), rgb(*to));
                let half = 0.5 * (w as f32 * c.abs() + h as f32 * s.abs()).max(1.0);
                let (cx, cy) = (w as f32 * 0.5, h as f32 * 0.5);
                for (x, (p, n)) in row.chunks_exact_mut(3).zip(&n_row).enumerate() {
                    let t = (((x as f32 + 0.5 - cx) * c + (fy - cy) * s) / half * 0.5 + 0.5).clamp(0.0, 1.0);
                    let k = 1.0 + 0.03 * n;
                    let m = mix(a, b, t);
                    p.copy_from_slice(&[m[0] * k, m[1] * k, m[2] * k]);
                }
            }
            Background::Wood {
                light,
                dark,
                angle_deg,
                ring_px,
            } => {
                let (s, c) = angle_deg.to_radians().sin_cos();
                let (l, d) = (rgb(*light), rgb(*dark));
                let inv_ring = 1.0 / ring_px.max(4.0);
                warp.fill_row(fy, &mut warp_row);
                let row_across = fy * c;
                for (x, ((p, n), wv)) in row.chunks_exact_mut(3).zip(&n_row).zip(&warp_row).enumerate() {
                    let across = row_across - (x as f32 + 0.5) * s;
                    // Rings: bent by the warp field, uneven in width.
                    let phase = across * inv_ring * (1.0 + 0.3 * n) + 3.0 * wv;
                    let band = tables.ring[((phase - floor_fast(phase)) * 255.0) as usize & 255];
                    // Grain: thin lines along the rings, each its own shade.
                    let grain = tables.grain[(floor_fast(across * 0.6) as i64 & 4095) as usize];
                    let k = (0.15 + 0.6 * band + 0.22 * grain).clamp(0.0, 1.0);
                    let m = 1.0 + 0.06 * n;
                    p.copy_from_slice(&[
                        (l[0] + (d[0] - l[0]) * k) * m,
                        (l[1] + (d[1] - l[1]) * k) * m,
                        (l[2] + (d[2] - l[2]) * k) * m,
                    ]);
                }
            }
            Background::Cloth {
                color,
                thread_px,
                angle_deg,
            } => {
                let (s, c) = angle_deg.to_radians().sin_cos();
                let base = rgb(*color);
                let inv = 1.0 / thread_px.max(2.0);
                for (x, (p, n)) in row.chunks_exact_mut(3).zip(&n_row).enumerate() {
                    let fx = x as f32 + 0.5;
                    let a = (fx * c + fy * s) * inv;
                    let b = (-fx * s + fy * c) * inv;
                    let (ia, ib) = (floor_fast(a), floor_fast(b));
                    let warp_on_top = (ia as i64 + ib as i64) & 1 == 0;
                    let (f, thread) = if warp_on_top {
                        (a - ia, ia as i64)
                    } else {
                        (b - ib, ib as i64 + 7919)
                    };
                    // Each thread is round: brightest in its middle.
                    let profile = 1.0 - 4.0 * (f - 0.5) * (f - 0.5);
                    let k = (0.72 + 0.28 * profile + 0.1 * (hash01(thread, salt) - 0.5)) * (1.0 + 0.05 * n);
                    p.copy_from_slice(&[base[0] * k, base[1] * k, base[2] * k]);
                }
            }
        }
    }
    frame
}

/// Draws the objects lying on the background.
pub(crate) fn draw_objects(frame: &mut Frame, objects: &[SceneObject]) {
    for o in objects {
        match o {
            SceneObject::Coin { center, radius } => {
                let r = radius.max(1.0);
                let c = *center;
                let bbox = [c[0] - r - 2.0, c[1] - r - 2.0, c[0] + r + 2.0, c[1] + r + 2.0];
                frame.fill_sdf(bbox, [150.0, 125.0, 70.0], 1.0, |x, y| len2d(x - c[0], y - c[1]) - r);
                frame.fill_sdf(bbox, [215.0, 190.0, 120.0], 0.7, |x, y| {
                    ellipse_sdf(x, y, [c[0] - r * 0.25, c[1] - r * 0.25], [r * 0.55, r * 0.45], 0.6)
                });
                frame.fill_sdf(bbox, [110.0, 90.0, 50.0], 0.8, |x, y| {
                    (len2d(x - c[0], y - c[1]) - r * 0.85).abs() - 0.8
                });
            }
            SceneObject::Pen { from, to, width, color } => {
                let hw = width.max(1.0) * 0.5;
                let bbox = [
                    from[0].min(to[0]) - hw - 2.0,
                    from[1].min(to[1]) - hw - 2.0,
                    from[0].max(to[0]) + hw + 2.0,
                    from[1].max(to[1]) + hw + 2.0,
                ];
                frame.fill_sdf(bbox, rgb(*color), 1.0, |x, y| capsule_sdf(x, y, *from, *to, hw));
                let shine = [from[0], from[1] - hw * 0.35];
                let shine_to = [to[0], to[1] - hw * 0.35];
                frame.fill_sdf(bbox, [235.0, 235.0, 235.0], 0.35, |x, y| {
                    capsule_sdf(x, y, shine, shine_to, hw * 0.18)
                });
            }
            SceneObject::Paper { corners } => fill_polygon(frame, corners, [238.0, 238.0, 232.0]),
            SceneObject::Hand {
                center,
                size,
                angle_deg,
                color,
            } => {
                let c = *center;
                let s = size.max(4.0);
                let skin = rgb(*color);
                let (sn, cs) = angle_deg.to_radians().sin_cos();
                let bbox = [c[0] - s * 3.2, c[1] - s * 3.2, c[0] + s * 3.2, c[1] + s * 3.2];
                frame.fill_sdf(bbox, skin, 1.0, |x, y| {
                    ellipse_sdf(x, y, c, [s * 1.1, s], angle_deg.to_radians())
                });
                for (i, off) in [-0.6f32, -0.2, 0.2, 0.6].iter().enumerate() {
                    let len = s * (1.5 + 0.35 * (1.5 - (i as f32 - 1.5).abs()));
                    let base = [c[0] + cs * s * 0.7 - sn * off * s, c[1] + sn * s * 0.7 + cs * off * s];
                    let tip = [base[0] + cs * len, base[1] + sn * len];
                    frame.fill_sdf(bbox, skin, 1.0, |x, y| capsule_sdf(x, y, base, tip, s * 0.17));
                    let crease = mix(skin, [0.0; 3], 0.18);
                    frame.fill_sdf(bbox, crease, 0.5, |x, y| {
                        capsule_sdf(x, y, base, tip, s * 0.17).abs() - 0.6
                    });
                }
                // Thumb.
                let tb = [c[0] - sn * s * 0.8, c[1] + cs * s * 0.8];
                let tt = [
                    tb[0] + (cs * 0.7 - sn * 0.7) * s * 1.3,
                    tb[1] + (sn * 0.7 + cs * 0.7) * s * 1.3,
                ];
                frame.fill_sdf(bbox, skin, 1.0, |x, y| capsule_sdf(x, y, tb, tt, s * 0.2));
            }
        }
    }
}

/// Fills a polygon with a flat colour, antialiased: coverage of each pixel
/// from the exact horizontal overlap on four sub-rows.
pub(crate) fn fill_polygon(frame: &mut Frame, poly: &[Point], color: Rgb) {
    let (x0, y0, x1, y1) = clamp_box(poly_bbox(poly, 1.0), frame.width, frame.height);
    if x1 <= x0 {
        return;
    }
    let mut acc = vec![0.0f32; x1 - x0];
    let mut xs: Vec<f32> = Vec::with_capacity(8);
    for y in y0..y1 {
        acc.fill(0.0);
        for sub in 0..4 {
            let sy = y as f32 + (sub as f32 + 0.5) / 4.0;
            xs.clear();
            let n = poly.len();
            for i in 0..n {
                let (a, b) = (poly[i], poly[(i + 1) % n]);
                if (a[1] > sy) != (b[1] > sy) {
                    xs.push(a[0] + (sy - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
                }
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks_exact(2) {
                let (xa, xb) = (pair[0].max(x0 as f32), pair[1].min(x1 as f32));
                if xb <= xa {
                    continue;
                }
                for px in (xa.floor() as usize)..(xb.ceil() as usize).min(x1) {
                    let overlap = (xb.min(px as f32 + 1.0) - xa.max(px as f32)).max(0.0);
                    if let Some(a) = acc.get_mut(px - x0) {
                        *a += overlap * 0.25;
                    }
                }
            }
        }
        for (i, &a) in acc.iter().enumerate() {
            frame.blend(x0 + i, y, color, a.min(1.0));
        }
    }
}

/// The bounding box of points, grown by `pad`.
pub(crate) fn poly_bbox(p: &[Point], pad: f32) -> [f32; 4] {
    let mut b = [f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY];
    for q in p {
        b = [b[0].min(q[0]), b[1].min(q[1]), b[2].max(q[0]), b[3].max(q[1])];
    }
    [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]
}

/// Signed distance to a convex quad (positive outside; exact near edges).
fn convex_quad_distance(q: &[Point; 4], x: f32, y: f32) -> f32 {
    // Orientation sign so that "outside" is positive for either winding.
    let area2: f32 = (0..4)
        .map(|i| q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1])
        .sum();
    let sign = if area2 >= 0.0 { 1.0 } else { -1.0 };
    let mut d = f32::NEG_INFINITY;
    for i in 0..4 {
        let a = q[i];
        let b = q[(i + 1) % 4];
        let (ex, ey) = (b[0] - a[0], b[1] - a[1]);
        let len = ex.hypot(ey).max(1e-6);
        // Outward normal for counter-clockwise (in y-down, area2 > 0 means clockwise on screen).
        let dist = sign * (ex * (y - a[1]) - ey * (x - a[0])) / len;
        d = d.max(-dist);
    }
    d
}

/// Darkens the background under the document: a soft shadow offset by
/// `offset`. Pixels well inside the document are skipped (it covers them).
pub(crate) fn draw_shadow(frame: &mut Frame, quad: &[Point; 4], offset: [f32; 2], softness: f32, strength: f32) {
    let shifted = quad.map(|p| [p[0] + offset[0], p[1] + offset[1]]);
    let soft = softness.max(1.0);
    let (_, y0, _, y1) = clamp_box(poly_bbox(&shifted, soft * 2.0), frame.width, frame.height);
    let w = frame.width;
    let mut spans = Vec::new();
    let mut covered = Vec::new();
    for y in y0..y1 {
        let fy = y as f32 + 0.5;
        spans.clear();
        covered.clear();
        // Rows above/below the quad still get the soft edge: sample the span
        // at the nearest row of the quad's vertical extent.
        let b = poly_bbox(&shifted, 0.0);
        row_spans(&shifted, fy.clamp(b[1] + 0.01, b[3] - 0.01), soft * 2.0, w, &mut spans);
        row_spans(quad, fy, -2.0, w, &mut covered);
        for &(x0, x1) in &spans {
            for x in x0..x1 {
                if covered.iter().any(|&(a, b)| x >= a && x < b) {
                    continue;
                }
                let d = convex_quad_distance(&shifted, x as f32 + 0.5, fy);
                let k = 1.0 - strength * (1.0 - smoothstep(-soft, soft, d));
                let i = (y * w + x) * 3;
                if let Some(p) = frame.px.get_mut(i..i + 3) {
                    for v in p {
                        *v *= k;
                    }
                }
            }
        }
    }
}

/// Places `tex` so that its corners land on `quad` (bilinear sampling; the
/// transparent border antialiases the edges). Per row only the quad's span
/// (+2 px) is visited, and the projective map is stepped incrementally
/// (numerators and denominator are linear in x: one division per pixel).
pub(crate) fn composite_texture(frame: &mut Frame, tex: &Texture, quad: &[Point; 4]) {
    let Some(inv) = Homography::rect_to(tex.width as f64, tex.height as f64, quad).and_then(|h| h.inverse()) else {
        return;
    };
    let m = inv.0;
    let (_, y0, _, y1) = clamp_box(poly_bbox(quad, 2.0), frame.width, frame.height);
    let (tw, th) = (tex.width as f32, tex.height as f32);
    let w = frame.width;
    let mut spans = Vec::new();
    let b = poly_bbox(quad, 0.0);
    for y in y0..y1 {
        let fy = y as f64 + 0.5;
        spans.clear();
        row_spans(quad, (fy as f32).clamp(b[1] + 0.01, b[3] - 0.01), 2.0, w, &mut spans);
        for &(x0, x1) in &spans {
            let fx = x0 as f64 + 0.5;
            let mut un = m[0] * fx + m[1] * fy + m[2];
            let mut vn = m[3] * fx + m[4] * fy + m[5];
            let mut wn = m[6] * fx + m[7] * fy + m[8];
            let row = &mut frame.px[y * w * 3..(y + 1) * w * 3];
            for x in x0..x1 {
                if wn > 1e-12 {
                    let inv_w = 1.0 / wn;
                    let (u, v) = ((un * inv_w) as f32, (vn * inv_w) as f32);
                    if u > -1.0 && v > -1.0 && u < tw + 1.0 && v < th + 1.0 {
                        let s = tex.sample(u, v);
                        if s[3] > 0.0 {
                            if let Some(p) = row.get_mut(x * 3..x * 3 + 3) {
                                for c in 0..3 {
                                    p[c] = p[c] * (1.0 - s[3]) + s[c];
                                }
                            }
                        }
                    }
                }
                un += m[0];
                vn += m[3];
                wn += m[6];
            }
        }
    }
}

/// The illumination field: a linear gradient across the frame, vignetting
/// towards the corners, and the light's colour.
pub(crate) struct Light {
    s: f32,
    c: f32,
    inv_half_diag: f32,
    cx: f32,
    cy: f32,
    gradient: f32,
    vignette: f32,
    tint: [f32; 3],
}

impl Light {
    pub(crate) fn new(light: &Lighting, width: usize, height: usize) -> Self {
        let (w, h) = (width as f32, height as f32);
        let (s, c) = light.angle_deg.to_radians().sin_cos();
        Self {
            s,
            c,
            inv_half_diag: 1.0 / (0.5 * len2d(w, h)).max(1.0),
            cx: w * 0.5,
            cy: h * 0.5,
            gradient: light.gradient,
            vignette: light.vignette,
            tint: light.tint,
        }
    }

    /// The factor at the centre of pixel `(x, y)`, before the tint.
    #[inline]
    fn at(&self, x: usize, y: usize) -> f32 {
        let dx = (x as f32 + 0.5 - self.cx) * self.inv_half_diag;
        let dy = (y as f32 + 0.5 - self.cy) * self.inv_half_diag;
        (1.0 + self.gradient * 0.5 * (dx * self.c + dy * self.s)) * (1.0 - self.vignette * (dx * dx + dy * dy))
    }

    /// The lit colour of pixel `(x, y)`.
    pub(crate) fn lit(&self, x: usize, y: usize, c: Rgb) -> Rgb {
        let k = self.at(x, y);
        [
            c[0] * k * self.tint[0],
            c[1] * k * self.tint[1],
            c[2] * k * self.tint[2],
        ]
    }
}

/// Multiplies the frame by the illumination field and the exposure `gain`
/// in one pass.
pub(crate) fn apply_lighting(frame: &mut Frame, light: &Light, gain: f32) {
    let width = frame.width;
    let tint = light.tint.map(|t| t * gain);
    for (y, row) in frame.px.chunks_mut(width * 3).enumerate() {
        for (x, p) in row.chunks_exact_mut(3).enumerate() {
            let k = light.at(x, y);
            p[0] *= k * tint[0];
            p[1] *= k * tint[1];
            p[2] *= k * tint[2];
        }
    }
}

/// Visits the pixels whose centres are inside `quad` (every pixel of the
/// frame when `None`), every `stride`-th row and column.
fn for_each_inside(width: usize, height: usize, quad: Option<&[Point; 4]>, stride: usize, mut f: impl FnMut(usize)) {
    let stride = stride.max(1);
    let mut spans = Vec::new();
    for y in (0..height).step_by(stride) {
        spans.clear();
        match quad {
            Some(q) => row_spans(q, y as f32 + 0.5, 0.0, width, &mut spans),
            None => spans.push((0, width)),
        }
        for &(x0, x1) in &spans {
            // Columns on the global stride grid, so sampling is even across spans.
            let start = x0.div_ceil(stride) * stride;
            for x in (start..x1).step_by(stride) {
                f(y * width + x);
            }
        }
    }
}

/// Mean Rec. 601 luma of the 8-bit RGB pixels inside `quad` (whole frame when `None`); 0 when none is.
pub(crate) fn mean_luma_rgb8(rgb: &[u8], width: usize, height: usize, quad: Option<&[Point; 4]>) -> f32 {
    let mut sum = 0.0f64;
    let mut n = 0usize;
    for_each_inside(width, height, quad, 1, |i| {
        if let Some(p) = rgb.get(i * 3..i * 3 + 3) {
            sum += f64::from(luma([f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]));
            n += 1;
        }
    });
    if n == 0 {
        0.0
    } else {
        (sum / n as f64) as f32
    }
}

/// Up to ~60 000 colours sampled evenly from inside `quad` (whole frame
/// when `None`), as they will be once `light` falls on them.
pub(crate) fn sample_colours(frame: &Frame, quad: Option<&[Point; 4]>, light: Option<&Light>) -> Vec<Rgb> {
    let area = match quad {
        Some(q) => {
            let b = poly_bbox(q, 0.0);
            ((b[2] - b[0]).max(1.0) * (b[3] - b[1]).max(1.0)) as usize
        }
        None => frame.width * frame.height,
    };
    let stride = ((area / 60_000) as f32).sqrt().ceil().max(1.0) as usize;
    let mut out = Vec::new();
    let w = frame.width.max(1);
    for_each_inside(frame.width, frame.height, quad, stride, |i| {
        if let Some(p) = frame.px.get(i * 3..i * 3 + 3) {
            let c = [p[0], p[1], p[2]];
            out.push(light.map_or(c, |l| l.lit(i % w, i / w, c)));
        }
    });
    out
}

/// The gain that brings the mean luma of `samples`, after clipping at 255,
/// to `target` (bisection: clipping makes it nonlinear for bright targets).
pub(crate) fn exposure_gain(samples: &[Rgb], target: f32) -> f32 {
    if samples.is_empty() {
        return 1.0;
    }
    let mean_at = |g: f32| {
        let s: f32 = samples.iter().map(|c| luma(c.map(|v| (v * g).clamp(0.0, 255.0)))).sum();
        s / samples.len() as f32
    };
    let (mut lo, mut hi) = (0.0f32, 64.0f32);
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if mean_at(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Light a highlight adds at normalised radius `r`, as a fraction of its peak:
/// a flat core to r = 0.35, then a Gaussian fall-off that is ~0 at r = 1.
#[inline]
pub(crate) fn highlight_profile(r: f32) -> f32 {
    if r <= 0.35 {
        1.0
    } else if r >= 1.0 {
        0.0
    } else {
        let t = (r - 0.35) / 0.65 * 2.5;
        (-t * t).exp()
    }
}

/// Normalised radius of point `(x, y)` in a highlight's ellipse (x scaled by `sx`).
#[inline]
fn highlight_radius(hl: &Highlight, x: f32, y: f32) -> f32 {
    let (s, c) = hl.angle_deg.to_radians().sin_cos();
    let (dx, dy) = (x - hl.center[0], y - hl.center[1]);
    let u = (dx * c + dy * s) / hl.axes[0].max(1e-6);
    let v = (-dx * s + dy * c) / hl.axes[1].max(1e-6);
    len2d(u, v)
}

/// Where glare washes a document out: saturated area as % of the document,
/// the 3×3 cells with ≥ 1 % of their area saturated, and whether any
/// saturated point lies in a content region.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GlareFootprint {
    pub(crate) area_pct: f32,
    pub(crate) regions: Vec<GridCell>,
    pub(crate) over_content: bool,
}

/// Tallies saturated points per cell of the document's 3×3 grid.
struct Tally<'a> {
    content: Option<&'a [UvBox]>,
    total: [usize; 9],
    saturated: [usize; 9],
    over_content: bool,
}

impl<'a> Tally<'a> {
    fn new(content: Option<&'a [UvBox]>) -> Self {
        Self {
            content,
            total: [0; 9],
            saturated: [0; 9],
            over_content: false,
        }
    }

    fn add(&mut self, u: f32, v: f32, saturated: bool) {
        let cell = ((v * 3.0) as usize).min(2) * 3 + ((u * 3.0) as usize).min(2);
        if let (Some(t), Some(s)) = (self.total.get_mut(cell), self.saturated.get_mut(cell)) {
            *t += 1;
            if saturated {
                *s += 1;
                self.over_content |= self
                    .content
                    .is_none_or(|boxes| boxes.iter().any(|b| u >= b[0] && u <= b[2] && v >= b[1] && v <= b[3]));
            }
        }
    }

    fn finish(self) -> GlareFootprint {
        let total: usize = self.total.iter().sum();
        let saturated: usize = self.saturated.iter().sum();
        let regions = GridCell::ALL
            .iter()
            .zip(self.saturated.iter().zip(self.total.iter()))
            .filter(|(_, (&n, &t))| t > 0 && n * 100 >= t && n > 0)
            .map(|(c, _)| *c)
            .collect();
        GlareFootprint {
            area_pct: if total == 0 {
                0.0
            } else {
                100.0 * saturated as f32 / total as f32
            },
            regions,
            over_content: self.over_content,
        }
    }
}

/// Light a pixel must get from the glare to count as washed out by it
/// (rather than being white paper anyway), and the level that counts as saturated.
const GLARE_MIN_ADDED: f32 = 10.0;
const SATURATED_LEVEL: f32 = 250.0;

/// Adds specular glare on the document and measures it on the pixels:
/// a document pixel (centre inside the quad) is washed out by glare when
/// the glare added ≥ 10 levels and every channel is then ≥ 250. Highlights
/// are in document space: centre `[u, v]` (0–1), axes in document heights,
/// so `x = u · aspect`. `None` without glare or a usable quad.
pub(crate) fn add_document_glare(
    frame: &mut Frame,
    quad: &[Point; 4],
    aspect: f32,
    glare: &[Highlight],
    content: Option<&[UvBox]>,
) -> Option<GlareFootprint> {
    if glare.is_empty() {
        return None;
    }
    let inv = Homography::unit_square_to(quad).and_then(|h| h.inverse())?;
    let (_, y0, _, y1) = clamp_box(poly_bbox(quad, 1.0), frame.width, frame.height);
    let w = frame.width;
    let mut spans = Vec::new();
    let mut tally = Tally::new(content);
    for y in y0..y1 {
        spans.clear();
        row_spans(quad, y as f32 + 0.5, 1.0, w, &mut spans);
        for x in spans.iter().flat_map(|&(a, b)| a..b) {
            let Some([u, v]) = inv.apply(x as f64 + 0.5, y as f64 + 0.5) else {
                continue;
            };
            let (u, v) = (u as f32, v as f32);
            // Inside the unit square is inside the quad.
            if !(0.0..=1.0).contains(&u) || !(0.0..=1.0).contains(&v) {
                continue;
            }
            let add = document_glare_at(glare, aspect, u, v);
            let i = (y * w + x) * 3;
            let Some(p) = frame.px.get_mut(i..i + 3) else { continue };
            for c in p.iter_mut() {
                *c += add;
            }
            tally.add(u, v, add >= GLARE_MIN_ADDED && p.iter().all(|&c| c >= SATURATED_LEVEL));
        }
    }
    Some(tally.finish())
}

/// Added light (0–255 scale, may exceed 255) at document point `(u, v)`.
pub(crate) fn document_glare_at(glare: &[Highlight], aspect: f32, u: f32, v: f32) -> f32 {
    glare
        .iter()
        .map(|hl| {
            let centre = Highlight {
                center: [hl.center[0] * aspect, hl.center[1]],
                ..hl.clone()
            };
            255.0 * hl.peak * highlight_profile(highlight_radius(&centre, u * aspect, v))
        })
        .sum()
}

/// Adds reflections (in photo pixels) to the background.
pub(crate) fn add_reflections(frame: &mut Frame, reflections: &[Highlight]) {
    for hl in reflections {
        let r = hl.axes[0].max(hl.axes[1]);
        let c = hl.center;
        let (x0, y0, x1, y1) = clamp_box([c[0] - r, c[1] - r, c[0] + r, c[1] + r], frame.width, frame.height);
        let w = frame.width;
        for y in y0..y1 {
            for x in x0..x1 {
                let add = 255.0 * hl.peak * highlight_profile(highlight_radius(hl, x as f32 + 0.5, y as f32 + 0.5));
                let i = (y * w + x) * 3;
                if let Some(p) = frame.px.get_mut(i..i + 3) {
                    for v in p {
                        *v += add;
                    }
                }
            }
        }
    }
}

/// The footprint of glare computed from the highlights alone, on a
/// 120 × (120 / aspect) grid in document space: a point counts when the
/// added light is ≥ `threshold` × 255. With threshold 1 (the highlight alone
/// saturates) it bounds the rendered footprint from below; with the
/// smallest light that counts when rendering (10 levels) from above.
pub(crate) fn glare_footprint(
    glare: &[Highlight],
    aspect: f32,
    content: Option<&[UvBox]>,
    threshold: f32,
) -> GlareFootprint {
    let nu = 120usize;
    let nv = ((nu as f32 / aspect.max(0.1)).round() as usize).clamp(30, 240);
    let mut tally = Tally::new(content);
    for j in 0..nv {
        let v = (j as f32 + 0.5) / nv as f32;
        for i in 0..nu {
            let u = (i as f32 + 0.5) / nu as f32;
            tally.add(u, v, document_glare_at(glare, aspect, u, v) >= threshold * 255.0);
        }
    }
    tally.finish()
}

/// [`glare_footprint`] threshold of the upper bound: the least light that counts.
pub(crate) const GLARE_VISIBLE_THRESHOLD: f32 = GLARE_MIN_ADDED / 255.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_rows_are_continuous_and_bounded() {
        let mut d = Dice::new(4, 4);
        for cell in [2.0f32, 7.3, 40.0, 500.0] {
            let n = ValueNoise::new(&mut d, 203, 50, cell);
            let mut row = vec![f32::NAN; 203];
            n.fill_row(17.5, &mut row);
            assert!(row.iter().all(|v| v.is_finite() && v.abs() <= 1.0), "{cell}");
            let max_step = row.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
            assert!(max_step <= 2.0 * 1.5 / cell + 1e-3, "cell {cell}: step {max_step}");
        }
    }

    #[test]
    fn backgrounds_have_the_requested_size_and_plausible_levels() {
        let bgs = [
            Background::Plain { color: [120, 110, 100] },
            Background::Gradient {
                from: [20, 20, 30],
                to: [200, 190, 180],
                angle_deg: 30.0,
            },
            Background::Wood {
                light: [190, 140, 90],
                dark: [110, 70, 40],
                angle_deg: 10.0,
                ring_px: 40.0,
            },
            Background::Cloth {
                color: [60, 80, 140],
                thread_px: 5.0,
                angle_deg: 3.0,
            },
        ];
        for bg in &bgs {
            let f = render_background(bg, 64, 48, 9);
            assert_eq!((f.width, f.height, f.px.len()), (64, 48, 64 * 48 * 3));
            assert!(f.px.iter().all(|v| v.is_finite() && *v >= 0.0 && *v < 300.0), "{bg:?}");
        }
        let g = render_background(&bgs[1], 64, 48, 9);
        assert!(g.px[0] < g.px[(48 * 64 - 1) * 3]);
    }

    #[test]
    fn composite_places_the_texture_inside_the_quad_only() {
        let mut f = Frame::new(100, 80, [0.0; 3]);
        let t = Texture::new(40, 25, [200.0; 3]);
        let q = [[20.0, 20.0], [80.0, 20.0], [80.0, 60.0], [20.0, 60.0]];
        composite_texture(&mut f, &t, &q);
        let at = |x: usize, y: usize| f.px[(y * 100 + x) * 3];
        assert!((at(50, 40) - 200.0).abs() < 1e-3);
        assert_eq!(at(10, 10), 0.0);
        assert_eq!(at(85, 65), 0.0);
        composite_texture(&mut f, &t, &[[0.0, 0.0]; 4]);
    }

    #[test]
    fn exposure_gain_hits_the_target_including_clipping() {
        let mut f = Frame::new(50, 50, [0.0; 3]);
        for (i, v) in f.px.iter_mut().enumerate() {
            *v = ((i / 3) % 200) as f32;
        }
        let samples = sample_colours(&f, None, None);
        assert_eq!(samples.len(), 2500);
        for target in [20.0f32, 120.0, 240.0] {
            let g = exposure_gain(&samples, target);
            let mut g2 = f.clone();
            g2.scale(g);
            let mean = mean_luma_rgb8(&crate::effects::develop(&g2, 0.0, 0), 50, 50, None);
            assert!((mean - target).abs() < 1.0, "{target}: {mean}");
        }
    }

    #[test]
    fn glare_footprint_grows_with_size_and_sees_content() {
        let small = [Highlight {
            center: [0.5, 0.5],
            axes: [0.08, 0.06],
            angle_deg: 0.0,
            peak: 2.0,
        }];
        let large = [Highlight {
            center: [0.5, 0.5],
            axes: [0.6, 0.5],
            angle_deg: 0.0,
            peak: 2.0,
        }];
        let fp = |g: &[Highlight], c: Option<&[UvBox]>| glare_footprint(g, 1.586, c, 1.0);
        let (a, b) = (fp(&small, Some(&[])), fp(&large, Some(&[])));
        assert!(a.area_pct > 0.1 && b.area_pct > 4.0 * a.area_pct, "{a:?} {b:?}");
        assert_eq!(a.regions, vec![GridCell::Center]);
        assert!(b.regions.len() >= 5);
        assert!(fp(&small, Some(&[[0.45, 0.45, 0.55, 0.55]])).over_content);
        assert!(!fp(&small, Some(&[[0.0, 0.0, 0.1, 0.1]])).over_content);
        assert!(fp(&small, None).over_content);
        let visible = glare_footprint(&small, 1.586, Some(&[]), GLARE_VISIBLE_THRESHOLD);
        assert!(visible.area_pct > 2.0 * a.area_pct);
    }

    #[test]
    fn rendered_glare_lies_between_its_bounds() {
        let glare = [Highlight {
            center: [0.4, 0.5],
            axes: [0.2, 0.15],
            angle_deg: 20.0,
            peak: 2.0,
        }];
        let q = [[20.0, 20.0], [340.0, 30.0], [330.0, 230.0], [25.0, 225.0]];
        for paper in [60.0f32, 200.0, 240.0] {
            let mut f = Frame::new(360, 260, [paper; 3]);
            let measured = add_document_glare(&mut f, &q, 1.586, &glare, Some(&[])).unwrap();
            let lo = glare_footprint(&glare, 1.586, Some(&[]), 1.0);
            let hi = glare_footprint(&glare, 1.586, Some(&[]), GLARE_VISIBLE_THRESHOLD);
            assert!(
                measured.area_pct >= lo.area_pct - 0.3 && measured.area_pct <= hi.area_pct + 0.3,
                "{paper}: {measured:?} {lo:?} {hi:?}"
            );
        }
        assert!(add_document_glare(&mut Frame::new(4, 4, [0.0; 3]), &q, 1.5, &[], None).is_none());
    }

    #[test]
    fn shadow_darkens_only_near_the_quad() {
        let mut f = Frame::new(100, 100, [100.0; 3]);
        let q = [[30.0, 30.0], [70.0, 30.0], [70.0, 70.0], [30.0, 70.0]];
        draw_shadow(&mut f, &q, [3.0, 3.0], 4.0, 0.3);
        // Beside the document on the offset side: dark; under it: left for the document.
        assert!(f.px[(50 * 100 + 71) * 3] < 90.0, "{}", f.px[(50 * 100 + 71) * 3]);
        assert_eq!(f.px[(50 * 100 + 50) * 3], 100.0);
        assert_eq!(f.px[(5 * 100 + 5) * 3], 100.0);
    }
}
