//! `GET /api/v1/auth/sessions` and `DELETE /api/v1/auth/sessions/{id}`: the caller's
//! active logins, and ending one of them.

use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use super::caller::Caller;
use super::revoke::end_session;
use super::tokens::ClientInfo;
use crate::audit::{self, AuditEvent, Subject};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use crate::store::Session;

/// One active session.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionView {
    #[schema(example = "0193f4a8-7c1e-7d2a-9b1f-3c5e8a7d6f40")]
    pub id: String,
    pub created_at: String,
    /// Last refresh (or the login).
    pub last_used_at: String,
    /// When the session's refresh token expires.
    pub expires_at: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// Whether the calling token belongs to this session.
    pub current: bool,
    /// "Keep me signed in": its cookies outlive the browser.
    pub persistent: bool,
}

/// `{sessions: [...]}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}

/// The API's view of `session`; `current` names the caller's own session.
pub fn view(session: Session, current: Option<&str>) -> SessionView {
    SessionView {
        persistent: session.persistent,
        current: current == Some(session.id.as_str()),
        created_at: crate::clock::rfc3339(session.created_at),
        last_used_at: crate::clock::rfc3339(session.last_used_at),
        expires_at: crate::clock::rfc3339(session.expires_at),
        user_agent: session.user_agent,
        ip: session.ip,
        id: session.id,
    }
}

/// The caller's active sessions: the calling one first, then newest first.
#[utoipa::path(
    get,
    path = "/api/v1/auth/sessions",
    tag = "auth",
    responses(
        (status = 200, description = "Active sessions", body = SessionList),
        (status = 401, description = "Missing, invalid or revoked token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_sessions(State(state): State<AppState>, caller: Caller) -> Result<Json<SessionList>, ApiError> {
    let sessions = state.store.active_sessions(caller.id, crate::clock::now()).await?;
    let current = caller.session_id.as_deref();
    let mut sessions: Vec<SessionView> = sessions.into_iter().map(|s| view(s, current)).collect();
    // This device first, then newest first (a stable sort keeps the store's order).
    sessions.sort_by_key(|s| !s.current);
    Ok(Json(SessionList { sessions }))
}

/// Revokes one of the caller's sessions.
#[utoipa::path(
    delete,
    path = "/api/v1/auth/sessions/{id}",
    tag = "auth",
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Missing, invalid or revoked token", body = ErrorBody),
        (status = 404, description = "No such active session of the caller", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_session(
    State(state): State<AppState>,
    client: ClientInfo,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let now = crate::clock::now();
    match state.store.session(&id).await? {
        Some(s) if s.user_id == caller.id && s.revoked_at.is_none() && s.expires_at > now => {
            end_session(&state, &id).await?;
            let subject = Subject::caller(&caller, &client).session(Some(&id));
            audit::record(AuditEvent::SessionRevoked, subject);
            Ok(StatusCode::NO_CONTENT)
        }
        // Another user's session is indistinguishable from an unknown one.
        _ => Err(ApiError::NotFound("Session not found")),
    }
}
