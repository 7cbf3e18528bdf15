//! Request limits, enforced by `request_scope.rs`: the body size (413 JSON before any
//! handler runs when `Content-Length` is too big; bodies without a length are wrapped so
//! reading past the limit fails, which the body extractors answer 413) and the request
//! deadline (503 JSON).

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::{StatusCode, header};

/// What the request scope enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take.
    pub deadline: Duration,
}

/// Whether `Content-Length` alone is over the limit (413 before reading anything).
pub(crate) fn declares_too_much(request: &Request, limit: usize) -> bool {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
}

/// `body`, failing with "length limit exceeded" once more than `limit` bytes are read.
pub fn limited_body(body: Body, limit: usize) -> Body {
    Body::new(http_body_util::Limited::new(body, limit))
}

/// The answer of a request whose deadline passed first (the request scope runs the
/// route under `tokio::time::timeout`, and the handler's work is dropped): 503
/// `{"msg": "Request timed out", "error": "timeout"}`.
pub(crate) fn timed_out(deadline: Duration) -> Response {
    tracing::warn!(deadline_ms = deadline.as_millis() as u64, "request timed out");
    crate::http::error::error_response(StatusCode::SERVICE_UNAVAILABLE, "Request timed out", "timeout")
}
