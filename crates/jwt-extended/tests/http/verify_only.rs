//! Verify-only managers built from JWK / JWKS documents: what a resource server does with
//! an identity provider's published keys. The "provider" here is another manager with
//! the project's test keys, publishing its JWKS as auth-server does.

use jwt_extended::jwk::JwkSet;
use jwt_extended::{Algorithm, ConfigError, JwtManager, TokenError, VerificationKey};
use serde_json::{Value, json};

use crate::support::{get_protected, jwks_of, provider};

fn resource_server(jwks: &Value) -> JwtManager {
    let keys = VerificationKey::from_jwks_json(&jwks.to_string()).unwrap();
    JwtManager::builder().verification_keys(keys).build().unwrap()
}

#[tokio::test]
async fn a_verify_only_manager_accepts_the_providers_tokens_and_issues_none() {
    let idp = provider(Algorithm::ES256, "ec-1");
    let api = resource_server(&jwks_of(&[&idp]));
    get_protected(&api, &idp.create_access_token("alice").unwrap())
        .await
        .assert_ok_as("alice");
    assert_eq!(api.create_access_token("alice"), Err(TokenError::NoSigningKey));
    assert_eq!(api.refresh_token("alice").issue().err(), Some(TokenError::NoSigningKey));
}

#[tokio::test]
async fn keys_are_chosen_by_kid_in_a_jwks_that_mixes_key_types() {
    let (ec, rsa) = (provider(Algorithm::ES256, "ec-1"), provider(Algorithm::RS256, "rsa-1"));
    let api = resource_server(&jwks_of(&[&ec, &rsa]));
    for (idp, who) in [(&ec, "alice"), (&rsa, "bob")] {
        get_protected(&api, &idp.create_access_token(who).unwrap()).await.assert_ok_as(who);
    }
    // A kid the document does not hold matches no key at all.
    let stranger = provider(Algorithm::ES256, "ec-2");
    get_protected(&api, &stranger.create_access_token("mallory").unwrap())
        .await
        .assert_error(401, "Signature verification failed");
}

#[tokio::test]
async fn a_token_whose_alg_does_not_fit_the_named_key_is_refused() {
    // Signed ES256 by a key that calls itself by the RSA key's kid.
    let rsa = provider(Algorithm::RS256, "shared-kid");
    let impostor = provider(Algorithm::ES256, "shared-kid");
    let api = resource_server(&jwks_of(&[&rsa]));
    get_protected(&api, &impostor.create_access_token("mallory").unwrap())
        .await
        .assert_error(401, "The specified alg value is not allowed");
}

#[test]
fn a_jwk_whose_alg_does_not_fit_its_key_type_is_refused_at_load() {
    let mut jwk = serde_json::to_value(&provider(Algorithm::RS256, "rsa-1").jwks().keys[0]).unwrap();
    jwk["alg"] = json!("ES256");
    let error = VerificationKey::from_jwk(&serde_json::from_value(jwk).unwrap()).unwrap_err();
    assert!(matches!(error, ConfigError::KeyMismatch { alg: Algorithm::ES256, .. }), "{error}");
}

#[test]
fn secrets_encryption_keys_and_unknown_types_are_left_out_of_a_jwks() {
    let ec = provider(Algorithm::ES256, "ec-1");
    let mut document = jwks_of(&[&ec]);
    let keys = document["keys"].as_array_mut().unwrap();
    keys.push(json!({ "kty": "oct", "kid": "secret", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" }));
    keys.push(json!({ "kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB" }));
    keys.push(json!({ "kty": "PQC", "kid": "future" }));
    let set: JwkSet = serde_json::from_value(document).unwrap();
    let loaded = VerificationKey::from_jwks(&set).unwrap();
    let kids: Vec<_> = loaded.iter().map(|k| k.kid()).collect();
    assert_eq!(kids, [Some("ec-1")]);
    // Loading a secret on its own is refused with the reason, not skipped.
    let secret = serde_json::from_value(json!({ "kty": "oct", "k": "c2VjcmV0" })).unwrap();
    assert!(
        VerificationKey::from_jwk(&secret)
            .unwrap_err()
            .to_string()
            .contains("never loaded from a JWKS")
    );
}

#[tokio::test]
async fn a_jwks_file_loads_like_its_text() {
    let idp = provider(Algorithm::RS256, "rsa-1");
    let path = std::env::temp_dir().join(format!("jwt-extended-jwks-{}.json", std::process::id()));
    std::fs::write(&path, jwks_of(&[&idp]).to_string()).unwrap();
    let keys = VerificationKey::from_jwks_file(&path);
    std::fs::remove_file(&path).unwrap();
    let api = JwtManager::builder().verification_keys(keys.unwrap()).build().unwrap();
    get_protected(&api, &idp.create_access_token("alice").unwrap())
        .await
        .assert_ok_as("alice");
}

#[test]
fn a_manager_without_any_key_is_still_a_configuration_error() {
    assert_eq!(JwtManager::builder().build().err(), Some(ConfigError::MissingSigningKey));
}
