//! The API suite (`tests/api`) unchanged, on PostgreSQL and Redis (`TEST_DATABASE_URL`, `TEST_REDIS_URL`): every test gets a fresh
//! database, dropped when it ends. Stops without running when the variables are unset.

/// The backend of this binary.
const BACKEND: backend::Backend = backend::Backend::PostgresRedis;

include!("../api/suite.rs");
