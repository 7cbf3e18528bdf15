//! Token checks every protected route shares: expiry, signatures, JWKS.

use std::time::Duration;

use reqwest::{Method, StatusCode};

use crate::helpers::{json_of, s, spawn_app};

#[tokio::test]
async fn expired_tokens_are_refused() {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let claims = app.claims(&s(&pair, "access_token"));
    let now = auth_server::infra::clock::now();
    // An otherwise valid token of this server whose expiry has passed.
    let expired = app
        .state
        .jwt
        .access_token(claims["sub"].as_str().unwrap())
        .session(claims["sid"].as_str().unwrap())
        .expires_in(Duration::from_secs(60))
        .claim("iat", now - 120)
        .claim("exp", now - 60)
        .issue()
        .unwrap();
    let response = app.req(Method::GET, "/api/v1/secret", Some(&expired.token)).send().await.unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer error=\"invalid_token\"");
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Token has expired");
    assert_eq!(body["error"], "token_expired");
}

#[tokio::test]
async fn tampered_tokens_are_refused() {
    let app = spawn_app().await;
    let token = s(&app.register("alice").await, "access_token");
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    // Change the signature's first character: every base64url character is canonical
    // there (the last one carries padding bits, where some changes are a padding error).
    let first = parts[2].remove(0);
    parts[2].insert(0, if first == 'A' { 'B' } else { 'A' });
    let (status, body) = app.get("/api/v1/secret", &parts.join(".")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["msg"], "Signature verification failed");
    assert_eq!(body["error"], "invalid_token");
}

#[tokio::test]
async fn jwks_is_empty_with_hmac() {
    let app = spawn_app().await;
    let (status, body) = app.call(Method::GET, "/.well-known/jwks.json", None, None).await;
    assert_eq!((status, body), (StatusCode::OK, serde_json::json!({"keys": []})));
}
