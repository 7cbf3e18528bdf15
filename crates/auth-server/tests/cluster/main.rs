//! Several server instances sharing one PostgreSQL database and one Redis key prefix (as
//! behind a load balancer): revocations, logouts, deletions, refresh rotation and user
//! changes seen by every instance at once, and the failure behaviour when Redis or
//! PostgreSQL goes away and comes back. The instance and user-cache tests start real
//! server processes (`processes.rs`); the fault tests keep in-process servers, whose
//! backends they cut or restart under them. Needs `TEST_DATABASE_URL` and `TEST_REDIS_URL`.

/// The backend of this binary.
const BACKEND: backend::Backend = backend::Backend::PostgresRedis;

#[path = "../api/backend.rs"]
mod backend;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

mod faults;
mod instances;
// The single-server parts serve the crash and audit tests of the API suite.
mod private_redis;
#[allow(dead_code)]
mod processes;
mod proxy;
mod revocation_sync;
mod user_cache;
