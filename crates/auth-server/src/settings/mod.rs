//! Every operator setting, declared once, as a field of [`Settings`]. A setting is read from
//! a flag, an `AUTH_*` environment variable or the `--config` TOML file, in that order of
//! precedence, else it takes its default; one declaration per setting keeps the flag, the
//! variable, the file key, the default, the `--help` text and the log output from
//! drifting apart. How to add one is in `docs/configuration.md`.
//!
//! clap reads the flags, the environment and the defaults; `file.rs` places the TOML file
//! between the environment and the defaults and hands its values to the same parsers
//! (`values.rs`), so a value is accepted or refused the same way wherever it comes from.

mod file;
mod logo;
mod values;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, Args, FromArgMatches};

pub use file::with_config_file;
pub use logo::{Logo, MAX_LOGO_BYTES};
pub use values::{LogFormat, Origins, Registration, Secret, ServiceUrl, redact_url};

/// The settings the server runs with. Each field's doc comment is its `--help` line; its
/// flag is the field's name in kebab case (or the `long` it names), its environment
/// variable `AUTH_` and the flag in upper snake case, and its TOML key the flag. `Debug`
/// shows every value but passwords and the passwords inside URLs.
#[derive(Debug, Clone, Args)]
#[command(mut_args = with_global_flag_and_env)]
pub struct Settings {
    /// TOML file with settings; flags and environment variables win over it.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Folder for the SQLite file and generated keys.
    #[arg(long, value_name = "DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// `sqlite://FILE` or `postgres://user:pass@host/db` (several instances sharing one
    /// database) [default: sqlite://<data-dir>/auth.db].
    #[arg(long, value_name = "URL", hide_env_values = true)]
    pub database_url: Option<ServiceUrl>,
    /// `redis://...` (`rediss://` for TLS): revocations and login throttling shared by every
    /// instance; without it they stay in process memory.
    #[arg(long, value_name = "URL", hide_env_values = true)]
    pub redis_url: Option<ServiceUrl>,
    /// Prefix of every Redis key, to share one Redis between deployments.
    #[arg(long, default_value = "auth:")]
    pub redis_key_prefix: String,
    /// Access token lifetime.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = values::duration)]
    pub access_ttl: Duration,
    /// Refresh token lifetime.
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = values::duration)]
    pub refresh_ttl: Duration,
    /// Signing algorithm (HS256, HS384, HS512, RS256, ..., ES256, ES384, EdDSA).
    #[arg(long, default_value = "HS256", value_parser = values::algorithm)]
    pub algorithm: jwt_extended::Algorithm,
    /// Signing key file (HMAC secret or private PEM); generated in the data dir for HMAC.
    #[arg(long, value_name = "FILE")]
    pub signing_key_file: Option<PathBuf>,
    /// Extra verification keys still accepted during a rotation (comma-separated).
    #[arg(long, value_name = "FILES", value_delimiter = ',')]
    pub verification_key_files: Vec<PathBuf>,
    /// `iss` written into and required of tokens.
    #[arg(long)]
    pub issuer: Option<String>,
    /// `aud` written into and required of tokens.
    #[arg(long)]
    pub audience: Option<String>,
    /// Admin account created (or kept) at start-up, with `--admin-password`.
    #[arg(long, value_name = "NAME")]
    pub admin_username: Option<String>,
    /// Password of that admin account (never logged).
    #[arg(long, value_name = "PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// Mark cookies `Secure` (and send HSTS).
    #[arg(long, action = ArgAction::Set, num_args = 0..=1, default_value_t = false, default_missing_value = "true")]
    pub cookie_secure: bool,
    /// How log lines are written.
    #[arg(long, value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,
    /// Largest accepted request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024)]
    pub max_body_bytes: usize,
    /// Login attempts allowed per account (by canonical username) within the window; a
    /// success starts the count again.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub login_max_failures: u32,
    /// Failed logins allowed per client address within the window; past it, wrong
    /// passwords from that address answer 429 (a right one still logs in).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub login_address_max_failures: u32,
    /// The sliding window for counting failed logins.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = values::duration)]
    pub login_window: Duration,
    /// Password checks that may wait for a hashing thread; past it, 503 with `Retry-After`.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub hashing_queue: usize,
    /// Logins from trusted devices (a valid device cookie) that may wait for a hashing
    /// thread, in their own lane served first [default: --hashing-queue].
    #[arg(long, value_name = "N")]
    pub hashing_priority_queue: Option<usize>,
    /// Lifetime of the device cookie set by every successful login, which exempts that
    /// device from the per-account lockout and puts its logins in the priority lane.
    #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = values::duration)]
    pub device_cookie_ttl: Duration,
    /// Who may create an account.
    #[arg(long, value_enum, default_value_t = Registration::Open)]
    pub registration: Registration,
    /// Registrations allowed per client address within the registration window.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub registration_max_per_address: u32,
    /// The sliding window for counting registrations.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = values::duration)]
    pub registration_window: Duration,
    /// Longest time a request may take before it is answered 503.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = values::duration)]
    pub request_timeout: Duration,
    /// Longest time a client may take to send a request's headers, counted from the
    /// connection's start or the previous answer, before the connection is closed.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = values::duration)]
    pub header_timeout: Duration,
    /// Connections open at once; beyond it new clients wait in the kernel's accept queue
    /// until one closes, so a connection flood cannot exhaust memory or descriptors.
    #[arg(long, value_name = "N", default_value = "16384", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Threads that serve connections, each with its own event loop; a connection stays
    /// on one for its life, and connections are dealt to them in turn. 0 serves them on
    /// tokio's shared work-stealing pool instead [default: one per core].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16))]
    pub connection_threads: Option<u16>,
    /// How often revocations and sessions whose tokens have all expired are dropped.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = values::duration)]
    pub prune_interval: Duration,
    /// With Redis: how often each instance reads the revocations written since its last
    /// read from the database, which bounds how long a revocation whose Redis message was
    /// lost takes to reach it.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = values::duration)]
    pub revocation_poll_interval: Duration,
    /// Reverse proxies in front of the server that append to `X-Forwarded-For`; the client
    /// is the entry they name, counted from the right (0: use the socket address).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub trusted_proxy_hops: usize,
    /// Exact browser origins allowed to call the API with credentials (comma-separated;
    /// none: no CORS headers).
    #[arg(long, value_name = "ORIGINS", default_value = "", hide_default_value = true)]
    pub cors_origins: Origins,
    /// The server's name in the web page's header and title (1 to 80 characters).
    #[arg(long, value_name = "TITLE", default_value = "auth-server", value_parser = values::page_title)]
    pub page_title: String,
    /// An image shown beside the title in the web page (PNG, JPEG, GIF, WebP, SVG or ICO,
    /// at most 512 KiB; read at start-up).
    #[arg(long = "page-logo-file", value_name = "FILE", value_parser = values::logo)]
    pub page_logo: Option<Logo>,
    /// How long after a refresh the refresh token it consumed may be presented again and
    /// get the same successor (two tabs, a retried request) instead of counting as theft;
    /// `0` turns it off.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = values::duration_or_off)]
    pub refresh_reuse_grace: Duration,
}

/// The naming rule of every setting: it may follow the subcommand, and `--data-dir` is
/// also read from `AUTH_DATA_DIR`.
fn with_global_flag_and_env(arg: Arg) -> Arg {
    match arg.get_long() {
        Some(long) => {
            let env = format!("AUTH_{}", long.to_ascii_uppercase().replace('-', "_"));
            arg.global(true).env(env)
        }
        None => arg,
    }
}

/// The declared defaults alone, whatever the environment says: the base that tests and
/// embedders adjust field by field.
impl Default for Settings {
    fn default() -> Self {
        let command = Settings::augment_args(clap::Command::new("defaults")).mut_args(|arg| arg.env(None));
        let matches = command.try_get_matches_from(["defaults"]).expect("the declared defaults parse");
        Settings::from_arg_matches(&matches).expect("the declared defaults fit their fields")
    }
}

impl Settings {
    /// The database: the configured URL, else the SQLite file in the data directory.
    pub fn database_url(&self) -> ServiceUrl {
        match &self.database_url {
            Some(url) => url.clone(),
            None => ServiceUrl::from(format!("sqlite://{}", self.data_dir.join("auth.db").display())),
        }
    }

    /// The start-up admin account, when one is configured.
    pub fn admin(&self) -> Option<(&str, &Secret)> {
        self.admin_username.as_deref().zip(self.admin_password.as_ref())
    }

    /// The rules that span settings. clap's own (`requires`) would miss a flag given after
    /// the subcommand, which it sees only after checking them.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.admin_username.is_some() != self.admin_password.is_some() {
            anyhow::bail!("--admin-username and --admin-password (AUTH_ADMIN_USERNAME, AUTH_ADMIN_PASSWORD) go together");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
