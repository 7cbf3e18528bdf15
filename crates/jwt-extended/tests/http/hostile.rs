//! Hostile input: every malformed request or token is a 4xx JSON answer, never a 500 or a
//! panic (huge tokens, non-boolean `fresh`, JSON arrays, invalid UTF-8, duplicate keys,
//! non-string claims, broken base64 and JSON).

use jwt_extended::{Algorithm, TokenLocation};
use serde_json::json;

use crate::support::{Reply, SECRET, app, builder, claims_for, claims_with, craft, craft_raw, fetch, get, get_protected, manager, post};

/// Asserts a 4xx JSON error and returns its message.
#[track_caller]
fn client_error(reply: &Reply) -> String {
    assert!(reply.status.is_client_error(), "status {} body {:?}", reply.status, reply.body);
    reply.msg()
}

fn raw(header: &str, payload: &str) -> String {
    craft_raw(header.as_bytes(), payload.as_bytes(), Algorithm::HS256, SECRET.as_bytes())
}

#[tokio::test]
async fn huge_tokens_are_refused_before_parsing() {
    let jwt = manager();
    let big = craft(&claims_with("alice", &json!({ "pad": "x".repeat(10_000) })));
    get_protected(&jwt, &big).await.assert_error(401, "Token is too large");
    let roomy = builder().max_token_bytes(64 * 1024).build().unwrap();
    get_protected(&roomy, &big).await.assert_ok_as("alice");
    let absurd = "A".repeat(200_000);
    client_error(&get_protected(&jwt, &absurd).await);
}

#[tokio::test]
async fn non_boolean_fresh_is_never_fresh() {
    let jwt = manager();
    let app = app(&jwt);
    for fresh in [json!("yes"), json!(null), json!({ "until": 1 }), json!([true])] {
        let mut claims = claims_for("alice");
        claims["fresh"] = fresh;
        let token = craft(&claims);
        fetch(&app, "/fresh", &token).await.assert_error(401, "Fresh token required");
        fetch(&app, "/protected", &token).await.assert_ok_as("alice");
    }
}

#[tokio::test]
async fn json_bodies_that_are_not_objects_hold_no_token() {
    let jwt = builder().token_locations([TokenLocation::Json]).build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    for body in [json!([{ "access_token": token }]), json!("text"), json!(5)] {
        post("/protected")
            .json(&body)
            .send(&app(&jwt))
            .await
            .assert_error(401, "Missing \"access_token\" key in json data.");
    }
    let reply = post("/protected").body("application/json", "{not json").send(&app(&jwt)).await;
    reply.assert_error(401, "Missing \"access_token\" key in json data.");
}

#[tokio::test]
async fn invalid_utf8_in_the_authorization_header() {
    let reply = get("/protected")
        .header("authorization", b"Bearer \xff\xfe")
        .send(&app(&manager()))
        .await;
    reply.assert_error(401, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'");
}

#[tokio::test]
async fn invalid_utf8_in_cookies_counts_as_missing() {
    let jwt = builder().token_locations([TokenLocation::Cookies]).build().unwrap();
    let reply = get("/protected")
        .header("cookie", b"access_token_cookie=\xff")
        .send(&app(&jwt))
        .await;
    reply.assert_error(401, "Missing cookie \"access_token_cookie\"");
}

#[tokio::test]
async fn duplicate_claim_keys_are_refused() {
    let now = crate::support::now();
    let token = raw(
        r#"{"alg":"HS256"}"#,
        &format!(r#"{{"sub":"alice","sub":"admin","exp":{}}}"#, now + 60),
    );
    let msg = client_error(&get_protected(&manager(), &token).await);
    assert!(msg.starts_with("Invalid payload string: duplicate key"), "{msg}");
    let token = raw(r#"{"alg":"HS256","alg":"none"}"#, &claims_for("alice").to_string());
    let msg = client_error(&get_protected(&manager(), &token).await);
    assert!(msg.starts_with("Invalid header string: duplicate key"), "{msg}");
}

#[tokio::test]
async fn payloads_that_are_not_objects() {
    for payload in ["[1]", "\"alice\"", "null"] {
        let reply = get_protected(&manager(), &raw(r#"{"alg":"HS256"}"#, payload)).await;
        reply.assert_error(401, "Invalid payload string: must be a json object");
    }
    let msg = client_error(&get_protected(&manager(), &raw(r#"{"alg":"HS256"}"#, "{broken")).await);
    assert!(msg.starts_with("Invalid payload string: "), "{msg}");
}

#[tokio::test]
async fn time_claims_of_the_wrong_type() {
    let cases = [
        ("exp", json!("tomorrow"), "Expiration Time claim (exp) must be an integer."),
        ("nbf", json!([1]), "Not Before claim (nbf) must be an integer."),
        ("iat", json!({}), "Issued At claim (iat) must be an integer."),
        ("jti", json!(5), "JWT ID must be a string"),
    ];
    for (claim, value, msg) in cases {
        let token = craft(&claims_with("alice", &json!({ claim: value })));
        get_protected(&manager(), &token).await.assert_error(401, msg);
    }
}

#[tokio::test]
async fn broken_segments_and_base64() {
    let jwt = manager();
    let good = jwt.create_access_token("alice").unwrap();
    let (header, rest) = good.split_once('.').unwrap();
    let cases = [
        ("..".to_string(), "Invalid header string: "),
        (header.to_string(), "Not enough segments"),
        (format!("!!!.{rest}"), "Invalid header padding"),
        (format!("{header}.***.sig"), "Invalid payload padding"),
        (format!("{good}==="), "Invalid crypto padding"),
    ];
    for (token, prefix) in cases {
        let msg = client_error(&get_protected(&jwt, &token).await);
        assert!(msg.starts_with(prefix), "{token}: {msg}");
    }
}

#[tokio::test]
async fn unsupported_critical_header_extensions() {
    let token = raw(r#"{"alg":"HS256","crit":["exp"]}"#, &claims_for("alice").to_string());
    get_protected(&manager(), &token)
        .await
        .assert_error(401, "Unsupported critical extension: exp");
    let token = raw(r#"{"alg":"HS256","crit":[]}"#, &claims_for("alice").to_string());
    get_protected(&manager(), &token)
        .await
        .assert_error(401, "Invalid 'crit' header: must be a non-empty list");
}

#[tokio::test]
async fn deeply_nested_payload_is_refused_without_overflowing() {
    let nested = format!(r#"{{"sub":"alice","x":{}1{}}}"#, "[".repeat(5000), "]".repeat(5000));
    let jwt = builder().max_token_bytes(64 * 1024).build().unwrap();
    let msg = client_error(&get_protected(&jwt, &raw(r#"{"alg":"HS256"}"#, &nested)).await);
    assert!(msg.starts_with("Invalid payload string: "), "{msg}");
}

#[tokio::test]
async fn object_sub_is_refused() {
    let token = craft(&claims_with("alice", &json!({ "sub": { "id": 1 } })));
    get_protected(&manager(), &token)
        .await
        .assert_error(401, "Subject must be a string");
}
