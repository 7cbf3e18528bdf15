//! The operator's branding of the page: `--page-title` replaces the `{{title}}` marks of
//! `index.html` (HTML-escaped, so a title cannot inject markup), and `--page-logo-file`
//! is read once at start-up and served at [`LOGO_PATH`], from this origin, so the strict
//! Content-Security-Policy stays as it is.

const TEMPLATE: &str = include_str!("../../../assets/web/index.html");

/// Where the logo is served.
pub const LOGO_PATH: &str = "/web/logo";

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
