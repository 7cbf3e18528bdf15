//! Several server instances in one process sharing one PostgreSQL database and one Redis
//! key prefix (as behind a load balancer): revocations, logouts, deletions and refresh
//! rotation seen by every instance at once, and the failure behaviour when Redis or
//! PostgreSQL goes away and comes back. Needs `TEST_DATABASE_URL` and `TEST_REDIS_URL`.

/// The backend of this binary.
const BACKEND: backend::Backend = backend::Backend::PostgresRedis;

#[path = "../api/backend.rs"]
mod backend;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

mod faults;
mod instances;
mod proxy;
