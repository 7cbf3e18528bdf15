//! The types and parsers of setting values, shared by the flags, the environment and the
//! TOML file (which all go through clap): durations as people write them, the choices,
//! and the two kinds of value that must never be printed whole (passwords and URLs that
//! may carry one).

use std::fmt;
use std::ops::Deref;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::bail;

/// A value that must never be printed (passwords): `Debug` shows `[REDACTED]`, and the
/// value is read only through `secrecy::ExposeSecret`.
pub type Secret = secrecy::SecretString;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable, for terminals.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Whether anyone may create an account (`POST /api/v1/auth/register`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Registration {
    /// Anyone may register (per-address limited).
    Open,
    /// Only administrators create accounts (`create-admin`); registering answers 403.
    Closed,
}

/// A database or Redis URL, which may carry a password: `Debug` and `Display` replace the
/// password, [`ServiceUrl::as_str`] gives the whole URL to the client that connects.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceUrl(String);

impl ServiceUrl {
    /// The URL as given, password included: for connecting, never for printing.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for ServiceUrl {
    fn from(url: String) -> Self {
        ServiceUrl(url)
    }
}

impl From<&str> for ServiceUrl {
    fn from(url: &str) -> Self {
        ServiceUrl(url.to_string())
    }
}

impl fmt::Display for ServiceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl fmt::Debug for ServiceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_url(&self.0), f)
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

/// The exact browser origins answered with CORS headers, from a comma-separated list.
/// Empty entries are dropped, so `AUTH_CORS_ORIGINS=` means none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins(Vec<String>);

impl Deref for Origins {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl<S: Into<String>> FromIterator<S> for Origins {
    fn from_iter<I: IntoIterator<Item = S>>(origins: I) -> Self {
        Origins(origins.into_iter().map(Into::into).collect())
    }
}

/// Each origin must be exact (`https://app.example.com`): `*` is refused, since
/// credentials are allowed.
impl FromStr for Origins {
    type Err = anyhow::Error;
    fn from_str(list: &str) -> anyhow::Result<Origins> {
        let origins: Vec<String> = list.split(',').map(str::trim).filter(|o| !o.is_empty()).map(String::from).collect();
        for origin in &origins {
            let exact = origin.contains("://") && !origin.ends_with('/') && http::HeaderValue::from_str(origin).is_ok();
            if origin.contains('*') || !exact {
                bail!("{origin:?} is not an exact origin like https://app.example.com");
            }
        }
        Ok(Origins(origins))
    }
}

/// A duration such as `90s`, `15m`, `1h30m`, `30d` or a bare number of seconds (`90`); at
/// least one second, since tokens and windows count whole seconds.
pub fn duration(text: &str) -> anyhow::Result<Duration> {
    let duration = duration_or_off(text)?;
    if duration.is_zero() {
        bail!("a duration of zero is not allowed here");
    }
    Ok(duration)
}

/// A [`duration`], or `0` (any unit) for a setting that zero turns off.
pub fn duration_or_off(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let parsed = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => match humantime::parse_duration(text) {
            Ok(duration) => duration,
            Err(e) => bail!("{text:?} is not a duration like 90s, 15m, 1h30m or 30d ({e})"),
        },
    };
    if !parsed.is_zero() && parsed < Duration::from_secs(1) {
        bail!("{text:?} is shorter than the smallest duration, 1s");
    }
    Ok(parsed)
}

/// One of the signing algorithms jsonwebtoken knows, by its JOSE name.
pub fn algorithm(name: &str) -> anyhow::Result<jwt_extended::Algorithm> {
    match name.parse() {
        Ok(algorithm) => Ok(algorithm),
        Err(_) => bail!("unknown algorithm {name:?} (HS256, HS384, HS512, RS256, PS256, ES256, ES384, EdDSA, ...)"),
    }
}

/// The page title, trimmed; at most 80 characters so it fits a phone's header.
pub fn page_title(title: &str) -> anyhow::Result<String> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 80 || title.chars().any(char::is_control) {
        bail!("use 1 to 80 characters, no control characters");
    }
    Ok(title.to_string())
}

/// The page's logo, read when the settings are: a missing or oversized file stops the
/// start-up instead of breaking the page later.
pub fn logo(path: &str) -> Result<super::Logo, String> {
    super::Logo::load(Path::new(path)).map_err(|e| format!("{e:#}"))
}
