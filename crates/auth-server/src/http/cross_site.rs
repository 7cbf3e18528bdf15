//! Login CSRF: a page on another site must not sign a browser in (to an account of the
//! attacker's choosing) by posting a form or a cookie-transport login. Browsers say where
//! a request comes from in `Sec-Fetch-Site` and `Origin`; a login that would set cookies
//! or arrives as a form is refused when either names another site. JSON logins that
//! return tokens in the body need no such check: a cross-site page cannot read them.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use http::header::{CONTENT_TYPE, HOST, ORIGIN};
use http::request::Parts;

use crate::http::error::ApiError;
use crate::state::AppState;

/// Where a request says it comes from.
#[derive(Debug, Clone, Default)]
pub struct RequestSite {
    cross_site: bool,
    form: bool,
}

impl FromRequestParts<AppState> for RequestSite {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let header = |name| parts.headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
        let fetch_site_cross = header("sec-fetch-site").is_some_and(|s| s.eq_ignore_ascii_case("cross-site"));
        let origin_foreign =
            header(ORIGIN.as_str()).is_some_and(|origin| !is_own_origin(origin, header(HOST.as_str()), &state.settings.cors_origins));
        let form = header(CONTENT_TYPE.as_str())
            .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
        Ok(RequestSite {
            cross_site: fetch_site_cross || origin_foreign,
            form,
        })
    }
}

/// Whether `origin` is this server (same host and port as the `Host` header) or one of the
/// configured CORS origins. `null` (a sandboxed or privacy-stripped origin) is not.
fn is_own_origin(origin: &str, host: Option<&str>, cors_origins: &[String]) -> bool {
    if cors_origins.iter().any(|allowed| allowed == origin) {
        return true;
    }
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    matches!((authority, host), (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host))
}

impl RequestSite {
    /// Whether the request names another site as its origin.
    pub fn is_cross_site(&self) -> bool {
        self.cross_site
    }

    /// 403 when a form login, or one that would set cookies, comes from another site.
    pub fn refuse_cross_site_login(&self, sets_cookies: bool) -> Result<(), ApiError> {
        if self.cross_site && (self.form || sets_cookies) {
            return Err(ApiError::forbidden_code("Cross-site login refused", "cross_site_request"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_origin_is_the_host_or_a_configured_one() {
        let cors = vec!["https://app.example".to_string()];
        assert!(is_own_origin("http://127.0.0.1:8080", Some("127.0.0.1:8080"), &[]));
        assert!(is_own_origin("https://app.example", Some("api.example"), &cors));
        assert!(!is_own_origin("http://127.0.0.1:9999", Some("127.0.0.1:8080"), &[]));
        assert!(!is_own_origin("null", Some("127.0.0.1:8080"), &[]));
        assert!(!is_own_origin("http://evil.example", None, &cors));
    }

    #[test]
    fn only_forms_and_cookie_logins_are_checked() {
        let cross = |form| RequestSite { cross_site: true, form };
        assert!(cross(true).refuse_cross_site_login(false).is_err());
        assert!(cross(false).refuse_cross_site_login(true).is_err());
        assert!(cross(false).refuse_cross_site_login(false).is_ok());
        assert!(RequestSite::default().refuse_cross_site_login(true).is_ok());
    }
}
