//! The `auth-server` binary: parses the command line and runs the command (see `cli`).

use std::process::ExitCode;

use auth_server::cli::Cli;
use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    Cli::parse().run().await
}
