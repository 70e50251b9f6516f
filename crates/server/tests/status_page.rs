//! The applicant's status page against the real server: on hold, it shows
//! the review ETA and queue position the API gives, in English or Chinese
//! (query, then `Accept-Language`), and refreshes itself; after a
//! reviewer's retry, each reason with its tip and the reviewer's message;
//! expired and forged links are refused in words, and the token never
//! leaves the page (no-referrer, no script).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_common;
mod console_common;

use api_common::TestServer;
use console_common::{applicant_view, create_account, seed_duplicates, ConsoleClient};

async fn page(server: &TestServer, token: &str, query: &str, accept_language: Option<&str>) -> (u16, String, String) {
    let mut request = server
        .client
        .get(format!("{}/verify/{token}/status{query}", server.base));
    if let Some(languages) = accept_language {
        request = request.header("accept-language", languages);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = format!("{:?}", response.headers());
    (status, headers, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_shows_the_review_eta_then_the_reviewers_reasons() {
    let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
    let seeded = seed_duplicates(&server, "C01X00T50", 1, None).await;
    let case = &seeded.on_hold[0];
    let token = server.token(case).await;
    let api = applicant_view(&server, case).await.json;

    let (status, headers, html) = page(&server, &token, "", Some("en-GB,en;q=0.9")).await;
    assert_eq!(status, 200, "{html}");
    let eta_en = api["review"]["eta"]["en"].as_str().unwrap();
    assert!(html.contains(eta_en), "the API's ETA sentence {eta_en:?} in\n{html}");
    assert!(html.contains("id=\"queue-position\""), "{html}");
    assert!(html.contains("lang=\"en\""));
    assert!(
        headers.contains("\"refresh\": \"30\""),
        "refreshes while on hold: {headers}"
    );
    assert!(
        headers.contains("no-referrer") && headers.contains("no-store"),
        "{headers}"
    );
    assert!(!html.contains("<script"), "no script at all");
    assert!(!html.contains(&seeded.first), "never another applicant's id");

    let (_, _, chinese) = page(&server, &token, "", Some("zh-CN,zh;q=0.9")).await;
    let eta_zh = api["review"]["eta"]["zh-CN"].as_str().unwrap();
    assert!(
        chinese.contains(eta_zh) && chinese.contains("lang=\"zh-CN\""),
        "{chinese}"
    );
    let (_, _, switched) = page(&server, &token, "?lang=en", Some("zh-CN")).await;
    assert!(switched.contains(eta_en), "the switcher wins over the browser");

    // A reviewer asks for a retry: the page lists the reason with its tip
    // and the reviewer's message, and stops refreshing.
    let reviewer = create_account(&server, "reviewer@example.org", "reviewer").await;
    let mut console = ConsoleClient::new(&server);
    let csrf = console.login_as(&reviewer).await;
    console
        .post_form(&format!("/console/cases/{case}/claim"), &[("csrf", &csrf)])
        .await;
    let message = "Please use your own passport.";
    let asked = console
        .post_form(
            &format!("/console/cases/{case}/retry"),
            &[
                ("csrf", &csrf),
                ("note", "n"),
                ("reason", "DOC_GLARE"),
                ("message", message),
            ],
        )
        .await;
    assert!(asked.location().contains("done=retry"), "{}", asked.location());
    let (status, headers, html) = page(&server, &token, "", None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("data-code=\"DOC_GLARE\"") && html.contains(message),
        "{html}"
    );
    let tip = openkyc_reasons::words(openkyc_reasons::Code::DocGlare, openkyc_reasons::Lang::En).tip;
    assert!(
        html.contains(&maud::html! { (tip) }.into_string()),
        "the tip {tip:?} in\n{html}"
    );
    assert!(
        !headers.contains("\"refresh\""),
        "a decided case does not refresh: {headers}"
    );

    // Forged and expired links.
    let (status, _, html) = page(&server, "v1.app_x.1.forged", "", None).await;
    assert_eq!(status, 401);
    assert!(html.contains("not valid"), "{html}");
    let secrets = openkyc_server::secrets::load_or_create(&server.data_dir()).unwrap().0;
    let expired = openkyc_signing::token::issue(&secrets.token_key, case, 1_000).unwrap();
    let (status, _, html) = page(&server, &expired, "?lang=zh-CN", None).await;
    assert_eq!(status, 401);
    assert!(html.contains("已过期"), "{html}");
    server.stop().await;
}
