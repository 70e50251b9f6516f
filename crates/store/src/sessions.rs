//! Console logins: sessions and login throttling.
//!
//! A session is keyed by the SHA-256 hex of its cookie's token (the server
//! hashes; the store never sees a token, so a copy of the database logs no
//! one in). It is live until it ends, its `expires_at` passes (the server
//! slides it forward on use), or its reviewer is disabled.
//!
//! Failed logins are rows in the database, so the throttle survives a
//! restart and is shared by every process using the store.

use crate::reviewers::{reviewer_from, Reviewer};
use crate::{to_u32, Store, StoreError};
use serde::Serialize;
use sqlx::Row;

/// How long a failed login is remembered (longer than any throttle window).
const FAILURE_MEMORY_MS: i64 = 24 * 60 * 60 * 1000;

/// A session to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The reviewer logged in (`rev_…`).
    pub reviewer_id: String,
    /// SHA-256 hex of the cookie's token.
    pub token_hash: String,
    /// The token every form of the session must carry.
    pub csrf_token: String,
    /// The address the login came from.
    pub ip: Option<String>,
    /// The browser's `User-Agent`.
    pub user_agent: Option<String>,
    /// Unix ms when the session ends unless extended.
    pub expires_at: i64,
}

/// A live session with its reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSession {
    /// SHA-256 hex of the cookie's token.
    pub token_hash: String,
    /// Who is logged in (an active account).
    pub reviewer: Reviewer,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Unix ms of the login.
    pub created_at: i64,
    /// Unix ms when it ends unless extended.
    pub expires_at: i64,
    /// The address the login came from.
    pub ip: Option<String>,
    /// The browser's `User-Agent` at login.
    pub user_agent: Option<String>,
}

/// Recent failed logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LoginFailures {
    /// For the e-mail (since its last successful login).
    pub by_email: u32,
    /// From the address, whatever the e-mail.
    pub by_ip: u32,
    /// For the e-mail from this address (since its last successful login):
    /// throttling on the pair keeps a stranger from locking a reviewer out.
    pub by_email_and_ip: u32,
}

/// E-mails are compared as accounts store them.
fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    /// Records a login; removes sessions that have expired by now.
    pub async fn create_session(&self, session: &NewSession) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM console_sessions WHERE expires_at <= ?")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO console_sessions (token_hash, reviewer_id, csrf_token, ip, user_agent, created_at, \
             expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&session.token_hash)
        .bind(&session.reviewer_id)
        .bind(&session.csrf_token)
        .bind(&session.ip)
        .bind(&session.user_agent)
        .bind(now)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this token hash: `None` when unknown, ended,
    /// expired, or its reviewer is disabled.
    pub async fn session(&self, token_hash: &str) -> Result<Option<ConsoleSession>, StoreError> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.csrf_token, s.ip, s.user_agent, s.created_at AS session_created_at, \
             s.expires_at, r.id, r.email, r.role, r.created_at, r.disabled_at \
             FROM console_sessions s JOIN reviewers r ON r.id = s.reviewer_id \
             WHERE s.token_hash = ? AND s.expires_at > ? AND r.disabled_at IS NULL",
        )
        .bind(token_hash)
        .bind(self.now_ms())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(ConsoleSession {
                token_hash: row.try_get("token_hash")?,
                reviewer: reviewer_from(&row)?,
                csrf_token: row.try_get("csrf_token")?,
                created_at: row.try_get("session_created_at")?,
                expires_at: row.try_get("expires_at")?,
                ip: row.try_get("ip")?,
                user_agent: row.try_get("user_agent")?,
            })
        })
        .transpose()
    }

    /// Moves a live session's end to `expires_at` (the sliding idle
    /// timeout). An ended or expired session stays so: a late request
    /// cannot revive it.
    pub async fn extend_session(&self, token_hash: &str, expires_at: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE console_sessions SET expires_at = ? WHERE token_hash = ? AND expires_at > ?")
            .bind(expires_at)
            .bind(token_hash)
            .bind(self.now_ms())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session (logout); `false` when there was none.
    pub async fn end_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM console_sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Counts a failed login for `email` (trimmed, lower case) from `ip`;
    /// forgets failures older than a day.
    pub async fn record_login_failure(&self, email: &str, ip: &str) -> Result<(), StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM login_failures WHERE at < ?")
            .bind(now.saturating_sub(FAILURE_MEMORY_MS))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?)")
            .bind(normalise_email(email))
            .bind(ip)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Failed logins at or after `since_ms`: for `email` (not cleared by a
    /// later successful login) and from `ip`.
    pub async fn login_failures_since(
        &self,
        email: &str,
        ip: &str,
        since_ms: i64,
    ) -> Result<LoginFailures, StoreError> {
        let row = sqlx::query(
            "SELECT \
             (SELECT COUNT(*) FROM login_failures WHERE email = ? AND at >= ? AND cleared_at IS NULL) AS by_email, \
             (SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at >= ?) AS by_ip, \
             (SELECT COUNT(*) FROM login_failures \
              WHERE email = ? AND ip = ? AND at >= ? AND cleared_at IS NULL) AS by_email_and_ip",
        )
        .bind(normalise_email(email))
        .bind(since_ms)
        .bind(ip)
        .bind(since_ms)
        .bind(normalise_email(email))
        .bind(ip)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(LoginFailures {
            by_email: to_u32(row.try_get("by_email")?, "login_failures")?,
            by_ip: to_u32(row.try_get("by_ip")?, "login_failures")?,
            by_email_and_ip: to_u32(row.try_get("by_email_and_ip")?, "login_failures")?,
        })
    }

    /// Forgets the e-mail's failures after a successful login. They still
    /// count for their address: logging into one account does not lift the
    /// throttle on an address guessing at others.
    pub async fn clear_login_failures(&self, email: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE login_failures SET cleared_at = ? WHERE email = ? AND cleared_at IS NULL")
            .bind(self.now_ms())
            .bind(normalise_email(email))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
