//! Authentication endpoints (`/api/v1/auth/...`, `/.well-known/jwks.json`) and the
//! token manager they share with every protected route.

pub mod login;
pub mod logout;
pub mod password;
pub mod refresh;
pub mod register;
pub mod sessions;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{delete, get, post, put};
use http::HeaderValue;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use crate::state::AppState;

/// The auth routes. Their answers carry tokens or CSRF values (or end them), so none may be
/// stored by a cache; the key set is public and cacheable.
pub fn router() -> Router<AppState> {
    let no_store = SetResponseHeaderLayer::overriding(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let jwks_cache = SetResponseHeaderLayer::overriding(http::header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    let keys = Router::new().route("/.well-known/jwks.json", get(jwks)).layer(jwks_cache);
    Router::new()
        .route("/api/v1/auth/register", post(register::register))
        .route("/api/v1/auth/login", post(login::login))
        .route("/api/v1/auth/fresh-login", post(login::fresh_login))
        .route("/api/v1/auth/refresh", post(refresh::refresh))
        .route("/api/v1/auth/logout", post(logout::logout))
        .route("/api/v1/auth/logout/access", post(logout::logout_access))
        .route("/api/v1/auth/logout/refresh", post(logout::logout_refresh))
        .route("/api/v1/auth/logout-all", post(logout::logout_all))
        .route("/api/v1/auth/sessions", get(sessions::list_sessions))
        .route("/api/v1/auth/sessions/{id}", delete(sessions::delete_session))
        .route("/api/v1/auth/password", put(password::change_password))
        .layer(no_store)
        .merge(keys)
}

/// The public verification keys (`{"keys": []}` with HMAC).
#[utoipa::path(
    get,
    path = "/.well-known/jwks.json",
    tag = "auth",
    responses((status = 200, description = "JSON Web Key Set", content_type = "application/json", body = Object)),
    security(())
)]
async fn jwks(State(state): State<AppState>) -> Json<jwt_extended::JwkSet> {
    Json(state.jwt.jwks().clone())
}

/// Adds the `bearer` security scheme the handlers refer to.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(
        jwks,
        register::register,
        login::login,
        login::fresh_login,
        refresh::refresh,
        logout::logout,
        logout::logout_access,
        logout::logout_refresh,
        logout::logout_all,
        sessions::list_sessions,
        sessions::delete_session,
        password::change_password,
    ),
    components(schemas(
        crate::http::error::ErrorBody,
        register::RegisterRequest,
        login::LoginRequest,
        login::FreshLoginRequest,
        crate::domain::sessions::response::Transport,
        crate::domain::sessions::response::TokenPairResponse,
        crate::domain::sessions::response::CookieTokensResponse,
        crate::domain::sessions::response::AccessTokenResponse,
        crate::domain::sessions::response::PairOrCookies,
        crate::domain::sessions::response::AccessOrCookies,
        logout::MessageResponse,
        logout::LogoutAllResponse,
        crate::domain::sessions::view::SessionView,
        crate::domain::sessions::view::SessionList,
        password::ChangePasswordRequest,
        password::ChangePasswordResponse,
    )),
    modifiers(&BearerScheme),
    tags((name = "auth", description = "Register, log in, refresh, log out, sessions, password"))
)]
struct AuthApi;

/// The OpenAPI document of the auth routes (merged into `/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    AuthApi::openapi()
}
