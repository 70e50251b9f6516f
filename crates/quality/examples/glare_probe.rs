//! Measures glare on generated samples: reads a sample's true corners from a
//! `labels.jsonl` written by `openkyc-synth`, rectifies the document to 960 px
//! wide (homography + bilinear), prints the glare measurement and how clipped
//! its bright neutral pixels are and, with `--dump DIR`, writes the crop and
//! an overlay of those pixels. Ids are matched by prefix.
//!
//! `cargo run --release -p openkyc-quality --example glare_probe -- /tmp/set7 doc_glare-0005 [--dump /tmp/gp]`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use image::{Rgb, RgbImage};

fn corners_of(line: &str) -> [[f64; 2]; 4] {
    let start = line.find("\"corners\":[[").unwrap() + "\"corners\":".len();
    let end = start + line[start..].find("]]").unwrap() + 2;
    let numbers: Vec<f64> = line[start..end]
        .split(['[', ']', ','])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    [
        [numbers[0], numbers[1]],
        [numbers[2], numbers[3]],
        [numbers[4], numbers[5]],
        [numbers[6], numbers[7]],
    ]
}

/// Homography from the unit square to the quad (corners TL, TR, BR, BL).
fn square_to_quad(q: [[f64; 2]; 4]) -> [f64; 8] {
    let [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
    ]
}

fn rectify(photo: &RgbImage, q: [[f64; 2]; 4]) -> RgbImage {
    let dist = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let width = (dist(q[0], q[1]) + dist(q[3], q[2])) / 2.0;
    let height = (dist(q[0], q[3]) + dist(q[1], q[2])) / 2.0;
    let (w, h) = (960u32, (960.0 * height / width).round() as u32);
    let m = square_to_quad(q);
    RgbImage::from_fn(w, h, |x, y| {
        let (u, v) = ((x as f64 + 0.5) / w as f64, (y as f64 + 0.5) / h as f64);
        let z = m[6] * u + m[7] * v + 1.0;
        let px = (m[0] * u + m[1] * v + m[2]) / z - 0.5;
        let py = (m[3] * u + m[4] * v + m[5]) / z - 0.5;
        let (x0, y0) = (px.floor(), py.floor());
        let (fx, fy) = (px - x0, py - y0);
        let at = |xx: f64, yy: f64| {
            let xx = xx.clamp(0.0, photo.width() as f64 - 1.0) as u32;
            let yy = yy.clamp(0.0, photo.height() as f64 - 1.0) as u32;
            photo.get_pixel(xx, yy).0
        };
        let (a, b, c, d) = (at(x0, y0), at(x0 + 1.0, y0), at(x0, y0 + 1.0), at(x0 + 1.0, y0 + 1.0));
        Rgb(std::array::from_fn(|k| {
            let top = a[k] as f64 * (1.0 - fx) + b[k] as f64 * fx;
            let bottom = c[k] as f64 * (1.0 - fx) + d[k] as f64 * fx;
            (top * (1.0 - fy) + bottom * fy).round() as u8
        }))
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = &args[1];
    let dump = args.iter().position(|a| a == "--dump").map(|i| args[i + 1].clone());
    let labels = std::fs::read_to_string(format!("{dir}/labels.jsonl")).unwrap();
    let prefixes: Vec<&String> = args[2..].iter().take_while(|a| *a != "--dump").collect();
    for line in labels.lines() {
        let id = &line[7..line[7..].find('"').unwrap() + 7];
        if !prefixes.iter().any(|p| id.starts_with(p.as_str())) {
            continue;
        }
        let file = line.split("\"file\":\"").nth(1).unwrap().split('"').next().unwrap();
        let photo = image::open(format!("{dir}/{file}")).unwrap().to_rgb8();
        let crop = rectify(&photo, corners_of(line));
        let g = openkyc_quality::measure_glare(&crop);
        let area = line
            .split("\"area_pct\":")
            .nth(1)
            .map(|s| s.split(',').next().unwrap().to_string());
        println!(
            "{id:40} label {:>5} fraction {:.4} sharp {:.4} blobs {} largest {:.4}",
            area.unwrap_or_default(),
            g.fraction,
            g.sharp_edged_fraction,
            g.blob_count,
            g.largest_blob_fraction
        );
        println!(
            "    min(RGB) over candidates <215,<230,<240,<248,<253,>=253: {:?}",
            candidate_stats(&crop)
        );
        if let Some(out) = &dump {
            std::fs::create_dir_all(out).unwrap();
            crop.save(format!("{out}/{id}.png")).unwrap();
            let overlay = RgbImage::from_fn(crop.width(), crop.height(), |x, y| {
                let p = crop.get_pixel(x, y).0;
                let (max, min) = (p.iter().max().unwrap(), p.iter().min().unwrap());
                if *max >= 245 && max - min <= 40 {
                    Rgb([255, 0, 255])
                } else {
                    Rgb(p)
                }
            });
            overlay.save(format!("{out}/{id}-mask.png")).unwrap();
        }
    }
}

/// Histogram (6 bins) of `min(R, G, B)` over the pixels with `max ≥ 245` and
/// `max − min ≤ 40`: a specular highlight is clipped (≥ 250), paper is not.
fn candidate_stats(crop: &RgbImage) -> [u32; 6] {
    let mut bins = [0u32; 6];
    for p in crop.pixels() {
        let (max, min) = (*p.0.iter().max().unwrap(), *p.0.iter().min().unwrap());
        if max >= 245 && max - min <= 40 {
            let b = match min {
                0..=214 => 0,
                215..=229 => 1,
                230..=239 => 2,
                240..=247 => 3,
                248..=252 => 4,
                _ => 5,
            };
            bins[b] += 1;
        }
    }
    bins
}
