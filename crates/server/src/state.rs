//! What every handler shares.

use crate::config::ServeConfig;
use crate::metrics::Metrics;
use crate::secrets::Secrets;
use openkyc_levels::Levels;
use openkyc_liveness::ChallengeKey;
use openkyc_precheck::PrecheckConfig;
use openkyc_store::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The handlers' shared state (behind an `Arc`).
#[derive(Debug)]
pub struct AppState {
    /// The database and images.
    pub store: Store,
    /// The validated configuration.
    pub config: Arc<ServeConfig>,
    /// The server's secrets.
    pub secrets: Arc<Secrets>,
    /// The verification levels.
    pub levels: Arc<Levels>,
    /// The review team's hours: SLA deadlines and the applicant's ETA.
    pub review_hours: Arc<openkyc_reviewhours::ReviewHours>,
    /// The capture-quality thresholds, with the configured upload limits.
    pub precheck: Arc<PrecheckConfig>,
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// Signs liveness challenges.
    pub challenge_key: ChallengeKey,
    /// Set once the workers and webhook delivery are running (`/readyz`).
    pub background_started: AtomicBool,
    /// Image checks (decoding, the precheck) running at once: one per
    /// core, so a burst of uploads queues instead of decoding dozens of
    /// large photos in parallel and exhausting memory.
    pub image_permits: tokio::sync::Semaphore,
    /// Password verifications running at once (Argon2id takes 19 MiB and
    /// tens of milliseconds each): one per core. The sign-in throttle is
    /// checked while holding a permit, so a burst of parallel guesses
    /// cannot all pass the check before any failure is counted.
    pub password_permits: tokio::sync::Semaphore,
    /// When each reviewer last had each kind of image of each case audited
    /// (`view_upload` rows are written at most once per
    /// [`UPLOAD_VIEW_AUDIT_MS`] per reviewer, case and kind: a case page
    /// loads dozens of liveness frames).
    pub upload_views: std::sync::Mutex<std::collections::HashMap<(String, String, String), i64>>,
    /// The latest rectified document crops the console served, by upload id
    /// (at most [`CROPS_KEPT`]; an upload's bytes never change), so that
    /// reloading a case page does not detect the document again.
    pub crops: std::sync::Mutex<std::collections::VecDeque<(String, Vec<u8>)>>,
    /// When each e-mail and address was last audited as throttled, so a
    /// burst is one audit row (see `console::session`).
    pub throttle_audits: std::sync::Mutex<std::collections::HashMap<String, i64>>,
}

/// See [`AppState::crops`].
pub const CROPS_KEPT: usize = 32;

/// See [`AppState::upload_views`].
pub const UPLOAD_VIEW_AUDIT_MS: i64 = 10 * 60 * 1000;

impl AppState {
    /// Whether the workers and delivery loop have started.
    pub fn is_started(&self) -> bool {
        self.background_started.load(Ordering::Acquire)
    }

    /// Marks the background half as running.
    pub fn mark_started(&self) {
        self.background_started.store(true, Ordering::Release);
    }
}
