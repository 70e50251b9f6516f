//! Applicants: creation (unique external user id), basic information,
//! attempts, the status machine and the history of granted levels.
//!
//! Status machine: `init` → `pending` (submitted: a job is queued) →
//! `completed` (approved, retry or rejected) or `on_hold` (review, until a
//! person decides). Uploads, basic information and submission are open in
//! `init` and after a `retry` decision ([`Applicant::is_editable`]).
//! An attempt numbers one submission's uploads: a `retry` decision opens
//! the next attempt carrying the document and selfie uploads forward (the
//! applicant replaces only what the reasons name; liveness needs a new
//! challenge), [`Store::reset_applicant`] opens one with nothing carried.

use crate::jobs::Decision;
use crate::outbox::{insert_event, EventType};
use crate::{ids::new_id, is_unique_violation, parse_json, to_u32, Store, StoreError};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use std::fmt;

/// Where an applicant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantStatus {
    /// Created; collecting data and uploads.
    Init,
    /// Submitted; a verification job is queued or running.
    Pending,
    /// Decided: approved, retry or rejected (see the decision).
    Completed,
    /// Sent to review: a person decides.
    OnHold,
}

impl ApplicantStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantStatus::Init => "init",
            ApplicantStatus::Pending => "pending",
            ApplicantStatus::Completed => "completed",
            ApplicantStatus::OnHold => "on_hold",
        }
    }

    /// The status named `text`.
    pub fn parse(text: &str) -> Option<ApplicantStatus> {
        [
            ApplicantStatus::Init,
            ApplicantStatus::Pending,
            ApplicantStatus::Completed,
            ApplicantStatus::OnHold,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

impl fmt::Display for ApplicantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the operator gives to create an applicant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplicant {
    /// The operator's own user id (unique).
    pub external_user_id: String,
    /// The level the applicant is to be verified for.
    pub target_level: String,
    /// An invite code, kept for the operator.
    pub invite_code: Option<String>,
    /// The applicant's IANA time zone (review ETA in local time).
    pub time_zone: Option<String>,
    /// The applicant's language (`en`, `zh-CN`).
    pub lang: Option<String>,
}

/// An applicant as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applicant {
    /// `app_…`.
    pub id: String,
    /// The operator's user id.
    pub external_user_id: String,
    /// The level asked for.
    pub target_level: String,
    /// The invite code, if any.
    pub invite_code: Option<String>,
    /// IANA time zone, if given.
    pub time_zone: Option<String>,
    /// Language, if given.
    pub lang: Option<String>,
    /// Where the applicant stands.
    pub status: ApplicantStatus,
    /// The current attempt (1-based): uploads go to it.
    pub attempt: u32,
    /// The latest decision.
    pub decision: Option<Decision>,
    /// The highest level granted so far.
    pub granted_level: Option<String>,
    /// The typed basic information (JSON, as submitted).
    pub basic_info: Option<serde_json::Value>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms of the last change.
    pub updated_at: i64,
    /// Unix ms of the latest submission.
    pub submitted_at: Option<i64>,
    /// Unix ms of the latest decision.
    pub decided_at: Option<i64>,
}

impl Applicant {
    /// Whether data and uploads may change and the applicant may submit:
    /// `init`, or `completed` with a `retry` decision.
    pub fn is_editable(&self) -> bool {
        editable(self.status, self.decision)
    }
}

fn editable(status: ApplicantStatus, decision: Option<Decision>) -> bool {
    status == ApplicantStatus::Init || (status == ApplicantStatus::Completed && decision == Some(Decision::Retry))
}

/// SQL form of [`editable`].
pub(crate) const EDITABLE_SQL: &str = "(status = 'init' OR (status = 'completed' AND decision = 'retry'))";

/// Filters of [`Store::list_applicants`]; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ApplicantFilter {
    /// Only this status.
    pub status: Option<ApplicantStatus>,
    /// Only this target level.
    pub target_level: Option<String>,
    /// Only this granted level.
    pub granted_level: Option<String>,
    /// Created at or after (unix ms).
    pub created_from: Option<i64>,
    /// Created before (unix ms).
    pub created_to: Option<i64>,
    /// Only this external user id.
    pub external_user_id: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size (default 50, at most 500).
    pub limit: Option<u32>,
}

/// One page of applicants, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicantPage {
    /// The applicants.
    pub applicants: Vec<Applicant>,
    /// The cursor of the next page; `None` on the last.
    pub next_cursor: Option<String>,
}

/// One change of the granted level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChange {
    /// The level before (`None`: none granted).
    pub from_level: Option<String>,
    /// The level after.
    pub to_level: Option<String>,
    /// The attempt whose decision changed it.
    pub attempt: u32,
    /// `verification` or `review`.
    pub cause: String,
    /// Unix ms.
    pub changed_at: i64,
}

const DEFAULT_PAGE: u32 = 50;
const MAX_PAGE: u32 = 500;

const COLUMNS: &str = "id, external_user_id, target_level, invite_code, time_zone, lang, status, attempt, decision, \
                       granted_level, basic_info, created_at, updated_at, submitted_at, decided_at";

fn applicant_from_row(row: &SqliteRow) -> Result<Applicant, StoreError> {
    let status: String = row.try_get("status")?;
    let decision: Option<String> = row.try_get("decision")?;
    let basic_info: Option<String> = row.try_get("basic_info")?;
    Ok(Applicant {
        id: row.try_get("id")?,
        external_user_id: row.try_get("external_user_id")?,
        target_level: row.try_get("target_level")?,
        invite_code: row.try_get("invite_code")?,
        time_zone: row.try_get("time_zone")?,
        lang: row.try_get("lang")?,
        status: ApplicantStatus::parse(&status).ok_or(StoreError::Corrupt("applicants.status"))?,
        attempt: to_u32(row.try_get("attempt")?, "applicants.attempt")?,
        decision: decision
            .map(|text| Decision::parse(&text).ok_or(StoreError::Corrupt("applicants.decision")))
            .transpose()?,
        granted_level: row.try_get("granted_level")?,
        basic_info: basic_info
            .map(|text| parse_json(&text, "applicants.basic_info"))
            .transpose()?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        submitted_at: row.try_get("submitted_at")?,
        decided_at: row.try_get("decided_at")?,
    })
}

/// The applicant in a transaction (or `NotFound`).
pub(crate) async fn applicant_in(conn: &mut SqliteConnection, id: &str) -> Result<Applicant, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM applicants WHERE id = ?"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound("applicant"))?;
    applicant_from_row(&row)
}

/// The `data` of the applicant's webhook events.
pub(crate) fn event_data(applicant: &Applicant, level: &str) -> serde_json::Value {
    serde_json::json!({
        "applicant_id": applicant.id,
        "external_user_id": applicant.external_user_id,
        "level": level,
    })
}

/// Records a change of the granted level.
pub(crate) async fn record_level_change(
    conn: &mut SqliteConnection,
    applicant_id: &str,
    change: &LevelChange,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO level_changes (applicant_id, seq, from_level, to_level, attempt, cause, changed_at) \
         SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM level_changes WHERE applicant_id = ?",
    )
    .bind(applicant_id)
    .bind(&change.from_level)
    .bind(&change.to_level)
    .bind(i64::from(change.attempt))
    .bind(&change.cause)
    .bind(change.changed_at)
    .bind(applicant_id)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Creates an applicant in `init` (attempt 1) and its
    /// `applicant.created` event, in one transaction.
    pub async fn create_applicant(&self, new: &NewApplicant) -> Result<Applicant, StoreError> {
        let id = new_id("app_")?;
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let inserted = sqlx::query(
            "INSERT INTO applicants (id, external_user_id, target_level, invite_code, time_zone, lang, status, \
             attempt, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'init', 1, ?, ?)",
        )
        .bind(&id)
        .bind(&new.external_user_id)
        .bind(&new.target_level)
        .bind(&new.invite_code)
        .bind(&new.time_zone)
        .bind(&new.lang)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(error) if is_unique_violation(&error) => return Err(StoreError::DuplicateExternalUserId),
            other => other?,
        };
        let applicant = applicant_in(&mut tx, &id).await?;
        let data = event_data(&applicant, &applicant.target_level);
        insert_event(&mut tx, EventType::Created, &id, data, now).await?;
        tx.commit().await?;
        Ok(applicant)
    }

    /// The applicant, if any.
    pub async fn get_applicant(&self, id: &str) -> Result<Option<Applicant>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM applicants WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(applicant_from_row).transpose()
    }

    /// The applicant with this external user id, if any.
    pub async fn get_applicant_by_external_id(&self, external_user_id: &str) -> Result<Option<Applicant>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM applicants WHERE external_user_id = ?"))
            .bind(external_user_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(applicant_from_row).transpose()
    }

    /// Applicants matching every filter given, newest first, a page at a
    /// time (keyset pagination on `(created_at, id)`).
    pub async fn list_applicants(&self, filter: &ApplicantFilter) -> Result<ApplicantPage, StoreError> {
        let limit = filter.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let mut query: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM applicants WHERE 1 = 1"));
        if let Some(status) = filter.status {
            query.push(" AND status = ").push_bind(status.as_str());
        }
        if let Some(level) = &filter.target_level {
            query.push(" AND target_level = ").push_bind(level.clone());
        }
        if let Some(level) = &filter.granted_level {
            query.push(" AND granted_level = ").push_bind(level.clone());
        }
        if let Some(from) = filter.created_from {
            query.push(" AND created_at >= ").push_bind(from);
        }
        if let Some(to) = filter.created_to {
            query.push(" AND created_at < ").push_bind(to);
        }
        if let Some(external) = &filter.external_user_id {
            query.push(" AND external_user_id = ").push_bind(external.clone());
        }
        if let Some(cursor) = &filter.cursor {
            let (created_at, id) = parse_cursor(cursor)?;
            query
                .push(" AND (created_at < ")
                .push_bind(created_at)
                .push(" OR (created_at = ")
                .push_bind(created_at)
                .push(" AND id < ")
                .push_bind(id)
                .push("))");
        }
        // One more than the page: tells whether a next page exists.
        query
            .push(" ORDER BY created_at DESC, id DESC LIMIT ")
            .push_bind(i64::from(limit) + 1);
        let rows = query.build().fetch_all(&self.pool).await?;
        let mut applicants = rows.iter().map(applicant_from_row).collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if applicants.len() > limit as usize {
            applicants.truncate(limit as usize);
            applicants.last().map(|last| format!("{}.{}", last.created_at, last.id))
        } else {
            None
        };
        Ok(ApplicantPage {
            applicants,
            next_cursor,
        })
    }

    /// Stores the typed basic information (JSON as received; the pipeline
    /// validates it). Refused unless the applicant [`is_editable`](Applicant::is_editable).
    pub async fn set_basic_info(&self, id: &str, info: &serde_json::Value) -> Result<Applicant, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(&format!(
            "UPDATE applicants SET basic_info = ?, updated_at = ? WHERE id = ? AND {EDITABLE_SQL}"
        ))
        .bind(info.to_string())
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let applicant = applicant_in(&mut tx, id).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::InvalidState {
                status: applicant.status,
                action: "change basic info",
            });
        }
        tx.commit().await?;
        Ok(applicant)
    }

    /// Starts a new attempt with nothing carried over (uploads of earlier
    /// attempts stay, unused, as history; so do their reports): status
    /// `init`, no decision; the granted level is kept. Refused while a
    /// verification is pending.
    pub async fn reset_applicant(&self, id: &str) -> Result<Applicant, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE applicants SET attempt = attempt + 1, status = 'init', decision = NULL, updated_at = ? \
             WHERE id = ? AND status <> 'pending'",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let applicant = applicant_in(&mut tx, id).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::InvalidState {
                status: applicant.status,
                action: "reset",
            });
        }
        tx.commit().await?;
        Ok(applicant)
    }

    /// Changes the level the applicant is to be verified for (e.g. L1
    /// approved, now L2). A decided applicant gets a new attempt in `init`
    /// with its document and selfie uploads carried over. Refused while a
    /// verification is pending or in review.
    pub async fn set_target_level(&self, id: &str, level: &str) -> Result<Applicant, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let before = sqlx::query_scalar::<_, i64>(
            "UPDATE applicants SET target_level = ?, updated_at = ? \
             WHERE id = ? AND status IN ('init', 'completed') RETURNING attempt",
        )
        .bind(level)
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let applicant = applicant_in(&mut tx, id).await?;
        let Some(attempt) = before else {
            return Err(StoreError::InvalidState {
                status: applicant.status,
                action: "change the target level",
            });
        };
        if applicant.status == ApplicantStatus::Completed {
            crate::uploads::open_next_attempt(&mut tx, id, to_u32(attempt, "applicants.attempt")?, now).await?;
            sqlx::query("UPDATE applicants SET status = 'init', decision = NULL WHERE id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let applicant = applicant_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(applicant)
    }

    /// How many applicants on hold were submitted before this one: the
    /// review queue ahead of it, oldest submission first (ties by id).
    pub async fn review_queue_ahead(&self, id: &str) -> Result<u64, StoreError> {
        let ahead: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM applicants other, applicants me \
             WHERE me.id = ? AND other.status = 'on_hold' AND other.id <> me.id \
             AND (other.submitted_at < me.submitted_at \
                  OR (other.submitted_at = me.submitted_at AND other.id < me.id))",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(ahead).unwrap_or(0))
    }

    /// Every change of the granted level, oldest first.
    pub async fn level_history(&self, id: &str) -> Result<Vec<LevelChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT from_level, to_level, attempt, cause, changed_at FROM level_changes \
             WHERE applicant_id = ? ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LevelChange {
                    from_level: row.try_get("from_level")?,
                    to_level: row.try_get("to_level")?,
                    attempt: to_u32(row.try_get("attempt")?, "level_changes.attempt")?,
                    cause: row.try_get("cause")?,
                    changed_at: row.try_get("changed_at")?,
                })
            })
            .collect()
    }
}

/// `created_at.id` back into its parts.
fn parse_cursor(cursor: &str) -> Result<(i64, String), StoreError> {
    let (created_at, id) = cursor.split_once('.').ok_or(StoreError::Invalid("cursor"))?;
    let created_at = created_at.parse().map_err(|_| StoreError::Invalid("cursor"))?;
    Ok((created_at, id.to_owned()))
}
