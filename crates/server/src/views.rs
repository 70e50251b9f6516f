//! What the API returns about an applicant: the operator's view (the full
//! report, the other applicants a duplicate names) and the applicant's own
//! view (`Report::for_applicant`: no other applicant, no technical detail).

use openkyc_levels::Levels;
use openkyc_store::{Applicant, StoredReport, StoredReviewDecision, Upload};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// RFC 3339 (UTC, milliseconds) from unix milliseconds.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// The level an applicant holds and what it grants.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelView {
    /// The highest level granted, if any.
    pub granted: Option<String>,
    /// Its name for people.
    pub name: Option<String>,
    /// What it grants (limits and feature flags), those of the levels it
    /// includes merged under it; empty when no level is granted.
    #[schema(value_type = Object)]
    pub entitlements: BTreeMap<String, openkyc_levels::Entitlement>,
}

/// Where a manual review stands.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ReviewView {
    /// While on hold: when a person is expected to have decided, from the
    /// queue ahead and the review hours (`null` otherwise).
    pub eta: Option<EtaView>,
    /// While on hold: the case's place in the review queue (1 = next).
    pub queue_position: Option<u32>,
    /// While on hold: the SLA deadline in business hours (RFC 3339).
    pub sla_deadline: Option<String>,
    /// A person (a reviewer in the console) made the latest decision; its
    /// reasons are then the reviewer's.
    pub decided_by_person: bool,
    /// The reviewer's message to the applicant, if they wrote one.
    pub message: Option<String>,
}

/// An honest estimate of the review's end, for the applicant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EtaView {
    /// RFC 3339, rounded up to a quarter hour.
    pub at: String,
    /// E.g. "Monday around 11:00 (your time)".
    pub en: String,
    /// E.g. "周一 11:00 左右（您当地时间）".
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    /// `throughput` (the queue over recent decisions) or `sla` (none measured yet).
    pub basis: String,
    /// The estimate is later than the SLA deadline (a long queue), and says so.
    pub beyond_sla: bool,
}

/// One upload of the current attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadView {
    /// `upl_…`.
    pub id: String,
    /// `front`, `back`, `selfie`, `liveness_video`, `liveness_frame`.
    pub kind: String,
    /// When it was received (RFC 3339).
    pub created_at: String,
    /// Whether its instant capture check passed (`null`: not checked).
    pub precheck_ok: Option<bool>,
}

/// An applicant as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicantView {
    /// `app_…`.
    pub id: String,
    /// The operator's user id (operator only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_user_id: Option<String>,
    /// The invite code given at creation (operator only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    /// `init`, `pending`, `completed`, `on_hold`.
    pub status: String,
    /// The current attempt (uploads go to it).
    pub attempt: u32,
    /// The level asked for.
    pub target_level: String,
    /// The latest decision: `approved`, `retry`, `rejected`, `review`.
    pub decision: Option<String>,
    /// The latest decision's reasons, with message and tip in `en` and `zh-CN`.
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<serde_json::Value>,
    /// The level granted and its entitlements.
    pub level: LevelView,
    /// The manual review, when the applicant is on hold.
    pub review: ReviewView,
    /// Steps the target level still needs before a submission.
    pub missing_steps: Vec<String>,
    /// The typed basic information, as submitted.
    #[schema(value_type = Option<Object>)]
    pub info: Option<serde_json::Value>,
    /// The current attempt's uploads.
    pub uploads: Vec<UploadView>,
    /// The latest report (for an applicant token: its applicant view).
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// RFC 3339 of the latest submission.
    pub submitted_at: Option<String>,
    /// RFC 3339 of the latest decision.
    pub decided_at: Option<String>,
}

/// The parts of an applicant's view beyond the applicant row.
#[derive(Debug, Default)]
pub struct Details<'a> {
    /// The latest report.
    pub report: Option<&'a StoredReport>,
    /// The current attempt's uploads.
    pub uploads: &'a [Upload],
    /// Steps still missing.
    pub missing_steps: Vec<String>,
    /// Where the review stands.
    pub review: ReviewView,
    /// A reviewer's decision on the latest report, if a person decided it.
    pub person_decision: Option<&'a StoredReviewDecision>,
}

/// The reasons a reviewer gave, explained like the pipeline's (a
/// rejection's reasons are final, whatever their usual kind).
fn person_reasons(decision: &StoredReviewDecision) -> Vec<serde_json::Value> {
    decision
        .reasons
        .iter()
        .filter_map(|given| {
            let code = openkyc_reasons::Code::parse(&given.code)?;
            let mut reason = openkyc_reasons::Reason::new(code);
            if let Some(field) = &given.field {
                reason = reason.field(field.clone());
            }
            if decision.decision == openkyc_store::Decision::Rejected {
                reason = reason.at_least(openkyc_reasons::Kind::Reject);
            }
            serde_json::to_value(openkyc_reasons::explain(&reason)).ok()
        })
        .collect()
}

/// The report as an applicant may see it: the JSON form of
/// `openkyc_pipeline::Report::for_applicant` (no duplicates, no reason
/// detail, no stage notes), applied to the stored JSON.
pub fn applicant_report(report: &serde_json::Value) -> serde_json::Value {
    let mut view = report.clone();
    if let Some(object) = view.as_object_mut() {
        object.remove("duplicates");
        for (list, key) in [("reasons", "detail"), ("stages", "note")] {
            if let Some(items) = object.get_mut(list).and_then(|items| items.as_array_mut()) {
                for item in items.iter_mut().filter_map(|item| item.as_object_mut()) {
                    item.remove(key);
                }
            }
        }
    }
    view
}

/// The view of `applicant` for the operator (`operator`) or itself.
pub fn applicant_view(applicant: &Applicant, levels: &Levels, details: Details<'_>, operator: bool) -> ApplicantView {
    let report = details.report.map(|stored| {
        if operator {
            stored.report.clone()
        } else {
            applicant_report(&stored.report)
        }
    });
    let reasons = match details.person_decision {
        Some(decision) => person_reasons(decision),
        None => report
            .as_ref()
            .and_then(|report| report.get("reasons"))
            .and_then(|reasons| reasons.as_array())
            .cloned()
            .unwrap_or_default(),
    };
    let mut review = details.review;
    if let Some(decision) = details.person_decision {
        review.decided_by_person = true;
        review.message = decision.message.clone();
    }
    let granted = applicant.granted_level.clone();
    let level = LevelView {
        name: granted
            .as_deref()
            .and_then(|id| levels.get(id))
            .map(|level| level.name.clone()),
        entitlements: granted.as_deref().map(|id| levels.entitlements(id)).unwrap_or_default(),
        granted,
    };
    ApplicantView {
        id: applicant.id.clone(),
        external_user_id: operator.then(|| applicant.external_user_id.clone()),
        invite_code: if operator { applicant.invite_code.clone() } else { None },
        status: applicant.status.as_str().to_owned(),
        attempt: applicant.attempt,
        target_level: applicant.target_level.clone(),
        decision: applicant.decision.map(|decision| decision.as_str().to_owned()),
        reasons,
        level,
        review,
        missing_steps: details.missing_steps,
        info: applicant.basic_info.clone(),
        uploads: details
            .uploads
            .iter()
            .map(|upload| UploadView {
                id: upload.id.clone(),
                kind: upload.kind.as_str().to_owned(),
                created_at: rfc3339(upload.created_at),
                precheck_ok: upload
                    .precheck
                    .as_ref()
                    .and_then(|precheck| precheck.get("ok"))
                    .and_then(|ok| ok.as_bool()),
            })
            .collect(),
        report,
        created_at: rfc3339(applicant.created_at),
        updated_at: rfc3339(applicant.updated_at),
        submitted_at: applicant.submitted_at.map(rfc3339),
        decided_at: applicant.decided_at.map(rfc3339),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openkyc_pipeline::{Decision, DuplicateFindings, Report, StageResult, StageStatus};
    use openkyc_reasons::{explain, Code, Reason};

    #[test]
    fn the_applicant_report_is_the_pipeline_applicant_view() {
        let report = Report {
            decision: Decision::Review,
            level: "L2".into(),
            reasons: vec![explain(
                &Reason::new(Code::DuplicateDocument).detail("held by app_other"),
            )],
            document: None,
            stages: vec![StageResult {
                name: "duplicates".into(),
                status: StageStatus::Failed,
                score: None,
                ms: 1.0,
                note: Some("app_other".into()),
            }],
            duplicates: Some(DuplicateFindings {
                document_holders: vec!["app_other".into()],
                face_holders: Vec::new(),
            }),
            timings_ms: BTreeMap::new(),
        };
        let full = serde_json::to_value(&report).unwrap();
        let expected = serde_json::to_value(report.for_applicant()).unwrap();
        assert_eq!(applicant_report(&full), expected);
        assert!(!applicant_report(&full).to_string().contains("app_other"));
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
