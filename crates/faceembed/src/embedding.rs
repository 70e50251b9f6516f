//! The 128-d descriptor and how two of them compare.

/// dlib's threshold on the Euclidean distance between two descriptors: below
/// it, the same person (99.38% on LFW, as published with the model).
pub const DLIB_SAME_PERSON_DISTANCE: f32 = 0.6;

/// The distance at which [`Embedding::similarity`] reaches 0: twice dlib's
/// threshold, so that the threshold maps to a similarity of exactly 0.5.
pub const ZERO_SIMILARITY_DISTANCE: f32 = 2.0 * DLIB_SAME_PERSON_DISTANCE;

/// Number of values in a descriptor.
pub const EMBEDDING_LEN: usize = 128;

/// dlib's 128-d face descriptor: faces of one person lie close together in
/// Euclidean distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Embedding(pub [f32; EMBEDDING_LEN]);

impl Embedding {
    /// The Euclidean distance to `other`, the measure dlib's network was
    /// trained for (summed in f64, so the order of summation cannot matter).
    pub fn distance(&self, other: &Embedding) -> f32 {
        let squared: f64 = self
            .0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| f64::from(a - b).powi(2))
            .sum();
        squared.sqrt() as f32
    }

    /// The distance mapped to 0..=1, higher is more alike: `1 − d / 1.2`,
    /// clamped. Linear, so a threshold on the similarity is a threshold on
    /// the distance (`d = 1.2 · (1 − s)`) and nothing is hidden by a curve;
    /// dlib's 0.6 lands on 0.5. Different people's descriptors mostly lie
    /// between 0.6 and 1.1 apart, so 1.2 and beyond read as 0.
    /// A non-finite distance (a descriptor holding NaN) reads as 0.
    pub fn similarity(&self, other: &Embedding) -> f32 {
        similarity_from_distance(self.distance(other))
    }

    /// The descriptor's values.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }
}

/// [`Embedding::similarity`] for a distance already computed.
pub fn similarity_from_distance(distance: f32) -> f32 {
    let similarity = 1.0 - distance / ZERO_SIMILARITY_DISTANCE;
    if similarity.is_nan() {
        0.0
    } else {
        similarity.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedding_with(first: f32) -> Embedding {
        let mut values = [0.0; EMBEDDING_LEN];
        values[0] = first;
        Embedding(values)
    }

    #[test]
    fn distance_is_euclidean_and_symmetric() {
        let a = Embedding([0.5; EMBEDDING_LEN]);
        let b = Embedding([0.0; EMBEDDING_LEN]);
        let expected = (EMBEDDING_LEN as f32 * 0.25).sqrt();
        assert!((a.distance(&b) - expected).abs() < 1e-5);
        assert_eq!(a.distance(&b), b.distance(&a));
        assert_eq!(a.distance(&a), 0.0);
    }

    #[test]
    fn similarity_maps_dlib_threshold_to_one_half() {
        let origin = embedding_with(0.0);
        assert_eq!(origin.similarity(&origin), 1.0);
        let at_threshold = embedding_with(DLIB_SAME_PERSON_DISTANCE);
        assert!((origin.similarity(&at_threshold) - 0.5).abs() < 1e-6);
        assert_eq!(origin.similarity(&embedding_with(ZERO_SIMILARITY_DISTANCE)), 0.0);
        assert_eq!(origin.similarity(&embedding_with(5.0)), 0.0);
    }

    #[test]
    fn similarity_falls_as_distance_grows() {
        let distances = [0.0, 0.1, 0.3, 0.59, 0.6, 0.61, 0.9, 1.19];
        let similarities: Vec<f32> = distances.iter().map(|&d| similarity_from_distance(d)).collect();
        assert!(similarities.windows(2).all(|w| w[0] > w[1]), "{similarities:?}");
    }

    #[test]
    fn non_finite_distance_reads_as_no_similarity() {
        assert_eq!(similarity_from_distance(f32::NAN), 0.0);
        assert_eq!(similarity_from_distance(f32::INFINITY), 0.0);
        let nan = embedding_with(f32::NAN);
        assert_eq!(nan.similarity(&embedding_with(0.0)), 0.0);
    }
}
