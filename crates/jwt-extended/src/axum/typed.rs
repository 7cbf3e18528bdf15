//! [`TypedClaims`]: the verified token's claims as the application's own struct, for
//! handlers that would otherwise read them one `get` at a time.

use std::borrow::Cow;

use axum::extract::FromRequestParts;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::JwtRejection;
use super::extract::{Jwt, verify};
use super::policy::{Access, Policy};
use super::source::{FromLayer, ManagerSource};
use crate::error::JwtError;

/// The claims of a token verified under policy `P` (an access token by default; the
/// manager from source `M`, see [`crate::Jwt`]),
/// deserialised into `T`. A valid token whose claims do not fit `T` is refused like an
/// invalid one (`Invalid claims: ...`), so the handler never sees half a user.
///
/// ```
/// use jwt_extended::TypedClaims;
/// #[derive(serde::Deserialize)]
/// struct Claims { sub: String, role: String }
/// async fn me(TypedClaims(claims, _token): TypedClaims<Claims>) -> String {
///     format!("{} ({})", claims.sub, claims.role)
/// }
/// ```
/// The second field is the verified token itself, for its header, location or raw claims.
pub struct TypedClaims<T, P: Policy = Access, M = FromLayer>(pub T, pub Jwt<P, M>);

impl<S, T, P, M> FromRequestParts<S> for TypedClaims<T, P, M>
where
    S: Send + Sync,
    T: DeserializeOwned,
    P: Policy,
    M: ManagerSource<S>,
{
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some((jwt, manager)) = verify::<P, M, S>(parts, state, false).await? else {
            return Err(JwtRejection::preflight());
        };
        match jwt.claims().deserialize::<T>() {
            Ok(claims) => Ok(TypedClaims(claims, jwt)),
            Err(e) => Err(JwtRejection::new(
                JwtError::InvalidToken(Cow::Owned(format!("Invalid claims: {e}"))),
                Some(manager),
            )),
        }
    }
}
