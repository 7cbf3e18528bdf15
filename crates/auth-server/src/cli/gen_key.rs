//! `auth-server gen-key --alg ALG --out FILE`: writes a new signing key, owner-readable
//! only (0600), never overwriting a file. HMAC: a random 512-bit secret (base64url text).
//! RSA (RS*/PS*, 2048 bits), ECDSA (ES256/ES384) and Ed25519 (EdDSA): the private key as
//! PKCS#8 PEM in FILE and the public key as SPKI PEM next to it (`key.pem` ->
//! `key.pub.pem`), the form `--verification-key-files` reads during a rotation.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use jwt_extended::Algorithm;

use crate::infra::keygen::{GeneratedKey, generate_key};
use crate::infra::signing::write_private;

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
