//! Authentication endpoints (`/api/v1/auth/...`, `/.well-known/jwks.json`): register,
//! log in, refresh, log out, sessions and the password.

pub mod login;
pub mod logout;
pub mod password;
pub mod refresh;
pub mod register;
pub mod sessions;

use axum::Json;
use axum::extract::State;
use http::HeaderValue;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "auth", description = "Register, log in, refresh, log out, sessions, password")))]
struct AuthApi;

/// The auth routes. Their answers carry tokens or CSRF values (or end them), so none may be
/// stored by a cache; the key set is public and cacheable.
pub fn router() -> OpenApiRouter<AppState> {
    let no_store = SetResponseHeaderLayer::overriding(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let jwks_cache = SetResponseHeaderLayer::overriding(http::header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    let keys = OpenApiRouter::new().routes(routes!(jwks)).layer(jwks_cache);
    OpenApiRouter::with_openapi(AuthApi::openapi())
        .routes(routes!(register::register))
        .routes(routes!(login::login))
        .routes(routes!(login::fresh_login))
        .routes(routes!(refresh::refresh))
        .routes(routes!(logout::logout))
        .routes(routes!(logout::logout_access))
        .routes(routes!(logout::logout_refresh))
        .routes(routes!(logout::logout_all))
        .routes(routes!(sessions::list_sessions))
        .routes(routes!(sessions::delete_session))
        .routes(routes!(password::change_password))
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
