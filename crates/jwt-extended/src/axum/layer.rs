//! [`JwtLayer`]: puts the manager in every request's extensions (so extractors work with
//! any router state) and, when JSON-body tokens or form CSRF fields are configured, reads
//! JSON/form bodies once, keeps the token fields, and passes the same bytes on.

use std::convert::Infallible;
use std::error::Error;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::response::Response;
use futures_util::future::{BoxFuture, Either, Ready, ready};
use http::Request;
use http_body_util::{BodyExt, LengthLimitError};
use tower_layer::Layer;
use tower_service::Service;

use crate::error::JwtError;
use crate::locations::{BodyTokens, is_json_content_type};
use crate::manager::JwtManager;

/// The tower layer returned by [`JwtManager::layer`].
///
/// # Request bodies
///
/// Most configurations never touch the body: the layer only stores the manager in the
/// request's extensions. The body is read by the layer only when the manager looks for
/// tokens in JSON bodies ([`crate::TokenLocation::Json`]) or for CSRF values in form
/// fields (`csrf_check_form`), and then only for requests whose `Content-Type` is JSON
/// (`application/json`, `application/*+json`) or `application/x-www-form-urlencoded`.
/// Such a body is read whole, at most
/// [`max_body_bytes`](crate::JwtManagerBuilder::max_body_bytes) bytes (1 MiB by
/// default); the token members are kept in a [`BodyTokens`] extension and the same bytes
/// are handed on, so the handler can still extract `Json<T>` or `Form<T>`.
///
/// A body over the limit, by its `Content-Length` or while being read, is answered with
/// [`JwtError::BodyTooLarge`] (413), through the manager's error handlers like every other
/// error, so `on_error` styles it too. A limit enforced further out (an outer
/// `RequestBodyLimit`, say) is recognised by its error type, `LengthLimitError`, and
/// answered the same way. A body that cannot be read for another reason (the client went
/// away) is [`JwtError::BodyUnreadable`] (400).
///
/// ```
/// use axum::{Router, routing::post};
/// use jwt_extended::{JwtManager, TokenLocation};
/// let jwt = JwtManager::builder()
///     .secret("a-secret-of-at-least-thirty-two-bytes!")
///     .token_locations([TokenLocation::Headers, TokenLocation::Json])
///     .max_body_bytes(64 * 1024)
///     .build()
///     .unwrap();
/// let app: Router = Router::new().route("/refresh", post(|| async { "ok" })).layer(jwt.layer());
/// ```
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
            let refused = self.manager.error_response(&JwtError::BodyTooLarge { limit });
            return Either::Right(Either::Left(ready(Ok(refused))));
        }
        // Take the service that was driven to readiness, leave a fresh clone in its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let manager = self.manager.clone();
        Either::Right(Either::Right(Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let bytes = match http_body_util::Limited::new(body, limit).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(error) => return Ok(manager.error_response(&read_error(&*error, limit))),
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

/// A limit is recognised by its type anywhere in the error's chain: ours, or one set by an
/// outer layer and wrapped by axum on the way in.
fn read_error(error: &(dyn Error + 'static), limit: usize) -> JwtError {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<LengthLimitError>() {
            return JwtError::BodyTooLarge { limit };
        }
        cause = e.source();
    }
    JwtError::BodyUnreadable
}
