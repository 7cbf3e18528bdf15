//! The auth-server integration tests: the real application, started on port 0 with a
//! temporary data directory, exercised over HTTP — every row of docs/api.md, its named
//! errors, a restart on the same data directory, crashes, and (in `cluster/`) several
//! instances sharing PostgreSQL and Redis.
//!
//! One binary, three backends: `TEST_BACKEND` chooses `sqlite` (the default), `postgres`
//! (needs `TEST_DATABASE_URL`) or `postgres-redis` (also `TEST_REDIS_URL`); see
//! `backend.rs`. The cluster tests need PostgreSQL and Redis, so they are ignored (with the
//! reason) unless run with `--include-ignored` on `TEST_BACKEND=postgres-redis`, as
//! `bash .ci/run` does. A plain `cargo test` also lists the other backends' runs as
//! ignored tests, so a skipped backend is visible in the runner's own summary.

mod attacks;
mod attacks_state;
mod audit;
mod authorization;
mod backend;
mod cluster;
mod cookies;
mod crash;
mod devices;
mod forge;
mod grace;
mod headers;
mod helpers;
mod input;
mod items;
mod limits;
mod login;
mod logout;
mod openapi;
mod password;
mod processes;
mod proxy;
mod refresh;
mod register;
mod registration_limits;
mod restart;
mod session_cookies;
mod sessions;
mod throttle;
mod token_rules;
mod tokens;
mod usernames;
mod users;
mod users_admin;

/// Runs this test binary again on `backend` (all of its tests, cluster ones included when
/// the backend has Redis) and asserts it passed: how a plain `cargo test` can run, or
/// visibly skip, the other backends.
fn run_suite_on(backend: &str, include_ignored: bool) {
    let mut command = std::process::Command::new(std::env::current_exe().expect("the test binary"));
    command.env("TEST_BACKEND", backend).args(["--skip", "the_suite_on_"]);
    if include_ignored {
        command.arg("--include-ignored");
    }
    let status = command.status().expect("the test binary runs again");
    assert!(status.success(), "the suite failed on {backend}");
}

#[test]
#[ignore = "the API suite on PostgreSQL: needs TEST_DATABASE_URL (bash .ci/run runs it)"]
fn the_suite_on_postgresql() {
    run_suite_on("postgres", false);
}

#[test]
#[ignore = "the API suite and the cluster tests on PostgreSQL + Redis: needs TEST_DATABASE_URL and TEST_REDIS_URL (bash .ci/run runs it)"]
fn the_suite_on_postgresql_and_redis() {
    run_suite_on("postgres-redis", true);
}
