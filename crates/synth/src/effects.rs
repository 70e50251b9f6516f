//! Optical and sensor effects on the whole frame: Gaussian (defocus) blur,
//! motion blur, sensor noise. All are O(pixels) or O(pixels × taps) with
//! row-wise loops the compiler vectorises.

use crate::raster::Frame;
use crate::rng::Dice;

/// Gaussian blur with standard deviation `sigma` pixels. Exact separable
/// kernel up to σ = 3; beyond, three box passes per axis (Kovesi's widths),
/// which match a Gaussian's σ exactly and its shape to within a few percent.
pub(crate) fn gaussian_blur(frame: &mut Frame, sigma: f32) {
    // NaN and tiny σ do nothing.
    if sigma.is_nan() || sigma <= 0.05 {
        return;
    }
    let sigma = sigma.min(frame.width.max(frame.height) as f32);
    if sigma <= 3.0 {
        let radius = (sigma * 3.0).ceil() as usize;
        let kernel: Vec<f32> = (0..=2 * radius)
            .map(|i| {
                let d = i as f32 - radius as f32;
                (-d * d / (2.0 * sigma * sigma)).exp()
            })
            .collect();
        let total: f32 = kernel.iter().sum();
        let kernel: Vec<f32> = kernel.iter().map(|k| k / total).collect();
        convolve_rows(frame, &kernel);
        convolve_columns(frame, &kernel);
    } else {
        for r in box_radii(sigma) {
            box_rows(frame, r);
            box_columns(frame, r);
        }
    }
}

/// Radii of three boxes whose combined variance is σ² (Kovesi, "Fast almost-Gaussian filtering").
fn box_radii(sigma: f32) -> [usize; 3] {
    let n = 3.0f32;
    let ideal = (12.0 * sigma * sigma / n + 1.0).sqrt();
    let mut wl = ideal.floor() as i64;
    if wl % 2 == 0 {
        wl -= 1;
    }
    let wu = wl + 2;
    let wlf = wl as f32;
    let m = ((12.0 * sigma * sigma - n * wlf * wlf - 4.0 * n * wlf - 3.0 * n) / (-4.0 * wlf - 4.0)).round() as i64;
    let mut out = [0usize; 3];
    for (i, o) in out.iter_mut().enumerate() {
        let width = if (i as i64) < m { wl } else { wu };
        *o = ((width.max(1) - 1) / 2) as usize;
    }
    out
}

fn convolve_rows(frame: &mut Frame, kernel: &[f32]) {
    let w = frame.width;
    let r = kernel.len() / 2;
    let mut padded = vec![0.0f32; (w + 2 * r) * 3];
    for row in frame.px.chunks_mut(w * 3) {
        // Clamp-to-edge padding; then, per tap, one shifted multiply-add over
        // the whole interleaved row (the shift is 3 floats per pixel), which
        // vectorises.
        for (i, p) in padded.chunks_mut(3).enumerate() {
            let src = i.saturating_sub(r).min(w - 1) * 3;
            p.copy_from_slice(&row[src..src + 3]);
        }
        row.fill(0.0);
        for (k, &kv) in kernel.iter().enumerate() {
            for (o, p) in row.iter_mut().zip(&padded[k * 3..]) {
                *o += p * kv;
            }
        }
    }
}

fn convolve_columns(frame: &mut Frame, kernel: &[f32]) {
    let (w, h) = (frame.width, frame.height);
    let stride = w * 3;
    let r = kernel.len() / 2;
    let src = frame.px.clone();
    for y in 0..h {
        let out = &mut frame.px[y * stride..(y + 1) * stride];
        out.fill(0.0);
        for (k, &kv) in kernel.iter().enumerate() {
            let sy = (y + k).saturating_sub(r).min(h - 1);
            let row = &src[sy * stride..(sy + 1) * stride];
            for (o, s) in out.iter_mut().zip(row) {
                *o += s * kv;
            }
        }
    }
}

fn box_rows(frame: &mut Frame, r: usize) {
    if r == 0 {
        return;
    }
    let w = frame.width;
    let norm = 1.0 / (2 * r + 1) as f32;
    // The row padded by r clamped pixels each side: the running sum then
    // needs no bounds logic.
    let mut padded = vec![0.0f32; (w + 2 * r + 1) * 3];
    for row in frame.px.chunks_mut(w * 3) {
        for (i, p) in padded.chunks_mut(3).enumerate() {
            let src = i.saturating_sub(r).min(w - 1) * 3;
            p.copy_from_slice(&row[src..src + 3]);
        }
        let mut acc = [0.0f32; 3];
        for p in padded[..(2 * r + 1) * 3].chunks(3) {
            acc[0] += p[0];
            acc[1] += p[1];
            acc[2] += p[2];
        }
        for x in 0..w {
            let out = x * 3;
            row[out] = acc[0] * norm;
            row[out + 1] = acc[1] * norm;
            row[out + 2] = acc[2] * norm;
            let (add, sub) = ((x + 2 * r + 1) * 3, x * 3);
            for c in 0..3 {
                acc[c] += padded[add + c] - padded[sub + c];
            }
        }
    }
}

fn box_columns(frame: &mut Frame, r: usize) {
    if r == 0 {
        return;
    }
    let (w, h) = (frame.width, frame.height);
    let stride = w * 3;
    let norm = 1.0 / (2 * r + 1) as f32;
    let src = frame.px.clone();
    let row = |y: i64| {
        let y = y.clamp(0, h as i64 - 1) as usize;
        &src[y * stride..(y + 1) * stride]
    };
    let mut acc = vec![0.0f32; stride];
    for dy in -(r as i64)..=r as i64 {
        for (a, s) in acc.iter_mut().zip(row(dy)) {
            *a += s;
        }
    }
    for y in 0..h {
        for (o, a) in frame.px[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = a * norm;
        }
        let (add, sub) = (row(y as i64 + r as i64 + 1), row(y as i64 - r as i64));
        for ((a, p), m) in acc.iter_mut().zip(add).zip(sub) {
            *a += p - m;
        }
    }
}

/// Motion blur: the average of the frame shifted along a straight line of
/// `length` pixels at `angle_deg`, one tap per pixel of length at integer
/// offsets (so each tap is a whole shifted row, added in one vectorised pass).
pub(crate) fn motion_blur(frame: &mut Frame, length: f32, angle_deg: f32) {
    if length.is_nan() || length < 1.0 {
        return;
    }
    let length = length.min(frame.width.max(frame.height) as f32);
    let taps = (length.ceil() as usize + 1).max(2);
    let (s, c) = angle_deg.to_radians().sin_cos();
    let offsets: Vec<(i64, i64)> = (0..taps)
        .map(|i| {
            let t = (i as f32 / (taps - 1) as f32 - 0.5) * length;
            ((t * c).round() as i64, (t * s).round() as i64)
        })
        .collect();
    let (w, h) = (frame.width as i64, frame.height as i64);
    let stride = frame.width * 3;
    let src = frame.px.clone();
    let norm = 1.0 / taps as f32;
    for y in 0..h {
        let out = &mut frame.px[y as usize * stride..(y as usize + 1) * stride];
        out.fill(0.0);
        for &(dx, dy) in &offsets {
            let sy = (y + dy).clamp(0, h - 1) as usize;
            let row = &src[sy * stride..(sy + 1) * stride];
            // Interior: a straight shifted add; edges: clamped.
            let lo = (-dx).clamp(0, w) as usize;
            let hi = (w - dx).clamp(0, w) as usize;
            if lo < hi {
                let shift = (lo as i64 + dx) as usize * 3;
                for (o, v) in out[lo * 3..hi * 3].iter_mut().zip(&row[shift..shift + (hi - lo) * 3]) {
                    *o += v;
                }
            }
            for x in (0..lo).chain(hi..w as usize) {
                let sx = (x as i64 + dx).clamp(0, w - 1) as usize;
                for ch in 0..3 {
                    out[x * 3 + ch] += row[sx * 3 + ch];
                }
            }
        }
        for o in out.iter_mut() {
            *o *= norm;
        }
    }
}

/// Develops the frame into 8-bit RGB: sensor noise (a luma component of
/// σ `sigma`, a little stronger in bright areas like shot noise, and a
/// weaker red/blue chroma component, from four ChaCha8 bytes per pixel),
/// then rounding and clipping, in one pass.
pub(crate) fn develop(frame: &Frame, sigma: f32, seed: u64) -> Vec<u8> {
    let mut out = vec![0u8; frame.px.len()];
    let sigma = if sigma.is_nan() { 0.0 } else { sigma.clamp(0.0, 255.0) };
    let mut dice = Dice::new(seed, 0x0015E);
    let w = frame.width;
    let mut bytes = vec![0u8; w * 4];
    // Sum of three uniform bytes: mean 382.5, σ = sqrt(3 (256² − 1) / 12) ≈ 127.9.
    const SUM3_MEAN: f32 = 382.5;
    const SUM3_SIGMA: f32 = 127.9;
    // `as u8` saturates; +0.5 then truncation rounds the non-negative values.
    let q = |v: f32| (v.max(0.0) + 0.5) as u8;
    for (row, out_row) in frame.px.chunks(w * 3).zip(out.chunks_mut(w * 3)) {
        if sigma == 0.0 {
            for (o, v) in out_row.iter_mut().zip(row) {
                *o = q(*v);
            }
            continue;
        }
        dice.fill(&mut bytes);
        for ((p, o), b) in row
            .chunks_exact(3)
            .zip(out_row.chunks_exact_mut(3))
            .zip(bytes.chunks_exact(4))
        {
            let l = (f32::from(b[0]) + f32::from(b[1]) + f32::from(b[2]) - SUM3_MEAN) / SUM3_SIGMA;
            let chroma = (f32::from(b[3]) - 127.5) / 73.9;
            let level = ((p[0] + p[1] + p[2]) * (1.0 / 765.0)).clamp(0.0, 1.0);
            // 0.7σ in the dark to 1.3σ at white (linear stand-in for √level).
            let s = sigma * (0.7 + 0.6 * level);
            o[0] = q(p[0] + s * (l + 0.3 * chroma));
            o[1] = q(p[1] + s * l);
            o[2] = q(p[2] + s * (l - 0.3 * chroma));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn impulse(w: usize, h: usize) -> Frame {
        let mut f = Frame::new(w, h, [0.0; 3]);
        let i = ((h / 2) * w + w / 2) * 3;
        f.px[i] = 1000.0;
        f.px[i + 1] = 1000.0;
        f.px[i + 2] = 1000.0;
        f
    }

    fn variance_x(f: &Frame) -> f32 {
        let (mut s, mut sx, mut sxx) = (0.0f64, 0.0f64, 0.0f64);
        for y in 0..f.height {
            for x in 0..f.width {
                let v = f64::from(f.px[(y * f.width + x) * 3]);
                s += v;
                sx += v * x as f64;
                sxx += v * (x * x) as f64;
            }
        }
        let m = sx / s;
        (sxx / s - m * m) as f32
    }

    #[test]
    fn gaussian_blur_keeps_energy_and_has_the_right_sigma() {
        for sigma in [1.5f32, 2.5, 6.0, 11.0] {
            let mut f = impulse(161, 161);
            gaussian_blur(&mut f, sigma);
            let total: f32 = f.px.iter().step_by(3).sum();
            assert!((total - 1000.0).abs() < 1.0, "{sigma}: {total}");
            let sd = variance_x(&f).sqrt();
            assert!((sd - sigma).abs() < 0.08 * sigma + 0.1, "σ {sigma}: measured {sd}");
        }
    }

    #[test]
    fn box_radii_match_the_variance() {
        for sigma in [3.5f32, 7.0, 19.0] {
            let var: f32 = box_radii(sigma)
                .iter()
                .map(|&r| ((2 * r + 1).pow(2) - 1) as f32 / 12.0)
                .sum();
            assert!((var.sqrt() - sigma).abs() < 0.6, "{sigma}: {}", var.sqrt());
        }
    }

    #[test]
    fn motion_blur_spreads_along_its_direction_only() {
        let mut f = impulse(101, 101);
        motion_blur(&mut f, 20.0, 0.0);
        let row: Vec<f32> = (0..101).map(|x| f.px[(50 * 101 + x) * 3]).collect();
        let lit = row.iter().filter(|&&v| v > 1.0).count();
        assert!((20..=22).contains(&lit), "{lit}");
        assert_eq!(f.px[(40 * 101 + 50) * 3], 0.0);
        let total: f32 = f.px.iter().step_by(3).sum();
        assert!((total - 1000.0).abs() < 1.0);
        let mut g = impulse(101, 101);
        motion_blur(&mut g, 20.0, 90.0);
        assert!(g.px[(45 * 101 + 50) * 3] > 1.0 && g.px[(50 * 101 + 45) * 3] == 0.0);
    }

    #[test]
    fn degenerate_sizes_do_not_panic() {
        let mut f = Frame::new(1, 1, [10.0; 3]);
        gaussian_blur(&mut f, 50.0);
        motion_blur(&mut f, 300.0, 33.0);
        assert_eq!(develop(&f, 3.0, 1).len(), 3);
        let mut g = Frame::new(3, 200, [10.0; 3]);
        gaussian_blur(&mut g, 2.0);
        gaussian_blur(&mut g, f32::NAN);
        motion_blur(&mut g, 7.0, 200.0);
        assert!(g.px.iter().all(|v| (v - 10.0).abs() < 1e-3));
    }

    #[test]
    fn noise_has_the_requested_strength_and_is_seeded() {
        let f = Frame::new(200, 100, [128.0; 3]);
        let a = develop(&f, 3.0, 5);
        let n = a.len() as f32;
        let mean: f32 = a.iter().map(|&v| f32::from(v)).sum::<f32>() / n;
        let sd = (a.iter().map(|&v| (f32::from(v) - mean).powi(2)).sum::<f32>() / n).sqrt();
        assert!((mean - 128.0).abs() < 0.3);
        assert!(sd > 2.5 && sd < 4.5, "{sd}");
        assert!(a.chunks(3).any(|p| p[0] != p[2]), "chroma noise");
        assert_eq!(a, develop(&f, 3.0, 5));
        assert_ne!(a, develop(&f, 3.0, 6));
        assert!(develop(&f, 0.0, 5).iter().all(|&v| v == 128));
        assert!(develop(&f, f32::NAN, 5).iter().all(|&v| v == 128));
        let g = Frame::new(2, 2, [300.0, -5.0, 127.5]);
        assert_eq!(develop(&g, 0.0, 1)[..3], [255, 0, 128]);
    }
}
