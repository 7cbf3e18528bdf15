//! [`JwtManagerBuilder`]: every option of Flask-JWT-Extended as a method, checked as a
//! whole by [`JwtManagerBuilder::build`].

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, AlgorithmFamily};

#[cfg(feature = "axum")]
use crate::axum::ErrorHandlers;
use crate::callbacks::Hooks;
use crate::claims::IdentityKey;
use crate::config::{CookieConfig, InvalidTokenStatus, JwtConfig, Lifetime, SameSite, TokenLocation};
use crate::decode::DecodeSettings;
use crate::error::ConfigError;
use crate::keys::{KeySet, SigningKey, VerificationKey};
use crate::manager::{Inner, JwtManager};
use crate::revocation::RevocationCheck;
use crate::verified_cache;

/// Configures a [`JwtManager`]. Start with [`JwtManager::builder`].
///
/// ```
/// use jwt_extended::{JwtManager, TokenLocation, ConfigError};
/// use std::time::Duration;
/// let jwt = JwtManager::builder()
///     .secret("a-secret-of-at-least-thirty-two-bytes!")
///     .token_locations([TokenLocation::Headers, TokenLocation::Cookies])
///     .access_expires(Duration::from_secs(300))
///     .cookie_secure(true)
///     .build()
///     .unwrap();
/// assert_eq!(jwt.config().token_locations.len(), 2);
///
/// // Mistakes are caught when building, not on the first request.
/// let short = JwtManager::builder().secret("too short").build();
/// assert!(matches!(short, Err(ConfigError::SecretTooShort { .. })));
/// ```
#[must_use = "call .build() to obtain the manager"]
pub struct JwtManagerBuilder {
    config: JwtConfig,
    algorithm: Option<Algorithm>,
    secret: Option<Vec<u8>>,
    signing: Option<SigningKey>,
    verification: Vec<VerificationKey>,
    pub(crate) hooks: Hooks,
    #[cfg(feature = "axum")]
    pub(crate) handlers: ErrorHandlers,
    pub(crate) revocation: Option<Arc<dyn RevocationCheck>>,
    deferred_error: Option<ConfigError>,
    no_verified_cache: bool,
    #[cfg(feature = "remote-jwks")]
    remote: Vec<crate::remote_jwks::RemoteJwks>,
}

// Written out because the configuration has no public `Default`: it is built here only.
impl Default for JwtManagerBuilder {
    fn default() -> Self {
        JwtManagerBuilder {
            config: JwtConfig::flask_defaults(),
            algorithm: None,
            secret: None,
            signing: None,
            verification: Vec::new(),
            hooks: Hooks::default(),
            #[cfg(feature = "axum")]
            handlers: ErrorHandlers::default(),
            revocation: None,
            deferred_error: None,
            no_verified_cache: false,
            #[cfg(feature = "remote-jwks")]
            remote: Vec::new(),
        }
    }
}

impl JwtManagerBuilder {
    /// The HMAC secret (`JWT_SECRET_KEY`), used with [`Self::algorithm`] (HS256 by default).
    pub fn secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.secret = Some(secret.as_ref().to_vec());
        self
    }

    /// `JWT_ALGORITHM` for the secret given to [`Self::secret`]. For asymmetric
    /// algorithms, give a [`SigningKey`] instead.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// The key that signs (`JWT_PRIVATE_KEY` + `JWT_PUBLIC_KEY`), possibly with a `kid`.
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.signing = Some(key);
        self
    }

    /// An extra key still accepted for verification (key rotation). Given without any
    /// signing key or secret, the manager only verifies: a resource server accepting an
    /// identity provider's tokens, which answers [`crate::TokenError::NoSigningKey`] when
    /// asked to issue one.
    pub fn verification_key(mut self, key: VerificationKey) -> Self {
        self.verification.push(key);
        self
    }

    /// Verify with an identity provider's key set, fetched from its JWKS URL and kept
    /// current (feature `remote-jwks`). The manager then only verifies; it cannot also be
    /// given a secret, a signing key or fixed verification keys. Unless
    /// [`Self::decode_algorithms`] says otherwise, the accepted algorithms are those of
    /// the keys fetched first.
    ///
    /// Call it once per issuer to accept several: each key set must then be bound to its
    /// issuer ([`crate::RemoteJwksBuilder::issuer`], or OIDC discovery), a token's `iss`
    /// picks the set that verifies it, and the set's own audience (if given) replaces
    /// [`Self::decode_audience`].
    #[cfg(feature = "remote-jwks")]
    pub fn remote_jwks(mut self, keys: crate::remote_jwks::RemoteJwks) -> Self {
        self.remote.push(keys);
        self
    }

    /// Several verification keys at once, such as those of a JWKS document.
    ///
    /// ```
    /// use jwt_extended::{JwtManager, VerificationKey, TokenError};
    /// let jwks = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256",
    ///     "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
    /// let jwt = JwtManager::builder()
    ///     .verification_keys(VerificationKey::from_jwks_json(jwks).unwrap())
    ///     .build()
    ///     .unwrap();
    /// // A verify-only manager refuses to issue tokens instead of panicking.
    /// assert_eq!(jwt.create_access_token("alice"), Err(TokenError::NoSigningKey));
    /// ```
    pub fn verification_keys(mut self, keys: impl IntoIterator<Item = VerificationKey>) -> Self {
        self.verification.extend(keys);
        self
    }

    /// `JWT_DECODE_ALGORITHMS`. Default: the algorithms of the configured keys.
    pub fn decode_algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.config.decode_algorithms = algorithms.into_iter().collect();
        self
    }

    /// `JWT_ACCESS_TOKEN_EXPIRES`.
    pub fn access_lifetime(mut self, lifetime: Lifetime) -> Self {
        self.config.access_lifetime = lifetime;
        self
    }

    /// `JWT_ACCESS_TOKEN_EXPIRES` as a duration.
    pub fn access_expires(self, duration: Duration) -> Self {
        self.access_lifetime(Lifetime::Expires(duration))
    }

    /// `JWT_REFRESH_TOKEN_EXPIRES`.
    pub fn refresh_lifetime(mut self, lifetime: Lifetime) -> Self {
        self.config.refresh_lifetime = lifetime;
        self
    }

    /// `JWT_REFRESH_TOKEN_EXPIRES` as a duration.
    pub fn refresh_expires(self, duration: Duration) -> Self {
        self.refresh_lifetime(Lifetime::Expires(duration))
    }

    /// `JWT_DECODE_AUDIENCE`: tokens must carry one of these in `aud`.
    pub fn decode_audience<S: Into<String>>(mut self, audience: impl IntoIterator<Item = S>) -> Self {
        self.config.decode_audience = Some(audience.into_iter().map(Into::into).collect());
        self
    }

    /// `JWT_DECODE_ISSUER`: tokens must carry this `iss`.
    pub fn decode_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.config.decode_issuer = Some(issuer.into());
        self
    }

    /// `JWT_DECODE_LEEWAY` in seconds.
    pub fn leeway(mut self, seconds: u64) -> Self {
        self.config.leeway = seconds;
        self
    }

    /// `JWT_ENCODE_AUDIENCE`.
    pub fn encode_audience<S: Into<String>>(mut self, audience: impl IntoIterator<Item = S>) -> Self {
        self.config.encode_audience = Some(audience.into_iter().map(Into::into).collect());
        self
    }

    /// `JWT_ENCODE_ISSUER`.
    pub fn encode_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.config.encode_issuer = Some(issuer.into());
        self
    }

    /// `JWT_ENCODE_NBF`.
    pub fn encode_nbf(mut self, on: bool) -> Self {
        self.config.encode_nbf = on;
        self
    }

    /// `JWT_IDENTITY_CLAIM`.
    pub fn identity_claim(mut self, claim: impl Into<String>) -> Self {
        self.config.identity_claim = claim.into();
        self
    }

    /// `JWT_VERIFY_SUB`.
    pub fn verify_sub(mut self, on: bool) -> Self {
        self.config.verify_sub = on;
        self
    }

    /// `JWT_ERROR_MESSAGE_KEY`.
    pub fn error_message_key(mut self, key: impl Into<String>) -> Self {
        self.config.error_message_key = key.into();
        self
    }

    /// `JWT_TOKEN_LOCATION`, in order.
    pub fn token_locations(mut self, locations: impl IntoIterator<Item = TokenLocation>) -> Self {
        self.config.token_locations = locations.into_iter().collect();
        self
    }

    /// `JWT_TOKEN_LOCATION` by FJE's names (`"headers"`, `"cookies"`, `"query_string"`,
    /// `"json"`); an unknown name fails [`Self::build`].
    pub fn token_location_names<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let parsed: Result<Vec<TokenLocation>, ConfigError> = names.into_iter().map(|n| n.as_ref().parse()).collect();
        match parsed {
            Ok(locations) => self.config.token_locations = locations,
            Err(e) => self.deferred_error = Some(e),
        }
        self
    }

    /// `JWT_HEADER_NAME`.
    pub fn header_name(mut self, name: impl Into<String>) -> Self {
        self.config.header_name = name.into();
        self
    }

    /// `JWT_HEADER_TYPE`; `""` for a bare token.
    pub fn header_type(mut self, kind: impl Into<String>) -> Self {
        self.config.header_type = kind.into();
        self
    }

    /// `JWT_QUERY_STRING_NAME`.
    pub fn query_string_name(mut self, name: impl Into<String>) -> Self {
        self.config.query_string_name = name.into();
        self
    }

    /// `JWT_QUERY_STRING_VALUE_PREFIX`.
    pub fn query_string_value_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.config.query_string_value_prefix = prefix.into();
        self
    }

    /// `JWT_JSON_KEY`.
    pub fn json_key(mut self, key: impl Into<String>) -> Self {
        self.config.json_key = key.into();
        self
    }

    /// `JWT_REFRESH_JSON_KEY`.
    pub fn refresh_json_key(mut self, key: impl Into<String>) -> Self {
        self.config.refresh_json_key = key.into();
        self
    }

    /// Edits every cookie and CSRF option at once.
    pub fn cookies(mut self, edit: impl FnOnce(&mut CookieConfig)) -> Self {
        edit(&mut self.config.cookies);
        self
    }

    /// `JWT_COOKIE_SECURE`.
    pub fn cookie_secure(self, on: bool) -> Self {
        self.cookies(|c| c.secure = on)
    }

    /// `JWT_COOKIE_SAMESITE`.
    pub fn cookie_same_site(self, same_site: Option<SameSite>) -> Self {
        self.cookies(|c| c.same_site = same_site)
    }

    /// `JWT_COOKIE_CSRF_PROTECT`.
    pub fn cookie_csrf_protect(self, on: bool) -> Self {
        self.cookies(|c| c.csrf_protect = on)
    }

    /// 401 (default, RFC 6750) or 422 (FJE) for invalid tokens.
    pub fn invalid_token_status(mut self, status: InvalidTokenStatus) -> Self {
        self.config.invalid_token_status = status;
        self
    }

    /// Tokens longer than this are refused before any parsing (default 8 KiB).
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.config.max_token_bytes = bytes;
        self
    }

    /// The most bytes [`crate::JwtLayer`] reads of a JSON or form body while looking for
    /// a token or a CSRF field in it (default 1 MiB); a longer body is answered with
    /// [`crate::JwtError::BodyTooLarge`] (413). Only bodies the layer reads are concerned: see
    /// [`crate::JwtLayer`] for which.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.config.max_body_bytes = bytes;
        self
    }

    /// Whether tokens verified once are remembered (default: on). A client presents the
    /// same access token on every request; with the cache, a token this thread verified
    /// before skips base64, JSON and the signature check (its bytes are compared in
    /// constant time, its `exp`/`nbf`/`iat` checked again; type, freshness, CSRF,
    /// revocation and authorization still run on every request). The cost is memory
    /// (128 entries of about 1.5 KB per worker thread) and that a decoded token lives a
    /// little longer in memory. Turn it off to decode every request from scratch.
    pub fn verified_cache(mut self, on: bool) -> Self {
        self.no_verified_cache = !on;
        self
    }

    /// Validates everything and builds the manager. Also installs jsonwebtoken's aws-lc
    /// crypto provider for the process, so a dependency enabling another backend can
    /// never make signing panic at run time.
    pub fn build(self) -> Result<JwtManager, ConfigError> {
        crate::crypto::install_crypto_provider();
        if let Some(error) = self.deferred_error {
            return Err(error);
        }
        let mut config = self.config;
        config.validate()?;
        let algorithm = self.algorithm.unwrap_or(Algorithm::HS256);
        let signing = match (self.signing, self.secret) {
            (Some(key), _) => Some(key),
            (None, Some(secret)) if algorithm.family() == AlgorithmFamily::Hmac => Some(SigningKey::hmac(algorithm, secret)),
            (None, Some(_)) => return Err(ConfigError::MissingSigningKey),
            // Verification keys alone make a verify-only manager (FJE with only JWT_PUBLIC_KEY).
            (None, None) => None,
        };
        // A key loader verifies every token itself: the manager may then have no key at all.
        let loader = self.hooks.key_loader.is_some();
        let fixed = |signing: Option<SigningKey>, verification: Vec<VerificationKey>| match signing {
            None if loader && verification.is_empty() => Ok(KeySet::empty()),
            _ => KeySet::new(signing, verification),
        };
        #[cfg(feature = "remote-jwks")]
        let (keys, remote_keys) = match self.remote.first() {
            // One source of verification keys: a remote set cannot be mixed with fixed keys.
            Some(_) if signing.is_some() || !self.verification.is_empty() || loader => return Err(ConfigError::RemoteWithFixedKeys),
            Some(_) if self.remote.len() > 1 && self.remote.iter().any(|r| r.issuer().is_none()) => {
                return Err(ConfigError::RemoteWithoutIssuer);
            }
            Some(first) => (first.initial_keys(), self.remote.iter().map(|r| r.initial_keys()).collect()),
            None => (fixed(signing, self.verification)?, Vec::new()),
        };
        #[cfg(not(feature = "remote-jwks"))]
        let (keys, remote_keys): (KeySet, Vec<KeySet>) = (fixed(signing, self.verification)?, Vec::new());
        // With several issuers, the allowlist and its check cover every issuer's keys.
        let all_keys: Vec<&KeySet> = if remote_keys.is_empty() {
            vec![&keys]
        } else {
            remote_keys.iter().collect()
        };
        if config.decode_algorithms.is_empty() {
            for alg in all_keys.iter().flat_map(|k| k.algorithms()) {
                if !config.decode_algorithms.contains(&alg) {
                    config.decode_algorithms.push(alg);
                }
            }
        }
        if loader && config.decode_algorithms.is_empty() {
            return Err(ConfigError::KeyLoaderWithoutAlgorithms);
        }
        // The loader's keys are checked against the token's algorithm on every request.
        if let Some(alg) = config
            .decode_algorithms
            .iter()
            .find(|a| !loader && !all_keys.iter().any(|k| k.has_family(**a)))
        {
            return Err(ConfigError::NoKeyForAlgorithm(*alg));
        }
        let decode = DecodeSettings {
            algorithms: config.decode_algorithms.clone(),
            audience: config.decode_audience.clone(),
            issuer: config.decode_issuer.clone(),
            leeway: config.leeway as f64,
            identity: IdentityKey::new(&config.identity_claim),
            verify_sub: config.verify_sub,
            max_token_bytes: config.max_token_bytes,
        };
        let buffers_body = config.token_locations.contains(&TokenLocation::Json) || config.cookies.csrf_check_form;
        #[cfg(feature = "remote-jwks")]
        let remote: Vec<_> = self
            .remote
            .into_iter()
            .map(|keys| crate::remote_jwks::RemoteSource::new(keys, &decode))
            .collect();
        Ok(JwtManager {
            inner: Arc::new(Inner {
                config,
                keys,
                decode,
                hooks: self.hooks,
                #[cfg(feature = "axum")]
                handlers: self.handlers,
                revocation: self.revocation,
                buffers_body,
                cache_owner: verified_cache::new_owner(),
                // The loader may answer differently for a token it accepted before.
                cache_verified: !self.no_verified_cache && !loader,
                #[cfg(feature = "remote-jwks")]
                remote,
            }),
        })
    }
}
