//! The `auth-server` command line: `serve` (the default), and later `create-admin`,
//! `gen-key` and `decode`.

use auth_server::Application;
use auth_server::settings::{Settings, SettingsArgs};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "auth-server", version, about = "A ready-to-run JWT authentication server")]
struct Cli {
    /// Optional TOML file with settings (flags and environment win over it).
    #[arg(long, env = "AUTH_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,
    #[command(flatten)]
    settings: SettingsArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::resolve(cli.settings, cli.config.as_deref())?;
    auth_server::ops::init_tracing(settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            let addr = app.local_addr();
            tracing::info!("auth-server listening on http://{addr} — web page http://{addr}/ — API docs http://{addr}/docs");
            app.run_until_stopped().await
        }
    }
}
