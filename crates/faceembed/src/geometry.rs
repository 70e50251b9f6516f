//! Which part of the image the landmark predictor and the chip need, and at
//! what scale: the work per face is bounded by the box, not by the image.

use std::os::raw::c_long;

use image::RgbImage;

use crate::EmbedError;

/// Boxes smaller than this (pixels, either side) are refused: five landmarks
/// cannot be told apart in them, and no descriptor of such a face is usable.
pub const MIN_BOX_SIDE: f32 = 8.0;

/// The crop is shrunk by the smallest whole factor that brings the box's
/// longer side to at most this many pixels (so to 160–320 when it is
/// shrunk). The chip holds the face in about 100 of its 150 pixels, so this
/// keeps detail for the predictor and the chip's own resampling while
/// bounding the work on a face that fills a 12-MP photo.
pub const MAX_WORKING_BOX_SIDE: f32 = 320.0;

/// How far the crop reaches from the box's centre, in box sides. The aligned
/// chip spans 1.5 face widths (dlib's padding of 0.25 on each side), so it
/// reaches 0.75 sides from the centre, ~1.06 when the face is rolled 45°;
/// beyond the crop dlib sees black, as beyond the image.
const CONTEXT_SIDES: f32 = 1.2;

/// How a CenterFace box differs from the dlib-detector box the 5-point
/// predictor was trained on, measured on the 45 photos of
/// `../shared/fixtures/faces` (medians; CenterFace through `openkyc-face`,
/// dlib's HOG detector on the same photos): the centres share a column
/// (−0.016 widths), dlib's centre lies 0.055 heights lower, its box is 1.05×
/// as wide and 0.76× as tall (CenterFace's box reaches higher up the forehead).
const CENTERFACE_CENTRE_DROP: f32 = 0.055;
/// See [`CENTERFACE_CENTRE_DROP`].
const CENTERFACE_WIDTH_RATIO: f32 = 1.05;
/// See [`CENTERFACE_CENTRE_DROP`].
const CENTERFACE_HEIGHT_RATIO: f32 = 0.76;

/// A CenterFace box (`[left, top, right, bottom]`) as the box dlib's own
/// detector would give the same face: lower and squarer. The 5-point
/// predictor places its landmarks relative to the box it is given and was
/// trained on dlib's boxes. On the fixture photos (the same 45 the ratios
/// were taken from), against the landmarks and descriptor from dlib's HOG
/// box: the largest landmark moved by a median of 0.9% of the outer eye
/// corners' distance (2.0% with the raw CenterFace box), the descriptor by
/// 0.042 (0.073), max 0.088 (0.175), where dlib's same-person threshold is
/// 0.6; which pairs fall on which side of 0.6 did not change by more than
/// one pair either way. A box that is not finite comes back not finite, for
/// [`crate::FaceEmbedder::embed`] to refuse.
pub fn dlib_box_from_centerface(face_box: [f32; 4]) -> [f32; 4] {
    let [left, top, right, bottom] = face_box;
    let (width, height) = (right - left, bottom - top);
    let centre_x = (left + right) / 2.0;
    let centre_y = (top + bottom) / 2.0 + CENTERFACE_CENTRE_DROP * height;
    let half_width = CENTERFACE_WIDTH_RATIO * width / 2.0;
    let half_height = CENTERFACE_HEIGHT_RATIO * height / 2.0;
    [
        centre_x - half_width,
        centre_y - half_height,
        centre_x + half_width,
        centre_y + half_height,
    ]
}

/// The part of the image handed to dlib, and the whole factor it is shrunk
/// by (each `factor × factor` block of image pixels averaged into one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Crop {
    /// Left column of the crop in the image.
    pub x0: u32,
    /// Top row of the crop in the image.
    pub y0: u32,
    /// Width of the crop in the image.
    pub width: u32,
    /// Height of the crop in the image.
    pub height: u32,
    /// Image pixels per crop pixel along each axis, at least 1.
    pub factor: u32,
}

impl Crop {
    /// Width of what dlib sees (a partial block at the edge counts).
    pub fn scaled_width(&self) -> u32 {
        self.width.div_ceil(self.factor)
    }

    /// Height of what dlib sees.
    pub fn scaled_height(&self) -> u32 {
        self.height.div_ceil(self.factor)
    }

    /// The box in the crop's pixels, as dlib's inclusive integer rectangle
    /// `[left, top, right, bottom]` (a pixel is in it when its index lies
    /// between the bounds, both included).
    pub fn dlib_rectangle(&self, face_box: [f32; 4]) -> [i64; 4] {
        let [left, top, right, bottom] = face_box;
        let factor = self.factor as f32;
        let to_x = |x: f32| ((x - self.x0 as f32) / factor).round() as i64;
        let to_y = |y: f32| ((y - self.y0 as f32) / factor).round() as i64;
        let (l, t) = (to_x(left), to_y(top));
        // Edges are continuous coordinates: the last pixel inside is one
        // before the right/bottom edge, but never before the first.
        let (r, b) = ((to_x(right) - 1).max(l), (to_y(bottom) - 1).max(t));
        [l, t, r, b]
    }

    /// A pixel index of the crop (dlib's landmark) as a point in the image,
    /// continuous coordinates (pixel `i` spans `[i, i + 1)`, its centre is
    /// `i + 0.5`).
    pub fn image_point(&self, column: c_long, row: c_long) -> [f32; 2] {
        let factor = self.factor as f32;
        [
            (column as f32 + 0.5) * factor + self.x0 as f32,
            (row as f32 + 0.5) * factor + self.y0 as f32,
        ]
    }

    /// The crop's RGB bytes, row by row, each crop pixel the rounded mean of
    /// its block. One pass over the crop's pixels: a box filter is enough
    /// anti-aliasing here, since dlib resamples the chip again, and it costs
    /// a fraction of a general resampling filter on a face of several
    /// megapixels. The crop must lie inside the image ([`plan_crop`] makes
    /// it so); rows or columns outside it are left out, never read.
    pub fn pixels(&self, image: &RgbImage) -> Vec<u8> {
        let factor = self.factor.max(1) as usize;
        let stride = image.width() as usize * 3;
        let (first_byte, last_byte) = (self.x0 as usize * 3, (self.x0 + self.width) as usize * 3);
        let rows: Vec<&[u8]> = image
            .as_raw()
            .chunks_exact(stride.max(1))
            .skip(self.y0 as usize)
            .take(self.height as usize)
            .filter_map(|row| row.get(first_byte..last_byte))
            .collect();
        let mut out = Vec::with_capacity(self.scaled_width() as usize * self.scaled_height() as usize * 3);
        let mut sums = vec![0u32; self.scaled_width() as usize * 3];
        for block_rows in rows.chunks(factor) {
            sums.fill(0);
            for row in block_rows {
                for (sum, block) in sums.chunks_exact_mut(3).zip(row.chunks(factor * 3)) {
                    for pixel in block.chunks_exact(3) {
                        for (channel_sum, value) in sum.iter_mut().zip(pixel) {
                            *channel_sum += u32::from(*value);
                        }
                    }
                }
            }
            let first_row = block_rows.first().map_or(&[][..], |row| row);
            for (sum, block) in sums.chunks_exact(3).zip(first_row.chunks(factor * 3)) {
                let count = (block.len() / 3 * block_rows.len()).max(1) as u32;
                out.extend(sum.iter().map(|s| ((s + count / 2) / count) as u8));
            }
        }
        out
    }
}

/// Checks the box against the image and chooses the crop. The box is
/// `[left, top, right, bottom]` in continuous pixel coordinates.
pub(crate) fn plan_crop(width: u32, height: u32, face_box: [f32; 4]) -> Result<Crop, EmbedError> {
    if width == 0 || height == 0 {
        return Err(EmbedError::EmptyImage { width, height });
    }
    let [left, top, right, bottom] = face_box;
    if !face_box.iter().all(|v| v.is_finite()) || right <= left || bottom <= top {
        return Err(EmbedError::InvalidBox { face_box });
    }
    let (box_width, box_height) = (right - left, bottom - top);
    if box_width.min(box_height) < MIN_BOX_SIDE {
        return Err(EmbedError::BoxTooSmall {
            face_box,
            min_side: MIN_BOX_SIDE,
        });
    }
    let (image_width, image_height) = (width as f32, height as f32);
    let inside_width = (right.min(image_width) - left.max(0.0)).max(0.0);
    let inside_height = (bottom.min(image_height) - top.max(0.0)).max(0.0);
    // f64: a box of 1e20 px would overflow the f32 product.
    let inside_area = f64::from(inside_width) * f64::from(inside_height);
    if inside_area < 0.5 * f64::from(box_width) * f64::from(box_height) {
        return Err(EmbedError::BoxOutsideImage {
            face_box,
            width,
            height,
        });
    }
    let side = box_width.max(box_height);
    let (centre_x, centre_y) = ((left + right) / 2.0, (top + bottom) / 2.0);
    let reach = CONTEXT_SIDES * side;
    // Clamped to the image, so every value fits in u32 and the crop is not
    // empty (the box overlaps the image by at least half its area).
    let x0 = (centre_x - reach).floor().clamp(0.0, image_width - 1.0) as u32;
    let y0 = (centre_y - reach).floor().clamp(0.0, image_height - 1.0) as u32;
    let x1 = ((centre_x + reach).ceil().clamp(0.0, image_width) as u32).max(x0 + 1);
    let y1 = ((centre_y + reach).ceil().clamp(0.0, image_height) as u32).max(y0 + 1);
    let (crop_width, crop_height) = (x1 - x0, y1 - y0);
    // With at least half the box inside the image, `side` is at most twice
    // the image's longer side, so the factor fits a u32.
    let factor = (side / MAX_WORKING_BOX_SIDE).ceil().max(1.0) as u32;
    Ok(Crop {
        x0,
        y0,
        width: crop_width,
        height: crop_height,
        factor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centerface_box_is_lowered_and_squared() {
        let dlib_box = dlib_box_from_centerface([100.0, 100.0, 200.0, 230.0]);
        // Centre (150, 165) dropped by 0.055 · 130; 105 wide, 98.8 tall.
        let expected = [97.5, 122.75, 202.5, 221.55];
        for (got, want) in dlib_box.iter().zip(expected) {
            assert!((got - want).abs() < 1e-3, "{dlib_box:?} vs {expected:?}");
        }
    }

    #[test]
    fn empty_image_is_refused() {
        let error = plan_crop(0, 10, [0.0, 0.0, 5.0, 5.0]);
        assert!(matches!(error, Err(EmbedError::EmptyImage { width: 0, height: 10 })));
        assert!(matches!(plan_crop(10, 0, [0.0; 4]), Err(EmbedError::EmptyImage { .. })));
    }

    #[test]
    fn malformed_boxes_are_refused() {
        for face_box in [
            [10.0, 10.0, 10.0, 50.0],
            [10.0, 10.0, 50.0, 10.0],
            [50.0, 10.0, 10.0, 50.0],
            [f32::NAN, 10.0, 50.0, 50.0],
            [10.0, 10.0, f32::INFINITY, 50.0],
        ] {
            assert!(
                matches!(plan_crop(100, 100, face_box), Err(EmbedError::InvalidBox { .. })),
                "{face_box:?}"
            );
        }
    }

    #[test]
    fn tiny_box_is_refused() {
        let result = plan_crop(100, 100, [10.0, 10.0, 17.0, 40.0]);
        assert!(matches!(result, Err(EmbedError::BoxTooSmall { .. })), "{result:?}");
        assert!(plan_crop(100, 100, [10.0, 10.0, 18.0, 18.0]).is_ok());
    }

    #[test]
    fn box_mostly_outside_is_refused_half_inside_is_not() {
        let outside = [200.0, 200.0, 260.0, 260.0];
        assert!(matches!(
            plan_crop(100, 100, outside),
            Err(EmbedError::BoxOutsideImage { .. })
        ));
        let a_third_inside = [-40.0, 0.0, 20.0, 60.0];
        assert!(matches!(
            plan_crop(100, 100, a_third_inside),
            Err(EmbedError::BoxOutsideImage { .. })
        ));
        let half_inside = [-30.0, 0.0, 30.0, 60.0];
        assert!(plan_crop(100, 100, half_inside).is_ok());
        let huge = [-1e30, -1e30, 1e30, 1e30];
        assert!(matches!(
            plan_crop(100, 100, huge),
            Err(EmbedError::BoxOutsideImage { .. })
        ));
    }

    #[test]
    fn crop_reaches_beyond_the_box_on_every_side() {
        let crop = plan_crop(1000, 1000, [400.0, 400.0, 500.0, 480.0]).ok();
        // Centre (450, 440), side 100, 1.2 sides each way: 330..570 across,
        // 320..560 down.
        let expected = Crop {
            x0: 330,
            y0: 320,
            width: 240,
            height: 240,
            factor: 1,
        };
        assert_eq!(crop, Some(expected));
    }

    #[test]
    fn crop_is_clamped_to_the_image() {
        // Centre (30, 30), reach 72: −42..102 across, −42..102 down.
        let crop = plan_crop(120, 90, [0.0, 0.0, 60.0, 60.0]).ok();
        let expected = Crop {
            x0: 0,
            y0: 0,
            width: 102,
            height: 90,
            factor: 1,
        };
        assert_eq!(crop, Some(expected));
    }

    #[test]
    fn large_face_is_shrunk_to_the_working_size() {
        let side = 4.0 * MAX_WORKING_BOX_SIDE;
        let crop = plan_crop(20_000, 20_000, [8000.0, 8000.0, 8000.0 + side, 8000.0 + side]);
        let dimensions = crop.ok().map(|c| (c.width, c.factor, c.scaled_width()));
        let crop_side = (2.4 * side) as u32;
        assert_eq!(dimensions, Some((crop_side, 4, crop_side / 4)));
        let just_over = plan_crop(2000, 2000, [0.0, 0.0, MAX_WORKING_BOX_SIDE + 1.0, 100.0]);
        assert_eq!(just_over.ok().map(|c| c.factor), Some(2));
    }

    #[test]
    fn shrinking_averages_blocks_and_keeps_partial_ones() {
        // 5 × 3 image; the crop skips the first column; blocks of 2 × 2.
        let image = RgbImage::from_fn(5, 3, |x, y| image::Rgb([(10 * x + 100 * y) as u8, 7, 255]));
        let crop = Crop {
            x0: 1,
            y0: 0,
            width: 4,
            height: 3,
            factor: 2,
        };
        let pixels = crop.pixels(&image);
        // Row 0: columns 1–2 and 3–4 of rows 0–1; row 1: row 2 alone.
        let expected = [65, 7, 255, 85, 7, 255, 215, 7, 255, 235, 7, 255];
        assert_eq!(pixels, expected);
        let whole = Crop { factor: 1, ..crop };
        assert_eq!(whole.pixels(&image).len(), 4 * 3 * 3);
        assert_eq!(whole.pixels(&image)[..3], [10, 7, 255]);
    }

    #[test]
    fn rectangle_and_points_map_between_image_and_crop() {
        let crop = Crop {
            x0: 100,
            y0: 50,
            width: 400,
            height: 400,
            factor: 2,
        };
        assert_eq!(crop.dlib_rectangle([140.0, 90.0, 240.0, 190.0]), [20, 20, 69, 69]);
        assert_eq!(crop.image_point(20, 20), [141.0, 91.0]);
        // A box thinner than a crop pixel still gives a one-pixel rectangle.
        assert_eq!(crop.dlib_rectangle([140.0, 90.0, 140.5, 90.5]), [20, 20, 20, 20]);
    }
}
