//! User endpoints (`/api/v1/users/...`) and the start-up admin account.

mod admin;
mod me;
pub mod patch;
pub mod validate;
mod view;

use anyhow::Context;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

pub use view::UserView;

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
}

#[derive(OpenApi)]
#[openapi(
    paths(me::get_me, me::patch_me, admin::list_users, admin::get_user, admin::patch_user, admin::delete_user),
    components(schemas(UserView, patch::UserPatch, admin::UserPage, crate::store::Role, crate::error::ErrorBody)),
    tags((name = "users", description = "The caller's account and user administration"))
)]
struct UsersApi;

/// The OpenAPI document of the user routes (merged into `/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    UsersApi::openapi()
}

/// Creates (or promotes and re-keys) the admin named by `AUTH_ADMIN_USERNAME`.
pub async fn ensure_admin(state: &AppState) -> anyhow::Result<()> {
    let Some((username, password)) = state.settings.admin.clone() else {
        return Ok(());
    };
    let hash = state.hasher.hash(password.0).await?;
    state
        .store
        .upsert_admin(&username, &hash)
        .await
        .context("creating the admin account")?;
    tracing::info!(%username, "admin account ready");
    Ok(())
}
