//! The OpenAPI fragments the endpoint modules export (merged into `/openapi.json` by the
//! ops module): every route of API.md is documented, with the right security, and every
//! schema reference resolves.

use serde_json::Value;

fn merged() -> Value {
    let mut doc = auth_server::auth::openapi();
    doc.merge(auth_server::users::openapi());
    doc.merge(auth_server::items::openapi());
    serde_json::to_value(&doc).unwrap()
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
    ("get", "/api/v1/secret"),
    ("get", "/api/v1/optional"),
    ("get", "/api/v1/items"),
    ("post", "/api/v1/items"),
    ("delete", "/api/v1/items/{name}"),
];

#[test]
fn every_endpoint_is_documented_with_its_security() {
    let doc = merged();
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
    let doc = merged();
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 20, "{found:?}");
    for reference in found {
        let name = reference.strip_prefix("#/components/schemas/").expect("a schema reference");
        assert!(doc["components"]["schemas"][name].is_object(), "{reference} is not defined");
    }
}
