//! The working copy (luminance and two colour-opponent planes, box-downscaled), its gradients,
//! an adaptive edge threshold and thinned edge pixels.

use image::RgbImage;

/// Number of gradient-direction bins over 360° (1° each) shared with the Hough transform. The
/// full circle keeps the polarity: a dark-to-bright edge and a bright-to-dark edge at the same
/// place are different lines.
pub(crate) const ANGLE_BINS: usize = 360;

/// A grey image in `f32`, row-major.
#[derive(Debug, Clone)]
pub(crate) struct Gray {
    pub width: usize,
    pub height: usize,
    pub data: Vec<f32>,
}

/// One thinned edge pixel of the working copy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EdgePixel {
    /// Pixel centre, working coordinates.
    pub x: f32,
    pub y: f32,
    /// Unit gradient (points towards brighter).
    pub ux: f32,
    pub uy: f32,
    /// Direction of the gradient, as a bin index `< ANGLE_BINS`.
    pub angle_bin: u16,
}

/// Gradients of the working copy and the edges found in it.
#[derive(Debug, Clone)]
pub(crate) struct EdgeMap {
    pub width: usize,
    pub height: usize,
    /// The (blurred) working copy the gradients were taken from.
    pub gray: Vec<f32>,
    /// The blurred colour-opponent planes (see [`Planes`]), row-major.
    pub chroma: [Vec<f32>; 2],
    pub gx: Vec<f32>,
    pub gy: Vec<f32>,
    /// Gradient magnitude (grey levels per pixel) an edge needs.
    pub threshold: f32,
    pub edges: Vec<EdgePixel>,
}

impl EdgeMap {
    /// The grey value at a pixel, the nearest border pixel's outside the image.
    #[inline]
    pub(crate) fn gray_at(&self, x: isize, y: isize) -> f32 {
        if self.width == 0 || self.height == 0 {
            return 0.0;
        }
        let x = x.clamp(0, self.width as isize - 1) as usize;
        let y = y.clamp(0, self.height as isize - 1) as usize;
        self.gray.get(y * self.width + x).copied().unwrap_or(0.0)
    }
    /// The brightness or colour difference between two points, whichever is largest, in grey
    /// levels: positive when `b` is brighter than `a` (or, where the brightness differs by less
    /// than a quarter of the colour difference, when that colour plane is higher at `b`); the
    /// same rule as the gradients' (see [`edge_map`]).
    pub(crate) fn contrast(&self, a: (isize, isize), b: (isize, isize)) -> f32 {
        let luma = self.gray_at(b.0, b.1) - self.gray_at(a.0, a.1);
        let mut best = luma;
        for plane in &self.chroma {
            let d = plane_at(plane, self.width, self.height, b) - plane_at(plane, self.width, self.height, a);
            if d.abs() > best.abs() {
                best = if luma.abs() >= 0.25 * d.abs() && luma * d < 0.0 {
                    -d
                } else {
                    d
                };
            }
        }
        best
    }

    /// The gradient at a pixel, zero outside the image.
    #[inline]
    pub(crate) fn gradient(&self, x: isize, y: isize) -> (f32, f32) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return (0.0, 0.0);
        }
        let i = y as usize * self.width + x as usize;
        (
            self.gx.get(i).copied().unwrap_or(0.0),
            self.gy.get(i).copied().unwrap_or(0.0),
        )
    }
}

/// The value of a plane at `(x, y)` clamped into the image; 0 for an empty plane.
fn plane_at(plane: &[f32], width: usize, height: usize, (x, y): (isize, isize)) -> f32 {
    if width == 0 || height == 0 {
        return 0.0;
    }
    let x = x.clamp(0, width as isize - 1) as usize;
    let y = y.clamp(0, height as isize - 1) as usize;
    plane.get(y * width + x).copied().unwrap_or(0.0)
}

/// Integer box-downscale factor so that the long side is at most `target` pixels.
pub(crate) fn downscale_factor(width: u32, height: u32, target: u32) -> u32 {
    let long = width.max(height);
    long.div_ceil(target.max(1)).max(1)
}

/// Weight of the two colour-opponent planes against luminance: a document whose brightness
/// matches its surroundings (a beige card on a grey-blue table) still differs in colour.
const CHROMA_WEIGHT: f32 = 1.0;

/// The working copy: luminance and two colour-opponent planes, all in grey levels.
#[derive(Debug, Clone)]
pub(crate) struct Planes {
    /// BT.601 luminance, 0–255.
    pub luma: Gray,
    /// `R − G` and `(R + G) / 2 − B`, times [`CHROMA_WEIGHT`].
    pub chroma: [Gray; 2],
}

impl Planes {
    /// The same binomial blur on every plane.
    pub(crate) fn blurred(&self) -> Self {
        Self {
            luma: blur(&self.luma),
            chroma: [blur(&self.chroma[0]), blur(&self.chroma[1])],
        }
    }
}

/// Luminance (BT.601 weights, 0–255) averaged over `factor × factor` blocks. A remainder of
/// fewer than `factor` columns or rows at the right and bottom is dropped, so working
/// coordinates times `factor` are exactly input coordinates.
#[cfg(test)]
pub(crate) fn downscale_gray(image: &RgbImage, factor: u32) -> Gray {
    downscale_planes(image, factor).luma
}

/// Luminance and colour-opponent planes (see [`Planes`]) averaged over `factor × factor`
/// blocks, the remainder dropped as for the luminance alone.
pub(crate) fn downscale_planes(image: &RgbImage, factor: u32) -> Planes {
    let factor = factor.max(1) as usize;
    let (w, h) = (image.width() as usize, image.height() as usize);
    let (ww, wh) = (w / factor, h / factor);
    let mut data = vec![0f32; ww * wh];
    let mut red_green = vec![0f32; ww * wh];
    let mut yellow_blue = vec![0f32; ww * wh];
    let plane = |data: Vec<f32>| Gray {
        width: ww,
        height: wh,
        data,
    };
    if ww == 0 || wh == 0 {
        return Planes {
            luma: plane(data),
            chroma: [plane(red_green), plane(yellow_blue)],
        };
    }
    let raw = image.as_raw();
    let stride = w * 3;
    let block_bytes = factor * 3;
    let norm = 1.0 / (factor * factor * 256) as f32;
    let chroma_norm = CHROMA_WEIGHT / (factor * factor) as f32;
    // Per-channel sums per output column; the plane weights are applied once per block.
    let mut sums = vec![[0u64; 3]; ww];
    let out_rows = data
        .chunks_exact_mut(ww)
        .zip(red_green.chunks_exact_mut(ww))
        .zip(yellow_blue.chunks_exact_mut(ww));
    for (((out_row, rg_row), yb_row), rows) in out_rows.zip(raw.chunks_exact(stride * factor)) {
        sums.fill([0; 3]);
        for row in rows.chunks_exact(stride) {
            // Fixed block widths for the common factors let the compiler unroll the inner sum.
            match factor {
                1 => add_blocks::<1>(row, &mut sums),
                2 => add_blocks::<2>(row, &mut sums),
                3 => add_blocks::<3>(row, &mut sums),
                4 => add_blocks::<4>(row, &mut sums),
                _ => {
                    for (sum, block) in sums.iter_mut().zip(row.chunks_exact(block_bytes)) {
                        for px in block.chunks_exact(3) {
                            sum[0] += u64::from(px[0]);
                            sum[1] += u64::from(px[1]);
                            sum[2] += u64::from(px[2]);
                        }
                    }
                }
            }
        }
        for (((out, rg), yb), sum) in out_row.iter_mut().zip(rg_row).zip(yb_row).zip(&sums) {
            *out = (77 * sum[0] + 150 * sum[1] + 29 * sum[2]) as f32 * norm;
            let (r, g, b) = (sum[0] as f32, sum[1] as f32, sum[2] as f32);
            *rg = (r - g) * chroma_norm;
            *yb = (0.5 * (r + g) - b) * chroma_norm;
        }
    }
    Planes {
        luma: plane(data),
        chroma: [plane(red_green), plane(yellow_blue)],
    }
}

/// Adds the channel sums of each run of `K` pixels of `row` to `sums`.
#[inline]
fn add_blocks<const K: usize>(row: &[u8], sums: &mut [[u64; 3]]) {
    for (sum, block) in sums.iter_mut().zip(row.chunks_exact(3 * K)) {
        let (mut r, mut g, mut b) = (0u32, 0u32, 0u32);
        for k in 0..K {
            r += u32::from(block[3 * k]);
            g += u32::from(block[3 * k + 1]);
            b += u32::from(block[3 * k + 2]);
        }
        sum[0] += u64::from(r);
        sum[1] += u64::from(g);
        sum[2] += u64::from(b);
    }
}

/// Separable binomial blur `[1 4 6 4 1] / 16` (σ ≈ 1) with clamped borders: suppresses noise
/// and fine texture before differentiation.
pub(crate) fn blur(gray: &Gray) -> Gray {
    let (w, h) = (gray.width, gray.height);
    if w == 0 || h == 0 {
        return gray.clone();
    }
    let mut horizontal = vec![0f32; w * h];
    let mut padded = vec![0f32; w + 4];
    for (src, dst) in gray.data.chunks_exact(w).zip(horizontal.chunks_exact_mut(w)) {
        pad_into(src, &mut padded);
        for (out, v) in dst.iter_mut().zip(padded.windows(5)) {
            *out = binomial(v[0], v[1], v[2], v[3], v[4]);
        }
    }
    // Vertical pass, a row at a time over five clamped source rows.
    let mut data = vec![0f32; w * h];
    let row = |y: isize| -> &[f32] {
        let y = y.clamp(0, h as isize - 1) as usize;
        horizontal.get(y * w..(y + 1) * w).unwrap_or(&[])
    };
    for (y, dst) in data.chunks_exact_mut(w).enumerate() {
        let y = y as isize;
        let rows = r5(row(y - 2), row(y - 1), row(y), row(y + 1), row(y + 2));
        for (out, (a, b, c, d, e)) in dst.iter_mut().zip(rows) {
            *out = binomial(a, b, c, d, e);
        }
    }
    Gray {
        width: w,
        height: h,
        data,
    }
}

/// Zips five rows element by element.
fn r5<'a>(
    a: &'a [f32],
    b: &'a [f32],
    c: &'a [f32],
    d: &'a [f32],
    e: &'a [f32],
) -> impl Iterator<Item = (f32, f32, f32, f32, f32)> + 'a {
    a.iter()
        .zip(b)
        .zip(c)
        .zip(d)
        .zip(e)
        .map(|((((a, b), c), d), e)| (*a, *b, *c, *d, *e))
}

#[inline]
fn binomial(a: f32, b: f32, c: f32, d: f32, e: f32) -> f32 {
    (a + e + 4.0 * (b + d) + 6.0 * c) * (1.0 / 16.0)
}

/// Copies `src` into `padded` (length `src.len() + 4`) with two clamped values at each end.
fn pad_into(src: &[f32], padded: &mut [f32]) {
    let (first, last) = (src.first().copied().unwrap_or(0.0), src.last().copied().unwrap_or(0.0));
    for (i, p) in padded.iter_mut().enumerate() {
        *p = if i < 2 {
            first
        } else {
            src.get(i - 2).copied().unwrap_or(last)
        };
    }
}

/// Sobel gradients (scaled to grey levels per pixel; per pixel those of the strongest plane, see
/// [`strongest_gradients`]), an adaptive threshold and thinned edges.
///
/// The threshold is 2× the median gradient magnitude (the median measures noise and texture,
/// since most pixels of a photo are not on an edge), kept within `[2.5, 16]` grey levels per
/// pixel. Edges are the pixels at or above it that are local maxima across the edge
/// (non-maximum suppression along the gradient, quantised to 4 directions).
pub(crate) fn edge_map(planes: Planes) -> EdgeMap {
    let (gx, gy, magnitude) = strongest_gradients(&planes);
    let (w, h) = (planes.luma.width, planes.luma.height);
    let threshold = (2.0 * median(&magnitude)).clamp(2.5, 16.0);
    let edges = thin_edges(&magnitude, &gx, &gy, w, h, threshold);
    let [rg, yb] = planes.chroma;
    EdgeMap {
        width: w,
        height: h,
        gray: planes.luma.data,
        chroma: [rg.data, yb.data],
        gx,
        gy,
        threshold,
        edges,
    }
}

/// Sobel gradients (grey levels per pixel) of the three planes, and per pixel the strongest
/// of them with its magnitude; zero on the outermost rows and columns. A colour gradient's sign
/// is turned to agree with the luminance gradient wherever brightness changes noticeably (its
/// magnitude at least a quarter of the colour's): the polarity of a side then stays that of its
/// brightness step, and only a pure colour edge takes the sign of its colour step.
fn strongest_gradients(planes: &Planes) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let (w, h) = (planes.luma.width, planes.luma.height);
    let mut gx = vec![0f32; w * h];
    let mut gy = vec![0f32; w * h];
    let mut magnitude = vec![0f32; w * h];
    let all = [&planes.luma, &planes.chroma[0], &planes.chroma[1]];
    if w < 3 || h < 3 || all.iter().any(|p| p.width != w || p.data.len() != w * h) {
        return (gx, gy, magnitude);
    }
    // One row of gradients per plane, reused: no image-sized temporaries.
    let mut rows = [0, 1, 2].map(|_| (vec![0f32; w - 2], vec![0f32; w - 2]));
    for y in 1..h - 1 {
        for (plane, (rx, ry)) in all.iter().zip(rows.iter_mut()) {
            sobel_row(plane, y, rx, ry);
        }
        let span = y * w + 1..(y + 1) * w - 1;
        let (Some(ox), Some(oy), Some(om)) = (
            gx.get_mut(span.clone()),
            gy.get_mut(span.clone()),
            magnitude.get_mut(span),
        ) else {
            continue;
        };
        let [(lx, ly), (ax, ay), (bx, by)] = &rows;
        let luma = lx.iter().zip(ly.iter());
        let chroma = ax.iter().zip(ay.iter()).zip(bx.iter().zip(by.iter()));
        let out = ox.iter_mut().zip(oy.iter_mut()).zip(om.iter_mut());
        for (((&lx, &ly), ((&ax, &ay), (&bx, &by))), ((sx, sy), m)) in luma.zip(chroma).zip(out) {
            let luma2 = lx * lx + ly * ly;
            let (mut best_x, mut best_y, mut best2) = (lx, ly, luma2);
            for (cx, cy) in [(ax, ay), (bx, by)] {
                let c2 = cx * cx + cy * cy;
                if c2 > best2 {
                    let flip = luma2 >= 0.0625 * c2 && cx * lx + cy * ly < 0.0;
                    let sign = if flip { -1.0 } else { 1.0 };
                    (best_x, best_y, best2) = (sign * cx, sign * cy, c2);
                }
            }
            (*sx, *sy, *m) = (best_x, best_y, best2.sqrt());
        }
    }
    (gx, gy, magnitude)
}

/// Sobel gradients (grey levels per pixel) of row `y` (1 ≤ y < height − 1) of `gray`, at
/// columns 1 … width − 2, into `rx`, `ry`.
fn sobel_row(gray: &Gray, y: usize, rx: &mut [f32], ry: &mut [f32]) {
    let (r0, r1, r2) = (row(gray, y - 1), row(gray, y), row(gray, y + 1));
    let windows = r0.windows(3).zip(r1.windows(3)).zip(r2.windows(3));
    for (((top, middle), bottom), (sx, sy)) in windows.zip(rx.iter_mut().zip(ry.iter_mut())) {
        *sx = ((top[2] + 2.0 * middle[2] + bottom[2]) - (top[0] + 2.0 * middle[0] + bottom[0])) * 0.125;
        *sy = ((bottom[0] + 2.0 * bottom[1] + bottom[2]) - (top[0] + 2.0 * top[1] + top[2])) * 0.125;
    }
}

/// `atan2` to within 0.03° (a minimax polynomial for the arctangent on `[0, 1]` and the
/// octant symmetries): a quarter of the cost of the library call, far below the 1° bins.
fn fast_atan2(y: f32, x: f32) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI};
    let (ax, ay) = (x.abs(), y.abs());
    let (lo, hi) = (ax.min(ay), ax.max(ay));
    if hi == 0.0 {
        return 0.0;
    }
    let a = lo / hi;
    let s = a * a;
    let mut r = ((-0.046_496_475 * s + 0.159_314_22) * s - 0.327_622_76) * s * a + a;
    if ay > ax {
        r = FRAC_PI_2 - r;
    }
    if x < 0.0 {
        r = PI - r;
    }
    if y < 0.0 {
        -r
    } else {
        r
    }
}

fn row(gray: &Gray, y: usize) -> &[f32] {
    gray.data.get(y * gray.width..(y + 1) * gray.width).unwrap_or(&[])
}

/// Median of non-negative values by a histogram with 0.25-level bins (values above 64 share
/// the last bin; only the lower half matters for a median of mostly flat images).
fn median(values: &[f32]) -> f32 {
    const BINS: usize = 256;
    let mut histogram = [0u32; BINS];
    for &v in values {
        let bin = ((v * 4.0) as usize).min(BINS - 1);
        histogram[bin] += 1;
    }
    let half = values.len() / 2;
    let mut seen = 0usize;
    for (bin, &count) in histogram.iter().enumerate() {
        seen += count as usize;
        if seen > half {
            return (bin as f32 + 0.5) * 0.25;
        }
    }
    0.0
}

fn thin_edges(magnitude: &[f32], gx: &[f32], gy: &[f32], w: usize, h: usize, threshold: f32) -> Vec<EdgePixel> {
    const TAN_22_5: f32 = 0.414_213_57;
    let mut edges = Vec::new();
    if w < 3 || h < 3 {
        return edges;
    }
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let i = y * w + x;
            let m = magnitude[i];
            if m < threshold {
                continue;
            }
            let (sx, sy) = (gx[i], gy[i]);
            let (ax, ay) = (sx.abs(), sy.abs());
            // Neighbours across the edge, i.e. along the gradient.
            let (dx, dy): (isize, isize) = if ay <= TAN_22_5 * ax {
                (1, 0)
            } else if ax <= TAN_22_5 * ay {
                (0, 1)
            } else if (sx > 0.0) == (sy > 0.0) {
                (1, 1)
            } else {
                (-1, 1)
            };
            let step = dy * w as isize + dx;
            let (n1, n2) = ((i as isize - step) as usize, (i as isize + step) as usize);
            let (m1, m2) = (magnitude[n1], magnitude[n2]);
            if m > m1 && m >= m2 {
                // Sub-pixel position of the maximum along the gradient (parabola through 3 values).
                let curvature = m1 - 2.0 * m + m2;
                let shift = if curvature < 0.0 {
                    (0.5 * (m1 - m2) / curvature).clamp(-0.5, 0.5)
                } else {
                    0.0
                };
                // Orientation from the 3×3 sum of gradients: along a straight edge they agree,
                // so noise in the direction drops about threefold.
                let (mut ox, mut oy) = (0f32, 0f32);
                for j in [i - w, i, i + w] {
                    for k in [j - 1, j, j + 1] {
                        ox += gx[k];
                        oy += gy[k];
                    }
                }
                let norm = (ox * ox + oy * oy).sqrt();
                if norm.is_nan() || norm <= 0.0 {
                    continue;
                }
                let degrees = fast_atan2(oy, ox).to_degrees().rem_euclid(360.0);
                let angle_bin = (degrees.round() as usize % ANGLE_BINS) as u16;
                edges.push(EdgePixel {
                    x: x as f32 + 0.5 + shift * dx as f32,
                    y: y as f32 + 0.5 + shift * dy as f32,
                    ux: ox / norm,
                    uy: oy / norm,
                    angle_bin,
                });
            }
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn downscale_averages_blocks_and_drops_the_remainder() {
        let mut img = RgbImage::from_pixel(5, 3, Rgb([100, 100, 100]));
        img.put_pixel(1, 1, Rgb([200, 200, 200]));
        let g = downscale_gray(&img, 2);
        assert_eq!((g.width, g.height), (2, 1));
        assert!((g.data[0] - 125.0).abs() < 0.5, "{:?}", g.data);
        assert!((g.data[1] - 100.0).abs() < 0.5);
        assert_eq!(downscale_factor(1280, 960, 512), 3);
        assert_eq!(downscale_factor(0, 0, 512), 1);
    }

    #[test]
    fn a_vertical_step_gives_one_thin_vertical_edge() {
        let mut img = RgbImage::from_pixel(40, 30, Rgb([40, 40, 40]));
        for y in 0..30 {
            for x in 20..40 {
                img.put_pixel(x, y, Rgb([200, 200, 200]));
            }
        }
        let map = edge_map(downscale_planes(&img, 1).blurred());
        assert!(!map.edges.is_empty());
        for e in &map.edges {
            assert!((e.x - 20.0).abs() <= 1.0, "edge at {}", e.x);
            assert!(e.angle_bin == 0 || e.angle_bin == 359, "bin {}", e.angle_bin);
        }
        // One edge pixel per interior row, except near the top and bottom border.
        assert!(map.edges.len() >= 26 && map.edges.len() <= 28, "{}", map.edges.len());
    }

    #[test]
    fn fast_atan2_is_close_to_the_library() {
        for i in 0..3600 {
            let t = (i as f32 / 10.0).to_radians();
            for r in [0.5f32, 3.0, 200.0] {
                let (y, x) = (r * t.sin(), r * t.cos());
                let d = (fast_atan2(y, x) - y.atan2(x)).abs();
                let d = d.min((d - 2.0 * std::f32::consts::PI).abs());
                assert!(d < 5e-4, "{i} {d}");
            }
        }
        assert_eq!(fast_atan2(0.0, 0.0), 0.0);
    }

    #[test]
    fn empty_and_tiny_images_give_no_edges() {
        for (w, h) in [(0, 0), (1, 1), (2, 7), (7, 2)] {
            let img = RgbImage::new(w, h);
            let map = edge_map(downscale_planes(&img, 1).blurred());
            assert!(map.edges.is_empty());
        }
    }

    /// A left half and a right half of the given colours, 40 × 30.
    fn halves(left: [u8; 3], right: [u8; 3]) -> EdgeMap {
        let img = RgbImage::from_fn(40, 30, |x, _| Rgb(if x < 20 { left } else { right }));
        edge_map(downscale_planes(&img, 1).blurred())
    }

    #[test]
    fn a_colour_step_of_equal_brightness_gives_edges() {
        // Luminance 153.0 against 152.4: no brightness edge, a strong colour one.
        let map = halves([172, 150, 118], [150, 153, 156]);
        assert!((map.gray_at(5, 15) - map.gray_at(35, 15)).abs() < 1.0);
        assert!(map.edges.len() >= 26, "{}", map.edges.len());
        for e in &map.edges {
            assert!((e.x - 20.0).abs() <= 1.0, "edge at {}", e.x);
        }
    }

    #[test]
    fn colour_contrast_takes_the_sign_of_brightness_where_brightness_changes() {
        // Brighter to the right by 61 levels, and bluer by more: the colour difference is larger but
        // the step keeps the brightness's sign, as do the gradients.
        let map = halves([150, 130, 70], [190, 190, 190]);
        let c = map.contrast((5, 15), (35, 15));
        assert!(c >= 65.0, "{c}");
        assert!(map.edges.iter().all(|e| e.ux > 0.9), "{:?}", map.edges.first());
        // Equal brightness: the colour's own sign, the same for both directions of travel.
        let map = halves([172, 150, 118], [150, 153, 156]);
        let (there, back) = (map.contrast((5, 15), (35, 15)), map.contrast((35, 15), (5, 15)));
        assert!(there.abs() >= 30.0 && (there + back).abs() < 1e-3, "{there} {back}");
    }
}
