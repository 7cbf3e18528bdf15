//! Defence in depth for tokens that carry a valid signature of the server's own key: the
//! server only ever issues tokens with `exp`, `iat` and `jti`, of type `access` or
//! `refresh`, living at most the configured lifetime. A signed token that breaks any of
//! these was not made by this server's code (a leaked key, a tool, a bug elsewhere), so it
//! is refused even though its signature verifies.

use std::time::Duration;

use jwt_extended::DecodedToken;

/// The lifetimes tokens are issued with; longer-lived tokens are refused.
#[derive(Debug, Clone, Copy)]
pub struct TokenRules {
    access: i64,
    refresh: i64,
}

impl TokenRules {
    /// The rules for the configured lifetimes.
    pub fn new(access: Duration, refresh: Duration) -> Self {
        let secs = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        TokenRules {
            access: secs(access),
            refresh: secs(refresh),
        }
    }

    /// Whether `token` has every claim the server issues, a known type and a lifetime
    /// within the configured one.
    pub fn admits(&self, token: &DecodedToken) -> bool {
        let claims = &token.claims;
        let (Some(issued_at), Some(expires_at), Some(_)) = (claims.issued_at(), claims.expires_at(), claims.jti()) else {
            return false;
        };
        let longest = match claims.str_claim("type") {
            Some("access") => self.access,
            Some("refresh") => self.refresh,
            _ => return false,
        };
        expires_at.saturating_sub(issued_at) <= longest
    }
}

#[cfg(test)]
mod tests {
    use jwt_extended::JwtManager;
    use serde_json::json;

    use super::*;

    #[test]
    fn only_tokens_shaped_like_the_servers_own_pass() {
        let manager = JwtManager::builder()
            .secret("a-secret-of-at-least-thirty-two-bytes!")
            .build()
            .unwrap();
        let rules = TokenRules::new(Duration::from_secs(900), Duration::from_secs(30 * 86_400));
        // Refused by the rules, or already by decoding: either way the token never passes.
        let admitted = |token: String| manager.decode_token(&token).is_ok_and(|t| rules.admits(&t));
        let access = |edit: &dyn Fn(jwt_extended::TokenBuilder<'_>) -> jwt_extended::TokenBuilder<'_>| {
            admitted(edit(manager.access_token(&"1")).issue().unwrap().token)
        };
        assert!(access(&|b| b));
        assert!(admitted(manager.refresh_token(&"1").issue().unwrap().token));
        assert!(!access(&|b| b.expires_in(Duration::from_secs(901))), "longer than configured");
        assert!(!access(&|b| b.claim("type", "admin")), "unknown type");
        assert!(!access(&|b| b.claim("jti", json!(null))), "no jti");
        assert!(!access(&|b| b.claim("iat", json!(null))), "no iat");
        assert!(!access(&|b| b.lifetime(jwt_extended::Lifetime::Unlimited)), "no exp");
    }
}
