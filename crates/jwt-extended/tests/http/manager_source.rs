//! Where the extractors find the manager: the layer (the default, any state), the router
//! state through `FromRef` (`FromState`, checked by the compiler; the compile error itself
//! is a `compile_fail` doctest on `FromState`), or a source of the application's own.

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use http::request::Parts;
use jwt_extended::{
    Access, CurrentUser, DecodedToken, FromState, Jwt, JwtError, JwtManager, ManagerSource, Refresh, TokenLocation, TypedClaims,
    UserLoader, UserLookupError,
};
use serde_json::json;

use crate::support::{builder, fetch, get as get_req, manager, post as post_req};

type Auth<P = Access> = Jwt<P, FromState>;

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
    users: Arc<Vec<&'static str>>,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(state: &AppState) -> Self {
        state.jwt.clone()
    }
}

struct User(&'static str);

impl UserLoader<AppState> for User {
    async fn load(token: &DecodedToken, state: &AppState) -> Result<Option<Self>, UserLookupError> {
        Ok(state.users.iter().find(|u| Some(**u) == token.claims.subject()).map(|u| User(u)))
    }
}

#[derive(serde::Deserialize)]
struct Sub {
    sub: String,
}

/// Every state-sourced extractor, with no `JwtManager::layer()` anywhere.
fn stateful_app(jwt: &JwtManager) -> Router {
    Router::new()
        .route(
            "/me",
            get(|token: Auth| async move { token.identity_str().unwrap_or_default().to_string() }),
        )
        .route(
            "/maybe",
            get(
                |token: Option<Auth>| async move { token.map_or("anonymous".to_string(), |t| t.identity_str().unwrap_or_default().into()) },
            ),
        )
        .route("/refresh", post(|_: Auth<Refresh>| async { "refreshed" }))
        .route(
            "/user",
            get(|user: CurrentUser<User, Access, FromState>| async move { user.user.0 }),
        )
        .route(
            "/typed",
            get(|TypedClaims(claims, _): TypedClaims<Sub, Access, FromState>| async move { claims.sub }),
        )
        .with_state(AppState {
            jwt: jwt.clone(),
            users: Arc::new(vec!["alice"]),
        })
}

#[tokio::test]
async fn extractors_take_the_manager_from_the_router_state_without_the_layer() {
    let jwt = manager();
    let app = stateful_app(&jwt);
    let alice = jwt.create_access_token("alice").unwrap();
    for (path, body) in [("/me", "alice"), ("/maybe", "alice"), ("/user", "alice"), ("/typed", "alice")] {
        let reply = fetch(&app, path, &alice).await;
        assert_eq!((reply.status.as_u16(), &reply.body[..]), (200, body.as_bytes()), "{path}");
    }
    assert_eq!(get_req("/maybe").send(&app).await.body, "anonymous");
    get_req("/me").send(&app).await.assert_error(401, "Missing Authorization Header");
    // The state's manager answers as the layer's would: its rules and its messages.
    fetch(&app, "/user", &jwt.create_access_token("mallory").unwrap())
        .await
        .assert_error(401, "Error loading the user mallory");
    let refresh = jwt.create_refresh_token("alice").unwrap();
    fetch(&app, "/me", &refresh)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
    let reply = post_req("/refresh").bearer(&refresh).send(&app).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn the_manager_itself_can_be_the_state() {
    let jwt = manager();
    let app = Router::new()
        .route(
            "/me",
            get(|token: Auth| async move { token.identity_str().unwrap_or_default().to_string() }),
        )
        .with_state(jwt.clone());
    let reply = fetch(&app, "/me", &jwt.create_access_token("bob").unwrap()).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (200, &b"bob"[..]));
    let other = builder().secret("another-secret-of-at-least-32-bytes!!").build().unwrap();
    fetch(&app, "/me", &other.create_access_token("bob").unwrap())
        .await
        .assert_error(401, "Signature verification failed");
}

#[tokio::test]
async fn body_tokens_still_need_the_layer_and_say_so() {
    let jwt = builder().token_locations([TokenLocation::Json]).build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let bare = Router::new().route("/me", post(|_: Auth| async { "ok" })).with_state(jwt.clone());
    post_req("/me").json(&json!({ "access_token": token })).send(&bare).await.assert_error(
        500,
        "Internal server error: JSON-body tokens need TokenLocation::Json in the configured locations and JwtManager::layer() on the router",
    );
    let layered = Router::new()
        .route("/me", post(|_: Auth| async { "ok" }))
        .layer(jwt.layer())
        .with_state(jwt.clone());
    let reply = post_req("/me").json(&json!({ "access_token": token })).send(&layered).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
}

/// A state the application cannot write `FromRef` for (`Arc<_>` of its own type).
struct Shared {
    jwt: JwtManager,
}

struct InShared;

impl ManagerSource<Arc<Shared>> for InShared {
    fn manager(_parts: &Parts, state: &Arc<Shared>) -> Result<JwtManager, JwtError> {
        Ok(state.jwt.clone())
    }
}

/// A source that can fail, as a wiring check of the application's own.
struct Unwired;

impl ManagerSource<()> for Unwired {
    fn manager(_parts: &Parts, _state: &()) -> Result<JwtManager, JwtError> {
        Err(JwtError::Internal("the tenant's manager is not registered"))
    }
}

#[tokio::test]
async fn an_application_source_serves_states_foreign_to_it() {
    let jwt = manager();
    let app = Router::new()
        .route(
            "/me",
            get(|token: Jwt<Access, InShared>| async move { token.identity_str().unwrap_or_default().to_string() }),
        )
        .with_state(Arc::new(Shared { jwt: jwt.clone() }));
    let reply = fetch(&app, "/me", &jwt.create_access_token("carol").unwrap()).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (200, &b"carol"[..]));
    let failing: Router = Router::new().route("/me", get(|_: Jwt<Access, Unwired>| async { "ok" }));
    fetch(&failing, "/me", &jwt.create_access_token("carol").unwrap())
        .await
        .assert_error(500, "Internal server error: the tenant's manager is not registered");
}

#[tokio::test]
async fn the_layer_remains_the_default_for_any_state() {
    let jwt = manager();
    // A state holding no manager at all: the extractors read the layer's.
    let app = Router::new()
        .route(
            "/me",
            get(|token: Jwt| async move { token.identity_str().unwrap_or_default().to_string() }),
        )
        .layer(jwt.layer())
        .with_state(Arc::new(42u8));
    let reply = fetch(&app, "/me", &jwt.create_access_token("dave").unwrap()).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (200, &b"dave"[..]));
}
