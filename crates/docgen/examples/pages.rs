//! Writes a few pages as PNG for a look: `cargo run -p openkyc-docgen --example pages -- OUT_DIR [N]`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).expect("OUT_DIR"));
    let n: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    std::fs::create_dir_all(&out).unwrap();
    let fonts = openkyc_docgen::Fonts::from_system().unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    for (i, person) in openkyc_docgen::identities(1, n, today).iter().enumerate() {
        let seed = i as u64;
        let td3 = openkyc_docgen::render_td3(person, &fonts, 10.0, seed).unwrap();
        td3.image.save(out.join(format!("td3-{i}.png"))).unwrap();
        openkyc_docgen::render_td1_front(person, &fonts, 10.0, seed)
            .image
            .save(out.join(format!("td1-front-{i}.png")))
            .unwrap();
        openkyc_docgen::render_td1_back(person, &fonts, 10.0, seed)
            .unwrap()
            .image
            .save(out.join(format!("td1-back-{i}.png")))
            .unwrap();
        println!("{}", td3.truth.mrz.join(" / "));
    }
    for (i, person) in openkyc_docgen::cn_identities(1, n, today).iter().enumerate() {
        let seed = i as u64;
        let front = openkyc_docgen::render_cn_front(person, &fonts, 10.0, seed);
        front.image.save(out.join(format!("cn-front-{i}.png"))).unwrap();
        openkyc_docgen::render_cn_back(person, &fonts, 10.0, seed)
            .image
            .save(out.join(format!("cn-back-{i}.png")))
            .unwrap();
        println!("{} {} {}", person.id_number, person.name, person.validity_printed());
    }
}
