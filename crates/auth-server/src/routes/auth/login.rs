//! `POST /api/v1/auth/login` (JSON or HTML form) and `POST /api/v1/auth/fresh-login`,
//! and the throttled password check they share with the password change.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::end_session;
use crate::domain::sessions::response::{
    AccessOrCookies, AccessTokenResponse, CookieTokensResponse, Delivery, PairOrCookies, TransportQuery, pair_response,
};
use crate::domain::sessions::start::{access_token, start_session};
use crate::domain::users::UserView;
use crate::domain::users::validate::{PASSWORD_LEN, USERNAME_LEN};
use crate::http::answers::{BodyRefused, QueryRefused, Throttled};
use crate::http::caller::Caller;
use crate::http::client_ip::ClientInfo;
use crate::http::cross_site::RequestSite;
use crate::http::device_cookie::{PresentedDevice, set_device_cookie};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, JsonOrForm};
use crate::infra::device::Device;
use crate::infra::password::Lane;
use crate::infra::store::User;
use crate::state::AppState;

/// Credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's name, in any of its spellings (see `docs/api.md`, "One name, one
    /// account"); longer than any account's name is refused before any lookup.
    #[schema(example = "alice", min_length = 1, max_length = 64)]
    pub username: String,
    #[schema(example = "correct horse battery staple", format = Password)]
    pub password: String,
    /// "Keep me signed in": with cookie transport, cookies that outlive the browser (for
    /// the refresh token's lifetime) instead of browser-session cookies. A form sends
    /// `true` (a checkbox with `value="true"`).
    #[serde(default, deserialize_with = "lenient_bool")]
    #[schema(value_type = bool, default = false)]
    pub remember: bool,
}

/// A boolean from JSON (`true`) or an HTML form, whose values are text (`true`, `false`).
fn lenient_bool<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum BoolOrText {
        Bool(bool),
        Text(String),
    }
    match BoolOrText::deserialize(deserializer)? {
        BoolOrText::Bool(b) => Ok(b),
        BoolOrText::Text(t) => match t.as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(serde::de::Error::custom("must be true or false")),
        },
    }
}

/// The password again, to make the session's access token fresh.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreshLoginRequest {
    #[schema(format = Password)]
    pub password: String,
}

/// What a login body must satisfy before any lookup (the password is checked by hashing):
/// a name longer than any account's cannot exist, so it costs no query and no hash.
pub fn check_login(body: &LoginRequest) -> Result<(), ApiError> {
    if body.username.is_empty() {
        return Err(ApiError::field("username", "is required"));
    }
    if body.username.chars().count() > USERNAME_LEN.1 {
        return Err(ApiError::field(
            "username",
            format!("must be at most {} characters", USERNAME_LEN.1),
        ));
    }
    Ok(())
}

fn bad_credentials() -> ApiError {
    ApiError::unauthorized("Bad username or password", "invalid_credentials")
}

/// Told only to someone who gave the right password, so it reveals nothing new.
fn account_disabled() -> ApiError {
    ApiError::forbidden_code("Account disabled", "account_disabled")
}

/// 403 `Account disabled` for a disabled account (after its password was checked).
fn refuse_disabled(user: &User) -> Result<(), ApiError> {
    if user.disabled { Err(account_disabled()) } else { Ok(()) }
}

/// Checks `password` against `user` (against a dummy hash when there is no user, so both
/// failures cost the same). The attempt is reserved in the throttle first (by `username`'s
/// canonical key, or by `device` when it comes from a trusted one, and the client
/// address), so a refused one costs no hash, and the check waits for any other check of
/// the same key; a trusted device's check goes to the hashing queue's priority lane.
/// `None` when the password does not match. Failures and refusals are audited here;
/// successes by the caller, which knows what the password was checked for.
pub async fn check_password(
    state: &AppState,
    username: &str,
    client: &ClientInfo,
    user: Option<User>,
    password: String,
    device: Option<&Device>,
) -> Result<Option<User>, ApiError> {
    let subject = Subject::named(username, client);
    let subject = match &user {
        Some(user) => subject.user(user.id),
        None => subject,
    };
    let address = client.ip.as_deref().unwrap_or("unknown");
    let attempt = match state.throttle.begin(username, address, device).await? {
        Ok(attempt) => attempt,
        Err(retry_after) => {
            metrics::counter!("auth_logins_total", "outcome" => "throttled").increment(1);
            audit::record(AuditEvent::LoginThrottled, subject);
            return Err(ApiError::too_many_logins(retry_after));
        }
    };
    // Passwords longer than any valid one cannot match; still spend the same work.
    let too_long = password.chars().count() > PASSWORD_LEN.1;
    let hash = user.as_ref().filter(|_| !too_long).map(|u| u.password_hash.clone());
    let lane = if device.is_some() { Lane::Priority } else { Lane::Normal };
    let matches = match state.hasher.verify(password, hash, lane).await {
        Ok(matches) => matches,
        Err(e) => {
            attempt.abandoned().await?;
            return Err(e.into());
        }
    };
    match user.filter(|_| matches) {
        Some(user) => {
            attempt.succeeded().await?;
            metrics::counter!("auth_logins_total", "outcome" => "ok").increment(1);
            Ok(Some(user))
        }
        None => {
            let address_limited = attempt.failed().await?;
            metrics::counter!("auth_logins_total", "outcome" => "failed").increment(1);
            audit::record(AuditEvent::LoginFailure, subject);
            match address_limited {
                Some(retry_after) => Err(ApiError::too_many_logins(retry_after)),
                None => Ok(None),
            }
        }
    }
}

/// Logs in with a username and password: a new session and a fresh token pair, and a
/// device cookie (`login_device`, `__Secure-login_device` with `Secure` cookies: HttpOnly,
/// SameSite=Strict, sent only to this route) that makes this device's later logins to the
/// same account trusted: the per-account lockout does not refuse them (the device has a
/// failure limit of its own) and they are hashed before untrusted ones. Clients that keep
/// cookies get this without doing anything; an invalid, expired or other account's cookie
/// is ignored.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    params(TransportQuery),
    request_body(content(
        (LoginRequest = "application/json"),
        (LoginRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, description = "Logged in: the pair, or with `?transport=cookie` a CookieTokensResponse; `Set-Cookie` carries a new device cookie (not on a cross-site request)", body = PairOrCookies,
            headers(("Set-Cookie" = String, description = "`login_device=<nonce>.<expiry>.<signature>; Path=/api/v1/auth/login; Max-Age=<--device-cookie-ttl>; HttpOnly; SameSite=Strict` (`__Secure-login_device`, `Secure`, with `--cookie-secure`), with the token cookies under cookie transport"))),
        QueryRefused,
        BodyRefused,
        Throttled,
        (status = 401, description = "Bad username or password", body = ErrorBody),
        (status = 403, description = "Right password, but the account is disabled; or a cross-site form or cookie login", body = ErrorBody),
    ),
    security(())
)]
pub async fn login(
    State(state): State<AppState>,
    client: ClientInfo,
    site: RequestSite,
    presented: PresentedDevice,
    ApiQuery(query): ApiQuery<TransportQuery>,
    JsonOrForm(body): JsonOrForm<LoginRequest>,
) -> Result<Response, ApiError> {
    let in_cookies = query.cookies(false);
    site.refuse_cross_site_login(in_cookies)?;
    check_login(&body)?;
    let user = state.store.user_by_username(&body.username).await?;
    let now = crate::infra::clock::now();
    let device = user.as_ref().and_then(|u| presented.trusted(&state.devices, u.id, now));
    let user = check_password(&state, &body.username, &client, user, body.password, device.as_ref())
        .await?
        .ok_or_else(bad_credentials)?;
    refuse_disabled(&user)?;
    let pair = start_session(&state, &user, &client, body.remember, in_cookies).await?;
    let sid = pair.access.session_id.as_deref().unwrap_or_default();
    // An admin may have disabled the account while its password was being checked; the
    // disable ended every session it saw, so this one is ended here.
    if state.store.user_by_id(user.id).await?.is_none_or(|u| u.disabled) {
        end_session(&state, sid).await?;
        return Err(account_disabled());
    }
    let subject = Subject::named(&user.username, &client).user(user.id);
    audit::record(AuditEvent::LoginSuccess, subject.session(Some(sid)));
    let expires_at = pair.refresh.expires_at.unwrap_or_default();
    let delivery = Delivery::new(in_cookies, body.remember, expires_at);
    let mut response = pair_response(&state, StatusCode::OK, pair, Some(UserView::from(&user)), delivery);
    // A cross-site page must not plant a device cookie of an account of its choosing.
    if !site.is_cross_site() {
        let secure = state.settings.cookie_secure;
        set_device_cookie(response.headers_mut(), &state.devices, secure, user.id, now);
    }
    Ok(response)
}

/// Re-enters the password: a fresh access token in the same session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/fresh-login",
    tag = "auth",
    params(TransportQuery),
    request_body = FreshLoginRequest,
    responses(
        (status = 200, description = "A fresh access token, or with cookie transport a CookieTokensResponse", body = AccessOrCookies),
        QueryRefused,
        BodyRefused,
        Throttled,
        (status = 401, description = "Bad password, or a missing, invalid, expired or revoked token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn fresh_login(
    State(state): State<AppState>,
    client: ClientInfo,
    ApiQuery(query): ApiQuery<TransportQuery>,
    caller: Caller,
    ApiJson(body): ApiJson<FreshLoginRequest>,
) -> Result<(HeaderMap, Json<AccessOrCookies>), ApiError> {
    let sid = caller.session_id.clone().ok_or_else(|| caller.revoked())?;
    let user = state.store.user_by_id(caller.id).await?;
    let user = check_password(&state, &caller.username, &client, user, body.password, None)
        .await?
        .ok_or_else(bad_credentials)?;
    refuse_disabled(&user)?;
    let in_cookies = query.cookies(caller.uses_cookies());
    let access = access_token(&state, &user, &sid, true, in_cookies)?;
    audit::record(AuditEvent::LoginSuccess, Subject::caller(&caller, &client));
    let expires_in = access.expires_in().unwrap_or_default();
    let mut headers = HeaderMap::new();
    let body = if in_cookies {
        state.jwt.set_access_cookies(&mut headers, &access.token);
        AccessOrCookies::Cookies(CookieTokensResponse {
            user: None,
            expires_in,
            csrf_access_token: access.csrf.unwrap_or_default(),
            csrf_refresh_token: None,
        })
    } else {
        AccessOrCookies::Access(AccessTokenResponse {
            access_token: access.token,
            expires_in,
        })
    };
    Ok((headers, Json(body)))
}
