//! Tokens in cookies, with the CSRF double-submit value read from a header (or a form
//! field) on state-changing methods. The CSRF presence check comes before decoding.

use std::borrow::Cow;

use http::request::Parts;

use super::{BodyTokens, FoundToken, Lookup};
use crate::config::{JwtConfig, TokenLocation};
use crate::error::JwtError;

pub(super) fn lookup<'a>(parts: &'a Parts, config: &JwtConfig, refresh: bool) -> Result<Lookup<'a>, JwtError> {
    let c = &config.cookies;
    let (cookie_name, csrf_header) = if refresh {
        (&c.refresh_cookie_name, &c.refresh_csrf_header_name)
    } else {
        (&c.access_cookie_name, &c.access_csrf_header_name)
    };
    let token = match cookie_value(parts, cookie_name) {
        Some(token) if !token.is_empty() => token,
        _ => return Ok(Lookup::Missing(format!("Missing cookie \"{cookie_name}\""))),
    };
    let mut csrf = None;
    if c.csrf_protect && c.csrf_methods.contains(&parts.method) {
        csrf = parts
            .headers
            .get(csrf_header.as_str())
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(Cow::Borrowed);
        if csrf.is_none() && c.csrf_check_form {
            let form = parts.extensions.get::<BodyTokens>().and_then(|b| {
                if refresh {
                    b.form_refresh_csrf.as_deref()
                } else {
                    b.form_access_csrf.as_deref()
                }
            });
            csrf = form.filter(|v| !v.is_empty()).map(|v| Cow::Owned(v.to_string()));
        }
        if csrf.is_none() {
            return Err(JwtError::Csrf("Missing CSRF token"));
        }
    }
    Ok(Lookup::Found(FoundToken {
        token: Cow::Borrowed(token),
        location: TokenLocation::Cookies,
        csrf,
    }))
}

/// The first cookie called `name` in the request's `Cookie` headers.
pub(crate) fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(cookie: &str) -> Parts {
        http::Request::builder().header("cookie", cookie).body(()).unwrap().into_parts().0
    }

    #[test]
    fn finds_cookies_among_others() {
        let p = parts("a=1; access_token_cookie=tok; b=\"2\"");
        assert_eq!(cookie_value(&p, "access_token_cookie"), Some("tok"));
        assert_eq!(cookie_value(&p, "b"), Some("2"));
        assert_eq!(cookie_value(&p, "missing"), None);
        assert_eq!(cookie_value(&parts("garbage;;=;x"), "x"), None);
    }
}
