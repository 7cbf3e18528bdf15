//! Malformed input: 400 with `msg` (and the field), 415, 413, unknown routes.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{PASSWORD, json_of, s, spawn_app};

#[tokio::test]
async fn malformed_json_is_a_400_with_a_message() {
    let app = spawn_app().await;
    let response = app
        .req(Method::POST, "/api/v1/auth/register", None)
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(s(&body, "msg").starts_with("Malformed JSON"), "{body}");
    let (status, body) = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "alice"})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"]["password"], json!(["is required"]));
    let (status, body) = app.call(Method::POST, "/api/v1/auth/login", None, Some(json!([1, 2]))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["msg"].is_string());
}

#[tokio::test]
async fn json_arrays_are_not_bodies() {
    // serde's derived structs accept `[field values in order]`: found by schemathesis
    // (`PATCH /api/v1/users/me` with `[null, null]` was a 200), and a login as an array
    // of username and password logged in.
    let app = spawn_app().await;
    let token = s(&app.register("alice").await, "access_token");
    let (status, body) = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(json!(["alice", PASSWORD])))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(s(&body, "msg"), "Invalid request: expected a JSON object");
    let (status, body) = app
        .call(Method::PATCH, "/api/v1/users/me", Some(&token), Some(json!([null, null])))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = app
        .call(Method::POST, "/api/v1/auth/register", None, Some(json!(["bob", PASSWORD])))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // The same bodies as objects are fine.
    app.login("alice", PASSWORD).await;
    let (status, body) = app
        .call(Method::PATCH, "/api/v1/users/me", Some(&token), Some(json!({"email": null})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn other_content_types_are_a_415() {
    let app = spawn_app().await;
    for path in ["/api/v1/auth/register", "/api/v1/auth/login"] {
        let response = app
            .req(Method::POST, path, None)
            .header("content-type", "text/plain")
            .body(format!("username=alice&password={PASSWORD}"))
            .send()
            .await
            .unwrap();
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{path}");
        assert!(body["msg"].is_string(), "{body}");
    }
    // Register takes JSON only.
    let response = app
        .req(Method::POST, "/api/v1/auth/register", None)
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn huge_bodies_are_a_413() {
    let app = spawn_app().await;
    let huge = "x".repeat(200 * 1024);
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/register",
            None,
            Some(json!({"username": "alice", "password": huge})),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["msg"].is_string(), "{body}");
    // Nothing was created.
    app.register("alice").await;
}

#[tokio::test]
async fn unknown_routes_are_404_not_401() {
    let app = spawn_app().await;
    let (status, body) = app.call(Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["msg"].is_string());
}
