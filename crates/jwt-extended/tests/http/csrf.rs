//! The CSRF double-submit check on cookie tokens: missing and mismatching values, custom
//! header names and methods, the form field with `csrf_check_form`, and turning it off.

use http::Method;
use jwt_extended::{InvalidTokenStatus, IssuedToken, JwtManager, JwtManagerBuilder, TokenLocation};

use crate::support::{Reply, app, builder, req};

fn cookies() -> JwtManagerBuilder {
    builder().token_locations([TokenLocation::Cookies])
}

fn login(jwt: &JwtManager) -> IssuedToken {
    jwt.access_token("alice").issue().unwrap()
}

/// `method uri` with the access cookie and, when given, the CSRF header.
async fn send(jwt: &JwtManager, method: &str, uri: &str, issued: &IssuedToken, csrf: Option<(&str, &str)>) -> Reply {
    let cookie_name = if issued.token_type == jwt_extended::TokenType::Refresh {
        "refresh_token_cookie"
    } else {
        "access_token_cookie"
    };
    let mut request = req(method, uri).cookie(&format!("{cookie_name}={}", issued.token));
    if let Some((name, value)) = csrf {
        request = request.header(name, value);
    }
    request.send(&app(jwt)).await
}

#[tokio::test]
async fn post_without_csrf_header_is_refused() {
    let jwt = cookies().build().unwrap();
    send(&jwt, "POST", "/protected", &login(&jwt), None)
        .await
        .assert_error(401, "Missing CSRF token");
}

#[tokio::test]
async fn post_with_wrong_csrf_value_is_refused() {
    let jwt = cookies().build().unwrap();
    let reply = send(&jwt, "POST", "/protected", &login(&jwt), Some(("X-CSRF-TOKEN", "nope"))).await;
    reply.assert_error(401, "CSRF double submit tokens do not match");
}

#[tokio::test]
async fn csrf_failures_stay_401_in_flask_compat_mode() {
    let jwt = cookies().invalid_token_status(InvalidTokenStatus::FlaskCompat).build().unwrap();
    let issued = login(&jwt);
    send(&jwt, "POST", "/protected", &issued, None)
        .await
        .assert_error(401, "Missing CSRF token");
    let reply = send(&jwt, "POST", "/protected", &issued, Some(("X-CSRF-TOKEN", "x"))).await;
    reply.assert_error(401, "CSRF double submit tokens do not match");
}

#[tokio::test]
async fn matching_csrf_header_is_accepted_on_every_protected_method() {
    let jwt = cookies().build().unwrap();
    let issued = login(&jwt);
    let csrf = issued.csrf.clone().unwrap();
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        send(&jwt, method, "/protected", &issued, Some(("x-csrf-token", &csrf)))
            .await
            .assert_ok_as("alice");
        send(&jwt, method, "/protected", &issued, None)
            .await
            .assert_error(401, "Missing CSRF token");
    }
}

#[tokio::test]
async fn safe_methods_need_no_csrf_value() {
    let jwt = cookies().build().unwrap();
    let issued = login(&jwt);
    for method in ["GET", "HEAD"] {
        let reply = send(&jwt, method, "/protected", &issued, None).await;
        assert_eq!(reply.status, 200, "{method}");
    }
}

#[tokio::test]
async fn custom_csrf_methods() {
    let jwt = cookies().cookies(|c| c.csrf_methods = vec![Method::GET]).build().unwrap();
    let issued = login(&jwt);
    send(&jwt, "GET", "/protected", &issued, None)
        .await
        .assert_error(401, "Missing CSRF token");
    send(&jwt, "POST", "/protected", &issued, None).await.assert_ok_as("alice");
}

#[tokio::test]
async fn custom_csrf_header_names_for_access_and_refresh() {
    let jwt = cookies()
        .cookies(|c| {
            c.access_csrf_header_name = "X-ACCESS-CSRF".into();
            c.refresh_csrf_header_name = "X-REFRESH-CSRF".into();
        })
        .build()
        .unwrap();
    let access = login(&jwt);
    let refresh = jwt.refresh_token("alice").issue().unwrap();
    let (a, r) = (access.csrf.clone().unwrap(), refresh.csrf.clone().unwrap());
    send(&jwt, "POST", "/protected", &access, Some(("X-CSRF-TOKEN", &a)))
        .await
        .assert_error(401, "Missing CSRF token");
    send(&jwt, "POST", "/protected", &access, Some(("X-ACCESS-CSRF", &a)))
        .await
        .assert_ok_as("alice");
    send(&jwt, "POST", "/refresh", &refresh, Some(("X-ACCESS-CSRF", &r)))
        .await
        .assert_error(401, "Missing CSRF token");
    send(&jwt, "POST", "/refresh", &refresh, Some(("X-REFRESH-CSRF", &r)))
        .await
        .assert_ok_as("alice");
}

#[tokio::test]
async fn refresh_csrf_value_must_be_the_refresh_tokens_own() {
    let jwt = cookies().build().unwrap();
    let access = login(&jwt);
    let refresh = jwt.refresh_token("alice").issue().unwrap();
    let reply = send(&jwt, "POST", "/refresh", &refresh, Some(("X-CSRF-TOKEN", &access.csrf.unwrap()))).await;
    reply.assert_error(401, "CSRF double submit tokens do not match");
}

async fn post_form(jwt: &JwtManager, issued: &IssuedToken, form: &str) -> Reply {
    req("POST", "/protected")
        .cookie(&format!("access_token_cookie={}", issued.token))
        .body("application/x-www-form-urlencoded", form.to_string())
        .send(&app(jwt))
        .await
}

#[tokio::test]
async fn form_field_is_accepted_with_csrf_check_form() {
    let jwt = cookies().cookies(|c| c.csrf_check_form = true).build().unwrap();
    let issued = login(&jwt);
    let csrf = issued.csrf.clone().unwrap();
    post_form(&jwt, &issued, &format!("a=1&csrf_token={csrf}"))
        .await
        .assert_ok_as("alice");
    post_form(&jwt, &issued, "csrf_token=wrong")
        .await
        .assert_error(401, "CSRF double submit tokens do not match");
    post_form(&jwt, &issued, "a=1").await.assert_error(401, "Missing CSRF token");
}

#[tokio::test]
async fn form_field_is_ignored_without_csrf_check_form() {
    let jwt = cookies().build().unwrap();
    let issued = login(&jwt);
    let form = format!("csrf_token={}", issued.csrf.clone().unwrap());
    post_form(&jwt, &issued, &form).await.assert_error(401, "Missing CSRF token");
}

#[tokio::test]
async fn custom_form_field_name() {
    let jwt = cookies()
        .cookies(|c| {
            c.csrf_check_form = true;
            c.access_csrf_field_name = "my_csrf".into();
        })
        .build()
        .unwrap();
    let issued = login(&jwt);
    let csrf = issued.csrf.clone().unwrap();
    post_form(&jwt, &issued, &format!("csrf_token={csrf}"))
        .await
        .assert_error(401, "Missing CSRF token");
    post_form(&jwt, &issued, &format!("my_csrf={csrf}")).await.assert_ok_as("alice");
}

#[tokio::test]
async fn csrf_protection_off_accepts_posts_without_a_value() {
    let jwt = cookies().cookie_csrf_protect(false).build().unwrap();
    send(&jwt, "POST", "/protected", &login(&jwt), None).await.assert_ok_as("alice");
}

#[tokio::test]
async fn missing_csrf_is_checked_before_the_token_is_decoded() {
    let jwt = cookies().build().unwrap();
    let forger = JwtManager::builder()
        .secret("another-secret-that-is-32-bytes-long!!")
        .build()
        .unwrap();
    let issued = forger.access_token("alice").issue().unwrap();
    send(&jwt, "POST", "/protected", &issued, None)
        .await
        .assert_error(401, "Missing CSRF token");
    // With a CSRF value present, decoding runs and reports the bad signature.
    send(&jwt, "POST", "/protected", &issued, Some(("X-CSRF-TOKEN", "x")))
        .await
        .assert_error(401, "Signature verification failed");
}

#[tokio::test]
async fn csrf_failure_on_an_optional_route_is_still_an_error() {
    let jwt = cookies().build().unwrap();
    send(&jwt, "POST", "/optional", &login(&jwt), None)
        .await
        .assert_error(401, "Missing CSRF token");
}

#[tokio::test]
async fn header_tokens_never_need_csrf() {
    let jwt = builder().build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    req("POST", "/protected")
        .bearer(&token)
        .send(&app(&jwt))
        .await
        .assert_ok_as("alice");
}

#[tokio::test]
async fn a_csrf_mismatch_wins_over_expiry_as_in_flask() {
    // FJE decodes an expired token again (allowing expiry) for its callback, and that
    // decode compares the CSRF value: a mismatch is reported instead of the expiry.
    let jwt = cookies().build().unwrap();
    let expired = jwt.access_token("alice").claim("exp", crate::support::now() - 5).issue().unwrap();
    let reply = send(&jwt, "POST", "/protected", &expired, Some(("X-CSRF-TOKEN", "wrong"))).await;
    reply.assert_error(401, "CSRF double submit tokens do not match");
    let csrf = expired.csrf.clone().unwrap();
    send(&jwt, "POST", "/protected", &expired, Some(("X-CSRF-TOKEN", &csrf)))
        .await
        .assert_error(401, "Token has expired");
}
