//! Verification statistics over pair distances (lower = more alike): the
//! true-accept rate at a false-accept rate, the equal error rate, and
//! histograms. Pure, for the face evaluation.

/// Distances of same-person (genuine) and different-person (impostor) pairs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scores {
    pub genuine: Vec<f32>,
    pub impostor: Vec<f32>,
}

/// One operating point: pairs at or below `threshold` are accepted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OperatingPoint {
    pub threshold: f32,
    /// Genuine pairs accepted.
    pub tar: f64,
    /// Impostor pairs accepted.
    pub far: f64,
}

impl Scores {
    /// The share of `values` at or below `threshold`.
    fn accepted(values: &[f32], threshold: f32) -> f64 {
        if values.is_empty() {
            return 0.0;
        }
        values.iter().filter(|d| **d <= threshold).count() as f64 / values.len() as f64
    }

    /// The operating point at `threshold`.
    pub fn at(&self, threshold: f32) -> OperatingPoint {
        OperatingPoint {
            threshold,
            tar: Self::accepted(&self.genuine, threshold),
            far: Self::accepted(&self.impostor, threshold),
        }
    }

    /// The most accepting threshold whose false-accept rate is at most
    /// `max_far` (0: no impostor accepted, the strictest rate the pair count
    /// can measure), with its true-accept rate; `None` without pairs of
    /// either kind.
    pub fn at_far(&self, max_far: f64) -> Option<OperatingPoint> {
        if self.genuine.is_empty() || self.impostor.is_empty() {
            return None;
        }
        let mut impostor = self.impostor.clone();
        impostor.sort_by(f32::total_cmp);
        // Accepting `allowed` impostors allows any threshold below the next
        // impostor distance; the most accepting the data supports is the
        // largest distance below it (none: accept nothing).
        let allowed = (max_far * impostor.len() as f64 + 1e-9).floor() as usize;
        let below = |limit: f32| {
            self.genuine
                .iter()
                .chain(impostor.iter().take(allowed))
                .copied()
                .filter(|d| *d < limit)
                .fold(f32::NEG_INFINITY, f32::max)
        };
        let threshold = below(impostor.get(allowed).copied().unwrap_or(f32::INFINITY));
        Some(self.at(threshold))
    }

    /// The equal error rate: where the false-accept rate meets the
    /// false-reject rate, over every threshold the distances give (the mean
    /// of the two rates where they cross).
    pub fn equal_error_rate(&self) -> Option<f64> {
        if self.genuine.is_empty() || self.impostor.is_empty() {
            return None;
        }
        let mut thresholds: Vec<f32> = self.genuine.iter().chain(&self.impostor).copied().collect();
        thresholds.sort_by(f32::total_cmp);
        thresholds.dedup();
        let mut best: Option<(f64, f64)> = None;
        for t in std::iter::once(f32::NEG_INFINITY).chain(thresholds) {
            let point = self.at(t);
            let (far, frr) = (point.far, 1.0 - point.tar);
            let gap = (far - frr).abs();
            if best.is_none_or(|(g, _)| gap < g) {
                best = Some((gap, (far + frr) / 2.0));
            }
        }
        best.map(|(_, eer)| eer)
    }

    /// Counts of genuine and impostor distances per bin of `width` from 0
    /// up to `max` (the last bin also takes everything above).
    pub fn histogram(&self, width: f32, max: f32) -> Vec<(f32, usize, usize)> {
        let bins = ((max / width).ceil() as usize).max(1);
        let bin = |d: f32| ((d.max(0.0) / width) as usize).min(bins - 1);
        let mut counts = vec![(0usize, 0usize); bins];
        for d in &self.genuine {
            if let Some(c) = counts.get_mut(bin(*d)) {
                c.0 += 1;
            }
        }
        for d in &self.impostor {
            if let Some(c) = counts.get_mut(bin(*d)) {
                c.1 += 1;
            }
        }
        counts
            .into_iter()
            .enumerate()
            .map(|(i, (g, im))| (i as f32 * width, g, im))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(genuine: &[f32], impostor: &[f32]) -> Scores {
        Scores {
            genuine: genuine.to_vec(),
            impostor: impostor.to_vec(),
        }
    }

    #[test]
    fn separated_scores_accept_every_genuine_pair_at_zero_far() {
        let s = scores(&[0.2, 0.3, 0.4], &[0.7, 0.8, 0.9, 1.0]);
        let point = s.at_far(0.0).unwrap();
        assert_eq!((point.tar, point.far), (1.0, 0.0));
        assert!(point.threshold >= 0.4 && point.threshold < 0.7);
        assert_eq!(s.equal_error_rate(), Some(0.0));
    }

    #[test]
    fn overlapping_scores_trade_accepts_for_false_accepts() {
        let s = scores(&[0.2, 0.3, 0.5, 0.8], &[0.4, 0.6, 0.9, 1.0]);
        let strict = s.at_far(0.0).unwrap();
        assert_eq!((strict.tar, strict.far), (0.5, 0.0));
        let loose = s.at_far(0.25).unwrap();
        assert_eq!((loose.tar, loose.far), (0.75, 0.25));
        let eer = s.equal_error_rate().unwrap();
        assert!((eer - 0.25).abs() < 1e-9, "{eer}");
    }

    #[test]
    fn empty_sides_give_no_rates_and_histograms_count_every_pair() {
        assert!(scores(&[], &[0.5]).at_far(0.0).is_none());
        assert!(scores(&[0.5], &[]).equal_error_rate().is_none());
        let h = scores(&[0.1, 0.12, 2.0], &[0.7]).histogram(0.1, 1.0);
        assert_eq!(h.len(), 10);
        assert_eq!(h.iter().map(|b| b.1).sum::<usize>(), 3);
        assert_eq!(h[1].1, 2);
        assert_eq!(h[9].1, 1, "above the range goes to the last bin");
        assert_eq!(h[7].2, 1);
    }
}
