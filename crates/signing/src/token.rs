//! Applicant access tokens for the browser flow:
//! `v1.<applicant_id>.<expires_unix>.<base64url HMAC-SHA256>`, scoped to one
//! applicant and short-lived. Stateless: the server keeps no token table,
//! so revocation is by expiry (keep lifetimes short) or by rotating the key.

use crate::{hmac_matches, hmac_parts, SignatureError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// What a valid token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The one applicant it is scoped to.
    pub applicant_id: String,
    /// Expiry, unix seconds.
    pub expires_at: i64,
}

const VERSION: &str = "v1";

/// Whether `id` may appear in a token (and so in a URL): letters, digits,
/// `-` and `_`, 1 to 64 characters.
pub fn is_valid_applicant_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn signed_part(applicant_id: &str, expires_at: i64) -> String {
    format!("{VERSION}.{applicant_id}.{expires_at}")
}

/// Issues a token for `applicant_id` valid until `expires_at`; `None` for
/// an id [`is_valid_applicant_id`] refuses.
pub fn issue(key: &[u8], applicant_id: &str, expires_at: i64) -> Option<String> {
    if !is_valid_applicant_id(applicant_id) {
        return None;
    }
    let body = signed_part(applicant_id, expires_at);
    let mac = URL_SAFE_NO_PAD.encode(hmac_parts(key, &[body.as_bytes()]));
    Some(format!("{body}.{mac}"))
}

/// Verifies the form, the MAC (constant time) and then the expiry.
pub fn verify(key: &[u8], token: &str, now: i64) -> Result<Claims, SignatureError> {
    let mut parts = token.split('.');
    let (Some(version), Some(applicant_id), Some(expires), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SignatureError::Malformed("token"));
    };
    if version != VERSION || !is_valid_applicant_id(applicant_id) {
        return Err(SignatureError::Malformed("token"));
    }
    let expires_at: i64 = expires.parse().map_err(|_| SignatureError::Malformed("token expiry"))?;
    let given = URL_SAFE_NO_PAD
        .decode(mac)
        .map_err(|_| SignatureError::Malformed("token signature"))?;
    let body = signed_part(applicant_id, expires_at);
    // The expiry is compared only after the MAC: a forged token learns
    // nothing from the error it gets.
    if !hmac_matches(key, &[body.as_bytes()], &given) || body.len() + 1 + mac.len() != token.len() {
        return Err(SignatureError::Mismatch);
    }
    if now >= expires_at {
        return Err(SignatureError::Expired);
    }
    Ok(Claims {
        applicant_id: applicant_id.to_owned(),
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"token-key";

    #[test]
    fn a_token_is_scoped_and_expires() {
        let token = issue(KEY, "app_123", 1000).unwrap();
        assert_eq!(
            verify(KEY, &token, 999),
            Ok(Claims {
                applicant_id: "app_123".into(),
                expires_at: 1000
            })
        );
        assert_eq!(verify(KEY, &token, 1000), Err(SignatureError::Expired));
        assert_eq!(verify(b"other", &token, 0), Err(SignatureError::Mismatch));
        let other = token.replace("app_123", "app_124");
        assert_eq!(verify(KEY, &other, 0), Err(SignatureError::Mismatch));
        let later = token.replace(".1000.", ".9999.");
        assert_eq!(verify(KEY, &later, 0), Err(SignatureError::Mismatch));
        assert!(matches!(verify(KEY, "v1.a.b", 0), Err(SignatureError::Malformed(_))));
        assert!(matches!(
            verify(KEY, &format!("{token}.x"), 0),
            Err(SignatureError::Malformed(_))
        ));
    }

    #[test]
    fn ids_that_could_break_the_format_are_refused() {
        assert!(issue(KEY, "a.b", 1).is_none());
        assert!(issue(KEY, "", 1).is_none());
        assert!(issue(KEY, "a/b", 1).is_none());
        assert!(issue(KEY, &"a".repeat(65), 1).is_none());
    }

    proptest! {
        #[test]
        fn tampering_with_any_character_is_refused(at in 0usize..200, with in "[A-Za-z0-9_.-]") {
            let token = issue(KEY, "applicant-42", 5000).unwrap();
            let at = at % token.len();
            let mut changed: Vec<char> = token.chars().collect();
            let replacement = with.chars().next().unwrap();
            prop_assume!(changed[at] != replacement);
            changed[at] = replacement;
            let changed: String = changed.into_iter().collect();
            prop_assert!(verify(KEY, &changed, 0).is_err());
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,120}") {
            let _ = verify(KEY, &text, 0);
        }
    }
}
