//! Loading the token signing keys: an HMAC secret generated on first start and kept in
//! the data directory (mode 0600) so tokens survive restarts, or PEM files for
//! asymmetric algorithms, plus extra verification keys during a key rotation.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine;
use jwt_extended::{Algorithm, SigningKey, VerificationKey};
use rand::RngCore;

use crate::settings::Settings;

/// File name of the generated HMAC secret inside the data directory.
pub const GENERATED_SECRET_FILE: &str = "jwt-secret.key";

/// The signing key and the extra verification keys described by the settings. Every key
/// is named by a `kid` derived from the key itself (the RFC 7638 thumbprint of a public
/// key, a hash of an HMAC secret), so a key that used to sign and is now listed in
/// `--verification-key-files` keeps the `kid` its tokens carry and still verifies them.
pub fn load_keys(settings: &Settings) -> anyhow::Result<(SigningKey, Vec<VerificationKey>)> {
    let alg = settings.algorithm;
    let signing = if is_hmac(alg) {
        let secret = match &settings.signing_key_file {
            Some(path) => read_secret(path)?,
            None => read_or_generate_secret(&settings.data_dir.join(GENERATED_SECRET_FILE))?,
        };
        SigningKey::hmac(alg, &secret).with_kid(hmac_kid(&secret))
    } else {
        let Some(path) = &settings.signing_key_file else {
            bail!(
                "--algorithm {alg:?} needs --signing-key-file with a private PEM key (`auth-server gen-key --alg {alg:?} --out FILE` writes one)"
            );
        };
        let key = signing_key_from_file(alg, path)?;
        let kid = thumbprint_kid(key.public_jwk()).with_context(|| format!("naming the key {}", path.display()))?;
        key.with_kid(kid)
    };
    let mut verification = Vec::new();
    for path in &settings.verification_key_files {
        let key = verification_key_from_file(alg, path)?;
        if key.kid() == signing.kid() {
            tracing::warn!(path = %path.display(), "a verification key file holds the signing key itself; ignored");
            continue;
        }
        verification.push(key);
    }
    Ok((signing, verification))
}

/// The signing key's own bytes (the HMAC secret, or the private PEM), which the device
/// cookies' key is derived from (`infra/device.rs`), so instances sharing a signing key
/// share it too. Call after [`load_keys`], which generates a missing HMAC secret.
pub fn signing_key_bytes(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    match &settings.signing_key_file {
        Some(path) if is_hmac(settings.algorithm) => read_secret(path),
        Some(path) => {
            refuse_shared(path)?;
            std::fs::read(path).with_context(|| format!("reading signing key {}", path.display()))
        }
        None => read_secret(&settings.data_dir.join(GENERATED_SECRET_FILE)),
    }
}

fn is_hmac(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

/// A public key's id: the first 16 characters of its RFC 7638 (SHA-256) thumbprint.
fn thumbprint_kid(jwk: Option<jwt_extended::jwk::Jwk>) -> anyhow::Result<String> {
    let jwk = jwk.context("the key has no public JWK")?;
    let thumbprint = jwk
        .thumbprint(jwt_extended::jwk::ThumbprintHash::SHA256)
        .map_err(|e| anyhow::anyhow!("computing the key thumbprint: {e}"))?;
    Ok(thumbprint.chars().take(16).collect())
}

/// An HMAC secret's id: `hs-` and 16 hex digits of a domain-separated SHA-256 of the secret
/// (reveals nothing a token signed with the secret does not already).
fn hmac_kid(secret: &[u8]) -> String {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    context.update(b"auth-server hmac kid\0");
    context.update(secret);
    let digest = context.finish();
    let hex: String = digest.as_ref().iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("hs-{hex}")
}

/// Reads a private PEM key (asymmetric algorithms only; HMAC secrets are read by
/// [`load_keys`]).
pub fn signing_key_from_file(alg: Algorithm, path: &Path) -> anyhow::Result<SigningKey> {
    refuse_shared(path)?;
    let bytes = std::fs::read(path).with_context(|| format!("reading signing key {}", path.display()))?;
    SigningKey::from_private_pem(alg, &bytes).with_context(|| format!("loading signing key {}", path.display()))
}

fn read_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    refuse_shared(path)?;
    let bytes = std::fs::read(path).with_context(|| format!("reading signing key {}", path.display()))?;
    Ok(trim_newline(&bytes).to_vec())
}

fn verification_key_from_file(alg: Algorithm, path: &PathBuf) -> anyhow::Result<VerificationKey> {
    if is_hmac(alg) {
        // An old HMAC secret still signs as well as it verifies.
        let secret = read_secret(path)?;
        return Ok(VerificationKey::hmac(alg, &secret).with_kid(hmac_kid(&secret)));
    }
    let bytes = std::fs::read(path).with_context(|| format!("reading verification key {}", path.display()))?;
    let key = VerificationKey::from_pem(alg, &bytes).with_context(|| format!("loading verification key {}", path.display()))?;
    let kid = thumbprint_kid(key.public_jwk()).with_context(|| format!("naming the key {}", path.display()))?;
    Ok(key.with_kid(kid))
}

fn trim_newline(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
    &bytes[..end]
}

/// A new random HMAC secret: 64 random bytes, base64url text.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn read_or_generate_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path.exists() {
        return read_secret(path);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating data directory {}", dir.display()))?;
    }
    let secret = generate_secret();
    write_private(path, secret.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new HMAC signing key");
    Ok(secret.into_bytes())
}

/// Refuses a secret key file that its group or others may read: whoever can read it can
/// sign any token. Start-up stops with the fix instead of serving with a leaked key.
fn refuse_shared(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .with_context(|| format!("reading signing key {}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            bail!(
                "the signing key {} can be read by other users (mode {:o}); make it private with `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            );
        }
    }
    Ok(())
}

/// Writes a file readable only by its owner (0600), refusing to overwrite.
pub fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::keygen::{GeneratedKey, generate_key};

    fn settings(dir: &Path, alg: &str, signing: Option<&Path>, verification: &[&Path]) -> Settings {
        Settings {
            data_dir: dir.to_path_buf(),
            algorithm: alg.parse().unwrap(),
            signing_key_file: signing.map(Path::to_path_buf),
            verification_key_files: verification.iter().map(|p| p.to_path_buf()).collect(),
            ..Settings::default()
        }
    }

    fn manager(settings: &Settings) -> jwt_extended::JwtManager {
        let (signing, verification) = load_keys(settings).unwrap();
        let mut builder = jwt_extended::JwtManager::builder().signing_key(signing);
        for key in verification {
            builder = builder.verification_key(key);
        }
        builder.build().unwrap()
    }

    /// Writes a new key pair for `alg` and returns (private, public) paths.
    fn key_pair(dir: &Path, name: &str, alg: Algorithm) -> (PathBuf, PathBuf) {
        let GeneratedKey::KeyPair { private_pem, public_pem } = generate_key(alg).unwrap() else {
            panic!("{alg:?} is asymmetric");
        };
        let (private, public) = (dir.join(format!("{name}.pem")), dir.join(format!("{name}.pub.pem")));
        write_private(&private, private_pem.as_bytes()).unwrap();
        std::fs::write(&public, public_pem).unwrap();
        (private, public)
    }

    #[test]
    fn the_generated_hmac_secret_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = manager(&settings(dir.path(), "HS256", None, &[]));
        let token = first.create_access_token("1").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(GENERATED_SECRET_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let second = manager(&settings(dir.path(), "HS256", None, &[]));
        assert_eq!(second.decode_token(&token).unwrap().claims.subject(), Some("1"));
    }

    #[test]
    fn an_old_hmac_secret_still_verifies_during_a_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.key");
        let new = dir.path().join("new.key");
        write_private(&old, generate_secret().as_bytes()).unwrap();
        write_private(&new, generate_secret().as_bytes()).unwrap();
        let token = manager(&settings(dir.path(), "HS256", Some(&old), &[]))
            .create_access_token("7")
            .unwrap();
        let rotated = manager(&settings(dir.path(), "HS256", Some(&new), &[&old]));
        assert_eq!(rotated.decode_token(&token).unwrap().claims.subject(), Some("7"));
        let without_old = manager(&settings(dir.path(), "HS256", Some(&new), &[]));
        assert!(without_old.decode_token(&token).is_err());
    }

    #[test]
    fn an_old_public_key_still_verifies_during_a_rotation() {
        for alg in [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA] {
            let dir = tempfile::tempdir().unwrap();
            let name = format!("{alg:?}");
            let (old_private, old_public) = key_pair(dir.path(), "old", alg);
            let (new_private, _) = key_pair(dir.path(), "new", alg);
            let token = manager(&settings(dir.path(), &name, Some(&old_private), &[]))
                .create_access_token("9")
                .unwrap();
            let rotated = manager(&settings(dir.path(), &name, Some(&new_private), &[&old_public]));
            assert_eq!(rotated.decode_token(&token).unwrap().claims.subject(), Some("9"), "{alg:?}");
            assert_eq!(rotated.jwks().keys.len(), 2, "{alg:?}: both public keys are published");
            let without_old = manager(&settings(dir.path(), &name, Some(&new_private), &[]));
            assert!(without_old.decode_token(&token).is_err(), "{alg:?}");
        }
    }

    #[test]
    fn signing_keys_others_can_read_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("hs.key");
        write_private(&key, generate_secret().as_bytes()).unwrap();
        let loaded = load_keys(&settings(dir.path(), "HS256", Some(&key), &[]));
        assert!(loaded.is_ok());
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let message = format!("{:#}", load_keys(&settings(dir.path(), "HS256", Some(&key), &[])).unwrap_err());
        assert!(message.contains("chmod 600"), "{message}");
    }

    #[test]
    fn asymmetric_algorithms_need_a_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_keys(&settings(dir.path(), "RS256", None, &[])).unwrap_err();
        assert!(err.to_string().contains("--signing-key-file"), "{err}");
    }

    #[test]
    fn key_ids_depend_on_the_key() {
        assert_eq!(hmac_kid(b"secret-one"), hmac_kid(b"secret-one"));
        assert_ne!(hmac_kid(b"secret-one"), hmac_kid(b"secret-two"));
        assert_eq!(hmac_kid(b"x").len(), 3 + 16);
    }
}
