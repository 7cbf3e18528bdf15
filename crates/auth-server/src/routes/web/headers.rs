//! The security headers of the web page and its assets: a Content-Security-Policy that
//! allows only this origin's own script, style and API (no inline code, no framing, no
//! third-party hosts), plus the classic anti-framing, referrer and sniffing headers.

use axum::Router;
use http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The page's policy: everything from this origin only, nothing inline, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Every header set on the web routes, as (name, value).
pub const HEADERS: [(HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
];

/// `routes` with [`HEADERS`] set on every response (replacing any a handler set).
pub fn secure<S: Clone + Send + Sync + 'static>(routes: Router<S>) -> Router<S> {
    HEADERS.into_iter().fold(routes, |routes, (name, value)| {
        routes.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)))
    })
}
