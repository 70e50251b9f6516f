//! The applicant's status page, `/verify/{token}/status`: where the
//! application stands, in English or Simplified Chinese, from the same view
//! the API gives the applicant (`GET /v1/applicants/{id}` with its token).
//! While a person reviews it, the page gives the queue position and the
//! ETA from the review-hours calendar; after a decision, each reason with
//! what to do, and the reviewer's message. It refreshes itself every 30
//! seconds while anything is pending, with no script at all (a meta
//! refresh), under a Content-Security-Policy that allows only its own
//! stylesheet.
//!
//! The rest of the applicant's web flow (capture, liveness) is issue 8;
//! this page is its last step.

use crate::auth::Caller;
use crate::routes::applicants::applicant_own_view;
use crate::state::AppState;
use crate::views::ApplicantView;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use openkyc_signing::SignatureError;
use serde::Deserialize;
use std::sync::Arc;

/// The page's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLang {
    /// English.
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl PageLang {
    /// The tag used in the reasons' JSON, `lang` attributes and `?lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            PageLang::En => "en",
            PageLang::ZhCn => "zh-CN",
        }
    }

    /// `?lang=` first, then the first supported language of
    /// `Accept-Language` (by order, q-values ignored but `q=0` skipped),
    /// then the applicant's own `lang`, then English.
    pub fn pick(query: Option<&str>, accept_language: Option<&str>, applicant: Option<&str>) -> PageLang {
        let parse = |tag: &str| {
            let tag = tag.trim().to_ascii_lowercase();
            if tag == "zh" || tag.starts_with("zh-cn") || tag.starts_with("zh-hans") || tag == "zh-sg" {
                Some(PageLang::ZhCn)
            } else if tag == "en" || tag.starts_with("en-") {
                Some(PageLang::En)
            } else {
                None
            }
        };
        if let Some(lang) = query.and_then(parse) {
            return lang;
        }
        let accepted = accept_language
            .into_iter()
            .flat_map(|header| header.split(','))
            .find_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?;
                let refused = parts.any(|param| param.trim().replace(' ', "") == "q=0");
                if refused {
                    None
                } else {
                    parse(tag)
                }
            });
        accepted.or_else(|| applicant.and_then(parse)).unwrap_or(PageLang::En)
    }
}

/// The words of the page, in one language.
struct Words {
    title: &'static str,
    not_started: &'static str,
    missing: &'static str,
    checking: &'static str,
    in_review: &'static str,
    queue_position: &'static str,
    approved: &'static str,
    retry: &'static str,
    rejected: &'static str,
    reviewer_message: &'static str,
    refreshes: &'static str,
    expired: &'static str,
    invalid: &'static str,
    language: &'static str,
}

const EN: Words = Words {
    title: "Your identity verification",
    not_started: "We have not received your application yet.",
    missing: "Still to do:",
    checking: "We are checking your documents. This usually takes a minute.",
    in_review: "A member of our team is reviewing your application.",
    queue_position: "Your place in the review queue:",
    approved: "Your identity is verified.",
    retry: "Please correct the following and send your application again:",
    rejected: "We could not verify your identity.",
    reviewer_message: "Message from the reviewer:",
    refreshes: "This page updates itself.",
    expired: "This link has expired. Go back to the site you came from to open your status again.",
    invalid: "This link is not valid. Go back to the site you came from to open your status again.",
    language: "Language",
};

const ZH_CN: Words = Words {
    title: "您的身份验证",
    not_started: "我们尚未收到您的申请。",
    missing: "尚待完成：",
    checking: "我们正在核验您的证件，通常需要一分钟左右。",
    in_review: "我们的工作人员正在审核您的申请。",
    queue_position: "您在审核队列中的位置：",
    approved: "您的身份已通过验证。",
    retry: "请更正以下内容后重新提交申请：",
    rejected: "我们无法验证您的身份。",
    reviewer_message: "审核人员留言：",
    refreshes: "本页面会自动更新。",
    expired: "此链接已过期。请返回您来自的网站，重新打开您的状态页面。",
    invalid: "此链接无效。请返回您来自的网站，重新打开您的状态页面。",
    language: "语言",
};

fn words(lang: PageLang) -> &'static Words {
    match lang {
        PageLang::En => &EN,
        PageLang::ZhCn => &ZH_CN,
    }
}

/// `?lang=`.
#[derive(Debug, Default, Deserialize)]
pub struct StatusQuery {
    lang: Option<String>,
}

/// Only the page's stylesheet: no script, no frame (the embeddable flow of
/// issue 8 will name the operator's origins here).
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn with_headers(status: StatusCode, body: Markup, refresh: bool) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        // The token is in the path: never sent on to another site.
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if refresh {
        headers.insert(header::REFRESH, HeaderValue::from_static("30"));
    }
    response
}

/// `GET /verify/assets/status.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../assets/status.css"),
    )
}

/// `GET /verify/{token}/status`.
pub async fn status(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    Query(query): Query<StatusQuery>,
    headers: HeaderMap,
) -> Response {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let now = state.store.now_ms() / 1000;
    let claims = match openkyc_signing::token::verify(&state.secrets.token_key, token.trim(), now) {
        Ok(claims) => claims,
        Err(error) => {
            let lang = PageLang::pick(query.lang.as_deref(), accept, None);
            let text = match error {
                SignatureError::Expired => words(lang).expired,
                _ => words(lang).invalid,
            };
            return with_headers(StatusCode::UNAUTHORIZED, message_page(lang, text), false);
        }
    };
    let caller = Caller::Applicant {
        applicant_id: claims.applicant_id.clone(),
    };
    let (applicant, view) = match applicant_own_view(&state, &claims.applicant_id, &caller).await {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(code = error.code, "status page: the applicant could not be read");
            let lang = PageLang::pick(query.lang.as_deref(), accept, None);
            return with_headers(StatusCode::NOT_FOUND, message_page(lang, words(lang).invalid), false);
        }
    };
    let lang = PageLang::pick(query.lang.as_deref(), accept, applicant.lang.as_deref());
    let waiting = matches!(view.status.as_str(), "pending" | "on_hold");
    with_headers(StatusCode::OK, status_page(lang, &view), waiting)
}

fn page(lang: PageLang, body: Markup) -> Markup {
    let w = words(lang);
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (w.title) }
                link rel="stylesheet" href="/verify/assets/status.css";
            }
            body {
                main {
                    nav.lang aria-label=(w.language) {
                        a href="?lang=en" lang="en" aria-current=[(lang == PageLang::En).then_some("true")] { "English" }
                        " · "
                        a href="?lang=zh-CN" lang="zh-CN" aria-current=[(lang == PageLang::ZhCn).then_some("true")] { "简体中文" }
                    }
                    h1 { (w.title) }
                    (body)
                }
            }
        }
    }
}

fn message_page(lang: PageLang, text: &str) -> Markup {
    page(lang, html! { p.notice role="alert" { (text) } })
}

/// The text of a reason's `message` or `tip` in `lang`.
fn reason_text(reason: &serde_json::Value, key: &str, lang: PageLang) -> Option<String> {
    reason.get(key)?.get(lang.tag())?.as_str().map(str::to_owned)
}

fn reasons_list(lang: PageLang, view: &ApplicantView) -> Markup {
    html! {
        ul.reasons {
            @for reason in &view.reasons {
                li data-code=(reason.get("code").and_then(|code| code.as_str()).unwrap_or("")) {
                    strong { (reason_text(reason, "message", lang).unwrap_or_default()) }
                    @if let Some(tip) = reason_text(reason, "tip", lang) { br; span.tip { (tip) } }
                }
            }
        }
    }
}

/// The page for `view` in `lang`.
pub fn status_page(lang: PageLang, view: &ApplicantView) -> Markup {
    let w = words(lang);
    let body = html! {
        section #status data-status=(view.status) data-decision=(view.decision.clone().unwrap_or_default()) {
            @match (view.status.as_str(), view.decision.as_deref()) {
                ("init", _) => {
                    p { (w.not_started) }
                    @if !view.missing_steps.is_empty() {
                        p { (w.missing) }
                        ul { @for step in &view.missing_steps { li { code { (step) } } } }
                    }
                },
                ("pending", _) => { p.notice { (w.checking) } p.hint { (w.refreshes) } },
                ("on_hold", _) => {
                    p.notice { (w.in_review) }
                    @if let Some(eta) = &view.review.eta {
                        p #eta .late[eta.beyond_sla] {
                            strong { (if lang == PageLang::ZhCn { &eta.zh_cn } else { &eta.en }) }
                        }
                    }
                    @if let Some(position) = view.review.queue_position {
                        p #queue-position { (w.queue_position) " " strong { (position) } }
                    }
                    p.hint { (w.refreshes) }
                },
                (_, Some("approved")) => {
                    p.notice.ok { (w.approved) }
                    @if let Some(name) = &view.level.name { p #level { strong { (name) } } }
                },
                (_, Some("retry")) => { p.notice { (w.retry) } (reasons_list(lang, view)) },
                (_, Some("rejected")) => { p.notice.bad { (w.rejected) } (reasons_list(lang, view)) },
                _ => { p.notice { (w.checking) } },
            }
            @if let Some(message) = &view.review.message {
                section #reviewer-message {
                    p { (w.reviewer_message) }
                    blockquote { (message) }
                }
            }
        }
    };
    page(lang, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_query_then_the_browser_then_the_applicant() {
        assert_eq!(PageLang::pick(Some("zh-CN"), Some("en-US"), None), PageLang::ZhCn);
        assert_eq!(
            PageLang::pick(None, Some("zh-CN,zh;q=0.9,en;q=0.8"), None),
            PageLang::ZhCn
        );
        assert_eq!(PageLang::pick(None, Some("de-DE, en-GB;q=0.7"), None), PageLang::En);
        assert_eq!(
            PageLang::pick(None, Some("de-DE, zh;q=0"), Some("zh-CN")),
            PageLang::ZhCn
        );
        assert_eq!(PageLang::pick(None, Some("fr"), None), PageLang::En);
        assert_eq!(PageLang::pick(Some("xx"), None, None), PageLang::En);
        assert_eq!(PageLang::pick(None, Some("zh-Hans-CN"), None), PageLang::ZhCn);
    }

    #[test]
    fn both_languages_have_every_sentence_and_chinese_is_chinese() {
        for (en, zh) in [
            (EN.title, ZH_CN.title),
            (EN.in_review, ZH_CN.in_review),
            (EN.retry, ZH_CN.retry),
            (EN.expired, ZH_CN.expired),
        ] {
            assert!(!en.is_empty() && !zh.is_empty());
            assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{zh}");
        }
    }
}
