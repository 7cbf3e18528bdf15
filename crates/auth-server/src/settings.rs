//! Every operator setting, from a flag, an `AUTH_*` environment variable or the optional
//! TOML file (`--config`), in that order of precedence, resolved once into [`Settings`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

/// A value that must never be printed (passwords).
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"[redacted]\"")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, for terminals.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Whether anyone may create an account (`POST /api/v1/auth/register`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Registration {
    /// Anyone may register (per-address limited).
    Open,
    /// Only administrators create accounts (`create-admin`); registering answers 403.
    Closed,
}

/// The settings as given (flags and environment through clap, or the TOML file): every
/// field optional so the sources can be layered.
#[derive(Debug, Clone, Default, Deserialize, clap::Args)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingsArgs {
    /// Address to listen on.
    #[arg(long, global = true, env = "AUTH_BIND")]
    pub bind: Option<SocketAddr>,
    /// Folder for the SQLite file and generated keys.
    #[arg(long, global = true, env = "AUTH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// `sqlite://...` (default: `<data-dir>/auth.db`) or `postgres://...`.
    #[arg(long, global = true, env = "AUTH_DATABASE_URL")]
    pub database_url: Option<String>,
    /// `redis://...`: share revocation state and throttling between instances.
    #[arg(long, global = true, env = "AUTH_REDIS_URL")]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key (`auth:`), to share one Redis between deployments.
    #[arg(long, global = true, env = "AUTH_REDIS_KEY_PREFIX")]
    pub redis_key_prefix: Option<String>,
    /// Access token lifetime (`2s`, `15m`, `1h`, `30d`).
    #[arg(long, global = true, env = "AUTH_ACCESS_TTL")]
    pub access_ttl: Option<String>,
    /// Refresh token lifetime.
    #[arg(long, global = true, env = "AUTH_REFRESH_TTL")]
    pub refresh_ttl: Option<String>,
    /// Signing algorithm (HS256, HS384, HS512, RS256, ..., ES256, ES384, EdDSA).
    #[arg(long, global = true, env = "AUTH_ALGORITHM")]
    pub algorithm: Option<String>,
    /// Signing key file (HMAC secret or private PEM); generated in the data dir for HMAC.
    #[arg(long, global = true, env = "AUTH_SIGNING_KEY_FILE")]
    pub signing_key_file: Option<PathBuf>,
    /// Extra verification keys still accepted during a rotation (comma-separated).
    #[arg(long, global = true, env = "AUTH_VERIFICATION_KEY_FILES", value_delimiter = ',')]
    pub verification_key_files: Option<Vec<PathBuf>>,
    /// `iss` written into and required of tokens.
    #[arg(long, global = true, env = "AUTH_ISSUER")]
    pub issuer: Option<String>,
    /// `aud` written into and required of tokens.
    #[arg(long, global = true, env = "AUTH_AUDIENCE")]
    pub audience: Option<String>,
    /// Admin account created (or kept) at start-up.
    #[arg(long, global = true, env = "AUTH_ADMIN_USERNAME")]
    pub admin_username: Option<String>,
    /// Password of that admin account.
    #[arg(long, global = true, env = "AUTH_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// Mark cookies `Secure` (and send HSTS).
    #[arg(long, global = true, env = "AUTH_COOKIE_SECURE", num_args = 0..=1, default_missing_value = "true")]
    pub cookie_secure: Option<bool>,
    /// `pretty` or `json`.
    #[arg(long, global = true, env = "AUTH_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Largest accepted request body, in bytes.
    #[arg(long, global = true, env = "AUTH_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Login attempts allowed per account (by canonical username) within the window; a
    /// success starts the count again.
    #[arg(long, global = true, env = "AUTH_LOGIN_MAX_FAILURES")]
    pub login_max_failures: Option<u32>,
    /// Failed logins allowed per client address within the window; past it, wrong
    /// passwords from that address answer 429 (a right one still logs in).
    #[arg(long, global = true, env = "AUTH_LOGIN_ADDRESS_MAX_FAILURES")]
    pub login_address_max_failures: Option<u32>,
    /// The sliding window for counting failed logins (`15m`).
    #[arg(long, global = true, env = "AUTH_LOGIN_WINDOW")]
    pub login_window: Option<String>,
    /// Password checks that may wait for a hashing thread; past it, 503 with `Retry-After`.
    #[arg(long, global = true, env = "AUTH_HASHING_QUEUE")]
    pub hashing_queue: Option<usize>,
    /// `open` (anyone may register) or `closed` (only administrators create accounts).
    #[arg(long, global = true, env = "AUTH_REGISTRATION")]
    pub registration: Option<Registration>,
    /// Registrations allowed per client address within the registration window.
    #[arg(long, global = true, env = "AUTH_REGISTRATION_MAX_PER_ADDRESS")]
    pub registration_max_per_address: Option<u32>,
    /// The sliding window for counting registrations (`10m`).
    #[arg(long, global = true, env = "AUTH_REGISTRATION_WINDOW")]
    pub registration_window: Option<String>,
    /// Longest time a request may take before it is answered 503 (`30s`).
    #[arg(long, global = true, env = "AUTH_REQUEST_TIMEOUT")]
    pub request_timeout: Option<String>,
    /// Longest time a client may take to send a request's headers, counted from the
    /// connection's start or the previous answer, before the connection is closed (`30s`).
    #[arg(long, global = true, env = "AUTH_HEADER_TIMEOUT")]
    pub header_timeout: Option<String>,
    /// How often revocations and sessions whose tokens have all expired are dropped (`60s`).
    #[arg(long, global = true, env = "AUTH_PRUNE_INTERVAL")]
    pub prune_interval: Option<String>,
    /// With Redis: how often each instance reads the revocations written since its last
    /// read from the database (`1s`), which bounds how long a revocation whose Redis
    /// message was lost takes to reach it.
    #[arg(long, global = true, env = "AUTH_REVOCATION_POLL_INTERVAL")]
    pub revocation_poll_interval: Option<String>,
    /// Reverse proxies in front of the server that append to `X-Forwarded-For` (0: use the
    /// socket address).
    #[arg(long, global = true, env = "AUTH_TRUSTED_PROXY_HOPS")]
    pub trusted_proxy_hops: Option<usize>,
    /// Browser origins allowed to call the API with credentials (comma-separated; none:
    /// no CORS headers).
    #[arg(long, global = true, env = "AUTH_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Option<Vec<String>>,
    /// The server's name in the web page's header and title (`auth-server`).
    #[arg(long, global = true, env = "AUTH_PAGE_TITLE")]
    pub page_title: Option<String>,
    /// An image shown beside the title in the web page (PNG, JPEG, GIF, WebP, SVG or ICO,
    /// at most 512 KiB; read at start-up).
    #[arg(long, global = true, env = "AUTH_PAGE_LOGO_FILE")]
    pub page_logo_file: Option<PathBuf>,
    /// How long after a refresh the refresh token it consumed may be presented again and
    /// get the same successor (two tabs, a retried request) instead of counting as theft
    /// (`10s`; `0` turns it off).
    #[arg(long, global = true, env = "AUTH_REFRESH_REUSE_GRACE")]
    pub refresh_reuse_grace: Option<String>,
}

impl SettingsArgs {
    /// Fills every unset field of `self` from `lower` (lower precedence).
    pub fn or(self, lower: SettingsArgs) -> SettingsArgs {
        SettingsArgs {
            bind: self.bind.or(lower.bind),
            data_dir: self.data_dir.or(lower.data_dir),
            database_url: self.database_url.or(lower.database_url),
            redis_url: self.redis_url.or(lower.redis_url),
            redis_key_prefix: self.redis_key_prefix.or(lower.redis_key_prefix),
            access_ttl: self.access_ttl.or(lower.access_ttl),
            refresh_ttl: self.refresh_ttl.or(lower.refresh_ttl),
            algorithm: self.algorithm.or(lower.algorithm),
            signing_key_file: self.signing_key_file.or(lower.signing_key_file),
            verification_key_files: self.verification_key_files.or(lower.verification_key_files),
            issuer: self.issuer.or(lower.issuer),
            audience: self.audience.or(lower.audience),
            admin_username: self.admin_username.or(lower.admin_username),
            admin_password: self.admin_password.or(lower.admin_password),
            cookie_secure: self.cookie_secure.or(lower.cookie_secure),
            log_format: self.log_format.or(lower.log_format),
            max_body_bytes: self.max_body_bytes.or(lower.max_body_bytes),
            login_max_failures: self.login_max_failures.or(lower.login_max_failures),
            login_address_max_failures: self.login_address_max_failures.or(lower.login_address_max_failures),
            login_window: self.login_window.or(lower.login_window),
            hashing_queue: self.hashing_queue.or(lower.hashing_queue),
            registration: self.registration.or(lower.registration),
            registration_max_per_address: self.registration_max_per_address.or(lower.registration_max_per_address),
            registration_window: self.registration_window.or(lower.registration_window),
            request_timeout: self.request_timeout.or(lower.request_timeout),
            header_timeout: self.header_timeout.or(lower.header_timeout),
            prune_interval: self.prune_interval.or(lower.prune_interval),
            revocation_poll_interval: self.revocation_poll_interval.or(lower.revocation_poll_interval),
            trusted_proxy_hops: self.trusted_proxy_hops.or(lower.trusted_proxy_hops),
            cors_origins: self.cors_origins.or(lower.cors_origins),
            page_title: self.page_title.or(lower.page_title),
            page_logo_file: self.page_logo_file.or(lower.page_logo_file),
            refresh_reuse_grace: self.refresh_reuse_grace.or(lower.refresh_reuse_grace),
        }
    }
}

/// The resolved settings the server runs with. `Debug` hides the admin password and any
/// password inside the database or Redis URL.
#[derive(Clone)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite://FILE` (the default, in the data dir) or `postgres://user:pass@host/db`
    /// (several instances sharing one database).
    pub database_url: String,
    /// `redis://...` (`rediss://` for TLS): revocations and login throttling shared by
    /// every instance; `None` keeps them in process memory.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key.
    pub redis_key_prefix: String,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub algorithm: jwt_extended::Algorithm,
    pub signing_key_file: Option<PathBuf>,
    pub verification_key_files: Vec<PathBuf>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub admin: Option<(String, Secret)>,
    pub cookie_secure: bool,
    pub log_format: LogFormat,
    pub max_body_bytes: usize,
    /// Attempts per account within the window (strict).
    pub login_max_failures: u32,
    /// Failures per client address within the window (loose: see `throttle`).
    pub login_address_max_failures: u32,
    pub login_window: Duration,
    /// Password checks that may wait for a hashing thread.
    pub hashing_queue: usize,
    pub registration: Registration,
    pub registration_max_per_address: u32,
    pub registration_window: Duration,
    pub request_timeout: Duration,
    /// Slow or idle clients: see `server.rs`.
    pub header_timeout: Duration,
    pub prune_interval: Duration,
    /// See `infra/revocation/synced.rs`.
    pub revocation_poll_interval: Duration,
    /// How many `X-Forwarded-For` entries, counted from the right, were appended by
    /// proxies we trust; the client is the entry they name (0: the socket address).
    pub trusted_proxy_hops: usize,
    /// Exact origins answered with CORS headers (credentials allowed); empty: no CORS.
    pub cors_origins: Vec<String>,
    /// The web page's title (see `routes/web/page.rs`).
    pub page_title: String,
    /// The web page's logo, read at start-up.
    pub page_logo: Option<crate::routes::web::Logo>,
    /// Zero: every repeat of a consumed refresh token is theft.
    pub refresh_reuse_grace: Duration,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("redis_url", &self.redis_url.as_deref().map(redact_url))
            .field("redis_key_prefix", &self.redis_key_prefix)
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field("algorithm", &self.algorithm)
            .field("signing_key_file", &self.signing_key_file)
            .field("verification_key_files", &self.verification_key_files)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("admin", &self.admin)
            .field("cookie_secure", &self.cookie_secure)
            .field("log_format", &self.log_format)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("login_max_failures", &self.login_max_failures)
            .field("login_address_max_failures", &self.login_address_max_failures)
            .field("login_window", &self.login_window)
            .field("hashing_queue", &self.hashing_queue)
            .field("registration", &self.registration)
            .field("registration_max_per_address", &self.registration_max_per_address)
            .field("registration_window", &self.registration_window)
            .field("request_timeout", &self.request_timeout)
            .field("header_timeout", &self.header_timeout)
            .field("prune_interval", &self.prune_interval)
            .field("revocation_poll_interval", &self.revocation_poll_interval)
            .field("trusted_proxy_hops", &self.trusted_proxy_hops)
            .field("cors_origins", &self.cors_origins)
            .field("page_title", &self.page_title)
            .field("page_logo", &self.page_logo)
            .field("refresh_reuse_grace", &self.refresh_reuse_grace)
            .finish()
    }
}

/// `scheme://user:password@host/...` with the password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    match rest[..at].split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:[redacted]@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

impl Settings {
    /// Layers flags/environment over the TOML file (when given) over the defaults.
    pub fn resolve(args: SettingsArgs, config_file: Option<&Path>) -> anyhow::Result<Settings> {
        let file = match config_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading config file {}", path.display()))?;
                toml::from_str::<SettingsArgs>(&text).with_context(|| format!("parsing config file {}", path.display()))?
            }
            None => SettingsArgs::default(),
        };
        let a = args.or(file);
        let data_dir = a.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let database_url = a
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("auth.db").display()));
        let algorithm = a.algorithm.as_deref().unwrap_or("HS256");
        let algorithm: jwt_extended::Algorithm = algorithm.parse().map_err(|_| anyhow::anyhow!("unknown algorithm {algorithm:?}"))?;
        let admin = match (a.admin_username, a.admin_password) {
            (Some(user), Some(password)) => Some((user, password)),
            (None, None) => None,
            _ => bail!("AUTH_ADMIN_USERNAME and AUTH_ADMIN_PASSWORD must be given together"),
        };
        Ok(Settings {
            bind: a.bind.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir,
            database_url,
            redis_url: a.redis_url,
            redis_key_prefix: a.redis_key_prefix.unwrap_or_else(|| "auth:".to_string()),
            access_ttl: parse_duration(a.access_ttl.as_deref().unwrap_or("15m")).context("access-ttl")?,
            refresh_ttl: parse_duration(a.refresh_ttl.as_deref().unwrap_or("30d")).context("refresh-ttl")?,
            algorithm,
            signing_key_file: a.signing_key_file,
            verification_key_files: a.verification_key_files.unwrap_or_default(),
            issuer: a.issuer,
            audience: a.audience,
            admin,
            cookie_secure: a.cookie_secure.unwrap_or(false),
            log_format: a.log_format.unwrap_or(LogFormat::Pretty),
            max_body_bytes: a.max_body_bytes.unwrap_or(64 * 1024),
            login_max_failures: a.login_max_failures.unwrap_or(5),
            login_address_max_failures: a.login_address_max_failures.unwrap_or(50),
            login_window: parse_duration(a.login_window.as_deref().unwrap_or("15m")).context("login-window")?,
            hashing_queue: a.hashing_queue.unwrap_or(64),
            registration: a.registration.unwrap_or(Registration::Open),
            registration_max_per_address: a.registration_max_per_address.unwrap_or(20),
            registration_window: parse_duration(a.registration_window.as_deref().unwrap_or("10m")).context("registration-window")?,
            request_timeout: parse_duration(a.request_timeout.as_deref().unwrap_or("30s")).context("request-timeout")?,
            header_timeout: parse_duration(a.header_timeout.as_deref().unwrap_or("30s")).context("header-timeout")?,
            prune_interval: parse_duration(a.prune_interval.as_deref().unwrap_or("60s")).context("prune-interval")?,
            revocation_poll_interval: parse_duration(a.revocation_poll_interval.as_deref().unwrap_or("1s"))
                .context("revocation-poll-interval")?,
            trusted_proxy_hops: a.trusted_proxy_hops.unwrap_or(0),
            cors_origins: cors_origins(a.cors_origins.unwrap_or_default())?,
            page_title: page_title(a.page_title)?,
            page_logo: a.page_logo_file.as_deref().map(crate::routes::web::Logo::load).transpose()?,
            refresh_reuse_grace: match a.refresh_reuse_grace.as_deref().unwrap_or("10s").trim() {
                "0" | "0s" => Duration::ZERO,
                grace => parse_duration(grace).context("refresh-reuse-grace")?,
            },
        })
    }
}

/// The configured CORS origins, trimmed, empty entries dropped. Each must be an exact
/// origin (`https://app.example.com`): `*` is refused, since credentials are allowed.
fn cors_origins(origins: Vec<String>) -> anyhow::Result<Vec<String>> {
    let origins: Vec<String> = origins.iter().map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect();
    for origin in &origins {
        let exact = origin.contains("://") && !origin.ends_with('/') && http::HeaderValue::from_str(origin).is_ok();
        if origin.contains('*') || !exact {
            bail!("cors-origins: {origin:?} is not an exact origin like https://app.example.com");
        }
    }
    Ok(origins)
}

/// The page title, trimmed; at most 80 characters so it fits a phone's header.
fn page_title(title: Option<String>) -> anyhow::Result<String> {
    let title = title.as_deref().map_or("auth-server", str::trim).to_string();
    if title.is_empty() || title.chars().count() > 80 || title.chars().any(char::is_control) {
        bail!("page-title: use 1 to 80 characters, no control characters");
    }
    Ok(title)
}

/// Parses `2s`, `15m`, `1h`, `30d`, `1w` or a bare number of seconds. Zero is refused.
pub fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits
        .parse()
        .with_context(|| format!("{text:?} is not a duration like 2s, 15m, 30d"))?;
    let seconds = match unit.trim() {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        "w" => n * 604_800,
        other => bail!("unknown duration unit {other:?} in {text:?} (use s, m, h, d or w)"),
    };
    if seconds == 0 {
        bail!("a duration of zero is not allowed");
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn humane_durations() {
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_duration("30d").unwrap(), Duration::from_secs(2_592_000));
        assert_eq!(parse_duration("90").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("5y").is_err());
        assert!(parse_duration("m").is_err());
    }

    #[test]
    fn flags_beat_file_beat_defaults() {
        let flags = SettingsArgs {
            access_ttl: Some("1m".into()),
            ..Default::default()
        };
        let file = SettingsArgs {
            access_ttl: Some("2m".into()),
            refresh_ttl: Some("2d".into()),
            ..Default::default()
        };
        let merged = flags.or(file);
        assert_eq!(merged.access_ttl.as_deref(), Some("1m"));
        assert_eq!(merged.refresh_ttl.as_deref(), Some("2d"));
        assert_eq!(merged.bind, None);
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let s = Secret("hunter2".into());
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn settings_debug_hides_every_password() {
        let args = SettingsArgs {
            admin_username: Some("root".into()),
            admin_password: Some(Secret("admin-pass-123".into())),
            database_url: Some("postgres://app:db-pass-456@db.internal:5432/auth".into()),
            redis_url: Some("redis://:redis-pass-789@cache:6379/0".into()),
            ..Default::default()
        };
        let printed = format!("{:?}", Settings::resolve(args, None).unwrap());
        for secret in ["admin-pass-123", "db-pass-456", "redis-pass-789"] {
            assert!(!printed.contains(secret), "{secret} leaked in {printed}");
        }
        assert!(printed.contains("db.internal:5432/auth"), "{printed}");
        assert!(printed.contains("root"), "{printed}");
    }

    #[test]
    fn urls_without_passwords_are_unchanged() {
        assert_eq!(redact_url("sqlite://./data/auth.db"), "sqlite://./data/auth.db");
        assert_eq!(redact_url("redis://cache:6379"), "redis://cache:6379");
        assert_eq!(redact_url("postgres://u:p@h/db?x=@"), "postgres://u:[redacted]@h/db?x=@");
    }

    #[test]
    fn cors_origins_must_be_exact() {
        let parsed = cors_origins(vec![" https://a.example ".into(), String::new(), "http://b.example:8080".into()]).unwrap();
        assert_eq!(parsed, ["https://a.example", "http://b.example:8080"]);
        for bad in ["*", "https://*.example.com", "a.example", "https://a.example/"] {
            assert!(cors_origins(vec![bad.into()]).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn proxy_hops_and_cors_default_to_off() {
        let settings = Settings::resolve(SettingsArgs::default(), None).unwrap();
        assert_eq!(settings.trusted_proxy_hops, 0);
        assert!(settings.cors_origins.is_empty());
        assert_eq!(settings.header_timeout, Duration::from_secs(30));
    }

    #[test]
    fn throttling_defaults_keep_the_address_limit_loose() {
        let settings = Settings::resolve(SettingsArgs::default(), None).unwrap();
        assert_eq!((settings.login_max_failures, settings.login_address_max_failures), (5, 50));
        assert_eq!(settings.registration, Registration::Open);
        assert_eq!(settings.registration_max_per_address, 20);
        assert_eq!(settings.registration_window, Duration::from_secs(600));
        let closed: SettingsArgs = toml::from_str("registration = \"closed\"\nhashing-queue = 8").unwrap();
        assert_eq!(closed.registration, Some(Registration::Closed));
        assert_eq!(closed.hashing_queue, Some(8));
    }

    #[test]
    fn toml_keys_are_kebab_case_and_checked() {
        let parsed: SettingsArgs =
            toml::from_str("bind = \"0.0.0.0:9000\"\naccess-ttl = \"5m\"\nrequest-timeout = \"10s\"\nheader-timeout = \"5s\"").unwrap();
        assert_eq!(parsed.bind, Some("0.0.0.0:9000".parse().unwrap()));
        assert_eq!(parsed.access_ttl.as_deref(), Some("5m"));
        assert_eq!(parsed.request_timeout.as_deref(), Some("10s"));
        assert_eq!(parsed.header_timeout.as_deref(), Some("5s"));
        assert!(toml::from_str::<SettingsArgs>("no-such-key = 1").is_err());
    }
}
