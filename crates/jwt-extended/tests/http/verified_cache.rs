//! A token verified once is not decoded again on the same thread (the per-thread verified
//! cache). These tests present the same token twice on one thread (tokio's test runtime
//! is single-threaded), so the second request is answered from the cache, and check that
//! nothing the cache must not decide is decided by it.

use std::sync::Arc;

use jwt_extended::{InMemoryRevocationStore, JwtManager, RevocationStore};
use serde_json::json;

use crate::support::{app, builder, claims_with, craft, fetch, get_protected};

#[tokio::test]
async fn a_token_accepted_by_one_manager_is_still_refused_by_another() {
    let issuer = builder().build().unwrap();
    let other = JwtManager::builder()
        .secret("another-secret-of-at-least-32-bytes!")
        .build()
        .unwrap();
    let token = issuer.create_access_token("alice").unwrap();
    get_protected(&issuer, &token).await.assert_ok_as("alice");
    get_protected(&other, &token)
        .await
        .assert_error(401, "Signature verification failed");
    get_protected(&issuer, &token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn a_token_revoked_after_it_was_accepted_is_refused_on_its_next_request() {
    let store = Arc::new(InMemoryRevocationStore::new());
    let jwt = builder().revocation(store.clone()).build().unwrap();
    let issued = jwt.access_token("alice").issue().unwrap();
    get_protected(&jwt, &issued.token).await.assert_ok_as("alice");
    store.revoke_token(&issued.jti, issued.expires_at).await.unwrap();
    get_protected(&jwt, &issued.token).await.assert_error(401, "Token has been revoked");
}

#[tokio::test]
async fn route_checks_run_on_every_request() {
    let jwt = builder().build().unwrap();
    let app = app(&jwt);
    let access = jwt.create_access_token("alice").unwrap();
    let refresh = jwt.create_refresh_token("alice").unwrap();
    fetch(&app, "/protected", &access).await.assert_ok_as("alice");
    fetch(&app, "/fresh", &access).await.assert_error(401, "Fresh token required");
    fetch(&app, "/refresh", &access)
        .await
        .assert_error(401, "Only refresh tokens are allowed");
    fetch(&app, "/refresh", &refresh).await.assert_ok_as("alice");
    fetch(&app, "/protected", &refresh)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
}

#[tokio::test]
async fn an_expired_token_is_reported_as_expired_even_after_a_hit() {
    let jwt = builder().build().unwrap();
    // Expired one second ago: never cached, and every request says so.
    let expired = craft(&claims_with("alice", &json!({ "exp": crate::support::now() - 1 })));
    for _ in 0..2 {
        get_protected(&jwt, &expired).await.assert_error(401, "Token has expired");
    }
}

#[tokio::test]
async fn a_second_request_sees_the_same_claims() {
    let jwt = builder().build().unwrap();
    let token = jwt.access_token("alice").claims(json!({ "role": "admin" })).issue().unwrap().token;
    let first = jwt.decode_token(&token).unwrap();
    let second = jwt.decode_token(&token).unwrap();
    assert_eq!(first, second);
    assert_eq!(second.claims.str_claim("role"), Some("admin"));
    assert_eq!(second.claims.into_map()["sub"], "alice");
}

#[test]
fn the_cache_can_be_turned_off_and_every_decode_then_starts_from_the_bytes() {
    // A hit hands out the remembered claims themselves (shared, one reference count);
    // without the cache each decode builds its own.
    let shared_claims = |jwt: &JwtManager| {
        let token = jwt.create_access_token("alice").unwrap();
        let (first, second) = (jwt.decode_token(&token).unwrap(), jwt.decode_token(&token).unwrap());
        std::ptr::eq(first.claims.as_map(), second.claims.as_map())
    };
    assert!(shared_claims(&builder().build().unwrap()));
    assert!(!shared_claims(&builder().verified_cache(false).build().unwrap()));
}
