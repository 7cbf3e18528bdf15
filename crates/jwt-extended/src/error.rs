//! Every way a request, a token or a configuration can fail, as typed errors.
//!
//! [`JwtError`] is what verification produces; its [`JwtError::message`] matches the text
//! Flask-JWT-Extended (and PyJWT underneath it) would answer with, so clients written for a
//! Flask API keep working. How an error becomes an HTTP response is decided by the
//! manager's error handlers (see [`crate::ErrorHandlers`]).

use std::borrow::Cow;
use std::fmt;

use crate::claims::DecodedToken;
use crate::config::TokenLocation;

/// Why a request was refused. The variants follow Flask-JWT-Extended's callbacks: each
/// group can be given its own response through [`crate::ErrorHandlers`].
///
/// ```
/// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// use jwt_extended::JwtError;
/// match jwt.decode_token("not.a.token") {
///     Err(JwtError::InvalidToken(_)) => {}
///     other => panic!("{other:?}"),
/// }
/// let error = jwt.decode_token("x").unwrap_err();
/// assert_eq!((error.code(), error.message().as_str()), ("invalid_token", "Not enough segments"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// No token in any location the route accepts (FJE `unauthorized_loader`). Match on
    /// this variant, never on its message: the text depends on the locations searched.
    #[error("{0}")]
    NoToken(MissingToken),
    /// The CSRF double-submit check failed (FJE `unauthorized_loader`).
    #[error("{0}")]
    Csrf(&'static str),
    /// The token is malformed, badly signed, or fails a claim check (FJE `invalid_token_loader`).
    #[error("{0}")]
    InvalidToken(Cow<'static, str>),
    /// The token has expired (FJE `expired_token_loader`). Carries the decoded token.
    #[error("Token has expired")]
    Expired(Box<DecodedToken>),
    /// A refresh token on an access route or the reverse (FJE `invalid_token_loader`).
    #[error("{}", if *.expected_refresh { "Only refresh tokens are allowed" } else { "Only non-refresh tokens are allowed" })]
    WrongType {
        /// `true` when the route wanted a refresh token.
        expected_refresh: bool,
        /// The token that was presented.
        token: Box<DecodedToken>,
    },
    /// A fresh token was required (FJE `needs_fresh_token_loader`).
    #[error("Fresh token required")]
    NotFresh(Box<DecodedToken>),
    /// The token, its session or its user was revoked (FJE `revoked_token_loader`).
    #[error("Token has been revoked")]
    Revoked(Box<DecodedToken>),
    /// The application's custom verification refused the token
    /// (FJE `token_verification_failed_loader`).
    #[error("User claims verification failed")]
    VerificationFailed(Box<DecodedToken>),
    /// The token is valid but the route's [`crate::Rule`]s refuse it: 403 with
    /// `WWW-Authenticate: Bearer error="insufficient_scope"` (RFC 6750 §3.1).
    #[error("Insufficient permissions")]
    Forbidden(Box<DecodedToken>),
    /// The user lookup found nobody for the token's identity (FJE `user_lookup_error_loader`).
    #[error("Error loading the user {}", .0.claims.identity_display())]
    UserNotFound(Box<DecodedToken>),
    /// A backing service (revocation store, user store) could not answer. The request fails
    /// closed: a token whose revocation could not be checked is never accepted.
    #[error("Service unavailable")]
    Unavailable(String),
    /// A programming error, such as a missing [`crate::JwtLayer`]. Logged, answered
    /// with 500; the message names the call that is missing, so the first request during
    /// development says how to fix the wiring (it never holds request data).
    #[error("Internal server error: {0}")]
    Internal(&'static str),
    /// The request body that [`crate::JwtLayer`] had to read for a token or a CSRF field
    /// was longer than [`crate::JwtManagerBuilder::max_body_bytes`] (413).
    #[error("Request body too large")]
    BodyTooLarge {
        /// The configured limit, in bytes.
        limit: usize,
    },
    /// The request body [`crate::JwtLayer`] had to read failed midway (400).
    #[error("Failed to read the request body")]
    BodyUnreadable,
}

impl JwtError {
    /// The human message placed under the configured error key (`msg` by default).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// A stable machine-readable code, for APIs that add an `error` field.
    pub fn code(&self) -> &'static str {
        match self {
            JwtError::NoToken(_) => "authorization_required",
            JwtError::Csrf(_) => "csrf_failed",
            JwtError::InvalidToken(_) => "invalid_token",
            JwtError::Expired(_) => "token_expired",
            JwtError::WrongType { .. } => "wrong_token_type",
            JwtError::NotFresh(_) => "fresh_token_required",
            JwtError::Revoked(_) => "token_revoked",
            JwtError::VerificationFailed(_) => "claims_verification_failed",
            JwtError::UserNotFound(_) => "user_not_found",
            JwtError::Forbidden(_) => "insufficient_scope",
            JwtError::Unavailable(_) => "service_unavailable",
            JwtError::Internal(_) => "internal_error",
            JwtError::BodyTooLarge { .. } => "body_too_large",
            JwtError::BodyUnreadable => "body_unreadable",
        }
    }

    /// The decoded token this error is about, when decoding got that far.
    pub fn token(&self) -> Option<&DecodedToken> {
        match self {
            JwtError::Expired(t)
            | JwtError::NotFresh(t)
            | JwtError::Revoked(t)
            | JwtError::VerificationFailed(t)
            | JwtError::UserNotFound(t)
            | JwtError::Forbidden(t)
            | JwtError::WrongType { token: t, .. } => Some(t),
            _ => None,
        }
    }

    /// Whether the request carried no token at all (as opposed to a bad one).
    pub fn is_missing_token(&self) -> bool {
        matches!(self, JwtError::NoToken(_))
    }

    pub(crate) fn invalid(msg: &'static str) -> Self {
        JwtError::InvalidToken(Cow::Borrowed(msg))
    }
}

/// What [`JwtError::NoToken`] knows: FJE's message and the locations that were searched.
///
/// With one location the message names what was missing there (`Missing Authorization
/// Header`); with several it lists every location's reason (`Missing JWT in headers or
/// cookies (...; ...)`). Code that answers with its own text decides by
/// [`Self::locations`], not by parsing the message.
///
/// ```
/// use jwt_extended::{MissingToken, TokenLocation};
/// let missing = MissingToken::new("Missing Authorization Header", &[TokenLocation::Headers]);
/// assert!(missing.locations().eq([TokenLocation::Headers]));
/// assert_eq!(missing.to_string(), "Missing Authorization Header");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingToken {
    message: String,
    // Four locations exist; a fixed array keeps the anonymous path free of a second
    // allocation (optional routes take it on every request without a token).
    searched: [Option<TokenLocation>; 4],
}

impl MissingToken {
    /// A missing-token error with `message`, after searching `locations` (at most the
    /// first four are kept: there are only four kinds).
    pub fn new(message: impl Into<String>, locations: &[TokenLocation]) -> Self {
        let mut searched = [None; 4];
        for (slot, location) in searched.iter_mut().zip(locations) {
            *slot = Some(*location);
        }
        MissingToken {
            message: message.into(),
            searched,
        }
    }

    /// FJE's message, as the default response answers it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The locations searched, in the route's order.
    pub fn locations(&self) -> impl Iterator<Item = TokenLocation> + '_ {
        self.searched.iter().flatten().copied()
    }

    /// Whether more than one location was searched (the message then lists them all).
    pub fn searched_several(&self) -> bool {
        self.searched[1].is_some()
    }
}

impl fmt::Display for MissingToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why a [`crate::JwtManager`] could not be built. Raised once at start-up instead of
/// failing on every request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No key at all was configured (a verify-only manager needs at least one
    /// verification key).
    #[error("no key: call .secret(..), .signing_key(..) or, to only verify, .verification_key(..)")]
    MissingSigningKey,
    /// An HMAC secret shorter than the algorithm's minimum.
    #[error("HMAC secret for {alg:?} is {len} bytes; at least {min} bytes are required")]
    SecretTooShort {
        /// The algorithm the secret is for.
        alg: jsonwebtoken::Algorithm,
        /// Its length.
        len: usize,
        /// The minimum.
        min: usize,
    },
    /// A key cannot be used with the algorithm it was given for.
    #[error("key {kid:?} does not match algorithm {alg:?}: {reason}")]
    KeyMismatch {
        /// The key id, when set.
        kid: Option<String>,
        /// The algorithm.
        alg: jsonwebtoken::Algorithm,
        /// What went wrong.
        reason: String,
    },
    /// A key file or PEM could not be parsed.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A remote JWKS was combined with a secret, a signing key, fixed verification keys or
    /// a `decode_key_loader`.
    #[error("a remote JWKS is the only key source of its manager: drop the other keys (or the decode_key_loader)")]
    RemoteWithFixedKeys,
    /// A `decode_key_loader` on a manager without keys, with no algorithm allowed.
    #[error("a decode_key_loader without keys needs .decode_algorithms(..): the algorithms its keys are for")]
    KeyLoaderWithoutAlgorithms,
    /// Several remote key sets were given, one of them without its issuer.
    #[error("with several remote key sets, each must name its issuer (RemoteJwksBuilder::issuer)")]
    RemoteWithoutIssuer,
    /// Two keys share one `kid`.
    #[error("duplicate key id {0:?}")]
    DuplicateKid(String),
    /// The decode allowlist names an algorithm no key can verify, or `none`.
    #[error("decode algorithm {0:?} has no key of its family")]
    NoKeyForAlgorithm(jsonwebtoken::Algorithm),
    /// No token location was configured.
    #[error("at least one token location is required")]
    NoTokenLocation,
    /// A location name that is not one of headers, cookies, query_string, json.
    #[error("'{0}' is not a valid location (expected headers, cookies, query_string or json)")]
    UnknownLocation(String),
    /// A required name (header, cookie, query parameter, JSON key, error key) is empty.
    #[error("{0} must not be empty")]
    EmptyName(&'static str),
    /// A name that cannot be used in an HTTP header or cookie.
    #[error("{0} is not a valid HTTP header or cookie name")]
    InvalidName(&'static str),
    /// A token lifetime of zero; "no expiry" must be chosen explicitly.
    #[error("{0} lifetime is zero; use Lifetime::Unlimited to disable expiry explicitly")]
    ZeroLifetime(&'static str),
    /// The identity claim is empty or one of the reserved claims.
    #[error("identity claim {0:?} collides with a reserved claim")]
    ReservedIdentityClaim(String),
}

/// Why a token could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The manager only verifies (it was built with verification keys only).
    #[error("this manager only verifies tokens: it has no signing key")]
    NoSigningKey,
    /// The identity claim is `sub`, which FJE 4 requires to be a string, and the identity
    /// was a non-string [`serde_json::Value`] or the `identity_loader` returned one: the
    /// only identities the compiler cannot check (see [`crate::Identity`]).
    #[error(
        "the identity claim `sub` must be a string: a serde_json::Value identity (or the identity_loader) gave another JSON type; pass a string, an integer or a Uuid, or implement jwt_extended::Identity"
    )]
    IdentityNotString,
    /// A claim or header value could not be serialised.
    #[error("a claim could not be serialised: {0}")]
    Serialize(String),
    /// Additional claims were not a JSON object.
    #[error("additional claims must be a JSON object")]
    ClaimsNotObject,
    /// Signing failed (a broken key).
    #[error("signing failed: {0}")]
    Signing(String),
}
