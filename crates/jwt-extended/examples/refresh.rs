//! Refreshing tokens (FJE tutorial "Refreshing With Refresh Tokens"): log in to get a
//! short-lived access token and a long-lived refresh token; when the access token
//! expires, trade the refresh token for a new access token on `/refresh`.
//!
//! ```text
//! cargo run --example refresh
//! curl -s -XPOST localhost:5000/login -H 'content-type: application/json' -d '{"username":"test"}'
//! # {"access_token":"<A>","refresh_token":"<R>"}
//! curl -s -XPOST localhost:5000/refresh -H "Authorization: Bearer <R>"     # {"access_token":"<A2>"}
//! curl -s -XPOST localhost:5000/refresh -H "Authorization: Bearer <A>"     # 401 Only refresh tokens are allowed
//! curl -s localhost:5000/protected -H "Authorization: Bearer <A2>"         # {"logged_in_as":"test"}
//! ```

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{Jwt, JwtManager, Refresh};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Login {
    username: String,
}

type Reply = Result<Json<Value>, (StatusCode, Json<Value>)>;

fn signing_failed<E>(_: E) -> (StatusCode, Json<Value>) {
    (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"msg": "could not sign the token"})))
}

/// A password check would go here.
async fn login(State(jwt): State<JwtManager>, Json(body): Json<Login>) -> Reply {
    let access = jwt.create_access_token(&body.username).map_err(signing_failed)?;
    let refresh = jwt.create_refresh_token(&body.username).map_err(signing_failed)?;
    Ok(Json(json!({"access_token": access, "refresh_token": refresh})))
}

/// `Jwt<Refresh>` is `@jwt_required(refresh=True)`: only refresh tokens get in.
async fn refresh(State(jwt): State<JwtManager>, token: Jwt<Refresh>) -> Reply {
    let access = jwt.create_access_token(token.identity()).map_err(signing_failed)?;
    Ok(Json(json!({"access_token": access})))
}

async fn protected(token: Jwt) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity()}))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/protected", get(protected))
        .layer(jwt.layer())
        .with_state(jwt)
}

#[tokio::main]
async fn main() {
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .access_expires(Duration::from_secs(60 * 60))
        .refresh_expires(Duration::from_secs(30 * 24 * 60 * 60))
        .build()
        .expect("valid JWT configuration");
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("refresh example on http://127.0.0.1:{port}");
    axum::serve(listener, app(jwt)).await.expect("server");
}
