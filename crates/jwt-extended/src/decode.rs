//! Token verification, step by step in the order PyJWT and Flask-JWT-Extended use, with
//! their error messages: segments and base64, header, payload JSON, algorithm allowlist,
//! signature (key chosen by `kid`), then `iat`, `nbf`, `exp`, `iss`, `aud`, `sub`, `jti`
//! and the identity claim.
//!
//! It is written here rather than delegated to `jsonwebtoken::decode` so that the payload
//! is parsed once, duplicate keys are refused, and every failure has FJE's exact text.

use std::borrow::Cow;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::de;
use serde_json::{Map, Value};

use crate::callbacks::KeyLoader;
use crate::claims::{Claims, DecodedToken, IdentityKey, RegisteredClaims};
use crate::error::JwtError;
use crate::json::{self, LazyObject};
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

/// What verifies signatures: the manager's keys, chosen by `kid`, or the application's
/// `decode_key_loader`, asked per token.
#[derive(Clone, Copy)]
pub(crate) enum Verifier<'a> {
    Keys(&'a KeySet),
    Loader(&'a KeyLoader),
}

/// Verifies `token` and returns its header and claims.
pub(crate) fn decode(
    token: &str,
    verifier: Verifier<'_>,
    settings: &DecodeSettings,
    now: f64,
    allow_expired: bool,
) -> Result<DecodedToken, JwtError> {
    decode_timed(token, verifier, settings, now, allow_expired).map(|(decoded, _)| decoded)
}

/// [`decode`], also returning the time claims, for checking the token again later
/// without decoding it.
pub(crate) fn decode_timed(
    token: &str,
    verifier: Verifier<'_>,
    settings: &DecodeSettings,
    now: f64,
    allow_expired: bool,
) -> Result<(DecodedToken, Validity), JwtError> {
    if token.len() > settings.max_token_bytes {
        return Err(JwtError::invalid("Token is too large"));
    }
    let (signing_input, crypto_segment) = token.rsplit_once('.').ok_or(JwtError::invalid("Not enough segments"))?;
    let (header_segment, payload_segment) = signing_input.split_once('.').ok_or(JwtError::invalid("Not enough segments"))?;

    let header_bytes = b64_segment(header_segment, "Invalid header padding")?;
    let [alg, kid, crit, b64] = json_object(&header_bytes, "header", header_slot)?;
    let payload_bytes = b64_segment(payload_segment, "Invalid payload padding")?;
    let signature = strip_padding(crypto_segment);
    let mut signature_buffer = [0u8; SIGNATURE_BUFFER];
    let signature_bytes = b64_signature(crypto_segment, &mut signature_buffer)?;
    validate_header(kid.as_ref(), crit.as_ref(), b64.as_ref())?;
    let identity_name = settings.identity.as_str();
    let mut payload = Payload(json_object(&payload_bytes, "payload", |key| payload_slot(key, identity_name))?);

    let alg = match alg {
        None => return Err(JwtError::invalid("Algorithm not specified")),
        Some(Value::String(name)) => Algorithm::from_str(&name).ok().filter(|a| settings.algorithms.contains(a)),
        Some(_) => None,
    }
    .ok_or(JwtError::invalid("The specified alg value is not allowed"))?;
    let kid = kid.as_ref().and_then(Value::as_str);
    let message = signing_input.as_bytes();
    let verified = match verifier {
        Verifier::Keys(keys) => keys
            .candidates(kid, alg)
            .any(|key| key.verifies(alg, message, signature, &signature_bytes)),
        Verifier::Loader(loader) => {
            let key = loader(&unverified_map(&header_bytes)?, &unverified_map(&payload_bytes)?)?;
            key.usable_for(alg)? && key.verifies(alg, message, signature, &signature_bytes)
        }
    };
    if !verified {
        return Err(JwtError::invalid("Signature verification failed"));
    }

    let expired = validate_claims(&payload, settings, now)?;
    let validity = Validity {
        issued_at: payload.get(IAT).and_then(integer),
        not_before: payload.get(NBF).and_then(integer),
        expires_at: payload.get(EXP).and_then(integer),
    };
    let identity_slot = payload_slot(identity_name, identity_name).unwrap_or(IDENTITY);
    let Some(identity) = payload.0[identity_slot].clone() else {
        return Err(JwtError::InvalidToken(Cow::Owned(format!("Missing claim: {identity_name}"))));
    };
    let registered = RegisteredClaims {
        identity,
        expires_at: payload.get(EXP).and_then(Value::as_f64).map(|t| t as i64),
        issued_at: payload.get(IAT).and_then(Value::as_f64).map(|t| t as i64),
        token_type: payload.take(TYPE),
        fresh: payload.take(FRESH),
        jti: payload.take_string(JTI),
        session_id: payload.take_string(SID),
        csrf: payload.take_string(CSRF),
    };
    let decoded = DecodedToken::new(
        LazyObject::new(header_bytes),
        Claims::verified(LazyObject::new(payload_bytes), registered, settings.identity.clone()),
    );
    if expired && !allow_expired {
        return Err(JwtError::Expired(Box::new(decoded)));
    }
    Ok((decoded, validity))
}

/// The time claims of a verified token (as [`integer`] reads them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Validity {
    pub(crate) issued_at: Option<f64>,
    pub(crate) not_before: Option<f64>,
    pub(crate) expires_at: Option<f64>,
}

impl Validity {
    /// Whether [`validate_claims`] would accept these times at `now` and not call the
    /// token expired: its three time conditions, negated (the two must agree).
    pub(crate) fn holds_at(&self, now: f64, leeway: f64) -> bool {
        self.issued_at.is_none_or(|iat| iat <= now + leeway)
            && self.not_before.is_none_or(|nbf| nbf <= now + leeway)
            && self.expires_at.is_none_or(|exp| exp > now - leeway)
    }
}

/// The header members the checks read: `alg`, `kid`, `crit`, `b64`.
fn header_slot(key: &str) -> Option<usize> {
    match key {
        "alg" => Some(0),
        "kid" => Some(1),
        "crit" => Some(2),
        "b64" => Some(3),
        _ => None,
    }
}

const IAT: usize = 0;
const NBF: usize = 1;
const EXP: usize = 2;
const ISS: usize = 3;
const AUD: usize = 4;
const SUB: usize = 5;
const JTI: usize = 6;
const TYPE: usize = 7;
const FRESH: usize = 8;
const SID: usize = 9;
const CSRF: usize = 10;
const IDENTITY: usize = 11;

/// Where the payload members the checks and [`Claims`]' typed accessors read are kept. A
/// `match` on the name: comparing each member with a list of names was visible in profiles.
fn payload_slot(key: &str, identity: &str) -> Option<usize> {
    match key {
        "iat" => Some(IAT),
        "nbf" => Some(NBF),
        "exp" => Some(EXP),
        "iss" => Some(ISS),
        "aud" => Some(AUD),
        "sub" => Some(SUB),
        "jti" => Some(JTI),
        "type" => Some(TYPE),
        "fresh" => Some(FRESH),
        "sid" => Some(SID),
        "csrf" => Some(CSRF),
        _ if key == identity => Some(IDENTITY),
        _ => None,
    }
}

/// The registered claims of a payload, by slot.
struct Payload([Option<Value>; 12]);

impl Payload {
    fn get(&self, slot: usize) -> Option<&Value> {
        self.0[slot].as_ref()
    }

    fn take(&mut self, slot: usize) -> Option<Value> {
        self.0[slot].take()
    }

    fn take_string(&mut self, slot: usize) -> Option<String> {
        match self.take(slot) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

/// Signatures up to this size (RSA-4096) are decoded on the stack.
const SIGNATURE_BUFFER: usize = 512;

/// [`b64_segment`] for the signature, into `buffer` when it fits.
fn b64_signature<'b>(segment: &str, buffer: &'b mut [u8; SIGNATURE_BUFFER]) -> Result<Cow<'b, [u8]>, JwtError> {
    const ERROR: &str = "Invalid crypto padding";
    let stripped = strip_padding(segment);
    if base64::decoded_len_estimate(stripped.len()) > buffer.len() {
        return b64_segment(segment, ERROR).map(Cow::Owned);
    }
    check_padding(segment, ERROR)?;
    let len = URL_SAFE_NO_PAD
        .decode_slice(stripped, buffer)
        .map_err(|_| JwtError::invalid(ERROR))?;
    Ok(Cow::Borrowed(&buffer[..len]))
}

/// The JOSE header of `token`, read without verifying anything (FJE
/// `get_unverified_jwt_headers`): with the same size limit, padding rules and strict JSON
/// (an object, no repeated member) as a verified decode.
pub(crate) fn unverified_header(token: &str, max_token_bytes: usize) -> Result<Map<String, Value>, JwtError> {
    if token.len() > max_token_bytes {
        return Err(JwtError::invalid("Token is too large"));
    }
    let (header_segment, _) = token.split_once('.').ok_or(JwtError::invalid("Not enough segments"))?;
    let bytes = b64_segment(header_segment, "Invalid header padding")?;
    json::parse_map(&bytes).map_err(|e| JwtError::InvalidToken(Cow::Owned(format!("Invalid header string: {e}"))))
}

/// A header or payload already checked by [`json_object`], as the map a key loader reads.
fn unverified_map(bytes: &[u8]) -> Result<Map<String, Value>, JwtError> {
    json::parse_map(bytes).map_err(|e| JwtError::InvalidToken(Cow::Owned(format!("Invalid token: {e}"))))
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
    check_padding(segment, error)?;
    URL_SAFE_NO_PAD.decode(strip_padding(segment)).map_err(|_| JwtError::invalid(error))
}

fn check_padding(segment: &str, error: &'static str) -> Result<(), JwtError> {
    let padding = segment.len() - strip_padding(segment).len();
    if padding > 2 || (padding > 0 && !segment.len().is_multiple_of(4)) {
        return Err(JwtError::invalid(error));
    }
    Ok(())
}

/// Checks a JSON object (see [`json::scan`]) and returns the members `slot` places.
fn json_object<const N: usize>(bytes: &[u8], part: &str, slot: impl Fn(&str) -> Option<usize>) -> Result<[Option<Value>; N], JwtError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') && serde_json::from_slice::<de::IgnoredAny>(bytes).is_ok() {
        return Err(JwtError::InvalidToken(Cow::Owned(format!(
            "Invalid {part} string: must be a json object"
        ))));
    }
    match json::scan(bytes, slot) {
        Ok(values) => Ok(values),
        Err(e) => Err(JwtError::InvalidToken(Cow::Owned(format!("Invalid {part} string: {e}")))),
    }
}

fn validate_header(kid: Option<&Value>, crit: Option<&Value>, b64: Option<&Value>) -> Result<(), JwtError> {
    if kid.is_some_and(|kid| !kid.is_string()) {
        return Err(JwtError::invalid("Key ID header parameter must be a string"));
    }
    if let Some(crit) = crit {
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
    if b64 == Some(&Value::Bool(false)) {
        return Err(JwtError::invalid(
            "The 'b64' header parameter requires 'b64' to be listed in 'crit'.",
        ));
    }
    Ok(())
}

/// Returns whether the token has expired (reported after the other claim checks, as FJE
/// does by decoding an expired token a second time).
fn validate_claims(payload: &Payload, settings: &DecodeSettings, now: f64) -> Result<bool, JwtError> {
    let leeway = settings.leeway;
    if let Some(iat) = payload.get(IAT) {
        let iat = integer(iat).ok_or(JwtError::invalid("Issued At claim (iat) must be an integer."))?;
        if iat > now + leeway {
            return Err(JwtError::invalid("The token is not yet valid (iat)"));
        }
    }
    if let Some(nbf) = payload.get(NBF) {
        let nbf = integer(nbf).ok_or(JwtError::invalid("Not Before claim (nbf) must be an integer."))?;
        if nbf > now + leeway {
            return Err(JwtError::invalid("The token is not yet valid (nbf)"));
        }
    }
    let expired = match payload.get(EXP) {
        Some(exp) => integer(exp).ok_or(JwtError::invalid("Expiration Time claim (exp) must be an integer."))? <= now - leeway,
        None => false,
    };
    if let Some(issuer) = &settings.issuer {
        match payload.get(ISS) {
            None => return Err(JwtError::invalid("Token is missing the \"iss\" claim")),
            Some(Value::String(iss)) if iss == issuer => {}
            Some(Value::String(_)) => return Err(JwtError::invalid("Invalid issuer")),
            Some(_) => return Err(JwtError::invalid("Payload Issuer (iss) must be a string")),
        }
    }
    if let Some(audience) = &settings.audience {
        check_audience(payload.get(AUD), audience)?;
    }
    if settings.verify_sub && payload.get(SUB).is_some_and(|s| !s.is_string()) {
        return Err(JwtError::invalid("Subject must be a string"));
    }
    if payload.get(JTI).is_some_and(|j| !j.is_string()) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The verified-token cache re-checks times with `Validity::holds_at`: it must
        /// accept exactly what a full decode accepts as not expired.
        #[test]
        fn validity_agrees_with_the_claim_checks(
            iat in proptest::option::of(-50i64..50),
            nbf in proptest::option::of(-50i64..50),
            exp in proptest::option::of(-50i64..50),
            now in -60.0f64..60.0,
            leeway in prop_oneof![Just(0.0), 0.0f64..20.0],
        ) {
            let mut payload = Payload([const { None }; 12]);
            payload.0[IAT] = iat.map(Value::from);
            payload.0[NBF] = nbf.map(Value::from);
            payload.0[EXP] = exp.map(Value::from);
            let settings = DecodeSettings {
                algorithms: vec![Algorithm::HS256],
                audience: None,
                issuer: None,
                leeway,
                identity: IdentityKey::Sub,
                verify_sub: true,
                max_token_bytes: 1 << 16,
            };
            let validity = Validity {
                issued_at: iat.map(|t| t as f64),
                not_before: nbf.map(|t| t as f64),
                expires_at: exp.map(|t| t as f64),
            };
            let accepted = matches!(validate_claims(&payload, &settings, now), Ok(false));
            prop_assert_eq!(validity.holds_at(now, leeway), accepted);
        }
    }

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
        let a = |key: &str| (key == "a").then_some(0);
        assert!(json_object::<1>(br#"{"a":1,"a":2}"#, "payload", a).is_err());
        assert!(json_object::<1>(br#"{"b":1,"b":2}"#, "payload", a).is_err());
        let err = json_object::<1>(b"[1]", "payload", a).unwrap_err();
        assert_eq!(err.message(), "Invalid payload string: must be a json object");
        assert!(
            json_object::<1>(b"{", "payload", a)
                .unwrap_err()
                .message()
                .starts_with("Invalid payload string: ")
        );
        let [value] = json_object(br#"{"a":{"a":1}}"#, "header", a).unwrap();
        assert_eq!(value, Some(serde_json::json!({"a": 1})));
    }
}
