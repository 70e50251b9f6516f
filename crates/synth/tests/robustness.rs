//! Any spec, however odd, renders without panicking to a decodable file
//! with bounded work (sides are clamped; degenerate geometry is skipped).

use openkyc_synth::{
    render, Background, Blur, BlurKind, CardFormat, Defect, DocumentSource, DocumentSpec, Encoding, ExifFields,
    FileFormat, Highlight, Lighting, PhotoScene, SampleSpec, Scene, SceneObject, ScreenPhotoScene, ScreenshotScene,
};
use proptest::prelude::*;

fn any_f32() -> BoxedStrategy<f32> {
    prop_oneof![
        6 => -50.0f32..120.0,
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(-1e30f32),
        1 => Just(0.0f32),
    ]
    .boxed()
}

fn any_point() -> BoxedStrategy<[f32; 2]> {
    [any_f32(), any_f32()].boxed()
}

fn any_source() -> BoxedStrategy<DocumentSource> {
    prop_oneof![
        (any::<bool>(), any::<u64>()).prop_map(|(id1, seed)| DocumentSource::Synthetic {
            format: if id1 { CardFormat::Id1 } else { CardFormat::PassportPage },
            seed
        }),
        (any::<u32>(), any::<u32>(), 0u32..5000, 0u32..5000).prop_map(|(x, y, w, h)| DocumentSource::Specimen {
            path: "/nonexistent/specimen.png".into(),
            crop: [x, y, w, h]
        }),
    ]
    .boxed()
}

fn any_highlight() -> BoxedStrategy<Highlight> {
    (any_point(), any_point(), any_f32(), any_f32())
        .prop_map(|(center, axes, angle_deg, peak)| Highlight {
            center,
            axes,
            angle_deg,
            peak,
        })
        .boxed()
}

fn any_background() -> BoxedStrategy<Background> {
    prop_oneof![
        any::<[u8; 3]>().prop_map(|color| Background::Plain { color }),
        (any::<[u8; 3]>(), any::<[u8; 3]>(), any_f32()).prop_map(|(from, to, angle_deg)| Background::Gradient {
            from,
            to,
            angle_deg
        }),
        (any::<[u8; 3]>(), any::<[u8; 3]>(), any_f32(), any_f32()).prop_map(|(light, dark, angle_deg, ring_px)| {
            Background::Wood {
                light,
                dark,
                angle_deg,
                ring_px,
            }
        }),
        (any::<[u8; 3]>(), any_f32(), any_f32()).prop_map(|(color, thread_px, angle_deg)| Background::Cloth {
            color,
            thread_px,
            angle_deg
        }),
    ]
    .boxed()
}

fn any_scene() -> BoxedStrategy<Scene> {
    let objects = prop::collection::vec(
        prop_oneof![
            (any_point(), any_f32()).prop_map(|(center, radius)| SceneObject::Coin { center, radius }),
            (any_point(), any_point(), any_f32()).prop_map(|(from, to, width)| SceneObject::Pen {
                from,
                to,
                width,
                color: [1, 2, 3]
            }),
            [any_point(), any_point(), any_point(), any_point()].prop_map(|corners| SceneObject::Paper { corners }),
            (any_point(), any_f32(), any_f32()).prop_map(|(center, size, angle_deg)| SceneObject::Hand {
                center,
                size,
                angle_deg,
                color: [200, 150, 120]
            }),
        ],
        0..3,
    )
    .boxed();
    let photo = (
        any_background(),
        objects,
        prop::collection::vec(any_highlight(), 0..2),
        prop::collection::vec(any_highlight(), 0..2),
        any_f32(),
        any_f32(),
        prop::option::of((any::<bool>(), any_f32(), any_f32())),
        any::<bool>(),
    )
        .prop_map(
            |(background, objects, glare, reflections, exposure_target, noise_sigma, blur, shadow)| {
                Scene::Photo(PhotoScene {
                    background,
                    objects,
                    lighting: Lighting {
                        angle_deg: 10.0,
                        gradient: 0.2,
                        vignette: 0.1,
                        tint: [1.0; 3],
                    },
                    shadow,
                    glare,
                    reflections,
                    exposure_target,
                    blur: blur.map(|(g, size_px, angle_deg)| Blur {
                        kind: if g { BlurKind::Gaussian } else { BlurKind::Motion },
                        size_px,
                        angle_deg,
                    }),
                    noise_sigma,
                })
            },
        )
        .boxed();
    let screenshot = (any::<bool>(), any::<bool>(), any_f32()).prop_map(|(phone, dark, exposure_target)| {
        Scene::Screenshot(ScreenshotScene {
            screen: "x".into(),
            phone,
            dark,
            content_color: [9, 9, 9],
            accent: [0, 100, 255],
            exposure_target,
        })
    });
    let screen_photo = (
        [0u32..3000, 0u32..3000],
        [any_point(), any_point(), any_point(), any_point()],
        any_f32(),
        [any_f32(), any_f32(), any_f32(), any_f32()],
        any_f32(),
    )
        .prop_map(|(display, display_corners, bezel, doc_rect, optics_sigma)| {
            Scene::ScreenPhoto(ScreenPhotoScene {
                display,
                display_corners,
                bezel,
                viewer_color: [30, 30, 30],
                doc_rect,
                background: Background::Plain { color: [50, 60, 70] },
                optics_sigma,
                exposure_target: 120.0,
                noise_sigma: 1.0,
            })
        });
    prop_oneof![photo, screenshot.boxed(), screen_photo.boxed()].boxed()
}

fn any_encoding() -> BoxedStrategy<Encoding> {
    prop_oneof![
        Just(Encoding::Png),
        (
            any::<u8>(),
            prop::option::of(any::<u8>()),
            any::<bool>(),
            any::<bool>(),
            ".{0,300}"
        )
            .prop_map(|(quality, resave_quality, with_exif, jfif, text)| Encoding::Jpeg {
                quality,
                resave_quality,
                exif: with_exif.then(|| ExifFields {
                    make: Some(text.clone()),
                    model: None,
                    software: Some(text.clone()),
                    date_time: Some("x".into()),
                    big_endian: jfif,
                }),
                xmp_creator_tool: (!with_exif).then(|| text.clone()),
                jfif,
            }),
    ]
    .boxed()
}

fn any_spec() -> BoxedStrategy<SampleSpec> {
    (
        any::<u64>(),
        0u32..48,
        0u32..48,
        prop::option::of((any_source(), [any_point(), any_point(), any_point(), any_point()])),
        any_scene(),
        any_encoding(),
    )
        .prop_map(|(seed, width, height, document, scene, encoding)| SampleSpec {
            id: "arbitrary".into(),
            seed,
            intent: Some(Defect::DocGlare),
            intent_severity: None,
            variant: String::new(),
            width,
            height,
            document: document.map(|(source, corners)| DocumentSpec { source, corners }),
            scene,
            encoding,
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_specs_render_to_decodable_files(spec in any_spec()) {
        let sample = render(&spec);
        prop_assert!(sample.width >= 1 && sample.height >= 1);
        prop_assert_eq!(sample.width, spec.width.max(1));
        let img = image::load_from_memory(&sample.bytes);
        prop_assert!(img.is_ok(), "{:?}", img.err());
        let img = img.unwrap_or_default();
        prop_assert_eq!((img.width(), img.height()), (sample.width, sample.height));
        prop_assert_eq!(sample.format == FileFormat::Png, matches!(spec.encoding, Encoding::Png));
        // Scaling never panics either and keeps the frame non-empty.
        let scaled = spec.scaled(f32::NAN).scaled(0.0).scaled(1e9);
        prop_assert!(scaled.width >= 1 && scaled.height >= 1);
    }

    #[test]
    fn reason_codes_round_trip(i in 0usize..12) {
        let d = Defect::ALL[i];
        prop_assert_eq!(Defect::from_code(d.code()), Some(d));
        prop_assert_eq!(serde_json::to_string(&d).unwrap_or_default(), format!("\"{}\"", d.code()));
    }
}

#[test]
fn oversized_requests_are_clamped() {
    let mut spec = openkyc_synth::phone_photo_12mp_spec(3).scaled(0.01);
    spec.width = 40;
    spec.height = u32::MAX;
    // Only the frame is checked (rendering 40 × 8192 is cheap).
    let sample = render(&spec);
    assert_eq!((sample.width, sample.height), (40, 8192));
}
