//! Standard Webhooks signatures (standardwebhooks.com): the signed content
//! is `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the bytes of the
//! secret's base64 part after `whsec_`; the `webhook-signature` header holds
//! space-separated `v1,<base64>` entries, so keys can rotate with both
//! signatures present.

use crate::{hmac_matches, hmac_parts, SignatureError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// Deliveries older or newer than this many seconds are refused by
/// [`verify`] (the spec's recommended tolerance).
pub const TOLERANCE_SECS: i64 = 300;

const SECRET_PREFIX: &str = "whsec_";

fn secret_bytes(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|_| SignatureError::Malformed("webhook secret is not base64"))?;
    if bytes.len() < 16 {
        return Err(SignatureError::Malformed("webhook secret shorter than 16 bytes"));
    }
    Ok(bytes)
}

/// The `webhook-signature` header value for one delivery.
pub fn sign(secret: &str, msg_id: &str, ts: i64, payload: &[u8]) -> Result<String, SignatureError> {
    let key = secret_bytes(secret)?;
    let ts = ts.to_string();
    let mac = hmac_parts(&key, &[msg_id.as_bytes(), b".", ts.as_bytes(), b".", payload]);
    Ok(format!("v1,{}", STANDARD.encode(mac)))
}

/// Verifies a `webhook-signature` header within [`TOLERANCE_SECS`]: any one
/// `v1` entry matching (constant-time) is enough.
pub fn verify(
    secret: &str,
    msg_id: &str,
    ts: i64,
    now: i64,
    payload: &[u8],
    header: &str,
) -> Result<(), SignatureError> {
    if now.abs_diff(ts) > TOLERANCE_SECS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let key = secret_bytes(secret)?;
    let ts = ts.to_string();
    let parts: [&[u8]; 5] = [msg_id.as_bytes(), b".", ts.as_bytes(), b".", payload];
    let mut any_v1 = false;
    for entry in header.split_whitespace() {
        let Some(encoded) = entry.strip_prefix("v1,") else {
            continue;
        };
        any_v1 = true;
        if let Ok(given) = STANDARD.decode(encoded) {
            if hmac_matches(&key, &parts, &given) {
                return Ok(());
            }
        }
    }
    if any_v1 {
        Err(SignatureError::Mismatch)
    } else {
        Err(SignatureError::Malformed("no v1 signature in the header"))
    }
}

/// A new `whsec_` secret from 24 random bytes (the caller's randomness).
pub fn new_secret(random: [u8; 24]) -> String {
    format!("{SECRET_PREFIX}{}", STANDARD.encode(random))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The test vector of the Standard Webhooks reference libraries
    // (github.com/standard-webhooks/standard-webhooks, libraries' tests).
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TS: i64 = 1_614_265_330;
    const SPEC_PAYLOAD: &[u8] = br#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn the_reference_vector_signs_and_verifies() {
        assert_eq!(
            sign(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_PAYLOAD).unwrap(),
            SPEC_SIGNATURE
        );
        assert_eq!(
            verify(
                SPEC_SECRET,
                SPEC_ID,
                SPEC_TS,
                SPEC_TS + 10,
                SPEC_PAYLOAD,
                SPEC_SIGNATURE
            ),
            Ok(())
        );
    }

    #[test]
    fn rotation_tampering_and_staleness() {
        let rotated = format!("v1,AAAA {SPEC_SIGNATURE} v2,zzz");
        assert_eq!(
            verify(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_TS, SPEC_PAYLOAD, &rotated),
            Ok(())
        );
        assert_eq!(
            verify(SPEC_SECRET, "msg_other", SPEC_TS, SPEC_TS, SPEC_PAYLOAD, SPEC_SIGNATURE),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_TS, b"{}", SPEC_SIGNATURE),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(
                SPEC_SECRET,
                SPEC_ID,
                SPEC_TS,
                SPEC_TS + 301,
                SPEC_PAYLOAD,
                SPEC_SIGNATURE
            ),
            Err(SignatureError::Stale)
        );
        assert!(matches!(
            verify(SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_TS, SPEC_PAYLOAD, "v2,abc"),
            Err(SignatureError::Malformed(_))
        ));
        assert!(sign("whsec_short", SPEC_ID, SPEC_TS, b"").is_err());
    }

    #[test]
    fn a_new_secret_signs() {
        let secret = new_secret([7; 24]);
        assert!(secret.starts_with("whsec_"));
        let header = sign(&secret, "msg_1", 5, b"x").unwrap();
        assert_eq!(verify(&secret, "msg_1", 5, 5, b"x", &header), Ok(()));
    }

    proptest! {
        #[test]
        fn arbitrary_headers_never_panic(header in ".{0,120}", secret in ".{0,60}") {
            let _ = verify(&secret, "m", 0, 0, b"", &header);
            let _ = verify(SPEC_SECRET, "m", 0, 0, b"", &header);
        }
    }
}
