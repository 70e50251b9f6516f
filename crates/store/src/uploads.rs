//! Uploads per attempt and the liveness challenges issued.
//!
//! Every upload is kept; within an attempt the latest of a kind is the one
//! used. Liveness uploads count only when made after the attempt's latest
//! challenge was issued (a new challenge starts the recording over); frames
//! are used in `t_ms` order.

use crate::applicants::{applicant_in, EDITABLE_SQL};
use crate::blobs::{is_blob_id, BlobRef};
use crate::{ids::new_id, parse_json, to_u32, Store, StoreError};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

/// What an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadKind {
    /// The document's front (or a passport's data page).
    Front,
    /// The document's back.
    Back,
    /// The selfie.
    Selfie,
    /// A liveness recording (MP4).
    LivenessVideo,
    /// One still of a liveness recording, with its time.
    LivenessFrame,
}

impl UploadKind {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            UploadKind::Front => "front",
            UploadKind::Back => "back",
            UploadKind::Selfie => "selfie",
            UploadKind::LivenessVideo => "liveness_video",
            UploadKind::LivenessFrame => "liveness_frame",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<UploadKind> {
        [
            UploadKind::Front,
            UploadKind::Back,
            UploadKind::Selfie,
            UploadKind::LivenessVideo,
            UploadKind::LivenessFrame,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }

    /// Whether the upload belongs to a liveness recording.
    pub fn is_liveness(self) -> bool {
        matches!(self, UploadKind::LivenessVideo | UploadKind::LivenessFrame)
    }
}

/// An upload to record (its blob already stored with `put_blob`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewUpload {
    /// The applicant.
    pub applicant_id: String,
    /// Must be the applicant's current attempt.
    pub attempt: u32,
    /// What it is.
    pub kind: UploadKind,
    /// The stored bytes.
    pub blob: BlobRef,
    /// The sniffed content type.
    pub content_type: String,
    /// Pixels, when an image.
    pub width: Option<u32>,
    /// Pixels, when an image.
    pub height: Option<u32>,
    /// A liveness frame's time since the recording started.
    pub t_ms: Option<u32>,
    /// The instant precheck's result, as returned to the client.
    pub precheck: Option<serde_json::Value>,
}

/// An upload as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Upload {
    /// `upl_…`.
    pub id: String,
    /// The applicant.
    pub applicant_id: String,
    /// Its attempt.
    pub attempt: u32,
    /// Order within the attempt (1, 2, …).
    pub seq: u32,
    /// What it is.
    pub kind: UploadKind,
    /// The stored bytes.
    pub blob: BlobRef,
    /// The sniffed content type.
    pub content_type: String,
    /// Pixels.
    pub width: Option<u32>,
    /// Pixels.
    pub height: Option<u32>,
    /// A liveness frame's time.
    pub t_ms: Option<u32>,
    /// The precheck result.
    pub precheck: Option<serde_json::Value>,
    /// Unix ms.
    pub created_at: i64,
}

/// The uploads a verification of one attempt uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AttemptUploads {
    /// The latest front.
    pub front: Option<Upload>,
    /// The latest back.
    pub back: Option<Upload>,
    /// The latest selfie.
    pub selfie: Option<Upload>,
    /// The latest video since the latest challenge.
    pub liveness_video: Option<Upload>,
    /// The frames since the latest challenge, in `t_ms` order.
    pub liveness_frames: Vec<Upload>,
}

impl AttemptUploads {
    /// Whether the video was uploaded after every frame (so it is the
    /// recording to use when both exist).
    pub fn video_is_latest(&self) -> bool {
        let last_frame = self.liveness_frames.iter().map(|frame| frame.seq).max();
        match (&self.liveness_video, last_frame) {
            (Some(video), Some(frame)) => video.seq > frame,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// A liveness challenge as issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredChallenge {
    /// `chl_…`.
    pub id: String,
    /// The applicant.
    pub applicant_id: String,
    /// Its attempt.
    pub attempt: u32,
    /// The challenge (`openkyc_liveness::Challenge` as JSON).
    pub challenge: serde_json::Value,
    /// Unix ms.
    pub expires_at: i64,
    /// Unix ms.
    pub created_at: i64,
}

const COLUMNS: &str = "id, applicant_id, attempt, seq, kind, blob_sha256, blob_len, content_type, width, height, \
                       t_ms, precheck, created_at";

fn optional_u32(value: Option<i64>, what: &'static str) -> Result<Option<u32>, StoreError> {
    value.map(|value| to_u32(value, what)).transpose()
}

fn upload_from_row(row: &SqliteRow) -> Result<Upload, StoreError> {
    let kind: String = row.try_get("kind")?;
    let precheck: Option<String> = row.try_get("precheck")?;
    let len: i64 = row.try_get("blob_len")?;
    Ok(Upload {
        id: row.try_get("id")?,
        applicant_id: row.try_get("applicant_id")?,
        attempt: to_u32(row.try_get("attempt")?, "uploads.attempt")?,
        seq: to_u32(row.try_get("seq")?, "uploads.seq")?,
        kind: UploadKind::parse(&kind).ok_or(StoreError::Corrupt("uploads.kind"))?,
        blob: BlobRef {
            sha256: row.try_get("blob_sha256")?,
            len: u64::try_from(len).map_err(|_| StoreError::Corrupt("uploads.blob_len"))?,
        },
        content_type: row.try_get("content_type")?,
        width: optional_u32(row.try_get("width")?, "uploads.width")?,
        height: optional_u32(row.try_get("height")?, "uploads.height")?,
        t_ms: optional_u32(row.try_get("t_ms")?, "uploads.t_ms")?,
        precheck: precheck.map(|text| parse_json(&text, "uploads.precheck")).transpose()?,
        created_at: row.try_get("created_at")?,
    })
}

/// Moves the applicant to `attempt + 1`, copying the used document and
/// selfie uploads of `attempt` (same blobs) into it.
pub(crate) async fn open_next_attempt(
    conn: &mut SqliteConnection,
    applicant_id: &str,
    attempt: u32,
    now: i64,
) -> Result<u32, StoreError> {
    let next = attempt.saturating_add(1);
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM uploads WHERE applicant_id = ? AND attempt = ? \
         AND kind IN ('front', 'back', 'selfie') ORDER BY seq"
    ))
    .bind(applicant_id)
    .bind(i64::from(attempt))
    .fetch_all(&mut *conn)
    .await?;
    let mut latest: Vec<Upload> = Vec::new();
    for row in &rows {
        let upload = upload_from_row(row)?;
        latest.retain(|kept| kept.kind != upload.kind);
        latest.push(upload);
    }
    latest.sort_by_key(|upload| upload.seq);
    sqlx::query("UPDATE applicants SET attempt = ?, updated_at = ? WHERE id = ?")
        .bind(i64::from(next))
        .bind(now)
        .bind(applicant_id)
        .execute(&mut *conn)
        .await?;
    for upload in latest {
        let carried = NewUpload {
            applicant_id: applicant_id.to_owned(),
            attempt: next,
            kind: upload.kind,
            blob: upload.blob,
            content_type: upload.content_type,
            width: upload.width,
            height: upload.height,
            t_ms: upload.t_ms,
            precheck: upload.precheck,
        };
        insert_upload(&mut *conn, &carried, now).await?;
    }
    Ok(next)
}

/// Inserts an upload row with the attempt's next `seq`.
async fn insert_upload(conn: &mut SqliteConnection, upload: &NewUpload, now: i64) -> Result<Upload, StoreError> {
    let id = new_id("upl_")?;
    let len = i64::try_from(upload.blob.len).map_err(|_| StoreError::Invalid("blob length"))?;
    let row = sqlx::query(&format!(
        "INSERT INTO uploads ({COLUMNS}) \
         SELECT ?, ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ? \
         FROM uploads WHERE applicant_id = ? AND attempt = ? RETURNING {COLUMNS}"
    ))
    .bind(&id)
    .bind(&upload.applicant_id)
    .bind(i64::from(upload.attempt))
    .bind(upload.kind.as_str())
    .bind(&upload.blob.sha256)
    .bind(len)
    .bind(&upload.content_type)
    .bind(upload.width.map(i64::from))
    .bind(upload.height.map(i64::from))
    .bind(upload.t_ms.map(i64::from))
    .bind(upload.precheck.as_ref().map(|json| json.to_string()))
    .bind(now)
    .bind(&upload.applicant_id)
    .bind(i64::from(upload.attempt))
    .fetch_one(conn)
    .await?;
    upload_from_row(&row)
}

impl Store {
    /// Records an upload in the applicant's current attempt. Refused
    /// (`StaleAttempt`, `InvalidState`) for another attempt or unless the
    /// applicant [`is_editable`](crate::Applicant::is_editable); the blob must
    /// be stored already.
    pub async fn add_upload(&self, upload: &NewUpload) -> Result<Upload, StoreError> {
        if !is_blob_id(&upload.blob.sha256) {
            return Err(StoreError::InvalidBlobId);
        }
        if !self.has_blob(&upload.blob.sha256).await? {
            return Err(StoreError::NotFound("blob"));
        }
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        // A write first: the transaction holds the write lock from here on.
        let open = sqlx::query(&format!(
            "UPDATE applicants SET updated_at = ? WHERE id = ? AND attempt = ? AND {EDITABLE_SQL}"
        ))
        .bind(now)
        .bind(&upload.applicant_id)
        .bind(i64::from(upload.attempt))
        .execute(&mut *tx)
        .await?;
        if open.rows_affected() == 0 {
            let applicant = applicant_in(&mut tx, &upload.applicant_id).await?;
            return Err(if applicant.attempt != upload.attempt {
                StoreError::StaleAttempt {
                    given: upload.attempt,
                    current: applicant.attempt,
                }
            } else {
                StoreError::InvalidState {
                    status: applicant.status,
                    action: "upload",
                }
            });
        }
        let stored = insert_upload(&mut tx, upload, now).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// The uploads a verification of `attempt` uses.
    pub async fn uploads_for(&self, applicant_id: &str, attempt: u32) -> Result<AttemptUploads, StoreError> {
        let challenge_at = self
            .latest_challenge(applicant_id, attempt)
            .await?
            .map(|challenge| challenge.created_at);
        let mut used = AttemptUploads::default();
        for upload in self.all_uploads(applicant_id, attempt).await? {
            let before_challenge = challenge_at.is_some_and(|issued| upload.created_at < issued);
            match upload.kind {
                UploadKind::Front => used.front = Some(upload),
                UploadKind::Back => used.back = Some(upload),
                UploadKind::Selfie => used.selfie = Some(upload),
                _ if before_challenge => {}
                UploadKind::LivenessVideo => used.liveness_video = Some(upload),
                UploadKind::LivenessFrame => used.liveness_frames.push(upload),
            }
        }
        used.liveness_frames
            .sort_by_key(|frame| (frame.t_ms.unwrap_or(0), frame.seq));
        Ok(used)
    }

    /// Every upload of `attempt`, in upload order (history included).
    pub async fn all_uploads(&self, applicant_id: &str, attempt: u32) -> Result<Vec<Upload>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM uploads WHERE applicant_id = ? AND attempt = ? ORDER BY seq"
        ))
        .bind(applicant_id)
        .bind(i64::from(attempt))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(upload_from_row).collect()
    }

    /// The upload with this id, if any (the console streams one image).
    pub async fn upload(&self, upload_id: &str) -> Result<Option<Upload>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM uploads WHERE id = ?"))
            .bind(upload_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(upload_from_row).transpose()
    }

    /// Records an issued liveness challenge for the applicant's attempt.
    pub async fn save_challenge(
        &self,
        applicant_id: &str,
        attempt: u32,
        challenge: &serde_json::Value,
        expires_at: i64,
    ) -> Result<StoredChallenge, StoreError> {
        let id = new_id("chl_")?;
        let now = self.now_ms();
        let mut tx = self.write_tx().await?;
        let inserted = sqlx::query(
            "INSERT INTO liveness_challenges (id, applicant_id, attempt, seq, challenge, expires_at, created_at) \
             SELECT ?, ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM liveness_challenges \
             WHERE applicant_id = ? AND attempt = ?",
        )
        .bind(&id)
        .bind(applicant_id)
        .bind(i64::from(attempt))
        .bind(challenge.to_string())
        .bind(expires_at)
        .bind(now)
        .bind(applicant_id)
        .bind(i64::from(attempt))
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
                return Err(StoreError::NotFound("applicant"))
            }
            other => other?,
        };
        tx.commit().await?;
        Ok(StoredChallenge {
            id,
            applicant_id: applicant_id.to_owned(),
            attempt,
            challenge: challenge.clone(),
            expires_at,
            created_at: now,
        })
    }

    /// The attempt's latest challenge, if any.
    pub async fn latest_challenge(
        &self,
        applicant_id: &str,
        attempt: u32,
    ) -> Result<Option<StoredChallenge>, StoreError> {
        let row = sqlx::query(
            "SELECT id, challenge, expires_at, created_at FROM liveness_challenges \
             WHERE applicant_id = ? AND attempt = ? ORDER BY seq DESC LIMIT 1",
        )
        .bind(applicant_id)
        .bind(i64::from(attempt))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let challenge: String = row.try_get("challenge")?;
        Ok(Some(StoredChallenge {
            id: row.try_get("id")?,
            applicant_id: applicant_id.to_owned(),
            attempt,
            challenge: parse_json(&challenge, "liveness_challenges.challenge")?,
            expires_at: row.try_get("expires_at")?,
            created_at: row.try_get("created_at")?,
        }))
    }
}
