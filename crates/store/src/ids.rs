//! Random ids: a prefix naming the kind (`app_`, `job_`, `msg_`…) and 20
//! base32 characters (100 bits) from the operating system's randomness.

use crate::StoreError;

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const ID_CHARS: usize = 20;

/// Random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::Random)?;
    Ok(bytes)
}

/// `prefix` followed by 20 random base32 characters.
pub(crate) fn new_id(prefix: &str) -> Result<String, StoreError> {
    let bytes = random_bytes::<ID_CHARS>()?;
    // One byte per character, its low 5 bits: uniform over the alphabet.
    let tail: String = bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(byte & 31)]))
        .collect();
    Ok(format!("{prefix}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_differ() {
        let a = new_id("app_").unwrap();
        let b = new_id("app_").unwrap();
        assert_eq!(a.len(), 24);
        assert!(a.starts_with("app_"));
        assert!(a[4..].bytes().all(|c| ALPHABET.contains(&c)));
        assert_ne!(a, b);
        assert!(openkyc_signing::token::is_valid_applicant_id(&a));
    }
}
