//! The process-wide choice of jsonwebtoken's crypto backend.
//!
//! It lives at the bottom of the crate, beside nothing else, because both the keys (which
//! sign a probe as soon as they are parsed) and the builder need it installed first: the
//! lower module must not reach up into the builder for it.

/// Selects jsonwebtoken's crypto backend for this process (idempotent): aws-lc-rs, or the
/// RustCrypto crates when only the `rust-crypto` feature is enabled.
///
/// [`crate::JwtManagerBuilder::build`] and the key constructors call it themselves; call it
/// directly only when using jsonwebtoken before any manager exists.
pub fn install_crypto_provider() {
    #[cfg(feature = "aws-lc")]
    let provider = &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
    #[cfg(all(feature = "rust-crypto", not(feature = "aws-lc")))]
    let provider = &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
    // An error means a provider is already installed, which is what we want.
    let _ = provider.install_default();
}

#[cfg(not(any(feature = "aws-lc", feature = "rust-crypto")))]
compile_error!("jwt-extended needs a crypto backend: enable the `aws-lc` (default) or the `rust-crypto` feature");
