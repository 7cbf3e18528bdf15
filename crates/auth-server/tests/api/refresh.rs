//! `POST /api/v1/auth/refresh`: rotation, reuse detection, token locations.

use reqwest::{Method, StatusCode};
use serde_json::json;

use auth_server::settings::Settings;

use crate::helpers::{Config, s, spawn_app, spawn_with};

/// No reuse grace window: every repeat of a consumed token is a replay (`grace.rs` tests
/// the window).
fn no_grace() -> Config {
    Config {
        extra: Settings {
            refresh_reuse_grace: std::time::Duration::ZERO,
            ..Default::default()
        },
        ..Default::default()
    }
}

#[tokio::test]
async fn refresh_rotates_and_a_replay_revokes_the_session() {
    let app = spawn_with(no_grace()).await;
    let first = app.register("alice").await;
    let r1 = s(&first, "refresh_token");

    let (status, second) = app.refresh(&r1).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["token_type"], "Bearer");
    assert_eq!(second["expires_in"], 900);
    assert!(second.get("user").is_none());
    let (a2, r2) = (s(&second, "access_token"), s(&second, "refresh_token"));
    let claims = app.claims(&a2);
    assert_eq!(claims["fresh"], false);
    assert_eq!(claims["sid"], app.claims(&r1)["sid"]);
    assert_eq!(claims["username"], "alice");
    assert_ne!(r2, r1);
    assert_eq!(app.secret_status(&a2).await, StatusCode::OK);

    // The consumed token again: reuse detected, the whole session is revoked.
    let (status, body) = app.refresh(&r1).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Token has been revoked");
    let (status, body) = app.refresh(&r2).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Token has been revoked"))
    );
    assert_eq!(app.secret_status(&a2).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.secret_status(&s(&first, "access_token")).await, StatusCode::UNAUTHORIZED);

    // Other sessions are untouched.
    let other = app.login("alice", crate::helpers::PASSWORD).await;
    assert_eq!(app.refresh(&s(&other, "refresh_token")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_let_exactly_one_through() {
    let app = spawn_with(no_grace()).await;
    let pair = app.register("alice").await;
    let token = s(&pair, "refresh_token");
    let (a, b) = tokio::join!(app.refresh(&token), app.refresh(&token));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNAUTHORIZED]);
}

#[tokio::test]
async fn refresh_token_from_the_json_body() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": s(&pair, "refresh_token")})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.secret_status(&s(&body, "access_token")).await, StatusCode::OK);
}

#[tokio::test]
async fn token_types_are_enforced() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let (status, body) = app.refresh(&s(&pair, "access_token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Only refresh tokens are allowed");
    let (status, body) = app.get("/api/v1/secret", &s(&pair, "refresh_token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Only non-refresh tokens are allowed");
    let (status, body) = app.call(Method::POST, "/api/v1/auth/refresh", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(s(&body, "msg"), "Missing Authorization Header", "{body}");
}
