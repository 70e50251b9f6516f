//! Prometheus metrics (prometheus-client, OpenMetrics text at `/metrics`):
//! requests by route and status, request latency, queue depth (read from
//! the database at scrape time), decisions by outcome, stage timings, jobs
//! reclaimed after an expired lease, webhook attempts; the review queue
//! (cases waiting, claimed, past their SLA deadline; read at scrape time)
//! and people's review decisions.
//!
//! Labels hold route templates (`/v1/applicants/{id}`), never ids or other
//! values taken from a request.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// A metric's labels.
type Labels = Vec<(String, String)>;
/// A histogram family with its bucket constructor.
type Histograms = Family<Labels, Histogram, fn() -> Histogram>;

/// The content type `/metrics` answers with.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

fn latency_buckets() -> Histogram {
    // 0.5 ms to ~16 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

fn stage_buckets() -> Histogram {
    // 1 ms to ~65 s: model stages take seconds on small machines.
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

/// The service's metrics; shared as `Arc<Metrics>`.
pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    latency: Histograms,
    queued: Gauge,
    running: Gauge,
    undelivered: Gauge,
    decisions: Family<Labels, Counter>,
    stages: Histograms,
    reclaimed: Counter,
    webhooks: Family<Labels, Counter>,
    review_waiting: Gauge,
    review_claimed: Gauge,
    review_breached: Gauge,
    review_decisions: Family<Labels, Counter>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics(..)")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

impl Metrics {
    /// Every family registered under the `openkyc_` prefix.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("openkyc");
        let requests = Family::<Labels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route template, method and status",
            requests.clone(),
        );
        let latency: Histograms = Family::new_with_constructor(latency_buckets);
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route template",
            latency.clone(),
        );
        let queued = Gauge::default();
        registry.register("jobs_queued", "Verification jobs waiting for a worker", queued.clone());
        let running = Gauge::default();
        registry.register("jobs_running", "Verification jobs claimed by a worker", running.clone());
        let undelivered = Gauge::default();
        registry.register(
            "webhooks_undelivered",
            "Webhook events neither delivered nor given up",
            undelivered.clone(),
        );
        let decisions = Family::<Labels, Counter>::default();
        registry.register("decisions", "Decisions recorded, by outcome", decisions.clone());
        let stages: Histograms = Family::new_with_constructor(stage_buckets);
        registry.register(
            "stage_duration_seconds",
            "Pipeline stage wall time, by stage and status",
            stages.clone(),
        );
        let reclaimed = Counter::default();
        registry.register(
            "jobs_reclaimed",
            "Jobs claimed again after their lease expired",
            reclaimed.clone(),
        );
        let webhooks = Family::<Labels, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts, by outcome",
            webhooks.clone(),
        );
        let review_waiting = Gauge::default();
        registry.register(
            "review_cases_waiting",
            "Cases waiting for a reviewer",
            review_waiting.clone(),
        );
        let review_claimed = Gauge::default();
        registry.register(
            "review_cases_claimed",
            "Waiting cases a reviewer holds a claim on",
            review_claimed.clone(),
        );
        let review_breached = Gauge::default();
        registry.register(
            "review_sla_breached",
            "Waiting cases past their SLA deadline (business hours)",
            review_breached.clone(),
        );
        let review_decisions = Family::<Labels, Counter>::default();
        registry.register(
            "review_decisions",
            "Decisions made by reviewers in the console, by outcome",
            review_decisions.clone(),
        );
        // Known outcomes start at zero, so a dashboard's rate() sees the
        // first event and the families are visible before anything happened.
        for decision in ["approved", "retry", "rejected", "review"] {
            let _ = decisions.get_or_create(&labels(&[("decision", decision)]));
        }
        for decision in ["approved", "retry", "rejected"] {
            let _ = review_decisions.get_or_create(&labels(&[("decision", decision)]));
        }
        for outcome in ["ok", "failed"] {
            let _ = webhooks.get_or_create(&labels(&[("outcome", outcome)]));
        }
        Metrics {
            registry,
            requests,
            latency,
            queued,
            running,
            undelivered,
            decisions,
            stages,
            reclaimed,
            webhooks,
            review_waiting,
            review_claimed,
            review_breached,
            review_decisions,
        }
    }

    /// The review queue as just read: cases waiting, claimed, and past
    /// their SLA deadline.
    pub fn set_review_queue(&self, waiting: u32, claimed: u32, breached: u32) {
        self.review_waiting.set(i64::from(waiting));
        self.review_claimed.set(i64::from(claimed));
        self.review_breached.set(i64::from(breached));
    }

    /// A reviewer decided a case.
    pub fn record_review_decision(&self, decision: &str) {
        self.review_decisions
            .get_or_create(&labels(&[("decision", decision)]))
            .inc();
    }

    /// A request finished (`route`: the matched template, or `unmatched`).
    pub fn record_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        self.requests
            .get_or_create(&labels(&[("route", route), ("method", method), ("status", &status)]))
            .inc();
        self.latency
            .get_or_create(&labels(&[("route", route)]))
            .observe(seconds);
    }

    /// The queue as just read from the database.
    pub fn set_queue_depth(&self, queued: u64, running: u64) {
        self.queued.set(i64::try_from(queued).unwrap_or(i64::MAX));
        self.running.set(i64::try_from(running).unwrap_or(i64::MAX));
    }

    /// Webhook events waiting, as just read from the database.
    pub fn set_undelivered_webhooks(&self, count: u64) {
        self.undelivered.set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// A decision was recorded (`approved`, `retry`, `rejected`, `review`).
    pub fn record_decision(&self, decision: &str) {
        self.decisions.get_or_create(&labels(&[("decision", decision)])).inc();
    }

    /// A pipeline stage ran for `ms` milliseconds (`status`: passed, failed, not_run).
    pub fn record_stage(&self, stage: &str, status: &str, ms: f64) {
        self.stages
            .get_or_create(&labels(&[("stage", stage), ("status", status)]))
            .observe(ms / 1000.0);
    }

    /// A job was claimed again after its lease expired (a worker died or stalled).
    pub fn record_job_reclaimed(&self) {
        self.reclaimed.inc();
    }

    /// A webhook delivery attempt ended (`ok` = the endpoint answered 2xx).
    pub fn record_webhook_attempt(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.webhooks.get_or_create(&labels(&[("outcome", outcome)])).inc();
    }

    /// The OpenMetrics text of every family.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_is_exposed_with_its_values() {
        let metrics = Metrics::new();
        metrics.record_request("/v1/applicants/{id}", "GET", 200, 0.002);
        metrics.record_decision("approved");
        metrics.record_stage("document", "passed", 1500.0);
        metrics.record_webhook_attempt(false);
        metrics.record_job_reclaimed();
        metrics.set_queue_depth(3, 1);
        metrics.set_review_queue(5, 2, 1);
        metrics.record_review_decision("retry");
        let text = metrics.encode().unwrap();
        for family in [
            "openkyc_http_requests_total{route=\"/v1/applicants/{id}\",method=\"GET\",status=\"200\"} 1",
            "openkyc_http_request_duration_seconds_count{route=\"/v1/applicants/{id}\"} 1",
            "openkyc_jobs_queued 3",
            "openkyc_jobs_running 1",
            "openkyc_decisions_total{decision=\"approved\"} 1",
            "openkyc_stage_duration_seconds_sum{stage=\"document\",status=\"passed\"} 1.5",
            "openkyc_jobs_reclaimed_total 1",
            "openkyc_webhook_attempts_total{outcome=\"failed\"} 1",
            "openkyc_webhooks_undelivered 0",
            "openkyc_decisions_total{decision=\"review\"} 0",
            "openkyc_webhook_attempts_total{outcome=\"ok\"} 0",
            "openkyc_review_cases_waiting 5",
            "openkyc_review_cases_claimed 2",
            "openkyc_review_sla_breached 1",
            "openkyc_review_decisions_total{decision=\"retry\"} 1",
            "openkyc_review_decisions_total{decision=\"rejected\"} 0",
        ] {
            assert!(text.contains(family), "{family} missing in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"));
    }
}
