//! Ending sessions: the revocation record is written first (database, then memory, by
//! `state.revocations`) so the session's tokens stop at once, then the session row is
//! marked revoked so it is no longer listed or refreshable.

use std::collections::HashSet;

use crate::http::error::ApiError;
use crate::state::AppState;

/// The Unix time after which no token issued now can still be valid: how long a
/// revocation must be kept.
pub fn horizon(state: &AppState) -> i64 {
    let longest = state.settings.access_ttl.max(state.settings.refresh_ttl);
    crate::infra::clock::now().saturating_add(i64::try_from(longest.as_secs()).unwrap_or(i64::MAX))
}

/// Revokes one session (every token carrying its `sid`). `false` when the row was
/// unknown or already revoked (the tokens are blocked either way).
pub async fn end_session(state: &AppState, session_id: &str) -> Result<bool, ApiError> {
    // The row first: once it is marked, no refresh of the session rotates again, even if
    // recording the revocation fails and the caller answers 503.
    let ended = state.store.revoke_session(session_id, crate::infra::clock::now()).await?;
    state.revocations.revoke_session(session_id, Some(horizon(state))).await?;
    Ok(ended)
}

/// Revokes every active session of `user_id` except `keep`; returns how many.
pub async fn end_user_sessions(state: &AppState, user_id: i64, keep: Option<&str>) -> Result<usize, ApiError> {
    let now = crate::infra::clock::now();
    let until = Some(horizon(state));
    let mut done = HashSet::new();
    for session in state.store.active_sessions(user_id, now).await? {
        if keep != Some(session.id.as_str()) {
            state.revocations.revoke_session(&session.id, until).await?;
            done.insert(session.id);
        }
    }
    // Sessions created meanwhile are revoked by the row update; block their tokens too.
    for session in state.store.revoke_user_sessions(user_id, keep, now).await? {
        if !done.contains(&session.id) {
            state.revocations.revoke_session(&session.id, until).await?;
            done.insert(session.id);
        }
    }
    Ok(done.len())
}

/// Ends every session of `user_id` and blocks every token issued before this second (an
/// admin changed the account's role, disabled it or set its password); returns how many
/// sessions ended. The cut-off stops one second short so that a login right after the
/// change is not refused; tokens of this very second all carry a session id, and every
/// session, including one started meanwhile, is ended here.
pub async fn end_user_access(state: &AppState, user_id: i64) -> Result<usize, ApiError> {
    let cutoff = crate::infra::clock::now() - 1;
    state
        .revocations
        .revoke_user_before(&user_id.to_string(), cutoff, Some(horizon(state)))
        .await?;
    end_user_sessions(state, user_id, None).await
}
