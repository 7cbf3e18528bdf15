//! [`TypedClaims`]: the verified token's claims as the application's own struct, for
//! handlers that would otherwise read them one `get` at a time.

use std::borrow::Cow;

use axum::extract::FromRequestParts;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::extract::{Access, Policy, verify};
use super::{Jwt, JwtRejection};
use crate::error::JwtError;

/// The claims of a token verified under policy `P` (an access token by default),
/// deserialised into `T`. A valid token whose claims do not fit `T` is refused like an
/// invalid one (`Invalid claims: ...`), so the handler never sees half a user.
///
/// ```
/// use jwt_extended::axum::TypedClaims;
/// #[derive(serde::Deserialize)]
/// struct Claims { sub: String, role: String }
/// async fn me(TypedClaims(claims, _token): TypedClaims<Claims>) -> String {
///     format!("{} ({})", claims.sub, claims.role)
/// }
/// ```
/// The second field is the verified token itself, for its header, location or raw claims.
pub struct TypedClaims<T, P: Policy = Access>(pub T, pub Jwt<P>);

impl<S: Send + Sync, T: DeserializeOwned, P: Policy> FromRequestParts<S> for TypedClaims<T, P> {
    type Rejection = JwtRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some((jwt, manager)) = verify::<P>(parts, false).await? else {
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
