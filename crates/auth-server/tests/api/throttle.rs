//! Repeated failed logins: 429 with `Retry-After`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, PASSWORD, TestApp, json_of, spawn_with};

async fn alice_allowed_three_failures() -> TestApp {
    let app = spawn_with(Config {
        login_max_failures: Some(3),
        ..Default::default()
    })
    .await;
    app.register("alice").await;
    app
}

#[tokio::test]
async fn repeated_failures_are_rate_limited() {
    let app = alice_allowed_three_failures().await;
    for _ in 0..3 {
        assert_eq!(app.try_login("alice", "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits.
    let response = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "alice", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "rate_limited");
    // The client address is limited too, whichever username it tries.
    assert_eq!(app.try_login("someone-else", "whatever pw").await.0, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failures_below_the_limit_are_not_limited() {
    let app = alice_allowed_three_failures().await;
    for _ in 0..2 {
        assert_eq!(app.try_login("alice", "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    app.login("alice", PASSWORD).await;
}
