//! What a reviewer's decision in the console does beyond the page, against
//! the real server, store and pipeline (no browser; the browser test drives
//! the same forms through Chromium):
//! - approving grants the level, fires `applicant.reviewed` and
//!   `applicant.level_changed`, counts in `/metrics` and the audit log;
//! - a decision without a note, or without the claim, changes nothing;
//! - asking for a retry shows the applicant the reviewer's reasons (with
//!   their words) and message instead of the automatic ones;
//! - the applicant's ETA uses the reviewers' measured pace once they decide;
//! - a senior reopens a decided case, and it is back in the queue;
//! - the CSV export holds the case's log, formula cells defused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_common;
mod console_common;

use api_common::{document_photo, TestServer};
use console_common::{applicant_view, create_account, seed_duplicates, ConsoleClient};
use openkyc_store::Decision;
use reqwest::Method;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_decisions_reach_the_applicant_the_operator_and_the_audit_log() {
    let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
    let seeded = seed_duplicates(&server, "C01X00T47", 3, Some(&document_photo(1))).await;
    let (approve_case, retry_case, waiting_case) = (&seeded.on_hold[0], &seeded.on_hold[1], &seeded.on_hold[2]);
    let reviewer = create_account(&server, "reviewer@example.org", "reviewer").await;
    let senior = create_account(&server, "senior@example.org", "senior").await;
    let mut console = ConsoleClient::new(&server);
    let csrf = console.login_as(&reviewer).await;

    // Before anyone decided, the ETA rests on the SLA.
    let before = applicant_view(&server, waiting_case).await.json;
    assert_eq!(before["review"]["eta"]["basis"], "sla", "{before}");

    // Without the claim, or without a note, nothing is decided.
    let approve = format!("/console/cases/{approve_case}/approve");
    let refused = console
        .post_form(&approve, &[("csrf", &csrf), ("note", "looks fine")])
        .await;
    assert_eq!(
        refused.location(),
        format!("/console/cases/{approve_case}?error=claim_required#case-status")
    );
    let claim = format!("/console/cases/{approve_case}/claim");
    assert_eq!(console.post_form(&claim, &[("csrf", &csrf)]).await.status, 303);
    let no_note = console.post_form(&approve, &[("csrf", &csrf), ("note", "  ")]).await;
    assert!(
        no_note.location().contains("error=note_required"),
        "{}",
        no_note.location()
    );
    assert_eq!(applicant_view(&server, approve_case).await.json["status"], "on_hold");

    // Approve: level granted, events, metrics, audit.
    let approved = console
        .post_form(
            &approve,
            &[
                ("csrf", &csrf),
                ("note", "Same person re-registering; owner confirmed by support."),
            ],
        )
        .await;
    assert!(approved.location().contains("done=approved"), "{}", approved.location());
    let view = applicant_view(&server, approve_case).await.json;
    assert_eq!(
        (view["status"].as_str(), view["decision"].as_str()),
        (Some("completed"), Some("approved"))
    );
    assert_eq!(view["level"]["granted"], "L1", "{view}");
    let events: Vec<String> = server
        .store()
        .events_for(approve_case)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_type)
        .collect();
    assert!(
        events.ends_with(&["applicant.reviewed".to_owned(), "applicant.level_changed".to_owned()]),
        "{events:?}"
    );
    let decisions = server.store().review_decisions_for(approve_case).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].decision, Decision::Approved);
    let metrics = server.op(Method::GET, "/metrics", None).await.text;
    assert!(
        metrics.contains("openkyc_review_decisions_total{decision=\"approved\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("openkyc_review_cases_waiting 2"), "{metrics}");
    let actions: Vec<String> = server
        .store()
        .audit_for(approve_case)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert!(
        actions.contains(&"claim".to_owned()) && actions.contains(&"approve".to_owned()),
        "{actions:?}"
    );

    // Retry: the applicant sees the reviewer's reasons and message.
    let retry = format!("/console/cases/{retry_case}/retry");
    console
        .post_form(&format!("/console/cases/{retry_case}/claim"), &[("csrf", &csrf)])
        .await;
    let bad_reason = console
        .post_form(
            &retry,
            &[("csrf", &csrf), ("note", "n"), ("reason", "DUPLICATE_DOCUMENT")],
        )
        .await;
    assert!(
        bad_reason.location().contains("error=bad_reason"),
        "a review code is not a retry reason"
    );
    let message = "Please photograph the passport page again, without the plastic cover.";
    let asked = console
        .post_form(
            &retry,
            &[
                ("csrf", &csrf),
                ("note", "glare over the number"),
                ("reason", "DOC_GLARE"),
                ("message", message),
            ],
        )
        .await;
    assert!(asked.location().contains("done=retry"), "{}", asked.location());
    let token = server.token(retry_case).await;
    let own = server
        .bearer(Method::GET, &format!("/v1/applicants/{retry_case}"), &token, None)
        .await
        .json;
    assert_eq!(own["decision"], "retry", "{own}");
    assert_eq!(own["reasons"].as_array().unwrap().len(), 1, "{own}");
    assert_eq!(own["reasons"][0]["code"], "DOC_GLARE", "{own}");
    assert!(
        own["reasons"][0]["message"]["zh-CN"]
            .as_str()
            .is_some_and(|text| !text.is_empty()),
        "{own}"
    );
    assert_eq!(own["review"]["message"], message, "{own}");
    assert_eq!(own["review"]["decided_by_person"], true, "{own}");
    assert!(
        !own.to_string().contains("glare over the number"),
        "the internal note stays internal: {own}"
    );

    // With decisions made, the waiting case's ETA uses the measured pace.
    let after = applicant_view(&server, waiting_case).await.json;
    assert_eq!(after["review"]["eta"]["basis"], "throughput", "{after}");

    // A reviewer cannot reopen; a senior can, and the case waits again.
    let reopen = format!("/console/cases/{approve_case}/reopen");
    assert_eq!(
        console
            .post_form(&reopen, &[("csrf", &csrf), ("note", "x")])
            .await
            .status,
        403
    );
    let mut senior_console = ConsoleClient::new(&server);
    let senior_csrf = senior_console.login_as(&senior).await;
    let reopened = senior_console
        .post_form(
            &reopen,
            &[("csrf", &senior_csrf), ("note", "Support found the account was sold.")],
        )
        .await;
    assert!(reopened.location().contains("done=reopened"), "{}", reopened.location());
    let view = applicant_view(&server, approve_case).await.json;
    assert_eq!(
        (view["status"].as_str(), view["attempt"].as_u64()),
        (Some("on_hold"), Some(2)),
        "{view}"
    );
    let queue = senior_console.get("/console").await.text;
    assert!(
        queue.contains(&format!("data-applicant=\"{approve_case}\"")),
        "reopened case in the queue"
    );

    // The senior rejects the reopened approval: final, and the level goes
    // (the page offers that, ticked, since the case was reopened).
    let case_page = senior_console.get(&format!("/console/cases/{approve_case}")).await.text;
    assert!(
        case_page.contains("name=\"revoke_level\" value=\"1\" checked"),
        "revocation offered and ticked for a reopened case"
    );
    senior_console
        .post_form(
            &format!("/console/cases/{approve_case}/claim"),
            &[("csrf", &senior_csrf)],
        )
        .await;
    let rejected = senior_console
        .post_form(
            &format!("/console/cases/{approve_case}/reject"),
            &[
                ("csrf", &senior_csrf),
                ("note", "Account sold on."),
                ("reason", "DUPLICATE_DOCUMENT"),
                ("revoke_level", "1"),
            ],
        )
        .await;
    assert!(rejected.location().contains("done=rejected"), "{}", rejected.location());
    let view = applicant_view(&server, approve_case).await.json;
    assert_eq!(
        (view["decision"].as_str(), view["level"]["granted"].as_str()),
        (Some("rejected"), None),
        "{view}"
    );

    // Views are audited; the images of a case once per reviewer and kind
    // in ten minutes, however often the page loads them.
    assert_eq!(
        senior_console
            .get(&format!("/console/cases/{approve_case}"))
            .await
            .status,
        200
    );
    let image = format!(
        "/console/cases/{approve_case}/uploads/{}",
        seeded.fronts[approve_case.as_str()]
    );
    for _ in 0..3 {
        let answer = senior_console.get(&image).await;
        assert_eq!(answer.status, 200);
        assert!(
            answer.header("content-type").starts_with("image/"),
            "{}",
            answer.header("content-type")
        );
    }
    // The rectified document: found, cut out, straightened; the same bytes
    // when asked again (remembered, not detected twice).
    let crop = senior_console.get(&format!("{image}/crop")).await;
    assert_eq!(
        (crop.status, crop.header("content-type")),
        (200, "image/jpeg"),
        "{}",
        crop.text
    );
    let again = senior_console.get(&format!("{image}/crop")).await;
    assert!(crop.text.len() > 1000, "a real image");
    assert_eq!(again.text, crop.text);
    let image_views = server
        .store()
        .audit_for(approve_case)
        .await
        .unwrap()
        .into_iter()
        .filter(|entry| entry.action == "view_upload")
        .count();
    assert_eq!(image_views, 2, "the image once, the crop once");

    // The case's log as CSV: every action, formula-looking cells defused.
    let csv = senior_console
        .get(&format!("/console/cases/{approve_case}/audit.csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-type").starts_with("text/csv"),
        "{}",
        csv.header("content-type")
    );
    let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    let actions: Vec<&str> = rows.iter().map(|row| &row[4]).collect();
    for action in ["claim", "approve", "reopen", "reject", "view_case", "view_upload"] {
        assert!(actions.contains(&action), "{action} missing in {actions:?}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_reviewers_must_agree_on_a_rejection_and_both_are_recorded() {
    let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
    let seeded = seed_duplicates(&server, "C01X00T48", 1, None).await;
    let case = &seeded.on_hold[0];
    let mut voters = Vec::new();
    for email in ["first@example.org", "second@example.org"] {
        let account = create_account(&server, email, "reviewer").await;
        let mut console = ConsoleClient::new(&server);
        let csrf = console.login_as(&account).await;
        voters.push((console, csrf));
    }
    let reject = format!("/console/cases/{case}/reject");
    let claim = format!("/console/cases/{case}/claim");
    let (first, first_csrf) = &mut voters[0];
    first.post_form(&claim, &[("csrf", first_csrf.as_str())]).await;
    let proposed = first
        .post_form(
            &reject,
            &[
                ("csrf", first_csrf.as_str()),
                ("note", "farm account"),
                ("reason", "DUPLICATE_DOCUMENT"),
            ],
        )
        .await;
    assert!(proposed.location().contains("done=proposed"), "{}", proposed.location());
    // The same reviewer voting again is still one vote.
    first.post_form(&claim, &[("csrf", first_csrf.as_str())]).await;
    first
        .post_form(
            &reject,
            &[
                ("csrf", first_csrf.as_str()),
                ("note", "again"),
                ("reason", "DOC_EDITED"),
            ],
        )
        .await;
    assert_eq!(applicant_view(&server, case).await.json["status"], "on_hold");

    let (second, second_csrf) = &mut voters[1];
    second.post_form(&claim, &[("csrf", second_csrf.as_str())]).await;
    let agreed = second
        .post_form(
            &reject,
            &[
                ("csrf", second_csrf.as_str()),
                ("note", "agree"),
                ("reason", "SPOOF_SUSPECTED"),
            ],
        )
        .await;
    assert!(agreed.location().contains("done=rejected"), "{}", agreed.location());
    let decisions = server.store().review_decisions_for(case).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].decision, Decision::Rejected);
    assert!(
        decisions[0].reviewer.contains("first@example.org") && decisions[0].reviewer.contains("second@example.org"),
        "{}",
        decisions[0].reviewer
    );
    let codes: Vec<&str> = decisions[0].reasons.iter().map(|reason| reason.code.as_str()).collect();
    assert!(
        codes.contains(&"SPOOF_SUSPECTED") && codes.contains(&"DOC_EDITED"),
        "{codes:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_passwords_cannot_outrun_the_throttle() {
    let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
    create_account(&server, "target@example.org", "reviewer").await;
    let mut attempts = Vec::new();
    for _ in 0..12 {
        let mut client = ConsoleClient::new(&server);
        let form = client.get("/console/login").await;
        let csrf = console_common::csrf_field(&form.text).unwrap();
        attempts.push(tokio::spawn(async move {
            client
                .post_form(
                    "/console/login",
                    &[
                        ("email", "target@example.org"),
                        ("password", "wrong password guess"),
                        ("csrf", &csrf),
                    ],
                )
                .await
                .status
        }));
    }
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    let verified = statuses.iter().filter(|status| **status == 401).count();
    let throttled = statuses.iter().filter(|status| **status == 429).count();
    // Each permit lets at most one guess slip between the count and the
    // failure it records.
    let permits = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
    assert!((5..5 + permits).contains(&verified), "{statuses:?}");
    assert_eq!(verified + throttled, 12, "{statuses:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_senior_takes_over_a_claimed_case_and_the_holder_can_no_longer_decide() {
    let server = TestServer::start_with(|config| config.console.cookie_secure = false).await;
    let seeded = seed_duplicates(&server, "C01X00T49", 1, None).await;
    let case = &seeded.on_hold[0];
    let reviewer = create_account(&server, "holder@example.org", "reviewer").await;
    let senior = create_account(&server, "lead@example.org", "senior").await;
    let mut holder = ConsoleClient::new(&server);
    let holder_csrf = holder.login_as(&reviewer).await;
    holder
        .post_form(&format!("/console/cases/{case}/claim"), &[("csrf", &holder_csrf)])
        .await;
    let mut lead = ConsoleClient::new(&server);
    let lead_csrf = lead.login_as(&senior).await;
    let page = lead.get(&format!("/console/cases/{case}")).await.text;
    assert!(page.contains("id=\"take-over\""), "a senior is offered the take-over");
    let taken = lead
        .post_form(&format!("/console/cases/{case}/take-over"), &[("csrf", &lead_csrf)])
        .await;
    assert!(taken.location().contains("done=taken_over"), "{}", taken.location());
    let late = holder
        .post_form(
            &format!("/console/cases/{case}/approve"),
            &[("csrf", &holder_csrf), ("note", "ok")],
        )
        .await;
    assert!(late.location().contains("error=claim_required"), "{}", late.location());
    assert_eq!(applicant_view(&server, case).await.json["status"], "on_hold");
    server.stop().await;
}

/// Each request a webhook receiver got: the id, whether its signature
/// verified with `secret`, and the event type.
type Deliveries = std::sync::Arc<std::sync::Mutex<Vec<(String, String)>>>;

async fn webhook_receiver() -> (String, Deliveries) {
    use axum::routing::post;
    let seen: Deliveries = Default::default();
    let store = std::sync::Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let store = std::sync::Arc::clone(&store);
            async move {
                let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let payload: serde_json::Value = serde_json::from_slice(&body).unwrap();
                let line = format!(
                    "{} {} {}",
                    header("webhook-id"),
                    header("webhook-timestamp"),
                    header("webhook-signature")
                );
                store.lock().unwrap().push((
                    line,
                    format!(
                        "{}\n{}",
                        payload["type"].as_str().unwrap(),
                        String::from_utf8(body.to_vec()).unwrap()
                    ),
                ));
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{address}/hook"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_webhook_endpoint_that_receives_signed_events_until_disabled() {
    let server = TestServer::start_with(|config| {
        config.console.cookie_secure = false;
        // The receiver is on loopback: the operator allows internal endpoints.
        config.console.webhook_private_networks = true;
    })
    .await;
    let admin = create_account(&server, "admin@example.org", "admin").await;
    let mut console = ConsoleClient::new(&server);
    let csrf = console.login_as(&admin).await;
    let (url, deliveries) = webhook_receiver().await;

    let refused = console
        .post_form("/console/admin/webhooks", &[("csrf", &csrf), ("url", "ftp://nowhere")])
        .await;
    assert!(refused.location().contains("error=url"), "{}", refused.location());
    let added = console
        .post_form("/console/admin/webhooks", &[("csrf", &csrf), ("url", &url)])
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    let secret = added
        .text
        .split("<pre>")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");

    let first = server.create_applicant("hooked-1", "L1").await;
    let started = std::time::Instant::now();
    while deliveries.lock().unwrap().is_empty() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "no delivery");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (headers, typed_body) = deliveries.lock().unwrap()[0].clone();
    let mut parts = headers.split(' ');
    let (id, ts, signature) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let (event_type, body) = typed_body.split_once('\n').unwrap();
    assert_eq!(event_type, "applicant.created");
    assert!(body.contains(&first));
    let ts: i64 = ts.parse().unwrap();
    openkyc_signing::webhook::verify(&secret, id, ts, ts, body.as_bytes(), signature).unwrap();

    let endpoint = server.store().list_webhook_endpoints().await.unwrap().remove(0);
    let disabled = console
        .post_form(
            &format!("/console/admin/webhooks/{}/disable", endpoint.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(
        disabled.location().contains("done=endpoint_disabled"),
        "{}",
        disabled.location()
    );
    let count = deliveries.lock().unwrap().len();
    server.create_applicant("hooked-2", "L1").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(
        deliveries.lock().unwrap().len(),
        count,
        "a disabled endpoint gets nothing"
    );
    let actions: Vec<String> = server
        .store()
        .audit_range(0, i64::MAX, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert!(
        actions.contains(&"create_webhook_endpoint".to_owned())
            && actions.contains(&"disable_webhook_endpoint".to_owned())
    );
    server.stop().await;
}
