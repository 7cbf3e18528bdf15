//! Authorization: what a verified token may do, decided from its claims.
//!
//! Verification answers "who is this" (401 when it cannot); authorization answers "may
//! they" (403, [`crate::JwtError::Forbidden`]). A [`Rule`] is one such question, written
//! with the helpers below, and [`crate::Require`] attaches rules to a route's
//! policy, so a route needing "admin, with a fresh token" is `Jwt<Require<Admin, Fresh>>`
//! rather than a new policy type per combination.

use serde_json::Value;

use crate::claims::{Claims, DecodedToken};

/// A check on a verified token; `false` refuses the request with
/// [`crate::JwtError::Forbidden`] (403).
///
/// ```
/// use jwt_extended::{DecodedToken, Rule, claim_equals};
/// /// Tokens whose `role` claim is `admin`.
/// struct Admin;
/// impl Rule for Admin {
///     fn allows(token: &DecodedToken) -> bool {
///         claim_equals(&token.claims, "role", "admin")
///     }
/// }
/// ```
///
/// Tuples of rules are rules too, allowing only what every member allows.
pub trait Rule: Send + Sync + 'static {
    /// Whether the token may use the route.
    fn allows(token: &DecodedToken) -> bool;
}

impl<A: Rule, B: Rule> Rule for (A, B) {
    fn allows(token: &DecodedToken) -> bool {
        A::allows(token) && B::allows(token)
    }
}

impl<A: Rule, B: Rule, C: Rule> Rule for (A, B, C) {
    fn allows(token: &DecodedToken) -> bool {
        A::allows(token) && B::allows(token) && C::allows(token)
    }
}

/// Whether claim `name` equals `expected` (any JSON-comparable value: a string, a bool, a
/// number).
///
/// ```
/// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let token = jwt.access_token("alice").claim("role", "admin").claim("level", 3).issue().unwrap();
/// let claims = &jwt.decode_token(&token.token).unwrap().claims;
/// assert!(jwt_extended::claim_equals(claims, "role", "admin"));
/// assert!(jwt_extended::claim_equals(claims, "level", 3));
/// assert!(!jwt_extended::claim_equals(claims, "role", "user"));
/// ```
pub fn claim_equals<T>(claims: &Claims, name: &str, expected: T) -> bool
where
    Value: PartialEq<T>,
{
    claims.get(name).is_some_and(|value| *value == expected)
}

/// Whether claim `name` holds `item`: an array with that string among its elements, or
/// that very string (a provider may send a one-element list as a plain string).
///
/// ```
/// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let token = jwt.access_token("alice").claim("roles", serde_json::json!(["editor", "admin"])).issue().unwrap();
/// let claims = &jwt.decode_token(&token.token).unwrap().claims;
/// assert!(jwt_extended::claim_contains(claims, "roles", "admin"));
/// assert!(!jwt_extended::claim_contains(claims, "roles", "owner"));
/// ```
pub fn claim_contains(claims: &Claims, name: &str, item: &str) -> bool {
    match claims.get(name) {
        Some(Value::Array(items)) => items.iter().any(|v| v.as_str() == Some(item)),
        Some(Value::String(one)) => one == item,
        _ => false,
    }
}

/// Whether the token grants OAuth scope `scope`: the space-separated `scope` claim of
/// RFC 8693 / RFC 9068, or the `scp` array some providers send instead.
///
/// ```
/// # let jwt = jwt_extended::JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let token = jwt.access_token("alice").claim("scope", "items:read items:write").issue().unwrap();
/// let claims = &jwt.decode_token(&token.token).unwrap().claims;
/// assert!(jwt_extended::scope_includes(claims, "items:write"));
/// assert!(!jwt_extended::scope_includes(claims, "items"));
/// ```
pub fn scope_includes(claims: &Claims, scope: &str) -> bool {
    match claims.get("scope") {
        Some(Value::String(scopes)) => scopes.split(' ').any(|s| s == scope),
        _ => claim_contains(claims, "scp", scope),
    }
}
