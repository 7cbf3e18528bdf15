//! Basic usage (FJE tutorial "Basic Usage"): log in with a username and password to get
//! an access token, then send it in the `Authorization` header to reach a protected route.
//!
//! ```text
//! cargo run --example basic                      # PORT=5000 by default
//! curl -s localhost:5000/protected               # 401 {"msg":"Missing Authorization Header"}
//! TOKEN=$(curl -s -XPOST localhost:5000/login -H 'content-type: application/json' \
//!   -d '{"username":"test","password":"test"}' | jq -r .access_token)
//! curl -s localhost:5000/protected -H "Authorization: Bearer $TOKEN"   # {"logged_in_as":"test"}
//! ```

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{Jwt, JwtManager};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// Checks the credentials (a real app asks its user store) and hands out an access token.
async fn login(State(jwt): State<JwtManager>, Json(body): Json<Credentials>) -> (StatusCode, Json<Value>) {
    if body.username != "test" || body.password != "test" {
        return (StatusCode::UNAUTHORIZED, Json(json!({"msg": "Bad username or password"})));
    }
    match jwt.create_access_token(&body.username) {
        Ok(token) => (StatusCode::OK, Json(json!({"access_token": token}))),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"msg": "could not sign the token"}))),
    }
}

/// `Jwt` is `@jwt_required()`: no valid access token, no handler call.
async fn protected(token: Jwt) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity()}))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
        .layer(jwt.layer())
        .with_state(jwt)
}

#[tokio::main]
async fn main() {
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .build()
        .expect("valid JWT configuration");
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("basic example on http://127.0.0.1:{port}");
    axum::serve(listener, app(jwt)).await.expect("server");
}
