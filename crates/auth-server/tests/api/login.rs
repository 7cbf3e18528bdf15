//! `POST /api/v1/auth/login` (JSON and form) and `POST /api/v1/auth/fresh-login`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, json_of, s, spawn_app};

#[tokio::test]
async fn login_starts_a_new_session_with_a_fresh_token() {
    let app = spawn_app().await;
    let registered = app.register("alice").await;
    let body = app.login("alice", PASSWORD).await;
    assert_eq!(body["user"]["username"], "alice");
    assert_eq!(body["user"]["id"], registered["user"]["id"]);
    let claims = app.claims(&s(&body, "access_token"));
    assert_eq!(claims["fresh"], true);
    let first_sid = app.claims(&s(&registered, "access_token"))["sid"].clone();
    assert_ne!(claims["sid"], first_sid, "each login is its own session");
}

#[tokio::test]
async fn unknown_user_and_wrong_password_look_the_same() {
    let app = spawn_app().await;
    app.register("alice").await;
    let wrong_password = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "alice", "password": "wrong password"}));
    let unknown_user = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({"username": "mallory", "password": PASSWORD}));
    let mut answers = Vec::new();
    for request in [wrong_password, unknown_user] {
        let response = request.send().await.unwrap();
        let challenge = response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_string());
        let (status, body) = json_of(response).await;
        answers.push((status, body, challenge));
    }
    assert_eq!(answers[0], answers[1]);
    let (status, body, challenge) = &answers[0];
    assert_eq!(*status, StatusCode::UNAUTHORIZED);
    assert_eq!(*body, json!({"msg": "Bad username or password", "error": "invalid_credentials"}));
    assert!(challenge.as_deref().is_some_and(|c| c.starts_with("Bearer")));
}

#[tokio::test]
async fn html_forms_can_log_in() {
    let app = spawn_app().await;
    app.register("alice").await;
    let response = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.secret_status(&s(&body, "access_token")).await, StatusCode::OK);
    let wrong = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .form(&[("username", "alice"), ("password", "nope nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let missing = app
        .req(Method::POST, "/api/v1/auth/login", None)
        .form(&[("username", "alice")])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(missing).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["password"].is_array(), "{body}");
}

#[tokio::test]
async fn fresh_login_makes_a_fresh_token_in_the_same_session() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let (_, refreshed) = app.refresh(&s(&pair, "refresh_token")).await;
    let stale = s(&refreshed, "access_token");
    assert_eq!(app.claims(&stale)["fresh"], false);

    let (status, body) = app
        .post("/api/v1/auth/fresh-login", &stale, json!({"password": "wrong password"}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Bad username or password");

    let (status, body) = app.post("/api/v1/auth/fresh-login", &stale, json!({"password": PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["expires_in"], 900);
    let fresh = s(&body, "access_token");
    let claims = app.claims(&fresh);
    assert_eq!(claims["fresh"], true);
    assert_eq!(claims["sid"], app.claims(&stale)["sid"]);
    let (status, _) = app.post("/api/v1/items", &fresh, json!({"name": "piano", "price": 10.5})).await;
    assert_eq!(status, StatusCode::CREATED);
    // No token at all.
    let (status, _) = app
        .call(Method::POST, "/api/v1/auth/fresh-login", None, Some(json!({"password": PASSWORD})))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
