//! Request limits, enforced by `request_scope.rs`: the body size (413 JSON before any
//! handler runs when `Content-Length` is too big, after reading the body up to 1 MiB so
//! that the client can read the answer; bodies without a length are wrapped so reading
//! past the limit fails, which the body extractors answer 413) and the request deadline
//! (503 JSON).

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

/// Most of a body declared over the limit that is read, and dropped, before the 413.
///
/// hyper closes a connection whose request body was left unread, and a socket closed
/// with unread data makes the kernel answer the client with a reset: a client still
/// sending its body then got a reset instead of the 413 (a test sending 200 KiB failed
/// that way about one run in four with the machine loaded). Read to its end, the body
/// leaves nothing behind, and the client reads the answer on a connection that stays
/// open. Larger bodies (or slower ones, past the request deadline) are answered at once.
const DRAINED_AT_MOST: u64 = 1 << 20;

/// Reads what is left of a body declared too large, within `deadline`, when it is
/// declared at most [`DRAINED_AT_MOST`] bytes (and stops there if it carries more).
pub(crate) async fn drain_before_refusing(body: Body, deadline: tokio::time::Instant) {
    use http_body_util::BodyExt;
    let mut body = body;
    let declared = axum::body::HttpBody::size_hint(&body).upper().unwrap_or(u64::MAX);
    if declared > DRAINED_AT_MOST {
        return;
    }
    let drain = async {
        let mut read = 0_u64;
        while read <= DRAINED_AT_MOST {
            match body.frame().await {
                Some(Ok(frame)) => read += frame.data_ref().map_or(0, |data| data.len() as u64),
                Some(Err(_)) | None => return,
            }
        }
    };
    let _ = tokio::time::timeout_at(deadline, drain).await;
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
