//! Reviewer accounts for the review console: roles, and passwords hashed
//! with Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, 1 lane,
//! the OWASP minimum) into PHC strings with a random salt. Only the hash is
//! stored; verifying is constant-time inside `argon2`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted (hashing cost is bounded by it).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// What a reviewer may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Decides cases.
    Reviewer,
    /// Also final rejections and reopening.
    Senior,
    /// Also manages users, API keys, webhook endpoints; sees the levels.
    Admin,
}

impl Role {
    /// The role as stored and typed (`reviewer`, `senior`, `admin`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Senior => "senior",
            Role::Admin => "admin",
        }
    }

    /// The role written as [`Role::as_str`] gives it.
    pub fn parse(text: &str) -> Option<Role> {
        [Role::Reviewer, Role::Senior, Role::Admin]
            .into_iter()
            .find(|role| role.as_str() == text)
    }
}

/// A password that cannot be used, or hashing that failed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short or too long.
    #[error("a password has {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_BYTES} bytes")]
    Length,
    /// The hasher failed (no randomness for the salt).
    #[error("hashing the password failed: {0}")]
    Hash(String),
}

/// The Argon2id PHC string of `password`, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::Length);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hash(error.to_string()))
}

/// Whether `password` matches the stored PHC string (`false` for a
/// malformed hash or an oversized password).
pub fn verify_password(password: &str, hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_hashed_with_argon2id_and_a_fresh_salt() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert_ne!(hash, hash_password("correct horse battery").unwrap(), "salted");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert!(matches!(hash_password("short"), Err(PasswordError::Length)));
        assert!(matches!(hash_password(&"x".repeat(2000)), Err(PasswordError::Length)));
    }

    #[test]
    fn roles_round_trip_and_are_ordered_by_power() {
        for role in [Role::Reviewer, Role::Senior, Role::Admin] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(Role::Admin > Role::Senior && Role::Senior > Role::Reviewer);
    }
}
