//! Rendered samples: deterministic, and their labels match their pixels,
//! geometry and metadata. Samples are rendered shrunk (debug builds are
//! slow); every checked property is independent of size.

mod common;

use common::{decode, edge_distance, inside, luma, mean_luma_inside, of_kind, set, small};
use openkyc_synth::labels::thresholds;
use openkyc_synth::{
    render, Background, Corner, Defect, Encoding, FileFormat, LabelParams, SampleSpec, Scene, Severity, EDITORS,
    SCREENS,
};

#[test]
fn the_same_spec_renders_to_the_same_bytes_and_seeds_matter() {
    let specs = set();
    // One of each way of making a picture: camera JPEG, re-saved JPEG, scan
    // PNG, screenshot, screen photo, edited JPEG.
    let picks: Vec<&SampleSpec> = specs
        .iter()
        .filter(|s| {
            (s.intent.is_none() && s.id.ends_with("0000-phone_exif")
                || s.id.contains("0001-resaved")
                || s.id.contains("0007-scanner_png"))
                || (matches!(
                    s.intent,
                    Some(Defect::DocScreenshot | Defect::DocScreenPhoto | Defect::DocEdited)
                ) && s.id.contains("-0000-"))
        })
        .collect();
    assert_eq!(picks.len(), 6);
    for spec in picks {
        let spec = small(spec, 320.0);
        let a = render(&spec);
        let b = render(&spec);
        assert_eq!(a, b, "{}", spec.id);
        let other = SampleSpec {
            seed: spec.seed ^ 1,
            ..spec.clone()
        };
        assert_ne!(
            render(&other).bytes,
            a.bytes,
            "{}: the seed must change the pixels",
            spec.id
        );
    }
}

/// Corners: the pixels inside the quad do not depend on the background and
/// those outside do, so rendering on black and on white shows exactly where
/// the document is.
#[test]
fn corners_are_where_the_document_is() {
    let specs = set();
    let photos: Vec<SampleSpec> = specs
        .iter()
        .filter(|s| s.document.is_some() && matches!(s.scene, Scene::Photo(_)))
        .filter(|s| matches!(s.intent, None | Some(Defect::DocTilted | Defect::DocCornersCut)))
        .take(10)
        .cloned()
        .collect();
    assert!(photos.len() >= 8);
    for spec in photos {
        let on = |color: [u8; 3]| {
            let mut s = small(&spec, 360.0);
            s.encoding = Encoding::Png;
            if let Scene::Photo(p) = &mut s.scene {
                p.background = Background::Plain { color };
                p.objects.clear();
                p.reflections.clear();
            }
            render(&s)
        };
        let (black, white) = (on([0, 0, 0]), on([255, 255, 255]));
        let (a, b) = (decode(&black), decode(&white));
        let q = black.corners.expect("has corners");
        // Counts of pixels ≥ 3 px from the outline: inside / inside but changed
        // by the background / outside / outside yet unchanged.
        let (mut inside_n, mut inside_changed, mut outside_n, mut outside_same) = (0usize, 0usize, 0usize, 0usize);
        for (x, y, pa) in a.enumerate_pixels() {
            let (cx, cy) = (x as f32 + 0.5, y as f32 + 0.5);
            if edge_distance(&q, cx, cy) < 3.0 {
                continue;
            }
            let diff = (luma(pa) - luma(b.get_pixel(x, y))).abs();
            if inside(&q, cx, cy) {
                inside_n += 1;
                inside_changed += usize::from(diff > 6.0);
            } else {
                outside_n += 1;
                outside_same += usize::from(diff < 40.0);
            }
        }
        assert!(inside_n > 500, "{}", spec.id);
        assert!(
            inside_changed * 1000 <= inside_n,
            "{}: {inside_changed} of {inside_n} document pixels depend on the background",
            spec.id
        );
        assert!(
            outside_same * 50 <= outside_n,
            "{}: {outside_same} of {outside_n} pixels outside the corners look like document",
            spec.id
        );
    }
}

#[test]
fn cut_corners_are_outside_the_frame_and_the_others_inside() {
    let specs = of_kind(set(), Some(Defect::DocCornersCut));
    assert_eq!(specs.len(), 8);
    for spec in &specs {
        let sample = render(&small(spec, 300.0));
        let label = sample.label(Defect::DocCornersCut).expect("labelled");
        let LabelParams::CornersCut { corners, .. } = &label.params else {
            panic!("{label:?}")
        };
        let q = sample.corners.expect("corners");
        let (w, h) = (sample.width as f32, sample.height as f32);
        for (corner, p) in Corner::ALL.iter().zip(q) {
            let out = p[0] < 0.0 || p[1] < 0.0 || p[0] > w || p[1] > h;
            assert_eq!(
                out,
                corners.contains(corner),
                "{}: {corner:?} at {p:?} in {w}×{h}",
                sample.id
            );
        }
        if label.severity == Severity::Clear {
            assert!(!corners.is_empty());
        }
    }
}

#[test]
fn exposure_labels_match_the_mean_luma_of_the_document() {
    let specs = set();
    let mut checked = 0;
    for spec in specs
        .iter()
        .filter(|s| matches!(s.intent, None | Some(Defect::DocTooDark | Defect::DocOverexposed)))
        .step_by(2)
    {
        let sample = render(&small(spec, 400.0));
        let Some(q) = sample.corners else { continue };
        let measured = mean_luma_inside(&decode(&sample), &q);
        let labels: Vec<_> = sample
            .labels
            .iter()
            .filter(|l| matches!(l.kind, Defect::DocTooDark | Defect::DocOverexposed))
            .collect();
        match labels.as_slice() {
            [] => assert!(
                measured > f64::from(thresholds::DARK_BORDERLINE_BELOW) - 1.5
                    && measured < f64::from(thresholds::BRIGHT_BORDERLINE_ABOVE) + 1.5,
                "{}: unlabelled but mean {measured:.1}",
                sample.id
            ),
            [l] => {
                let LabelParams::Exposure { mean_luma } = l.params else {
                    panic!("{l:?}")
                };
                assert!(
                    (f64::from(mean_luma) - measured).abs() < 1.5,
                    "{}: label {mean_luma}, measured {measured:.2}",
                    sample.id
                );
                let clear = match l.kind {
                    Defect::DocTooDark => mean_luma < thresholds::DARK_CLEAR_BELOW,
                    _ => mean_luma > thresholds::BRIGHT_CLEAR_ABOVE,
                };
                assert_eq!(clear, l.severity == Severity::Clear, "{}", sample.id);
                assert_eq!(Some(l.kind), spec.intent, "{}", sample.id);
                assert_eq!(
                    Some(l.severity),
                    spec.intent_severity,
                    "{}: the planner's target band was missed",
                    sample.id
                );
            }
            more => panic!("{}: {more:?}", sample.id),
        }
        checked += 1;
    }
    assert!(checked >= 16);
}

/// The APP1 segments right after SOI, as (payload) in file order.
fn app1_segments(bytes: &[u8]) -> Vec<&[u8]> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF && (0xE0..=0xEF).contains(&bytes[i + 1]) {
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if bytes[i + 1] == 0xE1 {
            out.push(&bytes[i + 4..i + 2 + len]);
        }
        i += 2 + len;
    }
    out
}

fn exif_field(bytes: &[u8], tag: exif::Tag) -> Option<String> {
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()?;
    let field = exif.get_field(tag, exif::In::PRIMARY)?;
    match &field.value {
        exif::Value::Ascii(v) => v.first().map(|s| String::from_utf8_lossy(s).into_owned()),
        _ => None,
    }
}

#[test]
fn edited_files_name_the_editor_in_exif_or_xmp() {
    let specs = of_kind(set(), Some(Defect::DocEdited));
    for spec in specs.iter().take(6) {
        let sample = render(&small(spec, 240.0));
        assert_eq!(sample.format, FileFormat::Jpeg);
        let label = sample.label(Defect::DocEdited).expect("labelled");
        let LabelParams::Edited {
            exif_software,
            xmp_creator_tool,
        } = &label.params
        else {
            panic!()
        };
        let segments = app1_segments(&sample.bytes);
        assert!(!segments.is_empty(), "{}: APP1 right after SOI", sample.id);
        match exif_software {
            Some(sw) => {
                assert!(EDITORS.contains(&sw.as_str()));
                assert!(segments.iter().any(|s| s.starts_with(b"Exif\0\0")));
                assert_eq!(
                    exif_field(&sample.bytes, exif::Tag::Software).as_deref(),
                    Some(sw.as_str()),
                    "{}",
                    sample.id
                );
            }
            None => assert!(exif_field(&sample.bytes, exif::Tag::Software).is_none()),
        }
        if let Some(tool) = xmp_creator_tool {
            let xmp = segments
                .iter()
                .find(|s| s.starts_with(b"http://ns.adobe.com/xap/1.0/\0"))
                .expect("XMP APP1");
            let text = String::from_utf8_lossy(xmp);
            assert!(text.contains(&format!("xmp:CreatorTool=\"{tool}\"")), "{text}");
        }
        assert!(exif_software.is_some() || xmp_creator_tool.is_some());
    }
}

#[test]
fn camera_photos_carry_camera_exif_and_no_editor() {
    let specs = of_kind(set(), None);
    let mut with_exif = 0;
    for spec in specs.iter().filter(|s| s.variant == "phone_exif" || s.variant == "dim") {
        let sample = render(&small(spec, 240.0));
        assert!(sample.label(Defect::DocEdited).is_none());
        let make = exif_field(&sample.bytes, exif::Tag::Make).expect("Make");
        assert!(!make.is_empty());
        if let Some(sw) = exif_field(&sample.bytes, exif::Tag::Software) {
            assert!(!EDITORS.contains(&sw.as_str()), "{sw}");
        }
        // Cameras write no JFIF header.
        assert!(
            !sample.bytes.windows(5).take(64).any(|w| w == b"JFIF\0"),
            "{}",
            sample.id
        );
        with_exif += 1;
    }
    assert!(with_exif >= 3);
}

#[test]
fn screenshots_are_pngs_at_an_exact_screen_resolution() {
    let specs = of_kind(set(), Some(Defect::DocScreenshot));
    let spec = specs.first().expect("a screenshot spec");
    let sample = render(spec);
    assert_eq!(sample.format, FileFormat::Png);
    assert!(sample.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(
        SCREENS
            .iter()
            .any(|&(_, w, h, _)| (w, h) == (sample.width, sample.height)),
        "{}×{}",
        sample.width,
        sample.height
    );
    decode(&sample);
    assert!(
        !sample.bytes.windows(4).any(|w| w == b"eXIf"),
        "no EXIF in a screenshot"
    );
    let labels: Vec<Defect> = sample.labels.iter().map(|l| l.kind).collect();
    assert_eq!(labels, vec![Defect::DocScreenshot]);
}

#[test]
fn glare_is_saturated_over_the_labelled_area() {
    let specs = of_kind(set(), Some(Defect::DocGlare));
    for spec in &specs {
        let spec = small(spec, 480.0);
        let sample = render(&spec);
        let label = sample.label(Defect::DocGlare).expect("labelled");
        assert_eq!(Some(label.severity), spec.intent_severity, "{}: {label:?}", spec.id);
        let LabelParams::Glare { area_pct, regions, .. } = &label.params else {
            panic!()
        };
        assert!(!regions.is_empty());
        // The same photo without glare: what is white only with glare is glare.
        let mut plain = spec.clone();
        if let Scene::Photo(p) = &mut plain.scene {
            p.glare.clear();
        }
        let without = render(&plain);
        assert!(without.label(Defect::DocGlare).is_none());
        let (img, base) = (decode(&sample), decode(&without));
        let q = sample.corners.expect("corners");
        let (mut sat, mut n) = (0usize, 0usize);
        for (x, y, p) in img.enumerate_pixels() {
            if inside(&q, x as f32 + 0.5, y as f32 + 0.5) {
                n += 1;
                let white = |p: &image::Rgb<u8>| p.0.iter().all(|&c| c >= 245);
                sat += usize::from(white(p) && !white(base.get_pixel(x, y)));
            }
        }
        let measured = 100.0 * sat as f32 / n as f32;
        // JPEG ringing and noise move the outline by a pixel or so.
        assert!(
            (measured - area_pct).abs() < 0.2 * area_pct + 0.4,
            "{}: labelled {area_pct} %, measured {measured:.2} %",
            sample.id
        );
    }
}

fn gradient_energy(img: &image::RgbImage, q: &[[f32; 2]; 4]) -> f64 {
    let mut e = 0.0;
    for y in 1..img.height() - 1 {
        for x in 1..img.width() - 1 {
            if edge_distance(q, x as f32 + 0.5, y as f32 + 0.5) > 6.0 && inside(q, x as f32 + 0.5, y as f32 + 0.5) {
                let c = luma(img.get_pixel(x, y));
                e += (c - luma(img.get_pixel(x + 1, y))).powi(2) + (c - luma(img.get_pixel(x, y + 1))).powi(2);
            }
        }
    }
    e
}

#[test]
fn blurry_samples_are_blurred_and_labelled_by_their_blur() {
    let specs = of_kind(set(), Some(Defect::DocBlurry));
    // Gaussian and motion, clear and borderline (index 3 is borderline).
    for spec in specs.iter().take(4) {
        let spec = small(spec, 480.0);
        let blurred = render(&spec);
        let mut sharp_spec = spec.clone();
        if let Scene::Photo(p) = &mut sharp_spec.scene {
            p.blur = None;
        }
        let sharp = render(&sharp_spec);
        assert!(sharp.label(Defect::DocBlurry).is_none());
        let label = blurred.label(Defect::DocBlurry).expect("labelled");
        assert_eq!(Some(label.severity), spec.intent_severity);
        let q = blurred.corners.expect("corners");
        let (eb, es) = (
            gradient_energy(&decode(&blurred), &q),
            gradient_energy(&decode(&sharp), &q),
        );
        // Borderline blur is a few pixels here (the sample is shrunk), so the bar is lower.
        let bar = if label.severity == Severity::Clear { 0.5 } else { 0.85 };
        assert!(eb < bar * es, "{}: energy {eb:.0} vs sharp {es:.0}", spec.id);
    }
}

#[test]
fn not_found_scenes_have_no_corners() {
    let specs = of_kind(set(), Some(Defect::DocNotFound));
    for spec in &specs {
        let sample = render(&small(spec, 200.0));
        assert!(sample.corners.is_none());
        assert_eq!(sample.source, "none");
        let kinds: Vec<Defect> = sample.labels.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, vec![Defect::DocNotFound]);
        let blank = spec.variant == "blank_paper";
        assert_eq!(sample.labels[0].severity == Severity::Borderline, blank);
    }
}

#[test]
fn the_12mp_benchmark_photo_is_a_clean_4000_by_3000_phone_jpeg() {
    let spec = openkyc_synth::phone_photo_12mp_spec(1);
    assert_eq!((spec.width, spec.height), (4000, 3000));
    assert!(openkyc_synth::expected_labels(&spec).is_empty());
    let Encoding::Jpeg { exif: Some(exif), .. } = &spec.encoding else {
        panic!("JPEG with EXIF")
    };
    assert_eq!(exif.make.as_deref(), Some("Apple"));
    // Rendered small here (debug builds are slow); the full size is the same scene.
    let sample = render(&small(&spec, 400.0));
    assert_eq!(exif_field(&sample.bytes, exif::Tag::Make).as_deref(), Some("Apple"));
}
