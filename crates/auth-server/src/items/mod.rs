//! The tutorials' demo resources: `/api/v1/secret`, `/api/v1/optional`, `/api/v1/items`.

use axum::Router;

use crate::state::AppState;

/// The demo resource routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
