//! FJE's `decode_key_loader`: a callback picks each token's key from its unverified
//! header and claims (one key per tenant here). The right key verifies, any other is
//! refused, and the callback's own refusal is answered like FJE's `InvalidTokenError`.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use jwt_extended::{Algorithm, ConfigError, InvalidTokenStatus, JwtError, JwtManager, JwtManagerBuilder, VerificationKey};
use serde_json::{Map, Value};

use crate::support::{craft_raw, get_protected, now, provider};

const ACME: &str = "the-secret-of-tenant-acme-32-bytes!!";
const GLOBEX: &str = "the-secret-of-tenant-globex-32-bytes!";

/// The key of the tenant a token's (unverified) `tenant` claim names.
fn tenant_key(_header: &Map<String, Value>, claims: &Map<String, Value>) -> Result<VerificationKey, JwtError> {
    match claims.get("tenant").and_then(Value::as_str) {
        Some("acme") => Ok(VerificationKey::hmac(Algorithm::HS256, ACME)),
        Some("globex") => Ok(VerificationKey::hmac(Algorithm::HS256, GLOBEX)),
        Some("down") => Err(JwtError::Unavailable("the key store is down".into())),
        _ => Err(JwtError::InvalidToken(Cow::Borrowed("Unknown tenant"))),
    }
}

/// A resource server with no key of its own: every key comes from the loader.
fn loader_builder() -> JwtManagerBuilder {
    JwtManager::builder()
        .decode_algorithms([Algorithm::HS256])
        .decode_key_loader(tenant_key)
}

/// A token of `tenant`'s issuer, signed with `secret`.
fn token(secret: &str, tenant: &str) -> String {
    let issuer = JwtManager::builder().secret(secret).build().unwrap();
    issuer.access_token("alice").claim("tenant", tenant).issue().unwrap().token
}

#[tokio::test]
async fn the_loaders_key_verifies_and_no_other_does() {
    let jwt = loader_builder().build().unwrap();
    get_protected(&jwt, &token(ACME, "acme")).await.assert_ok_as("alice");
    get_protected(&jwt, &token(GLOBEX, "globex")).await.assert_ok_as("alice");
    // Signed by one tenant while claiming to be the other: the claimed tenant's key refuses it.
    get_protected(&jwt, &token(GLOBEX, "acme"))
        .await
        .assert_error(401, "Signature verification failed");
    assert!(matches!(jwt.decode_token(&token(ACME, "globex")), Err(JwtError::InvalidToken(_))));
    assert!(jwt.create_access_token("alice").is_err(), "no signing key, no tokens");
}

#[tokio::test]
async fn the_loaders_refusal_is_an_invalid_token_or_an_outage() {
    let jwt = loader_builder().build().unwrap();
    get_protected(&jwt, &token(ACME, "initech"))
        .await
        .assert_error(401, "Unknown tenant");
    get_protected(&jwt, &token(ACME, "down"))
        .await
        .assert_error(503, "Service unavailable");
    let flask = loader_builder()
        .invalid_token_status(InvalidTokenStatus::FlaskCompat)
        .build()
        .unwrap();
    get_protected(&flask, &token(ACME, "initech"))
        .await
        .assert_error(422, "Unknown tenant");
}

#[tokio::test]
async fn the_loader_sees_the_header_and_its_key_must_fit_the_algorithm() {
    let es256 = provider(Algorithm::ES256, "es-1");
    let public = es256.jwks().keys[0].clone();
    let jwt = JwtManager::builder()
        .decode_algorithms([Algorithm::ES256, Algorithm::HS256])
        .decode_key_loader(move |header, _claims| match header.get("kid").and_then(Value::as_str) {
            Some("es-1") => VerificationKey::from_jwk(&public).map_err(|_| JwtError::Internal("bad key")),
            _ => Err(JwtError::InvalidToken(Cow::Borrowed("Unknown key"))),
        })
        .build()
        .unwrap();
    get_protected(&jwt, &es256.create_access_token("erin").unwrap())
        .await
        .assert_ok_as("erin");
    // An HS256 token naming the EC key's kid: the public key never serves as an HMAC secret.
    let confused = JwtManager::builder()
        .signing_key(jwt_extended::SigningKey::hmac(Algorithm::HS256, ACME).with_kid("es-1"))
        .build()
        .unwrap();
    get_protected(&jwt, &confused.create_access_token("erin").unwrap())
        .await
        .assert_error(401, "Signature verification failed");
}

#[tokio::test]
async fn a_weak_secret_from_the_loader_is_a_wiring_error() {
    let jwt = JwtManager::builder()
        .decode_algorithms([Algorithm::HS256])
        .decode_key_loader(|_, _| Ok(VerificationKey::hmac(Algorithm::HS256, "short")))
        .build()
        .unwrap();
    // Signed with that short secret, so only the strength check can refuse it.
    let forged = craft_raw(
        br#"{"alg":"HS256"}"#,
        format!(r#"{{"sub":"alice","exp":{}}}"#, now() + 60).as_bytes(),
        Algorithm::HS256,
        b"short",
    );
    get_protected(&jwt, &forged).await.assert_error(
        500,
        "Internal server error: the decode_key_loader returned a key too weak for the token's algorithm",
    );
}

#[tokio::test]
async fn the_loader_is_asked_on_every_request() {
    // No verified-token cache with a loader: withdrawing a key takes effect at once.
    let trusted = Arc::new(AtomicBool::new(true));
    let flag = trusted.clone();
    let jwt = loader_builder()
        .decode_key_loader(move |header, claims| {
            if flag.load(Ordering::SeqCst) {
                tenant_key(header, claims)
            } else {
                Err(JwtError::InvalidToken(Cow::Borrowed("Tenant suspended")))
            }
        })
        .build()
        .unwrap();
    let acme = token(ACME, "acme");
    get_protected(&jwt, &acme).await.assert_ok_as("alice");
    trusted.store(false, Ordering::SeqCst);
    get_protected(&jwt, &acme).await.assert_error(401, "Tenant suspended");
}

#[tokio::test]
async fn its_own_tokens_are_verified_by_the_loader_too() {
    // FJE uses the loader for every token, the manager's own included.
    let jwt = JwtManager::builder().secret(ACME).decode_key_loader(tenant_key).build().unwrap();
    let own = jwt.access_token("alice").claim("tenant", "acme").issue().unwrap().token;
    get_protected(&jwt, &own).await.assert_ok_as("alice");
    let untagged = jwt.create_access_token("alice").unwrap();
    get_protected(&jwt, &untagged).await.assert_error(401, "Unknown tenant");
}

#[test]
fn a_loader_without_keys_needs_its_algorithms() {
    let built = JwtManager::builder().decode_key_loader(tenant_key).build();
    assert_eq!(built.err(), Some(ConfigError::KeyLoaderWithoutAlgorithms));
}
