//! The console's audit log: who did what, when and from where. Append-only:
//! database triggers refuse every `UPDATE` and `DELETE` of `audit_log`, so
//! not even a bug in the service (or a hand-run query) can rewrite history.
//! Entries are numbered by `seq` in write order.

use crate::{parse_json, Store, StoreError};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

/// An entry to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit {
    /// Who acted (`rev_…`).
    pub actor_id: String,
    /// Their e-mail at the time (kept even if the account changes).
    pub actor_email: String,
    /// What they did (`case.view`, `case.approve`, `login`, …).
    pub action: String,
    /// The case concerned, if any.
    pub applicant_id: Option<String>,
    /// Details of the action (JSON).
    pub detail: serde_json::Value,
    /// The address the request came from.
    pub ip: Option<String>,
    /// The browser's `User-Agent`.
    pub user_agent: Option<String>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Write order (1, 2, …).
    pub seq: i64,
    /// Unix ms.
    pub at: i64,
    /// Who acted.
    pub actor_id: String,
    /// Their e-mail at the time.
    pub actor_email: String,
    /// What they did.
    pub action: String,
    /// The case concerned.
    pub applicant_id: Option<String>,
    /// Details (JSON).
    pub detail: serde_json::Value,
    /// From where.
    pub ip: Option<String>,
    /// With what.
    pub user_agent: Option<String>,
}

const COLUMNS: &str = "seq, at, actor_id, actor_email, action, applicant_id, detail, ip, user_agent";

fn entry_from_row(row: &SqliteRow) -> Result<AuditEntry, StoreError> {
    let detail: String = row.try_get("detail")?;
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor_id: row.try_get("actor_id")?,
        actor_email: row.try_get("actor_email")?,
        action: row.try_get("action")?,
        applicant_id: row.try_get("applicant_id")?,
        detail: parse_json(&detail, "audit_log.detail")?,
        ip: row.try_get("ip")?,
        user_agent: row.try_get("user_agent")?,
    })
}

/// Writes an entry inside the caller's transaction (so an action and its
/// record commit together); its `seq`.
pub(crate) async fn insert_audit(conn: &mut SqliteConnection, entry: &NewAudit, now: i64) -> Result<i64, StoreError> {
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO audit_log (seq, at, actor_id, actor_email, action, applicant_id, detail, ip, user_agent) \
         SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? FROM audit_log RETURNING seq",
    )
    .bind(now)
    .bind(&entry.actor_id)
    .bind(&entry.actor_email)
    .bind(&entry.action)
    .bind(&entry.applicant_id)
    .bind(entry.detail.to_string())
    .bind(&entry.ip)
    .bind(&entry.user_agent)
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

impl Store {
    /// Writes an entry on its own (actions that change state write theirs
    /// in their own transaction); its `seq`.
    pub async fn audit(&self, entry: &NewAudit) -> Result<i64, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let seq = insert_audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// Every entry about a case, oldest first.
    pub async fn audit_for(&self, applicant_id: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE applicant_id = ? ORDER BY seq"
        ))
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Up to `limit` entries written at or after `from_ms` and before
    /// `to_ms`, oldest first (the CSV export).
    pub async fn audit_range(&self, from_ms: i64, to_ms: i64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_in_order(from_ms, to_ms, limit, "ORDER BY at, seq").await
    }

    /// Up to `limit` entries of the range, newest first (the audit page).
    pub async fn audit_latest(&self, from_ms: i64, to_ms: i64, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_in_order(from_ms, to_ms, limit, "ORDER BY at DESC, seq DESC")
            .await
    }

    async fn audit_in_order(
        &self,
        from_ms: i64,
        to_ms: i64,
        limit: u32,
        order: &'static str,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE at >= ? AND at < ? {order} LIMIT ?"
        ))
        .bind(from_ms)
        .bind(to_ms)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(entry_from_row).collect()
    }
}
