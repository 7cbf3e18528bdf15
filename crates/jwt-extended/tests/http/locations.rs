//! Several token locations: the order they are tried in, "only a missing token moves on",
//! the first location holding a token decides, the combined missing message, and
//! per-route location lists.

use jwt_extended::{Jwt, JwtManager, Policy, TokenLocation};
use serde_json::json;

use crate::support::{app, builder, describe, fetch, get, post};

const ALL: [TokenLocation; 4] = [
    TokenLocation::Headers,
    TokenLocation::Cookies,
    TokenLocation::QueryString,
    TokenLocation::Json,
];

fn all_locations() -> JwtManager {
    builder().token_locations(ALL).build().unwrap()
}

#[tokio::test]
async fn missing_everywhere_lists_every_location() {
    let reply = get("/protected").send(&app(&all_locations())).await;
    reply.assert_error(
        401,
        "Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; \
         Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater; \
         Invalid content-type. Must be application/json.)",
    );
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn missing_in_two_locations() {
    let jwt = builder().token_location_names(["headers", "json"]).build().unwrap();
    post("/protected").json(&json!({})).send(&app(&jwt)).await.assert_error(
        401,
        "Missing JWT in headers or json (Missing Authorization Header; Missing \"access_token\" key in json data.)",
    );
}

#[tokio::test]
async fn refresh_route_names_the_refresh_cookie_and_key() {
    let jwt = builder()
        .token_locations([TokenLocation::Cookies, TokenLocation::Json])
        .build()
        .unwrap();
    post("/refresh").json(&json!({})).send(&app(&jwt)).await.assert_error(
        401,
        "Missing JWT in cookies or json (Missing cookie \"refresh_token_cookie\"; Missing \"refresh_token\" key in json data.)",
    );
}

#[tokio::test]
async fn configured_order_decides_between_two_valid_tokens() {
    for (names, winner) in [(["headers", "cookies"], "alice"), (["cookies", "headers"], "bob")] {
        let jwt = builder().token_location_names(names).build().unwrap();
        let alice = jwt.create_access_token("alice").unwrap();
        let bob = jwt.create_access_token("bob").unwrap();
        get("/protected")
            .bearer(&alice)
            .cookie(&format!("access_token_cookie={bob}"))
            .send(&app(&jwt))
            .await
            .assert_ok_as(winner);
    }
}

#[tokio::test]
async fn each_location_alone_is_enough() {
    let jwt = all_locations();
    let token = jwt.create_access_token("alice").unwrap();
    let app = app(&jwt);
    let replies = [
        fetch(&app, "/protected", &token).await,
        get("/protected").cookie(&format!("access_token_cookie={token}")).send(&app).await,
        get(&format!("/protected?jwt={token}")).send(&app).await,
        get("/protected").json(&json!({ "access_token": token })).send(&app).await,
    ];
    let locations: Vec<_> = replies.iter().map(|r| r.json()["location"].clone()).collect();
    assert_eq!(
        locations,
        [json!("headers"), json!("cookies"), json!("query_string"), json!("json")]
    );
}

#[tokio::test]
async fn a_bad_token_in_the_first_location_wins_over_a_good_one_later() {
    let jwt = all_locations();
    let token = jwt.create_access_token("alice").unwrap();
    get(&format!("/protected?jwt={token}"))
        .bearer(&format!("{token}x"))
        .send(&app(&jwt))
        .await
        .assert_error(401, "Signature verification failed");
}

#[tokio::test]
async fn another_scheme_in_the_header_moves_on_to_the_cookie() {
    let jwt = all_locations();
    let token = jwt.create_access_token("alice").unwrap();
    get("/protected")
        .header("authorization", "Basic dXNlcjpwYXNz")
        .cookie(&format!("access_token_cookie={token}"))
        .send(&app(&jwt))
        .await
        .assert_ok_as("alice");
}

#[tokio::test]
async fn a_malformed_header_wins_over_a_valid_cookie() {
    let jwt = all_locations();
    let token = jwt.create_access_token("alice").unwrap();
    get("/protected")
        .header("authorization", "Bearer")
        .cookie(&format!("access_token_cookie={token}"))
        .send(&app(&jwt))
        .await
        .assert_error(401, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'");
}

#[tokio::test]
async fn a_csrf_failure_in_cookies_wins_over_a_later_query_token() {
    let jwt = builder()
        .token_locations([TokenLocation::Cookies, TokenLocation::QueryString])
        .build()
        .unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    post(&format!("/protected?jwt={token}"))
        .cookie(&format!("access_token_cookie={token}"))
        .send(&app(&jwt))
        .await
        .assert_error(401, "Missing CSRF token");
}

struct QueryOnly;
impl Policy for QueryOnly {
    const LOCATIONS: Option<&'static [TokenLocation]> = Some(&[TokenLocation::QueryString]);
}

#[tokio::test]
async fn a_route_can_restrict_its_locations() {
    let jwt = builder().build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let app = axum::Router::new()
        .route(
            "/q",
            axum::routing::get(|j: Jwt<QueryOnly>| async move { axum::Json(describe(&j)) }),
        )
        .layer(jwt.layer());
    fetch(&app, "/q", &token).await.assert_error(401, "Missing 'jwt' query paramater");
    get(&format!("/q?jwt={token}")).send(&app).await.assert_ok_as("alice");
}
