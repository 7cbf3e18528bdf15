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
