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

/// The request headers that carry credentials (`X-CSRF-Token`: the CSRF double submit).
pub static IN_REQUESTS: [HeaderName; 4] = [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE, HeaderName::from_static("x-csrf-token")];

/// The response headers that carry credentials (the tokens with cookie transport).
pub static IN_RESPONSES: [HeaderName; 1] = [SET_COOKIE];

/// Marks every value of the headers named in `names` sensitive.
pub fn mark(headers: &mut HeaderMap, names: &[HeaderName]) {
    for (name, value) in headers.iter_mut() {
        if names.contains(name) {
            value.set_sensitive(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    /// A header map holding `pairs` in order (repeated names appended).
    fn header_map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for &(name, value) in pairs {
            headers.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        headers
    }

    /// Each header's name and whether its value is marked sensitive, in order.
    fn sensitivity(headers: &HeaderMap) -> Vec<(&str, bool)> {
        headers.iter().map(|(n, v)| (n.as_str(), v.is_sensitive())).collect()
    }

    #[test]
    fn every_value_of_each_credential_header_is_marked_and_nothing_else() {
        let mut headers = header_map(&[
            ("host", "example.test"),
            ("authorization", "Bearer a.b.c"),
            ("cookie", "access_token_cookie=x"),
            ("cookie", "refresh_token_cookie=y"),
            ("proxy-authorization", "Basic eA=="),
            ("x-csrf-token", "z"),
            ("set-cookie", "not on a request"),
        ]);
        mark(&mut headers, &IN_REQUESTS);
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
        );
        assert!(format!("{headers:?}").contains("Sensitive"));
        assert!(!format!("{headers:?}").contains("a.b.c"));
    }

    #[test]
    fn every_set_cookie_of_a_response_is_marked_and_nothing_else() {
        let mut headers = header_map(&[
            ("content-type", "application/json"),
            ("set-cookie", "access_token_cookie=x"),
            ("set-cookie", "refresh_token_cookie=y"),
        ]);
        mark(&mut headers, &IN_RESPONSES);
        assert_eq!(
            sensitivity(&headers),
            [("content-type", false), ("set-cookie", true), ("set-cookie", true)]
        );
    }
}
