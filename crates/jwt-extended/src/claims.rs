//! The decoded form of a token: its JOSE header and its claims, with typed accessors for
//! the claims this library writes (`type`, `fresh`, `jti`, `sid`, `csrf`, times).

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::compact_id::ClaimIds;
use crate::json::LazyObject;

/// Whether a token is an access or a refresh token (claim `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// Used to call protected routes. A missing `type` claim means access.
    Access,
    /// Used only to obtain new access tokens.
    Refresh,
}

impl TokenType {
    /// The claim value: `"access"` or `"refresh"`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
        }
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `fresh` claim: a plain flag, or "fresh until" a Unix time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Freshness {
    /// `true` straight after a password login, `false` after a refresh.
    Flag(bool),
    /// Fresh until this Unix time (seconds, may carry a fraction like FJE's timestamps).
    Until(f64),
}

impl Freshness {
    /// Whether the token counts as fresh at `now` (Unix seconds).
    pub fn is_fresh_at(self, now: f64) -> bool {
        match self {
            Freshness::Flag(flag) => flag,
            Freshness::Until(until) => until >= now,
        }
    }

    pub(crate) fn from_claim(value: Option<&Value>) -> Self {
        match value {
            Some(Value::Bool(flag)) => Freshness::Flag(*flag),
            Some(Value::Number(n)) => n.as_f64().map_or(Freshness::Flag(false), Freshness::Until),
            // Anything else (string, null, object) is hostile or foreign: never fresh.
            _ => Freshness::Flag(false),
        }
    }

    pub(crate) fn to_claim(self) -> Value {
        match self {
            Freshness::Flag(flag) => Value::Bool(flag),
            Freshness::Until(until) => serde_json::Number::from_f64(until).map_or(Value::Bool(false), Value::Number),
        }
    }
}

impl From<bool> for Freshness {
    fn from(flag: bool) -> Self {
        Freshness::Flag(flag)
    }
}

/// The verified claims of a token.
///
/// The raw claims map is exactly what Flask-JWT-Extended's `get_jwt()` returns (including
/// its defaults: `type` = `"access"`, `fresh` = `false`, `jti` = `null` when missing). It
/// is built on first use: the typed accessors ([`Self::jti`], [`Self::session_id`],
/// [`Self::subject`], …) read values picked out while the token was verified.
///
/// Cloning is cheap (one reference count): the claims of a token are shared by every
/// request that presents it (see `verified_cache`).
///
/// ```
/// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let token = jwt.access_token("alice").claim("roles", ["reader"]).issue().unwrap();
/// let claims = jwt.decode_token(&token.token).unwrap().claims;
/// assert_eq!(claims.subject(), Some("alice"));
/// assert_eq!(claims.get_as::<Vec<String>>("roles"), Some(vec!["reader".to_string()]));
/// assert!(claims.jti().is_some() && claims.expires_at().is_some());
/// ```
#[derive(Clone)]
pub struct Claims(Arc<ClaimsData>);

struct ClaimsData {
    raw: LazyObject,
    identity_claim: IdentityKey,
    token_type: TokenType,
    fresh: Freshness,
    registered: RegisteredClaims,
    /// `jti` and `sid` parsed for revocation lookups, on first use (see compact_id.rs).
    compact_ids: OnceLock<ClaimIds>,
}

/// The claims a request needs, taken from the payload while it is verified.
#[derive(Debug, Clone)]
pub(crate) struct RegisteredClaims {
    pub(crate) identity: Value,
    pub(crate) token_type: Option<Value>,
    pub(crate) fresh: Option<Value>,
    pub(crate) jti: Option<String>,
    pub(crate) session_id: Option<String>,
    pub(crate) csrf: Option<String>,
    pub(crate) expires_at: Option<i64>,
    pub(crate) issued_at: Option<i64>,
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claims").field("raw", self.as_map()).finish_non_exhaustive()
    }
}

impl PartialEq for Claims {
    fn eq(&self, other: &Self) -> bool {
        self.0.identity_claim == other.0.identity_claim && self.as_map() == other.as_map()
    }
}

/// The name of the identity claim, shared without allocation for the usual `sub`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum IdentityKey {
    Sub,
    Custom(std::sync::Arc<str>),
}

impl IdentityKey {
    pub(crate) fn new(name: &str) -> Self {
        if name == "sub" {
            IdentityKey::Sub
        } else {
            IdentityKey::Custom(name.into())
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            IdentityKey::Sub => "sub",
            IdentityKey::Custom(name) => name,
        }
    }
}

impl Claims {
    pub(crate) fn verified(raw: LazyObject, registered: RegisteredClaims, identity_claim: IdentityKey) -> Self {
        let token_type = match &registered.token_type {
            Some(Value::String(t)) if t == "refresh" => TokenType::Refresh,
            _ => TokenType::Access,
        };
        Claims(Arc::new(ClaimsData {
            raw,
            identity_claim,
            token_type,
            fresh: Freshness::from_claim(registered.fresh.as_ref()),
            registered,
            compact_ids: OnceLock::new(),
        }))
    }

    /// FJE's defaults, added to the map when it is built.
    fn complete(map: &mut Map<String, Value>) {
        map.entry("type").or_insert_with(|| Value::from("access"));
        map.entry("fresh").or_insert(Value::Bool(false));
        map.entry("jti").or_insert(Value::Null);
    }

    /// The identity claim's value (`sub` by default).
    pub fn identity(&self) -> &Value {
        &self.0.registered.identity
    }

    /// The identity as a string, when it is one (always, with the default `sub` claim).
    pub fn subject(&self) -> Option<&str> {
        self.identity().as_str()
    }

    pub(crate) fn identity_display(&self) -> String {
        match self.identity() {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Access or refresh.
    pub fn token_type(&self) -> TokenType {
        self.0.token_type
    }

    /// The `fresh` claim.
    pub fn freshness(&self) -> Freshness {
        self.0.fresh
    }

    /// The token's unique id (`jti`).
    pub fn jti(&self) -> Option<&str> {
        self.0.registered.jti.as_deref()
    }

    /// The session id (`sid`): one login's family of access and refresh tokens.
    pub fn session_id(&self) -> Option<&str> {
        self.0.registered.session_id.as_deref()
    }

    /// `jti` and `sid` as the in-memory revocation maps key them, parsed once for all
    /// copies of these claims.
    pub(crate) fn compact_ids(&self) -> &ClaimIds {
        self.0.compact_ids.get_or_init(|| ClaimIds::new(self.jti(), self.session_id()))
    }

    /// The CSRF double-submit value (`csrf`), present when cookie CSRF protection is on.
    pub fn csrf(&self) -> Option<&str> {
        self.0.registered.csrf.as_deref()
    }

    /// Expiry (`exp`) in Unix seconds; `None` for tokens created without expiry.
    pub fn expires_at(&self) -> Option<i64> {
        self.0.registered.expires_at
    }

    /// Issue time (`iat`) in Unix seconds.
    pub fn issued_at(&self) -> Option<i64> {
        self.0.registered.issued_at
    }

    /// Any claim, raw.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.as_map().get(name)
    }

    /// Any claim, deserialised into `T`; `None` when missing or of another shape.
    pub fn get_as<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.get(name).and_then(|v| T::deserialize(v).ok())
    }

    /// All claims as your own type, read from the claims in place (no clone of the map).
    ///
    /// ```
    /// #[derive(serde::Deserialize)]
    /// struct MyClaims<'a> { sub: &'a str, role: String, exp: i64 }
    /// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
    /// let token = jwt.access_token("alice").claim("role", "admin").issue().unwrap();
    /// let decoded = jwt.decode_token(&token.token).unwrap();
    /// let mine: MyClaims = decoded.claims.deserialize().unwrap();
    /// assert_eq!((mine.sub, mine.role.as_str()), ("alice", "admin"));
    /// # assert!(mine.exp > 0);
    /// ```
    pub fn deserialize<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        T::deserialize(self.as_map())
    }

    /// A string claim.
    pub fn str_claim(&self, name: &str) -> Option<&str> {
        // The claims picked out during verification answer without building the map
        // (a token rule reading `type` on every request built it for every new token),
        // with the same values, FJE's default `type` included.
        let registered = &self.0.registered;
        match name {
            "type" => registered.token_type.as_ref().map_or(Some("access"), Value::as_str),
            "jti" => registered.jti.as_deref(),
            "sid" => registered.session_id.as_deref(),
            "csrf" => registered.csrf.as_deref(),
            _ if name == self.0.identity_claim.as_str() => registered.identity.as_str(),
            _ => self.get(name).and_then(Value::as_str),
        }
    }

    /// All claims as a JSON object (FJE's `get_jwt()`).
    pub fn as_map(&self) -> &Map<String, Value> {
        self.0.raw.get(Self::complete)
    }

    /// Consumes the claims into their JSON object.
    pub fn into_map(self) -> Map<String, Value> {
        match Arc::try_unwrap(self.0) {
            Ok(data) => data.raw.into_map(Self::complete),
            Err(shared) => shared.raw.get(Self::complete).clone(),
        }
    }
}

/// A verified token: its JOSE header and its claims.
#[derive(Clone)]
pub struct DecodedToken {
    header: Arc<LazyObject>,
    /// The claims.
    pub claims: Claims,
}

impl fmt::Debug for DecodedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodedToken")
            .field("header", self.header())
            .field("claims", &self.claims)
            .finish()
    }
}

impl PartialEq for DecodedToken {
    fn eq(&self, other: &Self) -> bool {
        self.header() == other.header() && self.claims == other.claims
    }
}

impl DecodedToken {
    pub(crate) fn new(header: LazyObject, claims: Claims) -> Self {
        DecodedToken {
            header: Arc::new(header),
            claims,
        }
    }

    /// The JOSE header (`alg`, `typ`, `kid`, and any additional headers).
    pub fn header(&self) -> &Map<String, Value> {
        self.header.get(|_| {})
    }

    /// The `kid` header, when the token names its key.
    pub fn kid(&self) -> Option<&str> {
        self.header().get("kid").and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    use crate::JwtManager;

    const SECRET: &str = "a-secret-of-at-least-thirty-two-bytes!";

    /// A claim's value, or `None` to leave it out.
    fn claim() -> impl Strategy<Value = Option<Value>> {
        prop::option::of(prop_oneof![
            Just(json!("access")),
            Just(json!("refresh")),
            Just(json!("alice")),
            Just(json!("")),
            Just(json!(1)),
            Just(json!(null)),
            Just(json!(true)),
            Just(json!(["access"])),
        ])
    }

    proptest! {
        /// `str_claim` answers the registered claims from the values kept at verification:
        /// it must agree with the full map (`get_jwt()`, FJE's defaults included) for every
        /// name, with `sub` or another claim as the identity.
        #[test]
        fn str_claim_agrees_with_the_map(
            values in proptest::collection::vec(claim(), 7),
            identity in prop_oneof![Just("sub"), Just("user")],
        ) {
            let names = ["type", "jti", "sid", "csrf", "sub", "user", "other"];
            let mut payload = Map::new();
            for (name, value) in names.iter().zip(&values) {
                if let Some(value) = value {
                    payload.insert((*name).to_string(), value.clone());
                }
            }
            let manager = JwtManager::builder().secret(SECRET).identity_claim(identity).verify_sub(false).build().unwrap();
            let token = jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
                &payload,
                &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
            )
            .unwrap();
            // Refused tokens (a non-string `jti`, no identity) have no claims to compare.
            if let Ok(decoded) = manager.decode_token(&token) {
                for name in names {
                    let from_map = decoded.claims.as_map().get(name).and_then(Value::as_str);
                    prop_assert_eq!(decoded.claims.str_claim(name), from_map, "{}", name);
                }
            }
        }
    }
}
