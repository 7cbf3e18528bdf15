//! Authentication endpoints (`/api/v1/auth/...`, `/.well-known/jwks.json`) and the
//! token manager they share with every protected route.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jwt_extended::{InvalidTokenStatus, JwtError, JwtManager};

use crate::revocation::PersistentRevocations;
use crate::settings::Settings;
use crate::state::AppState;

/// The library manager configured from the settings: headers, cookies (with CSRF) and the
/// JSON body (for refresh tokens) as token locations, the revocation state on every route.
pub fn build_jwt_manager(settings: &Settings, revocations: Arc<PersistentRevocations>) -> anyhow::Result<JwtManager> {
    let (signing, verification) = crate::signing::load_keys(settings)?;
    let mut builder = JwtManager::builder()
        .signing_key(signing)
        .access_expires(settings.access_ttl)
        .refresh_expires(settings.refresh_ttl)
        .token_location_names(["headers", "cookies", "json"])
        .cookie_secure(settings.cookie_secure)
        .cookie_same_site(Some(jwt_extended::SameSite::Strict))
        .invalid_token_status(InvalidTokenStatus::Unauthorized)
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
    Ok(builder.build()?)
}

/// A token error found inside a handler, answered like the extractors answer.
pub fn token_error_response(error: &JwtError) -> Response {
    let status = jwt_extended::axum::default_status(error, InvalidTokenStatus::Unauthorized);
    let mut response = (status, Json(serde_json::json!({ "msg": error.message(), "error": error.code() }))).into_response();
    if status == http::StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
    }
    response
}

/// The auth routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/.well-known/jwks.json", get(jwks))
}

async fn jwks(State(state): State<AppState>) -> Json<jwt_extended::JwkSet> {
    Json(state.jwt.jwks().clone())
}
