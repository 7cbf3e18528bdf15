//! `GET /api/v1/auth/sessions` and `DELETE /api/v1/auth/sessions/{id}`: the caller's
//! active logins, and ending one of them.

use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::end_session;
use crate::domain::sessions::view::{SessionList, SessionView, view};
use crate::http::answers::TokenRefused;
use crate::http::caller::Caller;
use crate::http::client_ip::ClientInfo;
use crate::http::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The caller's active sessions: the calling one first, then newest first.
#[utoipa::path(
    get,
    path = "/api/v1/auth/sessions",
    tag = "auth",
    responses(
        (status = 200, description = "Active sessions", body = SessionList),
        TokenRefused,
    ),
    security(("bearer" = []))
)]
pub async fn list_sessions(State(state): State<AppState>, caller: Caller) -> Result<Json<SessionList>, ApiError> {
    let sessions = state.store.active_sessions(caller.id, crate::infra::clock::now()).await?;
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
        TokenRefused,
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
    let now = crate::infra::clock::now();
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
