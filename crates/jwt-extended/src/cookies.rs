//! Setting and clearing the JWT cookies and their readable CSRF companions, byte for byte
//! as Flask-JWT-Extended (Werkzeug) writes them:
//! `name=value; Domain=..; Expires=..; Max-Age=..; Secure; HttpOnly; Path=/; SameSite=..`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{HeaderMap, HeaderValue, SET_COOKIE};

use crate::config::CookieConfig;
use crate::decode::unverified_payload;
use crate::error::ConfigError;
use crate::manager::{JwtManager, unix_now};

/// FJE's Max-Age for non-session cookies: one year.
const ONE_YEAR: u64 = 31_540_000;

/// Per-call cookie settings (FJE 4's `set_access_cookies(response, token, max_age,
/// domain)`); whatever is left unset comes from the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieOptions {
    /// `Max-Age` (and `Expires`) for this call.
    pub max_age: Option<Duration>,
    /// `Domain` for this call, such as the tenant's host on a multi-tenant service.
    pub domain: Option<String>,
}

impl CookieOptions {
    /// Sets [`Self::max_age`].
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Sets [`Self::domain`].
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }
}

/// A host name (optionally with a leading dot): nothing that could end the attribute.
fn is_cookie_domain(domain: &str) -> bool {
    !domain.is_empty() && domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

struct CookieSpec<'a> {
    name: &'a str,
    value: &'a str,
    path: &'a str,
    http_only: bool,
}

impl JwtManager {
    /// Sets the access cookie and, with CSRF protection, the readable `csrf_access_token`.
    ///
    /// ```
    /// use jwt_extended::JwtManager;
    /// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
    /// let token = jwt.create_access_token("alice").unwrap();
    /// let mut headers = http::HeaderMap::new();
    /// jwt.set_access_cookies(&mut headers, &token);
    /// let cookies: Vec<_> = headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    /// assert_eq!(cookies[0], format!("access_token_cookie={token}; HttpOnly; Path=/"));
    /// assert!(cookies[1].starts_with("csrf_access_token="));
    /// ```
    pub fn set_access_cookies(&self, headers: &mut HeaderMap, token: &str) {
        self.set_token_cookies(headers, token, false, None, self.config().cookies.domain.as_deref());
    }

    /// Sets the refresh cookie and its CSRF cookie.
    pub fn set_refresh_cookies(&self, headers: &mut HeaderMap, token: &str) {
        self.set_token_cookies(headers, token, true, None, self.config().cookies.domain.as_deref());
    }

    /// Like [`Self::set_access_cookies`] with an explicit Max-Age.
    pub fn set_access_cookies_with_max_age(&self, headers: &mut HeaderMap, token: &str, max_age: Duration) {
        self.set_token_cookies(headers, token, false, Some(max_age), self.config().cookies.domain.as_deref());
    }

    /// Like [`Self::set_refresh_cookies`] with an explicit Max-Age.
    pub fn set_refresh_cookies_with_max_age(&self, headers: &mut HeaderMap, token: &str, max_age: Duration) {
        self.set_token_cookies(headers, token, true, Some(max_age), self.config().cookies.domain.as_deref());
    }

    /// Clears the access and refresh cookies and their CSRF cookies.
    pub fn unset_jwt_cookies(&self, headers: &mut HeaderMap) {
        self.unset_access_cookies(headers);
        self.unset_refresh_cookies(headers);
    }

    /// Clears the access cookie and its CSRF cookie.
    pub fn unset_access_cookies(&self, headers: &mut HeaderMap) {
        self.unset_cookies(headers, false, self.config().cookies.domain.as_deref());
    }

    /// Clears the refresh cookie and its CSRF cookie.
    pub fn unset_refresh_cookies(&self, headers: &mut HeaderMap) {
        self.unset_cookies(headers, true, self.config().cookies.domain.as_deref());
    }

    /// [`Self::set_access_cookies`] with per-call options (FJE 4's `max_age=` and
    /// `domain=`); an option left unset falls back to the configuration.
    ///
    /// ```
    /// use jwt_extended::{CookieOptions, JwtManager};
    /// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
    /// let token = jwt.create_access_token("alice").unwrap();
    /// let mut headers = http::HeaderMap::new();
    /// jwt.set_access_cookies_with(&mut headers, &token, &CookieOptions::default().domain("app.example.com")).unwrap();
    /// assert!(headers["set-cookie"].to_str().unwrap().contains("; Domain=app.example.com;"));
    /// // A domain that would smuggle in another attribute is refused.
    /// assert!(jwt.set_access_cookies_with(&mut headers, &token, &CookieOptions::default().domain("x; Secure")).is_err());
    /// ```
    pub fn set_access_cookies_with(&self, headers: &mut HeaderMap, token: &str, options: &CookieOptions) -> Result<(), ConfigError> {
        let domain = self.domain_for(options)?;
        self.set_token_cookies(headers, token, false, options.max_age, domain);
        Ok(())
    }

    /// [`Self::set_refresh_cookies`] with per-call options.
    pub fn set_refresh_cookies_with(&self, headers: &mut HeaderMap, token: &str, options: &CookieOptions) -> Result<(), ConfigError> {
        let domain = self.domain_for(options)?;
        self.set_token_cookies(headers, token, true, options.max_age, domain);
        Ok(())
    }

    /// [`Self::unset_jwt_cookies`] for cookies set with a per-call domain (a browser only
    /// clears a cookie named with the domain it was set with).
    pub fn unset_jwt_cookies_with(&self, headers: &mut HeaderMap, options: &CookieOptions) -> Result<(), ConfigError> {
        let domain = self.domain_for(options)?;
        self.unset_cookies(headers, false, domain);
        self.unset_cookies(headers, true, domain);
        Ok(())
    }

    fn domain_for<'a>(&'a self, options: &'a CookieOptions) -> Result<Option<&'a str>, ConfigError> {
        match options.domain.as_deref() {
            Some(domain) if !is_cookie_domain(domain) => Err(ConfigError::InvalidName("cookie domain")),
            Some(domain) => Ok(Some(domain)),
            None => Ok(self.config().cookies.domain.as_deref()),
        }
    }

    fn set_token_cookies(&self, headers: &mut HeaderMap, token: &str, refresh: bool, max_age: Option<Duration>, domain: Option<&str>) {
        let c = &self.config().cookies;
        let payload = unverified_payload(token);
        let max_age = max_age.map(|d| d.as_secs()).or_else(|| {
            if c.session_cookie {
                None
            } else if c.max_age_follows_token {
                let exp = payload.as_ref().and_then(|p| p.get("exp")).and_then(|e| e.as_f64());
                Some(exp.map_or(ONE_YEAR, |exp| (exp - unix_now()).max(0.0) as u64))
            } else {
                Some(ONE_YEAR)
            }
        });
        let expires = max_age.map(|secs| SystemTime::now() + Duration::from_secs(secs));
        let (jwt_spec, csrf_spec) = specs(c, refresh);
        append(headers, c, domain, &CookieSpec { value: token, ..jwt_spec }, max_age, expires);
        if c.csrf_protect && c.csrf_in_cookies {
            let csrf = payload.as_ref().and_then(|p| p.get("csrf")).and_then(|v| v.as_str()).unwrap_or("");
            append(headers, c, domain, &CookieSpec { value: csrf, ..csrf_spec }, max_age, expires);
        }
    }

    fn unset_cookies(&self, headers: &mut HeaderMap, refresh: bool, domain: Option<&str>) {
        let c = &self.config().cookies;
        let (jwt_spec, csrf_spec) = specs(c, refresh);
        append(headers, c, domain, &jwt_spec, None, Some(UNIX_EPOCH));
        if c.csrf_protect && c.csrf_in_cookies {
            append(headers, c, domain, &csrf_spec, None, Some(UNIX_EPOCH));
        }
    }
}

fn specs(c: &CookieConfig, refresh: bool) -> (CookieSpec<'_>, CookieSpec<'_>) {
    if refresh {
        (
            CookieSpec {
                name: &c.refresh_cookie_name,
                value: "",
                path: &c.refresh_cookie_path,
                http_only: true,
            },
            CookieSpec {
                name: &c.refresh_csrf_cookie_name,
                value: "",
                path: &c.refresh_csrf_cookie_path,
                http_only: false,
            },
        )
    } else {
        (
            CookieSpec {
                name: &c.access_cookie_name,
                value: "",
                path: &c.access_cookie_path,
                http_only: true,
            },
            CookieSpec {
                name: &c.access_csrf_cookie_name,
                value: "",
                path: &c.access_csrf_cookie_path,
                http_only: false,
            },
        )
    }
}

fn append(
    headers: &mut HeaderMap,
    c: &CookieConfig,
    domain: Option<&str>,
    spec: &CookieSpec<'_>,
    max_age: Option<u64>,
    expires: Option<SystemTime>,
) {
    let mut line = format!("{}={}", spec.name, spec.value);
    if let Some(domain) = domain {
        line.push_str("; Domain=");
        line.push_str(domain);
    }
    if let Some(expires) = expires {
        line.push_str("; Expires=");
        line.push_str(&httpdate::fmt_http_date(expires));
    }
    if let Some(max_age) = max_age {
        line.push_str(&format!("; Max-Age={max_age}"));
    }
    if c.secure {
        line.push_str("; Secure");
    }
    if spec.http_only {
        line.push_str("; HttpOnly");
    }
    line.push_str("; Path=");
    line.push_str(spec.path);
    if let Some(same_site) = c.same_site {
        line.push_str("; SameSite=");
        line.push_str(same_site.as_str());
    }
    // Names are validated at build time and values are JWTs/UUIDs: always valid header bytes.
    if let Ok(value) = HeaderValue::from_str(&line) {
        headers.append(SET_COOKIE, value);
    }
}
