//! API secrets sealed at rest with AES-256-GCM under the server's master
//! key. An HMAC verifier needs the secret itself, so it cannot be stored as
//! a one-way hash; sealed, a copy of the database alone reveals no secret
//! (the master key lives in the data directory's key file or the
//! environment, not in the database). The key id is bound as associated
//! data, so a sealed secret cannot be moved to another key's row.

use crate::SignatureError;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};

const NONCE_LEN: usize = 12;

/// `nonce (12 bytes) || ciphertext+tag` of `secret`. The nonce must be
/// fresh randomness for every call.
pub fn seal(master: &[u8; 32], nonce: [u8; 12], key_id: &str, secret: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(master.into());
    let payload = Payload {
        msg: secret,
        aad: key_id.as_bytes(),
    };
    // Encryption fails only for messages beyond GCM's 64 GiB limit.
    let Ok(ciphertext) = cipher.encrypt(Nonce::from_slice(&nonce), payload) else {
        return Vec::new();
    };
    let mut sealed = nonce.to_vec();
    sealed.extend_from_slice(&ciphertext);
    sealed
}

/// The secret back, or `Mismatch` for another master key, another key id,
/// or tampered bytes.
pub fn open(master: &[u8; 32], key_id: &str, sealed: &[u8]) -> Result<Vec<u8>, SignatureError> {
    if sealed.len() < NONCE_LEN + 16 {
        return Err(SignatureError::Malformed("sealed secret too short"));
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new(master.into());
    let payload = Payload {
        msg: ciphertext,
        aad: key_id.as_bytes(),
    };
    cipher
        .decrypt(Nonce::from_slice(nonce), payload)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MASTER: [u8; 32] = [9; 32];

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_id() {
        let sealed = seal(&MASTER, [1; 12], "key_1", b"s3cret");
        assert!(!sealed.windows(6).any(|w| w == b"s3cret"));
        assert_eq!(open(&MASTER, "key_1", &sealed).unwrap(), b"s3cret");
        assert_eq!(open(&[8; 32], "key_1", &sealed), Err(SignatureError::Mismatch));
        assert_eq!(open(&MASTER, "key_2", &sealed), Err(SignatureError::Mismatch));
        let mut tampered = sealed.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(open(&MASTER, "key_1", &tampered), Err(SignatureError::Mismatch));
        assert!(matches!(
            open(&MASTER, "key_1", &sealed[..10]),
            Err(SignatureError::Malformed(_))
        ));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = open(&MASTER, "k", &bytes);
        }
    }
}
