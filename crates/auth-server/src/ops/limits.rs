//! Request limits as middleware: the body size (413 JSON before any handler runs when
//! `Content-Length` is too big; bodies without a length are wrapped so reading past the
//! limit fails, which the body extractors answer 413) and the request deadline (503 JSON).
//! They share one middleware with the request metrics: every `from_fn` layer clones and
//! boxes the route it wraps on each request, and under callgrind three such layers cost
//! more than verifying the token.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::error::ApiError;

/// What [`guard`] enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take.
    pub deadline: Duration,
}

/// Middleware: counts and times the request, refuses bodies larger than the limit and
/// answers 503 when the deadline passes.
pub async fn guard(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let tracker = super::metrics::Tracker::start(&request);
    let response = if declares_too_much(&request, limits.max_body_bytes) {
        ApiError::PayloadTooLarge.into_response()
    } else {
        let request = request.map(|body| limited_body(body, limits.max_body_bytes));
        within_deadline(limits.deadline, next.run(request)).await
    };
    tracker.finish(&response);
    response
}

fn declares_too_much(request: &Request, limit: usize) -> bool {
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

/// `response`, or 503 `{"msg": "Request timed out", "error": "timeout"}` when it is not
/// ready within `deadline` (the handler's work is dropped).
async fn within_deadline(deadline: Duration, response: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(deadline, response).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(deadline_ms = deadline.as_millis() as u64, "request timed out");
            super::error_response(StatusCode::SERVICE_UNAVAILABLE, "Request timed out", "timeout")
        }
    }
}
