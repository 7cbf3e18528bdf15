//! Refresh-token rotation with reuse detection, built on a [`RevocationStore`]: each
//! refresh token is spent once; a spent one presented again revokes its whole session.

use serde_json::{Map, Value};

use super::{Consumption, RevocationError, RevocationStore};
use crate::claims::{DecodedToken, TokenType};
use crate::error::{JwtError, TokenError};
use crate::manager::{JwtManager, TokenPair};

impl JwtManager {
    /// Refresh-token rotation with reuse detection. Marks `refresh` as consumed in `store`;
    /// on its first use returns a new pair in the same session (access not fresh, the
    /// refresh token's extra claims carried over). Presenting a consumed token again
    /// revokes its whole session and answers [`JwtError::Revoked`].
    ///
    /// ```
    /// use jwt_extended::{InMemoryRevocationStore, JwtManager, JwtError};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let store = std::sync::Arc::new(InMemoryRevocationStore::new());
    /// let jwt = JwtManager::builder().secret("a-secret-of-at-least-thirty-two-bytes!").revocation(store.clone()).build().unwrap();
    /// let first = jwt.refresh_token("alice").session("s1").issue().unwrap();
    /// let presented = jwt.decode_token(&first.token).unwrap();
    /// let pair = jwt.rotate_refresh_token(store.as_ref(), &presented).await.unwrap();
    /// assert_eq!(pair.refresh.session_id.as_deref(), Some("s1"));
    /// // A replay of the consumed token revokes the session.
    /// assert!(matches!(jwt.rotate_refresh_token(store.as_ref(), &presented).await, Err(JwtError::Revoked(_))));
    /// # });
    /// ```
    pub async fn rotate_refresh_token<S: RevocationStore + ?Sized>(
        &self,
        store: &S,
        refresh: &DecodedToken,
    ) -> Result<TokenPair, JwtError> {
        self.consume_refresh_token(store, refresh).await?;
        let claims = &refresh.claims;
        let reserved = [
            "fresh",
            "iat",
            "jti",
            "type",
            "nbf",
            "csrf",
            "aud",
            "iss",
            "exp",
            self.config().identity_claim.as_str(),
        ];
        let extra: Map<String, Value> = claims
            .as_map()
            .iter()
            .filter(|(k, _)| !reserved.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let fail = |e: TokenError| JwtError::Internal(token_error_text(&e));
        let access = self.access_token(claims.identity()).claims(&extra).issue().map_err(fail)?;
        let refresh = self.refresh_token(claims.identity()).claims(&extra).issue().map_err(fail)?;
        Ok(TokenPair { access, refresh })
    }

    /// The consuming half of [`Self::rotate_refresh_token`], for servers that build the
    /// next pair themselves: `Ok(())` on first use; on reuse the session is revoked.
    pub async fn consume_refresh_token<S: RevocationStore + ?Sized>(&self, store: &S, refresh: &DecodedToken) -> Result<(), JwtError> {
        let claims = &refresh.claims;
        // An access token must never be exchanged for a (long-lived) refresh token.
        if claims.token_type() != TokenType::Refresh {
            return Err(JwtError::WrongType {
                expected_refresh: true,
                token: Box::new(refresh.clone()),
            });
        }
        let jti = claims.jti().ok_or(JwtError::invalid("Missing claim: jti"))?;
        let unavailable = |e: RevocationError| JwtError::Unavailable(e.0);
        match store.consume_refresh_token(jti, claims.expires_at()).await.map_err(unavailable)? {
            Consumption::First => Ok(()),
            Consumption::Reused => {
                match claims.session_id() {
                    Some(sid) => store.revoke_session(sid, claims.expires_at()).await.map_err(unavailable)?,
                    None => store.revoke_token(jti, claims.expires_at()).await.map_err(unavailable)?,
                }
                Err(JwtError::Revoked(Box::new(refresh.clone())))
            }
        }
    }
}

fn token_error_text(e: &TokenError) -> &'static str {
    match e {
        TokenError::IdentityNotString => "rotated token identity is not a string",
        _ => "could not sign the rotated tokens",
    }
}
