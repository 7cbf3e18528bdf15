//! Creating access and refresh tokens: FJE's `create_access_token` /
//! `create_refresh_token`, as a builder that also reports what it wrote (`jti`, expiry,
//! CSRF value) so servers can record sessions without decoding their own tokens.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::claims::{Freshness, TokenType};
use crate::config::Lifetime;
use crate::error::TokenError;
use crate::identity::Identity;
use crate::manager::{JwtManager, unix_now};

/// A freshly signed token and what it contains.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IssuedToken {
    /// The encoded JWT.
    pub token: String,
    /// Its `jti`.
    pub jti: String,
    /// Access or refresh.
    pub token_type: TokenType,
    /// `iat`, Unix seconds.
    pub issued_at: i64,
    /// `exp`, Unix seconds; `None` when created without expiry.
    pub expires_at: Option<i64>,
    /// The `csrf` claim, when the token carries one (cookie CSRF protection is on, unless
    /// [`TokenBuilder::csrf`] said otherwise).
    pub csrf: Option<String>,
    /// The `sid` claim, when the token belongs to a session.
    pub session_id: Option<String>,
}

impl IssuedToken {
    /// Seconds until expiry, from issue time (`expires_in` of OAuth-style responses).
    pub fn expires_in(&self) -> Option<i64> {
        self.expires_at.map(|exp| exp - self.issued_at)
    }
}

/// Builds one token. Obtain it from [`JwtManager::access_token`] or
/// [`JwtManager::refresh_token`].
///
/// ```
/// use jwt_extended::JwtManager;
/// use std::time::Duration;
/// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let issued = jwt.access_token("alice")
///     .fresh(true)
///     .claim("role", "admin")
///     .expires_in(Duration::from_secs(60))
///     .issue()
///     .unwrap();
/// let decoded = jwt.decode_token(&issued.token).unwrap();
/// assert_eq!(decoded.claims.subject(), Some("alice"));
/// assert_eq!(decoded.claims.str_claim("role"), Some("admin"));
/// ```
#[must_use = "a token builder does nothing until .issue() is called"]
pub struct TokenBuilder<'a> {
    manager: &'a JwtManager,
    token_type: TokenType,
    identity: Value,
    fresh: Freshness,
    lifetime: Option<Lifetime>,
    claims: Map<String, Value>,
    headers: Map<String, Value>,
    csrf: Option<bool>,
    error: Option<TokenError>,
}

impl<'a> TokenBuilder<'a> {
    pub(crate) fn new<I: Identity + ?Sized>(manager: &'a JwtManager, token_type: TokenType, identity: &I) -> Self {
        TokenBuilder {
            manager,
            token_type,
            identity: identity.claim_value(),
            fresh: Freshness::Flag(false),
            lifetime: None,
            claims: Map::new(),
            headers: Map::new(),
            csrf: None,
            error: None,
        }
    }

    /// Marks the token fresh (straight after a password login) or not.
    pub fn fresh(mut self, fresh: impl Into<Freshness>) -> Self {
        self.fresh = fresh.into();
        self
    }

    /// Fresh for this long from now, then no longer (FJE's `fresh=timedelta(...)`).
    pub fn fresh_for(mut self, duration: Duration) -> Self {
        self.fresh = Freshness::Until(unix_now() + duration.as_secs_f64());
        self
    }

    /// Overrides the configured lifetime for this token.
    pub fn lifetime(mut self, lifetime: Lifetime) -> Self {
        self.lifetime = Some(lifetime);
        self
    }

    /// Expires this long after issue.
    pub fn expires_in(self, duration: Duration) -> Self {
        self.lifetime(Lifetime::Expires(duration))
    }

    /// Adds one claim (overrides a default claim of the same name, as FJE does).
    pub fn claim(mut self, name: impl Into<String>, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.claims.insert(name.into(), value);
            }
            Err(e) => self.error = Some(TokenError::Serialize(e.to_string())),
        }
        self
    }

    /// Adds every field of a serialisable object as claims (FJE's `additional_claims`).
    pub fn claims(mut self, claims: impl Serialize) -> Self {
        match serde_json::to_value(claims) {
            Ok(Value::Object(map)) => self.claims.extend(map),
            Ok(_) => self.error = Some(TokenError::ClaimsNotObject),
            Err(e) => self.error = Some(TokenError::Serialize(e.to_string())),
        }
        self
    }

    /// Places the token in a session (claim `sid`), so the session can be revoked whole.
    pub fn session(self, session_id: impl Into<String>) -> Self {
        self.claim("sid", session_id.into())
    }

    /// Whether the token carries a `csrf` claim, the value of the double-submit check for
    /// tokens sent in cookies. By default it does when cookie CSRF protection is on, as
    /// FJE's tokens do. A token that is only ever sent in a header needs none and is 60
    /// characters shorter without; in a cookie on a state-changing request it is then
    /// refused (`Missing claim: csrf`), as a token from another issuer would be.
    ///
    /// ```
    /// use jwt_extended::JwtManager;
    /// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
    /// let for_cookies = jwt.access_token("alice").issue().unwrap();
    /// let for_headers = jwt.access_token("alice").csrf(false).issue().unwrap();
    /// assert!(for_cookies.csrf.is_some());
    /// assert_eq!(for_headers.csrf, None);
    /// assert!(for_headers.token.len() < for_cookies.token.len());
    /// ```
    pub fn csrf(mut self, carried: bool) -> Self {
        self.csrf = Some(carried);
        self
    }

    /// Adds a JOSE header field (FJE's `additional_headers`). `alg` cannot be overridden.
    pub fn header(mut self, name: impl Into<String>, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.headers.insert(name.into(), value);
            }
            Err(e) => self.error = Some(TokenError::Serialize(e.to_string())),
        }
        self
    }

    /// Signs the token.
    pub fn issue(self) -> Result<IssuedToken, TokenError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let manager = self.manager;
        let config = manager.config();
        let hooks = manager.hooks();
        let identity = match &hooks.identity_loader {
            Some(loader) => loader(self.identity),
            None => self.identity,
        };
        if config.identity_claim == "sub" && !identity.is_string() {
            return Err(TokenError::IdentityNotString);
        }

        let now = unix_now();
        let iat = now as i64;
        let jti = uuid::Uuid::new_v4().to_string();
        let lifetime = self.lifetime.unwrap_or(match self.token_type {
            TokenType::Access => config.access_lifetime,
            TokenType::Refresh => config.refresh_lifetime,
        });
        let exp = match lifetime {
            Lifetime::Expires(d) => Some(iat + d.as_secs() as i64),
            Lifetime::Unlimited => None,
        };

        let mut claims = Map::new();
        claims.insert("fresh".into(), self.fresh.to_claim());
        claims.insert("iat".into(), iat.into());
        claims.insert("jti".into(), jti.clone().into());
        claims.insert("type".into(), self.token_type.as_str().into());
        if config.encode_nbf {
            claims.insert("nbf".into(), iat.into());
        }
        if self.csrf.unwrap_or(config.cookies.csrf_protect) {
            claims.insert("csrf".into(), uuid::Uuid::new_v4().to_string().into());
        }
        match config.encode_audience.as_deref() {
            Some([one]) => {
                claims.insert("aud".into(), one.clone().into());
            }
            Some(many) if !many.is_empty() => {
                claims.insert("aud".into(), many.to_vec().into());
            }
            _ => {}
        }
        if let Some(iss) = &config.encode_issuer {
            claims.insert("iss".into(), iss.clone().into());
        }
        if let Some(exp) = exp {
            claims.insert("exp".into(), exp.into());
        }
        if let Some(loader) = &hooks.additional_claims {
            claims.extend(loader(&identity));
        }
        claims.insert(config.identity_claim.clone(), identity);
        claims.extend(self.claims);

        let key = manager.keys().signing.as_ref().ok_or(TokenError::NoSigningKey)?;
        let mut header = Map::new();
        if let Some(loader) = &hooks.additional_headers {
            header.extend(loader(claims.get(&config.identity_claim).unwrap_or(&Value::Null)));
        }
        header.extend(self.headers);
        header.insert("alg".into(), format!("{:?}", key.algorithm()).into());
        header.entry("typ").or_insert_with(|| "JWT".into());
        if let Some(kid) = key.kid() {
            header.insert("kid".into(), kid.into());
        }

        let mut message = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(|e| TokenError::Serialize(e.to_string()))?);
        message.push('.');
        URL_SAFE_NO_PAD.encode_string(
            serde_json::to_vec(&claims).map_err(|e| TokenError::Serialize(e.to_string()))?,
            &mut message,
        );
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), key.encoding(), key.algorithm())
            .map_err(|e| TokenError::Signing(e.to_string()))?;
        message.push('.');
        message.push_str(&signature);

        Ok(IssuedToken {
            token: message,
            jti: claims.get("jti").and_then(Value::as_str).unwrap_or(&jti).to_string(),
            token_type: self.token_type,
            issued_at: claims.get("iat").and_then(Value::as_i64).unwrap_or(iat),
            expires_at: claims.get("exp").and_then(Value::as_f64).map(|e| e as i64),
            csrf: claims.get("csrf").and_then(Value::as_str).map(str::to_string),
            session_id: claims.get("sid").and_then(Value::as_str).map(str::to_string),
        })
    }
}
