//! One body limit with one answer: past `--max-body-bytes`, a body that declares its length
//! and one that arrives chunked get the same 413 JSON, on a route that reads a JSON body
//! and on the refresh routes (which read a body for a refresh token); a body under the
//! limit reaches the handler either way.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestServer, raw_chunked_post, spawn_with};

const LIMIT: usize = 1024;

/// POSTs `body` as JSON with its `Content-Length`.
async fn declared_post(app: &TestServer, path: &str, body: &str) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn chunked_post(app: &TestServer, path: &str, body: &str) -> (u16, Value) {
    let (status, text) = raw_chunked_post(&app.base, path, body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn declared_and_chunked_oversized_bodies_get_the_same_413() {
    let app = spawn_with(|args| args.max_body_bytes = LIMIT).await;
    let login = json!({ "username": "alice", "password": "p".repeat(2 * LIMIT) }).to_string();
    let refresh = json!({ "refresh_token": "a".repeat(2 * LIMIT) }).to_string();
    let expected = json!({ "msg": "Request body too large", "error": "payload_too_large" });
    let cases = [
        ("/api/v1/auth/login", &login),
        ("/api/v1/auth/refresh", &refresh),
        ("/api/v1/auth/logout/refresh", &refresh),
    ];
    for (path, body) in cases {
        assert_eq!(declared_post(&app, path, body).await, (413, expected.clone()), "declared, {path}");
        assert_eq!(chunked_post(&app, path, body).await, (413, expected.clone()), "chunked, {path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn bodies_under_the_limit_reach_the_handler_either_way() {
    let app = spawn_with(|args| args.max_body_bytes = LIMIT).await;
    let wrong = json!({ "username": "nobody", "password": "wrong password" }).to_string();
    let declared = declared_post(&app, "/api/v1/auth/login", &wrong).await;
    let chunked = chunked_post(&app, "/api/v1/auth/login", &wrong).await;
    for (status, body) in [declared, chunked] {
        assert_eq!((status, &body["error"]), (401, &json!("invalid_credentials")), "{body}");
    }
    // A refresh token in a chunked body is read like a declared one.
    let pair = app.register("alice").await;
    let body = json!({ "refresh_token": pair["refresh_token"] }).to_string();
    let (status, rotated) = chunked_post(&app, "/api/v1/auth/refresh", &body).await;
    assert_eq!(status, StatusCode::OK.as_u16(), "{rotated}");
    let body = json!({ "refresh_token": rotated["refresh_token"] }).to_string();
    let (status, rotated) = declared_post(&app, "/api/v1/auth/refresh", &body).await;
    assert_eq!(status, StatusCode::OK.as_u16(), "{rotated}");
    app.stop().await;
}

/// A body declared over the limit is read to its end before the 413 (up to 1 MiB), so a
/// client still sending it reads the answer instead of a reset, on a connection that
/// stays open. Here the body is sent only after the answer could have gone out: a
/// server answering at once would have closed the connection, unread, and the second
/// request on it would get nothing.
#[tokio::test]
async fn a_body_declared_too_large_is_read_before_the_413_and_the_connection_goes_on() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let app = spawn_with(|args| args.max_body_bytes = LIMIT).await;
    let addr = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = "x".repeat(8 * LIMIT);
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server has the head by the time a request on another connection is answered.
    assert_eq!(app.client.get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
    let mut early = [0_u8; 64];
    let nothing_yet = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut early)).await;
    assert!(nothing_yet.is_err(), "answered before the body was read: {nothing_yet:?}");
    stream.write_all(body.as_bytes()).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answers = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answers))
        .await
        .expect("the server answers both requests and closes")
        .unwrap();
    let answers = String::from_utf8_lossy(&answers);
    let statuses: Vec<&str> = answers.match_indices("HTTP/1.1 ").map(|(at, _)| &answers[at..at + 12]).collect();
    assert_eq!(statuses, ["HTTP/1.1 413", "HTTP/1.1 200"], "{answers}");
    assert!(answers.contains("Request body too large"), "{answers}");
}
