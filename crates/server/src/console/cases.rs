//! The queue, the case view, claims, decisions, images and the audit log.
//!
//! Every state change answers with a redirect back to the page (so a
//! reload never posts twice) carrying `done=` or `error=`, which the page
//! turns into a message. Decisions go through the store's `decide_claimed`,
//! which refuses unless the reviewer holds the claim, and writes the
//! decision, its events and the audit row in one transaction.

use super::pages::{self, CaseView, CheckRow, FieldRow, Flash, Holder, ReasonRow};
use super::queue::{self, AgeFilter, QueueFilter};
use super::session::{FormFields, Signed};
use super::ConsoleError;
use crate::reviewers::Role;
use crate::routes::uploads::{blocking, intake_limits};
use crate::state::{AppState, CROPS_KEPT, UPLOAD_VIEW_AUDIT_MS};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use maud::Markup;
use openkyc_levels::Thresholds;
use openkyc_reasons::{Code, Kind};
use openkyc_store::{Applicant, ApplicantStatus, Decision, EventReason, ReviewDecision, StoreError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Longest note or message kept.
const MAX_TEXT_CHARS: usize = 2000;
/// Longest message to the applicant.
const MAX_MESSAGE_CHARS: usize = 1000;
/// Audit rows on the audit page (the CSV holds the whole range).
const AUDIT_PAGE_ROWS: u32 = 1000;
/// Audit rows in one CSV export.
const AUDIT_CSV_ROWS: u32 = 200_000;

/// The queue's filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    reason: Option<String>,
    level: Option<String>,
    country: Option<String>,
    age: Option<String>,
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.map(|text| text.trim().to_owned()).filter(|text| !text.is_empty())
}

fn now(state: &AppState) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(state.store.now_ms()).unwrap_or_else(Utc::now)
}

/// `GET /console`: the cases waiting, oldest SLA deadline first.
pub async fn queue(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<QueueQuery>,
) -> Result<Markup, ConsoleError> {
    let filter = QueueFilter {
        reason: non_blank(query.reason),
        level: non_blank(query.level),
        country: non_blank(query.country).map(|country| country.to_ascii_uppercase()),
        age: non_blank(query.age).as_deref().and_then(AgeFilter::parse),
    };
    let cases = state.store.review_queue().await?;
    let arranged = queue::arrange(cases, &state.review_hours, now(&state), &filter).map_err(ConsoleError::internal)?;
    let levels: Vec<String> = state.levels.iter().map(|level| level.id.clone()).collect();
    Ok(pages::queue(&signed, &arranged, &filter, &levels))
}

/// What a redirect back to the case page says.
#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    done: Option<String>,
    error: Option<String>,
}

/// Applicant ids are `app_` + base32: anything else is no case, and never
/// reaches the audit log.
fn checked_id(id: &str) -> Result<&str, ConsoleError> {
    let well_formed =
        id.len() <= 64 && id.starts_with("app_") && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if well_formed {
        Ok(id)
    } else {
        Err(ConsoleError::NotFound("case"))
    }
}

/// `GET /console/cases/{id}`.
pub async fn case(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    Query(query): Query<CaseQuery>,
) -> Result<Markup, ConsoleError> {
    let id = checked_id(&id)?;
    let applicant = load(&state, id).await?;
    state
        .store
        .audit(&signed.audit("view_case", Some(id), json!({})))
        .await?;
    let flash = flash_for(&query);
    let view = case_view(&state, applicant, flash).await?;
    Ok(pages::case(&signed, &view))
}

async fn load(state: &AppState, id: &str) -> Result<Applicant, ConsoleError> {
    state
        .store
        .get_applicant(id)
        .await?
        .ok_or(ConsoleError::NotFound("case"))
}

fn flash_for(query: &CaseQuery) -> Option<Flash> {
    if let Some(done) = &query.done {
        let text = match done.as_str() {
            "claimed" => "You claimed the case.",
            "taken_over" => "You took the case over; the previous holder can no longer decide it.",
            "released" => "You released the case.",
            "approved" => "Approved: the level is granted and the operator is told.",
            "retry" => "The applicant is asked to retry; the operator is told.",
            "rejected" => "Rejected (final): the operator is told.",
            "proposed" => "Your rejection is recorded; it becomes final when a second reviewer or a senior agrees.",
            "reopened" => "Reopened: the case is back in the queue.",
            _ => return None,
        };
        return Some(Flash::Ok(text.into()));
    }
    let error = query.error.as_ref()?;
    let text = match error.as_str() {
        "claimed_by" => "This case is claimed by another reviewer: you cannot claim or decide it until they release it or the claim expires.",
        "claim_required" => "Claim the case before deciding it (your claim may have expired).",
        "not_on_hold" => "The case is not waiting for review any more.",
        "note_required" => "Write an internal note: every decision needs one.",
        "reason_required" => "Choose at least one reason.",
        "bad_reason" => "A chosen reason is not one this decision can give.",
        "too_long" => "The note or message is too long.",
        "senior_required" => "Only a senior may reject.",
        "not_reopenable" => "Only an approved or rejected case can be reopened.",
        _ => return None,
    };
    Some(Flash::Error(text.into()))
}

fn back(id: &str, outcome: Result<&str, &str>) -> Response {
    let query = match outcome {
        Ok(done) => format!("done={done}"),
        Err(error) => format!("error={error}"),
    };
    Redirect::to(&format!("/console/cases/{id}?{query}#case-status")).into_response()
}

/// Gathers what the case page shows.
async fn case_view(state: &AppState, applicant: Applicant, flash: Option<Flash>) -> Result<CaseView, ConsoleError> {
    let id = applicant.id.clone();
    let report = state.store.latest_report(&id).await?;
    let report_json = report.as_ref().map(|stored| &stored.report);
    let attempt = report.as_ref().map_or(applicant.attempt, |stored| stored.attempt);
    let uploads = state.store.uploads_for(&id, attempt).await?;
    let mut images: Vec<openkyc_store::Upload> = [uploads.front, uploads.back, uploads.selfie, uploads.liveness_video]
        .into_iter()
        .flatten()
        .collect();
    images.extend(uploads.liveness_frames);
    let reasons = reason_rows(report_json);
    let thresholds = report
        .as_ref()
        .and_then(|stored| state.levels.get(&stored.level))
        .or_else(|| state.levels.get(&applicant.target_level))
        .map(|level| level.thresholds.clone());
    let deadline = review_deadline(state, &applicant, &reasons)?;
    Ok(CaseView {
        fields: field_rows(applicant.basic_info.as_ref(), report_json, &reasons),
        checks: check_rows(report_json, thresholds.as_ref()),
        document_holders: describe_all(state, document_holders(report_json)).await?,
        face_holders: {
            let (ids, distances): (Vec<String>, Vec<Option<f64>>) = face_holders(report_json).into_iter().unzip();
            describe_all(state, ids).await?.into_iter().zip(distances).collect()
        },
        claim: state.store.case_claim(&id).await?,
        votes: state.store.rejection_votes(&id).await?,
        decisions: state.store.review_decisions_for(&id).await?,
        audit: state.store.audit_for(&id).await?,
        four_eyes: state.config.console.four_eyes,
        reopened: report.as_ref().is_some_and(|stored| stored.job_id.is_none()),
        uploads: images,
        reasons,
        deadline,
        applicant,
        flash,
    })
}

/// The other applicants a duplicate names, each with where it stands, so
/// the reviewer sees both sides before opening the other case.
async fn describe_all(state: &AppState, ids: Vec<String>) -> Result<Vec<Holder>, ConsoleError> {
    let mut holders = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(other) = state.store.get_applicant(&id).await? else {
            holders.push(Holder {
                id,
                summary: None,
                front: None,
            });
            continue;
        };
        let attempt = state
            .store
            .latest_report(&id)
            .await?
            .map_or(other.attempt, |report| report.attempt);
        let front = state
            .store
            .uploads_for(&id, attempt)
            .await?
            .front
            .map(|upload| upload.id);
        let decision = other.decision.map_or("undecided", |decision| decision.as_str());
        let level = other.granted_level.clone().unwrap_or_else(|| "no level".into());
        let summary = format!(
            "user {} · {} · {} · holds {}",
            other.external_user_id,
            other.status.as_str(),
            decision,
            level
        );
        holders.push(Holder {
            id,
            summary: Some(summary),
            front,
        });
    }
    Ok(holders)
}

fn review_deadline(
    state: &AppState,
    applicant: &Applicant,
    reasons: &[ReasonRow],
) -> Result<Option<(DateTime<Utc>, bool)>, ConsoleError> {
    let submitted = applicant.submitted_at.and_then(DateTime::from_timestamp_millis);
    let (ApplicantStatus::OnHold, Some(submitted)) = (applicant.status, submitted) else {
        return Ok(None);
    };
    let codes: Vec<String> = reasons.iter().map(|reason| reason.code.clone()).collect();
    let deadline = queue::deadline_of(&state.review_hours, submitted, &codes).map_err(ConsoleError::internal)?;
    Ok(Some((deadline, now(state) > deadline)))
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn reason_rows(report: Option<&Value>) -> Vec<ReasonRow> {
    report
        .and_then(|report| report.get("reasons"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|reason| {
            Some(ReasonRow {
                code: reason.get("code")?.as_str()?.to_owned(),
                kind: text_of(reason.get("kind")).unwrap_or_default(),
                field: text_of(reason.get("field")),
                detail: text_of(reason.get("detail")),
            })
        })
        .collect()
}

/// The typed fields and the document fields they are compared with.
const FIELD_PAIRS: &[(&str, &str, &[&str])] = &[
    ("Surname", "last_name", &["surname"]),
    ("Given names", "first_name", &["given_names"]),
    ("Name in native script", "native_name", &["native_name", "name"]),
    ("Birth date", "birth_date", &["birth_date"]),
    ("Nationality", "nationality", &["nationality"]),
    ("Document number", "document_number", &["document_number", "id_number"]),
    ("Issuing country", "issuing_country", &["issuing_country"]),
    ("Expiry date", "expiry_date", &["expiry_date"]),
    ("Sex", "sex", &["sex"]),
];

fn field_rows(typed: Option<&Value>, report: Option<&Value>, reasons: &[ReasonRow]) -> Vec<FieldRow> {
    let document = report
        .and_then(|report| report.get("document"))
        .and_then(|document| document.get("fields"));
    FIELD_PAIRS
        .iter()
        .filter_map(|(label, typed_key, document_keys)| {
            let typed = text_of(typed.and_then(|typed| typed.get(*typed_key)));
            let read = document_keys
                .iter()
                .find_map(|key| text_of(document.and_then(|fields| fields.get(*key))));
            if typed.is_none() && read.is_none() {
                return None;
            }
            let mismatch = reasons
                .iter()
                .any(|reason| reason.code == "DATA_MISMATCH" && reason.field.as_deref() == Some(*typed_key));
            let differs = match (&typed, &read) {
                (Some(typed), Some(read)) => typed.trim().to_uppercase() != read.trim().to_uppercase(),
                _ => false,
            };
            Some(FieldRow {
                label,
                typed,
                document: read,
                mismatch,
                differs,
            })
        })
        .collect()
}

fn threshold_for(stage: &str, thresholds: &Thresholds) -> Option<String> {
    match stage {
        "face" => Some(format!(
            "distance ≤ {} matches; ≤ {} goes to review",
            thresholds.face_match_max_distance, thresholds.face_review_max_distance
        )),
        "duplicates" => Some(format!(
            "a face within distance {} of another applicant's",
            thresholds.duplicate_face_max_distance
        )),
        "validity" => Some(format!(
            "warn when under {} days to expiry",
            thresholds.expires_soon_days
        )),
        "liveness" => Some(format!("{} requested actions performed", thresholds.liveness_actions)),
        _ => None,
    }
}

fn check_rows(report: Option<&Value>, thresholds: Option<&Thresholds>) -> Vec<CheckRow> {
    report
        .and_then(|report| report.get("stages"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|stage| {
            let name = stage.get("name")?.as_str()?.to_owned();
            Some(CheckRow {
                threshold: thresholds.and_then(|thresholds| threshold_for(&name, thresholds)),
                status: text_of(stage.get("status")).unwrap_or_default(),
                score: text_of(stage.get("score")),
                note: text_of(stage.get("note")),
                name,
            })
        })
        .collect()
}

fn document_holders(report: Option<&Value>) -> Vec<String> {
    report
        .and_then(|report| report.pointer("/duplicates/document_holders"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|holder| holder.as_str().map(str::to_owned))
        .filter(|holder| checked_id(holder).is_ok())
        .collect()
}

fn face_holders(report: Option<&Value>) -> Vec<(String, Option<f64>)> {
    report
        .and_then(|report| report.pointer("/duplicates/face_holders"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|holder| {
            let id = holder.get("applicant_id")?.as_str()?.to_owned();
            checked_id(&id).ok()?;
            Some((id, holder.get("distance").and_then(Value::as_f64)))
        })
        .collect()
}

/// `GET /console/cases/{id}/uploads/{upload_id}`: an image (or the
/// liveness recording) of the case, streamed through the server.
pub async fn image(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path((id, upload_id)): Path<(String, String)>,
) -> Result<Response, ConsoleError> {
    let (upload, bytes) = upload_bytes(&state, &id, &upload_id).await?;
    audit_upload_view(&state, &signed, &upload, "image").await?;
    Ok((
        [
            (header::CONTENT_TYPE, upload.content_type),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// Audits that the reviewer saw a case's images of one kind: at most once
/// per reviewer, case and kind every [`UPLOAD_VIEW_AUDIT_MS`] (a case page
/// loads every liveness frame; one row says they were seen).
async fn audit_upload_view(
    state: &AppState,
    signed: &Signed,
    upload: &openkyc_store::Upload,
    shown_as: &str,
) -> Result<(), ConsoleError> {
    let now = state.store.now_ms();
    // Liveness frames count as one image; every other upload by its id.
    let which = if upload.kind.as_str() == "liveness_frame" {
        "liveness_frames".to_owned()
    } else {
        upload.id.clone()
    };
    let key = (
        signed.reviewer.id.clone(),
        upload.applicant_id.clone(),
        format!("{which}/{shown_as}"),
    );
    let due = {
        let mut seen = state
            .upload_views
            .lock()
            .map_err(|_| ConsoleError::internal("the upload-view memory is poisoned"))?;
        seen.retain(|_, at| now.saturating_sub(*at) < UPLOAD_VIEW_AUDIT_MS);
        match seen.get(&key) {
            Some(_) => false,
            None => {
                seen.insert(key, now);
                true
            }
        }
    };
    if due {
        let detail = json!({"upload_id": upload.id, "kind": upload.kind.as_str(), "shown_as": shown_as});
        state
            .store
            .audit(&signed.audit("view_upload", Some(&upload.applicant_id), detail))
            .await?;
    }
    Ok(())
}

async fn upload_bytes(
    state: &AppState,
    id: &str,
    upload_id: &str,
) -> Result<(openkyc_store::Upload, Vec<u8>), ConsoleError> {
    let upload = state
        .store
        .upload(upload_id)
        .await?
        .filter(|upload| upload.applicant_id == id)
        .ok_or(ConsoleError::NotFound("image"))?;
    let bytes = state
        .store
        .get_blob(&upload.blob.sha256)
        .await?
        .ok_or(ConsoleError::NotFound("image"))?;
    Ok((upload, bytes))
}

/// Widest rectified crop served.
const CROP_WIDTH: u32 = 1000;

/// `GET /console/cases/{id}/uploads/{upload_id}/crop`: the document found
/// in a side, cut out and straightened (computed on request: it is a view,
/// nothing is stored).
pub async fn crop(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path((id, upload_id)): Path<(String, String)>,
) -> Result<Response, ConsoleError> {
    let (upload, bytes) = upload_bytes(&state, &id, &upload_id).await?;
    audit_upload_view(&state, &signed, &upload, "crop").await?;
    if let Some(jpeg) = remembered_crop(&state, &upload.id)? {
        return Ok(([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response());
    }
    let limits = intake_limits(&state);
    let jpeg = blocking(&state, move || rectified_jpeg(&bytes, &limits))
        .await
        .map_err(|_| ConsoleError::internal("the crop task failed"))?;
    let jpeg = jpeg.ok_or(ConsoleError::NotFound("document outline"))?;
    remember_crop(&state, &upload.id, &jpeg)?;
    Ok(([(header::CONTENT_TYPE, "image/jpeg")], jpeg).into_response())
}

fn remembered_crop(state: &AppState, upload_id: &str) -> Result<Option<Vec<u8>>, ConsoleError> {
    let crops = state
        .crops
        .lock()
        .map_err(|_| ConsoleError::internal("the crop memory is poisoned"))?;
    Ok(crops
        .iter()
        .find(|(id, _)| id == upload_id)
        .map(|(_, jpeg)| jpeg.clone()))
}

fn remember_crop(state: &AppState, upload_id: &str, jpeg: &[u8]) -> Result<(), ConsoleError> {
    let mut crops = state
        .crops
        .lock()
        .map_err(|_| ConsoleError::internal("the crop memory is poisoned"))?;
    crops.retain(|(id, _)| id != upload_id);
    if crops.len() >= CROPS_KEPT {
        crops.pop_front();
    }
    crops.push_back((upload_id.to_owned(), jpeg.to_vec()));
    Ok(())
}

fn rectified_jpeg(bytes: &[u8], limits: &openkyc_intake::IntakeLimits) -> Option<Vec<u8>> {
    let intake = openkyc_intake::intake(bytes, limits).ok()?;
    let openkyc_docdetect::Detection::Found(document) =
        openkyc_docdetect::detect(&intake.working, &openkyc_docdetect::DetectParams::default())
    else {
        return None;
    };
    let (width, height) = openkyc_docdetect::rectified_size(&document, CROP_WIDTH);
    let rectified = openkyc_docdetect::rectify(&intake.working, &document.corners, width, height);
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .encode_image(&rectified)
        .ok()?;
    Some(out.into_inner())
}

/// Reads a decision form after the CSRF check.
fn decision_form(signed: &Signed, headers: &HeaderMap, body: &Bytes) -> Result<FormFields, ConsoleError> {
    let form = FormFields::parse(headers, body)?;
    signed.check_csrf(&form)?;
    Ok(form)
}

/// `POST /console/cases/{id}/claim`.
pub async fn claim(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    decision_form(&signed, &headers, &body)?;
    let id = checked_id(&id)?;
    match state
        .store
        .claim_case(id, &signed.reviewer.id, claim_lease_ms(&state))
        .await
    {
        Ok(claim) => {
            let detail = json!({"until": pages::when(claim.expires_at)});
            state.store.audit(&signed.audit("claim", Some(id), detail)).await?;
            Ok(back(id, Ok("claimed")))
        }
        Err(StoreError::ClaimedByOther { reviewer_email, .. }) => {
            let detail = json!({"refused": "claimed by another reviewer", "holder": reviewer_email});
            state
                .store
                .audit(&signed.audit("claim_refused", Some(id), detail))
                .await?;
            Ok(back(id, Err("claimed_by")))
        }
        Err(StoreError::InvalidState { .. }) => Ok(back(id, Err("not_on_hold"))),
        Err(error) => Err(error.into()),
    }
}

/// `POST /console/cases/{id}/take-over` (senior): takes the case from
/// whoever holds it, e.g. an urgent case a reviewer left claimed.
pub async fn take_over(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    decision_form(&signed, &headers, &body)?;
    signed.require(Role::Senior)?;
    let id = checked_id(&id)?;
    let audit = signed.audit("take_over", Some(id), json!({}));
    match state
        .store
        .take_over_claim(id, &signed.reviewer.id, claim_lease_ms(&state), &audit)
        .await
    {
        Ok(_) => Ok(back(id, Ok("taken_over"))),
        Err(StoreError::InvalidState { .. }) => Ok(back(id, Err("not_on_hold"))),
        Err(error) => Err(error.into()),
    }
}

fn claim_lease_ms(state: &AppState) -> i64 {
    i64::try_from(state.config.console.claim.as_millis()).unwrap_or(i64::MAX)
}

/// `POST /console/cases/{id}/release`.
pub async fn release(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    decision_form(&signed, &headers, &body)?;
    let id = checked_id(&id)?;
    if state.store.release_claim(id, &signed.reviewer.id).await? {
        state.store.audit(&signed.audit("release", Some(id), json!({}))).await?;
    }
    Ok(back(id, Ok("released")))
}

/// The note every decision needs, or the error code to show.
fn required_note(form: &FormFields) -> Result<String, &'static str> {
    let note = form.text("note").ok_or("note_required")?;
    if note.chars().count() > MAX_TEXT_CHARS {
        return Err("too_long");
    }
    Ok(note.to_owned())
}

/// The chosen reason codes, each one `allowed`; at least one.
fn chosen_reasons(form: &FormFields, allowed: impl Fn(Code) -> bool) -> Result<Vec<EventReason>, &'static str> {
    let chosen = form.all("reason");
    if chosen.is_empty() {
        return Err("reason_required");
    }
    let mut reasons: Vec<EventReason> = Vec::new();
    for text in chosen {
        let code = Code::parse(text).filter(|code| allowed(*code)).ok_or("bad_reason")?;
        if !reasons.iter().any(|reason| reason.code == code.as_str()) {
            reasons.push(EventReason {
                code: code.as_str().to_owned(),
                field: None,
            });
        }
    }
    Ok(reasons)
}

/// Commits a decision on a claimed case and says how it went.
async fn commit(
    state: &AppState,
    signed: &Signed,
    id: &str,
    decision: ReviewDecision,
    done: &'static str,
) -> Result<Response, ConsoleError> {
    let detail = json!({
        "decision": decision.decision.as_str(),
        "reasons": decision.reasons.iter().map(|reason| reason.code.clone()).collect::<Vec<_>>(),
        "note": decision.note,
        "message": decision.message,
        "granted_level": decision.granted_level,
    });
    let action = match decision.decision {
        Decision::Approved => "approve",
        Decision::Retry => "ask_retry",
        Decision::Rejected | Decision::Review => "reject",
    };
    let audit = signed.audit(action, Some(id), detail);
    match state
        .store
        .decide_claimed(id, &signed.reviewer.id, &decision, &audit)
        .await
    {
        Ok(_) => {
            state.metrics.record_review_decision(decision.decision.as_str());
            tracing::info!(reviewer = %signed.reviewer.id, decision = decision.decision.as_str(), "review decided");
            Ok(back(id, Ok(done)))
        }
        Err(StoreError::ClaimRequired) => Ok(back(id, Err("claim_required"))),
        Err(StoreError::InvalidState { .. }) => Ok(back(id, Err("not_on_hold"))),
        Err(error) => Err(error.into()),
    }
}

fn review_decision(signed: &Signed, decision: Decision, note: String) -> ReviewDecision {
    ReviewDecision {
        decision,
        granted_level: None,
        reasons: Vec::new(),
        reviewer: signed.reviewer.email.clone(),
        note: Some(note),
        message: None,
        revoke_level: false,
    }
}

/// `POST /console/cases/{id}/approve`: grants the level applied for.
pub async fn approve(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = decision_form(&signed, &headers, &body)?;
    let id = checked_id(&id)?;
    let note = match required_note(&form) {
        Ok(note) => note,
        Err(error) => return Ok(back(id, Err(error))),
    };
    let applicant = load(&state, id).await?;
    let mut decision = review_decision(&signed, Decision::Approved, note);
    decision.granted_level = Some(applicant.target_level);
    commit(&state, &signed, id, decision, "approved").await
}

/// `POST /console/cases/{id}/retry`: reasons the applicant can fix, and an
/// optional message shown to them.
pub async fn retry(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = decision_form(&signed, &headers, &body)?;
    let id = checked_id(&id)?;
    let parsed = required_note(&form).and_then(|note| {
        let reasons = chosen_reasons(&form, |code| code.default_kind() == Kind::Retry)?;
        let message = form.text("message").map(str::to_owned);
        if message
            .as_ref()
            .is_some_and(|text| text.chars().count() > MAX_MESSAGE_CHARS)
        {
            return Err("too_long");
        }
        Ok((note, reasons, message))
    });
    let (note, reasons, message) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return Ok(back(id, Err(error))),
    };
    let mut decision = review_decision(&signed, Decision::Retry, note);
    decision.reasons = reasons;
    decision.message = message;
    commit(&state, &signed, id, decision, "retry").await
}

/// `POST /console/cases/{id}/reject`: final for a senior; for a reviewer,
/// under four eyes, a vote that becomes final when a second reviewer
/// agrees; without four eyes, refused.
pub async fn reject(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = decision_form(&signed, &headers, &body)?;
    let id = checked_id(&id)?;
    let parsed = required_note(&form).and_then(|note| {
        Ok((
            note,
            chosen_reasons(&form, |code| code.default_kind() != Kind::Warning)?,
        ))
    });
    let (note, reasons) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return Ok(back(id, Err(error))),
    };
    let mut decision = review_decision(&signed, Decision::Rejected, note.clone());
    decision.reasons = reasons.clone();
    // Taking away a level already held (e.g. the approval of a reopened
    // case that turned out to be fraud) is the reviewer's explicit choice:
    // an upgrade refused at L2 does not by itself undo L1.
    decision.revoke_level = form.get("revoke_level") == Some("1");
    if signed.role >= Role::Senior {
        return commit(&state, &signed, id, decision, "rejected").await;
    }
    if !state.config.console.four_eyes {
        return Ok(back(id, Err("senior_required")));
    }
    let codes: Vec<String> = reasons.iter().map(|reason| reason.code.clone()).collect();
    let audit = signed.audit("propose_rejection", Some(id), json!({"reasons": codes, "note": note}));
    let votes = match state
        .store
        .propose_rejection(id, &signed.reviewer.id, &reasons, &note, &audit)
        .await
    {
        Ok(votes) => votes,
        Err(StoreError::ClaimRequired) => return Ok(back(id, Err("claim_required"))),
        Err(StoreError::InvalidState { .. }) => return Ok(back(id, Err("not_on_hold"))),
        Err(error) => return Err(error.into()),
    };
    let mut voters: Vec<&str> = votes.iter().map(|vote| vote.reviewer_id.as_str()).collect();
    voters.sort_unstable();
    voters.dedup();
    if voters.len() >= 2 {
        // The decision names both pairs of eyes and carries every reason given.
        let emails: Vec<&str> = votes.iter().map(|vote| vote.reviewer_email.as_str()).collect();
        decision.reviewer = emails.join(" + ");
        for vote in &votes {
            for reason in &vote.reasons {
                if !decision.reasons.iter().any(|held| held.code == reason.code) {
                    decision.reasons.push(reason.clone());
                }
            }
        }
        return commit(&state, &signed, id, decision, "rejected").await;
    }
    // The second pair of eyes must be able to claim the case.
    state.store.release_claim(id, &signed.reviewer.id).await?;
    Ok(back(id, Ok("proposed")))
}

/// `POST /console/cases/{id}/reopen` (senior): an approved or rejected
/// case goes back to the queue.
pub async fn reopen(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ConsoleError> {
    let form = decision_form(&signed, &headers, &body)?;
    signed.require(Role::Senior)?;
    let id = checked_id(&id)?;
    let note = match required_note(&form) {
        Ok(note) => note,
        Err(error) => return Ok(back(id, Err(error))),
    };
    let audit = signed.audit("reopen", Some(id), json!({"note": note}));
    match state.store.reopen_case(id, &signed.reviewer.id, &note, &audit).await {
        Ok(_) => Ok(back(id, Ok("reopened"))),
        Err(StoreError::InvalidState { .. }) => Ok(back(id, Err("not_reopenable"))),
        Err(error) => Err(error.into()),
    }
}

/// The audit range, as dates (UTC).
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The range in ms (`to` inclusive of its whole day) and as shown; the
/// default is the last 30 days.
fn audit_range(query: &AuditQuery, today: NaiveDate) -> Result<(i64, i64, String, String), ConsoleError> {
    let parse = |text: &Option<String>, default: NaiveDate| -> Result<NaiveDate, ConsoleError> {
        match non_blank(text.clone()) {
            None => Ok(default),
            Some(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map_err(|_| ConsoleError::Invalid("dates are written YYYY-MM-DD".into())),
        }
    };
    let from = parse(&query.from, today - chrono::Days::new(30))?;
    let to = parse(&query.to, today)?;
    let start = |date: NaiveDate| date.and_hms_opt(0, 0, 0).map(|at| at.and_utc().timestamp_millis());
    let (Some(from_ms), Some(to_ms)) = (start(from), to.succ_opt().and_then(start)) else {
        return Err(ConsoleError::Invalid("a date is out of range".into()));
    };
    Ok((from_ms, to_ms, from.to_string(), to.to_string()))
}

/// `GET /console/audit` (senior).
pub async fn audit_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<AuditQuery>,
) -> Result<Markup, ConsoleError> {
    signed.require(Role::Senior)?;
    let (from_ms, to_ms, from, to) = audit_range(&query, now(&state).date_naive())?;
    let entries = state.store.audit_latest(from_ms, to_ms, AUDIT_PAGE_ROWS).await?;
    Ok(pages::audit_page(&signed, &entries, &from, &to))
}

/// `GET /console/audit.csv` (senior): the log of a date range.
pub async fn audit_csv(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(query): Query<AuditQuery>,
) -> Result<Response, ConsoleError> {
    signed.require(Role::Senior)?;
    let (from_ms, to_ms, from, to) = audit_range(&query, now(&state).date_naive())?;
    let entries = state
        .store
        .audit_range(from_ms, to_ms, AUDIT_CSV_ROWS.saturating_add(1))
        .await?;
    // An export cut short would look complete: refuse instead.
    if entries.len() > AUDIT_CSV_ROWS as usize {
        return Err(ConsoleError::Invalid(format!(
            "the range holds more than {AUDIT_CSV_ROWS} entries: export a shorter range"
        )));
    }
    let detail = json!({"from": from, "to": to, "rows": entries.len()});
    state.store.audit(&signed.audit("export_audit", None, detail)).await?;
    csv_response(&entries, &format!("openkyc-audit-{from}-{to}.csv"))
}

/// `GET /console/cases/{id}/audit.csv`: one case's log.
pub async fn case_audit_csv(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    let id = checked_id(&id)?;
    load(&state, id).await?;
    let entries = state.store.audit_for(id).await?;
    state
        .store
        .audit(&signed.audit("export_audit", Some(id), json!({"rows": entries.len()})))
        .await?;
    csv_response(&entries, &format!("openkyc-audit-{id}.csv"))
}

fn csv_response(entries: &[openkyc_store::AuditEntry], file_name: &str) -> Result<Response, ConsoleError> {
    let csv = audit_csv_text(entries).map_err(ConsoleError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a
/// formula: such cells get a leading apostrophe (OWASP's CSV injection
/// advice), since notes and user agents are typed by people.
fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The audit rows as CSV with a header line.
pub fn audit_csv_text(entries: &[openkyc_store::AuditEntry]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "seq",
        "at",
        "actor_id",
        "actor_email",
        "action",
        "applicant_id",
        "ip",
        "user_agent",
        "detail",
    ])?;
    for entry in entries {
        let at = DateTime::from_timestamp_millis(entry.at)
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default();
        writer.write_record([
            entry.seq.to_string(),
            at,
            entry.actor_id.clone(),
            spreadsheet_safe(&entry.actor_email),
            entry.action.clone(),
            entry.applicant_id.clone().unwrap_or_default(),
            entry.ip.clone().unwrap_or_default(),
            spreadsheet_safe(entry.user_agent.as_deref().unwrap_or("")),
            spreadsheet_safe(&entry.detail.to_string()),
        ])?;
    }
    let bytes = writer.into_inner().map_err(|error| error.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_fields_sit_next_to_the_document_and_mismatches_are_marked() {
        let typed = json!({"first_name": "Hans", "last_name": "Müler", "birth_date": "1980-05-17",
            "nationality": "DEU", "document_number": "C01X00T47"});
        let report = json!({"document": {"fields": {"surname": "MUELLER", "given_names": "HANS",
            "birth_date": "1980-05-17", "nationality": "D", "document_number": "C01X00T47"}},
            "reasons": [{"code": "DATA_MISMATCH", "kind": "retry", "field": "last_name"}]});
        let reasons = reason_rows(Some(&report));
        let rows = field_rows(Some(&typed), Some(&report), &reasons);
        let row = |label: &str| rows.iter().find(|row| row.label == label).unwrap().clone();
        assert!(row("Surname").mismatch && row("Surname").differs);
        assert_eq!(row("Surname").document.as_deref(), Some("MUELLER"));
        assert!(
            !row("Given names").mismatch && !row("Given names").differs,
            "case is not a difference"
        );
        assert!(row("Nationality").differs && !row("Nationality").mismatch);
        assert!(!rows.iter().any(|row| row.label == "Sex"), "absent on both sides");
    }

    #[test]
    fn duplicates_name_only_well_formed_applicants() {
        let report = json!({"duplicates": {"document_holders": ["app_ABC", "'; drop"],
            "face_holders": [{"applicant_id": "app_F", "distance": 0.31}]}});
        assert_eq!(document_holders(Some(&report)), ["app_ABC"]);
        assert_eq!(face_holders(Some(&report)), [("app_F".to_owned(), Some(0.31))]);
        assert!(document_holders(None).is_empty());
    }

    #[test]
    fn checks_carry_the_levels_thresholds() {
        let report = json!({"stages": [{"name": "face", "status": "passed", "score": 0.32, "note": "n"},
            {"name": "intake", "status": "passed"}]});
        let levels = openkyc_levels::Levels::shipped().unwrap();
        let thresholds = &levels.get("L2").unwrap().thresholds;
        let rows = check_rows(Some(&report), Some(thresholds));
        assert_eq!(rows[0].score.as_deref(), Some("0.32"));
        assert!(rows[0].threshold.as_ref().unwrap().contains("distance"));
        assert_eq!(rows[1].threshold, None);
    }

    #[test]
    fn csv_cells_cannot_become_formulas_and_fields_are_quoted() {
        let entry = openkyc_store::AuditEntry {
            seq: 7,
            at: 0,
            actor_id: "rev_1".into(),
            actor_email: "=cmd@example.org".into(),
            action: "decide".into(),
            applicant_id: Some("app_1".into()),
            detail: json!({"note": "a, \"quoted\" note"}),
            ip: Some("127.0.0.1".into()),
            user_agent: Some("-x".into()),
        };
        let text = audit_csv_text(&[entry]).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("seq,at,actor_id,actor_email,action,applicant_id,ip,user_agent,detail")
        );
        let row = lines.next().unwrap();
        assert!(
            row.starts_with("7,1970-01-01T00:00:00.000Z,rev_1,'=cmd@example.org,decide,app_1,127.0.0.1,'-x,"),
            "{row}"
        );
        let parsed: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(&parsed[0][8], "{\"note\":\"a, \\\"quoted\\\" note\"}");
    }

    proptest::proptest! {
        /// Whatever people type (notes, e-mails, user agents), the export
        /// reads back as the same nine columns, and no cell a spreadsheet
        /// would run as a formula.
        #[test]
        fn any_typed_text_stays_in_its_cell_and_never_starts_a_formula(
            email in "\\PC{0,40}", agent in "\\PC{0,60}", note in "\\PC{0,80}",
        ) {
            let entry = openkyc_store::AuditEntry {
                seq: 1,
                at: 1_700_000_000_000,
                actor_id: "rev_1".into(),
                actor_email: email.clone(),
                action: "decide".into(),
                applicant_id: None,
                detail: json!({"note": note}),
                ip: None,
                user_agent: Some(agent.clone()),
            };
            let text = audit_csv_text(&[entry]).unwrap();
            let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
                .records()
                .collect::<Result<_, _>>()
                .unwrap();
            proptest::prop_assert_eq!(rows.len(), 1);
            proptest::prop_assert_eq!(rows[0].len(), 9);
            for cell in rows[0].iter() {
                proptest::prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", cell);
            }
            proptest::prop_assert_eq!(rows[0][3].trim_start_matches('\''), email.trim_start_matches('\''));
        }
    }

    #[test]
    fn the_audit_range_defaults_to_thirty_days_and_refuses_bad_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let (from, to, shown_from, shown_to) = audit_range(&AuditQuery::default(), today).unwrap();
        assert_eq!((shown_from.as_str(), shown_to.as_str()), ("2026-10-30", "2026-11-29"));
        assert_eq!(to - from, 31 * 86_400_000);
        let bad = AuditQuery {
            from: Some("yesterday".into()),
            to: None,
        };
        assert!(audit_range(&bad, today).is_err());
    }

    #[test]
    fn only_applicant_ids_are_cases() {
        assert!(checked_id("app_ABC234").is_ok());
        for bad in ["", "rev_1", "app_../x", &format!("app_{}", "A".repeat(80))] {
            assert!(checked_id(bad).is_err(), "{bad}");
        }
    }
}
