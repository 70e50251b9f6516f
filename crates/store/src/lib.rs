//! Storage of the service: the SQLite (WAL) database with its embedded
//! migrations, content-addressed image files, the job queue with leases and
//! the webhook outbox.
//!
//! - [`Store::open`]: `data_dir/openkyc.db` and `data_dir/blobs/`.
//! - [`blobs`]: images by SHA-256, written atomically (temp file, fsync,
//!   rename): an aborted upload leaves nothing visible.
//! - [`keys`]: operator API keys (secrets sealed with the master key) and the
//!   request replay guard.
//! - [`applicants`]: applicants, their status machine, attempts, basic
//!   information and level history.
//! - [`uploads`]: uploads per attempt and issued liveness challenges.
//! - [`jobs`]: verification jobs (enqueue, claim with a lease, complete
//!   exactly once), reports, document keys and face templates.
//! - [`outbox`]: webhook events written in the same transaction as the state
//!   change they announce.
//! - [`reviewers`], [`sessions`]: review console accounts, login sessions
//!   (by token hash) and login throttling.
//! - [`review`]: the console's queue, case claims, people's decisions,
//!   four-eyes rejection votes and reopening.
//! - [`audit`]: the append-only audit log of the console.
//!
//! Queries are plain SQL written to run on PostgreSQL too (see `API.md` for
//! the few SQLite-specific spots). Time comes from the store's [`Clock`]
//! (the system clock, or a manual one in tests); ids are random.

pub mod applicants;
pub mod audit;
pub mod blobs;
mod clock;
mod ids;
pub mod jobs;
pub mod keys;
pub mod outbox;
pub mod review;
pub mod reviewers;
pub mod sessions;
pub mod uploads;
pub mod webhooks;

pub use applicants::{Applicant, ApplicantFilter, ApplicantPage, ApplicantStatus, LevelChange, NewApplicant};
pub use audit::{AuditEntry, NewAudit};
pub use blobs::BlobRef;
pub use clock::Clock;
pub use jobs::{
    ClaimedJob, Completion, Decision, EventReason, Job, JobState, QueueDepth, QueuedJob, ReviewDecision, StoredReport,
};
pub use keys::ApiKeyInfo;
pub use outbox::OutboxEvent;
pub use review::{CaseClaim, QueueCase, RejectionVote, StoredReviewDecision};
pub use reviewers::Reviewer;
pub use sessions::{ConsoleSession, LoginFailures, NewSession};
pub use uploads::{AttemptUploads, NewUpload, StoredChallenge, Upload, UploadKind};
pub use webhooks::{ActiveWebhookEndpoint, WebhookEndpointInfo};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "openkyc.db";
/// The blob directory's name inside the data directory.
pub const BLOB_DIR: &str = "blobs";

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections in the pool: SQLite serialises writers anyway; readers
/// (status reads) run in parallel in WAL mode.
const MAX_CONNECTIONS: u32 = 8;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed (I/O, busy beyond the timeout, a constraint).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The migrations could not be applied.
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A file operation failed (blobs, data directory).
    #[error("files: {0}")]
    Io(#[from] std::io::Error),
    /// The operating system's randomness failed.
    #[error("randomness unavailable")]
    Random,
    /// No such row.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The external user id is already used by another applicant.
    #[error("an applicant with this external user id already exists")]
    DuplicateExternalUserId,
    /// The applicant's status does not allow the operation.
    #[error("applicant is {status}: cannot {action}")]
    InvalidState {
        /// The applicant's status.
        status: ApplicantStatus,
        /// What was refused.
        action: &'static str,
    },
    /// The upload names an attempt other than the applicant's current one.
    #[error("attempt {given} is not the applicant's current attempt {current}")]
    StaleAttempt {
        /// The attempt given.
        given: u32,
        /// The applicant's current attempt.
        current: u32,
    },
    /// A verification of this attempt is already queued or running.
    #[error("a verification of this attempt is already queued or running")]
    AlreadyQueued,
    /// The job's lease was taken over by another worker (or the job is
    /// done): nothing was written.
    #[error("the job's lease was lost")]
    LeaseLost,
    /// Another reviewer holds a live claim on the case. (The e-mail is for
    /// the console's page, not the message: errors reach logs.)
    #[error("the case is claimed by another reviewer")]
    ClaimedByOther {
        /// The holder's e-mail.
        reviewer_email: String,
        /// Unix ms when their claim lapses unless renewed.
        expires_at: i64,
    },
    /// The action needs the caller's live claim on the case: nothing was
    /// written.
    #[error("claim the case first")]
    ClaimRequired,
    /// A reviewer account with this e-mail exists.
    #[error("a reviewer with this e-mail exists")]
    DuplicateEmail,
    /// The attempt already has a report.
    #[error("the attempt already has a report")]
    ReportExists,
    /// A sealed secret does not open with the master key given.
    #[error("sealed secret does not open with this master key")]
    Sealed,
    /// A blob id is not 64 lowercase hex digits.
    #[error("not a blob id")]
    InvalidBlobId,
    /// A blob's bytes no longer hash to its name.
    #[error("blob {0} is corrupt")]
    CorruptBlob(String),
    /// A stored value is not what the schema says (hand-edited database).
    #[error("corrupt value in {0}")]
    Corrupt(&'static str),
    /// A value given does not fit the schema (a negative time, bad JSON).
    #[error("invalid value: {0}")]
    Invalid(&'static str),
}

/// The store: a connection pool and the blob directory. Cheap to clone
/// (shared pool).
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    blob_dir: PathBuf,
    clock: Clock,
}

impl Store {
    /// Opens (creating) `data_dir/openkyc.db` in WAL mode with foreign keys
    /// and a busy timeout, and `data_dir/blobs/`, and runs the migrations.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        tokio::fs::create_dir_all(data_dir).await?;
        let options = SqliteConnectOptions::new().filename(data_dir.join(DATABASE_FILE));
        Store::open_with(options, data_dir.join(BLOB_DIR)).await
    }

    /// Opens the database at `url` (`sqlite://path/to.db`, created when
    /// missing) with blobs under `blob_dir` (`OPENKYC_DATABASE_URL`).
    pub async fn open_url(url: &str, blob_dir: &Path) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?;
        Store::open_with(options, blob_dir.to_path_buf()).await
    }

    async fn open_with(options: SqliteConnectOptions, blob_dir: PathBuf) -> Result<Store, StoreError> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        tokio::fs::create_dir_all(&blob_dir).await?;
        let store = Store {
            pool,
            blob_dir,
            clock: Clock::system(),
        };
        store.sweep_stale_temp_blobs().await?;
        Ok(store)
    }

    /// The same store reading time from `clock` (tests move time by hand).
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// The store's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current time in unix milliseconds, by the store's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Whether the database answers (`/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts a write transaction. `BEGIN IMMEDIATE` takes SQLite's write
    /// lock up front, so a transaction never fails half-way on a snapshot
    /// another writer made stale (PostgreSQL: plain `BEGIN`).
    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// A `u32` from a stored BIGINT, refusing what no code path writes.
fn to_u32(value: i64, what: &'static str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(what))
}

/// Parses stored JSON text.
fn parse_json(text: &str, what: &'static str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt(what))
}

/// Whether a database error is a unique-constraint violation.
fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn migrations_are_idempotent_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        store.ping().await.unwrap();
        store.close().await;
        let again = Store::open(dir.path()).await.unwrap();
        again.ping().await.unwrap();
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&again.pool)
            .await
            .unwrap();
        // Each migration once, however often the store is opened.
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .count();
        assert_eq!(applied, i64::try_from(files).unwrap());
        assert!(dir.path().join(DATABASE_FILE).is_file());
        assert!(dir.path().join(BLOB_DIR).is_dir());
    }

    #[tokio::test]
    async fn the_database_runs_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[tokio::test]
    async fn a_database_url_opens_too() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("other.db").display());
        let store = Store::open_url(&url, &dir.path().join("files")).await.unwrap();
        store.ping().await.unwrap();
        assert!(dir.path().join("other.db").is_file());
        assert!(dir.path().join("files").is_dir());
    }
}
