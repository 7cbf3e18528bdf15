//! `/openapi.json`: serves the OpenAPI 3 document that `app::openapi` assembles from every
//! route module (this one only describes the operations paths and serves the result).

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use http::header;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        super::health::healthz,
        super::health::readyz,
        super::metrics::metrics,
        openapi_json,
        super::docs::docs_page,
    ),
    components(schemas(super::health::ProbeStatus, crate::http::error::ErrorBody)),
    tags((name = "operations", description = "Probes, metrics and this documentation"))
)]
struct OpsApi;

/// The operations paths' part of the document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    OpsApi::openapi()
}

/// The whole document, serialised once at start-up and handed to the route as an
/// extension by the application that assembled it.
#[derive(Clone)]
pub struct ApiDocument(Bytes);

impl ApiDocument {
    /// Serialises `doc`.
    pub fn new(doc: &utoipa::openapi::OpenApi) -> Self {
        ApiDocument(Bytes::from(doc.to_json().expect("the OpenAPI document serialises")))
    }
}

/// The `/openapi.json` route.
pub fn router(document: ApiDocument) -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi_json)).layer(Extension(document))
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json", body = Object)),
    security(())
)]
pub async fn openapi_json(Extension(ApiDocument(json)): Extension<ApiDocument>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}
