//! Automatic user loading (FJE tutorial "Automatic User Loading"): the token's identity is
//! the user's id; `impl UserLoader for User` turns it back into a `User` (asynchronously,
//! with the router state at hand), and `CurrentUser<User>` hands it to the handler. A
//! valid token naming a user who no longer exists is refused: 401
//! `Error loading the user <id>`.
//!
//! ```text
//! cargo run --example user_lookup
//! TOKEN=$(curl -s -XPOST localhost:5000/login -H 'content-type: application/json' \
//!   -d '{"username":"panther","password":"password"}' | jq -r .access_token)
//! curl -s localhost:5000/who_am_i -H "Authorization: Bearer $TOKEN"
//! # {"id":"2","full_name":"Ann Takamaki","username":"panther"}
//! ```

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{CurrentUser, DecodedToken, JwtManager, UserLoader, UserLookupError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Clone, Serialize)]
struct User {
    id: String,
    full_name: String,
    username: String,
}

/// The router state: the manager and a stand-in for a user table.
#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    users: Arc<Vec<User>>,
}

impl UserLoader<AppState> for User {
    async fn load(token: &DecodedToken, state: &AppState) -> Result<Option<Self>, UserLookupError> {
        let id = token.claims.subject();
        Ok(state.users.iter().find(|u| Some(u.id.as_str()) == id).cloned())
    }
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

async fn login(State(state): State<AppState>, Json(body): Json<Credentials>) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let user = state
        .users
        .iter()
        .find(|u| u.username == body.username && body.password == "password");
    let Some(user) = user else {
        return Err((StatusCode::UNAUTHORIZED, Json(json!({"msg": "Wrong username or password"}))));
    };
    // The identity is the user's id, so renaming a user keeps their tokens valid.
    let token = state
        .jwt
        .create_access_token(&user.id)
        .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"msg": "could not sign the token"}))))?;
    Ok(Json(json!({"access_token": token})))
}

async fn who_am_i(current: CurrentUser<User>) -> Json<User> {
    Json(current.user)
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/who_am_i", get(who_am_i))
        .layer(state.jwt.layer())
        .with_state(state)
}

#[tokio::main]
async fn main() {
    let jwt = JwtManager::builder()
        .secret("super-secret-key-change-me-0123456789")
        .build()
        .expect("valid JWT configuration");
    let user = |id: &str, full_name: &str, username: &str| User {
        id: id.into(),
        full_name: full_name.into(),
        username: username.into(),
    };
    let users = Arc::new(vec![user("1", "Bruce Wayne", "batman"), user("2", "Ann Takamaki", "panther")]);
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(5000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1:PORT");
    println!("user_lookup example on http://127.0.0.1:{port}");
    axum::serve(listener, app(AppState { jwt, users })).await.expect("server");
}
