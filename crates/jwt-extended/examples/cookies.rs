//! Tokens in cookies with CSRF protection (FJE tutorial "JWT in Cookies"): `/login` sets
//! the HttpOnly `access_token_cookie` / `refresh_token_cookie` plus the readable
//! `csrf_access_token` / `csrf_refresh_token`; state-changing requests (POST, PUT, PATCH,
//! DELETE) must echo the CSRF cookie's value in the `X-CSRF-TOKEN` header (double submit),
//! so another site cannot ride on the browser's cookies. `/logout` clears them all.
//!
//! ```text
//! cargo run --example cookies
//! curl -s -c jar -XPOST localhost:5000/login                          # sets 4 cookies
//! curl -s -b jar localhost:5000/protected                             # GET: no CSRF needed
//! curl -s -b jar -XPOST localhost:5000/protected                      # 401 Missing CSRF token
//! curl -s -b jar -XPOST localhost:5000/protected -H "X-CSRF-TOKEN: $(awk '/csrf_access_token/ {print $7}' jar)"
//! curl -s -b jar -c jar -XPOST localhost:5000/refresh -H "X-CSRF-TOKEN: $(awk '/csrf_refresh_token/ {print $7}' jar)"
//! curl -s -b jar -c jar -XPOST localhost:5000/logout                  # clears the cookies
//! ```

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{Jwt, JwtManager, Refresh, TokenLocation};
use serde_json::{Value, json};

type Reply = Result<(HeaderMap, Json<Value>), StatusCode>;

/// A password check would go here. Both tokens travel as cookies only.
async fn login(State(jwt): State<JwtManager>) -> Reply {
    let access = jwt.create_access_token("test").map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let refresh = jwt.create_refresh_token("test").map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let mut headers = HeaderMap::new();
    jwt.set_access_cookies(&mut headers, &access);
    jwt.set_refresh_cookies(&mut headers, &refresh);
    Ok((headers, Json(json!({"login": true}))))
}

/// POST with the refresh cookie (and its CSRF value): a new access cookie.
async fn refresh(State(jwt): State<JwtManager>, token: Jwt<Refresh>) -> Reply {
    let access = jwt
        .create_access_token(token.identity())
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let mut headers = HeaderMap::new();
    jwt.set_access_cookies(&mut headers, &access);
    Ok((headers, Json(json!({"refresh": true}))))
}

async fn logout(State(jwt): State<JwtManager>) -> (HeaderMap, Json<Value>) {
    let mut headers = HeaderMap::new();
    jwt.unset_jwt_cookies(&mut headers);
    (headers, Json(json!({"logout": true})))
}

async fn protected(token: Jwt) -> Json<Value> {
    Json(json!({"logged_in_as": token.identity()}))
}

fn app(jwt: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/logout", post(logout))
        .route("/protected", get(protected).post(protected))
        .layer(jwt.layer())
        .with_state(jwt)
}

#[tokio::main]
async fn main() {
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .token_locations([TokenLocation::Cookies])
        // In production: .cookie_secure(true) so cookies only travel over HTTPS.
        .cookie_secure(false)
        .cookies(|c| {
            // Persistent cookies whose Max-Age follows each token's own lifetime.
            c.session_cookie = false;
            c.max_age_follows_token = true;
        })
        .access_expires(Duration::from_secs(15 * 60))
        .build()
        .expect("valid JWT configuration");
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("cookies example on http://127.0.0.1:{port}");
    axum::serve(listener, app(jwt)).await.expect("server");
}
