//! The JSON-body location: `{"access_token": ...}` / `{"refresh_token": ...}`, content-type
//! rules, custom keys, and the body still reaching the handler after the layer read it.

use axum::Json;
use axum::routing::post;
use jwt_extended::{Jwt, JwtManager, JwtManagerBuilder, TokenLocation};
use serde_json::{Value, json};

use crate::support::{app, builder, post as post_req};

fn json_builder() -> JwtManagerBuilder {
    builder().token_locations([TokenLocation::Json])
}

fn json_manager() -> JwtManager {
    json_builder().build().unwrap()
}

#[tokio::test]
async fn access_token_in_json_body() {
    let jwt = json_manager();
    let token = jwt.create_access_token("alice").unwrap();
    let reply = post_req("/protected")
        .json(&json!({ "access_token": token }))
        .send(&app(&jwt))
        .await;
    reply.assert_ok_as("alice");
    assert_eq!(reply.json()["location"], "json");
}

#[tokio::test]
async fn handler_still_reads_the_body() {
    let jwt = json_manager();
    let token = jwt.create_access_token("alice").unwrap();
    let app = axum::Router::new()
        .route(
            "/echo",
            post(|j: Jwt, Json(body): Json<Value>| async move { Json(json!({ "sub": j.identity(), "body": body })) }),
        )
        .layer(jwt.layer());
    let body = json!({ "access_token": token, "payload": [1, 2, 3] });
    let reply = post_req("/echo").json(&body).send(&app).await;
    assert_eq!(reply.json(), json!({ "sub": "alice", "body": body }));
}

#[tokio::test]
async fn other_or_missing_content_type() {
    let jwt = json_manager();
    let token = jwt.create_access_token("alice").unwrap();
    let body = json!({ "access_token": token }).to_string();
    let msg = "Invalid content-type. Must be application/json.";
    post_req("/protected")
        .body("text/plain", body.clone())
        .send(&app(&jwt))
        .await
        .assert_error(401, msg);
    crate::support::req("POST", "/protected")
        .send(&app(&jwt))
        .await
        .assert_error(401, msg);
}

#[tokio::test]
async fn json_content_type_variants_are_accepted() {
    let jwt = json_manager();
    let token = jwt.create_access_token("alice").unwrap();
    let body = json!({ "access_token": token }).to_string();
    for content_type in ["application/json; charset=utf-8", "application/vnd.api+json", "Application/JSON"] {
        post_req("/protected")
            .body(content_type, body.clone())
            .send(&app(&jwt))
            .await
            .assert_ok_as("alice");
    }
}

#[tokio::test]
async fn missing_or_falsy_key() {
    let jwt = json_manager();
    for body in [
        json!({}),
        json!({ "access_token": "" }),
        json!({ "access_token": null }),
        json!({ "access_token": false }),
    ] {
        post_req("/protected")
            .json(&body)
            .send(&app(&jwt))
            .await
            .assert_error(401, "Missing \"access_token\" key in json data.");
    }
}

#[tokio::test]
async fn non_string_token_is_an_invalid_token() {
    let jwt = json_manager();
    let reply = post_req("/protected").json(&json!({ "access_token": 5 })).send(&app(&jwt)).await;
    assert_eq!(reply.status, 401);
    assert!(reply.msg().starts_with("Invalid token type. Token must be a"), "{}", reply.msg());
}

#[tokio::test]
async fn refresh_routes_read_the_refresh_key() {
    let jwt = json_manager();
    let access = jwt.create_access_token("alice").unwrap();
    let refresh = jwt.create_refresh_token("alice").unwrap();
    let app = app(&jwt);
    post_req("/refresh")
        .json(&json!({ "access_token": access }))
        .send(&app)
        .await
        .assert_error(401, "Missing \"refresh_token\" key in json data.");
    post_req("/refresh")
        .json(&json!({ "refresh_token": refresh }))
        .send(&app)
        .await
        .assert_ok_as("alice");
}

#[tokio::test]
async fn custom_json_keys() {
    let jwt = json_builder().json_key("tok").refresh_json_key("rtok").build().unwrap();
    let access = jwt.create_access_token("alice").unwrap();
    let refresh = jwt.create_refresh_token("alice").unwrap();
    let app = app(&jwt);
    post_req("/protected")
        .json(&json!({ "tok": access }))
        .send(&app)
        .await
        .assert_ok_as("alice");
    post_req("/refresh")
        .json(&json!({ "rtok": refresh }))
        .send(&app)
        .await
        .assert_ok_as("alice");
    post_req("/protected")
        .json(&json!({ "access_token": access }))
        .send(&app)
        .await
        .assert_error(401, "Missing \"tok\" key in json data.");
}

#[tokio::test]
async fn get_with_a_json_body_works_too() {
    let jwt = json_manager();
    let token = jwt.create_access_token("alice").unwrap();
    crate::support::get("/protected")
        .json(&json!({ "access_token": token }))
        .send(&app(&jwt))
        .await
        .assert_ok_as("alice");
}
