//! The review console's cases: the queue of applicants on hold, claims (a
//! lease, so two reviewers never decide the same case), people's decisions,
//! four-eyes rejection votes and reopening a decided case.
//!
//! Every action that changes a case writes its audit entry in the same
//! transaction, so an action without its record cannot exist. Claims,
//! votes and the queue look at the applicant's current attempt only: a
//! claim or vote left on an earlier attempt counts for nothing.

use crate::applicants::{applicant_in, Applicant};
use crate::audit::{insert_audit, NewAudit};
use crate::jobs::{apply_decision, record_review, Decision, DecisionWrite, EventReason, ReviewDecision};
use crate::uploads::open_next_attempt;
use crate::{parse_json, to_u32, ApplicantStatus, Store, StoreError};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

/// The most cases [`Store::review_queue`] returns.
const MAX_QUEUE: i64 = 5000;

/// A reviewer's hold on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseClaim {
    /// The case.
    pub applicant_id: String,
    /// The attempt claimed (the applicant's current one).
    pub attempt: u32,
    /// Who holds it (`rev_…`).
    pub reviewer_id: String,
    /// Their e-mail.
    pub reviewer_email: String,
    /// Unix ms of the first claim (a renewal keeps it).
    pub claimed_at: i64,
    /// Unix ms when the claim lapses unless renewed.
    pub expires_at: i64,
}

/// A person's decision as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReviewDecision {
    /// The attempt decided.
    pub attempt: u32,
    /// Approved, retry or rejected.
    pub decision: Decision,
    /// The reasons given (empty for decisions recorded before the console).
    pub reasons: Vec<EventReason>,
    /// Who decided (the label given with the decision).
    pub reviewer: String,
    /// The internal note.
    pub note: Option<String>,
    /// The message shown to the applicant.
    pub message: Option<String>,
    /// Unix ms.
    pub created_at: i64,
}

/// A reviewer's proposal to reject the current attempt (four-eyes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectionVote {
    /// Who proposed (`rev_…`).
    pub reviewer_id: String,
    /// Their e-mail.
    pub reviewer_email: String,
    /// The reasons proposed.
    pub reasons: Vec<EventReason>,
    /// Their internal note.
    pub note: String,
    /// Unix ms.
    pub created_at: i64,
}

/// One case waiting for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueCase {
    /// The applicant.
    pub applicant_id: String,
    /// The operator's user id.
    pub external_user_id: String,
    /// The level asked for.
    pub target_level: String,
    /// The attempt in review.
    pub attempt: u32,
    /// Unix ms of the submission (the SLA counts from here).
    pub submitted_at: i64,
    /// Unix ms when the case went on hold.
    pub on_hold_since: i64,
    /// The codes of the attempt's report reasons, in report order.
    pub reasons: Vec<String>,
    /// The document's issuing country, else the typed nationality.
    pub country: Option<String>,
    /// The live claim, if any.
    pub claim: Option<CaseClaim>,
    /// Rejection votes on the attempt.
    pub rejection_votes: u32,
}

fn claim_from_row(row: &SqliteRow) -> Result<CaseClaim, StoreError> {
    Ok(CaseClaim {
        applicant_id: row.try_get("applicant_id")?,
        attempt: to_u32(row.try_get("attempt")?, "case_claims.attempt")?,
        reviewer_id: row.try_get("reviewer_id")?,
        reviewer_email: row.try_get("reviewer_email")?,
        claimed_at: row.try_get("claimed_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

fn reasons_from(text: Option<String>, what: &'static str) -> Result<Vec<EventReason>, StoreError> {
    match text {
        Some(text) => serde_json::from_str(&text).map_err(|_| StoreError::Corrupt(what)),
        None => Ok(Vec::new()),
    }
}

fn reasons_json(reasons: &[EventReason]) -> Result<String, StoreError> {
    serde_json::to_string(reasons).map_err(|_| StoreError::Invalid("reasons"))
}

/// The reasons of a pipeline report (`reasons[].code` and `.field`).
fn report_reasons(report: &serde_json::Value) -> Vec<EventReason> {
    let Some(reasons) = report.get("reasons").and_then(serde_json::Value::as_array) else {
        return Vec::new();
    };
    reasons
        .iter()
        .filter_map(|reason| {
            Some(EventReason {
                code: reason.get("code")?.as_str()?.to_owned(),
                field: reason
                    .get("field")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// The document's issuing country from the report, else the nationality
/// the applicant typed.
fn case_country(report: Option<&serde_json::Value>, basic_info: Option<&serde_json::Value>) -> Option<String> {
    let read = report.and_then(|report| report.pointer("/document/fields/issuing_country"));
    let typed = basic_info.and_then(|info| info.get("nationality"));
    [read, typed]
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .map(str::trim)
        .find(|country| !country.is_empty())
        .map(str::to_owned)
}

/// The audit entry of an action on a case: the case named, and the facts
/// the store knows added to the caller's detail (keys the caller set win),
/// so the log stays complete even if a vote is replaced later.
fn case_audit(entry: &NewAudit, applicant_id: &str, facts: serde_json::Value) -> NewAudit {
    let mut detail = match &entry.detail {
        serde_json::Value::Object(object) => object.clone(),
        serde_json::Value::Null => serde_json::Map::new(),
        other => serde_json::Map::from_iter([("detail".to_owned(), other.clone())]),
    };
    if let serde_json::Value::Object(facts) = facts {
        for (key, value) in facts {
            detail.entry(key).or_insert(value);
        }
    }
    NewAudit {
        applicant_id: entry.applicant_id.clone().or_else(|| Some(applicant_id.to_owned())),
        detail: serde_json::Value::Object(detail),
        ..entry.clone()
    }
}

/// The e-mail of an active reviewer account (`NotFound("reviewer")` when
/// unknown or disabled).
async fn active_reviewer_email(conn: &mut SqliteConnection, reviewer_id: &str) -> Result<String, StoreError> {
    sqlx::query_scalar("SELECT email FROM reviewers WHERE id = ? AND disabled_at IS NULL")
        .bind(reviewer_id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound("reviewer"))
}

/// The applicant, provided `reviewer_id` holds a live claim on its current
/// attempt while it is on hold (`ClaimRequired` otherwise).
async fn claimed_case(
    conn: &mut SqliteConnection,
    applicant_id: &str,
    reviewer_id: &str,
    now: i64,
) -> Result<Applicant, StoreError> {
    let applicant = applicant_in(&mut *conn, applicant_id).await?;
    let held: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM case_claims WHERE applicant_id = ? AND reviewer_id = ? AND attempt = ? AND expires_at > ?",
    )
    .bind(applicant_id)
    .bind(reviewer_id)
    .bind(i64::from(applicant.attempt))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if held.is_none() || applicant.status != ApplicantStatus::OnHold {
        return Err(StoreError::ClaimRequired);
    }
    Ok(applicant)
}

/// The rejection votes on the applicant's current attempt, oldest first.
async fn votes_in(conn: &mut SqliteConnection, applicant_id: &str) -> Result<Vec<RejectionVote>, StoreError> {
    let rows = sqlx::query(
        "SELECT v.reviewer_id, r.email, v.reasons, v.note, v.created_at FROM rejection_votes v \
         JOIN applicants a ON a.id = v.applicant_id AND a.attempt = v.attempt \
         JOIN reviewers r ON r.id = v.reviewer_id AND r.disabled_at IS NULL \
         WHERE v.applicant_id = ? ORDER BY v.created_at, v.reviewer_id",
    )
    .bind(applicant_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RejectionVote {
                reviewer_id: row.try_get("reviewer_id")?,
                reviewer_email: row.try_get("email")?,
                reasons: reasons_from(row.try_get("reasons")?, "rejection_votes.reasons")?,
                note: row.try_get("note")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Copies the applicant's latest report to `attempt` (no job wrote it);
/// the report, `None` when there was none.
async fn copy_latest_report(
    conn: &mut SqliteConnection,
    applicant_id: &str,
    attempt: u32,
    now: i64,
) -> Result<Option<serde_json::Value>, StoreError> {
    let report: Option<String> =
        sqlx::query_scalar("SELECT report FROM reports WHERE applicant_id = ? ORDER BY attempt DESC LIMIT 1")
            .bind(applicant_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(report) = report else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO reports (applicant_id, attempt, job_id, decision, level, report, created_at) \
         SELECT applicant_id, ?, NULL, decision, level, report, ? FROM reports \
         WHERE applicant_id = ? ORDER BY attempt DESC LIMIT 1",
    )
    .bind(i64::from(attempt))
    .bind(now)
    .bind(applicant_id)
    .execute(&mut *conn)
    .await?;
    parse_json(&report, "reports.report").map(Some)
}

impl Store {
    /// Claims a case on hold for `lease_ms`, atomically: granted when it is
    /// unclaimed, the claim has lapsed, or the caller holds it (a renewal,
    /// keeping `claimed_at`); `ClaimedByOther` naming the holder otherwise.
    /// `InvalidState` unless the applicant is `on_hold`.
    pub async fn claim_case(
        &self,
        applicant_id: &str,
        reviewer_id: &str,
        lease_ms: i64,
    ) -> Result<CaseClaim, StoreError> {
        self.claim(applicant_id, reviewer_id, lease_ms, None).await
    }

    /// A senior takes a case over from whoever holds it (an abandoned
    /// urgent case need not wait for the lease): like [`Store::claim_case`]
    /// but replacing another's live claim, with the audit row (naming the
    /// previous holder) in the same transaction. The server checks the role.
    pub async fn take_over_claim(
        &self,
        applicant_id: &str,
        reviewer_id: &str,
        lease_ms: i64,
        entry: &NewAudit,
    ) -> Result<CaseClaim, StoreError> {
        self.claim(applicant_id, reviewer_id, lease_ms, Some(entry)).await
    }

    /// Claims, or with `take_over` (its audit row) replaces another's claim.
    async fn claim(
        &self,
        applicant_id: &str,
        reviewer_id: &str,
        lease_ms: i64,
        take_over: Option<&NewAudit>,
    ) -> Result<CaseClaim, StoreError> {
        if lease_ms <= 0 {
            return Err(StoreError::Invalid("a claim's lease must be positive"));
        }
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let applicant = applicant_in(&mut tx, applicant_id).await?;
        if applicant.status != ApplicantStatus::OnHold {
            return Err(StoreError::InvalidState {
                status: applicant.status,
                action: "claim",
            });
        }
        let reviewer_email = active_reviewer_email(&mut tx, reviewer_id).await?;
        let mut claimed_at = now;
        let mut previous_holder = None;
        if let Some(current) = live_claim(&mut tx, applicant_id, now).await? {
            if current.reviewer_id == reviewer_id {
                claimed_at = current.claimed_at;
            } else if take_over.is_some() {
                previous_holder = Some(current.reviewer_email);
            } else {
                return Err(StoreError::ClaimedByOther {
                    reviewer_email: current.reviewer_email,
                    expires_at: current.expires_at,
                });
            }
        }
        if let Some(entry) = take_over {
            let facts = serde_json::json!({"previous_holder": previous_holder, "attempt": applicant.attempt});
            insert_audit(&mut tx, &case_audit(entry, applicant_id, facts), now).await?;
        }
        let expires_at = now.saturating_add(lease_ms);
        sqlx::query(
            "INSERT INTO case_claims (applicant_id, attempt, reviewer_id, claimed_at, expires_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (applicant_id) DO UPDATE SET attempt = excluded.attempt, \
             reviewer_id = excluded.reviewer_id, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at",
        )
        .bind(applicant_id)
        .bind(i64::from(applicant.attempt))
        .bind(reviewer_id)
        .bind(claimed_at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(CaseClaim {
            applicant_id: applicant_id.to_owned(),
            attempt: applicant.attempt,
            reviewer_id: reviewer_id.to_owned(),
            reviewer_email,
            claimed_at,
            expires_at,
        })
    }

    /// The live claim on a case; `None` when unclaimed or lapsed.
    pub async fn case_claim(&self, applicant_id: &str) -> Result<Option<CaseClaim>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        live_claim(&mut conn, applicant_id, self.now_ms()).await
    }

    /// Lets go of the caller's claim; `false` when they held none.
    pub async fn release_claim(&self, applicant_id: &str, reviewer_id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM case_claims WHERE applicant_id = ? AND reviewer_id = ?")
            .bind(applicant_id)
            .bind(reviewer_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// A person's decision on a case they hold, in one transaction: refused
    /// with `ClaimRequired` (nothing written) unless `reviewer_id` holds a
    /// live claim on it; then what [`decide_review`](Store::decide_review)
    /// writes (with the reasons and the message), the audit entry, and the
    /// claim let go.
    pub async fn decide_claimed(
        &self,
        applicant_id: &str,
        reviewer_id: &str,
        review: &ReviewDecision,
        entry: &NewAudit,
    ) -> Result<Applicant, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let held = claimed_case(&mut tx, applicant_id, reviewer_id, now).await?;
        let applicant = record_review(&mut tx, applicant_id, review, now).await?;
        let facts = serde_json::json!({"attempt": held.attempt, "decision": review.decision.as_str()});
        insert_audit(&mut tx, &case_audit(entry, applicant_id, facts), now).await?;
        tx.commit().await?;
        Ok(applicant)
    }

    /// People's decisions on the applicant, oldest first.
    pub async fn review_decisions_for(&self, applicant_id: &str) -> Result<Vec<StoredReviewDecision>, StoreError> {
        let rows = sqlx::query(
            "SELECT attempt, decision, reasons, reviewer, note, message, created_at FROM review_decisions \
             WHERE applicant_id = ? ORDER BY attempt, created_at",
        )
        .bind(applicant_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let decision: String = row.try_get("decision")?;
                Ok(StoredReviewDecision {
                    attempt: to_u32(row.try_get("attempt")?, "review_decisions.attempt")?,
                    decision: Decision::parse(&decision).ok_or(StoreError::Corrupt("review_decisions.decision"))?,
                    reasons: reasons_from(row.try_get("reasons")?, "review_decisions.reasons")?,
                    reviewer: row.try_get("reviewer")?,
                    note: row.try_get("note")?,
                    message: row.try_get("message")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// How many decisions people made at or after `since_ms` (the review
    /// throughput behind the applicant's ETA).
    pub async fn review_decisions_since(&self, since_ms: i64) -> Result<u32, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM review_decisions WHERE created_at >= ?")
            .bind(since_ms)
            .fetch_one(&self.pool)
            .await?;
        to_u32(count, "review_decisions")
    }

    /// Records the caller's proposal to reject the case they hold
    /// (`ClaimRequired` otherwise), replacing an earlier one of theirs on
    /// the same attempt, with its audit entry; every vote on the attempt.
    /// It decides nothing: the caller decides once two reviewers agree.
    pub async fn propose_rejection(
        &self,
        applicant_id: &str,
        reviewer_id: &str,
        reasons: &[EventReason],
        note: &str,
        entry: &NewAudit,
    ) -> Result<Vec<RejectionVote>, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let applicant = claimed_case(&mut tx, applicant_id, reviewer_id, now).await?;
        sqlx::query(
            "INSERT INTO rejection_votes (applicant_id, attempt, reviewer_id, reasons, note, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (applicant_id, attempt, reviewer_id) DO UPDATE SET \
             reasons = excluded.reasons, note = excluded.note, created_at = excluded.created_at",
        )
        .bind(applicant_id)
        .bind(i64::from(applicant.attempt))
        .bind(reviewer_id)
        .bind(reasons_json(reasons)?)
        .bind(note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let facts = serde_json::json!({"attempt": applicant.attempt, "reasons": reasons, "note": note});
        insert_audit(&mut tx, &case_audit(entry, applicant_id, facts), now).await?;
        let votes = votes_in(&mut tx, applicant_id).await?;
        tx.commit().await?;
        Ok(votes)
    }

    /// The rejection votes on the applicant's current attempt, oldest first.
    pub async fn rejection_votes(&self, applicant_id: &str) -> Result<Vec<RejectionVote>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        votes_in(&mut conn, applicant_id).await
    }

    /// Puts an approved or rejected applicant back in review
    /// (`InvalidState` otherwise), in one transaction: a new attempt
    /// carrying the document and selfie uploads, the latest report copied
    /// to it (the case keeps its checks), status `on_hold`, decision
    /// `review`, `submitted_at` now (the SLA starts over), the granted
    /// level kept, `applicant.on_hold` with the report's reasons, and the
    /// audit entry (with `note`).
    pub async fn reopen_case(
        &self,
        applicant_id: &str,
        reviewer_id: &str,
        note: &str,
        entry: &NewAudit,
    ) -> Result<Applicant, StoreError> {
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let applicant = applicant_in(&mut tx, applicant_id).await?;
        let decided = matches!(applicant.decision, Some(Decision::Approved | Decision::Rejected));
        if applicant.status != ApplicantStatus::Completed || !decided {
            return Err(StoreError::InvalidState {
                status: applicant.status,
                action: "reopen",
            });
        }
        active_reviewer_email(&mut tx, reviewer_id).await?;
        let attempt = open_next_attempt(&mut tx, applicant_id, applicant.attempt, now).await?;
        let report = copy_latest_report(&mut tx, applicant_id, attempt, now).await?;
        let reasons = report.as_ref().map(report_reasons).unwrap_or_default();
        sqlx::query("UPDATE applicants SET submitted_at = ? WHERE id = ?")
            .bind(now)
            .bind(applicant_id)
            .execute(&mut *tx)
            .await?;
        let write = DecisionWrite {
            applicant: &applicant,
            attempt,
            level: &applicant.target_level,
            decision: Decision::Review,
            granted_level: None,
            revoke_level: false,
            reasons: &reasons,
            cause: "review",
            now,
        };
        apply_decision(&mut tx, write).await?;
        let facts = serde_json::json!({"note": note, "from_attempt": applicant.attempt, "attempt": attempt});
        insert_audit(&mut tx, &case_audit(entry, applicant_id, facts), now).await?;
        let reopened = applicant_in(&mut tx, applicant_id).await?;
        tx.commit().await?;
        Ok(reopened)
    }

    /// Every applicant on hold, oldest submission first (at most 5000),
    /// with what the queue shows of each.
    pub async fn review_queue(&self) -> Result<Vec<QueueCase>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.id, a.external_user_id, a.target_level, a.attempt, a.submitted_at, a.decided_at, \
             a.created_at, a.basic_info, r.report, c.reviewer_id, rv.email AS reviewer_email, c.claimed_at, \
             c.expires_at, \
             (SELECT COUNT(*) FROM rejection_votes v WHERE v.applicant_id = a.id AND v.attempt = a.attempt) \
             AS votes \
             FROM applicants a \
             LEFT JOIN reports r ON r.applicant_id = a.id AND r.attempt = a.attempt \
             LEFT JOIN case_claims c ON c.applicant_id = a.id AND c.attempt = a.attempt AND c.expires_at > ? \
             LEFT JOIN reviewers rv ON rv.id = c.reviewer_id \
             WHERE a.status = 'on_hold' ORDER BY a.submitted_at, a.id LIMIT ?",
        )
        .bind(self.now_ms())
        .bind(MAX_QUEUE)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(queue_case_from_row).collect()
    }
}

/// The live claim on the applicant's current attempt while it is on hold.
async fn live_claim(
    conn: &mut SqliteConnection,
    applicant_id: &str,
    now: i64,
) -> Result<Option<CaseClaim>, StoreError> {
    let row = sqlx::query(
        "SELECT c.applicant_id, c.attempt, c.reviewer_id, r.email AS reviewer_email, c.claimed_at, c.expires_at \
         FROM case_claims c JOIN reviewers r ON r.id = c.reviewer_id \
         JOIN applicants a ON a.id = c.applicant_id AND a.attempt = c.attempt AND a.status = 'on_hold' \
         WHERE c.applicant_id = ? AND c.expires_at > ?",
    )
    .bind(applicant_id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(claim_from_row).transpose()
}

fn queue_case_from_row(row: &SqliteRow) -> Result<QueueCase, StoreError> {
    let applicant_id: String = row.try_get("id")?;
    let attempt = to_u32(row.try_get("attempt")?, "applicants.attempt")?;
    let report: Option<String> = row.try_get("report")?;
    let report = report.map(|text| parse_json(&text, "reports.report")).transpose()?;
    let basic_info: Option<String> = row.try_get("basic_info")?;
    let basic_info = basic_info
        .map(|text| parse_json(&text, "applicants.basic_info"))
        .transpose()?;
    let created_at: i64 = row.try_get("created_at")?;
    let submitted_at = row.try_get::<Option<i64>, _>("submitted_at")?.unwrap_or(created_at);
    let on_hold_since = row.try_get::<Option<i64>, _>("decided_at")?.unwrap_or(submitted_at);
    let reviewer_id: Option<String> = row.try_get("reviewer_id")?;
    let claim = match (reviewer_id, row.try_get::<Option<String>, _>("reviewer_email")?) {
        (Some(reviewer_id), Some(reviewer_email)) => Some(CaseClaim {
            applicant_id: applicant_id.clone(),
            attempt,
            reviewer_id,
            reviewer_email,
            claimed_at: row.try_get("claimed_at")?,
            expires_at: row.try_get("expires_at")?,
        }),
        _ => None,
    };
    Ok(QueueCase {
        external_user_id: row.try_get("external_user_id")?,
        target_level: row.try_get("target_level")?,
        attempt,
        submitted_at,
        on_hold_since,
        reasons: report
            .as_ref()
            .map(report_reasons)
            .unwrap_or_default()
            .into_iter()
            .map(|reason| reason.code)
            .collect(),
        country: case_country(report.as_ref(), basic_info.as_ref()),
        claim,
        rejection_votes: to_u32(row.try_get("votes")?, "rejection_votes")?,
        applicant_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn report_reasons_keep_code_and_field_and_skip_malformed_entries() {
        let report = json!({"reasons": [
            {"code": "DUPLICATE_DOCUMENT", "kind": "review"},
            {"code": "DATA_MISMATCH", "field": "surname"},
            {"kind": "review"},
            {"code": 7}
        ]});
        let reasons = report_reasons(&report);
        assert_eq!(reasons.len(), 2);
        assert_eq!(reasons[0].code, "DUPLICATE_DOCUMENT");
        assert_eq!(reasons[0].field, None);
        assert_eq!(reasons[1].field.as_deref(), Some("surname"));
        assert!(report_reasons(&json!({"reasons": "none"})).is_empty());
        assert!(report_reasons(&json!(null)).is_empty());
    }

    #[test]
    fn the_country_is_the_documents_else_the_typed_nationality() {
        let report = json!({"document": {"fields": {"issuing_country": "CHN"}}});
        let info = json!({"nationality": "DEU"});
        assert_eq!(case_country(Some(&report), Some(&info)).as_deref(), Some("CHN"));
        let unread = json!({"document": {"fields": {"issuing_country": " "}}});
        assert_eq!(case_country(Some(&unread), Some(&info)).as_deref(), Some("DEU"));
        assert_eq!(case_country(None, Some(&info)).as_deref(), Some("DEU"));
        assert_eq!(case_country(None, Some(&json!({"nationality": 5}))), None);
        assert_eq!(case_country(None, None), None);
    }

    #[test]
    fn the_audit_detail_gains_the_stores_facts_without_overwriting_the_callers() {
        let entry = NewAudit {
            actor_id: "rev_a".to_owned(),
            actor_email: "a@example.org".to_owned(),
            action: "case.reject".to_owned(),
            applicant_id: None,
            detail: json!({"note": "caller's"}),
            ip: None,
            user_agent: None,
        };
        let audited = case_audit(&entry, "app_x", json!({"note": "store's", "attempt": 2}));
        assert_eq!(audited.applicant_id.as_deref(), Some("app_x"));
        assert_eq!(audited.detail, json!({"note": "caller's", "attempt": 2}));
        let scalar = NewAudit {
            detail: json!("text"),
            ..entry
        };
        assert_eq!(
            case_audit(&scalar, "app_x", json!({})).detail,
            json!({"detail": "text"})
        );
    }
}
