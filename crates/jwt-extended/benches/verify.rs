//! What protecting a route costs on top of checking the token: the full extractor path
//! (`Jwt` from request parts, with the in-memory revocation check) against a bare
//! `jsonwebtoken::decode` of the same HS256 token, measured in the same run. The extractor
//! is measured twice: with one token presented again and again (what a client does; the
//! verified-token cache answers) and with a different token on every call (every call
//! decodes, the cache only costs its lookup and insert).
//!
//! Run with `cargo bench -p jwt-extended --bench verify`; after the three benchmarks it
//! prints the ratios of the medians (goal: extractor ≤ 1.15 × bare decode).

use std::future::Future;
use std::hint::black_box;
use std::path::PathBuf;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::SystemTime;

use axum::extract::FromRequestParts;
use criterion::Criterion;
use http::request::Parts;
use jsonwebtoken::{DecodingKey, Validation};
use jwt_extended::{InMemoryRevocationStore, Jwt, JwtManager, RevocationStore};
use serde::Deserialize;

const SECRET: &[u8] = b"bench-secret-key-that-is-long-enough-32b";
const GROUP: &str = "verify";
const BARE: &str = "bare_jsonwebtoken_decode";
const EXTRACTOR: &str = "extractor_full_revocation";
const EXTRACTOR_1M: &str = "extractor_1m_revoked";
const EXTRACTOR_UNCACHED: &str = "extractor_distinct_tokens";
/// More distinct tokens than the verified cache holds per thread, many times over.
const DISTINCT_TOKENS: usize = 4096;
const REVOKED: usize = 1_000_000;

/// The claims a hand-written axum service decodes with plain jsonwebtoken (the "ceiling"
/// the library is measured against in `docs/performance.md`).
#[allow(dead_code)]
#[derive(Deserialize)]
struct CeilingClaims {
    sub: String,
    exp: u64,
    iat: u64,
    nbf: u64,
    jti: String,
    r#type: String,
    fresh: bool,
}

/// Polls a future that never waits on I/O (the in-memory store answers at once).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// A manager with a revocation store, the store, and an access token of a session.
fn setup() -> (JwtManager, Arc<InMemoryRevocationStore>, String) {
    let store = Arc::new(InMemoryRevocationStore::new());
    let jwt = JwtManager::builder()
        .secret(SECRET)
        .revocation(store.clone())
        .build()
        .expect("valid configuration");
    let token = jwt
        .access_token("1")
        .session(uuid::Uuid::new_v4().to_string())
        .issue()
        .expect("token")
        .token;
    // A user cut-off for someone else, so the user lookup really happens.
    block_on(store.revoke_user_before("someone-else", 0, Some(i64::MAX))).expect("in memory");
    (jwt, store, token)
}

fn request_parts(jwt: &JwtManager, token: &str) -> Parts {
    let mut parts = http::Request::get("/secret")
        .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(())
        .expect("request")
        .into_parts()
        .0;
    parts.extensions.insert(jwt.clone());
    parts
}

fn extract(parts: &mut Parts) -> Jwt {
    match block_on(<Jwt as FromRequestParts<()>>::from_request_parts(parts, &())) {
        Ok(jwt) => jwt,
        Err(rejection) => panic!("the benchmark token was refused: {:?}", rejection.error()),
    }
}

fn benches(c: &mut Criterion) {
    let (jwt, store, token) = setup();
    let mut group = c.benchmark_group(GROUP);

    let key = DecodingKey::from_secret(SECRET);
    let validation = Validation::default();
    jsonwebtoken::decode::<CeilingClaims>(&token, &key, &validation).expect("bare decode accepts the token");
    group.bench_function(BARE, |b| {
        b.iter(|| jsonwebtoken::decode::<CeilingClaims>(black_box(&token), &key, &validation).map(|d| d.claims))
    });

    let mut parts = request_parts(&jwt, &token);
    assert_eq!(extract(&mut parts).claims().subject(), Some("1"));
    group.bench_function(EXTRACTOR, |b| b.iter(|| extract(black_box(&mut parts))));

    let mut distinct: Vec<Parts> = (0..DISTINCT_TOKENS)
        .map(|i| {
            let token = jwt.access_token("1").session(format!("session-{i}")).issue().expect("token").token;
            request_parts(&jwt, &token)
        })
        .collect();
    let mut next = 0;
    group.bench_function(EXTRACTOR_UNCACHED, |b| {
        b.iter(|| {
            next = (next + 1) % DISTINCT_TOKENS;
            extract(black_box(&mut distinct[next]))
        })
    });

    // Filled on first use, so a run filtered to the other benchmarks skips it.
    let fill = std::sync::Once::new();
    group.bench_function(EXTRACTOR_1M, |b| {
        fill.call_once(|| {
            for _ in 0..REVOKED {
                block_on(store.revoke_token(&uuid::Uuid::new_v4().to_string(), Some(i64::MAX))).expect("in memory");
            }
            assert_eq!(store.len(), REVOKED + 1);
        });
        b.iter(|| extract(black_box(&mut parts)))
    });
    group.finish();
}

/// Where criterion writes its estimates: `$CRITERION_HOME`, else `<target>/criterion`
/// (this executable lives in `<target>/<profile>/deps/`).
fn output_directory() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    let exe = std::env::current_exe().expect("current executable");
    let target = exe.ancestors().nth(3).expect("<target>/<profile>/deps/<exe>");
    target.join("criterion")
}

/// The median of one benchmark's run in this process (not an older one), in nanoseconds.
fn median_ns(dir: &std::path::Path, id: &str, since: SystemTime) -> Option<f64> {
    let path = dir.join(GROUP).join(id).join("new").join("estimates.json");
    if std::fs::metadata(&path).ok()?.modified().ok()? < since {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

fn main() {
    let started = SystemTime::now();
    let dir = output_directory();
    let mut criterion = Criterion::default().output_directory(&dir).configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();

    let Some(bare) = median_ns(&dir, BARE, started) else {
        println!("ratio: not computed (the bare decode benchmark did not run)");
        return;
    };
    for id in [EXTRACTOR, EXTRACTOR_UNCACHED, EXTRACTOR_1M] {
        if let Some(full) = median_ns(&dir, id, started) {
            println!("ratio {id} / {BARE}: {:.3}x ({full:.0} ns / {bare:.0} ns, medians)", full / bare);
        }
    }
}
