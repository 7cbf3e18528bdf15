//! Revocation on protected routes: one token, a whole session, every token of a user up
//! to a cut-off, skipping the check per route, its place in the verification order, and
//! failing closed when the store cannot answer.

use std::sync::Arc;

use async_trait::async_trait;
use axum::routing::get as get_route;
use jwt_extended::{DecodedToken, InMemoryRevocationStore, Jwt, JwtManager, Policy, RevocationCheck, RevocationError, RevocationStore};
use serde_json::json;

use crate::support::{app, builder, call, claims_with, craft, describe, fetch, get_protected, now, text};

fn with_store() -> (JwtManager, Arc<InMemoryRevocationStore>) {
    let store = Arc::new(InMemoryRevocationStore::new());
    (builder().revocation(store.clone()).build().unwrap(), store)
}

#[tokio::test]
async fn a_revoked_token_is_refused_and_others_are_not() {
    let (jwt, store) = with_store();
    let revoked = jwt.access_token("alice").issue().unwrap();
    let other = jwt.create_access_token("alice").unwrap();
    store.revoke_token(&revoked.jti, revoked.expires_at).await.unwrap();
    let reply = get_protected(&jwt, &revoked.token).await;
    reply.assert_error(401, "Token has been revoked");
    assert_eq!(reply.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
    get_protected(&jwt, &other).await.assert_ok_as("alice");
}

#[tokio::test]
async fn revoking_a_session_refuses_its_access_and_refresh_tokens() {
    let (jwt, store) = with_store();
    let access = jwt.access_token("alice").session("s-1").issue().unwrap().token;
    let refresh = jwt.refresh_token("alice").session("s-1").issue().unwrap().token;
    let elsewhere = jwt.access_token("alice").session("s-2").issue().unwrap().token;
    store.revoke_session("s-1", Some(now() + 3600)).await.unwrap();
    let app = app(&jwt);
    fetch(&app, "/protected", &access).await.assert_error(401, "Token has been revoked");
    fetch(&app, "/refresh", &refresh).await.assert_error(401, "Token has been revoked");
    fetch(&app, "/protected", &elsewhere).await.assert_ok_as("alice");
}

#[tokio::test]
async fn revoking_a_user_before_a_cutoff() {
    let (jwt, store) = with_store();
    let old = jwt.access_token("alice").claim("iat", now() - 200).issue().unwrap().token;
    let new = jwt.create_access_token("alice").unwrap();
    let bob = jwt.access_token("bob").claim("iat", now() - 200).issue().unwrap().token;
    store.revoke_user_before("alice", now() - 100, Some(now() + 3600)).await.unwrap();
    get_protected(&jwt, &old).await.assert_error(401, "Token has been revoked");
    get_protected(&jwt, &new).await.assert_ok_as("alice");
    get_protected(&jwt, &bob).await.assert_ok_as("bob");
}

#[tokio::test]
async fn an_entry_past_its_expiry_no_longer_blocks() {
    let (jwt, store) = with_store();
    let issued = jwt.access_token("alice").issue().unwrap();
    store.revoke_token(&issued.jti, Some(now() - 10)).await.unwrap();
    get_protected(&jwt, &issued.token).await.assert_ok_as("alice");
    assert_eq!(store.prune(), 1);
}

struct SkipRevocation;
impl Policy for SkipRevocation {
    const SKIP_REVOCATION: bool = true;
}

#[tokio::test]
async fn a_route_can_skip_the_check() {
    let (jwt, store) = with_store();
    let issued = jwt.access_token("alice").issue().unwrap();
    store.revoke_token(&issued.jti, issued.expires_at).await.unwrap();
    let app = axum::Router::new()
        .route("/skip", get_route(|j: Jwt<SkipRevocation>| async move { axum::Json(describe(&j)) }))
        .layer(jwt.layer());
    fetch(&app, "/skip", &issued.token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn type_and_freshness_are_checked_before_revocation() {
    let (jwt, store) = with_store();
    let refresh = jwt.refresh_token("alice").issue().unwrap();
    let stale = jwt.access_token("alice").issue().unwrap();
    store.revoke_token(&refresh.jti, refresh.expires_at).await.unwrap();
    store.revoke_token(&stale.jti, stale.expires_at).await.unwrap();
    let app = app(&jwt);
    fetch(&app, "/protected", &refresh.token)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
    fetch(&app, "/fresh", &stale.token).await.assert_error(401, "Fresh token required");
}

#[tokio::test]
async fn expired_is_reported_before_revoked() {
    let (jwt, store) = with_store();
    let issued = jwt.access_token("alice").claim("exp", now() - 5).issue().unwrap();
    store.revoke_token(&issued.jti, Some(now() + 60)).await.unwrap();
    get_protected(&jwt, &issued.token).await.assert_error(401, "Token has expired");
}

struct Down;

#[async_trait]
impl RevocationCheck for Down {
    async fn is_revoked(&self, _token: &DecodedToken) -> Result<bool, RevocationError> {
        Err(RevocationError("redis is down".into()))
    }
}

#[tokio::test]
async fn an_unavailable_store_fails_closed_with_503() {
    let jwt = builder().revocation(Arc::new(Down)).build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    get_protected(&jwt, &token).await.assert_error(503, "Service unavailable");
    // An optional route fails closed too.
    call(&jwt, "/optional", &token).await.assert_error(503, "Service unavailable");
}

#[tokio::test]
async fn custom_revoked_and_unavailable_responses() {
    let store = Arc::new(InMemoryRevocationStore::new());
    let jwt = builder()
        .revocation(store.clone())
        .on_revoked(|t| text(410, format!("revoked {}", t.claims.jti().unwrap_or("?"))))
        .build()
        .unwrap();
    let issued = jwt.access_token("alice").issue().unwrap();
    store.revoke_token(&issued.jti, issued.expires_at).await.unwrap();
    let reply = get_protected(&jwt, &issued.token).await;
    assert_eq!(
        (reply.status.as_u16(), reply.body.to_vec()),
        (410, format!("revoked {}", issued.jti).into_bytes())
    );

    let down = builder()
        .revocation(Arc::new(Down))
        .on_unavailable(|cause| text(502, format!("down: {cause}")))
        .build()
        .unwrap();
    let reply = get_protected(&down, &down.create_access_token("alice").unwrap()).await;
    assert_eq!((reply.status.as_u16(), reply.body.to_vec()), (502, b"down: redis is down".to_vec()));
}

#[tokio::test]
async fn revocation_as_one_async_closure_refuses_listed_tokens_and_fails_closed() {
    use std::collections::HashSet;
    use std::sync::Mutex;

    let blocklist: Arc<Mutex<HashSet<String>>> = Arc::default();
    let jwt = builder()
        .revocation_fn({
            let blocklist = blocklist.clone();
            move |token: DecodedToken| {
                let jti = token.claims.jti().unwrap_or_default().to_string();
                let listed = blocklist.lock().unwrap().contains(&jti);
                async move {
                    match jti.as_str() {
                        "" => Err(RevocationError("no jti to look up".into())),
                        _ => Ok(listed),
                    }
                }
            }
        })
        .build()
        .unwrap();
    let revoked = jwt.access_token("alice").issue().unwrap();
    let kept = jwt.create_access_token("bob").unwrap();
    blocklist.lock().unwrap().insert(revoked.jti.clone());
    get_protected(&jwt, &revoked.token)
        .await
        .assert_error(401, "Token has been revoked");
    get_protected(&jwt, &kept).await.assert_ok_as("bob");
    let unanswerable = jwt.access_token("carol").claim("jti", "").issue().unwrap().token;
    get_protected(&jwt, &unanswerable).await.assert_error(503, "Service unavailable");
}

#[tokio::test]
async fn revoke_takes_the_decoded_token_and_issue_pair_shares_one_session() {
    let (jwt, store) = with_store();
    let pair = jwt.issue_pair("alice").unwrap();
    let access = jwt.decode_token(&pair.access.token).unwrap();
    store.revoke(&access).await.unwrap();
    get_protected(&jwt, &pair.access.token)
        .await
        .assert_error(401, "Token has been revoked");
    // The refresh token is a different jti: still valid until its session is revoked.
    fetch(&app(&jwt), "/refresh", &pair.refresh.token).await.assert_ok_as("alice");
    store
        .revoke_session(pair.refresh.session_id.as_deref().unwrap(), None)
        .await
        .unwrap();
    fetch(&app(&jwt), "/refresh", &pair.refresh.token)
        .await
        .assert_error(401, "Token has been revoked");
    let nameless = craft(&claims_with("bob", &json!({ "jti": null })));
    assert!(store.revoke(&jwt.decode_token(&nameless).unwrap()).await.is_err());
}

#[tokio::test]
async fn a_session_revoked_until_the_horizon_stays_revoked_for_its_refresh_token() {
    let store = Arc::new(InMemoryRevocationStore::new());
    let jwt = builder().revocation(store.clone()).leeway(30).build().unwrap();
    // Logging out with the access token: its own expiry would free the refresh token,
    // which lives 30 days; the horizon covers every token the session can hold.
    let pair = jwt.issue_pair("alice").unwrap();
    let horizon = jwt.revocation_horizon().unwrap();
    let longest = 30 * 24 * 3600 + 30;
    assert!((now() + longest - 1..=now() + longest).contains(&horizon), "{horizon}");
    assert!(horizon > pair.refresh.expires_at.unwrap() && horizon > pair.access.expires_at.unwrap());
    store
        .revoke_session(pair.access.session_id.as_deref().unwrap(), Some(horizon))
        .await
        .unwrap();
    assert_eq!(store.prune(), 0, "the entry outlives this moment");
    fetch(&app(&jwt), "/refresh", &pair.refresh.token)
        .await
        .assert_error(401, "Token has been revoked");
    let forever = builder().refresh_lifetime(jwt_extended::Lifetime::Unlimited).build().unwrap();
    assert_eq!(forever.revocation_horizon(), None);
}
