//! `GET` and `PATCH /api/v1/users/me`: the caller's own account, loaded from the store
//! (not from the token, whose claims may be older than the last change).

use axum::Json;
use axum::extract::State;

use crate::domain::users::UserView;
use crate::domain::users::patch::UserPatch;
use crate::http::answers::{BodyRefused, TokenRefused};
use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::state::AppState;

/// 404 for a user id that no longer exists.
pub fn user_not_found() -> ApiError {
    ApiError::NotFound("User not found")
}

/// The caller's user.
#[utoipa::path(
    get,
    path = "/api/v1/users/me",
    tag = "users",
    responses(
        (status = 200, description = "The caller", body = UserView),
        TokenRefused,
    ),
    security(("bearer" = []))
)]
pub async fn get_me(State(state): State<AppState>, caller: Caller) -> Result<Json<UserView>, ApiError> {
    let user = state.store.user_by_id(caller.id).await?.ok_or_else(user_not_found)?;
    Ok(Json(UserView::from(&user)))
}

/// Updates the caller's profile fields.
#[utoipa::path(
    patch,
    path = "/api/v1/users/me",
    tag = "users",
    request_body = UserPatch,
    responses(
        (status = 200, description = "The updated user", body = UserView),
        BodyRefused,
        TokenRefused,
        (status = 400, description = "Invalid field, or an admin demoting or disabling their own account", body = ErrorBody),
        (status = 403, description = "`role` or `disabled` given by a non-admin", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn patch_me(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Json<UserView>, ApiError> {
    // Privilege is changed by another admin through `/users/{id}`, never on oneself.
    let privileged = patch.role.is_some() || patch.disabled.is_some();
    if privileged {
        caller.require_admin(&state).await?;
        patch.refuse_own_privilege_change()?;
    }
    let update = patch.into_update(privileged)?;
    let user = state.store.update_user(caller.id, update).await?.ok_or_else(user_not_found)?;
    Ok(Json(UserView::from(&user)))
}
