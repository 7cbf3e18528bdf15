//! Optional routes (`Option<Jwt>`): no token runs the handler anonymously; a present but
//! bad token is still an error (FJE), unless the route opts into `Lenient`.

use std::time::Duration;

use serde_json::Value;

use crate::support::{app, call, claims_with, craft, fetch, get, manager};

#[tokio::test]
async fn no_token_runs_the_handler_with_no_identity() {
    let reply = get("/optional").send(&app(&manager())).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.sub(), Value::Null);
}

#[tokio::test]
async fn a_valid_token_is_seen() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    call(&jwt, "/optional", &token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn an_expired_token_is_still_refused() {
    let token = craft(&claims_with("alice", &serde_json::json!({ "exp": crate::support::now() - 10 })));
    get("/optional")
        .bearer(&token)
        .send(&app(&manager()))
        .await
        .assert_error(401, "Token has expired");
}

#[tokio::test]
async fn a_badly_signed_token_is_still_refused() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    get("/optional")
        .bearer(&format!("{token}A"))
        .send(&app(&jwt))
        .await
        .assert_error(401, "Signature verification failed");
}

#[tokio::test]
async fn a_refresh_token_is_still_the_wrong_type() {
    let jwt = manager();
    let token = jwt.create_refresh_token("alice").unwrap();
    call(&jwt, "/optional", &token)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
}

#[tokio::test]
async fn a_malformed_header_is_still_refused() {
    get("/optional")
        .header("authorization", "Bearer a b")
        .send(&app(&manager()))
        .await
        .assert_error(401, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'");
}

#[tokio::test]
async fn lenient_routes_treat_bad_tokens_as_anonymous() {
    let jwt = manager();
    let expired = jwt
        .access_token("alice")
        .expires_in(Duration::from_secs(1))
        .claim("exp", crate::support::now() - 5)
        .issue()
        .unwrap();
    let refresh = jwt.create_refresh_token("alice").unwrap();
    let app = app(&jwt);
    for token in [expired.token, "garbage".to_string(), refresh] {
        let reply = fetch(&app, "/lenient", &token).await;
        assert_eq!((reply.status.as_u16(), reply.sub()), (200, Value::Null));
    }
    let good = jwt.create_access_token("alice").unwrap();
    fetch(&app, "/lenient", &good).await.assert_ok_as("alice");
}
