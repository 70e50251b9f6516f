//! Uploads (document sides, the selfie, the liveness recording) and the
//! liveness challenge.
//!
//! An upload is received whole (bounded) before anything is stored; the
//! image is sniffed and checked against the byte and pixel limits by
//! `openkyc-intake`, and a document side gets the instant capture check
//! (`openkyc-precheck`, on a blocking thread) in the response. Only then is
//! its blob written (atomically, by content hash) and the upload recorded:
//! an interrupted or refused upload leaves nothing behind.

use super::load_applicant;
use crate::auth::Caller;
use crate::error::{ApiError, ErrorResponse};
use crate::state::AppState;
use crate::views::{rfc3339, UploadView};
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use openkyc_intake::{ImageFormat, IntakeError, IntakeLimits};
use openkyc_levels::Step;
use openkyc_precheck::Side;
use openkyc_reasons::{explain, Code, Explained, Reason};
use openkyc_store::{Applicant, NewUpload, Upload, UploadKind};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// The multipart form of an image upload.
#[derive(Debug, ToSchema)]
pub struct ImageForm {
    /// The image (JPEG, PNG or WebP).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The multipart form of a liveness upload: one MP4 as `file`, or still
/// frames, each part named with its time in milliseconds (`0`, `125`, …).
#[derive(Debug, ToSchema)]
pub struct FramesForm {
    /// An MP4 (H.264) recording.
    #[schema(value_type = Option<String>, format = Binary)]
    pub file: Option<Vec<u8>>,
}

/// The instant capture check of a document side.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrecheckView {
    /// No reason to retake the photo.
    pub ok: bool,
    /// What to fix, strongest first, with message and tip in `en` and `zh-CN`.
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<Explained>,
    /// The full precheck report (every check with its score and threshold).
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// What an image upload answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResponse {
    /// The upload.
    pub upload: UploadView,
    /// `jpeg`, `png`, `webp`.
    pub format: String,
    /// Pixels, as the header declares them.
    pub width: u32,
    /// Pixels, as the header declares them.
    pub height: u32,
    /// The instant capture check (document sides only).
    pub precheck: Option<PrecheckView>,
}

/// What a liveness upload answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct FramesResponse {
    /// The challenge the recording answers.
    pub challenge_id: String,
    /// `video` or `frames`.
    pub kind: String,
    /// Frames received (1 for a video).
    pub count: usize,
}

/// A liveness challenge to perform on camera.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeResponse {
    /// `chl_…`.
    pub challenge_id: String,
    /// The signed challenge token (`v1.<nonce>.<actions>.<issued>.<expires>.<mac>`).
    pub token: String,
    /// The actions, in order: `blink`, `turn_left`, `turn_right`, `nod`.
    pub actions: Vec<String>,
    /// RFC 3339.
    pub issued_at: String,
    /// RFC 3339: record and upload before this.
    pub expires_at: String,
}

fn content_type(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Png => "image/png",
        ImageFormat::Webp => "image/webp",
    }
}

/// The API error for a file intake refused.
fn intake_error(field: &str, error: &IntakeError) -> ApiError {
    let status = match error {
        IntakeError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        IntakeError::UnknownFormat | IntakeError::Unsupported { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        _ => "image_unreadable",
    };
    let mut api = ApiError::new(status, code, format!("{field}: {error}"));
    api.fields = vec![crate::error::FieldError {
        field: field.to_owned(),
        message: error.code().to_owned(),
    }];
    api
}

fn multipart_error(rejection: MultipartRejection) -> ApiError {
    ApiError::unsupported_media(format!("send multipart/form-data: {}", rejection.body_text()))
}

/// The parts of a multipart body, in order: `(name, bytes)`.
async fn read_parts(
    multipart: Result<Multipart, MultipartRejection>,
    max_parts: usize,
) -> Result<Vec<(String, Bytes)>, ApiError> {
    let mut multipart = multipart.map_err(multipart_error)?;
    let mut parts = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| ApiError::invalid("body", format!("malformed multipart body: {}", error.body_text())))?
    {
        if parts.len() >= max_parts {
            return Err(ApiError::invalid("body", format!("at most {max_parts} parts")));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|error| ApiError::invalid(&name, format!("unreadable part: {}", error.body_text())))?;
        parts.push((name, bytes));
    }
    Ok(parts)
}

/// The one `file` part of an image upload.
async fn file_part(multipart: Result<Multipart, MultipartRejection>, max_bytes: usize) -> Result<Bytes, ApiError> {
    let parts = read_parts(multipart, 4).await?;
    let file = parts
        .into_iter()
        .find(|(name, _)| name == "file")
        .map(|(_, bytes)| bytes)
        .ok_or_else(|| ApiError::invalid("file", "required: the image as the multipart part `file`"))?;
    if file.len() > max_bytes {
        return Err(ApiError::too_large(max_bytes));
    }
    Ok(file)
}

fn editable(applicant: &Applicant) -> Result<(), ApiError> {
    if applicant.is_editable() {
        Ok(())
    } else {
        Err(ApiError::conflict(format!(
            "the applicant is {}: uploads are closed",
            applicant.status
        )))
    }
}

pub(crate) fn intake_limits(state: &AppState) -> IntakeLimits {
    IntakeLimits {
        max_bytes: state.config.max_upload_bytes,
        max_pixels: state.config.max_pixels,
        ..IntakeLimits::default()
    }
}

/// Runs blocking image work off the async threads, at most one per core
/// at a time.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _permit = state.image_permits.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(work).await.map_err(ApiError::internal)
}

/// Stores the blob and records the upload.
async fn record(state: &AppState, applicant: &Applicant, upload: Pending) -> Result<Upload, ApiError> {
    let blob = state.store.put_blob(&upload.bytes).await?;
    let stored = state
        .store
        .add_upload(&NewUpload {
            applicant_id: applicant.id.clone(),
            attempt: applicant.attempt,
            kind: upload.kind,
            blob,
            content_type: upload.content_type.to_owned(),
            width: upload.size.map(|size| size.0),
            height: upload.size.map(|size| size.1),
            t_ms: upload.t_ms,
            precheck: upload.precheck,
        })
        .await?;
    Ok(stored)
}

/// An upload checked and ready to be recorded.
struct Pending {
    kind: UploadKind,
    bytes: Bytes,
    content_type: &'static str,
    size: Option<(u32, u32)>,
    t_ms: Option<u32>,
    precheck: Option<serde_json::Value>,
}

fn upload_view(upload: &Upload, precheck_ok: Option<bool>) -> UploadView {
    UploadView {
        id: upload.id.clone(),
        kind: upload.kind.as_str().to_owned(),
        created_at: rfc3339(upload.created_at),
        precheck_ok,
    }
}

/// Uploads a document side, with the instant capture check.
#[utoipa::path(post, path = "/v1/applicants/{id}/documents/{side}", tag = "uploads",
    params(("id" = String, Path, description = "The applicant id"), ("side" = String, Path, description = "front or back")),
    request_body(content = ImageForm, content_type = "multipart/form-data"),
    security(("operator" = []), ("applicant" = [])),
    responses((status = 201, body = UploadResponse), (status = 413, body = ErrorResponse), (status = 415, body = ErrorResponse), (status = 422, body = ErrorResponse, description = "image_unreadable")))]
pub async fn document(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path((id, side)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (side, kind) = match side.as_str() {
        "front" => (Side::Front, UploadKind::Front),
        "back" => (Side::Back, UploadKind::Back),
        _ => return Err(ApiError::not_found("document side (front or back)")),
    };
    let applicant = load_applicant(&state, &caller, &id).await?;
    editable(&applicant)?;
    let bytes = file_part(multipart, state.config.max_upload_bytes).await?;
    let config = Arc::clone(&state.precheck);
    let input = bytes.clone();
    let report = blocking(&state, move || {
        openkyc_precheck::precheck(&input, side, &config).map(|outcome| outcome.report)
    })
    .await?
    .map_err(|error| intake_error("file", &error))?;
    let field = kind.as_str();
    let reasons: Vec<Explained> = report
        .reasons
        .iter()
        .filter_map(|reason| Code::parse(reason.code.as_str()))
        .map(|code| explain(&Reason::new(code).field(field)))
        .collect();
    let report_json = serde_json::to_value(&report).map_err(ApiError::internal)?;
    let upload = record(
        &state,
        &applicant,
        Pending {
            kind,
            bytes,
            content_type: content_type(report.image.format),
            size: Some((report.image.width, report.image.height)),
            t_ms: None,
            precheck: Some(report_json.clone()),
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadResponse {
            upload: upload_view(&upload, Some(report.ok)),
            format: report.image.format.to_string(),
            width: report.image.width,
            height: report.image.height,
            precheck: Some(PrecheckView {
                ok: report.ok,
                reasons,
                report: report_json,
            }),
        }),
    ))
}

/// Uploads the selfie (sniffed and checked against the limits; its face
/// is checked by the verification).
#[utoipa::path(post, path = "/v1/applicants/{id}/selfie", tag = "uploads",
    params(("id" = String, Path, description = "The applicant id")),
    request_body(content = ImageForm, content_type = "multipart/form-data"),
    security(("operator" = []), ("applicant" = [])),
    responses((status = 201, body = UploadResponse), (status = 413, body = ErrorResponse), (status = 415, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn selfie(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let applicant = load_applicant(&state, &caller, &id).await?;
    editable(&applicant)?;
    let bytes = file_part(multipart, state.config.max_upload_bytes).await?;
    let (format, width, height) = check_image(&state, "file", bytes.clone()).await?;
    let upload = record(
        &state,
        &applicant,
        Pending {
            kind: UploadKind::Selfie,
            bytes,
            content_type: content_type(format),
            size: Some((width, height)),
            t_ms: None,
            precheck: None,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadResponse {
            upload: upload_view(&upload, None),
            format: format.to_string(),
            width,
            height,
            precheck: None,
        }),
    ))
}

/// Sniffs and decodes an image within the limits: its format and size.
async fn check_image(state: &AppState, field: &str, bytes: Bytes) -> Result<(ImageFormat, u32, u32), ApiError> {
    let limits = intake_limits(state);
    blocking(state, move || {
        openkyc_intake::intake(&bytes, &limits).map(|intake| (intake.format, intake.width, intake.height))
    })
    .await?
    .map_err(|error| intake_error(field, &error))
}

/// Issues a liveness challenge: the actions to perform, and until when.
#[utoipa::path(post, path = "/v1/applicants/{id}/liveness/challenge", tag = "uploads",
    params(("id" = String, Path, description = "The applicant id")),
    security(("operator" = []), ("applicant" = [])),
    responses((status = 201, body = ChallengeResponse), (status = 409, body = ErrorResponse)))]
pub async fn challenge(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let applicant = load_applicant(&state, &caller, &id).await?;
    editable(&applicant)?;
    let level = state
        .levels
        .get(&applicant.target_level)
        .filter(|level| level.requires(Step::Liveness))
        .ok_or_else(|| ApiError::conflict("the applicant's level asks for no liveness check"))?;
    let actions = level.thresholds.liveness_actions;
    let policy = openkyc_liveness::ChallengePolicy {
        min_actions: actions,
        max_actions: actions,
        ttl_ms: i64::try_from(level.thresholds.liveness_challenge_ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX),
    };
    let entropy = crate::secrets::random32().map_err(ApiError::internal)?;
    let issued = openkyc_liveness::Challenge::generate(&entropy, state.store.now_ms(), &policy);
    let token = issued.sign(&state.challenge_key);
    let json = serde_json::to_value(&issued).map_err(ApiError::internal)?;
    let stored = state
        .store
        .save_challenge(&applicant.id, applicant.attempt, &json, issued.expires_at_ms())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ChallengeResponse {
            challenge_id: stored.id,
            token,
            actions: issued
                .actions()
                .iter()
                .map(|action| action.as_str().to_owned())
                .collect(),
            issued_at: rfc3339(issued.issued_at_ms()),
            expires_at: rfc3339(issued.expires_at_ms()),
        }),
    ))
}

/// Whether the bytes are an MP4 (an `ftyp` box first).
fn is_mp4(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
}

/// Uploads the liveness recording for the latest challenge: an MP4 as
/// `file`, or still frames named with their time in ms.
#[utoipa::path(post, path = "/v1/applicants/{id}/liveness/frames", tag = "uploads",
    params(("id" = String, Path, description = "The applicant id")),
    request_body(content = FramesForm, content_type = "multipart/form-data"),
    security(("operator" = []), ("applicant" = [])),
    responses((status = 201, body = FramesResponse), (status = 409, body = ErrorResponse), (status = 413, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
pub async fn frames(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let applicant = load_applicant(&state, &caller, &id).await?;
    editable(&applicant)?;
    let challenge = state
        .store
        .latest_challenge(&applicant.id, applicant.attempt)
        .await?
        .filter(|challenge| challenge.expires_at > state.store.now_ms())
        .ok_or_else(|| ApiError::conflict("no open liveness challenge: request one first"))?;
    let parts = read_parts(multipart, state.config.max_frames.saturating_add(1)).await?;
    let pending = if let [(name, bytes)] = parts.as_slice() {
        if name == "file" {
            vec![video(bytes.clone())?]
        } else {
            still_frames(&state, parts).await?
        }
    } else {
        still_frames(&state, parts).await?
    };
    let kind = if pending.first().is_some_and(|p| p.kind == UploadKind::LivenessVideo) {
        "video"
    } else {
        "frames"
    };
    let count = pending.len();
    for upload in pending {
        record(&state, &applicant, upload).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(FramesResponse {
            challenge_id: challenge.id,
            kind: kind.to_owned(),
            count,
        }),
    ))
}

fn video(bytes: Bytes) -> Result<Pending, ApiError> {
    if !is_mp4(&bytes) {
        return Err(ApiError::unsupported_media("file: expected an MP4 (H.264) recording"));
    }
    Ok(Pending {
        kind: UploadKind::LivenessVideo,
        bytes,
        content_type: "video/mp4",
        size: None,
        t_ms: None,
        precheck: None,
    })
}

/// Every part a frame named with its time; each image checked before any
/// is stored.
async fn still_frames(state: &AppState, parts: Vec<(String, Bytes)>) -> Result<Vec<Pending>, ApiError> {
    if parts.is_empty() {
        return Err(ApiError::invalid(
            "file",
            "send an MP4 as `file` or frames named with their time in ms",
        ));
    }
    if parts.len() > state.config.max_frames {
        return Err(ApiError::invalid(
            "body",
            format!("at most {} frames", state.config.max_frames),
        ));
    }
    let mut pending = Vec::with_capacity(parts.len());
    for (name, bytes) in parts {
        let t_ms: u32 = name
            .parse()
            .map_err(|_| ApiError::invalid(&name, "a frame's part is named with its time in ms (0, 125, …)"))?;
        let (format, width, height) = check_image(state, &name, bytes.clone()).await?;
        pending.push(Pending {
            kind: UploadKind::LivenessFrame,
            bytes,
            content_type: content_type(format),
            size: Some((width, height)),
            t_ms: Some(t_ms),
            precheck: None,
        });
    }
    Ok(pending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_errors_map_to_stable_codes() {
        assert_eq!(intake_error("file", &IntakeError::Empty).code, "image_unreadable");
        assert_eq!(
            intake_error("file", &IntakeError::UnknownFormat).code,
            "unsupported_media_type"
        );
        let too_large = IntakeError::TooLarge {
            byte_len: 10,
            max_bytes: 5,
        };
        assert_eq!(intake_error("file", &too_large).code, "payload_too_large");
        assert_eq!(intake_error("file", &IntakeError::Empty).fields[0].message, "empty");
    }

    #[test]
    fn mp4_is_told_by_its_first_box() {
        assert!(is_mp4(b"\0\0\0\x18ftypisom"));
        assert!(!is_mp4(b"\xff\xd8\xff\xe0"));
        assert!(!is_mp4(b""));
    }
}
