#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The background half against a real store: webhook delivery to a local
//! receiver that verifies signatures, workers deciding queued jobs exactly
//! once, a dead worker's job re-claimed after its lease, and a process that
//! exits after the analysis (fault injection) restarted.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use openkyc_levels::Levels;
use openkyc_pipeline::{Pipeline, PipelineOptions};
use openkyc_server::background::{start_delivery, start_workers, DeliveryConfig, Fault, WebhookEndpoint, WorkerConfig};
use openkyc_server::metrics::Metrics;
use openkyc_store::{ApplicantStatus, JobState, NewApplicant, Store};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OCRB_FONT: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";
const CRASH_DIR_ENV: &str = "OPENKYC_TEST_CRASH_DIR";

/// What the receiver saw.
#[derive(Default)]
struct Received {
    /// Every request: (webhook-id, signature verified).
    requests: Vec<(String, bool)>,
    /// Ids answered 2xx, in order.
    accepted: Vec<String>,
    /// Requests still to refuse with 500.
    fail_next: usize,
}

type Shared = Arc<Mutex<Received>>;

async fn receive(State(seen): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let id = header("webhook-id");
    let ts: i64 = header("webhook-timestamp").parse().unwrap_or(0);
    let now = chrono::Utc::now().timestamp();
    let verified = openkyc_signing::webhook::verify(SECRET, &id, ts, now, &body, &header("webhook-signature")).is_ok()
        && header("content-type") == "application/json"
        && serde_json::from_slice::<serde_json::Value>(&body).unwrap()["id"] == id.as_str();
    let mut seen = seen.lock().unwrap();
    seen.requests.push((id.clone(), verified));
    if !verified {
        return StatusCode::UNAUTHORIZED;
    }
    if seen.fail_next > 0 {
        seen.fail_next -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    seen.accepted.push(id);
    StatusCode::NO_CONTENT
}

/// A receiver on a loopback port that refuses its first `fail_first` requests.
async fn receiver(fail_first: usize) -> (String, Shared) {
    let seen: Shared = Arc::new(Mutex::new(Received {
        fail_next: fail_first,
        ..Received::default()
    }));
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/hook"), seen)
}

fn delivery_config(url: &str, max_attempts: u32) -> DeliveryConfig {
    DeliveryConfig {
        endpoints: vec![WebhookEndpoint {
            url: url.to_owned(),
            secret: SECRET.to_owned(),
        }],
        stored_endpoints_key: None,
        max_attempts,
        base_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
        timeout: Duration::from_secs(5),
        poll: Duration::from_millis(20),
    }
}

fn applicant(external: &str) -> NewApplicant {
    NewApplicant {
        external_user_id: external.to_owned(),
        target_level: "L1".to_owned(),
        ..NewApplicant::default()
    }
}

/// Polls `done` until true or 20 s have passed.
async fn wait_for<F, Fut>(what: &str, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !done().await {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn webhooks_are_signed_retried_after_a_failure_and_accepted_once_per_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let first = store.create_applicant(&applicant("user-1")).await.unwrap();
    let second = store.create_applicant(&applicant("user-2")).await.unwrap();
    let (url, seen) = receiver(1).await;
    let (stop, shutdown) = watch::channel(false);
    let task = start_delivery(
        store.clone(),
        delivery_config(&url, 5),
        Arc::new(Metrics::default()),
        shutdown,
    );
    wait_for("every event delivered", || {
        let store = store.clone();
        async move { store.undelivered_events().await.unwrap() == 0 }
    })
    .await;
    stop.send(true).unwrap();
    task.await.unwrap();

    let mut ids: Vec<String> = Vec::new();
    for applicant in [&first, &second] {
        ids.extend(store.events_for(&applicant.id).await.unwrap().into_iter().map(|e| e.id));
    }
    let (requests, mut accepted) = {
        let seen = seen.lock().unwrap();
        (seen.requests.clone(), seen.accepted.clone())
    };
    assert!(
        requests.iter().all(|(_, verified)| *verified),
        "every signature verifies"
    );
    assert_eq!(requests.len(), ids.len() + 1, "one failed request, retried");
    accepted.sort();
    ids.sort();
    assert_eq!(accepted, ids, "each event accepted exactly once");
    // The refused event was retried under the same id.
    let refused = &requests[0].0;
    assert_eq!(requests.iter().filter(|(id, _)| id == refused).count(), 2);
    let events = store.events_for(&first.id).await.unwrap();
    let retried = events
        .iter()
        .chain(store.events_for(&second.id).await.unwrap().iter())
        .find(|e| &e.id == refused)
        .cloned()
        .unwrap();
    assert_eq!(retried.attempts, 2);
    assert!(retried.delivered_at.is_some());
}

#[tokio::test]
async fn an_endpoint_that_keeps_failing_is_given_up_after_max_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let created = store.create_applicant(&applicant("user-1")).await.unwrap();
    let (url, seen) = receiver(usize::MAX).await;
    let (stop, shutdown) = watch::channel(false);
    let task = start_delivery(
        store.clone(),
        delivery_config(&url, 3),
        Arc::new(Metrics::default()),
        shutdown,
    );
    wait_for("the event given up", || {
        let store = store.clone();
        async move { store.undelivered_events().await.unwrap() == 0 }
    })
    .await;
    stop.send(true).unwrap();
    task.await.unwrap();
    let event = store.events_for(&created.id).await.unwrap().remove(0);
    assert_eq!(event.attempts, 3);
    assert!(event.failed_at.is_some());
    assert_eq!(event.delivered_at, None);
    assert_eq!(event.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(seen.lock().unwrap().requests.len(), 3);
    assert!(seen.lock().unwrap().accepted.is_empty());
}

fn pipeline_options() -> PipelineOptions {
    PipelineOptions {
        models_dir: None,
        ocrb_font: PathBuf::from(std::env::var("OPENKYC_OCRB_FONT").unwrap_or_else(|_| OCRB_FONT.to_owned())),
        document_key_secret: b"background test secret".to_vec(),
    }
}

/// Whether the pipeline loads here (models, font); prints SKIPPED if not.
fn pipeline_loads(test: &str) -> bool {
    match Pipeline::load(pipeline_options()) {
        Ok(_) => true,
        Err(error) => {
            println!("SKIPPED: {test}: the pipeline cannot load here ({error})");
            false
        }
    }
}

fn worker_config(workers: usize, lease: Duration, fault: Option<Fault>) -> WorkerConfig {
    WorkerConfig {
        workers,
        lease,
        poll: Duration::from_millis(20),
        pipeline: pipeline_options(),
        levels: Arc::new(Levels::shipped().unwrap()),
        fault,
    }
}

/// An L1 applicant with basic info, submitted: its id.
async fn submitted_applicant(store: &Store, external: &str) -> String {
    let created = store.create_applicant(&applicant(external)).await.unwrap();
    let info = serde_json::json!({
        "first_name": "ANNA MARIA",
        "last_name": "ERIKSSON",
        "birth_date": "1990-08-12",
        "nationality": "UTO",
        "document_type": "passport",
        "document_number": "L898902C3",
    });
    store.set_basic_info(&created.id, &info).await.unwrap();
    store.enqueue_verification(&created.id).await.unwrap();
    created.id
}

/// Waits until the applicant has left `pending`.
async fn wait_decided(store: &Store, applicant_id: &str) {
    wait_for("the applicant decided", || {
        let store = store.clone();
        let id = applicant_id.to_owned();
        async move { store.get_applicant(&id).await.unwrap().unwrap().status != ApplicantStatus::Pending }
    })
    .await;
}

/// The job was decided once: one done job with `claims` claims, one report,
/// one decision event, the applicant's status that of the decision.
async fn assert_decided_once(store: &Store, applicant_id: &str, claims: u32) {
    let jobs = store.jobs_for(applicant_id).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Done);
    assert_eq!(jobs[0].claims, claims);
    let reports = store.reports_for(applicant_id).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].report["level"], "L1");
    let applicant = store.get_applicant(applicant_id).await.unwrap().unwrap();
    assert_eq!(applicant.decision, Some(reports[0].decision));
    assert_eq!(applicant.status, reports[0].decision.status());
    let events = store.events_for(applicant_id).await.unwrap();
    let decisions = events
        .iter()
        .filter(|e| e.event_type == "applicant.reviewed" || e.event_type == "applicant.on_hold")
        .count();
    assert_eq!(decisions, 1);
    assert_eq!(events[0].event_type, "applicant.created");
    assert_eq!(events[1].event_type, "applicant.submitted");
}

#[tokio::test]
async fn workers_decide_each_queued_job_exactly_once() {
    if !pipeline_loads("workers_decide_each_queued_job_exactly_once") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(submitted_applicant(&store, &format!("user-{n}")).await);
    }
    let (stop, shutdown) = watch::channel(false);
    let workers = start_workers(
        store.clone(),
        worker_config(2, Duration::from_secs(30), None),
        Arc::new(Metrics::default()),
        shutdown,
    );
    for id in &ids {
        wait_decided(&store, id).await;
    }
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    for id in &ids {
        assert_decided_once(&store, id, 1).await;
    }
    assert_eq!(store.queue_depth().await.unwrap().queued, 0);
    assert_eq!(store.queue_depth().await.unwrap().running, 0);
}

#[tokio::test]
async fn a_dead_workers_job_is_reclaimed_after_its_lease_and_decided_once() {
    if !pipeline_loads("a_dead_workers_job_is_reclaimed_after_its_lease_and_decided_once") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let id = submitted_applicant(&store, "user-1").await;
    // A worker that claims and then dies: it never completes or heartbeats.
    let lease = Duration::from_millis(400);
    let dead = store.claim_job("dead-worker", lease).await.unwrap().unwrap();
    let (stop, shutdown) = watch::channel(false);
    let workers = start_workers(
        store.clone(),
        worker_config(1, lease, None),
        Arc::new(Metrics::default()),
        shutdown,
    );
    wait_decided(&store, &id).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    assert_decided_once(&store, &id, 2).await;
    // The dead worker coming back finds its lease lost and writes nothing.
    let late = store.complete_job(&dead, &sample_completion()).await;
    assert!(matches!(late, Err(openkyc_store::StoreError::LeaseLost)));
    assert_decided_once(&store, &id, 2).await;
}

fn sample_completion() -> openkyc_store::Completion {
    openkyc_store::Completion {
        decision: openkyc_store::Decision::Rejected,
        report: serde_json::json!({"level": "L1"}),
        reasons: Vec::new(),
        granted_level: None,
        document_key: None,
        face_template: None,
    }
}

/// Child mode of the crash test: workers with the fault injected, which
/// exit the process (code 86) right after the analysis.
async fn crash_child(dir: &Path) -> ! {
    let store = Store::open(dir).await.unwrap();
    let (_stop, shutdown) = watch::channel(false);
    let _workers = start_workers(
        store,
        worker_config(1, Duration::from_millis(600), Some(Fault::ExitAfterAnalyse)),
        Arc::new(Metrics::default()),
        shutdown,
    );
    tokio::time::sleep(Duration::from_secs(30)).await;
    panic!("the fault did not exit the process");
}

#[tokio::test]
async fn a_process_killed_after_the_analysis_is_restarted_and_decides_once() {
    const TEST: &str = "a_process_killed_after_the_analysis_is_restarted_and_decides_once";
    if let Some(dir) = std::env::var_os(CRASH_DIR_ENV) {
        crash_child(Path::new(&dir)).await;
    }
    if !pipeline_loads(TEST) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let id = submitted_applicant(&store, "user-1").await;
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
        .env(CRASH_DIR_ENV, dir.path())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(86), "the child exits through the fault");
    // The crashed process analysed but committed nothing.
    let jobs = store.jobs_for(&id).await.unwrap();
    assert_eq!(jobs[0].state, JobState::Running);
    assert_eq!(jobs[0].claims, 1);
    assert!(store.reports_for(&id).await.unwrap().is_empty());
    // Restarted (this process), a worker re-claims the job after its lease.
    let (stop, shutdown) = watch::channel(false);
    let workers = start_workers(
        store.clone(),
        worker_config(1, Duration::from_millis(600), None),
        Arc::new(Metrics::default()),
        shutdown,
    );
    wait_decided(&store, &id).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    assert_decided_once(&store, &id, 2).await;
    let counts: HashMap<String, usize> =
        store
            .events_for(&id)
            .await
            .unwrap()
            .into_iter()
            .fold(HashMap::new(), |mut counts, event| {
                *counts.entry(event.event_type).or_default() += 1;
                counts
            });
    assert!(counts.values().all(|n| *n == 1), "every event once: {counts:?}");
}

#[tokio::test]
async fn a_job_claimed_too_often_goes_to_review_unanalysed() {
    if !pipeline_loads("a_job_claimed_too_often_goes_to_review_unanalysed") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clock = openkyc_store::Clock::manual(1_700_000_000_000);
    let store = Store::open(dir.path()).await.unwrap().with_clock(clock.clone());
    let id = submitted_applicant(&store, "user-1").await;
    // Every earlier claimant died: the job was claimed MAX_CLAIMS times.
    for _ in 0..openkyc_server::background::MAX_CLAIMS {
        store
            .claim_job("dying-worker", Duration::from_secs(1))
            .await
            .unwrap()
            .unwrap();
        clock.advance(1_000);
    }
    let (stop, shutdown) = watch::channel(false);
    let workers = start_workers(
        store.clone(),
        worker_config(1, Duration::from_secs(1), None),
        Arc::new(Metrics::default()),
        shutdown,
    );
    wait_decided(&store, &id).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    assert_decided_once(&store, &id, openkyc_server::background::MAX_CLAIMS + 1).await;
    let report = store.latest_report(&id).await.unwrap().unwrap();
    assert_eq!(report.decision, openkyc_store::Decision::Review);
    assert!(report.report["note"].as_str().unwrap().contains("repeated attempts"));
    assert_eq!(
        store.get_applicant(&id).await.unwrap().unwrap().status,
        ApplicantStatus::OnHold
    );
}

#[tokio::test]
async fn a_job_for_a_level_no_longer_configured_goes_to_review() {
    if !pipeline_loads("a_job_for_a_level_no_longer_configured_goes_to_review") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let created = store.create_applicant(&applicant("user-1")).await.unwrap();
    store.set_target_level(&created.id, "L9").await.unwrap();
    store.enqueue_verification(&created.id).await.unwrap();
    let (stop, shutdown) = watch::channel(false);
    let workers = start_workers(
        store.clone(),
        worker_config(1, Duration::from_secs(30), None),
        Arc::new(Metrics::default()),
        shutdown,
    );
    wait_decided(&store, &created.id).await;
    stop.send(true).unwrap();
    for worker in workers {
        worker.await.unwrap();
    }
    let report = store.latest_report(&created.id).await.unwrap().unwrap();
    assert_eq!(report.decision, openkyc_store::Decision::Review);
    assert_eq!(report.level, "L9");
    assert!(report.report["note"]
        .as_str()
        .unwrap()
        .contains("not in the configuration"));
}
