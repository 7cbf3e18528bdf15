//! Cookie header(s) and the CSRF header through a whole request verification with the
//! cookie location (CSRF double submit on).
//!
//! Input: byte 0 picks the method (bits 0-2), an access or refresh route (bit 3) and
//! whether an empty CSRF header is still sent (bit 4); the rest, split on `\n`, is the
//! CSRF header value followed by one `Cookie` header per line. The request's outcome must
//! be exactly what the cookie value, the method, the CSRF value and `decode_token` imply.
#![no_main]

use http::{HeaderValue, Method};
use jwt_extended::fuzzing::cookie_value;
use jwt_extended::{JwtError, RouteRules, TokenLocation, TokenType, TypeCheck};
use jwt_extended_fuzz::{COOKIES, block_on, decode_checked};
use libfuzzer_sys::fuzz_target;

const METHODS: [&str; 8] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PURGE"];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let method = Method::from_bytes(METHODS[usize::from(flags & 7)].as_bytes()).expect("valid method");
    let refresh = flags & 8 != 0;
    let mut lines = rest.split(|&b| b == b'\n');
    let csrf = lines.next().unwrap_or_default();

    let mut request = http::Request::builder().method(method.clone()).uri("/protected");
    let cookies = &COOKIES.config().cookies;
    let csrf_header = if refresh {
        &cookies.refresh_csrf_header_name
    } else {
        &cookies.access_csrf_header_name
    };
    if !csrf.is_empty() || flags & 16 != 0 {
        let Ok(value) = HeaderValue::from_bytes(csrf) else { return };
        request = request.header(csrf_header.as_str(), value);
    }
    for line in lines {
        let Ok(value) = HeaderValue::from_bytes(line) else { return };
        request = request.header(http::header::COOKIE, value);
    }
    let (parts, ()) = request.body(()).expect("request").into_parts();
    let rules = RouteRules {
        token_type: if refresh { TypeCheck::Refresh } else { TypeCheck::Access },
        ..RouteRules::default()
    };
    let result = block_on(COOKIES.verify_request(&parts, &rules));

    if method == Method::OPTIONS {
        assert!(matches!(result, Ok(None)), "OPTIONS passes untouched: {result:?}");
        return;
    }
    let name = if refresh {
        &cookies.refresh_cookie_name
    } else {
        &cookies.access_cookie_name
    };
    let Some(token) = cookie_value(&parts, name).filter(|t| !t.is_empty()) else {
        match result {
            Err(JwtError::NoToken(missing)) => assert_eq!(missing.message(), format!("Missing cookie \"{name}\"")),
            other => panic!("no {name} cookie, yet {other:?}"),
        }
        return;
    };
    let presented = parts
        .headers
        .get(csrf_header.as_str())
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    let csrf_checked = cookies.csrf_methods.contains(&method);
    if csrf_checked && presented.is_none() {
        assert!(matches!(result, Err(JwtError::Csrf("Missing CSRF token"))), "{result:?}");
        return;
    }
    match (decode_checked(&COOKIES, token), result) {
        (Err(expected), Err(got)) => assert_eq!(expected.message(), got.message()),
        (Ok(decoded), result) => check_decoded_request(&decoded, presented.filter(|_| csrf_checked), refresh, result),
        (Err(expected), got) => panic!("decode_token refused {token:?} ({expected:?}) but the request gave {got:?}"),
    }
});

/// The outcome for a token that decodes: CSRF match, then the route's type check.
fn check_decoded_request(
    decoded: &jwt_extended::DecodedToken,
    presented: Option<&str>,
    refresh: bool,
    result: Result<Option<jwt_extended::Verified>, JwtError>,
) {
    if let Some(presented) = presented {
        match decoded.claims.csrf() {
            None => return assert_eq!(result.map(|_| ()).unwrap_err().message(), "Missing claim: csrf"),
            Some(expected) if expected != presented => {
                return assert!(
                    matches!(result, Err(JwtError::Csrf("CSRF double submit tokens do not match"))),
                    "{result:?}"
                );
            }
            Some(_) => {}
        }
    }
    let is_refresh = decoded.claims.token_type() == TokenType::Refresh;
    match result {
        Ok(Some(verified)) => {
            assert_eq!(is_refresh, refresh, "type check skipped");
            assert_eq!(verified.location, TokenLocation::Cookies);
            assert_eq!(&verified.token, decoded);
        }
        Err(JwtError::WrongType { expected_refresh, .. }) => {
            assert_eq!(expected_refresh, refresh);
            assert_ne!(is_refresh, refresh);
        }
        other => panic!("a valid token with a matching CSRF value gave {other:?}"),
    }
}
