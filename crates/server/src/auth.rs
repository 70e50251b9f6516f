//! Who is calling, for every route under `/v1` (the OpenAPI document
//! aside).
//!
//! **Operators** (the exchange's backend) sign each request, as Sumsub's
//! API does:
//! - `X-App-Key`: the API key id (`key_…`);
//! - `X-App-Access-Ts`: the time, unix seconds (within 5 minutes of the
//!   server's clock), or unix milliseconds: a client that may send the same
//!   write twice within one second signs milliseconds, since the replay
//!   guard refuses a signature it has seen;
//! - `X-App-Access-Sig`: lowercase hex HMAC-SHA256, keyed with the key's
//!   secret, of `ts + METHOD + path_with_query + body`
//!   (`openkyc_signing::request`).
//!
//! The body is read fully (bounded per route) before the signature is
//! checked in constant time; the signature of a request that changes state
//! (`POST`, `PUT`, `PATCH`, `DELETE`) is accepted once (the replay guard
//! remembers it in the database for the window; reads are exempt: two
//! identical reads in one second carry the same signature, and repeating a
//! read changes nothing). Several keys can be active at once, for rotation.
//!
//! **Applicants** (the browser flow) send `Authorization: Bearer v1.…`, a
//! token the operator minted for one applicant
//! (`POST /v1/applicants/{id}/access-tokens`). It may upload, request a
//! liveness challenge, submit and read that applicant's status, nothing
//! else; handlers ask [`Caller::require_operator`] or
//! [`Caller::require_access`].

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use openkyc_signing::SignatureError;
use std::sync::Arc;

/// The operator's key id header.
pub const KEY_HEADER: &str = "x-app-key";
/// The operator's timestamp header (unix seconds).
pub const TS_HEADER: &str = "x-app-access-ts";
/// The operator's signature header.
pub const SIG_HEADER: &str = "x-app-access-sig";

/// The authenticated caller (a request extension).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The operator, by API key id.
    Operator {
        /// The key that signed.
        key_id: String,
    },
    /// An applicant, through a token scoped to its id.
    Applicant {
        /// The one applicant the token grants.
        applicant_id: String,
    },
}

impl Caller {
    /// Refuses applicants (operator-only routes).
    pub fn require_operator(&self) -> Result<(), ApiError> {
        match self {
            Caller::Operator { .. } => Ok(()),
            Caller::Applicant { .. } => Err(ApiError::forbidden(
                "an applicant token cannot use this route; it needs an operator signature",
            )),
        }
    }

    /// Refuses an applicant token scoped to another applicant.
    pub fn require_access(&self, applicant_id: &str) -> Result<(), ApiError> {
        match self {
            Caller::Operator { .. } => Ok(()),
            Caller::Applicant { applicant_id: own } if own == applicant_id => Ok(()),
            Caller::Applicant { .. } => Err(ApiError::forbidden("this token is for another applicant")),
        }
    }

    /// Whether the caller is the operator (who sees the full report).
    pub fn is_operator(&self) -> bool {
        matches!(self, Caller::Operator { .. })
    }
}

/// The largest body a route accepts: an image upload, a liveness upload,
/// or a small JSON document. Multipart framing gets 64 KiB on top.
pub fn body_limit(state: &AppState, path: &str) -> usize {
    const FRAMING: usize = 64 * 1024;
    const JSON: usize = 64 * 1024;
    if path.ends_with("/liveness/frames") {
        state.config.max_clip_bytes.saturating_add(FRAMING)
    } else if path.ends_with("/selfie") || path.contains("/documents/") {
        state.config.max_upload_bytes.saturating_add(FRAMING)
    } else {
        JSON
    }
}

/// Reads the whole body, refusing more than `limit` bytes (413) and telling
/// an interrupted upload (400, nothing stored) apart.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(ApiError::too_large(limit))
        }
        Err(_) => Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "validation_failed",
            "the request body was interrupted",
        )),
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim)
}

fn unix_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Middleware: authenticates the caller and buffers the (bounded) body.
pub async fn authenticate(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let limit = body_limit(&state, request.uri().path());
    if let Some(length) = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok())
    {
        if length > limit as u64 {
            return Err(ApiError::too_large(limit));
        }
    }
    let (mut parts, body) = request.into_parts();
    let caller = if let Some(authorization) = header_text(&parts.headers, header::AUTHORIZATION.as_str()) {
        applicant_caller(&state, authorization)?
    } else if parts.headers.contains_key(KEY_HEADER) {
        // The operator's signature covers the body: read it first.
        let bytes = read_body(body, limit).await?;
        let caller = operator_caller(&state, &parts.headers, &parts.uri, parts.method.as_str(), &bytes).await?;
        parts.extensions.insert(caller);
        let request = Request::from_parts(parts, Body::from(bytes));
        return Ok(next.run(request).await);
    } else {
        return Err(ApiError::unauthorized(
            "sign the request (X-App-Key, X-App-Access-Ts, X-App-Access-Sig) or send an applicant token \
             (Authorization: Bearer)",
        ));
    };
    let bytes = read_body(body, limit).await?;
    parts.extensions.insert(caller);
    Ok(next.run(Request::from_parts(parts, Body::from(bytes))).await)
}

fn applicant_caller(state: &AppState, authorization: &str) -> Result<Caller, ApiError> {
    let Some(token) = authorization.strip_prefix("Bearer ") else {
        return Err(ApiError::unauthorized(
            "the Authorization header must be `Bearer <token>`",
        ));
    };
    match openkyc_signing::token::verify(&state.secrets.token_key, token.trim(), unix_seconds()) {
        Ok(claims) => Ok(Caller::Applicant {
            applicant_id: claims.applicant_id,
        }),
        Err(SignatureError::Expired) => Err(ApiError::unauthorized("the access token has expired")),
        Err(_) => Err(ApiError::unauthorized("the access token is not valid")),
    }
}

async fn operator_caller(
    state: &AppState,
    headers: &HeaderMap,
    uri: &axum::http::Uri,
    method: &str,
    body: &[u8],
) -> Result<Caller, ApiError> {
    let (Some(key_id), Some(ts), Some(signature)) = (
        header_text(headers, KEY_HEADER),
        header_text(headers, TS_HEADER),
        header_text(headers, SIG_HEADER),
    ) else {
        return Err(ApiError::unauthorized(
            "X-App-Key, X-App-Access-Ts and X-App-Access-Sig are all required",
        ));
    };
    let ts: i64 = ts
        .parse()
        .map_err(|_| ApiError::unauthorized("X-App-Access-Ts must be unix seconds or milliseconds"))?;
    let secret = state
        .store
        .api_key_secret(key_id, &state.secrets.master_key)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "signature_invalid",
                "unknown or revoked API key",
            )
        })?;
    let path_and_query = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    let now = unix_seconds();
    openkyc_signing::request::verify(&secret, ts, now, method, path_and_query, body, signature).map_err(|error| {
        match error {
            SignatureError::Stale => ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "timestamp_stale",
                "X-App-Access-Ts is more than 5 minutes from the server's clock",
            ),
            _ => ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "signature_invalid",
                "the signature does not match the request",
            ),
        }
    })?;
    // Reads are safe to repeat (two identical reads in the same second
    // sign the same bytes, and polling must not fail); a replayed read
    // changes nothing. Every request that changes state is accepted once.
    if matches!(method, "GET" | "HEAD" | "OPTIONS") {
        return Ok(Caller::Operator {
            key_id: key_id.to_owned(),
        });
    }
    // Remembered until the window has closed for this timestamp: after
    // that the timestamp check alone refuses a replay.
    let expires_ms = openkyc_signing::request::ts_seconds(ts)
        .saturating_add(openkyc_signing::request::MAX_SKEW_SECS)
        .saturating_add(1)
        .saturating_mul(1000);
    let first_time = state
        .store
        .remember_signature(key_id, &signature.to_ascii_lowercase(), expires_ms)
        .await?;
    if !first_time {
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "request_replayed",
            "this signed request was already received; sign each request anew",
        ));
    }
    Ok(Caller::Operator {
        key_id: key_id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicants_reach_only_their_own_routes() {
        let operator = Caller::Operator { key_id: "key_1".into() };
        let applicant = Caller::Applicant {
            applicant_id: "app_a".into(),
        };
        assert!(operator.require_operator().is_ok());
        assert!(operator.require_access("app_b").is_ok());
        assert_eq!(applicant.require_operator().unwrap_err().code, "forbidden");
        assert!(applicant.require_access("app_a").is_ok());
        assert_eq!(applicant.require_access("app_b").unwrap_err().code, "forbidden");
    }

    #[tokio::test]
    async fn bodies_are_bounded() {
        let bytes = read_body(Body::from(vec![1u8; 10]), 10).await.unwrap();
        assert_eq!(bytes.len(), 10);
        let error = read_body(Body::from(vec![1u8; 11]), 10).await.unwrap_err();
        assert_eq!(error.code, "payload_too_large");
    }
}
