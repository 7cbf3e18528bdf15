//! The `auth-server` binary: parses the command line and runs the command (see `cli`).

use std::process::ExitCode;

use auth_server::cli::Cli;
use clap::Parser;

/// jemalloc instead of glibc's malloc: allocation was the largest cost of a `/secret`
/// request after the signature, and glibc keeps freed memory in per-thread arenas (the
/// 19 MiB argon2 blocks of the first logins stayed resident for good). Measurements in
/// the README's performance section.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    Cli::parse().run().await
}
