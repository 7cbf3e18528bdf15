//! The client address behind reverse proxies: `X-Forwarded-For` is believed only for the
//! configured number of trusted hops, for login throttling and for the address recorded
//! with a session; without the setting a forged header changes nothing.

use auth_server::settings::Settings;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Config, TestApp, s, spawn_with};

async fn app_with_hops(hops: Option<usize>) -> TestApp {
    spawn_with(Config {
        extra: Settings {
            trusted_proxy_hops: hops.unwrap_or(0),
            login_address_max_failures: 2,
            ..Default::default()
        },
        ..Default::default()
    })
    .await
}

/// A failed login for `username` (each a different user, so only the address counts;
/// past its limit a wrong password answers 429) claiming to come through `forwarded`.
async fn failed_login(app: &TestApp, username: &str, forwarded: &str) -> StatusCode {
    app.req(Method::POST, "/api/v1/auth/login", None)
        .header("x-forwarded-for", forwarded)
        .json(&json!({"username": username, "password": "wrong password"}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Registers `username` through `forwarded` and returns the address its session records.
async fn session_ip(app: &TestApp, username: &str, forwarded: &str) -> Value {
    let response = app
        .req(Method::POST, "/api/v1/auth/register", None)
        .header("x-forwarded-for", forwarded)
        .json(&json!({"username": username, "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    let (status, pair) = crate::helpers::json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{pair}");
    let (status, list) = app.get("/api/v1/auth/sessions", &s(&pair, "access_token")).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["sessions"][0]["ip"].clone()
}

#[tokio::test]
async fn with_one_trusted_hop_the_last_forwarded_address_is_the_client() {
    let app = app_with_hops(Some(1)).await;
    // The client's own entries (left of the proxy's) are ignored.
    assert_eq!(failed_login(&app, "u1", "1.1.1.1, 203.0.113.7").await, StatusCode::UNAUTHORIZED);
    assert_eq!(failed_login(&app, "u2", "2.2.2.2, 203.0.113.7").await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        failed_login(&app, "u3", "3.3.3.3, 203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy is not affected.
    assert_eq!(failed_login(&app, "u4", "203.0.113.8").await, StatusCode::UNAUTHORIZED);
    assert_eq!(session_ip(&app, "alice", "1.1.1.1, 198.51.100.1").await, "198.51.100.1");
    // A missing or garbled header falls back to the socket address.
    assert_eq!(session_ip(&app, "bob", "not an address").await, "127.0.0.1");
}

#[tokio::test]
async fn two_trusted_hops_count_from_the_right() {
    let app = app_with_hops(Some(2)).await;
    assert_eq!(session_ip(&app, "alice", "9.9.9.9, 198.51.100.1, 10.0.0.2").await, "198.51.100.1");
    // Too short: the socket address.
    assert_eq!(session_ip(&app, "bob", "198.51.100.1").await, "127.0.0.1");
}

#[tokio::test]
async fn without_trusted_hops_a_forged_header_changes_nothing() {
    let app = app_with_hops(None).await;
    assert_eq!(failed_login(&app, "u1", "203.0.113.1").await, StatusCode::UNAUTHORIZED);
    assert_eq!(failed_login(&app, "u2", "203.0.113.2").await, StatusCode::UNAUTHORIZED);
    // Every attempt came from 127.0.0.1, whatever the header claimed.
    assert_eq!(failed_login(&app, "u3", "203.0.113.3").await, StatusCode::TOO_MANY_REQUESTS);
    let app = app_with_hops(None).await;
    assert_eq!(session_ip(&app, "alice", "198.51.100.1").await, "127.0.0.1");
}
