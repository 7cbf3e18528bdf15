//! The OpenAPI document the route modules' routers make together (`/openapi.json`):
//! every route of API.md is documented, with the right security, and every schema
//! reference resolves.

use serde_json::Value;

/// The served document.
fn document() -> Value {
    serde_json::to_value(auth_server::app::openapi::document()).unwrap()
}

const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("get", "/.well-known/jwks.json"),
];

const PROTECTED: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/fresh-login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/logout/access"),
    ("post", "/api/v1/auth/logout/refresh"),
    ("post", "/api/v1/auth/logout-all"),
    ("get", "/api/v1/auth/sessions"),
    ("delete", "/api/v1/auth/sessions/{id}"),
    ("put", "/api/v1/auth/password"),
    ("get", "/api/v1/users/me"),
    ("patch", "/api/v1/users/me"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/users/{id}"),
    ("patch", "/api/v1/users/{id}"),
    ("delete", "/api/v1/users/{id}"),
    ("put", "/api/v1/users/{id}/password"),
    ("get", "/api/v1/users/{id}/sessions"),
    ("delete", "/api/v1/users/{id}/sessions"),
    ("delete", "/api/v1/users/{id}/sessions/{session_id}"),
    ("get", "/api/v1/secret"),
    ("get", "/api/v1/optional"),
    ("get", "/api/v1/items"),
    ("post", "/api/v1/items"),
    ("delete", "/api/v1/items/{name}"),
];

#[test]
fn every_endpoint_is_documented_with_its_security() {
    let doc = document();
    let bearer = serde_json::json!({"bearer": []});
    for (method, path) in PROTECTED {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        let security = op["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{method} {path} has no security"));
        assert!(security.contains(&bearer), "{method} {path}: {security:?}");
        assert!(op["responses"]["200"].is_object() || op["responses"]["201"].is_object() || op["responses"]["204"].is_object());
    }
    for (method, path) in PUBLIC {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(
            !op["security"].as_array().unwrap().contains(&bearer),
            "{method} {path} needs no token"
        );
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_schema_reference_resolves() {
    let doc = document();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 20, "{found:?}");
    for reference in found {
        let name = reference.strip_prefix("#/components/schemas/").expect("a schema reference");
        assert!(doc["components"]["schemas"][name].is_object(), "{reference} is not defined");
    }
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                found.push((method.clone(), path.clone(), op));
            }
        }
    }
    found
}

#[test]
fn every_shared_answer_is_documented() {
    // schemathesis found statuses the handlers' annotations left out (e.g. 415 and 413 on
    // fresh-login, 400 on a bad `?transport=`): every operation documents what its
    // extractors and the middleware answer.
    let doc = document();
    let bearer = serde_json::json!({"bearer": []});
    let ops = operations(&doc);
    assert!(ops.len() > 25, "{}", ops.len());
    for (method, path, op) in ops {
        let responses = &op["responses"];
        let documented = |status: &str| {
            let body = &responses[status]["content"]["application/json"]["schema"];
            assert!(body.is_object(), "{method} {path}: no JSON body for {status}");
        };
        documented("503");
        if op["requestBody"].is_object() {
            ["400", "413", "415"].into_iter().for_each(documented);
        }
        if op["parameters"].as_array().is_some_and(|p| p.iter().any(|p| p["in"] == "query")) {
            documented("400");
        }
        if op["security"].as_array().is_some_and(|s| s.contains(&bearer)) {
            documented("401");
        }
    }
    // A handler's own description wins over the shared one.
    assert_eq!(
        doc["paths"]["/api/v1/auth/login"]["post"]["responses"]["401"]["description"],
        "Bad username or password"
    );
}

#[test]
fn token_responses_document_the_cookie_variant() {
    // With `?transport=cookie` the body carries CSRF values instead of the tokens.
    let doc = document();
    let one_of = |path: &str, method: &str, status: &str, name: &str| {
        let schema = &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
        let reference = schema["$ref"].as_str().unwrap_or_else(|| panic!("{path}: {schema}"));
        assert_eq!(reference, format!("#/components/schemas/{name}"));
        let variants = doc["components"]["schemas"][name]["oneOf"].to_string();
        assert!(variants.contains("CookieTokensResponse"), "{name}: {variants}");
    };
    one_of("/api/v1/auth/register", "post", "201", "PairOrCookies");
    one_of("/api/v1/auth/login", "post", "200", "PairOrCookies");
    one_of("/api/v1/auth/refresh", "post", "200", "PairOrCookies");
    one_of("/api/v1/auth/fresh-login", "post", "200", "AccessOrCookies");
}

#[test]
fn the_login_documents_its_device_cookie() {
    let doc = document();
    let set_cookie = &doc["paths"]["/api/v1/auth/login"]["post"]["responses"]["200"]["headers"]["Set-Cookie"];
    let description = set_cookie["description"].as_str().unwrap_or_else(|| panic!("{set_cookie}"));
    assert!(description.contains("login_device="), "{description}");
    assert!(description.contains("Path=/api/v1/auth/login"), "{description}");
}

/// The `(method, path)` pairs of the route table in `docs/api.md`: each row's first cell
/// lists methods in backticks, the last of a group followed by the path they share
/// (`` `GET`, `PATCH /api/v1/users/me` ``).
fn documented_routes() -> std::collections::BTreeSet<(String, String)> {
    let doc = include_str!("../../../../docs/api.md");
    let mut routes = std::collections::BTreeSet::new();
    for row in doc.lines().filter(|l| l.starts_with("| `")) {
        let first_cell = row.split('|').nth(1).unwrap_or_default();
        let mut methods = Vec::new();
        for item in first_cell.split('`').skip(1).step_by(2) {
            let mut words = item.split_whitespace();
            methods.push(words.next().unwrap_or_default().to_lowercase());
            if let Some(path) = words.next() {
                routes.extend(methods.drain(..).map(|m| (m, path.to_string())));
            }
        }
    }
    routes
}

#[test]
fn docs_api_md_lists_exactly_the_documented_api_routes() {
    let api_route = |path: &str| path.starts_with("/api/") || path.starts_with("/.well-known/");
    let documented: std::collections::BTreeSet<(String, String)> =
        documented_routes().into_iter().filter(|(_, path)| api_route(path)).collect();
    let mut in_openapi = std::collections::BTreeSet::new();
    for (path, item) in document()["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            in_openapi.insert((method.clone(), path.clone()));
        }
    }
    let in_openapi: std::collections::BTreeSet<_> = in_openapi.into_iter().filter(|(_, path)| api_route(path)).collect();
    assert!(documented.len() > 20, "the table was not found: {documented:?}");
    let missing: Vec<_> = in_openapi.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&in_openapi).collect();
    assert!(missing.is_empty(), "in /openapi.json but not in docs/api.md: {missing:?}");
    assert!(extra.is_empty(), "in docs/api.md but not in /openapi.json: {extra:?}");
}
