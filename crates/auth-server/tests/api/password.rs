//! `PUT /api/v1/auth/password`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, s, spawn_app};

#[tokio::test]
async fn changing_the_password_revokes_every_other_session() {
    let app = spawn_app().await;
    let old = app.register("alice").await;
    let current = app.login("alice", PASSWORD).await;
    let token = s(&current, "access_token");
    let change = |current_password: &str, new_password: &str| json!({"current_password": current_password, "new_password": new_password});

    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/auth/password",
            Some(&token),
            Some(change("wrong password", "new password 1")),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_credentials");
    let (status, body) = app
        .call(Method::PUT, "/api/v1/auth/password", Some(&token), Some(change(PASSWORD, "short")))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["new_password"].is_array(), "{body}");

    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/auth/password",
            Some(&token),
            Some(change(PASSWORD, "new password 1")),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked_sessions"], 1);
    assert_eq!(app.secret_status(&s(&old, "access_token")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.refresh(&s(&old, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.secret_status(&token).await, StatusCode::OK);
    assert_eq!(app.refresh(&s(&current, "refresh_token")).await.0, StatusCode::OK);

    assert_eq!(app.try_login("alice", PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    app.login("alice", "new password 1").await;
}

#[tokio::test]
async fn changing_the_password_needs_a_fresh_token() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let (_, refreshed) = app.refresh(&s(&pair, "refresh_token")).await;
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/auth/password",
            Some(&s(&refreshed, "access_token")),
            Some(json!({"current_password": PASSWORD, "new_password": "new password 1"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Fresh token required");
    assert_eq!(body["error"], "fresh_token_required");
    app.login("alice", PASSWORD).await;
}
