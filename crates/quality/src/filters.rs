//! Small image filters on row-major `f32` planes, shared by the measurements.

/// Separable Gaussian blur with clamp-to-edge borders. Work is
/// `O(w × h × (6σ + 1))`; the kernel is truncated at 3σ.
pub(crate) fn gaussian_blur(plane: &[f32], width: usize, height: usize, sigma: f32) -> Vec<f32> {
    if plane.len() != width * height || plane.is_empty() {
        return plane.to_vec();
    }
    let kernel = gaussian_kernel(sigma);
    let radius = kernel.len() / 2;
    let mut horizontal = vec![0.0f32; plane.len()];
    let mut padded = vec![0.0f32; width + 2 * radius];
    for (src_row, dst_row) in plane.chunks_exact(width).zip(horizontal.chunks_exact_mut(width)) {
        pad_clamped(src_row, radius, &mut padded);
        let sources: Vec<&[f32]> = (0..kernel.len())
            .map(|k| padded.get(k..k + width).unwrap_or_default())
            .collect();
        weighted_sum(&sources, &kernel, dst_row);
    }
    let mut out = vec![0.0f32; plane.len()];
    let mut sources: Vec<&[f32]> = Vec::with_capacity(kernel.len());
    for (y, dst_row) in out.chunks_exact_mut(width).enumerate() {
        sources.clear();
        sources.extend((0..kernel.len()).map(|k| {
            let src_y = (y + k).saturating_sub(radius).min(height - 1);
            horizontal.get(src_y * width..(src_y + 1) * width).unwrap_or_default()
        }));
        weighted_sum(&sources, &kernel, dst_row);
    }
    out
}

/// `out[i] = Σ_k weights[k] · sources[k][i]`, eight outputs at a time with
/// the sums held in registers (one pass over each source, no stores per tap).
fn weighted_sum(sources: &[&[f32]], weights: &[f32], out: &mut [f32]) {
    const LANES: usize = 8;
    let full = out.len() / LANES * LANES;
    for (block, dst) in out.chunks_exact_mut(LANES).enumerate() {
        let start = block * LANES;
        let mut acc = [0.0f32; LANES];
        for (src, &w) in sources.iter().zip(weights) {
            let Some(chunk) = src
                .get(start..start + LANES)
                .and_then(|c| <&[f32; LANES]>::try_from(c).ok())
            else {
                continue;
            };
            for (a, &v) in acc.iter_mut().zip(chunk) {
                *a += w * v;
            }
        }
        dst.copy_from_slice(&acc);
    }
    for (i, o) in out.iter_mut().enumerate().skip(full) {
        *o = sources
            .iter()
            .zip(weights)
            .map(|(src, &w)| w * src.get(i).copied().unwrap_or(0.0))
            .sum();
    }
}

fn gaussian_kernel(sigma: f32) -> Vec<f32> {
    let sigma = sigma.max(0.1);
    let radius = (3.0 * sigma).ceil() as i32;
    let mut kernel: Vec<f32> = (-radius..=radius)
        .map(|i| (-((i * i) as f32) / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f32 = kernel.iter().sum();
    kernel.iter_mut().for_each(|k| *k /= sum);
    kernel
}

/// Writes `values` into `padded` with `radius` copies of the first and last
/// value on either side.
fn pad_clamped(values: &[f32], radius: usize, padded: &mut [f32]) {
    let first = values.first().copied().unwrap_or(0.0);
    let last = values.last().copied().unwrap_or(0.0);
    padded.iter_mut().take(radius).for_each(|p| *p = first);
    for (p, &v) in padded.iter_mut().skip(radius).zip(values) {
        *p = v;
    }
    padded.iter_mut().skip(radius + values.len()).for_each(|p| *p = last);
}

/// Sobel gradient `(gx, gy)` at interior pixel `(x, y)`, divided by 8 so
/// that a unit ramp reads 1 grey level per pixel. `y` grows downwards.
/// Callers guarantee `1 <= x < width - 1` and `1 <= y < height - 1`; other
/// positions read as flat.
#[inline]
pub(crate) fn sobel(plane: &[f32], width: usize, x: usize, y: usize) -> (f32, f32) {
    let at = |dx: usize, dy: usize| plane.get((y + dy - 1) * width + x + dx - 1).copied().unwrap_or(0.0);
    if x == 0 || y == 0 || x + 1 >= width {
        return (0.0, 0.0);
    }
    let (a, b, c) = (at(0, 0), at(1, 0), at(2, 0));
    let (d, f) = (at(0, 1), at(2, 1));
    let (g, h, i) = (at(0, 2), at(1, 2), at(2, 2));
    let gx = (c + 2.0 * f + i) - (a + 2.0 * d + g);
    let gy = (g + 2.0 * h + i) - (a + 2.0 * b + c);
    (gx / 8.0, gy / 8.0)
}

/// Sobel gradient magnitude of every pixel (0 on the one-pixel border).
pub(crate) fn sobel_magnitude(plane: &[f32], width: usize, height: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; plane.len()];
    if width < 3 || height < 3 || plane.len() != width * height {
        return out;
    }
    for y in 1..height - 1 {
        let (Some(up), Some(mid), Some(down)) = (
            plane.get((y - 1) * width..y * width),
            plane.get(y * width..(y + 1) * width),
            plane.get((y + 1) * width..(y + 2) * width),
        ) else {
            continue;
        };
        let Some(dst) = out.get_mut(y * width + 1..(y + 1) * width - 1) else {
            continue;
        };
        let rows = up.windows(3).zip(mid.windows(3)).zip(down.windows(3));
        for (o, ((u, m), d)) in dst.iter_mut().zip(rows) {
            let gx = (u[2] + 2.0 * m[2] + d[2]) - (u[0] + 2.0 * m[0] + d[0]);
            let gy = (d[0] + 2.0 * d[1] + d[2]) - (u[0] + 2.0 * u[1] + u[2]);
            *o = (gx * gx + gy * gy).sqrt() / 8.0;
        }
    }
    out
}

/// Value below which `fraction` of the histogram's mass lies, for a
/// histogram of `counts` whose bin `i` covers `[i, i + 1) × bin_width`.
pub(crate) fn histogram_quantile(counts: &[u32], bin_width: f32, fraction: f32) -> f32 {
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        return 0.0;
    }
    let target = (f64::from(fraction.clamp(0.0, 1.0)) * total as f64).ceil().max(1.0) as u64;
    let mut seen = 0u64;
    for (i, &c) in counts.iter().enumerate() {
        seen += u64::from(c);
        if seen >= target {
            return i as f32 * bin_width;
        }
    }
    counts.len() as f32 * bin_width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blur_preserves_constant_and_mass() {
        let plane = vec![7.0f32; 30 * 20];
        let out = gaussian_blur(&plane, 30, 20, 2.0);
        assert!(out.iter().all(|v| (v - 7.0).abs() < 1e-4));
        let mut impulse = vec![0.0f32; 41 * 41];
        impulse[20 * 41 + 20] = 1.0;
        let out = gaussian_blur(&impulse, 41, 41, 2.0);
        assert!((out.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        // Variance of the blurred impulse along x is sigma² = 4.
        let var: f32 = out
            .iter()
            .enumerate()
            .map(|(i, v)| v * ((i % 41) as f32 - 20.0).powi(2))
            .sum();
        assert!((var - 4.0).abs() < 0.1, "{var}");
    }

    #[test]
    fn blur_handles_tiny_planes() {
        assert_eq!(gaussian_blur(&[], 0, 0, 2.0), Vec::<f32>::new());
        assert!((gaussian_blur(&[5.0], 1, 1, 2.0)[0] - 5.0).abs() < 1e-5);
        let out = gaussian_blur(&[0.0, 10.0], 2, 1, 2.0);
        assert!(out[0] < out[1]);
    }

    #[test]
    fn sobel_reads_unit_ramp_as_one() {
        let plane: Vec<f32> = (0..25).map(|i| (i % 5) as f32).collect();
        assert_eq!(sobel(&plane, 5, 2, 2), (1.0, 0.0));
        let mag = sobel_magnitude(&plane, 5, 5);
        assert!((mag[2 * 5 + 2] - 1.0).abs() < 1e-6);
        assert_eq!(mag[0], 0.0);
    }

    #[test]
    fn quantiles_of_a_histogram() {
        let counts = [0, 10, 0, 10];
        assert_eq!(histogram_quantile(&counts, 1.0, 0.5), 1.0);
        assert_eq!(histogram_quantile(&counts, 1.0, 0.51), 3.0);
        assert_eq!(histogram_quantile(&counts, 0.5, 1.0), 1.5);
        assert_eq!(histogram_quantile(&[], 1.0, 0.5), 0.0);
    }
}
