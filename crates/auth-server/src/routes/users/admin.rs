//! `/api/v1/users` and `/api/v1/users/{id}`: listing with cursor paging (admin), reading
//! (admin or self), editing (admin) and deleting (admin, or self with a fresh token).

use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::{end_user_access, end_user_sessions, horizon};
use crate::domain::users::UserView;
use crate::domain::users::patch::UserPatch;
use crate::domain::users::validate::WholeNumber;
use crate::http::answers::{AdminRefused, BodyRefused, QueryRefused, TokenRefused};
use crate::http::caller::{AdminCaller, Caller};
use crate::http::client_ip::ClientInfo;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::infra::store::{Role, User};
use crate::routes::users::me::user_not_found;
use crate::state::AppState;

/// `?limit=&cursor=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1–100, default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<WholeNumber>,
    /// The `next_cursor` of the previous page (empty: the first page).
    #[param(pattern = r"^[0-9]{0,18}$")]
    pub cursor: Option<String>,
    /// Only usernames containing this text, ignoring case and the white space around it.
    #[param(max_length = 64)]
    pub q: Option<String>,
}

/// One page of users.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserPage {
    pub users: Vec<UserView>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Longest `q` of a user search.
const SEARCH_LEN: usize = 64;

/// A cursor as this API writes them: a user id, up to 18 digits (the documented pattern).
fn parse_cursor(cursor: &str) -> Option<i64> {
    let digits = cursor.len() <= 18 && cursor.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| cursor.parse().ok()).flatten()
}

/// Path ids that are not integers name no user.
pub(super) fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| user_not_found())
}

/// Lists users by ascending id.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        QueryRefused,
        AdminRefused,
    ),
    security(("bearer" = []))
)]
pub async fn list_users(
    State(state): State<AppState>,
    caller: AdminCaller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<UserPage>, ApiError> {
    caller.require_admin(&state).await?;
    let limit = query.limit.map_or(20, |l| l.0);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 100"));
    }
    let after = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(parse_cursor(c).ok_or_else(|| ApiError::field("cursor", "is not a cursor from this API"))?),
    };
    if query.q.as_deref().is_some_and(|q| q.chars().count() > SEARCH_LEN) {
        return Err(ApiError::field("q", "must be at most 64 characters"));
    }
    let search = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let limit = limit as usize;
    // One more than asked tells whether another page exists.
    let mut users = state.store.list_users(after, limit as u32 + 1, search).await?;
    let next_cursor = if users.len() > limit {
        users.truncate(limit);
        users.last().map(|u| u.id.to_string())
    } else {
        None
    };
    Ok(Json(UserPage {
        users: users.iter().map(UserView::from).collect(),
        next_cursor,
    }))
}

/// One user (admin, or the user itself).
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserView),
        TokenRefused,
        (status = 403, description = "Neither admin nor the user itself", body = ErrorBody),
        (status = 404, description = "User not found", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_user(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Json<UserView>, ApiError> {
    let id = parse_id(&id)?;
    if caller.id != id {
        caller.require_admin(&state).await?;
    }
    let user = state.store.user_by_id(id).await?.ok_or_else(user_not_found)?;
    Ok(Json(UserView::from(&user)))
}

/// Edits a user, role and disabled flag included (admin). A change of role or a disable
/// ends every session of the user and revokes its earlier tokens; an admin cannot demote
/// or disable their own account.
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = UserPatch,
    responses(
        (status = 200, description = "The updated user", body = UserView),
        BodyRefused,
        AdminRefused,
        (status = 400, description = "Invalid field, or demoting or disabling oneself", body = ErrorBody),
        (status = 404, description = "User not found", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn patch_user(
    State(state): State<AppState>,
    client: ClientInfo,
    caller: AdminCaller,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Json<UserView>, ApiError> {
    caller.require_admin(&state).await?;
    let id = parse_id(&id)?;
    if id == caller.id {
        patch.refuse_own_privilege_change()?;
    }
    let before = state.store.user_by_id(id).await?.ok_or_else(user_not_found)?;
    let user = state
        .store
        .update_user(id, patch.into_update(true)?)
        .await?
        .ok_or_else(user_not_found)?;
    let events = privilege_events(&before, &user);
    if events.iter().any(|e| *e != AuditEvent::UserEnabled) {
        end_user_access(&state, id).await?;
    }
    let subject = Subject {
        client_ip: client.ip.as_deref(),
        ..Subject::default()
    };
    for event in events {
        audit::record(event, subject.user(id).by(caller.id));
    }
    Ok(Json(UserView::from(&user)))
}

/// The audited changes from `before` to `after`: promotion, demotion, disable, enable.
fn privilege_events(before: &User, after: &User) -> Vec<AuditEvent> {
    let mut events = Vec::new();
    match (before.role, after.role) {
        (Role::User, Role::Admin) => events.push(AuditEvent::UserPromoted),
        (Role::Admin, Role::User) => events.push(AuditEvent::UserDemoted),
        _ => {}
    }
    match (before.disabled, after.disabled) {
        (false, true) => events.push(AuditEvent::UserDisabled),
        (true, false) => events.push(AuditEvent::UserEnabled),
        _ => {}
    }
    events
}

/// Deletes a user (admin, or the user itself with a fresh token); every token of that
/// user stops working on the very next request.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing, invalid or revoked token, or not fresh when deleting oneself", body = ErrorBody),
        (status = 403, description = "Admin privilege required", body = ErrorBody),
        (status = 404, description = "User not found", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete_user(
    State(state): State<AppState>,
    client: ClientInfo,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id)?;
    if caller.id == id {
        caller.require_fresh()?;
    } else {
        caller.require_admin(&state).await?;
    }
    if state.store.user_by_id(id).await?.is_none() {
        return Err(user_not_found());
    }
    // Block the tokens first (durably), then remove the account.
    let now = crate::infra::clock::now();
    state
        .revocations
        .revoke_user_before(&id.to_string(), now, Some(horizon(&state)))
        .await?;
    end_user_sessions(&state, id, None).await?;
    state.store.delete_user(id).await?;
    let subject = Subject {
        client_ip: client.ip.as_deref(),
        ..Subject::default()
    };
    audit::record(AuditEvent::UserDeleted, subject.user(id).by(caller.id));
    Ok(StatusCode::NO_CONTENT)
}
