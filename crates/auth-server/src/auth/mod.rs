//! Authentication endpoints (`/api/v1/auth/...`, `/.well-known/jwks.json`) and the
//! token manager they share with every protected route.

pub mod caller;
pub mod client_ip;
pub mod cross_site;
mod errors;
pub mod login;
pub mod logout;
pub mod password;
pub mod refresh;
pub mod register;
pub mod response;
pub mod revoke;
pub mod sessions;
pub mod token_rules;
pub mod tokens;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{delete, get, post, put};
use http::HeaderValue;
use jwt_extended::{InvalidTokenStatus, JwtManager};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

pub use errors::token_error_response;

use crate::revocation::DynRevocations;
use crate::settings::Settings;
use crate::state::AppState;

/// The library manager configured from the settings: headers, cookies (with CSRF) and the
/// JSON body (for refresh tokens) as token locations, the revocation state on every route,
/// and error bodies with `msg` and an `error` code.
pub fn build_jwt_manager(settings: &Settings, revocations: DynRevocations) -> anyhow::Result<JwtManager> {
    let (signing, verification) = crate::signing::load_keys(settings)?;
    let rules = token_rules::TokenRules::new(settings.access_ttl, settings.refresh_ttl);
    let mut builder = JwtManager::builder()
        .signing_key(signing)
        .access_expires(settings.access_ttl)
        .refresh_expires(settings.refresh_ttl)
        .token_location_names(["headers", "cookies", "json"])
        .cookie_secure(settings.cookie_secure)
        .cookie_same_site(Some(jwt_extended::SameSite::Strict))
        .invalid_token_status(InvalidTokenStatus::Unauthorized)
        .cookies(|cookies| scope_cookies(cookies, settings.cookie_secure))
        .token_verifier(move |token| rules.admits(token))
        .revocation(revocations);
    for key in verification {
        builder = builder.verification_key(key);
    }
    if let Some(issuer) = &settings.issuer {
        builder = builder.encode_issuer(issuer.clone()).decode_issuer(issuer.clone());
    }
    if let Some(audience) = &settings.audience {
        builder = builder.encode_audience([audience.clone()]).decode_audience([audience.clone()]);
    }
    Ok(errors::with_error_bodies(builder).build()?)
}

/// The refresh cookie goes only to the auth routes (refresh and logout use it), so no other
/// request carries it. With `Secure` cookies, the `__Host-` prefix pins a cookie to this
/// host and path `/` (a sibling subdomain cannot plant one); the refresh cookie's path
/// rules that prefix out, so it gets `__Secure-`.
fn scope_cookies(cookies: &mut jwt_extended::CookieConfig, secure: bool) {
    cookies.refresh_cookie_path = REFRESH_COOKIE_PATH.into();
    if secure {
        cookies.access_cookie_name = format!("__Host-{}", cookies.access_cookie_name);
        cookies.refresh_cookie_name = format!("__Secure-{}", cookies.refresh_cookie_name);
        cookies.access_csrf_cookie_name = format!("__Host-{}", cookies.access_csrf_cookie_name);
        cookies.refresh_csrf_cookie_name = format!("__Host-{}", cookies.refresh_csrf_cookie_name);
    }
}

/// Where the refresh cookie is sent.
pub const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

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
        crate::error::ErrorBody,
        register::RegisterRequest,
        login::LoginRequest,
        login::FreshLoginRequest,
        response::Transport,
        response::TokenPairResponse,
        response::CookieTokensResponse,
        response::AccessTokenResponse,
        response::PairOrCookies,
        response::AccessOrCookies,
        logout::MessageResponse,
        logout::LogoutAllResponse,
        sessions::SessionView,
        sessions::SessionList,
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
