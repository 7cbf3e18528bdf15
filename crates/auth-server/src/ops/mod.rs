//! Operations: health and readiness probes, metrics, the OpenAPI document and its docs
//! page, request ids and logging, and the JSON answers for unknown routes and methods.

pub mod docs;
pub mod health;
pub mod limits;
pub mod logging;
pub mod metrics;
pub mod openapi;
pub mod request_id;
pub mod request_scope;
pub mod security_headers;

use axum::Json;
use axum::Router;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

pub use logging::init_tracing;

/// The operations routes: probes, `/metrics`, `/openapi.json` and `/docs`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .merge(openapi::router())
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

/// A JSON error body for the answers produced by the middleware itself.
pub(crate) fn error_response(status: StatusCode, msg: &str, code: &str) -> Response {
    let body = ErrorBody {
        msg: msg.to_string(),
        error: Some(code.to_string()),
        errors: None,
    };
    (status, Json(body)).into_response()
}
