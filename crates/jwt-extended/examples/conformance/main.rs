//! The conformance example of `docs/conformance.md`: the routes and profiles that the
//! differential test's Flask-JWT-Extended app (`tests/differential/fje_app.py`) serves,
//! served with this library, so one HTTP client (`tests/differential/diff.py`) can compare
//! the two.
//!
//! ```text
//! cargo run --example conformance -- --profile all --port 5020
//! curl -s -XPOST localhost:5020/login -H 'content-type: application/json' -d '{"username":"test","fresh":true}'
//! curl -s localhost:5020/protected -H "Authorization: Bearer $ACCESS"
//! ```
//! Profiles: default, all, cookies, custom, claims, rs256, compat. The RS256 pair
//! (`rs256-private.pem`, `rs256-public.pem`) is read from `$KEYS_DIR`, by default the
//! crate's `tests/fixtures/keys/`.

mod profile;
mod routes;

use std::sync::Arc;

use jwt_extended::InMemoryRevocationStore;

/// `--profile NAME --port PORT` (also `--flag=value`), parsed by hand.
fn parse_args() -> Result<(String, u16), String> {
    let mut profile = "default".to_string();
    let mut port = 5000u16;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg, None),
        };
        let mut value = || inline.clone().or_else(|| args.next()).ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--profile" => profile = value()?,
            "--port" => port = value()?.parse().map_err(|e| format!("bad --port: {e}"))?,
            other => return Err(format!("unknown argument {other:?}; usage: conformance --profile NAME --port PORT")),
        }
    }
    Ok((profile, port))
}

#[tokio::main]
async fn main() {
    let (name, port) = parse_args().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let store = Arc::new(InMemoryRevocationStore::new());
    let jwt = profile::manager(&name, store.clone()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let app = routes::app(routes::AppState { jwt, store });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap_or_else(|e| {
        eprintln!("cannot bind 127.0.0.1:{port}: {e}");
        std::process::exit(1);
    });
    println!("jwt-extended conformance app, profile {name}, on :{port}");
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}
