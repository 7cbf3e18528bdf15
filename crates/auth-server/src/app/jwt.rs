//! The library's token manager, configured from the settings: the token locations, the
//! cookies' names and scope, the server's own token rules, revocation, and the error
//! bodies every route answers with.

use jwt_extended::{InvalidTokenStatus, JwtManager};

use crate::domain::sessions::token_rules::TokenRules;
use crate::http::token_errors::with_error_bodies;
use crate::infra::revocation::DynRevocations;
use crate::settings::Settings;

/// The library manager configured from the settings: headers and cookies (with CSRF) as
/// token locations (the refresh routes add the JSON body themselves: `http::body_token`,
/// so no other route's body is read for a token), the revocation state on every route,
/// and error bodies with `msg` and an `error` code.
pub fn build_jwt_manager(settings: &Settings, revocations: DynRevocations) -> anyhow::Result<JwtManager> {
    let (signing, verification) = crate::infra::signing::load_keys(settings)?;
    let rules = TokenRules::new(settings.access_ttl, settings.refresh_ttl);
    let mut builder = JwtManager::builder()
        .signing_key(signing)
        .access_expires(settings.access_ttl)
        .refresh_expires(settings.refresh_ttl)
        .token_location_names(["headers", "cookies"])
        .cookie_secure(settings.cookie_secure)
        .cookie_same_site(Some(jwt_extended::SameSite::Strict))
        .invalid_token_status(InvalidTokenStatus::Unauthorized)
        .cookies(|cookies| scope_cookies(cookies, settings.cookie_secure))
        .token_verifier(move |token| rules.admits(token))
        .revocation(revocations);
    for key in verification {
        builder = builder.verification_key(key);
    }
    if let Some(issuer) = &settings.issuer {
        builder = builder.encode_issuer(issuer.clone()).decode_issuer(issuer.clone());
    }
    if let Some(audience) = &settings.audience {
        builder = builder.encode_audience([audience.clone()]).decode_audience([audience.clone()]);
    }
    Ok(with_error_bodies(builder).build()?)
}

/// The refresh cookie goes only to the auth routes (refresh and logout use it), so no other
/// request carries it. With `Secure` cookies, the `__Host-` prefix pins a cookie to this
/// host and path `/` (a sibling subdomain cannot plant one); the refresh cookie's path
/// rules that prefix out, so it gets `__Secure-`.
fn scope_cookies(cookies: &mut jwt_extended::CookieConfig, secure: bool) {
    cookies.refresh_cookie_path = REFRESH_COOKIE_PATH.into();
    if secure {
        cookies.access_cookie_name = format!("__Host-{}", cookies.access_cookie_name);
        cookies.refresh_cookie_name = format!("__Secure-{}", cookies.refresh_cookie_name);
        cookies.access_csrf_cookie_name = format!("__Host-{}", cookies.access_csrf_cookie_name);
        cookies.refresh_csrf_cookie_name = format!("__Host-{}", cookies.refresh_csrf_cookie_name);
    }
}

/// Where the refresh cookie is sent.
pub const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";
