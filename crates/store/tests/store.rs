#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The store's behaviour through its public API: applicants, uploads, the
//! job queue with leases, reports, duplicates and the outbox.

use openkyc_store::*;
use std::collections::HashSet;
use std::time::Duration;

const LEASE: Duration = Duration::from_secs(60);

async fn store() -> (tempfile::TempDir, Store, Clock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(1_700_000_000_000);
    let store = Store::open(dir.path()).await.unwrap().with_clock(clock.clone());
    (dir, store, clock)
}

fn new_applicant(external: &str, level: &str) -> NewApplicant {
    NewApplicant {
        external_user_id: external.to_owned(),
        target_level: level.to_owned(),
        invite_code: Some("INV-1".to_owned()),
        time_zone: Some("Asia/Shanghai".to_owned()),
        lang: Some("zh-CN".to_owned()),
    }
}

async fn upload(store: &Store, applicant: &Applicant, kind: UploadKind, bytes: &[u8]) -> Result<Upload, StoreError> {
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
            precheck: Some(serde_json::json!({"ok": true})),
        })
        .await
}

fn completion(decision: Decision, granted: Option<&str>) -> Completion {
    Completion {
        decision,
        report: serde_json::json!({"decision": decision.as_str()}),
        reasons: vec![EventReason {
            code: "DOC_BLURRY".to_owned(),
            field: Some("front".to_owned()),
        }],
        granted_level: granted.map(str::to_owned),
        document_key: Some("doc-key-1".to_owned()),
        face_template: Some(vec![1, 2, 3]),
    }
}

fn event_types(events: &[OutboxEvent]) -> Vec<&str> {
    events.iter().map(|event| event.event_type.as_str()).collect()
}

#[tokio::test]
async fn an_applicant_is_created_with_its_event_and_found_by_either_id() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("user-1", "L1")).await.unwrap();
    assert!(applicant.id.starts_with("app_"));
    assert_eq!(applicant.status, ApplicantStatus::Init);
    assert_eq!(applicant.attempt, 1);
    assert_eq!(applicant.lang.as_deref(), Some("zh-CN"));
    assert_eq!(store.get_applicant(&applicant.id).await.unwrap().unwrap(), applicant);
    assert_eq!(
        store.get_applicant_by_external_id("user-1").await.unwrap().unwrap().id,
        applicant.id
    );
    assert_eq!(store.get_applicant("app_missing").await.unwrap(), None);
    let events = store.events_for(&applicant.id).await.unwrap();
    assert_eq!(event_types(&events), ["applicant.created"]);
    let payload: serde_json::Value = serde_json::from_str(&events[0].payload).unwrap();
    assert_eq!(payload["id"], events[0].id.as_str());
    assert_eq!(payload["type"], "applicant.created");
    assert_eq!(payload["data"]["external_user_id"], "user-1");
    assert_eq!(payload["data"]["level"], "L1");
}

#[tokio::test]
async fn a_duplicate_external_user_id_is_a_clear_conflict() {
    let (_dir, store, _) = store().await;
    store.create_applicant(&new_applicant("user-1", "L1")).await.unwrap();
    assert!(matches!(
        store.create_applicant(&new_applicant("user-1", "L2")).await,
        Err(StoreError::DuplicateExternalUserId)
    ));
    let page = store.list_applicants(&ApplicantFilter::default()).await.unwrap();
    assert_eq!(page.applicants.len(), 1);
}

#[tokio::test]
async fn applicants_are_listed_with_filters_and_cursor_pages() {
    let (_dir, store, clock) = store().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let level = if n % 2 == 0 { "L1" } else { "L2" };
        ids.push(
            store
                .create_applicant(&new_applicant(&format!("u{n}"), level))
                .await
                .unwrap()
                .id,
        );
        clock.advance(1_000);
    }
    let mut seen = Vec::new();
    let mut filter = ApplicantFilter {
        limit: Some(2),
        ..ApplicantFilter::default()
    };
    loop {
        let page = store.list_applicants(&filter).await.unwrap();
        seen.extend(page.applicants.iter().map(|a| a.id.clone()));
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);

    let l2 = ApplicantFilter {
        target_level: Some("L2".to_owned()),
        ..ApplicantFilter::default()
    };
    assert_eq!(store.list_applicants(&l2).await.unwrap().applicants.len(), 2);
    let first = store.get_applicant(&ids[0]).await.unwrap().unwrap();
    let range = ApplicantFilter {
        created_from: Some(first.created_at + 1_000),
        created_to: Some(first.created_at + 3_000),
        ..ApplicantFilter::default()
    };
    let in_range: Vec<String> = store
        .list_applicants(&range)
        .await
        .unwrap()
        .applicants
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(in_range, [ids[2].clone(), ids[1].clone()]);
    let by_external = ApplicantFilter {
        external_user_id: Some("u3".to_owned()),
        ..ApplicantFilter::default()
    };
    assert_eq!(
        store.list_applicants(&by_external).await.unwrap().applicants[0].id,
        ids[3]
    );
    store.enqueue_verification(&ids[4]).await.unwrap();
    let pending = ApplicantFilter {
        status: Some(ApplicantStatus::Pending),
        ..ApplicantFilter::default()
    };
    assert_eq!(store.list_applicants(&pending).await.unwrap().applicants.len(), 1);
    let bad = ApplicantFilter {
        cursor: Some("garbage".to_owned()),
        ..ApplicantFilter::default()
    };
    assert!(matches!(store.list_applicants(&bad).await, Err(StoreError::Invalid(_))));
}

#[tokio::test]
async fn basic_info_is_stored_while_editable_only() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    let info = serde_json::json!({"first_name": "ZHANG", "last_name": "SAN"});
    let updated = store.set_basic_info(&applicant.id, &info).await.unwrap();
    assert_eq!(updated.basic_info, Some(info.clone()));
    store.enqueue_verification(&applicant.id).await.unwrap();
    assert!(matches!(
        store.set_basic_info(&applicant.id, &info).await,
        Err(StoreError::InvalidState {
            status: ApplicantStatus::Pending,
            ..
        })
    ));
    assert!(matches!(
        store.set_basic_info("app_missing", &info).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_latest_upload_of_a_kind_is_used_and_frames_come_in_time_order() {
    let (_dir, store, clock) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L2")).await.unwrap();
    upload(&store, &applicant, UploadKind::Front, b"front 1").await.unwrap();
    let newer = upload(&store, &applicant, UploadKind::Front, b"front 2").await.unwrap();
    let selfie = upload(&store, &applicant, UploadKind::Selfie, b"selfie").await.unwrap();
    // Frames recorded before the latest challenge belong to an abandoned recording.
    upload(&store, &applicant, UploadKind::LivenessFrame, b"old frame")
        .await
        .unwrap();
    clock.advance(10);
    let challenge = serde_json::json!({"actions": ["blink"]});
    store
        .save_challenge(&applicant.id, 1, &challenge, clock.now_ms() + 60_000)
        .await
        .unwrap();
    for (t_ms, bytes) in [(250u32, b"f2"), (0, b"f0"), (125, b"f1")] {
        let blob = store.put_blob(bytes).await.unwrap();
        store
            .add_upload(&NewUpload {
                applicant_id: applicant.id.clone(),
                attempt: 1,
                kind: UploadKind::LivenessFrame,
                blob,
                content_type: "image/jpeg".to_owned(),
                width: None,
                height: None,
                t_ms: Some(t_ms),
                precheck: None,
            })
            .await
            .unwrap();
    }
    let used = store.uploads_for(&applicant.id, 1).await.unwrap();
    assert_eq!(used.front.as_ref().unwrap().id, newer.id);
    assert_eq!(used.selfie.as_ref().unwrap().id, selfie.id);
    assert_eq!(used.back, None);
    assert_eq!(used.liveness_video, None);
    assert!(!used.video_is_latest());
    let times: Vec<u32> = used.liveness_frames.iter().map(|f| f.t_ms.unwrap()).collect();
    assert_eq!(times, [0, 125, 250]);
    assert_eq!(
        store
            .get_blob(&used.liveness_frames[0].blob.sha256)
            .await
            .unwrap()
            .unwrap(),
        b"f0"
    );
    assert_eq!(store.all_uploads(&applicant.id, 1).await.unwrap().len(), 7);
    assert_eq!(used.front.unwrap().precheck, Some(serde_json::json!({"ok": true})));
    let latest = store.latest_challenge(&applicant.id, 1).await.unwrap().unwrap();
    assert_eq!(latest.challenge, challenge);
    assert_eq!(store.latest_challenge(&applicant.id, 2).await.unwrap(), None);
}

#[tokio::test]
async fn uploads_are_refused_for_an_old_attempt_a_pending_applicant_or_a_missing_blob() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L2")).await.unwrap();
    let missing = NewUpload {
        applicant_id: applicant.id.clone(),
        attempt: 1,
        kind: UploadKind::Front,
        blob: BlobRef {
            sha256: "0".repeat(64),
            len: 1,
        },
        content_type: "image/jpeg".to_owned(),
        width: None,
        height: None,
        t_ms: None,
        precheck: None,
    };
    assert!(matches!(
        store.add_upload(&missing).await,
        Err(StoreError::NotFound("blob"))
    ));
    let reset = store.reset_applicant(&applicant.id).await.unwrap();
    assert_eq!(reset.attempt, 2);
    assert!(matches!(
        upload(&store, &applicant, UploadKind::Front, b"x").await,
        Err(StoreError::StaleAttempt { given: 1, current: 2 })
    ));
    store.enqueue_verification(&applicant.id).await.unwrap();
    assert!(matches!(
        upload(&store, &reset, UploadKind::Front, b"x").await,
        Err(StoreError::InvalidState { .. })
    ));
}

#[tokio::test]
async fn submission_queues_one_job_per_attempt_with_its_event() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    let job = store.enqueue_verification(&applicant.id).await.unwrap();
    assert_eq!(job.attempt, 1);
    assert_eq!(job.level, "L1");
    let pending = store.get_applicant(&applicant.id).await.unwrap().unwrap();
    assert_eq!(pending.status, ApplicantStatus::Pending);
    assert!(pending.submitted_at.is_some());
    assert!(matches!(
        store.enqueue_verification(&applicant.id).await,
        Err(StoreError::AlreadyQueued)
    ));
    assert!(matches!(
        store.reset_applicant(&applicant.id).await,
        Err(StoreError::InvalidState { .. })
    ));
    assert_eq!(
        event_types(&store.events_for(&applicant.id).await.unwrap()),
        ["applicant.created", "applicant.submitted"]
    );
    assert_eq!(store.queue_depth().await.unwrap(), QueueDepth { queued: 1, running: 0 });
    assert!(matches!(
        store.enqueue_verification("app_missing").await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn a_claimed_job_is_completed_once_with_report_keys_template_and_events() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    store.enqueue_verification(&applicant.id).await.unwrap();
    let claimed = store.claim_job("worker-1", LEASE).await.unwrap().unwrap();
    assert_eq!(claimed.claims, 1);
    assert_eq!(store.queue_depth().await.unwrap(), QueueDepth { queued: 0, running: 1 });
    assert_eq!(store.claim_job("worker-2", LEASE).await.unwrap(), None);
    let decided = store
        .complete_job(&claimed, &completion(Decision::Approved, Some("L1")))
        .await
        .unwrap();
    assert_eq!(decided.status, ApplicantStatus::Completed);
    assert_eq!(decided.decision, Some(Decision::Approved));
    assert_eq!(decided.granted_level.as_deref(), Some("L1"));
    // Completing again: the job is done, nothing more is written.
    assert!(matches!(
        store
            .complete_job(&claimed, &completion(Decision::Rejected, None))
            .await,
        Err(StoreError::LeaseLost)
    ));
    let reports = store.reports_for(&applicant.id).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].decision, Decision::Approved);
    assert_eq!(reports[0].job_id.as_deref(), Some(claimed.job_id.as_str()));
    assert_eq!(store.latest_report(&applicant.id).await.unwrap().unwrap(), reports[0]);
    let events = store.events_for(&applicant.id).await.unwrap();
    assert_eq!(
        event_types(&events),
        [
            "applicant.created",
            "applicant.submitted",
            "applicant.reviewed",
            "applicant.level_changed"
        ]
    );
    let reviewed: serde_json::Value = serde_json::from_str(&events[2].payload).unwrap();
    assert_eq!(reviewed["data"]["decision"], "approved");
    assert_eq!(reviewed["data"]["reasons"][0]["code"], "DOC_BLURRY");
    assert_eq!(reviewed["data"]["granted_level"], "L1");
    let history = store.level_history(&applicant.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].to_level.as_deref(), Some("L1"));
    assert_eq!(history[0].from_level, None);
    let job = store.job(&claimed.job_id).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Done);
    assert_eq!(store.jobs_for(&applicant.id).await.unwrap().len(), 1);
    assert_eq!(store.queue_depth().await.unwrap(), QueueDepth::default());

    // Another applicant sees the first one's document and face.
    let other = store.create_applicant(&new_applicant("u2", "L1")).await.unwrap();
    assert_eq!(
        store.document_holders("doc-key-1", &other.id).await.unwrap(),
        vec![applicant.id.clone()]
    );
    assert!(store
        .document_holders("doc-key-1", &applicant.id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.face_templates(&other.id).await.unwrap(),
        [(applicant.id.clone(), vec![1, 2, 3])]
    );
    assert!(store.face_templates(&applicant.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_expired_lease_is_reclaimed_and_the_first_worker_writes_nothing() {
    let (_dir, store, clock) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    store.enqueue_verification(&applicant.id).await.unwrap();
    let first = store.claim_job("worker-1", LEASE).await.unwrap().unwrap();
    clock.advance(30_000);
    assert_eq!(
        store.claim_job("worker-2", LEASE).await.unwrap(),
        None,
        "lease still held"
    );
    clock.advance(30_000);
    let second = store.claim_job("worker-2", LEASE).await.unwrap().unwrap();
    assert_eq!(second.job_id, first.job_id);
    assert_eq!(second.claims, 2);
    assert_ne!(second.lease_token, first.lease_token);
    let mut stale = first.clone();
    assert!(matches!(
        store.extend_lease(&mut stale, LEASE).await,
        Err(StoreError::LeaseLost)
    ));
    assert!(matches!(
        store.complete_job(&first, &completion(Decision::Rejected, None)).await,
        Err(StoreError::LeaseLost)
    ));
    // Nothing of the first worker's decision was written.
    assert!(store.reports_for(&applicant.id).await.unwrap().is_empty());
    assert_eq!(
        store.get_applicant(&applicant.id).await.unwrap().unwrap().status,
        ApplicantStatus::Pending
    );
    assert!(store.document_holders("doc-key-1", "nobody").await.unwrap().is_empty());
    assert_eq!(store.events_for(&applicant.id).await.unwrap().len(), 2);
    store
        .complete_job(&second, &completion(Decision::Approved, Some("L1")))
        .await
        .unwrap();
    assert_eq!(store.reports_for(&applicant.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_heartbeat_keeps_the_lease() {
    let (_dir, store, clock) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    store.enqueue_verification(&applicant.id).await.unwrap();
    let mut claimed = store.claim_job("worker-1", LEASE).await.unwrap().unwrap();
    for _ in 0..3 {
        clock.advance(50_000);
        store.extend_lease(&mut claimed, LEASE).await.unwrap();
        assert_eq!(store.claim_job("worker-2", LEASE).await.unwrap(), None);
    }
    store
        .complete_job(&claimed, &completion(Decision::Review, None))
        .await
        .unwrap();
}

#[tokio::test]
async fn concurrent_claimers_never_get_the_same_job() {
    let (_dir, store, _) = store().await;
    let mut applicants = Vec::new();
    for n in 0..20 {
        let applicant = store
            .create_applicant(&new_applicant(&format!("u{n}"), "L1"))
            .await
            .unwrap();
        store.enqueue_verification(&applicant.id).await.unwrap();
        applicants.push(applicant.id);
    }
    let mut tasks = Vec::new();
    for worker in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(job) = store.claim_job(&format!("w{worker}"), LEASE).await.unwrap() {
                got.push(job.job_id);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(all.len(), 20);
    assert_eq!(unique.len(), 20);
}

#[tokio::test]
async fn a_retry_opens_the_next_attempt_carrying_documents_but_not_liveness() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L2")).await.unwrap();
    upload(&store, &applicant, UploadKind::Front, b"front").await.unwrap();
    upload(&store, &applicant, UploadKind::Selfie, b"selfie").await.unwrap();
    upload(&store, &applicant, UploadKind::LivenessVideo, b"video")
        .await
        .unwrap();
    store.enqueue_verification(&applicant.id).await.unwrap();
    let claimed = store.claim_job("w", LEASE).await.unwrap().unwrap();
    let after = store
        .complete_job(&claimed, &completion(Decision::Retry, None))
        .await
        .unwrap();
    assert_eq!(after.status, ApplicantStatus::Completed);
    assert_eq!(after.decision, Some(Decision::Retry));
    assert_eq!(after.attempt, 2);
    assert!(after.is_editable());
    let carried = store.uploads_for(&applicant.id, 2).await.unwrap();
    assert_eq!(
        store
            .get_blob(&carried.front.unwrap().blob.sha256)
            .await
            .unwrap()
            .unwrap(),
        b"front"
    );
    assert!(carried.selfie.is_some());
    assert_eq!(carried.liveness_video, None);
    // Nothing of attempt 1 changed; the level did not, so no level event.
    assert!(store
        .uploads_for(&applicant.id, 1)
        .await
        .unwrap()
        .liveness_video
        .is_some());
    assert_eq!(
        event_types(&store.events_for(&applicant.id).await.unwrap()),
        ["applicant.created", "applicant.submitted", "applicant.reviewed"]
    );
    // Resubmission is a new job for attempt 2.
    let again = store.enqueue_verification(&applicant.id).await.unwrap();
    assert_eq!(again.attempt, 2);
}

#[tokio::test]
async fn review_holds_the_applicant_until_a_person_decides() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    store.enqueue_verification(&applicant.id).await.unwrap();
    let claimed = store.claim_job("w", LEASE).await.unwrap().unwrap();
    let held = store
        .complete_job(&claimed, &completion(Decision::Review, None))
        .await
        .unwrap();
    assert_eq!(held.status, ApplicantStatus::OnHold);
    assert!(!held.is_editable());
    assert!(matches!(
        store.enqueue_verification(&applicant.id).await,
        Err(StoreError::InvalidState { .. })
    ));
    let review = ReviewDecision {
        decision: Decision::Approved,
        granted_level: Some("L1".to_owned()),
        reasons: Vec::new(),
        reviewer: "compliance".to_owned(),
        note: Some("same person, new account".to_owned()),
        message: None,
        revoke_level: false,
    };
    let decided = store.decide_review(&applicant.id, &review).await.unwrap();
    assert_eq!(decided.status, ApplicantStatus::Completed);
    assert_eq!(decided.granted_level.as_deref(), Some("L1"));
    assert!(matches!(
        store.decide_review(&applicant.id, &review).await,
        Err(StoreError::InvalidState { .. })
    ));
    assert_eq!(
        event_types(&store.events_for(&applicant.id).await.unwrap()),
        [
            "applicant.created",
            "applicant.submitted",
            "applicant.on_hold",
            "applicant.reviewed",
            "applicant.level_changed"
        ]
    );
    assert_eq!(store.level_history(&applicant.id).await.unwrap()[0].cause, "review");
}

#[tokio::test]
async fn l1_then_l2_changes_the_level_twice() {
    let (_dir, store, _) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    store.enqueue_verification(&applicant.id).await.unwrap();
    let claimed = store.claim_job("w", LEASE).await.unwrap().unwrap();
    store
        .complete_job(&claimed, &completion(Decision::Approved, Some("L1")))
        .await
        .unwrap();
    let upgraded = store.set_target_level(&applicant.id, "L2").await.unwrap();
    assert_eq!(upgraded.status, ApplicantStatus::Init);
    assert_eq!(upgraded.attempt, 2);
    assert_eq!(upgraded.granted_level.as_deref(), Some("L1"));
    let job = store.enqueue_verification(&applicant.id).await.unwrap();
    assert_eq!(job.level, "L2");
    let claimed = store.claim_job("w", LEASE).await.unwrap().unwrap();
    store
        .complete_job(&claimed, &completion(Decision::Approved, Some("L2")))
        .await
        .unwrap();
    let history = store.level_history(&applicant.id).await.unwrap();
    let steps: Vec<(Option<&str>, Option<&str>)> = history
        .iter()
        .map(|c| (c.from_level.as_deref(), c.to_level.as_deref()))
        .collect();
    assert_eq!(steps, [(None, Some("L1")), (Some("L1"), Some("L2"))]);
    assert_eq!(store.reports_for(&applicant.id).await.unwrap().len(), 2);
    assert_eq!(store.latest_report(&applicant.id).await.unwrap().unwrap().level, "L2");
}

#[tokio::test]
async fn the_outbox_hands_out_due_events_and_records_attempts() {
    let (_dir, store, clock) = store().await;
    let applicant = store.create_applicant(&new_applicant("u", "L1")).await.unwrap();
    let now = clock.now_ms();
    let due = store.due_events(now, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let id = due[0].id.clone();
    assert!(store.mark_attempt_failed(&id, now + 5_000, "HTTP 500").await.unwrap());
    assert!(store.due_events(now, 10).await.unwrap().is_empty());
    let later = store.due_events(now + 5_000, 10).await.unwrap();
    assert_eq!(later[0].attempts, 1);
    assert_eq!(later[0].last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(later[0].payload, due[0].payload, "the body is stable across retries");
    assert!(store.mark_delivered(&id).await.unwrap());
    assert!(!store.mark_delivered(&id).await.unwrap());
    assert!(store.due_events(now + 10_000, 10).await.unwrap().is_empty());
    assert_eq!(store.undelivered_events().await.unwrap(), 0);

    let extra = store
        .insert_event(
            openkyc_store::outbox::EventType::Submitted,
            &applicant.id,
            serde_json::json!({}),
        )
        .await
        .unwrap();
    assert!(store.mark_given_up(&extra, "gave up").await.unwrap());
    assert!(!store.mark_attempt_failed(&extra, now, "late").await.unwrap());
    let events = store.events_for(&applicant.id).await.unwrap();
    let given_up = events.iter().find(|e| e.id == extra).unwrap();
    assert!(given_up.failed_at.is_some());
    assert_eq!(given_up.attempts, 1);
    assert!(store.due_events(now + 10_000, 10).await.unwrap().is_empty());
}
