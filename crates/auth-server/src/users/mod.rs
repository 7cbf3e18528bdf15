//! User endpoints (`/api/v1/users/...`) and the start-up admin account.

use anyhow::Context;
use axum::Router;

use crate::state::AppState;

/// The user routes.
pub fn router() -> Router<AppState> {
    Router::new()
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
