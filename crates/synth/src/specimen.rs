//! Specimen scans read in place (never copied): which part of each PNG is one
//! document side, and loading that part as a texture.
//!
//! The scans are tightly cropped web images, some with both sides in one
//! file. Rules: landscape images (aspect 1.25–1.8) are one side; portrait
//! images (height/width 1.0–1.7) are two sides stacked and the top one is
//! used; very wide images (aspect ≥ 2.4) are two sides side by side and the
//! left one is used. The split is the brightest row/column in the middle
//! third, which must be ≥ 90 % near-white (the gap between the sides), near-white margins are trimmed, and near-white
//! pixels outside a rounded-corner radius become transparent. The result
//! must again have aspect 1.25–1.8 and be ≥ 200 px wide, else it is skipped.

use std::path::{Path, PathBuf};

use crate::raster::{rounded_rect_sdf, Texture};

/// Largest specimen file read.
const MAX_FILE_BYTES: u64 = 32 << 20;
/// Largest specimen side accepted.
const MAX_SIDE: u32 = 4096;

/// A usable specimen.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Specimen {
    /// The PNG.
    pub(crate) path: PathBuf,
    /// `[x, y, w, h]` of the one side used.
    pub(crate) crop: [u32; 4],
}

/// The specimens directory next to the repository (`../shared/fixtures/documents`).
pub fn default_specimen_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/documents"
    ))
}

/// Every usable specimen PNG in `dir`, sorted by file name; empty if the directory is absent.
pub(crate) fn discover(dir: &Path) -> Vec<Specimen> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("png")))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            load_rgb(&p)
                .and_then(|img| find_crop(&img))
                .map(|crop| Specimen { path: p, crop })
        })
        .collect()
}

/// An RGB image as decoded.
struct Rgb8 {
    w: u32,
    h: u32,
    px: Vec<u8>,
}

impl Rgb8 {
    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.w as usize + x as usize) * 3;
        match self.px.get(i..i + 3) {
            Some(p) => [p[0], p[1], p[2]],
            None => [255; 3],
        }
    }

    fn near_white(&self, x: u32, y: u32, level: u8) -> bool {
        self.at(x, y).iter().all(|&c| c >= level)
    }
}

fn load_rgb(path: &Path) -> Option<Rgb8> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).ok()?;
    if img.width() > MAX_SIDE || img.height() > MAX_SIDE || img.width() < 16 || img.height() < 16 {
        return None;
    }
    let rgb = img.to_rgb8();
    Some(Rgb8 {
        w: rgb.width(),
        h: rgb.height(),
        px: rgb.into_raw(),
    })
}

/// The one-side crop of a scan, by the rules in the module documentation.
fn find_crop(img: &Rgb8) -> Option<[u32; 4]> {
    let aspect = img.w as f32 / img.h as f32;
    let whole = [0, 0, img.w, img.h];
    let side = if (1.25..=1.8).contains(&aspect) {
        whole
    } else if (1.1..=1.7).contains(&(1.0 / aspect)) {
        let split = brightest_line(img, true)?;
        let gap = (0..img.w).filter(|&x| img.near_white(x, split, 225)).count() as u32;
        if gap * 10 < img.w * 9 {
            return None;
        }
        [0, 0, img.w, split]
    } else if aspect >= 2.4 {
        let split = brightest_line(img, false)?;
        let gap = (0..img.h).filter(|&y| img.near_white(split, y, 225)).count() as u32;
        if gap * 10 < img.h * 9 {
            return None;
        }
        [0, 0, split, img.h]
    } else {
        return None;
    };
    let [x, y, w, h] = trim_white(img, side);
    let a = w as f32 / h.max(1) as f32;
    ((1.25..=1.8).contains(&a) && w >= 200).then_some([x, y, w, h])
}

/// The row (`rows = true`) or column in the middle third with the highest mean brightness.
fn brightest_line(img: &Rgb8, rows: bool) -> Option<u32> {
    let (len, across) = if rows { (img.h, img.w) } else { (img.w, img.h) };
    (len / 3..len * 2 / 3).max_by_key(|&i| {
        (0..across)
            .map(|j| {
                let p = if rows { img.at(j, i) } else { img.at(i, j) };
                u64::from(p[0]) + u64::from(p[1]) + u64::from(p[2])
            })
            .sum::<u64>()
    })
}

/// Shrinks `[x, y, w, h]` while its outer row/column is ≥ 97 % near-white
/// (all channels ≥ 235), by at most 15 % per side.
fn trim_white(img: &Rgb8, r: [u32; 4]) -> [u32; 4] {
    let [mut x0, mut y0, w, h] = r;
    let (mut x1, mut y1) = (x0 + w, y0 + h);
    let white_row = |y: u32, x0: u32, x1: u32| {
        let n = (x0..x1).filter(|&x| img.near_white(x, y, 235)).count() as u32;
        n * 100 >= (x1 - x0) * 97
    };
    let white_col = |x: u32, y0: u32, y1: u32| {
        let n = (y0..y1).filter(|&y| img.near_white(x, y, 235)).count() as u32;
        n * 100 >= (y1 - y0) * 97
    };
    let (max_dy, max_dx) = (h * 15 / 100, w * 15 / 100);
    while y0 < r[1] + max_dy && y1 > y0 + 1 && white_row(y0, x0, x1) {
        y0 += 1;
    }
    while y1 + max_dy > r[1] + h && y1 > y0 + 1 && white_row(y1 - 1, x0, x1) {
        y1 -= 1;
    }
    while x0 < r[0] + max_dx && x1 > x0 + 1 && white_col(x0, y0, y1) {
        x0 += 1;
    }
    while x1 + max_dx > r[0] + w && x1 > x0 + 1 && white_col(x1 - 1, y0, y1) {
        x1 -= 1;
    }
    [x0, y0, x1 - x0, y1 - y0]
}

/// Loads the cropped side as a texture; near-white pixels outside a
/// rounded corner of radius 3.7 % of the width (ID-1's 3.18 mm) are made
/// transparent so rounded cards do not carry white corners into the scene.
pub(crate) fn load_texture(path: &Path, crop: [u32; 4]) -> Option<Texture> {
    let img = load_rgb(path)?;
    let [x0, y0, w, h] = crop;
    if w < 2 || h < 2 || x0.checked_add(w)? > img.w || y0.checked_add(h)? > img.h {
        return None;
    }
    let mut t = Texture::new(w as usize, h as usize, [0.0; 3]);
    let radius = w as f32 * 0.037;
    for y in 0..h {
        for x in 0..w {
            let c = img.at(x0 + x, y0 + y).map(f32::from);
            let d = rounded_rect_sdf(x as f32 + 0.5, y as f32 + 0.5, [0.0, 0.0, w as f32, h as f32], radius);
            let a = if d > -0.5 && img.near_white(x0 + x, y0 + y, 215) {
                (0.5 - d).clamp(0.0, 1.0)
            } else {
                1.0
            };
            if let Some(p) = t.px.get_mut(y as usize * w as usize + x as usize) {
                *p = [c[0] * a, c[1] * a, c[2] * a, a];
            }
        }
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(w: u32, h: u32, gap_rows: Option<(u32, u32)>) -> Rgb8 {
        let mut px = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                let white =
                    x < 5 || x + 5 >= w || y < 4 || y + 4 >= h || gap_rows.is_some_and(|(a, b)| y >= a && y < b);
                let c: [u8; 3] = if white {
                    [255, 255, 255]
                } else {
                    [90, 120, (x % 200) as u8]
                };
                px.extend_from_slice(&c);
            }
        }
        Rgb8 { w, h, px }
    }

    #[test]
    fn landscape_scan_is_trimmed() {
        let img = card(320, 210, None);
        assert_eq!(find_crop(&img), Some([5, 4, 310, 202]));
    }

    #[test]
    fn stacked_scan_uses_the_top_side() {
        // Two 300×195 sides with a 20-px white gap: 300 × 410.
        let img = card(300, 410, Some((195, 215)));
        let crop = find_crop(&img).unwrap();
        assert_eq!(crop[0], 5);
        assert_eq!(crop[1], 4);
        assert!(crop[3] <= 195 && crop[3] >= 185, "{crop:?}");
        assert!(find_crop(&card(300, 300, None)).is_none());
        assert!(find_crop(&card(300, 410, None)).is_none(), "no white gap, no split");
    }

    #[test]
    fn real_specimens_when_present() {
        let dir = default_specimen_dir();
        if !dir.is_dir() {
            eprintln!("SKIPPED: {} is absent", dir.display());
            return;
        }
        let found = discover(&dir);
        assert!(found.len() >= 20, "only {} usable specimens", found.len());
        for s in &found {
            let a = s.crop[2] as f32 / s.crop[3] as f32;
            assert!((1.25..=1.8).contains(&a), "{s:?}");
        }
        let t = load_texture(&found[0].path, found[0].crop).unwrap();
        assert_eq!((t.width as u32, t.height as u32), (found[0].crop[2], found[0].crop[3]));
    }
}
