//! Turning a [`JwtError`] into a response: the application's handler for that situation
//! when it registered one, otherwise Flask-JWT-Extended's JSON body with the configured
//! message key, and RFC 6750 `WWW-Authenticate` headers on 401s.

use std::sync::Arc;

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header::WWW_AUTHENTICATE};
use serde_json::{Map, Value};

use crate::claims::DecodedToken;
use crate::config::InvalidTokenStatus;
use crate::error::JwtError;
use crate::manager::JwtManager;

type MessageHandler = Arc<dyn Fn(&str) -> Response + Send + Sync>;
type TokenHandler = Arc<dyn Fn(&DecodedToken) -> Response + Send + Sync>;
type ErrorHandler = Arc<dyn Fn(&JwtError) -> Response + Send + Sync>;

/// The application's replacements for the default error responses, one per situation
/// (set through the `on_*` methods of [`crate::JwtManagerBuilder`]).
#[derive(Clone, Default)]
pub struct ErrorHandlers {
    pub(crate) unauthorized: Option<MessageHandler>,
    pub(crate) invalid_token: Option<MessageHandler>,
    pub(crate) expired: Option<TokenHandler>,
    pub(crate) needs_fresh: Option<TokenHandler>,
    pub(crate) revoked: Option<TokenHandler>,
    pub(crate) verification_failed: Option<TokenHandler>,
    pub(crate) user_lookup_error: Option<TokenHandler>,
    pub(crate) forbidden: Option<TokenHandler>,
    pub(crate) unavailable: Option<MessageHandler>,
    pub(crate) any: Option<ErrorHandler>,
}

/// The rejection of every extractor of this crate: a [`JwtError`] answered the way the
/// manager is configured to answer it.
///
/// A CORS preflight (`OPTIONS`) reaching a protected handler is not an error: it is
/// answered `200` with an empty body, so preflights never fail on authentication.
pub struct JwtRejection {
    kind: RejectionKind,
}

enum RejectionKind {
    Error(JwtError, Option<JwtManager>),
    Preflight,
}

impl std::fmt::Debug for JwtRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtRejection").field("error", &self.error()).finish()
    }
}

impl JwtRejection {
    pub(crate) fn new(error: JwtError, manager: Option<JwtManager>) -> Self {
        JwtRejection {
            kind: RejectionKind::Error(error, manager),
        }
    }

    pub(crate) fn preflight() -> Self {
        JwtRejection {
            kind: RejectionKind::Preflight,
        }
    }

    /// The underlying error (`None` for a passed-through preflight).
    pub fn error(&self) -> Option<&JwtError> {
        match &self.kind {
            RejectionKind::Error(error, _) => Some(error),
            RejectionKind::Preflight => None,
        }
    }
}

impl IntoResponse for JwtRejection {
    fn into_response(self) -> Response {
        match self.kind {
            RejectionKind::Error(error, Some(manager)) => manager.error_response(&error),
            // No manager to style the answer: the source could not provide one.
            RejectionKind::Error(error, None) => {
                tracing::error!(cause = %error, "jwt-extended misconfiguration");
                default_response(&error, "msg", InvalidTokenStatus::Unauthorized)
            }
            RejectionKind::Preflight => StatusCode::OK.into_response(),
        }
    }
}

impl JwtManager {
    /// The response for `error`: the registered handler for its situation, or the default.
    pub fn error_response(&self, error: &JwtError) -> Response {
        let h = self.handlers();
        let custom = match error {
            JwtError::NoToken(missing) => h.unauthorized.as_ref().map(|f| f(missing.message())),
            JwtError::Csrf(msg) => h.unauthorized.as_ref().map(|f| f(msg)),
            JwtError::InvalidToken(_) | JwtError::WrongType { .. } => h.invalid_token.as_ref().map(|f| f(&error.message())),
            JwtError::Expired(t) => h.expired.as_ref().map(|f| f(t)),
            JwtError::NotFresh(t) => h.needs_fresh.as_ref().map(|f| f(t)),
            JwtError::Revoked(t) => h.revoked.as_ref().map(|f| f(t)),
            JwtError::VerificationFailed(t) => h.verification_failed.as_ref().map(|f| f(t)),
            JwtError::UserNotFound(t) => h.user_lookup_error.as_ref().map(|f| f(t)),
            JwtError::Forbidden(t) => h.forbidden.as_ref().map(|f| f(t)),
            JwtError::Unavailable(cause) => {
                tracing::warn!(%cause, "authentication backend unavailable");
                h.unavailable.as_ref().map(|f| f(cause))
            }
            JwtError::Internal(cause) => {
                tracing::error!(%cause, "jwt-extended misconfiguration");
                None
            }
            JwtError::BodyTooLarge { .. } | JwtError::BodyUnreadable => None,
        };
        custom
            .or_else(|| h.any.as_ref().map(|f| f(error)))
            .unwrap_or_else(|| default_response(error, &self.config().error_message_key, self.config().invalid_token_status))
    }
}

/// FJE's default status for each situation (with 401 instead of 422 unless compat).
pub fn default_status(error: &JwtError, style: InvalidTokenStatus) -> StatusCode {
    match error {
        JwtError::InvalidToken(_) | JwtError::WrongType { .. } if style == InvalidTokenStatus::FlaskCompat => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        JwtError::VerificationFailed(_) => StatusCode::BAD_REQUEST,
        JwtError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        JwtError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        JwtError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        JwtError::BodyUnreadable => StatusCode::BAD_REQUEST,
        JwtError::Forbidden(_) => StatusCode::FORBIDDEN,
        _ => StatusCode::UNAUTHORIZED,
    }
}

/// The answer given when no handler replaces it: the status of [`default_status`], the
/// message under `key`, and the RFC 6750 `WWW-Authenticate` challenge on 401 and 403. A
/// custom handler can start from it and keep the challenge:
///
/// ```
/// use jwt_extended::{InvalidTokenStatus, JwtError, JwtManager, default_response};
/// let jwt = JwtManager::builder()
///     .secret("a-secret-of-at-least-thirty-two-bytes!")
///     .on_error(|e: &JwtError| {
///         let mut response = default_response(e, "msg", InvalidTokenStatus::Unauthorized);
///         response.headers_mut().insert("x-auth-error", http::HeaderValue::from_static(e.code()));
///         response
///     })
///     .build()
///     .unwrap();
/// let expired = jwt.access_token("a").expires_in(std::time::Duration::from_secs(1)).issue().unwrap();
/// let missing = jwt_extended::MissingToken::new("Missing Authorization Header", &[]);
/// let response = jwt.error_response(&JwtError::NoToken(missing));
/// assert_eq!(response.headers()["www-authenticate"], "Bearer");
/// assert_eq!(response.headers()["x-auth-error"], "authorization_required");
/// # let _ = expired;
/// ```
pub fn default_response(error: &JwtError, key: &str, style: InvalidTokenStatus) -> Response {
    let status = default_status(error, style);
    let mut body = Map::new();
    body.insert(key.to_string(), Value::String(error.message()));
    let mut response = (status, Json(Value::Object(body))).into_response();
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        let challenge = match error {
            // RFC 6750 §3.1: no error code when the request carried no credentials.
            JwtError::NoToken(_) => "Bearer",
            JwtError::Forbidden(_) => "Bearer error=\"insufficient_scope\"",
            _ => "Bearer error=\"invalid_token\"",
        };
        response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    }
    response
}
