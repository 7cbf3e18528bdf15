//! Structured fuzz input for `decode_signed`: a JOSE header and claims built from fuzzed
//! parts (or raw fuzzed JSON bytes), encoded and signed with the fuzz secret.

use arbitrary::Arbitrary;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;

use crate::SECRET;

/// A JSON value, biased towards what time and identity claims look like.
#[derive(Arbitrary, Debug, Clone)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// Now plus this many seconds: lands on both sides of `exp`, `iat` and `nbf` checks.
    Now(i16),
    /// Now plus a fraction of a second (`exp` / `iat` truncation).
    NowFraction(i8),
}

/// A claim or header value.
#[derive(Arbitrary, Debug, Clone)]
pub enum Claim {
    Scalar(Scalar),
    Array(Vec<Scalar>),
    Object(Vec<(String, Scalar)>),
}

/// A claim name, mostly the registered ones.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Sub,
    Exp,
    Iat,
    Nbf,
    Jti,
    Type,
    Fresh,
    Aud,
    Iss,
    Csrf,
    Sid,
    Other(String),
}

/// The `alg` header.
#[derive(Arbitrary, Debug, Clone)]
pub enum Alg {
    Hs256,
    Missing,
    Named(String),
    Value(Claim),
}

/// The header and payload of a token, signed HS256 whatever `alg` claims.
#[derive(Arbitrary, Debug)]
pub struct SignedInput {
    alg: Alg,
    header: Vec<(String, Claim)>,
    claims: Vec<(Name, Claim)>,
    /// Used verbatim instead of the serialised header / claims when present.
    raw_header: Option<Vec<u8>>,
    raw_payload: Option<Vec<u8>>,
    /// `=` padding appended to the header, payload and signature segments.
    padding: [u8; 3],
}

/// The token built from a [`SignedInput`] and what went into it.
pub struct SignedToken {
    pub text: String,
    pub header: Vec<u8>,
    pub payload: Vec<u8>,
    pub duplicate_header_key: bool,
    pub duplicate_payload_key: bool,
}

impl Name {
    fn as_str(&self) -> &str {
        match self {
            Name::Sub => "sub",
            Name::Exp => "exp",
            Name::Iat => "iat",
            Name::Nbf => "nbf",
            Name::Jti => "jti",
            Name::Type => "type",
            Name::Fresh => "fresh",
            Name::Aud => "aud",
            Name::Iss => "iss",
            Name::Csrf => "csrf",
            Name::Sid => "sid",
            Name::Other(name) => name,
        }
    }
}

impl Scalar {
    fn to_json(&self, now: f64) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(*b),
            Scalar::Int(i) => Value::from(*i),
            Scalar::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Scalar::Str(s) => Value::String(s.clone()),
            Scalar::Now(offset) => Value::from(now as i64 + i64::from(*offset)),
            Scalar::NowFraction(tenths) => Value::from(now.trunc() + f64::from(*tenths) / 10.0),
        }
    }
}

impl Claim {
    fn to_json(&self, now: f64) -> Value {
        match self {
            Claim::Scalar(s) => s.to_json(now),
            Claim::Array(items) => items.iter().map(|s| s.to_json(now)).collect(),
            Claim::Object(fields) => Value::Object(fields.iter().map(|(k, v)| (k.clone(), v.to_json(now))).collect()),
        }
    }
}

/// A JSON object written field by field, so duplicate keys survive (the decoder must
/// refuse them). Returns the bytes and whether a key repeats.
fn object<'a>(fields: impl Iterator<Item = (&'a str, Value)>) -> (Vec<u8>, bool) {
    let mut seen = std::collections::HashSet::new();
    let mut duplicate = false;
    let mut out = String::from("{");
    for (i, (key, value)) in fields.enumerate() {
        duplicate |= !seen.insert(key.to_string());
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::from(key).to_string());
        out.push(':');
        out.push_str(&value.to_string());
    }
    out.push('}');
    (out.into_bytes(), duplicate)
}

fn segment(bytes: &[u8], padding: u8) -> String {
    let mut s = URL_SAFE_NO_PAD.encode(bytes);
    s.extend(std::iter::repeat_n('=', usize::from(padding % 4)));
    s
}

impl SignedInput {
    /// Encodes and signs the input at time `now`.
    pub fn to_token(&self, now: f64) -> SignedToken {
        jwt_extended::install_crypto_provider();
        let alg = match &self.alg {
            Alg::Hs256 => Some(Value::from("HS256")),
            Alg::Missing => None,
            Alg::Named(name) => Some(Value::from(name.as_str())),
            Alg::Value(claim) => Some(claim.to_json(now)),
        };
        let header_fields = alg
            .map(|a| ("alg", a))
            .into_iter()
            .chain(self.header.iter().map(|(k, v)| (k.as_str(), v.to_json(now))));
        let (header, duplicate_header_key) = match &self.raw_header {
            Some(raw) => (raw.clone(), false),
            None => object(header_fields),
        };
        let (payload, duplicate_payload_key) = match &self.raw_payload {
            Some(raw) => (raw.clone(), false),
            None => object(self.claims.iter().map(|(k, v)| (k.as_str(), v.to_json(now)))),
        };
        let signing_input = format!("{}.{}", segment(&header, self.padding[0]), segment(&payload, self.padding[1]));
        let signature = jsonwebtoken::crypto::sign(signing_input.as_bytes(), &EncodingKey::from_secret(SECRET), Algorithm::HS256)
            .expect("HMAC signing cannot fail");
        let mut text = format!("{signing_input}.{signature}");
        text.extend(std::iter::repeat_n('=', usize::from(self.padding[2] % 4)));
        SignedToken {
            text,
            header,
            payload,
            duplicate_header_key,
            duplicate_payload_key,
        }
    }
}
