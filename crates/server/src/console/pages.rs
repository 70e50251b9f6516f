//! The console's HTML, rendered on the server with maud (every value
//! escaped). No inline script or style: the page loads
//! `/console/assets/console.css` and `console.js` only, so the strict
//! Content-Security-Policy holds.

use super::queue::{AgeFilter, ArrangedQueue, QueueFilter};
use super::session::Signed;
use crate::reviewers::Role;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};
use openkyc_reasons::{Code, Kind, Lang};
use openkyc_store::{Applicant, AuditEntry, CaseClaim, RejectionVote, StoredReviewDecision, Upload};

/// `GET /console/assets/console.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../assets/console.css"),
    )
}

/// `GET /console/assets/console.js`.
pub async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../assets/console.js"),
    )
}

/// Rows listed on the queue page (the most urgent; filters narrow the rest).
pub const QUEUE_PAGE_ROWS: usize = 200;

/// A message after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flash {
    /// It worked.
    Ok(String),
    /// It did not.
    Error(String),
}

/// The message after an action, if any (`.flash.ok` / `.flash.error`).
pub fn flash(message: Option<&Flash>) -> Markup {
    html! {
        @match message {
            Some(Flash::Ok(text)) => p.flash.ok role="status" { (text) },
            Some(Flash::Error(text)) => p.flash.error role="alert" { (text) },
            None => {},
        }
    }
}

/// A time as the reviewer reads it: UTC, to the minute.
pub fn when(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

fn when_at(at: DateTime<Utc>) -> String {
    at.format("%a %Y-%m-%d %H:%M UTC").to_string()
}

/// The frame of every page: header with navigation for the signed-in
/// reviewer's role, and the sign-out form.
pub fn layout(title: &str, signed: Option<&Signed>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · openkyc review" }
                link rel="stylesheet" href="/console/assets/console.css";
                script src="/console/assets/console.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/console" { "openkyc review" }
                    @if let Some(signed) = signed {
                        nav {
                            a href="/console" { "Queue" }
                            @if signed.role >= Role::Senior { a href="/console/audit" { "Audit log" } }
                            @if signed.role >= Role::Admin {
                                a href="/console/admin/users" { "Users" }
                                a href="/console/admin/keys" { "API keys" }
                                a href="/console/admin/webhooks" { "Webhooks" }
                                a href="/console/admin/settings" { "Settings" }
                            }
                        }
                        span.who { (signed.reviewer.email) " · " (signed.role.as_str()) }
                        form.inline method="post" action="/console/logout" {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            button type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The sign-in page.
pub fn login(csrf: &str, error: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(error) = error { p.flash.error role="alert" { (error) } }
            form #login method="post" action="/console/login" {
                input type="hidden" name="csrf" value=(csrf);
                label { "E-mail" input type="email" name="email" autocomplete="username" required autofocus; }
                label { "Password" input type="password" name="password" autocomplete="current-password" required; }
                button #login-submit type="submit" { "Sign in" }
            }
        },
    )
}

/// The queue page.
pub fn queue(signed: &Signed, queue: &ArrangedQueue, filter: &QueueFilter, levels: &[String]) -> Markup {
    let counts = &queue.counts;
    layout(
        "Queue",
        Some(signed),
        html! {
            h1 { "Review queue" }
            p #counts {
                strong { (counts.waiting) } " waiting · "
                strong { (counts.claimed) } " claimed · "
                strong.breached-count[counts.breached > 0] { (counts.breached) } " past their SLA deadline"
                @if queue.rows.len() != counts.waiting as usize { " · " (queue.rows.len()) " shown" }
            }
            form #filters method="get" action="/console" {
                label { "Reason " select name="reason" {
                    option value="" { "any" }
                    @for (code, n) in &counts.by_reason {
                        option value=(code) selected[filter.reason.as_ref() == Some(code)] { (code) " (" (n) ")" }
                    }
                } }
                label { "Level " select name="level" {
                    option value="" { "any" }
                    @for level in levels {
                        option value=(level) selected[filter.level.as_ref() == Some(level)] {
                            (level) " (" (counts.by_level.get(level).copied().unwrap_or(0)) ")"
                        }
                    }
                } }
                label { "Country " input type="text" name="country" size="4" maxlength="3" placeholder="DEU"
                    value=(filter.country.clone().unwrap_or_default()); }
                label { "Age " select name="age" {
                    option value="" { "any" }
                    @for age in AgeFilter::ALL {
                        option value=(age.as_str()) selected[filter.age == Some(age)] { (age.label()) }
                    }
                } }
                button type="submit" { "Filter" }
                a href="/console" { "Clear" }
            }
            @if queue.rows.is_empty() {
                p.empty { "Nothing waiting for review." }
            } @else {
                p.hint { "Keys: j / k move, Enter opens." }
                @if queue.rows.len() > QUEUE_PAGE_ROWS {
                    p.hint #truncated { "The first " (QUEUE_PAGE_ROWS) " of " (queue.rows.len())
                        " cases by deadline are listed; narrow the list with the filters." }
                }
                table #queue {
                    thead { tr { th { "Applicant" } th { "Level" } th { "Reasons" } th { "Country" }
                        th { "Submitted" } th { "SLA deadline" } th { "Claim" } } }
                    tbody {
                        @for row in queue.rows.iter().take(QUEUE_PAGE_ROWS) {
                            tr.case data-applicant=(row.case.applicant_id) {
                                td { a.case-link href={ "/console/cases/" (row.case.applicant_id) } {
                                    (row.case.external_user_id) } br; small { (row.case.applicant_id) } }
                                td { (row.case.target_level) }
                                td { @for reason in &row.case.reasons { span.code { (reason) } " " } }
                                td { (row.case.country.clone().unwrap_or_else(|| "—".into())) }
                                td { (when_at(row.submitted_at)) }
                                td.sla.breached[row.breached] {
                                    (when_at(row.deadline)) @if row.breached { " · breached" }
                                }
                                td.claim { (claim_text(row.case.claim.as_ref(), signed)) @if row.case.rejection_votes > 0 {
                                    br; small { "rejection proposed" } } }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn claim_text(claim: Option<&CaseClaim>, signed: &Signed) -> String {
    match claim {
        None => "free".into(),
        Some(claim) if claim.reviewer_id == signed.reviewer.id => "you".into(),
        Some(claim) => claim.reviewer_email.clone(),
    }
}

/// One line of the typed-versus-document comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// What the field is.
    pub label: &'static str,
    /// What the applicant typed.
    pub typed: Option<String>,
    /// What the document says.
    pub document: Option<String>,
    /// The verification named this field in a `DATA_MISMATCH`.
    pub mismatch: bool,
    /// Both are there and differ as written (a transliteration may still
    /// have matched).
    pub differs: bool,
}

/// One automatic check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    /// The stage.
    pub name: String,
    /// `passed`, `failed` or `not_run`.
    pub status: String,
    /// Its score, as reported.
    pub score: Option<String>,
    /// The threshold the level set, in words.
    pub threshold: Option<String>,
    /// The stage's note.
    pub note: Option<String>,
}

/// A reason of the automatic decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonRow {
    /// The code.
    pub code: String,
    /// warning, retry, review or reject.
    pub kind: String,
    /// The field or upload.
    pub field: Option<String>,
    /// The technical detail (operator-only).
    pub detail: Option<String>,
}

/// Another applicant a duplicate names, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// `app_…`.
    pub id: String,
    /// The operator's user id, status, decision and level; `None` when the
    /// applicant is gone.
    pub summary: Option<String>,
    /// Its document front (upload id), to compare with this case's.
    pub front: Option<String>,
}

/// Everything the case page shows.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The applicant.
    pub applicant: Applicant,
    /// Its SLA deadline while on hold, and whether it passed.
    pub deadline: Option<(DateTime<Utc>, bool)>,
    /// The automatic decision's reasons.
    pub reasons: Vec<ReasonRow>,
    /// The images of the current attempt.
    pub uploads: Vec<Upload>,
    /// Typed versus document.
    pub fields: Vec<FieldRow>,
    /// The automatic checks.
    pub checks: Vec<CheckRow>,
    /// Other applicants holding the same document.
    pub document_holders: Vec<Holder>,
    /// Other applicants with a close face, and the distance.
    pub face_holders: Vec<(Holder, Option<f64>)>,
    /// The claim on the case.
    pub claim: Option<CaseClaim>,
    /// Rejection votes of the current attempt (four eyes).
    pub votes: Vec<RejectionVote>,
    /// People's earlier decisions.
    pub decisions: Vec<StoredReviewDecision>,
    /// The audit log of the case.
    pub audit: Vec<AuditEntry>,
    /// A reviewer's rejection needs a second one.
    pub four_eyes: bool,
    /// The case is a decided one a senior reopened (its report was copied,
    /// no verification wrote it).
    pub reopened: bool,
    /// The message after the last action.
    pub flash: Option<Flash>,
}

impl CaseView {
    fn claimed_by_me(&self, signed: &Signed) -> bool {
        self.claim
            .as_ref()
            .is_some_and(|claim| claim.reviewer_id == signed.reviewer.id)
    }

    fn on_hold(&self) -> bool {
        self.applicant.status == openkyc_store::ApplicantStatus::OnHold
    }
}

/// The case page.
pub fn case(signed: &Signed, view: &CaseView) -> Markup {
    let applicant = &view.applicant;
    let id = &applicant.id;
    layout(
        &format!("Case {}", applicant.external_user_id),
        Some(signed),
        html! {
            p.back { a href="/console" { "← Queue" } }
            h1 { "Case " (applicant.external_user_id) " " small { (id) } }
            (flash(view.flash.as_ref()))
            p #case-status {
                "Status " strong { (applicant.status.as_str()) }
                @if let Some(decision) = applicant.decision { " · decision " strong { (decision.as_str()) } }
                " · applies for " strong { (applicant.target_level) }
                " · holds " strong { (applicant.granted_level.clone().unwrap_or_else(|| "no level".into())) }
                " · attempt " (applicant.attempt)
                @if let Some((deadline, breached)) = view.deadline {
                    " · SLA deadline " span.sla.breached[breached] { (when_at(deadline)) @if breached { " (breached)" } }
                }
            }
            (claim_bar(signed, view))
            @if !view.votes.is_empty() {
                section #rejection-votes {
                    h2 { "Rejection proposed" }
                    ul { @for vote in &view.votes {
                        li { (vote.reviewer_email) " at " (when(vote.created_at)) ": "
                            @for reason in &vote.reasons { span.code { (reason.code) } " " } "— " (vote.note) }
                    } }
                    p { "A final rejection needs a senior, or a second reviewer who agrees." }
                }
            }
            section #reasons {
                h2 { "Why it is here" }
                @if view.reasons.is_empty() { p { "No reasons recorded." } }
                ul { @for reason in &view.reasons {
                    li { span.code { (reason.code) } " " span.kind { (reason.kind) }
                        @if let Some(field) = &reason.field { " on " (field) }
                        " — " (openkyc_reasons::words(Code::parse(&reason.code).unwrap_or(Code::StepMissing), Lang::En).message)
                        @if let Some(detail) = &reason.detail { br; small { (detail) } } }
                } }
            }
            (duplicates(view))
            (images(id, &view.uploads))
            (fields(&view.fields))
            (checks(&view.checks))
            (decision_forms(signed, view))
            (history(id, view))
        },
    )
}

fn claim_bar(signed: &Signed, view: &CaseView) -> Markup {
    let id = &view.applicant.id;
    html! {
        section.claim-bar {
            @if !view.on_hold() {
                p { "This case is not waiting for review." }
                @if signed.role >= Role::Senior && view.applicant.status == openkyc_store::ApplicantStatus::Completed {
                    form #reopen-form method="post" action={ "/console/cases/" (id) "/reopen" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        label { "Internal note (required) " input type="text" name="note" required; }
                        button #reopen type="submit" { "Reopen for review" }
                    }
                }
            } @else if view.claimed_by_me(signed) {
                p #claimed-by { "Claimed by you"
                    @if let Some(claim) = &view.claim { " until " (when(claim.expires_at)) } "." }
                form.inline method="post" action={ "/console/cases/" (id) "/release" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button #release type="submit" { "Release" }
                }
            } @else {
                @if let Some(claim) = &view.claim {
                    p #claimed-by { "Claimed by " (claim.reviewer_email) " until " (when(claim.expires_at)) "." }
                }
                form #claim-form.inline method="post" action={ "/console/cases/" (id) "/claim" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button #claim type="submit" { "Claim this case" }
                }
                @if view.claim.is_some() && signed.role >= Role::Senior {
                    form #take-over-form.inline method="post" action={ "/console/cases/" (id) "/take-over" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        button #take-over type="submit" { "Take over (senior)" }
                    }
                }
            }
        }
    }
}

fn duplicates(view: &CaseView) -> Markup {
    html! {
        @if !view.document_holders.is_empty() || !view.face_holders.is_empty() {
            section #duplicates {
                h2 { "Other applicants" }
                @if !view.document_holders.is_empty() {
                    p { "The same document is held by:" }
                    ul.holders { @for other in &view.document_holders {
                        li { a.holder href={ "/console/cases/" (other.id) } { (other.id) }
                            @if let Some(summary) = &other.summary { " — " (summary) }
                            @if let Some(front) = &other.front {
                                br;
                                img.holder-front alt={ "document front of " (other.id) }
                                    src={ "/console/cases/" (other.id) "/uploads/" (front) };
                            } }
                    } }
                }
                @if !view.face_holders.is_empty() {
                    p { "A close face is held by:" }
                    ul { @for (other, distance) in &view.face_holders {
                        li { a.holder.face href={ "/console/cases/" (other.id) } { (other.id) }
                            @if let Some(summary) = &other.summary { " — " (summary) }
                            @if let Some(distance) = distance { " (distance " (format!("{distance:.3}")) ")" } }
                    } }
                }
            }
        }
    }
}

fn images(id: &str, uploads: &[Upload]) -> Markup {
    let still = |kind: &str| uploads.iter().rfind(|u| u.kind.as_str() == kind);
    let frames: Vec<&Upload> = uploads.iter().filter(|u| u.kind.as_str() == "liveness_frame").collect();
    let video = uploads.iter().rfind(|u| u.kind.as_str() == "liveness_video");
    html! {
        section #images {
            h2 { "Images" }
            div.sides {
                @for kind in ["front", "back", "selfie"] {
                    figure {
                        @if let Some(upload) = still(kind) {
                            img.upload data-kind=(kind) alt=(kind) src={ "/console/cases/" (id) "/uploads/" (upload.id) };
                        } @else { div.missing { "no " (kind) } }
                        figcaption { (kind) }
                    }
                }
                @if let Some(front) = still("front") {
                    figure {
                        img.crop alt="rectified document" src={ "/console/cases/" (id) "/uploads/" (front.id) "/crop" };
                        figcaption { "front, rectified" }
                    }
                }
            }
            @if let Some(video) = video {
                h3 { "Liveness recording" }
                video controls preload="metadata" src={ "/console/cases/" (id) "/uploads/" (video.id) } {}
            }
            @if !frames.is_empty() {
                h3 { "Liveness frames" }
                div.frames { @for frame in frames {
                    img.upload data-kind="liveness_frame" loading="lazy" alt={ "frame at " (frame.t_ms.unwrap_or(0)) " ms" }
                        src={ "/console/cases/" (id) "/uploads/" (frame.id) };
                } }
            }
        }
    }
}

/// Where two values differ: the characters they share at the start and at
/// the end (compared in upper case, as documents print names), so the
/// middle of each can be marked.
pub fn differing_middle(typed: &str, document: &str) -> (usize, usize) {
    let a: Vec<String> = typed.chars().map(|c| c.to_uppercase().collect()).collect();
    let b: Vec<String> = document.chars().map(|c| c.to_uppercase().collect()).collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    (prefix, suffix)
}

/// `value` with its characters between `prefix` and `len - suffix` in `<mark>`.
fn marked(value: &str, prefix: usize, suffix: usize) -> Markup {
    let chars: Vec<char> = value.chars().collect();
    let end = chars.len().saturating_sub(suffix).max(prefix);
    let part = |from: usize, to: usize| {
        chars[from.min(chars.len())..to.min(chars.len())]
            .iter()
            .collect::<String>()
    };
    if end <= prefix {
        // Nothing of this side differs (the other holds extra characters).
        return html! { (value) };
    }
    html! { (part(0, prefix)) mark { (part(prefix, end)) } (part(end, chars.len())) }
}

fn field_value(row: &FieldRow, typed_side: bool) -> Markup {
    let (mine, other) = if typed_side {
        (&row.typed, &row.document)
    } else {
        (&row.document, &row.typed)
    };
    match (mine.as_deref().map(str::trim), other.as_deref().map(str::trim)) {
        (Some(mine), Some(other)) if row.mismatch || row.differs => {
            let (prefix, suffix) = if typed_side {
                differing_middle(mine, other)
            } else {
                differing_middle(other, mine)
            };
            marked(mine, prefix, suffix)
        }
        (Some(mine), _) => html! { (mine) },
        (None, _) => html! { "—" },
    }
}

fn fields(rows: &[FieldRow]) -> Markup {
    html! {
        section {
            h2 { "Typed and read" }
            table #fields {
                thead { tr { th { "Field" } th { "Typed by the applicant" } th { "Read from the document" } th {} } }
                tbody { @for row in rows {
                    tr.diff[row.mismatch] .variant[row.differs && !row.mismatch] {
                        th { (row.label) } td { (field_value(row, true)) } td { (field_value(row, false)) }
                        td { @if row.mismatch { "mismatch" } @else if row.differs { "written differently" } }
                    }
                } }
            }
        }
    }
}

fn checks(rows: &[CheckRow]) -> Markup {
    html! {
        section {
            h2 { "Automatic checks" }
            table #checks {
                thead { tr { th { "Check" } th { "Result" } th { "Score" } th { "Threshold" } th { "Note" } } }
                tbody { @for row in rows {
                    tr class=(row.status) {
                        th { (row.name) } td { (row.status) } td { (row.score.clone().unwrap_or_default()) }
                        td { (row.threshold.clone().unwrap_or_default()) } td { (row.note.clone().unwrap_or_default()) }
                    }
                } }
            }
        }
    }
}

fn reason_boxes(codes: &[Code]) -> Markup {
    html! {
        fieldset.reasons {
            legend { "Reasons" }
            @for code in codes {
                label title=(openkyc_reasons::words(*code, Lang::En).message) {
                    input type="checkbox" name="reason" value=(code.as_str()); " " (code.as_str())
                }
            }
        }
    }
}

fn decision_forms(signed: &Signed, view: &CaseView) -> Markup {
    let id = &view.applicant.id;
    let retry_codes: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|code| code.default_kind() == Kind::Retry)
        .collect();
    let reject_codes: Vec<Code> = Code::ALL
        .into_iter()
        .filter(|code| code.default_kind() != Kind::Warning)
        .collect();
    let may_decide = view.on_hold() && view.claimed_by_me(signed);
    let reject_words = if signed.role >= Role::Senior {
        "Reject (final)"
    } else if view.four_eyes {
        "Propose rejection (a second reviewer or a senior must agree)"
    } else {
        "Reject (needs a senior)"
    };
    html! {
        @if view.on_hold() {
            section #decide {
                h2 { "Decide" }
                @if !may_decide { p.hint { "Claim the case to decide it." } }
                p.hint { "Keys: a approve, r ask to retry, x reject." }
                button #approve-open type="button" data-dialog="approve-dialog" disabled[!may_decide] { "Approve (a)" }
                button #retry-open type="button" data-dialog="retry-dialog" disabled[!may_decide] { "Ask to retry (r)" }
                button #reject-open type="button" data-dialog="reject-dialog" disabled[!may_decide] { (reject_words) " (x)" }
                dialog #approve-dialog {
                    form #approve-form method="post" action={ "/console/cases/" (id) "/approve" } {
                        h3 { "Approve and grant " (view.applicant.target_level) }
                        input type="hidden" name="csrf" value=(signed.csrf);
                        label { "Internal note (required)" textarea name="note" required {} }
                        button #approve-submit type="submit" { "Approve" }
                        button.cancel type="button" { "Cancel" }
                    }
                }
                dialog #retry-dialog {
                    form #retry-form method="post" action={ "/console/cases/" (id) "/retry" } {
                        h3 { "Ask the applicant to retry" }
                        input type="hidden" name="csrf" value=(signed.csrf);
                        (reason_boxes(&retry_codes))
                        label { "Message to the applicant (optional)" textarea name="message" maxlength="1000" {} }
                        label { "Internal note (required)" textarea name="note" required {} }
                        button #retry-submit type="submit" { "Ask to retry" }
                        button.cancel type="button" { "Cancel" }
                    }
                }
                dialog #reject-dialog {
                    form #reject-form method="post" action={ "/console/cases/" (id) "/reject" } {
                        h3 { (reject_words) }
                        @if let Some(level) = &view.applicant.granted_level {
                            label {
                                input type="checkbox" name="revoke_level" value="1" checked[view.reopened];
                                " Also take away the level the applicant holds (" (level) ")"
                                @if view.reopened { ": this case was reopened after a decision" }
                            }
                        }
                        input type="hidden" name="csrf" value=(signed.csrf);
                        (reason_boxes(&reject_codes))
                        label { "Internal note (required)" textarea name="note" required {} }
                        button #reject-submit type="submit" { "Reject" }
                        button.cancel type="button" { "Cancel" }
                    }
                }
            }
        }
    }
}

fn history(id: &str, view: &CaseView) -> Markup {
    html! {
        @if !view.decisions.is_empty() {
            section {
                h2 { "Decisions by people" }
                table #decisions {
                    thead { tr { th { "When" } th { "Attempt" } th { "Decision" } th { "Reasons" } th { "By" }
                        th { "Note" } th { "Message to the applicant" } } }
                    tbody { @for decision in &view.decisions {
                        tr { td { (when(decision.created_at)) } td { (decision.attempt) } td { (decision.decision.as_str()) }
                            td { @for reason in &decision.reasons { span.code { (reason.code) } " " } }
                            td { (decision.reviewer) } td { (decision.note.clone().unwrap_or_default()) }
                            td { (decision.message.clone().unwrap_or_default()) } }
                    } }
                }
            }
        }
        section {
            h2 { "Audit log " small { a href={ "/console/cases/" (id) "/audit.csv" } { "CSV" } } }
            (audit_table(&view.audit, false))
        }
    }
}

/// The audit rows as a table (`with_case`: a column linking each case).
pub fn audit_table(entries: &[AuditEntry], with_case: bool) -> Markup {
    html! {
        table #audit {
            thead { tr { th { "When" } th { "Who" } th { "What" } @if with_case { th { "Case" } } th { "From" } th { "Detail" } } }
            tbody { @for entry in entries {
                tr { td { (when(entry.at)) } td { (entry.actor_email) } td { (entry.action) }
                    @if with_case { td { @if let Some(case) = &entry.applicant_id {
                        a href={ "/console/cases/" (case) } { (case) } } } }
                    td { (entry.ip.clone().unwrap_or_default()) }
                    td.detail { (detail_text(&entry.detail)) } }
            } }
        }
    }
}

/// The detail object as `key: value` pairs.
pub fn detail_text(detail: &serde_json::Value) -> String {
    match detail {
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(key, value)| match value {
                serde_json::Value::String(text) => format!("{key}: {text}"),
                other => format!("{key}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// The whole audit log, for seniors.
pub fn audit_page(signed: &Signed, entries: &[AuditEntry], from: &str, to: &str) -> Markup {
    layout(
        "Audit log",
        Some(signed),
        html! {
            h1 { "Audit log" }
            form #audit-range method="get" action="/console/audit" {
                label { "From " input type="date" name="from" value=(from); }
                label { "To " input type="date" name="to" value=(to); }
                button type="submit" { "Show" }
                a href={ "/console/audit.csv?from=" (from) "&to=" (to) } { "Download CSV" }
            }
            p.hint { "Dates are UTC. The newest 1000 entries of the range are shown; the CSV holds the whole range." }
            (audit_table(entries, true))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_the_page_loads_only_local_files() {
        let page = login("tok\"en", Some("<script>alert(1)</script>")).into_string();
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{page}");
        assert!(page.contains("value=\"tok&quot;en\""), "{page}");
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("src=\"/console/assets/console.js\""));
        assert!(!page.contains("http://") && !page.contains("https://"));
        assert!(!page.contains("style="), "no inline styles under the CSP");
    }

    #[test]
    fn the_differing_middle_of_two_values_is_marked() {
        assert_eq!(differing_middle("Müler", "MUELLER"), (1, 3));
        assert_eq!(differing_middle("HANS", "hans"), (4, 0));
        assert_eq!(differing_middle("C01X00T47", "C01X00T48"), (8, 0));
        assert_eq!(differing_middle("AB", "ABAB"), (2, 0));
        assert_eq!(differing_middle("", "X"), (0, 0));
        assert_eq!(marked("Müler", 1, 3).into_string(), "M<mark>ü</mark>ler");
        assert_eq!(marked("MUELLER", 1, 3).into_string(), "M<mark>UEL</mark>LER");
        assert_eq!(marked("AB", 2, 0).into_string(), "AB");
    }

    #[test]
    fn details_read_as_pairs() {
        assert_eq!(detail_text(&serde_json::json!({})), "");
        assert_eq!(
            detail_text(&serde_json::json!({"decision": "retry", "reasons": ["DOC_BLURRY"]})),
            "decision: retry; reasons: [\"DOC_BLURRY\"]"
        );
    }
}
