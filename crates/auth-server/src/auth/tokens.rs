//! Issuing tokens: every token carries `sub` (the user id as a string), `sid`,
//! `username`, `role` and `is_admin`; a login issues a pair and records the session
//! (one login = one session = one refresh-token family).

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;
use jwt_extended::IssuedToken;
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{NewSession, Role, Successor, User};

/// Longest user agent kept with a session.
const MAX_USER_AGENT: usize = 512;

/// The client a session was started from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The `User-Agent` header, truncated.
    pub user_agent: Option<String>,
    /// The client address: the peer address (the router is served with connect info),
    /// or the trusted `X-Forwarded-For` hop (see `client_ip.rs`).
    pub ip: Option<String>,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let user_agent = parts
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT).collect());
        let socket = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let ip = super::client_ip::client_ip(&parts.headers, socket, state.settings.trusted_proxy_hops).map(|ip| ip.to_string());
        Ok(ClientInfo { user_agent, ip })
    }
}

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

/// An access token of session `sid`; `fresh` only straight after a password check.
pub fn access_token(state: &AppState, user: &User, sid: &str, fresh: bool) -> Result<IssuedToken, ApiError> {
    Ok(state
        .jwt
        .access_token(&user.id.to_string())
        .fresh(fresh)
        .claims(user_claims(user))
        .session(sid)
        .issue()?)
}

/// A new pair for session `sid`.
pub fn token_pair(state: &AppState, user: &User, sid: &str, fresh: bool) -> Result<IssuedPair, ApiError> {
    let access = access_token(state, user, sid, fresh)?;
    let refresh = state
        .jwt
        .refresh_token(&user.id.to_string())
        .claims(user_claims(user))
        .session(sid)
        .issue()?;
    Ok(IssuedPair { access, refresh })
}

/// The pair answering a repeat of the refresh token a rotation just consumed: a new access
/// token and the rotation's own refresh token again (its `jti` and expiry), so the session
/// keeps one live refresh token however many tabs asked.
pub fn successor_pair(state: &AppState, user: &User, sid: &str, successor: &Successor) -> Result<IssuedPair, ApiError> {
    let access = access_token(state, user, sid, false)?;
    let refresh = state
        .jwt
        .refresh_token(&user.id.to_string())
        .claims(user_claims(user))
        .session(sid)
        .claim("jti", &successor.jti)
        .claim("exp", successor.expires_at)
        .issue()?;
    Ok(IssuedPair { access, refresh })
}

/// Starts a session after a password check: a fresh pair and the session row;
/// `persistent` sessions keep their cookies across browser restarts.
pub async fn start_session(state: &AppState, user: &User, client: &ClientInfo, persistent: bool) -> Result<IssuedPair, ApiError> {
    let sid = uuid::Uuid::now_v7().to_string();
    let pair = token_pair(state, user, &sid, true)?;
    state
        .store
        .create_session(NewSession {
            id: sid,
            user_id: user.id,
            refresh_jti: pair.refresh.jti.clone(),
            now: crate::clock::now(),
            expires_at: pair.refresh.expires_at.unwrap_or(i64::MAX),
            user_agent: client.user_agent.clone(),
            ip: client.ip.clone(),
            persistent,
        })
        .await?;
    Ok(pair)
}
