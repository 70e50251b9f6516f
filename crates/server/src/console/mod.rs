//! The review console under `/console`: server-rendered HTML (maud) with
//! one small local script, for the people who decide the cases automation
//! sends to review.
//!
//! - [`session`]: sign-in (Argon2id, throttled), session cookies
//!   (HttpOnly, SameSite=Strict, Secure), CSRF tokens, the signed-in
//!   reviewer as an extractor, and roles.
//! - [`queue`]: pure: SLA deadlines, filters, order and counts of the queue.
//! - [`pages`]: the HTML; [`cases`]: the queue, case view, claims,
//!   decisions, images and audit export; [`admin`]: users, API keys and
//!   settings for admins.
//!
//! Every route is listed in [`ROUTES`] with the least role it needs, so
//! the security tests can walk all of them.

pub mod admin;
pub mod cases;
pub mod pages;
pub mod queue;
pub mod session;

use crate::reviewers::Role;
use crate::state::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::html;
use openkyc_store::StoreError;
use std::sync::Arc;

/// One console route and the least role that may use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsoleRoute {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The axum path template.
    pub path: &'static str,
    /// `None`: public (the sign-in page and the static assets).
    pub min_role: Option<Role>,
}

const fn route(method: &'static str, path: &'static str, min_role: Option<Role>) -> ConsoleRoute {
    ConsoleRoute { method, path, min_role }
}

const REVIEWER: Option<Role> = Some(Role::Reviewer);
const SENIOR: Option<Role> = Some(Role::Senior);
const ADMIN: Option<Role> = Some(Role::Admin);

/// Every console route. The router is built from the same handlers; a unit
/// test checks the two agree.
pub const ROUTES: &[ConsoleRoute] = &[
    route("GET", "/console/login", None),
    route("POST", "/console/login", None),
    route("GET", "/console/assets/console.css", None),
    route("GET", "/console/assets/console.js", None),
    route("POST", "/console/logout", REVIEWER),
    route("GET", "/console", REVIEWER),
    route("GET", "/console/cases/{id}", REVIEWER),
    route("GET", "/console/cases/{id}/uploads/{upload_id}", REVIEWER),
    route("GET", "/console/cases/{id}/uploads/{upload_id}/crop", REVIEWER),
    route("GET", "/console/cases/{id}/audit.csv", REVIEWER),
    route("POST", "/console/cases/{id}/claim", REVIEWER),
    route("POST", "/console/cases/{id}/release", REVIEWER),
    route("POST", "/console/cases/{id}/approve", REVIEWER),
    route("POST", "/console/cases/{id}/retry", REVIEWER),
    route("POST", "/console/cases/{id}/reject", REVIEWER),
    route("POST", "/console/cases/{id}/reopen", SENIOR),
    route("POST", "/console/cases/{id}/take-over", SENIOR),
    route("GET", "/console/audit", SENIOR),
    route("GET", "/console/audit.csv", SENIOR),
    route("GET", "/console/admin/users", ADMIN),
    route("POST", "/console/admin/users", ADMIN),
    route("POST", "/console/admin/users/{id}/disable", ADMIN),
    route("GET", "/console/admin/keys", ADMIN),
    route("POST", "/console/admin/keys", ADMIN),
    route("POST", "/console/admin/keys/{id}/revoke", ADMIN),
    route("GET", "/console/admin/webhooks", ADMIN),
    route("POST", "/console/admin/webhooks", ADMIN),
    route("POST", "/console/admin/webhooks/{id}/disable", ADMIN),
    route("GET", "/console/admin/settings", ADMIN),
];

/// The console's routes, with its security headers.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/console/login", get(session::login_page).post(session::login))
        .route("/console/logout", post(session::logout))
        .route("/console/assets/console.css", get(pages::stylesheet))
        .route("/console/assets/console.js", get(pages::script))
        .route("/console", get(cases::queue))
        .route("/console/", get(|| async { Redirect::to("/console") }))
        .route("/console/cases/{id}", get(cases::case))
        .route("/console/cases/{id}/uploads/{upload_id}", get(cases::image))
        .route("/console/cases/{id}/uploads/{upload_id}/crop", get(cases::crop))
        .route("/console/cases/{id}/audit.csv", get(cases::case_audit_csv))
        .route("/console/cases/{id}/claim", post(cases::claim))
        .route("/console/cases/{id}/release", post(cases::release))
        .route("/console/cases/{id}/approve", post(cases::approve))
        .route("/console/cases/{id}/retry", post(cases::retry))
        .route("/console/cases/{id}/reject", post(cases::reject))
        .route("/console/cases/{id}/reopen", post(cases::reopen))
        .route("/console/cases/{id}/take-over", post(cases::take_over))
        .route("/console/audit", get(cases::audit_page))
        .route("/console/audit.csv", get(cases::audit_csv))
        .route("/console/admin/users", get(admin::users).post(admin::create_user))
        .route("/console/admin/users/{id}/disable", post(admin::disable_user))
        .route("/console/admin/keys", get(admin::keys).post(admin::create_key))
        .route("/console/admin/keys/{id}/revoke", post(admin::revoke_key))
        .route(
            "/console/admin/webhooks",
            get(admin::webhooks).post(admin::create_webhook),
        )
        .route("/console/admin/webhooks/{id}/disable", post(admin::disable_webhook))
        .route("/console/admin/settings", get(admin::settings))
        .layer(middleware::from_fn(security_headers))
}

/// The console's pages hold personal data: never cached, never framed, no
/// script but our own file, nothing sent to other sites.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Why a console request failed, rendered as a small HTML page (or a
/// redirect to the sign-in page).
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// Not signed in, on a page: go and sign in.
    #[error("sign in first")]
    SignIn,
    /// Not signed in, on an image, a download or a form post.
    #[error("sign in first")]
    Unauthorized,
    /// Signed in, but the role does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// The form's CSRF token is missing or wrong.
    #[error("the form's CSRF token is missing or wrong: reload the page and try again")]
    Csrf,
    /// Too many failed sign-ins.
    #[error("Too many failed sign-ins: wait 15 minutes and try again")]
    Throttled,
    /// No such case, image or account.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The form is incomplete or wrong.
    #[error("{0}")]
    Invalid(String),
    /// Something broke on our side; the detail is logged, not shown.
    #[error("something went wrong on our side; the error was logged")]
    Internal(String),
}

impl ConsoleError {
    fn status(&self) -> StatusCode {
        match self {
            ConsoleError::SignIn => StatusCode::SEE_OTHER,
            ConsoleError::Unauthorized => StatusCode::UNAUTHORIZED,
            ConsoleError::Forbidden(_) | ConsoleError::Csrf => StatusCode::FORBIDDEN,
            ConsoleError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            ConsoleError::NotFound(_) => StatusCode::NOT_FOUND,
            ConsoleError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ConsoleError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Wraps an unexpected failure (logged, not shown).
    pub fn internal(detail: impl std::fmt::Display) -> ConsoleError {
        ConsoleError::Internal(detail.to_string())
    }
}

impl From<StoreError> for ConsoleError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => ConsoleError::NotFound(what),
            other => ConsoleError::internal(other),
        }
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        if let ConsoleError::SignIn = self {
            return Redirect::to("/console/login").into_response();
        }
        if let ConsoleError::Internal(detail) = &self {
            tracing::error!(%detail, "console request failed");
        }
        let status = self.status();
        let page = pages::layout(
            "Error",
            None,
            html! {
                p.flash.error role="alert" { (self.to_string()) }
                p { a href="/console" { "Back to the queue" } }
            },
        );
        (status, page).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_route_is_served_and_every_private_one_needs_a_role() {
        // Without whitespace, so that rustfmt's line breaks do not matter.
        let source: String = include_str!("mod.rs").split_whitespace().collect();
        for listed in ROUTES {
            let needle = format!(".route(\"{}\"", listed.path);
            assert!(source.contains(&needle), "{} is listed but not routed", listed.path);
        }
        let distinct: std::collections::BTreeSet<&str> = ROUTES.iter().map(|r| r.path).collect();
        // `/console/` (the trailing-slash redirect) is the one route not listed.
        assert_eq!(source.matches(".route(\"/console").count(), distinct.len() + 1);
        for public in ROUTES.iter().filter(|r| r.min_role.is_none()) {
            assert!(
                public.path == "/console/login" || public.path.starts_with("/console/assets/"),
                "{} is public",
                public.path
            );
        }
    }
}
