//! The web page served at `/` (register, log in, who am I, sessions, log out). Its three
//! files live in `assets/web/` and are embedded in the binary, so the page needs nothing
//! from the network; every response carries the strict headers of [`headers`].

mod headers;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::header;

use crate::state::AppState;

const PAGE: &str = include_str!("../../assets/web/index.html");
const APP_JS: &str = include_str!("../../assets/web/app.js");
const APP_CSS: &str = include_str!("../../assets/web/app.css");

/// The web page routes.
pub fn router() -> Router<AppState> {
    pages()
}

/// The routes, for any router state (they use none), with the security headers.
fn pages<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let routes = Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", PAGE) }))
        .route("/web/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/web/app.css", get(|| async { asset("text/css; charset=utf-8", APP_CSS) }));
    headers::secure(routes)
}

/// An embedded file; re-validated on every load so an upgraded server serves its own page.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], body).into_response()
}

#[cfg(test)]
mod tests;
