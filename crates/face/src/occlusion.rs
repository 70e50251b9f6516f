//! Occlusion of the face (`FACE_OCCLUDED`): sunglasses, a mask, a cap or a
//! hat hiding the eyes, the nose, the mouth or the forehead, from pixel
//! statistics in regions placed by the five landmarks.
//!
//! # The rule
//! Regions are rectangles in the face's own frame (across: eye distances
//! from the eyes' midpoint along the eye line; down: eye-to-mouth
//! distances), so roll, size and the face's proportions place them; each is
//! sampled on a fixed [`SAMPLES_PER_SIDE`]² grid, so the work per face is
//! the same for any image.
//!
//! A pixel's colour is read as its *warmth*, `ln(R/G) − ln(B/G)` (each
//! channel offset by [`CHROMA_OFFSET`]): skin is red-over-blue under any
//! ordinary light, while the usual covers are neutral or cool (white and
//! blue surgical masks, black respirators, dark lenses). In log-chromaticity
//! a change of the light's colour (a gain per channel) shifts every pixel by
//! the same amount, so warmth is judged against the face's *own* skin, not
//! a fixed value: the reference is the [`REFERENCE_QUANTILE`] of the warmth
//! of the lit samples (luma ≥ half the bright end) of the eyes' surroundings,
//! the forehead, the cheeks and the nose bridge. A high quantile of several
//! places, because a mask covers the cheeks and a cap the forehead, but
//! rarely all at once; lit samples only, because shadowed skin reads more
//! saturated than lit skin. A sample is skin-like when its warmth is at most
//! [`WARMTH_TOLERANCE`] below the reference.
//!
//! Then, per region ([`OcclusionThresholds`]):
//! * **mouth**: neither the lips' band nor the chin is skin-like (a mask
//!   covers both; lips, an open mouth or a beard leave one of them);
//! * **nose**: the area above the nose tip is not skin-like;
//! * **eyes**: both eye regions are neither skin-like nor lit (dark lenses;
//!   one dark eye is a shadow, and clear glasses leave the skin's colour);
//! * **forehead**: not skin-like (a light or coloured cap), or a band much
//!   darker than the skin *and* smoother than it (a dark cap whose colour
//!   reads warm: hair that is as dark has texture).
//!
//! A region with less than [`OcclusionThresholds::min_inside_share`] of its
//! samples inside the image is not judged (a face cut by the frame is
//! another check). A grey image has no warmth anywhere, so nothing is
//! flagged from colour there.
//!
//! # Measured (the tests in `tests/occlusion.rs` print every number)
//! On `shared/fixtures/liveness/still/occlusion` the surgical, N95 and black
//! respirator masks, the sunglasses and the dark cap are flagged with their
//! region; not caught: a hand over the mouth (a hand is skin), a face whose
//! every reference area is covered at once (mask, cap and glasses on the
//! beach photo's right person), and the plaid cloth mask, where CenterFace
//! finds no face at all (`FACE_NOT_FOUND` comes first). None of the 45
//! unoccluded photos of `shared/fixtures/faces` nor the three unoccluded
//! `genuine_pairs` (one with clear glasses) is flagged. A uniform patch
//! painted over the mouth (white, light blue) or the eyes (black) of each
//! of the 45 photos is flagged in 132 of 135 copies; the 3 misses are the
//! two colour-graded film stills, whose skin is nearly grey (reference
//! warmth 0.06–0.2): colour cannot separate a neutral cover there.

use image::RgbImage;
use serde::Serialize;

use crate::detect::landmark::{LEFT_EYE, MOUTH_LEFT, MOUTH_RIGHT, RIGHT_EYE};
use crate::Face;

/// The code every finding carries.
pub const FACE_OCCLUDED: &str = "FACE_OCCLUDED";
/// Samples per side of a region's grid.
pub const SAMPLES_PER_SIDE: u32 = 16;
/// Added to each channel before the log ratios, so that the colour of
/// near-black pixels (sensor noise) does not swing wildly.
pub const CHROMA_OFFSET: f32 = 12.0;
/// The quantile of the reference areas' warmth taken as the face's skin.
pub const REFERENCE_QUANTILE: f32 = 0.75;
/// A sample is skin-like when its warmth is at most this below the
/// reference (skin measures 0.3–0.8, neutral covers about 0).
pub const WARMTH_TOLERANCE: f32 = 0.2;

/// A part of the face a finding names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaceRegion {
    /// Both eyes (sunglasses).
    Eyes,
    /// The nose (a mask worn over it).
    Nose,
    /// The mouth and chin (a mask).
    Mouth,
    /// The forehead (a cap, a hat).
    Forehead,
}

/// One region's statistics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct RegionMeasure {
    /// The share of the grid inside the image.
    pub inside_share: f32,
    /// The share of the samples inside that are skin-like.
    pub skin_share: f32,
    /// The median luma over the reference's median luma.
    pub luma_ratio: f32,
    /// The mean luma difference between neighbouring samples over the
    /// reference areas' mean.
    pub texture_ratio: f32,
}

/// The regions' statistics for one face ([`OcclusionMeasures::measure`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct OcclusionMeasures {
    /// The reference skin's warmth (NaN when no sample was inside).
    pub reference_warmth: f32,
    /// The reference skin's median luma.
    pub reference_luma: f32,
    /// Around the eye on the image's left.
    pub left_eye: RegionMeasure,
    /// Around the eye on the image's right.
    pub right_eye: RegionMeasure,
    /// Above the nose tip.
    pub nose: RegionMeasure,
    /// The band of the lips.
    pub mouth: RegionMeasure,
    /// Below the lips.
    pub chin: RegionMeasure,
    /// Above the eyebrows.
    pub forehead: RegionMeasure,
}

/// Limits for [`OcclusionMeasures::reasons`]; the defaults and what they
/// rest on are in `tests/occlusion.rs`'s output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OcclusionThresholds {
    /// Regions with less of their grid inside the image are not judged
    /// (default 0.5).
    pub min_inside_share: f32,
    /// Mouth covered when both the lips' band and the chin are below this
    /// skin share (default 0.3; masks measure 0–0.13, the unoccluded
    /// photos 0.72 and up).
    pub min_mouth_skin_share: f32,
    /// Nose covered below this skin share (default 0.35; masks over the
    /// nose 0–0.29, unoccluded 0.52 and up).
    pub min_nose_skin_share: f32,
    /// Eyes covered when both eyes are below this skin share (default 0.5;
    /// sunglasses 0.26/0.38) …
    pub min_eye_skin_share: f32,
    /// … and both below this luma ratio (default 0.35; sunglasses 0.15, the
    /// brighter eye of an unoccluded photo 0.5 and up).
    pub max_eye_luma_ratio: f32,
    /// Forehead covered below this skin share (default 0.25; unoccluded
    /// 0.41 and up) …
    pub min_forehead_skin_share: f32,
    /// … or when darker than this luma ratio (default 0.6; unoccluded 0.9
    /// and up, a dark cap 0.4) …
    pub max_forehead_luma_ratio: f32,
    /// … and smoother than this texture ratio (default 1.0: smoother than
    /// the reference skin; a fringe of hair is rougher).
    pub max_forehead_texture_ratio: f32,
}

impl Default for OcclusionThresholds {
    fn default() -> Self {
        Self {
            min_inside_share: 0.5,
            min_mouth_skin_share: 0.3,
            min_nose_skin_share: 0.35,
            min_eye_skin_share: 0.5,
            max_eye_luma_ratio: 0.35,
            min_forehead_skin_share: 0.25,
            max_forehead_luma_ratio: 0.6,
            max_forehead_texture_ratio: 1.0,
        }
    }
}

/// A covered region.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OcclusionFinding {
    /// Always [`FACE_OCCLUDED`].
    pub code: &'static str,
    /// What is covered.
    pub region: FaceRegion,
    /// How covered, 0–1: the share of the region that is not skin-like
    /// (for a dark forehead band, one minus its luma ratio).
    pub score: f32,
}

impl OcclusionMeasures {
    /// Measures `face` on `image` (the image it was detected in). Any face,
    /// at the edge, 1 px or with points that are not finite, gives a value.
    pub fn measure(image: &RgbImage, face: &Face) -> Self {
        let frame = FaceFrame::from_face(face);
        let grids = REGIONS.map(|rect| Grid::sample(image, &frame, rect));
        let reference = Reference::from_grids(&grids);
        let [left_eye, right_eye, nose, mouth, chin, forehead, ..] = grids.map(|g| g.measure(&reference));
        Self {
            reference_warmth: reference.warmth,
            reference_luma: reference.luma,
            left_eye,
            right_eye,
            nose,
            mouth,
            chin,
            forehead,
        }
    }

    /// The covered regions, in the order eyes, nose, mouth, forehead.
    pub fn reasons(&self, thresholds: &OcclusionThresholds) -> Vec<OcclusionFinding> {
        let judged = |m: &RegionMeasure| m.inside_share >= thresholds.min_inside_share;
        let mut findings = Vec::new();
        let mut add = |region, score: f32| {
            findings.push(OcclusionFinding {
                code: FACE_OCCLUDED,
                region,
                score: score.clamp(0.0, 1.0),
            })
        };
        let (l, r) = (&self.left_eye, &self.right_eye);
        if judged(l) && judged(r) {
            let skin = l.skin_share.max(r.skin_share);
            let luma = l.luma_ratio.max(r.luma_ratio);
            if skin < thresholds.min_eye_skin_share && luma < thresholds.max_eye_luma_ratio {
                add(FaceRegion::Eyes, 1.0 - skin);
            }
        }
        if judged(&self.nose) && self.nose.skin_share < thresholds.min_nose_skin_share {
            add(FaceRegion::Nose, 1.0 - self.nose.skin_share);
        }
        if judged(&self.mouth) && judged(&self.chin) {
            let skin = self.mouth.skin_share.max(self.chin.skin_share);
            if skin < thresholds.min_mouth_skin_share {
                add(FaceRegion::Mouth, 1.0 - skin);
            }
        }
        let f = &self.forehead;
        if judged(f) {
            let dark_band = f.luma_ratio < thresholds.max_forehead_luma_ratio
                && f.texture_ratio < thresholds.max_forehead_texture_ratio;
            if f.skin_share < thresholds.min_forehead_skin_share {
                add(FaceRegion::Forehead, 1.0 - f.skin_share);
            } else if dark_band {
                add(FaceRegion::Forehead, 1.0 - f.luma_ratio);
            }
        }
        findings
    }
}

/// A rectangle in the face's frame: `x` in eye distances from the eyes'
/// midpoint along the eye line, `y` in eye-to-mouth distances down from it.
#[derive(Debug, Clone, Copy)]
struct FrameRect {
    x: [f32; 2],
    y: [f32; 2],
}

/// The regions, in the order of [`OcclusionMeasures`]'s fields, then the
/// reference-only ones (cheeks, nose bridge). Placed on the fixture photos:
/// the eye boxes hold the eye and its lids, the forehead box lies above the
/// eyebrows, the nose box between the eyes' lower lids and the nose tip.
const REGIONS: [FrameRect; 9] = [
    FrameRect {
        x: [-0.78, -0.22],
        y: [-0.18, 0.18],
    },
    FrameRect {
        x: [0.22, 0.78],
        y: [-0.18, 0.18],
    },
    FrameRect {
        x: [-0.16, 0.16],
        y: [0.38, 0.66],
    },
    FrameRect {
        x: [-0.38, 0.38],
        y: [0.86, 1.12],
    },
    FrameRect {
        x: [-0.3, 0.3],
        y: [1.2, 1.45],
    },
    FrameRect {
        x: [-0.45, 0.45],
        y: [-0.95, -0.55],
    },
    FrameRect {
        x: [-0.72, -0.38],
        y: [0.35, 0.75],
    },
    FrameRect {
        x: [0.38, 0.72],
        y: [0.35, 0.75],
    },
    FrameRect {
        x: [-0.12, 0.12],
        y: [-0.1, 0.2],
    },
];

/// The indices of [`REGIONS`] whose samples make the reference: eyes,
/// forehead, cheeks, nose bridge (not the nose, mouth or chin, which a mask
/// covers most often).
const REFERENCE_REGIONS: [usize; 6] = [0, 1, 5, 6, 7, 8];

/// The face's own frame from its landmarks.
struct FaceFrame {
    origin: [f32; 2],
    across: [f32; 2],
    down: [f32; 2],
}

impl FaceFrame {
    fn from_face(face: &Face) -> Self {
        let [left_eye, right_eye, mouth_left, mouth_right] =
            [LEFT_EYE, RIGHT_EYE, MOUTH_LEFT, MOUTH_RIGHT].map(|i| face.landmarks[i]);
        let origin = midpoint(left_eye, right_eye);
        let across = [right_eye[0] - left_eye[0], right_eye[1] - left_eye[1]];
        let eye_distance = across[0].hypot(across[1]);
        let unit = if eye_distance > 0.0 {
            [across[0] / eye_distance, across[1] / eye_distance]
        } else {
            [1.0, 0.0]
        };
        let perpendicular = [-unit[1], unit[0]];
        let mouth = midpoint(mouth_left, mouth_right);
        let eye_to_mouth = (mouth[0] - origin[0]) * perpendicular[0] + (mouth[1] - origin[1]) * perpendicular[1];
        // A misplaced mouth point (under a mask the detector guesses it)
        // must not squash or stretch every region: human faces keep this
        // ratio within these bounds.
        // (`max`/`min`, not `clamp`: a NaN bound must not panic.)
        let eye_to_mouth = eye_to_mouth.max(0.7 * eye_distance).min(1.5 * eye_distance);
        Self {
            origin,
            across,
            down: [perpendicular[0] * eye_to_mouth, perpendicular[1] * eye_to_mouth],
        }
    }

    fn point(&self, x: f32, y: f32) -> [f32; 2] {
        [
            self.origin[0] + x * self.across[0] + y * self.down[0],
            self.origin[1] + x * self.across[1] + y * self.down[1],
        ]
    }
}

fn midpoint(a: [f32; 2], b: [f32; 2]) -> [f32; 2] {
    [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]
}

/// One grid point: warmth, luma and the luma step to its neighbours.
#[derive(Clone, Copy)]
struct Sample {
    warmth: f32,
    luma: f32,
    texture: f32,
}

/// A region's samples.
struct Grid {
    samples: Vec<Sample>,
}

impl Grid {
    fn sample(image: &RgbImage, frame: &FaceFrame, rect: FrameRect) -> Self {
        let n = SAMPLES_PER_SIDE;
        let step_x = (rect.x[1] - rect.x[0]) / n as f32;
        let step_y = (rect.y[1] - rect.y[0]) / n as f32;
        let mut samples = Vec::with_capacity((n * n) as usize);
        for j in 0..n {
            for i in 0..n {
                let x = rect.x[0] + (i as f32 + 0.5) * step_x;
                let y = rect.y[0] + (j as f32 + 0.5) * step_y;
                let (Some(here), Some(right), Some(below)) = (
                    pixel_at(image, frame.point(x, y)),
                    pixel_at(image, frame.point(x + step_x, y)),
                    pixel_at(image, frame.point(x, y + step_y)),
                ) else {
                    continue;
                };
                let luma_here = luma(here);
                samples.push(Sample {
                    warmth: warmth(here),
                    luma: luma_here,
                    texture: ((luma(right) - luma_here).abs() + (luma(below) - luma_here).abs()) / 2.0,
                });
            }
        }
        Self { samples }
    }

    fn measure(&self, reference: &Reference) -> RegionMeasure {
        let count = self.samples.len();
        if count == 0 {
            return RegionMeasure::default();
        }
        let skin = self
            .samples
            .iter()
            .filter(|s| s.warmth >= reference.warmth - WARMTH_TOLERANCE)
            .count();
        let texture = self.samples.iter().map(|s| s.texture).sum::<f32>() / count as f32;
        RegionMeasure {
            inside_share: count as f32 / (SAMPLES_PER_SIDE * SAMPLES_PER_SIDE) as f32,
            skin_share: skin as f32 / count as f32,
            luma_ratio: quantile(self.samples.iter().map(|s| s.luma).collect(), 0.5) / reference.luma.max(1.0),
            texture_ratio: texture / reference.texture.max(0.5),
        }
    }
}

/// The face's own skin ([`REFERENCE_QUANTILE`] of the lit reference
/// samples' warmth, their median luma and mean texture).
struct Reference {
    warmth: f32,
    luma: f32,
    texture: f32,
}

impl Reference {
    fn from_grids(grids: &[Grid; 9]) -> Self {
        let pool: Vec<Sample> = REFERENCE_REGIONS
            .iter()
            .filter_map(|&i| grids.get(i))
            .flat_map(|g| g.samples.iter().copied())
            .collect();
        let bright = quantile(pool.iter().map(|s| s.luma).collect(), 0.9);
        let lit: Vec<Sample> = pool.into_iter().filter(|s| s.luma >= 0.5 * bright).collect();
        let texture = lit.iter().map(|s| s.texture).sum::<f32>() / lit.len().max(1) as f32;
        Self {
            warmth: quantile(lit.iter().map(|s| s.warmth).collect(), REFERENCE_QUANTILE),
            luma: quantile(lit.iter().map(|s| s.luma).collect(), 0.5),
            texture,
        }
    }
}

/// The `q` quantile (nearest rank); NaN for no values.
fn quantile(mut values: Vec<f32>, q: f32) -> f32 {
    values.sort_by(f32::total_cmp);
    let last = values.len().saturating_sub(1);
    let rank = ((last as f32 * q).round() as usize).min(last);
    values.get(rank).copied().unwrap_or(f32::NAN)
}

/// The pixel under `point`, `None` outside the image (or not finite).
fn pixel_at(image: &RgbImage, point: [f32; 2]) -> Option<[u8; 3]> {
    let (x, y) = (point[0].floor(), point[1].floor());
    // Also false for NaN; the casts below saturate for huge values.
    if !(x >= 0.0 && y >= 0.0) {
        return None;
    }
    image.get_pixel_checked(x as u32, y as u32).map(|p| p.0)
}

fn luma([r, g, b]: [u8; 3]) -> f32 {
    0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b)
}

/// `ln(R/G) − ln(B/G)` = `ln(R/B)`, each channel offset by [`CHROMA_OFFSET`].
fn warmth([r, _, b]: [u8; 3]) -> f32 {
    ((f32::from(r) + CHROMA_OFFSET) / (f32::from(b) + CHROMA_OFFSET)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face_at(cx: f32, cy: f32, eye_distance: f32) -> Face {
        let d = eye_distance;
        Face {
            bbox: [cx - d, cy - d, cx + d, cy + 1.6 * d],
            score: 0.9,
            landmarks: [
                [cx - d / 2.0, cy],
                [cx + d / 2.0, cy],
                [cx, cy + 0.6 * d],
                [cx - 0.4 * d, cy + d],
                [cx + 0.4 * d, cy + d],
            ],
        }
    }

    fn skin_image(size: u32) -> RgbImage {
        RgbImage::from_pixel(size, size, image::Rgb([200, 150, 120]))
    }

    #[test]
    fn uniform_skin_is_not_occluded() {
        let m = OcclusionMeasures::measure(&skin_image(400), &face_at(200.0, 180.0, 80.0));
        assert!(m.reasons(&OcclusionThresholds::default()).is_empty(), "{m:?}");
        assert_eq!(m.mouth.skin_share, 1.0);
    }

    #[test]
    fn a_white_patch_over_the_mouth_and_chin_is_a_covered_mouth() {
        let mut image = skin_image(400);
        for y in 250..330 {
            for x in 150..250 {
                image.put_pixel(x, y, image::Rgb([235, 238, 240]));
            }
        }
        let m = OcclusionMeasures::measure(&image, &face_at(200.0, 180.0, 80.0));
        let findings = m.reasons(&OcclusionThresholds::default());
        assert!(
            findings.iter().any(|f| f.region == FaceRegion::Mouth && f.score > 0.9),
            "{m:?}"
        );
    }

    #[test]
    fn a_grey_face_gives_no_colour_finding() {
        let image = RgbImage::from_pixel(300, 300, image::Rgb([128, 128, 128]));
        let m = OcclusionMeasures::measure(&image, &face_at(150.0, 120.0, 60.0));
        assert!(m.reasons(&OcclusionThresholds::default()).is_empty(), "{m:?}");
    }

    #[test]
    fn faces_at_the_edge_tiny_or_not_finite_do_not_panic() {
        let image = skin_image(50);
        let thresholds = OcclusionThresholds::default();
        for face in [
            face_at(0.0, 0.0, 40.0),
            face_at(49.0, 49.0, 40.0),
            face_at(25.0, 25.0, 1.0),
            face_at(25.0, 25.0, 0.0),
            face_at(f32::NAN, 25.0, 10.0),
            face_at(1e30, -1e30, 1e30),
        ] {
            let m = OcclusionMeasures::measure(&image, &face);
            let _ = m.reasons(&thresholds);
        }
        let empty = RgbImage::new(0, 0);
        let m = OcclusionMeasures::measure(&empty, &face_at(0.0, 0.0, 10.0));
        assert_eq!(m.mouth.inside_share, 0.0);
        assert!(m.reasons(&thresholds).is_empty());
    }

    #[test]
    fn a_region_mostly_outside_the_image_is_not_judged() {
        // The chin and mouth fall below a 200-px-high image.
        let image = RgbImage::from_pixel(400, 200, image::Rgb([20, 20, 20]));
        let m = OcclusionMeasures::measure(&image, &face_at(200.0, 150.0, 80.0));
        assert!(m.chin.inside_share < 0.5);
        assert!(!m
            .reasons(&OcclusionThresholds::default())
            .iter()
            .any(|f| f.region == FaceRegion::Mouth));
    }
}
