//! What the tests and the `embed_pairs` example share: the models, the
//! real face photos of `../shared/fixtures/faces` and their pairs, and face
//! boxes from dlib's own HOG detector (here only: production boxes come from
//! CenterFace in `openkyc-face`).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use dlib_face_recognition::{FaceDetector, FaceDetectorTrait, ImageMatrix};
use image::RgbImage;
use openkyc_faceembed::FaceEmbedder;

/// Prints a visible skip line.
pub fn skip(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// The embedder, or `None` after a SKIPPED line when the models are missing.
pub fn embedder(test: &str) -> Option<FaceEmbedder> {
    let models = match openkyc_infer::ModelSet::locate() {
        Ok(models) => models,
        Err(e) => {
            skip(test, &format!("models missing, run scripts/fetch-models.sh ({e})"));
            return None;
        }
    };
    for id in [openkyc_faceembed::SHAPE_PREDICTOR_ID, openkyc_faceembed::RESNET_ID] {
        if let Err(e) = models.path(id) {
            skip(test, &format!("models missing, run scripts/fetch-models.sh ({e})"));
            return None;
        }
    }
    Some(FaceEmbedder::from_models(&models).expect("the dlib models load"))
}

/// The model file paths, or `None` after a SKIPPED line.
pub fn model_paths(test: &str) -> Option<(PathBuf, PathBuf)> {
    let models = openkyc_infer::ModelSet::locate().ok();
    let paths = models.and_then(|m| {
        Some((
            m.path(openkyc_faceembed::SHAPE_PREDICTOR_ID).ok()?,
            m.path(openkyc_faceembed::RESNET_ID).ok()?,
        ))
    });
    if paths.is_none() {
        skip(test, "models missing, run scripts/fetch-models.sh");
    }
    paths
}

/// The real face photos, or `None` after a SKIPPED line.
pub fn faces_dir(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/faces");
    if dir.join("pairs.csv").is_file() {
        Some(dir)
    } else {
        skip(test, &format!("{} is absent", dir.display()));
        None
    }
}

/// One row of `pairs.csv`.
pub struct Pair {
    pub a: String,
    pub b: String,
    pub same: bool,
}

/// The pairs: `img_a,img_b,same,…` (the names hold no commas).
pub fn pairs(dir: &Path) -> Vec<Pair> {
    let text = std::fs::read_to_string(dir.join("pairs.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            Pair {
                a: fields[0].to_owned(),
                b: fields[1].to_owned(),
                same: fields[2] == "1",
            }
        })
        .collect()
}

/// A photo decoded by its content (one `.jpg` there is a WebP).
pub fn load(dir: &Path, name: &str) -> RgbImage {
    image::ImageReader::open(dir.join(name))
        .unwrap()
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap()
        .to_rgb8()
}

/// HOG runs on a copy whose longer side is at most this (pixels): its time
/// grows with the pixel count, and the photos' faces stay above its 80-px
/// window at this size.
const HOG_MAX_SIDE: u32 = 800;

/// The largest face dlib's HOG detector finds, as `[left, top, right,
/// bottom]` in `image`'s pixels (dlib's inclusive rectangle widened by its
/// last pixel, scaled back from the detection copy).
pub fn hog_box(detector: &FaceDetector, image: &RgbImage) -> Option<[f32; 4]> {
    let longer = image.width().max(image.height());
    let scale = (HOG_MAX_SIDE as f32 / longer as f32).min(1.0);
    let small = if scale < 1.0 {
        let (width, height) = (image.width() as f32 * scale, image.height() as f32 * scale);
        image::imageops::resize(
            image,
            width.round() as u32,
            height.round() as u32,
            image::imageops::FilterType::Triangle,
        )
    } else {
        image.clone()
    };
    let (width, height) = small.dimensions();
    let buffer = image_dlib::RgbImage::from_raw(width, height, small.into_raw())?;
    let found = detector.face_locations(&ImageMatrix::from_image(&buffer));
    let largest = found.iter().max_by_key(|r| r.width() * r.height())?;
    let edges = [largest.left, largest.top, largest.right + 1, largest.bottom + 1];
    Some(edges.map(|v| v as f32 / scale))
}

/// Photos by file name, each with the largest HOG box if one was found.
pub type Photos = BTreeMap<String, (RgbImage, Option<[f32; 4]>)>;

/// Every photo named in the pairs with its HOG box (`None` where HOG found
/// no face: the caller reports it).
pub fn photos_with_boxes(dir: &Path, pairs: &[Pair]) -> Photos {
    let detector = FaceDetector::new();
    let mut photos = BTreeMap::new();
    for name in pairs.iter().flat_map(|p| [&p.a, &p.b]) {
        if !photos.contains_key(name) {
            let image = load(dir, name);
            let face_box = hog_box(&detector, &image);
            photos.insert(name.clone(), (image, face_box));
        }
    }
    photos
}

/// Same-person and different-person distances over the pairs whose both
/// photos have a descriptor.
pub fn pair_distances(
    pairs: &[Pair],
    embeddings: &BTreeMap<String, openkyc_faceembed::Embedding>,
) -> (Vec<f32>, Vec<f32>) {
    let (mut same, mut different) = (Vec::new(), Vec::new());
    for pair in pairs {
        if let (Some(a), Some(b)) = (embeddings.get(&pair.a), embeddings.get(&pair.b)) {
            let distance = a.distance(b);
            if pair.same {
                same.push(distance);
            } else {
                different.push(distance);
            }
        }
    }
    (same, different)
}

/// The mean, or NaN for none.
pub fn mean(values: &[f32]) -> f32 {
    values.iter().sum::<f32>() / values.len() as f32
}
