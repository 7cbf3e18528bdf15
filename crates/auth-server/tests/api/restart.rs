//! Stopping the server and starting a new one on the same data directory: users,
//! sessions, revocations and the signing key survive.

use reqwest::{Method, StatusCode};

use crate::helpers::{Config, PASSWORD, s, spawn_app, spawn_in};

#[tokio::test]
async fn state_survives_a_restart() {
    let app = spawn_app().await;
    let revoked = app.register("alice").await;
    let kept = app.login("alice", PASSWORD).await;
    let (status, _) = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&s(&revoked, "access_token")), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, rotated) = app.refresh(&s(&kept, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK);
    let dir = app.stop().await;

    let app = spawn_in(dir, Config::default()).await;
    // The revoked token is still refused, the valid one still accepted (same key).
    assert_eq!(app.secret_status(&s(&revoked, "access_token")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.refresh(&s(&revoked, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.secret_status(&s(&kept, "access_token")).await, StatusCode::OK);
    // The session and its rotation state survived: the consumed token is a replay.
    let (_, sessions) = app.get("/api/v1/auth/sessions", &s(&kept, "access_token")).await;
    assert_eq!(sessions["sessions"].as_array().unwrap().len(), 1, "{sessions}");
    assert_eq!(app.refresh(&s(&rotated, "refresh_token")).await.0, StatusCode::OK);
    // The user can log in.
    app.login("alice", PASSWORD).await;
    app.stop().await;
}
