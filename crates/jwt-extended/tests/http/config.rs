//! Every `ConfigError` the builder returns: mistakes stop the program at start-up instead
//! of failing requests.

use std::time::Duration;

use jwt_extended::{Algorithm, ConfigError, JwtManager, JwtManagerBuilder, SigningKey, VerificationKey};

use crate::support::{SECRET, builder};

const EC_A_PRIVATE: &[u8] = include_bytes!("../fixtures/keys/es256-a-private.pem");
const EC_B_PUBLIC: &[u8] = include_bytes!("../fixtures/keys/es256-b-public.pem");
const ED_PRIVATE: &[u8] = include_bytes!("../fixtures/keys/ed25519-private.pem");
const ED_PUBLIC: &[u8] = include_bytes!("../fixtures/keys/ed25519-public.pem");

#[track_caller]
fn error_of(builder: JwtManagerBuilder) -> ConfigError {
    builder.build().expect_err("the configuration must be refused")
}

#[test]
fn short_hmac_secret() {
    let err = error_of(JwtManager::builder().secret("x".repeat(31)));
    assert_eq!(
        err,
        ConfigError::SecretTooShort {
            alg: Algorithm::HS256,
            len: 31,
            min: 32
        }
    );
    assert!(JwtManager::builder().secret("x".repeat(32)).build().is_ok());
    let err = error_of(JwtManager::builder().secret("x".repeat(63)).algorithm(Algorithm::HS512));
    assert_eq!(
        err,
        ConfigError::SecretTooShort {
            alg: Algorithm::HS512,
            len: 63,
            min: 64
        }
    );
}

#[test]
fn asymmetric_algorithm_without_a_key() {
    assert_eq!(
        error_of(JwtManager::builder().secret(SECRET).algorithm(Algorithm::RS256)),
        ConfigError::MissingSigningKey
    );
    assert_eq!(error_of(JwtManager::builder()), ConfigError::MissingSigningKey);
}

#[test]
fn empty_or_invalid_names() {
    assert_eq!(error_of(builder().header_name("")), ConfigError::EmptyName("header name"));
    assert_eq!(
        error_of(builder().header_name("bad header")),
        ConfigError::InvalidName("header name")
    );
    assert_eq!(
        error_of(builder().header_type("Two Words")),
        ConfigError::InvalidName("header type")
    );
    assert_eq!(
        error_of(builder().query_string_name("")),
        ConfigError::EmptyName("query string name")
    );
    assert_eq!(error_of(builder().json_key("")), ConfigError::EmptyName("JSON key"));
    assert_eq!(
        error_of(builder().error_message_key("")),
        ConfigError::EmptyName("error message key")
    );
    assert_eq!(
        error_of(builder().cookies(|c| c.access_cookie_name = "a;b".into())),
        ConfigError::InvalidName("access cookie name")
    );
    assert_eq!(
        error_of(builder().cookies(|c| c.refresh_csrf_header_name = String::new())),
        ConfigError::EmptyName("refresh CSRF header name")
    );
}

#[test]
fn no_location_or_an_unknown_location_name() {
    assert_eq!(error_of(builder().token_locations([])), ConfigError::NoTokenLocation);
    assert_eq!(
        error_of(builder().token_location_names(["headers", "body"])),
        ConfigError::UnknownLocation("body".into())
    );
    assert_eq!(
        error_of(builder().token_location_names(["Headers"])),
        ConfigError::UnknownLocation("Headers".into())
    );
}

#[test]
fn zero_lifetimes_must_be_explicitly_unlimited() {
    assert_eq!(
        error_of(builder().access_expires(Duration::ZERO)),
        ConfigError::ZeroLifetime("access")
    );
    assert_eq!(
        error_of(builder().refresh_expires(Duration::ZERO)),
        ConfigError::ZeroLifetime("refresh")
    );
}

#[test]
fn mismatched_key_pair() {
    let key = SigningKey::from_pem(Algorithm::ES256, EC_A_PRIVATE, EC_B_PUBLIC).unwrap();
    assert!(matches!(
        error_of(JwtManager::builder().signing_key(key)),
        ConfigError::KeyMismatch { alg: Algorithm::ES256, .. }
    ));
}

#[test]
fn key_for_the_wrong_algorithm() {
    let err = SigningKey::from_pem(Algorithm::HS256, ED_PRIVATE, ED_PUBLIC).unwrap_err();
    assert!(matches!(err, ConfigError::KeyMismatch { alg: Algorithm::HS256, .. }));
    assert!(matches!(
        SigningKey::from_pem(Algorithm::ES256, ED_PRIVATE, ED_PUBLIC),
        Err(ConfigError::InvalidKey(_))
    ));
    assert!(matches!(
        VerificationKey::from_pem(Algorithm::RS256, b"not a pem"),
        Err(ConfigError::InvalidKey(_))
    ));
    let secret_as_ec = builder().verification_key(VerificationKey::hmac(Algorithm::ES256, SECRET).with_kid("x"));
    assert!(matches!(error_of(secret_as_ec), ConfigError::KeyMismatch { kid: Some(k), .. } if k == "x"));
}

#[test]
fn duplicate_kid() {
    let jwt = JwtManager::builder()
        .signing_key(SigningKey::hmac(Algorithm::HS256, SECRET).with_kid("k1"))
        .verification_key(VerificationKey::hmac(Algorithm::HS256, "another-secret-that-is-32-bytes-long!!").with_kid("k1"));
    assert_eq!(error_of(jwt), ConfigError::DuplicateKid("k1".into()));
}

#[test]
fn decode_algorithm_without_a_key_of_its_family() {
    assert_eq!(
        error_of(builder().decode_algorithms([Algorithm::RS256])),
        ConfigError::NoKeyForAlgorithm(Algorithm::RS256)
    );
    assert!(builder().decode_algorithms([Algorithm::HS256, Algorithm::HS512]).build().is_ok());
}

#[test]
fn identity_claim_cannot_be_reserved() {
    assert_eq!(
        error_of(builder().identity_claim("jti")),
        ConfigError::ReservedIdentityClaim("jti".into())
    );
    assert_eq!(
        error_of(builder().identity_claim("")),
        ConfigError::ReservedIdentityClaim(String::new())
    );
}

#[test]
fn errors_explain_themselves() {
    let err = error_of(builder().token_location_names(["body"]));
    assert_eq!(
        err.to_string(),
        "'body' is not a valid location (expected headers, cookies, query_string or json)"
    );
    let err = error_of(builder().access_expires(Duration::ZERO));
    assert!(err.to_string().contains("Lifetime::Unlimited"), "{err}");
}
