//! The OpenAPI 3 document of the whole API: every route module's paths merged under one
//! `info` and the `bearer` (JWT) security scheme, with the answers every route shares
//! (extractor and middleware errors) added where a handler does not document them.

use std::sync::OnceLock;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, InfoBuilder, LicenseBuilder, Ref, ResponseBuilder};

use crate::routes::ops::openapi::ApiDocument;

/// The document, built and serialised once per process.
pub fn served_document() -> ApiDocument {
    static DOCUMENT: OnceLock<ApiDocument> = OnceLock::new();
    DOCUMENT.get_or_init(|| ApiDocument::new(&document())).clone()
}

/// Name of the security scheme protected paths refer to.
pub const BEARER: &str = "bearer";

/// The whole API's document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = crate::routes::ops::openapi::openapi();
    doc.merge(crate::routes::auth::openapi());
    doc.merge(crate::routes::users::openapi());
    doc.merge(crate::routes::items::openapi());
    doc.info = InfoBuilder::new()
        .title("auth-server")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "A ready-to-run JWT authentication server built on the jwt-extended library: \
             register, log in, refresh with rotation and reuse detection, log out, sessions, \
             users and the tutorials' demo resources. Protected routes take \
             `Authorization: Bearer <access token>`; errors are JSON `{\"msg\": ...}`.",
        ))
        .license(Some(LicenseBuilder::new().name("MIT OR Apache-2.0").build()))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    if !components.security_schemes.contains_key(BEARER) {
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT".into());
        components.add_security_scheme(BEARER, SecurityScheme::Http(http));
    }
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            add_shared_responses(operation);
        }
    }
    doc
}

/// Documents the answers that do not come from the handler itself but from what every
/// route shares, unless the handler documents that status with its own description: the
/// body extractors (400 malformed, 413 too large, 415 wrong content type), the query and
/// path extractors (400), the token extractors (401), and the middleware (503 when the
/// request deadline passes, or a backing service is down).
fn add_shared_responses(operation: &mut Operation) {
    let mut shared: Vec<(&str, &str)> = Vec::new();
    if operation.request_body.is_some() {
        shared.extend([
            ("400", "Malformed body, or a field that fails validation"),
            ("413", "Body larger than `--max-body-bytes`"),
            ("415", "Body in a content type this route does not read"),
        ]);
    }
    if operation.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
        shared.push(("400", "Malformed query string or path parameter"));
    }
    let bearer = SecurityRequirement::new(BEARER, Vec::<String>::new());
    if operation.security.as_ref().is_some_and(|s| s.contains(&bearer)) {
        shared.push(("401", "A missing (where required), malformed, invalid, expired or revoked token"));
    }
    shared.push(("503", "The request deadline passed, or a backing service is unavailable"));
    for (status, description) in shared {
        if !operation.responses.responses.contains_key(status) {
            let response = ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build();
            operation.responses.responses.insert(status.to_string(), response.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_has_one_info_and_the_bearer_scheme() {
        let doc = document();
        assert_eq!(doc.info.title, "auth-server");
        let components = doc.components.expect("components");
        assert!(components.security_schemes.contains_key(BEARER));
        assert!(components.schemas.contains_key("ErrorBody"));
        assert!(doc.paths.paths.contains_key("/healthz"));
        assert!(doc.paths.paths.contains_key("/api/v1/auth/login"));
    }
}
