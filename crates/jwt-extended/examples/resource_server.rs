//! A resource server: an API that issues no tokens and verifies those of an identity
//! provider with the keys the provider publishes as a JWKS document — here, this
//! project's auth-server signing with ES256. Needs the `remote-jwks` feature.
//!
//! ```text
//! cargo run -p auth-server -- gen-key --alg ES256 --out /tmp/idp.pem
//! cargo run -p auth-server -- serve --algorithm ES256 --signing-key-file /tmp/idp.pem \
//!     --data-dir /tmp/idp --bind 127.0.0.1:8080 &
//! cargo run -p jwt-extended --features remote-jwks --example resource_server -- \
//!     --jwks-url http://127.0.0.1:8080/.well-known/jwks.json --port 5000
//! # register and log in as docs/api.md describes, then:
//! TOKEN=$(curl -s -XPOST localhost:8080/api/v1/auth/login -H 'content-type: application/json' \
//!   -d '{"username":"alice","password":"..."}' | jq -r .access_token)
//! curl -s localhost:5000/protected -H "Authorization: Bearer $TOKEN"   # {"sub":"..."}
//! curl -s localhost:5000/admin -H "Authorization: Bearer $TOKEN"       # 403 unless role is admin
//! curl -s localhost:5000/protected                                     # 401 Missing Authorization Header
//! ```
//!
//! `--issuer ISS` and `--audience AUD` make `iss` / `aud` required and checked. The key
//! set is fetched at start-up (which fails if it cannot be), refreshed in the
//! background as the provider's `Cache-Control` allows, and fetched again when a token
//! names a `kid` it lacks, so a provider that rotates its signing key (auth-server
//! restarted with a new `--signing-key-file` and the old public key in
//! `--verification-key-files`) is followed without a restart. Revocation stays the
//! provider's business: a resource server accepts a token until it expires, so keep
//! access tokens short-lived.

use axum::routing::get;
use axum::{Json, Router};
use jwt_extended::{DecodedToken, Jwt, JwtManager, RemoteJwks, Require, Rule, claim_equals};
use serde_json::{Value, json};

/// Tokens whose `role` claim is `admin` (auth-server writes `role` into every token).
struct Admin;
impl Rule for Admin {
    fn allows(token: &DecodedToken) -> bool {
        claim_equals(&token.claims, "role", "admin")
    }
}

async fn protected(token: Jwt) -> Json<Value> {
    Json(json!({ "sub": token.identity_str() }))
}

async fn admin(token: Jwt<Require<Admin>>) -> Json<Value> {
    Json(json!({ "sub": token.identity_str(), "admin": true }))
}

struct Args {
    jwks_url: String,
    issuer: Option<String>,
    audience: Option<String>,
    port: u16,
}

fn parse_args() -> Result<Args, String> {
    let (mut jwks_url, mut issuer, mut audience, mut port) = (None, None, None, 5000u16);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--jwks-url" => jwks_url = Some(value()?),
            "--issuer" => issuer = Some(value()?),
            "--audience" => audience = Some(value()?),
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let jwks_url = jwks_url.ok_or("--jwks-url URL is required")?;
    Ok(Args {
        jwks_url,
        issuer,
        audience,
        port,
    })
}

/// A verify-only manager over the provider's published keys, kept current.
async fn manager(args: &Args) -> Result<JwtManager, String> {
    let keys = RemoteJwks::builder(&args.jwks_url).fetch().await.map_err(|e| e.to_string())?;
    let mut builder = JwtManager::builder().remote_jwks(keys);
    if let Some(issuer) = &args.issuer {
        builder = builder.decode_issuer(issuer.clone());
    }
    if let Some(audience) = &args.audience {
        builder = builder.decode_audience([audience.clone()]);
    }
    builder.build().map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() {
    let args = parse_args().unwrap_or_else(|e| {
        eprintln!("resource_server: {e}\nusage: resource_server --jwks-url URL [--issuer ISS] [--audience AUD] --port PORT");
        std::process::exit(2);
    });
    let jwt = manager(&args).await.unwrap_or_else(|e| {
        eprintln!("resource_server: {e}");
        std::process::exit(1);
    });
    let app = Router::new()
        .route("/protected", get(protected))
        .route("/admin", get(admin))
        .layer(jwt.layer());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await.unwrap();
    println!("resource_server: verifying tokens from {} on :{}", args.jwks_url, args.port);
    axum::serve(listener, app).await.unwrap();
}
