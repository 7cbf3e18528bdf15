//! Browser-facing security headers: HSTS when cookies are marked `Secure` (the server is
//! then known to be reached over HTTPS), and CORS only for the exact origins the operator
//! listed, with credentials allowed only for them. Without origins no CORS header is sent,
//! so browsers keep the same-origin policy.

use http::header::{AUTHORIZATION, CONTENT_TYPE, STRICT_TRANSPORT_SECURITY};
use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::settings::Settings;

/// One year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// `Strict-Transport-Security` on every response, when `cookie_secure` is on.
pub fn hsts(settings: &Settings) -> Option<SetResponseHeaderLayer<HeaderValue>> {
    settings
        .cookie_secure
        .then(|| SetResponseHeaderLayer::overriding(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS)))
}

/// CORS for the configured origins (`None` when there are none). Origins were checked
/// when the settings were resolved.
pub fn cors(settings: &Settings) -> Option<CorsLayer> {
    if settings.cors_origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = settings.cors_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
            .allow_headers([AUTHORIZATION, CONTENT_TYPE, HeaderName::from_static("x-csrf-token")]),
    )
}
