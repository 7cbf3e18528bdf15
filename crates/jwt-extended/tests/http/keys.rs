//! Asymmetric keys and key rotation: RS256 (the pair the `conformance` example also
//! uses), ES256, EdDSA and PS256 with the project's own test keys in `tests/fixtures/keys/`
//! (generated once with openssl; see the README there), algorithm
//! confusion and `alg: none`, `kid` selection, verification-only keys and the JWKS.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jwt_extended::{Algorithm, JwtManager, SigningKey, VerificationKey};
use serde_json::{Value, json};

use crate::support::{SECRET, claims_for, craft_raw, get_protected};

const ES256_PRIVATE: &[u8] = include_bytes!("../fixtures/keys/es256-a-private.pem");
const ES256_PUBLIC: &[u8] = include_bytes!("../fixtures/keys/es256-a-public.pem");
const ED_PRIVATE: &[u8] = include_bytes!("../fixtures/keys/ed25519-private.pem");
const ED_PUBLIC: &[u8] = include_bytes!("../fixtures/keys/ed25519-public.pem");
const RSA_PRIVATE: &[u8] = include_bytes!("../fixtures/keys/rs256-private.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../fixtures/keys/rs256-public.pem");
const OLD_SECRET: &str = "the-previous-secret-also-32-bytes-long";

fn asymmetric(alg: Algorithm, private: &[u8], public: &[u8]) -> JwtManager {
    JwtManager::builder()
        .signing_key(SigningKey::from_pem(alg, private, public).unwrap())
        .build()
        .unwrap()
}

fn rsa(alg: Algorithm) -> JwtManager {
    asymmetric(alg, RSA_PRIVATE, RSA_PUBLIC)
}

/// An HS256 token for `sub` with this JOSE header, signed with `key` as the HMAC secret.
fn hs256_token(header: &str, sub: &str, key: impl AsRef<[u8]>) -> String {
    craft_raw(
        header.as_bytes(),
        claims_for(sub).to_string().as_bytes(),
        Algorithm::HS256,
        key.as_ref(),
    )
}

fn header_of(token: &str) -> Value {
    let segment = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

#[tokio::test]
async fn rs256_es256_eddsa_and_ps256_round_trip() {
    let managers = [
        (rsa(Algorithm::RS256), "RS256"),
        (asymmetric(Algorithm::ES256, ES256_PRIVATE, ES256_PUBLIC), "ES256"),
        (asymmetric(Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC), "EdDSA"),
        (rsa(Algorithm::PS256), "PS256"),
        (rsa(Algorithm::RS512), "RS512"),
    ];
    for (jwt, alg) in managers {
        let token = jwt.create_access_token("alice").unwrap();
        assert_eq!(header_of(&token)["alg"], alg);
        get_protected(&jwt, &token).await.assert_ok_as("alice");
    }
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_refused() {
    let jwt = rsa(Algorithm::RS256);
    let forged = hs256_token(r#"{"alg":"HS256","typ":"JWT"}"#, "admin", RSA_PUBLIC);
    get_protected(&jwt, &forged)
        .await
        .assert_error(401, "The specified alg value is not allowed");
}

#[tokio::test]
async fn hs256_with_the_public_key_is_refused_even_when_hmac_is_allowed() {
    // An RSA signer that also accepts an HMAC secret: the RSA public key still never
    // serves as an HMAC key, so the forgery fails the signature check.
    let jwt = JwtManager::builder()
        .signing_key(SigningKey::from_pem(Algorithm::RS256, RSA_PRIVATE, RSA_PUBLIC).unwrap())
        .verification_key(VerificationKey::hmac(Algorithm::HS256, SECRET))
        .build()
        .unwrap();
    let forged = hs256_token(r#"{"alg":"HS256","typ":"JWT"}"#, "admin", RSA_PUBLIC);
    get_protected(&jwt, &forged)
        .await
        .assert_error(401, "Signature verification failed");
    let genuine = hs256_token(r#"{"alg":"HS256"}"#, "alice", SECRET);
    get_protected(&jwt, &genuine).await.assert_ok_as("alice");
}

#[tokio::test]
async fn alg_none_is_refused_in_any_spelling() {
    let payload = URL_SAFE_NO_PAD.encode(claims_for("admin").to_string());
    for jwt in [crate::support::manager(), rsa(Algorithm::RS256)] {
        for alg in ["none", "None", "NONE", "nOnE"] {
            let header = URL_SAFE_NO_PAD.encode(json!({ "alg": alg, "typ": "JWT" }).to_string());
            let token = format!("{header}.{payload}.");
            get_protected(&jwt, &token)
                .await
                .assert_error(401, "The specified alg value is not allowed");
        }
    }
}

#[tokio::test]
async fn another_family_is_not_allowed() {
    let es = asymmetric(Algorithm::ES256, ES256_PRIVATE, ES256_PUBLIC);
    let rs_token = rsa(Algorithm::RS256).create_access_token("alice").unwrap();
    get_protected(&es, &rs_token)
        .await
        .assert_error(401, "The specified alg value is not allowed");
    let hs_token = crate::support::manager().create_access_token("alice").unwrap();
    get_protected(&es, &hs_token)
        .await
        .assert_error(401, "The specified alg value is not allowed");
}

fn rotated() -> (JwtManager, JwtManager) {
    let old = JwtManager::builder()
        .signing_key(SigningKey::hmac(Algorithm::HS256, OLD_SECRET).with_kid("k1"))
        .build()
        .unwrap();
    let new = JwtManager::builder()
        .signing_key(SigningKey::hmac(Algorithm::HS256, SECRET).with_kid("k2"))
        .verification_key(VerificationKey::hmac(Algorithm::HS256, OLD_SECRET).with_kid("k1"))
        .build()
        .unwrap();
    (old, new)
}

#[tokio::test]
async fn key_rotation_by_kid_keeps_old_tokens_valid() {
    let (old, new) = rotated();
    let old_token = old.create_access_token("alice").unwrap();
    let new_token = new.create_access_token("bob").unwrap();
    assert_eq!(
        (header_of(&old_token)["kid"].clone(), header_of(&new_token)["kid"].clone()),
        (json!("k1"), json!("k2"))
    );
    get_protected(&new, &old_token).await.assert_ok_as("alice");
    get_protected(&new, &new_token).await.assert_ok_as("bob");
    // The old deployment does not know k2.
    get_protected(&old, &new_token)
        .await
        .assert_error(401, "Signature verification failed");
}

#[tokio::test]
async fn kid_selects_the_key_and_unknown_kids_are_refused() {
    let (_, new) = rotated();
    let wrong_key = hs256_token(r#"{"alg":"HS256","kid":"k1"}"#, "alice", SECRET);
    get_protected(&new, &wrong_key)
        .await
        .assert_error(401, "Signature verification failed");
    let unknown = hs256_token(r#"{"alg":"HS256","kid":"k9"}"#, "alice", SECRET);
    get_protected(&new, &unknown)
        .await
        .assert_error(401, "Signature verification failed");
    let no_kid = hs256_token(r#"{"alg":"HS256"}"#, "alice", SECRET);
    get_protected(&new, &no_kid)
        .await
        .assert_error(401, "Signature verification failed");
    let bad_kid = hs256_token(r#"{"alg":"HS256","kid":7}"#, "alice", SECRET);
    get_protected(&new, &bad_kid)
        .await
        .assert_error(401, "Key ID header parameter must be a string");
}

#[tokio::test]
async fn legacy_tokens_without_kid_verify_against_keys_without_kid() {
    let jwt = JwtManager::builder()
        .signing_key(SigningKey::hmac(Algorithm::HS256, SECRET).with_kid("k2"))
        .verification_key(VerificationKey::hmac(Algorithm::HS256, OLD_SECRET))
        .build()
        .unwrap();
    let legacy = hs256_token(r#"{"alg":"HS256"}"#, "alice", OLD_SECRET);
    get_protected(&jwt, &legacy).await.assert_ok_as("alice");
}

#[tokio::test]
async fn jwks_publishes_public_keys_only() {
    assert_eq!(
        serde_json::to_value(crate::support::manager().jwks()).unwrap(),
        json!({ "keys": [] })
    );
    let jwt = JwtManager::builder()
        .signing_key(
            SigningKey::from_pem(Algorithm::ES256, ES256_PRIVATE, ES256_PUBLIC)
                .unwrap()
                .with_kid("ec-1"),
        )
        .verification_key(VerificationKey::from_pem(Algorithm::RS256, RSA_PUBLIC).unwrap().with_kid("rsa-0"))
        .verification_key(VerificationKey::hmac(Algorithm::HS256, SECRET).with_kid("hmac"))
        .build()
        .unwrap();
    let jwks = serde_json::to_value(jwt.jwks()).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    let summary: Vec<(Value, Value, Value)> = keys
        .iter()
        .map(|k| (k["kid"].clone(), k["kty"].clone(), k["use"].clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (json!("ec-1"), json!("EC"), json!("sig")),
            (json!("rsa-0"), json!("RSA"), json!("sig"))
        ]
    );
    assert_eq!(keys[0]["crv"], "P-256");
    assert!(
        keys.iter().all(|k| k.get("d").is_none() && k.get("k").is_none()),
        "no private material: {jwks}"
    );
}

#[tokio::test]
async fn a_verification_only_public_key_accepts_another_issuers_tokens() {
    let issuer = asymmetric(Algorithm::EdDSA, ED_PRIVATE, ED_PUBLIC);
    let verifier = crate::support::builder()
        .verification_key(VerificationKey::from_pem(Algorithm::EdDSA, ED_PUBLIC).unwrap())
        .build()
        .unwrap();
    let token = issuer.create_access_token("alice").unwrap();
    get_protected(&verifier, &token).await.assert_ok_as("alice");
    // The verifier still signs its own tokens with its HMAC secret.
    assert_eq!(header_of(&verifier.create_access_token("bob").unwrap())["alg"], "HS256");
}

#[tokio::test]
async fn hs384_and_hs512_need_longer_secrets() {
    let long = "x".repeat(64);
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let jwt = JwtManager::builder().secret(&long).algorithm(alg).build().unwrap();
        let token = jwt.create_access_token("alice").unwrap();
        assert_eq!(header_of(&token)["alg"], format!("{alg:?}"));
        get_protected(&jwt, &token).await.assert_ok_as("alice");
    }
}
