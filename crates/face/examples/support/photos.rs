//! Loading a folder of photos, shared by the face examples.

use image::RgbImage;
use std::path::{Path, PathBuf};

/// The photos of `dir` (JPEG and PNG by extension), sorted by path, decoded
/// by content; a file that does not decode is named on stdout and skipped.
pub fn load_photos(dir: &Path) -> Result<Vec<(PathBuf, RgbImage)>, Box<dyn std::error::Error>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jpg" || x == "jpeg" || x == "png"))
        .collect();
    paths.sort();
    let mut photos = Vec::new();
    for path in paths {
        match image::load_from_memory(&std::fs::read(&path)?) {
            Ok(image) => photos.push((path, image.to_rgb8())),
            Err(e) => println!("{}: not decoded: {e}", path.display()),
        }
    }
    Ok(photos)
}
