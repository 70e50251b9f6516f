//! EXIF orientation: turning the stored pixels into the picture as a person sees it.
//!
//! The EXIF value says where the stored image's first row and first column belong
//! (TIFF 6.0 / EXIF 2.32, tag 0x0112):
//!
//! | value | stored row 0 is | stored column 0 is | to display |
//! |---|---|---|---|
//! | 1 | top | left | as stored |
//! | 2 | top | right | flip left–right |
//! | 3 | bottom | right | rotate 180° |
//! | 4 | bottom | left | flip top–bottom |
//! | 5 | left | top | transpose (rotate 90° clockwise, then flip left–right) |
//! | 6 | right | top | rotate 90° clockwise |
//! | 7 | right | bottom | transverse (rotate 90° clockwise, then flip top–bottom) |
//! | 8 | left | bottom | rotate 90° counter-clockwise |

use image::imageops::{flip_horizontal_in_place, flip_vertical_in_place, rotate180_in_place, rotate270, rotate90};
use image::RgbImage;

/// Whether this orientation swaps width and height.
pub(crate) fn swaps_axes(orientation: u8) -> bool {
    matches!(orientation, 5..=8)
}

/// Applies an EXIF orientation (values outside 1–8 are treated as 1).
pub(crate) fn apply(mut image: RgbImage, orientation: u8) -> RgbImage {
    match orientation {
        2 => flip_horizontal_in_place(&mut image),
        3 => rotate180_in_place(&mut image),
        4 => flip_vertical_in_place(&mut image),
        5 => {
            let mut turned = rotate90(&image);
            flip_horizontal_in_place(&mut turned);
            return turned;
        }
        6 => return rotate90(&image),
        7 => {
            let mut turned = rotate90(&image);
            flip_vertical_in_place(&mut turned);
            return turned;
        }
        8 => return rotate270(&image),
        _ => {}
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// Where stored pixel (x, y) of a `w`×`h` image appears once displayed, per the table above.
    fn displayed_position(orientation: u8, x: u32, y: u32, w: u32, h: u32) -> (u32, u32) {
        match orientation {
            2 => (w - 1 - x, y),
            3 => (w - 1 - x, h - 1 - y),
            4 => (x, h - 1 - y),
            5 => (y, x),
            6 => (h - 1 - y, x),
            7 => (h - 1 - y, w - 1 - x),
            8 => (y, w - 1 - x),
            _ => (x, y),
        }
    }

    #[test]
    fn every_pixel_lands_where_the_table_says() {
        let (w, h) = (5, 3);
        let stored = RgbImage::from_fn(w, h, |x, y| Rgb([x as u8, y as u8, 0]));
        for orientation in 1..=8 {
            let shown = apply(stored.clone(), orientation);
            let expected_size = if swaps_axes(orientation) { (h, w) } else { (w, h) };
            assert_eq!(shown.dimensions(), expected_size, "orientation {orientation}");
            for y in 0..h {
                for x in 0..w {
                    let (dx, dy) = displayed_position(orientation, x, y, w, h);
                    assert_eq!(
                        shown.get_pixel(dx, dy),
                        &Rgb([x as u8, y as u8, 0]),
                        "orientation {orientation}"
                    );
                }
            }
        }
    }

    #[test]
    fn invalid_values_leave_the_image_alone() {
        let stored = RgbImage::from_fn(2, 1, |x, _| Rgb([x as u8, 0, 0]));
        assert_eq!(apply(stored.clone(), 0), stored);
        assert_eq!(apply(stored.clone(), 9), stored);
    }
}
