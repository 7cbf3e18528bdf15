//! [`JwtManager`]: the configuration, the keys and the application's callbacks in one
//! cheaply cloned value, and the verification of a request in FJE's order.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use http::Method;
use http::request::Parts;
use jsonwebtoken::jwk::JwkSet;
use serde_json::{Map, Value};

#[cfg(feature = "axum")]
use crate::axum::ErrorHandlers;
use crate::builder::JwtManagerBuilder;
use crate::callbacks::Hooks;
use crate::claims::{DecodedToken, TokenType};
use crate::config::{JwtConfig, Lifetime, TokenLocation};
use crate::decode::{DecodeSettings, Verifier, decode, decode_timed};
use crate::encode::{IssuedToken, TokenBuilder};
use crate::error::{JwtError, TokenError};
use crate::identity::Identity;
use crate::keys::KeySet;
use crate::locations::find_token;
use crate::revocation::RevocationCheck;
use crate::verified_cache;

/// Seconds since the Unix epoch, with a fraction.
pub(crate) fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Which token type a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeCheck {
    /// Access tokens only (the default).
    Access,
    /// Refresh tokens only.
    Refresh,
    /// Either (FJE `verify_type=False`).
    Any,
}

/// What one route requires of a request: FJE's `jwt_required(...)` arguments.
#[derive(Debug, Clone, Copy)]
pub struct RouteRules {
    /// Access, refresh or either.
    pub token_type: TypeCheck,
    /// Require a fresh token.
    pub fresh: bool,
    /// No token at all is fine (the handler sees no identity).
    pub optional: bool,
    /// Look only here (in this order) instead of the configured locations.
    pub locations: Option<&'static [TokenLocation]>,
    /// Skip the revocation check.
    pub skip_revocation: bool,
    /// With `optional`: a present but bad token also counts as anonymous (FJE lacks this).
    pub invalid_as_anonymous: bool,
    /// The route's authorization: `false` answers [`JwtError::Forbidden`] (403).
    pub authorize: fn(&DecodedToken) -> bool,
}

impl Default for RouteRules {
    fn default() -> Self {
        RouteRules {
            token_type: TypeCheck::Access,
            fresh: false,
            optional: false,
            locations: None,
            skip_revocation: false,
            invalid_as_anonymous: false,
            authorize: |_| true,
        }
    }
}

/// A request's verified token and where it was found.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Verified {
    /// Header and claims.
    pub token: DecodedToken,
    /// The location it came from.
    pub location: TokenLocation,
}

pub(crate) struct Inner {
    pub(crate) config: JwtConfig,
    pub(crate) keys: KeySet,
    pub(crate) decode: DecodeSettings,
    pub(crate) hooks: Hooks,
    #[cfg(feature = "axum")]
    pub(crate) handlers: ErrorHandlers,
    pub(crate) revocation: Option<Arc<dyn RevocationCheck>>,
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) buffers_body: bool,
    /// This manager's entries in the per-thread [`verified_cache`].
    pub(crate) cache_owner: u64,
    /// [`crate::JwtManagerBuilder::verified_cache`].
    pub(crate) cache_verified: bool,
    /// Verification keys fetched from a JWKS URL, replacing `keys` for verification.
    #[cfg(feature = "remote-jwks")]
    pub(crate) remote: Vec<crate::remote_jwks::RemoteSource>,
}

/// The heart of the library: configuration, keys and callbacks. Clone it freely (it is
/// an `Arc`), install [`JwtManager::layer`] on the router (or put the manager in the
/// router state, see [`crate::FromState`]), and protect handlers with the extractors
/// ([`crate::Jwt`], [`crate::CurrentUser`], [`crate::TypedClaims`]).
///
/// ```
/// use jwt_extended::JwtManager;
/// let jwt = JwtManager::builder()
///     .secret("a-secret-of-at-least-thirty-two-bytes!")
///     .build()
///     .expect("valid configuration");
/// let token = jwt.create_access_token("alice").unwrap();
/// assert_eq!(jwt.decode_token(&token).unwrap().claims.subject(), Some("alice"));
/// ```
#[derive(Clone)]
pub struct JwtManager {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for JwtManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtManager")
            .field("config", &self.inner.config)
            .field("keys", &self.inner.keys)
            .finish_non_exhaustive()
    }
}

impl JwtManager {
    /// Starts a configuration with Flask-JWT-Extended's defaults.
    pub fn builder() -> JwtManagerBuilder {
        JwtManagerBuilder::default()
    }

    /// The validated configuration.
    pub fn config(&self) -> &JwtConfig {
        &self.inner.config
    }

    pub(crate) fn keys(&self) -> &KeySet {
        &self.inner.keys
    }

    pub(crate) fn hooks(&self) -> &Hooks {
        &self.inner.hooks
    }

    #[cfg(feature = "axum")]
    pub(crate) fn handlers(&self) -> &ErrorHandlers {
        &self.inner.handlers
    }

    #[cfg(feature = "axum")]
    pub(crate) fn buffers_body(&self) -> bool {
        self.inner.buffers_body
    }

    /// The public verification keys as a JWKS document (`/.well-known/jwks.json`).
    /// HMAC secrets are never included, so an HMAC-only manager publishes `{"keys": []}`.
    pub fn jwks(&self) -> &JwkSet {
        self.inner.keys.jwks()
    }

    /// Starts an access token for `identity`.
    pub fn access_token<I: Identity + ?Sized>(&self, identity: &I) -> TokenBuilder<'_> {
        TokenBuilder::new(self, TokenType::Access, identity)
    }

    /// Starts a refresh token for `identity`.
    pub fn refresh_token<I: Identity + ?Sized>(&self, identity: &I) -> TokenBuilder<'_> {
        TokenBuilder::new(self, TokenType::Refresh, identity)
    }

    /// FJE's `create_access_token(identity)`: a non-fresh access token with the configured
    /// lifetime.
    pub fn create_access_token<I: Identity + ?Sized>(&self, identity: &I) -> Result<String, TokenError> {
        self.access_token(identity).issue().map(|t| t.token)
    }

    /// FJE's `create_refresh_token(identity)`.
    pub fn create_refresh_token<I: Identity + ?Sized>(&self, identity: &I) -> Result<String, TokenError> {
        self.refresh_token(identity).issue().map(|t| t.token)
    }

    /// What a login hands out: a fresh access token and a refresh token in one new
    /// session (a random `sid` shared by both), so that logging the session out, or a
    /// reused refresh token, revokes the pair together.
    ///
    /// ```
    /// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
    /// let pair = jwt.issue_pair("alice").unwrap();
    /// assert!(pair.access.session_id.is_some());
    /// assert_eq!(pair.access.session_id, pair.refresh.session_id);
    /// assert!(jwt.decode_token(&pair.access.token).unwrap().claims.freshness().is_fresh_at(0.0));
    /// ```
    pub fn issue_pair<I: Identity + ?Sized>(&self, identity: &I) -> Result<TokenPair, TokenError> {
        let session = uuid::Uuid::new_v4().to_string();
        Ok(TokenPair {
            access: self.access_token(identity).fresh(true).session(session.clone()).issue()?,
            refresh: self.refresh_token(identity).session(session).issue()?,
        })
    }

    /// FJE's `get_unverified_jwt_headers`: the token's JOSE header, **not verified** —
    /// for choosing a key or a tenant before verifying, never for trusting anything.
    ///
    /// ```
    /// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
    /// let token = jwt.access_token("alice").header("tenant", "acme").issue().unwrap();
    /// assert_eq!(jwt.unverified_header(&token.token).unwrap()["tenant"], "acme");
    /// assert!(jwt.unverified_header("not a token").is_err());
    /// ```
    pub fn unverified_header(&self, token: &str) -> Result<Map<String, Value>, JwtError> {
        crate::decode::unverified_header(token, self.inner.config.max_token_bytes)
    }

    /// FJE's `decode_token`: verifies signature and claims (not type, freshness or
    /// revocation, which depend on the route).
    pub fn decode_token(&self, token: &str) -> Result<DecodedToken, JwtError> {
        if let Some(loader) = &self.inner.hooks.key_loader {
            return decode(token, Verifier::Loader(loader), &self.inner.decode, unix_now(), false);
        }
        #[cfg(feature = "remote-jwks")]
        if let Some(source) = self.remote_source(token)? {
            let snapshot = source.keys.current()?;
            return self.decode_with(token, &snapshot.keys, snapshot.cache_owner, &source.decode);
        }
        self.decode_with(token, &self.inner.keys, self.inner.cache_owner, &self.inner.decode)
    }

    /// The remote key set that verifies `token`: the only one, or with several the one
    /// bound to the token's (not yet verified) `iss` — which its settings then require.
    #[cfg(feature = "remote-jwks")]
    fn remote_source(&self, token: &str) -> Result<Option<&crate::remote_jwks::RemoteSource>, JwtError> {
        match self.inner.remote.as_slice() {
            [] => Ok(None),
            [only] => Ok(Some(only)),
            several => {
                let payload = crate::decode::unverified_payload(token);
                let issuer = payload.as_ref().and_then(|p| p.get("iss")).and_then(|iss| iss.as_str());
                several
                    .iter()
                    .find(|source| issuer.is_some() && source.keys.issuer() == issuer)
                    .map(Some)
                    .ok_or(JwtError::invalid("Invalid issuer"))
            }
        }
    }

    /// [`Self::decode_token`] for a request: a token naming a `kid` the remote key set
    /// lacks makes it fetch the set again (rate-limited) and try once more.
    async fn decode_request_token(&self, token: &str) -> Result<DecodedToken, JwtError> {
        let first = self.decode_token(token);
        #[cfg(feature = "remote-jwks")]
        if let (Err(JwtError::InvalidToken(_)), Ok(Some(source))) = (&first, self.remote_source(token))
            && let Some(kid) = crate::decode::unverified_header(token, self.inner.config.max_token_bytes)
                .ok()
                .and_then(|header| header.get("kid").and_then(|kid| kid.as_str().map(str::to_string)))
            && source.keys.refresh_for_kid(&kid).await
        {
            return self.decode_token(token);
        }
        first
    }

    fn decode_with(&self, token: &str, keys: &KeySet, cache_owner: u64, settings: &DecodeSettings) -> Result<DecodedToken, JwtError> {
        let inner = &self.inner;
        let now = unix_now();
        if inner.cache_verified
            && let Some(decoded) = verified_cache::get(cache_owner, token, now, inner.decode.leeway)
        {
            return Ok(decoded);
        }
        let (decoded, validity) = decode_timed(token, Verifier::Keys(keys), settings, now, false)?;
        if inner.cache_verified {
            verified_cache::put(cache_owner, token, &decoded, validity);
        }
        Ok(decoded)
    }

    /// Like [`Self::decode_token`] but accepts expired tokens (FJE `allow_expired=True`).
    pub fn decode_token_allow_expired(&self, token: &str) -> Result<DecodedToken, JwtError> {
        let inner = &self.inner;
        if let Some(loader) = &inner.hooks.key_loader {
            return decode(token, Verifier::Loader(loader), &inner.decode, unix_now(), true);
        }
        #[cfg(feature = "remote-jwks")]
        if let Some(source) = self.remote_source(token)? {
            return decode(
                token,
                Verifier::Keys(&source.keys.current()?.keys),
                &source.decode,
                unix_now(),
                true,
            );
        }
        decode(token, Verifier::Keys(&inner.keys), &inner.decode, unix_now(), true)
    }

    /// Until when a revocation written now must be kept: the Unix time after which no
    /// token this manager issues now can still be accepted (its longest configured
    /// lifetime, plus the leeway). Give it as `expires_at` when revoking a session or a
    /// user, whose tokens outlive the one at hand. `None` when a lifetime is unlimited:
    /// keep the entry for good.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let jwt = jwt_extended::JwtManager::builder()
    ///     .secret("a-secret-of-at-least-thirty-two-bytes!")
    ///     .refresh_expires(Duration::from_secs(3600))
    ///     .build()
    ///     .unwrap();
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    /// let horizon = jwt.revocation_horizon().unwrap();
    /// assert!((now + 3600..=now + 3601).contains(&horizon));
    /// ```
    pub fn revocation_horizon(&self) -> Option<i64> {
        let config = &self.inner.config;
        let longest = [config.access_lifetime, config.refresh_lifetime]
            .into_iter()
            .map(|lifetime| match lifetime {
                Lifetime::Expires(duration) => Some(duration.as_secs()),
                Lifetime::Unlimited => None,
            })
            .try_fold(0u64, |longest, secs| secs.map(|s| longest.max(s)))?;
        let seconds = i64::try_from(longest.saturating_add(config.leeway)).unwrap_or(i64::MAX);
        Some((unix_now() as i64).saturating_add(seconds))
    }

    /// FJE's `verify_jwt_in_request`, framework-neutral: finds, decodes and checks the
    /// request's token against `rules`. `Ok(None)` means "no token, and that is allowed"
    /// (optional routes, and OPTIONS requests, which always pass untouched).
    pub async fn verify_request(&self, parts: &Parts, rules: &RouteRules) -> Result<Option<Verified>, JwtError> {
        if parts.method == Method::OPTIONS {
            return Ok(None);
        }
        match self.verify_present_token(parts, rules).await {
            Ok(verified) => Ok(Some(verified)),
            Err(JwtError::NoToken(_)) if rules.optional => Ok(None),
            Err(JwtError::Unavailable(e)) => Err(JwtError::Unavailable(e)),
            Err(JwtError::Internal(e)) => Err(JwtError::Internal(e)),
            // A valid token without the rights is no anonymous request.
            Err(JwtError::Forbidden(token)) => Err(JwtError::Forbidden(token)),
            Err(_) if rules.optional && rules.invalid_as_anonymous => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn verify_present_token(&self, parts: &Parts, rules: &RouteRules) -> Result<Verified, JwtError> {
        let config = &self.inner.config;
        let locations = rules.locations.unwrap_or(&config.token_locations);
        let refresh = rules.token_type == TypeCheck::Refresh;
        let found = find_token(parts, config, locations, refresh)?;
        // FJE decodes an expired token a second time (for the expired callback) and that
        // second decode compares the CSRF value too, so a CSRF mismatch wins over expiry.
        let token = match self.decode_request_token(&found.token).await {
            Err(JwtError::Expired(expired)) => {
                if let Some(csrf) = &found.csrf {
                    check_csrf(&expired, csrf)?;
                }
                return Err(JwtError::Expired(expired));
            }
            decoded => decoded?,
        };
        if let Some(csrf) = &found.csrf {
            check_csrf(&token, csrf)?;
        }
        let claims = &token.claims;
        match (rules.token_type, claims.token_type()) {
            (TypeCheck::Access, TokenType::Refresh) => {
                return Err(JwtError::WrongType {
                    expected_refresh: false,
                    token: Box::new(token),
                });
            }
            (TypeCheck::Refresh, TokenType::Access) => {
                return Err(JwtError::WrongType {
                    expected_refresh: true,
                    token: Box::new(token),
                });
            }
            _ => {}
        }
        if rules.fresh && !claims.freshness().is_fresh_at(unix_now()) {
            return Err(JwtError::NotFresh(Box::new(token)));
        }
        if !rules.skip_revocation
            && let Some(revocation) = &self.inner.revocation
        {
            let answer = match revocation.is_revoked_immediately(&token) {
                Some(answer) => answer,
                None => revocation.is_revoked(&token).await,
            };
            match answer {
                Ok(false) => {}
                Ok(true) => return Err(JwtError::Revoked(Box::new(token))),
                Err(e) => return Err(JwtError::Unavailable(e.0)),
            }
        }
        if let Some(verifier) = &self.inner.hooks.token_verifier
            && !verifier(&token)
        {
            return Err(JwtError::VerificationFailed(Box::new(token)));
        }
        if !(rules.authorize)(&token) {
            return Err(JwtError::Forbidden(Box::new(token)));
        }
        Ok(Verified {
            token,
            location: found.location,
        })
    }
}

/// A new access token and refresh token.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TokenPair {
    /// The access token.
    pub access: IssuedToken,
    /// The refresh token.
    pub refresh: IssuedToken,
}

fn check_csrf(token: &DecodedToken, presented: &str) -> Result<(), JwtError> {
    use subtle::ConstantTimeEq;
    let Some(expected) = token.claims.csrf() else {
        return Err(JwtError::invalid("Missing claim: csrf"));
    };
    if bool::from(expected.as_bytes().ct_eq(presented.as_bytes())) {
        Ok(())
    } else {
        Err(JwtError::Csrf("CSRF double submit tokens do not match"))
    }
}
