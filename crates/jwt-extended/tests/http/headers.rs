//! The `Authorization` header location: schemes, comma-separated lists, custom header
//! name and type, and the bare-token mode (empty type), with FJE's exact messages.

use jwt_extended::{InvalidTokenStatus, JwtManager};

use crate::support::{app, builder, call, get, get_protected, manager};

const MISSING_TYPE: &str = "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'";
const BAD_HEADER: &str = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'";

async fn with_header(jwt: &JwtManager, name: &str, value: &str) -> crate::support::Reply {
    get("/protected").header(name, value).send(&app(jwt)).await
}

#[tokio::test]
async fn valid_bearer_token_is_accepted_and_located_in_headers() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    let reply = get_protected(&jwt, &token).await;
    reply.assert_ok_as("alice");
    assert_eq!(reply.json()["location"], "headers");
}

#[tokio::test]
async fn missing_header_is_401_with_a_bare_bearer_challenge() {
    let reply = get("/protected").send(&app(&manager())).await;
    reply.assert_error(401, "Missing Authorization Header");
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn blank_or_comma_only_header_counts_as_missing() {
    let jwt = manager();
    for value in ["", "   ", ",", " ,,, "] {
        with_header(&jwt, "authorization", value)
            .await
            .assert_error(401, "Missing Authorization Header");
    }
    // Python's `.strip().strip(",")` leaves " " here and FJE then fails with an IndexError
    // (a 500); the library answers the "missing type" message instead.
    with_header(&jwt, "authorization", ", ,").await.assert_error(401, MISSING_TYPE);
}

#[tokio::test]
async fn another_scheme_is_missing_bearer_type() {
    let jwt = manager();
    with_header(&jwt, "authorization", "Basic dXNlcjpwYXNz")
        .await
        .assert_error(401, MISSING_TYPE);
}

#[tokio::test]
async fn scheme_match_is_case_sensitive() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    with_header(&jwt, "authorization", &format!("bearer {token}"))
        .await
        .assert_error(401, MISSING_TYPE);
}

#[tokio::test]
async fn bearer_without_token_or_with_two_words_is_a_bad_header() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    for value in ["Bearer".to_string(), format!("Bearer {token} extra")] {
        let reply = with_header(&jwt, "authorization", &value).await;
        reply.assert_error(401, BAD_HEADER);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
    }
}

#[tokio::test]
async fn bad_header_is_422_in_flask_compat_mode() {
    let jwt = builder().invalid_token_status(InvalidTokenStatus::FlaskCompat).build().unwrap();
    let reply = with_header(&jwt, "authorization", "Bearer").await;
    reply.assert_error(422, BAD_HEADER);
    assert_eq!(reply.header("www-authenticate"), None);
}

#[tokio::test]
async fn bearer_entry_is_found_among_comma_separated_schemes() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    let values = [
        format!("Basic dXNlcjpwYXNz, Bearer {token}"),
        format!("Bearer {token}, Basic dXNlcjpwYXNz"),
        format!("Basic a,Bearer {token},Digest b"),
        format!("  Bearer {token} , , "),
        format!(",Bearer {token},"),
    ];
    for value in values {
        with_header(&jwt, "authorization", &value).await.assert_ok_as("alice");
    }
}

#[tokio::test]
async fn two_bearer_entries_are_refused_as_missing_type() {
    let jwt = manager();
    let a = jwt.create_access_token("alice").unwrap();
    let b = jwt.create_access_token("bob").unwrap();
    with_header(&jwt, "authorization", &format!("Bearer {a}, Bearer {b}"))
        .await
        .assert_error(401, MISSING_TYPE);
}

#[tokio::test]
async fn custom_header_name_and_type() {
    let jwt = builder().header_name("Foo").header_type("JWT").build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    with_header(&jwt, "Foo", &format!("JWT {token}")).await.assert_ok_as("alice");
    // The default header is not looked at any more.
    call(&jwt, "/protected", &token).await.assert_error(401, "Missing Foo Header");
    with_header(&jwt, "Foo", &format!("Bearer {token}"))
        .await
        .assert_error(401, "Missing 'JWT' type in 'Foo' header. Expected 'Foo: JWT <JWT>'");
    with_header(&jwt, "Foo", "JWT")
        .await
        .assert_error(401, "Bad Foo header. Expected 'Foo: JWT <JWT>'");
}

#[tokio::test]
async fn empty_header_type_takes_the_bare_token() {
    let jwt = builder().header_type("").build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    with_header(&jwt, "authorization", &token).await.assert_ok_as("alice");
    with_header(&jwt, "authorization", &format!(" {token} "))
        .await
        .assert_ok_as("alice");
    with_header(&jwt, "authorization", &format!("Bearer {token}"))
        .await
        .assert_error(401, "Bad Authorization header. Expected 'Authorization: <JWT>'");
    with_header(&jwt, "authorization", "")
        .await
        .assert_error(401, "Missing Authorization Header");
}

#[tokio::test]
async fn garbage_after_bearer_is_an_invalid_token() {
    let jwt = manager();
    let reply = with_header(&jwt, "authorization", "Bearer not-a-jwt").await;
    reply.assert_error(401, "Not enough segments");
    assert_eq!(reply.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
}

#[tokio::test]
async fn token_from_another_secret_fails_signature() {
    let other = JwtManager::builder()
        .secret("another-secret-that-is-32-bytes-long!!")
        .build()
        .unwrap();
    let token = other.create_access_token("alice").unwrap();
    get_protected(&manager(), &token)
        .await
        .assert_error(401, "Signature verification failed");
}
