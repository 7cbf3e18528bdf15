//! User endpoints (`/api/v1/users/...`): the caller's own account, and the administration
//! of every account.

mod admin;
mod admin_access;
mod me;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(tags((name = "users", description = "The caller's account and user administration")))]
struct UsersApi;

/// The user routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(UsersApi::openapi())
        .routes(routes!(me::get_me, me::patch_me))
        .routes(routes!(admin::list_users))
        .routes(routes!(admin::get_user, admin::patch_user, admin::delete_user))
        .routes(routes!(admin_access::set_password))
        .routes(routes!(admin_access::list_user_sessions, admin_access::end_user_sessions_route))
        .routes(routes!(admin_access::end_one_session))
}
