//! The profiles of `docs/conformance.md`: one `JwtManager` configuration per name,
//! mirroring the Flask-JWT-Extended app of the differential test
//! (`tests/differential/fje_app.py`) option by option, so the two apps can be compared
//! request by request.

use std::sync::Arc;

use jwt_extended::{
    Algorithm, ConfigError, InMemoryRevocationStore, InvalidTokenStatus, JwtManager, JwtManagerBuilder, SigningKey, TokenLocation,
};

/// The shared HMAC secret of every HS256 profile.
pub const SECRET: &str = "conformance-secret-key-0123456789abcdef";

/// Every profile name, in the order `docs/conformance.md` lists them.
pub const PROFILES: &[&str] = &["default", "all", "cookies", "custom", "claims", "rs256", "compat"];

const ALL_LOCATIONS: [TokenLocation; 4] = [
    TokenLocation::Headers,
    TokenLocation::Cookies,
    TokenLocation::QueryString,
    TokenLocation::Json,
];

/// Where the RS256 key pair lives: `$KEYS_DIR`, or the crate's own test keys.
fn keys_dir() -> String {
    std::env::var("KEYS_DIR").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/").to_string())
}

fn read_key(name: &str) -> Result<Vec<u8>, String> {
    let path = std::path::Path::new(&keys_dir()).join(name);
    std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Builds the manager for `profile`, with `store` as its revocation list.
pub fn manager(profile: &str, store: Arc<InMemoryRevocationStore>) -> Result<JwtManager, String> {
    let base = JwtManager::builder().secret(SECRET).revocation(store);
    let builder: JwtManagerBuilder = match profile {
        "default" => base,
        "all" => base.token_locations(ALL_LOCATIONS),
        "compat" => base
            .token_locations(ALL_LOCATIONS)
            .invalid_token_status(InvalidTokenStatus::FlaskCompat),
        "cookies" => base.token_locations([TokenLocation::Cookies]),
        "custom" => base
            .token_locations([TokenLocation::Headers, TokenLocation::QueryString, TokenLocation::Json])
            .header_name("Foo")
            .header_type("JWT")
            .query_string_name("token")
            .query_string_value_prefix("Bearer ")
            .json_key("tok")
            .refresh_json_key("rtok")
            .error_message_key("message"),
        "claims" => base
            .decode_audience(["foo", "bar"])
            .decode_issuer("baz")
            .encode_audience(["foo"])
            .encode_issuer("baz")
            .leeway(10),
        "rs256" => {
            let key = SigningKey::from_pem(Algorithm::RS256, &read_key("rs256-private.pem")?, &read_key("rs256-public.pem")?)
                .map_err(|e| e.to_string())?;
            base.signing_key(key)
        }
        other => return Err(format!("unknown profile {other:?}; expected one of {}", PROFILES.join(", "))),
    };
    builder.build().map_err(|e: ConfigError| e.to_string())
}
