//! Every Flask-JWT-Extended option, with FJE's defaults, as one plain struct.
//!
//! [`JwtConfig`] is filled in only through [`crate::JwtManagerBuilder`] and checked once
//! when the manager is built, so a bad name or an impossible combination stops the program
//! at start-up instead of failing requests. Applications read it (`jwt.config()`) but
//! cannot build one: its fields may grow in any release.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use http::Method;

use crate::error::ConfigError;

/// Where a token may be found in a request, tried in the configured order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenLocation {
    /// `Authorization: Bearer <jwt>` (name and type configurable).
    Headers,
    /// `access_token_cookie` / `refresh_token_cookie`, with CSRF double submit.
    Cookies,
    /// `?jwt=<jwt>`, with an optional value prefix.
    QueryString,
    /// `{"access_token": "<jwt>"}` in a JSON body.
    Json,
}

impl TokenLocation {
    /// FJE's name for the location (`headers`, `cookies`, `query_string`, `json`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenLocation::Headers => "headers",
            TokenLocation::Cookies => "cookies",
            TokenLocation::QueryString => "query_string",
            TokenLocation::Json => "json",
        }
    }
}

impl fmt::Display for TokenLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TokenLocation {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "headers" => Ok(TokenLocation::Headers),
            "cookies" => Ok(TokenLocation::Cookies),
            "query_string" => Ok(TokenLocation::QueryString),
            "json" => Ok(TokenLocation::Json),
            other => Err(ConfigError::UnknownLocation(other.to_string())),
        }
    }
}

/// How long a kind of token lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Expires this long after issue.
    Expires(Duration),
    /// Never expires. Must be chosen explicitly; a zero duration is a configuration error.
    Unlimited,
}

/// The `SameSite` cookie attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`
    Strict,
    /// `SameSite=Lax`
    Lax,
    /// `SameSite=None` (browsers require `Secure` with it)
    None,
}

impl SameSite {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// Which status answers a bad token (malformed, bad signature, wrong type, bad header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InvalidTokenStatus {
    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750). The default.
    #[default]
    Unauthorized,
    /// 422 Unprocessable Entity, as Flask-JWT-Extended answers.
    FlaskCompat,
}

/// Names and flags of the cookie transport (FJE `JWT_*COOKIE*` and `JWT_*CSRF*` options),
/// edited in [`crate::JwtManagerBuilder::cookies`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieConfig {
    /// `JWT_ACCESS_COOKIE_NAME`
    pub access_cookie_name: String,
    /// `JWT_REFRESH_COOKIE_NAME`
    pub refresh_cookie_name: String,
    /// `JWT_ACCESS_COOKIE_PATH`
    pub access_cookie_path: String,
    /// `JWT_REFRESH_COOKIE_PATH`
    pub refresh_cookie_path: String,
    /// `JWT_COOKIE_CSRF_PROTECT`
    pub csrf_protect: bool,
    /// `JWT_CSRF_IN_COOKIES`: also set the readable CSRF cookies.
    pub csrf_in_cookies: bool,
    /// `JWT_ACCESS_CSRF_COOKIE_NAME`
    pub access_csrf_cookie_name: String,
    /// `JWT_REFRESH_CSRF_COOKIE_NAME`
    pub refresh_csrf_cookie_name: String,
    /// `JWT_ACCESS_CSRF_COOKIE_PATH`
    pub access_csrf_cookie_path: String,
    /// `JWT_REFRESH_CSRF_COOKIE_PATH`
    pub refresh_csrf_cookie_path: String,
    /// `JWT_ACCESS_CSRF_HEADER_NAME`
    pub access_csrf_header_name: String,
    /// `JWT_REFRESH_CSRF_HEADER_NAME`
    pub refresh_csrf_header_name: String,
    /// `JWT_CSRF_CHECK_FORM`: also accept the CSRF value from a form field.
    pub csrf_check_form: bool,
    /// `JWT_ACCESS_CSRF_FIELD_NAME`
    pub access_csrf_field_name: String,
    /// `JWT_REFRESH_CSRF_FIELD_NAME`
    pub refresh_csrf_field_name: String,
    /// `JWT_CSRF_METHODS`
    pub csrf_methods: Vec<Method>,
    /// `JWT_COOKIE_SECURE`
    pub secure: bool,
    /// `JWT_COOKIE_SAMESITE`
    pub same_site: Option<SameSite>,
    /// `JWT_COOKIE_DOMAIN`
    pub domain: Option<String>,
    /// `JWT_SESSION_COOKIE`: cookies without Max-Age (gone when the browser closes).
    pub session_cookie: bool,
    /// Beyond FJE: when not a session cookie, Max-Age follows each token's own lifetime
    /// instead of FJE's fixed one year.
    pub max_age_follows_token: bool,
}

impl CookieConfig {
    fn flask_defaults() -> Self {
        CookieConfig {
            access_cookie_name: "access_token_cookie".into(),
            refresh_cookie_name: "refresh_token_cookie".into(),
            access_cookie_path: "/".into(),
            refresh_cookie_path: "/".into(),
            csrf_protect: true,
            csrf_in_cookies: true,
            access_csrf_cookie_name: "csrf_access_token".into(),
            refresh_csrf_cookie_name: "csrf_refresh_token".into(),
            access_csrf_cookie_path: "/".into(),
            refresh_csrf_cookie_path: "/".into(),
            access_csrf_header_name: "X-CSRF-TOKEN".into(),
            refresh_csrf_header_name: "X-CSRF-TOKEN".into(),
            csrf_check_form: false,
            access_csrf_field_name: "csrf_token".into(),
            refresh_csrf_field_name: "csrf_token".into(),
            csrf_methods: vec![Method::POST, Method::PUT, Method::PATCH, Method::DELETE],
            secure: false,
            same_site: None,
            domain: None,
            session_cookie: true,
            max_age_follows_token: false,
        }
    }
}

/// All options, with Flask-JWT-Extended's defaults (see `docs/conformance.md`), as
/// [`crate::JwtManagerBuilder`] set them; read it with [`crate::JwtManager::config`].
///
/// ```
/// let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").leeway(5).build().unwrap();
/// assert_eq!(jwt.config().leeway, 5);
/// ```
///
/// It is not built field by field, so a new option is never a breaking change:
///
/// ```compile_fail
/// let config = jwt_extended::JwtConfig { leeway: 5, ..jwt_extended::JwtManager::builder().build().unwrap().config().clone() };
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JwtConfig {
    /// `JWT_ACCESS_TOKEN_EXPIRES`: 15 minutes.
    pub access_lifetime: Lifetime,
    /// `JWT_REFRESH_TOKEN_EXPIRES`: 30 days.
    pub refresh_lifetime: Lifetime,
    /// `JWT_DECODE_ALGORITHMS`: empty means "the signing algorithm only".
    pub decode_algorithms: Vec<jsonwebtoken::Algorithm>,
    /// `JWT_DECODE_AUDIENCE`: when set, `aud` is required and must match one of these.
    pub decode_audience: Option<Vec<String>>,
    /// `JWT_DECODE_ISSUER`: when set, `iss` is required and must equal it.
    pub decode_issuer: Option<String>,
    /// `JWT_DECODE_LEEWAY` in seconds.
    pub leeway: u64,
    /// `JWT_ENCODE_AUDIENCE`: one value is written as a string, several as a list.
    pub encode_audience: Option<Vec<String>>,
    /// `JWT_ENCODE_ISSUER`
    pub encode_issuer: Option<String>,
    /// `JWT_ENCODE_NBF`
    pub encode_nbf: bool,
    /// `JWT_IDENTITY_CLAIM`
    pub identity_claim: String,
    /// `JWT_VERIFY_SUB`: `sub`, when present, must be a string.
    pub verify_sub: bool,
    /// `JWT_ERROR_MESSAGE_KEY`
    pub error_message_key: String,
    /// `JWT_TOKEN_LOCATION`
    pub token_locations: Vec<TokenLocation>,
    /// `JWT_HEADER_NAME`
    pub header_name: String,
    /// `JWT_HEADER_TYPE`; empty means a bare token.
    pub header_type: String,
    /// `JWT_QUERY_STRING_NAME`
    pub query_string_name: String,
    /// `JWT_QUERY_STRING_VALUE_PREFIX`
    pub query_string_value_prefix: String,
    /// `JWT_JSON_KEY`
    pub json_key: String,
    /// `JWT_REFRESH_JSON_KEY`
    pub refresh_json_key: String,
    /// Cookie and CSRF options.
    pub cookies: CookieConfig,
    /// 401 (RFC 6750, default) or FJE's 422 for invalid tokens.
    pub invalid_token_status: InvalidTokenStatus,
    /// Tokens longer than this are refused before any parsing work (default 8 KiB).
    pub max_token_bytes: usize,
    /// The most [`crate::JwtLayer`] reads of a JSON/form body when it looks for tokens in
    /// it (default 1 MiB); longer bodies are refused with 413. See [`crate::JwtLayer`].
    pub max_body_bytes: usize,
}

impl JwtConfig {
    /// FJE's defaults, the builder's starting point.
    pub(crate) fn flask_defaults() -> Self {
        JwtConfig {
            access_lifetime: Lifetime::Expires(Duration::from_secs(15 * 60)),
            refresh_lifetime: Lifetime::Expires(Duration::from_secs(30 * 24 * 3600)),
            decode_algorithms: Vec::new(),
            decode_audience: None,
            decode_issuer: None,
            leeway: 0,
            encode_audience: None,
            encode_issuer: None,
            encode_nbf: true,
            identity_claim: "sub".into(),
            verify_sub: true,
            error_message_key: "msg".into(),
            token_locations: vec![TokenLocation::Headers],
            header_name: "Authorization".into(),
            header_type: "Bearer".into(),
            query_string_name: "jwt".into(),
            query_string_value_prefix: String::new(),
            json_key: "access_token".into(),
            refresh_json_key: "refresh_token".into(),
            cookies: CookieConfig::flask_defaults(),
            invalid_token_status: InvalidTokenStatus::Unauthorized,
            max_token_bytes: 8 * 1024,
            max_body_bytes: 1024 * 1024,
        }
    }
}

const RESERVED_CLAIMS: &[&str] = &["fresh", "iat", "jti", "type", "nbf", "csrf", "aud", "iss", "exp"];

impl JwtConfig {
    /// Checks names, lifetimes and locations. Keys are checked by the key set.
    pub(crate) fn validate(&self) -> Result<(), ConfigError> {
        for (name, lifetime) in [("access", self.access_lifetime), ("refresh", self.refresh_lifetime)] {
            if lifetime == Lifetime::Expires(Duration::ZERO) {
                return Err(ConfigError::ZeroLifetime(name));
            }
        }
        if self.token_locations.is_empty() {
            return Err(ConfigError::NoTokenLocation);
        }
        if self.identity_claim.is_empty() || RESERVED_CLAIMS.contains(&self.identity_claim.as_str()) {
            return Err(ConfigError::ReservedIdentityClaim(self.identity_claim.clone()));
        }
        let c = &self.cookies;
        let headers = [
            ("header name", &self.header_name),
            ("access CSRF header name", &c.access_csrf_header_name),
            ("refresh CSRF header name", &c.refresh_csrf_header_name),
        ];
        for (what, name) in headers {
            non_empty(what, name)?;
            http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidName(what))?;
        }
        let cookie_names = [
            ("access cookie name", &c.access_cookie_name),
            ("refresh cookie name", &c.refresh_cookie_name),
            ("access CSRF cookie name", &c.access_csrf_cookie_name),
            ("refresh CSRF cookie name", &c.refresh_csrf_cookie_name),
        ];
        for (what, name) in cookie_names {
            non_empty(what, name)?;
            if !name.bytes().all(is_cookie_name_byte) {
                return Err(ConfigError::InvalidName(what));
            }
        }
        non_empty("query string name", &self.query_string_name)?;
        non_empty("JSON key", &self.json_key)?;
        non_empty("refresh JSON key", &self.refresh_json_key)?;
        non_empty("error message key", &self.error_message_key)?;
        if self.header_type.chars().any(char::is_whitespace) {
            return Err(ConfigError::InvalidName("header type"));
        }
        Ok(())
    }
}

fn non_empty(what: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.is_empty() {
        Err(ConfigError::EmptyName(what))
    } else {
        Ok(())
    }
}

/// RFC 6265 token characters.
fn is_cookie_name_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b)
}
