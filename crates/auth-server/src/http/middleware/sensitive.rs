//! The headers that carry credentials, marked sensitive so that anything printing a header
//! map (the `debug` lines of `request_scope.rs`) shows `Sensitive` instead of the value.
//!
//! What tower-http's `SetSensitiveRequestHeaders` and `SetSensitiveResponseHeaders` layers
//! did, as two functions the request scope calls: each layer wrapped every request's
//! future once more and looked each of its names up in the header map (a hash and a probe
//! per name); one pass over the few headers a request carries is cheaper (figures in
//! docs/performance.md).

use http::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
use http::{HeaderMap, HeaderName};

/// The request header the CSRF double submit echoes.
const CSRF: HeaderName = HeaderName::from_static("x-csrf-token");

/// Marks a request's credential headers (`Authorization`, `Proxy-Authorization`, `Cookie`,
/// `X-CSRF-Token`), every value of each, sensitive.
pub fn mark_request(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if *name == AUTHORIZATION || *name == COOKIE || *name == PROXY_AUTHORIZATION || *name == CSRF {
            value.set_sensitive(true);
        }
    }
}

/// Marks a response's `Set-Cookie` values sensitive (they carry the tokens with cookie
/// transport).
pub fn mark_response(headers: &mut HeaderMap) {
    for (name, value) in headers.iter_mut() {
        if *name == SET_COOKIE {
            value.set_sensitive(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;
    use http::header::{CONTENT_TYPE, HOST};

    use super::*;

    fn sensitivity(headers: &HeaderMap) -> Vec<(String, bool)> {
        headers.iter().map(|(n, v)| (n.to_string(), v.is_sensitive())).collect()
    }

    #[test]
    fn every_value_of_each_credential_header_is_marked_and_nothing_else() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("example.test"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer a.b.c"));
        headers.append(COOKIE, HeaderValue::from_static("access_token_cookie=x"));
        headers.append(COOKIE, HeaderValue::from_static("refresh_token_cookie=y"));
        headers.insert(PROXY_AUTHORIZATION, HeaderValue::from_static("Basic eA=="));
        headers.insert("X-CSRF-Token", HeaderValue::from_static("z"));
        headers.append(SET_COOKIE, HeaderValue::from_static("not on a request"));
        mark_request(&mut headers);
        assert_eq!(
            sensitivity(&headers),
            [
                ("host", false),
                ("authorization", true),
                ("cookie", true),
                ("cookie", true),
                ("proxy-authorization", true),
                ("x-csrf-token", true),
                ("set-cookie", false),
            ]
            .map(|(n, s)| (n.to_string(), s))
        );
        assert!(format!("{headers:?}").contains("Sensitive"));
        assert!(!format!("{headers:?}").contains("a.b.c"));
    }

    #[test]
    fn every_set_cookie_of_a_response_is_marked_and_nothing_else() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.append(SET_COOKIE, HeaderValue::from_static("access_token_cookie=x"));
        headers.append(SET_COOKIE, HeaderValue::from_static("refresh_token_cookie=y"));
        mark_response(&mut headers);
        assert_eq!(
            sensitivity(&headers),
            [("content-type", false), ("set-cookie", true), ("set-cookie", true)].map(|(n, s)| (n.to_string(), s))
        );
    }
}
