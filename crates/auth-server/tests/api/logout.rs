//! `/api/v1/auth/logout`, `/logout/access`, `/logout/refresh`, `/logout-all`.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::{PASSWORD, TestApp, s, spawn_app};

async fn logout(app: &TestApp, path: &str, token: &str) -> Value {
    let (status, body) = app.call(Method::POST, path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

#[tokio::test]
async fn logout_revokes_the_access_token_and_its_session() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let other = app.login("alice", PASSWORD).await;
    let body = logout(&app, "/api/v1/auth/logout", &s(&pair, "access_token")).await;
    assert_eq!(body["msg"], "Logged out");
    let (status, body) = app.get("/api/v1/secret", &s(&pair, "access_token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Token has been revoked");
    assert_eq!(body["error"], "token_revoked");
    assert_eq!(app.refresh(&s(&pair, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    // The other session still works.
    assert_eq!(app.secret_status(&s(&other, "access_token")).await, StatusCode::OK);
}

#[tokio::test]
async fn logout_access_revokes_only_that_token() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let body = logout(&app, "/api/v1/auth/logout/access", &s(&pair, "access_token")).await;
    assert_eq!(body["msg"], "Access token has been revoked");
    assert_eq!(app.secret_status(&s(&pair, "access_token")).await, StatusCode::UNAUTHORIZED);
    let (status, refreshed) = app.refresh(&s(&pair, "refresh_token")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.secret_status(&s(&refreshed, "access_token")).await, StatusCode::OK);
}

#[tokio::test]
async fn logout_refresh_revokes_the_refresh_tokens_session() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let (status, body) = app
        .call(Method::POST, "/api/v1/auth/logout/refresh", Some(&s(&pair, "access_token")), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "needs a refresh token: {body}");
    let body = logout(&app, "/api/v1/auth/logout/refresh", &s(&pair, "refresh_token")).await;
    assert_eq!(body["msg"], "Refresh token has been revoked");
    assert_eq!(app.refresh(&s(&pair, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(app.secret_status(&s(&pair, "access_token")).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_all_revokes_every_session() {
    let app = spawn_app().await;
    let pairs = [
        app.register("alice").await,
        app.login("alice", PASSWORD).await,
        app.login("alice", PASSWORD).await,
    ];
    let bystander = app.register("bob").await;
    let body = logout(&app, "/api/v1/auth/logout-all", &s(&pairs[1], "access_token")).await;
    assert_eq!(body["revoked_sessions"], 3);
    assert!(body["msg"].is_string());
    for pair in &pairs {
        assert_eq!(app.secret_status(&s(pair, "access_token")).await, StatusCode::UNAUTHORIZED);
        assert_eq!(app.refresh(&s(pair, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.secret_status(&s(&bystander, "access_token")).await, StatusCode::OK);
    // A new login afterwards works.
    let again = app.login("alice", PASSWORD).await;
    assert_eq!(app.secret_status(&s(&again, "access_token")).await, StatusCode::OK);
}

/// With Redis, checks in flight together share one round trip
/// (`src/revocation/combined.rs`); each request must still get its own token's answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checks_of_revoked_and_live_tokens_each_get_their_own_answer() {
    let app = spawn_app().await;
    let live = app.register("alice").await;
    let token_revoked = app.login("alice", PASSWORD).await;
    logout(&app, "/api/v1/auth/logout/access", &s(&token_revoked, "access_token")).await;
    let session_revoked = app.login("alice", PASSWORD).await;
    logout(&app, "/api/v1/auth/logout", &s(&session_revoked, "access_token")).await;
    let also_live = app.login("alice", PASSWORD).await;
    // A deleted account: its user cut-off blocks its tokens.
    let user_revoked = app.register("bob").await;
    let bob = app.claims(&s(&user_revoked, "access_token"))["sub"].as_str().unwrap().to_string();
    let path = format!("/api/v1/users/{bob}");
    let (status, body) = app.call(Method::DELETE, &path, Some(&s(&user_revoked, "access_token")), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let cases = [
        (s(&live, "access_token"), StatusCode::OK),
        (s(&token_revoked, "access_token"), StatusCode::UNAUTHORIZED),
        (s(&session_revoked, "access_token"), StatusCode::UNAUTHORIZED),
        (s(&also_live, "access_token"), StatusCode::OK),
        (s(&user_revoked, "access_token"), StatusCode::UNAUTHORIZED),
    ];
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..200 {
        let (token, expected) = cases[i % cases.len()].clone();
        let request = app.req(Method::GET, "/api/v1/secret", Some(&token));
        requests.spawn(async move { (i, expected, request.send().await.expect("request sent").status()) });
    }
    while let Some(answer) = requests.join_next().await {
        let (i, expected, status) = answer.expect("request task");
        assert_eq!(status, expected, "request {i} (case {})", i % cases.len());
    }
}
