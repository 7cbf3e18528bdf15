//! A key set fetched from an identity provider's JWKS URL and kept current: the
//! `remote-jwks` feature.
//!
//! Providers rotate keys without warning, so the set is refreshed in the background (as
//! often as the response's `Cache-Control: max-age` allows, within bounds) and fetched
//! again when a token names a `kid` the set lacks — at most once per minimum interval, so
//! a flood of made-up kids costs one request, not one per token. While the endpoint is
//! down the last good set keeps serving, up to a staleness limit; past it every request
//! fails closed with 503 ([`JwtError::Unavailable`]): an unverifiable token is never
//! accepted.

use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use http::header::CACHE_CONTROL;
use serde::Deserialize;

use crate::decode::DecodeSettings;
use crate::error::{ConfigError, JwtError};
use crate::keys::{KeySet, VerificationKey};
use crate::verified_cache;

/// How a [`RemoteJwks`] fetches and refreshes. Built with [`RemoteJwks::builder`].
#[derive(Debug, Clone)]
#[must_use = "call .fetch().await to obtain the key set"]
pub struct RemoteJwksBuilder {
    url: String,
    client: Option<reqwest::Client>,
    min_refresh: Duration,
    max_refresh: Duration,
    max_staleness: Duration,
    issuer: Option<String>,
    audience: Option<Vec<String>>,
}

impl RemoteJwksBuilder {
    /// The HTTP client to fetch with (custom CA, proxy, timeouts). By default a client
    /// with rustls and a 10-second timeout.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// The shortest time between two fetches, whatever the cache headers or unknown kids
    /// ask for (default 30 s): the bound on what a flood of unknown kids can cost.
    pub fn min_refresh(mut self, interval: Duration) -> Self {
        self.min_refresh = interval;
        self
    }

    /// The longest time between two background refreshes (default 15 min), used when the
    /// response has no `Cache-Control: max-age` or a longer one.
    pub fn max_refresh(mut self, interval: Duration) -> Self {
        self.max_refresh = interval;
        self
    }

    /// How long the last good key set keeps serving while the endpoint cannot be reached
    /// (default 1 h); afterwards requests fail with 503.
    pub fn max_staleness(mut self, staleness: Duration) -> Self {
        self.max_staleness = staleness;
        self
    }

    /// The issuer whose tokens these keys verify: required (`iss` must equal it) and, when
    /// a manager has several key sets, what picks the set for a token.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The audiences accepted from this issuer (instead of the manager's `decode_audience`).
    pub fn audience<S: Into<String>>(mut self, audience: impl IntoIterator<Item = S>) -> Self {
        self.audience = Some(audience.into_iter().map(Into::into).collect());
        self
    }

    /// Fetches the key set once (an error if the endpoint does not answer a usable JWKS:
    /// a service should not start unable to verify anything) and starts refreshing it in
    /// the background on the current tokio runtime, for as long as the key set is in use.
    pub async fn fetch(self) -> Result<RemoteJwks, ConfigError> {
        let client = match self.client.clone() {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|e| ConfigError::InvalidKey(format!("JWKS client: {e}")))?,
        };
        let settings = self;
        let fetched = download(&client, &settings.url).await.map_err(ConfigError::InvalidKey)?;
        let now = Instant::now();
        // The first unknown kid may fetch at once: the start-up fetch was not one.
        let unknown_kid_allowed = now.checked_sub(settings.min_refresh).unwrap_or(now);
        let shared = Arc::new(Shared {
            current: RwLock::new(Arc::new(Snapshot::new(fetched.keys, now))),
            last_attempt: std::sync::Mutex::new(unknown_kid_allowed),
            fetching: tokio::sync::Mutex::new(()),
            client,
            settings,
        });
        let next = shared.settings.refresh_after(fetched.max_age);
        tokio::spawn(refresh_in_background(Arc::downgrade(&shared), next));
        Ok(RemoteJwks { shared })
    }
}

/// An identity provider's key set, fetched from its JWKS URL and kept current; give it to
/// [`crate::JwtManagerBuilder::remote_jwks`]. Cloning shares the same set.
///
/// ```no_run
/// # async fn run() -> Result<(), jwt_extended::ConfigError> {
/// use jwt_extended::{JwtManager, RemoteJwks};
/// let keys = RemoteJwks::builder("https://idp.example.com/.well-known/jwks.json").fetch().await?;
/// let jwt = JwtManager::builder()
///     .remote_jwks(keys)
///     .decode_issuer("https://idp.example.com")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct RemoteJwks {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    current: RwLock<Arc<Snapshot>>,
    /// When a fetch was last started, successful or not: the minimum interval counts
    /// from here.
    last_attempt: std::sync::Mutex<Instant>,
    /// One fetch at a time; requests arriving meanwhile wait for its result.
    fetching: tokio::sync::Mutex<()>,
    client: reqwest::Client,
    settings: RemoteJwksBuilder,
}

/// A key set as one manager uses it: with the decode settings of its issuer.
#[derive(Debug)]
pub(crate) struct RemoteSource {
    pub(crate) keys: RemoteJwks,
    pub(crate) decode: DecodeSettings,
}

impl RemoteSource {
    /// `base` with this set's issuer and audience, when it has them.
    pub(crate) fn new(keys: RemoteJwks, base: &DecodeSettings) -> Self {
        let mut decode = base.clone();
        if let Some(issuer) = keys.issuer() {
            decode.issuer = Some(issuer.to_string());
        }
        if let Some(audience) = keys.audience() {
            decode.audience = Some(audience.clone());
        }
        RemoteSource { keys, decode }
    }
}

/// One fetched key set, with its own entries in the verified-token cache (a token
/// verified by a key that has since been removed must not hit).
#[derive(Debug)]
pub(crate) struct Snapshot {
    pub(crate) keys: KeySet,
    pub(crate) cache_owner: u64,
    fetched_at: Instant,
}

impl Snapshot {
    fn new(keys: KeySet, fetched_at: Instant) -> Self {
        Snapshot {
            keys,
            cache_owner: verified_cache::new_owner(),
            fetched_at,
        }
    }
}

struct Fetched {
    keys: KeySet,
    max_age: Option<Duration>,
}

impl RemoteJwks {
    /// Starts configuring the key set at `jwks_url`.
    pub fn builder(jwks_url: impl Into<String>) -> RemoteJwksBuilder {
        RemoteJwksBuilder {
            url: jwks_url.into(),
            client: None,
            min_refresh: Duration::from_secs(30),
            max_refresh: Duration::from_secs(15 * 60),
            max_staleness: Duration::from_secs(3600),
            issuer: None,
            audience: None,
        }
    }

    /// The issuer these keys are bound to, if any.
    pub(crate) fn issuer(&self) -> Option<&str> {
        self.shared.settings.issuer.as_deref()
    }

    /// The audiences accepted from this issuer, if set.
    pub(crate) fn audience(&self) -> Option<&Vec<String>> {
        self.shared.settings.audience.as_ref()
    }

    /// OIDC discovery: reads `{issuer}/.well-known/openid-configuration`, checks that it
    /// names `issuer` as its `issuer`, and fetches its `jwks_uri`. The key set is bound to
    /// that issuer (see [`RemoteJwksBuilder::issuer`]): tokens' `iss` must equal it.
    pub async fn from_oidc_issuer(
        issuer: &str,
        settings: impl FnOnce(RemoteJwksBuilder) -> RemoteJwksBuilder,
    ) -> Result<RemoteJwks, ConfigError> {
        #[derive(Deserialize)]
        struct Discovery {
            issuer: String,
            jwks_uri: String,
        }
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let configured = settings(RemoteJwks::builder(String::new()));
        let client = configured.client.clone().unwrap_or_default();
        let text = async { client.get(&url).send().await?.error_for_status()?.text().await }
            .await
            .map_err(|e: reqwest::Error| ConfigError::InvalidKey(format!("{url}: {e}")))?;
        let discovery: Discovery = serde_json::from_str(&text).map_err(|e| ConfigError::InvalidKey(format!("{url}: {e}")))?;
        if discovery.issuer != issuer {
            return Err(ConfigError::InvalidKey(format!(
                "{url} names issuer {:?}, not {issuer:?}",
                discovery.issuer
            )));
        }
        RemoteJwksBuilder {
            url: discovery.jwks_uri,
            issuer: Some(discovery.issuer),
            ..configured
        }
        .fetch()
        .await
    }

    /// The key set to verify with now, unless it is too old to trust.
    pub(crate) fn current(&self) -> Result<Arc<Snapshot>, JwtError> {
        let snapshot = self.shared.snapshot();
        if snapshot.fetched_at.elapsed() > self.shared.settings.max_staleness {
            return Err(JwtError::Unavailable(format!(
                "the key set of {} is older than its staleness limit and could not be refreshed",
                self.shared.settings.url
            )));
        }
        Ok(snapshot)
    }

    /// A copy of the keys fetched so far, for building the manager's fixed settings.
    pub(crate) fn initial_keys(&self) -> KeySet {
        self.shared.snapshot().keys.clone()
    }

    /// Fetches again because a token named `kid`, which the current set lacks — unless
    /// a fetch started less than the minimum interval ago. `true` when the set changed.
    pub(crate) async fn refresh_for_kid(&self, kid: &str) -> bool {
        if self.current().is_ok_and(|s| s.keys.knows_kid(kid)) {
            return false;
        }
        // Held, not just its address: a freed snapshot's address could be reused.
        let before = self.shared.snapshot();
        let _single = self.shared.fetching.lock().await;
        // Whoever held the lock may have fetched meanwhile: then the set is new already.
        if !Arc::ptr_eq(&self.shared.snapshot(), &before) {
            return true;
        }
        if !self.shared.may_fetch_now() {
            return false;
        }
        self.shared.fetch_now().await.is_ok()
    }
}

impl Shared {
    fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// Claims the right to fetch (the minimum interval has passed since the last attempt).
    fn may_fetch_now(&self) -> bool {
        let mut last = self.last_attempt.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() < self.settings.min_refresh {
            return false;
        }
        *last = Instant::now();
        true
    }

    /// Fetches and installs the key set; returns the interval its cache headers allow.
    async fn fetch_now(&self) -> Result<Option<Duration>, String> {
        let fetched = download(&self.client, &self.settings.url).await?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(Snapshot::new(fetched.keys, Instant::now()));
        Ok(fetched.max_age)
    }
}

impl RemoteJwksBuilder {
    /// The next background refresh: the cache lifetime, within the configured bounds.
    fn refresh_after(&self, max_age: Option<Duration>) -> Duration {
        max_age
            .unwrap_or(self.max_refresh)
            .clamp(self.min_refresh, self.max_refresh.max(self.min_refresh))
    }
}

/// Refreshes while someone still holds the key set; on failure retries with doubling
/// waits (from the minimum interval up to the normal one), keeping the last good set.
async fn refresh_in_background(shared: Weak<Shared>, mut wait: Duration) {
    let mut failures = 0u32;
    loop {
        tokio::time::sleep(wait).await;
        let Some(shared) = shared.upgrade() else { return };
        let _single = shared.fetching.lock().await;
        *shared.last_attempt.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        wait = match shared.fetch_now().await {
            Ok(max_age) => {
                failures = 0;
                shared.settings.refresh_after(max_age)
            }
            Err(cause) => {
                failures = failures.saturating_add(1);
                tracing::warn!(url = %shared.settings.url, %cause, failures, "JWKS refresh failed; keeping the last good key set");
                let backoff = shared.settings.min_refresh.saturating_mul(1 << failures.min(10));
                backoff.min(shared.settings.max_refresh)
            }
        };
    }
}

/// One GET of the JWKS document, parsed into a verify-only key set.
async fn download(client: &reqwest::Client, url: &str) -> Result<Fetched, String> {
    let response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| format!("{url}: {e}"))?;
    let max_age = response
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .and_then(max_age);
    let text = response.text().await.map_err(|e| format!("{url}: {e}"))?;
    let keys = VerificationKey::from_jwks_json(&text).map_err(|e| format!("{url}: {e}"))?;
    let keys = KeySet::new(None, keys).map_err(|e| format!("{url}: {e}"))?;
    Ok(Fetched { keys, max_age })
}

/// `max-age=N` of a `Cache-Control` value (`no-store`/`no-cache` count as zero).
fn max_age(cache_control: &str) -> Option<Duration> {
    cache_control.split(',').map(str::trim).find_map(|directive| {
        if directive.eq_ignore_ascii_case("no-store") || directive.eq_ignore_ascii_case("no-cache") {
            return Some(Duration::ZERO);
        }
        let (name, value) = directive.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| value.trim().parse().ok().map(Duration::from_secs))?
    })
}

#[cfg(test)]
mod tests {
    use super::max_age;
    use std::time::Duration;

    #[test]
    fn cache_control_max_age_is_read_and_no_store_means_now() {
        assert_eq!(max_age("public, max-age=300"), Some(Duration::from_secs(300)));
        assert_eq!(max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(max_age("private"), None);
        assert_eq!(max_age("max-age=abc"), None);
    }
}
