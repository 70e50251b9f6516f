//! A real photo printed as a document's portrait, for face-matching tests.

use crate::page::TD3_PORTRAIT_MM;
use image::{imageops, Rgb, RgbImage};

/// Paper showing where the crop runs past the photo.
const PHOTO_PAPER: Rgb<u8> = Rgb([222, 226, 230]);

/// Prints `photo`'s face (`face_box`: left, top, right, bottom in the
/// photo's pixels) as the portrait of a TD3 page drawn at `px_per_mm`: the
/// face fills 60% of the portrait's width, as passport photo rules ask,
/// centred a little above the face's centre (room for the shoulders); the
/// crop is cut at the photo's own resolution and resampled to the
/// portrait's size.
pub fn print_td3_portrait(page: &mut RgbImage, photo: &RgbImage, face_box: [f32; 4], px_per_mm: f32) {
    let (x_mm, y_mm, w_mm, h_mm) = TD3_PORTRAIT_MM;
    let (w, h) = ((w_mm * px_per_mm).round() as u32, (h_mm * px_per_mm).round() as u32);
    let crop_w = (face_box[2] - face_box[0]).max(1.0) / 0.6;
    let crop_h = crop_w * h as f32 / w.max(1) as f32;
    let cx = (face_box[0] + face_box[2]) / 2.0;
    let cy = (face_box[1] + face_box[3]) / 2.0 + 0.1 * crop_h;
    let (x0, y0) = ((cx - crop_w / 2.0).round() as i64, (cy - crop_h / 2.0).round() as i64);
    let mut crop = RgbImage::from_pixel(
        crop_w.round().max(1.0) as u32,
        crop_h.round().max(1.0) as u32,
        PHOTO_PAPER,
    );
    imageops::overlay(&mut crop, photo, -x0, -y0);
    let portrait = imageops::resize(&crop, w.max(1), h.max(1), imageops::FilterType::Triangle);
    let at = |mm: f32| (mm * px_per_mm).round() as i64;
    imageops::overlay(page, &portrait, at(x_mm), at(y_mm));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_portrait_area_takes_the_photo_and_nothing_else_changes() {
        let px_per_mm = 4.0;
        let mut page = RgbImage::from_pixel(500, 352, Rgb([250, 250, 250]));
        let photo = RgbImage::from_pixel(100, 100, Rgb([10, 200, 30]));
        print_td3_portrait(&mut page, &photo, [20.0, 20.0, 80.0, 80.0], px_per_mm);
        let (x, y, w, h) = TD3_PORTRAIT_MM;
        let centre = page.get_pixel(((x + w / 2.0) * px_per_mm) as u32, ((y + h / 2.0) * px_per_mm) as u32);
        assert_eq!(*centre, Rgb([10, 200, 30]));
        assert_eq!(*page.get_pixel(400, 300), Rgb([250, 250, 250]));
    }

    #[test]
    fn a_degenerate_box_or_empty_photo_does_not_panic() {
        let mut page = RgbImage::from_pixel(50, 50, Rgb([250, 250, 250]));
        print_td3_portrait(&mut page, &RgbImage::new(0, 0), [f32::NAN, 0.0, -5.0, 1e9], 1.0);
        print_td3_portrait(&mut page, &RgbImage::new(3, 3), [0.0, 0.0, 0.0, 0.0], 0.0);
    }
}
