//! The one place a token may come in a request body: the refresh routes (refresh and
//! logout/refresh) also take the refresh token as the JSON body member `refresh_token`,
//! as Flask-JWT-Extended's `json` location does. Every other route reads tokens from the
//! `Authorization` header and the cookies only, so the token manager is configured without
//! a body location and its layer never reads a body: a body is read once, by the route
//! that needs it, under the request scope's one limit, and an oversized one is the
//! server's 413 like any other.

use std::ops::Deref;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use jwt_extended::{BodyTokens, Only, Refresh, location};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use crate::http::caller::Caller;
use crate::http::extract::{is_json, read_body};
use crate::state::AppState;

/// A refresh token from the header, the refresh cookie (with its CSRF header) or, last,
/// the JSON body: Flask-JWT-Extended's order.
pub type RefreshAnywhere = Only<(location::Headers, location::Cookies, location::Json), Refresh>;

/// The caller of a refresh route: [`Caller`] with policy [`RefreshAnywhere`], the JSON
/// body (when the request has one) read for its `refresh_token` first. It takes the body,
/// so it is a handler's last extractor.
pub struct RefreshCaller(Caller<RefreshAnywhere>);

impl Deref for RefreshCaller {
    type Target = Caller<RefreshAnywhere>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromRequest<AppState> for RefreshCaller {
    /// The server's 413 (or 400 for an unreadable body), or the token's answer.
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        if is_json(&parts.headers) {
            let bytes = read_body(body).await.map_err(IntoResponse::into_response)?;
            let mut tokens = BodyTokens::default();
            tokens.json_refresh = member(&bytes, &state.jwt.config().refresh_json_key);
            parts.extensions.insert(tokens);
        }
        Caller::from_request_parts(&mut parts, state).await.map(RefreshCaller)
    }
}

/// The value of the member `key` of the JSON object `bytes` (the last one when repeated,
/// as Flask's parser keeps it), built without building the rest of the body. `None` when
/// the body is not a JSON object or has no such member: then the token is missing there.
fn member(bytes: &[u8], key: &str) -> Option<Value> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let found = Member(key).deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    found
}

struct Member<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for Member<'_> {
    type Value = Option<Value>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Member<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(name) = map.next_key::<String>()? {
            if name == self.0 {
                found = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_member_of_an_object_is_read() {
        let key = "refresh_token";
        assert_eq!(
            member(br#"{"refresh_token": "a.b.c", "x": [1, {"y": 2}]}"#, key),
            Some("a.b.c".into())
        );
        assert_eq!(member(br#"{"refresh_token": "a", "refresh_token": "b"}"#, key), Some("b".into()));
        assert_eq!(member(br#"{"refresh_token": 7}"#, key), Some(7.into()));
        assert_eq!(member(br#"{"access_token": "a.b.c"}"#, key), None);
        for not_an_object in [&b""[..], b"[]", br#""a.b.c""#, br#"{"refresh_token": "a""#, br#"{} {}"#] {
            assert_eq!(member(not_an_object, key), None, "{:?}", String::from_utf8_lossy(not_an_object));
        }
    }
}
