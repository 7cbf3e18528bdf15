//! Logging out: this session (`/logout`), only this access token (`/logout/access`), a
//! refresh token's session (`/logout/refresh`), or every session (`/logout-all`).

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::{end_session, end_user_sessions, horizon};
use crate::http::answers::{BodyTooLarge, TokenRefused};
use crate::http::body_token::RefreshCaller;
use crate::http::caller::{Caller, Identity};
use crate::http::client_ip::ClientInfo;
use crate::http::error::ApiError;
use crate::state::AppState;

/// `{msg}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageResponse {
    #[schema(example = "Logged out")]
    pub msg: String,
}

/// `{msg, revoked_sessions}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LogoutAllResponse {
    #[schema(example = "Logged out of every session")]
    pub msg: String,
    /// How many sessions were revoked, this one included.
    #[schema(example = 2)]
    pub revoked_sessions: usize,
}

fn message(msg: &str, headers: HeaderMap) -> Response {
    (headers, Json(MessageResponse { msg: msg.to_string() })).into_response()
}

/// Revokes one token by `jti` until it would have expired.
async fn revoke_token(state: &AppState, caller: &Identity) -> Result<(), ApiError> {
    let claims = &caller.token.claims;
    let jti = claims.jti().ok_or_else(|| caller.revoked())?;
    state
        .revocations
        .revoke_token(jti, Some(claims.expires_at().unwrap_or_else(|| horizon(state))))
        .await?;
    Ok(())
}

/// Ends the caller's session, or revokes just the token when it has none.
async fn end_callers_session(state: &AppState, caller: &Identity) -> Result<(), ApiError> {
    match &caller.session_id {
        Some(sid) => end_session(state, sid).await.map(drop),
        None => revoke_token(state, caller).await,
    }
}

/// Revokes this access token and its whole session; clears the cookies.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    responses(
        (status = 200, description = "Logged out", body = MessageResponse),
        TokenRefused,
    ),
    security(("bearer" = []))
)]
pub async fn logout(State(state): State<AppState>, client: ClientInfo, caller: Caller) -> Result<Response, ApiError> {
    revoke_token(&state, &caller).await?;
    end_callers_session(&state, &caller).await?;
    audit::record(AuditEvent::Logout, Subject::caller(&caller, &client));
    let mut headers = HeaderMap::new();
    if caller.uses_cookies() {
        state.jwt.unset_jwt_cookies(&mut headers);
    }
    Ok(message("Logged out", headers))
}

/// Revokes only this access token (the session's refresh token keeps working).
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout/access",
    tag = "auth",
    responses(
        (status = 200, description = "Revoked", body = MessageResponse),
        TokenRefused,
    ),
    security(("bearer" = []))
)]
pub async fn logout_access(State(state): State<AppState>, client: ClientInfo, caller: Caller) -> Result<Response, ApiError> {
    revoke_token(&state, &caller).await?;
    audit::record(AuditEvent::LogoutAccess, Subject::caller(&caller, &client));
    let mut headers = HeaderMap::new();
    if caller.uses_cookies() {
        state.jwt.unset_access_cookies(&mut headers);
    }
    Ok(message("Access token has been revoked", headers))
}

/// Revokes the refresh token's session (its access tokens too).
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout/refresh",
    tag = "auth",
    description = "The refresh token comes from `Authorization: Bearer`, the JSON body member `refresh_token`, \
                   or the `refresh_token_cookie` cookie (with `X-CSRF-TOKEN`).",
    responses(
        (status = 200, description = "Revoked", body = MessageResponse),
        TokenRefused,
        BodyTooLarge,
    ),
    security(("bearer" = []))
)]
pub async fn logout_refresh(State(state): State<AppState>, client: ClientInfo, caller: RefreshCaller) -> Result<Response, ApiError> {
    end_callers_session(&state, &caller).await?;
    audit::record(AuditEvent::LogoutRefresh, Subject::caller(&caller, &client));
    let mut headers = HeaderMap::new();
    if caller.uses_cookies() {
        state.jwt.unset_jwt_cookies(&mut headers);
    }
    Ok(message("Refresh token has been revoked", headers))
}

/// Revokes every session of the caller, this one included.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout-all",
    tag = "auth",
    responses(
        (status = 200, description = "Every session revoked", body = LogoutAllResponse),
        TokenRefused,
    ),
    security(("bearer" = []))
)]
pub async fn logout_all(State(state): State<AppState>, client: ClientInfo, caller: Caller) -> Result<Response, ApiError> {
    let revoked_sessions = end_user_sessions(&state, caller.id, None).await?;
    // A token outside any session (none are issued so, but be safe) is revoked by itself.
    if caller.session_id.is_none() {
        revoke_token(&state, &caller).await?;
    }
    let subject = Subject::caller(&caller, &client).sessions_revoked(revoked_sessions);
    audit::record(AuditEvent::LogoutAll, subject);
    let mut headers = HeaderMap::new();
    if caller.uses_cookies() {
        state.jwt.unset_jwt_cookies(&mut headers);
    }
    let body = LogoutAllResponse {
        msg: "Logged out of every session".into(),
        revoked_sessions,
    };
    Ok((headers, Json(body)).into_response())
}
