//! CORS preflights: `OPTIONS` requests pass untouched. Required routes answer 200 with an
//! empty body, optional handlers run with no identity, and nothing is looked up.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::any;
use jwt_extended::{CurrentUser, DecodedToken, TokenLocation, UserLoader, UserLookupError};
use serde_json::Value;

use crate::support::{app, builder, manager, req};

#[tokio::test]
async fn required_routes_answer_200_with_an_empty_body() {
    let app = app(&manager());
    for uri in ["/protected", "/fresh", "/refresh", "/any"] {
        let reply = req("OPTIONS", uri).send(&app).await;
        assert_eq!((reply.status.as_u16(), reply.body.len()), (200, 0), "{uri}");
    }
}

#[tokio::test]
async fn optional_routes_run_with_no_identity_even_with_a_token() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    let reply = req("OPTIONS", "/optional").bearer(&token).send(&app(&jwt)).await;
    assert_eq!((reply.status.as_u16(), reply.sub()), (200, Value::Null));
}

#[tokio::test]
async fn a_bad_token_or_missing_csrf_is_not_looked_at() {
    let jwt = builder()
        .token_locations([TokenLocation::Cookies])
        .cookies(|c| c.csrf_methods.push(http::Method::OPTIONS))
        .build()
        .unwrap();
    let app = app(&jwt);
    let reply = req("OPTIONS", "/protected")
        .bearer("garbage")
        .cookie("access_token_cookie=garbage")
        .send(&app)
        .await;
    assert_eq!((reply.status.as_u16(), reply.body.len()), (200, 0));
}

#[derive(Clone)]
struct Counted;

static LOOKUPS: AtomicUsize = AtomicUsize::new(0);

impl UserLoader<Arc<()>> for Counted {
    async fn load(_token: &DecodedToken, _state: &Arc<()>) -> Result<Option<Self>, UserLookupError> {
        LOOKUPS.fetch_add(1, Ordering::SeqCst);
        Ok(Some(Counted))
    }
}

#[tokio::test]
async fn user_lookup_is_skipped_for_preflights() {
    let jwt = manager();
    let app = axum::Router::new()
        .route("/me", any(|_u: CurrentUser<Counted>| async { "me" }))
        .layer(jwt.layer())
        .with_state(Arc::new(()));
    let token = jwt.create_access_token("alice").unwrap();
    let reply = req("OPTIONS", "/me").bearer(&token).send(&app).await;
    assert_eq!((reply.status.as_u16(), reply.body.len()), (200, 0));
    assert_eq!(LOOKUPS.load(Ordering::SeqCst), 0);
    let reply = req("GET", "/me").bearer(&token).send(&app).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (200, &b"me"[..]));
    assert_eq!(LOOKUPS.load(Ordering::SeqCst), 1);
}
