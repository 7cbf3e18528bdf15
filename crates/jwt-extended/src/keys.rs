//! Signing and verification keys, chosen per token by `kid`, and their JWKS export.
//!
//! One [`SigningKey`] signs new tokens; any number of [`VerificationKey`]s are still
//! accepted, so a key can be rotated without logging anyone out: add the new signing key,
//! keep the old one as a verification key until its tokens have expired. Each key only
//! ever verifies algorithms of its own family, so an RSA public key can never be misused
//! as an HMAC secret (algorithm confusion).

use std::collections::HashMap;
use std::fmt;

#[cfg(feature = "aws-lc")]
use aws_lc_rs::hmac;
use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};

use crate::error::{ConfigError, JwtError};

/// An HMAC secret prepared once for each hash (its inner and outer pads), so verifying a
/// token does not rebuild the key as `jsonwebtoken::crypto::verify` does on every call.
/// Only with aws-lc-rs; the RustCrypto backend verifies through jsonwebtoken.
#[cfg(feature = "aws-lc")]
#[derive(Clone)]
struct HmacKeys {
    hs256: hmac::Key,
    hs384: hmac::Key,
    hs512: hmac::Key,
}

#[cfg(feature = "aws-lc")]
impl HmacKeys {
    fn new(secret: &[u8]) -> Self {
        HmacKeys {
            hs256: hmac::Key::new(hmac::HMAC_SHA256, secret),
            hs384: hmac::Key::new(hmac::HMAC_SHA384, secret),
            hs512: hmac::Key::new(hmac::HMAC_SHA512, secret),
        }
    }

    fn for_alg(&self, alg: Algorithm) -> Option<&hmac::Key> {
        match alg {
            Algorithm::HS256 => Some(&self.hs256),
            Algorithm::HS384 => Some(&self.hs384),
            Algorithm::HS512 => Some(&self.hs512),
            _ => None,
        }
    }
}

/// Without aws-lc-rs no HMAC key is prepared: every token goes through jsonwebtoken.
#[cfg(not(feature = "aws-lc"))]
#[derive(Clone)]
struct HmacKeys;

#[cfg(not(feature = "aws-lc"))]
impl HmacKeys {
    fn new(_secret: &[u8]) -> Self {
        HmacKeys
    }
}

/// The key that signs new tokens (with its public half, to verify them).
#[derive(Clone)]
pub struct SigningKey {
    alg: Algorithm,
    kid: Option<String>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    hmac_len: Option<usize>,
    hmac: Option<HmacKeys>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print key material.
        f.debug_struct("SigningKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// An HMAC key (`HS256`, `HS384` or `HS512`). Its length is checked when the manager
    /// is built: at least as many bytes as the hash output (32 for `HS256`).
    ///
    /// ```
    /// use jwt_extended::{SigningKey, Algorithm};
    /// let key = SigningKey::hmac(Algorithm::HS256, "a-secret-of-at-least-thirty-two-bytes!").with_kid("2026-11");
    /// assert_eq!(key.kid(), Some("2026-11"));
    /// ```
    pub fn hmac(alg: Algorithm, secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        SigningKey {
            alg,
            kid: None,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            hmac_len: Some(secret.len()),
            hmac: Some(HmacKeys::new(secret)),
        }
    }

    /// An asymmetric key pair from PEM: RS*/PS* (RSA), ES256/ES384 (EC), EdDSA (Ed25519).
    /// The private key signs; the public key verifies and is published in the JWKS.
    pub fn from_pem(alg: Algorithm, private_pem: &[u8], public_pem: &[u8]) -> Result<Self, ConfigError> {
        let bad = |e: jsonwebtoken::errors::Error| ConfigError::InvalidKey(format!("{alg:?}: {e}"));
        let (encoding, decoding) = match alg.family() {
            AlgorithmFamily::Rsa => (
                EncodingKey::from_rsa_pem(private_pem).map_err(bad)?,
                DecodingKey::from_rsa_pem(public_pem).map_err(bad)?,
            ),
            AlgorithmFamily::Ec => (
                EncodingKey::from_ec_pem(private_pem).map_err(bad)?,
                DecodingKey::from_ec_pem(public_pem).map_err(bad)?,
            ),
            AlgorithmFamily::Ed => (
                EncodingKey::from_ed_pem(private_pem).map_err(bad)?,
                DecodingKey::from_ed_pem(public_pem).map_err(bad)?,
            ),
            AlgorithmFamily::Hmac => {
                return Err(ConfigError::KeyMismatch {
                    kid: None,
                    alg,
                    reason: "use SigningKey::hmac for HMAC algorithms".into(),
                });
            }
        };
        Ok(SigningKey {
            alg,
            kid: None,
            encoding,
            decoding,
            hmac_len: None,
            hmac: None,
        })
    }

    /// An asymmetric signing key from its private PEM alone; the public half is derived.
    ///
    /// ```
    /// use jwt_extended::{SigningKey, Algorithm};
    /// let pem = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/rs256-private.pem"));
    /// let key = SigningKey::from_private_pem(Algorithm::RS256, pem).unwrap();
    /// assert_eq!(key.algorithm(), Algorithm::RS256);
    /// ```
    pub fn from_private_pem(alg: Algorithm, private_pem: &[u8]) -> Result<Self, ConfigError> {
        let bad = |e: jsonwebtoken::errors::Error| ConfigError::InvalidKey(format!("{alg:?}: {e}"));
        crate::crypto::install_crypto_provider();
        let encoding = match alg.family() {
            AlgorithmFamily::Rsa => EncodingKey::from_rsa_pem(private_pem).map_err(bad)?,
            AlgorithmFamily::Ec => EncodingKey::from_ec_pem(private_pem).map_err(bad)?,
            AlgorithmFamily::Ed => EncodingKey::from_ed_pem(private_pem).map_err(bad)?,
            AlgorithmFamily::Hmac => {
                return Err(ConfigError::KeyMismatch {
                    kid: None,
                    alg,
                    reason: "use SigningKey::hmac for HMAC algorithms".into(),
                });
            }
        };
        let jwk = Jwk::from_encoding_key(&encoding, alg).map_err(bad)?;
        let decoding = DecodingKey::from_jwk(&jwk).map_err(bad)?;
        Ok(SigningKey {
            alg,
            kid: None,
            encoding,
            decoding,
            hmac_len: None,
            hmac: None,
        })
    }

    /// The public half as a JWK (`None` for HMAC keys, which are never published).
    pub fn public_jwk(&self) -> Option<Jwk> {
        public_jwk(&VerificationKey {
            alg: self.alg,
            kid: self.kid.clone(),
            decoding: self.decoding.clone(),
            hmac_len: self.hmac_len,
            hmac: None,
        })
    }

    /// Names the key: its `kid` is written into every token header it signs.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm it signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    pub(crate) fn encoding(&self) -> &EncodingKey {
        &self.encoding
    }
}

/// A key that is still accepted for verification but no longer signs (key rotation), or
/// the public key of another issuer.
#[derive(Clone)]
pub struct VerificationKey {
    alg: Algorithm,
    kid: Option<String>,
    decoding: DecodingKey,
    hmac_len: Option<usize>,
    hmac: Option<HmacKeys>,
}

impl fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerificationKey")
            .field("alg", &self.alg)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl VerificationKey {
    /// An HMAC secret that verifies but no longer signs.
    ///
    /// ```
    /// use jwt_extended::{VerificationKey, Algorithm};
    /// let old = VerificationKey::hmac(Algorithm::HS256, "the-previous-secret-also-32-bytes-long").with_kid("2026-10");
    /// assert_eq!(old.kid(), Some("2026-10"));
    /// ```
    pub fn hmac(alg: Algorithm, secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        VerificationKey {
            alg,
            kid: None,
            decoding: DecodingKey::from_secret(secret),
            hmac_len: Some(secret.len()),
            hmac: Some(HmacKeys::new(secret)),
        }
    }

    /// A public key already parsed (from a JWK, say).
    pub(crate) fn public(alg: Algorithm, decoding: DecodingKey) -> Self {
        VerificationKey {
            alg,
            kid: None,
            decoding,
            hmac_len: None,
            hmac: None,
        }
    }

    /// A public key from PEM.
    pub fn from_pem(alg: Algorithm, public_pem: &[u8]) -> Result<Self, ConfigError> {
        let bad = |e: jsonwebtoken::errors::Error| ConfigError::InvalidKey(format!("{alg:?}: {e}"));
        let decoding = match alg.family() {
            AlgorithmFamily::Rsa => DecodingKey::from_rsa_pem(public_pem).map_err(bad)?,
            AlgorithmFamily::Ec => DecodingKey::from_ec_pem(public_pem).map_err(bad)?,
            AlgorithmFamily::Ed => DecodingKey::from_ed_pem(public_pem).map_err(bad)?,
            AlgorithmFamily::Hmac => {
                return Err(ConfigError::KeyMismatch {
                    kid: None,
                    alg,
                    reason: "use VerificationKey::hmac for HMAC algorithms".into(),
                });
            }
        };
        Ok(VerificationKey {
            alg,
            kid: None,
            decoding,
            hmac_len: None,
            hmac: None,
        })
    }

    /// Names the key; tokens whose header carries this `kid` are verified with it.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The algorithm the key was declared for (it verifies its whole family).
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The public key as a JWK (`None` for HMAC secrets), e.g. to name it by its
    /// RFC 7638 thumbprint like the signing key it used to be.
    pub fn public_jwk(&self) -> Option<Jwk> {
        public_jwk(self)
    }

    /// Whether a key a `decode_key_loader` returned may verify a token of `alg`: `false`
    /// for another family (the token's doing); an error for an HMAC secret too short for
    /// `alg`, the check the manager's own keys pass when it is built (the loader's doing).
    pub(crate) fn usable_for(&self, alg: Algorithm) -> Result<bool, JwtError> {
        if self.alg.family() != alg.family() {
            return Ok(false);
        }
        check_strength(alg, None, self.hmac_len)
            .map(|()| true)
            .map_err(|_| JwtError::Internal("the decode_key_loader returned a key too weak for the token's algorithm"))
    }

    /// Whether `signature` (base64url in the token, `signature_bytes` decoded) signs
    /// `message` with `alg`. HMAC uses the prepared keys; the rest goes through jsonwebtoken.
    pub(crate) fn verifies(&self, alg: Algorithm, message: &[u8], signature: &str, signature_bytes: &[u8]) -> bool {
        #[cfg(feature = "aws-lc")]
        if let Some(key) = self.hmac.as_ref().and_then(|keys| keys.for_alg(alg)) {
            return hmac::verify(key, message, signature_bytes).is_ok();
        }
        #[cfg(not(feature = "aws-lc"))]
        let _ = (&self.hmac, signature_bytes);
        jsonwebtoken::crypto::verify(signature, message, &self.decoding, alg).unwrap_or(false)
    }
}

/// The keys of one manager: the signing key (also verifying), then the extra verifiers.
/// A verify-only manager (a resource server) has no signing key.
#[derive(Debug, Clone)]
pub(crate) struct KeySet {
    pub(crate) signing: Option<SigningKey>,
    /// Index 0 is the signing key's public half, when there is a signing key.
    verifiers: Vec<VerificationKey>,
    by_kid: HashMap<String, usize>,
    jwks: JwkSet,
}

impl KeySet {
    pub(crate) fn new(signing: Option<SigningKey>, extra: Vec<VerificationKey>) -> Result<Self, ConfigError> {
        let own = signing.as_ref().map(|signing| VerificationKey {
            alg: signing.alg,
            kid: signing.kid.clone(),
            decoding: signing.decoding.clone(),
            hmac_len: signing.hmac_len,
            hmac: signing.hmac.clone(),
        });
        let verifiers: Vec<VerificationKey> = own.into_iter().chain(extra).collect();
        if verifiers.is_empty() {
            return Err(ConfigError::MissingSigningKey);
        }
        let mut by_kid = HashMap::new();
        for (i, key) in verifiers.iter().enumerate() {
            check_strength(key.alg, key.kid.as_deref(), key.hmac_len)?;
            if let Some(kid) = &key.kid
                && by_kid.insert(kid.clone(), i).is_some()
            {
                return Err(ConfigError::DuplicateKid(kid.clone()));
            }
        }
        if let Some(signing) = &signing {
            self_test(signing)?;
        }
        let jwks = JwkSet {
            keys: verifiers.iter().filter_map(public_jwk).collect(),
        };
        Ok(KeySet {
            signing,
            verifiers,
            by_kid,
            jwks,
        })
    }

    /// No key at all: a manager whose `decode_key_loader` provides every key.
    pub(crate) fn empty() -> Self {
        KeySet {
            signing: None,
            verifiers: Vec::new(),
            by_kid: HashMap::new(),
            jwks: JwkSet { keys: Vec::new() },
        }
    }

    /// The keys that may verify a token with this `kid` and algorithm, best first.
    pub(crate) fn candidates<'a>(&'a self, kid: Option<&str>, alg: Algorithm) -> impl Iterator<Item = &'a VerificationKey> + 'a {
        let family = alg.family();
        let by_kid = kid.and_then(|k| self.named(k));
        // A token naming an unknown kid gets no candidates at all; one naming none is tried
        // against the keys without a kid (tokens minted before kids were introduced).
        let unnamed = if kid.is_none() {
            Some(self.verifiers.iter().filter(|k| k.kid.is_none()))
        } else {
            None
        };
        by_kid
            .into_iter()
            .chain(unnamed.into_iter().flatten())
            .filter(move |k| k.alg.family() == family)
    }

    /// The key with id `kid`. The signing key is compared first: nearly every token names
    /// it, and comparing a short string costs less than hashing it (kids are unique, so
    /// the map could only give the same answer).
    fn named(&self, kid: &str) -> Option<&VerificationKey> {
        match self.verifiers.first() {
            Some(own) if own.kid.as_deref() == Some(kid) => Some(own),
            _ => self.by_kid.get(kid).map(|&i| &self.verifiers[i]),
        }
    }

    /// Whether some key is named `kid`.
    #[cfg_attr(not(feature = "remote-jwks"), allow(dead_code))]
    pub(crate) fn knows_kid(&self, kid: &str) -> bool {
        self.named(kid).is_some()
    }

    /// Every algorithm some key can verify: the default decode allowlist.
    pub(crate) fn algorithms(&self) -> Vec<Algorithm> {
        let mut algs: Vec<Algorithm> = Vec::new();
        for key in &self.verifiers {
            if !algs.contains(&key.alg) {
                algs.push(key.alg);
            }
        }
        algs
    }

    pub(crate) fn has_family(&self, alg: Algorithm) -> bool {
        let family = alg.family();
        self.verifiers.iter().any(|k| k.alg.family() == family)
    }

    pub(crate) fn jwks(&self) -> &JwkSet {
        &self.jwks
    }
}

fn check_strength(alg: Algorithm, kid: Option<&str>, hmac_len: Option<usize>) -> Result<(), ConfigError> {
    let family = alg.family();
    match (family, hmac_len) {
        (AlgorithmFamily::Hmac, Some(len)) => {
            // RFC 7518 §3.2: a key at least as long as the hash output.
            let min = match alg {
                Algorithm::HS384 => 48,
                Algorithm::HS512 => 64,
                _ => 32,
            };
            if len < min {
                return Err(ConfigError::SecretTooShort { alg, len, min });
            }
            Ok(())
        }
        (AlgorithmFamily::Hmac, None) | (_, Some(_)) => Err(ConfigError::KeyMismatch {
            kid: kid.map(str::to_string),
            alg,
            reason: "an HMAC algorithm needs a secret and an asymmetric one a PEM key".into(),
        }),
        _ => Ok(()),
    }
}

/// Signs and verifies a probe so a private key that does not belong to its public key, or
/// a key of the wrong curve for its algorithm, fails at start-up.
fn self_test(key: &SigningKey) -> Result<(), ConfigError> {
    let probe = b"jwt-extended key check";
    let mismatch = |reason: String| ConfigError::KeyMismatch {
        kid: key.kid.clone(),
        alg: key.alg,
        reason,
    };
    let signature = jsonwebtoken::crypto::sign(probe, &key.encoding, key.alg).map_err(|e| mismatch(e.to_string()))?;
    match jsonwebtoken::crypto::verify(&signature, probe, &key.decoding, key.alg) {
        Ok(true) => Ok(()),
        Ok(false) => Err(mismatch("the public key does not verify the private key's signatures".into())),
        Err(e) => Err(mismatch(e.to_string())),
    }
}

fn public_jwk(key: &VerificationKey) -> Option<Jwk> {
    if key.alg.family() == AlgorithmFamily::Hmac {
        return None; // secrets are never published
    }
    let mut jwk = Jwk::from_decoding_key(&key.decoding, Some(key.alg)).ok()?;
    jwk.common.key_id = key.kid.clone();
    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
    Some(jwk)
}
