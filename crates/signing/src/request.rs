//! Operator request signatures: lowercase hex HMAC-SHA256 over the decimal
//! timestamp, the upper-case method, the path with its query, and the raw
//! body, concatenated (the scheme Sumsub's API uses), keyed with the API
//! key's secret.

use crate::{hmac_matches, hmac_parts, SignatureError};

/// Requests older or newer than this many seconds are refused.
pub const MAX_SKEW_SECS: i64 = 300;

/// Timestamps at or above this are milliseconds (in seconds it is the year
/// 5138): a client that may send the same write twice within one second
/// (the same path and body, say a submission after a reset) signs
/// millisecond timestamps so the two signatures differ and the server's
/// replay guard keeps both.
pub const MILLISECONDS_FROM: i64 = 100_000_000_000;

/// A request timestamp in seconds, whether it was sent in seconds or
/// milliseconds.
pub fn ts_seconds(ts: i64) -> i64 {
    if ts >= MILLISECONDS_FROM {
        ts / 1000
    } else {
        ts
    }
}

/// The signature of a request.
pub fn sign(secret: &[u8], ts: i64, method: &str, path_and_query: &str, body: &[u8]) -> String {
    let ts = ts.to_string();
    let method = method.to_ascii_uppercase();
    hex::encode(hmac_parts(
        secret,
        &[ts.as_bytes(), method.as_bytes(), path_and_query.as_bytes(), body],
    ))
}

/// Checks the window (`|now - ts| <= MAX_SKEW_SECS`) first, then the
/// signature (hex, compared in constant time).
pub fn verify(
    secret: &[u8],
    ts: i64,
    now: i64,
    method: &str,
    path_and_query: &str,
    body: &[u8],
    signature_hex: &str,
) -> Result<(), SignatureError> {
    if now.abs_diff(ts_seconds(ts)) > MAX_SKEW_SECS.unsigned_abs() {
        return Err(SignatureError::Stale);
    }
    let given = hex::decode(signature_hex.trim()).map_err(|_| SignatureError::Malformed("signature is not hex"))?;
    let ts = ts.to_string();
    let method = method.to_ascii_uppercase();
    let parts: [&[u8]; 4] = [ts.as_bytes(), method.as_bytes(), path_and_query.as_bytes(), body];
    if hmac_matches(secret, &parts, &given) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &[u8] = b"operator-secret";

    #[test]
    fn a_signed_request_verifies_within_the_window_only() {
        let body = br#"{"externalUserId":"u1"}"#;
        let signature = sign(SECRET, 1_700_000_000, "post", "/v1/applicants?x=1", body);
        assert_eq!(signature.len(), 64);
        let check =
            |now, path: &str, body: &[u8], sig: &str| verify(SECRET, 1_700_000_000, now, "POST", path, body, sig);
        assert_eq!(check(1_700_000_000, "/v1/applicants?x=1", body, &signature), Ok(()));
        assert_eq!(check(1_700_000_300, "/v1/applicants?x=1", body, &signature), Ok(()));
        assert_eq!(check(1_699_999_700, "/v1/applicants?x=1", body, &signature), Ok(()));
        assert_eq!(
            check(1_700_000_301, "/v1/applicants?x=1", body, &signature),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            check(1_700_000_000, "/v1/applicants?x=2", body, &signature),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            check(1_700_000_000, "/v1/applicants?x=1", b"{}", &signature),
            Err(SignatureError::Mismatch)
        );
        assert!(matches!(
            check(1_700_000_000, "/v1/applicants?x=1", body, "zz"),
            Err(SignatureError::Malformed(_))
        ));
        assert_eq!(
            verify(
                b"other",
                1_700_000_000,
                1_700_000_000,
                "POST",
                "/v1/applicants?x=1",
                body,
                &signature
            ),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn millisecond_timestamps_are_signed_as_sent_and_windowed_in_seconds() {
        let ms = 1_700_000_000_123;
        let signature = sign(SECRET, ms, "POST", "/v1/a/submit", b"");
        assert_ne!(signature, sign(SECRET, ms + 1, "POST", "/v1/a/submit", b""));
        assert_eq!(
            verify(SECRET, ms, 1_700_000_100, "POST", "/v1/a/submit", b"", &signature),
            Ok(())
        );
        assert_eq!(
            verify(SECRET, ms, 1_700_000_400, "POST", "/v1/a/submit", b"", &signature),
            Err(SignatureError::Stale)
        );
        assert_eq!(ts_seconds(ms), 1_700_000_000);
        assert_eq!(ts_seconds(1_700_000_000), 1_700_000_000);
    }

    #[test]
    fn the_signature_is_the_documented_hmac() {
        // The same HMAC computed from the concatenation by hand: a client in
        // any language signs exactly this string.
        let expected = hex::encode(crate::hmac_parts(SECRET, &[b"1700000000GET/v1/applicants/a1"]));
        assert_eq!(sign(SECRET, 1_700_000_000, "GET", "/v1/applicants/a1", b""), expected);
    }

    proptest! {
        #[test]
        fn any_change_to_the_body_is_refused(body in proptest::collection::vec(any::<u8>(), 0..64), flip in 0usize..64) {
            let signature = sign(SECRET, 10, "PUT", "/p", &body);
            prop_assert_eq!(verify(SECRET, 10, 10, "PUT", "/p", &body, &signature), Ok(()));
            if !body.is_empty() {
                let mut changed = body.clone();
                let at = flip % changed.len();
                changed[at] ^= 1;
                prop_assert_eq!(verify(SECRET, 10, 10, "PUT", "/p", &changed, &signature), Err(SignatureError::Mismatch));
            }
        }

        #[test]
        fn arbitrary_signatures_never_panic(text in ".{0,100}") {
            let _ = verify(SECRET, 10, 10, "GET", "/", b"", &text);
        }
    }
}
