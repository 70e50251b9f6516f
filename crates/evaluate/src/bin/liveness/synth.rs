//! Attack sequences built from real stills: the still replayed unchanged,
//! the still as a flat print turned or tipped in front of a camera, and
//! one person's face swapped for another's mid-way.

use image::{imageops, Rgb, RgbImage};
use openkyc_liveness::Action;

/// Milliseconds between frames (8 fps, the frame reader's default rate).
pub const FRAME_MS: u32 = 125;
/// Frames per action in a print attack, and per person in a face swap.
pub const FRAMES_PER_PART: u32 = 8;
/// How far the print is turned or tipped at most, degrees.
pub const PRINT_MAX_DEG: f32 = 40.0;
/// The print's angle over one action's frames: out, held, back.
const PRINT_SWEEP: [f32; FRAMES_PER_PART as usize] = [0.0, 10.0, 25.0, 40.0, 40.0, 25.0, 10.0, 0.0];
/// The camera's focal length in image widths (a phone's main camera is
/// about 1.2 widths; shorter focal lengths exaggerate the perspective).
const FOCAL_WIDTHS: f32 = 1.2;
/// Grey behind the print where it no longer covers the frame.
const BACKGROUND: Rgb<u8> = Rgb([40, 40, 40]);

/// The axis a print is rotated about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// Vertical: positive angles send the print's right edge away, which
    /// foreshortens it as a head turned toward the image's right (the
    /// subject's left, unmirrored) would be.
    Vertical,
    /// Horizontal: positive angles send the bottom edge away, as a head
    /// tipped down.
    Horizontal,
}

/// The still replayed unchanged, `frames` times.
pub fn replayed(still: &RgbImage, frames: u32) -> Vec<(u32, RgbImage)> {
    (0..frames).map(|i| (i * FRAME_MS, still.clone())).collect()
}

/// The print moved to mimic each action in turn: turned about the vertical
/// axis for a turn, tipped about the horizontal axis for a nod, held still
/// for a blink (a print cannot blink); [`FRAMES_PER_PART`] frames each.
/// `seed` varies the noise from one sequence to the next.
pub fn print_attack(still: &RgbImage, actions: &[Action], seed: u32) -> Vec<(u32, RgbImage)> {
    let mut frames = Vec::new();
    for action in actions {
        let (axis, sign) = match action {
            Action::Blink => (Axis::Vertical, 0.0),
            Action::TurnLeft => (Axis::Vertical, 1.0),
            Action::TurnRight => (Axis::Vertical, -1.0),
            Action::Nod => (Axis::Horizontal, 1.0),
        };
        for angle in PRINT_SWEEP {
            let index = u32::try_from(frames.len()).unwrap_or(u32::MAX);
            let frame = print_frame(still, axis, sign * angle, seed.wrapping_mul(64).wrapping_add(index));
            frames.push((index * FRAME_MS, frame));
        }
    }
    frames
}

/// [`FRAMES_PER_PART`] frames of `first`, then as many of `second` fitted
/// into the same frame, each a still-held print (noise and exposure drift,
/// so that the frames are not frozen).
pub fn face_swap(first: &RgbImage, second: &RgbImage, seed: u32) -> Vec<(u32, RgbImage)> {
    let second = fitted(second, first.width(), first.height());
    (0..2 * FRAMES_PER_PART)
        .map(|i| {
            let source = if i < FRAMES_PER_PART { first } else { &second };
            let frame = print_frame(source, Axis::Vertical, 0.0, seed.wrapping_mul(64).wrapping_add(i));
            (i * FRAME_MS, frame)
        })
        .collect()
}

/// `image` scaled to fit `width` × `height` (aspect kept), centred on grey.
fn fitted(image: &RgbImage, width: u32, height: u32) -> RgbImage {
    let scale = (width as f32 / image.width().max(1) as f32).min(height as f32 / image.height().max(1) as f32);
    let side = |v: u32| ((v as f32 * scale).round() as u32).max(1);
    let resized = imageops::resize(
        image,
        side(image.width()),
        side(image.height()),
        imageops::FilterType::Triangle,
    );
    let mut canvas = RgbImage::from_pixel(width, height, BACKGROUND);
    let x = (i64::from(width) - i64::from(resized.width())) / 2;
    let y = (i64::from(height) - i64::from(resized.height())) / 2;
    imageops::overlay(&mut canvas, &resized, x, y);
    canvas
}

/// `photo` as a flat print rotated by `angle_deg` about `axis` through its
/// centre, seen by a pinhole camera, shifted by a hand's tremor, with an
/// exposure that drifts and sensor noise (all from `seed`, so no two
/// frames are the same picture and every run is the same).
pub fn print_frame(photo: &RgbImage, axis: Axis, angle_deg: f32, seed: u32) -> RgbImage {
    let (w, h) = (photo.width() as f32, photo.height() as f32);
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let focal = FOCAL_WIDTHS * w.max(1.0);
    let phase = seed as f32;
    let (shift_x, shift_y) = (2.0 * (1.3 * phase).sin(), 1.5 * (0.9 * phase).cos());
    let gain = 1.0 + 0.04 * (0.7 * phase).sin();
    let mut out = RgbImage::from_pixel(photo.width(), photo.height(), BACKGROUND);
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        let (u, v) = (x as f32 - w / 2.0 - shift_x, y as f32 - h / 2.0 - shift_y);
        // A print point (X, Y) rotated about the vertical axis lands at
        // u = f·X·cos / (f + X·sin), v = f·Y / (f + X·sin); solved for X, Y
        // (and the same with the roles of X and Y swapped for the other
        // axis).
        let (along, across) = match axis {
            Axis::Vertical => (u, v),
            Axis::Horizontal => (v, u),
        };
        let denominator = focal * cos - along * sin;
        if denominator <= 1e-3 {
            continue;
        }
        let print_along = along * focal / denominator;
        let print_across = across * (focal + print_along * sin) / focal;
        let (px, py) = match axis {
            Axis::Vertical => (print_along, print_across),
            Axis::Horizontal => (print_across, print_along),
        };
        if let Some(colour) = bilinear(photo, px + w / 2.0, py + h / 2.0) {
            let noise = (hash(x, y, seed) % 7) as f32 - 3.0;
            *pixel = Rgb(colour.map(|c| (c * gain + noise).round().clamp(0.0, 255.0) as u8));
        }
    }
    out
}

/// The colour at a fractional position, `None` outside the image.
fn bilinear(image: &RgbImage, x: f32, y: f32) -> Option<[f32; 3]> {
    if !(x >= 0.0 && y >= 0.0) {
        return None;
    }
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let x1 = (x0 + 1).min(image.width().saturating_sub(1));
    let y1 = (y0 + 1).min(image.height().saturating_sub(1));
    let a = image.get_pixel_checked(x0, y0)?.0;
    let b = image.get_pixel_checked(x1, y0)?.0;
    let c = image.get_pixel_checked(x0, y1)?.0;
    let d = image.get_pixel_checked(x1, y1)?.0;
    let mut colour = [0.0; 3];
    for (channel, out) in colour.iter_mut().enumerate() {
        let at = |p: [u8; 3]| f32::from(p.get(channel).copied().unwrap_or(0));
        let top = at(a) * (1.0 - fx) + at(b) * fx;
        let bottom = at(c) * (1.0 - fx) + at(d) * fx;
        *out = top * (1.0 - fy) + bottom * fy;
    }
    Some(colour)
}

/// A fixed pseudo-random value per pixel and seed (no global state).
fn hash(x: u32, y: u32, seed: u32) -> u32 {
    let mut v = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
    v ^= v >> 15;
    v = v.wrapping_mul(0x2C1B_3C6D);
    v ^= v >> 12;
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient() -> RgbImage {
        RgbImage::from_fn(80, 60, |x, y| Rgb([(x * 3) as u8, (y * 4) as u8, 128]))
    }

    #[test]
    fn an_unturned_print_keeps_the_picture_but_no_two_frames_are_equal() {
        let photo = gradient();
        let a = print_frame(&photo, Axis::Vertical, 0.0, 1);
        let b = print_frame(&photo, Axis::Vertical, 0.0, 2);
        assert_ne!(a, b);
        let centre = |image: &RgbImage| image.get_pixel(40, 30).0[0];
        assert!(centre(&a).abs_diff(centre(&photo)) < 12);
    }

    #[test]
    fn a_print_turned_about_the_vertical_axis_shrinks_its_receding_side() {
        let photo = RgbImage::from_pixel(100, 60, Rgb([200, 200, 200]));
        let turned = print_frame(&photo, Axis::Vertical, 40.0, 0);
        // The right edge recedes: background shows at the right, not the left.
        let grey = |x: u32| turned.get_pixel(x, 30).0[0] < 100;
        assert!(grey(99) && !grey(3));
        let tipped = print_frame(&photo, Axis::Horizontal, 40.0, 0);
        assert!(tipped.get_pixel(50, 59).0[0] < 100 && tipped.get_pixel(50, 8).0[0] > 100);
    }

    #[test]
    fn sequences_have_the_promised_frames_and_times() {
        let photo = gradient();
        let frames = print_attack(&photo, &[Action::TurnLeft, Action::Blink], 3);
        assert_eq!(frames.len(), 16);
        assert_eq!(frames.last().map(|f| f.0), Some(15 * FRAME_MS));
        assert_eq!(replayed(&photo, 16).len(), 16);
        let tall = RgbImage::from_pixel(30, 90, Rgb([255, 0, 0]));
        let swapped = face_swap(&photo, &tall, 1);
        assert_eq!(swapped.len(), 16);
        assert!(swapped.iter().all(|(_, f)| f.dimensions() == photo.dimensions()));
    }

    #[test]
    fn degenerate_images_do_not_panic() {
        for (w, h) in [(0, 0), (1, 1), (0, 5)] {
            let photo = RgbImage::new(w, h);
            for axis in [Axis::Vertical, Axis::Horizontal] {
                assert_eq!(print_frame(&photo, axis, 40.0, 9).dimensions(), (w, h));
            }
            assert_eq!(face_swap(&photo, &gradient(), 0).len(), 16);
        }
    }
}
