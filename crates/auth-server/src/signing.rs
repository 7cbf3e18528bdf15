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

/// The signing key and the extra verification keys described by the settings.
pub fn load_keys(settings: &Settings) -> anyhow::Result<(SigningKey, Vec<VerificationKey>)> {
    let alg = settings.algorithm;
    let signing = match &settings.signing_key_file {
        Some(path) => signing_key_from_file(alg, path)?,
        None if is_hmac(alg) => {
            let path = settings.data_dir.join(GENERATED_SECRET_FILE);
            SigningKey::hmac(alg, read_or_generate_secret(&path)?)
        }
        None => bail!("--algorithm {alg:?} needs --signing-key-file with a private PEM key"),
    };
    let kid = key_id(&signing);
    let signing = signing.with_kid(kid);
    let verification = settings
        .verification_key_files
        .iter()
        .map(|path| verification_key_from_file(alg, path))
        .collect::<anyhow::Result<_>>()?;
    Ok((signing, verification))
}

fn is_hmac(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

/// A short, stable key id: the JWK thumbprint for public keys, a hash prefix for secrets.
fn key_id(key: &SigningKey) -> String {
    match key.public_jwk().and_then(|jwk| jwk.thumbprint(jsonwebtoken_thumbprint()).ok()) {
        Some(thumbprint) => thumbprint.chars().take(16).collect(),
        None => "hmac-1".to_string(),
    }
}

fn jsonwebtoken_thumbprint() -> jwt_extended::jwk::ThumbprintHash {
    jwt_extended::jwk::ThumbprintHash::SHA256
}

/// Reads a key file: PEM for asymmetric algorithms, the secret's bytes for HMAC.
pub fn signing_key_from_file(alg: Algorithm, path: &Path) -> anyhow::Result<SigningKey> {
    let bytes = std::fs::read(path).with_context(|| format!("reading signing key {}", path.display()))?;
    if is_hmac(alg) {
        Ok(SigningKey::hmac(alg, trim_newline(&bytes)))
    } else {
        SigningKey::from_private_pem(alg, &bytes).with_context(|| format!("loading signing key {}", path.display()))
    }
}

fn verification_key_from_file(alg: Algorithm, path: &PathBuf) -> anyhow::Result<VerificationKey> {
    let bytes = std::fs::read(path).with_context(|| format!("reading verification key {}", path.display()))?;
    let key = if is_hmac(alg) {
        VerificationKey::hmac(alg, trim_newline(&bytes))
    } else {
        VerificationKey::from_pem(alg, &bytes).with_context(|| format!("loading verification key {}", path.display()))?
    };
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(key.with_kid(name))
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
    if let Ok(bytes) = std::fs::read(path) {
        return Ok(trim_newline(&bytes).to_vec());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating data directory {}", dir.display()))?;
    }
    let secret = generate_secret();
    write_private(path, secret.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new HMAC signing key");
    Ok(secret.into_bytes())
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
