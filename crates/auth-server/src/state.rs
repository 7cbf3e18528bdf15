//! What every handler can reach: the store, the token manager, the revocation state, the
//! password hasher, the login throttle, the device cookies and Redis (when configured), cheaply cloned per request.

use std::sync::Arc;

use jwt_extended::JwtManager;

use crate::infra::device::DeviceCookies;
use crate::infra::password::PasswordHasher;
use crate::infra::redis::RedisClient;
use crate::infra::revocation::DynRevocations;
use crate::infra::store::DynStore;
use crate::infra::throttle::{LoginThrottle, RegistrationLimit};
use crate::settings::Settings;

/// The router state: one `Arc`, because axum clones the state for every request and a
/// clone of seven shared handles showed up in the `/api/v1/secret` profile.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// Wraps the shared handles.
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What the state holds.
pub struct Shared {
    pub settings: Arc<Settings>,
    pub store: DynStore,
    pub jwt: JwtManager,
    pub revocations: DynRevocations,
    pub hasher: PasswordHasher,
    pub throttle: Arc<LoginThrottle>,
    /// Signs and checks the device cookies logins hand out.
    pub devices: Arc<DeviceCookies>,
    /// Registrations per client address.
    pub registrations: Arc<RegistrationLimit>,
    /// The shared Redis, when `AUTH_REDIS_URL` is set.
    pub redis: Option<RedisClient>,
}

/// The token manager of the library's extractors (`http::caller::Token`, which is
/// `Jwt<P, FromState>`): taken from the router state, so no `JwtLayer` has to put it in
/// every request's extensions (the server reads no token from request bodies, the one
/// thing that layer would add; see `http/body_token.rs`).
impl axum::extract::FromRef<AppState> for JwtManager {
    fn from_ref(state: &AppState) -> JwtManager {
        state.jwt.clone()
    }
}
