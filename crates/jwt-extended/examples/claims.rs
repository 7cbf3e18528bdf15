//! Additional claims and an admin-only route (FJE tutorials "Storing Additional Data in
//! JWTs" and "Custom Decorators"). Every token carries `is_administrator`, added by an
//! `additional_claims_loader`; a login may add more claims of its own. The `Admin`
//! extractor plays the custom decorator: a valid token without the flag gets 403.
//!
//! ```text
//! cargo run --example claims
//! login() { curl -s -XPOST localhost:5000/login -H 'content-type: application/json' -d "{\"username\":\"$1\"}" | jq -r .access_token; }
//! USER=$(login test); ADMIN=$(login admin)
//! curl -s localhost:5000/claims -H "Authorization: Bearer $USER"    # {"is_administrator":false,"foo":["baz"],...}
//! curl -s localhost:5000/admin  -H "Authorization: Bearer $USER"    # 403 {"msg":"Admin privilege required"}
//! curl -s localhost:5000/admin  -H "Authorization: Bearer $ADMIN"   # {"msg":"Welcome, admin"}
//! ```

use axum::extract::{FromRequestParts, State};
use axum::http::{StatusCode, request::Parts};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{Jwt, JwtManager};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A verified access token whose `is_administrator` claim is `true`.
struct Admin(Jwt);

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // First the usual checks (401 without a valid token), then the role (403).
        let token = Jwt::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        if token.claims().get_as::<bool>("is_administrator") == Some(true) {
            Ok(Admin(token))
        } else {
            Err((StatusCode::FORBIDDEN, Json(json!({"msg": "Admin privilege required"}))).into_response())
        }
    }
}

#[derive(Deserialize)]
struct Login {
    username: String,
}

async fn login(State(jwt): State<JwtManager>, Json(body): Json<Login>) -> Result<Json<Value>, StatusCode> {
    let token = jwt
        .access_token(&body.username)
        .claim("foo", ["baz"]) // per-token claims, on top of the loader's
        .issue()
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({"access_token": token.token})))
}

/// Every claim of the token (FJE `get_jwt()`).
async fn claims(token: Jwt) -> Json<Map<String, Value>> {
    Json(token.claims().as_map().clone())
}

async fn admin(Admin(token): Admin) -> Json<Value> {
    Json(json!({"msg": format!("Welcome, {}", token.claims().subject().unwrap_or_default())}))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/claims", get(claims))
        .route("/admin", get(admin))
        .layer(jwt.layer())
        .with_state(jwt)
}

#[tokio::main]
async fn main() {
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .additional_claims_loader(|identity| {
            let mut claims = Map::new();
            claims.insert("is_administrator".into(), Value::Bool(identity.as_str() == Some("admin")));
            claims
        })
        .build()
        .expect("valid JWT configuration");
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("claims example on http://127.0.0.1:{port}");
    axum::serve(listener, app(jwt)).await.expect("server");
}
