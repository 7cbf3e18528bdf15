use axum::{Router, body::Body, routing::get};
use http::Request;
use jwt_extended::{JwtManager, axum::Jwt};
use tower::ServiceExt;

#[tokio::test]
async fn smoke() {
    let jwt = JwtManager::builder()
        .secret("conformance-secret-key-0123456789abcdef")
        .build()
        .unwrap();
    let app: Router = Router::new()
        .route("/p", get(|j: Jwt| async move { j.claims().subject().unwrap().to_string() }))
        .layer(jwt.layer());
    let t = jwt.create_access_token("alice").unwrap();
    let r = app
        .clone()
        .oneshot(
            Request::get("/p")
                .header("authorization", format!("Bearer {t}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app.clone().oneshot(Request::get("/p").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(r.status(), 401);
    let b = axum::body::to_bytes(r.into_body(), 1000).await.unwrap();
    assert_eq!(&b[..], br#"{"msg":"Missing Authorization Header"}"#);
    let r = app
        .oneshot(
            Request::get("/p")
                .header("authorization", format!("Bearer {t}x"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let b = axum::body::to_bytes(r.into_body(), 1000).await.unwrap();
    assert_eq!(std::str::from_utf8(&b).unwrap(), r#"{"msg":"Signature verification failed"}"#);
}
