//! `POST /api/v1/auth/refresh`: refresh-token rotation with reuse detection. The session
//! row holds the `jti` of the one refresh token that may still be used; a compare-and-swap
//! on it consumes the presented token. Presenting a consumed token again means it was
//! copied: the whole session is revoked.

use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use jwt_extended::axum::{Jwt, Refresh};

use super::caller::Caller;
use super::response::{PairOrCookies, TransportQuery, pair_response};
use super::revoke::end_session;
use super::tokens::{ClientInfo, token_pair};
use crate::audit::{self, AuditEvent, Subject};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::store::RotateOutcome;
use crate::users::UserView;

/// Trades a refresh token for a new pair (the access token is not fresh).
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    params(TransportQuery),
    description = "The refresh token comes from `Authorization: Bearer`, the JSON body key `refresh_token`, \
                   or the `refresh_token_cookie` cookie (with `X-CSRF-TOKEN`).",
    responses(
        (status = 200, description = "A new pair (with cookie transport a CookieTokensResponse); the presented refresh token is consumed", body = PairOrCookies),
        (status = 401, description = "Missing, invalid, expired or revoked refresh token (a replayed token revokes its session)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn refresh(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiQuery(query): ApiQuery<TransportQuery>,
    jwt: Jwt<Refresh>,
) -> Result<Response, ApiError> {
    let caller = Caller::of(jwt)?;
    let (Some(sid), Some(jti)) = (caller.session_id.as_deref(), caller.token.claims.jti()) else {
        return Err(caller.revoked());
    };
    let Some(user) = state.store.user_by_id(caller.id).await? else {
        return Err(caller.revoked());
    };
    let pair = token_pair(&state, &user, sid, false)?;
    let now = crate::clock::now();
    let expires_at = pair.refresh.expires_at.unwrap_or(i64::MAX);
    match state.store.rotate_session(sid, jti, &pair.refresh.jti, now, expires_at).await? {
        RotateOutcome::Rotated => {
            metrics::counter!("auth_refreshes_total", "outcome" => "rotated").increment(1);
            audit::record(AuditEvent::Refresh, Subject::caller(&caller, &client));
            let cookies = query.cookies(caller.uses_cookies());
            let user = cookies.then(|| UserView::from(&user));
            Ok(pair_response(&state, StatusCode::OK, pair, user, cookies))
        }
        RotateOutcome::Reused => {
            metrics::counter!("auth_refreshes_total", "outcome" => "reused").increment(1);
            audit::record(AuditEvent::RefreshReuse, Subject::caller(&caller, &client));
            end_session(&state, sid).await?;
            Err(caller.revoked())
        }
        RotateOutcome::Gone => {
            metrics::counter!("auth_refreshes_total", "outcome" => "gone").increment(1);
            Err(caller.revoked())
        }
    }
}
