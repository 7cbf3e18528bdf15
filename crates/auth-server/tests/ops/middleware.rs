//! The HTTP middleware: request ids, JSON 404/405 (never 401) and the request deadline
//! (503 JSON); the body limit has `body_limit.rs`.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{client, serve_routes, settings, spawn};

#[tokio::test]
async fn request_ids_are_always_the_server_s_own() {
    let app = spawn().await;
    let generated = app.client.get(app.url("/healthz")).send().await.unwrap();
    let id = generated.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(uuid::Uuid::parse_str(&id).expect("a UUID").get_version_num(), 7);
    let other = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), id, "a new id per request");

    let with_client_id = app
        .client
        .get(app.url("/nope"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(with_client_id.status(), 404);
    let own = with_client_id.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(own, "abc-123", "a client does not choose the server's id");
    assert_eq!(uuid::Uuid::parse_str(own).expect("a UUID").get_version_num(), 7);

    let too_long = "x".repeat(200);
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", &too_long)
        .send()
        .await
        .unwrap();
    let id = replaced.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id, too_long);
    assert!(uuid::Uuid::parse_str(id).is_ok());
    app.stop().await;
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_never_401() {
    let app = spawn().await;
    let unknown = app
        .client
        .get(app.url("/api/v1/nothing-here"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert!(body["msg"].is_string(), "{body}");

    // /api/v1/secret needs a token for GET, but a DELETE is a method error, not an auth error.
    let wrong = app.client.delete(app.url("/api/v1/secret")).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = wrong.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET"), "Allow: {allow}");
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["msg"], "Method not allowed");
    assert_eq!(body["error"], "method_not_allowed");

    let probe = app.client.post(app.url("/healthz")).send().await.unwrap();
    assert_eq!(probe.status(), StatusCode::METHOD_NOT_ALLOWED);
    app.stop().await;
}

#[tokio::test]
async fn requests_over_the_deadline_are_503_json() {
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path(), |args| args.request_timeout = Duration::from_secs(1));
    let routes = Router::new()
        .route("/stuck", get(std::future::pending::<&'static str>))
        .route("/quick", get(|| async { "ok" }));
    let (addr, tx, server) = serve_routes(routes, &settings).await;
    let base = format!("http://{addr}");

    let client = client();
    let quick = client.get(format!("{base}/quick")).send().await.unwrap();
    assert_eq!(quick.status(), 200);
    let started = std::time::Instant::now();
    let stuck = client.get(format!("{base}/stuck")).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "answered before the deadline");
    assert_eq!(stuck.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(stuck.headers().contains_key("x-request-id"));
    let body: Value = stuck.json().await.unwrap();
    assert_eq!(body["msg"], "Request timed out");
    assert_eq!(body["error"], "timeout");

    let _ = tx.send(());
    server.await.unwrap().unwrap();
}
