//! The routes of `docs/conformance.md`, handler for handler like the differential test's
//! `fje_app.py`.
//!
//! Flask-JWT-Extended runs its user lookup on every protected request once a
//! `user_lookup_loader` is registered, so a valid token naming an unknown user fails with
//! `Error loading the user X` everywhere. Every guarded route here therefore extracts
//! `CurrentUser<User, P>` (or `Option<..>` on optional routes), never a bare `Jwt<P>`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, header::CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Json, Router, body::Bytes, handler::Handler};
use jwt_extended::{
    AnyType, CurrentUser, DecodedToken, Fresh, InMemoryRevocationStore, JwtManager, Refresh, RevocationStore, UserLoader, UserLookupError,
};
use serde_json::{Map, Value, json};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The profile's manager.
    pub jwt: JwtManager,
    /// The in-memory revocation list `/revoke` writes to.
    pub store: Arc<InMemoryRevocationStore>,
}

/// A known user (`test` or `admin`), as `USERS` in `fje_app.py`.
#[derive(Clone)]
pub struct User {
    username: String,
}

impl UserLoader<AppState> for User {
    async fn load(token: &DecodedToken, _state: &AppState) -> Result<Option<Self>, UserLookupError> {
        let known = token.claims.subject().filter(|s| matches!(*s, "test" | "admin"));
        Ok(known.map(|s| User { username: s.to_string() }))
    }
}

/// The conformance app for one profile.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/protected", guarded(get(foo::<jwt_extended::Access>), foo::<jwt_extended::Access>))
        .route("/fresh_protected", guarded(get(foo::<Fresh>), foo::<Fresh>))
        .route("/refresh_protected", guarded(get(foo::<Refresh>), foo::<Refresh>))
        .route("/optional_protected", guarded(get(optional_foo), optional_foo))
        .route("/no_typecheck_protected", guarded(get(foo::<AnyType>), foo::<AnyType>))
        .route(
            "/post_protected",
            guarded(post(foo::<jwt_extended::Access>), foo::<jwt_extended::Access>),
        )
        .route("/post_refresh_protected", guarded(post(foo::<Refresh>), foo::<Refresh>))
        .route("/optional_post_protected", guarded(post(optional_foo), optional_foo))
        .route("/claims", guarded(get(claims), claims))
        .route("/whoami", guarded(get(whoami), whoami))
        .route("/revoke", guarded(post(revoke), revoke))
        .layer(state.jwt.layer())
        .with_state(state)
}

/// Flask answers OPTIONS on every route (and FJE lets it through untouched): route it to
/// the handler too, whose extractor passes preflights.
fn guarded<H, T>(route: MethodRouter<AppState>, handler: H) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    route.options(handler)
}

/// Python's truthiness, for `bool(body.get("fresh", False))`.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// `request.get_json(silent=True) or {}`.
fn json_object(headers: &HeaderMap, body: &[u8]) -> Map<String, Value> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/json"));
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) if is_json => map,
        _ => Map::new(),
    }
}

async fn login(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let body = json_object(&headers, &body);
    let who = match body.get("username") {
        None => "test".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return (
                axum::http::StatusCode::BAD_REQUEST,
                Json(json!({"msg": "username must be a string"})),
            )
                .into_response();
        }
    };
    let fresh = truthy(body.get("fresh"));
    let tokens = state
        .jwt
        .access_token(&who)
        .fresh(fresh)
        .issue()
        .and_then(|a| state.jwt.refresh_token(&who).issue().map(|r| (a.token, r.token)));
    let Ok((access, refresh)) = tokens else {
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut out = HeaderMap::new();
    state.jwt.set_access_cookies(&mut out, &access);
    state.jwt.set_refresh_cookies(&mut out, &refresh);
    (out, Json(json!({"access_token": access, "refresh_token": refresh}))).into_response()
}

async fn logout(State(state): State<AppState>) -> Response {
    let mut out = HeaderMap::new();
    state.jwt.unset_jwt_cookies(&mut out);
    (out, Json(json!({"msg": "logged out"}))).into_response()
}

async fn foo<P: jwt_extended::Policy>(_user: CurrentUser<User, P>) -> Json<Value> {
    Json(json!({"foo": "bar"}))
}

async fn optional_foo(_user: Option<CurrentUser<User>>) -> Json<Value> {
    Json(json!({"foo": "bar"}))
}

async fn claims(user: Option<CurrentUser<User>>) -> Json<Value> {
    Json(match user {
        Some(CurrentUser { jwt, .. }) => json!({
            "jwt": jwt.claims().as_map(),
            "header": jwt.header(),
            "location": jwt.location().as_str(),
        }),
        None => json!({"jwt": {}, "header": {}, "location": null}),
    })
}

async fn whoami(user: CurrentUser<User>) -> Json<Value> {
    Json(json!({"username": user.user.username}))
}

async fn revoke(State(state): State<AppState>, user: CurrentUser<User, AnyType>) -> Response {
    let claims = user.jwt.claims();
    match claims.jti() {
        Some(jti) => match state.store.revoke_token(jti, claims.expires_at()).await {
            Ok(()) => Json(json!({"msg": "revoked"})).into_response(),
            Err(_) => axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response(),
        },
        None => (axum::http::StatusCode::BAD_REQUEST, Json(json!({"msg": "token has no jti"}))).into_response(),
    }
}
