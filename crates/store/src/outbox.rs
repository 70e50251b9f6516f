//! The webhook outbox: every event is written in the same transaction as
//! the state change it announces, then delivered (and retried) by the
//! server's delivery loop. The outbox id (`msg_…`) is the `webhook-id`,
//! stable across retries, so receivers deduplicate on it.
//!
//! Payload: `{"id","type","created_at" (RFC 3339, UTC, ms),"data":
//! {"applicant_id","external_user_id","level","decision"?,"reasons"?:
//! [{"code","field"?}],"granted_level"?,"previous_level"?}}`.

use crate::{ids::new_id, to_u32, Store, StoreError};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

/// The kinds of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EventType {
    /// `applicant.created`.
    #[serde(rename = "applicant.created")]
    Created,
    /// `applicant.submitted`: a verification was queued.
    #[serde(rename = "applicant.submitted")]
    Submitted,
    /// `applicant.reviewed`: a decision (approved, retry, rejected).
    #[serde(rename = "applicant.reviewed")]
    Reviewed,
    /// `applicant.on_hold`: sent to a person.
    #[serde(rename = "applicant.on_hold")]
    OnHold,
    /// `applicant.level_changed`: the granted level changed.
    #[serde(rename = "applicant.level_changed")]
    LevelChanged,
}

impl EventType {
    /// The event's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Created => "applicant.created",
            EventType::Submitted => "applicant.submitted",
            EventType::Reviewed => "applicant.reviewed",
            EventType::OnHold => "applicant.on_hold",
            EventType::LevelChanged => "applicant.level_changed",
        }
    }
}

/// An outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEvent {
    /// `msg_…`: the `webhook-id`.
    pub id: String,
    /// `applicant.created`, …
    pub event_type: String,
    /// The applicant it concerns.
    pub applicant_id: String,
    /// The JSON body to POST, byte for byte (it is what is signed).
    pub payload: String,
    /// Unix ms.
    pub created_at: i64,
    /// Delivery attempts made.
    pub attempts: u32,
    /// Unix ms of the next attempt.
    pub next_attempt_at: i64,
    /// Unix ms of the accepted delivery.
    pub delivered_at: Option<i64>,
    /// Unix ms when delivery was given up.
    pub failed_at: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
}

const COLUMNS: &str =
    "id, event_type, applicant_id, payload, created_at, attempts, next_attempt_at, delivered_at, failed_at, last_error";

/// The longest `last_error` kept.
const MAX_ERROR_LEN: usize = 500;

fn event_from_row(row: &SqliteRow) -> Result<OutboxEvent, StoreError> {
    Ok(OutboxEvent {
        id: row.try_get("id")?,
        event_type: row.try_get("event_type")?,
        applicant_id: row.try_get("applicant_id")?,
        payload: row.try_get("payload")?,
        created_at: row.try_get("created_at")?,
        attempts: to_u32(row.try_get("attempts")?, "outbox.attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        delivered_at: row.try_get("delivered_at")?,
        failed_at: row.try_get("failed_at")?,
        last_error: row.try_get("last_error")?,
    })
}

/// RFC 3339 UTC with milliseconds.
fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// Writes an event, due now, inside the caller's transaction; its id.
pub(crate) async fn insert_event(
    conn: &mut SqliteConnection,
    event_type: EventType,
    applicant_id: &str,
    data: serde_json::Value,
    now: i64,
) -> Result<String, StoreError> {
    let id = new_id("msg_")?;
    let payload = serde_json::json!({
        "id": id,
        "type": event_type.as_str(),
        "created_at": rfc3339(now),
        "data": data,
    });
    sqlx::query(
        "INSERT INTO outbox (id, seq, event_type, applicant_id, payload, created_at, attempts, next_attempt_at) \
         SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, 0, ? FROM outbox",
    )
    .bind(&id)
    .bind(event_type.as_str())
    .bind(applicant_id)
    .bind(payload.to_string())
    .bind(now)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Cuts an error message to [`MAX_ERROR_LEN`] bytes on a character boundary.
fn clip(error: &str) -> &str {
    let mut end = error.len().min(MAX_ERROR_LEN);
    while !error.is_char_boundary(end) {
        end -= 1;
    }
    &error[..end]
}

impl Store {
    /// Writes an event on its own (events tied to a state change are
    /// written by that change's method, in its transaction).
    pub async fn insert_event(
        &self,
        event_type: EventType,
        applicant_id: &str,
        data: serde_json::Value,
    ) -> Result<String, StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_event(&mut conn, event_type, applicant_id, data, self.now_ms()).await
    }

    /// Up to `limit` undelivered, not given up events due at `now`, oldest
    /// due first.
    pub async fn due_events(&self, now: i64, limit: u32) -> Result<Vec<OutboxEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL \
             AND next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT ?"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Marks an event delivered (counting the attempt); `false` when it was
    /// unknown, delivered or given up already.
    pub async fn mark_delivered(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL \
             WHERE id = ? AND delivered_at IS NULL AND failed_at IS NULL",
        )
        .bind(self.now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Counts a failed attempt and schedules the next one.
    pub async fn mark_attempt_failed(&self, id: &str, next_attempt_at: i64, error: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? \
             WHERE id = ? AND delivered_at IS NULL AND failed_at IS NULL",
        )
        .bind(next_attempt_at)
        .bind(clip(error))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Counts a last failed attempt and gives the event up (it stays in the
    /// outbox, marked failed, for the operator to see).
    pub async fn mark_given_up(&self, id: &str, error: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, failed_at = ?, last_error = ? \
             WHERE id = ? AND delivered_at IS NULL AND failed_at IS NULL",
        )
        .bind(self.now_ms())
        .bind(clip(error))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every event of an applicant, in the order written.
    pub async fn events_for(&self, applicant_id: &str) -> Result<Vec<OutboxEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE applicant_id = ? ORDER BY seq"
        ))
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Events neither delivered nor given up (a metric, `/readyz` detail).
    pub async fn undelivered_events(&self) -> Result<u64, StoreError> {
        let count: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL")
                .fetch_one(&self.pool)
                .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_clipped_on_character_boundaries() {
        let long = "é".repeat(400);
        let clipped = clip(&long);
        assert!(clipped.len() <= MAX_ERROR_LEN);
        assert!(clipped.len() >= MAX_ERROR_LEN - 1);
        assert_eq!(clip("short"), "short");
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        assert_eq!(rfc3339(1_614_265_330_123), "2021-02-25T15:02:10.123Z");
    }
}
