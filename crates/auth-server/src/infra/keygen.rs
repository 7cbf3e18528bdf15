//! New signing keys (`auth-server gen-key`, the tests): an HMAC secret, or a private
//! PKCS#8 PEM with its public SPKI PEM for RSA, ECDSA and Ed25519, generated with aws-lc.

use anyhow::anyhow;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use jwt_extended::Algorithm;

use crate::infra::signing::generate_secret;

/// A freshly generated key, as files' contents.
#[derive(Debug)]
pub enum GeneratedKey {
    /// An HMAC secret (the text written to the key file).
    Secret(String),
    /// A private PKCS#8 PEM and its public SPKI PEM.
    KeyPair { private_pem: String, public_pem: String },
}

/// A new key for `alg`.
pub fn generate_key(alg: Algorithm) -> anyhow::Result<GeneratedKey> {
    let failed = |_| anyhow!("generating a {alg:?} key failed");
    let (private, public): (Vec<u8>, Vec<u8>) = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => return Ok(GeneratedKey::Secret(generate_secret())),
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 | Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(KeySize::Rsa2048).map_err(failed)?;
            let private: Pkcs8V1Der = pair.as_der().map_err(failed)?;
            (private.as_ref().to_vec(), spki(pair.public_key()).map_err(failed)?)
        }
        Algorithm::ES256 | Algorithm::ES384 => {
            let curve = if alg == Algorithm::ES256 {
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING
            };
            let pair = EcdsaKeyPair::generate(curve).map_err(failed)?;
            let private = pair.to_pkcs8v1().map_err(failed)?;
            (private.as_ref().to_vec(), spki(pair.public_key()).map_err(failed)?)
        }
        Algorithm::EdDSA => {
            let pair = Ed25519KeyPair::generate().map_err(failed)?;
            let private: Pkcs8V1Der = pair.as_der().map_err(failed)?;
            (private.as_ref().to_vec(), spki(pair.public_key()).map_err(failed)?)
        }
        other => anyhow::bail!("gen-key does not support {other:?}"),
    };
    Ok(GeneratedKey::KeyPair {
        private_pem: to_pem("PRIVATE KEY", &private),
        public_pem: to_pem("PUBLIC KEY", &public),
    })
}

/// A public key as SubjectPublicKeyInfo DER.
fn spki<K: AsDer<PublicKeyX509Der<'static>>>(key: &K) -> Result<Vec<u8>, aws_lc_rs::error::Unspecified> {
    key.as_der().map(|der| der.as_ref().to_vec())
}

fn to_pem(tag: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(tag, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}
