//! `/openapi.json` serves every documented endpoint plus the operations paths, and `/docs` (Swagger UI, served
//! from the binary) loads with all its assets under a strict Content-Security-Policy.

use serde_json::Value;

use crate::helpers::spawn;

/// The operations rows of API.md. (`GET /`, the web page, belongs to the web page issue;
/// the endpoint rows are pinned to API.md by `tests/api/openapi.rs`.)
const OPERATIONS: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
    ("get", "/docs"),
];

/// Every (method, path) the endpoint modules' routers document.
fn endpoint_operations() -> Vec<(String, String)> {
    let mut fragments = auth_server::routes::auth::router().into_openapi();
    fragments.merge(auth_server::routes::users::router().into_openapi());
    fragments.merge(auth_server::routes::items::router().into_openapi());
    let fragments = serde_json::to_value(&fragments).unwrap();
    let mut operations = Vec::new();
    for (path, item) in fragments["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push((method.clone(), path.clone()));
        }
    }
    operations
}

#[tokio::test]
async fn the_served_document_has_every_endpoint_and_operations_path() {
    let app = spawn().await;
    let response = app.client.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["title"], "auth-server");

    let endpoints = endpoint_operations();
    assert!(endpoints.len() >= 23, "the endpoint fragments shrank: {endpoints:?}");
    let operations = OPERATIONS.iter().map(|(m, p)| (m.to_string(), p.to_string()));
    let missing: Vec<String> = endpoints
        .iter()
        .cloned()
        .chain(operations)
        .filter(|(method, path)| doc["paths"][path][method].is_null())
        .map(|(method, path)| format!("{} {path}", method.to_uppercase()))
        .collect();
    assert!(missing.is_empty(), "not in /openapi.json: {missing:?}");

    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["type"], "http");
    assert_eq!(scheme["scheme"], "bearer");
    assert!(doc["paths"]["/api/v1/secret"]["get"]["security"].to_string().contains("bearer"));
    assert_eq!(
        doc["paths"]["/healthz"]["get"]["security"],
        serde_json::json!([{}]),
        "probes need no token"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_docs_page_and_its_assets_load_from_the_server() {
    let app = spawn().await;
    let page = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"), "{csp}");
    assert!(
        !csp.split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline"))
    );
    let html = page.text().await.unwrap();

    // Every script and stylesheet the page references is served by this server.
    let references: Vec<&str> = html.split(['"', '\'']).filter(|s| s.starts_with("/docs/")).collect();
    assert!(references.len() >= 3, "{references:?}");
    for reference in references {
        let asset = app.client.get(app.url(reference)).send().await.unwrap();
        assert_eq!(asset.status(), 200, "{reference}");
        let content_type = asset.headers()["content-type"].to_str().unwrap().to_string();
        let cache = asset.headers()["cache-control"].to_str().unwrap().to_string();
        let body = asset.bytes().await.unwrap();
        if reference.contains("swagger-ui-bundle.js") {
            assert!(content_type.starts_with("text/javascript"));
            assert!(cache.contains("immutable"), "{cache}");
            assert!(body.len() > 100_000);
        } else if reference.contains(".css") {
            assert!(content_type.starts_with("text/css"));
            assert!(cache.contains("immutable"), "{cache}");
        } else {
            assert!(content_type.starts_with("text/javascript"));
            assert!(String::from_utf8_lossy(&body).contains("/openapi.json"));
        }
    }
    app.stop().await;
}
