//! Liveness and readiness of the process, metrics, and the OpenAPI document.

use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use std::sync::Arc;
use utoipa::{OpenApi, ToSchema};

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `not_ready`.
    pub status: String,
    /// `ok` or `unreachable` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// `started` or `starting` (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<String>,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        database: None,
        workers: None,
    })
}

/// The process can serve: the database answers and the workers started.
#[utoipa::path(get, path = "/readyz", tag = "system",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn readyz(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let database = state.store.ping().await.is_ok();
    let workers = state.is_started();
    let ready = database && workers;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let health = Health {
        status: if ready { "ready" } else { "not_ready" }.into(),
        database: Some(if database { "ok" } else { "unreachable" }.into()),
        workers: Some(if workers { "started" } else { "starting" }.into()),
    };
    (status, Json(health))
}

/// Prometheus metrics (OpenMetrics text); the queue depth is read now.
#[utoipa::path(get, path = "/metrics", tag = "system",
    responses((status = 200, content_type = "application/openmetrics-text", body = String)))]
pub async fn metrics(State(state): State<Arc<AppState>>) -> Result<impl IntoResponse, ApiError> {
    let depth = state.store.queue_depth().await?;
    state.metrics.set_queue_depth(depth.queued, depth.running);
    state
        .metrics
        .set_undelivered_webhooks(state.store.undelivered_events().await?);
    let now = chrono::DateTime::from_timestamp_millis(state.store.now_ms()).unwrap_or_else(chrono::Utc::now);
    let queue = crate::console::queue::arrange(
        state.store.review_queue().await?,
        &state.review_hours,
        now,
        &crate::console::queue::QueueFilter::default(),
    )
    .map_err(ApiError::internal)?;
    state
        .metrics
        .set_review_queue(queue.counts.waiting, queue.counts.claimed, queue.counts.breached);
    let text = state.metrics.encode().map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text))
}

/// The OpenAPI 3.1 document of this API, generated from the code.
#[utoipa::path(get, path = "/v1/openapi.json", tag = "system",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)))]
pub async fn openapi() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

/// The review team's next working window.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextWindow {
    /// When it opens (RFC 3339); now when the team is working.
    pub start: String,
    /// When it closes (RFC 3339).
    pub end: String,
    /// Whether the team is working now.
    pub open_now: bool,
    /// The team's IANA time zone.
    pub time_zone: String,
}

/// When reviewers next work, so an operator's app can advise submitting
/// then for the fastest review (reads no applicant data: operators and
/// applicant tokens alike).
#[utoipa::path(get, path = "/v1/review-hours/next-window", tag = "system",
    security(("operator" = []), ("applicant" = [])),
    responses((status = 200, body = NextWindow), (status = 401, body = crate::error::ErrorResponse)))]
pub async fn next_window(State(state): State<Arc<AppState>>) -> Result<Json<NextWindow>, ApiError> {
    let now = chrono::Utc::now();
    let hours = &state.review_hours;
    let window = hours.next_window(now).map_err(ApiError::internal)?;
    let seconds = |at: chrono::DateTime<chrono::Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(Json(NextWindow {
        start: seconds(window.start),
        end: seconds(window.end),
        open_now: hours.is_open(now),
        time_zone: hours.time_zone().name().to_owned(),
    }))
}
