//! Fresh-only routes: `fresh` as a flag or a "fresh until" timestamp.

use std::time::Duration;

use jwt_extended::Freshness;
use serde_json::json;

use crate::support::{app, builder, call, claims_with, craft, get, manager, now};

#[tokio::test]
async fn fresh_token_is_accepted() {
    let jwt = manager();
    let token = jwt.access_token("alice").fresh(true).issue().unwrap().token;
    call(&jwt, "/fresh", &token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn non_fresh_token_is_refused() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    let reply = call(&jwt, "/fresh", &token).await;
    reply.assert_error(401, "Fresh token required");
    assert_eq!(reply.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
    // The same token is fine on an ordinary route.
    call(&jwt, "/protected", &token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn fresh_for_a_while_then_not() {
    let jwt = manager();
    let still = jwt.access_token("alice").fresh_for(Duration::from_secs(60)).issue().unwrap().token;
    call(&jwt, "/fresh", &still).await.assert_ok_as("alice");
    let past = jwt
        .access_token("alice")
        .fresh(Freshness::Until(now() as f64 - 5.0))
        .issue()
        .unwrap()
        .token;
    call(&jwt, "/fresh", &past).await.assert_error(401, "Fresh token required");
}

#[tokio::test]
async fn flask_style_float_timestamp_is_understood() {
    let future = craft(&claims_with("alice", &json!({ "fresh": now() as f64 + 120.5 })));
    get("/fresh").bearer(&future).send(&app(&manager())).await.assert_ok_as("alice");
    let past = craft(&claims_with("alice", &json!({ "fresh": now() as f64 - 120.5 })));
    get("/fresh")
        .bearer(&past)
        .send(&app(&manager()))
        .await
        .assert_error(401, "Fresh token required");
}

#[tokio::test]
async fn missing_fresh_claim_means_not_fresh() {
    let token = craft(&claims_with("alice", &json!({ "fresh": null })));
    get("/fresh")
        .bearer(&token)
        .send(&app(&manager()))
        .await
        .assert_error(401, "Fresh token required");
}

#[tokio::test]
async fn type_is_checked_before_freshness() {
    let jwt = manager();
    let refresh = jwt.refresh_token("alice").fresh(true).issue().unwrap().token;
    call(&jwt, "/fresh", &refresh)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
}

#[tokio::test]
async fn custom_needs_fresh_response() {
    let jwt = builder()
        .on_needs_fresh(|t| {
            let body = axum::Json(json!({ "need": "fresh", "who": t.claims.subject() }));
            axum::response::IntoResponse::into_response((http::StatusCode::FORBIDDEN, body))
        })
        .build()
        .unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let reply = call(&jwt, "/fresh", &token).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.json(), json!({ "need": "fresh", "who": "alice" }));
}
