//! The one source of randomness: `ChaCha8Rng::seed_from_u64`, read through
//! our own conversions so that every number is the same on every platform and
//! does not depend on how a `rand` version maps bits to floats.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded random source with the few draws the generator needs.
pub(crate) struct Dice {
    rng: ChaCha8Rng,
}

/// SplitMix64 finaliser: spreads nearby integers (seed, index, stream) into
/// unrelated 64-bit seeds, so sample `i` and `i + 1` share nothing.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Dice {
    /// A generator for one purpose (`stream`) of one sample (`seed`).
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(mix(seed, stream)),
        }
    }

    /// A raw 64-bit draw (used to derive sub-seeds).
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Fills `out` with raw random bytes (noise fields).
    pub(crate) fn fill(&mut self, out: &mut [u8]) {
        self.rng.fill_bytes(out);
    }

    /// Uniform in [0, 1) with 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [lo, hi).
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform `f32` in [lo, hi).
    pub(crate) fn range_f32(&mut self, lo: f32, hi: f32) -> f32 {
        self.range(f64::from(lo), f64::from(hi)) as f32
    }

    /// Uniform integer in [lo, hi] (inclusive); `lo` when the range is empty.
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        // Multiply-shift keeps the bias below 2^-64 * span: negligible here.
        lo + ((u128::from(self.rng.next_u64()) * u128::from(span)) >> 64) as i64
    }

    /// Uniform index below `len` (0 when `len` is 0).
    pub(crate) fn index(&mut self, len: usize) -> usize {
        if len == 0 {
            return 0;
        }
        self.int(0, len as i64 - 1) as usize
    }

    /// One element of a non-empty slice, or `None` for an empty one.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let i = self.index(items.len());
        items.get(i)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_streams_differ() {
        let mut a = Dice::new(7, 1);
        let mut b = Dice::new(7, 1);
        let mut c = Dice::new(7, 2);
        let xa: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let xb: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let xc: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
    }

    #[test]
    fn draws_stay_in_range() {
        let mut d = Dice::new(1, 1);
        for _ in 0..10_000 {
            let u = d.unit();
            assert!((0.0..1.0).contains(&u));
            let i = d.int(-3, 5);
            assert!((-3..=5).contains(&i));
            let r = d.range(2.0, 3.0);
            assert!((2.0..3.0).contains(&r));
        }
        assert_eq!(d.int(4, 4), 4);
        assert_eq!(d.int(9, 2), 9);
        assert_eq!(d.index(0), 0);
        assert!(d.pick::<u8>(&[]).is_none());
    }

    #[test]
    fn every_integer_in_a_small_range_occurs() {
        let mut d = Dice::new(3, 3);
        let mut seen = [false; 6];
        for _ in 0..600 {
            seen[d.int(0, 5) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
}
