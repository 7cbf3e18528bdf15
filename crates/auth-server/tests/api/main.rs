//! The auth-server integration tests: the real application, started on port 0 with a
//! temporary data directory, exercised over HTTP — every row of API.md, its named
//! errors, and a restart on the same data directory. This binary runs it on SQLite;
//! `tests/api_postgres` and `tests/api_postgres_redis` run the same files on the other
//! backends (see `backend.rs`).

/// The backend of this binary.
const BACKEND: backend::Backend = backend::Backend::Sqlite;

include!("suite.rs");
