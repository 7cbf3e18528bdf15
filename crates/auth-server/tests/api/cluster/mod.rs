//! Several server instances sharing one PostgreSQL database and one Redis key prefix (as
//! behind a load balancer): revocations, logouts, deletions, refresh rotation and user
//! changes seen by every instance, and the failure behaviour when Redis or PostgreSQL goes
//! away and comes back. The instance and user-cache tests start real server processes
//! (`processes.rs`); the fault tests keep in-process servers, whose backends they cut or
//! restart under them (`fault_proxy.rs`). Every test here is ignored unless asked for
//! (`--include-ignored` with `TEST_BACKEND=postgres-redis`), and fails at once on any
//! other backend.

mod fault_proxy;
mod faults;
mod instances;
mod private_redis;
mod revocation_sync;
mod throttle;
mod user_cache;
