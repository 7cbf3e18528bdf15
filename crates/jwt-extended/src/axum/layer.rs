//! [`JwtLayer`]: puts the manager in every request's extensions (so extractors work with
//! any router state) and, when JSON-body tokens or form CSRF fields are configured, reads
//! JSON/form bodies once, keeps the token fields, and passes the same bytes on.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use futures_util::future::{BoxFuture, Either, Ready, ready};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower_layer::Layer;
use tower_service::Service;

use crate::locations::{BodyTokens, is_json_content_type};
use crate::manager::JwtManager;

/// The tower layer returned by [`JwtManager::layer`].
#[derive(Clone, Debug)]
pub struct JwtLayer {
    manager: JwtManager,
}

impl JwtManager {
    /// The layer to install on the router: `.layer(jwt.layer())`.
    pub fn layer(&self) -> JwtLayer {
        JwtLayer { manager: self.clone() }
    }
}

impl<S> Layer<S> for JwtLayer {
    type Service = JwtService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        JwtService {
            inner,
            manager: self.manager.clone(),
        }
    }
}

/// The service wrapping each route; see [`JwtLayer`].
#[derive(Clone, Debug)]
pub struct JwtService<S> {
    inner: S,
    manager: JwtManager,
}

impl<S> Service<Request<Body>> for JwtService<S>
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, Either<Ready<Result<Response, Infallible>>, BoxFuture<'static, Result<Response, Infallible>>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        request.extensions_mut().insert(self.manager.clone());
        if !self.manager.buffers_body() || !has_token_body(&request) {
            return Either::Left(self.inner.call(request));
        }
        let limit = self.manager.config().max_body_bytes;
        if request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > limit)
        {
            return Either::Right(Either::Left(ready(Ok(too_large(&self.manager)))));
        }
        // Take the service that was driven to readiness, leave a fresh clone in its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let manager = self.manager.clone();
        Either::Right(Either::Right(Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let bytes = match http_body_util::Limited::new(body, limit).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(_) => return Ok(too_large(&manager)),
            };
            let content_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            let tokens = BodyTokens::from_body(manager.config(), content_type, &bytes);
            parts.extensions.insert(tokens);
            inner.call(Request::from_parts(parts, Body::from(Bytes::clone(&bytes)))).await
        })))
    }
}

fn has_token_body(request: &Request<Body>) -> bool {
    let content_type = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    is_json_content_type(content_type) || content_type.starts_with("application/x-www-form-urlencoded")
}

fn too_large(manager: &JwtManager) -> Response {
    let key = &manager.config().error_message_key;
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(serde_json::json!({ key.as_str(): "Request body too large" })),
    )
        .into_response()
}
