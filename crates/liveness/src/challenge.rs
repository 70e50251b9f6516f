//! Challenges: a random sequence of actions bound to a nonce and a validity
//! window, and its signed, stateless token form.
//!
//! The server draws 32 bytes from the operating system, calls
//! [`Challenge::generate`], hands [`Challenge::sign`]'s token to the client,
//! and later gets the challenge back with [`Challenge::verify`]: a forged or
//! altered token fails the HMAC-SHA256 check (compared in constant time), an
//! expired one is refused. What a stateless token cannot tell is whether it
//! was used before: to make a challenge single-use, the server records the
//! [`Challenge::nonce_hex`] of every accepted submission until its
//! [`Challenge::expires_at_ms`] and refuses it a second time (a set whose
//! size the validity window bounds).

use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use thiserror::Error;

use crate::action::{format_actions, parse_actions, Action};

/// Bytes of a challenge's nonce (128 bits).
pub const NONCE_BYTES: usize = 16;
/// Fewest actions a challenge may hold.
pub const MIN_ACTIONS: usize = 1;
/// Most actions a challenge may hold (about 8 s of video at most).
pub const MAX_ACTIONS: usize = 3;
/// Shortest accepted signing key: HMAC-SHA256's own output length.
pub const MIN_KEY_BYTES: usize = 32;
/// A token whose issue time lies this far after the verifier's clock is
/// still accepted, so servers whose clocks disagree by a few seconds can
/// issue and verify for each other.
pub const CLOCK_SKEW_TOLERANCE_MS: i64 = 30_000;
/// Longest token [`Challenge::verify`] looks at; real ones are about
/// 170 characters.
pub const MAX_TOKEN_CHARS: usize = 512;

/// The token format's version, its first field.
const TOKEN_VERSION: &str = "v1";
/// Prefixed to what the MAC covers, so the same key used for another kind
/// of token elsewhere can never produce a valid challenge.
const MAC_CONTEXT: &[u8] = b"openkyc liveness challenge\0";

type HmacSha256 = Hmac<Sha256>;

/// How challenges are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengePolicy {
    /// Fewest actions (default 2; clamped into 1..=3).
    pub min_actions: usize,
    /// Most actions (default 3; clamped into `min_actions..=3`).
    pub max_actions: usize,
    /// How long a challenge stays valid after issue (default 120 000 ms:
    /// reading the prompt, about 8 s of recording and an upload on a slow
    /// line; shorter windows leave a replayed recording less time).
    pub ttl_ms: i64,
}

impl Default for ChallengePolicy {
    fn default() -> Self {
        Self {
            min_actions: 2,
            max_actions: 3,
            ttl_ms: 120_000,
        }
    }
}

impl ChallengePolicy {
    /// The action counts actually used: the policy's, clamped into
    /// [`MIN_ACTIONS`]..=[`MAX_ACTIONS`].
    pub fn action_count_range(&self) -> (usize, usize) {
        let min = self.min_actions.clamp(MIN_ACTIONS, MAX_ACTIONS);
        let max = self.max_actions.clamp(min, MAX_ACTIONS);
        (min, max)
    }

    /// How many different action sequences [`Challenge::generate`] can
    /// draw (48 by default: 12 of two actions, 36 of three); each is drawn
    /// with the same probability, so one recording made in advance fits a
    /// challenge with probability 1 / this.
    pub fn sequence_count(&self) -> u128 {
        let (min, max) = self.action_count_range();
        (min..=max).map(sequences_of_length).sum()
    }
}

/// Sequences of `length` actions with no action twice in a row: 4 choices
/// for the first, 3 for each next.
fn sequences_of_length(length: usize) -> u128 {
    let first = Action::ALL.len() as u128;
    let next = first - 1;
    (1..length).fold(first, |count, _| count * next)
}

/// What the applicant must do, bound to a nonce and a validity window.
///
/// Always valid: 1 to 3 actions, none twice in a row, expiry after issue
/// (the constructors check it, deserialising too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ChallengeWire", try_from = "ChallengeWire")]
pub struct Challenge {
    nonce: [u8; NONCE_BYTES],
    actions: Vec<Action>,
    issued_at_ms: i64,
    expires_at_ms: i64,
}

/// The serde form: the nonce as 32 lowercase hex digits.
#[derive(Serialize, Deserialize)]
struct ChallengeWire {
    nonce: String,
    actions: Vec<Action>,
    issued_at_ms: i64,
    expires_at_ms: i64,
}

impl From<Challenge> for ChallengeWire {
    fn from(challenge: Challenge) -> Self {
        Self {
            nonce: challenge.nonce_hex(),
            actions: challenge.actions,
            issued_at_ms: challenge.issued_at_ms,
            expires_at_ms: challenge.expires_at_ms,
        }
    }
}

impl TryFrom<ChallengeWire> for Challenge {
    type Error = ChallengeError;

    fn try_from(wire: ChallengeWire) -> Result<Self, Self::Error> {
        let nonce = decode_hex::<NONCE_BYTES>(&wire.nonce).ok_or(ChallengeError::Malformed("nonce"))?;
        Challenge::new(nonce, wire.actions, wire.issued_at_ms, wire.expires_at_ms)
    }
}

/// Why a challenge could not be made or a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChallengeError {
    /// Fewer than [`MIN_ACTIONS`] or more than [`MAX_ACTIONS`] actions.
    #[error("a challenge holds 1 to 3 actions, not {count}")]
    ActionCount {
        /// The number given.
        count: usize,
    },
    /// The same action twice in a row (one movement would count for both).
    #[error("{action} twice in a row")]
    RepeatedAction {
        /// The repeated action.
        action: Action,
    },
    /// The expiry is not after the issue time.
    #[error("expiry {expires_at_ms} is not after issue {issued_at_ms}")]
    EmptyValidity {
        /// Issue time, ms.
        issued_at_ms: i64,
        /// Expiry, ms.
        expires_at_ms: i64,
    },
    /// The signing key is shorter than [`MIN_KEY_BYTES`].
    #[error("a challenge key needs at least {MIN_KEY_BYTES} bytes, got {len}")]
    KeyTooShort {
        /// The key's length in bytes.
        len: usize,
    },
    /// Not a token of this format (the field named is the first found wrong).
    #[error("malformed challenge token ({0})")]
    Malformed(&'static str),
    /// The MAC does not match: forged, altered, or signed with another key.
    #[error("challenge token signature does not match")]
    BadSignature,
    /// The challenge expired.
    #[error("challenge expired at {expires_at_ms} (now {now_ms})")]
    Expired {
        /// Expiry, ms.
        expires_at_ms: i64,
        /// The verifier's clock, ms.
        now_ms: i64,
    },
    /// Issued further in the future than [`CLOCK_SKEW_TOLERANCE_MS`] allows.
    #[error("challenge issued at {issued_at_ms}, after now ({now_ms})")]
    NotYetValid {
        /// Issue time, ms.
        issued_at_ms: i64,
        /// The verifier's clock, ms.
        now_ms: i64,
    },
}

/// The server's secret for signing challenges (at least [`MIN_KEY_BYTES`]
/// bytes, e.g. 32 from the operating system's generator kept in the
/// configuration). Its `Debug` form never shows the bytes.
#[derive(Clone)]
pub struct ChallengeKey(Vec<u8>);

impl ChallengeKey {
    /// Wraps the key bytes; refuses keys too short to be secure.
    pub fn new(bytes: &[u8]) -> Result<Self, ChallengeError> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(ChallengeError::KeyTooShort { len: bytes.len() });
        }
        Ok(Self(bytes.to_vec()))
    }

    fn mac(&self, body: &str) -> HmacSha256 {
        // HMAC takes keys of any length: `new_from_slice` cannot fail here,
        // and a failure would only ever mean "no valid signature".
        let mut mac = match HmacSha256::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => HmacSha256::new(&Default::default()),
        };
        mac.update(MAC_CONTEXT);
        mac.update(body.as_bytes());
        mac
    }
}

impl fmt::Debug for ChallengeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChallengeKey({} bytes)", self.0.len())
    }
}

impl Challenge {
    /// A challenge from its parts, checked: 1 to 3 actions, none twice in a
    /// row, expiry after issue. (The CLI's `--challenge blink,turn_left`
    /// builds one this way, with a nonce and window of its choosing.)
    pub fn new(
        nonce: [u8; NONCE_BYTES],
        actions: Vec<Action>,
        issued_at_ms: i64,
        expires_at_ms: i64,
    ) -> Result<Self, ChallengeError> {
        if !(MIN_ACTIONS..=MAX_ACTIONS).contains(&actions.len()) {
            return Err(ChallengeError::ActionCount { count: actions.len() });
        }
        if let Some(pair) = actions.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(ChallengeError::RepeatedAction { action: pair[0] });
        }
        if expires_at_ms <= issued_at_ms {
            return Err(ChallengeError::EmptyValidity {
                issued_at_ms,
                expires_at_ms,
            });
        }
        Ok(Self {
            nonce,
            actions,
            issued_at_ms,
            expires_at_ms,
        })
    }

    /// Draws a challenge from 32 bytes of entropy the caller took from the
    /// operating system: the first 16 are the nonce, the last 16 choose the
    /// sequence, uniformly among the policy's
    /// [`ChallengePolicy::sequence_count`] sequences (a 128-bit number
    /// reduced modulo a count below 100: the bias is under 2⁻¹²⁰). The same
    /// entropy always gives the same challenge.
    pub fn generate(entropy: &[u8; 32], now_ms: i64, policy: &ChallengePolicy) -> Self {
        let mut nonce = [0u8; NONCE_BYTES];
        nonce.copy_from_slice(&entropy[..NONCE_BYTES]);
        let mut choice_bytes = [0u8; 16];
        choice_bytes.copy_from_slice(&entropy[NONCE_BYTES..]);
        let choice = u128::from_le_bytes(choice_bytes);
        let actions = sequence_at(choice % policy.sequence_count().max(1), policy);
        let expires_at_ms = now_ms.saturating_add(policy.ttl_ms.max(1));
        // `saturating_add` can only fail to move past `now_ms` at i64::MAX.
        let issued_at_ms = if expires_at_ms > now_ms {
            now_ms
        } else {
            expires_at_ms - 1
        };
        Self {
            nonce,
            actions,
            issued_at_ms,
            expires_at_ms,
        }
    }

    /// The nonce.
    pub fn nonce(&self) -> [u8; NONCE_BYTES] {
        self.nonce
    }

    /// The nonce as 32 lowercase hex digits.
    pub fn nonce_hex(&self) -> String {
        encode_hex(&self.nonce)
    }

    /// The actions, in the order they must be performed.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Issue time, ms since the Unix epoch (the caller's clock).
    pub fn issued_at_ms(&self) -> i64 {
        self.issued_at_ms
    }

    /// Expiry, ms since the Unix epoch.
    pub fn expires_at_ms(&self) -> i64 {
        self.expires_at_ms
    }

    /// Whether the challenge has expired at `now_ms` (expiry itself counts
    /// as expired).
    pub fn is_expired(&self, now_ms: i64) -> bool {
        now_ms >= self.expires_at_ms
    }

    /// The signed token: `v1.<nonce hex>.<actions>.<issued>.<expires>.<mac
    /// hex>`, e.g. `v1.3f…a0.blink,turn_left.1700000000000.1700000120000.9c…`,
    /// where the MAC is HMAC-SHA256 over everything before its dot.
    /// Readable on purpose: it is not secret, only unforgeable.
    pub fn sign(&self, key: &ChallengeKey) -> String {
        let body = self.token_body();
        let tag = key.mac(&body).finalize().into_bytes();
        format!("{body}.{}", encode_hex(&tag))
    }

    /// The challenge a token carries, if its MAC verifies under `key` and
    /// it is valid at `now_ms` (not expired, not issued in the future beyond
    /// [`CLOCK_SKEW_TOLERANCE_MS`]). The MAC is checked before anything
    /// else is read, in constant time.
    pub fn verify(token: &str, key: &ChallengeKey, now_ms: i64) -> Result<Challenge, ChallengeError> {
        if token.len() > MAX_TOKEN_CHARS {
            return Err(ChallengeError::Malformed("length"));
        }
        let (body, tag_hex) = token.rsplit_once('.').ok_or(ChallengeError::Malformed("mac"))?;
        let tag = decode_hex::<32>(tag_hex).ok_or(ChallengeError::Malformed("mac"))?;
        key.mac(body)
            .verify_slice(&tag)
            .map_err(|_| ChallengeError::BadSignature)?;
        let challenge = Self::parse_body(body)?;
        if challenge.issued_at_ms > now_ms.saturating_add(CLOCK_SKEW_TOLERANCE_MS) {
            return Err(ChallengeError::NotYetValid {
                issued_at_ms: challenge.issued_at_ms,
                now_ms,
            });
        }
        if challenge.is_expired(now_ms) {
            return Err(ChallengeError::Expired {
                expires_at_ms: challenge.expires_at_ms,
                now_ms,
            });
        }
        Ok(challenge)
    }

    fn token_body(&self) -> String {
        format!(
            "{TOKEN_VERSION}.{}.{}.{}.{}",
            self.nonce_hex(),
            format_actions(&self.actions),
            self.issued_at_ms,
            self.expires_at_ms
        )
    }

    fn parse_body(body: &str) -> Result<Challenge, ChallengeError> {
        let fields: Vec<&str> = body.split('.').collect();
        let [version, nonce, actions, issued, expires] = fields.as_slice() else {
            return Err(ChallengeError::Malformed("field count"));
        };
        if *version != TOKEN_VERSION {
            return Err(ChallengeError::Malformed("version"));
        }
        let nonce = decode_hex::<NONCE_BYTES>(nonce).ok_or(ChallengeError::Malformed("nonce"))?;
        let actions = parse_actions(actions).map_err(|_| ChallengeError::Malformed("actions"))?;
        let issued = issued.parse().map_err(|_| ChallengeError::Malformed("issued"))?;
        let expires = expires.parse().map_err(|_| ChallengeError::Malformed("expires"))?;
        Challenge::new(nonce, actions, issued, expires)
    }
}

/// The `index`-th sequence (0-based) in a fixed enumeration of the
/// policy's sequences: shorter lengths first; within a length, the index's
/// base-4 then base-3 digits pick the first action and each next one among
/// the three that differ from its predecessor. A bijection, so every
/// sequence is reachable and uniform entropy gives a uniform draw.
fn sequence_at(mut index: u128, policy: &ChallengePolicy) -> Vec<Action> {
    let (min, max) = policy.action_count_range();
    let mut length = min;
    while length < max && index >= sequences_of_length(length) {
        index -= sequences_of_length(length);
        length += 1;
    }
    let all = Action::ALL;
    let first_radix = all.len() as u128;
    let mut previous = all[(index % first_radix) as usize % all.len()];
    index /= first_radix;
    let mut actions = vec![previous];
    for _ in 1..length {
        let others: Vec<Action> = all.into_iter().filter(|action| *action != previous).collect();
        let radix = others.len() as u128;
        let pick = (index % radix) as usize;
        index /= radix;
        previous = others.get(pick).copied().unwrap_or(previous);
        actions.push(previous);
    }
    actions
}

fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Exactly `N` bytes from `2 N` hex digits (either case), or `None`.
fn decode_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != N * 2 {
        return None;
    }
    let mut bytes = [0u8; N];
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        *byte = u8::try_from(high * 16 + low).ok()?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_bad_digits_and_lengths() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(encode_hex(&bytes), "0001abff");
        assert_eq!(decode_hex::<4>("0001ABff"), Some(bytes));
        assert_eq!(decode_hex::<4>("0001abf"), None);
        assert_eq!(decode_hex::<4>("0001abfg"), None);
        assert_eq!(decode_hex::<2>("é1"), None);
    }

    #[test]
    fn sequence_counts_follow_from_the_no_repeat_rule() {
        assert_eq!(sequences_of_length(1), 4);
        assert_eq!(sequences_of_length(2), 12);
        assert_eq!(sequences_of_length(3), 36);
        assert_eq!(ChallengePolicy::default().sequence_count(), 48);
        let silly = ChallengePolicy {
            min_actions: 9,
            max_actions: 0,
            ttl_ms: 0,
        };
        assert_eq!(silly.action_count_range(), (3, 3));
    }

    #[test]
    fn the_enumeration_is_a_bijection_onto_valid_sequences() {
        let policy = ChallengePolicy {
            min_actions: 1,
            max_actions: 3,
            ttl_ms: 1,
        };
        let all: std::collections::BTreeSet<Vec<Action>> = (0..policy.sequence_count())
            .map(|index| sequence_at(index, &policy))
            .collect();
        assert_eq!(all.len() as u128, policy.sequence_count());
        assert!(all.iter().all(|seq| seq.windows(2).all(|pair| pair[0] != pair[1])));
    }
}
