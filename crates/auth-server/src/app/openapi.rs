//! The OpenAPI 3 document of the whole API, made from the routers themselves: each route
//! module exports one `OpenApiRouter` whose routes are declared with `routes!(…)`, so a
//! route is written once for both the router and `/openapi.json`. Here they are merged and
//! split into the router and its document, which gets the one `info`, the `bearer` (JWT)
//! security scheme, the error body schema the shared answers refer to, and the answer the
//! middleware stack gives on every route (503; see `http::answers` for why that one alone
//! is added here rather than named by the handlers).

use axum::Router;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{InfoBuilder, LicenseBuilder, OpenApi};
use utoipa::{IntoResponses, PartialSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::http::answers::{ERROR_BODY, Unavailable};
use crate::http::error::ErrorBody;
use crate::routes::ops::openapi::ApiDocument;
use crate::state::AppState;

/// Name of the security scheme protected paths refer to.
pub const BEARER: &str = "bearer";

/// Every documented route, the operations routes serving the document they make.
fn api(document: ApiDocument) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(crate::routes::auth::router())
        .merge(crate::routes::users::router())
        .merge(crate::routes::items::router())
        .merge(crate::routes::ops::router(document))
}

/// The documented routes, with `/openapi.json` serving their document.
pub fn documented_routes() -> Router<AppState> {
    let document = ApiDocument::default();
    let (routes, openapi) = api(document.clone()).split_for_parts();
    document.publish(&complete(openapi));
    routes
}

/// The whole API's document, as `/openapi.json` serves it.
pub fn document() -> OpenApi {
    complete(api(ApiDocument::default()).split_for_parts().1)
}

/// The routers' document with what belongs to the API as a whole.
fn complete(mut doc: OpenApi) -> OpenApi {
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
    let mut http = Http::new(HttpAuthScheme::Bearer);
    http.bearer_format = Some("JWT".into());
    components.add_security_scheme(BEARER, SecurityScheme::Http(http));
    components.schemas.insert(ERROR_BODY.to_string(), ErrorBody::schema());
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            for (status, answer) in Unavailable::responses() {
                operation.responses.responses.entry(status).or_insert(answer);
            }
        }
    }
    doc
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
        assert!(components.schemas.contains_key(ERROR_BODY));
        assert!(doc.paths.paths.contains_key("/healthz"));
        assert!(doc.paths.paths.contains_key("/api/v1/auth/login"));
    }
}
