//! `auth-server`: the Flask-JWT-Extended tutorials' application — register, log in,
//! refresh, log out, protected and admin-only resources, a web page — built on the
//! `jwt-extended` library, ready to run on an embedded SQLite file, or as several
//! instances sharing PostgreSQL and Redis.
//!
//! # Layout
//!
//! Imports run one way, from the top of this list to the bottom; a module may use its own
//! layer and any layer below it, never one above:
//!
//! 1. `cli` — the commands (`serve`, `create-admin`, `gen-key`, `decode`); `main.rs` only
//!    parses and dispatches.
//! 2. `app` — [`Application::build`] / `run_until`: the state built from the settings, the
//!    router with its middleware stack, the token manager's configuration; `server` is its
//!    accept loop and the threads that serve connections, `fuzzing` its hooks for the
//!    fuzz targets.
//! 3. `routes` — handlers only, one module per resource (`auth`, `users`, `items`, `ops`,
//!    `web`), each exporting its router. Two route modules never import each other.
//! 4. `domain` — the rules routes share: sessions (start, deliver, end), users
//!    (validation, views, provisioning), the audit trail.
//! 5. `http` — request/response plumbing: the error type and its JSON answers,
//!    extractors (`ApiJson`, `Caller<P>`, …), client address, middleware pieces.
//! 6. `state` — what every handler shares (`AppState`).
//! 7. `infra` — knows no HTTP: the store, Redis, revocations, throttling, signing keys,
//!    password hashing, the clock, and `infra::os`, the one module allowed `unsafe`.
//!
//! `settings` (configuration) and `telemetry` (logging, metric names) are leaves: any
//! layer may use them, and they use no other module of this crate (except that
//! `telemetry` reads `settings`' types).
//! `scripts/check-layers.sh` enforces all of this in CI and names the file and line of any
//! import that runs against it.

#![deny(unsafe_code)]

pub mod app;
pub mod cli;
pub mod domain;
#[doc(hidden)]
pub mod fuzzing;
pub mod http;
pub mod infra;
pub mod routes;
pub mod server;
pub mod settings;
pub mod state;
pub mod telemetry;

pub use app::Application;
