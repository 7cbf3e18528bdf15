//! The web routes answer with the embedded files, their content types and the strict
//! security headers; the page loads only its own files; the operator's title is escaped
//! and the logo is served only when configured.

use axum::body::{Body, Bytes};
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::routes::web::headers::{CONTENT_SECURITY_POLICY, HEADERS};
use crate::routes::web::page::{LOGO_PATH, render};
use crate::routes::web::{ASSETS, pages};
use crate::settings::{Logo, MAX_LOGO_BYTES};

async fn get_from(title: &str, logo: Option<&Logo>, path: &str) -> (StatusCode, http::HeaderMap, Bytes) {
    let request = Request::get(path).body(Body::empty()).expect("request");
    let response = pages::<()>(title, logo).oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.expect("body").to_bytes())
}

async fn get(path: &str) -> (StatusCode, http::HeaderMap, String) {
    let (status, headers, body) = get_from("auth-server", None, path).await;
    (status, headers, String::from_utf8(body.to_vec()).expect("utf-8"))
}

fn assert_secure(headers: &http::HeaderMap, path: &str) {
    for (name, value) in &HEADERS {
        assert_eq!(headers.get(name).map(|v| v.to_str().unwrap()), Some(*value), "{path} {name}");
    }
}

#[tokio::test]
async fn the_page_and_assets_have_types_and_security_headers() {
    let (status, headers, text) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(text, render("auth-server", false));
    assert_secure(&headers, "/");
    for (name, content_type, body) in ASSETS {
        let path = format!("/web/{name}");
        let (status, headers, text) = get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], content_type, "{path}");
        assert_eq!(text, body, "{path}");
        assert_secure(&headers, &path);
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
    for path in ["/web/other.js", LOGO_PATH, "/web/"] {
        let (status, _, _) = get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[test]
fn the_page_loads_only_its_own_files_and_has_no_inline_code() {
    let page = render("auth-server", false);
    for chunk in page.split("<script").skip(1) {
        let tag = &chunk[..chunk.find('>').expect("closed tag")];
        assert!(tag.contains("src=\"/web/app.js\""), "unexpected script tag {tag}");
        assert!(chunk[tag.len() + 1..].trim_start().starts_with("</script>"), "inline script");
    }
    assert!(!page.contains("<style") && !page.contains(" style="), "inline style");
    assert!(!has_event_handler_attribute(&page), "inline event handler");
    assert!(
        !page.contains("{{") && !page.contains("<img"),
        "unfilled mark or a logo nobody configured"
    );
    for (name, _, text) in ASSETS.iter().chain([&("index.html", "", page.as_str())]) {
        assert!(!text.contains("http://") && !text.contains("https://"), "{name}: a remote address");
    }
}

#[test]
fn the_scripts_import_only_served_modules_and_never_use_web_storage_or_markup() {
    let served: Vec<&str> = ASSETS.iter().map(|(name, _, _)| *name).collect();
    for (name, _, text) in ASSETS.iter().filter(|(name, _, _)| name.ends_with(".js")) {
        for line in text.lines().filter(|line| line.starts_with("import ")) {
            let module = line
                .rsplit("from '")
                .next()
                .and_then(|rest| rest.split('\'').next())
                .expect("a from clause");
            let file = module
                .strip_prefix("./")
                .unwrap_or_else(|| panic!("{name}: non-relative import {module}"));
            assert!(served.contains(&file), "{name} imports {module}, which is not served");
        }
        for forbidden in [
            "localStorage",
            "sessionStorage",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "eval(",
            "new Function",
        ] {
            assert!(!text.contains(forbidden), "{name} uses {forbidden}");
        }
    }
}

#[tokio::test]
async fn the_title_is_escaped_everywhere_it_appears() {
    let (_, _, body) = get_from("Ops <b>&\"'", None, "/").await;
    let page = String::from_utf8(body.to_vec()).unwrap();
    assert_eq!(
        page.matches("Ops &lt;b&gt;&amp;&quot;&#39;").count(),
        2,
        "the <title> and the header"
    );
    assert!(!page.contains("<b>"));
}

#[tokio::test]
async fn a_configured_logo_is_served_from_this_origin_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("logo.svg");
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>"#;
    std::fs::write(&path, svg).unwrap();
    let logo = Logo::load(&path).expect("a valid logo");
    let (status, headers, body) = get_from("auth-server", Some(&logo), LOGO_PATH).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
    assert_eq!(body, svg.as_bytes());
    assert_secure(&headers, LOGO_PATH);
    let (_, _, page) = get_from("auth-server", Some(&logo), "/").await;
    assert!(
        String::from_utf8(page.to_vec())
            .unwrap()
            .contains(r#"<img src="/web/logo" alt="">"#)
    );
}

#[test]
fn a_logo_of_an_unknown_type_too_large_or_missing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("logo.txt");
    std::fs::write(&text, "hello").unwrap();
    let huge = dir.path().join("logo.png");
    std::fs::write(&huge, vec![0_u8; MAX_LOGO_BYTES + 1]).unwrap();
    for (path, expected) in [(text, ".png, .jpg"), (huge, "at most"), (dir.path().join("none.png"), "reading")] {
        let error = format!("{:#}", Logo::load(&path).expect_err("refused"));
        assert!(error.contains(expected), "{error}");
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
