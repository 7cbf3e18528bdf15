//! The application's last check of a verified token (FJE `token_verification_loader`):
//! 400 `User claims verification failed`, its custom response, and its place last in the
//! verification order.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;

use crate::support::{app, builder, claims_with, craft, fetch, get_protected, text};

#[tokio::test]
async fn a_refusing_verifier_answers_400() {
    let jwt = builder()
        .token_verifier(|t| t.claims.get("admin") == Some(&json!(true)))
        .build()
        .unwrap();
    let user = jwt.create_access_token("alice").unwrap();
    let admin = jwt.access_token("alice").claim("admin", true).issue().unwrap().token;
    let reply = get_protected(&jwt, &user).await;
    reply.assert_error(400, "User claims verification failed");
    assert_eq!(reply.header("www-authenticate"), None);
    get_protected(&jwt, &admin).await.assert_ok_as("alice");
}

#[tokio::test]
async fn the_verifier_sees_claims_from_the_additional_claims_loader() {
    let jwt = builder()
        .additional_claims_loader(|identity| {
            let mut claims = serde_json::Map::new();
            claims.insert("role".into(), json!(if identity == "root" { "admin" } else { "user" }));
            claims
        })
        .token_verifier(|t| t.claims.str_claim("role") == Some("admin"))
        .build()
        .unwrap();
    get_protected(&jwt, &jwt.create_access_token("root").unwrap())
        .await
        .assert_ok_as("root");
    get_protected(&jwt, &jwt.create_access_token("alice").unwrap())
        .await
        .assert_error(400, "User claims verification failed");
}

#[tokio::test]
async fn custom_verification_failed_response() {
    let jwt = builder()
        .token_verifier(|_| false)
        .on_verification_failed(|t| text(403, format!("no, {}", t.claims.subject().unwrap_or("?"))))
        .build()
        .unwrap();
    let reply = get_protected(&jwt, &jwt.create_access_token("alice").unwrap()).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (403, &b"no, alice"[..]));
}

#[tokio::test]
async fn the_verifier_runs_last_and_only_on_otherwise_valid_tokens() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let jwt = builder()
        .token_verifier(move |_| {
            seen.fetch_add(1, Ordering::SeqCst);
            false
        })
        .build()
        .unwrap();
    let app = app(&jwt);
    let expired = craft(&claims_with("alice", &json!({ "exp": crate::support::now() - 5 })));
    fetch(&app, "/protected", &expired).await.assert_error(401, "Token has expired");
    let refresh = jwt.create_refresh_token("alice").unwrap();
    fetch(&app, "/protected", &refresh)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
    let stale = jwt.create_access_token("alice").unwrap();
    fetch(&app, "/fresh", &stale).await.assert_error(401, "Fresh token required");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    fetch(&app, "/protected", &stale)
        .await
        .assert_error(400, "User claims verification failed");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
