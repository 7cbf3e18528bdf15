//! The attack suite, part one: forged and tampered tokens sent to the running server.
//! Each case is refused with a 4xx and FJE's exact message, and where a header could be
//! mistaken for "refused because present" a control shows the same header is ignored
//! when the signature is genuine. Part two (`attacks_state.rs`) covers key configuration,
//! token types and revocation.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::forge::{Template, b64, hs256, server_secret, sign, sign_raw};
use crate::helpers::{TestApp, s, spawn_app};

/// A server, alice's real access token and the server's HMAC secret.
pub async fn alice() -> (TestApp, String, Vec<u8>) {
    let app = spawn_app().await;
    let pair = app.register("alice").await;
    let secret = server_secret(&app);
    (app, s(&pair, "access_token"), secret)
}

/// Asserts that an answer is a 401 with exactly `msg`.
pub fn assert_401((status, body): (StatusCode, Value), msg: &str) {
    assert_eq!((status, body["msg"].as_str()), (StatusCode::UNAUTHORIZED, Some(msg)), "{body}");
}

/// Sends `token` as a bearer token to `/api/v1/secret` and asserts a 401 with `msg`.
pub async fn assert_refused(app: &TestApp, token: &str, msg: &str) {
    assert_401(app.get("/api/v1/secret", token).await, msg);
}

/// Like [`assert_refused`], for messages with a fixed start and a parser-given end.
async fn assert_refused_starting(app: &TestApp, token: &str, start: &str) {
    let (status, body) = app.get("/api/v1/secret", token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let msg = body["msg"].as_str().unwrap_or_default();
    assert!(msg.starts_with(start), "{msg:?} does not start with {start:?}");
}

async fn assert_accepted(app: &TestApp, token: &str) {
    let (status, body) = app.get("/api/v1/secret", token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn alg_none_is_refused_in_every_spelling() {
    let (app, token, _) = alice().await;
    let t = Template::of(&token);
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = t.header_with("alg", json!(alg));
        let unsigned = format!("{}.{}.", b64(header.to_string().as_bytes()), b64(t.claims.to_string().as_bytes()));
        assert_refused(&app, &unsigned, "The specified alg value is not allowed").await;
    }
}

#[tokio::test]
async fn kid_values_that_name_no_server_key_are_refused() {
    let (app, token, secret) = alice().await;
    let t = Template::of(&token);
    // The classic `kid` attacks sign with a key the attacker can guess: the empty file.
    for kid in [
        "../../etc/passwd",
        "../../../../../../dev/null",
        "' OR 1=1 --",
        "hs-0000000000000000",
    ] {
        let header = t.header_with("kid", json!(kid));
        for key in [&b""[..], b"attacker"] {
            assert_refused(&app, &sign(key, &header, &t.claims), "Signature verification failed").await;
        }
    }
    // Even the real secret does not help a token that names another key.
    let unknown = t.header_with("kid", json!("hs-0000000000000000"));
    assert_refused(&app, &sign(&secret, &unknown, &t.claims), "Signature verification failed").await;
    assert_accepted(&app, &sign(&secret, &t.header, &t.claims)).await;
}

#[tokio::test]
async fn jku_x5u_and_embedded_jwk_headers_are_ignored() {
    let (app, token, secret) = alice().await;
    let t = Template::of(&token);
    let attacker = b"attacker secret, published in the attacker's JWKS";
    let pointers = [
        ("jku", json!("http://127.0.0.1:9/attacker-jwks.json")),
        ("x5u", json!("http://127.0.0.1:9/attacker.pem")),
        ("jwk", json!({"kty": "oct", "k": b64(attacker)})),
    ];
    for (name, value) in pointers {
        let header = t.header_with(name, value);
        assert_refused(&app, &sign(attacker, &header, &t.claims), "Signature verification failed").await;
        // With the server's own signature the header changes nothing: it is not read.
        assert_accepted(&app, &sign(&secret, &header, &t.claims)).await;
    }
}

#[tokio::test]
async fn broken_signatures_are_refused() {
    let (app, token, _) = alice().await;
    let (input, signature) = token.rsplit_once('.').unwrap();
    assert_refused(&app, &format!("{input}."), "Signature verification failed").await;
    // 40 of 43 characters: still valid base64url, three bytes short.
    assert_refused(&app, &format!("{input}.{}", &signature[..40]), "Signature verification failed").await;
    let mut bytes = base64_decode(signature);
    for bit in [0, 7, 100, 255] {
        bytes[bit / 8] ^= 1 << (bit % 8);
        assert_refused(&app, &format!("{input}.{}", b64(&bytes)), "Signature verification failed").await;
        bytes[bit / 8] ^= 1 << (bit % 8);
    }
    assert_accepted(&app, &format!("{input}.{}", b64(&bytes))).await;
}

#[tokio::test]
async fn an_edited_payload_with_the_old_signature_is_refused() {
    let (app, token, _) = alice().await;
    let t = Template::of(&token);
    let (_, signature) = token.rsplit_once('.').unwrap();
    for (claim, value) in [("is_admin", json!(true)), ("role", json!("admin")), ("sub", json!("2"))] {
        let edited = t.claims_with(claim, value);
        let forged = format!(
            "{}.{}.{signature}",
            b64(t.header.to_string().as_bytes()),
            b64(edited.to_string().as_bytes())
        );
        assert_refused(&app, &forged, "Signature verification failed").await;
    }
}

#[tokio::test]
async fn time_claims_are_enforced() {
    let (app, token, secret) = alice().await;
    let t = Template::of(&token);
    let now = t.claims["iat"].as_i64().unwrap();
    let cases = [
        ("exp", now - 10, "Token has expired"),
        ("nbf", now + 3600, "The token is not yet valid (nbf)"),
        ("iat", now + 3600, "The token is not yet valid (iat)"),
    ];
    for (claim, value, msg) in cases {
        assert_refused(&app, &sign(&secret, &t.header, &t.claims_with(claim, json!(value))), msg).await;
    }
}

#[tokio::test]
async fn a_huge_token_is_refused_before_parsing() {
    let (app, token, _) = alice().await;
    let huge = format!("{token}{}", "A".repeat(20 * 1024));
    assert_refused(&app, &huge, "Token is too large").await;
    // Through the JSON body too (the refresh endpoint reads `refresh_token` there).
    let answer = app
        .call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": huge })))
        .await;
    assert_401(answer, "Token is too large");
}

#[tokio::test]
async fn a_non_string_subject_is_refused() {
    let (app, token, secret) = alice().await;
    let t = Template::of(&token);
    for sub in [json!(1), json!(["1"]), json!({"id": "1"}), Value::Null] {
        assert_refused(
            &app,
            &sign(&secret, &t.header, &t.claims_with("sub", sub)),
            "Subject must be a string",
        )
        .await;
    }
}

#[tokio::test]
async fn duplicate_keys_and_invalid_utf8_are_refused() {
    let (app, token, secret) = alice().await;
    let t = Template::of(&token);
    let header = t.header.to_string();
    // `{"sub":"2", ...real claims}`: a last-wins parser would see alice, a first-wins one
    // user 2; neither may see a valid token.
    let claims = t.claims.to_string();
    let duplicated = format!("{{\"sub\":\"2\",{}", &claims[1..]);
    assert_refused_starting(
        &app,
        &sign_raw(&secret, header.as_bytes(), duplicated.as_bytes()),
        "Invalid payload string: duplicate key \"sub\"",
    )
    .await;
    let mut invalid_utf8 = claims.replace("alice", "al\u{1}ce").into_bytes();
    let at = invalid_utf8.iter().position(|&b| b == 1).unwrap();
    invalid_utf8[at] = 0xff;
    assert_refused_starting(
        &app,
        &sign_raw(&secret, header.as_bytes(), &invalid_utf8),
        "Invalid payload string: ",
    )
    .await;
}

#[tokio::test]
async fn base64_padding_tricks_are_refused() {
    let (app, token, _) = alice().await;
    let parts: Vec<&str> = token.split('.').collect();
    let with = |i: usize, text: String| {
        let mut p: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        p[i] = text;
        p.join(".")
    };
    // `=` runs appended: more padding than the segment's length allows.
    let cases = [
        (0, "Invalid header padding"),
        (1, "Invalid payload padding"),
        (2, "Invalid crypto padding"),
    ];
    for (i, msg) in cases {
        assert_refused(&app, &with(i, format!("{}===", parts[i])), msg).await;
        let padded = format!("{}{}", parts[i], "=".repeat((4 - parts[i].len() % 4) % 4));
        assert_refused(&app, &with(i, format!("{padded}==")), msg).await;
        if i == 2 && padded.len() != parts[i].len() {
            // Exactly the right padding on the signature is accepted, as PyJWT does (on
            // the header or payload it changes the signed bytes).
            assert_accepted(&app, &with(i, padded)).await;
        }
    }
    // A signature whose last character carries non-zero spare bits (43 characters hold
    // 258 bits for 256): the same bytes to a lenient decoder, refused here.
    let signature = parts[2];
    assert_eq!(signature.len(), 43);
    let last = signature.as_bytes()[42];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.iter().position(|&c| c == last).unwrap();
    let non_canonical = format!("{}{}", &signature[..42], alphabet[index | 1] as char);
    assert_refused(&app, &with(2, non_canonical), "Invalid crypto padding").await;
}

#[tokio::test]
async fn critical_extensions_are_refused() {
    let (app, token, secret) = alice().await;
    let t = Template::of(&token);
    for ext in ["exp", "b64", "urn:example:attacker"] {
        let header = t.header_with("crit", json!([ext]));
        assert_refused(
            &app,
            &sign(&secret, &header, &t.claims),
            &format!("Unsupported critical extension: {ext}"),
        )
        .await;
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap()
}

#[test]
fn the_forger_matches_a_known_hs256_vector() {
    // The well-known HMAC-SHA256 test vector, base64url-encoded.
    assert_eq!(
        hs256(b"key", "The quick brown fox jumps over the lazy dog"),
        "97yD9DBThCSxMpjmqm-xQ-9NWaFJRhdZl0edvC0aPNg"
    );
}
