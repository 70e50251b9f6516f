//! Every error the API returns: JSON
//! `{"error":{"code","message","request_id","field"?,"fields"?}}` with a
//! stable `code` (an API: codes are added, never renamed) and the request
//! id, which is also in the `x-request-id` header. Internal details go to
//! the log under the same request id, never to the client.
//!
//! Handlers return [`ApiError`]; the [`request_id`] middleware (outermost)
//! gives every request its id, writes the error bodies with it, and turns
//! any other error response (an unknown route, a method not allowed) into
//! the same JSON.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The response header carrying the request id.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// A field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field (`birth_date`, `file`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An API error: status, stable code, a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code.
    pub code: &'static str,
    /// A sentence for the client (no internal detail, no personal data).
    pub message: String,
    /// For `validation_failed`: the fields.
    pub fields: Vec<FieldError>,
}

/// The `error` object of an error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorObject {
    /// Stable code: `unauthorized`, `signature_invalid`, `timestamp_stale`,
    /// `request_replayed`, `forbidden`, `not_found`, `method_not_allowed`,
    /// `conflict`, `validation_failed`, `payload_too_large`,
    /// `unsupported_media_type`, `image_unreadable`, `not_submittable`,
    /// `internal`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// The request's id (also the `x-request-id` header): quote it to the operator.
    pub request_id: String,
    /// The first field that failed validation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every field that failed validation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// An error response's body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorResponse {
    /// The error.
    pub error: ErrorObject,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 409 `not_submittable`.
    pub fn not_submittable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "not_submittable", message)
    }

    /// 413 `payload_too_large`.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the request body is larger than the {limit} bytes accepted here"),
        )
    }

    /// 415 `unsupported_media_type`.
    pub fn unsupported_media(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message)
    }

    /// 422 `validation_failed` on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid_fields(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    /// 422 `validation_failed` on several fields.
    pub fn invalid_fields(fields: Vec<FieldError>) -> ApiError {
        let message = match fields.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            many => format!("{} fields are invalid", many.len()),
        };
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message,
            fields,
        }
    }

    /// 500 `internal`: `detail` goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred; quote the request id to the operator",
        )
    }

    /// The error for a status no handler chose (the router's own 404/405,
    /// a body limit hit by a layer).
    fn for_status(status: StatusCode) -> ApiError {
        match status {
            StatusCode::NOT_FOUND => ApiError::new(status, "not_found", "no such route"),
            StatusCode::METHOD_NOT_ALLOWED => {
                ApiError::new(status, "method_not_allowed", "this route does not accept the method")
            }
            StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(status, "payload_too_large", "the request body is too large")
            }
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
                status,
                "unsupported_media_type",
                "the content type is not accepted here",
            ),
            StatusCode::UNAUTHORIZED => ApiError::unauthorized("authentication required"),
            StatusCode::FORBIDDEN => ApiError::forbidden("not allowed"),
            status if status.is_client_error() => {
                ApiError::new(status, "validation_failed", "the request is not valid")
            }
            status => ApiError::new(status, "internal", "an internal error occurred"),
        }
    }

    fn body(&self, request_id: &str) -> ErrorResponse {
        ErrorResponse {
            error: ErrorObject {
                code: self.code.to_owned(),
                message: self.message.clone(),
                request_id: request_id.to_owned(),
                field: self.fields.first().map(|field| field.field.clone()),
                fields: self.fields.clone(),
            },
        }
    }
}

impl From<openkyc_store::StoreError> for ApiError {
    fn from(error: openkyc_store::StoreError) -> ApiError {
        use openkyc_store::StoreError;
        match error {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::DuplicateExternalUserId => {
                ApiError::conflict("an applicant with this external_user_id already exists")
            }
            StoreError::InvalidState { status, action } => {
                ApiError::conflict(format!("the applicant is {status}: cannot {action}"))
            }
            StoreError::StaleAttempt { .. } => ApiError::conflict("the applicant moved to a new attempt; upload again"),
            StoreError::AlreadyQueued => ApiError::not_submittable("a verification is already queued or running"),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    /// The body is written by [`request_id`], which knows the request id;
    /// until then the error travels in the response's extensions.
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        response.extensions_mut().insert(self);
        response
    }
}

/// The id of the request being handled (a request extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Takes the caller's `x-request-id` when it is short and plain, else a
/// new random one.
fn request_id_for(request: &Request) -> String {
    let given = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    match given {
        Some(id) => id.to_owned(),
        None => {
            let mut bytes = [0u8; 12];
            // Without randomness the id is still unique enough per process
            // for log correlation: fall back to the clock.
            if getrandom::fill(&mut bytes).is_err() {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default();
                return format!("req_{nanos:x}");
            }
            format!("req_{}", hex::encode(bytes))
        }
    }
}

/// Middleware: gives the request an id, writes every error as JSON with
/// it, and sets the `x-request-id` header.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    use tracing::Instrument;
    let id = request_id_for(&request);
    request.extensions_mut().insert(RequestId(id.clone()));
    // Every log line of the request (an internal error's detail included)
    // carries its id.
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span).await;
    let error = response.extensions_mut().remove::<ApiError>();
    // A JSON error is already one; an HTML page is the console's own error
    // page, for people, and stays.
    let rendered = response.headers().get(header::CONTENT_TYPE).is_some_and(|value| {
        let value = value.as_bytes();
        value.starts_with(b"application/json") || value.starts_with(b"text/html")
    });
    let error = match error {
        Some(error) => Some(error),
        None if (response.status().is_client_error() || response.status().is_server_error()) && !rendered => {
            Some(ApiError::for_status(response.status()))
        }
        None => None,
    };
    if let Some(error) = error {
        if error.status.is_server_error() {
            tracing::warn!(request_id = %id, code = error.code, "request failed");
        }
        let status = error.status;
        let mut json = axum::Json(error.body(&id)).into_response();
        *json.status_mut() = status;
        // Keep the headers a layer set (e.g. `allow`), the body is replaced.
        for (name, value) in response.headers() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                json.headers_mut().insert(name.clone(), value.clone());
            }
        }
        response = json;
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_errors_name_their_fields() {
        let error = ApiError::invalid("birth_date", "not a date");
        assert_eq!(error.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = serde_json::to_value(error.body("req_1")).unwrap();
        assert_eq!(body["error"]["code"], "validation_failed");
        assert_eq!(body["error"]["field"], "birth_date");
        assert_eq!(body["error"]["request_id"], "req_1");
        assert_eq!(body["error"]["fields"][0]["message"], "not a date");
    }

    #[test]
    fn internal_errors_hide_their_detail() {
        let error = ApiError::internal("disk /secret/path failed");
        assert_eq!(error.code, "internal");
        assert!(!error.message.contains("secret"));
    }

    #[test]
    fn store_errors_map_to_stable_codes() {
        use openkyc_store::StoreError;
        assert_eq!(ApiError::from(StoreError::NotFound("applicant")).code, "not_found");
        assert_eq!(ApiError::from(StoreError::DuplicateExternalUserId).code, "conflict");
        assert_eq!(ApiError::from(StoreError::AlreadyQueued).code, "not_submittable");
        assert_eq!(ApiError::from(StoreError::Random).code, "internal");
    }
}
