//! Reviewer accounts of the review console: an e-mail (unique, compared in
//! lower case), a role, and a password hash the caller computed (Argon2id,
//! in the server); the store never sees a password.

use crate::ids::new_id;
use crate::{is_unique_violation, Store, StoreError};
use sqlx::Row;

/// A reviewer account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    /// `rev_…`.
    pub id: String,
    /// The login, lower case.
    pub email: String,
    /// `reviewer`, `senior` or `admin`.
    pub role: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms; `None` while the account may log in.
    pub disabled_at: Option<i64>,
}

pub(crate) fn reviewer_from(row: &sqlx::sqlite::SqliteRow) -> Result<Reviewer, StoreError> {
    Ok(Reviewer {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        role: row.try_get("role")?,
        created_at: row.try_get("created_at")?,
        disabled_at: row.try_get("disabled_at")?,
    })
}

impl Store {
    /// Creates an account; `DuplicateEmail` when the e-mail is taken.
    pub async fn create_reviewer(&self, email: &str, role: &str, password_hash: &str) -> Result<Reviewer, StoreError> {
        let id = new_id("rev_")?;
        let email = email.trim().to_lowercase();
        let now = self.now_ms();
        let inserted =
            sqlx::query("INSERT INTO reviewers (id, email, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")
                .bind(&id)
                .bind(&email)
                .bind(role)
                .bind(password_hash)
                .bind(now)
                .execute(&self.pool)
                .await;
        match inserted {
            Ok(_) => Ok(Reviewer {
                id,
                email,
                role: role.to_owned(),
                created_at: now,
                disabled_at: None,
            }),
            Err(error) if is_unique_violation(&error) => Err(StoreError::DuplicateEmail),
            Err(error) => Err(error.into()),
        }
    }

    /// An active account and its password hash, by e-mail (any case).
    pub async fn reviewer_login(&self, email: &str) -> Result<Option<(Reviewer, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, email, role, created_at, disabled_at, password_hash FROM reviewers \
             WHERE email = ? AND disabled_at IS NULL",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((reviewer_from(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    /// Every account, oldest first.
    pub async fn list_reviewers(&self) -> Result<Vec<Reviewer>, StoreError> {
        let rows =
            sqlx::query("SELECT id, email, role, created_at, disabled_at FROM reviewers ORDER BY created_at, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(reviewer_from).collect()
    }

    /// Disables an account, ends its console sessions and lets go of its
    /// case claims (so its cases return to the queue at once), in one
    /// transaction; `false` when unknown or already disabled.
    pub async fn disable_reviewer(&self, email: &str) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let disabled = sqlx::query_scalar::<_, String>(
            "UPDATE reviewers SET disabled_at = ? WHERE email = ? AND disabled_at IS NULL RETURNING id",
        )
        .bind(self.now_ms())
        .bind(email.trim().to_lowercase())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = disabled else {
            return Ok(false);
        };
        for table in ["console_sessions", "case_claims"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE reviewer_id = ?"))
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accounts_are_unique_by_email_in_any_case_and_can_be_disabled() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let created = store
            .create_reviewer("Ada@Example.org ", "senior", "$argon2id$x")
            .await
            .unwrap();
        assert_eq!(
            (created.email.as_str(), created.role.as_str()),
            ("ada@example.org", "senior")
        );
        assert!(matches!(
            store
                .create_reviewer("ada@example.ORG", "reviewer", "$argon2id$y")
                .await,
            Err(StoreError::DuplicateEmail)
        ));
        let (found, hash) = store.reviewer_login("ADA@example.org").await.unwrap().unwrap();
        assert_eq!((found.id, hash.as_str()), (created.id, "$argon2id$x"));
        assert_eq!(store.list_reviewers().await.unwrap().len(), 1);
        assert!(store.disable_reviewer("ada@example.org").await.unwrap());
        assert!(!store.disable_reviewer("ada@example.org").await.unwrap());
        assert!(store.reviewer_login("ada@example.org").await.unwrap().is_none());
    }
}
