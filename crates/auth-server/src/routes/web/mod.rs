//! The web page served at `/`: sign in or up, the account, the sessions, the admin
//! console and the tutorials' items. Its files live in `assets/web/` (one HTML page, two
//! stylesheets, ES modules: no build step) and are embedded in the binary, so the page
//! needs nothing from the network; every response carries the strict headers of
//! `headers.rs`. The operator's page title and optional logo are filled in at start-up
//! (`page.rs`).

mod headers;
mod page;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::header;

pub use crate::settings::Logo;

use crate::settings::Settings;
use crate::state::AppState;

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every file under `/web/`: (name, content type, contents).
const ASSETS: [(&str, &str, &str); 14] = [
    ("app.css", CSS, include_str!("../../../assets/web/app.css")),
    ("parts.css", CSS, include_str!("../../../assets/web/parts.css")),
    ("app.js", JS, include_str!("../../../assets/web/app.js")),
    ("account.js", JS, include_str!("../../../assets/web/account.js")),
    ("admin.js", JS, include_str!("../../../assets/web/admin.js")),
    ("api.js", JS, include_str!("../../../assets/web/api.js")),
    ("i18n.js", JS, include_str!("../../../assets/web/i18n.js")),
    ("items.js", JS, include_str!("../../../assets/web/items.js")),
    ("sessions.js", JS, include_str!("../../../assets/web/sessions.js")),
    ("signin.js", JS, include_str!("../../../assets/web/signin.js")),
    ("strings.js", JS, include_str!("../../../assets/web/strings.js")),
    ("sync.js", JS, include_str!("../../../assets/web/sync.js")),
    ("ui.js", JS, include_str!("../../../assets/web/ui.js")),
    ("validate.js", JS, include_str!("../../../assets/web/validate.js")),
];

/// The web page routes, with the configured title and logo.
pub fn router(settings: &Settings) -> Router<AppState> {
    pages(&settings.page_title, settings.page_logo.as_ref())
}

/// The routes, for any router state (they use none), with the security headers.
fn pages<S: Clone + Send + Sync + 'static>(title: &str, logo: Option<&Logo>) -> Router<S> {
    let html = page::render(title, logo.is_some());
    let mut routes = Router::new().route("/", get(move || async move { asset("text/html; charset=utf-8", html) }));
    for (name, content_type, body) in ASSETS {
        routes = routes.route(&format!("/web/{name}"), get(move || async move { asset(content_type, body) }));
    }
    if let Some(logo) = logo.cloned() {
        routes = routes.route(page::LOGO_PATH, get(move || async move { asset(logo.content_type, logo.bytes) }));
    }
    headers::secure(routes)
}

/// An embedded file; re-validated on every load so an upgraded server serves its own page.
fn asset(content_type: &'static str, body: impl IntoResponse) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

#[cfg(test)]
mod tests;
