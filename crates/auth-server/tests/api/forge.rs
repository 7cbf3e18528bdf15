//! Forging tokens the way an attacker would, without the library: base64url segments
//! and HMAC-SHA256 (aws-lc-rs), with any header, any payload bytes and any key, plus the
//! server's own HMAC secret (read from its data directory) for tokens that must pass the
//! signature check and be refused later.

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::helpers::TestApp;

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The decoded JSON of a token segment (0: header, 1: payload).
pub fn segment(token: &str, index: usize) -> Map<String, Value> {
    let part = token.split('.').nth(index).expect("segment");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("a JSON object")
}

/// The HS256 signature of `signing_input` with `key`, base64url.
pub fn hs256(key: &[u8], signing_input: &str) -> String {
    b64(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), signing_input.as_bytes()).as_ref())
}

/// `header.payload.signature` from raw header and payload bytes, signed HS256 with `key`.
pub fn sign_raw(key: &[u8], header: &[u8], payload: &[u8]) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let signature = hs256(key, &input);
    format!("{input}.{signature}")
}

/// A token with `header` and `payload`, signed HS256 with `key`.
pub fn sign(key: &[u8], header: &Value, payload: &Value) -> String {
    sign_raw(key, header.to_string().as_bytes(), payload.to_string().as_bytes())
}

/// The server's generated HMAC secret (`<data-dir>/jwt-secret.key`).
pub fn server_secret(app: &TestApp) -> Vec<u8> {
    let path = app.state.settings.data_dir.join("jwt-secret.key");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    String::from_utf8(bytes).expect("a text secret").trim().as_bytes().to_vec()
}

/// A real token's header and claims, to edit and re-sign.
pub struct Template {
    pub header: Value,
    pub claims: Value,
}

impl Template {
    pub fn of(token: &str) -> Self {
        Template {
            header: Value::Object(segment(token, 0)),
            claims: Value::Object(segment(token, 1)),
        }
    }

    /// The header with `key` set to `value`.
    pub fn header_with(&self, key: &str, value: Value) -> Value {
        let mut header = self.header.clone();
        header[key] = value;
        header
    }

    /// The claims with `key` set to `value`.
    pub fn claims_with(&self, key: &str, value: Value) -> Value {
        let mut claims = self.claims.clone();
        claims[key] = value;
        claims
    }
}
