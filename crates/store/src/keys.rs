//! Operator API keys and the request replay guard.
//!
//! A key's secret is shown once, at creation; the database keeps it sealed
//! with the server's master key (`openkyc_signing::sealed`, the key id as
//! associated data), because verifying an HMAC needs the secret itself.
//! Several keys can be active at once, so operators rotate without downtime.

use crate::ids::{new_id, random_bytes};
use crate::{Store, StoreError};
use serde::Serialize;
use sqlx::Row;

/// Bytes of randomness in a secret (64 hex characters).
const SECRET_BYTES: usize = 32;

/// An API key as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyInfo {
    /// `key_…`.
    pub id: String,
    /// The operator's label for it.
    pub name: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms; `None` while active.
    pub revoked_at: Option<i64>,
}

impl Store {
    /// A new key: `(key_id, secret)`. The secret (64 lowercase hex
    /// characters; its UTF-8 bytes are the HMAC key) is returned only here.
    pub async fn create_api_key(&self, name: &str, master: &[u8; 32]) -> Result<(String, String), StoreError> {
        let key_id = new_id("key_")?;
        let secret = hex::encode(random_bytes::<SECRET_BYTES>()?);
        let sealed = openkyc_signing::sealed::seal(master, random_bytes::<12>()?, &key_id, secret.as_bytes());
        sqlx::query("INSERT INTO api_keys (id, name, sealed_secret, created_at) VALUES (?, ?, ?, ?)")
            .bind(&key_id)
            .bind(name)
            .bind(sealed)
            .bind(self.now_ms())
            .execute(&self.pool)
            .await?;
        Ok((key_id, secret))
    }

    /// The secret's bytes of an active key (`None`: unknown or revoked);
    /// `Sealed` when the master key is not the one it was sealed with.
    pub async fn api_key_secret(&self, key_id: &str, master: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        let sealed: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT sealed_secret FROM api_keys WHERE id = ? AND revoked_at IS NULL")
                .bind(key_id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(sealed) = sealed else {
            return Ok(None);
        };
        openkyc_signing::sealed::open(master, key_id, &sealed)
            .map(Some)
            .map_err(|_| StoreError::Sealed)
    }

    /// Revokes a key; `false` when it was unknown or already revoked.
    pub async fn revoke_api_key(&self, key_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(self.now_ms())
            .bind(key_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every key, oldest first, revoked ones included.
    pub async fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        let rows = sqlx::query("SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ApiKeyInfo {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    created_at: row.try_get("created_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            })
            .collect()
    }

    /// Remembers a request signature until `expires_at` (unix ms): `true`
    /// the first time, `false` for a replay. Expired entries are pruned.
    pub async fn remember_signature(&self, key_id: &str, signature: &str, expires_at: i64) -> Result<bool, StoreError> {
        sqlx::query("DELETE FROM seen_signatures WHERE expires_at < ?")
            .bind(self.now_ms())
            .execute(&self.pool)
            .await?;
        let done = sqlx::query(
            "INSERT INTO seen_signatures (key_id, signature, expires_at) VALUES (?, ?, ?) \
             ON CONFLICT (key_id, signature) DO NOTHING",
        )
        .bind(key_id)
        .bind(signature)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Clock;

    const MASTER: [u8; 32] = [7; 32];

    #[tokio::test]
    async fn keys_are_created_sealed_listed_rotated_and_revoked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let (first, secret) = store.create_api_key("backend", &MASTER).await.unwrap();
        let (second, other) = store.create_api_key("backend (rotation)", &MASTER).await.unwrap();
        assert!(first.starts_with("key_"));
        assert_eq!(secret.len(), 64);
        assert_ne!(secret, other);
        assert_eq!(
            store.api_key_secret(&first, &MASTER).await.unwrap().unwrap(),
            secret.as_bytes()
        );
        assert_eq!(
            store.api_key_secret(&second, &MASTER).await.unwrap().unwrap(),
            other.as_bytes()
        );
        // The database holds no plain secret.
        let raw: Vec<u8> = sqlx::query_scalar("SELECT sealed_secret FROM api_keys WHERE id = ?")
            .bind(&first)
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert!(!raw.windows(secret.len()).any(|w| w == secret.as_bytes()));
        assert!(matches!(
            store.api_key_secret(&first, &[8; 32]).await,
            Err(StoreError::Sealed)
        ));
        assert!(store.revoke_api_key(&first).await.unwrap());
        assert!(!store.revoke_api_key(&first).await.unwrap());
        assert_eq!(store.api_key_secret(&first, &MASTER).await.unwrap(), None);
        assert!(store.api_key_secret(&second, &MASTER).await.unwrap().is_some());
        assert_eq!(store.api_key_secret("key_unknown", &MASTER).await.unwrap(), None);
        let listed = store.list_api_keys().await.unwrap();
        assert_eq!(listed.len(), 2);
        let revoked: Vec<bool> = listed.iter().map(|key| key.revoked_at.is_some()).collect();
        let first_at = listed.iter().position(|key| key.id == first).unwrap();
        assert!(revoked[first_at]);
        assert_eq!(revoked.iter().filter(|r| **r).count(), 1);
    }

    #[tokio::test]
    async fn a_signature_is_accepted_once_within_its_window() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(1_000_000);
        let store = Store::open(dir.path()).await.unwrap().with_clock(clock.clone());
        let window_end = clock.now_ms() + 300_000;
        assert!(store.remember_signature("key_a", "sig1", window_end).await.unwrap());
        assert!(!store.remember_signature("key_a", "sig1", window_end).await.unwrap());
        assert!(store.remember_signature("key_b", "sig1", window_end).await.unwrap());
        assert!(store.remember_signature("key_a", "sig2", window_end).await.unwrap());
        clock.advance(300_001);
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM seen_signatures")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(count, 3);
        // Past the window the old rows are pruned (the request itself is
        // then refused as stale by the timestamp check).
        assert!(store
            .remember_signature("key_a", "sig3", clock.now_ms() + 300_000)
            .await
            .unwrap());
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM seen_signatures")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(count, 1);
    }
}
