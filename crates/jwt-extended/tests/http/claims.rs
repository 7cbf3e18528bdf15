//! The claims written and checked: FJE's default claim set, audience, issuer, leeway,
//! `nbf`/`iat`/`exp`, a custom identity claim, identity and additional claims/headers
//! loaders, and what the handler sees (FJE `get_jwt()` defaults).

use std::borrow::Cow;
use std::time::Duration;

use jwt_extended::{Identity, JwtManager, Lifetime, TokenError};
use serde_json::{Map, Value, json};

use crate::support::{app, builder, claims_with, craft, get, get_protected, manager, now};

async fn claims_seen(jwt: &JwtManager, token: &str) -> Value {
    get("/claims").bearer(token).send(&app(jwt)).await.json()
}

fn is_uuid(value: &Value) -> bool {
    value.as_str().is_some_and(|s| uuid::Uuid::try_parse(s).is_ok())
}

#[tokio::test]
async fn default_claims_are_flasks() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    let seen = claims_seen(&jwt, &token).await;
    let claims = seen["jwt"].as_object().unwrap();
    let mut names: Vec<&str> = claims.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["csrf", "exp", "fresh", "iat", "jti", "nbf", "sub", "type"]);
    assert_eq!(
        (claims["fresh"].clone(), claims["type"].clone(), claims["sub"].clone()),
        (json!(false), json!("access"), json!("alice"))
    );
    assert!(is_uuid(&claims["jti"]) && is_uuid(&claims["csrf"]));
    let iat = claims["iat"].as_i64().unwrap();
    assert!((iat - now()).abs() <= 2);
    assert_eq!((claims["nbf"].as_i64(), claims["exp"].as_i64()), (Some(iat), Some(iat + 900)));
    assert_eq!(seen["header"], json!({ "alg": "HS256", "typ": "JWT" }));
    assert_eq!(seen["location"], "headers");
}

#[tokio::test]
async fn missing_optional_claims_get_flasks_defaults() {
    let token = craft(&json!({ "sub": "alice" }));
    let seen = claims_seen(&manager(), &token).await;
    assert_eq!(
        seen["jwt"],
        json!({ "sub": "alice", "type": "access", "fresh": false, "jti": null })
    );
}

#[tokio::test]
async fn issued_token_reports_what_it_wrote() {
    let jwt = manager();
    let issued = jwt.access_token("alice").session("s-9").issue().unwrap();
    let claims = jwt.decode_token(&issued.token).unwrap().claims;
    assert_eq!(claims.jti(), Some(issued.jti.as_str()));
    assert_eq!(claims.csrf(), issued.csrf.as_deref());
    assert_eq!(claims.session_id(), Some("s-9"));
    assert_eq!(
        (claims.issued_at(), claims.expires_at()),
        (Some(issued.issued_at), issued.expires_at)
    );
}

#[tokio::test]
async fn encode_nbf_off_writes_no_nbf() {
    let jwt = builder().encode_nbf(false).build().unwrap();
    let seen = claims_seen(&jwt, &jwt.create_access_token("alice").unwrap()).await;
    assert!(seen["jwt"].get("nbf").is_none());
}

#[tokio::test]
async fn unlimited_lifetime_writes_no_exp() {
    let jwt = builder().access_lifetime(Lifetime::Unlimited).build().unwrap();
    let issued = jwt.access_token("alice").issue().unwrap();
    assert_eq!(issued.expires_at, None);
    let seen = claims_seen(&jwt, &issued.token).await;
    assert!(seen["jwt"].get("exp").is_none());
}

fn audience_manager() -> JwtManager {
    builder().decode_audience(["foo", "bar"]).decode_issuer("baz").build().unwrap()
}

#[tokio::test]
async fn audience_and_issuer_are_checked_when_configured() {
    let jwt = audience_manager();
    let ok = [json!({ "aud": "foo", "iss": "baz" }), json!({ "aud": ["x", "bar"], "iss": "baz" })];
    for changes in ok {
        get_protected(&jwt, &craft(&claims_with("alice", &changes)))
            .await
            .assert_ok_as("alice");
    }
    let refused = [
        (json!({ "aud": "nope", "iss": "baz" }), "Audience doesn't match"),
        (json!({ "iss": "baz" }), "Token is missing the \"aud\" claim"),
        (json!({ "aud": [], "iss": "baz" }), "Token is missing the \"aud\" claim"),
        (json!({ "aud": 5, "iss": "baz" }), "Invalid claim format in token"),
        (json!({ "aud": "foo" }), "Token is missing the \"iss\" claim"),
        (json!({ "aud": "foo", "iss": "other" }), "Invalid issuer"),
    ];
    for (changes, msg) in refused {
        get_protected(&jwt, &craft(&claims_with("alice", &changes)))
            .await
            .assert_error(401, msg);
    }
}

#[tokio::test]
async fn unset_audience_and_issuer_are_not_checked() {
    let token = craft(&claims_with("alice", &json!({ "aud": "anything", "iss": "anyone" })));
    get_protected(&manager(), &token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn encode_audience_and_issuer() {
    let one = builder().encode_audience(["foo"]).encode_issuer("baz").build().unwrap();
    let seen = claims_seen(&one, &one.create_access_token("alice").unwrap()).await;
    assert_eq!(
        (seen["jwt"]["aud"].clone(), seen["jwt"]["iss"].clone()),
        (json!("foo"), json!("baz"))
    );
    let many = builder().encode_audience(["foo", "bar"]).build().unwrap();
    let seen = claims_seen(&many, &many.create_access_token("alice").unwrap()).await;
    assert_eq!(seen["jwt"]["aud"], json!(["foo", "bar"]));
    // A manager that encodes what the claims profile decodes accepts its own tokens.
    let both = builder()
        .encode_audience(["foo"])
        .encode_issuer("baz")
        .decode_audience(["foo", "bar"])
        .decode_issuer("baz")
        .build()
        .unwrap();
    get_protected(&both, &both.create_access_token("alice").unwrap())
        .await
        .assert_ok_as("alice");
}

#[tokio::test]
async fn expired_tokens_are_refused_with_401_even_in_compat_mode() {
    let token = craft(&claims_with("alice", &json!({ "exp": now() - 1 })));
    get_protected(&manager(), &token).await.assert_error(401, "Token has expired");
    let compat = builder()
        .invalid_token_status(jwt_extended::InvalidTokenStatus::FlaskCompat)
        .build()
        .unwrap();
    get_protected(&compat, &token).await.assert_error(401, "Token has expired");
}

#[tokio::test]
async fn leeway_tolerates_small_clock_differences() {
    let late = craft(&claims_with("alice", &json!({ "exp": now() - 5 })));
    let early = craft(&claims_with("alice", &json!({ "nbf": now() + 5 })));
    let strict = manager();
    get_protected(&strict, &late).await.assert_error(401, "Token has expired");
    get_protected(&strict, &early)
        .await
        .assert_error(401, "The token is not yet valid (nbf)");
    let lenient = builder().leeway(10).build().unwrap();
    get_protected(&lenient, &late).await.assert_ok_as("alice");
    get_protected(&lenient, &early).await.assert_ok_as("alice");
    let too_late = craft(&claims_with("alice", &json!({ "exp": now() - 30 })));
    get_protected(&lenient, &too_late).await.assert_error(401, "Token has expired");
}

#[tokio::test]
async fn iat_in_the_future_is_refused() {
    let token = craft(&claims_with("alice", &json!({ "iat": now() + 60, "nbf": null })));
    get_protected(&manager(), &token)
        .await
        .assert_error(401, "The token is not yet valid (iat)");
}

#[tokio::test]
async fn decode_allow_expired() {
    let jwt = manager();
    let token = jwt.access_token("alice").claim("exp", now() - 100).issue().unwrap().token;
    assert_eq!(jwt.decode_token(&token).unwrap_err().message(), "Token has expired");
    assert_eq!(jwt.decode_token_allow_expired(&token).unwrap().claims.subject(), Some("alice"));
}

#[tokio::test]
async fn custom_identity_claim() {
    let jwt = builder().identity_claim("identity").build().unwrap();
    let token = jwt.create_access_token(&json!({ "id": 7 })).unwrap();
    let seen = claims_seen(&jwt, &token).await;
    assert_eq!(seen["jwt"]["identity"], json!({ "id": 7 }));
    assert!(seen["jwt"].get("sub").is_none());
    let reply = get_protected(&jwt, &token).await;
    assert_eq!(reply.sub(), json!({ "id": 7 }));
    let without = craft(&claims_with("alice", &json!({})));
    get_protected(&jwt, &without).await.assert_error(401, "Missing claim: identity");
}

/// A user type naming its own subject: FJE's `user_identity_loader` as a trait.
struct User {
    id: i64,
}

impl Identity for User {
    fn subject(&self) -> Cow<'_, str> {
        Cow::Owned(format!("user-{}", self.id))
    }
}

#[tokio::test]
async fn identities_are_written_as_strings_whatever_their_type() {
    let jwt = manager();
    // FJE 4 needs a string `sub`: an integer id is written as its decimal text.
    get_protected(&jwt, &jwt.create_access_token(&42).unwrap()).await.assert_ok_as("42");
    get_protected(&jwt, &jwt.create_access_token(&-7i8).unwrap())
        .await
        .assert_ok_as("-7");
    let id = uuid::Uuid::new_v4();
    get_protected(&jwt, &jwt.create_access_token(&id).unwrap())
        .await
        .assert_ok_as(&id.to_string());
    let user = std::sync::Arc::new(User { id: 5 });
    let pair = jwt.issue_pair(&user).unwrap();
    get_protected(&jwt, &pair.access.token).await.assert_ok_as("user-5");
    // A decoded identity re-issues as it was.
    let decoded = jwt.decode_token(&pair.refresh.token).unwrap();
    let again = jwt.create_access_token(decoded.claims.identity()).unwrap();
    get_protected(&jwt, &again).await.assert_ok_as("user-5");
}

#[tokio::test]
async fn only_a_json_value_can_fail_the_string_rule_at_run_time() {
    let jwt = manager();
    let error = jwt.create_access_token(&json!(42)).unwrap_err();
    assert_eq!(error, TokenError::IdentityNotString);
    assert!(error.to_string().contains("implement jwt_extended::Identity"), "{error}");
    assert_eq!(jwt.create_access_token(&json!("alice")).map(|_| ()), Ok(()));
    let loaded = builder().identity_loader(|user| user["name"].clone()).build().unwrap();
    let token = loaded.create_access_token(&json!({ "name": "alice", "id": 1 })).unwrap();
    get_protected(&loaded, &token).await.assert_ok_as("alice");
    let numeric = builder().identity_loader(|user| user["id"].clone()).build().unwrap();
    let refused = numeric.create_access_token(&json!({ "name": "alice", "id": 1 }));
    assert_eq!(refused, Err(TokenError::IdentityNotString));
}

#[tokio::test]
async fn non_string_sub_is_refused_unless_verify_sub_is_off() {
    let token = craft(&claims_with("alice", &json!({ "sub": 42 })));
    get_protected(&manager(), &token)
        .await
        .assert_error(401, "Subject must be a string");
    let relaxed = builder().verify_sub(false).build().unwrap();
    assert_eq!(get_protected(&relaxed, &token).await.sub(), json!(42));
}

#[tokio::test]
async fn additional_claims_and_headers_loaders() {
    let jwt = builder()
        .additional_claims_loader(|identity| Map::from_iter([("hello".to_string(), json!(format!("hi {}", identity.as_str().unwrap())))]))
        .additional_headers_loader(|_| Map::from_iter([("foo".to_string(), json!("bar"))]))
        .build()
        .unwrap();
    let token = jwt
        .access_token("alice")
        .claim("extra", [1, 2])
        .header("x5t", "abc")
        .issue()
        .unwrap()
        .token;
    let seen = claims_seen(&jwt, &token).await;
    assert_eq!(
        (seen["jwt"]["hello"].clone(), seen["jwt"]["extra"].clone()),
        (json!("hi alice"), json!([1, 2]))
    );
    assert_eq!(seen["header"], json!({ "alg": "HS256", "typ": "JWT", "foo": "bar", "x5t": "abc" }));
}

#[tokio::test]
async fn explicit_claims_override_defaults_but_not_the_algorithm() {
    let jwt = manager();
    let token = jwt
        .access_token("alice")
        .claim("type", "custom")
        .header("alg", "none")
        .issue()
        .unwrap()
        .token;
    let seen = claims_seen(&jwt, &token).await;
    assert_eq!(
        (seen["jwt"]["type"].clone(), seen["header"]["alg"].clone()),
        (json!("custom"), json!("HS256"))
    );
}

#[tokio::test]
async fn custom_lifetime_per_token() {
    let jwt = manager();
    let issued = jwt.access_token("alice").expires_in(Duration::from_secs(5)).issue().unwrap();
    assert_eq!(issued.expires_in(), Some(5));
    let forever = jwt.access_token("alice").lifetime(Lifetime::Unlimited).issue().unwrap();
    assert_eq!(forever.expires_at, None);
    get_protected(&jwt, &forever.token).await.assert_ok_as("alice");
}

#[tokio::test]
async fn typed_claims_extract_the_applications_own_struct_or_refuse_the_token() {
    #[derive(serde::Deserialize)]
    struct Mine {
        sub: String,
        role: String,
    }
    let jwt = crate::support::manager();
    let app = axum::Router::new()
        .route(
            "/me",
            axum::routing::get(|jwt_extended::TypedClaims(mine, _): jwt_extended::TypedClaims<Mine>| async move {
                format!("{} {}", mine.sub, mine.role)
            }),
        )
        .layer(jwt.layer());
    let with_role = jwt.access_token("alice").claim("role", "admin").issue().unwrap().token;
    let reply = crate::support::fetch(&app, "/me", &with_role).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (200, &b"alice admin"[..]));
    let without = jwt.create_access_token("alice").unwrap();
    let reply = crate::support::fetch(&app, "/me", &without).await;
    assert_eq!(reply.status.as_u16(), 401);
    assert!(reply.msg().starts_with("Invalid claims: missing field `role`"), "{}", reply.msg());
}
