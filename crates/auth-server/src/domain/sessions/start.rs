//! Issuing tokens: every token carries `sub` (the user id as a string), `sid`,
//! `username`, `role` and `is_admin`; a login issues a pair and records the session
//! (one login = one session = one refresh-token family). Only tokens set as cookies carry
//! `csrf`, the value the double-submit check compares: a token sent in a header has no use
//! for it, and every request carrying it would carry and verify 60 more characters.

use jwt_extended::IssuedToken;
use serde::Serialize;

use crate::http::client_ip::ClientInfo;
use crate::http::error::ApiError;
use crate::infra::store::{NewSession, Role, Successor, User};
use crate::state::AppState;

#[derive(Serialize)]
struct UserClaims<'a> {
    username: &'a str,
    role: &'a str,
    is_admin: bool,
}

fn user_claims(user: &User) -> UserClaims<'_> {
    UserClaims {
        username: &user.username,
        role: user.role.as_str(),
        is_admin: user.role == Role::Admin,
    }
}

/// An access and a refresh token of one session.
#[derive(Debug, Clone)]
pub struct IssuedPair {
    pub access: IssuedToken,
    pub refresh: IssuedToken,
}

/// An access token of session `sid`; `fresh` only straight after a password check;
/// `in_cookies` when it will be set as a cookie (it then carries `csrf`).
pub fn access_token(state: &AppState, user: &User, sid: &str, fresh: bool, in_cookies: bool) -> Result<IssuedToken, ApiError> {
    Ok(state
        .jwt
        .access_token(&user.id.to_string())
        .fresh(fresh)
        .claims(user_claims(user))
        .session(sid)
        .csrf(in_cookies)
        .issue()?)
}

/// A new pair for session `sid`, to be set as cookies if `in_cookies`.
pub fn token_pair(state: &AppState, user: &User, sid: &str, fresh: bool, in_cookies: bool) -> Result<IssuedPair, ApiError> {
    let access = access_token(state, user, sid, fresh, in_cookies)?;
    let refresh = state
        .jwt
        .refresh_token(&user.id.to_string())
        .claims(user_claims(user))
        .session(sid)
        .csrf(in_cookies)
        .issue()?;
    Ok(IssuedPair { access, refresh })
}

/// The pair answering a repeat of the refresh token a rotation just consumed: a new access
/// token and the rotation's own refresh token again (its `jti` and expiry), so the session
/// keeps one live refresh token however many tabs asked.
pub fn successor_pair(state: &AppState, user: &User, sid: &str, successor: &Successor, in_cookies: bool) -> Result<IssuedPair, ApiError> {
    let access = access_token(state, user, sid, false, in_cookies)?;
    let refresh = state
        .jwt
        .refresh_token(&user.id.to_string())
        .claims(user_claims(user))
        .session(sid)
        .csrf(in_cookies)
        .claim("jti", &successor.jti)
        .claim("exp", successor.expires_at)
        .issue()?;
    Ok(IssuedPair { access, refresh })
}

/// Starts a session after a password check: a fresh pair (set as cookies if
/// `in_cookies`) and the session row; `persistent` sessions keep their cookies across
/// browser restarts.
pub async fn start_session(
    state: &AppState,
    user: &User,
    client: &ClientInfo,
    persistent: bool,
    in_cookies: bool,
) -> Result<IssuedPair, ApiError> {
    let sid = uuid::Uuid::now_v7().to_string();
    let pair = token_pair(state, user, &sid, true, in_cookies)?;
    state
        .store
        .create_session(NewSession {
            id: sid,
            user_id: user.id,
            refresh_jti: pair.refresh.jti.clone(),
            now: crate::infra::clock::now(),
            expires_at: pair.refresh.expires_at.unwrap_or(i64::MAX),
            user_agent: client.user_agent.clone(),
            ip: client.ip.clone(),
            persistent,
        })
        .await?;
    Ok(pair)
}
