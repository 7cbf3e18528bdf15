//! The `auth-server` command line: `serve` (the default), `create-admin`, `gen-key` and
//! `decode`. Every setting flag (`--bind`, `--data-dir`, ...) is accepted before or after
//! the subcommand; errors go to stderr with exit status 1.

mod create_admin;
mod decode;
mod gen_key;
mod serve;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::settings::{Settings, with_config_file};
use crate::telemetry::logging::{LogTarget, init_tracing_to};

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "auth-server", version, about = "A ready-to-run JWT authentication server")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Create an admin account, or promote an existing user and set its password. The
    /// password is read from stdin when it is not a terminal, else prompted for.
    CreateAdmin(create_admin::CreateAdminArgs),
    /// Write a new signing key: an HMAC secret, or a private PEM key plus its public PEM.
    GenKey(gen_key::GenKeyArgs),
    /// Verify a token with the configured keys and print its header and claims as JSON.
    Decode(decode::DecodeArgs),
}

impl Cli {
    /// The command line and environment of this process, with the `--config` file. On a
    /// mistake, prints it and exits: clap's own with status 2 (with usage), the file's with 1.
    pub fn from_env() -> Cli {
        match Cli::try_from_args(std::env::args_os()) {
            Ok(cli) => cli,
            Err(e) => match e.downcast::<clap::Error>() {
                Ok(usage) => usage.exit(),
                Err(e) => {
                    eprintln!("error: {e:#}");
                    std::process::exit(1)
                }
            },
        }
    }

    /// `argv` (program name first) and this process's environment, with the `--config` file.
    pub fn try_from_args(argv: impl IntoIterator<Item = impl Into<OsString>>) -> anyhow::Result<Cli> {
        let argv: Vec<OsString> = argv.into_iter().map(Into::into).collect();
        let command = Cli::command();
        let matches = command.clone().try_get_matches_from(&argv)?;
        // gen-key needs no settings (and must work before any configuration exists).
        let matches = match matches.subcommand_name() {
            Some("gen-key") => matches,
            _ => with_config_file(&command, &argv, matches)?,
        };
        let cli = Cli::from_arg_matches(&matches)?;
        cli.settings.check()?;
        Ok(cli)
    }

    /// Runs the command; the exit status is 1 on any error (printed to stderr).
    pub async fn run(self) -> ExitCode {
        let command = self.command.unwrap_or(Command::Serve);
        match run_command(command, self.settings).await {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            }
        }
    }
}

async fn run_command(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => {
            init_tracing_to(settings.log_format, LogTarget::Stdout);
            serve::run(settings).await.map(|()| ExitCode::SUCCESS)
        }
        Command::CreateAdmin(admin) => {
            init_tracing_to(settings.log_format, LogTarget::Stderr);
            create_admin::run(settings, &admin).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Decode(decode) => {
            init_tracing_to(settings.log_format, LogTarget::Stderr);
            decode::run(settings, &decode).await
        }
        Command::GenKey(key) => gen_key::run(&key).map(|()| ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configuration_doc_documents_every_setting() {
        let readme = include_str!("../../../../docs/configuration.md");
        let command = Cli::command();
        for arg in command.get_arguments() {
            let Some(long) = arg.get_long() else { continue };
            if long == "help" || long == "version" {
                continue;
            }
            assert!(readme.contains(&format!("`--{long}`")), "docs/configuration.md lacks --{long}");
            if let Some(env) = arg.get_env() {
                let env = env.to_string_lossy();
                assert!(readme.contains(&format!("`{env}`")), "docs/configuration.md lacks {env}");
            }
        }
    }

    #[test]
    fn settings_flags_work_after_the_subcommand() {
        let cli = Cli::try_parse_from(["auth-server", "serve", "--bind", "127.0.0.1:9999", "--access-ttl", "5m"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve)));
        assert_eq!(cli.settings.bind, "127.0.0.1:9999".parse().unwrap());
        assert_eq!(cli.settings.access_ttl, std::time::Duration::from_secs(300));
        let bare = Cli::try_parse_from(["auth-server"]).unwrap();
        assert!(bare.command.is_none(), "no subcommand means serve");
    }
}
