//! `auth-server serve`: build the application and serve until Ctrl-C or SIGTERM, with a
//! start-up message naming the web page and the API docs.

use crate::Application;
use crate::settings::Settings;

/// Serves until a shutdown signal; in-flight requests finish first.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    tracing::info!(
        data_dir = %settings.data_dir.display(),
        database = %settings.database_url(),
        algorithm = ?settings.algorithm,
        "starting auth-server {}",
        env!("CARGO_PKG_VERSION")
    );
    // Every setting, for "why does it behave so"; the types of passwords and URLs redact them.
    tracing::debug!(?settings, "settings");
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    tracing::info!("auth-server listening on http://{addr} — web page http://{addr}/ — API docs http://{addr}/docs");
    app.run_until_stopped().await?;
    tracing::info!("auth-server stopped");
    Ok(())
}
