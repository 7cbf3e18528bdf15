//! `PUT /api/v1/auth/password`: a new password, with a fresh token and the current
//! password; every other session of the user is revoked.

use axum::Json;
use axum::extract::State;
use jwt_extended::Fresh;
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::end_user_sessions;
use crate::domain::users::{fields, validate};
use crate::http::answers::{BodyRefused, Throttled};
use crate::http::caller::Caller;
use crate::http::client_ip::ClientInfo;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::routes::auth::login::check_password;
use crate::state::AppState;

/// The current and the new password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(format = Password)]
    pub current_password: String,
    #[schema(schema_with = fields::password)]
    pub new_password: String,
}

/// `{msg, revoked_sessions}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChangePasswordResponse {
    #[schema(example = "Password changed")]
    pub msg: String,
    /// How many other sessions were revoked.
    pub revoked_sessions: usize,
}

/// Changes the caller's password and revokes every other session.
#[utoipa::path(
    put,
    path = "/api/v1/auth/password",
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed", body = ChangePasswordResponse),
        BodyRefused,
        Throttled,
        (status = 401, description = "Wrong current password (`invalid_credentials`), or a missing, invalid, revoked or non-fresh token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn change_password(
    State(state): State<AppState>,
    client: ClientInfo,
    caller: Caller<Fresh>,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<Json<ChangePasswordResponse>, ApiError> {
    validate::password(&body.new_password).map_err(|m| ApiError::field("new_password", m))?;
    let user = state.store.user_by_id(caller.id).await?.ok_or_else(|| caller.revoked())?;
    let username = user.username.clone();
    let user = check_password(&state, &username, &client, Some(user), body.current_password, None)
        .await?
        .ok_or(ApiError::unauthorized("Current password is incorrect", "invalid_credentials"))?;
    let hash = state.hasher.hash(body.new_password).await?;
    state.store.set_password_hash(user.id, &hash).await?;
    let revoked_sessions = end_user_sessions(&state, user.id, caller.session_id.as_deref()).await?;
    let subject = Subject::caller(&caller, &client).sessions_revoked(revoked_sessions);
    audit::record(AuditEvent::PasswordChanged, subject);
    Ok(Json(ChangePasswordResponse {
        msg: "Password changed".into(),
        revoked_sessions,
    }))
}
