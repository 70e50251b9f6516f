//! Debugging aid: reads one photo and writes the rectified document's MRZ search area to OUT.png,
//! then tries the zone reader at several widths. `cargo run --release -p openkyc-read --example zone -- PHOTO OUT.png`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).unwrap();
    let font = std::fs::read("/usr/share/fonts/opentype/ocr-b/OCRB.otf").unwrap();
    let templates = openkyc_mrzocr::Templates::from_font(&font).unwrap();
    let limits = openkyc_intake::IntakeLimits {
        working_max_side: 2400,
        ..Default::default()
    };
    let intake = openkyc_intake::intake(&bytes, &limits).unwrap();
    let photo = intake.working;
    let params = openkyc_docdetect::DetectParams {
        edge_margin: 0.01 * photo.width().min(photo.height()) as f32,
        min_confidence: 0.45,
        min_area_fraction: 0.0125,
        ..Default::default()
    };
    let openkyc_docdetect::Detection::Found(doc) = openkyc_docdetect::detect(&photo, &params) else {
        panic!("no doc")
    };
    println!(
        "working {:?} corners {:?} conf {}",
        photo.dimensions(),
        doc.corners,
        doc.confidence
    );
    for width in [1000u32, 900, 800, 720, 640] {
        let (w, h) = openkyc_docdetect::rectified_size(&doc, width);
        let rect = openkyc_docdetect::rectify(&photo, &doc.corners, w, h);
        for turn in [0, 180] {
            let r = if turn == 180 {
                image::imageops::rotate180(&rect)
            } else {
                rect.clone()
            };
            let gray = image::DynamicImage::ImageRgb8(r).to_luma8();
            let lower =
                image::imageops::crop_imm(&gray, 0, gray.height() / 2, gray.width(), gray.height() / 2).to_image();
            if width == 1000 && turn == 0 {
                lower.save(&args[2]).unwrap();
            }
            let t = std::time::Instant::now();
            let lines = openkyc_mrzocr::read_zone(&templates, &lower);
            let text: Vec<String> = lines.iter().flatten().map(|l| l.best_text()).collect();
            println!(
                "{w}x{h} turn {turn}: {:?} ({:.0} ms) caps {:?}",
                text,
                t.elapsed().as_secs_f64() * 1000.0,
                lines.iter().flatten().map(|l| l.cap_height).collect::<Vec<_>>()
            );
        }
    }
}
