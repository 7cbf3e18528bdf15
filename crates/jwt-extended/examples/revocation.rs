//! Revoking tokens (FJE tutorial "JWT Revoking / Blocklist"): `DELETE /logout` puts the
//! presented token's `jti` in an `InMemoryRevocationStore`; every protected route checks
//! the store, so the token stops working at once. Entries vanish by themselves once the
//! token would have expired anyway. (A multi-process app would implement
//! `RevocationStore` over Redis or its database instead.)
//!
//! ```text
//! cargo run --example revocation
//! TOKEN=$(curl -s -XPOST localhost:5000/login -H 'content-type: application/json' \
//!   -d '{"username":"test"}' | jq -r .access_token)
//! curl -s localhost:5000/protected -H "Authorization: Bearer $TOKEN"          # {"hello":"world"}
//! curl -s -XDELETE localhost:5000/logout -H "Authorization: Bearer $TOKEN"    # {"msg":"JWT revoked"}
//! curl -s localhost:5000/protected -H "Authorization: Bearer $TOKEN"          # 401 Token has been revoked
//! ```

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use jwt_extended::{AnyType, InMemoryRevocationStore, Jwt, JwtManager, RevocationStore};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    store: Arc<InMemoryRevocationStore>,
}

#[derive(Deserialize)]
struct Login {
    username: String,
}

async fn login(State(state): State<AppState>, Json(body): Json<Login>) -> Result<Json<Value>, StatusCode> {
    let access = state
        .jwt
        .create_access_token(&body.username)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({"access_token": access})))
}

/// Revokes whichever token was presented (`AnyType`: access or refresh).
async fn logout(State(state): State<AppState>, token: Jwt<AnyType>) -> Result<Json<Value>, StatusCode> {
    let claims = token.claims();
    let jti = claims.jti().ok_or(StatusCode::BAD_REQUEST)?;
    state
        .store
        .revoke_token(jti, claims.expires_at())
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    Ok(Json(json!({"msg": "JWT revoked"})))
}

async fn protected(_token: Jwt) -> Json<Value> {
    Json(json!({"hello": "world"}))
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/logout", delete(logout))
        .route("/protected", get(protected))
        .layer(state.jwt.layer())
        .with_state(state)
}

#[tokio::main]
async fn main() {
    let store = Arc::new(InMemoryRevocationStore::new());
    store.spawn_pruner(Duration::from_secs(60));
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .revocation(store.clone())
        .build()
        .expect("valid JWT configuration");
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("revocation example on http://127.0.0.1:{port}");
    axum::serve(listener, app(AppState { jwt, store })).await.expect("server");
}
