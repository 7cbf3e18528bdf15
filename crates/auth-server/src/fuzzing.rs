//! Entry points for the cargo-fuzz targets in `crates/auth-server/fuzz/`: the login and
//! register bodies through exactly the reading, parsing and validation the handlers use
//! (the body limit middleware's wrapping, the extractors, the field rules), without a
//! store, keys or a socket. Not a stable API.

use axum::body::Body;
use http::HeaderMap;

use crate::http::error::ApiError;
use crate::http::extract::{read_json, read_json_or_form};
use crate::http::middleware::limits::limited_body;
use crate::routes::auth::login::{LoginRequest, check_login};
use crate::routes::auth::register::{RegisterRequest, check_registration};

/// `POST /api/v1/auth/login`'s body (JSON or form) with these headers, up to the point
/// where the handler looks the user up.
pub async fn login_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<LoginRequest, ApiError> {
    let login = read_json_or_form(headers, limited_body(body, limit)).await?;
    check_login(&login)?;
    Ok(login)
}

/// `POST /api/v1/auth/register`'s body (JSON) with these headers, up to the point where
/// the handler looks for an existing user.
pub async fn register_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<RegisterRequest, ApiError> {
    let registration = read_json(headers, limited_body(body, limit)).await?;
    check_registration(&registration)?;
    Ok(registration)
}
