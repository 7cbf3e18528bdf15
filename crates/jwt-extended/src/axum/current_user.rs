//! `CurrentUser<U>`: the verified token plus the user it names, loaded by the
//! application (FJE `user_lookup_loader` + `current_user`), asynchronously and with
//! access to the router state (a database pool, say).

use std::future::Future;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use super::JwtRejection;
use super::extract::{Jwt, verify};
use super::policy::{Access, Policy};
use super::source::{FromLayer, ManagerSource};
use crate::claims::DecodedToken;
use crate::error::JwtError;

/// The user store could not answer; the request fails with 503.
#[derive(Debug, Clone, thiserror::Error)]
#[error("user lookup failed: {0}")]
pub struct UserLookupError(pub String);

/// Loads the user a verified token names. Implemented by the application's user type.
///
/// ```
/// use jwt_extended::{CurrentUser, DecodedToken, UserLoader, UserLookupError};
/// #[derive(Clone)]
/// struct User { name: String }
/// #[derive(Clone)]
/// struct AppState;
///
/// impl UserLoader<AppState> for User {
///     async fn load(token: &DecodedToken, _state: &AppState) -> Result<Option<Self>, UserLookupError> {
///         Ok(token.claims.subject().filter(|s| *s == "alice").map(|s| User { name: s.to_string() }))
///     }
/// }
///
/// async fn whoami(user: CurrentUser<User>) -> String {
///     user.user.name
/// }
/// ```
pub trait UserLoader<S>: Sized + Send {
    /// `Ok(None)` when nobody matches: answered 401 `Error loading the user <identity>`.
    fn load(token: &DecodedToken, state: &S) -> impl Future<Output = Result<Option<Self>, UserLookupError>> + Send;
}

/// A verified token (policy `P`, access by default; manager from source `M`, see
/// [`crate::Jwt`]) and its loaded user.
#[derive(Debug, Clone)]
pub struct CurrentUser<U, P: Policy = Access, M = FromLayer> {
    /// The user.
    pub user: U,
    /// The token it was loaded from.
    pub jwt: Jwt<P, M>,
}

async fn load<U, S, P, M>(jwt: Jwt<P, M>, manager: crate::JwtManager, state: &S) -> Result<CurrentUser<U, P, M>, JwtRejection>
where
    U: UserLoader<S>,
    S: Send + Sync,
    P: Policy,
{
    match U::load(jwt.token(), state).await {
        Ok(Some(user)) => Ok(CurrentUser { user, jwt }),
        Ok(None) => Err(JwtRejection::new(JwtError::UserNotFound(Box::new(jwt.into_token())), Some(manager))),
        Err(e) => Err(JwtRejection::new(JwtError::Unavailable(e.0), Some(manager))),
    }
}

impl<U, S, P, M> FromRequestParts<S> for CurrentUser<U, P, M>
where
    U: UserLoader<S>,
    S: Send + Sync,
    P: Policy,
    M: ManagerSource<S>,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match verify::<P, M, S>(parts, state, false).await? {
            Some((jwt, manager)) => load(jwt, manager, state).await,
            None => Err(JwtRejection::preflight()),
        }
    }
}

impl<U, S, P, M> OptionalFromRequestParts<S> for CurrentUser<U, P, M>
where
    U: UserLoader<S>,
    S: Send + Sync,
    P: Policy,
    M: ManagerSource<S>,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        match verify::<P, M, S>(parts, state, true).await? {
            Some((jwt, manager)) => load(jwt, manager, state).await.map(Some),
            None => Ok(None),
        }
    }
}
