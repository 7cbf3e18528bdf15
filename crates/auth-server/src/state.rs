//! What every handler can reach: the store, the token manager, the revocation state and
//! the password hasher, cheaply cloned per request.

use std::sync::Arc;

use jwt_extended::JwtManager;

use crate::password::PasswordHasher;
use crate::revocation::PersistentRevocations;
use crate::settings::Settings;
use crate::store::DynStore;
use crate::throttle::LoginThrottle;

/// The router state.
#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub store: DynStore,
    pub jwt: JwtManager,
    pub revocations: Arc<PersistentRevocations>,
    pub hasher: PasswordHasher,
    pub throttle: Arc<LoginThrottle>,
}
