//! Refresh-token rotation with reuse detection: the first use of a refresh token yields a
//! new pair in the same session; presenting it again revokes the whole session.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post as post_route;
use jwt_extended::{InMemoryRevocationStore, Jwt, JwtError, JwtManager, Refresh};
use serde_json::json;

use crate::support::{builder, get_protected, post};

fn with_store() -> (JwtManager, Arc<InMemoryRevocationStore>) {
    let store = Arc::new(InMemoryRevocationStore::new());
    (builder().revocation(store.clone()).build().unwrap(), store)
}

#[tokio::test]
async fn rotation_issues_a_pair_in_the_same_session() {
    let (jwt, store) = with_store();
    let first = jwt.refresh_token("alice").session("s1").claim("role", "admin").issue().unwrap();
    let presented = jwt.decode_token(&first.token).unwrap();
    let pair = jwt.rotate_refresh_token(store.as_ref(), &presented).await.unwrap();
    for issued in [&pair.access, &pair.refresh] {
        let claims = jwt.decode_token(&issued.token).unwrap().claims;
        assert_eq!(
            (claims.subject(), claims.session_id(), claims.str_claim("role")),
            (Some("alice"), Some("s1"), Some("admin"))
        );
        assert_ne!(claims.jti(), Some(first.jti.as_str()));
    }
    let access = jwt.decode_token(&pair.access.token).unwrap();
    assert!(!access.claims.freshness().is_fresh_at(0.0), "a rotated access token is never fresh");
    get_protected(&jwt, &pair.access.token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn reuse_revokes_the_whole_session() {
    let (jwt, store) = with_store();
    let first = jwt.refresh_token("alice").session("s1").issue().unwrap();
    let presented = jwt.decode_token(&first.token).unwrap();
    let pair = jwt.rotate_refresh_token(store.as_ref(), &presented).await.unwrap();
    let replay = jwt.rotate_refresh_token(store.as_ref(), &presented).await.unwrap_err();
    assert!(matches!(replay, JwtError::Revoked(_)), "{replay:?}");
    // Everything the session produced, including the pair from the first rotation, is gone.
    get_protected(&jwt, &pair.access.token)
        .await
        .assert_error(401, "Token has been revoked");
    let next = jwt.decode_token(&pair.refresh.token).unwrap();
    assert!(store.is_revoked_now(&next));
}

#[tokio::test]
async fn reuse_without_a_session_revokes_that_token() {
    let (jwt, store) = with_store();
    let lone = jwt.refresh_token("alice").issue().unwrap();
    let presented = jwt.decode_token(&lone.token).unwrap();
    jwt.consume_refresh_token(store.as_ref(), &presented).await.unwrap();
    assert!(matches!(
        jwt.consume_refresh_token(store.as_ref(), &presented).await,
        Err(JwtError::Revoked(_))
    ));
    assert!(store.is_revoked_now(&presented));
    let other = jwt.decode_token(&jwt.create_refresh_token("alice").unwrap()).unwrap();
    assert!(!store.is_revoked_now(&other));
}

#[tokio::test]
async fn an_access_token_cannot_be_rotated_into_a_refresh_token() {
    let (jwt, store) = with_store();
    let access = jwt
        .decode_token(&jwt.access_token("alice").session("s1").issue().unwrap().token)
        .unwrap();
    let error = jwt.rotate_refresh_token(store.as_ref(), &access).await.unwrap_err();
    assert_eq!(error.message(), "Only refresh tokens are allowed");
    // Nothing was consumed or revoked on the way.
    assert!(store.is_empty());
}

async fn refresh_endpoint(State((jwt, store)): State<(JwtManager, Arc<InMemoryRevocationStore>)>, token: Jwt<Refresh>) -> Response {
    match jwt.rotate_refresh_token(store.as_ref(), token.token()).await {
        Ok(pair) => Json(json!({ "access_token": pair.access.token, "refresh_token": pair.refresh.token })).into_response(),
        Err(error) => jwt.error_response(&error),
    }
}

#[tokio::test]
async fn rotation_over_http_with_replay_detection() {
    let (jwt, store) = with_store();
    let refresh_app = axum::Router::new()
        .route("/token/refresh", post_route(refresh_endpoint))
        .layer(jwt.layer())
        .with_state((jwt.clone(), store.clone()));
    let first = jwt.refresh_token("alice").session("s1").issue().unwrap().token;
    let reply = post("/token/refresh").bearer(&first).send(&refresh_app).await;
    assert_eq!(reply.status, 200);
    let new_access = reply.json()["access_token"].as_str().unwrap().to_string();
    let new_refresh = reply.json()["refresh_token"].as_str().unwrap().to_string();
    get_protected(&jwt, &new_access).await.assert_ok_as("alice");
    // The stolen first token is replayed: refused, and the legitimate new pair dies too.
    post("/token/refresh")
        .bearer(&first)
        .send(&refresh_app)
        .await
        .assert_error(401, "Token has been revoked");
    get_protected(&jwt, &new_access).await.assert_error(401, "Token has been revoked");
    post("/token/refresh")
        .bearer(&new_refresh)
        .send(&refresh_app)
        .await
        .assert_error(401, "Token has been revoked");
    // An unrelated session is untouched.
    let other = jwt.access_token("alice").session("s2").issue().unwrap().token;
    get_protected(&jwt, &other).await.assert_ok_as("alice");
}
