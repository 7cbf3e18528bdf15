//! A key set fetched from a JWKS URL (feature `remote-jwks`), against a JWKS server the
//! tests start: rotation picked up by `kid`, a flood of unknown kids bounded to one fetch,
//! the endpoint down then back (the last good set serves, then fails closed), issuer
//! checks and OIDC discovery.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use jwt_extended::{Algorithm, JwtManager, RemoteJwks, RemoteJwksBuilder, SigningKey};
use serde_json::{Value, json};

use crate::support::{get_protected, jwks_of, provider};

/// What the test JWKS server answers, and how often it was asked.
#[derive(Default)]
struct Served {
    document: Value,
    discovery: Value,
    down: bool,
    hits: usize,
}

type Shared = Arc<Mutex<Served>>;

async fn jwks(State(served): State<Shared>) -> Response {
    let mut served = served.lock().unwrap();
    served.hits += 1;
    if served.down {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    axum::Json(served.document.clone()).into_response()
}

async fn discovery(State(served): State<Shared>) -> Response {
    axum::Json(served.lock().unwrap().discovery.clone()).into_response()
}

/// Starts the JWKS server on a free port; returns its base URL and its state.
async fn jwks_server(document: Value) -> (String, Shared) {
    let served: Shared = Arc::new(Mutex::new(Served {
        document,
        ..Served::default()
    }));
    let app = axum::Router::new()
        .route("/jwks.json", get(jwks))
        .route("/.well-known/openid-configuration", get(discovery))
        .with_state(served.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, served)
}

/// One of the two EC test keys (`a` or `b`) under `kid`.
fn ec_key(which: char, kid: &str) -> SigningKey {
    let (private, public): (&[u8], &[u8]) = match which {
        'a' => (
            include_bytes!("../fixtures/keys/es256-a-private.pem"),
            include_bytes!("../fixtures/keys/es256-a-public.pem"),
        ),
        _ => (
            include_bytes!("../fixtures/keys/es256-b-private.pem"),
            include_bytes!("../fixtures/keys/es256-b-public.pem"),
        ),
    };
    SigningKey::from_pem(Algorithm::ES256, private, public).unwrap().with_kid(kid)
}

/// A provider signing with `key`, writing `iss` and `aud`.
fn issuing(key: SigningKey, iss: &str, aud: &str) -> JwtManager {
    JwtManager::builder()
        .signing_key(key)
        .encode_issuer(iss)
        .encode_audience([aud])
        .build()
        .unwrap()
}

async fn resource_server(base: &str, settings: impl FnOnce(RemoteJwksBuilder) -> RemoteJwksBuilder) -> JwtManager {
    let keys = settings(RemoteJwks::builder(format!("{base}/jwks.json"))).fetch().await.unwrap();
    JwtManager::builder().remote_jwks(keys).build().unwrap()
}

/// Sends `token` until the answer has `status`, failing after a few seconds.
async fn poll_until(api: &JwtManager, token: &str, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if get_protected(api, token).await.status.as_u16() == status {
            return;
        }
        assert!(Instant::now() < deadline, "never answered {status}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_key_rotated_in_at_the_provider_is_picked_up_by_its_kid() {
    let (old, new) = (
        provider(Algorithm::ES256, "ec-1"),
        JwtManager::builder().signing_key(ec_key('b', "ec-2")).build().unwrap(),
    );
    let (base, served) = jwks_server(jwks_of(&[&old])).await;
    let api = resource_server(&base, |b| b).await;
    get_protected(&api, &old.create_access_token("alice").unwrap())
        .await
        .assert_ok_as("alice");
    served.lock().unwrap().document = jwks_of(&[&old, &new]);
    get_protected(&api, &new.create_access_token("bob").unwrap())
        .await
        .assert_ok_as("bob");
    assert_eq!(served.lock().unwrap().hits, 2, "the start-up fetch and one for the new kid");
}

#[tokio::test]
async fn a_flood_of_unknown_kids_makes_at_most_one_fetch() {
    let idp = provider(Algorithm::ES256, "ec-1");
    let (base, served) = jwks_server(jwks_of(&[&idp])).await;
    let api = resource_server(&base, |b| b.min_refresh(Duration::from_secs(3600))).await;
    let forged: Vec<String> = (0..50)
        .map(|i| {
            provider(Algorithm::ES256, &format!("made-up-{i}"))
                .create_access_token("mallory")
                .unwrap()
        })
        .collect();
    let replies = futures_util::future::join_all(forged.iter().map(|t| get_protected(&api, t))).await;
    for token in &forged {
        get_protected(&api, token).await.assert_error(401, "Signature verification failed");
    }
    assert!(replies.iter().all(|r| r.status == StatusCode::UNAUTHORIZED));
    assert!(served.lock().unwrap().hits <= 2, "{} fetches", served.lock().unwrap().hits);
}

#[tokio::test]
async fn the_last_good_set_serves_while_the_endpoint_is_down_then_fails_closed_and_recovers() {
    let idp = provider(Algorithm::ES256, "ec-1");
    let (base, served) = jwks_server(jwks_of(&[&idp])).await;
    let api = resource_server(&base, |b| {
        b.min_refresh(Duration::from_millis(20))
            .max_refresh(Duration::from_millis(50))
            .max_staleness(Duration::from_secs(1))
    })
    .await;
    let token = idp.create_access_token("alice").unwrap();
    served.lock().unwrap().down = true;
    get_protected(&api, &token).await.assert_ok_as("alice");
    poll_until(&api, &token, 503).await;
    get_protected(&api, &token).await.assert_error(503, "Service unavailable");
    served.lock().unwrap().down = false;
    poll_until(&api, &token, 200).await;
}

#[tokio::test]
async fn a_wrong_issuer_is_refused_and_the_right_one_accepted() {
    let (good, evil) = (
        issuing(ec_key('a', "ec-1"), "https://idp.test", "api"),
        issuing(ec_key('a', "ec-1"), "https://evil.test", "api"),
    );
    let (base, _) = jwks_server(jwks_of(&[&good])).await;
    let keys = RemoteJwks::builder(format!("{base}/jwks.json")).fetch().await.unwrap();
    let api = JwtManager::builder()
        .remote_jwks(keys)
        .decode_issuer("https://idp.test")
        .build()
        .unwrap();
    get_protected(&api, &good.create_access_token("alice").unwrap())
        .await
        .assert_ok_as("alice");
    get_protected(&api, &evil.create_access_token("alice").unwrap())
        .await
        .assert_error(401, "Invalid issuer");
}

#[tokio::test]
async fn oidc_discovery_finds_the_jwks_and_checks_the_issuer() {
    let idp = provider(Algorithm::ES256, "ec-1");
    let (base, served) = jwks_server(jwks_of(&[&idp])).await;
    served.lock().unwrap().discovery = json!({ "issuer": base, "jwks_uri": format!("{base}/jwks.json") });
    let keys = RemoteJwks::from_oidc_issuer(&base, |b| b.client(reqwest::Client::new()))
        .await
        .unwrap();
    let api = JwtManager::builder().remote_jwks(keys).build().unwrap();
    // The discovered issuer is required: a token without `iss` is refused, one with it passes.
    get_protected(&api, &idp.create_access_token("alice").unwrap())
        .await
        .assert_error(401, "Token is missing the \"iss\" claim");
    let with_iss = idp.access_token("alice").claim("iss", base.as_str()).issue().unwrap().token;
    get_protected(&api, &with_iss).await.assert_ok_as("alice");

    served.lock().unwrap().discovery = json!({ "issuer": "https://elsewhere.test", "jwks_uri": format!("{base}/jwks.json") });
    let refused = RemoteJwks::from_oidc_issuer(&base, |b| b).await.unwrap_err();
    assert!(refused.to_string().contains("elsewhere.test"), "{refused}");
}

#[tokio::test]
async fn a_remote_set_cannot_be_mixed_with_fixed_keys_and_an_unreachable_one_fails_at_start() {
    let idp = provider(Algorithm::ES256, "ec-1");
    let (base, served) = jwks_server(jwks_of(&[&idp])).await;
    let keys = RemoteJwks::builder(format!("{base}/jwks.json")).fetch().await.unwrap();
    let mixed = JwtManager::builder()
        .remote_jwks(keys)
        .secret("a-secret-of-at-least-thirty-two-bytes!")
        .build();
    assert_eq!(mixed.err(), Some(jwt_extended::ConfigError::RemoteWithFixedKeys));
    served.lock().unwrap().down = true;
    assert!(RemoteJwks::builder(format!("{base}/jwks.json")).fetch().await.is_err());
}

#[tokio::test]
async fn several_issuers_each_verified_with_their_own_keys_and_audience() {
    // Both providers name their key `ec-1`; only the issuer tells the sets apart.
    let a = issuing(ec_key('a', "ec-1"), "https://a.test", "api");
    let b = issuing(ec_key('b', "ec-1"), "https://b.test", "other-api");
    let (a_base, _) = jwks_server(jwks_of(&[&a])).await;
    let (b_base, _) = jwks_server(jwks_of(&[&b])).await;
    let from = |base: &str, iss: &str, aud: &str| RemoteJwks::builder(format!("{base}/jwks.json")).issuer(iss).audience([aud]).fetch();
    let api = JwtManager::builder()
        .remote_jwks(from(&a_base, "https://a.test", "api").await.unwrap())
        .remote_jwks(from(&b_base, "https://b.test", "other-api").await.unwrap())
        .build()
        .unwrap();
    get_protected(&api, &a.create_access_token("alice").unwrap())
        .await
        .assert_ok_as("alice");
    get_protected(&api, &b.create_access_token("bob").unwrap())
        .await
        .assert_ok_as("bob");
    // B's key claiming to be A: verified with A's keys, so refused.
    let forged = issuing(ec_key('b', "ec-1"), "https://a.test", "api");
    get_protected(&api, &forged.create_access_token("mallory").unwrap())
        .await
        .assert_error(401, "Signature verification failed");
    // A's token with B's audience: A's set only accepts its own.
    get_protected(
        &api,
        &issuing(ec_key('a', "ec-1"), "https://a.test", "other-api")
            .create_access_token("alice")
            .unwrap(),
    )
    .await
    .assert_error(401, "Audience doesn't match");
    // An issuer nobody configured.
    get_protected(
        &api,
        &issuing(ec_key('a', "ec-1"), "https://c.test", "api")
            .create_access_token("carol")
            .unwrap(),
    )
    .await
    .assert_error(401, "Invalid issuer");
    // Several sets must each name their issuer.
    let unnamed = RemoteJwks::builder(format!("{a_base}/jwks.json")).fetch().await.unwrap();
    let named = from(&b_base, "https://b.test", "api").await.unwrap();
    let refused = JwtManager::builder().remote_jwks(unnamed).remote_jwks(named).build();
    assert_eq!(refused.err(), Some(jwt_extended::ConfigError::RemoteWithoutIssuer));
}
