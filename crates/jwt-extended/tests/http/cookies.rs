//! The cookie location and the `Set-Cookie` lines, byte for byte as Werkzeug writes them
//! for FJE (`name=value; Domain; Expires; Max-Age; Secure; HttpOnly; Path; SameSite`).

use std::time::Duration;

use http::HeaderMap;
use jwt_extended::{JwtManager, SameSite, TokenLocation};

use crate::support::{app, builder, get, now, set_cookie_lines};

const EPOCH: &str = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";

fn cookie_manager() -> JwtManager {
    builder().token_locations([TokenLocation::Cookies]).build().unwrap()
}

fn access_cookies(jwt: &JwtManager, token: &str) -> Vec<String> {
    let mut headers = HeaderMap::new();
    jwt.set_access_cookies(&mut headers, token);
    set_cookie_lines(&headers)
}

/// Checks `Expires=<date>` is `max_age` seconds from now (within a second or two).
#[track_caller]
fn assert_expires_in(attribute: &str, max_age: i64) {
    let date = attribute.strip_prefix("Expires=").expect("an Expires attribute");
    let at = httpdate::parse_http_date(date).expect("an HTTP date");
    let at = at.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((at - now() - max_age).abs() <= 2, "{date} is not {max_age}s from now");
}

#[tokio::test]
async fn access_cookies_are_two_exact_lines() {
    let jwt = cookie_manager();
    let issued = jwt.access_token("alice").issue().unwrap();
    let csrf = issued.csrf.clone().expect("CSRF claim when CSRF protection is on");
    assert_eq!(
        access_cookies(&jwt, &issued.token),
        vec![
            format!("access_token_cookie={}; HttpOnly; Path=/", issued.token),
            format!("csrf_access_token={csrf}; Path=/")
        ]
    );
    assert_eq!(jwt.decode_token(&issued.token).unwrap().claims.csrf(), Some(csrf.as_str()));
}

#[tokio::test]
async fn refresh_cookies_use_the_refresh_names() {
    let jwt = cookie_manager();
    let issued = jwt.refresh_token("alice").issue().unwrap();
    let mut headers = HeaderMap::new();
    jwt.set_refresh_cookies(&mut headers, &issued.token);
    assert_eq!(
        set_cookie_lines(&headers),
        vec![
            format!("refresh_token_cookie={}; HttpOnly; Path=/", issued.token),
            format!("csrf_refresh_token={}; Path=/", issued.csrf.unwrap())
        ]
    );
}

#[tokio::test]
async fn every_attribute_in_werkzeug_order() {
    let jwt = builder()
        .cookie_secure(true)
        .cookie_same_site(Some(SameSite::Lax))
        .cookies(|c| {
            c.domain = Some("example.com".into());
            c.session_cookie = false;
        })
        .build()
        .unwrap();
    let issued = jwt.access_token("alice").issue().unwrap();
    let lines = access_cookies(&jwt, &issued.token);
    assert_eq!(lines.len(), 2);
    for (line, (value, http_only)) in lines.iter().zip([
        (format!("access_token_cookie={}", issued.token), true),
        (format!("csrf_access_token={}", issued.csrf.clone().unwrap()), false),
    ]) {
        let attrs: Vec<&str> = line.split("; ").collect();
        let mut expected = vec![value.as_str(), "Domain=example.com", attrs[2], "Max-Age=31540000", "Secure"];
        if http_only {
            expected.push("HttpOnly");
        }
        expected.extend(["Path=/", "SameSite=Lax"]);
        assert_eq!(attrs, expected);
        assert_expires_in(attrs[2], 31_540_000);
    }
}

#[tokio::test]
async fn same_site_strict_and_none_are_spelled_like_werkzeug() {
    for (same_site, text) in [(SameSite::Strict, "Strict"), (SameSite::None, "None")] {
        let jwt = builder().cookie_same_site(Some(same_site)).build().unwrap();
        let token = jwt.create_access_token("alice").unwrap();
        let lines = access_cookies(&jwt, &token);
        assert_eq!(lines[0], format!("access_token_cookie={token}; HttpOnly; Path=/; SameSite={text}"));
    }
}

#[tokio::test]
async fn custom_names_and_paths() {
    let jwt = builder()
        .cookies(|c| {
            c.access_cookie_name = "acc".into();
            c.access_cookie_path = "/api/".into();
            c.access_csrf_cookie_name = "acc_csrf".into();
            c.access_csrf_cookie_path = "/web/".into();
        })
        .build()
        .unwrap();
    let issued = jwt.access_token("alice").issue().unwrap();
    assert_eq!(
        access_cookies(&jwt, &issued.token),
        vec![
            format!("acc={}; HttpOnly; Path=/api/", issued.token),
            format!("acc_csrf={}; Path=/web/", issued.csrf.unwrap())
        ]
    );
}

#[tokio::test]
async fn unset_jwt_cookies_expire_all_four_in_1970() {
    let jwt = cookie_manager();
    let mut headers = HeaderMap::new();
    jwt.unset_jwt_cookies(&mut headers);
    assert_eq!(
        set_cookie_lines(&headers),
        vec![
            format!("access_token_cookie=; {EPOCH}; HttpOnly; Path=/"),
            format!("csrf_access_token=; {EPOCH}; Path=/"),
            format!("refresh_token_cookie=; {EPOCH}; HttpOnly; Path=/"),
            format!("csrf_refresh_token=; {EPOCH}; Path=/"),
        ]
    );
}

#[tokio::test]
async fn unset_access_or_refresh_alone() {
    let jwt = builder()
        .cookie_secure(true)
        .cookies(|c| c.domain = Some("example.com".into()))
        .build()
        .unwrap();
    let mut access = HeaderMap::new();
    jwt.unset_access_cookies(&mut access);
    assert_eq!(
        set_cookie_lines(&access),
        vec![
            format!("access_token_cookie=; Domain=example.com; {EPOCH}; Secure; HttpOnly; Path=/"),
            format!("csrf_access_token=; Domain=example.com; {EPOCH}; Secure; Path=/"),
        ]
    );
    let mut refresh = HeaderMap::new();
    jwt.unset_refresh_cookies(&mut refresh);
    let names: Vec<String> = set_cookie_lines(&refresh)
        .iter()
        .map(|l| l.split('=').next().unwrap().to_string())
        .collect();
    assert_eq!(names, ["refresh_token_cookie", "csrf_refresh_token"]);
}

#[tokio::test]
async fn csrf_off_sets_and_unsets_one_cookie_only() {
    let jwt = builder().cookie_csrf_protect(false).build().unwrap();
    let issued = jwt.access_token("alice").issue().unwrap();
    assert_eq!(issued.csrf, None);
    assert_eq!(
        access_cookies(&jwt, &issued.token),
        vec![format!("access_token_cookie={}; HttpOnly; Path=/", issued.token)]
    );
    let mut headers = HeaderMap::new();
    jwt.unset_jwt_cookies(&mut headers);
    assert_eq!(
        set_cookie_lines(&headers),
        vec![
            format!("access_token_cookie=; {EPOCH}; HttpOnly; Path=/"),
            format!("refresh_token_cookie=; {EPOCH}; HttpOnly; Path=/")
        ]
    );
}

#[tokio::test]
async fn csrf_cookies_off_keeps_the_claim_but_sets_one_cookie() {
    let jwt = builder().cookies(|c| c.csrf_in_cookies = false).build().unwrap();
    let issued = jwt.access_token("alice").issue().unwrap();
    assert!(issued.csrf.is_some());
    assert_eq!(access_cookies(&jwt, &issued.token).len(), 1);
}

#[tokio::test]
async fn max_age_can_follow_the_token_lifetime() {
    let jwt = builder()
        .cookies(|c| {
            c.session_cookie = false;
            c.max_age_follows_token = true;
        })
        .build()
        .unwrap();
    let token = jwt
        .access_token("alice")
        .expires_in(Duration::from_secs(120))
        .issue()
        .unwrap()
        .token;
    let line = &access_cookies(&jwt, &token)[0];
    let attrs: Vec<&str> = line.split("; ").collect();
    let max_age: i64 = attrs[2].strip_prefix("Max-Age=").unwrap().parse().unwrap();
    assert!((119..=120).contains(&max_age), "{line}");
    assert_expires_in(attrs[1], max_age);
}

#[tokio::test]
async fn explicit_max_age() {
    let jwt = cookie_manager();
    let token = jwt.create_access_token("alice").unwrap();
    let mut headers = HeaderMap::new();
    jwt.set_access_cookies_with_max_age(&mut headers, &token, Duration::from_secs(60));
    let line = &set_cookie_lines(&headers)[0];
    let attrs: Vec<&str> = line.split("; ").collect();
    assert_eq!(attrs[2..], ["Max-Age=60", "HttpOnly", "Path=/"]);
    assert_expires_in(attrs[1], 60);
}

#[tokio::test]
async fn access_cookie_authenticates_a_get() {
    let jwt = cookie_manager();
    let token = jwt.create_access_token("alice").unwrap();
    let reply = get("/protected")
        .cookie(&format!("other=1; access_token_cookie={token}; x=\"y\""))
        .send(&app(&jwt))
        .await;
    reply.assert_ok_as("alice");
    assert_eq!(reply.json()["location"], "cookies");
}

#[tokio::test]
async fn missing_or_empty_cookie_is_reported_by_name() {
    let jwt = cookie_manager();
    for cookie in [None, Some("access_token_cookie="), Some("other=1")] {
        let mut request = get("/protected");
        if let Some(c) = cookie {
            request = request.cookie(c);
        }
        request
            .send(&app(&jwt))
            .await
            .assert_error(401, "Missing cookie \"access_token_cookie\"");
    }
}

#[tokio::test]
async fn refresh_routes_read_the_refresh_cookie() {
    let jwt = cookie_manager();
    let access = jwt.create_access_token("alice").unwrap();
    let refresh = jwt.create_refresh_token("alice").unwrap();
    let app = app(&jwt);
    get("/refresh")
        .cookie(&format!("access_token_cookie={access}"))
        .send(&app)
        .await
        .assert_error(401, "Missing cookie \"refresh_token_cookie\"");
    get("/refresh")
        .cookie(&format!("refresh_token_cookie={refresh}"))
        .send(&app)
        .await
        .assert_ok_as("alice");
}

#[tokio::test]
async fn cookies_set_by_a_login_handler_reach_the_client() {
    use axum::{Router, extract::State, routing::post};
    let jwt = cookie_manager();
    let login = Router::new()
        .route(
            "/login",
            post(|State(jwt): State<JwtManager>| async move {
                let mut headers = HeaderMap::new();
                jwt.set_access_cookies(&mut headers, &jwt.create_access_token("alice").unwrap());
                jwt.set_refresh_cookies(&mut headers, &jwt.create_refresh_token("alice").unwrap());
                headers
            }),
        )
        .with_state(jwt.clone());
    let reply = crate::support::post("/login").send(&login).await;
    let names: Vec<String> = reply
        .set_cookies()
        .iter()
        .map(|l| l.split('=').next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "access_token_cookie",
            "csrf_access_token",
            "refresh_token_cookie",
            "csrf_refresh_token"
        ]
    );
    // The cookie it set authenticates the next request.
    let token = reply.set_cookies()[0].split(';').next().unwrap().to_string();
    get("/protected").cookie(&token).send(&app(&jwt)).await.assert_ok_as("alice");
}

#[test]
fn per_call_options_set_the_domain_and_max_age_and_unset_with_the_same_domain() {
    let jwt = builder()
        .token_locations([TokenLocation::Cookies])
        .cookies(|c| c.domain = Some("example.com".into()))
        .build()
        .unwrap();
    let token = jwt.create_refresh_token("alice").unwrap();
    let options = jwt_extended::CookieOptions::default()
        .domain("tenant.example.com")
        .max_age(Duration::from_secs(60));
    let mut headers = HeaderMap::new();
    jwt.set_refresh_cookies_with(&mut headers, &token, &options).unwrap();
    let lines = set_cookie_lines(&headers);
    assert_eq!(lines.len(), 2);
    for line in &lines {
        assert!(line.contains("; Domain=tenant.example.com; Expires="), "{line}");
        assert!(line.contains("; Max-Age=60;"), "{line}");
    }
    let mut cleared = HeaderMap::new();
    jwt.unset_jwt_cookies_with(&mut cleared, &options).unwrap();
    let lines = set_cookie_lines(&cleared);
    assert_eq!(lines.len(), 4);
    assert!(
        lines
            .iter()
            .all(|l| l.contains("; Domain=tenant.example.com; ") && l.contains(EPOCH)),
        "{lines:?}"
    );
    // Options left unset fall back to the configuration.
    let mut defaults = HeaderMap::new();
    jwt.set_access_cookies_with(&mut defaults, &token, &jwt_extended::CookieOptions::default())
        .unwrap();
    assert!(set_cookie_lines(&defaults)[0].contains("; Domain=example.com; "));
}

#[test]
fn a_per_call_domain_that_would_add_attributes_is_refused_and_nothing_is_set() {
    let jwt = cookie_manager();
    let token = jwt.create_access_token("alice").unwrap();
    for domain in ["evil.com; SameSite=None", "", "a b", "x\r\nSet-Cookie: y=1"] {
        let mut headers = HeaderMap::new();
        let options = jwt_extended::CookieOptions::default().domain(domain);
        assert!(jwt.set_access_cookies_with(&mut headers, &token, &options).is_err(), "{domain:?}");
        assert!(headers.is_empty());
    }
}
