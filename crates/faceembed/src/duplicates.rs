//! Duplicate faces across applicants (`DUPLICATE_FACE`): the same face on
//! two accounts.
//!
//! Each approved applicant's descriptor is stored as a [`FaceTemplate`]
//! (the 128-d descriptor and the id of the model that made it, in a
//! versioned byte encoding: [`FaceTemplate::to_bytes`] /
//! [`FaceTemplate::from_bytes`]). A new applicant's template is compared
//! with every stored one ([`find_duplicates`], an exact scan; an index comes
//! with scale-out), and every other applicant within the threshold is a
//! [`DuplicateMatch`], closest first: the pipeline sends the new applicant
//! to review with `DUPLICATE_FACE`.
//!
//! # The threshold
//! A scan compares one new face with N approved ones, so the chance that
//! some stranger matches is about N times the per-pair false-match rate:
//! against 10 000 applicants a 0.01% per-pair rate already flags one new
//! applicant in two. The default [`STRICT_DUPLICATE_DISTANCE`] is therefore
//! well below both dlib's 0.6 and the closest different-person pair of the
//! faces evaluation (0.564 on 226 real pairs, `docs/EVALUATION-FACES.md`;
//! the farthest same-person pair is 0.494): 0.45 leaves a margin of 0.11
//! under that closest stranger (142 different-person pairs cannot show a
//! rate below 1/142, so the margin, not a measured rate, is the
//! protection), while 80 of the fixtures' 84 same-person pairs (mean
//! distance 0.36) still fall inside, and none of the 142 different-person
//! pairs (`tests/duplicates.rs`, every photo an applicant of its own).
//! A second account is usually made with a fresh selfie of the same face,
//! closer than a document portrait to a selfie. A match goes to a person,
//! never to rejection, so an operator with a small register may loosen it.

use crate::{Embedding, EMBEDDING_LEN, RESNET_ID};

/// The reason code.
pub const DUPLICATE_FACE: &str = "DUPLICATE_FACE";
/// The default duplicate threshold on the descriptor distance (see the
/// module docs).
pub const STRICT_DUPLICATE_DISTANCE: f32 = 0.45;
/// The encoding's first four bytes.
pub const TEMPLATE_MAGIC: [u8; 4] = *b"OKFT";
/// The encoding's version this crate writes and reads.
pub const TEMPLATE_VERSION: u8 = 1;

/// A stored face: its descriptor and the model that made it (descriptors
/// of different models cannot be compared).
#[derive(Debug, Clone, PartialEq)]
pub struct FaceTemplate {
    model: String,
    embedding: Embedding,
}

/// Why stored bytes are not a template this crate can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The bytes do not start with [`TEMPLATE_MAGIC`].
    #[error("not a face template (bad magic)")]
    BadMagic,
    /// Another encoding version.
    #[error("face template version {0} is not supported (expected {TEMPLATE_VERSION})")]
    UnsupportedVersion(u8),
    /// The descriptor comes from another model.
    #[error("face template of model '{found}', expected '{expected}'")]
    WrongModel {
        /// The model id stored.
        found: String,
        /// The model this crate computes.
        expected: &'static str,
    },
    /// The length does not match the header.
    #[error("face template is {found} bytes long, expected {expected}")]
    WrongLength {
        /// The length given.
        found: usize,
        /// The length the header implies.
        expected: usize,
    },
    /// A value is NaN or infinite (corruption: dlib never writes one).
    #[error("face template holds a value that is not finite")]
    NotFinite,
}

impl FaceTemplate {
    /// The template of a descriptor from this crate's model ([`RESNET_ID`]).
    pub fn new(embedding: Embedding) -> Self {
        Self {
            model: RESNET_ID.to_owned(),
            embedding,
        }
    }

    /// The model id.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The descriptor.
    pub fn embedding(&self) -> &Embedding {
        &self.embedding
    }

    /// The encoding: [`TEMPLATE_MAGIC`], the version byte, the model id's
    /// length (one byte) and UTF-8 bytes, the value count (u16 LE), then the
    /// values as f32 LE.
    pub fn to_bytes(&self) -> Vec<u8> {
        let model = self.model.as_bytes();
        // The model ids are this crate's constants, far under 255 bytes.
        let model = model.get(..model.len().min(usize::from(u8::MAX))).unwrap_or(model);
        let mut bytes = Vec::with_capacity(encoded_len(model.len()));
        bytes.extend_from_slice(&TEMPLATE_MAGIC);
        bytes.push(TEMPLATE_VERSION);
        bytes.push(model.len() as u8);
        bytes.extend_from_slice(model);
        bytes.extend_from_slice(&(EMBEDDING_LEN as u16).to_le_bytes());
        for value in self.embedding.0 {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        bytes
    }

    /// Decodes [`to_bytes`](Self::to_bytes)'s output, refusing another
    /// version, another model than [`RESNET_ID`], a wrong length or a value
    /// that is not finite.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TemplateError> {
        let header_len = TEMPLATE_MAGIC.len() + 2;
        let Some((magic, rest)) = bytes.split_first_chunk::<4>() else {
            return Err(TemplateError::BadMagic);
        };
        if *magic != TEMPLATE_MAGIC {
            return Err(TemplateError::BadMagic);
        }
        let (&version, rest) = rest.split_first().ok_or(TemplateError::WrongLength {
            found: bytes.len(),
            expected: header_len,
        })?;
        if version != TEMPLATE_VERSION {
            return Err(TemplateError::UnsupportedVersion(version));
        }
        let (&model_len, rest) = rest.split_first().ok_or(TemplateError::WrongLength {
            found: bytes.len(),
            expected: header_len,
        })?;
        let expected = encoded_len(usize::from(model_len));
        if bytes.len() != expected {
            return Err(TemplateError::WrongLength {
                found: bytes.len(),
                expected,
            });
        }
        let (model, rest) = rest
            .split_at_checked(usize::from(model_len))
            .ok_or(TemplateError::WrongLength {
                found: bytes.len(),
                expected,
            })?;
        if model != RESNET_ID.as_bytes() {
            return Err(TemplateError::WrongModel {
                found: String::from_utf8_lossy(model).into_owned(),
                expected: RESNET_ID,
            });
        }
        let (count, values) = rest.split_first_chunk::<2>().ok_or(TemplateError::WrongLength {
            found: bytes.len(),
            expected,
        })?;
        if usize::from(u16::from_le_bytes(*count)) != EMBEDDING_LEN {
            return Err(TemplateError::WrongLength {
                found: bytes.len(),
                expected,
            });
        }
        let mut embedding = [0.0f32; EMBEDDING_LEN];
        for (value, chunk) in embedding.iter_mut().zip(values.chunks_exact(4)) {
            let raw: [u8; 4] = chunk.try_into().map_err(|_| TemplateError::NotFinite)?;
            *value = f32::from_le_bytes(raw);
            if !value.is_finite() {
                return Err(TemplateError::NotFinite);
            }
        }
        Ok(Self::new(Embedding(embedding)))
    }
}

/// The encoded length for a model id of `model_len` bytes.
fn encoded_len(model_len: usize) -> usize {
    TEMPLATE_MAGIC.len() + 2 + model_len + 2 + EMBEDDING_LEN * 4
}

/// An applicant, as the caller's store names them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicantRef(pub String);

/// Another applicant whose face is within the threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateMatch {
    /// Always [`DUPLICATE_FACE`].
    pub code: &'static str,
    /// The other applicant.
    pub applicant: ApplicantRef,
    /// The descriptor distance.
    pub distance: f32,
}

/// Every candidate other than `new_applicant` whose template lies within
/// `threshold` of `new` (distance ≤ threshold), closest first (ties by
/// applicant, so the order never depends on the store's). Candidates of
/// another model are skipped: their distances mean nothing. Memory grows
/// with the matches only, not with the candidates.
pub fn find_duplicates(
    new: &FaceTemplate,
    new_applicant: &ApplicantRef,
    candidates: impl Iterator<Item = (ApplicantRef, FaceTemplate)>,
    threshold: f32,
) -> Vec<DuplicateMatch> {
    let mut matches: Vec<DuplicateMatch> = candidates
        .filter(|(applicant, template)| applicant != new_applicant && template.model == new.model)
        .filter_map(|(applicant, template)| {
            let distance = new.embedding.distance(&template.embedding);
            // NaN compares false: a broken descriptor never matches.
            (distance <= threshold).then_some(DuplicateMatch {
                code: DUPLICATE_FACE,
                applicant,
                distance,
            })
        })
        .collect();
    matches.sort_by(|a, b| {
        a.distance
            .total_cmp(&b.distance)
            .then_with(|| a.applicant.cmp(&b.applicant))
    });
    matches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(first: f32) -> FaceTemplate {
        let mut values = [0.01; EMBEDDING_LEN];
        values[0] = first;
        FaceTemplate::new(Embedding(values))
    }

    fn who(name: &str) -> ApplicantRef {
        ApplicantRef(name.to_owned())
    }

    #[test]
    fn bytes_round_trip_exactly() {
        let t = template(-0.123_456_7);
        let bytes = t.to_bytes();
        assert_eq!(bytes.len(), 4 + 2 + RESNET_ID.len() + 2 + 512);
        assert_eq!(FaceTemplate::from_bytes(&bytes), Ok(t));
    }

    #[test]
    fn corrupt_bytes_are_refused_with_the_reason() {
        let bytes = template(0.5).to_bytes();
        assert_eq!(FaceTemplate::from_bytes(&[]), Err(TemplateError::BadMagic));
        assert_eq!(FaceTemplate::from_bytes(b"OKF"), Err(TemplateError::BadMagic));
        let mut magic = bytes.clone();
        magic[0] = b'X';
        assert_eq!(FaceTemplate::from_bytes(&magic), Err(TemplateError::BadMagic));
        let mut version = bytes.clone();
        version[4] = 2;
        assert_eq!(
            FaceTemplate::from_bytes(&version),
            Err(TemplateError::UnsupportedVersion(2))
        );
        assert!(matches!(
            FaceTemplate::from_bytes(&bytes[..bytes.len() - 1]),
            Err(TemplateError::WrongLength { .. })
        ));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            FaceTemplate::from_bytes(&longer),
            Err(TemplateError::WrongLength { .. })
        ));
        assert!(matches!(
            FaceTemplate::from_bytes(&bytes[..5]),
            Err(TemplateError::WrongLength { .. })
        ));
        let mut model = bytes.clone();
        model[6] = b'X';
        assert!(matches!(
            FaceTemplate::from_bytes(&model),
            Err(TemplateError::WrongModel { .. })
        ));
        let mut nan = bytes.clone();
        let last = nan.len() - 4;
        nan[last..].copy_from_slice(&f32::NAN.to_le_bytes());
        assert_eq!(FaceTemplate::from_bytes(&nan), Err(TemplateError::NotFinite));
        let count_at = 6 + RESNET_ID.len();
        let mut count = bytes;
        count[count_at] = 127;
        assert!(matches!(
            FaceTemplate::from_bytes(&count),
            Err(TemplateError::WrongLength { .. })
        ));
    }

    #[test]
    fn matches_are_the_others_within_the_threshold_closest_first() {
        let new = template(0.0);
        let candidates = vec![
            (who("far"), template(0.9)),
            (who("b"), template(0.3)),
            (who("self"), template(0.0)),
            (who("a"), template(0.3)),
            (who("close"), template(0.1)),
        ];
        let found = find_duplicates(&new, &who("self"), candidates.into_iter(), 0.45);
        let names: Vec<_> = found.iter().map(|m| m.applicant.0.as_str()).collect();
        assert_eq!(names, ["close", "a", "b"]);
        assert!(found.iter().all(|m| m.code == "DUPLICATE_FACE"));
        assert!((found[0].distance - 0.1).abs() < 1e-6);
    }

    #[test]
    fn other_models_and_broken_descriptors_never_match() {
        let new = template(0.0);
        let mut other_model = template(0.0);
        other_model.model = "another-model".to_owned();
        let broken = FaceTemplate::new(Embedding([f32::NAN; EMBEDDING_LEN]));
        let candidates = vec![(who("x"), other_model), (who("y"), broken)];
        assert!(find_duplicates(&new, &who("self"), candidates.into_iter(), 10.0).is_empty());
    }
}
