//! Request limits as middleware: the body size (413 JSON before any handler runs when
//! `Content-Length` is too big; bodies without a length are wrapped so reading past the
//! limit fails, which the body extractors answer 413) and the request deadline (503 JSON).

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::error::ApiError;

/// Middleware: refuses bodies larger than `limit` bytes.
pub async fn body_limit(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    next.run(request.map(|body| limited_body(body, limit))).await
}

/// `body`, failing with "length limit exceeded" once more than `limit` bytes are read.
pub fn limited_body(body: Body, limit: usize) -> Body {
    Body::new(http_body_util::Limited::new(body, limit))
}

/// Middleware: answers 503 `{"msg": "Request timed out", "error": "timeout"}` when the
/// request is not answered within `deadline` (the handler's work is dropped).
pub async fn timeout(State(deadline): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(deadline_ms = deadline.as_millis() as u64, "request timed out");
            super::error_response(StatusCode::SERVICE_UNAVAILABLE, "Request timed out", "timeout")
        }
    }
}
