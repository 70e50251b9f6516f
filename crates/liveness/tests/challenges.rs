//! Challenge generation (every allowed sequence reachable, uniformly, no
//! action twice in a row) and the signed token (tampering, wrong key,
//! expiry, malformed input).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use openkyc_liveness::{Action, Challenge, ChallengeError, ChallengeKey, ChallengePolicy, CLOCK_SKEW_TOLERANCE_MS};
use sha2::{Digest, Sha256};

/// Deterministic stand-in for OS entropy: SHA-256 of a counter.
fn entropy(counter: u64) -> [u8; 32] {
    Sha256::digest(counter.to_le_bytes()).into()
}

fn key() -> ChallengeKey {
    ChallengeKey::new(&[42u8; 32]).unwrap()
}

const NOW: i64 = 1_700_000_000_000;

#[test]
fn generation_reaches_every_sequence_about_equally_and_never_repeats_an_action() {
    let policy = ChallengePolicy::default();
    let draws = 48_000u64;
    let mut counts: BTreeMap<Vec<Action>, u64> = BTreeMap::new();
    for counter in 0..draws {
        let challenge = Challenge::generate(&entropy(counter), NOW, &policy);
        let actions = challenge.actions().to_vec();
        assert!((2..=3).contains(&actions.len()));
        assert!(actions.windows(2).all(|pair| pair[0] != pair[1]), "{actions:?}");
        *counts.entry(actions).or_default() += 1;
    }
    assert_eq!(counts.len() as u128, policy.sequence_count());
    assert_eq!(counts.len(), 48);
    // Expected 1000 each; a binomial's sd is ~31, so 850..1150 is ~5 sd.
    for (sequence, count) in &counts {
        assert!((850..1150).contains(count), "{sequence:?} drawn {count} times");
    }
}

#[test]
fn generation_is_deterministic_and_takes_the_nonce_and_window() {
    let policy = ChallengePolicy {
        min_actions: 3,
        max_actions: 3,
        ttl_ms: 60_000,
    };
    let a = Challenge::generate(&entropy(1), NOW, &policy);
    assert_eq!(a, Challenge::generate(&entropy(1), NOW, &policy));
    assert_ne!(a.nonce(), Challenge::generate(&entropy(2), NOW, &policy).nonce());
    assert_eq!(a.nonce_hex().len(), 32);
    assert_eq!(a.nonce().as_slice(), &entropy(1)[..16]);
    assert_eq!(a.actions().len(), 3);
    assert_eq!((a.issued_at_ms(), a.expires_at_ms()), (NOW, NOW + 60_000));
    assert!(!a.is_expired(NOW + 59_999));
    assert!(a.is_expired(NOW + 60_000));
    let edge = Challenge::generate(&entropy(3), i64::MAX, &policy);
    assert!(edge.expires_at_ms() > edge.issued_at_ms());
}

#[test]
fn a_signed_token_verifies_until_it_expires() {
    let challenge = Challenge::generate(&entropy(5), NOW, &ChallengePolicy::default());
    let token = challenge.sign(&key());
    assert!(token.starts_with("v1."));
    assert_eq!(Challenge::verify(&token, &key(), NOW + 1_000), Ok(challenge.clone()));
    assert_eq!(
        Challenge::verify(&token, &key(), challenge.expires_at_ms()),
        Err(ChallengeError::Expired {
            expires_at_ms: challenge.expires_at_ms(),
            now_ms: challenge.expires_at_ms()
        })
    );
    // Issued "in the future": tolerated within the clock skew, not beyond.
    assert!(Challenge::verify(&token, &key(), NOW - CLOCK_SKEW_TOLERANCE_MS).is_ok());
    assert!(matches!(
        Challenge::verify(&token, &key(), NOW - CLOCK_SKEW_TOLERANCE_MS - 1),
        Err(ChallengeError::NotYetValid { .. })
    ));
}

#[test]
fn any_altered_character_forged_field_or_other_key_is_refused() {
    let challenge = Challenge::generate(&entropy(6), NOW, &ChallengePolicy::default());
    let token = challenge.sign(&key());
    // Every single-character change anywhere in the token.
    for (index, original) in token.char_indices() {
        let replacement = if original == '0' { '1' } else { '0' };
        let mut tampered = token.clone();
        tampered.replace_range(index..index + 1, &replacement.to_string());
        assert!(
            Challenge::verify(&tampered, &key(), NOW).is_err(),
            "accepted a change at {index}: {tampered}"
        );
    }
    // A later expiry, the actions swapped, with the old MAC kept.
    let (body, mac) = token.rsplit_once('.').unwrap();
    let fields: Vec<&str> = body.split('.').collect();
    let longer = format!(
        "{}.{}.{}.{}.{}.{mac}",
        fields[0],
        fields[1],
        fields[2],
        fields[3],
        NOW + 10_000_000
    );
    assert_eq!(
        Challenge::verify(&longer, &key(), NOW),
        Err(ChallengeError::BadSignature)
    );
    let easier = format!(
        "{}.{}.blink,nod.{}.{}.{mac}",
        fields[0], fields[1], fields[3], fields[4]
    );
    assert_eq!(
        Challenge::verify(&easier, &key(), NOW),
        Err(ChallengeError::BadSignature)
    );
    let other_key = ChallengeKey::new(&[43u8; 32]).unwrap();
    assert_eq!(
        Challenge::verify(&token, &other_key, NOW),
        Err(ChallengeError::BadSignature)
    );
}

#[test]
fn malformed_tokens_and_short_keys_are_refused_without_panicking() {
    for token in [
        "",
        ".",
        "v1",
        "v1.....",
        "x".repeat(10_000).as_str(),
        "v1.zz.blink.0.1.00",
        "é.é",
    ] {
        assert!(Challenge::verify(token, &key(), NOW).is_err(), "{token}");
    }
    assert_eq!(
        ChallengeKey::new(&[1; 31]).unwrap_err(),
        ChallengeError::KeyTooShort { len: 31 }
    );
    assert_eq!(format!("{:?}", key()), "ChallengeKey(32 bytes)");
}

#[test]
fn explicit_challenges_are_checked() {
    use Action::*;
    assert!(Challenge::new([0; 16], vec![Blink], 0, 1).is_ok());
    assert_eq!(
        Challenge::new([0; 16], vec![], 0, 1),
        Err(ChallengeError::ActionCount { count: 0 })
    );
    assert_eq!(
        Challenge::new([0; 16], vec![Blink, Nod, Blink, Nod], 0, 1),
        Err(ChallengeError::ActionCount { count: 4 })
    );
    assert_eq!(
        Challenge::new([0; 16], vec![Nod, Nod], 0, 1),
        Err(ChallengeError::RepeatedAction { action: Nod })
    );
    assert!(matches!(
        Challenge::new([0; 16], vec![Nod], 5, 5),
        Err(ChallengeError::EmptyValidity { .. })
    ));
    // Non-adjacent repeats are allowed.
    assert!(Challenge::new([0; 16], vec![TurnLeft, Blink, TurnLeft], 0, 1).is_ok());
}

#[test]
fn the_json_form_carries_the_hex_nonce_and_is_checked_when_read() {
    let challenge = Challenge::generate(&entropy(9), NOW, &ChallengePolicy::default());
    let json = serde_json::to_value(&challenge).unwrap();
    assert_eq!(json["nonce"], challenge.nonce_hex());
    assert_eq!(serde_json::from_value::<Challenge>(json).unwrap(), challenge);
    let bad = serde_json::json!({"nonce": "00", "actions": ["blink"], "issued_at_ms": 0, "expires_at_ms": 1});
    assert!(serde_json::from_value::<Challenge>(bad).is_err());
    let repeated = serde_json::json!({
        "nonce": "00112233445566778899aabbccddeeff", "actions": ["nod", "nod"], "issued_at_ms": 0, "expires_at_ms": 1
    });
    assert!(serde_json::from_value::<Challenge>(repeated).is_err());
}
