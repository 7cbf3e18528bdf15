//! `auth-server gen-key --alg ALG --out FILE`: writes a new signing key, owner-readable
//! only (0600), never overwriting a file. HMAC: a random 512-bit secret (base64url text).
//! RSA (RS*/PS*, 2048 bits), ECDSA (ES256/ES384) and Ed25519 (EdDSA): the private key as
//! PKCS#8 PEM in FILE and the public key as SPKI PEM next to it (`key.pem` ->
//! `key.pub.pem`), the form `--verification-key-files` reads during a rotation.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair};
use jwt_extended::Algorithm;

use crate::signing::{generate_secret, write_private};

/// `gen-key` options.
#[derive(Debug, clap::Args)]
pub struct GenKeyArgs {
    /// The algorithm the key is for: HS256, HS384, HS512, RS256, RS384, RS512, PS256,
    /// PS384, PS512, ES256, ES384 or EdDSA.
    #[arg(long, default_value = "HS256")]
    pub alg: String,
    /// Where to write the key (created with mode 0600; an existing file is kept).
    #[arg(long)]
    pub out: PathBuf,
}

/// A freshly generated key, as files' contents.
#[derive(Debug)]
pub enum GeneratedKey {
    /// An HMAC secret (the text written to the key file).
    Secret(String),
    /// A private PKCS#8 PEM and its public SPKI PEM.
    KeyPair { private_pem: String, public_pem: String },
}

/// Writes the key files and says where they are.
pub fn run(args: &GenKeyArgs) -> anyhow::Result<()> {
    let alg: Algorithm = args.alg.parse().map_err(|_| anyhow!("unknown algorithm {:?}", args.alg))?;
    match generate_key(alg)? {
        GeneratedKey::Secret(secret) => {
            write_private(&args.out, secret.as_bytes())?;
            println!("wrote a {alg:?} secret to {} (mode 0600)", args.out.display());
        }
        GeneratedKey::KeyPair { private_pem, public_pem } => {
            let public_path = public_key_path(&args.out);
            if public_path.exists() {
                anyhow::bail!("{} already exists", public_path.display());
            }
            write_private(&args.out, private_pem.as_bytes())?;
            std::fs::write(&public_path, public_pem).with_context(|| format!("writing {}", public_path.display()))?;
            println!(
                "wrote a {alg:?} private key to {} (mode 0600) and its public key to {}",
                args.out.display(),
                public_path.display()
            );
        }
    }
    println!(
        "use it with: auth-server --algorithm {alg:?} --signing-key-file {}",
        args.out.display()
    );
    Ok(())
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

/// `key.pem` -> `key.pub.pem`; any other name gets `.pub.pem` appended.
fn public_key_path(private: &Path) -> PathBuf {
    let name = private.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.strip_suffix(".pem").unwrap_or(&name);
    private.with_file_name(format!("{stem}.pub.pem"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_path_sits_next_to_the_private_key() {
        assert_eq!(public_key_path(Path::new("/k/signing.pem")), PathBuf::from("/k/signing.pub.pem"));
        assert_eq!(
            public_key_path(Path::new("keys/es256.key")),
            PathBuf::from("keys/es256.key.pub.pem")
        );
    }
}
