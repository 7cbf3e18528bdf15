//! The operator's branding of the page: `--page-title` replaces the `{{title}}` marks of
//! `index.html` (HTML-escaped, so a title cannot inject markup), and `--page-logo-file`
//! is read once at start-up and served at [`LOGO_PATH`], from this origin, so the strict
//! Content-Security-Policy stays as it is.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use axum::body::Bytes;

const TEMPLATE: &str = include_str!("../../../assets/web/index.html");

/// Where the logo is served.
pub const LOGO_PATH: &str = "/web/logo";

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

/// The page with `title` (escaped) and, when there is a logo, its `<img>`.
pub fn render(title: &str, has_logo: bool) -> String {
    let logo = if has_logo {
        format!(r#"<img src="{LOGO_PATH}" alt="">"#)
    } else {
        String::new()
    };
    TEMPLATE.replace("{{title}}", &escape(title)).replace("<!--logo-->", &logo)
}

/// `text` safe inside HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
