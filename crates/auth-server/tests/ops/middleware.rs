//! The HTTP middleware: request ids, JSON 404/405 (never 401), the body limit (413 JSON)
//! and the request deadline (503 JSON).

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{client, serve_routes, settings, spawn, spawn_with};

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
async fn bodies_over_the_limit_are_413_json() {
    let app = spawn_with(|args| args.max_body_bytes = 1024).await;
    let big = format!(r#"{{"username": "alice", "password": "{}"}}"#, "p".repeat(2000));

    // Declared length over the limit: refused before any handler runs.
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["msg"], "Request body too large");
    assert_eq!(body["error"], "payload_too_large");

    // No declared length (chunked): cut off while reading.
    let (status, body) = raw_chunked_post(&app.base, "/api/v1/auth/login", &big).await;
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["msg"], "Request body too large");

    // A body under the limit still reaches the handler (wrong password -> 401, not 413).
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&serde_json::json!({ "username": "nobody", "password": "wrong password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

/// POSTs `body` with `Transfer-Encoding: chunked` and returns the status and body.
async fn raw_chunked_post(base: &str, path: &str, body: &str) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for chunk in body.as_bytes().chunks(256) {
        request.push_str(&format!("{:x}\r\n{}\r\n", chunk.len(), std::str::from_utf8(chunk).unwrap()));
    }
    request.push_str("0\r\n\r\n");
    // The server may answer and close before reading everything; that is fine.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, dechunk(&body))
}

/// The payload of a chunked response body (or the body itself when not chunked).
fn dechunk(body: &str) -> String {
    if body.trim_start().starts_with('{') {
        return body.to_string();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 || tail.len() < size {
            break;
        }
        out.push_str(&tail[..size]);
        rest = tail[size..].trim_start_matches("\r\n");
    }
    out
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
