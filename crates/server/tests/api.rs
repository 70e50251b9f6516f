//! The real server on a loopback port with a fresh data directory, driven
//! with signed requests: the whole flow, refused requests with their
//! codes, refused uploads leaving nothing behind, the OpenAPI document
//! and the metrics.
//!
//! The workers run the real pipeline (`tests/flow.rs` drives it through
//! approvals, retries and a duplicate).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_common;

use api_common::{document_photo, multipart, small_picture, until_decided, TestServer};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

fn passport_info() -> serde_json::Value {
    json!({
        "first_name": "Anna Maria",
        "last_name": "Eriksson",
        "birth_date": "1974-08-12",
        "nationality": "SWE",
        "document_type": "passport",
        "document_number": "L898902C3",
    })
}

#[tokio::test]
async fn an_l2_applicant_goes_from_creation_to_one_decision() {
    let server = TestServer::start().await;
    let id = server.create_applicant("user-1", "L2").await;

    let created = server.op(Method::GET, &format!("/v1/applicants/{id}"), None).await;
    assert_eq!(created.json["status"], "init");
    assert_eq!(created.json["external_user_id"], "user-1");
    assert_eq!(created.json["review"]["eta"], serde_json::Value::Null);
    assert_eq!(
        created.json["missing_steps"],
        json!(["basic_info", "document_front", "selfie", "liveness"])
    );

    let info = server
        .op(Method::PUT, &format!("/v1/applicants/{id}/info"), Some(passport_info()))
        .await;
    assert_eq!(info.status, 200, "{}", info.text);
    assert_eq!(info.json["info"]["last_name"], "Eriksson");

    // Not everything uploaded yet: not submittable, the missing steps named.
    let early = server
        .op(Method::POST, &format!("/v1/applicants/{id}/submit"), None)
        .await;
    assert_eq!(early.status, 409);
    assert_eq!(early.code(), "not_submittable");
    assert_eq!(early.json["error"]["fields"][0]["field"], "document_front");

    let front = document_photo(1);
    let upload = server
        .op_multipart(&format!("/v1/applicants/{id}/documents/front"), &[("file", &front)])
        .await;
    assert_eq!(upload.status, 201, "{}", upload.text);
    assert_eq!(upload.json["format"], "png");
    assert_eq!(upload.json["width"], 960);
    let precheck = &upload.json["precheck"];
    assert!(precheck["ok"].is_boolean());
    assert!(precheck["report"]["checks"].is_array());
    for reason in precheck["reasons"].as_array().unwrap() {
        assert!(reason["message"]["en"].is_string() && reason["message"]["zh-CN"].is_string());
        assert_eq!(reason["field"], "front");
    }

    // The browser flow: the applicant's token uploads the selfie and
    // answers the liveness challenge.
    let token = server.token(&id).await;
    let selfie = server
        .bearer(
            Method::POST,
            &format!("/v1/applicants/{id}/selfie"),
            &token,
            Some(multipart(&[("file", &small_picture(1))])),
        )
        .await;
    assert_eq!(selfie.status, 201, "{}", selfie.text);
    assert_eq!(selfie.json["precheck"], serde_json::Value::Null);

    let early_frames = server
        .bearer(
            Method::POST,
            &format!("/v1/applicants/{id}/liveness/frames"),
            &token,
            Some(multipart(&[("0", &small_picture(2))])),
        )
        .await;
    assert_eq!(
        early_frames.status, 409,
        "frames before a challenge: {}",
        early_frames.text
    );

    let challenge = server
        .bearer(
            Method::POST,
            &format!("/v1/applicants/{id}/liveness/challenge"),
            &token,
            None,
        )
        .await;
    assert_eq!(challenge.status, 201, "{}", challenge.text);
    let actions = challenge.json["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2, "L2 asks for 2 actions");
    assert!(challenge.json["token"].as_str().unwrap().starts_with("v1."));
    assert!(challenge.json["expires_at"].is_string());

    let frames: Vec<Vec<u8>> = (0..4).map(small_picture).collect();
    let names = ["0", "125", "250", "375"];
    let parts: Vec<(&str, &[u8])> = names.iter().zip(&frames).map(|(n, f)| (*n, f.as_slice())).collect();
    let uploaded = server
        .bearer(
            Method::POST,
            &format!("/v1/applicants/{id}/liveness/frames"),
            &token,
            Some(multipart(&parts)),
        )
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    assert_eq!(uploaded.json["count"], 4);
    assert_eq!(uploaded.json["kind"], "frames");

    let submitted = server
        .bearer(Method::POST, &format!("/v1/applicants/{id}/submit"), &token, None)
        .await;
    assert_eq!(submitted.status, 202, "{}", submitted.text);
    assert_eq!(submitted.json["status"], "pending");

    let again = server
        .op(Method::POST, &format!("/v1/applicants/{id}/submit"), None)
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "not_submittable");

    let decided = until_decided(&server, &id, Duration::from_secs(120)).await;
    // These drawn pictures are no document and no face: the applicant is
    // asked to retry, told what to fix.
    let decision = decided.json["decision"].as_str().unwrap().to_owned();
    assert_eq!(decision, "retry", "{}", decided.text);
    let codes: Vec<&str> = decided.json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| reason["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"FACE_NOT_FOUND"), "{codes:?}");
    assert!(decided.json["report"]["stages"].is_array());
    assert!(decided.json["reasons"].is_array());
    assert_eq!(decided.json["report"]["decision"], decision.as_str());

    // The applicant's own view names no other applicant and no operator detail.
    let own = server
        .bearer(Method::GET, &format!("/v1/applicants/{id}"), &token, None)
        .await;
    assert_eq!(own.status, 200, "{}", own.text);
    assert!(own.json.get("external_user_id").is_none());
    assert!(own.json["report"].get("duplicates").is_none());

    // Decided exactly once: one report, one decision event.
    let reports = server.store().reports_for(&id).await.unwrap();
    assert_eq!(reports.len(), 1);
    let events = server.store().events_for(&id).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|event| event.event_type.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "applicant.created").count(), 1);
    assert_eq!(kinds.iter().filter(|k| **k == "applicant.submitted").count(), 1);
    let decisions = kinds
        .iter()
        .filter(|k| **k == "applicant.reviewed" || **k == "applicant.on_hold")
        .count();
    assert_eq!(decisions, 1, "{kinds:?}");

    // Reset opens a new attempt with nothing carried over.
    let reset = server
        .op(Method::POST, &format!("/v1/applicants/{id}/reset"), None)
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert_eq!(reset.json["status"], "init");
    assert!(reset.json["attempt"].as_u64().unwrap() > 1);
    assert!(reset.json["uploads"].as_array().unwrap().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn operator_requests_are_refused_with_their_codes() {
    let server = TestServer::start().await;
    let path = "/v1/applicants?limit=1";

    let missing = server
        .send(server.client.get(format!("{}{path}", server.base)).build().unwrap())
        .await;
    assert_eq!((missing.status, missing.code()), (401, "unauthorized"));
    let request_id = missing.json["error"]["request_id"].as_str().unwrap();
    assert_eq!(missing.headers["x-request-id"].to_str().unwrap(), request_id);

    let partial = server
        .send(
            server
                .client
                .get(format!("{}{path}", server.base))
                .header("X-App-Key", &server.key.key_id)
                .build()
                .unwrap(),
        )
        .await;
    assert_eq!((partial.status, partial.code()), (401, "unauthorized"));

    let wrong = server
        .send(
            server
                .client
                .get(format!("{}{path}", server.base))
                .header("X-App-Key", &server.key.key_id)
                .header("X-App-Access-Ts", chrono::Utc::now().timestamp().to_string())
                .header("X-App-Access-Sig", "00".repeat(32))
                .build()
                .unwrap(),
        )
        .await;
    assert_eq!((wrong.status, wrong.code()), (401, "signature_invalid"));

    let stale_ts = chrono::Utc::now().timestamp() - 301;
    let (stale, _) = server
        .signed_at(Method::GET, path, Vec::new(), None, Some(stale_ts))
        .await;
    assert_eq!((stale.status, stale.code()), (401, "timestamp_stale"));

    let body = serde_json::to_vec(&json!({"external_user_id": "replay-1", "level": "L1"})).unwrap();
    let (first, copy) = server
        .signed_at(Method::POST, "/v1/applicants", body, Some("application/json"), None)
        .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let replayed = server.send(copy).await;
    assert_eq!((replayed.status, replayed.code()), (401, "request_replayed"));
    // Reads are exempt: the same read twice in one second is the same bytes.
    let (read, copy) = server.signed_at(Method::GET, path, Vec::new(), None, None).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(server.send(copy).await.status, 200);

    // A signature over another path does not verify on this one.
    let ts = chrono::Utc::now().timestamp();
    let other_sig = openkyc_signing::request::sign(server.key.secret.as_bytes(), ts, "GET", "/v1/applicants", b"");
    let moved = server
        .send(
            server
                .client
                .get(format!("{}{path}", server.base))
                .header("X-App-Key", &server.key.key_id)
                .header("X-App-Access-Ts", ts.to_string())
                .header("X-App-Access-Sig", other_sig)
                .build()
                .unwrap(),
        )
        .await;
    assert_eq!((moved.status, moved.code()), (401, "signature_invalid"));

    // A key rotated in works beside the first.
    let master = server.running.as_ref().unwrap().state.secrets.master_key;
    let (key_id, secret) = server.store().create_api_key("rotation", &master).await.unwrap();
    let ts = chrono::Utc::now().timestamp();
    let sig = openkyc_signing::request::sign(secret.as_bytes(), ts, "GET", path, b"");
    let rotated = server
        .send(
            server
                .client
                .get(format!("{}{path}", server.base))
                .header("X-App-Key", key_id)
                .header("X-App-Access-Ts", ts.to_string())
                .header("X-App-Access-Sig", sig)
                .build()
                .unwrap(),
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    server.stop().await;
}

#[tokio::test]
async fn applicant_tokens_reach_only_their_applicant() {
    let server = TestServer::start().await;
    let mine = server.create_applicant("user-a", "L2").await;
    let other = server.create_applicant("user-b", "L2").await;
    let token = server.token(&mine).await;

    let own = server
        .bearer(Method::GET, &format!("/v1/applicants/{mine}"), &token, None)
        .await;
    assert_eq!(own.status, 200, "{}", own.text);

    for (method, path) in [
        (Method::GET, format!("/v1/applicants/{other}")),
        (Method::POST, format!("/v1/applicants/{other}/submit")),
        (Method::POST, format!("/v1/applicants/{other}/liveness/challenge")),
    ] {
        let refused = server.bearer(method, &path, &token, None).await;
        assert_eq!((refused.status, refused.code()), (403, "forbidden"), "{path}");
    }
    let upload = server
        .bearer(
            Method::POST,
            &format!("/v1/applicants/{other}/selfie"),
            &token,
            Some(multipart(&[("file", &small_picture(0))])),
        )
        .await;
    assert_eq!((upload.status, upload.code()), (403, "forbidden"));

    // Operator routes, even on its own applicant.
    for (method, path) in [
        (Method::GET, "/v1/applicants".to_owned()),
        (Method::POST, "/v1/applicants".to_owned()),
        (Method::POST, format!("/v1/applicants/{mine}/reset")),
        (Method::POST, format!("/v1/applicants/{mine}/access-tokens")),
        (Method::PUT, format!("/v1/applicants/{mine}/info")),
    ] {
        let body = Some((b"{}".to_vec(), "application/json".to_owned()));
        let refused = server.bearer(method, &path, &token, body).await;
        assert_eq!((refused.status, refused.code()), (403, "forbidden"), "{path}");
    }

    let forged = token.replace(&mine, &other);
    let refused = server
        .bearer(Method::GET, &format!("/v1/applicants/{other}"), &forged, None)
        .await;
    assert_eq!((refused.status, refused.code()), (401, "unauthorized"));
    let garbage = server
        .bearer(Method::GET, &format!("/v1/applicants/{mine}"), "v1.x", None)
        .await;
    assert_eq!((garbage.status, garbage.code()), (401, "unauthorized"));
    server.stop().await;
}

#[tokio::test]
async fn refused_uploads_answer_json_and_store_nothing() {
    let server = TestServer::start_with(|config| config.max_upload_bytes = 200 * 1024).await;
    let id = server.create_applicant("user-u", "L2").await;
    let path = format!("/v1/applicants/{id}/documents/front");

    // Within the body limit (the file limit plus multipart framing), over the file limit.
    let oversize = vec![0xffu8; 210 * 1024];
    let answer = server.op_multipart(&path, &[("file", &oversize)]).await;
    assert_eq!(
        (answer.status, answer.code()),
        (413, "payload_too_large"),
        "{}",
        answer.text
    );

    let garbage = b"this is not an image at all".to_vec();
    let answer = server.op_multipart(&path, &[("file", &garbage)]).await;
    assert_eq!(
        (answer.status, answer.code()),
        (415, "unsupported_media_type"),
        "{}",
        answer.text
    );

    let mut truncated = small_picture(3);
    truncated.truncate(truncated.len() / 2);
    let answer = server.op_multipart(&path, &[("file", &truncated)]).await;
    assert_eq!(
        (answer.status, answer.code()),
        (422, "image_unreadable"),
        "{}",
        answer.text
    );
    assert_eq!(answer.json["error"]["field"], "file");

    let answer = server.op_multipart(&path, &[("other", &b"x"[..])]).await;
    assert_eq!((answer.status, answer.code()), (422, "validation_failed"));
    assert_eq!(answer.json["error"]["field"], "file");

    let (answer, _) = server
        .signed_at(Method::POST, &path, b"{}".to_vec(), Some("application/json"), None)
        .await;
    assert_eq!((answer.status, answer.code()), (415, "unsupported_media_type"));

    let answer = server
        .op_multipart(&format!("/v1/applicants/{id}/documents/middle"), &[("file", &b"x"[..])])
        .await;
    assert_eq!((answer.status, answer.code()), (404, "not_found"));

    // An upload cut off mid-body: the connection closes before the declared length.
    let token = server.token(&id).await;
    let (body, content_type) = multipart(&[("file", &document_photo(4))]);
    let head = format!(
        "POST /v1/applicants/{id}/selfie HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    {
        use tokio::io::AsyncWriteExt;
        let mut stream = tokio::net::TcpStream::connect(server.running.as_ref().unwrap().addr)
            .await
            .unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body[..body.len() / 2]).await.unwrap();
        stream.shutdown().await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(server.blob_files(), 0, "nothing stored");
    let view = server.op(Method::GET, &format!("/v1/applicants/{id}"), None).await;
    assert!(view.json["uploads"].as_array().unwrap().is_empty(), "{}", view.text);
    server.stop().await;
}

#[tokio::test]
async fn data_is_validated_with_fields_named() {
    let server = TestServer::start().await;
    let id = server.create_applicant("user-v", "L1").await;
    let mut info = passport_info();
    info["birth_date"] = json!("1990-02-30");
    info["nationality"] = json!("ZZZ");
    let answer = server
        .op(Method::PUT, &format!("/v1/applicants/{id}/info"), Some(info))
        .await;
    assert_eq!(
        (answer.status, answer.code()),
        (422, "validation_failed"),
        "{}",
        answer.text
    );
    let fields: Vec<&str> = answer.json["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["birth_date", "nationality"]);

    let mut unknown = passport_info();
    unknown["favourite_colour"] = json!("blue");
    let answer = server
        .op(Method::PUT, &format!("/v1/applicants/{id}/info"), Some(unknown))
        .await;
    assert_eq!((answer.status, answer.code()), (422, "validation_failed"));

    let answer = server
        .op(
            Method::POST,
            "/v1/applicants",
            Some(json!({"external_user_id": "x", "level": "L9"})),
        )
        .await;
    assert_eq!((answer.status, answer.code()), (422, "validation_failed"));
    assert_eq!(answer.json["error"]["field"], "level");

    let answer = server
        .op(
            Method::POST,
            "/v1/applicants",
            Some(json!({"external_user_id": "user-v", "level": "L1", "invite_code": "second"})),
        )
        .await;
    assert_eq!((answer.status, answer.code()), (409, "conflict"));

    let answer = server.op(Method::GET, "/v1/applicants/app_nope", None).await;
    assert_eq!((answer.status, answer.code()), (404, "not_found"));

    // L1: the basic information alone makes it submittable.
    let answer = server
        .op(Method::PUT, &format!("/v1/applicants/{id}/info"), Some(passport_info()))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.json["missing_steps"].as_array().unwrap().is_empty());
    let answer = server
        .op(Method::POST, &format!("/v1/applicants/{id}/submit"), None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.text);
    let decided = until_decided(&server, &id, Duration::from_secs(60)).await;
    assert_eq!(decided.json["decision"], "approved", "{}", decided.text);
    assert_eq!(decided.json["level"]["granted"], "L1");
    assert_eq!(decided.json["level"]["entitlements"]["withdraw_daily_usd"], 2000);
    server.stop().await;
}

#[tokio::test]
async fn applicants_are_listed_with_filters_and_a_cursor() {
    let server = TestServer::start().await;
    for n in 0..3 {
        server.create_applicant(&format!("list-{n}"), "L1").await;
    }
    server.create_applicant("list-l2", "L2").await;
    let page = server.op(Method::GET, "/v1/applicants?level=L1&limit=2", None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.json["applicants"].as_array().unwrap().len(), 2);
    let cursor = page.json["next_cursor"].as_str().unwrap().to_owned();
    let next = server
        .op(
            Method::GET,
            &format!("/v1/applicants?level=L1&limit=2&cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(next.status, 200, "{}", next.text);
    let rest = next.json["applicants"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(next.json["next_cursor"], serde_json::Value::Null);
    assert!(rest.iter().all(|a| a["target_level"] == "L1"));

    let bad = server.op(Method::GET, "/v1/applicants?status=sleeping", None).await;
    assert_eq!((bad.status, bad.code()), (422, "validation_failed"));
    assert_eq!(bad.json["error"]["field"], "status");
    server.stop().await;
}

#[tokio::test]
async fn the_openapi_document_health_and_metrics_are_served() {
    let server = TestServer::start().await;
    let get = |path: &str| server.client.get(format!("{}{path}", server.base)).build().unwrap();

    let doc = server.send(get("/v1/openapi.json")).await;
    assert_eq!(doc.status, 200);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc.json["paths"].as_object().unwrap();
    for path in [
        "/v1/applicants",
        "/v1/applicants/{id}",
        "/v1/applicants/{id}/info",
        "/v1/applicants/{id}/documents/{side}",
        "/v1/applicants/{id}/selfie",
        "/v1/applicants/{id}/liveness/challenge",
        "/v1/applicants/{id}/liveness/frames",
        "/v1/applicants/{id}/submit",
        "/v1/applicants/{id}/reset",
        "/v1/applicants/{id}/level",
        "/v1/review-hours/next-window",
        "/v1/applicants/{id}/access-tokens",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the OpenAPI document");
    }

    // The review team's next working window, for operators (signed) and
    // applicants alike; never without credentials.
    let window = server.op(Method::GET, "/v1/review-hours/next-window", None).await;
    assert_eq!(window.status, 200, "{}", window.text);
    assert_eq!(window.json["time_zone"], "UTC");
    let start = chrono::DateTime::parse_from_rfc3339(window.json["start"].as_str().unwrap()).unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(window.json["end"].as_str().unwrap()).unwrap();
    assert!(end - start <= chrono::Duration::hours(8), "{}", window.text);
    assert!(end > chrono::Utc::now(), "{}", window.text);
    assert_eq!(server.send(get("/v1/review-hours/next-window")).await.status, 401);

    assert_eq!(server.send(get("/healthz")).await.status, 200);
    let ready = server.send(get("/readyz")).await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    assert_eq!(ready.json["workers"], "started");

    let unknown = server.send(get("/nowhere")).await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found"));

    server.create_applicant("metrics-1", "L1").await;
    let metrics = server.send(get("/metrics")).await;
    assert_eq!(metrics.status, 200);
    for family in [
        "openkyc_http_requests_total{route=\"/v1/applicants\",method=\"POST\",status=\"201\"}",
        "openkyc_http_request_duration_seconds_bucket",
        "openkyc_jobs_queued",
        "openkyc_jobs_running",
        "openkyc_decisions_total{decision=\"approved\"} 0",
        "openkyc_webhook_attempts_total{outcome=\"ok\"}",
        "openkyc_webhooks_undelivered",
    ] {
        assert!(metrics.text.contains(family), "{family} missing:\n{}", metrics.text);
    }
    server.stop().await;
}

/// What the test's webhook receiver saw: `(webhook-id, type, signature verified)`.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(String, String, bool)>>>;

#[tokio::test]
async fn webhooks_are_signed_and_redelivered_after_a_failure() {
    use axum::http::{HeaderMap, StatusCode};
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let seen: Seen = Default::default();
    let receiver = {
        let seen = seen.clone();
        axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let seen = seen.clone();
                async move {
                    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                    let id = header("webhook-id");
                    let ts: i64 = header("webhook-timestamp").parse().unwrap_or(0);
                    let verified = openkyc_signing::webhook::verify(
                        secret,
                        &id,
                        ts,
                        chrono::Utc::now().timestamp(),
                        &body,
                        &header("webhook-signature"),
                    )
                    .is_ok();
                    let event: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    let kind = event["type"].as_str().unwrap_or("").to_owned();
                    let mut seen = seen.lock().unwrap();
                    let first = !seen.iter().any(|(other, _, _)| *other == id);
                    seen.push((id, kind, verified));
                    // The first delivery of every event fails.
                    if first {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::NO_CONTENT
                    }
                }
            }),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let server = TestServer::start_with(|config| {
        config.webhook_url = Some(hook);
        config.webhook_secret = Some(secret.to_owned());
    })
    .await;
    let id = server.create_applicant("hooked-1", "L1").await;
    let started = std::time::Instant::now();
    loop {
        let delivered = server.store().events_for(&id).await.unwrap();
        if delivered.iter().all(|event| event.delivered_at.is_some()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not delivered: {delivered:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let seen = seen.lock().unwrap().clone();
    assert!(seen.iter().all(|(_, _, verified)| *verified), "{seen:?}");
    let created: Vec<_> = seen.iter().filter(|(_, kind, _)| kind == "applicant.created").collect();
    assert_eq!(created.len(), 2, "a failed delivery, then the same id again: {seen:?}");
    assert_eq!(created[0].0, created[1].0);
    server.stop().await;
}
