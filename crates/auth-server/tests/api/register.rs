//! `POST /api/v1/auth/register`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, s, spawn_app};

#[tokio::test]
async fn register_returns_a_fresh_pair_and_the_user() {
    let app = spawn_app().await;
    let body = app.register("alice").await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["refresh_expires_in"], 2_592_000);
    let user = &body["user"];
    assert_eq!(user["username"], "alice");
    assert_eq!(user["role"], "user");
    assert!(user["email"].is_null());
    assert!(user.get("password_hash").is_none());
    let id = user["id"].as_i64().expect("integer id");
    assert!(s(user, "created_at").ends_with('Z'));

    let access = app.claims(&s(&body, "access_token"));
    assert_eq!(access["sub"], id.to_string());
    assert_eq!(access["type"], "access");
    assert_eq!(access["fresh"], true);
    assert_eq!(access["username"], "alice");
    assert_eq!(access["role"], "user");
    assert_eq!(access["is_admin"], false);
    let refresh = app.claims(&s(&body, "refresh_token"));
    assert_eq!(refresh["type"], "refresh");
    assert_eq!(refresh["sid"], access["sid"]);
    assert_eq!(refresh["username"], "alice");
    // The access token works straight away.
    assert_eq!(app.secret_status(&s(&body, "access_token")).await, StatusCode::OK);
}

#[tokio::test]
async fn a_taken_username_is_a_conflict() {
    let app = spawn_app().await;
    app.register("alice").await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "alice", "password": "another password"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["msg"], "Username already taken");
}

#[tokio::test]
async fn invalid_fields_are_named() {
    let app = spawn_app().await;
    let cases = [
        (json!({"username": "al", "password": PASSWORD}), "username"),
        (json!({"username": "al ice", "password": PASSWORD}), "username"),
        (json!({"username": "x".repeat(65), "password": PASSWORD}), "username"),
        (json!({"username": "alice", "password": "short"}), "password"),
        (json!({"username": "alice", "password": "p".repeat(1025)}), "password"),
        (json!({"username": "alice", "password": PASSWORD, "email": "not-an-email"}), "email"),
        (json!({"username": "alice", "password": PASSWORD, "mobile": "call me"}), "mobile"),
        (json!({"username": "alice", "password": PASSWORD, "age": 300}), "age"),
        (json!({"username": "alice", "password": PASSWORD, "birth": "1990-13-01"}), "birth"),
        (json!({"password": PASSWORD}), "username"),
        (json!({"username": 5, "password": PASSWORD}), "username"),
    ];
    for (request, field) in cases {
        let (status, body) = app.call(Method::POST, "/api/v1/auth/register", None, Some(request.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{request}: {body}");
        assert!(body["errors"][field].is_array(), "{request}: {body}");
        assert!(s(&body, "msg").starts_with(field), "{body}");
    }
    // Several bad fields are all reported.
    let (_, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "a", "password": "b", "age": -1})),
        )
        .await;
    let errors = body["errors"].as_object().unwrap();
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["age", "password", "username"]);
    // Nothing was created: the name is still free.
    app.register("alice").await;
}

#[tokio::test]
async fn profile_fields_are_stored() {
    let app = spawn_app().await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "bob", "password": PASSWORD, "email": "bob@example.com",
                        "mobile": "+44 20 7946 0958", "age": 30, "birth": "1995-02-03"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, me) = app.get("/api/v1/users/me", &s(&body, "access_token")).await;
    assert_eq!(me["email"], "bob@example.com");
    assert_eq!(me["mobile"], "+44 20 7946 0958");
    assert_eq!(me["age"], 30);
    assert_eq!(me["birth"], "1995-02-03");
}
