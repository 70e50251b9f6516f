//! The portrait on a photographed document.

use crate::{FaceCheckError, FaceModels};
use image::{imageops, RgbImage};
use openkyc_docdetect::{DetectParams, Detection};
use openkyc_face::Face;
use openkyc_faceembed::{dlib_box_from_centerface, Embedding};
use serde::Serialize;

/// Where the portrait was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum PortraitSource {
    /// On the rectified document, turned by `turn_deg` (0, 90, 180, 270)
    /// clockwise to make the face upright.
    RectifiedDocument {
        /// Clockwise quarter turns applied, in degrees.
        turn_deg: u16,
    },
    /// No document outline (or no face on it): on the photo as taken.
    Photo,
}

/// A document's portrait.
#[derive(Debug, Clone)]
pub struct DocumentPortrait {
    /// The face, in [`Self::image`]'s pixels.
    pub face: Face,
    /// Faces found on the searched image (a passport's ghost image is a
    /// second, smaller one).
    pub faces_found: usize,
    /// Where it was found.
    pub source: PortraitSource,
    /// The image the face was found on: the upright rectified document, or
    /// the photo.
    pub image: RgbImage,
    /// The face's descriptor.
    pub embedding: Embedding,
}

/// The rectified document's long side, at most: a portrait of 25–35 mm on
/// an 86–125 mm document keeps 200–400 px, more than the descriptor's
/// 150 px chip needs.
const RECTIFIED_MAX_WIDTH: u32 = 1400;

/// Finds the portrait on a photo of a document's portrait side (upright as
/// the phone took it; EXIF orientation applied by intake).
///
/// # Errors
/// When a model fails to run.
pub fn find_document_portrait(
    models: &mut FaceModels,
    photo: &RgbImage,
) -> Result<Option<DocumentPortrait>, FaceCheckError> {
    if let Some(document) = rectified_document(photo) {
        let turns: [u16; 2] = if document.width() >= document.height() {
            [0, 180]
        } else {
            [90, 270]
        };
        // CenterFace also finds an upside-down face (with its landmarks
        // upside down): the turn whose face stands upright is the one.
        let mut fallback = None;
        for turn_deg in turns {
            let upright = turned(&document, turn_deg);
            if let Some(found) = largest_face(models, upright, PortraitSource::RectifiedDocument { turn_deg })? {
                if stands_upright(&found.face) {
                    return Ok(Some(found));
                }
                fallback.get_or_insert(found);
            }
        }
        if fallback.is_some() {
            return Ok(fallback);
        }
        tracing::debug!("no face on the rectified document; searching the photo");
    }
    largest_face(models, photo.clone(), PortraitSource::Photo)
}

fn rectified_document(photo: &RgbImage) -> Option<RgbImage> {
    let short_side = photo.width().min(photo.height()) as f32;
    // The reading stage's parameters: a document photographed from afar
    // still counts.
    let params = DetectParams {
        edge_margin: 0.01 * short_side,
        min_confidence: 0.45,
        min_area_fraction: 0.0125,
        ..DetectParams::default()
    };
    match openkyc_docdetect::detect(photo, &params) {
        Detection::Found(found) => {
            let (width, height) = openkyc_docdetect::rectified_size(&found, RECTIFIED_MAX_WIDTH);
            Some(openkyc_docdetect::rectify(photo, &found.corners, width, height))
        }
        Detection::NotFound { .. } => None,
    }
}

/// The eyes above the nose tip, the nose tip above the mouth corners.
fn stands_upright(face: &Face) -> bool {
    let [left_eye, right_eye, nose, left_mouth, right_mouth] = face.landmarks;
    let eyes = (left_eye[1] + right_eye[1]) / 2.0;
    let mouth = (left_mouth[1] + right_mouth[1]) / 2.0;
    eyes < nose[1] && nose[1] < mouth
}

fn turned(image: &RgbImage, turn_deg: u16) -> RgbImage {
    match turn_deg {
        90 => imageops::rotate90(image),
        180 => imageops::rotate180(image),
        270 => imageops::rotate270(image),
        _ => image.clone(),
    }
}

fn largest_face(
    models: &mut FaceModels,
    image: RgbImage,
    source: PortraitSource,
) -> Result<Option<DocumentPortrait>, FaceCheckError> {
    let faces = models.detector.detect(&image)?;
    let Some(face) = faces.iter().max_by(|a, b| a.area().total_cmp(&b.area())).copied() else {
        return Ok(None);
    };
    let embedding = models.embedder.embed(&image, dlib_box_from_centerface(face.bbox))?;
    Ok(Some(DocumentPortrait {
        face,
        faces_found: faces.len(),
        source,
        image,
        embedding,
    }))
}
