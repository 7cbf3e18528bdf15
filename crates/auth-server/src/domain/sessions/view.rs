//! How a session is shown: to its owner (`GET /api/v1/auth/sessions`) and to an
//! administrator (`GET /api/v1/users/{id}/sessions`).

use serde::{Deserialize, Serialize};

use crate::infra::store::Session;

/// One active session.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionView {
    #[schema(example = "0193f4a8-7c1e-7d2a-9b1f-3c5e8a7d6f40")]
    pub id: String,
    pub created_at: String,
    /// Last refresh (or the login).
    pub last_used_at: String,
    /// When the session's refresh token expires.
    pub expires_at: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// Whether the calling token belongs to this session.
    pub current: bool,
    /// "Keep me signed in": its cookies outlive the browser.
    pub persistent: bool,
}

/// `{sessions: [...]}`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}

/// The API's view of `session`; `current` names the caller's own session.
pub fn view(session: Session, current: Option<&str>) -> SessionView {
    SessionView {
        persistent: session.persistent,
        current: current == Some(session.id.as_str()),
        created_at: crate::infra::clock::rfc3339(session.created_at),
        last_used_at: crate::infra::clock::rfc3339(session.last_used_at),
        expires_at: crate::infra::clock::rfc3339(session.expires_at),
        user_agent: session.user_agent,
        ip: session.ip,
        id: session.id,
    }
}
