//! The application's callbacks (FJE's `@jwt.*_loader` decorators) and the builder methods
//! that register them: what goes into new tokens, which key verifies a token, the last
//! check of a verified token, and revocation.
//!
//! The response callbacks (`on_expired`, ...) live with the axum glue, since their answers
//! are axum responses.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::builder::JwtManagerBuilder;
use crate::claims::DecodedToken;
use crate::error::JwtError;
use crate::keys::VerificationKey;
use crate::revocation::RevocationCheck;

/// Turns an identity into the value stored in the identity claim (FJE `user_identity_loader`).
pub type IdentityLoader = Arc<dyn Fn(Value) -> Value + Send + Sync>;
/// Claims or headers added to every token for an identity (FJE `additional_claims_loader`).
pub type AdditionalLoader = Arc<dyn Fn(&Value) -> Map<String, Value> + Send + Sync>;
/// A last check of a verified token (FJE `token_verification_loader`); `false` refuses it.
pub type TokenVerifier = Arc<dyn Fn(&DecodedToken) -> bool + Send + Sync>;
/// Chooses the key that verifies a token from its **unverified** header and claims (FJE
/// `decode_key_loader`); see [`JwtManagerBuilder::decode_key_loader`].
pub type KeyLoader = Arc<dyn Fn(&Map<String, Value>, &Map<String, Value>) -> Result<VerificationKey, JwtError> + Send + Sync>;

#[derive(Clone, Default)]
pub(crate) struct Hooks {
    pub(crate) identity_loader: Option<IdentityLoader>,
    pub(crate) additional_claims: Option<AdditionalLoader>,
    pub(crate) additional_headers: Option<AdditionalLoader>,
    pub(crate) token_verifier: Option<TokenVerifier>,
    pub(crate) key_loader: Option<KeyLoader>,
}

impl JwtManagerBuilder {
    /// The revocation check run on protected routes (FJE `token_in_blocklist_loader`).
    pub fn revocation(mut self, check: Arc<dyn RevocationCheck>) -> Self {
        self.revocation = Some(check);
        self
    }

    /// The revocation check as one async closure (FJE `token_in_blocklist_loader`);
    /// `Err` fails the request closed with 503.
    ///
    /// ```
    /// use std::{collections::HashSet, sync::{Arc, Mutex}};
    /// use jwt_extended::{JwtManager, RevocationError};
    /// let blocklist: Arc<Mutex<HashSet<String>>> = Arc::default();
    /// let jwt = JwtManager::builder()
    ///     .secret("a-secret-of-at-least-thirty-two-bytes!")
    ///     .revocation_fn({
    ///         let blocklist = blocklist.clone();
    ///         move |token| {
    ///             let revoked = token.claims.jti().is_some_and(|jti| blocklist.lock().unwrap().contains(jti));
    ///             async move { Ok::<_, RevocationError>(revoked) }
    ///         }
    ///     })
    ///     .build()
    ///     .unwrap();
    /// ```
    pub fn revocation_fn<F, Fut>(self, check: F) -> Self
    where
        F: Fn(DecodedToken) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<bool, crate::RevocationError>> + Send + 'static,
    {
        self.revocation(Arc::new(crate::revocation::RevocationFn(check)))
    }

    /// FJE `user_identity_loader`: maps the identity's claim value (see [`crate::Identity`],
    /// which is usually the simpler place for this) to the value stored. With the identity
    /// claim `sub` it must return a string, or issuing fails with
    /// [`crate::TokenError::IdentityNotString`].
    pub fn identity_loader(mut self, loader: impl Fn(Value) -> Value + Send + Sync + 'static) -> Self {
        self.hooks.identity_loader = Some(Arc::new(loader));
        self
    }

    /// FJE `additional_claims_loader`: claims added to every token, given its identity.
    pub fn additional_claims_loader(mut self, loader: impl Fn(&Value) -> Map<String, Value> + Send + Sync + 'static) -> Self {
        self.hooks.additional_claims = Some(Arc::new(loader));
        self
    }

    /// FJE `additional_headers_loader`: JOSE headers added to every token.
    pub fn additional_headers_loader(mut self, loader: impl Fn(&Value) -> Map<String, Value> + Send + Sync + 'static) -> Self {
        self.hooks.additional_headers = Some(Arc::new(loader));
        self
    }

    /// FJE `token_verification_loader`: a last check; `false` answers 400
    /// `User claims verification failed`.
    pub fn token_verifier(mut self, verifier: impl Fn(&DecodedToken) -> bool + Send + Sync + 'static) -> Self {
        self.hooks.token_verifier = Some(Arc::new(verifier));
        self
    }

    /// FJE `decode_key_loader`: picks the key that verifies each token, given its JOSE
    /// header and its claims — both **not yet verified**, so use them only to choose (a
    /// tenant's key by `iss` or a header field), never to trust. The key replaces the
    /// manager's verification keys for every token (its own too, as in FJE), and it must
    /// be of the token's algorithm family; the allowed algorithms are
    /// [`Self::decode_algorithms`], required when the manager has no key of its own.
    ///
    /// An `Err` refuses the token with that error: [`JwtError::InvalidToken`] (FJE:
    /// raising `InvalidTokenError`) answers 401 with your message, 422 with
    /// [`crate::InvalidTokenStatus::FlaskCompat`]; [`JwtError::Unavailable`] (a key store
    /// that is down) answers 503. Tokens are then verified on every request (the
    /// verified-token cache is off), since the loader may change its mind.
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use jwt_extended::{Algorithm, JwtError, JwtManager, VerificationKey};
    /// let tenant_key = |tenant: &str| match tenant {
    ///     "acme" => Some(VerificationKey::hmac(Algorithm::HS256, "the-secret-of-tenant-acme-32-bytes!!")),
    ///     _ => None,
    /// };
    /// let jwt = JwtManager::builder()
    ///     .decode_algorithms([Algorithm::HS256])
    ///     .decode_key_loader(move |_header, claims| {
    ///         let tenant = claims.get("tenant").and_then(|t| t.as_str()).unwrap_or_default();
    ///         tenant_key(tenant).ok_or(JwtError::InvalidToken(Cow::Borrowed("Unknown tenant")))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// ```
    pub fn decode_key_loader(
        mut self,
        loader: impl Fn(&Map<String, Value>, &Map<String, Value>) -> Result<VerificationKey, JwtError> + Send + Sync + 'static,
    ) -> Self {
        self.hooks.key_loader = Some(Arc::new(loader));
        self
    }
}
