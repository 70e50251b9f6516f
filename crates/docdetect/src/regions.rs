//! Document proposals from colour regions, independent of the line ranking.
//!
//! On a strongly textured background (wood grain, fabric) the Hough transform's strongest lines
//! are texture, and the short sides of a small document may not make the line cap at all. A
//! document is also a compact region of fairly uniform card stock whose colour differs from
//! what surrounds it, so a colour segmentation finds it whatever the texture around it does:
//! the input is box-averaged to a coarse RGB grid (long side ≤ [`GRID_SIZE`]), segmented by the
//! graph method of Felzenszwalb & Huttenlocher, "Efficient graph-based image segmentation"
//! (IJCV 2004), and each region that does not touch the border, is large enough and whose
//! convex hull is close to a quadrilateral proposes that quadrilateral (and its smallest
//! enclosing rectangle). The proposals only say where to look: their sides are refitted to the
//! working copy's edge pixels and scored like every other candidate.
//!
//! Written by hand rather than taken from a crate: the segmentation, hull and quadrilateral fit
//! are ~300 lines, and this way they stay deterministic, bounded and panic-free under the
//! workspace's lints without another dependency (imageproc has connected components, not this segmentation).

use image::RgbImage;

use crate::geometry::{signed_area2, Line, Point};

/// Long side (cells) of the segmentation grid, at most.
pub(crate) const GRID_SIZE: u32 = 256;
/// Most proposals returned.
const MAX_PROPOSALS: usize = 6;
/// The segmentation's scale parameter `k` (colour distance × cells): a component of `n` cells
/// merges across a difference of up to `k / n` above its internal one, so larger `k` merges more.
const SCALE_K: f32 = 600.0;
/// Components smaller than this many cells are merged into a neighbour.
const MIN_COMPONENT: u32 = 12;
/// Edge weights are colour distances quantised to this many steps per grey level.
const WEIGHT_STEPS: f32 = 4.0;

/// A proposed document outline in input-image coordinates, corners in cyclic order.
pub(crate) type Proposal = [Point; 4];

/// Proposals for documents covering at least `min_area` (input pixels²), largest region first.
pub(crate) fn proposals(image: &RgbImage, min_area: f64) -> Vec<Proposal> {
    let (w, h) = image.dimensions();
    let cell = w.max(h).div_ceil(GRID_SIZE).max(1);
    let grid = downscale_rgb(image, cell);
    if grid.width < 8 || grid.height < 8 {
        return Vec::new();
    }
    let labels = segment(&grid);
    let s = f64::from(cell);
    let min_cells = min_area / (s * s);
    let max_cells = 0.9 * (grid.width * grid.height) as f64;
    let mut found: Vec<(usize, Proposal)> = Vec::new();
    for component in components(&labels, grid.width, grid.height) {
        let count = component.count as f64;
        // The card stock is at least about half of the document (the rest is its content).
        if count < 0.4 * min_cells || count > max_cells || component.touches_border {
            continue;
        }
        let hull = convex_hull(component.points);
        let hull_area = 0.5 * signed_area2(&hull).abs();
        if hull_area < min_cells || hull_area > max_cells || count < 0.4 * hull_area {
            continue;
        }
        // Two outlines: the enclosing quadrilateral follows perspective, the enclosing
        // rectangle is steadier when the region misses parts of the document (its print
        // reaching the border breaks the card stock up).
        for quad in [enclosing_quad(&hull), enclosing_rectangle(&hull)]
            .into_iter()
            .flatten()
        {
            // A quadrilateral region: its hull fills the quadrilateral.
            let quad_area = 0.5 * signed_area2(&quad).abs();
            if !(quad_area > 0.0 && hull_area >= 0.8 * quad_area) {
                continue;
            }
            // Cell centres are at (i + 0.5) · cell; the hull of the centres lies half a cell
            // inside the region's outline, which the refit against the edge pixels absorbs.
            found.push((component.count, quad.map(|p| p.add(Point::new(0.5, 0.5)).scale(s))));
        }
    }
    found.sort_by_key(|p| std::cmp::Reverse(p.0));
    found.into_iter().take(MAX_PROPOSALS).map(|(_, q)| q).collect()
}

/// A coarse RGB image, row-major.
struct Grid {
    width: usize,
    height: usize,
    data: Vec<[f32; 3]>,
}

/// Averages `cell × cell` blocks (a remainder at the right and bottom is dropped).
fn downscale_rgb(image: &RgbImage, cell: u32) -> Grid {
    let cell = cell.max(1) as usize;
    let (w, h) = (image.width() as usize, image.height() as usize);
    let (gw, gh) = (w / cell, h / cell);
    let mut data = vec![[0f32; 3]; gw * gh];
    if gw == 0 || gh == 0 {
        return Grid {
            width: gw,
            height: gh,
            data,
        };
    }
    let raw = image.as_raw();
    let stride = w * 3;
    let norm = 1.0 / (cell * cell) as f32;
    let mut sums = vec![[0u32; 3]; gw];
    for (out_row, rows) in data.chunks_exact_mut(gw).zip(raw.chunks_exact(stride * cell)) {
        sums.fill([0; 3]);
        for row in rows.chunks_exact(stride) {
            for (sum, block) in sums.iter_mut().zip(row.chunks_exact(cell * 3)) {
                for px in block.chunks_exact(3) {
                    sum[0] += u32::from(px[0]);
                    sum[1] += u32::from(px[1]);
                    sum[2] += u32::from(px[2]);
                }
            }
        }
        for (out, sum) in out_row.iter_mut().zip(&sums) {
            *out = sum.map(|v| v as f32 * norm);
        }
    }
    Grid {
        width: gw,
        height: gh,
        data,
    }
}

/// Union-find over the grid cells with the segmentation's per-component state.
struct Forest {
    parent: Vec<u32>,
    size: Vec<u32>,
    /// Largest edge weight inside the component (its internal difference).
    internal: Vec<f32>,
}

impl Forest {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
            internal: vec![0.0; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        let mut root = x;
        while let Some(&p) = self.parent.get(root as usize) {
            if p == root {
                break;
            }
            root = p;
        }
        // Path compression.
        while let Some(&p) = self.parent.get(x as usize) {
            if p == root {
                break;
            }
            if let Some(slot) = self.parent.get_mut(x as usize) {
                *slot = root;
            }
            x = p;
        }
        root
    }

    fn size_of(&self, root: u32) -> u32 {
        self.size.get(root as usize).copied().unwrap_or(1)
    }

    fn union(&mut self, a: u32, b: u32, weight: f32) {
        let (big, small) = if self.size_of(a) >= self.size_of(b) {
            (a, b)
        } else {
            (b, a)
        };
        let merged = self.size_of(big) + self.size_of(small);
        if let Some(p) = self.parent.get_mut(small as usize) {
            *p = big;
        }
        if let Some(s) = self.size.get_mut(big as usize) {
            *s = merged;
        }
        if let Some(i) = self.internal.get_mut(big as usize) {
            *i = i.max(weight);
        }
    }
}

/// Felzenszwalb–Huttenlocher segmentation on the 4-connected grid with colour-distance
/// weights: edges are visited by increasing weight and two components merge when the edge is
/// no heavier than either's internal difference plus `SCALE_K / size`. Weights are bucketed
/// (counting sort) so the work is linear and the order fixed. Returns each cell's root.
fn segment(grid: &Grid) -> Vec<u32> {
    let (w, h) = (grid.width, grid.height);
    let n = w * h;
    let colour = |i: usize| grid.data.get(i).copied().unwrap_or([0.0; 3]);
    let distance = |a: [f32; 3], b: [f32; 3]| {
        let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
        (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
    };
    // (bucket, a, b) for every right and down neighbour.
    let buckets = (443.0 * WEIGHT_STEPS) as usize + 1;
    let mut edges: Vec<(u16, u32, u32)> = Vec::with_capacity(2 * n);
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let c = colour(i);
            let mut push = |j: usize| {
                let q = (distance(c, colour(j)) * WEIGHT_STEPS).round() as usize;
                edges.push((q.min(buckets - 1) as u16, i as u32, j as u32));
            };
            if x + 1 < w {
                push(i + 1);
            }
            if y + 1 < h {
                push(i + w);
            }
        }
    }
    let sorted = counting_sort(&edges, buckets);
    let mut forest = Forest::new(n);
    for &(q, a, b) in &sorted {
        let (ra, rb) = (forest.find(a), forest.find(b));
        if ra == rb {
            continue;
        }
        let weight = f32::from(q) / WEIGHT_STEPS;
        let tolerance =
            |r: u32, f: &Forest| f.internal.get(r as usize).copied().unwrap_or(0.0) + SCALE_K / f.size_of(r) as f32;
        if weight <= tolerance(ra, &forest).min(tolerance(rb, &forest)) {
            forest.union(ra, rb, weight);
        }
    }
    // Tiny components (noise, single characters) join their most similar neighbour.
    for &(q, a, b) in &sorted {
        let (ra, rb) = (forest.find(a), forest.find(b));
        if ra != rb && (forest.size_of(ra) < MIN_COMPONENT || forest.size_of(rb) < MIN_COMPONENT) {
            forest.union(ra, rb, f32::from(q) / WEIGHT_STEPS);
        }
    }
    (0..n as u32).map(|i| forest.find(i)).collect()
}

/// Stable counting sort of the edges by their bucket.
fn counting_sort(edges: &[(u16, u32, u32)], buckets: usize) -> Vec<(u16, u32, u32)> {
    let mut start = vec![0usize; buckets + 1];
    for e in edges {
        if let Some(s) = start.get_mut(e.0 as usize + 1) {
            *s += 1;
        }
    }
    for i in 1..start.len() {
        let previous = start.get(i - 1).copied().unwrap_or(0);
        if let Some(s) = start.get_mut(i) {
            *s += previous;
        }
    }
    let mut out = vec![(0u16, 0u32, 0u32); edges.len()];
    for &e in edges {
        if let Some(s) = start.get_mut(e.0 as usize) {
            if let Some(slot) = out.get_mut(*s) {
                *slot = e;
            }
            *s += 1;
        }
    }
    out
}

/// One segment: its size, whether it reaches the grid border, and the leftmost and rightmost
/// cell of each of its rows (all its convex hull needs).
struct Component {
    count: usize,
    touches_border: bool,
    points: Vec<Point>,
}

fn components(labels: &[u32], w: usize, h: usize) -> Vec<Component> {
    // Cells grouped by label, each group in row-major order (a counting sort by label).
    let n = labels.len();
    let mut start = vec![0usize; n + 1];
    for &l in labels {
        if let Some(s) = start.get_mut(l as usize + 1) {
            *s += 1;
        }
    }
    for i in 1..start.len() {
        let previous = start.get(i - 1).copied().unwrap_or(0);
        if let Some(s) = start.get_mut(i) {
            *s += previous;
        }
    }
    let bounds = start.clone();
    let mut order = vec![0u32; n];
    for (i, &l) in labels.iter().enumerate() {
        if let Some(s) = start.get_mut(l as usize) {
            if let Some(slot) = order.get_mut(*s) {
                *slot = i as u32;
            }
            *s += 1;
        }
    }
    let mut out = Vec::new();
    for pair in bounds.windows(2) {
        let (lo, hi) = (pair[0], pair[1]);
        if hi <= lo {
            continue;
        }
        let cells = order.get(lo..hi).unwrap_or(&[]);
        let mut touches_border = false;
        let mut points = Vec::new();
        let mut row: Option<(usize, usize, usize)> = None;
        for &c in cells {
            let (x, y) = (c as usize % w, c as usize / w);
            touches_border |= x == 0 || y == 0 || x + 1 == w || y + 1 == h;
            row = match row {
                Some((ry, min, max)) if ry == y => Some((ry, min.min(x), max.max(x))),
                other => {
                    if let Some((ry, min, max)) = other {
                        points.push(Point::new(min as f64, ry as f64));
                        points.push(Point::new(max as f64, ry as f64));
                    }
                    Some((y, x, x))
                }
            };
        }
        if let Some((ry, min, max)) = row {
            points.push(Point::new(min as f64, ry as f64));
            points.push(Point::new(max as f64, ry as f64));
        }
        out.push(Component {
            count: hi - lo,
            touches_border,
            points,
        });
    }
    out
}

/// Convex hull (Andrew's monotone chain), clockwise on screen, without collinear points.
fn convex_hull(mut points: Vec<Point>) -> Vec<Point> {
    points.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    points.dedup_by(|a, b| a.x == b.x && a.y == b.y);
    if points.len() < 3 {
        return points;
    }
    let turn = |o: Point, a: Point, b: Point| a.sub(o).cross(b.sub(o));
    // One chain over the points in the given order, its last point left off (the next
    // chain's first).
    let chain = |ordered: &mut dyn Iterator<Item = &Point>| {
        let mut out: Vec<Point> = Vec::new();
        for &p in ordered {
            while let [.., a, b] = out[..] {
                if turn(a, b, p) <= 0.0 {
                    out.pop();
                } else {
                    break;
                }
            }
            out.push(p);
        }
        out.pop();
        out
    };
    let mut hull = chain(&mut points.iter());
    hull.extend(chain(&mut points.iter().rev()));
    hull
}

/// The smallest rectangle enclosing a convex polygon (one of its sides lies on a polygon edge).
fn enclosing_rectangle(hull: &[Point]) -> Option<[Point; 4]> {
    let m = hull.len();
    if m < 3 {
        return None;
    }
    let mut best: Option<(f64, [Point; 4])> = None;
    for i in 0..m {
        let (a, b) = (hull[i], hull[(i + 1) % m]);
        let length = a.distance(b);
        if length <= 1e-9 {
            continue;
        }
        let u = b.sub(a).scale(1.0 / length);
        let v = Point::new(-u.y, u.x);
        let (mut u0, mut u1, mut v0, mut v1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for p in hull {
            let d = p.sub(a);
            (u0, u1) = (u0.min(d.dot(u)), u1.max(d.dot(u)));
            (v0, v1) = (v0.min(d.dot(v)), v1.max(d.dot(v)));
        }
        let area = (u1 - u0) * (v1 - v0);
        if best.is_none_or(|(b, _)| area < b) {
            let at = |s: f64, t: f64| a.add(u.scale(s)).add(v.scale(t));
            best = Some((area, [at(u0, v0), at(u1, v0), at(u1, v1), at(u0, v1)]));
        }
    }
    best.map(|(_, r)| r)
}

/// A quadrilateral enclosing a convex polygon, close to the smallest: edges are removed one by
/// one, each time the one whose removal (extending its two neighbours until they meet) adds
/// the least area. `None` when the polygon cannot be reduced to four sides that way.
fn enclosing_quad(hull: &[Point]) -> Option<[Point; 4]> {
    let mut poly = hull.to_vec();
    if poly.len() < 4 {
        return None;
    }
    let orientation = signed_area2(&poly).signum();
    while poly.len() > 4 {
        let m = poly.len();
        let mut best: Option<(f64, usize, Point)> = None;
        for i in 0..m {
            let (p0, p1, p2, p3) = (poly[(i + m - 1) % m], poly[i], poly[(i + 1) % m], poly[(i + 2) % m]);
            let (Some(a), Some(b)) = (Line::through(p0, p1.sub(p0)), Line::through(p2, p3.sub(p2))) else {
                continue;
            };
            let Some(x) = a.intersect(&b) else {
                continue;
            };
            // The neighbours must meet beyond the removed edge, on the polygon's outside.
            let added = p2.sub(p1).cross(x.sub(p1)) * orientation;
            if added > 0.0 || !x.is_finite() {
                continue;
            }
            let area = -0.5 * added;
            if best.is_none_or(|(a, _, _)| area < a) {
                best = Some((area, i, x));
            }
        }
        let (_, i, x) = best?;
        poly[i] = x;
        poly.remove((i + 1) % m);
    }
    let quad: [Point; 4] = [poly[0], poly[1], poly[2], poly[3]];
    Some(quad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn hull_and_quad_of_a_rectangle() {
        let points: Vec<Point> = (0..10)
            .flat_map(|y| [Point::new(2.0, y as f64), Point::new(20.0, y as f64)])
            .collect();
        let hull = convex_hull(points);
        assert_eq!(hull.len(), 4, "{hull:?}");
        let quad = enclosing_quad(&hull).unwrap();
        assert!((0.5 * signed_area2(&quad).abs() - 18.0 * 9.0).abs() < 1e-6);
    }

    #[test]
    fn an_octagon_reduces_to_an_enclosing_quadrilateral() {
        let octagon: Vec<Point> = (0..8)
            .map(|i| {
                let t = (i as f64 * 45.0 + 22.5).to_radians();
                Point::new(10.0 * t.cos(), 10.0 * t.sin())
            })
            .collect();
        let quad = enclosing_quad(&octagon).unwrap();
        let area = 0.5 * signed_area2(&quad).abs();
        let octagon_area = 0.5 * signed_area2(&octagon).abs();
        assert!(
            area > octagon_area && area < 1.3 * octagon_area,
            "{area} {octagon_area}"
        );
    }

    #[test]
    fn a_card_on_a_striped_background_is_proposed() {
        // Dark and light stripes (strong texture) with a light grey card in the middle.
        let img = RgbImage::from_fn(400, 300, |x, y| {
            if (150..260).contains(&x) && (100..170).contains(&y) {
                Rgb([200, 205, 210])
            } else if (x + y / 3) % 14 < 7 {
                Rgb([150, 90, 40])
            } else {
                Rgb([100, 55, 20])
            }
        });
        let found = proposals(&img, 0.02 * 400.0 * 300.0);
        assert!(!found.is_empty());
        let quad = found[0];
        let (mut min, mut max) = (Point::new(f64::MAX, f64::MAX), Point::new(f64::MIN, f64::MIN));
        for p in quad {
            min = Point::new(min.x.min(p.x), min.y.min(p.y));
            max = Point::new(max.x.max(p.x), max.y.max(p.y));
        }
        assert!((min.x - 150.0).abs() < 4.0 && (max.x - 260.0).abs() < 4.0, "{quad:?}");
        assert!((min.y - 100.0).abs() < 4.0 && (max.y - 170.0).abs() < 4.0, "{quad:?}");
    }

    #[test]
    fn flat_and_tiny_images_propose_nothing() {
        assert!(proposals(&RgbImage::from_pixel(300, 200, Rgb([90, 90, 90])), 100.0).is_empty());
        assert!(proposals(&RgbImage::new(5, 5), 1.0).is_empty());
        assert!(proposals(&RgbImage::new(0, 0), 1.0).is_empty());
    }
}
