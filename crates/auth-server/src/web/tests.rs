//! The web routes answer with the embedded files, their content types and the strict
//! security headers, and the page loads only its own files.

use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::headers::{CONTENT_SECURITY_POLICY, HEADERS};
use super::{APP_CSS, APP_JS, PAGE, pages};

async fn get(path: &str) -> (StatusCode, http::HeaderMap, String) {
    let request = Request::get(path).body(Body::empty()).expect("request");
    let response = pages::<()>().oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    (parts.status, parts.headers, String::from_utf8(bytes.to_vec()).expect("utf-8"))
}

#[tokio::test]
async fn the_page_and_assets_have_types_and_security_headers() {
    for (path, content_type, body) in [
        ("/", "text/html; charset=utf-8", PAGE),
        ("/web/app.js", "text/javascript; charset=utf-8", APP_JS),
        ("/web/app.css", "text/css; charset=utf-8", APP_CSS),
    ] {
        let (status, headers, text) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], content_type, "{path}");
        assert_eq!(text, body, "{path}");
        for (name, value) in &HEADERS {
            assert_eq!(headers.get(name).map(|v| v.to_str().unwrap()), Some(*value), "{path} {name}");
        }
    }
}

#[tokio::test]
async fn the_policy_forbids_inline_code_framing_and_other_hosts() {
    let (_, headers, _) = get("/").await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert_eq!(csp, CONTENT_SECURITY_POLICY);
    assert!(!csp.contains("unsafe"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self';"));
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
}

#[tokio::test]
async fn other_paths_are_not_served_here() {
    let (status, _, _) = get("/web/other.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn the_page_loads_only_its_own_files_and_has_no_inline_code() {
    for chunk in PAGE.split("<script").skip(1) {
        let tag = &chunk[..chunk.find('>').expect("closed tag")];
        assert!(tag.contains("src=\"/web/app.js\""), "unexpected script tag {tag}");
        assert!(chunk[tag.len() + 1..].trim_start().starts_with("</script>"), "inline script");
    }
    assert!(!PAGE.contains("<style") && !PAGE.contains(" style="), "inline style");
    assert!(!has_event_handler_attribute(PAGE), "inline event handler");
    for text in [PAGE, APP_JS, APP_CSS] {
        assert!(!text.contains("http://") && !text.contains("https://"), "a remote address");
    }
    for forbidden in ["localStorage", "sessionStorage", "innerHTML", "eval("] {
        assert!(!APP_JS.contains(forbidden), "app.js uses {forbidden}");
    }
}

/// Whether `html` has an attribute like ` onclick=`.
fn has_event_handler_attribute(html: &str) -> bool {
    html.match_indices(" on").any(|(i, _)| {
        let rest = &html[i + 3..];
        let name_len = rest.chars().take_while(char::is_ascii_lowercase).count();
        name_len > 0 && rest[name_len..].starts_with('=')
    })
}

#[test]
fn event_handler_attributes_are_recognised() {
    assert!(has_event_handler_attribute("<button onclick=\"x()\">"));
    assert!(!has_event_handler_attribute("<p>log on to see it</p>"));
}
