//! Pure signatures of the service.
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

pub mod request;
pub mod sealed;
pub mod token;
pub mod webhook;

use hmac::{Hmac, Mac};

type HmacSha256 = Hmac<sha2::Sha256>;

/// HMAC-SHA256 of the parts, in order. HMAC takes keys of any length, so
/// keying cannot fail; the `Err` arm is unreachable and maps to an empty MAC
/// that verifies nothing.
fn hmac_parts(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return Vec::new();
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

/// Whether `given` is the HMAC of the parts, compared in constant time.
fn hmac_matches(key: &[u8], parts: &[&[u8]], given: &[u8]) -> bool {
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(given).is_ok()
}

/// The lowercase hex HMAC-SHA256, keyed with `secret`, of
/// `COUNTRY|TYPE|NUMBER` after normalisation: upper case, and spaces,
/// hyphens, dots, slashes and MRZ fillers (`<`) removed.
pub fn document_key(secret: &[u8], issuing_country: &str, document_type: &str, number: &str) -> String {
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
    hex::encode(hmac_parts(secret, &[message.as_bytes()]))
}

#[cfg(test)]
mod document_key_tests {
    use super::document_key;

    #[test]
    fn the_key_ignores_formatting_and_depends_on_every_part_and_the_secret() {
        let key = document_key(b"secret", "CHN", "cn_resident_id", "11010519491231002X");
        assert_eq!(key.len(), 64);
        assert_eq!(
            key,
            document_key(b"secret", "chn", "CN_RESIDENT_ID", "110105 19491231 002x")
        );
        assert_eq!(
            document_key(b"s", "D", "passport", "C01X-00T47"),
            document_key(b"s", "D", "passport", "C01X00T47<")
        );
        assert_ne!(
            key,
            document_key(b"secret", "CHN", "cn_resident_id", "110105194912310021")
        );
        assert_ne!(
            key,
            document_key(b"secret", "HKG", "cn_resident_id", "11010519491231002X")
        );
        assert_ne!(key, document_key(b"secret", "CHN", "passport", "11010519491231002X"));
        assert_ne!(
            key,
            document_key(b"other", "CHN", "cn_resident_id", "11010519491231002X")
        );
    }
}
