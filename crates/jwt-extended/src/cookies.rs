//! Setting and clearing the JWT cookies and their readable CSRF companions, byte for byte
//! as Flask-JWT-Extended (Werkzeug) writes them:
//! `name=value; Domain=..; Expires=..; Max-Age=..; Secure; HttpOnly; Path=/; SameSite=..`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{HeaderMap, HeaderValue, SET_COOKIE};

use crate::config::CookieConfig;
use crate::decode::unverified_payload;
use crate::manager::{JwtManager, unix_now};

/// FJE's Max-Age for non-session cookies: one year.
const ONE_YEAR: u64 = 31_540_000;

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
        self.set_token_cookies(headers, token, false, None);
    }

    /// Sets the refresh cookie and its CSRF cookie.
    pub fn set_refresh_cookies(&self, headers: &mut HeaderMap, token: &str) {
        self.set_token_cookies(headers, token, true, None);
    }

    /// Like [`Self::set_access_cookies`] with an explicit Max-Age.
    pub fn set_access_cookies_with_max_age(&self, headers: &mut HeaderMap, token: &str, max_age: Duration) {
        self.set_token_cookies(headers, token, false, Some(max_age));
    }

    /// Like [`Self::set_refresh_cookies`] with an explicit Max-Age.
    pub fn set_refresh_cookies_with_max_age(&self, headers: &mut HeaderMap, token: &str, max_age: Duration) {
        self.set_token_cookies(headers, token, true, Some(max_age));
    }

    /// Clears the access and refresh cookies and their CSRF cookies.
    pub fn unset_jwt_cookies(&self, headers: &mut HeaderMap) {
        self.unset_access_cookies(headers);
        self.unset_refresh_cookies(headers);
    }

    /// Clears the access cookie and its CSRF cookie.
    pub fn unset_access_cookies(&self, headers: &mut HeaderMap) {
        self.unset_cookies(headers, false);
    }

    /// Clears the refresh cookie and its CSRF cookie.
    pub fn unset_refresh_cookies(&self, headers: &mut HeaderMap) {
        self.unset_cookies(headers, true);
    }

    fn set_token_cookies(&self, headers: &mut HeaderMap, token: &str, refresh: bool, max_age: Option<Duration>) {
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
        append(headers, c, &CookieSpec { value: token, ..jwt_spec }, max_age, expires);
        if c.csrf_protect && c.csrf_in_cookies {
            let csrf = payload.as_ref().and_then(|p| p.get("csrf")).and_then(|v| v.as_str()).unwrap_or("");
            append(headers, c, &CookieSpec { value: csrf, ..csrf_spec }, max_age, expires);
        }
    }

    fn unset_cookies(&self, headers: &mut HeaderMap, refresh: bool) {
        let c = &self.config().cookies;
        let (jwt_spec, csrf_spec) = specs(c, refresh);
        append(headers, c, &jwt_spec, None, Some(UNIX_EPOCH));
        if c.csrf_protect && c.csrf_in_cookies {
            append(headers, c, &csrf_spec, None, Some(UNIX_EPOCH));
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

fn append(headers: &mut HeaderMap, c: &CookieConfig, spec: &CookieSpec<'_>, max_age: Option<u64>, expires: Option<SystemTime>) {
    let mut line = format!("{}={}", spec.name, spec.value);
    if let Some(domain) = &c.domain {
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
