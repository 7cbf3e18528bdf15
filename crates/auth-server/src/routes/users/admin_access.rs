//! An admin's hold on another account's access: setting its password and seeing or
//! ending its sessions (`/api/v1/users/{id}/password`, `/api/v1/users/{id}/sessions`).
//! Setting a password ends every session of the account, as a reset should: whoever
//! held the old password may hold one of them.

use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::{end_session, end_user_access, end_user_sessions};
use crate::domain::sessions::view::{SessionList, view};
use crate::domain::users::{fields, validate};
use crate::http::answers::{AdminRefused, BodyRefused};
use crate::http::caller::{AdminCaller, Identity};
use crate::http::client_ip::ClientInfo;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::routes::users::admin::parse_id;
use crate::routes::users::me::user_not_found;
use crate::state::AppState;

/// A password an admin sets for a user.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    #[schema(schema_with = fields::password)]
    pub new_password: String,
}

/// How many sessions an admin ended.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionsEnded {
    #[schema(example = 2)]
    pub revoked: usize,
}

/// The target user's id (404 when it names no user), once the acting admin is checked
/// against the stored role.
async fn admin_and_target(state: &AppState, caller: &AdminCaller, id: &str) -> Result<i64, ApiError> {
    caller.require_admin(state).await?;
    let id = parse_id(id)?;
    state.store.user_by_id(id).await?.ok_or_else(user_not_found)?;
    Ok(id)
}

fn acted_on<'a>(id: i64, caller: &Identity, client: &'a ClientInfo) -> Subject<'a> {
    let subject = Subject {
        client_ip: client.ip.as_deref(),
        ..Subject::default()
    };
    subject.user(id).by(caller.id)
}

/// Sets a user's password (admin); every session of the user ends.
#[utoipa::path(
    put,
    path = "/api/v1/users/{id}/password",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "Set; the user's sessions ended"),
        BodyRefused,
        AdminRefused,
        (status = 404, description = "User not found", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn set_password(
    State(state): State<AppState>,
    client: ClientInfo,
    caller: AdminCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let id = admin_and_target(&state, &caller, &id).await?;
    validate::password(&body.new_password).map_err(|m| ApiError::field("new_password", m))?;
    let hash = state.hasher.hash(body.new_password).await?;
    state.store.set_password_hash(id, &hash).await?;
    let ended = end_user_access(&state, id).await?;
    audit::record(AuditEvent::PasswordSet, acted_on(id, &caller, &client).sessions_revoked(ended));
    Ok(StatusCode::NO_CONTENT)
}

/// A user's active sessions (admin), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}/sessions",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user's active sessions", body = SessionList),
        AdminRefused,
        (status = 404, description = "User not found", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_user_sessions(
    State(state): State<AppState>,
    caller: AdminCaller,
    Path(id): Path<String>,
) -> Result<Json<SessionList>, ApiError> {
    let id = admin_and_target(&state, &caller, &id).await?;
    let current = caller.session_id.as_deref();
    let sessions = state.store.active_sessions(id, crate::infra::clock::now()).await?;
    Ok(Json(SessionList {
        sessions: sessions.into_iter().map(|s| view(s, current)).collect(),
    }))
}

/// Ends every session of a user (admin).
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}/sessions",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Ended", body = SessionsEnded),
        AdminRefused,
        (status = 404, description = "User not found", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn end_user_sessions_route(
    State(state): State<AppState>,
    client: ClientInfo,
    caller: AdminCaller,
    Path(id): Path<String>,
) -> Result<Json<SessionsEnded>, ApiError> {
    let id = admin_and_target(&state, &caller, &id).await?;
    let revoked = end_user_sessions(&state, id, None).await?;
    audit::record(AuditEvent::LogoutAll, acted_on(id, &caller, &client).sessions_revoked(revoked));
    Ok(Json(SessionsEnded { revoked }))
}

/// Ends one session of a user (admin).
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}/sessions/{session_id}",
    tag = "users",
    params(
        ("id" = i64, Path, description = "User id"),
        ("session_id" = String, Path, description = "Session id"),
    ),
    responses(
        (status = 204, description = "Ended"),
        AdminRefused,
        (status = 404, description = "No such active session of that user", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn end_one_session(
    State(state): State<AppState>,
    client: ClientInfo,
    caller: AdminCaller,
    Path((id, session_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = admin_and_target(&state, &caller, &id).await?;
    match state.store.session(&session_id).await? {
        Some(s) if s.user_id == id && s.revoked_at.is_none() && s.expires_at > crate::infra::clock::now() => {
            end_session(&state, &session_id).await?;
            audit::record(
                AuditEvent::SessionRevoked,
                acted_on(id, &caller, &client).session(Some(&session_id)),
            );
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(ApiError::NotFound("Session not found")),
    }
}
