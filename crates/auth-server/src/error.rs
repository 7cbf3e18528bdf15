//! The one error type of the HTTP API. Client errors carry their message; server errors
//! are logged with their cause and answered with a generic message, never the cause.

use std::collections::BTreeMap;

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use crate::store::StoreError;

/// Every failure a handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 with per-field messages.
    #[error("{msg}")]
    Validation {
        msg: String,
        errors: BTreeMap<&'static str, Vec<String>>,
    },
    /// 400 for malformed input.
    #[error("{0}")]
    BadRequest(String),
    /// 401 with a code (`invalid_credentials`, `token_revoked`, ...).
    #[error("{msg}")]
    Unauthorized { msg: &'static str, code: &'static str },
    /// 403 authenticated but not allowed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404.
    #[error("{0}")]
    NotFound(&'static str),
    /// 409.
    #[error("{0}")]
    Conflict(&'static str),
    /// 429 with the seconds to wait.
    #[error("Too many failed login attempts, try again later")]
    RateLimited { retry_after: u64 },
    /// 503: a backing service is down. The cause is logged, not returned.
    #[error("Service unavailable")]
    Unavailable(String),
    /// 500: a bug. The cause is logged, not returned.
    #[error("Internal server error")]
    Internal(String),
    /// A token error found by a handler (e.g. refresh-token reuse), answered like the
    /// extractors answer token errors.
    #[error("{0}")]
    Token(#[from] jwt_extended::JwtError),
}

impl ApiError {
    /// A validation failure of one field.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Validation {
            msg: format!("{field}: {message}"),
            errors: BTreeMap::from([(field, vec![message])]),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict("username") => ApiError::Conflict("Username already taken"),
            StoreError::Conflict(_) => ApiError::Conflict("An item with that name already exists"),
            StoreError::Unavailable(cause) => ApiError::Unavailable(cause),
        }
    }
}

impl From<crate::password::HashError> for ApiError {
    fn from(e: crate::password::HashError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match &self {
            ApiError::Validation { msg, errors } => (
                StatusCode::BAD_REQUEST,
                json!({ "msg": msg, "error": "validation_failed", "errors": errors }),
            ),
            ApiError::BadRequest(msg) => (StatusCode::BAD_REQUEST, json!({ "msg": msg, "error": "bad_request" })),
            ApiError::Unauthorized { msg, code } => (StatusCode::UNAUTHORIZED, json!({ "msg": msg, "error": code })),
            ApiError::Forbidden(msg) => (StatusCode::FORBIDDEN, json!({ "msg": msg, "error": "forbidden" })),
            ApiError::NotFound(msg) => (StatusCode::NOT_FOUND, json!({ "msg": msg, "error": "not_found" })),
            ApiError::Conflict(msg) => (StatusCode::CONFLICT, json!({ "msg": msg, "error": "conflict" })),
            ApiError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({ "msg": self.to_string(), "error": "rate_limited" }),
            ),
            ApiError::Unavailable(cause) => {
                tracing::warn!(%cause, "backing service unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({ "msg": "Service unavailable", "error": "service_unavailable" }),
                )
            }
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "msg": "Internal server error", "error": "internal_error" }),
                )
            }
            ApiError::Token(e) => return crate::auth::token_error_response(e),
        };
        let mut response = (status, Json(body)).into_response();
        match &self {
            ApiError::Unauthorized { .. } => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
            }
            ApiError::RateLimited { retry_after } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            _ => {}
        }
        response
    }
}
