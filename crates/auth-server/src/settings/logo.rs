//! `--page-logo-file`, read and checked while the settings are resolved, so a missing,
//! oversized or unknown-type file stops the start with the setting named; the web page
//! serves the bytes read here.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use axum::body::Bytes;

/// Largest accepted logo file: a logo, not a photo album.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// The logo file, read at start-up.
#[derive(Clone)]
pub struct Logo {
    pub path: PathBuf,
    pub content_type: &'static str,
    pub bytes: Bytes,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logo")
            .field("path", &self.path)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Logo {
    /// Reads `path`; its extension names its type (PNG, JPEG, GIF, WebP, SVG or ICO).
    pub fn load(path: &Path) -> anyhow::Result<Logo> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        let content_type = match extension.as_str() {
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            "webp" => "image/webp",
            "svg" => "image/svg+xml",
            "ico" => "image/x-icon",
            _ => bail!(
                "page-logo-file {}: use a .png, .jpg, .gif, .webp, .svg or .ico file",
                path.display()
            ),
        };
        let bytes = std::fs::read(path).with_context(|| format!("reading page-logo-file {}", path.display()))?;
        if bytes.len() > MAX_LOGO_BYTES {
            bail!(
                "page-logo-file {}: {} bytes, at most {MAX_LOGO_BYTES} are served",
                path.display(),
                bytes.len()
            );
        }
        Ok(Logo {
            path: path.to_path_buf(),
            content_type,
            bytes: Bytes::from(bytes),
        })
    }
}
