//! The demo resources: `/api/v1/secret`, `/api/v1/optional`, `/api/v1/items`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{Config, s, spawn_app, spawn_with};

#[tokio::test]
async fn secret_needs_an_access_token() {
    let app = spawn_app().await;
    let token = s(&app.register("alice").await, "access_token");
    let (status, body) = app.get("/api/v1/secret", &token).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"answer": 42})));
    let response = app.req(Method::GET, "/api/v1/secret", None).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(s(&body, "msg"), "Missing Authorization Header", "{body}");
    assert_eq!(body["error"], "authorization_required");
}

#[tokio::test]
async fn optional_names_the_caller_or_anonymous() {
    let app = spawn_app().await;
    let token = s(&app.register("alice").await, "access_token");
    let (status, body) = app.call(Method::GET, "/api/v1/optional", None, None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"logged_in_as": "anonymous user"})));
    let (status, body) = app.get("/api/v1/optional", &token).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"logged_in_as": "alice"})));
    let (status, body) = app.get("/api/v1/optional", "not.a.jwt").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a bad token is still an error: {body}");
}

#[tokio::test]
async fn items_are_created_fresh_and_deleted_by_admins() {
    let app = spawn_with(Config {
        admin: true,
        ..Default::default()
    })
    .await;
    let pair = app.register("alice").await;
    let fresh = s(&pair, "access_token");
    let alice_id = pair["user"]["id"].clone();

    let (status, body) = app.call(Method::GET, "/api/v1/items", None, None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"items": []})));

    let (status, body) = app.post("/api/v1/items", &fresh, json!({"name": "piano", "price": 1500.5})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body, json!({"name": "piano", "price": 1500.5, "owner_id": alice_id}));
    let (status, body) = app.post("/api/v1/items", &fresh, json!({"name": "piano", "price": 1.0})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = app.post("/api/v1/items", &fresh, json!({"name": "", "price": -1})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["errors"]["name"].is_array() && body["errors"]["price"].is_array(), "{body}");

    let (_, refreshed) = app.refresh(&s(&pair, "refresh_token")).await;
    let stale = s(&refreshed, "access_token");
    let (status, body) = app.post("/api/v1/items", &stale, json!({"name": "violin", "price": 2.0})).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("Fresh token required"))
    );

    let (status, body) = app.get("/api/v1/items", &stale).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    let (status, _) = app.get("/api/v1/items", "not.a.jwt").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a present but bad token is refused");

    let (status, body) = app.call(Method::DELETE, "/api/v1/items/piano", Some(&fresh), None).await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (StatusCode::FORBIDDEN, Some("Admin privilege required"))
    );
    let admin = s(&app.admin().await, "access_token");
    let (status, body) = app.call(Method::DELETE, "/api/v1/items/piano", Some(&admin), None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"msg": "Item deleted."})));
    let (status, body) = app.call(Method::DELETE, "/api/v1/items/piano", Some(&admin), None).await;
    assert_eq!((status, body["msg"].as_str()), (StatusCode::NOT_FOUND, Some("Item not found")));
}
