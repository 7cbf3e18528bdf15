//! `GET /api/v1/auth/sessions` and `DELETE /api/v1/auth/sessions/{id}`.

use reqwest::{Method, StatusCode};

use crate::helpers::{PASSWORD, s, spawn_app};

#[tokio::test]
async fn sessions_are_listed_with_the_current_one_marked() {
    let app = spawn_app().await;
    let first = app.register("alice").await;
    let second = app.login("alice", PASSWORD).await;
    let (status, body) = app.get("/api/v1/auth/sessions", &s(&second, "access_token")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sessions = body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let second_sid = app.claims(&s(&second, "access_token"))["sid"].clone();
    let first_sid = app.claims(&s(&first, "access_token"))["sid"].clone();
    for session in sessions {
        assert_eq!(session["current"], session["id"] == second_sid, "{session}");
        assert_eq!(session["user_agent"], "api-tests/1.0");
        assert_eq!(session["ip"], "127.0.0.1");
        for key in ["created_at", "last_used_at", "expires_at"] {
            assert!(s(session, key).ends_with('Z'), "{session}");
        }
    }
    assert!(sessions.iter().any(|x| x["id"] == first_sid));
}

#[tokio::test]
async fn deleting_a_session_revokes_its_tokens() {
    let app = spawn_app().await;
    let first = app.register("alice").await;
    let second = app.login("alice", PASSWORD).await;
    let first_sid = s(&app.claims(&s(&first, "access_token")).into(), "sid");
    let token = s(&second, "access_token");
    let path = format!("/api/v1/auth/sessions/{first_sid}");
    let (status, _) = app.call(Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.secret_status(&s(&first, "access_token")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.refresh(&s(&first, "refresh_token")).await.0, StatusCode::UNAUTHORIZED);
    let (_, body) = app.get("/api/v1/auth/sessions", &token).await;
    assert_eq!(body["sessions"].as_array().unwrap().len(), 1);
    // Already gone.
    let (status, body) = app.call(Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["msg"], "Session not found");
}

#[tokio::test]
async fn another_users_session_is_not_found() {
    let app = spawn_app().await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let bob_sid = s(&app.claims(&s(&bob, "access_token")).into(), "sid");
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/auth/sessions/{bob_sid}"),
            Some(&s(&alice, "access_token")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.secret_status(&s(&bob, "access_token")).await, StatusCode::OK);
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v1/auth/sessions/no-such-session",
            Some(&s(&alice, "access_token")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
