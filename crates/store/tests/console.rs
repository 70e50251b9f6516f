#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The review console's storage through the public API: sessions, login
//! throttling, claims, people's decisions, four-eyes votes, reopening, the
//! audit log and the queue.

use openkyc_store::*;
use serde_json::json;
use sqlx::Connection;
use std::collections::HashSet;
use std::time::Duration;

const LEASE: Duration = Duration::from_secs(60);
const CLAIM_MS: i64 = 15 * 60 * 1000;
const HOUR_MS: i64 = 60 * 60 * 1000;

async fn store() -> (tempfile::TempDir, Store, Clock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(1_700_000_000_000);
    let store = Store::open(dir.path()).await.unwrap().with_clock(clock.clone());
    (dir, store, clock)
}

async fn reviewer(store: &Store, email: &str) -> Reviewer {
    store.create_reviewer(email, "reviewer", "$argon2id$x").await.unwrap()
}

fn entry(actor: &Reviewer, action: &str) -> NewAudit {
    NewAudit {
        actor_id: actor.id.clone(),
        actor_email: actor.email.clone(),
        action: action.to_owned(),
        applicant_id: None,
        detail: json!({}),
        ip: Some("192.0.2.7".to_owned()),
        user_agent: Some("test".to_owned()),
    }
}

/// A pipeline-like report sending the case to review.
fn review_report(codes: &[&str], country: Option<&str>) -> serde_json::Value {
    let reasons: Vec<_> = codes
        .iter()
        .map(|code| json!({"code": code, "kind": "review"}))
        .collect();
    let mut report = json!({"decision": "review", "level": "L1", "reasons": reasons});
    if let Some(country) = country {
        report["document"] = json!({"kind": "passport", "fields": {"issuing_country": country}});
    }
    report
}

async fn add_upload(store: &Store, applicant: &Applicant, kind: UploadKind, bytes: &[u8]) -> Upload {
    let blob = store.put_blob(bytes).await.unwrap();
    store
        .add_upload(&NewUpload {
            applicant_id: applicant.id.clone(),
            attempt: applicant.attempt,
            kind,
            blob,
            content_type: "image/jpeg".to_owned(),
            width: Some(1600),
            height: Some(1200),
            t_ms: None,
            precheck: None,
        })
        .await
        .unwrap()
}

/// An applicant put on hold by a verification whose report is `report`.
async fn on_hold(store: &Store, external: &str, nationality: &str, report: serde_json::Value) -> Applicant {
    let applicant = store
        .create_applicant(&NewApplicant {
            external_user_id: external.to_owned(),
            target_level: "L1".to_owned(),
            ..NewApplicant::default()
        })
        .await
        .unwrap();
    store
        .set_basic_info(
            &applicant.id,
            &json!({"first_name": "ANNA", "nationality": nationality}),
        )
        .await
        .unwrap();
    add_upload(
        store,
        &applicant,
        UploadKind::Front,
        format!("{external} front").as_bytes(),
    )
    .await;
    add_upload(
        store,
        &applicant,
        UploadKind::Back,
        format!("{external} back").as_bytes(),
    )
    .await;
    add_upload(
        store,
        &applicant,
        UploadKind::Selfie,
        format!("{external} selfie").as_bytes(),
    )
    .await;
    store.enqueue_verification(&applicant.id).await.unwrap();
    let job = store.claim_job("worker", LEASE).await.unwrap().unwrap();
    assert_eq!(job.applicant_id, applicant.id);
    let reasons = report["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reason| EventReason {
            code: reason["code"].as_str().unwrap().to_owned(),
            field: None,
        })
        .collect();
    let completion = Completion {
        decision: Decision::Review,
        report,
        reasons,
        granted_level: None,
        document_key: None,
        face_template: None,
    };
    let held = store.complete_job(&job, &completion).await.unwrap();
    assert_eq!(held.status, ApplicantStatus::OnHold);
    held
}

fn decision(decision: Decision, codes: &[&str], message: Option<&str>) -> ReviewDecision {
    ReviewDecision {
        decision,
        granted_level: (decision == Decision::Approved).then(|| "L1".to_owned()),
        reasons: codes
            .iter()
            .map(|code| EventReason {
                code: (*code).to_owned(),
                field: Some("front".to_owned()),
            })
            .collect(),
        reviewer: "ada@example.org".to_owned(),
        note: Some("checked by hand".to_owned()),
        message: message.map(str::to_owned),
        revoke_level: false,
    }
}

fn new_session(reviewer: &Reviewer, token_hash: &str, expires_at: i64) -> NewSession {
    NewSession {
        reviewer_id: reviewer.id.clone(),
        token_hash: token_hash.to_owned(),
        csrf_token: format!("csrf-{token_hash}"),
        ip: Some("192.0.2.1".to_owned()),
        user_agent: Some("Firefox".to_owned()),
        expires_at,
    }
}

// ---------------------------------------------------------------- sessions

#[tokio::test]
async fn a_session_lives_until_it_expires_and_extending_slides_its_end() {
    let (_dir, store, clock) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    let start = clock.now_ms();
    store
        .create_session(&new_session(&ada, "hash-1", start + 1_000))
        .await
        .unwrap();
    let session = store.session("hash-1").await.unwrap().unwrap();
    assert_eq!(session.reviewer, ada);
    assert_eq!(session.csrf_token, "csrf-hash-1");
    assert_eq!((session.created_at, session.expires_at), (start, start + 1_000));
    assert_eq!(session.ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(store.session("hash-unknown").await.unwrap(), None);

    clock.advance(900);
    store.extend_session("hash-1", start + 2_000).await.unwrap();
    clock.advance(900);
    assert_eq!(
        store.session("hash-1").await.unwrap().unwrap().expires_at,
        start + 2_000
    );
    // At its end exactly, the session is over, and cannot be revived.
    clock.advance(200);
    assert_eq!(store.session("hash-1").await.unwrap(), None);
    store.extend_session("hash-1", start + 10_000).await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), None);
}

#[tokio::test]
async fn a_session_ends_at_logout() {
    let (_dir, store, clock) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    let end = clock.now_ms() + HOUR_MS;
    store.create_session(&new_session(&ada, "hash-1", end)).await.unwrap();
    store.create_session(&new_session(&ada, "hash-2", end)).await.unwrap();
    assert!(store.end_session("hash-1").await.unwrap());
    assert!(!store.end_session("hash-1").await.unwrap());
    assert_eq!(store.session("hash-1").await.unwrap(), None);
    // Another session of the same reviewer is untouched.
    assert!(store.session("hash-2").await.unwrap().is_some());
}

#[tokio::test]
async fn disabling_a_reviewer_ends_their_sessions_and_only_theirs() {
    let (_dir, store, clock) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    let bob = reviewer(&store, "bob@example.org").await;
    let end = clock.now_ms() + HOUR_MS;
    store.create_session(&new_session(&ada, "ada-1", end)).await.unwrap();
    store.create_session(&new_session(&ada, "ada-2", end)).await.unwrap();
    store.create_session(&new_session(&bob, "bob-1", end)).await.unwrap();
    assert!(store.disable_reviewer("ADA@example.org").await.unwrap());
    assert_eq!(store.session("ada-1").await.unwrap(), None);
    assert_eq!(store.session("ada-2").await.unwrap(), None);
    // Ended, not merely hidden: the rows are gone.
    assert!(!store.end_session("ada-1").await.unwrap());
    assert!(store.session("bob-1").await.unwrap().is_some());
}

#[tokio::test]
async fn a_disabled_reviewers_session_is_refused_even_if_it_remained() {
    let (dir, store, clock) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    store
        .create_session(&new_session(&ada, "hash-1", clock.now_ms() + HOUR_MS))
        .await
        .unwrap();
    // Disabled behind the store's back (a hand edit): the session row stays,
    // the lookup still refuses it.
    let mut conn = raw_connection(&dir).await;
    sqlx::query("UPDATE reviewers SET disabled_at = 1 WHERE id = ?")
        .bind(&ada.id)
        .execute(&mut conn)
        .await
        .unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), None);
}

// ---------------------------------------------------------------- throttle

#[tokio::test]
async fn login_failures_are_counted_by_email_and_by_address_within_the_window() {
    let (_dir, store, clock) = store().await;
    let start = clock.now_ms();
    for _ in 0..3 {
        store
            .record_login_failure(" Ada@Example.org", "198.51.100.1")
            .await
            .unwrap();
    }
    store
        .record_login_failure("bob@example.org", "198.51.100.1")
        .await
        .unwrap();
    clock.advance(10 * 60 * 1000);
    store
        .record_login_failure("ada@example.org", "198.51.100.2")
        .await
        .unwrap();

    let all = store
        .login_failures_since("ADA@example.org", "198.51.100.1", start)
        .await
        .unwrap();
    assert_eq!(
        all,
        LoginFailures {
            by_email: 4,
            by_ip: 4,
            by_email_and_ip: 3
        }
    );
    // A window starting after the first burst sees only the latest failure.
    let recent = store
        .login_failures_since("ada@example.org", "198.51.100.1", start + 1)
        .await
        .unwrap();
    assert_eq!(
        recent,
        LoginFailures {
            by_email: 1,
            by_ip: 0,
            by_email_and_ip: 0
        }
    );
    let other = store
        .login_failures_since("carol@example.org", "203.0.113.9", start)
        .await
        .unwrap();
    assert_eq!(other, LoginFailures::default());
}

#[tokio::test]
async fn a_successful_login_clears_its_emails_failures_but_not_its_addresss() {
    let (_dir, store, clock) = store().await;
    let start = clock.now_ms();
    for _ in 0..3 {
        store
            .record_login_failure("ada@example.org", "198.51.100.1")
            .await
            .unwrap();
    }
    store
        .record_login_failure("bob@example.org", "198.51.100.1")
        .await
        .unwrap();
    store.clear_login_failures(" ADA@example.org").await.unwrap();
    let ada = store
        .login_failures_since("ada@example.org", "198.51.100.1", start)
        .await
        .unwrap();
    assert_eq!((ada.by_email, ada.by_ip, ada.by_email_and_ip), (0, 4, 0));
    let bob = store
        .login_failures_since("bob@example.org", "198.51.100.1", start)
        .await
        .unwrap();
    assert_eq!(bob.by_email, 1);
    // Failures after the clear count again.
    store
        .record_login_failure("ada@example.org", "198.51.100.1")
        .await
        .unwrap();
    let again = store
        .login_failures_since("ada@example.org", "198.51.100.1", start)
        .await
        .unwrap();
    assert_eq!(again.by_email, 1);
}

#[tokio::test]
async fn failures_older_than_a_day_are_forgotten() {
    let (_dir, store, clock) = store().await;
    store
        .record_login_failure("ada@example.org", "198.51.100.1")
        .await
        .unwrap();
    clock.advance(25 * HOUR_MS);
    store
        .record_login_failure("ada@example.org", "198.51.100.1")
        .await
        .unwrap();
    let counted = store
        .login_failures_since("ada@example.org", "198.51.100.1", 0)
        .await
        .unwrap();
    assert_eq!((counted.by_email, counted.by_ip, counted.by_email_and_ip), (1, 1, 1));
}

// ---------------------------------------------------------------- claims

#[tokio::test]
async fn a_claimed_case_is_refused_to_another_reviewer_naming_the_holder() {
    let (_dir, store, clock) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    let bob = reviewer(&store, "bob@example.org").await;
    let claim = store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    assert_eq!(claim.reviewer_email, "ada@example.org");
    assert_eq!(claim.attempt, case.attempt);
    assert_eq!(claim.expires_at, clock.now_ms() + CLAIM_MS);
    assert_eq!(store.case_claim(&case.id).await.unwrap(), Some(claim.clone()));
    match store.claim_case(&case.id, &bob.id, CLAIM_MS).await {
        Err(StoreError::ClaimedByOther {
            reviewer_email,
            expires_at,
        }) => {
            assert_eq!(reviewer_email, "ada@example.org");
            assert_eq!(expires_at, claim.expires_at);
        }
        other => panic!("expected ClaimedByOther, got {other:?}"),
    }
    // Bob cannot release Ada's claim; Ada can.
    assert!(!store.release_claim(&case.id, &bob.id).await.unwrap());
    assert!(store.release_claim(&case.id, &ada.id).await.unwrap());
    assert_eq!(store.case_claim(&case.id).await.unwrap(), None);
    assert_eq!(
        store.claim_case(&case.id, &bob.id, CLAIM_MS).await.unwrap().reviewer_id,
        bob.id
    );
}

#[tokio::test]
async fn a_take_over_replaces_a_live_claim_and_audits_the_previous_holder() {
    let (_dir, store, _) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    let senior = reviewer(&store, "senior@example.org").await;
    store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    let taken = store
        .take_over_claim(&case.id, &senior.id, CLAIM_MS, &entry(&senior, "take_over"))
        .await
        .unwrap();
    assert_eq!(taken.reviewer_id, senior.id);
    assert_eq!(
        store.case_claim(&case.id).await.unwrap().unwrap().reviewer_id,
        senior.id
    );
    let last = store.audit_for(&case.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), &last.detail["previous_holder"]),
        ("take_over", &json!("ada@example.org"))
    );
    // Ada's claim is gone: she can no longer decide.
    assert!(matches!(
        store
            .decide_claimed(
                &case.id,
                &ada.id,
                &decision(Decision::Approved, &[], None),
                &entry(&ada, "approve")
            )
            .await,
        Err(StoreError::ClaimRequired)
    ));
}

#[tokio::test]
async fn an_expired_claim_can_be_taken_and_an_own_claim_renews() {
    let (_dir, store, clock) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    let bob = reviewer(&store, "bob@example.org").await;
    let first = store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    clock.advance(CLAIM_MS / 2);
    let renewed = store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    assert_eq!(renewed.claimed_at, first.claimed_at);
    assert_eq!(renewed.expires_at, clock.now_ms() + CLAIM_MS);
    clock.advance(CLAIM_MS);
    assert_eq!(store.case_claim(&case.id).await.unwrap(), None);
    let taken = store.claim_case(&case.id, &bob.id, CLAIM_MS).await.unwrap();
    assert_eq!(
        (taken.reviewer_id.as_str(), taken.claimed_at),
        (bob.id.as_str(), clock.now_ms())
    );
}

#[tokio::test]
async fn only_a_case_on_hold_can_be_claimed() {
    let (_dir, store, _) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    let fresh = store
        .create_applicant(&NewApplicant {
            external_user_id: "u0".to_owned(),
            target_level: "L1".to_owned(),
            ..NewApplicant::default()
        })
        .await
        .unwrap();
    assert!(matches!(
        store.claim_case(&fresh.id, &ada.id, CLAIM_MS).await,
        Err(StoreError::InvalidState {
            status: ApplicantStatus::Init,
            ..
        })
    ));
    assert!(matches!(
        store.claim_case("app_missing", &ada.id, CLAIM_MS).await,
        Err(StoreError::NotFound("applicant"))
    ));
    let case = on_hold(&store, "u1", "DEU", review_report(&["FACE_MISMATCH"], None)).await;
    assert!(matches!(
        store.claim_case(&case.id, "rev_missing", CLAIM_MS).await,
        Err(StoreError::NotFound("reviewer"))
    ));
    assert!(matches!(
        store.claim_case(&case.id, &ada.id, 0).await,
        Err(StoreError::Invalid(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_eight_concurrent_claimers_exactly_one_wins() {
    let (_dir, store, _) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let mut tasks = Vec::new();
    for n in 0..8 {
        let who = reviewer(&store, &format!("r{n}@example.org")).await;
        let store = store.clone();
        let case_id = case.id.clone();
        tasks.push(tokio::spawn(async move {
            (who.id.clone(), store.claim_case(&case_id, &who.id, CLAIM_MS).await)
        }));
    }
    let mut winners = Vec::new();
    let mut refused_naming = HashSet::new();
    for task in tasks {
        match task.await.unwrap() {
            (id, Ok(claim)) => winners.push((id, claim)),
            (_, Err(StoreError::ClaimedByOther { reviewer_email, .. })) => {
                refused_naming.insert(reviewer_email);
            }
            (_, Err(other)) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1);
    let (winner, claim) = &winners[0];
    assert_eq!(&claim.reviewer_id, winner);
    // Every loser was told the one winner's e-mail.
    assert_eq!(refused_naming, HashSet::from([claim.reviewer_email.clone()]));
    assert_eq!(store.case_claim(&case.id).await.unwrap().unwrap().reviewer_id, *winner);
}

#[tokio::test]
async fn disabling_a_reviewer_lets_go_of_their_claims() {
    let (_dir, store, _) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    let bob = reviewer(&store, "bob@example.org").await;
    store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    store.disable_reviewer("ada@example.org").await.unwrap();
    assert_eq!(store.case_claim(&case.id).await.unwrap(), None);
    store.claim_case(&case.id, &bob.id, CLAIM_MS).await.unwrap();
    assert!(matches!(
        store.claim_case(&case.id, &ada.id, CLAIM_MS).await,
        Err(StoreError::NotFound("reviewer"))
    ));
}

// ---------------------------------------------------------------- decisions

/// Everything a decision writes, to compare before and after a refusal.
async fn case_state(store: &Store, id: &str) -> (Applicant, Vec<StoredReviewDecision>, usize, usize) {
    (
        store.get_applicant(id).await.unwrap().unwrap(),
        store.review_decisions_for(id).await.unwrap(),
        store.events_for(id).await.unwrap().len(),
        store.audit_for(id).await.unwrap().len(),
    )
}

#[tokio::test]
async fn a_decision_without_the_callers_live_claim_writes_nothing() {
    let (_dir, store, clock) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    let bob = reviewer(&store, "bob@example.org").await;
    let before = case_state(&store, &case.id).await;
    let approve = decision(Decision::Approved, &[], None);
    // No claim at all.
    assert!(matches!(
        store
            .decide_claimed(&case.id, &ada.id, &approve, &entry(&ada, "case.approve"))
            .await,
        Err(StoreError::ClaimRequired)
    ));
    // Someone else's claim.
    store.claim_case(&case.id, &bob.id, CLAIM_MS).await.unwrap();
    assert!(matches!(
        store
            .decide_claimed(&case.id, &ada.id, &approve, &entry(&ada, "case.approve"))
            .await,
        Err(StoreError::ClaimRequired)
    ));
    // One's own claim, lapsed.
    clock.advance(CLAIM_MS);
    store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    clock.advance(CLAIM_MS);
    assert!(matches!(
        store
            .decide_claimed(&case.id, &ada.id, &approve, &entry(&ada, "case.approve"))
            .await,
        Err(StoreError::ClaimRequired)
    ));
    assert_eq!(case_state(&store, &case.id).await, before);
    assert!(matches!(
        store
            .decide_claimed("app_missing", &ada.id, &approve, &entry(&ada, "case.approve"))
            .await,
        Err(StoreError::NotFound("applicant"))
    ));
}

#[tokio::test]
async fn a_claimed_approval_decides_audits_and_lets_go_of_the_claim() {
    let (_dir, store, clock) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    let approve = decision(Decision::Approved, &["DUPLICATE_DOCUMENT"], None);
    let decided = store
        .decide_claimed(&case.id, &ada.id, &approve, &entry(&ada, "case.approve"))
        .await
        .unwrap();
    assert_eq!(decided.status, ApplicantStatus::Completed);
    assert_eq!(decided.decision, Some(Decision::Approved));
    assert_eq!(decided.granted_level.as_deref(), Some("L1"));
    assert_eq!(store.case_claim(&case.id).await.unwrap(), None);

    let decisions = store.review_decisions_for(&case.id).await.unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].decision, Decision::Approved);
    assert_eq!(decisions[0].reasons, approve.reasons);
    assert_eq!(decisions[0].note.as_deref(), Some("checked by hand"));
    assert_eq!(decisions[0].created_at, clock.now_ms());

    let audit = store.audit_for(&case.id).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "case.approve");
    assert_eq!(audit[0].actor_id, ada.id);
    assert_eq!(audit[0].applicant_id.as_deref(), Some(case.id.as_str()));
    assert_eq!(audit[0].detail["decision"], "approved");

    let events = store.events_for(&case.id).await.unwrap();
    let types: Vec<&str> = events.iter().map(|event| event.event_type.as_str()).collect();
    assert_eq!(
        &types[types.len() - 2..],
        ["applicant.reviewed", "applicant.level_changed"]
    );
    // Decided: the case left the queue, so it cannot be claimed any more.
    assert!(matches!(
        store.claim_case(&case.id, &ada.id, CLAIM_MS).await,
        Err(StoreError::InvalidState { .. })
    ));
}

#[tokio::test]
async fn a_claimed_retry_opens_the_next_attempt_and_keeps_the_message() {
    let (_dir, store, _) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DOC_GLARE"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    let retry = decision(
        Decision::Retry,
        &["DOC_GLARE", "DOC_BLURRY"],
        Some("Please photograph the card away from the window."),
    );
    let decided = store
        .decide_claimed(&case.id, &ada.id, &retry, &entry(&ada, "case.retry"))
        .await
        .unwrap();
    assert_eq!(decided.attempt, case.attempt + 1);
    assert!(decided.is_editable());
    let stored = &store.review_decisions_for(&case.id).await.unwrap()[0];
    assert_eq!(stored.attempt, case.attempt);
    assert_eq!(stored.decision, Decision::Retry);
    assert_eq!(
        stored.message.as_deref(),
        Some("Please photograph the card away from the window.")
    );
    let codes: Vec<&str> = stored.reasons.iter().map(|reason| reason.code.as_str()).collect();
    assert_eq!(codes, ["DOC_GLARE", "DOC_BLURRY"]);
    let uploads = store.uploads_for(&case.id, decided.attempt).await.unwrap();
    assert!(uploads.front.is_some() && uploads.selfie.is_some());
}

#[tokio::test]
async fn decisions_are_counted_since_a_time_and_the_legacy_call_still_works() {
    let (_dir, store, clock) = store().await;
    let first = on_hold(&store, "u1", "DEU", review_report(&["FACE_MISMATCH"], None)).await;
    let second = on_hold(&store, "u2", "DEU", review_report(&["FACE_MISMATCH"], None)).await;
    let start = clock.now_ms();
    let mut legacy = decision(Decision::Rejected, &["FACE_MISMATCH"], None);
    legacy.note = None;
    store.decide_review(&first.id, &legacy).await.unwrap();
    clock.advance(1_000);
    let ada = reviewer(&store, "ada@example.org").await;
    store.claim_case(&second.id, &ada.id, CLAIM_MS).await.unwrap();
    store
        .decide_claimed(
            &second.id,
            &ada.id,
            &decision(Decision::Approved, &[], None),
            &entry(&ada, "case.approve"),
        )
        .await
        .unwrap();
    assert_eq!(store.review_decisions_since(start).await.unwrap(), 2);
    assert_eq!(store.review_decisions_since(start + 1).await.unwrap(), 1);
    assert_eq!(store.review_decisions_since(clock.now_ms() + 1).await.unwrap(), 0);
    let legacy_row = &store.review_decisions_for(&first.id).await.unwrap()[0];
    assert_eq!(legacy_row.decision, Decision::Rejected);
    assert_eq!(legacy_row.note, None);
    assert_eq!(legacy_row.reasons, legacy.reasons);
}

// ---------------------------------------------------------------- four eyes

fn reasons(codes: &[&str]) -> Vec<EventReason> {
    codes
        .iter()
        .map(|code| EventReason {
            code: (*code).to_owned(),
            field: None,
        })
        .collect()
}

#[tokio::test]
async fn rejection_votes_need_a_claim_are_one_per_reviewer_and_decide_nothing() {
    let (_dir, store, clock) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["SPOOF_SUSPECTED"], None)).await;
    let ada = reviewer(&store, "ada@example.org").await;
    let bob = reviewer(&store, "bob@example.org").await;
    let spoof = reasons(&["SPOOF_SUSPECTED"]);
    assert!(matches!(
        store
            .propose_rejection(&case.id, &ada.id, &spoof, "a screen", &entry(&ada, "case.reject"))
            .await,
        Err(StoreError::ClaimRequired)
    ));
    assert!(store.rejection_votes(&case.id).await.unwrap().is_empty());

    store.claim_case(&case.id, &ada.id, CLAIM_MS).await.unwrap();
    let votes = store
        .propose_rejection(&case.id, &ada.id, &spoof, "a screen", &entry(&ada, "case.reject"))
        .await
        .unwrap();
    assert_eq!(votes.len(), 1);
    // Voting again replaces the first vote.
    let both = reasons(&["SPOOF_SUSPECTED", "FACE_MISMATCH"]);
    let votes = store
        .propose_rejection(
            &case.id,
            &ada.id,
            &both,
            "a screen, another face",
            &entry(&ada, "case.reject"),
        )
        .await
        .unwrap();
    assert_eq!(votes.len(), 1);
    assert_eq!(votes[0].reasons, both);
    assert_eq!(votes[0].note, "a screen, another face");
    assert_eq!(votes[0].reviewer_email, "ada@example.org");
    // Nothing decided; the claim is kept.
    let still = store.get_applicant(&case.id).await.unwrap().unwrap();
    assert_eq!(still.status, ApplicantStatus::OnHold);
    assert!(store.case_claim(&case.id).await.unwrap().is_some());

    store.release_claim(&case.id, &ada.id).await.unwrap();
    clock.advance(1_000);
    store.claim_case(&case.id, &bob.id, CLAIM_MS).await.unwrap();
    let votes = store
        .propose_rejection(&case.id, &bob.id, &spoof, "agree", &entry(&bob, "case.reject"))
        .await
        .unwrap();
    let voters: Vec<&str> = votes.iter().map(|vote| vote.reviewer_id.as_str()).collect();
    assert_eq!(voters, [ada.id.as_str(), bob.id.as_str()]);
    assert_eq!(store.rejection_votes(&case.id).await.unwrap(), votes);
    // Every vote is audited, the replaced one too, with what it said.
    let audit = store.audit_for(&case.id).await.unwrap();
    assert_eq!(audit.len(), 3);
    assert_eq!(audit[0].detail["note"], "a screen");
    assert_eq!(audit[2].detail["reasons"][0]["code"], "SPOOF_SUSPECTED");
}

#[tokio::test]
async fn votes_belong_to_the_attempt_they_were_cast_on() {
    let (_dir, store, _) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["SPOOF_SUSPECTED"], None)).await;
    let senior = reviewer(&store, "senior@example.org").await;
    store.claim_case(&case.id, &senior.id, CLAIM_MS).await.unwrap();
    store
        .propose_rejection(
            &case.id,
            &senior.id,
            &reasons(&["SPOOF_SUSPECTED"]),
            "screen",
            &entry(&senior, "case.reject"),
        )
        .await
        .unwrap();
    store
        .decide_claimed(
            &case.id,
            &senior.id,
            &decision(Decision::Rejected, &["SPOOF_SUSPECTED"], None),
            &entry(&senior, "case.reject"),
        )
        .await
        .unwrap();
    let reopened = store
        .reopen_case(&case.id, &senior.id, "appeal", &entry(&senior, "case.reopen"))
        .await
        .unwrap();
    assert_eq!(reopened.attempt, case.attempt + 1);
    assert!(store.rejection_votes(&case.id).await.unwrap().is_empty());
}

// ---------------------------------------------------------------- reopening

#[tokio::test]
async fn reopening_an_approved_case_puts_it_back_on_hold_with_its_report_and_uploads() {
    let (_dir, store, clock) = store().await;
    let report = review_report(&["DUPLICATE_DOCUMENT", "FACE_MISMATCH"], Some("CHN"));
    let case = on_hold(&store, "u1", "CHN", report.clone()).await;
    let senior = reviewer(&store, "senior@example.org").await;
    store.claim_case(&case.id, &senior.id, CLAIM_MS).await.unwrap();
    store
        .decide_claimed(
            &case.id,
            &senior.id,
            &decision(Decision::Approved, &[], None),
            &entry(&senior, "case.approve"),
        )
        .await
        .unwrap();
    let events_before = store.events_for(&case.id).await.unwrap().len();
    clock.advance(HOUR_MS);

    let reopened = store
        .reopen_case(&case.id, &senior.id, "sanctions hit", &entry(&senior, "case.reopen"))
        .await
        .unwrap();
    assert_eq!(reopened.status, ApplicantStatus::OnHold);
    assert_eq!(reopened.decision, Some(Decision::Review));
    assert_eq!(reopened.attempt, case.attempt + 1);
    assert_eq!(reopened.granted_level.as_deref(), Some("L1"));
    assert_eq!(reopened.submitted_at, Some(clock.now_ms()));

    let copied = store.latest_report(&case.id).await.unwrap().unwrap();
    assert_eq!((copied.attempt, copied.job_id.as_deref()), (reopened.attempt, None));
    assert_eq!(copied.report, report);
    let before = store.uploads_for(&case.id, case.attempt).await.unwrap();
    let after = store.uploads_for(&case.id, reopened.attempt).await.unwrap();
    for (old, new) in [
        (&before.front, &after.front),
        (&before.back, &after.back),
        (&before.selfie, &after.selfie),
    ] {
        assert_eq!(old.as_ref().unwrap().blob, new.as_ref().unwrap().blob);
    }

    let events = store.events_for(&case.id).await.unwrap();
    assert_eq!(events.len(), events_before + 1);
    let on_hold: serde_json::Value = serde_json::from_str(&events[events_before].payload).unwrap();
    assert_eq!(on_hold["type"], "applicant.on_hold");
    assert_eq!(on_hold["data"]["reasons"][0]["code"], "DUPLICATE_DOCUMENT");
    assert_eq!(on_hold["data"]["reasons"][1]["code"], "FACE_MISMATCH");
    assert_eq!(on_hold["data"]["granted_level"], "L1");
    // The granted level did not change: no level event, no history row.
    assert_eq!(store.level_history(&case.id).await.unwrap().len(), 1);

    let audit = store.audit_for(&case.id).await.unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "case.reopen");
    assert_eq!(last.detail["note"], "sanctions hit");
    // Back in the queue, claimable, with the copied report's reasons.
    let queue = store.review_queue().await.unwrap();
    assert_eq!(queue[0].reasons, ["DUPLICATE_DOCUMENT", "FACE_MISMATCH"]);
    assert_eq!(queue[0].attempt, reopened.attempt);
    store.claim_case(&case.id, &senior.id, CLAIM_MS).await.unwrap();

    // The final rejection of the reopened approval takes the level away.
    let mut reject = decision(Decision::Rejected, &["DUPLICATE_DOCUMENT"], None);
    reject.revoke_level = true;
    let rejected = store
        .decide_claimed(&case.id, &senior.id, &reject, &entry(&senior, "case.reject"))
        .await
        .unwrap();
    assert_eq!(
        (rejected.decision, rejected.granted_level),
        (Some(Decision::Rejected), None)
    );
    let history = store.level_history(&case.id).await.unwrap();
    assert_eq!(
        (
            history.len(),
            history[1].from_level.as_deref(),
            history[1].to_level.as_deref()
        ),
        (2, Some("L1"), None)
    );
    let types: Vec<String> = store
        .events_for(&case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_type)
        .collect();
    assert!(
        types.ends_with(&["applicant.reviewed".to_owned(), "applicant.level_changed".to_owned()]),
        "{types:?}"
    );
}

#[tokio::test]
async fn a_disabled_reviewers_vote_no_longer_counts() {
    let (_dir, store, _) = store().await;
    let case = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], None)).await;
    let first = reviewer(&store, "first@example.org").await;
    store.claim_case(&case.id, &first.id, CLAIM_MS).await.unwrap();
    let reasons = [EventReason {
        code: "DUPLICATE_DOCUMENT".into(),
        field: None,
    }];
    let votes = store
        .propose_rejection(
            &case.id,
            &first.id,
            &reasons,
            "sold account",
            &entry(&first, "case.vote"),
        )
        .await
        .unwrap();
    assert_eq!(votes.len(), 1);
    assert!(store.disable_reviewer("first@example.org").await.unwrap());
    assert!(store.rejection_votes(&case.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn only_approved_or_rejected_cases_can_be_reopened() {
    let (_dir, store, _) = store().await;
    let senior = reviewer(&store, "senior@example.org").await;
    let held = on_hold(&store, "u1", "DEU", review_report(&["DOC_GLARE"], None)).await;
    assert!(matches!(
        store
            .reopen_case(&held.id, &senior.id, "why", &entry(&senior, "case.reopen"))
            .await,
        Err(StoreError::InvalidState {
            status: ApplicantStatus::OnHold,
            ..
        })
    ));
    store.claim_case(&held.id, &senior.id, CLAIM_MS).await.unwrap();
    store
        .decide_claimed(
            &held.id,
            &senior.id,
            &decision(Decision::Retry, &["DOC_GLARE"], None),
            &entry(&senior, "case.retry"),
        )
        .await
        .unwrap();
    let audit_before = store.audit_for(&held.id).await.unwrap().len();
    assert!(matches!(
        store
            .reopen_case(&held.id, &senior.id, "why", &entry(&senior, "case.reopen"))
            .await,
        Err(StoreError::InvalidState {
            status: ApplicantStatus::Init | ApplicantStatus::Completed,
            ..
        })
    ));
    assert_eq!(store.audit_for(&held.id).await.unwrap().len(), audit_before);
}

// ---------------------------------------------------------------- audit

async fn raw_connection(dir: &tempfile::TempDir) -> sqlx::SqliteConnection {
    let url = format!("sqlite://{}", dir.path().join(DATABASE_FILE).display());
    sqlx::SqliteConnection::connect(&url).await.unwrap()
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let (dir, store, _) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    let seq = store.audit(&entry(&ada, "login")).await.unwrap();
    let mut conn = raw_connection(&dir).await;
    for statement in [
        "UPDATE audit_log SET action = 'nothing' WHERE seq = ?",
        "DELETE FROM audit_log WHERE seq = ?",
    ] {
        let error = sqlx::query(statement).bind(seq).execute(&mut conn).await.unwrap_err();
        assert!(error.to_string().contains("append-only"), "{error}");
    }
    let kept = store.audit_range(0, i64::MAX, 10).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].action, "login");
}

#[tokio::test]
async fn audit_entries_come_oldest_first_within_their_bounds() {
    let (_dir, store, clock) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    let start = clock.now_ms();
    let mut seqs = Vec::new();
    for (n, case) in ["app_a", "app_b", "app_a", "app_a"].iter().enumerate() {
        let mut view = entry(&ada, "case.view");
        view.applicant_id = Some((*case).to_owned());
        view.detail = json!({"n": n});
        seqs.push(store.audit(&view).await.unwrap());
        clock.advance(1_000);
    }
    assert!(seqs.windows(2).all(|pair| pair[0] < pair[1]));
    let for_a: Vec<i64> = store
        .audit_for("app_a")
        .await
        .unwrap()
        .iter()
        .map(|e| e.detail["n"].as_i64().unwrap())
        .collect();
    assert_eq!(for_a, [0, 2, 3]);
    // `from` inclusive, `to` exclusive, at most `limit`.
    let range = |from, to, limit| {
        let store = store.clone();
        async move {
            store
                .audit_range(from, to, limit)
                .await
                .unwrap()
                .iter()
                .map(|e| e.detail["n"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(range(start + 1_000, start + 3_000, 10).await, [1, 2]);
    assert_eq!(range(start, start + 10_000, 2).await, [0, 1]);
    assert_eq!(range(start + 4_000, start + 10_000, 10).await, Vec::<i64>::new());
    let newest: Vec<i64> = store
        .audit_latest(start, start + 10_000, 2)
        .await
        .unwrap()
        .iter()
        .map(|e| e.detail["n"].as_i64().unwrap())
        .collect();
    assert_eq!(newest, [3, 2], "the page shows the newest first");
    let first = &store.audit_for("app_a").await.unwrap()[0];
    assert_eq!((first.at, first.ip.as_deref()), (start, Some("192.0.2.7")));
}

// ---------------------------------------------------------------- queue

#[tokio::test]
async fn the_queue_lists_cases_on_hold_oldest_first_with_what_a_reviewer_needs() {
    let (_dir, store, clock) = store().await;
    let ada = reviewer(&store, "ada@example.org").await;
    let bob = reviewer(&store, "bob@example.org").await;
    let oldest = on_hold(&store, "u1", "DEU", review_report(&["DUPLICATE_DOCUMENT"], Some("CHN"))).await;
    clock.advance(1_000);
    let middle = on_hold(
        &store,
        "u2",
        "FRA",
        review_report(&["FACE_MISMATCH", "DOC_GLARE"], None),
    )
    .await;
    clock.advance(1_000);
    let newest = on_hold(&store, "u3", "ITA", review_report(&["SPOOF_SUSPECTED"], None)).await;
    clock.advance(1_000);
    // Not on hold: decided, and never submitted.
    let decided = on_hold(&store, "u4", "ESP", review_report(&["FACE_MISMATCH"], None)).await;
    store
        .decide_review(&decided.id, &decision(Decision::Approved, &[], None))
        .await
        .unwrap();
    store
        .create_applicant(&NewApplicant {
            external_user_id: "u5".to_owned(),
            target_level: "L1".to_owned(),
            ..NewApplicant::default()
        })
        .await
        .unwrap();
    let claim = store.claim_case(&middle.id, &ada.id, CLAIM_MS).await.unwrap();
    store
        .propose_rejection(
            &middle.id,
            &ada.id,
            &reasons(&["FACE_MISMATCH"]),
            "not the same person",
            &entry(&ada, "case.reject"),
        )
        .await
        .unwrap();
    // A lapsed claim is not shown.
    store.claim_case(&newest.id, &bob.id, 10).await.unwrap();
    clock.advance(10);

    let queue = store.review_queue().await.unwrap();
    let ids: Vec<&str> = queue.iter().map(|case| case.applicant_id.as_str()).collect();
    assert_eq!(ids, [oldest.id.as_str(), middle.id.as_str(), newest.id.as_str()]);
    assert_eq!(queue[0].reasons, ["DUPLICATE_DOCUMENT"]);
    assert_eq!(queue[0].country.as_deref(), Some("CHN"));
    assert_eq!(queue[0].submitted_at, oldest.submitted_at.unwrap());
    assert_eq!(queue[0].on_hold_since, oldest.decided_at.unwrap());
    assert_eq!((queue[0].claim.as_ref(), queue[0].rejection_votes), (None, 0));
    assert_eq!(queue[0].external_user_id, "u1");
    assert_eq!(queue[1].reasons, ["FACE_MISMATCH", "DOC_GLARE"]);
    assert_eq!(queue[1].country.as_deref(), Some("FRA"));
    assert_eq!(queue[1].claim.as_ref(), Some(&claim));
    assert_eq!(queue[1].rejection_votes, 1);
    assert_eq!(queue[2].claim, None);
    assert_eq!((queue[2].target_level.as_str(), queue[2].attempt), ("L1", 1));
}

// ---------------------------------------------------------------- uploads

#[tokio::test]
async fn an_upload_is_found_by_its_id() {
    let (_dir, store, _) = store().await;
    let applicant = store
        .create_applicant(&NewApplicant {
            external_user_id: "u1".to_owned(),
            target_level: "L1".to_owned(),
            ..NewApplicant::default()
        })
        .await
        .unwrap();
    let front = add_upload(&store, &applicant, UploadKind::Front, b"front").await;
    let selfie = add_upload(&store, &applicant, UploadKind::Selfie, b"selfie").await;
    assert_eq!(store.upload(&front.id).await.unwrap(), Some(front));
    assert_eq!(
        store.upload(&selfie.id).await.unwrap().unwrap().kind,
        UploadKind::Selfie
    );
    assert_eq!(store.upload("upl_missing").await.unwrap(), None);
}
