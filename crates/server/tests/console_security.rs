//! The review console refuses whoever may not use it, route by route:
//! every entry of `openkyc_server::console::ROUTES` anonymously (pages
//! redirect to the login, images and the CSV export answer 401, forms 401 or
//! 403), with a role below the route's, and every form without its CSRF
//! token; sessions of disabled reviewers and forged session cookies are
//! refused; an image is served only under its own applicant; every answer is
//! `no-store` with a Content-Security-Policy that allows no inline script.
//!
//! The real server on a loopback port; logins go through the real login
//! form (its CSRF cookie and field) with reqwest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_common;
mod console_common;

use api_common::{document_photo, TestServer};
use console_common::{
    create_account, csrf_field, seed_duplicates, Account, ConsoleClient, Page, LOGIN_CSRF_COOKIE, SESSION_COOKIE,
};
use openkyc_server::console::ROUTES;
use openkyc_server::reviewers::Role;

/// A server with an on-hold case (with a document front) and one account per role.
struct Fixture {
    server: TestServer,
    /// On hold, with a front upload.
    applicant: String,
    /// The applicant's front.
    upload: String,
    /// Another applicant's front.
    other_upload: String,
    reviewer: Account,
    senior: Account,
    admin: Account,
}

impl Fixture {
    async fn start() -> Fixture {
        let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
        let seeded = seed_duplicates(&server, "C01X00T47", 1, Some(&document_photo(1))).await;
        let applicant = seeded.on_hold[0].clone();
        let reviewer = create_account(&server, "reviewer@example.org", "reviewer").await;
        let senior = create_account(&server, "senior@example.org", "senior").await;
        let admin = create_account(&server, "admin@example.org", "admin").await;
        Fixture {
            upload: seeded.fronts[&applicant].clone(),
            other_upload: seeded.fronts[&seeded.first].clone(),
            applicant,
            server,
            reviewer,
            senior,
            admin,
        }
    }

    fn account(&self, role: Role) -> &Account {
        match role {
            Role::Reviewer => &self.reviewer,
            Role::Senior => &self.senior,
            Role::Admin => &self.admin,
        }
    }

    /// A route's template with its parameters filled: upload ids with the
    /// applicant's front, ids under `/console/admin` with a reviewer's id,
    /// any other id with the on-hold applicant.
    fn path(&self, template: &str) -> String {
        let mut path = String::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').expect("a closed path parameter");
            let name = &rest[open + 1..close];
            path.push_str(&rest[..open]);
            path.push_str(if name.contains("upload") {
                &self.upload
            } else if template.starts_with("/console/admin") {
                &self.reviewer.id
            } else {
                &self.applicant
            });
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        path
    }
}

/// Images and the CSV export are fetched by code, not shown as a page: they
/// answer 401 instead of redirecting to the login.
fn is_resource(template: &str) -> bool {
    template.contains("/uploads/") || template.ends_with(".csv")
}

#[test]
fn the_route_table_lists_every_console_route_of_the_contract() {
    let has = |method: &str, path: &str| ROUTES.iter().any(|r| r.method == method && r.path == path);
    for (method, path) in [
        ("GET", "/console/login"),
        ("POST", "/console/login"),
        ("GET", "/console"),
        ("GET", "/console/cases/{id}"),
        ("POST", "/console/cases/{id}/claim"),
        ("POST", "/console/cases/{id}/release"),
        ("POST", "/console/cases/{id}/approve"),
        ("POST", "/console/cases/{id}/retry"),
        ("POST", "/console/cases/{id}/reject"),
        ("POST", "/console/cases/{id}/reopen"),
        ("GET", "/console/cases/{id}/uploads/{upload_id}"),
        ("GET", "/console/audit.csv"),
        ("GET", "/console/admin/users"),
        ("POST", "/console/logout"),
    ] {
        assert!(has(method, path), "{method} {path} is not in console::ROUTES");
    }
    let protected = |path: &str| ROUTES.iter().filter(|r| r.path == path).all(|r| r.min_role.is_some());
    assert!(protected("/console/cases/{id}/uploads/{upload_id}") && protected("/console/audit.csv"));
    let min = |method: &str, path: &str| {
        ROUTES
            .iter()
            .find(|r| r.method == method && r.path == path)
            .and_then(|r| r.min_role)
    };
    assert_eq!(min("POST", "/console/cases/{id}/reopen"), Some(Role::Senior));
    assert_eq!(min("GET", "/console/audit.csv"), Some(Role::Senior));
    assert_eq!(min("GET", "/console/admin/users"), Some(Role::Admin));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_the_anonymous_the_lower_roles_and_forms_without_csrf() {
    let fixture = Fixture::start().await;
    let mut anonymous = ConsoleClient::new(&fixture.server);
    let mut clients = Vec::new();
    for role in [Role::Reviewer, Role::Senior, Role::Admin] {
        let mut client = ConsoleClient::new(&fixture.server);
        let csrf = client.login_as(fixture.account(role)).await;
        clients.push((role, client, csrf));
    }
    let mut checked = 0;
    for route in ROUTES {
        let Some(min_role) = route.min_role else {
            continue;
        };
        let path = fixture.path(route.path);
        let what = format!("{} {path} (min {})", route.method, min_role.as_str());

        let page = anonymous.request(route.method, &path, &[]).await;
        match (route.method, is_resource(route.path)) {
            ("GET", false) => assert!(
                page.is_login_redirect(),
                "anonymous {what}: {} {}",
                page.status,
                page.location()
            ),
            ("GET", true) => assert_eq!(page.status, 401, "anonymous {what}"),
            _ => assert!([401, 403].contains(&page.status), "anonymous {what}: {}", page.status),
        }

        for (role, client, csrf) in &mut clients {
            if *role < min_role {
                // A valid CSRF token: only the role can refuse it.
                let page = client.request(route.method, &path, &[("csrf", csrf.as_str())]).await;
                assert_eq!(page.status, 403, "{} on {what}: {}", role.as_str(), page.text);
            } else if *role == min_role {
                if route.method == "POST" {
                    let page = client.post_form(&path, &[]).await;
                    assert_eq!(page.status, 403, "{what} without csrf: {}", page.text);
                    assert!(page.text.contains("CSRF"), "{what} without csrf: {}", page.text);
                    let page = client.post_form(&path, &[("csrf", "0123456789abcdef")]).await;
                    assert_eq!(page.status, 403, "{what} with a wrong csrf: {}", page.text);
                } else {
                    let page = client.get(&path).await;
                    assert!(
                        ![401, 403].contains(&page.status) && !page.is_login_redirect(),
                        "{} may use {what}: {} {}",
                        role.as_str(),
                        page.status,
                        page.text
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} protected routes");
    fixture.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_are_served_only_under_their_own_applicant_and_not_cached() {
    let fixture = Fixture::start().await;
    let mut client = ConsoleClient::new(&fixture.server);
    client.login_as(&fixture.reviewer).await;
    let own = format!("/console/cases/{}/uploads/{}", fixture.applicant, fixture.upload);
    let page = client.get(&own).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.header("content-type").starts_with("image/"),
        "{}",
        page.header("content-type")
    );
    assert!(page.header("cache-control").contains("no-store"), "{:?}", page.headers);

    let foreign = format!("/console/cases/{}/uploads/{}", fixture.applicant, fixture.other_upload);
    assert_eq!(client.get(&foreign).await.status, 404, "another applicant's image");
    let unknown = format!("/console/cases/{}/uploads/upl_doesnotexist", fixture.applicant);
    assert_eq!(client.get(&unknown).await.status, 404);
    fixture.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_reviewers_and_forged_session_cookies_are_refused() {
    let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
    let leaving = create_account(&server, "leaving@example.org", "reviewer").await;
    let staying = create_account(&server, "staying@example.org", "reviewer").await;

    let mut client = ConsoleClient::new(&server);
    let csrf = client.login_as(&leaving).await;
    assert!(server.store().disable_reviewer(&leaving.email).await.unwrap());
    assert!(
        client.get("/console").await.is_login_redirect(),
        "a disabled reviewer's session"
    );
    let post = client.post_form("/console/logout", &[("csrf", &csrf)]).await;
    assert!([401, 403].contains(&post.status), "{}", post.status);
    // Nor can they log in again.
    let again = client.login(&leaving.email, &leaving.password).await;
    assert_ne!(again.status, 303, "a disabled reviewer logged in");

    let mut client = ConsoleClient::new(&server);
    client.login_as(&staying).await;
    let token = client.cookie(SESSION_COOKIE).unwrap().to_owned();
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let forged = [
        String::from_utf8(tampered).unwrap(),
        "0".repeat(token.len()),
        format!("{token}x"),
        String::new(),
    ];
    for cookie in forged {
        let mut forger = ConsoleClient::new(&server);
        forger.set_cookie(SESSION_COOKIE, &cookie);
        assert!(
            forger.get("/console").await.is_login_redirect(),
            "session cookie {cookie:?}"
        );
    }
    // The real cookie still works; after logout it is dead.
    let csrf = client.session_csrf().await;
    let mut copy = ConsoleClient::new(&server);
    copy.set_cookie(SESSION_COOKIE, &token);
    assert_eq!(copy.get("/console").await.status, 200);
    let logout = client.post_form("/console/logout", &[("csrf", &csrf)]).await;
    assert!(logout.status < 400, "{}", logout.status);
    assert!(copy.get("/console").await.is_login_redirect(), "a session after logout");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_form_needs_its_csrf_cookie_and_field() {
    let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
    let account = create_account(&server, "reviewer@example.org", "reviewer").await;
    let credentials = [
        ("email", account.email.as_str()),
        ("password", account.password.as_str()),
    ];

    let mut bare = ConsoleClient::new(&server);
    let page = bare.post_form("/console/login", &credentials).await;
    assert_eq!(page.status, 403, "no cookie, no field");
    assert!(page.text.contains("CSRF"), "{}", page.text);

    let mut client = ConsoleClient::new(&server);
    let form = client.get("/console/login").await;
    let token = csrf_field(&form.text).unwrap();
    assert!(client.cookie(LOGIN_CSRF_COOKIE).is_some(), "{:?}", form.set_cookies());
    let page = client.post_form("/console/login", &credentials).await;
    assert_eq!(page.status, 403, "cookie without the field");
    let mut with_field = credentials.to_vec();
    with_field.push(("csrf", "not-the-cookie"));
    let page = client.post_form("/console/login", &with_field).await;
    assert_eq!(page.status, 403, "a field that is not the cookie's");

    let mut no_cookie = ConsoleClient::new(&server);
    let mut with_token = credentials.to_vec();
    with_token.push(("csrf", &token));
    let page = no_cookie.post_form("/console/login", &with_token).await;
    assert_eq!(page.status, 403, "the field without its cookie");
    assert!(no_cookie.cookie(SESSION_COOKIE).is_none());

    // The same credentials with both pass: the refusals were the CSRF's.
    let page = client.post_form("/console/login", &with_token).await;
    assert_eq!(page.status, 303, "{}", page.text);
    server.stop().await;
}

fn assert_cookie_attributes(page: &Page, secure: bool) {
    let session = page
        .set_cookies()
        .into_iter()
        .find(|cookie| cookie.starts_with(&format!("{SESSION_COOKIE}=")))
        .expect("the login sets the session cookie");
    let attributes: Vec<String> = session
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    for wanted in ["httponly", "samesite=strict", "path=/console"] {
        assert!(attributes.iter().any(|a| a == wanted), "{wanted} missing: {session}");
    }
    assert_eq!(attributes.iter().any(|a| a == "secure"), secure, "{session}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_cookies_are_http_only_strict_and_secure_unless_configured_off() {
    for secure in [false, true] {
        let server = TestServer::start_with(|config| config.console.cookie_secure = secure).await;
        let account = create_account(&server, "reviewer@example.org", "reviewer").await;
        let mut client = ConsoleClient::new(&server);
        let page = client.login(&account.email, &account.password).await;
        assert_eq!(page.status, 303, "{}", page.text);
        assert_cookie_attributes(&page, secure);
        server.stop().await;
    }
}

/// `script-src` (or `default-src` without it) must not allow inline script.
fn assert_strict_script_policy(page: &Page, what: &str) {
    let policy = page.header("content-security-policy");
    let directive = |name: &str| {
        policy
            .split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .map(str::to_owned)
    };
    let scripts = directive("script-src")
        .or_else(|| directive("default-src"))
        .unwrap_or_else(|| panic!("{what}: no script-src or default-src in {policy:?}"));
    assert!(!scripts.contains("'unsafe-inline'"), "{what}: {scripts}");
    assert!(!scripts.contains('*'), "{what}: {scripts}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_answers_are_not_cached_and_allow_no_inline_script() {
    let fixture = Fixture::start().await;
    let mut client = ConsoleClient::new(&fixture.server);
    let login = client.get("/console/login").await;
    client.login_as(&fixture.reviewer).await;
    let queue = client.get("/console").await;
    let case = client.get(&format!("/console/cases/{}", fixture.applicant)).await;
    for (what, page) in [("login page", &login), ("queue", &queue), ("case", &case)] {
        assert!(
            page.header("cache-control").contains("no-store"),
            "{what}: {:?}",
            page.headers
        );
        assert_strict_script_policy(page, what);
    }
    for page in [&login, &queue, &case] {
        assert_eq!(page.status, 200);
        assert!(!page.text.contains("<script>"), "an inline script: {}", page.text);
    }
    fixture.server.stop().await;
}
