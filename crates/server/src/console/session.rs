//! Signing in to the console and who is signed in.
//!
//! - A session is a random 256-bit token in the `openkyc_session` cookie
//!   (HttpOnly, SameSite=Strict, Path=/console, Secure unless configured
//!   off). The database keeps only its SHA-256, so a copy of the database
//!   cannot be replayed as a cookie. Sessions end after the configured idle
//!   time, at sign-out, and when the account is disabled.
//! - Every form carries the session's CSRF token (a synchronizer token,
//!   compared in constant time); the sign-in form, before any session,
//!   uses a double-submit cookie.
//! - Failed sign-ins are counted in the database (so restarts and other
//!   processes share them) and audited. Within 15 minutes: 5 for one e-mail
//!   from one address, 20 from one address, or 50 for one e-mail from
//!   anywhere, then HTTP 429 until the window passes (the pair limit keeps a
//!   stranger from locking a reviewer out cheaply). The count is read while
//!   holding one of a few password-check permits, so parallel guesses cannot
//!   all pass it. An unknown e-mail costs the same Argon2id verification as
//!   a known one.
//! - A session lasts at most 12 hours, whatever the activity; signing in
//!   ends the session the browser held before.
//! - Behind a reverse proxy listed in `trusted_proxies`, the client's
//!   address comes from `X-Forwarded-For`.

use super::pages;
use super::ConsoleError;
use crate::reviewers::{self, Role};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use openkyc_store::{NewAudit, NewSession, Reviewer};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use subtle::ConstantTimeEq;

/// The session cookie.
pub const SESSION_COOKIE: &str = "openkyc_session";
/// The sign-in form's double-submit CSRF cookie.
pub const LOGIN_CSRF_COOKIE: &str = "openkyc_login_csrf";
/// Failed sign-ins for one e-mail from one address within
/// [`THROTTLE_WINDOW_MS`] before refusing.
pub const MAX_FAILURES_PER_EMAIL_AND_ADDRESS: u32 = 5;
/// Failed sign-ins for one e-mail from anywhere within [`THROTTLE_WINDOW_MS`].
pub const MAX_FAILURES_PER_EMAIL: u32 = 50;
/// A session's end moves forward only by steps of at least this much.
const SESSION_SLIDE_STEP_MS: i64 = 60 * 1000;
/// The longest a session lasts, however active.
pub const MAX_SESSION_MS: i64 = 12 * 60 * 60 * 1000;
/// Failed sign-ins from one address within [`THROTTLE_WINDOW_MS`] before refusing.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 20;
/// The throttling window.
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Longest e-mail or password field read (the hashing cost is bounded).
const MAX_FIELD_BYTES: usize = 1024;

/// Where a request came from, for the audit log and the throttle.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// The peer address (a proxy's, when behind one).
    pub ip: Option<String>,
    /// The `User-Agent`, cut to 200 characters.
    pub user_agent: Option<String>,
}

impl Client {
    fn from_parts(parts: &Parts, trusted_proxies: &[IpAddr]) -> Client {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        let ip = peer.map(|peer| client_address(peer, &parts.headers, trusted_proxies).to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|text| text.chars().take(200).collect());
        Client { ip, user_agent }
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy,
/// the right-most `X-Forwarded-For` entry that is not one (entries left of
/// it could be made up by the client).
fn client_address(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpAddr]) -> IpAddr {
    if !trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.iter().rev() {
        // Some proxies append `address:port` (`[v6]:port` for IPv6).
        let parsed = entry
            .parse::<IpAddr>()
            .or_else(|_| entry.parse::<SocketAddr>().map(|socket| socket.ip()));
        match parsed {
            Ok(address) if trusted_proxies.contains(&address) => continue,
            Ok(address) => return address,
            Err(_) => return peer,
        }
    }
    peer
}

/// The address failures are counted under: an IPv4 address, or an IPv6
/// address's /64 (one subscriber usually holds a whole /64, so counting
/// single IPv6 addresses would let one client rotate past the limit).
fn throttle_address(ip: Option<&str>) -> String {
    match ip.and_then(|text| text.parse::<IpAddr>().ok()) {
        Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        None => "unknown".into(),
    }
}

/// The signed-in reviewer of a console request.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The account.
    pub reviewer: Reviewer,
    /// Its role.
    pub role: Role,
    /// The session's CSRF token, put in every form.
    pub csrf: String,
    /// Where the request came from.
    pub client: Client,
}

impl Signed {
    /// Refuses unless the account holds `role` or a stronger one.
    pub fn require(&self, role: Role) -> Result<(), ConsoleError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden(format!(
                "this needs the {} role; you are signed in as {}",
                role.as_str(),
                self.role.as_str()
            )))
        }
    }

    /// Refuses a form whose `csrf` field is not this session's token.
    pub fn check_csrf(&self, form: &FormFields) -> Result<(), ConsoleError> {
        match form.get("csrf") {
            Some(given) if same_secret(given, &self.csrf) => Ok(()),
            _ => Err(ConsoleError::Csrf),
        }
    }

    /// An audit row by this reviewer.
    pub fn audit(&self, action: &str, applicant_id: Option<&str>, detail: serde_json::Value) -> NewAudit {
        NewAudit {
            actor_id: self.reviewer.id.clone(),
            actor_email: self.reviewer.email.clone(),
            action: action.to_owned(),
            applicant_id: applicant_id.map(str::to_owned),
            detail,
            ip: self.client.ip.clone(),
            user_agent: self.client.user_agent.clone(),
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Signed {
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Signed, ConsoleError> {
        let refusal = refusal_for(&parts.method, parts.uri.path());
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(refusal);
        };
        if token.is_empty() || token.len() > 128 {
            return Err(refusal);
        }
        let token_hash = hash_token(token);
        let Some(session) = state.store.session(&token_hash).await? else {
            return Err(refusal);
        };
        let now = state.store.now_ms();
        if now.saturating_sub(session.created_at) > MAX_SESSION_MS {
            state.store.end_session(&token_hash).await?;
            return Err(refusal);
        }
        let Some(role) = Role::parse(&session.reviewer.role) else {
            return Err(ConsoleError::internal("a reviewer account has an unknown role"));
        };
        let idle = idle_ms(state);
        let idle_end = now.saturating_add(idle);
        let absolute_end = session.created_at.saturating_add(MAX_SESSION_MS);
        let new_end = idle_end.min(absolute_end);
        // A case page loads dozens of images: slide the end at most once a
        // minute rather than write on every request.
        if new_end.saturating_sub(session.expires_at) >= SESSION_SLIDE_STEP_MS {
            state.store.extend_session(&token_hash, new_end).await?;
        }
        Ok(Signed {
            reviewer: session.reviewer,
            role,
            csrf: session.csrf_token,
            client: Client::from_parts(parts, &state.config.console.trusted_proxies),
        })
    }
}

/// Pages send the browser to the sign-in page; images, downloads and form
/// posts answer 401, since a redirect would hand them an HTML page.
fn refusal_for(method: &Method, path: &str) -> ConsoleError {
    let is_page = method == Method::GET && !path.contains("/uploads/") && !path.ends_with(".csv");
    if is_page {
        ConsoleError::SignIn
    } else {
        ConsoleError::Unauthorized
    }
}

fn idle_ms(state: &AppState) -> i64 {
    i64::try_from(state.config.console.session_idle.as_millis()).unwrap_or(i64::MAX)
}

/// The fields of a URL-encoded form, in order (a field may repeat).
#[derive(Debug, Clone, Default)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// Parses a form body; anything but `application/x-www-form-urlencoded`
    /// (or a body that is not one) is refused.
    pub fn parse(headers: &HeaderMap, body: &Bytes) -> Result<FormFields, ConsoleError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(ConsoleError::Invalid(
                "send the form as application/x-www-form-urlencoded".into(),
            ));
        }
        serde_urlencoded::from_bytes(body)
            .map(FormFields)
            .map_err(|_| ConsoleError::Invalid("the form could not be read".into()))
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of `name`, trimmed, if not blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|text| !text.is_empty())
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// Reads a cookie by name.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The SHA-256 (hex) of a session token: what the database keeps.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn same_secret(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// 32 random bytes as hex.
fn random_token() -> Result<String, ConsoleError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ConsoleError::internal)?;
    Ok(hex::encode(bytes))
}

fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> String {
    let secure = if state.config.console.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let age = max_age.map(|secs| format!("; Max-Age={secs}")).unwrap_or_default();
    format!("{name}={value}; Path=/console; HttpOnly; SameSite=Strict{secure}{age}")
}

/// `GET /console/login`: the sign-in form, with a fresh CSRF cookie.
pub async fn login_page(State(state): State<Arc<AppState>>) -> Result<Response, ConsoleError> {
    login_form(&state, StatusCode::OK, None)
}

fn login_form(state: &AppState, status: StatusCode, error: Option<&str>) -> Result<Response, ConsoleError> {
    let csrf = random_token()?;
    let cookie = set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, Some(3600));
    Ok((status, [(header::SET_COOKIE, cookie)], pages::login(&csrf, error)).into_response())
}

/// `POST /console/login`.
pub async fn login(State(state): State<Arc<AppState>>, parts: Parts, body: Bytes) -> Result<Response, ConsoleError> {
    let form = FormFields::parse(&parts.headers, &body)?;
    let expected = cookie(&parts.headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if !same_secret(form.get("csrf").unwrap_or(""), expected) {
        return Err(ConsoleError::Csrf);
    }
    let client = Client::from_parts(&parts, &state.config.console.trusted_proxies);
    let email = form.text("email").unwrap_or("").to_lowercase();
    let password = form.get("password").unwrap_or("");
    if email.len() > MAX_FIELD_BYTES || password.len() > MAX_FIELD_BYTES {
        return login_form(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("That e-mail or password is too long."),
        );
    }
    let ip = throttle_address(client.ip.as_deref());
    // Count and verify under a permit: at most one guess per permit slips
    // between reading the count and recording a failure.
    let _permit = state.password_permits.acquire().await.map_err(ConsoleError::internal)?;
    let since = state.store.now_ms().saturating_sub(THROTTLE_WINDOW_MS);
    let failures = state.store.login_failures_since(&email, &ip, since).await?;
    if failures.by_email_and_ip >= MAX_FAILURES_PER_EMAIL_AND_ADDRESS
        || failures.by_ip >= MAX_FAILURES_PER_ADDRESS
        || failures.by_email >= MAX_FAILURES_PER_EMAIL
    {
        tracing::warn!("console sign-in throttled");
        if first_throttle_in_window(&state, &email, &ip)? {
            audit_sign_in_refusal(&state, &email, &client, "sign_in_throttled").await?;
        }
        return login_form(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            Some("Too many failed sign-ins: wait 15 minutes and try again."),
        );
    }
    let account = state.store.reviewer_login(&email).await?;
    let verified = verify_off_thread(password, account.as_ref().map(|(_, hash)| hash.clone())).await?;
    let Some((reviewer, _)) = account.filter(|_| verified) else {
        state.store.record_login_failure(&email, &ip).await?;
        audit_sign_in_refusal(&state, &email, &client, "sign_in_failed").await?;
        return login_form(
            &state,
            StatusCode::UNAUTHORIZED,
            Some("The e-mail or the password is wrong."),
        );
    };
    state.store.clear_login_failures(&email).await?;
    // A session the browser already held ends: one sign-in, one session.
    if let Some(previous) = cookie(&parts.headers, SESSION_COOKIE) {
        state.store.end_session(&hash_token(previous)).await?;
    }
    start_session(&state, reviewer, client).await
}

/// Whether this is the first throttled sign-in for the e-mail and address
/// in this window: the audit log gets one row per burst, not one per request
/// (a script hammering the form must not flood it). Remembered in memory.
fn first_throttle_in_window(state: &AppState, email: &str, ip: &str) -> Result<bool, ConsoleError> {
    let now = state.store.now_ms();
    let mut seen = state
        .throttle_audits
        .lock()
        .map_err(|_| ConsoleError::internal("the throttle memory is poisoned"))?;
    seen.retain(|_, at| now.saturating_sub(*at) < THROTTLE_WINDOW_MS);
    // Bounded: a flood of distinct e-mails is audited until the map is full.
    if seen.len() >= 10_000 {
        return Ok(false);
    }
    let key = format!("{}\n{ip}", email.chars().take(254).collect::<String>());
    Ok(seen.insert(key, now).is_none())
}

/// A refused sign-in in the audit log: the e-mail as typed (at most 254
/// characters; there may be no such account), from where, and why.
async fn audit_sign_in_refusal(
    state: &AppState,
    email: &str,
    client: &Client,
    action: &str,
) -> Result<(), ConsoleError> {
    let typed: String = email.chars().take(254).collect();
    state
        .store
        .audit(&NewAudit {
            actor_id: "unknown".into(),
            actor_email: typed,
            action: action.into(),
            applicant_id: None,
            detail: serde_json::json!({}),
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        })
        .await?;
    Ok(())
}

/// Argon2id takes tens of milliseconds of CPU: off the async threads. An
/// unknown account is verified against a fixed hash so that it takes as
/// long as a known one.
async fn verify_off_thread(password: &str, hash: Option<String>) -> Result<bool, ConsoleError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => reviewers::verify_password(&password, &hash),
        None => {
            let _ = reviewers::verify_password(&password, unknown_account_hash());
            false
        }
    })
    .await
    .map_err(ConsoleError::internal)
}

fn unknown_account_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| reviewers::hash_password("no account has this password").unwrap_or_default())
}

async fn start_session(state: &AppState, reviewer: Reviewer, client: Client) -> Result<Response, ConsoleError> {
    let token = random_token()?;
    let csrf = random_token()?;
    let now = state.store.now_ms();
    state
        .store
        .create_session(&NewSession {
            reviewer_id: reviewer.id.clone(),
            token_hash: hash_token(&token),
            csrf_token: csrf.clone(),
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
            expires_at: now.saturating_add(idle_ms(state)),
        })
        .await?;
    let signed = Signed {
        role: Role::parse(&reviewer.role).unwrap_or(Role::Reviewer),
        reviewer,
        csrf,
        client,
    };
    state
        .store
        .audit(&signed.audit("sign_in", None, serde_json::json!({})))
        .await?;
    tracing::info!(reviewer = %signed.reviewer.id, "console sign-in");
    let session = set_cookie(state, SESSION_COOKIE, &token, None);
    let clear_login = set_cookie(state, LOGIN_CSRF_COOKIE, "", Some(0));
    // Two cookies: `AppendHeaders`, since a plain header array replaces.
    Ok((
        AppendHeaders([(header::SET_COOKIE, session), (header::SET_COOKIE, clear_login)]),
        Redirect::to("/console"),
    )
        .into_response())
}

/// `POST /console/logout`.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = FormFields::parse(&headers, &body)?;
    signed.check_csrf(&form)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&hash_token(token)).await?;
    }
    state
        .store
        .audit(&signed.audit("sign_out", None, serde_json::json!({})))
        .await?;
    let clear = set_cookie(&state, SESSION_COOKIE, "", Some(0));
    Ok(([(header::SET_COOKIE, clear)], Redirect::to("/console/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_are_found_among_others_and_tokens_are_hashed() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; openkyc_session=abc; b=2"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
        assert_eq!(hash_token("abc").len(), 64);
        assert_ne!(hash_token("abc"), "abc");
    }

    #[test]
    fn pages_redirect_but_images_downloads_and_posts_answer_401() {
        assert!(matches!(refusal_for(&Method::GET, "/console"), ConsoleError::SignIn));
        assert!(matches!(
            refusal_for(&Method::GET, "/console/cases/app_x"),
            ConsoleError::SignIn
        ));
        for (method, path) in [
            (Method::GET, "/console/cases/app_x/uploads/upl_y"),
            (Method::GET, "/console/audit.csv"),
            (Method::POST, "/console/cases/app_x/claim"),
        ] {
            assert!(
                matches!(refusal_for(&method, path), ConsoleError::Unauthorized),
                "{path}"
            );
        }
    }

    #[test]
    fn forms_keep_repeated_fields_and_refuse_other_encodings() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let form = FormFields::parse(&headers, &Bytes::from_static(b"reason=A&reason=B&note=+hi+&csrf=x")).unwrap();
        assert_eq!(form.all("reason"), ["A", "B"]);
        assert_eq!(form.text("note"), Some("hi"));
        assert_eq!(form.text("missing"), None);
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert!(FormFields::parse(&headers, &Bytes::from_static(b"{}")).is_err());
    }

    #[test]
    fn the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.9, 203.0.113.7, 10.0.0.1"),
        );
        assert_eq!(
            client_address(proxy, &headers, &[proxy]),
            client,
            "right-most untrusted entry"
        );
        assert_eq!(
            client_address(client, &headers, &[proxy]),
            client,
            "a direct client's header is ignored"
        );
        assert_eq!(
            client_address(proxy, &headers, &[]),
            proxy,
            "no trusted proxies: the peer"
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7:51234"));
        assert_eq!(client_address(proxy, &headers, &[proxy]), client, "address with a port");
        headers.insert("x-forwarded-for", HeaderValue::from_static("not an address"));
        assert_eq!(client_address(proxy, &headers, &[proxy]), proxy);
        assert_eq!(client_address(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }

    #[test]
    fn ipv6_failures_count_per_64_and_ipv4_per_address() {
        assert_eq!(throttle_address(Some("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            throttle_address(Some("2001:db8:1:2:ffff::9")),
            throttle_address(Some("2001:db8:1:2::7"))
        );
        assert_eq!(throttle_address(Some("198.51.100.4")), "198.51.100.4");
        assert_eq!(throttle_address(Some("::ffff:198.51.100.4")), "198.51.100.4");
        assert_eq!(throttle_address(None), "unknown");
    }

    #[test]
    fn secrets_compare_whole_and_never_match_an_empty_expectation() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abd", "abc"));
        assert!(!same_secret("ab", "abc"));
        assert!(!same_secret("", ""));
    }
}
