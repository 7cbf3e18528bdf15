//! `use jwt_extended::*` next to the crates an axum application names: the glob must bring
//! no name that makes `axum::…`, `http::…` or the others ambiguous (a crate-root module
//! called `axum` once did). This module compiling is the test; the function only uses
//! the names so that nothing is left unused.

use jwt_extended::*;

use axum::Router;
use axum::routing::get;
use http::StatusCode;
use serde_json::json;
use tower::ServiceExt;
// Each of these would be ambiguous if the glob brought a name of the same crate.
use {async_trait as _, bytes as _, jsonwebtoken as _, serde as _, tokio as _, tracing as _, uuid as _};

mod with_prelude {
    use jwt_extended::prelude::*;

    use axum::Router;

    pub fn router(jwt: &JwtManager) -> Router {
        Router::new()
            .route(
                "/",
                axum::routing::get(|token: Jwt| async move { token.identity_str().unwrap_or_default().to_string() }),
            )
            .layer(jwt.layer())
    }
}

#[tokio::test]
async fn the_crate_root_and_the_prelude_glob_without_shadowing_crates() {
    let jwt = JwtManager::builder().secret(crate::support::SECRET).build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let glob: Router = Router::new().route("/", get(|_: Jwt<Fresh>| async { "fresh" })).layer(jwt.layer());
    let mut statuses = Vec::new();
    for app in [glob, with_prelude::router(&jwt)] {
        let request = http::Request::builder()
            .uri("/")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        statuses.push(app.oneshot(request).await.unwrap().status());
    }
    // The glob's route wants a fresh token, the prelude's any access token.
    assert_eq!(statuses, [StatusCode::UNAUTHORIZED, StatusCode::OK]);
    assert_eq!(json!({ "type": TokenType::Access.as_str() })["type"], "access");
}
