//! The structured variant of `decode_token`: fuzzed header and payload JSON, base64url
//! encoded and signed with the fuzz secret, so the fuzzer gets past the signature and
//! exercises header checks and claim validation. Asserts that what is accepted is exactly
//! the signed payload (plus FJE's default claims) and satisfies the claim invariants.
#![no_main]

use jwt_extended_fuzz::{HEADER_BEARER, decode_checked, signed};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|input: signed::SignedInput| {
    let token = input.to_token(jwt_extended_fuzz::now());
    let result = decode_checked(&HEADER_BEARER, &token.text);
    if token.duplicate_payload_key || token.duplicate_header_key {
        assert!(result.is_err(), "duplicate keys accepted: {}", token.text);
    }
    let Ok(decoded) = result else { return };
    let mut expected: Map<String, Value> = serde_json::from_slice(&token.payload).expect("accepted payload is JSON");
    expected.entry("type").or_insert_with(|| "access".into());
    expected.entry("fresh").or_insert(Value::Bool(false));
    expected.entry("jti").or_insert(Value::Null);
    assert_eq!(decoded.claims.as_map(), &expected);
    let header: Map<String, Value> = serde_json::from_slice(&token.header).expect("accepted header is JSON");
    assert_eq!(decoded.header(), &header);
});
