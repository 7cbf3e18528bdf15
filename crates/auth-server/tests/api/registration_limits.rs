//! Who may register, and how often (issue 17): registrations are limited per client
//! address (429 with `Retry-After`), and `--registration closed` shuts sign-up while the
//! administrators keep their accounts.

use auth_server::settings::{Registration, Settings};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, PASSWORD, TestApp, json_of, spawn_with};

async fn app_with(extra: Settings) -> TestApp {
    spawn_with(Config {
        admin: true,
        extra,
        ..Default::default()
    })
    .await
}

/// Registers `username` from `forwarded`; the response.
async fn register_from(app: &TestApp, username: &str, forwarded: &str) -> reqwest::Response {
    app.req(Method::POST, "/api/v1/auth/register", None)
        .header("x-forwarded-for", forwarded)
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn registrations_are_limited_per_address() {
    let app = app_with(Settings {
        registration_max_per_address: 2,
        trusted_proxy_hops: 1,
        ..Default::default()
    })
    .await;
    for name in ["first", "second"] {
        assert_eq!(register_from(&app, name, "203.0.113.5").await.status(), StatusCode::CREATED);
    }
    let refused = register_from(&app, "third", "203.0.113.5").await;
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    let (status, body) = json_of(refused).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "rate_limited");
    assert!(body["msg"].as_str().unwrap().contains("registrations"), "{body}");
    // Another address is not affected, and the refused name was not created.
    assert_eq!(register_from(&app, "third", "198.51.100.9").await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_default_allows_twenty_per_address() {
    let app = app_with(Settings::default()).await;
    for i in 0..20 {
        app.register(&format!("user{i}")).await;
    }
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "user20", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}

#[tokio::test]
async fn closed_registration_is_403_and_admins_keep_their_accounts() {
    let app = app_with(Settings {
        registration: Registration::Closed,
        ..Default::default()
    })
    .await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "alice", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, json!({"msg": "Registration is closed", "error": "registration_closed"}));
    // The start-up admin (created like `create-admin` does) still logs in.
    let admin = app.admin().await;
    assert_eq!(admin["user"]["role"], "admin");
}
