//! Verification keys from JWK and JWKS documents, for services that verify tokens an
//! identity provider signs (this project's auth-server, Keycloak, Auth0, Cognito, ...).
//!
//! A JWK says what kind of key it is (`kty`, `crv`) and may say which algorithm it is for
//! (`alg`). Both must agree before the key is accepted, and a key only ever verifies its
//! own family afterwards, so a document cannot turn an RSA key into an HMAC secret or an
//! ES384 key into an ES256 one. Secrets (`kty: oct`) are refused: a JWKS is public.

use std::path::Path;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::error::ConfigError;
use crate::keys::VerificationKey;

impl VerificationKey {
    /// A public key from one JWK. Its `kid` names it; its algorithm is the JWK's `alg`, or
    /// when absent the usual one for its type (RS256, ES256 / ES384 by curve, EdDSA).
    ///
    /// ```
    /// use jwt_extended::{Algorithm, VerificationKey, jwk::Jwk};
    /// let jwk: Jwk = serde_json::from_str(r#"{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256",
    ///     "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#).unwrap();
    /// let key = VerificationKey::from_jwk(&jwk).unwrap();
    /// assert_eq!((key.algorithm(), key.kid()), (Algorithm::ES256, Some("k1")));
    /// ```
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, ConfigError> {
        let kid = jwk.common.key_id.clone();
        let refuse = |reason: &str| ConfigError::InvalidKey(format!("JWK {kid:?}: {reason}"));
        if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
            return Err(refuse("an encryption key (\"use\": \"enc\") does not verify signatures"));
        }
        let natural = natural_algorithm(&jwk.algorithm).map_err(refuse)?;
        let alg = match jwk.common.key_algorithm {
            None => natural,
            Some(declared) => Algorithm::try_from(declared).map_err(|_| refuse(&format!("unsupported \"alg\" {declared}")))?,
        };
        if !fits(&jwk.algorithm, alg) {
            return Err(ConfigError::KeyMismatch {
                kid,
                alg,
                reason: "the JWK's key type or curve is not the one this algorithm signs with".into(),
            });
        }
        let decoding = DecodingKey::from_jwk(jwk).map_err(|e| refuse(&e.to_string()))?;
        let key = VerificationKey::public(alg, decoding);
        Ok(match kid {
            Some(kid) => key.with_kid(kid),
            None => key,
        })
    }

    /// Every signature key of a JWKS. Keys meant for encryption, and keys of a type or
    /// algorithm this library does not verify, are left out (identity providers publish
    /// them side by side); a key that claims to be usable but is broken is an error.
    pub fn from_jwks(set: &JwkSet) -> Result<Vec<Self>, ConfigError> {
        set.keys.iter().filter(|jwk| usable(jwk)).map(VerificationKey::from_jwk).collect()
    }

    /// [`Self::from_jwks`] from the JSON text of a JWKS document.
    pub fn from_jwks_json(json: &str) -> Result<Vec<Self>, ConfigError> {
        let set: JwkSet = serde_json::from_str(json).map_err(|e| ConfigError::InvalidKey(format!("JWKS: {e}")))?;
        Self::from_jwks(&set)
    }

    /// [`Self::from_jwks`] from a JWKS file.
    pub fn from_jwks_file(path: impl AsRef<Path>) -> Result<Vec<Self>, ConfigError> {
        let path = path.as_ref();
        let json = std::fs::read_to_string(path).map_err(|e| ConfigError::InvalidKey(format!("{}: {e}", path.display())))?;
        Self::from_jwks_json(&json)
    }
}

/// Whether a key of a JWKS is one to load: a signature key of a supported type and algorithm.
fn usable(jwk: &Jwk) -> bool {
    let signs = jwk.common.public_key_use != Some(PublicKeyUse::Encryption);
    let algorithm_known = jwk.common.key_algorithm.is_none_or(|alg| Algorithm::try_from(alg).is_ok());
    signs && algorithm_known && natural_algorithm(&jwk.algorithm).is_ok()
}

/// The algorithm a key of this type is used with when its JWK does not say.
fn natural_algorithm(params: &AlgorithmParameters) -> Result<Algorithm, &'static str> {
    match params {
        AlgorithmParameters::RSA(_) => Ok(Algorithm::RS256),
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Ok(Algorithm::ES256),
            EllipticCurve::P384 => Ok(Algorithm::ES384),
            _ => Err("unsupported elliptic curve"),
        },
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => Ok(Algorithm::EdDSA),
        AlgorithmParameters::OctetKey(_) => Err("a secret (\"kty\": \"oct\") is never loaded from a JWKS"),
        _ => Err("unsupported key type"),
    }
}

/// Whether `alg` signs with keys like `params`.
fn fits(params: &AlgorithmParameters, alg: Algorithm) -> bool {
    use Algorithm::*;
    match params {
        AlgorithmParameters::RSA(_) => matches!(alg, RS256 | RS384 | RS512 | PS256 | PS384 | PS512),
        AlgorithmParameters::EllipticCurve(_) | AlgorithmParameters::OctetKeyPair(_) => natural_algorithm(params) == Ok(alg),
        _ => false,
    }
}
