//! `/metrics`: request counts and latencies by route pattern, method and status, and the
//! domain counters. The recorder is process-wide (shared with the other tests of this
//! binary), so the checks compare before/after values.

use serde_json::json;

use crate::helpers::spawn;

const HEALTHZ_OK: &str = r#"http_requests_total{method="GET",path="/healthz",status="200"}"#;
const HEALTHZ_LATENCY: &str = r#"http_request_duration_seconds_count{method="GET",path="/healthz",status="200"}"#;
const LOGIN_FAILED: &str = r#"auth_logins_total{outcome="failed"}"#;

#[tokio::test]
async fn requests_are_counted_and_timed_by_route_pattern() {
    let app = spawn().await;
    let before = app.metric(HEALTHZ_OK).await;
    let latency_before = app.metric(HEALTHZ_LATENCY).await;
    for _ in 0..3 {
        assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), 200);
    }
    assert!(app.metric(HEALTHZ_OK).await >= before + 3.0);
    assert!(app.metric(HEALTHZ_LATENCY).await >= latency_before + 3.0);

    // Path parameters are not labels: the pattern is.
    let response = app.client.get(app.url("/api/v1/users/918273")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains(r#"path="/api/v1/users/{id}",status="401""#), "{text}");
    assert!(!text.contains("918273"));
    app.stop().await;
}

#[tokio::test]
async fn the_exposition_is_prometheus_text_with_the_auth_counters() {
    let app = spawn().await;
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = response.text().await.unwrap();
    for name in [
        "# TYPE http_requests_total counter",
        "# TYPE http_request_duration_seconds histogram",
        "auth_logins_total{outcome=\"ok\"}",
        "auth_refreshes_total{outcome=\"reused\"}",
        "auth_revocations_total{kind=\"session\"}",
        "auth_registrations_total",
    ] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }

    let failed_before = app.metric(LOGIN_FAILED).await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "username": "ghost", "password": "not the password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(app.metric(LOGIN_FAILED).await >= failed_before + 1.0);
    app.stop().await;
}
