//! `POST /api/v1/auth/refresh`: refresh-token rotation with reuse detection. The session
//! row holds the `jti` of the one refresh token that may still be used; a compare-and-swap
//! on it consumes the presented token. Presenting a consumed token again means it was
//! copied, and the whole session is revoked — except the token the latest rotation
//! consumed, presented again within the reuse grace window (`--refresh-reuse-grace`): two
//! tabs refreshing together, or a retry after a lost answer. That repeat gets the same
//! successor (the rotation's refresh `jti`), so the session never forks into two live
//! refresh tokens, and the store's compare-and-swap still lets exactly one rotation win.

use axum::extract::State;
use axum::response::Response;
use http::StatusCode;

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::end_session;
use crate::domain::sessions::response::{Delivery, PairOrCookies, TransportQuery, pair_response};
use crate::domain::sessions::start::{successor_pair, token_pair};
use crate::domain::users::UserView;
use crate::http::answers::{BodyTooLarge, QueryRefused};
use crate::http::body_token::RefreshCaller;
use crate::http::client_ip::ClientInfo;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiQuery;
use crate::infra::store::{RotateOutcome, Rotation};
use crate::state::AppState;

/// Trades a refresh token for a new pair (the access token is not fresh).
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    params(TransportQuery),
    description = "The refresh token comes from `Authorization: Bearer`, the JSON body member `refresh_token`, \
                   or the `refresh_token_cookie` cookie (with `X-CSRF-TOKEN`).",
    responses(
        (status = 200, description = "A new pair (with cookie transport a CookieTokensResponse); the presented refresh token is consumed", body = PairOrCookies),
        QueryRefused,
        BodyTooLarge,
        (status = 401, description = "Missing, invalid, expired or revoked refresh token (a replayed token revokes its session, unless it is the one the latest rotation consumed and comes within the reuse grace window)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn refresh(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiQuery(query): ApiQuery<TransportQuery>,
    caller: RefreshCaller,
) -> Result<Response, ApiError> {
    let (Some(sid), Some(jti)) = (caller.session_id.as_deref(), caller.token.claims.jti()) else {
        return Err(caller.revoked());
    };
    // A disabled or deleted account refreshes nothing, whatever its tokens say.
    let user = caller.account(&state).await?;
    let cookies = query.cookies(caller.uses_cookies());
    let pair = token_pair(&state, &user, sid, false, cookies)?;
    let now = crate::infra::clock::now();
    let rotation = Rotation {
        session_id: sid.to_owned(),
        presented_jti: jti.to_owned(),
        next_jti: pair.refresh.jti.clone(),
        now,
        expires_at: pair.refresh.expires_at.unwrap_or(i64::MAX),
    };
    let pair = match state.store.rotate_session(rotation).await? {
        RotateOutcome::Rotated => {
            metrics::counter!("auth_refreshes_total", "outcome" => "rotated").increment(1);
            audit::record(AuditEvent::Refresh, Subject::caller(&caller, &client));
            pair
        }
        RotateOutcome::Superseded(successor) if within_grace(&state, successor.rotated_at, now) => {
            metrics::counter!("auth_refreshes_total", "outcome" => "repeated").increment(1);
            audit::record(AuditEvent::RefreshRepeated, Subject::caller(&caller, &client));
            successor_pair(&state, &user, sid, &successor, cookies)?
        }
        RotateOutcome::Superseded(_) | RotateOutcome::Reused => {
            metrics::counter!("auth_refreshes_total", "outcome" => "reused").increment(1);
            audit::record(AuditEvent::RefreshReuse, Subject::caller(&caller, &client));
            end_session(&state, sid).await?;
            return Err(caller.revoked());
        }
        RotateOutcome::Gone => {
            metrics::counter!("auth_refreshes_total", "outcome" => "gone").increment(1);
            return Err(caller.revoked());
        }
    };
    let delivery = if cookies {
        // Only browsers read the session's "keep me signed in" choice back.
        let persistent = state.store.session(sid).await?.is_some_and(|s| s.persistent);
        Delivery::new(true, persistent, pair.refresh.expires_at.unwrap_or(now))
    } else {
        Delivery::Body
    };
    let user = cookies.then(|| UserView::from(&user));
    Ok(pair_response(&state, StatusCode::OK, pair, user, delivery))
}

/// Whether a rotation made at `rotated_at` is recent enough that a repeat of the token it
/// consumed is a second tab or a retry rather than a stolen copy.
fn within_grace(state: &AppState, rotated_at: i64, now: i64) -> bool {
    let grace = state.settings.refresh_reuse_grace.as_secs() as i64;
    grace > 0 && now.saturating_sub(rotated_at) <= grace
}
