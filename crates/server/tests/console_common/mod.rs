//! Shared by the console's browser and security tests: reviewer accounts
//! created through the store, duplicate cases made through the signed API
//! and the real pipeline, and a console client (reqwest with a small cookie
//! jar, redirects not followed) that logs in through the real login form.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use crate::api_common::{until_decided, Answer, TestServer};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long the worker may take to decide one L1 case.
pub const DECISION_TIMEOUT: Duration = Duration::from_secs(120);

/// A reviewer account and its password.
#[derive(Debug, Clone)]
pub struct Account {
    /// `rev_…`.
    pub id: String,
    /// The login.
    pub email: String,
    /// At least 12 characters.
    pub password: String,
    /// `reviewer`, `senior` or `admin`.
    pub role: String,
}

/// Creates a reviewer account (Argon2id hash, as `openkyc user add` does).
pub async fn create_account(server: &TestServer, email: &str, role: &str) -> Account {
    let password = format!("{role} passphrase for {email}");
    let to_hash = password.clone();
    // Argon2id is deliberately slow; keep it off the server's threads.
    let hash = tokio::task::spawn_blocking(move || openkyc_server::reviewers::hash_password(&to_hash))
        .await
        .unwrap()
        .unwrap();
    let reviewer = server.store().create_reviewer(email, role, &hash).await.unwrap();
    Account {
        id: reviewer.id,
        email: reviewer.email,
        password,
        role: role.to_owned(),
    }
}

/// What Hans Müller types for his passport `number` (Germany).
pub fn typed_passport(number: &str) -> Value {
    json!({
        "first_name": "Hans", "last_name": "Müller", "birth_date": "1980-05-17",
        "nationality": "DEU", "document_type": "passport", "document_number": number,
    })
}

/// Applicants sharing one typed passport: the first approved, the others
/// on hold with `DUPLICATE_DOCUMENT`.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// The first applicant (approved; holds the document).
    pub first: String,
    /// The later applicants, each on hold for review.
    pub on_hold: Vec<String>,
    /// Each applicant's document-front upload id, when a front was uploaded.
    pub fronts: BTreeMap<String, String>,
}

/// Creates `1 + duplicates` L1 applicants with the same typed passport
/// through the signed API, each with `front` uploaded as its document front
/// when given, and submits them one after the other to the real pipeline.
pub async fn seed_duplicates(server: &TestServer, number: &str, duplicates: usize, front: Option<&[u8]>) -> Seeded {
    let mut fronts = BTreeMap::new();
    let mut decided = Vec::new();
    for index in 0..=duplicates {
        let id = server.create_applicant(&format!("account-{index}"), "L1").await;
        let info = server
            .op(
                Method::PUT,
                &format!("/v1/applicants/{id}/info"),
                Some(typed_passport(number)),
            )
            .await;
        assert_eq!(info.status, 200, "{}", info.text);
        if let Some(bytes) = front {
            let upload = server
                .op_multipart(&format!("/v1/applicants/{id}/documents/front"), &[("file", bytes)])
                .await;
            assert_eq!(upload.status, 201, "front: {}", upload.text);
            fronts.insert(id.clone(), upload.json["upload"]["id"].as_str().unwrap().to_owned());
        }
        // One at a time: the document is bound to the first only once it is decided.
        let view = submit_and_wait(server, &id).await;
        if index == 0 {
            assert_eq!(view["decision"], "approved", "{view}");
        } else {
            assert_eq!(
                (view["status"].as_str(), view["decision"].as_str()),
                (Some("on_hold"), Some("review")),
                "{view}"
            );
            assert_eq!(view["reasons"][0]["code"], "DUPLICATE_DOCUMENT", "{view}");
        }
        decided.push(id);
    }
    let first = decided.remove(0);
    Seeded {
        first,
        on_hold: decided,
        fronts,
    }
}

/// Submits and polls until the worker decided; the operator's view.
pub async fn submit_and_wait(server: &TestServer, id: &str) -> Value {
    let answer = server
        .op(Method::POST, &format!("/v1/applicants/{id}/submit"), None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.text);
    until_decided(server, id, DECISION_TIMEOUT).await.json
}

/// The operator's view of an applicant.
pub async fn applicant_view(server: &TestServer, id: &str) -> Answer {
    let answer = server.op(Method::GET, &format!("/v1/applicants/{id}"), None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "openkyc_session";
/// The login form's double-submit cookie.
pub const LOGIN_CSRF_COOKIE: &str = "openkyc_login_csrf";

/// One console answer.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Page {
    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    /// Where a redirect goes ("" when not a redirect).
    pub fn location(&self) -> &str {
        self.header("location")
    }

    /// Whether this is the 303 to the login page an anonymous page view gets.
    pub fn is_login_redirect(&self) -> bool {
        self.status == 303 && self.location().starts_with("/console/login")
    }

    /// Every `Set-Cookie` header of the answer.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect()
    }
}

/// A browser-like client of the console: keeps cookies, does not follow
/// redirects (the tests look at them).
pub struct ConsoleClient {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl ConsoleClient {
    pub fn new(server: &TestServer) -> ConsoleClient {
        ConsoleClient {
            base: server.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub fn remove_cookie(&mut self, name: &str) {
        self.cookies.remove(name);
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// Posts an `application/x-www-form-urlencoded` form.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self.client.post(format!("{}{path}", self.base)).form(fields);
        self.send(request).await
    }

    pub async fn request(&mut self, method: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        match method {
            "GET" => self.get(path).await,
            "POST" => self.post_form(path, fields).await,
            other => panic!("a console route with method {other}"),
        }
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Page {
        if !self.cookies.is_empty() {
            let header = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header("Cookie", header);
        }
        let response = request.send().await.unwrap();
        let page = Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: response.text().await.unwrap(),
        };
        for set_cookie in page.set_cookies() {
            self.store_cookie(&set_cookie);
        }
        page
    }

    /// Keeps `name=value` of a `Set-Cookie`; an emptied or expired cookie is dropped.
    fn store_cookie(&mut self, set_cookie: &str) {
        let mut parts = set_cookie.split(';').map(str::trim);
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            return;
        };
        let expired = parts.any(|attribute| attribute.eq_ignore_ascii_case("max-age=0"));
        if expired || value.is_empty() {
            self.cookies.remove(name);
        } else {
            self.cookies.insert(name.to_owned(), value.to_owned());
        }
    }

    /// Fetches the login page (its CSRF cookie and field) and posts the
    /// form; returns the answer to the POST.
    pub async fn login(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/console/login").await;
        assert_eq!(form.status, 200, "{}", form.text);
        let csrf = csrf_field(&form.text).expect("the login form has a csrf field");
        self.post_form(
            "/console/login",
            &[("email", email), ("password", password), ("csrf", &csrf)],
        )
        .await
    }

    /// Logs in and returns the session's CSRF token (from the queue page).
    pub async fn login_as(&mut self, account: &Account) -> String {
        let answer = self.login(&account.email, &account.password).await;
        assert_eq!(answer.status, 303, "login of {}: {}", account.email, answer.text);
        assert!(
            self.cookie(SESSION_COOKIE).is_some(),
            "no session cookie after login: {:?}",
            answer.set_cookies()
        );
        self.session_csrf().await
    }

    /// The CSRF token of the current session, read from the queue page.
    pub async fn session_csrf(&mut self) -> String {
        let queue = self.get("/console").await;
        assert_eq!(queue.status, 200, "{}", queue.text);
        csrf_field(&queue.text).expect("the queue page carries the session's csrf token")
    }
}

/// The value of the first `<input … name="csrf" … value="…">` in a page.
pub fn csrf_field(html: &str) -> Option<String> {
    html.split("<input").skip(1).find_map(|rest| {
        let tag = &rest[..rest.find('>')?];
        if !(tag.contains("name=\"csrf\"") || tag.contains("name='csrf'") || tag.contains("name=csrf")) {
            return None;
        }
        let start = tag.find("value=\"")? + "value=\"".len();
        let len = tag[start..].find('"')?;
        Some(tag[start..start + len].to_owned())
    })
}

#[test]
fn csrf_field_is_read_whatever_the_attribute_order() {
    let page = r#"<form><input type="hidden" value="abc123" name="csrf"><input name="email"></form>"#;
    assert_eq!(csrf_field(page).as_deref(), Some("abc123"));
    let page = r#"<input name="email" value="x"><input name="csrf" type="hidden" value="t0k">"#;
    assert_eq!(csrf_field(page).as_deref(), Some("t0k"));
    assert_eq!(csrf_field(r#"<input name="email" value="x">"#), None);
}
