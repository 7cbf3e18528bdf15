//! Properties: create→decode round-trips for arbitrary additional claims and identities,
//! and "any change to any single byte of a token is rejected" — exhaustively for HS256,
//! sampled for the slower asymmetric algorithms. Changing the unused low bits of a
//! segment's last base64 character would decode to the same bytes; the decoder requires
//! canonical base64, so such tokens are rejected as well and no exception is needed.
//! Also: arbitrary `Authorization` header values never produce a 5xx.

use std::sync::LazyLock;

use jwt_extended::{Algorithm, JwtManager, SigningKey};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::support::{app, get, manager};

/// JSON values that survive a JSON round trip exactly (floats are dyadic fractions).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1_000_000i32..1_000_000).prop_map(|n| Value::from(f64::from(n) / 8.0)),
        "\\PC{0,16}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Claim names that never collide with the reserved ones (`x_` prefix).
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("x_[a-zA-Z0-9_]{1,10}", json_value(), 0..6).prop_map(|m| m.into_iter().collect())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().expect("a runtime")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn additional_claims_round_trip(extra in claims(), identity in "\\PC{1,24}") {
        let jwt = manager();
        let issued = jwt.access_token(&identity).claims(&extra).issue().unwrap();
        let decoded = jwt.decode_token(&issued.token).unwrap();
        prop_assert_eq!(decoded.claims.subject(), Some(identity.as_str()));
        for (name, value) in &extra {
            prop_assert_eq!(decoded.claims.get(name), Some(value));
        }
        prop_assert_eq!(decoded.claims.as_map().len(), extra.len() + 8);
    }

    #[test]
    fn identities_round_trip_over_http(identity in "\\PC{1,24}") {
        let jwt = manager();
        let token = jwt.create_access_token(&identity).unwrap();
        let reply = runtime().block_on(get("/protected").bearer(&token).send(&app(&jwt)));
        prop_assert_eq!(reply.status, 200);
        prop_assert_eq!(reply.sub(), Value::from(identity));
    }

    #[test]
    fn arbitrary_authorization_headers_are_4xx(value in prop::collection::vec(0x20u8..0x7f, 0..80), prefix in prop::bool::ANY) {
        let jwt = manager();
        let mut header = if prefix { b"Bearer ".to_vec() } else { Vec::new() };
        header.extend(value);
        let reply = runtime().block_on(get("/protected").header("authorization", &header).send(&app(&jwt)));
        prop_assert!(reply.status.is_client_error(), "{} for {:?}", reply.status, String::from_utf8_lossy(&header));
        prop_assert!(!reply.msg().is_empty());
    }
}

/// Every token that differs from `token` in exactly one byte, as printable ASCII.
fn single_byte_mutations(token: &str) -> impl Iterator<Item = String> + '_ {
    (0..token.len()).flat_map(move |i| {
        (0x21u8..0x7f).filter(move |b| *b != token.as_bytes()[i]).map(move |b| {
            let mut bytes = token.as_bytes().to_vec();
            bytes[i] = b;
            String::from_utf8(bytes).expect("ASCII")
        })
    })
}

#[test]
fn every_single_byte_change_of_an_hs256_token_is_rejected() {
    let jwt = manager();
    let token = jwt.create_access_token("alice").unwrap();
    let mut checked = 0;
    for mutated in single_byte_mutations(&token) {
        assert!(jwt.decode_token(&mutated).is_err(), "accepted a modified token: {mutated}");
        checked += 1;
    }
    assert_eq!(checked, token.len() * 93);
}

/// EdDSA and ES256 managers with one token each, built once.
static SIGNED: LazyLock<Vec<(JwtManager, String)>> = LazyLock::new(|| {
    let pairs: [(Algorithm, &[u8], &[u8]); 2] = [
        (
            Algorithm::EdDSA,
            include_bytes!("../fixtures/keys/ed25519-private.pem"),
            include_bytes!("../fixtures/keys/ed25519-public.pem"),
        ),
        (
            Algorithm::ES256,
            include_bytes!("../fixtures/keys/es256-a-private.pem"),
            include_bytes!("../fixtures/keys/es256-a-public.pem"),
        ),
    ];
    pairs
        .into_iter()
        .map(|(alg, private, public)| {
            let jwt = JwtManager::builder()
                .signing_key(SigningKey::from_pem(alg, private, public).unwrap())
                .build()
                .unwrap();
            let token = jwt.create_access_token("alice").unwrap();
            (jwt, token)
        })
        .collect()
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn single_byte_changes_of_asymmetric_tokens_are_rejected(index in any::<prop::sample::Index>(), byte in 0x21u8..0x7f) {
        for (jwt, token) in SIGNED.iter() {
            let i = index.index(token.len());
            prop_assume!(token.as_bytes()[i] != byte);
            let mut bytes = token.clone().into_bytes();
            bytes[i] = byte;
            let mutated = String::from_utf8(bytes).unwrap();
            prop_assert!(jwt.decode_token(&mutated).is_err(), "accepted {}", mutated);
        }
    }
}
