//! The builder methods that choose how each token error is answered (FJE's `*_loader`
//! response callbacks). They live with the axum glue because their answers are axum
//! responses: without the `axum` feature the core has no HTTP answers to replace.

use std::sync::Arc;

use axum::response::Response;

use crate::builder::JwtManagerBuilder;
use crate::claims::DecodedToken;
use crate::error::JwtError;

impl JwtManagerBuilder {
    /// FJE `unauthorized_loader`: no token, or CSRF failure. Gets the message.
    pub fn on_unauthorized(mut self, f: impl Fn(&str) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.unauthorized = Some(Arc::new(f));
        self
    }

    /// FJE `invalid_token_loader`: malformed, badly signed, wrong type. Gets the message.
    pub fn on_invalid_token(mut self, f: impl Fn(&str) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.invalid_token = Some(Arc::new(f));
        self
    }

    /// FJE `expired_token_loader`.
    pub fn on_expired(mut self, f: impl Fn(&DecodedToken) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.expired = Some(Arc::new(f));
        self
    }

    /// FJE `needs_fresh_token_loader`.
    pub fn on_needs_fresh(mut self, f: impl Fn(&DecodedToken) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.needs_fresh = Some(Arc::new(f));
        self
    }

    /// FJE `revoked_token_loader`.
    pub fn on_revoked(mut self, f: impl Fn(&DecodedToken) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.revoked = Some(Arc::new(f));
        self
    }

    /// FJE `token_verification_failed_loader`.
    pub fn on_verification_failed(mut self, f: impl Fn(&DecodedToken) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.verification_failed = Some(Arc::new(f));
        self
    }

    /// FJE `user_lookup_error_loader`.
    pub fn on_user_lookup_error(mut self, f: impl Fn(&DecodedToken) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.user_lookup_error = Some(Arc::new(f));
        self
    }

    /// A valid token refused by the route's [`crate::Rule`]s (not in FJE): 403 by default.
    pub fn on_forbidden(mut self, f: impl Fn(&DecodedToken) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.forbidden = Some(Arc::new(f));
        self
    }

    /// A backing service was unavailable (not in FJE). Gets the logged cause.
    pub fn on_unavailable(mut self, f: impl Fn(&str) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.unavailable = Some(Arc::new(f));
        self
    }

    /// One handler for every situation that has no specific `on_*` handler: the place to
    /// give all token errors one house style (an `error` code field, say). To change the
    /// default answer rather than replace it (and so keep its `WWW-Authenticate`
    /// challenge), start from [`crate::default_response`].
    ///
    /// ```
    /// use axum::{Json, response::IntoResponse};
    /// use jwt_extended::{JwtManager, JwtError};
    /// let jwt = JwtManager::builder()
    ///     .secret("a-secret-of-at-least-thirty-two-bytes!")
    ///     .on_error(|e: &JwtError| (http::StatusCode::UNAUTHORIZED, Json(serde_json::json!({"msg": e.message(), "error": e.code()}))).into_response())
    ///     .build()
    ///     .unwrap();
    /// let missing = jwt_extended::MissingToken::new("Missing Authorization Header", &[jwt_extended::TokenLocation::Headers]);
    /// let response = jwt.error_response(&JwtError::NoToken(missing));
    /// assert_eq!(response.status(), 401);
    /// ```
    pub fn on_error(mut self, f: impl Fn(&JwtError) -> Response + Send + Sync + 'static) -> Self {
        self.handlers.any = Some(Arc::new(f));
        self
    }
}
