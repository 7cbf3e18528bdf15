//! Policies composed in one line: `Only` (FJE `locations=`), `SkipRevocation` (FJE
//! `skip_revocation_check=True`) and `Require`, alone and nested, each keeping what the
//! policy underneath asks for.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use jwt_extended::{
    DecodedToken, Fresh, InMemoryRevocationStore, Jwt, Only, Policy, Refresh, Require, RevocationStore, Rule, SkipRevocation,
    TokenLocation, TypeCheck, claim_equals, location,
};

use crate::support::{builder, describe, fetch, get as get_req};

struct Admin;
impl Rule for Admin {
    fn allows(token: &DecodedToken) -> bool {
        claim_equals(&token.claims, "role", "admin")
    }
}

type AdminOverHeaders = Require<Admin, Only<location::Headers, Fresh>>;

#[test]
fn an_amended_policy_keeps_the_constants_underneath() {
    // Checked while compiling: a wrong constant fails the build of this test.
    const {
        assert!(<SkipRevocation<Refresh> as Policy>::SKIP_REVOCATION);
        assert!(<AdminOverHeaders as Policy>::FRESH);
        assert!(!<Require<Admin, Only<location::Json>> as Policy>::SKIP_REVOCATION);
    }
    assert_eq!(<SkipRevocation<Refresh> as Policy>::TYPE, TypeCheck::Refresh);
    assert_eq!(<AdminOverHeaders as Policy>::LOCATIONS, Some(&[TokenLocation::Headers][..]));
    let both = <Only<(location::Cookies, location::QueryString), Fresh> as Policy>::LOCATIONS;
    assert_eq!(both, Some(&[TokenLocation::Cookies, TokenLocation::QueryString][..]));
}

#[tokio::test]
async fn only_searches_its_locations_in_its_order() {
    let jwt = builder()
        .token_locations([TokenLocation::Headers, TokenLocation::QueryString])
        .build()
        .unwrap();
    let app = Router::new()
        .route(
            "/q",
            get(|j: Jwt<Only<location::QueryString>>| async move { axum::Json(describe(&j)) }),
        )
        .route(
            "/cookie-or-query",
            get(|j: Jwt<Only<(location::Cookies, location::QueryString)>>| async move { axum::Json(describe(&j)) }),
        )
        .layer(jwt.layer());
    let token = jwt.create_access_token("alice").unwrap();
    // The header the manager would accept is not looked at by a query-only route.
    fetch(&app, "/q", &token).await.assert_error(401, "Missing 'jwt' query paramater");
    let reply = get_req(&format!("/q?jwt={token}")).send(&app).await;
    reply.assert_ok_as("alice");
    assert_eq!(reply.json()["location"], "query_string");
    // Cookies are searched although the manager's own locations lack them.
    let reply = get_req("/cookie-or-query")
        .cookie(&format!("access_token_cookie={token}"))
        .send(&app)
        .await;
    reply.assert_ok_as("alice");
    assert_eq!(reply.json()["location"], "cookies");
    get_req("/cookie-or-query").send(&app).await.assert_error(
        401,
        "Missing JWT in cookies or query_string (Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater)",
    );
}

#[tokio::test]
async fn skip_revocation_skips_only_the_revocation_check() {
    let store = Arc::new(InMemoryRevocationStore::new());
    let jwt = builder().revocation(store.clone()).build().unwrap();
    let app = Router::new()
        .route(
            "/logout",
            get(|j: Jwt<SkipRevocation<Refresh>>| async move { axum::Json(describe(&j)) }),
        )
        .route("/refresh", get(|j: Jwt<Refresh>| async move { axum::Json(describe(&j)) }))
        .layer(jwt.layer());
    let refresh = jwt.refresh_token("alice").issue().unwrap();
    store.revoke_token(&refresh.jti, refresh.expires_at).await.unwrap();
    fetch(&app, "/refresh", &refresh.token)
        .await
        .assert_error(401, "Token has been revoked");
    fetch(&app, "/logout", &refresh.token).await.assert_ok_as("alice");
    // Still a refresh-only route.
    fetch(&app, "/logout", &jwt.create_access_token("alice").unwrap())
        .await
        .assert_error(401, "Only refresh tokens are allowed");
}

#[tokio::test]
async fn nested_amendments_all_apply() {
    let jwt = builder()
        .token_locations([TokenLocation::Headers, TokenLocation::QueryString])
        .build()
        .unwrap();
    let app = Router::new()
        .route("/admin", get(|j: Jwt<AdminOverHeaders>| async move { axum::Json(describe(&j)) }))
        .layer(jwt.layer());
    let fresh_admin = jwt.access_token("root").fresh(true).claim("role", "admin").issue().unwrap().token;
    fetch(&app, "/admin", &fresh_admin).await.assert_ok_as("root");
    let stale_admin = jwt.access_token("root").claim("role", "admin").issue().unwrap().token;
    fetch(&app, "/admin", &stale_admin).await.assert_error(401, "Fresh token required");
    let fresh_user = jwt.access_token("bob").fresh(true).issue().unwrap().token;
    fetch(&app, "/admin", &fresh_user)
        .await
        .assert_error(403, "Insufficient permissions");
    get_req(&format!("/admin?jwt={fresh_admin}"))
        .send(&app)
        .await
        .assert_error(401, "Missing Authorization Header");
}
