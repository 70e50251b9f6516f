//! The router: `/v1` (authenticated), the OpenAPI document, health,
//! readiness and metrics; and the helpers handlers share.

pub mod applicants;
pub mod system;
pub mod uploads;

use crate::auth::{self, Caller};
use crate::error::{self, ApiError, RequestId};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use openkyc_levels::Step;
use openkyc_store::{Applicant, AttemptUploads};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Instant;

/// The whole application.
pub fn router(state: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/v1/applicants", post(applicants::create).get(applicants::list))
        .route("/v1/applicants/{id}", get(applicants::get))
        .route("/v1/applicants/{id}/info", put(applicants::put_info))
        .route("/v1/applicants/{id}/documents/{side}", post(uploads::document))
        .route("/v1/applicants/{id}/selfie", post(uploads::selfie))
        .route("/v1/applicants/{id}/liveness/challenge", post(uploads::challenge))
        .route("/v1/applicants/{id}/liveness/frames", post(uploads::frames))
        .route("/v1/applicants/{id}/submit", post(applicants::submit))
        .route("/v1/applicants/{id}/reset", post(applicants::reset))
        .route("/v1/applicants/{id}/level", put(applicants::set_level))
        .route("/v1/applicants/{id}/access-tokens", post(applicants::access_token))
        .route("/v1/review-hours/next-window", get(system::next_window))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authenticate))
        // The authentication layer has bounded and buffered the body already.
        .layer(DefaultBodyLimit::disable());
    Router::new()
        .merge(v1)
        .merge(crate::console::router())
        .route("/verify/{token}/status", get(crate::status_page::status))
        .route("/verify/assets/status.css", get(crate::status_page::stylesheet))
        .route("/v1/openapi.json", get(system::openapi))
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/metrics", get(system::metrics))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .layer(middleware::from_fn(error::request_id))
        .with_state(state)
}

/// Middleware: counts and times every request by its route template, and
/// logs it (route template only: no ids, no personal data).
async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.record_request(&route, &method, status, seconds);
    tracing::info!(request_id, method, route, status, ms = seconds * 1000.0, "request");
    response
}

/// Parses a JSON body (`application/json`, or no content type).
pub fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: &Bytes) -> Result<T, ApiError> {
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        if !content_type.as_bytes().starts_with(b"application/json") {
            return Err(ApiError::unsupported_media("send the body as application/json"));
        }
    }
    serde_json::from_slice(body).map_err(|error| ApiError::invalid("body", error.to_string()))
}

/// The applicant, once the caller may see it.
pub async fn load_applicant(state: &AppState, caller: &Caller, id: &str) -> Result<Applicant, ApiError> {
    caller.require_access(id)?;
    state
        .store
        .get_applicant(id)
        .await?
        .ok_or_else(|| ApiError::not_found("applicant"))
}

/// Steps the applicant's target level still needs in the current attempt.
pub fn missing_steps(state: &AppState, applicant: &Applicant, uploads: &AttemptUploads) -> Vec<String> {
    let Some(level) = state.levels.get(&applicant.target_level) else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    if level.requires(Step::BasicInfo) && applicant.basic_info.is_none() {
        missing.push("basic_info".to_owned());
    }
    if level.requires(Step::Document) {
        if uploads.front.is_none() {
            missing.push("document_front".to_owned());
        }
        let has_back = applicant
            .basic_info
            .as_ref()
            .and_then(|info| serde_json::from_value::<openkyc_pipeline::ApplicantData>(info.clone()).ok())
            .and_then(|data| data.document_type)
            .is_some_and(|kind| kind.has_back());
        if has_back && uploads.back.is_none() {
            missing.push("document_back".to_owned());
        }
    }
    if level.requires(Step::Selfie) && uploads.selfie.is_none() {
        missing.push("selfie".to_owned());
    }
    if level.requires(Step::Liveness) && uploads.liveness_video.is_none() && uploads.liveness_frames.is_empty() {
        missing.push("liveness".to_owned());
    }
    missing
}
