//! The OpenAPI 3.1 document, generated from the handlers' annotations
//! (utoipa) and served at `/v1/openapi.json`.

use crate::error::{ErrorObject, ErrorResponse, FieldError};
use crate::routes::{applicants, system, uploads};
use crate::views::{ApplicantView, EtaView, LevelView, ReviewView, UploadView};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "openkyc",
        description = "Self-hostable identity verification. Operator requests are signed: X-App-Key (the API key \
                       id), X-App-Access-Ts (unix seconds or milliseconds, within 5 minutes), X-App-Access-Sig (lowercase hex \
                       HMAC-SHA256, keyed with the key's secret, of ts + METHOD + path with query + body); the \
                       signature of a request that changes state is accepted once. Applicant tokens (Authorization: Bearer v1.…) reach only their \
                       applicant's status, uploads, liveness challenge and submission. Errors are \
                       {\"error\":{\"code\",\"message\",\"request_id\"}} with a stable code."
    ),
    paths(
        applicants::create,
        applicants::list,
        applicants::get,
        applicants::put_info,
        applicants::submit,
        applicants::reset,
        applicants::set_level,
        applicants::access_token,
        uploads::document,
        uploads::selfie,
        uploads::challenge,
        uploads::frames,
        system::healthz,
        system::readyz,
        system::metrics,
        system::openapi,
        system::next_window,
    ),
    components(schemas(
        ErrorResponse,
        ErrorObject,
        FieldError,
        ApplicantView,
        LevelView,
        ReviewView,
        EtaView,
        UploadView,
        applicants::CreateApplicant,
        applicants::ApplicantPage,
        applicants::ApplicantSummary,
        applicants::Submitted,
        applicants::TokenRequest,
        applicants::LevelRequest,
        applicants::AccessToken,
        uploads::ImageForm,
        uploads::FramesForm,
        uploads::UploadResponse,
        uploads::PrecheckView,
        uploads::FramesResponse,
        uploads::ChallengeResponse,
        system::Health,
        system::NextWindow,
    )),
    modifiers(&Security),
    tags(
        (name = "applicants", description = "Applicants, their data, submission and decisions"),
        (name = "uploads", description = "Document photos, the selfie, liveness"),
        (name = "system", description = "Health, readiness, metrics, this document"),
    )
)]
pub struct ApiDoc;

/// The two security schemes: operator signatures and applicant tokens.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "operator",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-App-Key",
                "The API key id; with X-App-Access-Ts and X-App-Access-Sig (HMAC-SHA256 of ts + METHOD + path \
                 with query + body, lowercase hex).",
            ))),
        );
        components.add_security_scheme(
            "applicant",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An applicant access token (v1.…) minted by the operator."))
                    .build(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_every_route() {
        let json = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(json["openapi"].as_str().unwrap().starts_with("3.1"));
        let paths = json["paths"].as_object().unwrap();
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
            "/v1/applicants/{id}/access-tokens",
            "/v1/openapi.json",
            "/healthz",
            "/readyz",
            "/metrics",
        ] {
            assert!(paths.contains_key(path), "{path} missing");
        }
        assert!(json["components"]["securitySchemes"]["operator"].is_object());
    }
}
