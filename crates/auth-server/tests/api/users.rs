//! `GET` and `PATCH /api/v1/users/me`, `GET /api/v1/users/{id}`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, s, spawn_app, spawn_with};

#[tokio::test]
async fn me_comes_from_the_store() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let token = s(&pair, "access_token");
    let (status, me) = app.get("/api/v1/users/me", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "alice");
    for key in [
        "id",
        "username",
        "role",
        "email",
        "mobile",
        "age",
        "birth",
        "created_at",
        "updated_at",
    ] {
        assert!(me.get(key).is_some(), "{key} missing from {me}");
    }
    assert!(me.get("password_hash").is_none());

    let (status, patched) = app
        .call(
            Method::PATCH,
            "/api/v1/users/me",
            Some(&token),
            Some(json!({"email": "a@example.com", "age": 33})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["email"], "a@example.com");
    // The same token now sees the stored change.
    let (_, me) = app.get("/api/v1/users/me", &token).await;
    assert_eq!((me["email"].as_str(), me["age"].as_i64()), (Some("a@example.com"), Some(33)));

    // null clears, absent keeps.
    let (_, me) = app
        .call(Method::PATCH, "/api/v1/users/me", Some(&token), Some(json!({"email": null})))
        .await;
    assert!(me["email"].is_null());
    assert_eq!(me["age"], 33);
}

#[tokio::test]
async fn me_patch_is_validated() {
    let app = spawn_app().await;
    let token = s(&app.register("alice").await, "access_token");
    for (body, field) in [
        (json!({"email": "nope"}), "email"),
        (json!({"age": 1000}), "age"),
        (json!({"password": "x"}), "password"),
    ] {
        let (status, answer) = app.call(Method::PATCH, "/api/v1/users/me", Some(&token), Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert!(answer["errors"][field].is_array(), "{answer}");
    }
    let (status, body) = app
        .call(Method::PATCH, "/api/v1/users/me", Some(&token), Some(json!({"role": "admin"})))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["msg"], "Admin privilege required");
    let (_, me) = app.get("/api/v1/users/me", &token).await;
    assert_eq!(me["role"], "user");
}

#[tokio::test]
async fn a_user_is_visible_to_itself_and_admins_only() {
    let app = spawn_with(Config {
        admin: true,
        ..Default::default()
    })
    .await;
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let alice_id = alice["user"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/users/{alice_id}");
    let (status, body) = app.get(&path, &s(&alice, "access_token")).await;
    assert_eq!((status, body["username"].as_str()), (StatusCode::OK, Some("alice")));
    let (status, body) = app.get(&path, &s(&bob, "access_token")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["msg"], "Admin privilege required");
    let admin = s(&app.admin().await, "access_token");
    let (status, body) = app.get(&path, &admin).await;
    assert_eq!((status, body["id"].as_i64()), (StatusCode::OK, Some(alice_id)));
    for missing in ["/api/v1/users/999999", "/api/v1/users/not-a-number"] {
        let (status, body) = app.get(missing, &admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert_eq!(body["msg"], "User not found");
    }
}
