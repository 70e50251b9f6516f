//! Webhook endpoints managed in the console: a URL and its own `whsec_`
//! secret, shown once at creation and sealed at rest with the master key
//! (as API keys are). Disabled endpoints are kept for the record.

use crate::ids::{new_id, random_bytes};
use crate::{Store, StoreError};
use serde::Serialize;
use sqlx::Row;

/// An endpoint as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookEndpointInfo {
    /// `whk_…`.
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms; `None` while events go to it.
    pub disabled_at: Option<i64>,
}

/// An active endpoint with its secret, for the delivery loop.
#[derive(Clone, PartialEq, Eq)]
pub struct ActiveWebhookEndpoint {
    /// `whk_…`.
    pub id: String,
    /// Where events are POSTed.
    pub url: String,
    /// The `whsec_` secret the payloads are signed with.
    pub secret: String,
}

impl std::fmt::Debug for ActiveWebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ActiveWebhookEndpoint({})", self.id)
    }
}

impl Store {
    /// Adds an endpoint: `(id, whsec_ secret)`; the secret is returned only
    /// here. `Invalid("url")` unless an http(s) URL of at most 2000 bytes.
    pub async fn create_webhook_endpoint(&self, url: &str, master: &[u8; 32]) -> Result<(String, String), StoreError> {
        let url = url.trim();
        let well_formed = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() <= 2000
            && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(StoreError::Invalid("url"));
        }
        let id = new_id("whk_")?;
        let secret = openkyc_signing::webhook::new_secret(random_bytes::<24>()?);
        let sealed = openkyc_signing::sealed::seal(master, random_bytes::<12>()?, &id, secret.as_bytes());
        sqlx::query("INSERT INTO webhook_endpoints (id, url, sealed_secret, created_at) VALUES (?, ?, ?, ?)")
            .bind(&id)
            .bind(url)
            .bind(sealed)
            .bind(self.now_ms())
            .execute(&self.pool)
            .await?;
        Ok((id, secret))
    }

    /// Every endpoint, oldest first, disabled ones included.
    pub async fn list_webhook_endpoints(&self) -> Result<Vec<WebhookEndpointInfo>, StoreError> {
        let rows =
            sqlx::query("SELECT id, url, created_at, disabled_at FROM webhook_endpoints ORDER BY created_at, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(WebhookEndpointInfo {
                    id: row.try_get("id")?,
                    url: row.try_get("url")?,
                    created_at: row.try_get("created_at")?,
                    disabled_at: row.try_get("disabled_at")?,
                })
            })
            .collect()
    }

    /// The active endpoints with their secrets; `Sealed` when the master key
    /// is not the one they were sealed with.
    pub async fn active_webhook_endpoints(&self, master: &[u8; 32]) -> Result<Vec<ActiveWebhookEndpoint>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, url, sealed_secret FROM webhook_endpoints WHERE disabled_at IS NULL ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let sealed: Vec<u8> = row.try_get("sealed_secret")?;
                let secret = openkyc_signing::sealed::open(master, &id, &sealed).map_err(|_| StoreError::Sealed)?;
                Ok(ActiveWebhookEndpoint {
                    url: row.try_get("url")?,
                    secret: String::from_utf8(secret).map_err(|_| StoreError::Corrupt("webhook_endpoints.secret"))?,
                    id,
                })
            })
            .collect()
    }

    /// Stops sending to an endpoint; `false` when unknown or already off.
    pub async fn disable_webhook_endpoint(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE webhook_endpoints SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL")
            .bind(self.now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn endpoints_keep_their_secret_sealed_and_can_be_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let master = [7u8; 32];
        let (id, secret) = store
            .create_webhook_endpoint(" https://hooks.example.org/kyc ", &master)
            .await
            .unwrap();
        assert!(id.starts_with("whk_") && secret.starts_with("whsec_"), "{id} {secret}");
        let active = store.active_webhook_endpoints(&master).await.unwrap();
        assert_eq!(active.len(), 1);
        assert_eq!(
            (active[0].url.as_str(), active[0].secret.as_str()),
            ("https://hooks.example.org/kyc", secret.as_str())
        );
        assert!(!format!("{active:?}").contains(&secret), "Debug never shows the secret");
        assert!(matches!(
            store.active_webhook_endpoints(&[8u8; 32]).await,
            Err(StoreError::Sealed)
        ));
        for bad in ["ftp://x", "https://a b", "", "javascript:alert(1)"] {
            assert!(matches!(
                store.create_webhook_endpoint(bad, &master).await,
                Err(StoreError::Invalid("url"))
            ));
        }
        assert!(store.disable_webhook_endpoint(&id).await.unwrap());
        assert!(!store.disable_webhook_endpoint(&id).await.unwrap());
        assert!(store.active_webhook_endpoints(&master).await.unwrap().is_empty());
        assert_eq!(store.list_webhook_endpoints().await.unwrap().len(), 1);
    }
}
