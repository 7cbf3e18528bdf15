//! The web page served at `/` (register, log in, who am I, sessions, log out).

use axum::Router;

use crate::state::AppState;

/// The web page routes.
pub fn router() -> Router<AppState> {
    Router::new()
}
