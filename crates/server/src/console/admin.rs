//! Admin pages: reviewer accounts, operator API keys, and a read-only view
//! of the levels, review hours, webhook endpoint and console settings
//! (those live in files the operator deploys, so they are shown, not
//! edited here). Every change is written to the audit log.

use super::pages::{flash as flash_message, layout, when, Flash};
use super::session::{FormFields, Signed};
use super::ConsoleError;
use crate::reviewers::{self, Role};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use openkyc_reasons::Code;
use openkyc_store::StoreError;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// What a redirect back to an admin page says.
#[derive(Debug, Default, Deserialize)]
pub struct AdminQuery {
    done: Option<String>,
    error: Option<String>,
}

fn flash(query: &AdminQuery) -> Option<Flash> {
    if let Some(done) = &query.done {
        let text = match done.as_str() {
            "created" => "Created.",
            "disabled" => "Disabled: the account's sessions ended.",
            "revoked" => "Revoked: requests signed with it are refused from now on.",
            "endpoint_disabled" => "Disabled: no more events go to it.",
            _ => return None,
        };
        return Some(Flash::Ok(text.into()));
    }
    let text = match query.error.as_deref()? {
        "email" => "Give an e-mail address.",
        "role" => "Choose reviewer, senior or admin.",
        "password" => "A password has at least 12 characters.",
        "taken" => "An account with that e-mail exists.",
        "unknown" => "No such account or key (or it is already off).",
        "self" => "You cannot disable your own account.",
        "name" => "Give the key a name of at most 100 characters.",
        "url" => "Give an http:// or https:// URL with a host, of at most 2000 characters, without spaces.",
        "private_url" => {
            "That address is on a loopback, private or link-local network; the configuration \
                          (webhook_private_networks) does not allow such endpoints here."
        }
        _ => return None,
    };
    Some(Flash::Error(text.into()))
}

fn checked_form(signed: &Signed, headers: &HeaderMap, body: &Bytes) -> Result<FormFields, ConsoleError> {
    let form = FormFields::parse(headers, body)?;
    signed.check_csrf(&form)?;
    signed.require(Role::Admin)?;
    Ok(form)
}

fn to(page: &str, outcome: Result<&str, &str>) -> Response {
    let query = match outcome {
        Ok(done) => format!("done={done}"),
        Err(error) => format!("error={error}"),
    };
    Redirect::to(&format!("{page}?{query}")).into_response()
}

/// `GET /console/admin/users`.
pub async fn users(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<AdminQuery>,
) -> Result<Markup, ConsoleError> {
    signed.require(Role::Admin)?;
    let accounts = state.store.list_reviewers().await?;
    Ok(layout(
        "Users",
        Some(&signed),
        html! {
            h1 { "Reviewer accounts" }
            (flash_message(flash(&query).as_ref()))
            table #users {
                thead { tr { th { "E-mail" } th { "Role" } th { "Created" } th { "State" } th {} } }
                tbody { @for account in &accounts {
                    tr { td { (account.email) } td { (account.role) } td { (when(account.created_at)) }
                        td { @if let Some(at) = account.disabled_at { "disabled " (when(at)) } @else { "active" } }
                        td { @if account.disabled_at.is_none() && account.id != signed.reviewer.id {
                            form.inline method="post" action={ "/console/admin/users/" (account.id) "/disable" } {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button type="submit" { "Disable" }
                            }
                        } } }
                } }
            }
            h2 { "Add an account" }
            form #add-user method="post" action="/console/admin/users" {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { "E-mail " input type="email" name="email" required; }
                label { "Role " select name="role" {
                    @for role in [Role::Reviewer, Role::Senior, Role::Admin] { option value=(role.as_str()) { (role.as_str()) } }
                } }
                label { "Password (12 characters or more) " input type="password" name="password" minlength="12" required autocomplete="new-password"; }
                button type="submit" { "Add" }
            }
        },
    ))
}

/// `POST /console/admin/users`.
pub async fn create_user(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = checked_form(&signed, &headers, &body)?;
    const PAGE: &str = "/console/admin/users";
    let Some(email) = form
        .text("email")
        .filter(|email| email.contains('@') && email.len() <= 254)
    else {
        return Ok(to(PAGE, Err("email")));
    };
    let Some(role) = form.get("role").and_then(Role::parse) else {
        return Ok(to(PAGE, Err("role")));
    };
    let password = form.get("password").unwrap_or("").to_owned();
    let hashed = tokio::task::spawn_blocking(move || reviewers::hash_password(&password))
        .await
        .map_err(ConsoleError::internal)?;
    let Ok(hash) = hashed else {
        return Ok(to(PAGE, Err("password")));
    };
    match state.store.create_reviewer(email, role.as_str(), &hash).await {
        Ok(created) => {
            let detail = json!({"account": created.email, "role": created.role});
            state.store.audit(&signed.audit("create_user", None, detail)).await?;
            Ok(to(PAGE, Ok("created")))
        }
        Err(StoreError::DuplicateEmail) => Ok(to(PAGE, Err("taken"))),
        Err(error) => Err(error.into()),
    }
}

/// `POST /console/admin/users/{id}/disable`.
pub async fn disable_user(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    checked_form(&signed, &headers, &body)?;
    const PAGE: &str = "/console/admin/users";
    if id == signed.reviewer.id {
        return Ok(to(PAGE, Err("self")));
    }
    let accounts = state.store.list_reviewers().await?;
    let Some(account) = accounts.iter().find(|account| account.id == id) else {
        return Ok(to(PAGE, Err("unknown")));
    };
    if !state.store.disable_reviewer(&account.email).await? {
        return Ok(to(PAGE, Err("unknown")));
    }
    let detail = json!({"account": account.email});
    state.store.audit(&signed.audit("disable_user", None, detail)).await?;
    Ok(to(PAGE, Ok("disabled")))
}

/// `GET /console/admin/keys`.
pub async fn keys(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<AdminQuery>,
) -> Result<Markup, ConsoleError> {
    signed.require(Role::Admin)?;
    let keys = state.store.list_api_keys().await?;
    Ok(keys_page(&signed, &keys, flash(&query), None))
}

fn keys_page(
    signed: &Signed,
    keys: &[openkyc_store::ApiKeyInfo],
    message: Option<Flash>,
    created: Option<(&str, &str)>,
) -> Markup {
    layout(
        "API keys",
        Some(signed),
        html! {
            h1 { "Operator API keys" }
            (flash_message(message.as_ref()))
            @if let Some((key_id, secret)) = created {
                section.flash.ok #new-key {
                    p { "Key " code { (key_id) } " created. Its secret is shown this once; store it in the operator's secret manager:" }
                    pre { (secret) }
                }
            }
            table #keys {
                thead { tr { th { "Key id" } th { "Name" } th { "Created" } th { "State" } th {} } }
                tbody { @for key in keys {
                    tr { td { code { (key.id) } } td { (key.name) } td { (when(key.created_at)) }
                        td { @if let Some(at) = key.revoked_at { "revoked " (when(at)) } @else { "active" } }
                        td { @if key.revoked_at.is_none() {
                            form.inline method="post" action={ "/console/admin/keys/" (key.id) "/revoke" } {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button type="submit" { "Revoke" }
                            }
                        } } }
                } }
            }
            h2 { "Add a key" }
            p.hint { "Several keys may be active at once: add the new one, deploy it, then revoke the old one." }
            form #add-key method="post" action="/console/admin/keys" {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { "Name " input type="text" name="name" maxlength="100" required; }
                button type="submit" { "Add" }
            }
        },
    )
}

/// `POST /console/admin/keys`: the secret is shown once, in this answer.
pub async fn create_key(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = checked_form(&signed, &headers, &body)?;
    let Some(name) = form.text("name").filter(|name| name.chars().count() <= 100) else {
        return Ok(to("/console/admin/keys", Err("name")));
    };
    let (key_id, secret) = state.store.create_api_key(name, &state.secrets.master_key).await?;
    let detail = json!({"key_id": key_id, "name": name});
    state.store.audit(&signed.audit("create_api_key", None, detail)).await?;
    let keys = state.store.list_api_keys().await?;
    Ok(keys_page(&signed, &keys, None, Some((&key_id, &secret))).into_response())
}

/// `POST /console/admin/keys/{id}/revoke`.
pub async fn revoke_key(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    checked_form(&signed, &headers, &body)?;
    if !state.store.revoke_api_key(&id).await? {
        return Ok(to("/console/admin/keys", Err("unknown")));
    }
    state
        .store
        .audit(&signed.audit("revoke_api_key", None, json!({"key_id": id})))
        .await?;
    Ok(to("/console/admin/keys", Ok("revoked")))
}

/// `GET /console/admin/webhooks`.
pub async fn webhooks(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<AdminQuery>,
) -> Result<Markup, ConsoleError> {
    signed.require(Role::Admin)?;
    let endpoints = state.store.list_webhook_endpoints().await?;
    Ok(webhooks_page(&state, &signed, &endpoints, flash(&query), None))
}

fn webhooks_page(
    state: &AppState,
    signed: &Signed,
    endpoints: &[openkyc_store::WebhookEndpointInfo],
    message: Option<Flash>,
    created: Option<(&str, &str)>,
) -> Markup {
    layout(
        "Webhooks",
        Some(signed),
        html! {
            h1 { "Webhook endpoints" }
            (flash_message(message.as_ref()))
            @if let Some((id, secret)) = created {
                section.flash.ok #new-endpoint {
                    p { "Endpoint " code { (id) } " added. Its signing secret is shown this once; the receiver verifies "
                        code { "webhook-signature" } " with it (Standard Webhooks):" }
                    pre { (secret) }
                }
            }
            p.hint { "Every event is POSTed to every active endpoint, signed with that endpoint's secret, and retried "
                "with backoff until each answers 2xx; receivers deduplicate on " code { "webhook-id" } "." }
            @if let Some(url) = &state.config.webhook_url {
                p { "Also, from the configuration file: " code { (origin_of(url)) } "." }
            }
            table #webhooks {
                thead { tr { th { "Id" } th { "URL" } th { "Added" } th { "State" } th {} } }
                tbody { @for endpoint in endpoints {
                    tr { td { code { (endpoint.id) } } td { code { (origin_of(&endpoint.url)) } } td { (when(endpoint.created_at)) }
                        td { @if let Some(at) = endpoint.disabled_at { "disabled " (when(at)) } @else { "active" } }
                        td { @if endpoint.disabled_at.is_none() {
                            form.inline method="post" action={ "/console/admin/webhooks/" (endpoint.id) "/disable" } {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button type="submit" { "Disable" }
                            }
                        } } }
                } }
            }
            h2 { "Add an endpoint" }
            form #add-webhook method="post" action="/console/admin/webhooks" {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { "URL " input type="url" name="url" maxlength="2000" required placeholder="https://backend.example.org/kyc-events"; }
                button type="submit" { "Add" }
            }
        },
    )
}

/// `POST /console/admin/webhooks`: the secret is shown once, in this answer.
pub async fn create_webhook(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = checked_form(&signed, &headers, &body)?;
    const PAGE: &str = "/console/admin/webhooks";
    let url = form.text("url").unwrap_or("");
    if let Err(error) = check_webhook_url(url, state.config.console.webhook_private_networks) {
        return Ok(to(PAGE, Err(error)));
    }
    let (id, secret) = match state
        .store
        .create_webhook_endpoint(url, &state.secrets.master_key)
        .await
    {
        Ok(created) => created,
        Err(StoreError::Invalid(_)) => return Ok(to(PAGE, Err("url"))),
        Err(error) => return Err(error.into()),
    };
    let detail = json!({"endpoint_id": id, "origin": origin_of(url)});
    state
        .store
        .audit(&signed.audit("create_webhook_endpoint", None, detail))
        .await?;
    let endpoints = state.store.list_webhook_endpoints().await?;
    Ok(webhooks_page(&state, &signed, &endpoints, None, Some((&id, &secret))).into_response())
}

/// `POST /console/admin/webhooks/{id}/disable`.
pub async fn disable_webhook(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    checked_form(&signed, &headers, &body)?;
    const PAGE: &str = "/console/admin/webhooks";
    if !state.store.disable_webhook_endpoint(&id).await? {
        return Ok(to(PAGE, Err("unknown")));
    }
    state
        .store
        .audit(&signed.audit("disable_webhook_endpoint", None, json!({"endpoint_id": id})))
        .await?;
    Ok(to(PAGE, Ok("endpoint_disabled")))
}

/// Checks an admin's endpoint URL: http(s) with a host; a loopback,
/// private, link-local or unspecified address (or `localhost`) only when
/// the operator allowed it (`webhook_private_networks`), so that a stolen
/// admin session cannot aim the delivery loop at internal services. A name
/// that resolves to such an address is not caught here.
fn check_webhook_url(url: &str, private_allowed: bool) -> Result<(), &'static str> {
    let parsed = reqwest::Url::parse(url).map_err(|_| "url")?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("url");
    }
    let internal = match parsed.host() {
        None => return Err("url"),
        Some(url::Host::Domain(name)) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(address)) => {
            address.is_loopback()
                || address.is_private()
                || address.is_link_local()
                || address.is_unspecified()
                || address.is_broadcast()
        }
        Some(url::Host::Ipv6(address)) => {
            let first = address.segments()[0];
            address.is_loopback()
                || address.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || address.to_ipv4_mapped().is_some()
        }
    };
    if internal && !private_allowed {
        return Err("private_url");
    }
    Ok(())
}

/// The scheme and host of a URL, without user info, path or query.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    format!("{scheme}://{host}")
}

/// `GET /console/admin/settings`: levels, review hours, webhook endpoint
/// and the console's settings, read-only.
pub async fn settings(State(state): State<Arc<AppState>>, signed: Signed) -> Result<Markup, ConsoleError> {
    signed.require(Role::Admin)?;
    let hours = &state.review_hours;
    let console = &state.config.console;
    let minutes = |duration: std::time::Duration| duration.as_secs() / 60;
    let default_sla = hours.default_sla();
    let special_slas: Vec<(Code, i64)> = Code::ALL
        .into_iter()
        .map(|code| (code, hours.sla_for(&[code])))
        .filter(|(_, sla)| *sla != default_sla)
        .map(|(code, sla)| (code, sla.num_minutes()))
        .collect();
    Ok(layout(
        "Settings",
        Some(&signed),
        html! {
            h1 { "Settings" }
            p.hint { "Read from the files the service was started with; change them there and restart." }
            h2 { "Levels" }
            table #levels {
                thead { tr { th { "Level" } th { "Includes" } th { "Steps" } th { "Checks" } th { "Thresholds" } th { "Entitlements" } } }
                tbody { @for level in state.levels.iter() {
                    tr { th { (level.id) br; small { (level.name) } }
                        td { (level.includes.clone().unwrap_or_default()) }
                        td { (serde_json::to_string(&level.steps).unwrap_or_default()) }
                        td { (serde_json::to_string(&level.checks).unwrap_or_default()) }
                        td { (format!("{:?}", level.thresholds)) }
                        td { (format!("{:?}", level.entitlements)) } }
                } }
            }
            h2 { "Review hours" }
            dl #review-hours {
                dt { "Time zone" } dd { (hours.time_zone().name()) }
                dt { "Working days" } dd { (format!("{:?}", hours.working_days())) }
                dt { "Hours" } dd { (hours.opens().format("%H:%M")) "–" (hours.closes().format("%H:%M")) }
                dt { "Holidays" } dd { (hours.holidays().iter().map(|day| day.to_string()).collect::<Vec<_>>().join(", ")) }
                dt { "SLA" } dd { (default_sla.num_minutes()) " business minutes"
                    @for (code, sla) in &special_slas { "; " (code.as_str()) " " (sla) } }
            }
            h2 { "Webhooks" }
            p #webhook { @if let Some(url) = &state.config.webhook_url { "The configuration file sends events to " code { (origin_of(url)) } " (path not shown: it may hold a token)." }
                @else { "The configuration file names no endpoint (webhook_url)." }
                " Endpoints added by admins: " a href="/console/admin/webhooks" { "Webhooks" } "." }
            h2 { "Console" }
            dl #console-settings {
                dt { "Four eyes on rejections" } dd { (if console.four_eyes { "on" } else { "off: only a senior rejects" }) }
                dt { "Claim length" } dd { (minutes(console.claim)) " minutes" }
                dt { "Session idle timeout" } dd { (minutes(console.session_idle)) " minutes" }
                dt { "Secure cookies" } dd { (console.cookie_secure) }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls_need_a_host_and_internal_ones_need_the_operators_consent() {
        assert_eq!(check_webhook_url("https://hooks.example.org/kyc", false), Ok(()));
        for bad in ["https://", "ftp://example.org/", "not a url", "http://:80/x"] {
            assert_eq!(check_webhook_url(bad, true), Err("url"), "{bad}");
        }
        for internal in [
            "http://127.0.0.1:9000/hook",
            "http://10.1.2.3/",
            "http://192.168.0.10/",
            "http://169.254.169.254/latest",
            "http://localhost:8080/",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:10.0.0.1]/",
        ] {
            assert_eq!(check_webhook_url(internal, false), Err("private_url"), "{internal}");
            assert_eq!(check_webhook_url(internal, true), Ok(()), "{internal}");
        }
    }

    #[test]
    fn a_webhook_url_is_shown_without_credentials_path_or_query() {
        assert_eq!(
            origin_of("https://user:secret@hooks.example.org:8443/kyc/abc?token=x"),
            "https://hooks.example.org:8443"
        );
        assert_eq!(origin_of("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
    }
}
