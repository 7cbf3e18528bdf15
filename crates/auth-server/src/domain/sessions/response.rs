//! The token responses: a JSON token pair (`Bearer` transport, the default) or, with
//! `?transport=cookie`, HttpOnly cookies plus a body carrying only the CSRF values.

use std::time::Duration;

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use crate::domain::sessions::start::IssuedPair;
use crate::domain::users::UserView;
use crate::state::AppState;

/// How tokens are handed to the client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// In the JSON body, for `Authorization: Bearer`.
    #[default]
    Bearer,
    /// As HttpOnly cookies, with readable CSRF cookies (browsers).
    Cookie,
}

/// `?transport=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransportQuery {
    /// `cookie` sets the tokens as HttpOnly cookies instead of returning them.
    #[param(inline)]
    pub transport: Option<Transport>,
}

impl TransportQuery {
    /// Cookies when asked for, or when the presented token itself came from a cookie.
    pub fn cookies(&self, token_from_cookie: bool) -> bool {
        self.transport == Some(Transport::Cookie) || (self.transport.is_none() && token_from_cookie)
    }
}

/// A token pair (register, login, refresh).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TokenPairResponse {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: i64,
    /// Seconds until the refresh token expires.
    #[schema(example = 2_592_000)]
    pub refresh_expires_in: i64,
    /// The user (register and login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserView>,
}

/// The body of a cookie-transport response: the JWTs are in HttpOnly cookies.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CookieTokensResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<UserView>,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Echo in `X-CSRF-TOKEN` on state-changing requests authenticated by the access cookie.
    pub csrf_access_token: String,
    /// Echo in `X-CSRF-TOKEN` when refreshing with the refresh cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_refresh_token: Option<String>,
}

/// A new fresh access token (fresh-login).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccessTokenResponse {
    pub access_token: String,
    #[schema(example = 900)]
    pub expires_in: i64,
}

/// The body of register, login and refresh: the pair, or with cookie transport the cookie
/// response ([`pair_response`] builds one or the other).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum PairOrCookies {
    Pair(TokenPairResponse),
    Cookies(CookieTokensResponse),
}

/// The body of fresh-login: the access token, or with cookie transport the cookie
/// response.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum AccessOrCookies {
    Access(AccessTokenResponse),
    Cookies(CookieTokensResponse),
}

/// How a token response hands its tokens over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// In the JSON body.
    Body,
    /// As browser-session cookies (gone when the browser closes).
    SessionCookies,
    /// As cookies kept this long ("keep me signed in": the session's remaining lifetime).
    PersistentCookies(Duration),
}

impl Delivery {
    /// Cookies when `cookies`, persistent for the rest of a session ending at
    /// `session_expires_at` when `persistent`.
    pub fn new(cookies: bool, persistent: bool, session_expires_at: i64) -> Self {
        match (cookies, persistent) {
            (false, _) => Delivery::Body,
            (true, false) => Delivery::SessionCookies,
            (true, true) => {
                let left = session_expires_at.saturating_sub(crate::infra::clock::now()).max(0);
                Delivery::PersistentCookies(Duration::from_secs(left as u64))
            }
        }
    }
}

/// Answers with `pair` in the body, or as cookies.
pub fn pair_response(state: &AppState, status: StatusCode, pair: IssuedPair, user: Option<UserView>, delivery: Delivery) -> Response {
    let expires_in = pair.access.expires_in().unwrap_or_default();
    if delivery != Delivery::Body {
        let mut headers = HeaderMap::new();
        match delivery {
            Delivery::PersistentCookies(max_age) => {
                state.jwt.set_access_cookies_with_max_age(&mut headers, &pair.access.token, max_age);
                state
                    .jwt
                    .set_refresh_cookies_with_max_age(&mut headers, &pair.refresh.token, max_age);
            }
            _ => {
                state.jwt.set_access_cookies(&mut headers, &pair.access.token);
                state.jwt.set_refresh_cookies(&mut headers, &pair.refresh.token);
            }
        }
        let body = CookieTokensResponse {
            user,
            expires_in,
            csrf_access_token: pair.access.csrf.unwrap_or_default(),
            csrf_refresh_token: pair.refresh.csrf,
        };
        return (status, headers, Json(PairOrCookies::Cookies(body))).into_response();
    }
    let body = TokenPairResponse {
        refresh_expires_in: pair.refresh.expires_in().unwrap_or_default(),
        access_token: pair.access.token,
        refresh_token: pair.refresh.token,
        token_type: "Bearer".into(),
        expires_in,
        user,
    };
    (status, Json(PairOrCookies::Pair(body))).into_response()
}
