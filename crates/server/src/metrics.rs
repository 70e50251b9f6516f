//! Prometheus metrics: requests, latencies, queue depth, decisions by
//! outcome, stage timings, webhook deliveries.
//!
//! SKELETON — the contract the background half calls; the HTTP helper
//! fills in the bodies (prometheus-client) and adds request metrics.

/// The service's metrics; shared as `Arc<Metrics>`.
#[derive(Debug, Default)]
pub struct Metrics {}

impl Metrics {
    /// A decision was recorded (`approved`, `retry`, `rejected`, `review`).
    pub fn record_decision(&self, decision: &str) {
        let _ = decision;
    }

    /// A pipeline stage ran for `ms` milliseconds (`status`: passed, failed, not_run).
    pub fn record_stage(&self, stage: &str, status: &str, ms: f64) {
        let _ = (stage, status, ms);
    }

    /// A job was claimed again after its lease expired (a worker died or stalled).
    pub fn record_job_reclaimed(&self) {}

    /// A webhook delivery attempt ended (`ok` = the endpoint answered 2xx).
    pub fn record_webhook_attempt(&self, ok: bool) {
        let _ = ok;
    }
}
