//! Where an extractor finds the [`JwtManager`]: in the request, put there by
//! [`JwtManager::layer`] (FJE's `JWTManager(app)`, any router state), or in the router
//! state through axum's [`FromRef`], which the compiler checks.
//!
//! Both exist because neither serves everyone. A bound on the state
//! (`JwtManager: FromRef<S>`) turns a forgotten manager into a compile error, but no
//! crate can write that impl for a state type it does not own (`Router<PgPool>`,
//! `Router<Arc<AppState>>`), and the layer is needed anyway when tokens or CSRF values
//! may be in request bodies. So the layer stays the default and the state is chosen per
//! extractor with a type parameter, as axum-extra's `SignedCookieJar<K>` chooses its key.

use axum::extract::FromRef;
use http::request::Parts;

use crate::error::JwtError;
use crate::manager::JwtManager;

/// How an extractor obtains the manager for a router whose state is `S`: the second type
/// parameter of [`crate::Jwt`], [`crate::CurrentUser`] and [`crate::TypedClaims`].
///
/// [`FromLayer`] (the default) and [`FromState`] cover most applications. Implement it
/// when the manager sits in a state the orphan rules keep you from writing `FromRef`
/// for, such as `Arc<AppState>`:
///
/// ```
/// use std::sync::Arc;
/// use http::request::Parts;
/// use jwt_extended::{Access, Jwt, JwtError, JwtManager, ManagerSource};
///
/// struct AppState { jwt: JwtManager }
///
/// /// The manager of an `Arc<AppState>` router state.
/// struct InAppState;
/// impl ManagerSource<Arc<AppState>> for InAppState {
///     fn manager(_parts: &Parts, state: &Arc<AppState>) -> Result<JwtManager, JwtError> {
///         Ok(state.jwt.clone())
///     }
/// }
///
/// async fn me(token: Jwt<Access, InAppState>) -> String {
///     token.identity_str().unwrap_or_default().to_string()
/// }
/// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let app: axum::Router = axum::Router::new()
///     .route("/me", axum::routing::get(me))
///     .with_state(Arc::new(AppState { jwt }));
/// ```
pub trait ManagerSource<S>: 'static {
    /// The manager for this request. An `Err` (a wiring mistake, so normally
    /// [`JwtError::Internal`] naming what is missing) answers the request with it.
    fn manager(parts: &Parts, state: &S) -> Result<JwtManager, JwtError>;
}

/// The manager [`JwtManager::layer`] placed in the request: the default source, usable
/// with any router state. Forgetting the layer cannot be seen by the compiler; the first
/// request then answers 500 `Internal server error: JwtManager::layer() is not installed
/// on this router`, and the log says the same.
#[derive(Debug, Clone, Copy)]
pub struct FromLayer;

impl<S> ManagerSource<S> for FromLayer {
    fn manager(parts: &Parts, _state: &S) -> Result<JwtManager, JwtError> {
        parts
            .extensions
            .get::<JwtManager>()
            .cloned()
            .ok_or(JwtError::Internal(MISSING_LAYER))
    }
}

/// The manager in the router state, found through axum's [`FromRef`]: the state is the
/// manager itself (`.with_state(jwt)`), or a struct holding one with
/// `#[derive(FromRef)]` or `impl FromRef<AppState> for JwtManager`. A route whose state
/// has no manager does not compile.
///
/// The layer is then needed only when tokens may be in JSON bodies or CSRF values in form
/// fields (it reads the body before routing); without it such a request answers 500
/// naming `JwtManager::layer()`.
///
/// ```
/// use axum::{Router, extract::FromRef, routing::get};
/// use jwt_extended::{Access, FromState, Jwt, JwtManager};
///
/// #[derive(Clone)]
/// struct AppState { jwt: JwtManager, greeting: &'static str }
/// // What `#[derive(FromRef)]` (axum's `macros` feature) writes for each field.
/// impl FromRef<AppState> for JwtManager {
///     fn from_ref(state: &AppState) -> Self { state.jwt.clone() }
/// }
///
/// // One alias per application keeps the handlers short.
/// type Auth<P = Access> = Jwt<P, FromState>;
///
/// async fn me(token: Auth) -> String {
///     token.identity_str().unwrap_or_default().to_string()
/// }
/// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").build().unwrap();
/// let app: Router = Router::new()
///     .route("/me", get(me))
///     .with_state(AppState { jwt, greeting: "hello" });
/// ```
///
/// A router whose state holds no manager is refused by the compiler, where
/// [`FromLayer`] would have waited for the first request to answer 500:
///
/// ```compile_fail
/// use axum::{Router, routing::get};
/// use jwt_extended::{Access, FromState, Jwt};
/// async fn me(_token: Jwt<Access, FromState>) {}
/// // The state `()` has no JwtManager: `get(me)` is not a handler for this router.
/// let app: Router = Router::new().route("/me", get(me));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FromState;

impl<S> ManagerSource<S> for FromState
where
    JwtManager: FromRef<S>,
{
    fn manager(_parts: &Parts, state: &S) -> Result<JwtManager, JwtError> {
        Ok(JwtManager::from_ref(state))
    }
}

/// What [`FromLayer`] answers (and logs) when the layer is missing.
const MISSING_LAYER: &str = "JwtManager::layer() is not installed on this router";
