//! Runs `detect` over a directory written by `openkyc-synth` (images and `labels.jsonl`) the
//! way the precheck does (a 1280-px working copy, `min_area_fraction` 0.0125, `min_confidence`
//! 0.45, an edge margin of 1% of the short side) and compares the reported quadrilateral with
//! the true corners. Asserts nothing; a debugging aid.
//!
//! `cargo run --release -p openkyc-docdetect --example accuracy -- DIR [ID_SUBSTRING…]`
//!
//! One line per sample: the outcome, the confidence, the largest corner error (working pixels,
//! over the corners inside the frame, best of the 8 corner correspondences), the number of
//! corners reported cut against the number truly outside the frame, and the reported and true
//! keystone and corner-angle deviation. A summary per kind (the id without its number)
//! follows: samples, found, right quadrilateral (corner error ≤ 12 px), cut reported on a
//! document inside the frame, and not reported on one that leaves it. With `OVERLAY_DIR` set,
//! writes each working copy there with the true (green) and found (red) outlines.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use image::RgbImage;
use openkyc_docdetect::{detect, DetectParams, Detection};
use openkyc_intake::{intake, IntakeLimits};

/// A corner error above this many working pixels counts as a wrong quadrilateral.
const WRONG_PX: f64 = 12.0;

struct Label {
    id: String,
    file: String,
    corners: [[f64; 2]; 4],
}

/// The value after `"key":` in a flat JSON line (string or array text).
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = &line[start..];
    if let Some(s) = rest.strip_prefix('"') {
        return s.find('"').map(|end| &s[..end]);
    }
    let mut depth = 0;
    for (i, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&rest[..=i]);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse(line: &str) -> Option<Label> {
    let numbers: Vec<f64> = field(line, "corners")?
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    if numbers.len() != 8 {
        return None;
    }
    let corners = [0, 1, 2, 3].map(|i| [numbers[2 * i], numbers[2 * i + 1]]);
    Some(Label {
        id: field(line, "id")?.to_owned(),
        file: field(line, "file")?.to_owned(),
        corners,
    })
}

fn keystone_and_deviation(q: &[[f64; 2]; 4]) -> (f64, f64) {
    let d = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let s = [0, 1, 2, 3].map(|i| d(q[i], q[(i + 1) % 4]));
    let ratio = |a: f64, b: f64| a.max(b) / a.min(b).max(1e-9);
    let keystone = ratio(s[0], s[2]).max(ratio(s[1], s[3])) - 1.0;
    let mut dev: f64 = 0.0;
    for i in 0..4 {
        let (p, c, n) = (q[(i + 3) % 4], q[i], q[(i + 1) % 4]);
        let (ax, ay, bx, by) = (p[0] - c[0], p[1] - c[1], n[0] - c[0], n[1] - c[1]);
        let cos = (ax * bx + ay * by) / (ax.hypot(ay) * bx.hypot(by)).max(1e-9);
        dev = dev.max((cos.clamp(-1.0, 1.0).acos().to_degrees() - 90.0).abs());
    }
    (keystone, dev)
}

/// Draws the quadrilateral's sides (1 px, clipped to the image).
fn draw_quad(canvas: &mut RgbImage, q: &[[f64; 2]; 4], colour: [u8; 3]) {
    let (w, h) = canvas.dimensions();
    for i in 0..4 {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        let n = ((b[0] - a[0]).abs().max((b[1] - a[1]).abs()).ceil() as usize).clamp(1, 10_000);
        for s in 0..=n {
            let t = s as f64 / n as f64;
            let (x, y) = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]));
            if x >= 0.0 && y >= 0.0 && (x as u32) < w && (y as u32) < h {
                canvas.put_pixel(x as u32, y as u32, image::Rgb(colour));
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: accuracy DIR [ID_SUBSTRING…]"));
    let filters: Vec<String> = args.collect();
    let labels = std::fs::read_to_string(dir.join("labels.jsonl")).expect("labels.jsonl");
    // kind → (samples, found, right quad, cut reported where truly inside, not cut where cut)
    let mut summary: BTreeMap<String, [u32; 5]> = BTreeMap::new();
    let mut total_ms = 0.0;
    for label in labels.lines().filter_map(parse) {
        if !filters.is_empty() && !filters.iter().any(|f| label.id.contains(f.as_str())) {
            continue;
        }
        // The precheck's own intake makes the working copy (scale rule, decoder, resize).
        let taken = std::fs::read(dir.join(&label.file))
            .ok()
            .and_then(|bytes| intake(&bytes, &IntakeLimits::default()).ok());
        let Some(taken) = taken else {
            println!("{:<44} unreadable", label.id);
            continue;
        };
        let (w, h) = (taken.width, taken.height);
        let working = taken.working;
        let (tw, th) = working.dimensions();
        let truth = label
            .corners
            .map(|[x, y]| [x * f64::from(tw) / f64::from(w), y * f64::from(th) / f64::from(h)]);
        let short = tw.min(th) as f32;
        let params = DetectParams {
            edge_margin: 0.01 * short,
            min_confidence: 0.45,
            min_area_fraction: 0.0125,
            ..DetectParams::default()
        };
        if std::env::var_os("DOCDETECT_DEBUG").is_some() {
            let t: Vec<String> = truth
                .iter()
                .flat_map(|p| [p[0].to_string(), p[1].to_string()])
                .collect();
            std::env::set_var("DOCDETECT_TRUTH", t.join(","));
        }
        let started = std::time::Instant::now();
        let detection = detect(&working, &params);
        total_ms += started.elapsed().as_secs_f64() * 1000.0;
        let kind = label.id.split('-').next().unwrap_or("").to_owned()
            + label
                .id
                .rsplit('-')
                .next()
                .map(|v| format!("-{v}"))
                .as_deref()
                .unwrap_or("");
        let entry = summary.entry(kind).or_default();
        entry[0] += 1;
        let (tw, th) = (f64::from(tw), f64::from(th));
        let inside = |p: [f64; 2], m: f64| p[0] >= m && p[0] <= tw - m && p[1] >= m && p[1] <= th - m;
        let true_out = truth.iter().filter(|p| !inside(**p, 0.0)).count();
        let (tk, td) = keystone_and_deviation(&truth);
        match detection {
            Detection::NotFound { reason } => {
                if let Some(out) = std::env::var_os("OVERLAY_DIR") {
                    let mut canvas = working.clone();
                    draw_quad(&mut canvas, &truth, [0, 255, 0]);
                    canvas
                        .save(PathBuf::from(out).join(format!("{}.png", label.id)))
                        .expect("overlay");
                }
                println!(
                    "{:<44} NOT FOUND {reason}  (true out {true_out}, key {tk:.2}, dev {td:.0})",
                    label.id
                );
            }
            Detection::Found(doc) => {
                entry[1] += 1;
                let found = doc.corners.map(|[x, y]| [f64::from(x), f64::from(y)]);
                // Best of the 8 correspondences (4 rotations × 2 windings).
                let mut best = (f64::INFINITY, 0usize, false);
                for flip in [false, true] {
                    for r in 0..4 {
                        let mut err: f64 = 0.0;
                        for (i, t) in truth.iter().enumerate() {
                            if !inside(*t, 0.0) {
                                continue;
                            }
                            let j = if flip { (4 + r - i) % 4 } else { (i + r) % 4 };
                            err = err.max((found[j][0] - t[0]).hypot(found[j][1] - t[1]));
                        }
                        if err < best.0 {
                            best = (err, r, flip);
                        }
                    }
                }
                if let Some(out) = std::env::var_os("OVERLAY_DIR") {
                    let mut canvas = working.clone();
                    draw_quad(&mut canvas, &truth, [0, 255, 0]);
                    draw_quad(&mut canvas, &found, [255, 0, 0]);
                    canvas
                        .save(PathBuf::from(out).join(format!("{}.png", label.id)))
                        .expect("overlay");
                }
                let cut = doc.corners_outside.iter().filter(|c| **c).count();
                if best.0 <= WRONG_PX {
                    entry[2] += 1;
                }
                if true_out == 0 && cut > 0 {
                    entry[3] += 1;
                }
                if true_out > 0 && cut == 0 {
                    entry[4] += 1;
                }
                println!(
                    "{:<44} conf {:.2} err {:6.1}  cut {cut}/{true_out}  key {:.2}/{tk:.2}  dev {:4.1}/{td:4.1}  area {:.3}",
                    label.id,
                    doc.confidence,
                    best.0,
                    doc.keystone,
                    doc.max_corner_angle_deviation_deg,
                    doc.area_fraction
                );
            }
        }
    }
    println!(
        "\n{:<36} {:>4} {:>6} {:>6} {:>6} {:>6}",
        "kind", "n", "found", "right", "cut+", "cut-"
    );
    let mut totals = [0u32; 5];
    for (kind, s) in &summary {
        println!("{kind:<36} {:>4} {:>6} {:>6} {:>6} {:>6}", s[0], s[1], s[2], s[3], s[4]);
        for (t, v) in totals.iter_mut().zip(s) {
            *t += v;
        }
    }
    println!(
        "{:<36} {:>4} {:>6} {:>6} {:>6} {:>6}   detect total {total_ms:.0} ms",
        "TOTAL", totals[0], totals[1], totals[2], totals[3], totals[4]
    );
}
