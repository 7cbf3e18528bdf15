//! Shared helpers for the HTTP-level tests: a manager with the conformance secret, a router
//! with FJE's test routes, a small request builder sent with `tower::ServiceExt::oneshot`,
//! and a way to craft raw tokens (arbitrary header and payload bytes, signed with HS256).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::response::Json;
use axum::routing::any;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue, Request, StatusCode};
use jwt_extended::{Algorithm, AnyType, Fresh, Jwt, JwtManager, JwtManagerBuilder, Lenient, Policy, Refresh};
use serde_json::{Value, json};
use tower::ServiceExt;

/// The secret of the conformance profiles.
pub const SECRET: &str = "conformance-secret-key-0123456789abcdef";

/// A builder with the conformance secret and otherwise FJE's defaults.
pub fn builder() -> JwtManagerBuilder {
    JwtManager::builder().secret(SECRET)
}

/// A manager with FJE's defaults.
pub fn manager() -> JwtManager {
    builder().build().expect("default configuration is valid")
}

/// Unix seconds now.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs() as i64
}

/// What a protected handler answers: its identity and where the token was found.
pub fn describe<P: Policy>(jwt: &Jwt<P>) -> Value {
    json!({ "foo": "bar", "sub": jwt.identity(), "location": jwt.location().as_str() })
}

/// FJE's test routes, each accepting every method:
/// `/protected` (access), `/optional`, `/lenient` (bad token = anonymous), `/fresh`,
/// `/refresh`, `/any` (no type check), `/claims` (optional, echoes claims and header).
pub fn routes() -> Router {
    Router::new()
        .route("/protected", any(|j: Jwt| async move { Json(describe(&j)) }))
        .route(
            "/optional",
            any(|j: Option<Jwt>| async move { Json(j.map_or(json!({ "sub": null }), |j| describe(&j))) }),
        )
        .route(
            "/lenient",
            any(|j: Option<Jwt<Lenient>>| async move { Json(j.map_or(json!({ "sub": null }), |j| describe(&j))) }),
        )
        .route("/fresh", any(|j: Jwt<Fresh>| async move { Json(describe(&j)) }))
        .route("/refresh", any(|j: Jwt<Refresh>| async move { Json(describe(&j)) }))
        .route("/any", any(|j: Jwt<AnyType>| async move { Json(describe(&j)) }))
        .route(
            "/claims",
            any(|j: Option<Jwt<AnyType>>| async move {
                Json(match j {
                    Some(j) => json!({ "jwt": j.claims().as_map(), "header": j.header(), "location": j.location().as_str() }),
                    None => json!({ "jwt": {}, "header": {}, "location": null }),
                })
            }),
        )
}

/// [`routes`] behind the manager's layer.
pub fn app(jwt: &JwtManager) -> Router {
    routes().layer(jwt.layer())
}

/// A response, fully read.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The body as JSON (panics with the body text when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }

    /// The default error message (`msg`).
    pub fn msg(&self) -> String {
        self.message_under("msg")
    }

    /// The message under another error key.
    pub fn message_under(&self, key: &str) -> String {
        let body = self.json();
        body[key]
            .as_str()
            .unwrap_or_else(|| panic!("no string {key:?} in {body}"))
            .to_string()
    }

    /// The identity the protected handler saw.
    pub fn sub(&self) -> Value {
        self.json()["sub"].clone()
    }

    /// A response header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
    }

    /// Every `Set-Cookie` line.
    pub fn set_cookies(&self) -> Vec<String> {
        set_cookie_lines(&self.headers)
    }

    /// Asserts status and message together (clearer failures).
    #[track_caller]
    pub fn assert_error(&self, status: u16, msg: &str) {
        assert_eq!((self.status.as_u16(), self.msg().as_str()), (status, msg), "body: {:?}", self.body);
    }

    /// Asserts a 200 whose handler saw `sub`.
    #[track_caller]
    pub fn assert_ok_as(&self, sub: &str) {
        assert_eq!(self.status, StatusCode::OK, "body: {:?}", self.body);
        assert_eq!(self.sub(), json!(sub));
    }
}

/// Every `Set-Cookie` line of a header map.
pub fn set_cookie_lines(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("ASCII cookie").to_string())
        .collect()
}

/// A request under construction.
pub struct Req {
    builder: http::request::Builder,
    body: Body,
}

/// Starts a request.
pub fn req(method: &str, uri: &str) -> Req {
    Req {
        builder: Request::builder().method(method).uri(uri),
        body: Body::empty(),
    }
}

/// Starts a GET.
pub fn get(uri: &str) -> Req {
    req("GET", uri)
}

/// Starts a POST.
pub fn post(uri: &str) -> Req {
    req("POST", uri)
}

impl Req {
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let value = HeaderValue::from_bytes(value.as_ref()).expect("valid header bytes");
        self.builder = self.builder.header(name, value);
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", format!("Bearer {token}"))
    }

    /// A `Cookie` header.
    pub fn cookie(self, cookies: &str) -> Self {
        self.header("cookie", cookies)
    }

    /// A JSON body with its content type.
    pub fn json(self, value: &Value) -> Self {
        self.body("application/json", value.to_string())
    }

    /// A raw body with a content type.
    pub fn body(mut self, content_type: &str, body: impl Into<Body>) -> Self {
        self.builder = self.builder.header("content-type", content_type);
        self.body = body.into();
        self
    }

    /// Sends the request through `app` and reads the whole response.
    pub async fn send(self, app: &Router) -> Reply {
        let request = self.builder.body(self.body).expect("valid request");
        let response = app.clone().oneshot(request).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let body = axum::body::to_bytes(body, 1 << 20).await.expect("readable body");
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}

/// Sends `GET /protected` with a bearer token to the default app of `jwt`.
pub async fn get_protected(jwt: &JwtManager, token: &str) -> Reply {
    call(jwt, "/protected", token).await
}

/// Encodes raw header and payload bytes and signs them with `alg` and `key` (HMAC).
pub fn craft_raw(header: &[u8], payload: &[u8], alg: Algorithm, key: &[u8]) -> String {
    jwt_extended::install_crypto_provider();
    let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(payload));
    let key = jsonwebtoken::EncodingKey::from_secret(key);
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, alg).expect("HMAC signs");
    format!("{message}.{signature}")
}

/// An HS256 token with the conformance secret and these claims.
pub fn craft(claims: &Value) -> String {
    craft_raw(
        br#"{"alg":"HS256","typ":"JWT"}"#,
        claims.to_string().as_bytes(),
        Algorithm::HS256,
        SECRET.as_bytes(),
    )
}

/// The claims FJE writes for an access token of `alice`, valid for ten minutes.
pub fn claims_for(sub: &str) -> Value {
    let now = now();
    json!({
        "fresh": false, "iat": now, "jti": "8a6e0804-2bd0-4672-b79d-d97027f9071a", "type": "access",
        "sub": sub, "nbf": now, "exp": now + 600
    })
}

/// [`claims_for`] with some claims replaced (a `null` removes the claim).
pub fn claims_with(sub: &str, changes: &Value) -> Value {
    let mut claims = claims_for(sub);
    for (k, v) in changes.as_object().expect("object of changes") {
        if v.is_null() {
            claims.as_object_mut().expect("object").remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

/// A plain-text response with a status, for custom error handlers.
pub fn text(status: u16, body: String) -> axum::response::Response {
    axum::response::IntoResponse::into_response((StatusCode::from_u16(status).expect("valid status"), body))
}

/// Sends `GET path` with a bearer token to the default app of `jwt`.
pub async fn call(jwt: &JwtManager, path: &str, token: &str) -> Reply {
    fetch(&app(jwt), path, token).await
}

/// Sends `GET path` with a bearer token through `app`.
pub async fn fetch(app: &Router, path: &str, token: &str) -> Reply {
    get(path).bearer(token).send(app).await
}

/// An identity provider signing with `alg` (ES256 with the `es256-a` test key, EdDSA,
/// or the RSA test key) under `kid`.
pub fn provider(alg: Algorithm, kid: &str) -> JwtManager {
    let (private, public): (&[u8], &[u8]) = match alg {
        Algorithm::ES256 => (
            include_bytes!("../fixtures/keys/es256-a-private.pem"),
            include_bytes!("../fixtures/keys/es256-a-public.pem"),
        ),
        Algorithm::EdDSA => (
            include_bytes!("../fixtures/keys/ed25519-private.pem"),
            include_bytes!("../fixtures/keys/ed25519-public.pem"),
        ),
        _ => (
            include_bytes!("../fixtures/keys/rs256-private.pem"),
            include_bytes!("../fixtures/keys/rs256-public.pem"),
        ),
    };
    let key = jwt_extended::SigningKey::from_pem(alg, private, public).unwrap().with_kid(kid);
    JwtManager::builder().signing_key(key).build().unwrap()
}

/// The JWKS documents of `providers`, merged into one (as a provider mid-rotation serves).
pub fn jwks_of(providers: &[&JwtManager]) -> Value {
    let keys: Vec<Value> = providers
        .iter()
        .flat_map(|p| p.jwks().keys.iter().map(|k| serde_json::to_value(k).unwrap()))
        .collect();
    json!({ "keys": keys })
}
