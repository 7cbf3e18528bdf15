//! Revocation: of one token (`jti`), of a whole session (`sid`, one login's family of
//! tokens), and of every token a user was issued up to a cut-off time.
//!
//! Flask-JWT-Extended only offers a blocklist hook; here the state is an async trait so it
//! can live in memory, in a database or in Redis, and refresh-token rotation with reuse
//! detection is built on it (see [`crate::JwtManager::rotate_refresh_token`]).

mod memory;
mod rotation;

pub use memory::InMemoryRevocationStore;

use async_trait::async_trait;

use crate::claims::DecodedToken;

/// A revocation backend could not answer (for example Redis is down). Requests fail
/// closed with 503: a token whose revocation could not be checked is never accepted.
#[derive(Debug, Clone, thiserror::Error)]
#[error("revocation state unavailable: {0}")]
pub struct RevocationError(pub String);

/// The check run on every protected request (FJE's `token_in_blocklist_loader`).
/// [`crate::JwtManagerBuilder::revocation_fn`] takes a closure instead; implement the
/// trait for a type that holds its own connection:
///
/// ```
/// use jwt_extended::{async_trait, DecodedToken, RevocationCheck, RevocationError};
/// struct Blocklist(std::collections::HashSet<String>);
/// #[async_trait]
/// impl RevocationCheck for Blocklist {
///     async fn is_revoked(&self, token: &DecodedToken) -> Result<bool, RevocationError> {
///         Ok(token.claims.jti().is_some_and(|jti| self.0.contains(jti)))
///     }
/// }
/// ```
#[async_trait]
pub trait RevocationCheck: Send + Sync + 'static {
    /// Whether this verified token must be refused.
    async fn is_revoked(&self, token: &DecodedToken) -> Result<bool, RevocationError>;

    /// The same answer without waiting, from a check that has it at hand (a set in
    /// memory): `Some` is used instead of awaiting [`Self::is_revoked`], whose future
    /// `async_trait` allocates on every request. `None`, the default, means "await
    /// `is_revoked`". Whatever this answers must be what `is_revoked` would.
    fn is_revoked_immediately(&self, token: &DecodedToken) -> Option<Result<bool, RevocationError>> {
        let _ = token;
        None
    }
}

/// A [`RevocationCheck`] made of one async closure, for
/// [`crate::JwtManagerBuilder::revocation_fn`]: FJE's `token_in_blocklist_loader`.
pub struct RevocationFn<F>(pub F);

#[async_trait]
impl<F, Fut> RevocationCheck for RevocationFn<F>
where
    F: Fn(DecodedToken) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<bool, RevocationError>> + Send + 'static,
{
    async fn is_revoked(&self, token: &DecodedToken) -> Result<bool, RevocationError> {
        // The closure owns its token (one reference count: the claims are shared), so
        // its future can be 'static and the closure needs no lifetime annotations.
        (self.0)(token.clone()).await
    }
}

/// What happened when a refresh token was presented for rotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumption {
    /// First use: the caller may issue the next pair.
    First,
    /// Already consumed before: a stolen token is being replayed (or a client retried).
    Reused,
}

/// A revocation state that can also be written.
///
/// Every `expires_at` is the Unix time after which the entry is useless (the blocked
/// tokens would have expired anyway); stores drop entries after it. `None` keeps the entry.
/// [`InMemoryRevocationStore`] is the ready-made one; a store of your own (a table, Redis)
/// implements the four writes and the check. The shape of one, in memory (expiry ignored
/// for brevity):
///
/// ```
/// use std::collections::{HashMap, HashSet};
/// use std::sync::Mutex;
/// use jwt_extended::{async_trait, Consumption, DecodedToken, RevocationCheck, RevocationError, RevocationStore};
///
/// #[derive(Default)]
/// struct Revoked {
///     tokens: Mutex<HashSet<String>>,
///     sessions: Mutex<HashSet<String>>,
///     users: Mutex<HashMap<String, i64>>,
///     spent: Mutex<HashSet<String>>,
/// }
///
/// #[async_trait]
/// impl RevocationCheck for Revoked {
///     async fn is_revoked(&self, token: &DecodedToken) -> Result<bool, RevocationError> {
///         let c = &token.claims;
///         let cutoff = c.subject().and_then(|sub| self.users.lock().unwrap().get(sub).copied());
///         Ok(c.jti().is_some_and(|jti| self.tokens.lock().unwrap().contains(jti))
///             || c.session_id().is_some_and(|sid| self.sessions.lock().unwrap().contains(sid))
///             || cutoff.is_some_and(|cutoff| c.issued_at().is_none_or(|iat| iat <= cutoff)))
///     }
/// }
///
/// #[async_trait]
/// impl RevocationStore for Revoked {
///     async fn revoke_token(&self, jti: &str, _expires_at: Option<i64>) -> Result<(), RevocationError> {
///         self.tokens.lock().unwrap().insert(jti.to_string());
///         Ok(())
///     }
///     async fn revoke_session(&self, sid: &str, _expires_at: Option<i64>) -> Result<(), RevocationError> {
///         self.sessions.lock().unwrap().insert(sid.to_string());
///         Ok(())
///     }
///     async fn revoke_user_before(&self, identity: &str, cutoff: i64, _expires_at: Option<i64>) -> Result<(), RevocationError> {
///         let mut users = self.users.lock().unwrap();
///         let kept = users.entry(identity.to_string()).or_insert(cutoff);
///         *kept = (*kept).max(cutoff);
///         Ok(())
///     }
///     async fn consume_refresh_token(&self, jti: &str, _expires_at: Option<i64>) -> Result<Consumption, RevocationError> {
///         // One lock for test-and-set: of two concurrent calls exactly one sees `First`.
///         let first = self.spent.lock().unwrap().insert(jti.to_string());
///         Ok(if first { Consumption::First } else { Consumption::Reused })
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = std::sync::Arc::new(Revoked::default());
/// let jwt = jwt_extended::JwtManager::builder()
///     .secret("a-secret-of-at-least-thirty-two-bytes!")
///     .revocation(store.clone())
///     .build()
///     .unwrap();
/// let pair = jwt.issue_pair("alice").unwrap();
/// let refresh = jwt.decode_token(&pair.refresh.token).unwrap();
/// assert!(jwt.rotate_refresh_token(store.as_ref(), &refresh).await.is_ok());
/// // Replayed: the session is revoked, its access token with it.
/// assert!(jwt.rotate_refresh_token(store.as_ref(), &refresh).await.is_err());
/// let access = jwt.decode_token(&pair.access.token).unwrap();
/// assert!(store.is_revoked(&access).await.unwrap());
/// # });
/// ```
#[async_trait]
pub trait RevocationStore: RevocationCheck {
    /// Revokes one token by its `jti`.
    async fn revoke_token(&self, jti: &str, expires_at: Option<i64>) -> Result<(), RevocationError>;
    /// Revokes every token carrying this `sid`.
    async fn revoke_session(&self, session_id: &str, expires_at: Option<i64>) -> Result<(), RevocationError>;
    /// Revokes every token of `identity` issued at or before `cutoff` (Unix seconds).
    async fn revoke_user_before(&self, identity: &str, cutoff: i64, expires_at: Option<i64>) -> Result<(), RevocationError>;
    /// Revokes `token` itself (by its `jti`, until its own expiry): FJE's "add to the
    /// blocklist" in one call. A token without a `jti` cannot be named, which is an error.
    async fn revoke(&self, token: &DecodedToken) -> Result<(), RevocationError> {
        match token.claims.jti() {
            Some(jti) => self.revoke_token(jti, token.claims.expires_at()).await,
            None => Err(RevocationError("the token has no jti to revoke it by".into())),
        }
    }
    /// Marks a refresh token as used, atomically: of concurrent calls with one `jti`,
    /// exactly one sees [`Consumption::First`].
    async fn consume_refresh_token(&self, jti: &str, expires_at: Option<i64>) -> Result<Consumption, RevocationError>;
}

/// Never revokes anything: the default when no store is configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRevocation;

#[async_trait]
impl RevocationCheck for NoRevocation {
    async fn is_revoked(&self, _token: &DecodedToken) -> Result<bool, RevocationError> {
        Ok(false)
    }
}
