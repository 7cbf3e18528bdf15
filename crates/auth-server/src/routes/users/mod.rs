//! User endpoints (`/api/v1/users/...`) and the start-up admin account.

mod admin;
mod admin_access;
mod me;

use axum::Router;
use axum::routing::{delete, get, put};
use utoipa::OpenApi;

use crate::domain::users::UserView;

use crate::state::AppState;

/// The user routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users/me", get(me::get_me).patch(me::patch_me))
        .route("/api/v1/users", get(admin::list_users))
        .route(
            "/api/v1/users/{id}",
            get(admin::get_user).patch(admin::patch_user).delete(admin::delete_user),
        )
        .route("/api/v1/users/{id}/password", put(admin_access::set_password))
        .route(
            "/api/v1/users/{id}/sessions",
            get(admin_access::list_user_sessions).delete(admin_access::end_user_sessions_route),
        )
        .route("/api/v1/users/{id}/sessions/{session_id}", delete(admin_access::end_one_session))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        me::get_me,
        me::patch_me,
        admin::list_users,
        admin::get_user,
        admin::patch_user,
        admin::delete_user,
        admin_access::set_password,
        admin_access::list_user_sessions,
        admin_access::end_user_sessions_route,
        admin_access::end_one_session,
    ),
    components(schemas(
        UserView,
        crate::domain::users::patch::UserPatch,
        admin::UserPage,
        admin_access::SetPasswordRequest,
        admin_access::SessionsEnded,
        crate::infra::store::Role,
        crate::http::error::ErrorBody
    )),
    tags((name = "users", description = "The caller's account and user administration"))
)]
struct UsersApi;

/// The OpenAPI document of the user routes (merged into `/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    UsersApi::openapi()
}
