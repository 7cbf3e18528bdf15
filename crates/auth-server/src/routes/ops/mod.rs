//! Operations: health and readiness probes, metrics, the OpenAPI document and its docs
//! page, and the JSON answers for unknown routes and methods.

pub mod docs;
pub mod health;
pub mod metrics;
pub mod openapi;

use axum::response::Response;
use http::StatusCode;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::http::error::{ApiError, error_response};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "operations", description = "Probes, metrics and this documentation")))]
struct OpsApi;

/// The operations routes: probes, `/metrics`, `/openapi.json` (serving `document`) and
/// `/docs`.
pub fn router(document: openapi::ApiDocument) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(OpsApi::openapi())
        .merge(health::router())
        .merge(metrics::router())
        .merge(openapi::router(document))
        .merge(docs::router())
}

/// Unknown routes: 404 with a JSON body (never 401: auth is layered per route).
pub async fn not_found() -> ApiError {
    ApiError::NotFound("Not found")
}

/// A known path with a method it does not serve: 405 with a JSON body (axum adds `Allow`).
pub async fn method_not_allowed() -> Response {
    error_response(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", "method_not_allowed")
}
