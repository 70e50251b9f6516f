//! Metadata read back from files built with known values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use image::DynamicImage;
use openkyc_intake::{intake, IntakeLimits};

fn camera_exif() -> Vec<u8> {
    tiff(
        vec![
            ascii(0x010F, "Apple"),
            ascii(0x0110, "iPhone 15 Pro"),
            ascii(0x0131, "Adobe Photoshop 25.0 (Windows)"),
            ascii(0x0132, "2024:05:02 10:11:12"),
            short(0x0112, 1),
        ],
        vec![
            ascii(0x9003, "2024:05:01 09:08:07"),
            ascii(0xA434, "iPhone 15 Pro back camera 6.86mm f/1.78"),
        ],
    )
}

#[test]
fn exif_fields_from_jpeg() {
    let bytes = with_jpeg_segment(&jpeg(&quadrants(32, 32), 90), 0xE1, &exif_app1(&camera_exif()));
    let metadata = intake(&bytes, &IntakeLimits::default()).unwrap().metadata;
    assert!(metadata.exif_present && !metadata.exif_error);
    assert_eq!(metadata.camera_make.as_deref(), Some("Apple"));
    assert_eq!(metadata.camera_model.as_deref(), Some("iPhone 15 Pro"));
    assert_eq!(metadata.software.as_deref(), Some("Adobe Photoshop 25.0 (Windows)"));
    assert_eq!(metadata.datetime_original.as_deref(), Some("2024:05:01 09:08:07"));
    assert_eq!(metadata.datetime_modified.as_deref(), Some("2024:05:02 10:11:12"));
    assert_eq!(
        metadata.lens_model.as_deref(),
        Some("iPhone 15 Pro back camera 6.86mm f/1.78")
    );
}

#[test]
fn garbage_exif_is_recorded_not_fatal() {
    let bytes = with_jpeg_segment(
        &jpeg(&quadrants(32, 32), 90),
        0xE1,
        b"Exif\0\0MM\0\x2a\xff\xff\xff\xff garbage",
    );
    let result = intake(&bytes, &IntakeLimits::default()).unwrap();
    assert!(result.metadata.exif_present && result.metadata.exif_error);
    assert_eq!(result.metadata.camera_make, None);
    assert_eq!(result.orientation, 1);
}

#[test]
fn xmp_creator_tool_and_history_from_jpeg() {
    let packet = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
 xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#" xmp:CreatorTool="Adobe Photoshop 25.0 (Macintosh)"
 photoshop:ColorMode="3"><xmpMM:History><rdf:Seq>
<rdf:li stEvt:action="saved" stEvt:softwareAgent="Adobe Photoshop 25.0 (Macintosh)"/>
</rdf:Seq></xmpMM:History></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#;
    let mut body = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    body.extend_from_slice(packet.as_bytes());
    let bytes = with_jpeg_segment(&jpeg(&quadrants(32, 32), 90), 0xE1, &body);
    let metadata = intake(&bytes, &IntakeLimits::default()).unwrap().metadata;
    assert!(metadata.xmp_present && metadata.xmp_photoshop);
    assert_eq!(
        metadata.xmp_creator_tool.as_deref(),
        Some("Adobe Photoshop 25.0 (Macintosh)")
    );
    assert_eq!(metadata.xmp_history_agents, ["Adobe Photoshop 25.0 (Macintosh)"]);
}

#[test]
fn photoshop_resource_block_and_icc_description_from_jpeg() {
    let mut icc = vec![0u8; 128];
    icc.extend_from_slice(&1u32.to_be_bytes());
    icc.extend_from_slice(b"desc");
    icc.extend_from_slice(&144u32.to_be_bytes());
    let text = b"Display P3\0";
    icc.extend_from_slice(&(12 + text.len() as u32).to_be_bytes());
    icc.extend_from_slice(b"desc\0\0\0\0");
    icc.extend_from_slice(&(text.len() as u32).to_be_bytes());
    icc.extend_from_slice(text);
    let (first, second) = icc.split_at(100);
    let chunk = |seq: u8, data: &[u8]| {
        let mut body = b"ICC_PROFILE\0".to_vec();
        body.extend_from_slice(&[seq, 2]);
        body.extend_from_slice(data);
        body
    };
    let base = jpeg(&quadrants(32, 32), 90);
    // Chunks deliberately out of order: they are assembled by sequence number.
    let bytes = with_jpeg_segment(
        &with_jpeg_segment(&base, 0xE2, &chunk(1, first)),
        0xE2,
        &chunk(2, second),
    );
    let bytes = with_jpeg_segment(&bytes, 0xED, b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\0");
    let metadata = intake(&bytes, &IntakeLimits::default()).unwrap().metadata;
    assert!(metadata.has_icc_profile && metadata.photoshop_irb);
    assert_eq!(metadata.icc_description.as_deref(), Some("Display P3"));
}

#[test]
fn png_software_text_and_exif() {
    let base = png(&DynamicImage::ImageRgb8(quadrants(16, 16)));
    let with_text = with_png_chunk(&base, &png_chunk(b"tEXt", b"Software\0Adobe ImageReady"));
    let bytes = with_png_chunk(&with_text, &png_chunk(b"eXIf", &camera_exif()));
    let metadata = intake(&bytes, &IntakeLimits::default()).unwrap().metadata;
    assert_eq!(metadata.png_software.as_deref(), Some("Adobe ImageReady"));
    assert_eq!(metadata.camera_make.as_deref(), Some("Apple"));
    assert_eq!(metadata.jpeg_quality_estimate, None);
}

#[test]
fn png_xmp_in_itxt() {
    let base = png(&DynamicImage::ImageRgb8(quadrants(16, 16)));
    let chunk = png_chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta xmp:CreatorTool=\"Snapseed 2.0\"/>",
    );
    let metadata = intake(&with_png_chunk(&base, &chunk), &IntakeLimits::default())
        .unwrap()
        .metadata;
    assert_eq!(metadata.xmp_creator_tool.as_deref(), Some("Snapseed 2.0"));
}

#[test]
fn webp_xmp_and_icc_chunks() {
    let simple = webp_lossless(&DynamicImage::ImageRgb8(quadrants(16, 16)));
    let mut icc = vec![0u8; 128];
    icc.extend_from_slice(&0u32.to_be_bytes());
    let bytes = extended_webp(
        &simple,
        16,
        16,
        0x24,
        vec![
            (*b"XMP ", b"<rdf:li stEvt:softwareAgent=\"GIMP 2.10\"/>".to_vec()),
            (*b"ICCP", icc),
        ],
    );
    let metadata = intake(&bytes, &IntakeLimits::default()).unwrap().metadata;
    assert_eq!(metadata.xmp_history_agents, ["GIMP 2.10"]);
    assert!(metadata.has_icc_profile);
    assert_eq!(metadata.icc_description, None);
}

#[test]
fn jpeg_quality_estimate_matches_the_encoder() {
    let image = photo_like(64, 64);
    for quality in [50u8, 75, 90, 95] {
        let metadata = intake(&jpeg(&image, quality), &IntakeLimits::default())
            .unwrap()
            .metadata;
        let estimate = metadata.jpeg_quality_estimate.unwrap();
        assert!(estimate.abs_diff(quality) <= 3, "q={quality}: estimated {estimate}");
        assert!(metadata.jpeg_standard_tables, "q={quality}");
    }
    for quality in [30u8, 60, 85, 92] {
        let bytes = jpeg_with(image.as_raw(), 64, 64, jpeg_encoder::ColorType::Rgb, quality, |_| {});
        let estimate = intake(&bytes, &IntakeLimits::default())
            .unwrap()
            .metadata
            .jpeg_quality_estimate
            .unwrap();
        assert!(
            estimate.abs_diff(quality) <= 3,
            "jpeg-encoder q={quality}: estimated {estimate}"
        );
    }
}

#[test]
fn metadata_serializes_in_snake_case() {
    let bytes = with_jpeg_segment(&jpeg(&quadrants(16, 16), 90), 0xE1, &exif_app1(&camera_exif()));
    let json = serde_json::to_value(intake(&bytes, &IntakeLimits::default()).unwrap().metadata).unwrap();
    assert_eq!(json["camera_make"], "Apple");
    assert_eq!(json["color"], "rgb");
    assert_eq!(json["jpeg_quality_estimate"], 90);
    assert_eq!(serde_json::to_value(openkyc_intake::ImageFormat::Webp).unwrap(), "webp");
}
