//! Tokens signed with the server's own key that the server would never issue: without
//! `exp`, `iat` or `jti`, of an unknown type, or living longer than configured.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn validly_signed_tokens_the_server_would_not_issue_are_refused() {
    let app = spawn_app().await;
    let user = app.register("alice").await;
    let id = user["user"]["id"].as_i64().unwrap().to_string();
    let sid = app.claims(user["access_token"].as_str().unwrap())["sid"].clone();
    let jwt = &app.state.jwt;
    let issue = |edit: &dyn Fn(jwt_extended::TokenBuilder<'_>) -> jwt_extended::TokenBuilder<'_>| {
        edit(jwt.access_token(&id).claim("sid", sid.clone())).issue().unwrap().token
    };
    assert_eq!(app.secret_status(&issue(&|b| b)).await, StatusCode::OK, "the control token");
    for (why, token) in [
        ("no jti", issue(&|b| b.claim("jti", json!(null)))),
        ("no iat", issue(&|b| b.claim("iat", json!(null)))),
        ("no exp", issue(&|b| b.lifetime(jwt_extended::Lifetime::Unlimited))),
        ("unknown type", issue(&|b| b.claim("type", "admin"))),
        ("too long", issue(&|b| b.expires_in(Duration::from_secs(86_400)))),
    ] {
        let (status, body) = app.get("/api/v1/secret", &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
        assert!(body["msg"].is_string(), "{why}: {body}");
    }
}
