//! Optional routes (FJE tutorial "Partially protecting routes"): `Option<Jwt>` is
//! `@jwt_required(optional=True)`. No token at all: the handler runs anonymously. A token
//! that is present but bad (expired, tampered, wrong type) is still refused, as in FJE;
//! the `Lenient` policy opts into treating bad tokens as anonymous instead (FJE lacks it).
//!
//! ```text
//! cargo run --example optional
//! curl -s localhost:5000/optional                                   # {"logged_in_as":"anonymous user"}
//! TOKEN=$(curl -s -XPOST localhost:5000/login | jq -r .access_token)
//! curl -s localhost:5000/optional -H "Authorization: Bearer $TOKEN" # {"logged_in_as":"test"}
//! curl -s localhost:5000/optional -H "Authorization: Bearer junk"   # 401 Not enough segments
//! curl -s localhost:5000/lenient  -H "Authorization: Bearer junk"   # {"logged_in_as":"anonymous user"}
//! ```

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{Jwt, JwtManager, Lenient, Policy};
use serde_json::{Value, json};

async fn login(State(jwt): State<JwtManager>) -> Result<Json<Value>, StatusCode> {
    let token = jwt.create_access_token("test").map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({"access_token": token})))
}

fn greeting<P: Policy>(token: Option<Jwt<P>>) -> Json<Value> {
    match token {
        Some(token) => Json(json!({"logged_in_as": token.identity()})),
        None => Json(json!({"logged_in_as": "anonymous user"})),
    }
}

async fn optional(token: Option<Jwt>) -> Json<Value> {
    greeting(token)
}

async fn lenient(token: Option<Jwt<Lenient>>) -> Json<Value> {
    greeting(token)
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/optional", get(optional))
        .route("/lenient", get(lenient))
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
    println!("optional example on http://127.0.0.1:{port}");
    axum::serve(listener, app(jwt)).await.expect("server");
}
