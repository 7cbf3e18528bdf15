//! Prometheus metrics: one process-wide recorder (tests build several applications in one
//! process, so it is installed once and shared), the request counts and latencies by
//! matched route, method and status (kept per thread by `http_metrics.rs`), and the names
//! of the domain counters the handlers increment.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use http::Method;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::telemetry::http_metrics;

/// Requests answered, by `method`, `path` (the route pattern) and `status`.
pub const HTTP_REQUESTS: &str = "http_requests_total";
/// Request latency in seconds, by `method`, `path` and `status`.
pub const HTTP_DURATION: &str = "http_request_duration_seconds";
/// Password checks, by `outcome` (`ok`, `failed`, `throttled`).
pub const LOGINS: &str = "auth_logins_total";
/// Accounts registered.
pub const REGISTRATIONS: &str = "auth_registrations_total";
/// Refresh-token presentations, by `outcome` (`rotated`, `reused` = reuse detected, `gone`).
pub const REFRESHES: &str = "auth_refreshes_total";
/// Revocations recorded, by `kind` (`token`, `session`, `user`).
pub const REVOCATIONS: &str = "auth_revocations_total";
/// Audit-log events, by `event` (the vocabulary of `crate::domain::audit`).
pub const AUDIT_EVENTS: &str = "auth_audit_events_total";

/// Entries of the in-memory revocation state (absent with Redis, which expires its own).
pub const REVOCATION_ENTRIES: &str = "auth_revocation_entries";
/// What keeps the revocation view current with Redis (`infra/revocation/synced.rs`): 2 the
/// channel, 1 only the database poll, 0 nothing (checks answer 503).
pub const REVOCATION_SYNC: &str = "auth_revocation_sync";
/// Time one argon2id hash or verification takes on the hashing pool, in seconds.
pub const PASSWORD_HASH_DURATION: &str = "auth_password_hash_seconds";
/// Password checks dropped unrun because their client had gone.
pub const PASSWORD_HASHES_SKIPPED: &str = "auth_password_hashes_skipped_total";
/// Password checks refused with 503 because the hashing queue was full.
pub const PASSWORD_HASHES_REFUSED: &str = "auth_password_hashes_refused_total";

/// The `path` label of requests that matched no route (keeps the label set bounded).
const UNMATCHED: &str = "unmatched";

/// Latency buckets from 1 ms to 10 s (password hashing sits around 50–500 ms).
pub const LATENCY_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process-wide Prometheus handle, installing the global recorder on first use.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(PASSWORD_HASH_DURATION.to_string()), LATENCY_BUCKETS)
            .expect("the latency buckets are not empty");
        let handle = match builder.install_recorder() {
            Ok(handle) => handle,
            Err(e) => {
                // Someone else installed a recorder: keep serving, with an empty exposition.
                tracing::warn!(error = %e, "could not install the Prometheus recorder");
                PrometheusBuilder::new().build_recorder().handle()
            }
        };
        describe();
        handle
    })
}

/// How often histogram samples are folded into their buckets.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Folds the histograms' pending samples into their buckets every few seconds. The
/// recorder keeps every sample until this runs, and `install_recorder` does not schedule
/// it: without a scrape, each sample stayed behind for good (when requests were timed
/// through the recorder, the RSS under wrk grew without bound before this task existed;
/// password hashes are its only histogram now).
pub fn spawn_upkeep() -> tokio::task::JoinHandle<()> {
    tokio::spawn(async {
        let mut ticker = tokio::time::interval(UPKEEP_INTERVAL);
        loop {
            ticker.tick().await;
            handle().run_upkeep();
        }
    })
}

/// Help texts, and the domain counters registered at zero so dashboards see them at once.
fn describe() {
    metrics::describe_counter!(LOGINS, "Password checks (login, fresh-login, password change) by outcome");
    metrics::describe_counter!(REGISTRATIONS, "Accounts registered");
    metrics::describe_counter!(REFRESHES, "Refresh-token presentations by outcome (reused = reuse detected)");
    metrics::describe_counter!(REVOCATIONS, "Revocations recorded by kind (token, session, user)");
    metrics::describe_gauge!(REVOCATION_ENTRIES, "Entries of the in-memory revocation state");
    metrics::describe_gauge!(
        REVOCATION_SYNC,
        "Revocation view kept by: 2 the Redis channel, 1 the database poll only, 0 nothing (fail closed)"
    );
    metrics::describe_histogram!(
        PASSWORD_HASH_DURATION,
        metrics::Unit::Seconds,
        "Time one argon2id hash or verification takes"
    );
    metrics::describe_counter!(
        PASSWORD_HASHES_SKIPPED,
        "Password checks dropped unrun because their client had gone"
    );
    metrics::describe_counter!(
        PASSWORD_HASHES_REFUSED,
        "Password checks refused (503) because the hashing queue was full"
    );
    metrics::describe_counter!(AUDIT_EVENTS, "Audit-log events by event (the `audit` log target)");
    for outcome in ["ok", "failed", "throttled"] {
        metrics::counter!(LOGINS, "outcome" => outcome).increment(0);
    }
    metrics::counter!(REGISTRATIONS).increment(0);
    for outcome in ["rotated", "reused", "gone"] {
        metrics::counter!(REFRESHES, "outcome" => outcome).increment(0);
    }
    for kind in ["token", "session", "user"] {
        metrics::counter!(REVOCATIONS, "kind" => kind).increment(0);
    }
}

/// Counts and times one request by route pattern, method and status (see
/// `request_scope.rs`, the middleware that runs it).
pub struct Tracker {
    method: &'static str,
    path: Option<MatchedPath>,
}

impl Tracker {
    /// Notes the route and method of `request`.
    pub fn start(request: &Request) -> Self {
        Tracker {
            method: method_label(request.method()),
            path: request.extensions().get::<MatchedPath>().cloned(),
        }
    }

    /// Records the request with the status of `response`, answered in `elapsed` (the
    /// caller's clock: the log line reports the same duration without reading it again).
    pub fn finish(self, response: &Response, elapsed: Duration) {
        let path = self.path.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
        http_metrics::record(path, self.method, response.status().as_u16(), elapsed.as_secs_f64());
    }
}

/// The whole exposition: the recorder's metrics, then the request counts and latencies.
pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    let mut text = handle.render();
    http_metrics::render(&mut text);
    text
}

/// Standard methods by name, anything else as `other` (clients choose methods freely).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::DELETE), "DELETE");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::TRACE), "other");
    }

    #[test]
    fn the_handle_is_shared() {
        assert!(std::ptr::eq(handle(), handle()));
        metrics::counter!(LOGINS, "outcome" => "ok").increment(1);
        assert!(handle().render().contains("auth_logins_total{outcome=\"ok\"}"));
    }
}
