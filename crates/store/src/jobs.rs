//! Verification jobs, decided exactly once.
//!
//! [`Store::enqueue_verification`] moves the applicant to `pending`, queues
//! the job and writes `applicant.submitted`, in one transaction. Workers
//! [`claim`](Store::claim_job) a job with a lease (a random token and an
//! expiry; an expired lease can be claimed by another worker, and every
//! claim is counted), may [extend](Store::extend_lease) it, and
//! [`complete`](Store::complete_job) it in one transaction that commits only
//! while their token still holds: the report (one per attempt), the
//! applicant's status, decision and level, the document key, the face
//! template and the events. A worker whose lease was taken over gets
//! [`StoreError::LeaseLost`] and nothing is written.

use crate::applicants::{applicant_in, event_data, record_level_change, Applicant, LevelChange, EDITABLE_SQL};
use crate::outbox::{insert_event, EventType};
use crate::uploads::open_next_attempt;
use crate::{ids::new_id, is_unique_violation, parse_json, to_u32, ApplicantStatus, Store, StoreError};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use std::time::Duration;

/// A verification's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The level is granted.
    Approved,
    /// The applicant can fix what the reasons say and resubmit.
    Retry,
    /// Final.
    Rejected,
    /// A person decides.
    Review,
}

impl Decision {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::Retry => "retry",
            Decision::Rejected => "rejected",
            Decision::Review => "review",
        }
    }

    /// The decision named `text`.
    pub fn parse(text: &str) -> Option<Decision> {
        [
            Decision::Approved,
            Decision::Retry,
            Decision::Rejected,
            Decision::Review,
        ]
        .into_iter()
        .find(|decision| decision.as_str() == text)
    }

    /// The applicant's status after this decision.
    pub fn status(self) -> ApplicantStatus {
        match self {
            Decision::Review => ApplicantStatus::OnHold,
            _ => ApplicantStatus::Completed,
        }
    }
}

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Claimed (its lease may have expired).
    Running,
    /// Decided.
    Done,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
        }
    }

    fn parse(text: &str) -> Option<JobState> {
        [JobState::Queued, JobState::Running, JobState::Done]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

/// A job just queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedJob {
    /// `job_…`.
    pub job_id: String,
    /// The applicant.
    pub applicant_id: String,
    /// The attempt it verifies.
    pub attempt: u32,
    /// The level it verifies for.
    pub level: String,
}

/// A job a worker holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    /// `job_…`.
    pub job_id: String,
    /// The applicant.
    pub applicant_id: String,
    /// The attempt to verify.
    pub attempt: u32,
    /// The level to verify for.
    pub level: String,
    /// This claim's token: only its holder can complete the job.
    pub lease_token: String,
    /// Unix ms when the lease ends unless extended.
    pub lease_expires_at: i64,
    /// How many times the job was claimed, this claim included (more than
    /// one: an earlier worker died or stalled).
    pub claims: u32,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    /// `job_…`.
    pub id: String,
    /// The applicant.
    pub applicant_id: String,
    /// The attempt.
    pub attempt: u32,
    /// The level.
    pub level: String,
    /// Its state.
    pub state: JobState,
    /// The worker holding (or that last held) it.
    pub worker_id: Option<String>,
    /// Unix ms.
    pub lease_expires_at: Option<i64>,
    /// Claims so far.
    pub claims: u32,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms of the latest claim.
    pub started_at: Option<i64>,
    /// Unix ms of the completion.
    pub finished_at: Option<i64>,
}

/// A reason as the webhook names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventReason {
    /// The catalogue code.
    pub code: String,
    /// The field or upload, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// What a worker writes when it has decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The decision.
    pub decision: Decision,
    /// The full report (`openkyc_pipeline::Report` as JSON).
    pub report: serde_json::Value,
    /// The reasons, for the webhook.
    pub reasons: Vec<EventReason>,
    /// The level to grant (approved only); `None` keeps the current one.
    pub granted_level: Option<String>,
    /// The document's keyed hash, bound to the applicant.
    pub document_key: Option<String>,
    /// The face template to keep for the duplicate scan.
    pub face_template: Option<Vec<u8>>,
}

/// A person's decision on an applicant in review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewDecision {
    /// Approved, retry or rejected (not review).
    pub decision: Decision,
    /// The level to grant (approved only).
    pub granted_level: Option<String>,
    /// The reasons, for the webhook.
    pub reasons: Vec<EventReason>,
    /// Who decided (an operator's label).
    pub reviewer: String,
    /// Their note, for the operator.
    pub note: Option<String>,
    /// Take away every level the applicant holds (a person's final
    /// rejection, e.g. of a reopened approval); `level_changed` fires.
    pub revoke_level: bool,
    /// A message shown to the applicant (a retry's explanation).
    pub message: Option<String>,
}

/// Jobs waiting and held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct QueueDepth {
    /// Waiting for a worker.
    pub queued: u64,
    /// Claimed and not done (including expired leases).
    pub running: u64,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReport {
    /// The applicant.
    pub applicant_id: String,
    /// The attempt it decided.
    pub attempt: u32,
    /// The job that wrote it.
    pub job_id: Option<String>,
    /// The decision.
    pub decision: Decision,
    /// The level verified.
    pub level: String,
    /// The report JSON.
    pub report: serde_json::Value,
    /// Unix ms.
    pub created_at: i64,
}

const JOB_COLUMNS: &str = "id, applicant_id, attempt, level, state, worker_id, lease_expires_at, claims, created_at, \
                           started_at, finished_at";

fn job_from_row(row: &SqliteRow) -> Result<Job, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(Job {
        id: row.try_get("id")?,
        applicant_id: row.try_get("applicant_id")?,
        attempt: to_u32(row.try_get("attempt")?, "jobs.attempt")?,
        level: row.try_get("level")?,
        state: JobState::parse(&state).ok_or(StoreError::Corrupt("jobs.state"))?,
        worker_id: row.try_get("worker_id")?,
        lease_expires_at: row.try_get("lease_expires_at")?,
        claims: to_u32(row.try_get("claims")?, "jobs.claims")?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
    })
}

fn report_from_row(row: &SqliteRow) -> Result<StoredReport, StoreError> {
    let decision: String = row.try_get("decision")?;
    let report: String = row.try_get("report")?;
    Ok(StoredReport {
        applicant_id: row.try_get("applicant_id")?,
        attempt: to_u32(row.try_get("attempt")?, "reports.attempt")?,
        job_id: row.try_get("job_id")?,
        decision: Decision::parse(&decision).ok_or(StoreError::Corrupt("reports.decision"))?,
        level: row.try_get("level")?,
        report: parse_json(&report, "reports.report")?,
        created_at: row.try_get("created_at")?,
    })
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Sets `key` in an event's `data` object.
fn set(data: &mut serde_json::Value, key: &str, value: serde_json::Value) {
    if let Some(object) = data.as_object_mut() {
        object.insert(key.to_owned(), value);
    }
}

/// What [`apply_decision`] needs to know.
pub(crate) struct DecisionWrite<'a> {
    pub(crate) applicant: &'a Applicant,
    pub(crate) attempt: u32,
    pub(crate) level: &'a str,
    pub(crate) decision: Decision,
    pub(crate) granted_level: Option<&'a str>,
    /// Take away every level held (a person's final rejection).
    pub(crate) revoke_level: bool,
    pub(crate) reasons: &'a [EventReason],
    pub(crate) cause: &'static str,
    pub(crate) now: i64,
}

/// The applicant's status, decision and level after a decision, the level
/// history and the events; a retry opens the next attempt.
pub(crate) async fn apply_decision(conn: &mut SqliteConnection, write: DecisionWrite<'_>) -> Result<(), StoreError> {
    let applicant = write.applicant;
    let previous = applicant.granted_level.clone();
    let granted = if write.revoke_level {
        None
    } else {
        write.granted_level.map(str::to_owned).or(previous.clone())
    };
    sqlx::query(
        "UPDATE applicants SET status = ?, decision = ?, granted_level = ?, decided_at = ?, updated_at = ? \
         WHERE id = ?",
    )
    .bind(write.decision.status().as_str())
    .bind(write.decision.as_str())
    .bind(&granted)
    .bind(write.now)
    .bind(write.now)
    .bind(&applicant.id)
    .execute(&mut *conn)
    .await?;
    let mut data = event_data(applicant, write.level);
    set(&mut data, "decision", serde_json::json!(write.decision.as_str()));
    set(&mut data, "reasons", serde_json::json!(write.reasons));
    if let Some(granted) = &granted {
        set(&mut data, "granted_level", serde_json::json!(granted));
    }
    let event = if write.decision == Decision::Review {
        EventType::OnHold
    } else {
        EventType::Reviewed
    };
    insert_event(&mut *conn, event, &applicant.id, data, write.now).await?;
    if granted != previous {
        let change = LevelChange {
            from_level: previous.clone(),
            to_level: granted.clone(),
            attempt: write.attempt,
            cause: write.cause.to_owned(),
            changed_at: write.now,
        };
        record_level_change(&mut *conn, &applicant.id, &change).await?;
        let mut data = event_data(applicant, write.level);
        set(&mut data, "granted_level", serde_json::json!(granted));
        set(&mut data, "previous_level", serde_json::json!(previous));
        insert_event(&mut *conn, EventType::LevelChanged, &applicant.id, data, write.now).await?;
    }
    if write.decision == Decision::Retry {
        open_next_attempt(conn, &applicant.id, write.attempt, write.now).await?;
    }
    Ok(())
}

/// A person's decision on an applicant `on_hold`, inside the caller's
/// transaction: the `review_decisions` row (with its reasons and message),
/// then what [`apply_decision`] writes; the case's claim is let go, since
/// the case has left the queue. The applicant as it is now.
pub(crate) async fn record_review(
    conn: &mut SqliteConnection,
    applicant_id: &str,
    review: &ReviewDecision,
    now: i64,
) -> Result<Applicant, StoreError> {
    if review.decision == Decision::Review {
        return Err(StoreError::Invalid("a review must end in approved, retry or rejected"));
    }
    let held = sqlx::query("UPDATE applicants SET updated_at = ? WHERE id = ? AND status = 'on_hold'")
        .bind(now)
        .bind(applicant_id)
        .execute(&mut *conn)
        .await?;
    let applicant = applicant_in(&mut *conn, applicant_id).await?;
    if held.rows_affected() == 0 {
        return Err(StoreError::InvalidState {
            status: applicant.status,
            action: "decide a review",
        });
    }
    let reasons = serde_json::to_string(&review.reasons).map_err(|_| StoreError::Invalid("reasons"))?;
    sqlx::query(
        "INSERT INTO review_decisions (applicant_id, attempt, decision, reviewer, note, reasons, message, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(applicant_id)
    .bind(i64::from(applicant.attempt))
    .bind(review.decision.as_str())
    .bind(&review.reviewer)
    .bind(&review.note)
    .bind(reasons)
    .bind(&review.message)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM case_claims WHERE applicant_id = ?")
        .bind(applicant_id)
        .execute(&mut *conn)
        .await?;
    let write = DecisionWrite {
        applicant: &applicant,
        attempt: applicant.attempt,
        level: &applicant.target_level,
        decision: review.decision,
        granted_level: review.granted_level.as_deref(),
        revoke_level: review.revoke_level,
        reasons: &review.reasons,
        cause: "review",
        now,
    };
    apply_decision(&mut *conn, write).await?;
    applicant_in(conn, applicant_id).await
}

impl Store {
    /// Submits the applicant's current attempt: status `pending`, a queued
    /// job and `applicant.submitted`, in one transaction. Refused with
    /// `AlreadyQueued` while pending, `InvalidState` unless the applicant
    /// [`is_editable`](crate::Applicant::is_editable).
    pub async fn enqueue_verification(&self, applicant_id: &str) -> Result<QueuedJob, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let submitted = sqlx::query(&format!(
            "UPDATE applicants SET status = 'pending', submitted_at = ?, updated_at = ? \
             WHERE id = ? AND {EDITABLE_SQL} RETURNING attempt, target_level"
        ))
        .bind(now)
        .bind(now)
        .bind(applicant_id)
        .fetch_optional(&mut *tx)
        .await?;
        let applicant = applicant_in(&mut tx, applicant_id).await?;
        let Some(row) = submitted else {
            return Err(match applicant.status {
                ApplicantStatus::Pending => StoreError::AlreadyQueued,
                status => StoreError::InvalidState {
                    status,
                    action: "submit",
                },
            });
        };
        let job = QueuedJob {
            job_id: new_id("job_")?,
            applicant_id: applicant_id.to_owned(),
            attempt: to_u32(row.try_get("attempt")?, "applicants.attempt")?,
            level: row.try_get("target_level")?,
        };
        let inserted = sqlx::query(
            "INSERT INTO jobs (id, applicant_id, attempt, level, state, claims, created_at) \
             VALUES (?, ?, ?, ?, 'queued', 0, ?)",
        )
        .bind(&job.job_id)
        .bind(applicant_id)
        .bind(i64::from(job.attempt))
        .bind(&job.level)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(error) if is_unique_violation(&error) => return Err(StoreError::AlreadyQueued),
            other => other?,
        };
        insert_event(
            &mut tx,
            EventType::Submitted,
            applicant_id,
            event_data(&applicant, &job.level),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(job)
    }

    /// Claims the oldest job that is queued or whose lease has expired, for
    /// `lease`, atomically (one statement; SQLite serialises writers, and
    /// the condition is repeated in the outer `WHERE` so a concurrent claim
    /// on PostgreSQL matches nothing instead of stealing a fresh lease).
    pub async fn claim_job(&self, worker_id: &str, lease: Duration) -> Result<Option<ClaimedJob>, StoreError> {
        let now = self.now_ms();
        let token = new_id("lease_")?;
        let expires = now.saturating_add(millis(lease));
        let claimable = "(state = 'queued' OR (state = 'running' AND lease_expires_at <= ?))";
        let row = sqlx::query(&format!(
            "UPDATE jobs SET state = 'running', worker_id = ?, lease_token = ?, lease_expires_at = ?, \
             claims = claims + 1, started_at = ? \
             WHERE id = (SELECT id FROM jobs WHERE {claimable} ORDER BY created_at, id LIMIT 1) AND {claimable} \
             RETURNING id, applicant_id, attempt, level, claims"
        ))
        .bind(worker_id)
        .bind(&token)
        .bind(expires)
        .bind(now)
        .bind(now)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Some(ClaimedJob {
            job_id: row.try_get("id")?,
            applicant_id: row.try_get("applicant_id")?,
            attempt: to_u32(row.try_get("attempt")?, "jobs.attempt")?,
            level: row.try_get("level")?,
            lease_token: token,
            lease_expires_at: expires,
            claims: to_u32(row.try_get("claims")?, "jobs.claims")?,
        }))
    }

    /// Extends a held lease to `now + lease` (the worker's heartbeat);
    /// `LeaseLost` when another worker holds the job or it is done.
    pub async fn extend_lease(&self, claimed: &mut ClaimedJob, lease: Duration) -> Result<(), StoreError> {
        let expires = self.now_ms().saturating_add(millis(lease));
        let done =
            sqlx::query("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_token = ? AND state = 'running'")
                .bind(expires)
                .bind(&claimed.job_id)
                .bind(&claimed.lease_token)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::LeaseLost);
        }
        claimed.lease_expires_at = expires;
        Ok(())
    }

    /// Records the decision of a claimed job, in one transaction that
    /// commits only while `claimed`'s lease token still holds the job
    /// (`LeaseLost` otherwise, nothing written): the report, the
    /// applicant's status, decision and level, the document key, the face
    /// template, and the events (`applicant.reviewed` or
    /// `applicant.on_hold`, `applicant.level_changed`). A `retry` opens
    /// the next attempt. The applicant as it is now.
    pub async fn complete_job(&self, claimed: &ClaimedJob, completion: &Completion) -> Result<Applicant, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let held = sqlx::query(
            "UPDATE jobs SET state = 'done', finished_at = ? WHERE id = ? AND lease_token = ? AND state = 'running'",
        )
        .bind(now)
        .bind(&claimed.job_id)
        .bind(&claimed.lease_token)
        .execute(&mut *tx)
        .await?;
        if held.rows_affected() == 0 {
            return Err(StoreError::LeaseLost);
        }
        let applicant = applicant_in(&mut tx, &claimed.applicant_id).await?;
        if applicant.status != ApplicantStatus::Pending || applicant.attempt != claimed.attempt {
            return Err(StoreError::InvalidState {
                status: applicant.status,
                action: "record a decision",
            });
        }
        self.insert_report(&mut tx, claimed, completion, now).await?;
        if let Some(key) = &completion.document_key {
            sqlx::query(
                "INSERT INTO document_keys (doc_key, applicant_id, created_at) VALUES (?, ?, ?) \
                 ON CONFLICT (doc_key, applicant_id) DO NOTHING",
            )
            .bind(key)
            .bind(&claimed.applicant_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(template) = &completion.face_template {
            sqlx::query(
                "INSERT INTO face_templates (applicant_id, template, attempt, created_at) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (applicant_id) DO UPDATE SET template = excluded.template, \
                 attempt = excluded.attempt, created_at = excluded.created_at",
            )
            .bind(&claimed.applicant_id)
            .bind(template)
            .bind(i64::from(claimed.attempt))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let write = DecisionWrite {
            applicant: &applicant,
            attempt: claimed.attempt,
            level: &claimed.level,
            decision: completion.decision,
            granted_level: completion.granted_level.as_deref(),
            revoke_level: false,
            reasons: &completion.reasons,
            cause: "verification",
            now,
        };
        apply_decision(&mut tx, write).await?;
        let applicant = applicant_in(&mut tx, &claimed.applicant_id).await?;
        tx.commit().await?;
        Ok(applicant)
    }

    async fn insert_report(
        &self,
        conn: &mut SqliteConnection,
        claimed: &ClaimedJob,
        completion: &Completion,
        now: i64,
    ) -> Result<(), StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO reports (applicant_id, attempt, job_id, decision, level, report, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&claimed.applicant_id)
        .bind(i64::from(claimed.attempt))
        .bind(&claimed.job_id)
        .bind(completion.decision.as_str())
        .bind(&claimed.level)
        .bind(completion.report.to_string())
        .bind(now)
        .execute(conn)
        .await;
        match inserted {
            Err(error) if is_unique_violation(&error) => Err(StoreError::ReportExists),
            other => other.map(|_| ()).map_err(StoreError::from),
        }
    }

    /// A person's decision on an applicant `on_hold`: status, decision,
    /// level and events as for a verification (`cause` `review` in the
    /// level history). The report of the attempt stays the pipeline's.
    pub async fn decide_review(&self, applicant_id: &str, review: &ReviewDecision) -> Result<Applicant, StoreError> {
        let mut tx = self.write_tx().await?;
        let applicant = record_review(&mut tx, applicant_id, review, self.now_ms()).await?;
        tx.commit().await?;
        Ok(applicant)
    }

    /// Other applicants bound to the document key, sorted.
    pub async fn document_holders(&self, key: &str, except_applicant: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT applicant_id FROM document_keys WHERE doc_key = ? AND applicant_id <> ? \
             ORDER BY applicant_id",
        )
        .bind(key)
        .bind(except_applicant)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every stored face template but the applicant's: `(applicant_id, bytes)`.
    pub async fn face_templates(&self, except_applicant: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let rows = sqlx::query(
            "SELECT applicant_id, template FROM face_templates WHERE applicant_id <> ? ORDER BY applicant_id",
        )
        .bind(except_applicant)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("applicant_id")?, row.try_get("template")?)))
            .collect()
    }

    /// Jobs queued and running.
    pub async fn queue_depth(&self) -> Result<QueueDepth, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs WHERE state <> 'done' GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        let mut depth = QueueDepth::default();
        for row in &rows {
            let state: String = row.try_get("state")?;
            let count = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
            match state.as_str() {
                "queued" => depth.queued = count,
                "running" => depth.running = count,
                _ => {}
            }
        }
        Ok(depth)
    }

    /// The job, if any.
    pub async fn job(&self, job_id: &str) -> Result<Option<Job>, StoreError> {
        let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?"))
            .bind(job_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_from_row).transpose()
    }

    /// The applicant's jobs, oldest first.
    pub async fn jobs_for(&self, applicant_id: &str) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE applicant_id = ? ORDER BY attempt"
        ))
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_from_row).collect()
    }

    /// The report of the applicant's latest decided attempt.
    pub async fn latest_report(&self, applicant_id: &str) -> Result<Option<StoredReport>, StoreError> {
        let row = sqlx::query(
            "SELECT applicant_id, attempt, job_id, decision, level, report, created_at FROM reports \
             WHERE applicant_id = ? ORDER BY attempt DESC LIMIT 1",
        )
        .bind(applicant_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    /// Every report of the applicant, oldest attempt first.
    pub async fn reports_for(&self, applicant_id: &str) -> Result<Vec<StoredReport>, StoreError> {
        let rows = sqlx::query(
            "SELECT applicant_id, attempt, job_id, decision, level, report, created_at FROM reports \
             WHERE applicant_id = ? ORDER BY attempt",
        )
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(report_from_row).collect()
    }
}
