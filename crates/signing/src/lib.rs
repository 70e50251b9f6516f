//! Pure signatures of the service.
//!
//! SKELETON — the contract the server codes against; the signing helper
//! fills in the bodies (names and shapes stay; it may add items).
//!
//! - [`request`]: operator API requests, HMAC-SHA256 over timestamp +
//!   method + path with query + body (the scheme Sumsub uses), a 5-minute
//!   window, constant-time comparison.
//! - [`webhook`]: Standard Webhooks signatures (`webhook-id`,
//!   `webhook-timestamp`, `webhook-signature: v1,<base64>`), `whsec_` secrets.
//! - [`token`]: short-lived applicant access tokens, scoped to one applicant.
//! - [`sealed`]: API secrets at rest, sealed with the server's master key
//!   (AES-256-GCM): an HMAC verifier needs the secret itself, so it cannot
//!   be stored as a one-way hash; a copy of the database alone reveals none.
//! - [`document_key`]: the keyed hash that identifies a document without
//!   its number.

/// Why a signature or token was refused. The server maps each to a stable
/// error code; the variants never say which part of a secret was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The timestamp is outside the allowed window.
    #[error("timestamp outside the allowed window")]
    Stale,
    /// The signature does not verify.
    #[error("signature does not match")]
    Mismatch,
    /// The header or token is not of the expected form.
    #[error("malformed: {0}")]
    Malformed(&'static str),
    /// The token has expired.
    #[error("token expired")]
    Expired,
}

/// Operator request signatures.
pub mod request {
    use super::SignatureError;

    /// Requests older or newer than this many seconds are refused.
    pub const MAX_SKEW_SECS: i64 = 300;

    /// The lowercase hex HMAC-SHA256 of `ts` (decimal seconds) + `METHOD`
    /// (upper case) + path with query + body, keyed with `secret`.
    pub fn sign(secret: &[u8], ts: i64, method: &str, path_and_query: &str, body: &[u8]) -> String {
        let _ = (secret, ts, method, path_and_query, body);
        String::new()
    }

    /// Checks the window (`|now - ts| <= MAX_SKEW_SECS`) and the signature
    /// (hex, constant-time).
    pub fn verify(
        secret: &[u8],
        ts: i64,
        now: i64,
        method: &str,
        path_and_query: &str,
        body: &[u8],
        signature_hex: &str,
    ) -> Result<(), SignatureError> {
        let _ = (secret, ts, now, method, path_and_query, body, signature_hex);
        Err(SignatureError::Mismatch)
    }
}

/// Standard Webhooks signatures.
pub mod webhook {
    use super::SignatureError;

    /// `v1,<base64 HMAC-SHA256 of "{id}.{ts}.{payload}">`, keyed with the
    /// secret's bytes (the base64 after `whsec_`).
    pub fn sign(secret: &str, msg_id: &str, ts: i64, payload: &[u8]) -> Result<String, SignatureError> {
        let _ = (secret, msg_id, ts, payload);
        Err(SignatureError::Malformed("secret"))
    }

    /// Verifies a `webhook-signature` header (space-separated `v1,…`
    /// entries, any one matching) within the window.
    pub fn verify(
        secret: &str,
        msg_id: &str,
        ts: i64,
        now: i64,
        payload: &[u8],
        header: &str,
    ) -> Result<(), SignatureError> {
        let _ = (secret, msg_id, ts, now, payload, header);
        Err(SignatureError::Mismatch)
    }

    /// A new `whsec_` secret from 24 random bytes.
    pub fn new_secret(random: [u8; 24]) -> String {
        let _ = random;
        String::new()
    }
}

/// Applicant access tokens: `v1.<applicant_id>.<expires_unix>.<base64url mac>`.
pub mod token {
    use super::SignatureError;

    /// What a valid token grants.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Claims {
        /// The one applicant it is scoped to.
        pub applicant_id: String,
        /// Expiry, unix seconds.
        pub expires_at: i64,
    }

    /// Issues a token for `applicant_id` valid until `expires_at`.
    pub fn issue(key: &[u8], applicant_id: &str, expires_at: i64) -> String {
        let _ = (key, applicant_id, expires_at);
        String::new()
    }

    /// Verifies the MAC (constant-time) and the expiry against `now`.
    pub fn verify(key: &[u8], token: &str, now: i64) -> Result<Claims, SignatureError> {
        let _ = (key, token, now);
        Err(SignatureError::Mismatch)
    }
}

/// API secrets sealed at rest with AES-256-GCM.
pub mod sealed {
    use super::SignatureError;

    /// `nonce (12 bytes) || ciphertext+tag` of `secret` under `master`,
    /// bound to `key_id` as associated data.
    pub fn seal(master: &[u8; 32], nonce: [u8; 12], key_id: &str, secret: &[u8]) -> Vec<u8> {
        let _ = (master, nonce, key_id, secret);
        Vec::new()
    }

    /// The secret back, or `Mismatch` for a wrong key, id or tampered bytes.
    pub fn open(master: &[u8; 32], key_id: &str, sealed: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let _ = (master, key_id, sealed);
        Err(SignatureError::Mismatch)
    }
}

/// The lowercase hex HMAC-SHA256, keyed with `secret`, of
/// `COUNTRY|TYPE|NUMBER` after normalisation: upper case, and spaces,
/// hyphens, dots, slashes and MRZ fillers (`<`) removed.
pub fn document_key(secret: &[u8], issuing_country: &str, document_type: &str, number: &str) -> String {
    use hmac::{Hmac, Mac};
    let normalise = |text: &str| -> String {
        text.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '/' | '<') && !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect()
    };
    let message = format!(
        "{}|{}|{}",
        normalise(issuing_country),
        normalise(document_type),
        normalise(number)
    );
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod document_key_tests {
    use super::document_key;

    #[test]
    fn the_key_ignores_formatting_and_depends_on_every_part_and_the_secret() {
        let key = document_key(b"secret", "CHN", "cn_resident_id", "11010519491231002X");
        assert_eq!(key.len(), 64);
        assert_eq!(key, document_key(b"secret", "chn", "CN_RESIDENT_ID", "110105 19491231 002x"));
        assert_eq!(
            document_key(b"s", "D", "passport", "C01X-00T47"),
            document_key(b"s", "D", "passport", "C01X00T47<")
        );
        assert_ne!(key, document_key(b"secret", "CHN", "cn_resident_id", "110105194912310021"));
        assert_ne!(key, document_key(b"secret", "HKG", "cn_resident_id", "11010519491231002X"));
        assert_ne!(key, document_key(b"secret", "CHN", "passport", "11010519491231002X"));
        assert_ne!(key, document_key(b"other", "CHN", "cn_resident_id", "11010519491231002X"));
    }
}
