//! The process-wide choice of jsonwebtoken's crypto backend.
//!
//! It lives at the bottom of the crate, beside nothing else, because both the keys (which
//! sign a probe as soon as they are parsed) and the builder need it installed first: the
//! lower module must not reach up into the builder for it.

/// Selects aws-lc-rs as jsonwebtoken's crypto backend for this process (idempotent).
///
/// [`crate::JwtManagerBuilder::build`] and the key constructors call it themselves; call it
/// directly only when using jsonwebtoken before any manager exists.
pub fn install_crypto_provider() {
    // An error means a provider is already installed, which is what we want.
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
}
