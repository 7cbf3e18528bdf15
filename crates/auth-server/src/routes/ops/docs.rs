//! `/docs`: interactive API docs (Swagger UI) rendered from `/openapi.json`, working
//! offline: the Swagger UI bundle and stylesheet are vendored under
//! `assets/vendor/swagger-ui/` and embedded in the binary. The page has no inline script
//! (`/docs/init.js` starts the UI), so it is served with a strict Content-Security-Policy.

use std::sync::OnceLock;

use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderName, HeaderValue, header};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The vendored `swagger-ui-dist` version (also a cache-busting query on the asset URLs).
pub const SWAGGER_UI_VERSION: &str = "5.35.0";

const BUNDLE_JS: &[u8] = include_bytes!("../../../assets/vendor/swagger-ui/swagger-ui-bundle.js");
const UI_CSS: &[u8] = include_bytes!("../../../assets/vendor/swagger-ui/swagger-ui.css");
const PAGE: &str = include_str!("../../../assets/docs/index.html");
const INIT_JS: &str = include_str!("../../../assets/docs/init.js");

/// Scripts only from this origin, no inline script, no framing; inline styles are allowed
/// because Swagger UI sets some.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Versioned assets never change under the same URL.
const LONG_CACHE: &str = "public, max-age=31536000, immutable";
/// The page and its starter script are re-checked on every load.
const NO_CACHE: &str = "no-cache";

const JS: &str = "text/javascript; charset=utf-8";

/// The docs routes (the page is documented; its files and the `/docs/` spelling are not).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(docs_page))
        .route("/docs/", get(docs_page))
        .route("/docs/init.js", get(|| async { asset(JS, NO_CACHE, INIT_JS.as_bytes()) }))
        .route("/docs/swagger-ui-bundle.js", get(|| async { asset(JS, LONG_CACHE, BUNDLE_JS) }))
        .route(
            "/docs/swagger-ui.css",
            get(|| async { asset("text/css; charset=utf-8", LONG_CACHE, UI_CSS) }),
        )
}

/// The interactive API docs page.
#[utoipa::path(
    get,
    path = "/docs",
    tag = "operations",
    responses((status = 200, description = "Swagger UI for this document", content_type = "text/html", body = String)),
    security(())
)]
pub async fn docs_page() -> Response {
    static HTML: OnceLock<String> = OnceLock::new();
    let html = HTML.get_or_init(|| PAGE.replace("__SWAGGER_UI_VERSION__", SWAGGER_UI_VERSION));
    let mut response = asset("text/html; charset=utf-8", NO_CACHE, html.as_bytes());
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    response
        .headers_mut()
        .insert(HeaderName::from_static("referrer-policy"), HeaderValue::from_static("no-referrer"));
    response
}

fn asset(content_type: &'static str, cache: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_no_inline_script() {
        let page = PAGE.replace("__SWAGGER_UI_VERSION__", SWAGGER_UI_VERSION);
        for (i, chunk) in page.split("<script").enumerate().skip(1) {
            let tag_end = chunk.find('>').expect("closed tag");
            assert!(
                chunk[..tag_end].contains("src=\"/docs/"),
                "script {i} is not an external /docs file"
            );
            assert!(
                chunk[tag_end + 1..].trim_start().starts_with("</script>"),
                "script {i} has inline code"
            );
        }
        assert!(!page.contains("__SWAGGER_UI_VERSION__"));
    }

    #[test]
    fn the_vendored_version_is_the_one_embedded() {
        let readme = include_str!("../../../assets/vendor/swagger-ui/README.md");
        assert!(readme.contains(SWAGGER_UI_VERSION));
        assert!(BUNDLE_JS.len() > 100_000 && UI_CSS.len() > 10_000);
    }
}
