//! `POST /api/v1/auth/register`: a new account and its first session, unless the
//! operator closed sign-up, and at most `--registration-max-per-address` per client
//! address and window (counted before any lookup or hash, so a script cannot mint
//! accounts or probe names in bulk).

use axum::extract::State;
use axum::response::Response;
use http::StatusCode;
use serde::Deserialize;

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::response::{Delivery, PairOrCookies, TransportQuery, pair_response};
use crate::domain::sessions::start::start_session;
use crate::domain::users::UserView;
use crate::domain::users::fields;
use crate::domain::users::validate::{self, FieldErrors, WholeNumber};
use crate::http::answers::{BodyRefused, QueryRefused, Throttled};
use crate::http::client_ip::ClientInfo;
use crate::http::cross_site::RequestSite;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::infra::store::{NewUser, Role};
use crate::settings::Registration;
use crate::state::AppState;

/// A new account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(schema_with = fields::username)]
    pub username: String,
    #[schema(schema_with = fields::password)]
    pub password: String,
    #[serde(default)]
    #[schema(schema_with = fields::email)]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(schema_with = fields::mobile)]
    pub mobile: Option<String>,
    #[serde(default)]
    #[schema(schema_with = fields::age)]
    pub age: Option<WholeNumber>,
    #[serde(default)]
    #[schema(schema_with = fields::birth)]
    pub birth: Option<String>,
}

/// Every field rule of a registration, each failed field named in one 400.
pub fn check_registration(body: &RegisterRequest) -> Result<(), ApiError> {
    let mut errors = FieldErrors::default();
    errors.check("username", validate::username(&body.username));
    errors.check("password", validate::password(&body.password));
    validate::profile(
        &mut errors,
        body.email.as_deref(),
        body.mobile.as_deref(),
        body.age.map(|a| a.0),
        body.birth.as_deref(),
    );
    errors.finish()
}

/// Creates an account and logs it in (a fresh token pair).
#[utoipa::path(
    post,
    path = "/api/v1/auth/register",
    tag = "auth",
    params(TransportQuery),
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered: the pair, or with `?transport=cookie` a CookieTokensResponse", body = PairOrCookies),
        QueryRefused,
        BodyRefused,
        Throttled,
        (status = 403, description = "Registration is closed (`registration_closed`), or a cross-site cookie registration", body = ErrorBody),
        (status = 409, description = "Username already taken (in any case or Unicode form)", body = ErrorBody),
    ),
    security(())
)]
pub async fn register(
    State(state): State<AppState>,
    client: ClientInfo,
    site: RequestSite,
    ApiQuery(query): ApiQuery<TransportQuery>,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<Response, ApiError> {
    if state.settings.registration == Registration::Closed {
        return Err(ApiError::RegistrationClosed);
    }
    let in_cookies = query.cookies(false);
    site.refuse_cross_site_login(in_cookies)?;
    check_registration(&body)?;
    let address = client.ip.as_deref().unwrap_or("unknown");
    if let Some(retry_after) = state.registrations.reserve(address).await? {
        return Err(ApiError::RateLimited {
            msg: "Too many registrations from this address, try again later",
            retry_after,
        });
    }
    if state.store.user_by_username(&body.username).await?.is_some() {
        return Err(ApiError::Conflict("Username already taken"));
    }
    let password_hash = state.hasher.hash(body.password).await?;
    let user = state
        .store
        .create_user(NewUser {
            username: body.username,
            password_hash,
            role: Role::User,
            email: body.email,
            mobile: body.mobile,
            age: body.age.map(|a| a.0),
            birth: body.birth,
            now: crate::infra::clock::now(),
        })
        .await?;
    metrics::counter!("auth_registrations_total").increment(1);
    let pair = start_session(&state, &user, &client, false, in_cookies).await?;
    let subject = Subject::named(&user.username, &client).user(user.id);
    audit::record(AuditEvent::Register, subject.session(pair.access.session_id.as_deref()));
    let view = UserView::from(&user);
    let delivery = Delivery::new(in_cookies, false, 0);
    Ok(pair_response(&state, StatusCode::CREATED, pair, Some(view), delivery))
}
