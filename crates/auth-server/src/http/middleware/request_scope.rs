//! The middleware every routed request runs inside: its request id, its log span (made
//! up front or by its first line, see telemetry/request_span.rs) and lines, its metrics, its body limit, its deadline, and its credential headers marked
//! sensitive before anything could print them.
//!
//! It is one hand-written service instead of a request-id `from_fn`, tower-http's
//! `TraceLayer` and a metrics/limits `from_fn`: each `from_fn` boxes a clone of the route
//! it wraps on every request and `TraceLayer` adds a classifier and three callbacks, and
//! together they cost more than verifying the token (figures in docs/performance.md).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::Method;
use tower::{Layer, Service};
use tracing::Level;

use crate::http::error::ApiError;
use crate::http::middleware::limits::{self, Limits};
use crate::http::middleware::request_id::{self, REQUEST_ID};
use crate::http::middleware::sensitive;
use crate::telemetry::metrics::Tracker;
use crate::telemetry::request_span::RequestLog;

/// Wraps routes in [`RequestScope`].
#[derive(Debug, Clone, Copy)]
pub struct RequestScopeLayer {
    limits: Limits,
}

impl RequestScopeLayer {
    /// The layer enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        RequestScopeLayer { limits }
    }
}

impl<S> Layer<S> for RequestScopeLayer {
    type Service = RequestScope<S>;
    fn layer(&self, inner: S) -> RequestScope<S> {
        RequestScope {
            inner,
            limits: self.limits,
        }
    }
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct RequestScope<S> {
    inner: S,
    limits: Limits,
}

impl<S> Service<Request> for RequestScope<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        // The route is called here, before this returns, so the service that was polled
        // ready serves the request itself: no clone of it has to wait for the next one (a
        // clone of axum's boxed route is an allocation).
        let inner = &mut self.inner;
        let limits = self.limits;
        let started = Instant::now();
        let id = request_id::new_id();
        // The span is made up front only when `debug` is on (the line below is written
        // before the future runs); otherwise the first line of the request makes it.
        let log = RequestLog::new(id, request_id::client_id(request.headers()), tracing::enabled!(Level::DEBUG));
        sensitive::mark(request.headers_mut(), &sensitive::IN_REQUESTS);
        let (method, uri) = (request.method().clone(), request.uri().clone());
        let tracker = Tracker::start(&request);
        // The route's future is made here and moved once into the deadline's: made inside
        // the `async` block below, the request and then the future were moved through each
        // enclosing future in turn (docs/performance.md).
        let route = || {
            tracing::debug!(headers = ?request.headers(), "request received");
            // The deadline counts from `started`: one clock read fewer than `timeout`.
            let deadline = tokio::time::Instant::from_std(started) + limits.deadline;
            if limits::declares_too_much(&request, limits.max_body_bytes) {
                return Err((request.into_body(), deadline));
            }
            let request = request.map(|body| limits::limited_body(body, limits.max_body_bytes));
            Ok(tokio::time::timeout_at(deadline, inner.call(request)))
        };
        let answer = log.in_scope(route);
        let future = async move {
            let mut response = match answer {
                Err((body, deadline)) => {
                    limits::drain_before_refusing(body, deadline).await;
                    ApiError::PayloadTooLarge.into_response()
                }
                Ok(answer) => match answer.await {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    Err(_) => limits::timed_out(limits.deadline),
                },
            };
            sensitive::mark(response.headers_mut(), &sensitive::IN_RESPONSES);
            let elapsed = started.elapsed();
            tracker.finish(&response, elapsed);
            log_response(&method, uri.path(), &response, elapsed);
            response.headers_mut().insert(REQUEST_ID, request_id::header_value(id));
            Ok(response)
        };
        log.instrument(future)
    }
}

/// The status line of the request: `info` for refusals (4xx), `error` for failures (5xx),
/// `debug` for the rest. A line per successful request was the largest cost after the
/// token check; access logs belong to the proxy, and the audit log records what matters
/// to security.
fn log_response(method: &Method, path: &str, response: &Response, elapsed: Duration) {
    tracing::debug!(headers = ?response.headers(), "response headers");
    let status = response.status().as_u16();
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    if response.status().is_server_error() {
        tracing::error!(%method, path, status, latency_ms, "request failed");
    } else if response.status().is_client_error() {
        tracing::info!(%method, path, status, latency_ms, "request finished");
    } else {
        tracing::debug!(%method, path, status, latency_ms, "request finished");
    }
}
