//! Tokens in the JSON body (FJE tutorial "JWT in JSON Body"): the access token travels as
//! `{"access_token": "..."}` and the refresh token as `{"refresh_token": "..."}`. The
//! layer reads the body once, finds the token, and hands the same bytes on, so the
//! handler can still take the whole body with `Json<..>`.
//!
//! ```text
//! cargo run --example json_body
//! curl -s -XPOST localhost:5000/login
//! # {"access_token":"<A>","refresh_token":"<R>"}
//! curl -s -XPOST localhost:5000/protected -H 'content-type: application/json' \
//!   -d '{"access_token":"<A>","note":"hi"}'        # {"logged_in_as":"test","note":"hi"}
//! curl -s -XPOST localhost:5000/protected -d 'x'  # 401 Invalid content-type. Must be application/json.
//! curl -s -XPOST localhost:5000/refresh -H 'content-type: application/json' -d '{"refresh_token":"<R>"}'
//! ```

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use jwt_extended::{Jwt, JwtManager, Refresh, TokenLocation};
use serde_json::{Value, json};

async fn login(State(jwt): State<JwtManager>) -> Result<Json<Value>, StatusCode> {
    let access = jwt.create_access_token("test").map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let refresh = jwt.create_refresh_token("test").map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({"access_token": access, "refresh_token": refresh})))
}

/// The extractor found the token in the body; `Json` still gets the whole body.
async fn protected(token: Jwt, Json(body): Json<Value>) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity(), "note": body.get("note")}))
}

async fn refresh(State(jwt): State<JwtManager>, token: Jwt<Refresh>) -> Result<Json<Value>, StatusCode> {
    let access = jwt
        .create_access_token(token.identity())
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({"access_token": access})))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/protected", post(protected))
        .route("/refresh", post(refresh))
        .layer(jwt.layer())
        .with_state(jwt)
}

#[tokio::main]
async fn main() {
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .token_locations([TokenLocation::Json])
        .build()
        .expect("valid JWT configuration");
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("json_body example on http://127.0.0.1:{port}");
    axum::serve(listener, app(jwt)).await.expect("server");
}
