//! Applicants: create, read, list, basic information, submit, reset, and
//! the applicant access tokens of the browser flow.

use super::{json_body, load_applicant, missing_steps};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorResponse};
use crate::info;
use crate::state::AppState;
use crate::views::{applicant_view, rfc3339, ApplicantView, Details, EtaView, ReviewView};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use openkyc_pipeline::ApplicantData;
use openkyc_store::{Applicant, ApplicantFilter, ApplicantStatus, NewApplicant};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Longest external user id, invite code, language or time zone accepted.
const MAX_TEXT: usize = 128;

/// `POST /v1/applicants`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApplicant {
    /// The operator's own user id (unique).
    pub external_user_id: String,
    /// The level to verify for (`L1`, `L2`).
    pub level: String,
    /// An invite code, kept for the operator.
    #[serde(default)]
    pub invite_code: Option<String>,
    /// The applicant's language (`en`, `zh-CN`).
    #[serde(default)]
    pub lang: Option<String>,
    /// The applicant's IANA time zone.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// A level of the configuration, or a validation error listing the known ones.
fn check_level(state: &AppState, level: &str) -> Result<(), ApiError> {
    if state.levels.get(level).is_some() {
        return Ok(());
    }
    let known: Vec<_> = state.levels.iter().map(|level| level.id.clone()).collect();
    Err(ApiError::invalid(
        "level",
        format!("unknown level (known: {})", known.join(", ")),
    ))
}

fn check_text(field: &str, value: &str, required: bool) -> Result<(), ApiError> {
    if required && value.trim().is_empty() {
        return Err(ApiError::invalid(field, "required"));
    }
    if value.chars().count() > MAX_TEXT || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            field,
            "at most 128 characters, no control characters",
        ));
    }
    Ok(())
}

/// Applicant `id` and its view as `caller` may see it (the status page's).
pub(crate) async fn applicant_own_view(
    state: &AppState,
    id: &str,
    caller: &Caller,
) -> Result<(Applicant, ApplicantView), ApiError> {
    let applicant = load_applicant(state, caller, id).await?;
    let view = view(state, &applicant, caller).await?;
    Ok((applicant, view))
}

async fn view(state: &AppState, applicant: &Applicant, caller: &Caller) -> Result<ApplicantView, ApiError> {
    let report = state.store.latest_report(&applicant.id).await?;
    let attempt_uploads = state.store.uploads_for(&applicant.id, applicant.attempt).await?;
    let missing = missing_steps(state, applicant, &attempt_uploads);
    let uploads: Vec<_> = [
        &attempt_uploads.front,
        &attempt_uploads.back,
        &attempt_uploads.selfie,
        &attempt_uploads.liveness_video,
    ]
    .into_iter()
    .flatten()
    .chain(attempt_uploads.liveness_frames.iter())
    .cloned()
    .collect();
    let review = review_view(state, applicant, report.as_ref()).await?;
    // A person's decision on the latest report replaces its reasons (a
    // reopened case has a newer report, and no person's decision on it yet).
    let person_decision = state
        .store
        .review_decisions_for(&applicant.id)
        .await?
        .pop()
        .filter(|decision| report.as_ref().is_some_and(|report| decision.attempt >= report.attempt));
    let details = Details {
        report: report.as_ref(),
        uploads: &uploads,
        missing_steps: missing,
        review,
        person_decision: person_decision.as_ref(),
    };
    Ok(applicant_view(applicant, &state.levels, details, caller.is_operator()))
}

/// Where an applicant on hold stands: its place in the review queue, its
/// SLA deadline (the strictest of its reasons') and the ETA in its own
/// time zone. The pace is the reviewers' throughput over the last
/// fortnight of business hours; with no decisions yet, the SLA.
/// The window of reviewers' decisions that measures their pace.
const THROUGHPUT_DAYS: i64 = 14;

async fn review_view(
    state: &AppState,
    applicant: &Applicant,
    report: Option<&openkyc_store::StoredReport>,
) -> Result<ReviewView, ApiError> {
    let none = ReviewView::default();
    let (ApplicantStatus::OnHold, Some(submitted_at)) = (applicant.status, applicant.submitted_at) else {
        return Ok(none);
    };
    let Some(submitted_at) = chrono::DateTime::from_timestamp_millis(submitted_at) else {
        return Ok(none);
    };
    let reasons: Vec<openkyc_reasons::Code> = report
        .and_then(|stored| stored.report.get("reasons"))
        .and_then(|reasons| reasons.as_array())
        .into_iter()
        .flatten()
        .filter_map(|reason| reason.get("code").and_then(|code| code.as_str()))
        .filter_map(openkyc_reasons::Code::parse)
        .collect();
    let ahead = state.store.review_queue_ahead(&applicant.id).await?;
    let position = u32::try_from(ahead.saturating_add(1)).unwrap_or(u32::MAX);
    let hours = &state.review_hours;
    let deadline = hours.sla_deadline(submitted_at, &reasons).map_err(ApiError::internal)?;
    let applicant_tz = applicant.time_zone.as_deref().and_then(|zone| zone.parse().ok());
    let now = chrono::DateTime::from_timestamp_millis(state.store.now_ms()).unwrap_or_else(chrono::Utc::now);
    let since = now - chrono::TimeDelta::days(THROUGHPUT_DAYS);
    let decided = state.store.review_decisions_since(since.timestamp_millis()).await?;
    let throughput = hours.throughput(decided, since, now).map_err(ApiError::internal)?;
    let eta = hours
        .eta(now, position, throughput, deadline, applicant_tz)
        .map_err(ApiError::internal)?;
    Ok(ReviewView {
        eta: Some(EtaView {
            at: eta.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            en: eta.en,
            zh_cn: eta.zh_cn,
            basis: match eta.basis {
                openkyc_reviewhours::EtaBasis::Throughput => "throughput",
                openkyc_reviewhours::EtaBasis::Sla => "sla",
            }
            .to_owned(),
            beyond_sla: eta.beyond_sla,
        }),
        queue_position: Some(position),
        sla_deadline: Some(deadline.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        ..ReviewView::default()
    })
}

/// Creates an applicant.
#[utoipa::path(post, path = "/v1/applicants", tag = "applicants", request_body = CreateApplicant,
    security(("operator" = [])),
    responses((status = 201, body = ApplicantView), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    caller.require_operator()?;
    let request: CreateApplicant = json_body(&headers, &body)?;
    check_text("external_user_id", &request.external_user_id, true)?;
    for (field, value) in [
        ("invite_code", &request.invite_code),
        ("lang", &request.lang),
        ("time_zone", &request.time_zone),
    ] {
        if let Some(value) = value {
            check_text(field, value, false)?;
        }
    }
    check_level(state.as_ref(), &request.level)?;
    let applicant = state
        .store
        .create_applicant(&NewApplicant {
            external_user_id: request.external_user_id.trim().to_owned(),
            target_level: request.level,
            invite_code: request.invite_code,
            time_zone: request.time_zone,
            lang: request.lang,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view(&state, &applicant, &caller).await?)))
}

/// Reads an applicant: status, decision, reasons, level and entitlements.
#[utoipa::path(get, path = "/v1/applicants/{id}", tag = "applicants",
    params(("id" = String, Path, description = "The applicant id")),
    security(("operator" = []), ("applicant" = [])),
    responses((status = 200, body = ApplicantView), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<ApplicantView>, ApiError> {
    let applicant = load_applicant(&state, &caller, &id).await?;
    Ok(Json(view(&state, &applicant, &caller).await?))
}

/// Filters of `GET /v1/applicants`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `init`, `pending`, `completed`, `on_hold`.
    pub status: Option<String>,
    /// The level asked for.
    pub level: Option<String>,
    /// The level granted.
    pub granted_level: Option<String>,
    /// The operator's user id.
    pub external_user_id: Option<String>,
    /// Created at or after (RFC 3339).
    pub created_from: Option<String>,
    /// Created before (RFC 3339).
    pub created_to: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size (1 to 500, default 50).
    pub limit: Option<u32>,
}

/// A page of applicants.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantPage {
    /// The applicants, newest first.
    pub applicants: Vec<ApplicantSummary>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// An applicant in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantSummary {
    /// `app_…`.
    pub id: String,
    /// The operator's user id.
    pub external_user_id: String,
    /// Where it stands.
    pub status: String,
    /// The latest decision.
    pub decision: Option<String>,
    /// The level asked for.
    pub target_level: String,
    /// The level granted.
    pub granted_level: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

fn parse_time(field: &str, text: &Option<String>) -> Result<Option<i64>, ApiError> {
    text.as_deref()
        .map(|text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|time| time.timestamp_millis())
                .map_err(|_| ApiError::invalid(field, "expected an RFC 3339 time"))
        })
        .transpose()
}

/// Lists applicants, newest first, with filters and a cursor.
#[utoipa::path(get, path = "/v1/applicants", tag = "applicants", params(ListQuery),
    security(("operator" = [])),
    responses((status = 200, body = ApplicantPage), (status = 422, body = ErrorResponse)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ApplicantPage>, ApiError> {
    caller.require_operator()?;
    let Query(query) = query.map_err(|rejection| ApiError::invalid("query", rejection.body_text()))?;
    let status = query
        .status
        .as_deref()
        .map(|text| ApplicantStatus::parse(text).ok_or_else(|| ApiError::invalid("status", "unknown status")))
        .transpose()?;
    let filter = ApplicantFilter {
        status,
        target_level: query.level,
        granted_level: query.granted_level,
        created_from: parse_time("created_from", &query.created_from)?,
        created_to: parse_time("created_to", &query.created_to)?,
        external_user_id: query.external_user_id,
        cursor: query.cursor,
        limit: query.limit,
    };
    let page = state
        .store
        .list_applicants(&filter)
        .await
        .map_err(|error| match error {
            openkyc_store::StoreError::Invalid(_) => ApiError::invalid("cursor", "not a cursor this server gave"),
            other => ApiError::from(other),
        })?;
    Ok(Json(ApplicantPage {
        applicants: page
            .applicants
            .into_iter()
            .map(|applicant| ApplicantSummary {
                id: applicant.id,
                external_user_id: applicant.external_user_id,
                status: applicant.status.as_str().to_owned(),
                decision: applicant.decision.map(|decision| decision.as_str().to_owned()),
                target_level: applicant.target_level,
                granted_level: applicant.granted_level,
                created_at: rfc3339(applicant.created_at),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Stores the applicant's basic information (L1), checked for form.
#[utoipa::path(put, path = "/v1/applicants/{id}/info", tag = "applicants",
    params(("id" = String, Path, description = "The applicant id")),
    request_body(content = Object, description = "openkyc_pipeline::ApplicantData: first_name, last_name, native_name?, birth_date (YYYY-MM-DD), nationality (alpha-3), document_type (passport|id_card|cn_resident_id), document_number, issuing_country?"),
    security(("operator" = [])),
    responses((status = 200, body = ApplicantView), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn put_info(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ApplicantView>, ApiError> {
    caller.require_operator()?;
    let applicant = load_applicant(&state, &caller, &id).await?;
    let data: ApplicantData = json_body(&headers, &body)?;
    let problems = info::validate(&data, chrono::Utc::now().date_naive());
    if !problems.is_empty() {
        return Err(ApiError::invalid_fields(problems));
    }
    let value = serde_json::to_value(&data).map_err(ApiError::internal)?;
    let applicant = state.store.set_basic_info(&applicant.id, &value).await?;
    Ok(Json(view(&state, &applicant, &caller).await?))
}

/// What `POST …/submit` answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Submitted {
    /// The applicant.
    pub applicant_id: String,
    /// The attempt being verified.
    pub attempt: u32,
    /// The verification job.
    pub job_id: String,
    /// `pending`: poll `GET /v1/applicants/{id}` or wait for the webhook.
    pub status: String,
}

/// Submits the current attempt for verification (asynchronous).
#[utoipa::path(post, path = "/v1/applicants/{id}/submit", tag = "applicants",
    params(("id" = String, Path, description = "The applicant id")),
    security(("operator" = []), ("applicant" = [])),
    responses((status = 202, body = Submitted), (status = 409, body = ErrorResponse, description = "not_submittable")))]
pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let applicant = load_applicant(&state, &caller, &id).await?;
    if !applicant.is_editable() {
        return Err(ApiError::not_submittable(format!(
            "the applicant is {}: nothing to submit",
            applicant.status
        )));
    }
    let uploads = state.store.uploads_for(&applicant.id, applicant.attempt).await?;
    let missing = missing_steps(&state, &applicant, &uploads);
    if !missing.is_empty() {
        let mut error = ApiError::not_submittable(format!("steps missing: {}", missing.join(", ")));
        error.fields = missing
            .into_iter()
            .map(|step| crate::error::FieldError {
                field: step,
                message: "required by the level".into(),
            })
            .collect();
        return Err(error);
    }
    let queued = state
        .store
        .enqueue_verification(&applicant.id)
        .await
        .map_err(|error| match error {
            openkyc_store::StoreError::InvalidState { status, .. } => {
                ApiError::not_submittable(format!("the applicant is {status}: nothing to submit"))
            }
            other => ApiError::from(other),
        })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Submitted {
            applicant_id: queued.applicant_id,
            attempt: queued.attempt,
            job_id: queued.job_id,
            status: ApplicantStatus::Pending.as_str().to_owned(),
        }),
    ))
}

/// Starts a new attempt with nothing carried over.
#[utoipa::path(post, path = "/v1/applicants/{id}/reset", tag = "applicants",
    params(("id" = String, Path, description = "The applicant id")),
    security(("operator" = [])),
    responses((status = 200, body = ApplicantView), (status = 409, body = ErrorResponse)))]
pub async fn reset(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<ApplicantView>, ApiError> {
    caller.require_operator()?;
    let applicant = load_applicant(&state, &caller, &id).await?;
    let applicant = state.store.reset_applicant(&applicant.id).await?;
    Ok(Json(view(&state, &applicant, &caller).await?))
}

/// `PUT …/level`: the level to verify the applicant for next.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelRequest {
    /// A level of the configuration (`L2`).
    pub level: String,
}

/// Moves the applicant to another target level (L1 approved, now L2): a
/// decided applicant gets a new attempt with its document and selfie
/// uploads carried over and keeps the level already granted until the new
/// one is decided. Refused while a verification is pending or in review.
#[utoipa::path(put, path = "/v1/applicants/{id}/level", tag = "applicants",
    params(("id" = String, Path, description = "The applicant id")),
    request_body = LevelRequest,
    security(("operator" = [])),
    responses((status = 200, body = ApplicantView), (status = 409, body = ErrorResponse),
        (status = 422, body = ErrorResponse)))]
pub async fn set_level(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ApplicantView>, ApiError> {
    caller.require_operator()?;
    let request: LevelRequest = json_body(&headers, &body)?;
    check_level(state.as_ref(), &request.level)?;
    let applicant = load_applicant(&state, &caller, &id).await?;
    let applicant = state.store.set_target_level(&applicant.id, &request.level).await?;
    Ok(Json(view(&state, &applicant, &caller).await?))
}

/// `POST …/access-tokens` (body optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Lifetime in seconds (60 to 86400; default: the configured `token_ttl_secs`).
    #[serde(default)]
    pub ttl_secs: Option<u64>,
}

/// An applicant access token.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessToken {
    /// `Authorization: Bearer <token>`.
    pub token: String,
    /// The one applicant it grants.
    pub applicant_id: String,
    /// RFC 3339.
    pub expires_at: String,
}

/// Mints a short-lived token for the applicant's browser flow.
#[utoipa::path(post, path = "/v1/applicants/{id}/access-tokens", tag = "applicants",
    params(("id" = String, Path, description = "The applicant id")),
    request_body(content = TokenRequest, description = "optional"),
    security(("operator" = [])),
    responses((status = 201, body = AccessToken), (status = 404, body = ErrorResponse)))]
pub async fn access_token(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    caller.require_operator()?;
    let applicant = load_applicant(&state, &caller, &id).await?;
    let request: TokenRequest = if body.is_empty() {
        TokenRequest::default()
    } else {
        json_body(&headers, &body)?
    };
    let ttl = request.ttl_secs.unwrap_or(state.config.token_ttl_secs);
    if !(60..=86_400).contains(&ttl) {
        return Err(ApiError::invalid("ttl_secs", "from 60 to 86400 seconds"));
    }
    let expires_at = chrono::Utc::now().timestamp().saturating_add(ttl as i64);
    let token = openkyc_signing::token::issue(&state.secrets.token_key, &applicant.id, expires_at)
        .ok_or_else(|| ApiError::internal("applicant id not valid in a token"))?;
    Ok((
        StatusCode::CREATED,
        Json(AccessToken {
            token,
            applicant_id: applicant.id,
            expires_at: rfc3339(expires_at.saturating_mul(1000)),
        }),
    ))
}
