//! `auth-server decode TOKEN`: verifies a token with the configured keys, issuer and
//! audience (the same settings as `serve`) and prints `{header, claims, revoked}` as
//! JSON. Exit status 1 with the error message when the token is invalid or revoked.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use crate::settings::Settings;

/// `decode` options.
#[derive(Debug, clap::Args)]
pub struct DecodeArgs {
    /// The token, or `-` to read it from stdin (keeps it out of the process list).
    pub token: String,
    /// Accept an expired token (still checks the signature and every other claim).
    #[arg(long)]
    pub allow_expired: bool,
}

/// Prints the decoded token; `Ok(FAILURE)` when it does not verify.
pub async fn run(settings: Settings, args: &DecodeArgs) -> anyhow::Result<ExitCode> {
    let token = if args.token == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("reading the token from stdin")?;
        text.trim().to_string()
    } else {
        args.token.trim().to_string()
    };
    let state = crate::app::build_state(settings).await?;
    let decoded = if args.allow_expired {
        state.jwt.decode_token_allow_expired(&token)
    } else {
        state.jwt.decode_token(&token)
    };
    let decoded = match decoded {
        Ok(decoded) => decoded,
        Err(e) => {
            eprintln!("invalid token: {}", e.message());
            return Ok(ExitCode::FAILURE);
        }
    };
    let revoked = state.revocations.is_revoked(&decoded).await.map_err(|e| anyhow::anyhow!(e.0))?;
    let out = json!({ "header": decoded.header(), "claims": decoded.claims.as_map(), "revoked": revoked });
    println!("{}", serde_json::to_string_pretty(&out)?);
    if revoked {
        eprintln!("invalid token: Token has been revoked");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
