//! Measures glare on generated samples: reads a sample's true corners from a
//! `labels.jsonl` written by `openkyc-synth`, rectifies the document to 960 px
//! wide (`openkyc_docdetect::rectify`), prints the glare measurement and how clipped
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

/// The document rectified to 960 px wide by the detector's own rectification.
fn rectify(photo: &RgbImage, q: [[f64; 2]; 4]) -> RgbImage {
    let dist = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let width = (dist(q[0], q[1]) + dist(q[3], q[2])) / 2.0;
    let height = (dist(q[0], q[3]) + dist(q[1], q[2])) / 2.0;
    let corners = q.map(|[x, y]| [x as f32, y as f32]);
    openkyc_docdetect::rectify(photo, &corners, 960, (960.0 * height / width).round() as u32)
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
