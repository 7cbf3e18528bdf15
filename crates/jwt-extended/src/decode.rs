//! Token verification, step by step in the order PyJWT and Flask-JWT-Extended use, with
//! their error messages: segments and base64, header, payload JSON, algorithm allowlist,
//! signature (key chosen by `kid`), then `iat`, `nbf`, `exp`, `iss`, `aud`, `sub`, `jti`
//! and the identity claim.
//!
//! It is written here rather than delegated to `jsonwebtoken::decode` so that the payload
//! is parsed once, duplicate keys are refused, and every failure has FJE's exact text.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use crate::claims::{Claims, DecodedToken, IdentityKey};
use crate::error::JwtError;
use crate::keys::KeySet;

/// The decode-side settings, resolved once from the configuration.
#[derive(Debug, Clone)]
pub(crate) struct DecodeSettings {
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) audience: Option<Vec<String>>,
    pub(crate) issuer: Option<String>,
    pub(crate) leeway: f64,
    pub(crate) identity: IdentityKey,
    pub(crate) verify_sub: bool,
    pub(crate) max_token_bytes: usize,
}

/// Verifies `token` and returns its header and claims.
pub(crate) fn decode(
    token: &str,
    keys: &KeySet,
    settings: &DecodeSettings,
    now: f64,
    allow_expired: bool,
) -> Result<DecodedToken, JwtError> {
    if token.len() > settings.max_token_bytes {
        return Err(JwtError::invalid("Token is too large"));
    }
    let (signing_input, crypto_segment) = token.rsplit_once('.').ok_or(JwtError::invalid("Not enough segments"))?;
    let (header_segment, payload_segment) = signing_input.split_once('.').ok_or(JwtError::invalid("Not enough segments"))?;

    let header_bytes = b64_segment(header_segment, "Invalid header padding")?;
    let header = json_object(&header_bytes, "header")?;
    let payload_bytes = b64_segment(payload_segment, "Invalid payload padding")?;
    let signature = strip_padding(crypto_segment);
    let signature_bytes = b64_segment(crypto_segment, "Invalid crypto padding")?;
    validate_header(&header)?;
    let payload = json_object(&payload_bytes, "payload")?;

    let alg = match header.get("alg") {
        None => return Err(JwtError::invalid("Algorithm not specified")),
        Some(Value::String(name)) => Algorithm::from_str(name).ok().filter(|a| settings.algorithms.contains(a)),
        Some(_) => None,
    }
    .ok_or(JwtError::invalid("The specified alg value is not allowed"))?;
    let kid = header.get("kid").and_then(Value::as_str);
    let verified = keys
        .candidates(kid, alg)
        .any(|key| key.verifies(alg, signing_input.as_bytes(), signature, &signature_bytes));
    if !verified {
        return Err(JwtError::invalid("Signature verification failed"));
    }

    let expired = validate_claims(&payload, settings, now)?;
    if !payload.contains_key(settings.identity.as_str()) {
        return Err(JwtError::InvalidToken(Cow::Owned(format!(
            "Missing claim: {}",
            settings.identity.as_str()
        ))));
    }
    let decoded = DecodedToken {
        header,
        claims: Claims::from_map(payload, settings.identity.clone()),
    };
    if expired && !allow_expired {
        return Err(JwtError::Expired(Box::new(decoded)));
    }
    Ok(decoded)
}

/// Splits a token without verifying anything: for reading the `csrf` claim of a token
/// this process just minted.
pub(crate) fn unverified_payload(token: &str) -> Option<Map<String, Value>> {
    let mut parts = token.split('.');
    let payload = parts.nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(strip_padding(payload)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn strip_padding(segment: &str) -> &str {
    segment.trim_end_matches('=')
}

/// PyJWT's segment rules: at most two `=`, only with a length that is a multiple of four,
/// the URL-safe alphabet, and canonical trailing bits.
fn b64_segment(segment: &str, error: &'static str) -> Result<Vec<u8>, JwtError> {
    let stripped = strip_padding(segment);
    let padding = segment.len() - stripped.len();
    if padding > 2 || (padding > 0 && !segment.len().is_multiple_of(4)) {
        return Err(JwtError::invalid(error));
    }
    URL_SAFE_NO_PAD.decode(stripped).map_err(|_| JwtError::invalid(error))
}

fn json_object(bytes: &[u8], part: &str) -> Result<Map<String, Value>, JwtError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') && serde_json::from_slice::<de::IgnoredAny>(bytes).is_ok() {
        return Err(JwtError::InvalidToken(Cow::Owned(format!(
            "Invalid {part} string: must be a json object"
        ))));
    }
    match serde_json::from_slice::<StrictObject>(bytes) {
        Ok(StrictObject(map)) => Ok(map),
        Err(e) => Err(JwtError::InvalidToken(Cow::Owned(format!("Invalid {part} string: {e}")))),
    }
}

fn validate_header(header: &Map<String, Value>) -> Result<(), JwtError> {
    if header.get("kid").is_some_and(|kid| !kid.is_string()) {
        return Err(JwtError::invalid("Key ID header parameter must be a string"));
    }
    if let Some(crit) = header.get("crit") {
        // No critical extension is supported: a token that insists on one is refused.
        let list = crit
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or(JwtError::invalid("Invalid 'crit' header: must be a non-empty list"))?;
        // The list is non-empty, so its first entry decides (PyJWT checks them in order).
        let ext = list[0]
            .as_str()
            .ok_or(JwtError::invalid("Invalid 'crit' header: values must be strings"))?;
        return Err(JwtError::InvalidToken(Cow::Owned(format!("Unsupported critical extension: {ext}"))));
    }
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Err(JwtError::invalid(
            "The 'b64' header parameter requires 'b64' to be listed in 'crit'.",
        ));
    }
    Ok(())
}

/// Returns whether the token has expired (reported after the other claim checks, as FJE
/// does by decoding an expired token a second time).
fn validate_claims(payload: &Map<String, Value>, settings: &DecodeSettings, now: f64) -> Result<bool, JwtError> {
    let leeway = settings.leeway;
    if let Some(iat) = payload.get("iat") {
        let iat = integer(iat).ok_or(JwtError::invalid("Issued At claim (iat) must be an integer."))?;
        if iat > now + leeway {
            return Err(JwtError::invalid("The token is not yet valid (iat)"));
        }
    }
    if let Some(nbf) = payload.get("nbf") {
        let nbf = integer(nbf).ok_or(JwtError::invalid("Not Before claim (nbf) must be an integer."))?;
        if nbf > now + leeway {
            return Err(JwtError::invalid("The token is not yet valid (nbf)"));
        }
    }
    let expired = match payload.get("exp") {
        Some(exp) => integer(exp).ok_or(JwtError::invalid("Expiration Time claim (exp) must be an integer."))? <= now - leeway,
        None => false,
    };
    if let Some(issuer) = &settings.issuer {
        match payload.get("iss") {
            None => return Err(JwtError::invalid("Token is missing the \"iss\" claim")),
            Some(Value::String(iss)) if iss == issuer => {}
            Some(Value::String(_)) => return Err(JwtError::invalid("Invalid issuer")),
            Some(_) => return Err(JwtError::invalid("Payload Issuer (iss) must be a string")),
        }
    }
    if let Some(audience) = &settings.audience {
        check_audience(payload.get("aud"), audience)?;
    }
    if settings.verify_sub && payload.get("sub").is_some_and(|s| !s.is_string()) {
        return Err(JwtError::invalid("Subject must be a string"));
    }
    if payload.get("jti").is_some_and(|j| !j.is_string()) {
        return Err(JwtError::invalid("JWT ID must be a string"));
    }
    Ok(expired)
}

fn check_audience(claim: Option<&Value>, audience: &[String]) -> Result<(), JwtError> {
    let format_error = JwtError::invalid("Invalid claim format in token");
    let claimed: Vec<&str> = match claim {
        None | Some(Value::Null) => {
            return Err(JwtError::invalid("Token is missing the \"aud\" claim"));
        }
        Some(Value::String(s)) if s.is_empty() => {
            return Err(JwtError::invalid("Token is missing the \"aud\" claim"));
        }
        Some(Value::Array(a)) if a.is_empty() => {
            return Err(JwtError::invalid("Token is missing the \"aud\" claim"));
        }
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().map(Value::as_str).collect::<Option<Vec<_>>>().ok_or(format_error)?,
        Some(_) => return Err(format_error),
    };
    if audience.iter().any(|a| claimed.contains(&a.as_str())) {
        Ok(())
    } else {
        Err(JwtError::invalid("Audience doesn't match"))
    }
}

/// A time claim as Python's `int()` reads it: numbers, truncated towards zero.
fn integer(value: &Value) -> Option<f64> {
    value.as_f64().filter(|f| f.is_finite()).map(f64::trunc)
}

/// A JSON object that refuses duplicate keys: two parsers that disagree on which of two
/// `sub` values counts must never both see a valid token.
struct StrictObject(Map<String, Value>);

impl<'de> Deserialize<'de> for StrictObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = StrictObject;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a json object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StrictObject, A::Error> {
                let mut map = Map::new();
                while let Some(key) = access.next_key::<String>()? {
                    match map.entry(key) {
                        Entry::Occupied(entry) => {
                            return Err(de::Error::custom(format_args!("duplicate key {:?}", entry.key())));
                        }
                        Entry::Vacant(entry) => {
                            entry.insert(access.next_value()?);
                        }
                    }
                }
                Ok(StrictObject(map))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padding_rules_follow_pyjwt() {
        assert!(b64_segment("eyJ9", "x").is_ok());
        assert!(b64_segment("e30", "x").is_ok()); // "{}"
        assert!(b64_segment("e30=", "x").is_ok()); // one pad char, length 4
        assert!(b64_segment("e30==", "x").is_err()); // too much padding for the length
        assert!(b64_segment("e3===", "x").is_err());
        assert!(b64_segment("e!0", "x").is_err());
        assert!(b64_segment("e31", "x").is_err()); // non-canonical trailing bits
        assert!(b64_segment("e", "x").is_err());
    }

    #[test]
    fn objects_refuse_duplicates_and_non_objects() {
        assert!(json_object(br#"{"a":1,"a":2}"#, "payload").is_err());
        let err = json_object(b"[1]", "payload").unwrap_err();
        assert_eq!(err.message(), "Invalid payload string: must be a json object");
        assert!(
            json_object(b"{", "payload")
                .unwrap_err()
                .message()
                .starts_with("Invalid payload string: ")
        );
        assert_eq!(json_object(br#"{"a":{"a":1}}"#, "header").unwrap().len(), 1);
    }
}
