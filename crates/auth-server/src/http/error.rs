//! The one error type of the HTTP API. Client errors carry their message; server errors
//! are logged with their cause and answered with a generic message, never the cause.

use std::collections::BTreeMap;

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::json;

use crate::infra::store::StoreError;

/// Every failure a handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 with per-field messages.
    #[error("{msg}")]
    Validation {
        msg: String,
        errors: BTreeMap<String, Vec<String>>,
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
    /// 403 with its own code (`account_disabled`, `cross_site_request`, ...).
    #[error("{msg}")]
    ForbiddenCode { msg: &'static str, code: &'static str },
    /// 404.
    #[error("{0}")]
    NotFound(&'static str),
    /// 409.
    #[error("{0}")]
    Conflict(&'static str),
    /// 413: the body exceeds the configured limit.
    #[error("Request body too large")]
    PayloadTooLarge,
    /// 415: a body in a format the route does not read.
    #[error("{0}")]
    UnsupportedMediaType(&'static str),
    /// 429 with the seconds to wait.
    #[error("{msg}")]
    RateLimited { msg: &'static str, retry_after: u64 },
    /// 403: the operator closed sign-up (`--registration closed`).
    #[error("Registration is closed")]
    RegistrationClosed,
    /// 503 with the seconds to wait: too much work queued (password hashing), shed at once.
    #[error("The server is busy, try again shortly")]
    Busy { retry_after: u64 },
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
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::fields(BTreeMap::from([(field.into(), vec![message.into()])]))
    }

    /// A validation failure of several fields; `msg` names the first failure.
    pub fn fields(errors: BTreeMap<String, Vec<String>>) -> Self {
        let msg = errors
            .iter()
            .find_map(|(field, messages)| messages.first().map(|m| format!("{field}: {m}")))
            .unwrap_or_else(|| "Invalid request".to_string());
        ApiError::Validation { msg, errors }
    }

    /// 403 with the code that names why.
    pub fn forbidden_code(msg: &'static str, code: &'static str) -> Self {
        ApiError::ForbiddenCode { msg, code }
    }

    /// 429 for too many failed logins.
    pub fn too_many_logins(retry_after: u64) -> Self {
        ApiError::RateLimited {
            msg: "Too many failed login attempts, try again later",
            retry_after,
        }
    }

    /// 401 with the code that names why.
    pub fn unauthorized(msg: &'static str, code: &'static str) -> Self {
        ApiError::Unauthorized { msg, code }
    }
}

/// The JSON body of every error response (documented once for the OpenAPI document).
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A human-readable message (the Flask-JWT-Extended text for token errors).
    #[schema(example = "Token has expired")]
    pub msg: String,
    /// A stable machine-readable code (`token_expired`, `invalid_credentials`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "token_expired")]
    pub error: Option<String>,
    /// Per-field messages, on validation failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, Vec<String>>>,
}

impl From<jwt_extended::RevocationError> for ApiError {
    fn from(e: jwt_extended::RevocationError) -> Self {
        ApiError::Unavailable(e.0)
    }
}

impl From<jwt_extended::TokenError> for ApiError {
    fn from(e: jwt_extended::TokenError) -> Self {
        ApiError::Internal(format!("issuing a token: {e}"))
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

impl From<crate::infra::password::HashError> for ApiError {
    fn from(e: crate::infra::password::HashError) -> Self {
        match e {
            crate::infra::password::HashError::Busy => ApiError::Busy { retry_after: 1 },
            crate::infra::password::HashError::Failed(cause) => ApiError::Internal(cause),
        }
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
            ApiError::ForbiddenCode { msg, code } => (StatusCode::FORBIDDEN, json!({ "msg": msg, "error": code })),
            ApiError::NotFound(msg) => (StatusCode::NOT_FOUND, json!({ "msg": msg, "error": "not_found" })),
            ApiError::Conflict(msg) => (StatusCode::CONFLICT, json!({ "msg": msg, "error": "conflict" })),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({ "msg": self.to_string(), "error": "payload_too_large" }),
            ),
            ApiError::UnsupportedMediaType(msg) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({ "msg": msg, "error": "unsupported_media_type" }),
            ),
            ApiError::RateLimited { msg, .. } => (StatusCode::TOO_MANY_REQUESTS, json!({ "msg": msg, "error": "rate_limited" })),
            ApiError::RegistrationClosed => (
                StatusCode::FORBIDDEN,
                json!({ "msg": self.to_string(), "error": "registration_closed" }),
            ),
            ApiError::Busy { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "msg": self.to_string(), "error": "server_busy" }),
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
            ApiError::Token(e) => return crate::http::token_errors::token_error_response(e),
        };
        let mut response = (status, Json(body)).into_response();
        match &self {
            ApiError::Unauthorized { .. } => {
                // No token was presented (a password was): RFC 6750 §3.1 challenge without a code.
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::RateLimited { retry_after, .. } | ApiError::Busy { retry_after } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            _ => {}
        }
        response
    }
}

/// A JSON error body for the answers produced by the middleware itself.
pub fn error_response(status: StatusCode, msg: &str, code: &str) -> Response {
    let body = ErrorBody {
        msg: msg.to_string(),
        error: Some(code.to_string()),
        errors: None,
    };
    (status, Json(body)).into_response()
}
