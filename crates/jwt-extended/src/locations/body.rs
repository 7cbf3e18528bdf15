//! Tokens in a JSON body (`{"access_token": ...}`) and CSRF values in form bodies.
//!
//! A request body can be read only once, so [`crate::JwtLayer`] reads it before routing,
//! keeps what matters here in a [`BodyTokens`] request extension, and hands the same bytes
//! on to the handler.

use std::borrow::Cow;

use http::request::Parts;
use serde_json::Value;

use super::{FoundToken, Lookup};
use crate::config::{JwtConfig, TokenLocation};
use crate::error::JwtError;
use crate::json;

/// What the layer found in a buffered JSON or form body.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BodyTokens {
    /// The value under the access JSON key, when the body was a JSON object holding it.
    pub json_access: Option<Value>,
    /// The value under the refresh JSON key.
    pub json_refresh: Option<Value>,
    /// The access CSRF form field, for form bodies when form checking is on.
    pub form_access_csrf: Option<String>,
    /// The refresh CSRF form field.
    pub form_refresh_csrf: Option<String>,
}

impl BodyTokens {
    /// Extracts what the configuration asks for from a buffered body.
    #[cfg_attr(not(feature = "axum"), allow(dead_code))]
    pub(crate) fn from_body(config: &JwtConfig, content_type: Option<&str>, body: &[u8]) -> Self {
        let mut found = BodyTokens::default();
        if content_type.is_some_and(is_json_content_type) {
            // Anything but an object (an array, a string, invalid JSON) holds no token. Only
            // the two token members are built; the rest of the body is checked, not kept.
            let (access, refresh) = (config.json_key.as_str(), config.refresh_json_key.as_str());
            let slot = |key: &str| {
                if key == access {
                    Some(0)
                } else if key == refresh {
                    Some(1)
                } else {
                    None
                }
            };
            if let Ok([json_access, json_refresh]) = json::scan_last_wins(body, slot) {
                // One key for both (allowed by FJE) gives both lookups the same member.
                found.json_refresh = if access == refresh { json_access.clone() } else { json_refresh };
                found.json_access = json_access;
            }
        } else if content_type.is_some_and(is_form_content_type) {
            let c = &config.cookies;
            for (k, v) in form_urlencoded::parse(body) {
                if found.form_access_csrf.is_none() && k == c.access_csrf_field_name.as_str() {
                    found.form_access_csrf = Some(v.to_string());
                }
                if found.form_refresh_csrf.is_none() && k == c.refresh_csrf_field_name.as_str() {
                    found.form_refresh_csrf = Some(v.to_string());
                }
            }
        }
        found
    }
}

/// Werkzeug's `is_json`: `application/json` or `application/<anything>+json`.
pub(crate) fn is_json_content_type(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

#[cfg_attr(not(feature = "axum"), allow(dead_code))]
fn is_form_content_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

pub(super) fn lookup<'a>(parts: &'a Parts, config: &JwtConfig, refresh: bool) -> Result<Lookup<'a>, JwtError> {
    let content_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if !content_type.is_some_and(is_json_content_type) {
        return Ok(Lookup::Missing("Invalid content-type. Must be application/json.".into()));
    }
    let Some(body) = parts.extensions.get::<BodyTokens>() else {
        return Err(JwtError::Internal(
            "JSON-body tokens need TokenLocation::Json in the configured locations and JwtManager::layer() on the router",
        ));
    };
    let (key, value) = if refresh {
        (&config.refresh_json_key, &body.json_refresh)
    } else {
        (&config.json_key, &body.json_access)
    };
    match value {
        Some(Value::String(token)) if !token.is_empty() => Ok(Lookup::Found(FoundToken {
            token: Cow::Borrowed(token.as_str()),
            location: TokenLocation::Json,
            csrf: None,
        })),
        Some(v) if is_truthy(v) => Err(JwtError::invalid("Invalid token type. Token must be a string")),
        _ => Ok(Lookup::Missing(format!("Missing \"{key}\" key in json data."))),
    }
}

/// Python truthiness, which decides between "missing" and "not a string" in FJE.
fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}
