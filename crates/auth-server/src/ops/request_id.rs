//! Request ids and request logging: every request gets an `x-request-id` (the client's,
//! when it is short and printable, else a new UUID v7), echoed on the response and
//! recorded on a tracing span that every log line of the request is written inside.
//! Credentials are never logged: the headers that carry them are marked sensitive (see
//! `startup::with_middleware`) and print as `Sensitive`; bodies and query strings are not
//! logged at all.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderName, HeaderValue};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The request id header, read from requests and written on responses.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest client-supplied request id kept as is.
const MAX_CLIENT_ID_LEN: usize = 128;

/// The request id, also stored in the request extensions for handlers.
#[derive(Debug, Clone)]
pub struct RequestId(pub HeaderValue);

/// Middleware: picks the request id, stores it on the request and echoes it back.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .filter(|value| acceptable(value))
        .cloned()
        .unwrap_or_else(new_id);
    request.headers_mut().insert(REQUEST_ID, id.clone());
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

/// A client id is kept when it is 1–128 visible ASCII characters (no log forging).
fn acceptable(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty() && bytes.len() <= MAX_CLIENT_ID_LEN && bytes.iter().all(u8::is_ascii_graphic)
}

fn new_id() -> HeaderValue {
    HeaderValue::from_str(&uuid::Uuid::now_v7().to_string()).expect("a UUID is a valid header value")
}

/// The request-logging layer with our span and events.
pub type Trace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<Body>) -> Span,
    fn(&Request<Body>, &Span),
    fn(&Response<Body>, Duration, &Span),
>;

/// One `request` span per request (id, method, path), a debug line with the (redacted)
/// request headers, and a line with the status and latency: at `info` for refusals
/// (4xx; 5xx are logged as errors by the layer), at `debug` for the rest. A line per
/// successful request was the largest cost after the token check itself under callgrind;
/// access logs belong to the proxy, the audit log records what matters to security.
pub fn trace_layer() -> Trace {
    TraceLayer::new_for_http()
        .make_span_with(make_span as fn(&Request<Body>) -> Span)
        .on_request(on_request as fn(&Request<Body>, &Span))
        .on_response(on_response as fn(&Response<Body>, Duration, &Span))
}

fn make_span(request: &Request<Body>) -> Span {
    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
}

fn on_request(request: &Request<Body>, _span: &Span) {
    tracing::debug!(headers = ?request.headers(), "request received");
}

fn on_response(response: &Response<Body>, latency: Duration, _span: &Span) {
    tracing::debug!(headers = ?response.headers(), "response headers");
    let status = response.status().as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    if response.status().is_client_error() {
        tracing::info!(status, latency_ms, "request finished");
    } else {
        tracing::debug!(status, latency_ms, "request finished");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_kept_only_when_printable_and_short() {
        assert!(acceptable(&HeaderValue::from_static("abc-123_XYZ")));
        assert!(!acceptable(&HeaderValue::from_static("")));
        assert!(!acceptable(&HeaderValue::from_static("with space")));
        assert!(!acceptable(&HeaderValue::from_str(&"a".repeat(129)).unwrap()));
        assert!(acceptable(&HeaderValue::from_str(&"a".repeat(128)).unwrap()));
    }

    #[test]
    fn generated_ids_are_uuid_v7() {
        let id = new_id();
        let parsed = uuid::Uuid::parse_str(id.to_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 7);
        assert_ne!(new_id(), id);
    }
}
