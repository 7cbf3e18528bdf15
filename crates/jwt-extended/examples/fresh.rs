//! Token freshness (FJE tutorial "Token Freshness Pattern"): a password login gives a
//! *fresh* access token; refreshing gives non-fresh ones. Sensitive routes take
//! `Jwt<Fresh>` and answer 401 `Fresh token required` to a non-fresh token, so the user
//! re-enters the password on `/fresh_login`. Freshness can also expire on its own:
//! `.fresh_for(d)` makes a token fresh only for its first minutes (FJE's `fresh=timedelta`).
//!
//! ```text
//! cargo run --example fresh
//! curl -s -XPOST localhost:5000/login -H 'content-type: application/json' -d '{"username":"test","password":"test"}'
//! curl -s -XPOST localhost:5000/refresh -H "Authorization: Bearer <refresh_token>"   # non-fresh access
//! curl -s localhost:5000/protected_fresh -H "Authorization: Bearer <non-fresh>"      # 401 Fresh token required
//! curl -s localhost:5000/protected_fresh -H "Authorization: Bearer <access_token>"   # {"logged_in_as":"test"}
//! ```

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{Fresh, Jwt, JwtManager, Refresh};
use serde::Deserialize;
use serde_json::{Value, json};

type Reply = Result<Json<Value>, (StatusCode, Json<Value>)>;

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

fn check(body: &Credentials) -> Result<(), (StatusCode, Json<Value>)> {
    if body.username == "test" && body.password == "test" {
        Ok(())
    } else {
        Err((StatusCode::UNAUTHORIZED, Json(json!({"msg": "Bad username or password"}))))
    }
}

fn failed<E>(_: E) -> (StatusCode, Json<Value>) {
    (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"msg": "could not sign the token"})))
}

/// Password login: a token fresh for 15 minutes, and a refresh token.
async fn login(State(jwt): State<JwtManager>, Json(body): Json<Credentials>) -> Reply {
    check(&body)?;
    let access = jwt
        .access_token(&body.username)
        .fresh_for(Duration::from_secs(15 * 60))
        .issue()
        .map_err(failed)?;
    let refresh = jwt.create_refresh_token(&body.username).map_err(failed)?;
    Ok(Json(json!({"access_token": access.token, "refresh_token": refresh})))
}

/// Refreshing never gives a fresh token.
async fn refresh(State(jwt): State<JwtManager>, token: Jwt<Refresh>) -> Reply {
    let access = jwt.access_token(token.identity()).fresh(false).issue().map_err(failed)?;
    Ok(Json(json!({"access_token": access.token})))
}

/// Re-entering the password: a fresh access token only (no new refresh token).
async fn fresh_login(State(jwt): State<JwtManager>, Json(body): Json<Credentials>) -> Reply {
    check(&body)?;
    let access = jwt.access_token(&body.username).fresh(true).issue().map_err(failed)?;
    Ok(Json(json!({"access_token": access.token})))
}

async fn protected(token: Jwt) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity()}))
}

async fn protected_fresh(token: Jwt<Fresh>) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity()}))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/fresh_login", post(fresh_login))
        .route("/protected", get(protected))
        .route("/protected_fresh", get(protected_fresh))
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
    println!("fresh example on http://127.0.0.1:{port}");
    axum::serve(listener, app(jwt)).await.expect("server");
}
