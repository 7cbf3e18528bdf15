//! Custom error responses (FJE tutorial "Changing Default Behaviors"): every situation in
//! which the library refuses a request has its own callback, and this app replaces all of
//! them with one JSON shape, `{"error": <code>, "description": <text>}`.
//!
//! ```text
//! cargo run --example custom_errors
//! curl -s localhost:5000/protected                              # 401 {"error":"authorization_required",...}
//! curl -s localhost:5000/protected -H 'Authorization: Bearer x' # 401 {"error":"invalid_token",...}
//! TOKEN=$(curl -s -XPOST localhost:5000/login | jq -r .access_token)
//! curl -s localhost:5000/fresh -H "Authorization: Bearer $TOKEN"    # 401 {"error":"fresh_token_required",...}
//! curl -s -XPOST localhost:5000/logout -H "Authorization: Bearer $TOKEN"
//! curl -s localhost:5000/protected -H "Authorization: Bearer $TOKEN" # 401 {"error":"token_revoked",...}
//! ```

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{Fresh, InMemoryRevocationStore, Jwt, JwtManager, RevocationStore};
use serde_json::{Value, json};

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    store: Arc<InMemoryRevocationStore>,
}

/// The one error shape of this API.
fn error(status: StatusCode, code: &str, description: &str) -> Response {
    (status, Json(json!({"error": code, "description": description}))).into_response()
}

async fn login(State(state): State<AppState>) -> Result<Json<Value>, Response> {
    let token = state.jwt.create_access_token("test");
    let token = token.map_err(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "internal", "could not sign"))?;
    Ok(Json(json!({"access_token": token})))
}

async fn logout(State(state): State<AppState>, token: Jwt) -> Result<Json<Value>, Response> {
    let claims = token.claims();
    let jti = claims.jti().unwrap_or_default();
    let revoked = state.store.revoke_token(jti, claims.expires_at()).await;
    revoked.map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "try again later"))?;
    Ok(Json(json!({"msg": "logged out"})))
}

async fn protected(token: Jwt) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity()}))
}

async fn fresh(token: Jwt<Fresh>) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity()}))
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/protected", get(protected))
        .route("/fresh", get(fresh))
        .layer(state.jwt.layer())
        .with_state(state)
}

#[tokio::main]
async fn main() {
    use StatusCode as S;
    let store = Arc::new(InMemoryRevocationStore::new());
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .revocation(store.clone())
        .on_unauthorized(|msg| error(S::UNAUTHORIZED, "authorization_required", msg))
        .on_invalid_token(|msg| error(S::UNAUTHORIZED, "invalid_token", msg))
        .on_expired(|_| error(S::UNAUTHORIZED, "token_expired", "The token has expired"))
        .on_needs_fresh(|_| error(S::UNAUTHORIZED, "fresh_token_required", "Log in again to do this"))
        .on_revoked(|_| error(S::UNAUTHORIZED, "token_revoked", "The token has been revoked"))
        .on_verification_failed(|_| error(S::BAD_REQUEST, "claims_verification_failed", "Claims rejected"))
        .on_user_lookup_error(|t| error(S::UNAUTHORIZED, "user_not_found", &format!("No user {}", t.claims.identity())))
        .on_unavailable(|_| error(S::SERVICE_UNAVAILABLE, "service_unavailable", "Try again later"))
        .build()
        .expect("valid JWT configuration");
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("custom_errors example on http://127.0.0.1:{port}");
    axum::serve(listener, app(AppState { jwt, store })).await.expect("server");
}
