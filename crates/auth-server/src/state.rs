//! What every handler can reach: the store, the token manager, the revocation state, the
//! password hasher, the login throttle and Redis (when configured), cheaply cloned per request.

use std::sync::Arc;

use jwt_extended::JwtManager;

use crate::password::PasswordHasher;
use crate::redis_client::RedisClient;
use crate::revocation::DynRevocations;
use crate::settings::Settings;
use crate::store::DynStore;
use crate::throttle::LoginThrottle;

/// The router state.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: DynStore,
    pub jwt: JwtManager,
    pub revocations: DynRevocations,
    pub hasher: PasswordHasher,
    pub throttle: Arc<LoginThrottle>,
    /// The shared Redis, when `AUTH_REDIS_URL` is set.
    pub redis: Option<RedisClient>,
}
