//! Access vs refresh: refresh-only routes, access-only routes, and routes without a type
//! check (FJE `verify_type=False`).

use jwt_extended::InvalidTokenStatus;
use serde_json::json;

use crate::support::{app, builder, call, claims_with, craft, fetch, manager};

#[tokio::test]
async fn refresh_token_on_an_access_route() {
    let jwt = manager();
    let token = jwt.create_refresh_token("alice").unwrap();
    let reply = call(&jwt, "/protected", &token).await;
    reply.assert_error(401, "Only non-refresh tokens are allowed");
    assert_eq!(reply.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
}

#[tokio::test]
async fn access_token_on_a_refresh_route() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    call(&jwt, "/refresh", &token)
        .await
        .assert_error(401, "Only refresh tokens are allowed");
}

#[tokio::test]
async fn wrong_type_is_422_in_flask_compat_mode() {
    let jwt = builder().invalid_token_status(InvalidTokenStatus::FlaskCompat).build().unwrap();
    let access = jwt.create_access_token("alice").unwrap();
    let refresh = jwt.create_refresh_token("alice").unwrap();
    call(&jwt, "/refresh", &access)
        .await
        .assert_error(422, "Only refresh tokens are allowed");
    call(&jwt, "/protected", &refresh)
        .await
        .assert_error(422, "Only non-refresh tokens are allowed");
}

#[tokio::test]
async fn refresh_token_on_a_refresh_route() {
    let jwt = manager();
    let token = jwt.create_refresh_token("alice").unwrap();
    call(&jwt, "/refresh", &token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn no_type_check_accepts_both() {
    let jwt = manager();
    for token in [
        jwt.create_access_token("alice").unwrap(),
        jwt.create_refresh_token("alice").unwrap(),
    ] {
        call(&jwt, "/any", &token).await.assert_ok_as("alice");
    }
}

#[tokio::test]
async fn a_missing_or_unknown_type_means_access() {
    let app = app(&manager());
    for kind in [json!(null), json!("banana")] {
        let token = craft(&claims_with("alice", &json!({ "type": kind })));
        fetch(&app, "/protected", &token).await.assert_ok_as("alice");
        fetch(&app, "/refresh", &token)
            .await
            .assert_error(401, "Only refresh tokens are allowed");
    }
    // FJE's `get_jwt()` fills in the missing claim.
    let token = craft(&claims_with("alice", &json!({ "type": null })));
    assert_eq!(fetch(&app, "/claims", &token).await.json()["jwt"]["type"], "access");
}

#[tokio::test]
async fn refresh_lifetime_is_thirty_days_and_access_fifteen_minutes() {
    let jwt = manager();
    let access = jwt.access_token("alice").issue().unwrap();
    let refresh = jwt.refresh_token("alice").issue().unwrap();
    assert_eq!(access.expires_in(), Some(15 * 60));
    assert_eq!(refresh.expires_in(), Some(30 * 24 * 3600));
}
