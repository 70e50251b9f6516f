//! The background half of the service: workers that claim verification
//! jobs with a lease and run the pipeline off the async threads
//! ([`start_workers`]), and the webhook delivery loop over the outbox
//! ([`start_delivery`], retried with [`backoff`]).

mod delivery;
mod worker;

pub use delivery::{backoff, start_delivery};
pub use worker::{start_workers, MAX_CLAIMS};

use openkyc_levels::Levels;
use openkyc_pipeline::PipelineOptions;
use std::sync::Arc;
use std::time::Duration;

/// A failure injected on purpose, for the crash test
/// (`OPENKYC_FAULT=exit_after_analyse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The process exits right after the pipeline's analysis, before the
    /// decision is committed: the job must be retried after its lease and
    /// decided exactly once.
    ExitAfterAnalyse,
}

/// How workers run.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Concurrent workers in this process (each loads its own models).
    pub workers: usize,
    /// How long a claimed job stays claimed without being finished; a
    /// worker extends it every third of it while its analysis runs, so a
    /// dead worker's job is re-claimed about one lease after it died.
    pub lease: Duration,
    /// How often an idle worker looks for jobs.
    pub poll: Duration,
    /// Models, font, document-key secret.
    pub pipeline: PipelineOptions,
    /// The levels configuration.
    pub levels: Arc<Levels>,
    /// A fault to inject, if any.
    pub fault: Option<Fault>,
}

/// One webhook endpoint.
#[derive(Clone)]
pub struct WebhookEndpoint {
    /// Where events are POSTed.
    pub url: String,
    /// The `whsec_` secret they are signed with.
    pub secret: String,
}

impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret (nor the path, which may hold a token).
        let origin = self.url.split('/').take(3).collect::<Vec<_>>().join("/");
        write!(f, "WebhookEndpoint({origin})")
    }
}

impl std::fmt::Debug for DeliveryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryConfig")
            .field("endpoints", &self.endpoints)
            .field("stored_endpoints", &self.stored_endpoints_key.is_some())
            .field("max_attempts", &self.max_attempts)
            .finish_non_exhaustive()
    }
}

/// How webhooks are delivered.
#[derive(Clone)]
pub struct DeliveryConfig {
    /// The endpoints of the configuration file.
    pub endpoints: Vec<WebhookEndpoint>,
    /// The master key that opens the endpoints admins add in the console
    /// (read again at every poll, so a new one gets the next events);
    /// `None`: the configured endpoints only. With no endpoint at all,
    /// events wait in the outbox.
    pub stored_endpoints_key: Option<[u8; 32]>,
    /// Attempts before a message is given up (and kept, marked failed).
    pub max_attempts: u32,
    /// The first retry's delay; doubled per attempt (with jitter), capped.
    pub base_backoff: Duration,
    /// The longest delay between attempts.
    pub max_backoff: Duration,
    /// One attempt's timeout.
    pub timeout: Duration,
    /// How often the outbox is polled.
    pub poll: Duration,
}
