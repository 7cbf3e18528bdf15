//! Integration tests of the operations side of `auth-server`: middleware (request ids,
//! redacted logs, limits, 404/405), metrics, the OpenAPI document and docs, graceful
//! shutdown, the command line and its settings. Each test starts the real server on port 0 with a
//! temporary data directory.

mod body_limit;
mod cli;
mod configuration;
mod connections;
mod docs;
mod files;
mod helpers;
mod logging;
mod metrics;
mod middleware;
mod shutdown;
