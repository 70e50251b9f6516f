//! Face detection with CenterFace: the image letterboxed into the model's
//! 800 × 480 input, the model run through `openkyc-infer`, its four maps
//! decoded into faces ([`decode`], pure, so it is tested on hand-built
//! tensors) and mapped back to the image.
//!
//! The input `input.1` `[1,3,480,800]` takes RGB values 0–255 as they are,
//! no mean or scale, as CenterFace's own demo feeds it (OpenCV's
//! `blobFromImage` with `swapRB`); on the fixture photos RGB scores a little
//! higher than BGR (mean 0.916 against 0.908).
//!
//! # The model's maps (stride 4: 120 × 200 cells for 480 × 800)
//! * `537` `[1,1,H,W]`: the probability that a face's centre is in the cell.
//! * `538` `[1,2,H,W]`: the face's size, `ln(height / 4)` and `ln(width / 4)`.
//! * `539` `[1,2,H,W]`: the centre's offset inside the cell, y then x, in cells.
//! * `540` `[1,10,H,W]`: five landmarks, each `(y, x)` as a fraction of the
//!   box's height and width from its top-left corner, in the order of
//!   [`landmark`].
//!
//! A face is a cell above [`DetectOptions::score_threshold`] that no
//! neighbour beats, its box centred at `(cell + offset + 0.5) × 4`; boxes
//! overlapping a better one by more than [`DetectOptions::nms_iou`] are
//! dropped (greedy non-maximum suppression), as in CenterFace's own demo.

use image::RgbImage;
use openkyc_infer::{Model, ModelSet, Outputs, SessionOptions, Tensor};
use serde::Serialize;

use crate::letterbox::Letterbox;
use crate::FaceError;

/// The model's manifest id.
pub const MODEL_ID: &str = "centerface";
/// The model's input width (fixed in the ONNX file).
pub const INPUT_WIDTH: u32 = 800;
/// The model's input height (fixed in the ONNX file).
pub const INPUT_HEIGHT: u32 = 480;
/// Images with a side shorter than this hold no detectable face and are not
/// run at all (a face needs a few pixels for eyes, nose and mouth).
pub const MIN_IMAGE_SIDE: u32 = 8;

/// The model's input name.
const INPUT: &str = "input.1";
/// The output names and their channel counts: heatmap, scale, offset,
/// landmarks.
const HEATMAP: &str = "537";
const SCALE: &str = "538";
const OFFSET: &str = "539";
const LANDMARKS: &str = "540";
const OUTPUT_CHANNELS: [(&str, usize); 4] = [(HEATMAP, 1), (SCALE, 2), (OFFSET, 2), (LANDMARKS, 10)];

/// The order of [`Face::landmarks`]. "Left" and "right" are the image's:
/// on a photo of a person facing the camera, [`LEFT_EYE`](landmark::LEFT_EYE)
/// is the person's right eye (the WIDER FACE convention CenterFace was
/// trained on; checked on the fixture photos, where it is always the eye
/// with the smaller x).
pub mod landmark {
    /// The eye on the image's left.
    pub const LEFT_EYE: usize = 0;
    /// The eye on the image's right.
    pub const RIGHT_EYE: usize = 1;
    /// The tip of the nose.
    pub const NOSE: usize = 2;
    /// The mouth corner on the image's left.
    pub const MOUTH_LEFT: usize = 3;
    /// The mouth corner on the image's right.
    pub const MOUTH_RIGHT: usize = 4;
}

/// One detected face, in the image's pixel coordinates (continuous: the
/// image spans `0..width`, `0..height`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Face {
    /// The box `[x0, y0, x1, y1]`, clipped to the image.
    pub bbox: [f32; 4],
    /// The detector's confidence, 0–1.
    pub score: f32,
    /// Five `[x, y]` points in the order of [`landmark`]. Not clipped: a
    /// point outside the image means the frame cuts the face.
    pub landmarks: [[f32; 2]; 5],
}

impl Face {
    /// The box's width in pixels.
    pub fn width(&self) -> f32 {
        self.bbox[2] - self.bbox[0]
    }

    /// The box's height in pixels.
    pub fn height(&self) -> f32 {
        self.bbox[3] - self.bbox[1]
    }

    /// The box's area in square pixels.
    pub fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }
}

/// Decoding settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectOptions {
    /// A cell is a face centre above this probability (default 0.5, the
    /// value CenterFace's demo uses).
    pub score_threshold: f32,
    /// A box overlapping a better one by more than this intersection over
    /// union is the same face (default 0.3, CenterFace's demo).
    pub nms_iou: f32,
    /// At most this many candidate cells, the best first, go to
    /// suppression, which is quadratic in their number (default 256: far
    /// more faces than any document or selfie holds).
    pub max_candidates: usize,
}

impl Default for DetectOptions {
    fn default() -> Self {
        Self {
            score_threshold: 0.5,
            nms_iou: 0.3,
            max_candidates: 256,
        }
    }
}

/// CenterFace loaded into an ONNX Runtime session.
#[derive(Debug)]
pub struct FaceDetector {
    model: Model,
    options: DetectOptions,
}

impl FaceDetector {
    /// Loads the model ([`MODEL_ID`]) and checks that its input and outputs
    /// are the ones this decoder reads.
    pub fn load(models: &ModelSet, session: &SessionOptions) -> Result<Self, FaceError> {
        // The weights made constants: ONNX Runtime then folds the batch norms
        // into the convolutions (see `initializers_as_constants`).
        let model = models.load_rewritten(MODEL_ID, session, |bytes| {
            crate::graph::initializers_as_constants(bytes).map_err(|e| e.to_string())
        })?;
        check_model(&model)?;
        Ok(Self {
            model,
            options: DetectOptions::default(),
        })
    }

    /// The same detector with other decoding settings.
    pub fn with_options(mut self, options: DetectOptions) -> Self {
        self.options = options;
        self
    }

    /// The decoding settings in use.
    pub fn options(&self) -> &DetectOptions {
        &self.options
    }

    /// The faces in `image`, the most confident first. An image with a side
    /// under [`MIN_IMAGE_SIDE`] gives none without running the model.
    pub fn detect(&mut self, image: &RgbImage) -> Result<Vec<Face>, FaceError> {
        let (width, height) = image.dimensions();
        if width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE {
            return Ok(Vec::new());
        }
        let Some(letterbox) = Letterbox::fit(width, height, INPUT_WIDTH, INPUT_HEIGHT) else {
            return Ok(Vec::new());
        };
        let input = letterbox.tensor(image)?;
        let mut outputs = self.model.run(&[(INPUT, &input)])?;
        let maps = CenterFaceMaps::from_outputs(&mut outputs)?;
        decode(&maps, &letterbox, &self.options)
    }
}

/// Fails unless the model takes `[1,3,480,800]` as [`INPUT`] and returns the
/// four maps with their channel counts.
fn check_model(model: &Model) -> Result<(), FaceError> {
    let input_ok = model.inputs().iter().any(|i| {
        i.name == INPUT
            && i.dims
                == [
                    Some(1),
                    Some(3),
                    Some(INPUT_HEIGHT as usize),
                    Some(INPUT_WIDTH as usize),
                ]
    });
    if !input_ok {
        return Err(FaceError::UnexpectedModel(format!(
            "expected input '{INPUT}' [1, 3, {INPUT_HEIGHT}, {INPUT_WIDTH}], found {:?}",
            model.inputs()
        )));
    }
    for (name, channels) in OUTPUT_CHANNELS {
        let found = model
            .outputs()
            .iter()
            .any(|o| o.name == name && o.dims.get(1) == Some(&Some(channels)));
        if !found {
            return Err(FaceError::UnexpectedModel(format!(
                "expected output '{name}' with {channels} channels, found {:?}",
                model.outputs()
            )));
        }
    }
    Ok(())
}

/// CenterFace's four output maps (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct CenterFaceMaps {
    /// `[1,1,H,W]` face-centre probability.
    pub heatmap: Tensor,
    /// `[1,2,H,W]` `ln(h/stride)`, `ln(w/stride)`.
    pub scale: Tensor,
    /// `[1,2,H,W]` centre offset, y then x, in cells.
    pub offset: Tensor,
    /// `[1,10,H,W]` landmarks, `(y, x)` per point, as fractions of the box.
    pub landmarks: Tensor,
}

impl CenterFaceMaps {
    /// Takes the four maps out of a run's outputs by name.
    pub fn from_outputs(outputs: &mut Outputs) -> Result<Self, FaceError> {
        Ok(Self {
            heatmap: outputs.take(HEATMAP)?,
            scale: outputs.take(SCALE)?,
            offset: outputs.take(OFFSET)?,
            landmarks: outputs.take(LANDMARKS)?,
        })
    }

    /// The map's height and width after checking every shape.
    fn grid(&self) -> Result<(usize, usize), FaceError> {
        let &[1, 1, h, w] = self.heatmap.shape() else {
            return Err(shape_error(HEATMAP, &self.heatmap, 1));
        };
        for (name, tensor, channels) in [
            (SCALE, &self.scale, 2),
            (OFFSET, &self.offset, 2),
            (LANDMARKS, &self.landmarks, 10),
        ] {
            if tensor.shape() != [1, channels, h, w] {
                return Err(shape_error(name, tensor, channels));
            }
        }
        if h == 0 || w == 0 {
            return Err(FaceError::UnexpectedModel("the output maps are empty".to_owned()));
        }
        Ok((h, w))
    }
}

fn shape_error(name: &str, tensor: &Tensor, channels: usize) -> FaceError {
    FaceError::UnexpectedModel(format!(
        "output '{name}' has shape {:?}, expected [1, {channels}, H, W] matching the heatmap",
        tensor.shape()
    ))
}

/// Decodes the maps of one run into faces in the image's coordinates, the
/// most confident first (see the module docs). Pure.
pub fn decode(maps: &CenterFaceMaps, letterbox: &Letterbox, options: &DetectOptions) -> Result<Vec<Face>, FaceError> {
    let (h, w) = maps.grid()?;
    let stride = [
        letterbox.input_size[0] as f32 / w as f32,
        letterbox.input_size[1] as f32 / h as f32,
    ];
    let heat = maps.heatmap.data();
    let mut candidates: Vec<(usize, f32)> = (0..h * w)
        .filter_map(|cell| {
            let score = *heat.get(cell)?;
            (score.is_finite() && score > options.score_threshold && is_local_peak(heat, h, w, cell))
                .then_some((cell, score))
        })
        .collect();
    // Best first; equal scores in raster order, so the result never depends
    // on the sort's stability.
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    candidates.truncate(options.max_candidates);
    let input_faces: Vec<Face> = candidates
        .into_iter()
        .filter_map(|(cell, score)| face_at(maps, h * w, w, cell, score, stride))
        .collect();
    let kept = non_maximum_suppression(input_faces, options.nms_iou);
    Ok(kept.into_iter().filter_map(|face| to_image(&face, letterbox)).collect())
}

/// True when no 8-neighbour of `cell` is strictly more probable: a face's
/// neighbouring cells describe the same face, so only its peak is decoded.
fn is_local_peak(heat: &[f32], h: usize, w: usize, cell: usize) -> bool {
    let (y, x) = (cell / w, cell % w);
    let Some(&score) = heat.get(cell) else {
        return false;
    };
    (y.saturating_sub(1)..(y + 2).min(h)).all(|ny| {
        (x.saturating_sub(1)..(x + 2).min(w)).all(|nx| heat.get(ny * w + nx).is_none_or(|&other| other <= score))
    })
}

/// The face whose centre is `cell`, in input coordinates; `None` when a
/// value is not finite.
fn face_at(maps: &CenterFaceMaps, plane: usize, w: usize, cell: usize, score: f32, stride: [f32; 2]) -> Option<Face> {
    let channel = |t: &Tensor, c: usize| t.data().get(c * plane + cell).copied();
    let (y, x) = ((cell / w) as f32, (cell % w) as f32);
    // ln(size / stride) is clamped so a wild value cannot overflow; ±12 is
    // still far beyond any face (e^12 × 4 ≈ 650 000 px).
    let height = channel(&maps.scale, 0)?.clamp(-12.0, 12.0).exp() * stride[1];
    let width = channel(&maps.scale, 1)?.clamp(-12.0, 12.0).exp() * stride[0];
    let centre_y = (y + channel(&maps.offset, 0)? + 0.5) * stride[1];
    let centre_x = (x + channel(&maps.offset, 1)? + 0.5) * stride[0];
    let (x0, y0) = (centre_x - width / 2.0, centre_y - height / 2.0);
    let mut landmarks = [[0.0f32; 2]; 5];
    for (k, point) in landmarks.iter_mut().enumerate() {
        let fy = channel(&maps.landmarks, 2 * k)?;
        let fx = channel(&maps.landmarks, 2 * k + 1)?;
        *point = [x0 + fx * width, y0 + fy * height];
    }
    let face = Face {
        bbox: [x0, y0, x0 + width, y0 + height],
        score,
        landmarks,
    };
    let finite = face
        .bbox
        .iter()
        .chain(face.landmarks.iter().flatten())
        .all(|v| v.is_finite());
    finite.then_some(face)
}

/// Greedy suppression: faces sorted best first; each is kept unless it
/// overlaps a kept one by more than `max_iou`.
fn non_maximum_suppression(faces: Vec<Face>, max_iou: f32) -> Vec<Face> {
    let mut kept: Vec<Face> = Vec::new();
    for face in faces {
        if kept.iter().all(|k| iou(&k.bbox, &face.bbox) <= max_iou) {
            kept.push(face);
        }
    }
    kept
}

/// Intersection over union of two `[x0, y0, x1, y1]` boxes (0 when either is
/// empty).
pub fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let inter_w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let inter_h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = inter_w * inter_h;
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    let union = area(a) + area(b) - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// The face mapped from input to image coordinates, its box clipped to the
/// image; `None` when nothing of the box is inside the image.
fn to_image(face: &Face, letterbox: &Letterbox) -> Option<Face> {
    let [x0, y0] = letterbox.to_image([face.bbox[0], face.bbox[1]]);
    let [x1, y1] = letterbox.to_image([face.bbox[2], face.bbox[3]]);
    let [width, height] = letterbox.image_size.map(|v| v as f32);
    let bbox = [
        x0.clamp(0.0, width),
        y0.clamp(0.0, height),
        x1.clamp(0.0, width),
        y1.clamp(0.0, height),
    ];
    if bbox[2] <= bbox[0] || bbox[3] <= bbox[1] {
        return None;
    }
    Some(Face {
        bbox,
        score: face.score,
        landmarks: face.landmarks.map(|p| letterbox.to_image(p)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: usize = 120;
    const W: usize = 200;

    /// Maps for an 800 × 480 input with every cell at probability 0 and a
    /// neutral size, offset and landmarks.
    fn empty_maps() -> CenterFaceMaps {
        let zeros = |c: usize| Tensor::zeros(vec![1, c, H, W]).unwrap();
        CenterFaceMaps {
            heatmap: zeros(1),
            scale: zeros(2),
            offset: zeros(2),
            landmarks: zeros(10),
        }
    }

    /// The five landmark fractions `(y, x)` of a frontal face.
    const FRACTIONS: [[f32; 2]; 5] = [[0.4, 0.3], [0.4, 0.7], [0.6, 0.5], [0.8, 0.35], [0.8, 0.65]];

    /// Puts a face centred at cell (`y`, `x`) of size `h` × `w` input pixels,
    /// offset (0.25, 0.5) cells.
    fn put_face(maps: &mut CenterFaceMaps, y: usize, x: usize, score: f32, h: f32, w: f32) {
        let cell = y * W + x;
        let plane = H * W;
        maps.heatmap.data_mut()[cell] = score;
        maps.scale.data_mut()[cell] = (h / 4.0).ln();
        maps.scale.data_mut()[plane + cell] = (w / 4.0).ln();
        maps.offset.data_mut()[cell] = 0.25;
        maps.offset.data_mut()[plane + cell] = 0.5;
        for (k, [fy, fx]) in FRACTIONS.into_iter().enumerate() {
            maps.landmarks.data_mut()[2 * k * plane + cell] = fy;
            maps.landmarks.data_mut()[(2 * k + 1) * plane + cell] = fx;
        }
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn one_peak_gives_one_face_at_its_place_in_the_image() {
        let mut maps = empty_maps();
        put_face(&mut maps, 60, 100, 0.9, 80.0, 64.0);
        // A 1600 × 960 image is placed at half scale, without padding.
        let lb = Letterbox::fit(1600, 960, 800, 480).unwrap();
        let faces = decode(&maps, &lb, &DetectOptions::default()).unwrap();
        assert_eq!(faces.len(), 1, "{faces:?}");
        let face = faces[0];
        // Centre in input pixels: ((100 + 0.5 + 0.5) × 4, (60 + 0.25 + 0.5) × 4) = (404, 243).
        let (cx, cy) = (404.0 * 2.0, 243.0 * 2.0);
        let expected = [cx - 64.0, cy - 80.0, cx + 64.0, cy + 80.0];
        for (got, want) in face.bbox.iter().zip(expected) {
            assert!(close(*got, want), "{:?} vs {expected:?}", face.bbox);
        }
        assert!(close(face.score, 0.9));
        for (point, [fy, fx]) in face.landmarks.iter().zip(FRACTIONS) {
            assert!(close(point[0], expected[0] + fx * 128.0), "{point:?}");
            assert!(close(point[1], expected[1] + fy * 160.0), "{point:?}");
        }
    }

    #[test]
    fn padding_is_removed_when_mapping_back() {
        let mut maps = empty_maps();
        put_face(&mut maps, 60, 100, 0.9, 80.0, 64.0);
        // 240 × 480 is placed 1:1 at x 280..520.
        let lb = Letterbox::fit(240, 480, 800, 480).unwrap();
        let face = decode(&maps, &lb, &DetectOptions::default()).unwrap()[0];
        assert!(close(face.bbox[0], 404.0 - 32.0 - 280.0), "{:?}", face.bbox);
        assert!(close(face.bbox[1], 243.0 - 40.0), "{:?}", face.bbox);
    }

    #[test]
    fn overlapping_peaks_keep_only_the_best() {
        let mut maps = empty_maps();
        put_face(&mut maps, 60, 100, 0.8, 80.0, 64.0);
        // Two cells (8 px) to the right: the same face, seen again.
        put_face(&mut maps, 60, 102, 0.95, 80.0, 64.0);
        // Far away: another face.
        put_face(&mut maps, 30, 20, 0.7, 40.0, 32.0);
        let lb = Letterbox::fit(800, 480, 800, 480).unwrap();
        let faces = decode(&maps, &lb, &DetectOptions::default()).unwrap();
        let scores: Vec<f32> = faces.iter().map(|f| f.score).collect();
        assert_eq!(scores, [0.95, 0.7]);
        // With suppression off (IoU may reach 1), both copies stay.
        let lenient = DetectOptions {
            nms_iou: 1.0,
            ..DetectOptions::default()
        };
        assert_eq!(decode(&maps, &lb, &lenient).unwrap().len(), 3);
    }

    #[test]
    fn a_peak_below_the_threshold_is_no_face() {
        let mut maps = empty_maps();
        put_face(&mut maps, 60, 100, 0.45, 80.0, 64.0);
        let lb = Letterbox::fit(800, 480, 800, 480).unwrap();
        assert!(decode(&maps, &lb, &DetectOptions::default()).unwrap().is_empty());
        let lower = DetectOptions {
            score_threshold: 0.4,
            ..DetectOptions::default()
        };
        assert_eq!(decode(&maps, &lb, &lower).unwrap().len(), 1);
    }

    #[test]
    fn only_the_peak_of_a_blob_is_decoded() {
        let mut maps = empty_maps();
        put_face(&mut maps, 60, 100, 0.9, 80.0, 64.0);
        // Neighbours above the threshold but below the peak, with sizes
        // that would not overlap it: still not faces of their own.
        put_face(&mut maps, 60, 101, 0.8, 4.0, 4.0);
        put_face(&mut maps, 61, 100, 0.8, 4.0, 4.0);
        let lb = Letterbox::fit(800, 480, 800, 480).unwrap();
        assert_eq!(decode(&maps, &lb, &DetectOptions::default()).unwrap().len(), 1);
    }

    #[test]
    fn non_finite_values_and_huge_sizes_do_not_escape() {
        let mut maps = empty_maps();
        put_face(&mut maps, 60, 100, 0.9, 80.0, 64.0);
        maps.offset.data_mut()[60 * W + 100] = f32::NAN;
        put_face(&mut maps, 10, 10, f32::NAN, 80.0, 64.0);
        put_face(&mut maps, 100, 150, 0.9, 80.0, 64.0);
        maps.scale.data_mut()[100 * W + 150] = f32::INFINITY;
        let lb = Letterbox::fit(800, 480, 800, 480).unwrap();
        let faces = decode(&maps, &lb, &DetectOptions::default()).unwrap();
        // The infinite height is clamped and the box clipped to the image.
        assert_eq!(faces.len(), 1, "{faces:?}");
        let bbox = faces[0].bbox;
        assert!(bbox[1] == 0.0 && bbox[3] == 480.0, "{bbox:?}");
        assert!(close(bbox[2] - bbox[0], 64.0), "{bbox:?}");
    }

    #[test]
    fn the_candidate_cap_bounds_the_work() {
        let mut maps = empty_maps();
        // A checkerboard of isolated peaks: 12 000 candidates.
        for cell in 0..H * W {
            if (cell / W + cell % W) % 2 == 0 {
                maps.heatmap.data_mut()[cell] = 0.9;
            }
        }
        let lb = Letterbox::fit(800, 480, 800, 480).unwrap();
        let options = DetectOptions {
            max_candidates: 10,
            nms_iou: 1.0,
            ..DetectOptions::default()
        };
        assert_eq!(decode(&maps, &lb, &options).unwrap().len(), 10);
    }

    #[test]
    fn mismatched_maps_are_an_error() {
        let mut maps = empty_maps();
        maps.landmarks = Tensor::zeros(vec![1, 10, H, W - 1]).unwrap();
        let lb = Letterbox::fit(800, 480, 800, 480).unwrap();
        assert!(matches!(
            decode(&maps, &lb, &DetectOptions::default()),
            Err(FaceError::UnexpectedModel(_))
        ));
    }

    #[test]
    fn iou_of_boxes() {
        assert!(close(iou(&[0.0, 0.0, 2.0, 2.0], &[1.0, 0.0, 3.0, 2.0]), 1.0 / 3.0));
        assert_eq!(iou(&[0.0, 0.0, 1.0, 1.0], &[2.0, 2.0, 3.0, 3.0]), 0.0);
        assert_eq!(iou(&[0.0, 0.0, 0.0, 0.0], &[0.0, 0.0, 0.0, 0.0]), 0.0);
    }
}
