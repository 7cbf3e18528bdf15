//! `CurrentUser<U>` with an async `UserLoader` reading the router state: the user is
//! loaded after every other check, "Error loading the user <identity>" when nobody
//! matches, 503 when the store fails, and nothing is loaded on anonymous optional calls.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::routing::get as get_route;
use jwt_extended::{CurrentUser, DecodedToken, InvalidTokenStatus, JwtManager, Refresh, UserLoader, UserLookupError};
use serde_json::{Value, json};

use crate::support::{Reply, builder, get, manager, text};

#[derive(Default)]
struct Db {
    users: HashMap<&'static str, &'static str>,
    lookups: AtomicUsize,
    broken: bool,
}

#[derive(Clone, Debug)]
struct User {
    name: String,
    role: String,
}

impl UserLoader<Arc<Db>> for User {
    async fn load(token: &DecodedToken, db: &Arc<Db>) -> Result<Option<Self>, UserLookupError> {
        db.lookups.fetch_add(1, Ordering::SeqCst);
        if db.broken {
            return Err(UserLookupError("database is down".into()));
        }
        let name = token.claims.subject().unwrap_or_default();
        Ok(db.users.get(name).map(|role| User {
            name: name.to_string(),
            role: role.to_string(),
        }))
    }
}

fn db() -> Arc<Db> {
    Arc::new(Db {
        users: HashMap::from([("test", "user"), ("admin", "admin")]),
        ..Db::default()
    })
}

fn users_app(jwt: &JwtManager, db: Arc<Db>) -> axum::Router {
    axum::Router::new()
        .route(
            "/whoami",
            get_route(|u: CurrentUser<User>| async move { Json(json!({ "username": u.user.name, "role": u.user.role })) }),
        )
        .route(
            "/maybe",
            get_route(|u: Option<CurrentUser<User>>| async move { Json(json!({ "username": u.map(|u| u.user.name) })) }),
        )
        .route(
            "/refresh_whoami",
            get_route(|u: CurrentUser<User, Refresh>| async move {
                Json(json!({ "username": u.user.name, "type": u.jwt.claims().token_type().as_str() }))
            }),
        )
        .layer(jwt.layer())
        .with_state(db)
}

/// `GET path` with an access (or refresh) token for `sub`.
async fn as_user(jwt: &JwtManager, app: &axum::Router, path: &str, sub: &str, refresh: bool) -> Reply {
    let token = if refresh {
        jwt.create_refresh_token(sub)
    } else {
        jwt.create_access_token(sub)
    };
    get(path).bearer(&token.unwrap()).send(app).await
}

#[tokio::test]
async fn the_user_is_loaded_from_the_state() {
    let jwt = manager();
    let reply = as_user(&jwt, &users_app(&jwt, db()), "/whoami", "admin", false).await;
    assert_eq!(reply.json(), json!({ "username": "admin", "role": "admin" }));
}

#[tokio::test]
async fn nobody_found_is_401_with_the_identity() {
    let jwt = manager();
    let reply = as_user(&jwt, &users_app(&jwt, db()), "/whoami", "mallory", false).await;
    reply.assert_error(401, "Error loading the user mallory");
}

#[tokio::test]
async fn nobody_found_stays_401_in_flask_compat_mode() {
    let jwt = builder().invalid_token_status(InvalidTokenStatus::FlaskCompat).build().unwrap();
    let reply = as_user(&jwt, &users_app(&jwt, db()), "/whoami", "mallory", false).await;
    reply.assert_error(401, "Error loading the user mallory");
}

#[tokio::test]
async fn custom_user_lookup_error_response() {
    let jwt = builder()
        .on_user_lookup_error(|t| text(404, format!("who is {}?", t.claims.identity())))
        .build()
        .unwrap();
    let reply = as_user(&jwt, &users_app(&jwt, db()), "/whoami", "mallory", false).await;
    assert_eq!((reply.status.as_u16(), &reply.body[..]), (404, &b"who is \"mallory\"?"[..]));
}

#[tokio::test]
async fn a_failing_user_store_answers_503() {
    let jwt = manager();
    let broken = Arc::new(Db {
        broken: true,
        ..Db::default()
    });
    let reply = as_user(&jwt, &users_app(&jwt, broken), "/whoami", "test", false).await;
    reply.assert_error(503, "Service unavailable");
}

#[tokio::test]
async fn no_lookup_for_invalid_tokens_or_anonymous_optional_calls() {
    let jwt = manager();
    let db = db();
    let app = users_app(&jwt, db.clone());
    get("/whoami").send(&app).await.assert_error(401, "Missing Authorization Header");
    as_user(&jwt, &app, "/whoami", "test", true)
        .await
        .assert_error(401, "Only non-refresh tokens are allowed");
    let reply = get("/maybe").send(&app).await;
    assert_eq!(reply.json(), json!({ "username": Value::Null }));
    assert_eq!(db.lookups.load(Ordering::SeqCst), 0);
    let reply = as_user(&jwt, &app, "/maybe", "test", false).await;
    assert_eq!(reply.json(), json!({ "username": "test" }));
    assert_eq!(db.lookups.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn optional_user_with_an_unknown_identity_is_still_an_error() {
    let jwt = manager();
    let reply = as_user(&jwt, &users_app(&jwt, db()), "/maybe", "ghost", false).await;
    reply.assert_error(401, "Error loading the user ghost");
}

#[tokio::test]
async fn current_user_with_a_refresh_policy() {
    let jwt = manager();
    let app = users_app(&jwt, db());
    let reply = as_user(&jwt, &app, "/refresh_whoami", "test", true).await;
    assert_eq!(reply.json(), json!({ "username": "test", "type": "refresh" }));
    as_user(&jwt, &app, "/refresh_whoami", "test", false)
        .await
        .assert_error(401, "Only refresh tokens are allowed");
}
