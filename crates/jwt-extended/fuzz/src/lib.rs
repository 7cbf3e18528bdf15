//! What the fuzz targets share: the test secret, the managers they verify with, a
//! minimal executor, and the invariants every successfully decoded token must satisfy.

pub mod signed;

use std::future::Future;
use std::pin::pin;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use jwt_extended::{DecodedToken, JwtError, JwtManager, Lifetime, TokenLocation, TokenType};
use serde_json::Value;

/// The HS256 secret every target verifies with (and the seed tokens are signed with).
pub const SECRET: &[u8] = b"jwt-extended-fuzz-secret-32-bytes-long!!";

/// Headers only, `Bearer` type: the default configuration.
pub static HEADER_BEARER: LazyLock<JwtManager> = LazyLock::new(|| manager(|b| b));
/// Headers only, custom type `JWT`.
pub static HEADER_JWT: LazyLock<JwtManager> = LazyLock::new(|| manager(|b| b.header_type("JWT")));
/// Headers only, no type: the whole header value is the token.
pub static HEADER_UNTYPED: LazyLock<JwtManager> = LazyLock::new(|| manager(|b| b.header_type("")));
/// Cookies only, CSRF double submit on (the default for cookies).
pub static COOKIES: LazyLock<JwtManager> = LazyLock::new(|| manager(|b| b.token_locations([TokenLocation::Cookies])));

fn manager(edit: impl FnOnce(jwt_extended::JwtManagerBuilder) -> jwt_extended::JwtManagerBuilder) -> JwtManager {
    edit(JwtManager::builder().secret(SECRET).access_lifetime(Lifetime::Unlimited))
        .build()
        .expect("the fuzz configuration is valid")
}

/// Unix seconds, with a fraction.
pub fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Polls a future that never waits (no revocation store is configured).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// A time claim as the decoder reads it (numbers, truncated towards zero).
fn time_claim(token: &DecodedToken, name: &str) -> Option<f64> {
    token
        .claims
        .get(name)
        .map(|v| v.as_f64().expect("a verified time claim is a number").trunc())
}

/// Invariants of a token that passed every claim check (leeway 0, audience and issuer not
/// configured, HS256 only). `before`/`after` bracket the decode call; `expired` is whether
/// expiry was tolerated (`allow_expired`).
pub fn check_decoded(token: &DecodedToken, before: f64, after: f64, allow_expired: bool) {
    let claims = token.claims.as_map();
    assert_eq!(
        token.header().get("alg").and_then(Value::as_str),
        Some("HS256"),
        "only HS256 is allowed"
    );
    assert!(token.header().get("kid").is_none_or(Value::is_string), "kid must be a string");
    assert!(
        claims.get("sub").is_some_and(Value::is_string),
        "identity claim present and a string: {claims:?}"
    );
    assert!(token.claims.subject().is_some());
    for default in ["type", "fresh", "jti"] {
        assert!(claims.contains_key(default), "FJE default claim {default} missing");
    }
    assert!(matches!(claims.get("jti"), Some(Value::String(_) | Value::Null)));
    let is_refresh = claims.get("type") == Some(&Value::from("refresh"));
    assert_eq!(token.claims.token_type() == TokenType::Refresh, is_refresh);
    if let Some(iat) = time_claim(token, "iat") {
        assert!(iat <= after, "iat {iat} in the future");
    }
    if let Some(nbf) = time_claim(token, "nbf") {
        assert!(nbf <= after, "nbf {nbf} in the future");
    }
    if let (Some(exp), false) = (time_claim(token, "exp"), allow_expired) {
        assert!(exp > before, "exp {exp} already passed");
    }
}

/// Decodes `token` both ways and checks the results against each other and against
/// [`check_decoded`]. Returns the strict result.
pub fn decode_checked(manager: &JwtManager, token: &str) -> Result<DecodedToken, JwtError> {
    let before = now();
    let strict = manager.decode_token(token);
    let lenient = manager.decode_token_allow_expired(token);
    let after = now();
    match (&strict, &lenient) {
        (Ok(decoded), Ok(again)) => {
            check_decoded(decoded, before, after, false);
            assert_eq!(decoded, again);
        }
        (Err(JwtError::Expired(expired)), Ok(decoded)) => {
            check_decoded(decoded, before, after, true);
            assert_eq!(expired.as_ref(), decoded);
            let exp = time_claim(decoded, "exp").expect("an expired token has exp");
            assert!(exp <= after, "refused as expired with exp {exp}");
        }
        (Ok(_), Err(e)) => panic!("accepted strictly but refused with allow_expired: {e:?}"),
        (Err(JwtError::Expired(_)), Err(e)) => panic!("expired strictly but refused with allow_expired: {e:?}"),
        (Err(a), Err(b)) => {
            // The only time-dependent refusal besides expiry is "not yet valid", which time
            // passing between the two calls may lift.
            if !a.message().starts_with("The token is not yet valid") {
                assert_eq!(a.message(), b.message());
            }
        }
        (Err(e), Ok(_)) => {
            assert!(
                e.message().starts_with("The token is not yet valid"),
                "refused strictly ({e:?}) but accepted leniently"
            );
        }
    }
    if token.len() > manager.config().max_token_bytes {
        assert!(strict.is_err(), "an oversized token was accepted");
    }
    strict
}
